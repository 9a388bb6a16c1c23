// SPDX-License-Identifier: MIT
/* Hypervisor calls through hvc #0: SMCCC, PSCI and HV_CALL answers (lib/smccc_suite.c). */
#include "check.h"
#include "smccc_suite.h"

const char guest_name[] = "hvc";

int main(void)
{
	smccc_suite(SMCCC_HVC);
	return 0;
}

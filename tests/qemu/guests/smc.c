// SPDX-License-Identifier: MIT
/* smc #0 from the guest traps to the hypervisor and gets the same answers as hvc #0. */
#include "check.h"
#include "exception.h"
#include "smccc_suite.h"

const char guest_name[] = "smc";

int main(void)
{
	/* Without a hypervisor that traps it, SMC at EL1 is UNDEFINED here: say so once. */
	exc_expect(EXC_RESUME_DEFAULT);
	smc_call(SMCCC_VERSION, 0, 0, 0);
	exc_expect_none();
	if (!check_eq(exc_seen.count, 0, "smc: smc #0 traps to the hypervisor, not UNDEFINED"))
		guest_finish();

	smccc_suite(SMCCC_SMC);
	return 0;
}

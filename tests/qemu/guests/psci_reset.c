// SPDX-License-Identifier: MIT
/* PSCI SYSTEM_RESET: the VM stops and a single-VM run ends with status 0 (no reboot yet). */
#include "check.h"
#include "printf.h"
#include "smccc.h"

const char guest_name[] = "psci_reset";

int main(void)
{
	printf("psci_reset: calling PSCI SYSTEM_RESET\n");
	int64_t ret = hvc_call(PSCI_SYSTEM_RESET, 0, 0, 0);

	/* Only reached if the call returned: the QEMU case forbids this line. */
	printf("psci_reset: SYSTEM_RESET returned %ld\n", ret);
	hvc_call(HV_CALL_EXIT, 1, 0, 0);
	for (;;)
		asm volatile("wfi");
}

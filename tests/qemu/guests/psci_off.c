// SPDX-License-Identifier: MIT
/* PSCI SYSTEM_OFF: the VM stops and a single-VM run ends with status 0. */
#include "check.h"
#include "printf.h"
#include "smccc.h"

const char guest_name[] = "psci_off";

int main(void)
{
	printf("psci_off: calling PSCI SYSTEM_OFF\n");
	int64_t ret = hvc_call(PSCI_SYSTEM_OFF, 0, 0, 0);

	/* Only reached if the call returned: the QEMU case forbids this line. */
	printf("psci_off: SYSTEM_OFF returned %ld\n", ret);
	hvc_call(HV_CALL_EXIT, 1, 0, 0);
	for (;;)
		asm volatile("wfi");
}

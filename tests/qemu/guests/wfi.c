// SPDX-License-Identifier: MIT
/* WFI and WFE trap and return at once (docs/guest-abi.md, "Traps": no interrupt source yet). */
#include "check.h"
#include "printf.h"
#include "smccc.h"

const char guest_name[] = "wfi";

#define ROUNDS 10

int main(void)
{
	unsigned int done = 0;

	for (int i = 0; i < ROUNDS; i++) {
		asm volatile("wfe" : : : "memory");
		done++;
	}
	check_eq(done, ROUNDS, "wfi: %d x WFE returned", ROUNDS);

	/* Without a hypervisor nothing would ever wake a WFI here (no interrupt is set up):
	 * run it only where HV_CALL_VERSION answers. */
	if (hvc_call(HV_CALL_VERSION, 0, 0, 0) != 0x10000) {
		check_skip("no hypervisor: WFI would wait forever", "wfi: %d x WFI returned",
			   ROUNDS);
		return 0;
	}
	done = 0;
	for (int i = 0; i < ROUNDS; i++) {
		asm volatile("wfi" : : : "memory");
		done++;
	}
	check_eq(done, ROUNDS, "wfi: %d x WFI returned", ROUNDS);
	return 0;
}

// SPDX-License-Identifier: MIT
/* WFE completes at once; WFI waits for an interrupt and returns when one would be taken, even
 * with PSTATE.I masking it (docs/guest-abi.md, "Traps"). Each round arms the virtual timer,
 * sleeps in WFI with IRQs masked, then acknowledges the timer interrupt by polling the CPU
 * interface, as an idle loop that takes interrupts after waking does. */
#include "check.h"
#include "gic.h"
#include "gic_cpuif.h"
#include "printf.h"
#include "sysreg.h"
#include "timer.h"

const char guest_name[] = "wfi";

#define ROUNDS	     10
#define VTIMER_INTID 27
#define WAKE_TICKS   6250 /* 100 us at 62.5 MHz */

int main(void)
{
	unsigned int done = 0, early = 0, acked = 0;

	for (int i = 0; i < ROUNDS; i++) {
		asm volatile("wfe" : : : "memory");
		done++;
	}
	check_eq(done, ROUNDS, "wfi: %d x WFE returned", ROUNDS);

	/* The timer's PPI is enabled at the GIC but masked in PSTATE: WFI must still wake. */
	check(gic_init(), "wfi: GIC set up");
	gic_irq_setup(VTIMER_INTID, 0x80, false);
	asm volatile("msr daifset, #2" : : : "memory");
	done = 0;
	for (int i = 0; i < ROUNDS; i++) {
		uint64_t deadline = counter_read() + WAKE_TICKS;
		uint32_t intid;

		vtimer_write_cval(deadline);
		vtimer_write_ctl(CNTV_CTL_ENABLE);
		/* A WFI may also end early (any event may wake it): sleep until the interrupt. */
		do {
			asm volatile("dsb sy; wfi" : : : "memory");
			intid = gic_read_iar1();
		} while (intid == 1023 && counter_read() < deadline + 100 * WAKE_TICKS);
		early += counter_read() < deadline;
		vtimer_write_ctl(0);
		if (intid != 1023) {
			gic_write_eoir1(intid);
			acked += intid == VTIMER_INTID;
		}
		done++;
	}
	check_eq(done, ROUNDS, "wfi: %d x WFI returned", ROUNDS);
	check_eq(acked, ROUNDS, "wfi: each wake was the virtual timer's interrupt");
	check_eq(early, 0, "wfi: no wake before the timer's deadline");
	return 0;
}

// SPDX-License-Identifier: MIT
/* The EL2 physical timer (CNTHP, Arm ARM D11 "The Generic Timer"): the hypervisor's own tick.
 * Its output is a level-sensitive PPI (INTID 26 on QEMU virt, the host DTB's "hyp-phys"
 * timer interrupt): it stays asserted while the timer is enabled, unmasked and the counter is
 * at or past the deadline, so a handler re-arms or cancels it before deactivating. */
#include <hal/gic.h>
#include <hal/time.h>

#include "sysreg.h"

/* CNTHP_CTL_EL2: ENABLE set with IMASK clear lets the timer condition assert the PPI. */
#define CNTHP_CTL_ENABLE (1ULL << 0)

void hal_hyp_timer_arm(uint64_t deadline)
{
	/* The compare value first, so an old deadline already in the past cannot fire between
	 * the two writes. */
	write_sysreg(cnthp_cval_el2, deadline);
	write_sysreg(cnthp_ctl_el2, CNTHP_CTL_ENABLE);
	isb();
}

void hal_hyp_timer_cancel(void)
{
	/* ENABLE = 0 drops the output; the ISB makes that so before a following deactivate. */
	write_sysreg(cnthp_ctl_el2, 0);
	isb();
}

/* The EL1 physical timer, from EL2 (E2H = 0: CNTP_*_EL0 are the EL1 timer's registers). It
 * compares with the physical count, so core/ptimer.c gives it deadlines in that time. */
#define CNTP_CTL_ENABLE (1ULL << 0)

void hal_guest_ptimer_arm(uint64_t deadline)
{
	write_sysreg(cntp_cval_el0, deadline);
	write_sysreg(cntp_ctl_el0, CNTP_CTL_ENABLE);
	isb();
}

void hal_guest_ptimer_cancel(void)
{
	write_sysreg(cntp_ctl_el0, 0);
	isb();
}

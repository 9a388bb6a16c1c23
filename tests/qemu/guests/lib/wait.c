// SPDX-License-Identifier: MIT
/* Bounded waits for interrupts, with the virtual timer as the watchdog of WFI (wait.h). */
#include "wait.h"

#include <stddef.h>

#include "board.h"
#include "gic.h"
#include "irq.h"
#include "timer.h"

static bool watchdog_on;
static uint64_t armed; /* the deadline the watchdog is set for, 0 if none */

static void watchdog_arm(uint64_t deadline)
{
	armed = deadline;
	if (!deadline) {
		vtimer_write_ctl(0);
		return;
	}
	vtimer_write_cval(deadline);
	vtimer_write_ctl(CNTV_CTL_ENABLE);
}

/* The deadline passed: the timer's level output stays high until masked, so mask it; the
 * waiter then sees the time and gives up. */
static void watchdog_fired(uint32_t intid)
{
	vtimer_write_ctl(CNTV_CTL_ENABLE | CNTV_CTL_IMASK);
}

void wait_watchdog(bool on)
{
	watchdog_on = on;
	armed = 0;
	vtimer_write_ctl(0);
	if (on) {
		irq_register(GUEST_VTIMER_INTID, watchdog_fired);
		gic_irq_setup(GUEST_VTIMER_INTID, WAIT_WATCHDOG_PRIO, false);
	} else {
		gic_disable(GUEST_VTIMER_INTID);
		irq_register(GUEST_VTIMER_INTID, NULL);
	}
}

void wait_begin(struct wait *w, uint64_t timeout_us)
{
	w->daif = irq_save();
	w->over = false;
	w->deadline = counter_read() + timer_us_to_ticks(timeout_us);
	w->outer_deadline = armed;
	if (watchdog_on && (!armed || w->deadline < armed))
		watchdog_arm(w->deadline);
}

/* WFI only when something is sure to end it by the deadline: the virtual timer enabled,
 * unmasked and due by then (the watchdog, or the timer a test runs), its interrupt not
 * masked by ICC_PMR_EL1. Otherwise (the watchdog fired for an enclosing wait, or the timer
 * is the subject and masked) poll. */
static bool timer_wakes_by(uint64_t deadline)
{
	return (vtimer_read_ctl() & (CNTV_CTL_ENABLE | CNTV_CTL_IMASK)) == CNTV_CTL_ENABLE &&
	       vtimer_read_cval() <= deadline && gic_read_pmr() > WAIT_WATCHDOG_PRIO;
}

bool wait_step(struct wait *w)
{
	if (w->over)
		return false;
	w->over = counter_read() >= w->deadline;
	if (!w->over && timer_wakes_by(w->deadline))
		asm volatile("wfi" : : : "memory");
	/* Also after the deadline: an interrupt pending since before it counts. */
	irq_enable();
	irq_disable();
	return true;
}

void wait_end(struct wait *w)
{
	if (watchdog_on && armed != w->outer_deadline)
		watchdog_arm(w->outer_deadline);
	irq_restore(w->daif);
}

void wait_us(uint64_t us)
{
	wait_for(false, us);
}

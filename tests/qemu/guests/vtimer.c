// SPDX-License-Identifier: MIT
/* The EL1 virtual timer (CNTV_CTL/CVAL/TVAL_EL0, PPI 27) end to end: ISTATUS follows the
 * timer condition whatever IMASK says; IMASK and ENABLE=0 stop delivery; a timer that is
 * already expired fires at once; WFI wakes on it; as a 1 kHz periodic interrupt for 100 ms
 * it ticks 100 times, each tick after its deadline. The timer is the subject here, so it is
 * not the wait watchdog: waits sleep in WFI only while the timer under test is armed (a lost
 * tick would hang there, and the runner's timeout tell), and poll otherwise. */
#include "board.h"
#include "check.h"
#include "gic.h"
#include "irq.h"
#include "printf.h"
#include "timer.h"
#include "wait.h"

const char guest_name[] = "vtimer";

#define TIMER_PRIO  0x80
#define PERIOD_US   1000 /* 1 kHz */
#define RUN_US	    100000
#define TICKS_WANT  (RUN_US / PERIOD_US)
#define TICKS_SLACK 2
#define AT_ONCE_US  2000 /* "at once": by then, however slow the host */
#define QUIET_US    5000
/* QEMU updates ISTATUS only when its host timer callback runs, which lags CNTVCT by
 * milliseconds (tens on a loaded host): allow that much before calling ISTATUS wrong. */
#define ISTATUS_LAG_US 500000
#define SLOW_US	       1000000 /* bound of waits whose length the host's speed decides */
#define TVAL_TICKS     20
#define ADVANCE_READS  1000000 /* counter reads in which CNTVCT must move */

static uint64_t period; /* PERIOD_US in counter ticks */

/* What the handler saw. */
static volatile unsigned int ticks, stale;
static volatile uint64_t deadline, stop_at, last_arrival, max_late;
static volatile bool early, periodic, periodic_done, reload_tval;

#define CTL_FIRING (CNTV_CTL_ENABLE | CNTV_CTL_ISTATUS) /* enabled, not masked, expired */

static void timer_handler(uint32_t intid)
{
	uint64_t now = counter_read();
	uint64_t ctl = vtimer_read_ctl();

	/* Not a tick: the timer was masked, disabled or moved after the interrupt was signalled
	 * (one already on its way may still arrive; Linux's handler checks the same). */
	if ((ctl & (CTL_FIRING | CNTV_CTL_IMASK)) != CTL_FIRING) {
		stale++;
		return;
	}
	ticks++;
	last_arrival = now;
	if (now < deadline)
		early = true;
	else if (now - deadline > max_late)
		max_late = now - deadline;
	if (reload_tval) {
		/* Relative reload: any latency delays every later tick. */
		deadline = now + period;
		vtimer_write_tval((int32_t)period);
		return;
	}
	if (periodic && deadline + period <= stop_at) {
		/* Absolute reload: a late tick does not move the next one. */
		deadline += period;
		vtimer_write_cval(deadline);
		return;
	}
	periodic_done = periodic;
	/* Level-sensitive: the output stays high until the condition or IMASK changes. */
	vtimer_write_ctl(CNTV_CTL_ENABLE | CNTV_CTL_IMASK);
}

static void reset_stats(void)
{
	ticks = 0;
	stale = 0;
	early = false;
	periodic_done = false;
	max_late = 0;
}

static void check_registers(void)
{
	uint64_t t0 = counter_read(), t1 = t0;

	/* The counter may tick slower than reads come: two in a row can see the same count (on
	 * hardware, and always under -icount with a small shift). It must move within a bound. */
	for (unsigned int i = 0; i < ADVANCE_READS && t1 == t0; i++)
		t1 = counter_read();
	check_eq(timer_freq(), GUEST_CNTFRQ, "vtimer: CNTFRQ_EL0 is 62.5 MHz");
	check(t1 > t0, "vtimer: CNTVCT_EL0 advances (0x%lx then 0x%lx)", t0, t1);

	vtimer_write_ctl(CNTV_CTL_IMASK);
	uint64_t before = counter_read();

	vtimer_write_tval((int32_t)period);
	uint64_t after = counter_read();
	uint64_t cval = vtimer_read_cval();
	uint64_t read_from = counter_read();
	int32_t tval = vtimer_read_tval();
	uint64_t read_to = counter_read();

	check(cval >= before + period && cval <= after + period,
	      "vtimer: writing TVAL sets CVAL = CNTVCT + TVAL (0x%lx in [0x%lx, 0x%lx])", cval,
	      before + period, after + period);
	check((int64_t)tval >= (int64_t)(cval - read_to) &&
		  (int64_t)tval <= (int64_t)(cval - read_from),
	      "vtimer: TVAL reads CVAL - CNTVCT (%d)", tval);
}

/* Armed with IMASK: ISTATUS rises at the deadline, nothing is delivered or pending; clearing
 * IMASK on the expired timer delivers at once. */
static void check_istatus_and_imask(void)
{
	reset_stats();
	vtimer_write_cval(counter_read() + timer_us_to_ticks(10 * SLOW_US));
	vtimer_write_ctl(CNTV_CTL_ENABLE | CNTV_CTL_IMASK);
	check_eq(vtimer_read_ctl() & CNTV_CTL_ISTATUS, 0, "vtimer: ISTATUS is 0 before CVAL");
	deadline = counter_read() + period;
	vtimer_write_cval(deadline);

	irq_enable();
	wait_for(counter_read() >= deadline, 2 * PERIOD_US);
	check(vtimer_read_tval() < 0, "vtimer: TVAL is negative after the deadline (%d)",
	      vtimer_read_tval());
	bool istatus = wait_for(vtimer_read_ctl() & CNTV_CTL_ISTATUS, ISTATUS_LAG_US);
	uint64_t lag = counter_read() - deadline;

	wait_us(QUIET_US);
	irq_disable();
	check(istatus, "vtimer: ISTATUS becomes 1 once CVAL has passed, with IMASK set (%lu us)",
	      timer_ticks_to_us(lag));
	check(ticks + stale == 0 && !gic_is_pending(GUEST_VTIMER_INTID),
	      "vtimer: with IMASK set nothing is delivered and PPI 27 is not pending (%u)",
	      ticks + stale);

	uint64_t unmasked = counter_read();

	irq_enable();
	vtimer_write_ctl(CNTV_CTL_ENABLE);
	bool fired = wait_for(ticks > 0, AT_ONCE_US);

	irq_disable();
	check(fired, "vtimer: clearing IMASK on an expired timer delivers it at once (%lu us)",
	      timer_ticks_to_us(last_arrival - unmasked));
	check(stale == 0, "vtimer: ... and the handler sees ISTATUS = 1");
}

static void check_expired_on_arm(void)
{
	reset_stats();
	deadline = counter_read() - period;
	vtimer_write_cval(deadline);
	uint64_t armed = counter_read();

	irq_enable();
	vtimer_write_ctl(CNTV_CTL_ENABLE);
	bool fired = wait_for(ticks > 0, AT_ONCE_US);

	irq_disable();
	check(fired && ticks == 1,
	      "vtimer: a timer enabled with CVAL in the past fires at once, once (%u, %lu us)",
	      ticks, timer_ticks_to_us(last_arrival - armed));
}

/* WFI with IRQs masked wakes when the timer fires. If the timer never fires this sleeps
 * forever: the runner's timeout and the line below tell. */
static void check_wfi_wakes(void)
{
	reset_stats();
	printf("# vtimer: WFI until the virtual timer fires (a hang here: WFI never woke)\n");
	deadline = counter_read() + period;
	vtimer_write_cval(deadline);
	vtimer_write_ctl(CNTV_CTL_ENABLE);
	asm volatile("wfi" : : : "memory");
	uint64_t woke = counter_read();

	irq_enable();
	irq_disable();
	check(woke >= deadline && ticks == 1,
	      "vtimer: WFI wakes when the timer fires, not before (%ld us after the deadline)",
	      (int64_t)timer_ticks_to_us(woke - deadline));
}

static void check_periodic(void)
{
	reset_stats();
	uint64_t start = counter_read();

	deadline = start + period;
	stop_at = start + timer_us_to_ticks(RUN_US) + period / 2;
	periodic = true;
	vtimer_write_cval(deadline);
	vtimer_write_ctl(CNTV_CTL_ENABLE);
	irq_enable();
	/* The handler stops after the last deadline in the window: the count does not depend
	 * on how late the host delivers the final ticks. */
	wait_for(periodic_done, RUN_US + SLOW_US);
	irq_disable();
	periodic = false;
	vtimer_write_ctl(0);

	check(ticks >= TICKS_WANT - TICKS_SLACK && ticks <= TICKS_WANT + TICKS_SLACK,
	      "vtimer: 1 kHz for %u ms (CVAL += period) ticks %u times (want %u +- %u)",
	      RUN_US / 1000, ticks, TICKS_WANT, TICKS_SLACK);
	check(!early, "vtimer: every tick arrived at or after its deadline (latest %lu us late)",
	      timer_ticks_to_us(max_late));
	check_eq(stale, 0,
		 "vtimer: no delivery without the timer condition (ISTATUS = 1 each time)");
}

/* Relative reload: each deadline is a period after the previous tick's handler, so the
 * latency adds up; check the semantics (each tick a full period after the reload), not a
 * rate that depends on how fast the host is. */
static void check_periodic_tval(void)
{
	reset_stats();
	uint64_t start = counter_read();

	reload_tval = true;
	deadline = start + period;
	vtimer_write_tval((int32_t)period);
	vtimer_write_ctl(CNTV_CTL_ENABLE);
	irq_enable();
	bool done = wait_for(ticks >= TVAL_TICKS, TVAL_TICKS * PERIOD_US + SLOW_US);

	irq_disable();
	reload_tval = false;
	vtimer_write_ctl(0);
	uint64_t took = last_arrival - start;

	check(done && took >= TVAL_TICKS * period,
	      "vtimer: reloading TVAL in the handler: %u ticks took %lu us (at least %u)", ticks,
	      timer_ticks_to_us(took), TVAL_TICKS * PERIOD_US);
	check(!early && stale == 0,
	      "vtimer: ... each a full period after its reload, with ISTATUS = 1");
}

/* A running periodic timer: IMASK stops the ticks (the condition still shows in ISTATUS),
 * clearing it delivers the expired one at once; ENABLE = 0 stops them too. */
static void check_mask_stops_delivery(void)
{
	reset_stats();
	uint64_t start = counter_read();

	deadline = start + period;
	stop_at = ~0UL;
	periodic = true;
	vtimer_write_cval(deadline);
	vtimer_write_ctl(CNTV_CTL_ENABLE);
	irq_enable();
	wait_for(ticks >= 5, SLOW_US);

	vtimer_write_ctl(CNTV_CTL_ENABLE | CNTV_CTL_IMASK);
	unsigned int masked_at = ticks;

	wait_us(QUIET_US);
	wait_for(vtimer_read_ctl() & CNTV_CTL_ISTATUS, ISTATUS_LAG_US);
	unsigned int after_quiet = ticks;
	uint64_t ctl = vtimer_read_ctl();
	bool pending = gic_is_pending(GUEST_VTIMER_INTID);

	vtimer_write_ctl(CNTV_CTL_ENABLE);
	bool fired = wait_for(ticks > after_quiet, AT_ONCE_US);

	vtimer_write_ctl(0);
	unsigned int disabled_at = ticks;

	wait_us(QUIET_US);
	unsigned int after_disable = ticks;

	irq_disable();
	periodic = false;
	check(masked_at >= 5 && after_quiet == masked_at && stale <= 1,
	      "vtimer: IMASK stops a running periodic timer (%u ticks, then %u; %u in flight)",
	      masked_at, after_quiet - masked_at, stale);
	check((ctl & CNTV_CTL_ISTATUS) && !pending,
	      "vtimer: ... ISTATUS still 1, PPI 27 not pending (CTL 0x%lx, pending %d)", ctl,
	      pending);
	check(fired, "vtimer: clearing IMASK delivers the expired tick at once");
	check_eq(after_disable, disabled_at, "vtimer: ENABLE = 0 stops delivery");
}

int main(void)
{
	period = timer_us_to_ticks(PERIOD_US);
	check(irq_init(), "vtimer: GIC up (GICR_WAKER and RWP handshakes done)");
	wait_watchdog(false);
	vtimer_write_ctl(0);
	irq_register(GUEST_VTIMER_INTID, timer_handler);
	gic_irq_setup(GUEST_VTIMER_INTID, TIMER_PRIO, false);

	check_registers();
	check_istatus_and_imask();
	check_expired_on_arm();
	check_wfi_wakes();
	check_periodic();
	printf("# vtimer: latest periodic tick %lu us after its deadline\n",
	       timer_ticks_to_us(max_late));
	check_periodic_tval();
	check_mask_stops_delivery();

	vtimer_write_ctl(0);
	irq_check_clean();
	return 0;
}

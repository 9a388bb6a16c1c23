// SPDX-License-Identifier: MIT
/* The EL1 physical timer (CNTP_CTL/CVAL/TVAL_EL0, PPI 30), which the hypervisor emulates
 * (docs/guest-abi.md, "Board"), with two vCPUs on one pCPU (hv.vcpus=2): the physical count
 * is the virtual one; TVAL and CVAL agree; the timer fires at its deadline and not before;
 * IMASK holds it back and clearing IMASK on an expired timer delivers it at once; re-armed
 * from its handler it ticks 20 times at 1 kHz; disabled it stays quiet. Then vCPU 1 arms its
 * own timer and sleeps in WFI while vCPU 0 keeps the pCPU busy with a timer of its own: each
 * vCPU's timer fires once, into its own vCPU, at or after its own deadline, and vCPU 1's
 * while vCPU 0 still runs (it was switched out, and its deadline woke it). */
#include "board.h"
#include "check.h"
#include "gic.h"
#include "gic_cpuif.h"
#include "irq.h"
#include "smccc.h"
#include "timer.h"
#include "wait.h"

const char guest_name[] = "ptimer";

#define PSCI_CPU_ON_64	0xc4000003U
#define PSCI_CPU_OFF	0x84000002U
#define VCPU1_AFFINITY	1
#define GICR1_SGI_BASE	(GUEST_GICR_BASE + 0x20000 + GICR_SGI_BASE)
#define SECONDARY_STACK 4096
#define TIMER_PRIO	0x80
#define PERIOD_US	1000
#define TICKS_WANT	20
/* "At once": nothing else would deliver it later (no deadline to come), so a bound well above
 * the host's hiccups on a loaded machine (the latency is printed). */
#define AT_ONCE_US     100000
#define QUIET_US       5000
#define SLOW_US	       1000000
#define VCPU1_AFTER_US 20000 /* vCPU 1's deadline, from its arming */
#define VCPU0_AFTER_US 40000 /* vCPU 0's, from the same moment */
#define BUSY_US	       80000 /* vCPU 0 runs this long without a WFI */

#define CTL_FIRING (CNTV_CTL_ENABLE | CNTV_CTL_ISTATUS)

static uint64_t period;
static volatile unsigned ticks, stale;
static volatile uint64_t deadline, last_arrival, stop_at;
static volatile bool early, periodic;

static void timer_handler(uint32_t intid)
{
	uint64_t now = pcounter_read();

	if ((ptimer_read_ctl() & (CTL_FIRING | CNTV_CTL_IMASK)) != CTL_FIRING) {
		stale++;
		return;
	}
	ticks++;
	last_arrival = now;
	if (now < deadline)
		early = true;
	if (periodic && ticks < TICKS_WANT) {
		deadline += period;
		ptimer_write_cval(deadline);
		return;
	}
	/* A level: masked, it stays quiet until re-armed. */
	ptimer_write_ctl(CNTV_CTL_ENABLE | CNTV_CTL_IMASK);
}

static void reset_stats(void)
{
	ticks = 0;
	stale = 0;
	early = false;
	periodic = false;
}

static void check_counter_and_registers(void)
{
	uint64_t v0 = counter_read(), p = pcounter_read(), v1 = counter_read();

	check(p >= v0 && p <= v1,
	      "ptimer: CNTPCT_EL0 reads the virtual count (0x%lx in [0x%lx, 0x%lx])", p, v0, v1);
	ptimer_write_ctl(CNTV_CTL_IMASK);
	uint64_t before = pcounter_read();

	ptimer_write_tval((int32_t)period);
	uint64_t after = pcounter_read();
	uint64_t cval = ptimer_read_cval();

	check(cval >= before + period && cval <= after + period,
	      "ptimer: writing TVAL sets CVAL = CNTPCT + TVAL (0x%lx)", cval);
	uint64_t from = pcounter_read();
	int32_t tval = ptimer_read_tval();
	uint64_t to = pcounter_read();

	check((int64_t)tval >= (int64_t)(cval - to) && (int64_t)tval <= (int64_t)(cval - from),
	      "ptimer: TVAL reads CVAL - CNTPCT (%d)", tval);
	check_eq(ptimer_read_ctl(), CNTV_CTL_IMASK, "ptimer: CTL reads back IMASK, no ISTATUS");
}

static void check_fires(void)
{
	reset_stats();
	deadline = pcounter_read() + period;
	ptimer_write_cval(deadline);
	ptimer_write_ctl(CNTV_CTL_ENABLE);
	bool fired = wait_for(ticks > 0, SLOW_US);

	check(fired && ticks == 1 && !early && stale == 0,
	      "ptimer: fires once, not before its deadline (%u ticks, %u late us)", ticks,
	      (unsigned)timer_ticks_to_us(last_arrival - deadline));
	check(ptimer_read_ctl() & CNTV_CTL_ISTATUS, "ptimer: ISTATUS is 1 after the deadline");
}

static void check_imask(void)
{
	reset_stats();
	ptimer_write_ctl(CNTV_CTL_ENABLE | CNTV_CTL_IMASK);
	deadline = pcounter_read() + period;
	ptimer_write_cval(deadline);
	wait_us(QUIET_US);
	check(ticks + stale == 0 && !gic_is_pending(GUEST_PTIMER_INTID) &&
		  (ptimer_read_ctl() & CNTV_CTL_ISTATUS),
	      "ptimer: with IMASK, ISTATUS rises and nothing is delivered or pending (%u)",
	      ticks + stale);
	uint64_t unmasked = pcounter_read();

	ptimer_write_ctl(CNTV_CTL_ENABLE);
	bool fired = wait_for(ticks > 0, AT_ONCE_US);

	check(fired && stale == 0,
	      "ptimer: clearing IMASK on an expired timer delivers it at once (%lu us)",
	      timer_ticks_to_us(last_arrival - unmasked));
}

static void check_rearms(void)
{
	reset_stats();
	periodic = true;
	deadline = pcounter_read() + period;
	ptimer_write_cval(deadline);
	ptimer_write_ctl(CNTV_CTL_ENABLE);
	bool done = wait_for(ticks >= TICKS_WANT, SLOW_US + TICKS_WANT * PERIOD_US);

	wait_us(QUIET_US);
	check(done && ticks == TICKS_WANT && !early && stale == 0,
	      "ptimer: re-armed from its handler it ticks %u times, none early (%u, stale %u)",
	      TICKS_WANT, ticks, stale);
}

static void check_disabled(void)
{
	reset_stats();
	ptimer_write_cval(pcounter_read() + period);
	ptimer_write_ctl(0);
	wait_us(QUIET_US);
	check(ticks + stale == 0 && !gic_is_pending(GUEST_PTIMER_INTID) &&
		  !(ptimer_read_ctl() & CNTV_CTL_ISTATUS),
	      "ptimer: disabled, it stays quiet (ISTATUS 0, nothing pending)");
}

/* --- two vCPUs, one pCPU ------------------------------------------------------------------- */

static volatile uint32_t secondary_ready, secondary_took, secondary_fired;
static volatile uint64_t secondary_deadline, secondary_arrival, secondary_cntpct;

uint8_t ptimer_secondary_stack[SECONDARY_STACK] __attribute__((aligned(16)));
void ptimer_secondary_entry(void);
void ptimer_secondary_main(void);

__asm__(".pushsection .text.ptimer_secondary_entry, \"ax\"\n"
	".globl ptimer_secondary_entry\n"
	"ptimer_secondary_entry:\n"
	"	adrp	x1, ptimer_secondary_stack\n"
	"	add	x1, x1, :lo12:ptimer_secondary_stack\n"
	"	add	sp, x1, #4096\n"
	"	bl	ptimer_secondary_main\n"
	"1:	wfi\n"
	"	b	1b\n"
	".popsection\n");

/* vCPU 1: arms its timer for secondary_deadline and sleeps in WFI, IRQs masked, acknowledging
 * by hand what wakes it. */
void ptimer_secondary_main(void)
{
	uint32_t intid;

	gic_write_pmr(GIC_PRIO_IDLE);
	gic_write_grpen1(ICC_IGRPEN1_ENABLE);
	secondary_cntpct = pcounter_read();
	ptimer_write_cval(secondary_deadline);
	ptimer_write_ctl(CNTV_CTL_ENABLE);
	secondary_ready = 1;
	for (;;) {
		__asm__ volatile("dsb sy\n\twfi" : : : "memory");
		intid = gic_read_iar1();
		if (intid != GIC_INTID_SPURIOUS)
			break;
	}
	secondary_arrival = pcounter_read();
	secondary_fired = (ptimer_read_ctl() & CTL_FIRING) == CTL_FIRING;
	ptimer_write_ctl(CNTV_CTL_ENABLE | CNTV_CTL_IMASK);
	gic_write_eoir1(intid);
	secondary_took = intid;
	hvc_call(PSCI_CPU_OFF, 0, 0, 0);
}

static void gicr1_write(uint32_t off, uint32_t val)
{
	*(volatile uint32_t *)(GICR1_SGI_BASE + off) = val;
}

static void check_switched_out(void)
{
	uint64_t start, busy_end, vcpu0_seen_took = 0;
	int64_t ret;

	reset_stats();
	gicr1_write(GICR_IGROUPR0, ~0U);
	*(volatile uint8_t *)(GICR1_SGI_BASE + GICR_IPRIORITYR0 + GUEST_PTIMER_INTID) = TIMER_PRIO;
	gicr1_write(GICR_ISENABLER0, 1u << GUEST_PTIMER_INTID);

	start = pcounter_read();
	secondary_deadline = start + timer_us_to_ticks(VCPU1_AFTER_US);
	deadline = start + timer_us_to_ticks(VCPU0_AFTER_US);
	ret = hvc_call(PSCI_CPU_ON_64, VCPU1_AFFINITY, (uint64_t)ptimer_secondary_entry, 0);
	check_eq(ret, 0, "ptimer: CPU_ON starts vCPU 1");
	check(wait_for(secondary_ready, SLOW_US), "ptimer: vCPU 1 armed its timer, sleeps in WFI");
	check(secondary_cntpct >= start && secondary_cntpct - start < timer_us_to_ticks(SLOW_US),
	      "ptimer: vCPU 1 reads the same physical count (0x%lx, vCPU 0 0x%lx)",
	      secondary_cntpct, start);

	/* vCPU 0 arms its own timer and keeps the pCPU without a WFI, IRQs unmasked. */
	ptimer_write_cval(deadline);
	ptimer_write_ctl(CNTV_CTL_ENABLE);
	busy_end = pcounter_read() + timer_us_to_ticks(BUSY_US);
	irq_enable();
	while (pcounter_read() < busy_end) {
		if (!vcpu0_seen_took && secondary_took)
			vcpu0_seen_took = pcounter_read();
	}
	irq_disable();
	check(secondary_took == GUEST_PTIMER_INTID && secondary_fired,
	      "ptimer: vCPU 1 took its own timer's PPI %u (took %u)", GUEST_PTIMER_INTID,
	      secondary_took);
	check(secondary_arrival >= secondary_deadline && vcpu0_seen_took &&
		  vcpu0_seen_took < busy_end,
	      "ptimer: ... at or after its deadline, while vCPU 0 still ran (%lu us after it)",
	      timer_ticks_to_us(secondary_arrival - secondary_deadline));
	check(ticks == 1 && !early && stale == 0,
	      "ptimer: vCPU 0's timer fired once into vCPU 0, not before its deadline (%u)", ticks);
}

int main(void)
{
	period = timer_us_to_ticks(PERIOD_US);
	check(irq_init(), "ptimer: GIC up");
	gic_irq_setup(GUEST_PTIMER_INTID, TIMER_PRIO, false);
	irq_register(GUEST_PTIMER_INTID, timer_handler);
	check_counter_and_registers();
	check_fires();
	check_imask();
	check_rearms();
	check_disabled();
	check_switched_out();
	irq_check_clean();
	return 0;
}

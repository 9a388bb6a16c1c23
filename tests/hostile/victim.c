// SPDX-License-Identifier: MIT
/* The victim (vCPU 1): a checksum loop and a virtual timer ticking every VICTIM_TICK_US while
 * the attacker runs its attacks on vCPU 0. Each tick sleeps in WFI until the timer's interrupt
 * (taken by polling the CPU interface with IRQs masked), then counts it late if it came more
 * than VICTIM_LATE_US (one sibling's whole turn) after its deadline, measured on the virtual
 * counter. It reports to `victim` and turns itself off when the attacker says stop. */
#include "gic.h"
#include "gic_cpuif.h"
#include "gic_regs.h"
#include "hostile.h"
#include "smccc.h"
#include "sysreg.h"
#include "timer.h"

struct victim_report victim;

#define WORDS 512
static uint64_t work[WORDS];

/* This vCPU's redistributor: frame VICTIM_MPIDR. */
#define RD(off)	 (*(volatile uint32_t *)(GUEST_GICR_BASE + VICTIM_MPIDR * 0x20000UL + (off)))
#define SGI(off) RD(GICR_SGI_BASE + (off))

static bool gic_up(void)
{
	unsigned spins = 0;

	RD(GICR_WAKER) &= ~GICR_WAKER_PROCESSOR_SLEEP;
	while (RD(GICR_WAKER) & GICR_WAKER_CHILDREN_ASLEEP)
		if (++spins > 1000000)
			return false;
	SGI(GICR_IGROUPR0) |= 1U << GUEST_VTIMER_INTID;
	*(volatile uint8_t *)(GUEST_GICR_BASE + VICTIM_MPIDR * 0x20000UL + GICR_SGI_BASE +
			      GICR_IPRIORITYR0 + GUEST_VTIMER_INTID) = 0x80;
	SGI(GICR_ISENABLER0) = 1U << GUEST_VTIMER_INTID;
	gic_write_pmr(GIC_PRIO_IDLE);
	gic_write_grpen1(ICC_IGRPEN1_ENABLE);
	return true;
}

static uint64_t checksum(void)
{
	uint64_t sum = 0;

	for (unsigned i = 0; i < WORDS; i++)
		sum = (sum ^ work[i]) * 0x100000001b3UL;
	return sum;
}

void victim_main(void)
{
	uint64_t period = timer_us_to_ticks(VICTIM_TICK_US);
	uint64_t late_bound = timer_us_to_ticks(VICTIM_LATE_US), want;

	if (!gic_up()) {
		victim.state = VICTIM_GIC_FAILED;
		hvc_call(0x84000002U, 0, 0, 0); /* CPU_OFF */
	}
	for (unsigned i = 0; i < WORDS; i++)
		work[i] = i * 0x9e3779b97f4a7c15UL;
	want = checksum();
	victim.state = VICTIM_RUNNING;
	while (!victim.stop) {
		uint64_t deadline = counter_read() + period, now;
		uint32_t intid;

		vtimer_write_cval(deadline);
		vtimer_write_ctl(CNTV_CTL_ENABLE);
		victim.corrupt += checksum() != want;
		victim.sums++;
		do {
			asm volatile("dsb sy; wfi" : : : "memory");
			intid = gic_read_iar1();
		} while (intid == 1023 && counter_read() < deadline + 1000 * period);
		now = counter_read();
		vtimer_write_ctl(0);
		if (intid == 1023) {
			victim.lost++;
			continue;
		}
		gic_write_eoir1(intid);
		if (now < deadline) {
			victim.early++;
			continue;
		}
		victim.ticks++;
		victim.late += now - deadline > late_bound;
		if (now - deadline > victim.max_late_ticks)
			victim.max_late_ticks = now - deadline;
	}
	victim.state = VICTIM_DONE;
	hvc_call(0x84000002U, 0, 0, 0); /* CPU_OFF: does not return */
}

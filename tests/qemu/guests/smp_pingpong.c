// SPDX-License-Identifier: MIT
/* SGI round trips between vCPUs that share one pCPU (issue #12, docs/scheduling.md). vCPU 0
 * starts vCPUs 1-3 with PSCI CPU_ON; they wait in WFI for SGI 1 and answer it by bumping a
 * counter in memory. vCPU 0 sends each sibling an SGI in turn and spins on that counter, as a
 * kernel waiting for a cross-call does, PINGPONG_ROUNDS times. A scheduler that left the
 * target waiting for the end of the sender's slice would make a round trip last a slice
 * (10 ms); the check requires every one to end well inside a fifth of a slice. Run under
 * `-icount shift=0` the counter ticks every 16 instructions, so the printed figures are
 * instructions, deterministic run to run (`make bench`).
 * Prints "bench: sgi-roundtrip <round trips> <ticks> <cntfrq>" for tools/bench.py. */
#include "board.h"
#include "check.h"
#include "entry.h"
#include "gic.h"
#include "irq.h"
#include "printf.h"
#include "smccc.h"
#include "sysreg.h"
#include "wait.h"

const char guest_name[] = "smp_pingpong";

#define NR_VCPUS	4
#define PING_SGI	1
#define PING_PRIO	0x80
#define PINGPONG_ROUNDS 200
#define PSCI_CPU_ON_64	0xc4000003U
#define STARTUP_US	1000000
#define ANSWER_LIMIT_US 2000 /* a round trip must end well inside one 10 ms slice */
#define SIBLING_STACK	4096

static volatile uint32_t answered[NR_VCPUS];
static volatile uint32_t online[NR_VCPUS];
static uint8_t stacks[NR_VCPUS][SIBLING_STACK] __attribute__((aligned(16)));

/* A sibling starts at sibling_start (lib/sibling_entry.S), which calls sibling_main(). */
void sibling_start(void);
void sibling_main(void);
static unsigned self(void)
{
	return (unsigned)(read_sysreg(mpidr_el1) & 0xff);
}

static void answer(uint32_t intid)
{
	answered[self()]++;
}

static volatile uint32_t *gicr(unsigned cpu, uint32_t off)
{
	return (volatile uint32_t *)(GUEST_GICR_BASE + cpu * GICR_STRIDE + off);
}

/* This sibling's redistributor awake and SGI 1 enabled; its CPU interface open. */
void sibling_main(void)
{
	unsigned me = self();
	volatile uint8_t *prio = (volatile uint8_t *)gicr(me, GICR_SGI_BASE + GICR_IPRIORITYR0);

	*gicr(me, GICR_WAKER) &= ~GICR_WAKER_PROCESSOR_SLEEP;
	while (*gicr(me, GICR_WAKER) & GICR_WAKER_CHILDREN_ASLEEP)
		;
	*gicr(me, GICR_SGI_BASE + GICR_IGROUPR0) |= 1U << PING_SGI;
	prio[PING_SGI] = PING_PRIO;
	*gicr(me, GICR_SGI_BASE + GICR_ISENABLER0) = 1U << PING_SGI;
	gic_write_pmr(GIC_PRIO_IDLE);
	gic_write_bpr1(0);
	gic_write_ctlr(0);
	gic_write_grpen1(ICC_IGRPEN1_ENABLE);
	online[me] = 1;
	irq_enable();
	for (;;)
		__asm__ volatile("wfi" ::: "memory");
}

static bool start_siblings(void)
{
	bool ok = true;

	for (unsigned cpu = 1; cpu < NR_VCPUS; cpu++) {
		int64_t ret = hvc_call(PSCI_CPU_ON_64, cpu, (uint64_t)sibling_start,
				       (uint64_t)&stacks[cpu][SIBLING_STACK]);

		ok &= ret == 0;
	}
	wait_for(online[1] && online[2] && online[3], STARTUP_US);
	return ok && online[1] && online[2] && online[3];
}

/* One SGI to `cpu` and the spin until it answered: the ticks it took, or ~0 if never. */
static uint64_t round_trip(unsigned cpu)
{
	uint32_t before = answered[cpu];
	uint64_t limit = ANSWER_LIMIT_US * 100 * GUEST_CNTFRQ / 1000000; /* 100 ms: lost */
	uint64_t start = counter_read(), now = start;

	gic_write_sgi1r(((uint64_t)PING_SGI << ICC_SGIR_INTID_SHIFT) | (1UL << cpu));
	/* The answer may be there as soon as the SGI write returns: the hypervisor can run the
	 * target before the sender's next instruction. */
	/* YIELD in the spin, as Linux's cpu_relax() does: under -icount QEMU runs its CPUs one
	 * at a time and moves to the next only at a YIELD, a WFI or the end of a 100 ms budget,
	 * so without it a sibling on another pCPU could not run until then. */
	while (answered[cpu] == before && now - start < limit) {
		__asm__ volatile("yield" ::: "memory");
		now = counter_read();
	}
	now = counter_read();
	return answered[cpu] == before ? ~0UL : now - start;
}

/* PINGPONG_ROUNDS x each sibling; the worst round trip in *worst, the sum returned. */
static uint64_t rounds(unsigned n, uint64_t *worst, unsigned *lost)
{
	uint64_t total = 0;

	*worst = 0;
	for (unsigned r = 0; r < n; r++) {
		for (unsigned cpu = 1; cpu < NR_VCPUS; cpu++) {
			uint64_t t = round_trip(cpu);

			if (t == ~0UL) {
				(*lost)++;
				continue;
			}
			total += t;
			*worst = t > *worst ? t : *worst;
		}
	}
	return total;
}

int main(void)
{
	uint64_t limit = ANSWER_LIMIT_US * GUEST_CNTFRQ / 1000000;
	uint64_t total, worst;
	unsigned lost = 0;

	check(irq_init(), "smp_pingpong: GIC up");
	irq_register(PING_SGI, answer);
	check(start_siblings(), "smp_pingpong: PSCI CPU_ON started vCPUs 1-%u, each waits in WFI",
	      NR_VCPUS - 1);
	/* As a kernel waiting for a cross-call does: IRQs unmasked while it spins. */
	irq_enable();
	total = rounds(PINGPONG_ROUNDS, &worst, &lost);
	irq_disable();
	check_eq(lost, 0, "smp_pingpong: every one of %u SGIs to a sibling was answered",
		 PINGPONG_ROUNDS * (NR_VCPUS - 1));
	check(worst < limit, "smp_pingpong: every round trip took under %u us (worst %lu ticks)",
	      ANSWER_LIMIT_US, worst);
	printf("bench: sgi-roundtrip %u %lu %lu\n", PINGPONG_ROUNDS * (NR_VCPUS - 1), total,
	       read_sysreg(cntfrq_el0));
	return 0;
}

// SPDX-License-Identifier: MIT
/* The virtual PMUv3 (docs/guest-abi.md, "Performance monitors"), run under -icount so that
 * QEMU counts instructions, with two vCPUs on one pCPU (hv.vcpus=2): the PMU is in
 * ID_AA64DFR0_EL1 with counters and the common events; the cycle counter counts; an event
 * counter counts this vCPU's instructions and none of the hypervisor's (hypercalls inside the
 * window); an event counter and the cycle counter overflow into PPI 23, once each; and while
 * vCPU 0 sleeps switched out, vCPU 1's long spin on the same pCPU counts neither on vCPU 0's
 * counter nor in vCPU 1's PMU, which starts from reset. */
#include "board.h"
#include "check.h"
#include "gic.h"
#include "irq.h"
#include "smccc.h"
#include "sysreg.h"
#include "timer.h"
#include "wait.h"

const char guest_name[] = "pmu";

#define PSCI_CPU_ON_64	0xc4000003U
#define VCPU1_AFFINITY	1
#define SECONDARY_STACK 4096
#define PMU_INTID	23
#define PMU_PRIO	0x80
#define SLOW_US		1000000
#define SLEEP_US	20000

#define PMCR_E		(1UL << 0)
#define PMCR_P		(1UL << 1)
#define PMCR_C		(1UL << 2)
#define PMCR_LC		(1UL << 6)
#define PMCR_N(pmcr)	(((pmcr) >> 11) & 0x1f)
#define CYCLE_BIT	(1UL << 31)
#define EV_SW_INCR	0x00
#define EV_INST_RETIRED 0x08
#define EV_CPU_CYCLES	0x11
#define LOOP_ROUNDS	1000 /* two instructions each */
#define HVCS_IN_WINDOW	10
#define INSN_SLACK	400 /* the window's own EL1 instructions around the loop */

static volatile unsigned overflows;
static volatile uint64_t overflow_bits;

static void pmu_handler(uint32_t intid)
{
	uint64_t ovs = read_sysreg(pmovsclr_el0);

	overflows++;
	overflow_bits |= ovs;
	write_sysreg(pmovsclr_el0, ovs);
	isb();
}

static void spin_rounds(uint64_t rounds)
{
	__asm__ volatile("1:	subs	%0, %0, #1\n"
			 "	b.ne	1b\n"
			 : "+r"(rounds)
			 :
			 : "cc");
}

/* Wait for `cond` without WFI, IRQs unmasked: a vCPU in WFI is not running, so its cycles do
 * not count, and a sibling's progress (a flag in memory) would not wake it. */
#define poll_for(cond, timeout_us)                                              \
	({                                                                      \
		uint64_t end_ = counter_read() + timer_us_to_ticks(timeout_us); \
		bool done_;                                                     \
		irq_enable();                                                   \
		while (!(done_ = (cond)) && counter_read() < end_)              \
			spin_rounds(100);                                       \
		irq_disable();                                                  \
		done_;                                                          \
	})

static void check_id_and_pmcr(void)
{
	unsigned ver = (read_sysreg(id_aa64dfr0_el1) >> 8) & 0xf;
	uint64_t pmcr = read_sysreg(pmcr_el0), ceid0 = read_sysreg(pmceid0_el0);

	check(ver >= 1 && ver <= 4, "pmu: ID_AA64DFR0_EL1.PMUVer shows PMUv3 up to PMUv3p1 (%u)",
	      ver);
	check(PMCR_N(pmcr) >= 2, "pmu: PMCR_EL0.N = %lu event counters", PMCR_N(pmcr));
	check((ceid0 & (1UL << EV_SW_INCR)) && (ceid0 & (1UL << EV_INST_RETIRED)) &&
		  (ceid0 & (1UL << EV_CPU_CYCLES)),
	      "pmu: PMCEID0_EL0 lists SW_INCR, INST_RETIRED and CPU_CYCLES (0x%lx)", ceid0);
}

static void check_cycle_counter(void)
{
	write_sysreg(pmccfiltr_el0, 0); /* EL0 and EL1 */
	write_sysreg(pmcr_el0, PMCR_E | PMCR_LC | PMCR_C);
	write_sysreg(pmcntenset_el0, CYCLE_BIT);
	isb();
	uint64_t c0 = read_sysreg(pmccntr_el0);

	spin_rounds(LOOP_ROUNDS);
	uint64_t c1 = read_sysreg(pmccntr_el0);

	check(c1 > c0, "pmu: the cycle counter counts (%lu over %u loop rounds)", c1 - c0,
	      LOOP_ROUNDS);
	write_sysreg(pmcntenclr_el0, CYCLE_BIT);
	isb();
}

/* INST_RETIRED on counter 0 around a loop of a known length: this vCPU's own instructions. */
static uint64_t count_instructions(unsigned hvcs)
{
	write_sysreg(pmcntenclr_el0, 1);
	write_sysreg(pmselr_el0, 0);
	isb();
	write_sysreg(pmxevtyper_el0, EV_INST_RETIRED);
	write_sysreg(pmxevcntr_el0, 0);
	write_sysreg(pmcr_el0, PMCR_E | PMCR_LC);
	isb();
	write_sysreg(pmcntenset_el0, 1);
	isb();
	spin_rounds(LOOP_ROUNDS);
	for (unsigned i = 0; i < hvcs; i++)
		hvc_call(HV_CALL_VERSION, 0, 0, 0);
	write_sysreg(pmcntenclr_el0, 1);
	isb();
	return read_sysreg(pmxevcntr_el0);
}

static void check_instructions(void)
{
	uint64_t plain = count_instructions(0), with_hvcs = count_instructions(HVCS_IN_WINDOW);

	check(plain >= 2 * LOOP_ROUNDS && plain <= 2 * LOOP_ROUNDS + INSN_SLACK,
	      "pmu: INST_RETIRED counts the loop's %u instructions (%lu)", 2 * LOOP_ROUNDS, plain);
	check(with_hvcs >= plain && with_hvcs - plain <= INSN_SLACK,
	      "pmu: ... and none of the hypervisor's for %u hypercalls (%lu more)", HVCS_IN_WINDOW,
	      with_hvcs - plain);
}

static void check_overflow_irqs(void)
{
	overflows = 0;
	overflow_bits = 0;
	/* Counter 1 on SW_INCR at its last value: one PMSWINC wraps it. */
	write_sysreg(pmselr_el0, 1);
	isb();
	write_sysreg(pmxevtyper_el0, EV_SW_INCR);
	write_sysreg(pmxevcntr_el0, 0xffffffffUL);
	write_sysreg(pmintenset_el1, 2);
	write_sysreg(pmcntenset_el0, 2);
	write_sysreg(pmcr_el0, PMCR_E | PMCR_LC);
	isb();
	irq_enable();
	write_sysreg(pmswinc_el0, 2);
	isb();
	bool got = wait_for(overflows > 0, SLOW_US);

	irq_disable();
	check(got && overflows == 1 && overflow_bits == 2,
	      "pmu: an event counter's overflow arrives as PPI 23, once (%u, PMOVS 0x%lx)",
	      overflows, overflow_bits);
	write_sysreg(pmselr_el0, 1);
	isb();
	check(read_sysreg(pmxevcntr_el0) == 0 && read_sysreg(pmovsset_el0) == 0,
	      "pmu: ... the counter wrapped to 0, the flag is clear");
	write_sysreg(pmcntenclr_el0, 2);
	write_sysreg(pmintenclr_el1, 2);

	/* The cycle counter with 32-bit overflow (LC = 0) a few thousand cycles short of it. */
	overflows = 0;
	overflow_bits = 0;
	write_sysreg(pmcr_el0, PMCR_E);
	write_sysreg(pmccntr_el0, 0xffffffffUL - 5000);
	write_sysreg(pmintenset_el1, CYCLE_BIT);
	write_sysreg(pmcntenset_el0, CYCLE_BIT);
	isb();
	got = poll_for(overflows > 0, SLOW_US);
	write_sysreg(pmcntenclr_el0, CYCLE_BIT);
	write_sysreg(pmintenclr_el1, CYCLE_BIT);
	isb();
	check(got && overflows == 1 && overflow_bits == CYCLE_BIT,
	      "pmu: the cycle counter's overflow arrives as PPI 23, once (%u, PMOVS 0x%lx)",
	      overflows, overflow_bits);
}

/* --- vCPU 1 on the same pCPU --------------------------------------------------------------- */

static volatile uint32_t secondary_ready, secondary_stop, secondary_done;
static volatile uint64_t secondary_cnten, secondary_pmcr;

uint8_t pmu_secondary_stack[SECONDARY_STACK] __attribute__((aligned(16)));
void pmu_secondary_entry(void);
void pmu_secondary_main(void);

__asm__(".pushsection .text.pmu_secondary_entry, \"ax\"\n"
	".globl pmu_secondary_entry\n"
	"pmu_secondary_entry:\n"
	"	adrp	x1, pmu_secondary_stack\n"
	"	add	x1, x1, :lo12:pmu_secondary_stack\n"
	"	add	sp, x1, #4096\n"
	"	bl	pmu_secondary_main\n"
	"1:	wfi\n"
	"	b	1b\n"
	".popsection\n");

/* vCPU 1: looks at its own PMU, then spins until told to stop (no WFI: it keeps the pCPU
 * whenever vCPU 0 sleeps). */
void pmu_secondary_main(void)
{
	secondary_cnten = read_sysreg(pmcntenset_el0);
	secondary_pmcr = read_sysreg(pmcr_el0);
	secondary_ready = 1;
	while (!secondary_stop)
		spin_rounds(100);
	secondary_done = 1;
	for (;;)
		__asm__ volatile("wfi");
}

static void check_switched_out(void)
{
	int64_t ret;

	/* Counter 0 counts vCPU 0's instructions from here on. */
	write_sysreg(pmselr_el0, 0);
	isb();
	write_sysreg(pmxevtyper_el0, EV_INST_RETIRED);
	write_sysreg(pmxevcntr_el0, 0);
	write_sysreg(pmcr_el0, PMCR_E | PMCR_LC);
	write_sysreg(pmcntenset_el0, 1);
	isb();
	ret = hvc_call(PSCI_CPU_ON_64, VCPU1_AFFINITY, (uint64_t)pmu_secondary_entry, 0);
	check_eq(ret, 0, "pmu: CPU_ON starts vCPU 1");
	check(poll_for(secondary_ready, SLOW_US), "pmu: vCPU 1 runs");
	check(secondary_cnten == 0 && (secondary_pmcr & PMCR_E) == 0,
	      "pmu: vCPU 1's PMU starts from reset, not vCPU 0's (PMCNTENSET 0x%lx, PMCR 0x%lx)",
	      secondary_cnten, secondary_pmcr);

	/* Sleep: vCPU 1 spins on this pCPU meanwhile. */
	write_sysreg(pmselr_el0, 0);
	isb();
	uint64_t before = read_sysreg(pmxevcntr_el0);
	uint64_t t0 = counter_read();

	wait_us(SLEEP_US);
	uint64_t slept = counter_read() - t0;

	write_sysreg(pmselr_el0, 0);
	isb();
	uint64_t during = read_sysreg(pmxevcntr_el0) - before;

	secondary_stop = 1;
	check(poll_for(secondary_done, SLOW_US), "pmu: vCPU 1 spun while vCPU 0 slept");
	/* Under -icount one counter tick is 16 instructions: vCPU 1 retired about 16 * slept
	 * instructions on this pCPU in that time. */
	check(during < slept,
	      "pmu: vCPU 0's counter did not count vCPU 1's spin (%lu instructions while %lu ticks "
	      "passed)",
	      during, slept);
	write_sysreg(pmcntenclr_el0, 1);
	isb();
}

int main(void)
{
	check(irq_init(), "pmu: GIC up");
	gic_irq_setup(PMU_INTID, PMU_PRIO, false);
	irq_register(PMU_INTID, pmu_handler);
	check_id_and_pmcr();
	check_cycle_counter();
	check_instructions();
	check_overflow_irqs();
	check_switched_out();
	irq_check_clean();
	return 0;
}

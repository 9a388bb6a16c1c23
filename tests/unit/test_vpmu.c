// SPDX-License-Identifier: MIT
/* Tests of core/vpmu.c, the virtual PMUv3, as the guest sees it through trapped MSR/MRS
 * (core/trap_sysreg.c) on the simulated pCPU PMU (hal-sim/pmu_sim.c): ID_AA64DFR0_EL1.PMUVer
 * (absent, capped at PMUv3p1); PMCR_EL0 (N, the writable bits, C and P); the counter masks
 * limited to N counters and the cycle counter; counters past N UNDEFINED; event types with NSH
 * and M kept from the hardware; PMSELR/PMXEV*; the overflow interrupt on PPI 23 as a level,
 * the physical request held off while it is up; the state switched at put and load (counts
 * frozen while the vCPU is away, nothing left enabled for the next vCPU), and nothing at all
 * for a vCPU that never touched the PMU; reset. Before the vPMU every access was UNDEFINED. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include <core/arch.h>
#include <core/irq.h>
#include <core/sysreg.h>
#include <core/trap.h>
#include <core/vgic.h>
#include <core/vm.h>
#include <core/vpmu.h>
#include <hal-sim/sim_hal.h>
#include <hal/gic.h>
#include <hal/pmu.h>
#include <sim/sim.h>

#include "fixture.h"

#define VBAR	  (VM_RAM_BASE + 0x1000)
#define RT	  3
#define PPI_PHYS  23
#define PMUV3P1	  4
#define CYCLE_BIT (1ULL << 31)
#define ALL_SIX	  0x3fULL

static struct sim_machine m;
static struct vcpu *v;

static void set_cpu_pmuver(unsigned ver)
{
	sim_hal.id_regs[5][0] = (uint64_t)ver << 8;
}

static int setup(void **state)
{
	static const struct irq_config irqs = {.maintenance = VGIC_PPI_MAINTENANCE,
					       .vtimer = VGIC_PPI_VTIMER,
					       .hyp_timer = 26,
					       .pmu = PPI_PHYS};

	v = fixture_nop_machine(&m);
	v->ctx.el1[HAL_VBAR_EL1] = VBAR;
	v->state = VCPU_RUNNING;
	fixture_vcpus_loaded_here(m.vm);
	vgic_init(m.vm, 64);
	set_cpu_pmuver(PMUV3P1);
	sim_hal.pmu.counters = 6;
	sim_hal.pmu.ceid0 = 0x7fff0f3fULL;
	sim_hal.pmu.ceid1 = 0x1234ULL;
	sim_hal.pmu.pmcr = 0x41020000ULL; /* IMP and IDCODE */
	assert_int_equal(hal_gic_cpu_init(), 0);
	irq_init(&irqs);
	irq_cpu_init();
	return 0;
}

static int teardown(void **state)
{
	sim_machine_destroy(&m);
	return 0;
}

static bool undef_of(uint32_t reg, bool read, uint64_t val)
{
	uint64_t undefs = v->stats.undef_injected, pc = v->ctx.pc, pstate = v->ctx.pstate;

	v->ctx.x[RT] = val;
	trap_sysreg(v, sim_esr_sysreg(SYSREG_OP0(reg), SYSREG_OP1(reg), SYSREG_CRN(reg),
				      SYSREG_CRM(reg), SYSREG_OP2(reg), RT, read));
	if (v->stats.undef_injected == undefs)
		return false;
	/* Back at the instruction, as if the guest's handler had returned: the next probe is
	 * not taken at the vector. */
	assert_int_equal(v->ctx.el1[HAL_ELR_EL1], pc);
	v->ctx.pc = pc;
	v->ctx.pstate = pstate;
	return true;
}

static uint64_t mrs(uint32_t reg)
{
	assert_false(undef_of(reg, true, 0));
	return v->ctx.x[RT];
}

static void msr(uint32_t reg, uint64_t val)
{
	assert_false(undef_of(reg, false, val));
}

#define PMCR	     SYSREG(3, 3, 9, 12, 0)
#define PMCNTENSET   SYSREG(3, 3, 9, 12, 1)
#define PMCNTENCLR   SYSREG(3, 3, 9, 12, 2)
#define PMOVSCLR     SYSREG(3, 3, 9, 12, 3)
#define PMSWINC	     SYSREG(3, 3, 9, 12, 4)
#define PMSELR	     SYSREG(3, 3, 9, 12, 5)
#define PMCEID0	     SYSREG(3, 3, 9, 12, 6)
#define PMCEID1	     SYSREG(3, 3, 9, 12, 7)
#define PMCCNTR	     SYSREG(3, 3, 9, 13, 0)
#define PMXEVTYPER   SYSREG(3, 3, 9, 13, 1)
#define PMXEVCNTR    SYSREG(3, 3, 9, 13, 2)
#define PMUSERENR    SYSREG(3, 3, 9, 14, 0)
#define PMINTENSET   SYSREG(3, 0, 9, 14, 1)
#define PMINTENCLR   SYSREG(3, 0, 9, 14, 2)
#define PMOVSSET     SYSREG(3, 3, 9, 14, 3)
#define PMMIR	     SYSREG(3, 0, 9, 14, 6)
#define PMEVCNTR(n)  SYSREG(3, 3, 14, 8 + (n) / 8, (n) % 8)
#define PMEVTYPER(n) SYSREG(3, 3, 14, 12 + (n) / 8, (n) % 8)
#define PMCCFILTR    PMEVTYPER(31)

static bool line(void)
{
	return v->vgic.private_irqs[VGIC_PPI_PMU].line;
}

static void test_vpmu_absent_without_a_cpu_pmu(void **state)
{
	set_cpu_pmuver(0);
	assert_true(undef_of(PMCR, true, 0));
	assert_true(undef_of(PMCCNTR, true, 0));
	assert_int_equal((id_reg_guest_value(5, 0) >> 8) & 0xf, 0);
	assert_false(v->pmu.used);
	/* IMPLEMENTATION DEFINED PMUs are not PMUv3. */
	set_cpu_pmuver(0xf);
	assert_true(undef_of(PMCR, true, 0));
	assert_int_equal((id_reg_guest_value(5, 0) >> 8) & 0xf, 0);
}

static void test_vpmu_version_is_capped_at_pmuv3p1(void **state)
{
	set_cpu_pmuver(1);
	assert_int_equal((id_reg_guest_value(5, 0) >> 8) & 0xf, 1);
	set_cpu_pmuver(PMUV3P1);
	assert_int_equal((id_reg_guest_value(5, 0) >> 8) & 0xf, PMUV3P1);
	set_cpu_pmuver(7); /* PMUv3p7 */
	assert_int_equal((id_reg_guest_value(5, 0) >> 8) & 0xf, PMUV3P1);
}

static void test_vpmu_pmcr_shows_n_and_keeps_the_writable_bits(void **state)
{
	sim_hal.pmu.count[0] = 5;
	sim_hal.pmu.count[31] = 7;
	msr(PMCR, ~0ULL);
	/* E, D, DP, LC kept; X, LP and the rest dropped; C and P reset the counters. */
	assert_int_equal(mrs(PMCR), 0x41020000ULL | 6ULL << 11 | 0x69ULL);
	assert_int_equal(sim_hal.pmu.count[0], 0);
	assert_int_equal(sim_hal.pmu.count[31], 0);
	assert_int_equal(sim_hal.pmu.pmcr & 0x69ULL, 0x69ULL);
}

static void test_vpmu_first_access_clears_what_the_hardware_held(void **state)
{
	sim_hal.pmu.cnten = ALL_SIX;
	sim_hal.pmu.inten = ALL_SIX;
	sim_hal.pmu.ovs = 1;
	sim_hal.pmu.count[2] = 99;
	assert_int_equal(mrs(PMCNTENSET), 0);
	assert_true(v->pmu.used);
	assert_int_equal(sim_hal.pmu.cnten, 0);
	assert_int_equal(sim_hal.pmu.inten, 0);
	assert_int_equal(sim_hal.pmu.ovs, 0);
	assert_int_equal(mrs(PMEVCNTR(2)), 0);
}

static void test_vpmu_masks_cover_n_counters_and_the_cycle_counter(void **state)
{
	msr(PMCNTENSET, ~0ULL);
	assert_int_equal(mrs(PMCNTENSET), ALL_SIX | CYCLE_BIT);
	assert_int_equal(sim_hal.pmu.cnten, ALL_SIX | CYCLE_BIT);
	msr(PMCNTENCLR, 1);
	assert_int_equal(mrs(PMCNTENCLR), 0x3eULL | CYCLE_BIT);
	msr(PMINTENSET, ~0ULL);
	assert_int_equal(mrs(PMINTENCLR), ALL_SIX | CYCLE_BIT);
	msr(PMOVSSET, ~0ULL);
	assert_int_equal(mrs(PMOVSSET), ALL_SIX | CYCLE_BIT);
}

static void test_vpmu_counters_past_n_are_undefined(void **state)
{
	msr(PMEVCNTR(5), 0x123456789ULL);
	assert_int_equal(mrs(PMEVCNTR(5)), 0x23456789ULL); /* 32-bit event counters */
	assert_true(undef_of(PMEVCNTR(6), true, 0));
	assert_true(undef_of(PMEVTYPER(6), false, 0));
	assert_true(undef_of(PMEVCNTR(30), true, 0));
	/* PMEVCNTR31 is no register; PMCCNTR is 64 bits. */
	assert_true(undef_of(PMEVCNTR(31), true, 0));
	msr(PMCCNTR, 0x123456789ULL);
	assert_int_equal(mrs(PMCCNTR), 0x123456789ULL);
}

static void test_vpmu_event_types_never_count_el2_or_el3(void **state)
{
	/* P, U, NSK, NSU, NSH, M and evtCount 0x11 (CPU_CYCLES) plus high junk. */
	msr(PMEVTYPER(1), 0xfc00ffffULL);
	assert_int_equal(mrs(PMEVTYPER(1)), 0xf000ffffULL);
	assert_int_equal(sim_hal.pmu.type[1], 0xf000ffffULL);
	msr(PMCCFILTR, ~0ULL);
	assert_int_equal(mrs(PMCCFILTR), 0xf0000000ULL);
	assert_int_equal(sim_hal.pmu.type[31], 0xf0000000ULL);
	/* Before PMUv3p1 evtCount has 10 bits. */
	set_cpu_pmuver(1);
	msr(PMEVTYPER(0), 0xffffULL);
	assert_int_equal(mrs(PMEVTYPER(0)), 0x3ffULL);
}

static void test_vpmu_selected_counter_through_pmselr(void **state)
{
	msr(PMSELR, 0xffe3ULL);
	assert_int_equal(mrs(PMSELR), 3);
	msr(PMXEVTYPER, 0x8ULL); /* INST_RETIRED */
	msr(PMXEVCNTR, 41);
	assert_int_equal(mrs(PMEVTYPER(3)), 0x8ULL);
	assert_int_equal(mrs(PMEVCNTR(3)), 41);
	/* SEL 31: PMXEVTYPER is PMCCFILTR, PMXEVCNTR reads 0 and ignores writes. */
	msr(PMSELR, 31);
	msr(PMXEVTYPER, 0x80000000ULL);
	assert_int_equal(mrs(PMCCFILTR), 0x80000000ULL);
	sim_hal.pmu.count[31] = 77;
	msr(PMXEVCNTR, 5);
	assert_int_equal(mrs(PMXEVCNTR), 0);
	assert_int_equal(sim_hal.pmu.count[31], 77);
	/* A selector past N: the same. */
	msr(PMSELR, 9);
	msr(PMXEVCNTR, 5);
	assert_int_equal(mrs(PMXEVCNTR), 0);
	assert_int_equal(mrs(PMXEVTYPER), 0);
}

static void test_vpmu_read_only_write_only_and_absent_registers(void **state)
{
	assert_int_equal(mrs(PMCEID0), 0x7fff0f3fULL);
	assert_int_equal(mrs(PMCEID1), 0x1234ULL);
	assert_true(undef_of(PMCEID0, false, 0));
	assert_true(undef_of(PMSWINC, true, 0));
	assert_true(undef_of(PMMIR, true, 0));
	msr(PMUSERENR, ~0ULL);
	assert_int_equal(mrs(PMUSERENR), 0xf);
	assert_int_equal(sim_hal.pmu.userenr, 0xf);
}

/* PMSWINC is emulated: the hardware's would count only if counting were allowed at EL2. */
static void test_vpmu_software_increment_steps_enabled_sw_incr_counters(void **state)
{
	msr(PMEVTYPER(0), 0x00);	  /* SW_INCR */
	msr(PMEVTYPER(1), 0x08);	  /* INST_RETIRED: not stepped */
	msr(PMEVTYPER(2), 0x80000000ULL); /* SW_INCR, not at EL1 (P) */
	msr(PMEVTYPER(3), 0x00);	  /* SW_INCR, not enabled */
	msr(PMCNTENSET, 0x7ULL | CYCLE_BIT);
	msr(PMINTENSET, 1);
	msr(PMEVCNTR(0), 0xfffffffeULL);
	msr(PMSWINC, ~0ULL);
	assert_int_equal(mrs(PMEVCNTR(0)), 0xfffffffeULL); /* PMCR.E clear: nothing counts */
	msr(PMCR, 1);
	msr(PMSWINC, ~0ULL);
	assert_int_equal(mrs(PMEVCNTR(0)), 0xffffffffULL);
	assert_false(line());
	msr(PMSWINC, ~0ULL);
	assert_int_equal(mrs(PMEVCNTR(0)), 0);
	assert_int_equal(mrs(PMEVCNTR(1)), 0);
	assert_int_equal(mrs(PMEVCNTR(2)), 0);
	assert_int_equal(mrs(PMEVCNTR(3)), 0);
	/* The wrap sets the overflow flag, and the interrupt with it. */
	assert_int_equal(mrs(PMOVSSET), 1);
	assert_true(line());
	msr(PMSWINC, 1);
	assert_int_equal(mrs(PMEVCNTR(0)), 1);
}

static void test_vpmu_overflow_raises_ppi_23_and_holds_off_the_physical_one(void **state)
{
	msr(PMINTENSET, 1ULL | CYCLE_BIT);
	assert_int_equal(sim_hal.pmu.inten, 1ULL | CYCLE_BIT);
	assert_false(line());
	/* Counter 0 overflows: the physical PPI comes while the vCPU runs. */
	sim_hal.pmu.ovs |= 1;
	sim_gic_raise(PPI_PHYS);
	irq_handle_physical(v);
	assert_true(line());
	assert_true(vgic_irq_pending(&v->vgic.private_irqs[VGIC_PPI_PMU]));
	assert_int_equal(sim_hal.pmu.inten, 0);
	assert_false(sim_hal.gic.active[PPI_PHYS]);
	/* The guest reads and clears the flag: down, the request enabled again. */
	assert_int_equal(mrs(PMOVSCLR), 1);
	msr(PMOVSCLR, 1);
	assert_false(line());
	assert_int_equal(sim_hal.pmu.inten, 1ULL | CYCLE_BIT);
	/* An overflow whose interrupt is disabled raises nothing. */
	msr(PMOVSSET, 2);
	assert_false(line());
	msr(PMINTENSET, 2);
	assert_true(line());
	msr(PMINTENCLR, 2);
	assert_false(line());
}

static void test_vpmu_counts_only_while_loaded(void **state)
{
	msr(PMEVTYPER(0), 0x8);
	msr(PMEVCNTR(0), 100);
	msr(PMCCNTR, 1000);
	msr(PMCNTENSET, 1ULL | CYCLE_BIT);
	msr(PMINTENSET, 1);
	msr(PMUSERENR, 1);
	msr(PMCR, 1);		    /* E */
	sim_hal.pmu.count[0] = 150; /* it ran */
	sim_hal.pmu.ovs = 4;
	vpmu_put(v);
	atomic_store(&v->loaded_on, 0);
	/* Nothing is left counting or signalling for whoever runs next. */
	assert_int_equal(sim_hal.pmu.cnten, 0);
	assert_int_equal(sim_hal.pmu.inten, 0);
	assert_int_equal(sim_hal.pmu.ovs, 0);
	assert_int_equal(sim_hal.pmu.userenr, 0);
	assert_int_equal(sim_hal.pmu.pmcr & 1, 0);
	/* Another vCPU's counting moves the hardware, not this vCPU's counts. */
	sim_hal.pmu.count[0] = 5000;
	sim_hal.pmu.count[31] = 9000;
	fixture_vcpus_loaded_here(m.vm);
	vpmu_load(v);
	assert_int_equal(mrs(PMEVCNTR(0)), 150);
	assert_int_equal(mrs(PMCCNTR), 1000);
	assert_int_equal(sim_hal.pmu.cnten, 1ULL | CYCLE_BIT);
	assert_int_equal(sim_hal.pmu.inten, 1);
	assert_int_equal(sim_hal.pmu.ovs, 4);
	assert_int_equal(sim_hal.pmu.userenr, 1);
	assert_int_equal(sim_hal.pmu.pmcr & 1, 1);
	assert_int_equal(sim_hal.pmu.type[0], 0x8);
}

static void test_vpmu_unused_pmu_costs_nothing_at_load_and_put(void **state)
{
	sim_hal.pmu.cnten = ALL_SIX;
	sim_hal.pmu.count[0] = 3;
	vpmu_put(v);
	vpmu_load(v);
	assert_int_equal(sim_hal.pmu.cnten, ALL_SIX);
	assert_int_equal(sim_hal.pmu.count[0], 3);
	/* A stray overflow PPI: its request is turned off, nothing reaches the guest. */
	sim_hal.pmu.inten = ALL_SIX;
	sim_gic_raise(PPI_PHYS);
	irq_handle_physical(v);
	assert_int_equal(sim_hal.pmu.inten, 0);
	assert_false(line());
	assert_false(v->pmu.used);
}

static void test_vpmu_reset_drops_the_line_and_the_state(void **state)
{
	msr(PMINTENSET, 1);
	msr(PMOVSSET, 1);
	assert_true(line());
	vpmu_reset(v);
	assert_false(line());
	assert_false(v->pmu.used);
	assert_int_equal(mrs(PMINTENSET), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
	    T(test_vpmu_absent_without_a_cpu_pmu),
	    T(test_vpmu_version_is_capped_at_pmuv3p1),
	    T(test_vpmu_pmcr_shows_n_and_keeps_the_writable_bits),
	    T(test_vpmu_first_access_clears_what_the_hardware_held),
	    T(test_vpmu_masks_cover_n_counters_and_the_cycle_counter),
	    T(test_vpmu_counters_past_n_are_undefined),
	    T(test_vpmu_event_types_never_count_el2_or_el3),
	    T(test_vpmu_selected_counter_through_pmselr),
	    T(test_vpmu_read_only_write_only_and_absent_registers),
	    T(test_vpmu_software_increment_steps_enabled_sw_incr_counters),
	    T(test_vpmu_overflow_raises_ppi_23_and_holds_off_the_physical_one),
	    T(test_vpmu_counts_only_while_loaded),
	    T(test_vpmu_unused_pmu_costs_nothing_at_load_and_put),
	    T(test_vpmu_reset_drops_the_line_and_the_state),
#undef T
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

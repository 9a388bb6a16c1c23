// SPDX-License-Identifier: MIT
/* Tests of core/ptimer.c: the emulated EL1 physical timer as the guest sees it through trapped
 * MSR/MRS (core/trap_sysreg.c): CNTPCT_EL0 offset by the VM's CNTVOFF as the virtual count is,
 * CTL/CVAL/TVAL semantics, the level on PPI 30 following the output (fires, masks, re-arms,
 * disables), the pCPU's EL1 physical timer lent to the loaded vCPU (armed only while the
 * output is still to rise, stopped at put, re-armed at load), the deadline that wakes a blocked
 * vCPU, and a reset dropping the line. Before the emulation every access was UNDEFINED. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include <core/arch.h>
#include <core/irq.h>
#include <core/ptimer.h>
#include <core/trap.h>
#include <core/vgic.h>
#include <core/vm.h>
#include <hal-sim/sim_hal.h>
#include <hal/gic.h>
#include <sim/sim.h>

#include "fixture.h"

#define ENTRY	   (VM_RAM_BASE + IMAGE_RAW_OFFSET)
#define CNTVOFF	   1000000ULL
#define CTL_ENABLE 1ULL
#define CTL_IMASK  2ULL
#define CTL_STATUS 4ULL
#define PPI_PHYS   30 /* the pCPU's EL1 physical timer, as QEMU virt's DTB names it */
#define RT	   5  /* the register the guest's MSR/MRS names */

static struct sim_machine m;
static struct vcpu *v;

static int setup(void **state)
{
	static const struct irq_config irqs = {.maintenance = VGIC_PPI_MAINTENANCE,
					       .vtimer = VGIC_PPI_VTIMER,
					       .hyp_timer = 26,
					       .ptimer = PPI_PHYS};

	v = fixture_nop_machine(&m);
	v->ctx.cntvoff = CNTVOFF;
	v->state = VCPU_RUNNING;
	fixture_vcpus_loaded_here(m.vm);
	vgic_init(m.vm, 64);
	sim_hal.counter = CNTVOFF + 100;
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

/* CNTPCT_EL0 is S3_3_C14_C0_1; CNTP_TVAL/CTL/CVAL_EL0 are S3_3_C14_C2_0/1/2. */
static uint64_t mrs(unsigned crm, unsigned op2)
{
	uint64_t pc = v->ctx.pc;

	trap_sysreg(v, sim_esr_sysreg(3, 3, 14, crm, op2, RT, true));
	assert_int_equal(v->ctx.pc, pc + 4);
	return v->ctx.x[RT];
}

static void msr(unsigned crm, unsigned op2, uint64_t val)
{
	uint64_t pc = v->ctx.pc;

	v->ctx.x[RT] = val;
	trap_sysreg(v, sim_esr_sysreg(3, 3, 14, crm, op2, RT, false));
	assert_int_equal(v->ctx.pc, pc + 4);
}

#define CNTPCT()    mrs(0, 1)
#define TVAL()	    mrs(2, 0)
#define CTL()	    mrs(2, 1)
#define CVAL()	    mrs(2, 2)
#define SET_TVAL(x) msr(2, 0, (x))
#define SET_CTL(x)  msr(2, 1, (x))
#define SET_CVAL(x) msr(2, 2, (x))

static bool line(void)
{
	return v->vgic.private_irqs[VGIC_PPI_PTIMER].line;
}

static void test_ptimer_cntpct_is_the_virtual_count(void **state)
{
	sim_hal.counter = CNTVOFF + 12345;
	assert_int_equal(CNTPCT(), 12345);
	/* CNTPCTSS_EL0 (FEAT_ECV) reads the same. */
	assert_int_equal(mrs(0, 5), 12345);
	assert_int_equal(v->stats.undef_injected, 0);
}

static void test_ptimer_cntpct_write_is_undefined(void **state)
{
	v->ctx.el1[HAL_VBAR_EL1] = VM_RAM_BASE + 0x1000;
	v->ctx.x[RT] = 7;
	trap_sysreg(v, sim_esr_sysreg(3, 3, 14, 0, 1, RT, false));
	assert_int_equal(v->stats.undef_injected, 1);
	assert_int_equal(v->ctx.el1[HAL_ELR_EL1], ENTRY);
}

static void test_ptimer_tval_is_cval_minus_count(void **state)
{
	sim_hal.counter = CNTVOFF + 1000;
	SET_TVAL(500);
	assert_int_equal(CVAL(), 1500);
	sim_hal.counter = CNTVOFF + 1200;
	assert_int_equal(TVAL(), 300);
	/* Negative once past, as a signed 32-bit value; the upper half reads 0. */
	sim_hal.counter = CNTVOFF + 1600;
	assert_int_equal(TVAL(), 0xffffff9cULL);
	/* A negative TVAL writes a CVAL in the past (sign-extended from bit 31). */
	SET_TVAL(0xffffffffULL); /* -1 */
	assert_int_equal(CVAL(), 1599);
}

static void test_ptimer_ctl_keeps_enable_and_imask_and_computes_istatus(void **state)
{
	SET_CVAL(5000);
	SET_CTL(~0ULL);
	assert_int_equal(CTL(), CTL_ENABLE | CTL_IMASK); /* count 100 < CVAL */
	sim_hal.counter = CNTVOFF + 5000;
	assert_int_equal(CTL(), CTL_ENABLE | CTL_IMASK | CTL_STATUS);
	/* Disabled: ISTATUS reads 0. */
	SET_CTL(CTL_IMASK);
	assert_int_equal(CTL(), CTL_IMASK);
}

static void test_ptimer_armed_timer_lends_the_pcpu_timer_its_deadline(void **state)
{
	SET_CVAL(5000);
	SET_CTL(CTL_ENABLE);
	assert_true(sim_hal.gic.guest_ptimer_armed);
	assert_int_equal(sim_hal.gic.guest_ptimer_deadline, CNTVOFF + 5000);
	assert_int_equal(ptimer_deadline(v), CNTVOFF + 5000);
	assert_false(line());
	/* Masked or disabled: nothing to wake for, the hardware is stopped. */
	SET_CTL(CTL_ENABLE | CTL_IMASK);
	assert_false(sim_hal.gic.guest_ptimer_armed);
	assert_int_equal(ptimer_deadline(v), UINT64_MAX);
	SET_CTL(0);
	assert_int_equal(ptimer_deadline(v), UINT64_MAX);
}

static void test_ptimer_fires_onto_the_guest_line_and_quiets_the_hardware(void **state)
{
	SET_CVAL(5000);
	SET_CTL(CTL_ENABLE);
	sim_hal.counter = CNTVOFF + 5000;
	sim_gic_raise(PPI_PHYS);
	irq_handle_physical(v);
	assert_true(line());
	assert_true(vgic_irq_pending(&v->vgic.private_irqs[VGIC_PPI_PTIMER]));
	assert_false(sim_hal.gic.guest_ptimer_armed);
	/* Deactivated at EL2: the physical PPI is free for the next deadline. */
	assert_false(sim_hal.gic.active[PPI_PHYS]);
}

static void test_ptimer_mask_drops_the_line_and_rearm_raises_it_later(void **state)
{
	SET_CVAL(5000);
	SET_CTL(CTL_ENABLE);
	sim_hal.counter = CNTVOFF + 6000;
	ptimer_fire(v);
	assert_true(line());
	/* The handler masks it: the line falls at the write. */
	SET_CTL(CTL_ENABLE | CTL_IMASK);
	assert_false(line());
	/* Unmasked while still expired: up again at once, no hardware needed. */
	SET_CTL(CTL_ENABLE);
	assert_true(line());
	assert_false(sim_hal.gic.guest_ptimer_armed);
	/* Re-armed into the future (periodic reload): down, and the hardware armed again. */
	SET_CVAL(7000);
	assert_false(line());
	assert_true(sim_hal.gic.guest_ptimer_armed);
	assert_int_equal(sim_hal.gic.guest_ptimer_deadline, CNTVOFF + 7000);
	/* Disabled: down and stopped. */
	sim_hal.counter = CNTVOFF + 7000;
	ptimer_fire(v);
	assert_true(line());
	SET_CTL(0);
	assert_false(line());
	assert_false(sim_hal.gic.guest_ptimer_armed);
}

static void test_ptimer_put_stops_the_hardware_and_load_rearms_it(void **state)
{
	SET_CVAL(5000);
	SET_CTL(CTL_ENABLE);
	ptimer_put(v);
	assert_false(sim_hal.gic.guest_ptimer_armed);
	atomic_store(&v->loaded_on, 0);
	/* Switched out, blocked: the scheduler wakes it at the deadline. */
	assert_int_equal(ptimer_deadline(v), CNTVOFF + 5000);
	sim_hal.counter = CNTVOFF + 5001;
	assert_false(line());
	fixture_vcpus_loaded_here(m.vm);
	ptimer_load(v);
	/* Expired while away: the line rises at load, the hardware stays stopped. */
	assert_true(line());
	assert_false(sim_hal.gic.guest_ptimer_armed);
}

static void test_ptimer_unused_timer_costs_nothing_at_load_and_put(void **state)
{
	sim_hal.gic.guest_ptimer_armed = true; /* whatever was there before */
	ptimer_load(v);
	ptimer_put(v);
	assert_true(sim_hal.gic.guest_ptimer_armed);
	assert_false(v->ptimer.used);
	/* A stray PPI with no user is simply stopped. */
	sim_gic_raise(PPI_PHYS);
	irq_handle_physical(v);
	assert_false(sim_hal.gic.guest_ptimer_armed);
	assert_false(line());
}

static void test_ptimer_cval_the_counter_never_reaches_is_never(void **state)
{
	SET_CVAL(UINT64_MAX - 10);
	SET_CTL(CTL_ENABLE);
	assert_int_equal(ptimer_deadline(v), UINT64_MAX);
	sim_hal.counter = UINT64_MAX - 1;
	assert_int_equal(CTL(), CTL_ENABLE);
	assert_false(ptimer_asserted(v));
}

static void test_ptimer_reset_drops_the_line(void **state)
{
	SET_CVAL(0);
	SET_CTL(CTL_ENABLE);
	assert_true(line());
	ptimer_reset(v);
	assert_false(line());
	assert_int_equal(CTL(), 0);
	assert_int_equal(ptimer_deadline(v), UINT64_MAX);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
	    T(test_ptimer_cntpct_is_the_virtual_count),
	    T(test_ptimer_cntpct_write_is_undefined),
	    T(test_ptimer_tval_is_cval_minus_count),
	    T(test_ptimer_ctl_keeps_enable_and_imask_and_computes_istatus),
	    T(test_ptimer_armed_timer_lends_the_pcpu_timer_its_deadline),
	    T(test_ptimer_fires_onto_the_guest_line_and_quiets_the_hardware),
	    T(test_ptimer_mask_drops_the_line_and_rearm_raises_it_later),
	    T(test_ptimer_put_stops_the_hardware_and_load_rearms_it),
	    T(test_ptimer_unused_timer_costs_nothing_at_load_and_put),
	    T(test_ptimer_cval_the_counter_never_reaches_is_never),
	    T(test_ptimer_reset_drops_the_line),
#undef T
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

// SPDX-License-Identifier: MIT
/* Tests of core/vgic.c, part 2b: the list registers and the physical GIC (docs/peers.md, interrupts).
 * The HW=1 virtual timer (deactivated by the guest's EOI, spilled, ended or withdrawn by the
 * hypervisor, unmapped when the vCPU leaves) and the whole loop through vcpu_run(), where the
 * maintenance interrupt arrives as a physical IRQ. The other parts of the list-register tests
 * are test_vgic_lr_overflow.c and test_vgic_lr_state.c; the harness is vgic_harness.h. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include <cmocka.h>

#include <core/irq.h>
#include <core/smccc.h>
#include <hal/gic.h>

#include "vgic_harness.h"

#define SPI    32
#define VTIMER VGIC_PPI_VTIMER

/* --- HW=1: the virtual timer ----------------------------------------------------------- */

/* The physical side of irq.c: the vtimer PPI enabled at the simulated GIC; each tick is
 * acknowledged at EL2 and injected into vCPU 0 with HW=1. */
static void hw_setup(uint8_t virtual_priority)
{
	static const struct irq_config cfg = {
	    .maintenance = VGIC_PPI_MAINTENANCE, .vtimer = VTIMER, .hyp_timer = 26};

	assert_int_equal(hal_gic_cpu_init(), 0);
	irq_init(&cfg);
	irq_cpu_init();
	config(0, VTIMER, virtual_priority, 1, false);
}

static void timer_fires(void)
{
	sim_gic_raise(VTIMER);
	irq_handle_physical(cpu(0));
	assert_true(
	    sim_hal.gic.active[VTIMER]); /* priority dropped, active until the guest ends it */
	assert_true(pending(0, VTIMER));
}

static void test_vgic_hw_timer_is_deactivated_by_the_guest_eoi(void **state)
{
	uint64_t lr;

	hw_setup(0xa0);
	for (unsigned tick = 1; tick <= 3; tick++) {
		timer_fires();
		enter(0);
		assert_true(lr_of(0, VTIMER) >= 0);
		lr = cpu(0)->ctx.vgic.lr[lr_of(0, VTIMER)];
		assert_true(lr & ICH_LR_HW);
		assert_int_equal((lr >> ICH_LR_PINTID_SHIFT) & ICH_LR_PINTID_MASK, VTIMER);
		assert_int_equal(sim_icv_iar(&vif[0], 1), VTIMER);
		assert_true(sim_hal.gic.active[VTIMER]);
		sim_icv_eoir(&vif[0], 1, VTIMER);
		assert_false(sim_hal.gic.active[VTIMER]);
		assert_false(sim_vif_maintenance(&vif[0])); /* HW=1 needs no EOI maintenance */
		leave(0);
		assert_int_equal(vif[0].nr_hw_deactivated, tick);
		assert_int_equal(vif[0].hw_deactivated[tick - 1], VTIMER);
		assert_false(active(0, VTIMER));
		assert_false(pending(0, VTIMER));
	}
	assert_int_equal(sim_hal.gic.deactivates, 3);
	assert_int_equal(sim_hal.gic.deactivate_errors, 0);
}

static void test_vgic_hw_timer_spilled_by_nesting_is_deactivated_on_its_eoi(void **state)
{
	hw_setup(0xc0);
	timer_fires();
	enter(0);
	assert_int_equal(sim_icv_iar(&vif[0], 1), VTIMER);
	leave(0);
	for (unsigned i = 0; i < 4; i++) {
		config(0, SPI + i, (uint8_t)(0xa0 - 0x20 * i), 1, true);
		nest(0, SPI + i);
	}
	enter(0);
	assert_int_equal(lr_of(0, VTIMER), -1); /* spilled */
	for (unsigned i = 4; i-- > 0;) {
		maybe_maintenance(0);
		sim_icv_eoir(&vif[0], 1, SPI + i);
	}
	assert_true(sim_hal.gic.active[VTIMER]);
	maybe_maintenance(0);
	sim_icv_eoir(&vif[0], 1, VTIMER);
	maybe_maintenance(0);
	leave(0);
	/* The hypervisor ended it for the guest: once, not lost, not twice. */
	assert_false(active(0, VTIMER));
	assert_false(sim_hal.gic.active[VTIMER]);
	assert_int_equal(sim_hal.gic.deactivates, 1);
	assert_int_equal(sim_hal.gic.deactivate_errors, 0);
	assert_int_equal(vif[0].nr_hw_deactivated, 0);
}

static void test_vgic_hw_timer_icactiver_ends_the_physical_interrupt(void **state)
{
	hw_setup(0xa0);
	timer_fires();
	enter(0);
	assert_int_equal(sim_icv_iar(&vif[0], 1), VTIMER);
	leave(0);
	reg_write(0, VTIMER, ICACTIVER, 0);
	assert_false(sim_hal.gic.active[VTIMER]);
	assert_int_equal(sim_hal.gic.deactivate_errors, 0);
}

static void test_vgic_hw_timer_icpendr_does_not_keep_the_physical_one_active(void **state)
{
	hw_setup(0xa0);
	timer_fires();
	reg_write(0, VTIMER, ICPENDR, 0);
	assert_false(pending(0, VTIMER));
	assert_false(sim_hal.gic.active[VTIMER]);
}

static void test_vgic_hw_timer_withdrawn_before_it_is_taken_releases_the_physical_one(void **state)
{
	hw_setup(0xa0);
	timer_fires();
	vgic_retract_hw(cpu(0), VTIMER); /* the guest pushed its timer back before taking it */
	assert_false(pending(0, VTIMER));
	assert_false(sim_hal.gic.active[VTIMER]);
	assert_int_equal(take_one(0), VGIC_SPURIOUS);
	/* Once taken it is the guest's to end: withdrawing does nothing. */
	timer_fires();
	enter(0);
	assert_int_equal(sim_icv_iar(&vif[0], 1), VTIMER);
	leave(0);
	vgic_retract_hw(cpu(0), VTIMER);
	assert_true(active(0, VTIMER));
	assert_true(sim_hal.gic.active[VTIMER]);
	enter(0);
	sim_icv_eoir(&vif[0], 1, VTIMER);
	leave(0);
	assert_false(sim_hal.gic.active[VTIMER]);
	assert_int_equal(sim_hal.gic.deactivates, 2);
	assert_int_equal(sim_hal.gic.deactivate_errors, 0);
}

/* vtimer_put(): the vCPU leaves the pCPU holding a timer interrupt, pending or active. */
static void test_vgic_hw_timer_unmapped_at_put_frees_the_physical_one(void **state)
{
	hw_setup(0xa0);
	for (unsigned taken = 0; taken < 2; taken++) {
		timer_fires();
		if (taken) {
			enter(0);
			assert_int_equal(sim_icv_iar(&vif[0], 1), VTIMER);
			leave(0);
		}
		vgic_unmap_hw(cpu(0), VTIMER);
		assert_false(sim_hal.gic.active[VTIMER]);
		assert_int_equal(pending(0, VTIMER), !taken);
		assert_int_equal(active(0, VTIMER), taken);
		/* The guest ends the virtual one later; the physical one is not its any more. */
		enter(0);
		if (!taken)
			assert_int_equal(sim_icv_iar(&vif[0], 1), VTIMER);
		assert_true(lr_of(0, VTIMER) >= 0);
		assert_false(cpu(0)->ctx.vgic.lr[lr_of(0, VTIMER)] & ICH_LR_HW);
		sim_icv_eoir(&vif[0], 1, VTIMER);
		leave(0);
		assert_false(active(0, VTIMER));
	}
	assert_int_equal(vif[0].nr_hw_deactivated, 0);
	assert_int_equal(sim_hal.gic.deactivates, 2);
	assert_int_equal(sim_hal.gic.deactivate_errors, 0);
}

static void test_vgic_software_pend_of_the_timer_ppi_leaves_the_physical_one_alone(void **state)
{
	hw_setup(0xa0);
	timer_fires();
	assert_int_equal(take_one(0), VTIMER);
	assert_false(sim_hal.gic.active[VTIMER]);
	reg_write(0, VTIMER, ISPENDR, 0);
	assert_int_equal(take_one(0), VTIMER);
	assert_int_equal(sim_hal.gic.deactivate_errors, 0);
}

/* --- the whole loop: vcpu_run() with a guest that talks to its CPU interface ----------- */

static uint32_t run_taken[16];
static unsigned run_nr_taken;

/* One guest run up to its next exit: it takes and ends interrupts until a maintenance
 * interrupt becomes due (a physical IRQ exit) or it has nothing left (HV_CALL_EXIT). */
static enum hal_exit_kind run_guest(struct hal_vcpu_ctx *ctx)
{
	for (;;) {
		uint32_t id;

		if (sim_vif_maintenance(&vif[0])) {
			sim_gic_raise(VGIC_PPI_MAINTENANCE);
			return HAL_EXIT_IRQ;
		}
		id = sim_icv_iar(&vif[0], 1);
		if (id == VGIC_SPURIOUS)
			break;
		run_taken[run_nr_taken++ % ARRAY_SIZE(run_taken)] = id;
		sim_icv_eoir(&vif[0], 1, id);
	}
	ctx->esr = sim_esr_hvc(0);
	ctx->x[0] = HV_CALL_EXIT;
	ctx->x[1] = 0;
	return HAL_EXIT_SYNC;
}

static void test_vgic_vcpu_run_delivers_through_maintenance_exits(void **state)
{
	static const uint32_t prog[] = {SIM_A64_HVC0};

	sim_machine_destroy(&m);
	sim_hal_reset();
	assert_int_equal(sim_machine_init(&m, NULL), HV_OK);
	vm = m.vm;
	assert_int_equal(sim_machine_load_program(&m, prog, ARRAY_SIZE(prog)), HV_OK);
	vgic_up();
	hw_setup(0xa0);
	for (unsigned i = 0; i < 7; i++) {
		config(0, SPI + 16 + i, (uint8_t)(0x80 - 0x10 * i), 1, true);
		vgic_pulse(vm, NULL, SPI + 16 + i);
	}
	run_nr_taken = 0;
	sim_hal.vcpu_enter_hook = run_guest;
	vcpu_run(cpu(0));
	assert_int_equal(vm->exit_status, 0);
	assert_int_equal(run_nr_taken, 7);
	for (unsigned i = 0; i < 7; i++)
		assert_int_equal(run_taken[i], SPI + 16 + 6 - i);
	assert_true(cpu(0)->stats.irq >= 1); /* the NP maintenance interrupt */
	assert_int_equal(sim_hal.gic.deactivate_errors, 0);
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup1, teardown)
	const struct CMUnitTest tests[] = {
	    T(test_vgic_hw_timer_is_deactivated_by_the_guest_eoi),
	    T(test_vgic_hw_timer_spilled_by_nesting_is_deactivated_on_its_eoi),
	    T(test_vgic_hw_timer_icactiver_ends_the_physical_interrupt),
	    T(test_vgic_hw_timer_icpendr_does_not_keep_the_physical_one_active),
	    T(test_vgic_hw_timer_withdrawn_before_it_is_taken_releases_the_physical_one),
	    T(test_vgic_hw_timer_unmapped_at_put_frees_the_physical_one),
	    T(test_vgic_software_pend_of_the_timer_ppi_leaves_the_physical_one_alone),
	    T(test_vgic_vcpu_run_delivers_through_maintenance_exits),
	};
#undef T

	return cmocka_run_group_tests_name("vgic_lr_hw", tests, NULL, NULL);
}

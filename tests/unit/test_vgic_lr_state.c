// SPDX-License-Identifier: MIT
/* Tests of core/vgic.c, part 2c: other state changes around the list registers (docs/peers.md,
 * interrupt behaviour): disabling an interrupt or a group, group enables at the CPU interface and their
 * maintenance, actives that hold no running priority, active and pending list registers,
 * reprioritising, and rerouting or ending a spilled SPI. The other parts of the list-register
 * tests are test_vgic_lr_overflow.c and test_vgic_lr_hw.c; the harness is vgic_harness.h. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include <cmocka.h>

#include "vgic_harness.h"

#define SPI 32

/* --- other state changes around the list registers ------------------------------------- */

static void test_vgic_disabled_interrupt_is_not_taken_after_its_active_instance(void **state)
{
	for (unsigned group_off = 0; group_off < 2; group_off++) {
		config(0, SPI, 0xa0, 1, true);
		vgic_pulse(vm, NULL, SPI);
		enter(0);
		assert_int_equal(sim_icv_iar(&vif[0], 1), SPI);
		leave(0);
		if (group_off)
			vm->vgic.enable_grp1 = false; /* GICD_CTLR */
		else
			reg_write(0, SPI, ICENABLER, 0);
		vgic_pulse(vm, NULL, SPI);
		enter(0);
		sim_icv_eoir(&vif[0], 1, SPI);
		assert_int_equal(sim_icv_iar(&vif[0], 1), VGIC_SPURIOUS);
		leave(0);
		assert_true(pending(0, SPI)); /* held back until enabled */
		vm->vgic.enable_grp1 = true;
		reg_write(0, SPI, ISENABLER, 0);
		assert_int_equal(guest_drain(0, (uint32_t[4]){0}, 4), 1);
	}
}

static void test_vgic_group_disabled_at_the_cpu_interface_does_not_hide_the_other(void **state)
{
	for (unsigned i = 0; i < 4; i++) {
		config(0, SPI + i, 0x40, 0, true);
		vgic_pulse(vm, NULL, SPI + i);
	}
	config(0, SPI + 4, 0x80, 1, true);
	vgic_pulse(vm, NULL, SPI + 4);
	sim_vif_set_grpen(&vif[0], 0, false); /* ICC_IGRPEN0_EL1 = 0 does not trap */
	enter(0);
	maybe_maintenance(0);
	assert_int_equal(sim_icv_iar(&vif[0], 1), SPI + 4);
	leave(0);
}

/* A maintenance enable armed for a group the guest had off must not outlive the exit it
 * caused: here the interrupt it waited for is gone by the next entry, which has nothing to
 * put in the list registers. */
static void test_vgic_group_enable_maintenance_does_not_outlive_its_exit(void **state)
{
	config(0, SPI, 0x40, 0, true);
	vgic_pulse(vm, NULL, SPI);
	sim_vif_set_grpen(&vif[0], 0, false);
	enter(0);
	assert_int_equal(lr_of(0, SPI), -1);
	sim_vif_set_grpen(&vif[0], 0, true); /* ICC_IGRPEN0_EL1 does not trap */
	assert_true(sim_vif_maintenance(&vif[0]));
	leave(0);
	reg_write(0, SPI, ICPENDR, 0);
	enter(0); /* asserts no maintenance at entry */
	assert_int_equal(sim_icv_iar(&vif[0], 0), VGIC_SPURIOUS);
	leave(0);
}

/* ICC_IGRPEN<n>_EL1 does not trap: a guest that switches off the group of the pending
 * interrupt in the list registers must still get the other group's waiting one. */
static void test_vgic_group_disabled_after_entry_does_not_hide_the_other(void **state)
{
	config(0, SPI, 0x40, 0, true); /* Group 0, the best: it goes in */
	vgic_pulse(vm, NULL, SPI);
	for (unsigned i = 1; i <= 4; i++) {
		config(0, SPI + i, (uint8_t)(0x40 + 0x10 * i), 1, true);
		vgic_pulse(vm, NULL, SPI + i);
	}
	enter(0);
	assert_true(lr_of(0, SPI) >= 0);
	assert_int_equal(lr_of(0, SPI + 4), -1);
	sim_vif_set_grpen(&vif[0], 0, false);
	for (unsigned i = 1; i <= 4; i++) {
		maybe_maintenance(0);
		assert_int_equal(sim_icv_iar(&vif[0], 1), SPI + i);
		sim_icv_eoir(&vif[0], 1, SPI + i);
	}
	leave(0);
	assert_true(pending(0, SPI));
}

static void test_vgic_actives_without_a_running_priority_do_not_hide_a_pending_one(void **state)
{
	for (unsigned split = 0; split < 2; split++) {
		machine(1);
		sim_vif_set_eoimode(&vif[0], split);
		for (unsigned i = 0; i < 4; i++)
			config(0, SPI + i, (uint8_t)(0x20 + 0x10 * i), 1, true);
		/* Four active, none holding a running priority: set active by ISACTIVER, or taken
		 * and priority-dropped with EOImode 1. */
		for (unsigned i = 0; i < 4; i++) {
			if (!split) {
				reg_write(0, SPI + i, ISACTIVER, 0);
				continue;
			}
			nest(0, SPI + 3 - i);
			enter(0);
			sim_icv_eoir(&vif[0], 1, SPI + 3 - i); /* drop, stay active */
			leave(0);
		}
		config(0, SPI + 4, 0x80, 1, true);
		vgic_pulse(vm, NULL, SPI + 4);
		enter(0);
		assert_int_equal(sim_icv_rpr(&vif[0]), 0xff);
		assert_int_equal(sim_icv_iar(&vif[0], 1), SPI + 4);
		sim_icv_eoir(&vif[0], 1, SPI + 4);
		if (split)
			guest_dir(0, SPI + 4);
		leave(0);
		assert_false(active(0, SPI + 4));
		for (unsigned i = 0; i < 4; i++)
			assert_true(active(0, SPI + i));
		assert_int_equal(vif[0].unpredictable, 0);
	}
}

/* Active and pending again: the list register holds it active+pending, which is not a pending
 * one the guest could take, so "no pending" maintenance must not be armed for it alone. */
static void test_vgic_active_and_pending_lrs_do_not_arm_an_np_storm(void **state)
{
	for (unsigned i = 0; i < 4; i++) {
		config(0, SPI + i, (uint8_t)(0x80 - 0x20 * i), 1, true);
		nest(0, SPI + i);
		vgic_pulse(vm, NULL, SPI + i); /* pending again while active */
	}
	config(0, SPI + 4, 0x20, 1, true);
	reg_write(0, SPI + 4, ISACTIVER, 0);
	vgic_pulse(vm, NULL, SPI + 4);
	config(0, SPI + 5, 0xc0, 1, true);
	vgic_pulse(vm, NULL, SPI + 5); /* lower than everything running */
	enter(0);		       /* asserts no maintenance at entry */
	assert_int_equal(sim_icv_iar(&vif[0], 1), VGIC_SPURIOUS);
	leave(0);
}

static void test_vgic_priority_change_of_an_active_interrupt_keeps_its_eoi(void **state)
{
	config(0, SPI, 0xa0, 1, true);
	vgic_pulse(vm, NULL, SPI);
	enter(0);
	assert_int_equal(sim_icv_iar(&vif[0], 1), SPI);
	leave(0);
	reg_write(0, SPI, IPRIORITYR, 0x40); /* the handler reprioritises it */
	enter(0);
	sim_icv_eoir(&vif[0], 1, SPI);
	leave(0);
	assert_int_equal(vif[0].unpredictable, 0);
	assert_false(active(0, SPI));
}

/* Five nested on vCPU 0 with SPI (the lowest) spilled. */
static void spill_spi(void)
{
	for (unsigned i = 0; i < 5; i++) {
		config(0, SPI + i, (uint8_t)(0xc0 - 0x20 * i), 1, true);
		nest(0, SPI + i);
	}
	enter(0);
	assert_int_equal(lr_of(0, SPI), -1);
	leave(0);
	assert_true(irq_of(0, SPI)->spilled);
}

/* An active SPI stays with the vCPU that took it (and its spill bookkeeping) until deactivated,
 * whatever GICD_IROUTER says meanwhile. */
static void test_vgic_rerouting_a_spilled_spi_keeps_the_spill_counts(void **state)
{
	spill_spi();
	reg_write(0, SPI, IROUTER, 1);
	reg_write(0, SPI, ICACTIVER, 0);
	assert_int_equal(cpu(0)->vgic.nr_spilled, 0);
	assert_int_equal(cpu(1)->vgic.nr_spilled, 0);
	vgic_pulse(vm, NULL, SPI);
	assert_int_equal(take_one(1), SPI);
}

static void test_vgic_icactiver_of_a_spilled_spi_routed_nowhere_is_safe(void **state)
{
	spill_spi();
	reg_write(0, SPI, IROUTER, 7); /* no such vCPU */
	reg_write(0, SPI, ICACTIVER, 0);
	assert_false(active(0, SPI));
	assert_int_equal(cpu(0)->vgic.nr_spilled, 0);
	/* The guest ends its handlers (the EOI of SPI only drops its priority now). */
	enter(0);
	for (unsigned i = 5; i-- > 0;) {
		maybe_maintenance(0);
		sim_icv_eoir(&vif[0], 1, SPI + i);
	}
	leave(0);
	vgic_pulse(vm, NULL, SPI);
	assert_int_equal(take_one(0), VGIC_SPURIOUS); /* routed nowhere */
	reg_write(0, SPI, IROUTER, 0);
	assert_int_equal(take_one(0), SPI);
}

int main(void)
{
#define T(fn)  cmocka_unit_test_setup_teardown(fn, setup1, teardown)
#define T2(fn) cmocka_unit_test_setup_teardown(fn, setup2, teardown)
	const struct CMUnitTest tests[] = {
	    T(test_vgic_disabled_interrupt_is_not_taken_after_its_active_instance),
	    T(test_vgic_group_disabled_at_the_cpu_interface_does_not_hide_the_other),
	    T(test_vgic_group_enable_maintenance_does_not_outlive_its_exit),
	    T(test_vgic_group_disabled_after_entry_does_not_hide_the_other),
	    T(test_vgic_actives_without_a_running_priority_do_not_hide_a_pending_one),
	    T(test_vgic_active_and_pending_lrs_do_not_arm_an_np_storm),
	    T(test_vgic_priority_change_of_an_active_interrupt_keeps_its_eoi),
	    T2(test_vgic_rerouting_a_spilled_spi_keeps_the_spill_counts),
	    T2(test_vgic_icactiver_of_a_spilled_spi_routed_nowhere_is_safe),
	};
#undef T
#undef T2

	return cmocka_run_group_tests_name("vgic_lr_state", tests, NULL, NULL);
}

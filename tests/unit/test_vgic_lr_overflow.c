// SPDX-License-Identifier: MIT
/* Tests of core/vgic.c, part 2a: more interrupts than list registers (docs/peers.md, rules 1-2).
 * More pending interrupts than list registers (exactly once, in priority order, INTID among
 * equals, eviction by a newcomer) and nesting deeper than the list registers (spill, the
 * EOIcount path, the trapped ICC_DIR_EL1 of EOImode 1). The other parts of the list-register
 * tests are test_vgic_lr_hw.c and test_vgic_lr_state.c; part 1 is test_vgic.c, part 3 (the
 * model-based random test) test_vgic_model.c; the harness is vgic_harness.h. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include <cmocka.h>

#include "vgic_harness.h"

#define SPI 32

/* --- more interrupts than list registers ----------------------------------------------- */

static void test_vgic_twenty_interrupts_are_taken_once_each_in_priority_order(void **state)
{
	uint32_t got[32];
	unsigned n;

	/* Distinct priorities in scrambled INTID order; a third are latched level inputs. */
	for (unsigned i = 0; i < 20; i++) {
		config(0, SPI + i, (uint8_t)((i * 7 % 20) << 3), 1, i % 3 != 0);
		reg_write(0, SPI + i, ISPENDR, 0);
	}
	n = guest_drain(0, got, ARRAY_SIZE(got));
	assert_int_equal(n, 20);
	for (unsigned i = 1; i < n; i++)
		assert_true(irq_of(0, got[i - 1])->priority < irq_of(0, got[i])->priority);
	/* Four list registers: at least four refills, each asked for by the NP maintenance. */
	assert_true(maint_exits >= 4);
	for (unsigned i = 0; i < 20; i++) {
		assert_false(pending(0, SPI + i));
		assert_false(active(0, SPI + i));
	}
	assert_int_equal(vif[0].unpredictable, 0);
}

static void test_vgic_equal_priorities_are_taken_in_intid_order(void **state)
{
	uint32_t got[16];

	for (unsigned i = 12; i-- > 0;) {
		config(0, SPI + i, 0xa0, 1, true);
		vgic_pulse(vm, NULL, SPI + i);
	}
	config(0, SPI + 20, 0x90, 1, true); /* priority still beats INTID */
	vgic_pulse(vm, NULL, SPI + 20);
	assert_int_equal(guest_drain(0, got, ARRAY_SIZE(got)), 13);
	assert_int_equal(got[0], SPI + 20);
	for (unsigned i = 0; i < 12; i++)
		assert_int_equal(got[i + 1], SPI + i);
}

static void test_vgic_higher_priority_arrival_evicts_the_lowest_pending_lr(void **state)
{
	uint32_t got[8];

	for (unsigned i = 0; i < 4; i++) {
		config(0, SPI + i, 0xc0, 1, true);
		vgic_pulse(vm, NULL, SPI + i);
	}
	enter(0);
	for (unsigned i = 0; i < 4; i++)
		assert_true(lr_of(0, SPI + i) >= 0);
	leave(0); /* the guest trapped before taking any */

	config(0, SPI + 10, 0x40, 1, true);
	vgic_pulse(vm, NULL, SPI + 10);
	enter(0);
	assert_true(lr_of(0, SPI + 10) >= 0);
	assert_int_equal(lr_of(0, SPI + 3), -1); /* lowest priority, highest INTID */
	assert_int_equal(sim_icv_hppir(&vif[0], 1), SPI + 10);
	leave(0);
	assert_true(pending(0, SPI + 3)); /* evicted, not lost */

	assert_int_equal(guest_drain(0, got, ARRAY_SIZE(got)), 5);
	assert_int_equal(got[0], SPI + 10);
	for (unsigned i = 0; i < 4; i++)
		assert_int_equal(got[i + 1], SPI + i);
}

/* --- nesting deeper than the list registers -------------------------------------------- */

static void test_vgic_six_nested_levels_preempt_and_all_retire_in_reverse(void **state)
{
	static const uint8_t prio[6] = {0xc0, 0xa0, 0x80, 0x60, 0x40, 0x20};

	for (unsigned i = 0; i < 6; i++)
		config(0, SPI + i, prio[i], 1, true);
	for (unsigned i = 0; i < 6; i++) {
		nest(0, SPI + i);
		assert_int_equal(sim_icv_rpr(&vif[0]), prio[i]);
	}
	/* Six active, four list registers: the two lowest live in software. */
	enter(0);
	assert_int_equal(lr_of(0, SPI + 0), -1);
	assert_int_equal(lr_of(0, SPI + 1), -1);
	for (unsigned i = 2; i < 6; i++)
		assert_true(lr_of(0, SPI + i) >= 0);
	/* The handlers end in reverse order without other exits. */
	for (unsigned i = 6; i-- > 0;) {
		maybe_maintenance(0);
		sim_icv_eoir(&vif[0], 1, SPI + i);
	}
	leave(0);
	for (unsigned i = 0; i < 6; i++)
		assert_false(active(0, SPI + i));
	assert_int_equal(sim_icv_rpr(&vif[0]), 0xff);
	assert_true(maint_exits >= 1); /* the EOIcount (LRENP) path brought us back */
	assert_int_equal(vif[0].unpredictable, 0);
	/* Everything works as before. */
	vgic_pulse(vm, NULL, SPI + 5);
	enter(0);
	assert_int_equal(sim_icv_iar(&vif[0], 1), SPI + 5);
	sim_icv_eoir(&vif[0], 1, SPI + 5);
	leave(0);
	assert_false(active(0, SPI + 5));
}

static void test_vgic_nesting_sixteen_deep_with_four_lrs(void **state)
{
	for (unsigned i = 0; i < 16; i++) {
		config(0, SPI + i, (uint8_t)(0xf0 - 8 * i), 1, i % 2);
		nest(0, SPI + i);
	}
	enter(0);
	for (unsigned i = 16; i-- > 0;) {
		maybe_maintenance(0);
		sim_icv_eoir(&vif[0], 1, SPI + i);
	}
	leave(0);
	for (unsigned i = 0; i < 16; i++)
		assert_false(active(0, SPI + i));
	assert_int_equal(vif[0].unpredictable, 0);
}

static void test_vgic_four_active_lrs_and_a_lower_pending_one_do_not_storm(void **state)
{
	for (unsigned i = 0; i < 4; i++) {
		config(0, SPI + i, (uint8_t)(0x80 - 0x20 * i), 1, true);
		nest(0, SPI + i);
	}
	config(0, SPI + 4, 0xc0, 1, true);
	vgic_pulse(vm, NULL, SPI + 4); /* lower than everything running */
	enter(0);
	for (unsigned i = 4; i-- > 0;) {
		maybe_maintenance(0);
		sim_icv_eoir(&vif[0], 1, SPI + i);
	}
	/* Once the guest is idle again the waiting one must reach it without another exit. */
	maybe_maintenance(0);
	assert_int_equal(sim_icv_iar(&vif[0], 1), SPI + 4);
	leave(0);
}

static void test_vgic_eoimode1_spilled_interrupts_deactivated_in_any_order(void **state)
{
	uint32_t order[6];

	sim_vif_set_eoimode(&vif[0], true);
	for (unsigned i = 0; i < 6; i++)
		config(0, SPI + i, (uint8_t)(0x50 - 0x10 * i), 1, true);
	/* Acknowledge and drop the priority of A-D; E and F arrive later and push A and B out. */
	for (unsigned i = 0; i < 4; i++)
		vgic_pulse(vm, NULL, SPI + i);
	enter(0);
	for (unsigned i = 0; i < 4; i++) {
		order[i] = sim_icv_iar(&vif[0], 1);
		sim_icv_eoir(&vif[0], 1, order[i]);
	}
	leave(0);
	assert_false(cpu(0)->ctx.vgic.hcr & ICH_HCR_TDIR); /* nothing spilled: DIR runs free */
	vgic_pulse(vm, NULL, SPI + 4);
	vgic_pulse(vm, NULL, SPI + 5);
	enter(0);
	for (unsigned i = 4; i < 6; i++) {
		order[i] = sim_icv_iar(&vif[0], 1);
		sim_icv_eoir(&vif[0], 1, order[i]);
	}
	/* A (0x50) and B (0x40) are spilled, so a deactivation traps and says which one it is
	 * for. The guest deactivates A first. */
	assert_int_equal(lr_of(0, SPI + 0), -1);
	assert_int_equal(lr_of(0, SPI + 1), -1);
	assert_false(sim_icv_dir(&vif[0], SPI + 0));
	trap_dir(0, SPI + 0);
	assert_false(active(0, SPI + 0));
	assert_true(active(0, SPI + 1)); /* still the guest's: must not be taken again */
	vgic_pulse(vm, NULL, SPI + 0);
	vgic_pulse(vm, NULL, SPI + 1);
	enter(0);
	for (unsigned i = 1; i < 6; i++) {
		maybe_maintenance(0);
		guest_dir(0, SPI + i);
	}
	leave(0);
	for (unsigned i = 1; i < 6; i++)
		assert_false(active(0, SPI + i));
	enter(0);
	assert_int_equal(sim_icv_iar(&vif[0], 1), SPI + 1);
	sim_icv_eoir(&vif[0], 1, SPI + 1);
	guest_dir(0, SPI + 1);
	maybe_maintenance(0);
	assert_int_equal(sim_icv_iar(&vif[0], 1), SPI + 0);
	sim_icv_eoir(&vif[0], 1, SPI + 0);
	guest_dir(0, SPI + 0);
	leave(0);
	for (unsigned i = 0; i < 6; i++)
		assert_false(active(0, SPI + i));
	assert_int_equal(vif[0].unpredictable, 0);
	assert_int_equal(cpu(0)->vgic.nr_spilled, 0);
}

/* The emulated ICC_DIR_EL1 ends only what the CPU interface would: an interrupt active on this
 * vCPU; a special INTID, an inactive interrupt or one another vCPU took are left alone, and
 * the register is write-only. */
static void test_vgic_trapped_dir_ends_only_an_interrupt_active_here(void **state)
{
	uint64_t esr_read =
	    sim_esr_sysreg(SYSREG_OP0(SYSREG_ICC_DIR_EL1), SYSREG_OP1(SYSREG_ICC_DIR_EL1),
			   SYSREG_CRN(SYSREG_ICC_DIR_EL1), SYSREG_CRM(SYSREG_ICC_DIR_EL1),
			   SYSREG_OP2(SYSREG_ICC_DIR_EL1), 3, true);

	sim_vif_set_eoimode(&vif[0], true);
	sim_vif_set_eoimode(&vif[1], true);
	config(0, SPI, 0xa0, 1, true);
	config(0, SPI + 1, 0xa0, 1, true);
	reg_write(0, SPI + 1, IROUTER, 1);
	nest(0, SPI);
	vgic_pulse(vm, NULL, SPI + 1);
	enter(1);
	assert_int_equal(sim_icv_iar(&vif[1], 1), SPI + 1);
	leave(1);
	trap_dir(0, SPI + 1);	     /* vCPU 1's */
	trap_dir(0, VGIC_SPURIOUS);  /* special */
	trap_dir(0, SPI + 2);	     /* not active */
	trap_dir(0, 1u << 24 | SPI); /* INTID bits only */
	assert_true(active(1, SPI + 1));
	assert_false(active(0, SPI));
	trap_dir(1, SPI + 1);
	assert_false(active(1, SPI + 1));
	assert_int_equal(cpu(0)->stats.undef_injected, 0);
	trap_sysreg(cpu(0), esr_read);
	assert_int_equal(cpu(0)->stats.undef_injected, 1);
}

/* With EOImode 1 the hypervisor learns about a spilled interrupt's deactivation only through
 * the trap: an EOIcount (QEMU counts EOImode 1 priority drops in it too) must not retire
 * anything. */
static void test_vgic_eoimode1_eoi_count_of_a_priority_drop_deactivates_nothing(void **state)
{
	sim_vif_set_eoimode(&vif[0], true);
	vif[0].split_eoi_counts = true;
	for (unsigned i = 0; i < 5; i++) {
		config(0, SPI + i, (uint8_t)(0xc0 - 0x20 * i), 1, true);
		nest(0, SPI + i);
	}
	enter(0);
	assert_int_equal(lr_of(0, SPI + 0), -1); /* spilled */
	for (unsigned i = 5; i-- > 0;) {
		maybe_maintenance(0);
		sim_icv_eoir(&vif[0], 1, SPI + i); /* priority drops only */
	}
	maybe_maintenance(0);
	leave(0);
	for (unsigned i = 0; i < 5; i++)
		assert_true(active(0, SPI + i));
	assert_int_equal(sim_icv_rpr(&vif[0]), 0xff);
	enter(0);
	for (unsigned i = 0; i < 5; i++) {
		maybe_maintenance(0);
		guest_dir(0, SPI + i);
	}
	leave(0);
	for (unsigned i = 0; i < 5; i++)
		assert_false(active(0, SPI + i));
	assert_int_equal(vif[0].unpredictable, 0);
}

/* EOImode 0: an EOI that matches no list register is for the newest running interrupt outside
 * them, not for the highest-priority spilled one (here an active one the guest never took). */
static void test_vgic_eoi_count_retires_the_running_interrupt_not_an_isactiver_one(void **state)
{
	config(0, SPI + 9, 0x80, 1, true);
	nest(0, SPI + 9); /* running at 0x80 */
	config(0, SPI + 8, 0x60, 1, true);
	reg_write(0, SPI + 8, ISACTIVER, 0); /* active, but no running priority */
	for (unsigned i = 0; i < 4; i++) {
		config(0, SPI + i, (uint8_t)(0x40 - 0x10 * i), 1, true);
		nest(0, SPI + i);
	}
	/* Six active: SPI + 9 and SPI + 8, the lowest, are spilled. */
	enter(0);
	assert_int_equal(lr_of(0, SPI + 9), -1);
	assert_int_equal(lr_of(0, SPI + 8), -1);
	for (unsigned i = 4; i-- > 0;) {
		maybe_maintenance(0);
		sim_icv_eoir(&vif[0], 1, SPI + i);
	}
	maybe_maintenance(0);
	sim_icv_eoir(&vif[0], 1, SPI + 9);
	maybe_maintenance(0);
	leave(0);
	assert_false(active(0, SPI + 9));
	assert_true(active(0, SPI + 8));
	assert_int_equal(sim_icv_rpr(&vif[0]), 0xff);
	assert_int_equal(cpu(0)->vgic.nr_running, 0);
	assert_int_equal(vif[0].unpredictable, 0);
}

/* A running interrupt ended by ICACTIVER: the guest's EOI later only drops its priority and
 * must not retire a spilled interrupt in its place. */
static void test_vgic_eoi_of_an_icactiver_ended_interrupt_retires_nothing_else(void **state)
{
	for (unsigned i = 0; i < 6; i++) {
		config(0, SPI + i, (uint8_t)(0xc0 - 0x20 * i), 1, true);
		nest(0, SPI + i);
	}
	reg_write(0, SPI + 5, ICACTIVER, 0); /* the newest, in a list register */
	enter(0);
	assert_int_equal(lr_of(0, SPI + 5), -1);
	sim_icv_eoir(&vif[0], 1, SPI + 5); /* matches no list register */
	maybe_maintenance(0);
	for (unsigned i = 0; i < 5; i++)
		assert_true(active(0, SPI + i));
	for (unsigned i = 5; i-- > 0;) {
		maybe_maintenance(0);
		sim_icv_eoir(&vif[0], 1, SPI + i);
	}
	maybe_maintenance(0);
	leave(0);
	for (unsigned i = 0; i < 6; i++)
		assert_false(active(0, SPI + i));
	assert_int_equal(sim_icv_rpr(&vif[0]), 0xff);
	assert_int_equal(cpu(0)->vgic.nr_running, 0);
	assert_int_equal(vif[0].unpredictable, 0);
}

/* EOImode 0: ended by ICACTIVER, reprioritised and set active again while the guest still
 * holds the priority it took it at: its EOI drops that priority, so the list register must
 * carry it for the EOI to match and end the interrupt. */
static void test_vgic_running_interrupt_set_active_again_keeps_its_eoi(void **state)
{
	config(0, SPI, 0x80, 1, true);
	nest(0, SPI);
	reg_write(0, SPI, ICACTIVER, 0);
	reg_write(0, SPI, IPRIORITYR, 0x40);
	reg_write(0, SPI, ISACTIVER, 0);
	enter(0);
	sim_icv_eoir(&vif[0], 1, SPI);
	leave(0);
	assert_false(active(0, SPI));
	assert_int_equal(sim_icv_rpr(&vif[0]), 0xff);
	assert_int_equal(vif[0].unpredictable, 0);
	/* Set active by ISACTIVER alone it counts as taken at its current priority. */
	reg_write(0, SPI, ISACTIVER, 0);
	enter(0);
	assert_int_equal((cpu(0)->ctx.vgic.lr[lr_of(0, SPI)] >> ICH_LR_PRIORITY_SHIFT) & 0xff,
			 0x40);
	leave(0);
}

int main(void)
{
#define T(fn)  cmocka_unit_test_setup_teardown(fn, setup1, teardown)
#define T2(fn) cmocka_unit_test_setup_teardown(fn, setup2, teardown)
	const struct CMUnitTest tests[] = {
	    T(test_vgic_twenty_interrupts_are_taken_once_each_in_priority_order),
	    T(test_vgic_equal_priorities_are_taken_in_intid_order),
	    T(test_vgic_higher_priority_arrival_evicts_the_lowest_pending_lr),
	    T(test_vgic_six_nested_levels_preempt_and_all_retire_in_reverse),
	    T(test_vgic_nesting_sixteen_deep_with_four_lrs),
	    T(test_vgic_four_active_lrs_and_a_lower_pending_one_do_not_storm),
	    T(test_vgic_eoimode1_spilled_interrupts_deactivated_in_any_order),
	    T2(test_vgic_trapped_dir_ends_only_an_interrupt_active_here),
	    T(test_vgic_eoimode1_eoi_count_of_a_priority_drop_deactivates_nothing),
	    T(test_vgic_eoi_count_retires_the_running_interrupt_not_an_isactiver_one),
	    T(test_vgic_eoi_of_an_icactiver_ended_interrupt_retires_nothing_else),
	    T(test_vgic_running_interrupt_set_active_again_keeps_its_eoi),
	};
#undef T
#undef T2

	return cmocka_run_group_tests_name("vgic_lr_overflow", tests, NULL, NULL);
}

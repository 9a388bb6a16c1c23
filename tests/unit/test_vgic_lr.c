// SPDX-License-Identifier: MIT
/* Tests of core/vgic.c, part 2: the list registers under pressure (DESIGN.md section 12).
 * More pending interrupts than list registers (exactly once, in priority order, INTID among
 * equals, eviction by a newcomer), nesting deeper than the list registers (spill and the
 * EOIcount path), the HW=1 virtual timer, and the whole loop through vcpu_run(). Part 1 is
 * test_vgic.c, part 3 (the model-based random test) test_vgic_model.c; the harness is
 * vgic_harness.h. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <core/irq.h>
#include <core/smccc.h>
#include <hal/gic.h>

#include "vgic_harness.h"

#define SPI    32
#define VTIMER VGIC_PPI_VTIMER

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
	    T(test_vgic_hw_timer_is_deactivated_by_the_guest_eoi),
	    T(test_vgic_hw_timer_spilled_by_nesting_is_deactivated_on_its_eoi),
	    T(test_vgic_hw_timer_icactiver_ends_the_physical_interrupt),
	    T(test_vgic_hw_timer_icpendr_does_not_keep_the_physical_one_active),
	    T(test_vgic_hw_timer_withdrawn_before_it_is_taken_releases_the_physical_one),
	    T(test_vgic_hw_timer_unmapped_at_put_frees_the_physical_one),
	    T(test_vgic_software_pend_of_the_timer_ppi_leaves_the_physical_one_alone),
	    T(test_vgic_disabled_interrupt_is_not_taken_after_its_active_instance),
	    T(test_vgic_group_disabled_at_the_cpu_interface_does_not_hide_the_other),
	    T(test_vgic_group_enable_maintenance_does_not_outlive_its_exit),
	    T(test_vgic_group_disabled_after_entry_does_not_hide_the_other),
	    T(test_vgic_actives_without_a_running_priority_do_not_hide_a_pending_one),
	    T(test_vgic_active_and_pending_lrs_do_not_arm_an_np_storm),
	    T(test_vgic_priority_change_of_an_active_interrupt_keeps_its_eoi),
	    T2(test_vgic_rerouting_a_spilled_spi_keeps_the_spill_counts),
	    T2(test_vgic_icactiver_of_a_spilled_spi_routed_nowhere_is_safe),
	    T(test_vgic_vcpu_run_delivers_through_maintenance_exits),
	};
#undef T
#undef T2

	return cmocka_run_group_tests_name("vgic_lr", tests, NULL, NULL);
}

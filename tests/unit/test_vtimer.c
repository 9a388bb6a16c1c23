// SPDX-License-Identifier: MIT
/* Tests of core/vtimer.c: the EL1 virtual timer's deadline and output for enabled, masked and
 * disabled timers with the VM's CNTVOFF; vtimer_sync() withdrawing a HW=1 timer interrupt that
 * was injected but not taken once its condition no longer holds (and deactivating the physical
 * one), but not one whose condition still holds or that the guest already took; vtimer_put()
 * releasing the physical interrupt. The physical side runs as target/main.c sets it up: the
 * PPI enabled at the simulated GIC, taken at EL2 by irq_handle_physical(). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <core/err.h>
#include <core/gicv3.h>
#include <core/irq.h>
#include <core/lib.h>
#include <core/vgic.h>
#include <core/vm.h>
#include <core/vtimer.h>
#include <hal-sim/sim_hal.h>
#include <hal/gic.h>
#include <sim/sim.h>

#include "fixture.h"

/* A test that shows a known bug is skipped unless TEST_KNOWN_BUGS=1 (it then fails until the
 * bug is fixed; remove the guard with the fix). */
#define KNOWN_BUG(what)                                           \
	do {                                                      \
		if (!getenv("TEST_KNOWN_BUGS")) {                 \
			print_message("[  KNOWN   ] %s\n", what); \
			skip();                                   \
		}                                                 \
	} while (0)

#define VTIMER	   VGIC_PPI_VTIMER
#define CNTVOFF	   1000000ULL
#define CTL_ENABLE 1ULL
#define CTL_IMASK  2ULL
#define CTL_STATUS 4ULL /* ISTATUS: read-only, ignored by the computation */

static struct sim_machine m;
static struct vcpu *v;
static struct sim_vif vif;

static int setup(void **state)
{
	static const struct irq_config irqs = {
	    .maintenance = VGIC_PPI_MAINTENANCE, .vtimer = VTIMER, .hyp_timer = 26};
	struct vgic_irq *irq;

	v = fixture_nop_machine(&m);
	v->ctx.cntvoff = CNTVOFF;
	v->state = VCPU_RUNNING;
	fixture_vcpus_loaded_here(m.vm);
	vgic_init(m.vm, 64);
	m.vm->vgic.enable_grp1 = true;
	irq = &v->vgic.private_irqs[VTIMER];
	irq->group = 1;
	irq->priority = 0xa0;
	irq->enabled = true;
	sim_vif_init(&vif, &v->ctx);
	sim_vif_set_pmr(&vif, 0xff);
	sim_vif_set_grpen(&vif, 1, true);
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

static void timer(uint64_t ctl, uint64_t cval)
{
	v->ctx.el1[HAL_CNTV_CTL_EL0] = ctl;
	v->ctx.el1[HAL_CNTV_CVAL_EL0] = cval;
}

static const struct vgic_irq *vt(void)
{
	return &v->vgic.private_irqs[VTIMER];
}

/* The timer fires while the guest runs: the PPI exits it, irq.c takes it at EL2 (priority
 * drop only) and injects it with HW=1. */
static void fires(void)
{
	sim_gic_raise(VTIMER);
	irq_handle_physical(v);
	assert_true(sim_hal.gic.active[VTIMER]);
	assert_true(vt()->hw);
	assert_true(vt()->pending_latch);
}

/* --- deadline and output ------------------------------------------------------------------ */

static void test_vtimer_enabled_timer_fires_at_cval_plus_cntvoff(void **state)
{
	timer(CTL_ENABLE, 5000);
	assert_int_equal(vtimer_deadline(v), CNTVOFF + 5000);
	sim_hal.counter = CNTVOFF + 4999;
	assert_false(vtimer_asserted(v));
	sim_hal.counter = CNTVOFF + 5000;
	assert_true(vtimer_asserted(v));
	sim_hal.counter = UINT64_MAX;
	assert_true(vtimer_asserted(v));
}

static void test_vtimer_disabled_or_masked_timer_has_no_deadline(void **state)
{
	static const uint64_t ctls[] = {0, CTL_IMASK, CTL_ENABLE | CTL_IMASK, CTL_STATUS,
					CTL_ENABLE | CTL_IMASK | CTL_STATUS};

	/* (UINT64_MAX itself is the "never" the deadline returns: not a count to test with.) */
	sim_hal.counter = UINT64_MAX - 1;
	for (unsigned i = 0; i < ARRAY_SIZE(ctls); i++) {
		timer(ctls[i], 0);
		assert_int_equal(vtimer_deadline(v), UINT64_MAX);
		assert_false(vtimer_asserted(v));
	}
	/* ISTATUS is the hardware's opinion, not an input. */
	timer(CTL_ENABLE | CTL_STATUS, 10);
	assert_int_equal(vtimer_deadline(v), CNTVOFF + 10);
}

static void test_vtimer_uses_the_vcpus_own_cntvoff(void **state)
{
	timer(CTL_ENABLE, 100);
	v->ctx.cntvoff = 0;
	assert_int_equal(vtimer_deadline(v), 100);
	v->ctx.cntvoff = 7;
	assert_int_equal(vtimer_deadline(v), 107);
	sim_hal.counter = 106;
	assert_false(vtimer_asserted(v));
	sim_hal.counter = 107;
	assert_true(vtimer_asserted(v));
}

static void test_vtimer_of_a_vcpu_that_is_not_loaded_reads_its_saved_registers(void **state)
{
	v->state = VCPU_BLOCKED;
	timer(CTL_ENABLE, 42);
	assert_int_equal(vtimer_deadline(v), CNTVOFF + 42);
	v->state = VCPU_RUNNABLE;
	timer(CTL_ENABLE | CTL_IMASK, 42);
	assert_int_equal(vtimer_deadline(v), UINT64_MAX);
}

/* The architecture compares the virtual count (physical - CNTVOFF) with CVAL as 64-bit
 * unsigned numbers (Arm ARM D12.2.4): a CVAL near 2^64 is never reached. Adding CNTVOFF to
 * CVAL wraps instead and puts the deadline in the past. */
static void test_vtimer_cval_near_2_pow_64_is_never_reached(void **state)
{
	timer(CTL_ENABLE, UINT64_MAX - 10);
	sim_hal.counter = CNTVOFF + 123456;
	assert_false(vtimer_asserted(v));
	assert_true(vtimer_deadline(v) > sim_hal.counter);
}

/* --- vtimer_sync ---------------------------------------------------------------------------- */

static void test_vtimer_sync_withdraws_an_untaken_interrupt_of_a_disabled_timer(void **state)
{
	timer(CTL_ENABLE, 10);
	sim_hal.counter = CNTVOFF + 10;
	fires();
	timer(0, 10); /* the guest turned its timer off before taking the interrupt */
	vtimer_sync(v);
	assert_false(vt()->pending_latch);
	assert_false(vgic_wants_wakeup(v));
	assert_false(sim_hal.gic.active[VTIMER]); /* the physical one may fire again */
	assert_int_equal(sim_hal.gic.deactivates, 1);
	assert_int_equal(sim_hal.gic.last_deactivate, VTIMER);
	assert_int_equal(sim_hal.gic.deactivate_errors, 0);
	assert_int_equal(v->vgic.interesting[0], 0);
}

static void test_vtimer_sync_withdraws_an_untaken_interrupt_of_a_masked_or_later_timer(void **state)
{
	static const uint64_t later[][2] = {{CTL_ENABLE | CTL_IMASK, 10}, {CTL_ENABLE, 11}};

	for (unsigned i = 0; i < ARRAY_SIZE(later); i++) {
		timer(CTL_ENABLE, 10);
		sim_hal.counter = CNTVOFF + 10;
		fires();
		timer(later[i][0], later[i][1]);
		vtimer_sync(v);
		assert_false(vt()->pending_latch);
		assert_false(sim_hal.gic.active[VTIMER]);
		assert_int_equal(sim_hal.gic.deactivates, i + 1);
	}
}

static void test_vtimer_sync_keeps_an_interrupt_whose_condition_still_holds(void **state)
{
	timer(CTL_ENABLE, 10);
	sim_hal.counter = CNTVOFF + 10;
	fires();
	sim_hal.counter += 1000;
	timer(CTL_ENABLE, 500); /* reprogrammed, but still in the past */
	vtimer_sync(v);
	assert_true(vt()->pending_latch);
	assert_true(vt()->hw);
	assert_true(sim_hal.gic.active[VTIMER]);
	assert_int_equal(sim_hal.gic.deactivates, 0);
	assert_true(vgic_wants_wakeup(v));
}

static void test_vtimer_sync_leaves_an_interrupt_the_guest_already_took(void **state)
{
	timer(CTL_ENABLE, 10);
	sim_hal.counter = CNTVOFF + 10;
	fires();
	/* The guest acknowledges it (the list register goes active), then exits. */
	vgic_flush(v);
	assert_int_equal(sim_icv_iar(&vif, 1), VTIMER);
	vgic_fold(v);
	assert_true(vt()->active);
	timer(0, 10); /* its handler turned the timer off */
	vtimer_sync(v);
	assert_true(vt()->active);
	assert_true(vt()->hw);
	assert_true(sim_hal.gic.active[VTIMER]); /* the guest's EOI ends it, HW=1 */
	assert_int_equal(sim_hal.gic.deactivates, 0);

	vgic_flush(v);
	sim_icv_eoir(&vif, 1, VTIMER);
	vgic_fold(v);
	assert_false(vt()->active);
	assert_false(sim_hal.gic.active[VTIMER]);
	assert_int_equal(sim_hal.gic.deactivate_errors, 0);
}

static void test_vtimer_sync_leaves_a_software_pended_timer_interrupt_alone(void **state)
{
	/* GICR_ISPENDR0 by the guest: a latch the timer's level has nothing to do with. */
	vgic_pulse(m.vm, v, VTIMER);
	timer(0, 0);
	vtimer_sync(v);
	assert_true(vt()->pending_latch);
	assert_int_equal(sim_hal.gic.deactivates, 0);
}

static void test_vtimer_sync_with_nothing_injected_does_nothing(void **state)
{
	timer(0, 0);
	vtimer_sync(v);
	assert_false(vt()->pending_latch);
	assert_int_equal(sim_hal.gic.deactivates, 0);
	assert_int_equal(sim_hal.vgic_lr_reads + sim_hal.vgic_lr_writes, 0);
}

/* --- vtimer_put ----------------------------------------------------------------------------- */

static void test_vtimer_put_releases_a_pending_physical_interrupt(void **state)
{
	timer(CTL_ENABLE, 10);
	sim_hal.counter = CNTVOFF + 10;
	fires();
	vtimer_put(v);
	assert_false(sim_hal.gic.active[VTIMER]);
	assert_int_equal(sim_hal.gic.deactivates, 1);
	assert_false(vt()->hw);
	/* The guest still gets the interrupt it was owed, as a plain virtual one. */
	assert_true(vt()->pending_latch);
	vgic_flush(v);
	assert_false(v->ctx.vgic.lr[0] & ICH_LR_HW);
	assert_int_equal(sim_icv_iar(&vif, 1), VTIMER);
	sim_icv_eoir(&vif, 1, VTIMER);
	vgic_fold(v);
	assert_int_equal(sim_hal.gic.deactivates, 1); /* nothing physical left to end */
	assert_int_equal(sim_hal.gic.deactivate_errors, 0);
}

static void test_vtimer_put_releases_an_active_physical_interrupt(void **state)
{
	timer(CTL_ENABLE, 10);
	sim_hal.counter = CNTVOFF + 10;
	fires();
	vgic_flush(v);
	assert_int_equal(sim_icv_iar(&vif, 1), VTIMER);
	vgic_fold(v);
	vtimer_put(v);
	assert_false(sim_hal.gic.active[VTIMER]);
	assert_false(vt()->hw);
	assert_true(vt()->active);
	assert_int_equal(sim_hal.gic.deactivate_errors, 0);
}

static void test_vtimer_put_without_a_physical_interrupt_deactivates_nothing(void **state)
{
	vtimer_put(v);
	vgic_pulse(m.vm, v, VTIMER);
	vtimer_put(v);
	assert_int_equal(sim_hal.gic.deactivates, 0);
	assert_true(vt()->pending_latch);
}

/* --- the physical PPI comes from the host DTB ------------------------------------------------ */

/* A board whose DTB gives the EL1 virtual timer another PPI than 27: the guest still sees 27
 * (its own DTB says so), backed with HW=1 by the physical PPI the host named. */
#define HOST_VTIMER 30

static void use_host_vtimer(void)
{
	static const struct irq_config irqs = {
	    .maintenance = VGIC_PPI_MAINTENANCE, .vtimer = HOST_VTIMER, .hyp_timer = 26};

	irq_init(&irqs);
	irq_cpu_init();
}

static void test_vtimer_physical_ppi_from_the_host_dtb_reaches_the_guest_as_27(void **state)
{
	use_host_vtimer();
	timer(CTL_ENABLE, 10);
	sim_hal.counter = CNTVOFF + 10;
	sim_gic_raise(HOST_VTIMER);
	irq_handle_physical(v);
	assert_true(sim_hal.gic.active[HOST_VTIMER]);
	assert_true(vt()->hw);
	assert_int_equal(vt()->hw_intid, HOST_VTIMER);
	assert_false(v->vgic.private_irqs[HOST_VTIMER].pending_latch);
	vgic_flush(v);
	assert_int_equal((v->ctx.vgic.lr[0] >> ICH_LR_PINTID_SHIFT) & ICH_LR_PINTID_MASK,
			 HOST_VTIMER);
	assert_int_equal(sim_icv_iar(&vif, 1), VTIMER);
	sim_icv_eoir(&vif, 1, VTIMER);
	vgic_fold(v);
	/* The guest's EOI of 27 ended the physical 30. */
	assert_false(sim_hal.gic.active[HOST_VTIMER]);
	assert_int_equal(sim_hal.gic.deactivate_errors, 0);
}

/* A path that lost the release (the vCPU owes none any more, the physical PPI it was given
 * with HW=1 is still active): the next load on the pCPU ends it and says so. */
static void test_vtimer_load_releases_the_host_dtbs_physical_ppi_left_active(void **state)
{
	use_host_vtimer();
	timer(CTL_ENABLE, 10);
	sim_hal.counter = CNTVOFF + 10;
	sim_gic_raise(HOST_VTIMER);
	irq_handle_physical(v);
	assert_true(sim_hal.gic.active[HOST_VTIMER]);
	v->vtimer_hw = false;
	vtimer_put(v);
	assert_true(sim_hal.gic.active[HOST_VTIMER]);
	vtimer_load(v);
	assert_false(sim_hal.gic.active[HOST_VTIMER]);
	assert_int_equal(sim_hal.gic.deactivate_errors, 0);
	console_settle();
	assert_true(console_has_line("warning: vtimer: physical timer interrupt was left active; "
				     "released for sim vcpu 0"));
}

/* Only a HW=1 injection on the pCPU can leave the physical PPI active (core/irq.c ends every
 * other acknowledge of it at once): a load asks the GIC only after one, so a vCPU switch
 * without a timer interrupt costs no GIC read. */
static void test_vtimer_load_asks_the_gic_only_after_a_fire_on_its_pcpu(void **state)
{
	unsigned reads;

	vtimer_load(v); /* whatever the tests before left */
	reads = sim_hal.gic.active_reads;
	vtimer_load(v);
	assert_int_equal(sim_hal.gic.active_reads, reads);

	timer(CTL_ENABLE, 10);
	sim_hal.counter = CNTVOFF + 10;
	fires();
	vtimer_put(v);
	vtimer_load(v);
	assert_int_equal(sim_hal.gic.active_reads, reads + 1);
	assert_false(sim_hal.gic.active[VTIMER]);
	vtimer_load(v);
	assert_int_equal(sim_hal.gic.active_reads, reads + 1);
}

int main(void)
{
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
	const struct CMUnitTest tests[] = {
	    T(test_vtimer_enabled_timer_fires_at_cval_plus_cntvoff),
	    T(test_vtimer_disabled_or_masked_timer_has_no_deadline),
	    T(test_vtimer_uses_the_vcpus_own_cntvoff),
	    T(test_vtimer_of_a_vcpu_that_is_not_loaded_reads_its_saved_registers),
	    T(test_vtimer_cval_near_2_pow_64_is_never_reached),
	    T(test_vtimer_sync_withdraws_an_untaken_interrupt_of_a_disabled_timer),
	    T(test_vtimer_sync_withdraws_an_untaken_interrupt_of_a_masked_or_later_timer),
	    T(test_vtimer_sync_keeps_an_interrupt_whose_condition_still_holds),
	    T(test_vtimer_sync_leaves_an_interrupt_the_guest_already_took),
	    T(test_vtimer_sync_leaves_a_software_pended_timer_interrupt_alone),
	    T(test_vtimer_sync_with_nothing_injected_does_nothing),
	    T(test_vtimer_put_releases_a_pending_physical_interrupt),
	    T(test_vtimer_put_releases_an_active_physical_interrupt),
	    T(test_vtimer_put_without_a_physical_interrupt_deactivates_nothing),
	    T(test_vtimer_physical_ppi_from_the_host_dtb_reaches_the_guest_as_27),
	    T(test_vtimer_load_releases_the_host_dtbs_physical_ppi_left_active),
	    T(test_vtimer_load_asks_the_gic_only_after_a_fire_on_its_pcpu),
	};
#undef T

	return cmocka_run_group_tests(tests, NULL, NULL);
}

// SPDX-License-Identifier: MIT
/* Tests of vgic_wake_flush() (core/vgic_lr.c): the wake-up test of a vCPU parked on its pCPU
 * (core/sched_alone.c), which fills its list registers under the same lock when it wakes it.
 * It answers exactly as vgic_wants_wakeup() does; the entry that follows finds the list
 * registers filled and writes none; an interrupt of the vCPU's that changes in between (local
 * deferred work raising a device's line) makes that entry fill them again, so nothing is lost,
 * hidden or taken twice. The harness is vgic_harness.h. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include <cmocka.h>

#include "vgic_harness.h"

#define SGI	1
#define SGI_HI	2
#define SPI	40
#define PRIO	0x80
#define PRIO_HI 0x40

/* What the guest takes at the entry after a wake-up, in order, then spurious. */
static unsigned taken_after_wake(uint32_t *out, unsigned max)
{
	unsigned n = guest_drain(0, out, max);

	leave(0);
	return n;
}

static void test_vgic_wake_flush_fills_the_list_registers_and_the_entry_writes_none(void **state)
{
	uint32_t got[4];

	config(0, SGI, PRIO, 1, true);
	vgic_pulse(vm, cpu(0), SGI);
	assert_true(vgic_wake_flush(cpu(0)));
	assert_int_equal(lr_of(0, SGI), 0);
	assert_false(pending(0, SGI)); /* the latch went into the list register */
	sim_hal.vgic_lr_writes = 0;
	vgic_flush(cpu(0));
	assert_int_equal(sim_hal.vgic_lr_writes, 0);
	assert_int_equal(sim_icv_iar(&vif[0], 1), SGI);
	sim_icv_eoir(&vif[0], 1, SGI);
	assert_int_equal(sim_icv_iar(&vif[0], 1), VGIC_SPURIOUS);
	leave(0);
	assert_false(pending(0, SGI));
	assert_false(active(0, SGI));
	/* The next entry after an exit is an ordinary one: nothing left to show. */
	assert_int_equal(taken_after_wake(got, 4), 0);
}

/* Masked by the priority mask, its group off at the CPU interface or in the distributor,
 * disabled, or only active: no wake-up, and the list registers stay empty. */
static void test_vgic_wake_flush_does_not_wake_for_what_the_guest_cannot_take(void **state)
{
	for (unsigned why = 0; why < 5; why++) {
		machine(1);
		config(0, SGI, PRIO, 1, true);
		vgic_pulse(vm, cpu(0), SGI);
		switch (why) {
		case 0:
			sim_vif_set_pmr(&vif[0], PRIO);
			break;
		case 1:
			sim_vif_set_grpen(&vif[0], 1, false);
			break;
		case 2:
			vm->vgic.enable_grp1 = false;
			break;
		case 3:
			reg_write(0, SGI, ICENABLER, 0);
			break;
		default:
			reg_write(0, SGI, ICPENDR, 0);
			reg_write(0, SGI, ISACTIVER, 0);
			break;
		}
		assert_false(vgic_wants_wakeup(cpu(0)));
		sim_hal.vgic_lr_writes = 0;
		assert_false(vgic_wake_flush(cpu(0)));
		assert_int_equal(sim_hal.vgic_lr_writes, 0);
		assert_int_equal(lr_of(0, SGI), -1);
		assert_int_equal(pending(0, SGI), why != 4);
	}
}

/* Its answer is vgic_wants_wakeup()'s, with one interrupt or several interesting, each of
 * them masked or not by the priority mask; when it wakes, the guest takes the same interrupts
 * in the same order as after an ordinary entry. */
static void test_vgic_wake_flush_answers_as_the_wake_up_test(void **state)
{
	for (unsigned mask = 0; mask < 8; mask++) {
		static const uint32_t ids[3] = {SGI, SGI_HI, SPI};
		static const uint8_t prio[3] = {PRIO, PRIO_HI, 0x60};
		uint32_t want[4], got[4];
		unsigned n_want = 0, n_got = 0;
		bool wakes;

		for (unsigned ordinary = 0; ordinary < 2; ordinary++) {
			machine(1);
			sim_vif_set_pmr(&vif[0], 0x70); /* lets through SGI_HI and SPI only */
			for (unsigned i = 0; i < 3; i++) {
				if (!(mask & (1u << i)))
					continue;
				config(0, ids[i], prio[i], 1, true);
				if (ids[i] >= VGIC_NR_PRIVATE)
					reg_write(0, ids[i], IROUTER, 0);
				vgic_pulse(vm, cpu(0), ids[i]);
			}
			wakes = vgic_wants_wakeup(cpu(0));
			if (ordinary) {
				n_want = wakes ? taken_after_wake(want, 4) : 0;
				continue;
			}
			assert_int_equal(vgic_wake_flush(cpu(0)), wakes);
			n_got = wakes ? taken_after_wake(got, 4) : 0;
		}
		assert_int_equal(n_got, n_want);
		for (unsigned i = 0; i < n_got; i++)
			assert_int_equal(got[i], want[i]);
	}
}

/* Between the wake-up and the entry the pCPU finishes deferred device work, which raises an
 * interrupt of a higher priority: the entry fills the list registers again, and the guest
 * takes both, the new one first. */
static void test_vgic_wake_flush_an_interrupt_raised_before_the_entry_is_not_hidden(void **state)
{
	uint32_t got[4];

	config(0, SGI, PRIO, 1, true);
	config(0, SPI, PRIO_HI, 1, true);
	reg_write(0, SPI, IROUTER, 0);
	vgic_pulse(vm, cpu(0), SGI);
	assert_true(vgic_wake_flush(cpu(0)));
	vgic_pulse(vm, NULL, SPI);
	assert_int_equal(guest_drain(0, got, 4), 2);
	assert_int_equal(got[0], SPI);
	assert_int_equal(got[1], SGI);
	leave(0);
	assert_false(pending(0, SGI));
	assert_false(pending(0, SPI));
}

/* Asked twice before the entry: the second look folds what the first filled and fills it
 * again, and the guest takes the SGI once. */
static void test_vgic_wake_flush_twice_before_the_entry_shows_the_interrupt_once(void **state)
{
	uint32_t got[4];

	config(0, SGI, PRIO, 1, true);
	vgic_pulse(vm, cpu(0), SGI);
	assert_true(vgic_wake_flush(cpu(0)));
	assert_true(vgic_wake_flush(cpu(0)));
	assert_int_equal(lr_of(0, SGI), 0);
	assert_int_equal(guest_drain(0, got, 4), 1);
	assert_int_equal(got[0], SGI);
	leave(0);
	assert_false(pending(0, SGI));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(
		test_vgic_wake_flush_fills_the_list_registers_and_the_entry_writes_none, setup1,
		teardown),
	    cmocka_unit_test_setup_teardown(
		test_vgic_wake_flush_does_not_wake_for_what_the_guest_cannot_take, setup1,
		teardown),
	    cmocka_unit_test_setup_teardown(test_vgic_wake_flush_answers_as_the_wake_up_test,
					    setup1, teardown),
	    cmocka_unit_test_setup_teardown(
		test_vgic_wake_flush_an_interrupt_raised_before_the_entry_is_not_hidden, setup1,
		teardown),
	    cmocka_unit_test_setup_teardown(
		test_vgic_wake_flush_twice_before_the_entry_shows_the_interrupt_once, setup1,
		teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

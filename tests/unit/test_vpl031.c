// SPDX-License-Identifier: MIT
/* Tests of vdev/vpl031.c: the guest's PL031 reads the wall-clock time the hypervisor took from
 * the machine's RTC at boot plus the counter's progress, a load sets the guest's own clock,
 * the match status, the ID registers a PrimeCell driver probes, and accesses the PL031 does
 * not define (reserved offsets, other widths, read-only registers) changing nothing. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include <core/err.h>
#include <core/vm.h>
#include <hal-sim/sim_hal.h>
#include <sim/sim.h>
#include <vdev/vpl031.h>

#include "fixture.h"

#define FREQ 62500000ULL
/* 2026-12-07 14:00:00 UTC, when the machine booted. */
#define BOOT_SECONDS 1796652000ULL
#define BOOT_COUNTER 5000000ULL

static struct sim_machine m;
static struct mmio_device *dev;

static int setup(void **state)
{
	sim_hal_reset();
	sim_hal.counter_freq = FREQ;
	assert_int_equal(sim_machine_init(&m, NULL), HV_OK);
	vpl031_set_wall_clock(BOOT_SECONDS, BOOT_COUNTER);
	assert_int_equal(vpl031_attach(m.vm, VM_PL031_BASE), HV_OK);
	dev = vm_find_mmio(m.vm, VM_PL031_BASE);
	assert_non_null(dev);
	return 0;
}

static int teardown(void **state)
{
	sim_machine_destroy(&m);
	return 0;
}

static uint64_t rd_size(uint64_t off, unsigned size)
{
	uint64_t val = 0xdeadbeef;

	assert_int_equal(dev->ops->read(dev, &m.vm->vcpus[0], off, size, &val), HV_OK);
	return val;
}

static uint32_t rd(uint64_t off)
{
	return (uint32_t)rd_size(off, 4);
}

static void wr(uint64_t off, unsigned size, uint64_t val)
{
	assert_int_equal(dev->ops->write(dev, &m.vm->vcpus[0], off, size, val), HV_OK);
}

/* The counter `seconds` after the wall clock was taken. */
static void at(uint64_t seconds)
{
	sim_hal.counter = BOOT_COUNTER + seconds * FREQ;
}

static void test_vpl031_reads_the_wall_clock_and_runs_on_with_the_counter(void **state)
{
	at(0);
	assert_int_equal(rd(PL031_DR), BOOT_SECONDS);
	sim_hal.counter = BOOT_COUNTER + FREQ - 1; /* just under a second later */
	assert_int_equal(rd(PL031_DR), BOOT_SECONDS);
	at(1);
	assert_int_equal(rd(PL031_DR), BOOT_SECONDS + 1);
	at(3600);
	assert_int_equal(rd(PL031_DR), BOOT_SECONDS + 3600);
	assert_int_equal(rd(PL031_CR), PL031_CR_EN);
}

static void test_vpl031_a_load_sets_the_guests_clock_and_it_runs_on(void **state)
{
	at(10);
	wr(PL031_LR, 4, 1000);
	assert_int_equal(rd(PL031_DR), 1000);
	assert_int_equal(rd(PL031_LR), 1000);
	at(15);
	assert_int_equal(rd(PL031_DR), 1005);
	/* A load before the wall-clock time wraps as the 32-bit counter does. */
	wr(PL031_LR, 4, 0xfffffffe);
	at(18);
	assert_int_equal(rd(PL031_DR), 1);
}

static void test_vpl031_match_status_follows_the_counter_and_clears(void **state)
{
	at(0);
	assert_int_equal(rd(PL031_RIS), 0);
	wr(PL031_MR, 4, BOOT_SECONDS + 5);
	assert_int_equal(rd(PL031_MR), BOOT_SECONDS + 5);
	at(4);
	assert_int_equal(rd(PL031_RIS), 0);
	at(5);
	assert_int_equal(rd(PL031_RIS), 1);
	assert_int_equal(rd(PL031_MIS), 0);
	wr(PL031_IMSC, 4, 1);
	assert_int_equal(rd(PL031_IMSC), 1);
	assert_int_equal(rd(PL031_MIS), 1);
	wr(PL031_ICR, 4, 1);
	assert_int_equal(rd(PL031_RIS), 0);
	assert_int_equal(rd(PL031_MIS), 0);
}

static void test_vpl031_identifies_as_an_arm_pl031_primecell(void **state)
{
	static const uint8_t id[8] = {0x31, 0x10, 0x14, 0x00, 0x0d, 0xf0, 0x05, 0xb1};

	for (unsigned i = 0; i < 8; i++)
		assert_int_equal(rd(PL031_ID + 4 * i), id[i]);
}

static void test_vpl031_undefined_accesses_change_nothing(void **state)
{
	at(7);
	wr(PL031_DR, 4, 1);	  /* read-only */
	wr(PL031_CR, 4, 0);	  /* cannot be stopped */
	wr(PL031_RIS, 4, 1);	  /* read-only */
	wr(0x100, 4, 0xffffffff); /* reserved */
	wr(PL031_LR, 1, 5);	  /* not a 32-bit access */
	wr(PL031_LR, 8, 5);
	assert_int_equal(rd(PL031_DR), BOOT_SECONDS + 7);
	assert_int_equal(rd(PL031_CR), PL031_CR_EN);
	assert_int_equal(rd(PL031_LR), 0);
	assert_int_equal(rd(0x100), 0);
	assert_int_equal(rd(PL031_ICR), 0);
	assert_int_equal(rd_size(PL031_DR, 1), 0);
	assert_int_equal(rd_size(PL031_DR, 8), 0);
}

static void test_vpl031_only_one_per_vm(void **state)
{
	at(0);
	wr(PL031_LR, 4, 42);
	assert_int_equal(vpl031_attach(m.vm, VM_PL031_BASE), HV_EBUSY);
	assert_int_equal(rd(PL031_DR), 42); /* the live one is untouched */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(
		test_vpl031_reads_the_wall_clock_and_runs_on_with_the_counter, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_vpl031_a_load_sets_the_guests_clock_and_it_runs_on,
					    setup, teardown),
	    cmocka_unit_test_setup_teardown(test_vpl031_match_status_follows_the_counter_and_clears,
					    setup, teardown),
	    cmocka_unit_test_setup_teardown(test_vpl031_identifies_as_an_arm_pl031_primecell, setup,
					    teardown),
	    cmocka_unit_test_setup_teardown(test_vpl031_undefined_accesses_change_nothing, setup,
					    teardown),
	    cmocka_unit_test_setup_teardown(test_vpl031_only_one_per_vm, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

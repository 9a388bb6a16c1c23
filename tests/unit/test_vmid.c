// SPDX-License-Identifier: MIT
/* Tests of core/vmid.c: VMIDs 1..VMID_MAX handed out lowest first, 0 never, exhaustion, and a
 * TLB flush of a VMID before anyone can get it again. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include <core/err.h>
#include <core/vmid.h>
#include <hal-sim/sim_hal.h>

#include "rng.h"

static uint16_t held[VMID_MAX];
static unsigned held_count;

static int setup(void **state)
{
	sim_hal_reset();
	held_count = 0;
	return 0;
}

/* Every test gives back what it took: the VMID table is global. */
static int teardown(void **state)
{
	for (unsigned i = 0; i < held_count; i++)
		vmid_free(held[i]);
	return 0;
}

static uint16_t take(void)
{
	uint16_t id = 0;

	assert_int_equal(vmid_alloc(&id), HV_OK);
	held[held_count++] = id;
	return id;
}

static void give(uint16_t id)
{
	for (unsigned i = 0; i < held_count; i++) {
		if (held[i] == id) {
			held[i] = held[--held_count];
			vmid_free(id);
			return;
		}
	}
	fail_msg("VMID %u is not held", id);
}

static void test_vmid_alloc_hands_out_1_to_max_lowest_first(void **state)
{
	for (unsigned i = 1; i <= VMID_MAX; i++)
		assert_int_equal(take(), i);
}

static void test_vmid_alloc_when_exhausted_is_enomem_and_keeps_value(void **state)
{
	uint16_t id = 0x1234;

	for (unsigned i = 0; i < VMID_MAX; i++)
		take();
	assert_int_equal(vmid_alloc(&id), HV_ENOMEM);
	assert_int_equal(id, 0x1234);
}

static void test_vmid_free_flushes_its_tlb_entries_then_reuses_it(void **state)
{
	uint16_t a = take(), b = take(), c = take();

	assert_int_equal(sim_hal.tlb_flush_vmid, 0);
	give(b);
	assert_int_equal(sim_hal.tlb_flush_vmid, 1);
	assert_int_equal(sim_hal.last_flush_vmid, b);
	assert_int_equal(take(), b); /* lowest free again */
	assert_int_equal(take(), c + 1);
	assert_int_not_equal(a, b);
}

static void test_vmid_free_of_reserved_or_out_of_range_ids_is_ignored(void **state)
{
	take();
	vmid_free(0);
	vmid_free(VMID_MAX + 1);
	vmid_free(UINT16_MAX);
	assert_int_equal(sim_hal.tlb_flush_vmid, 0);
	/* VMID 1 is still taken, 0 still reserved. */
	assert_int_equal(take(), 2);
}

static void test_vmid_random_alloc_free_matches_a_set_model(void **state)
{
	uint64_t seed = rng_seed(__func__, 42);
	bool used[VMID_MAX + 1] = {false};

	for (unsigned it = 0; it < 20000; it++) {
		if (held_count &&
		    rng_below(&seed, 3) == 0) { /* mostly allocate: reach exhaustion */
			uint16_t id = held[rng_below(&seed, held_count)];

			give(id);
			used[id] = false;
		} else if (held_count < VMID_MAX) {
			uint16_t id = take(), lowest = 1;

			while (lowest <= VMID_MAX && used[lowest])
				lowest++;
			assert_int_equal(id, lowest);
			used[id] = true;
		} else {
			uint16_t id;

			assert_int_equal(vmid_alloc(&id), HV_ENOMEM);
		}
	}
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
	const struct CMUnitTest tests[] = {
	    T(test_vmid_alloc_hands_out_1_to_max_lowest_first),
	    T(test_vmid_alloc_when_exhausted_is_enomem_and_keeps_value),
	    T(test_vmid_free_flushes_its_tlb_entries_then_reuses_it),
	    T(test_vmid_free_of_reserved_or_out_of_range_ids_is_ignored),
	    T(test_vmid_random_alloc_free_matches_a_set_model),
	};
#undef T

	return cmocka_run_group_tests_name("vmid", tests, NULL, NULL);
}

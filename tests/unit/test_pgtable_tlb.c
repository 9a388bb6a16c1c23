// SPDX-License-Identifier: MIT
/* Tests of core/pgtable.c: TLB invalidation, counted by hal-sim: none for entries that were
 * invalid or did not change, by IPA and VMID at stage 2, by VA at EL2 stage 1. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <core/err.h>
#include <core/lib.h>
#include <core/pgtable.h>
#include <hal-sim/sim_hal.h>

#include "pgtable_fixture.h"

/* --- TLB maintenance ------------------------------------------------------------------------- */

static void test_pgt_map_into_invalid_entries_needs_no_tlb_flush(void **state)
{
	struct pgtfx *f = *state;
	struct pgt *s2 = pgtfx_make(f, PGT_STAGE2, 40);
	struct pgt s1;

	assert_int_equal(pgt_map(s2, 0, 0, 3 * SZ_2M + 5 * P, PGT_RW), HV_OK);
	assert_int_equal(pgt_map(s2, 3 * SZ_2M + 5 * P, 0, P, PGT_RW), HV_OK);
	assert_int_equal(pgt_init(&s1, PGT_EL2_STAGE1, 48, 0, &f->alloc), HV_OK);
	assert_int_equal(pgt_map(&s1, 0x1000, 0x1000, SZ_1G, PGT_RW), HV_OK);
	assert_int_equal(pgtfx_flushes(), 0);
	pgt_destroy(&s1);
}

static void test_pgt_stage2_change_of_valid_entry_flushes_ipa_with_vmid(void **state)
{
	struct pgtfx *f = *state;
	struct pgt *pgt = pgtfx_make(f, PGT_STAGE2, 40);

	assert_int_equal(pgt_map(pgt, 0x5000, 0x9000, P, PGT_RW), HV_OK);
	assert_int_equal(pgt_map(pgt, 0x5000, 0xa000, P, PGT_RW), HV_OK);
	assert_int_equal(sim_hal.tlb_flush_ipa, 1);
	assert_int_equal(sim_hal.last_flush_addr, 0x5000);
	assert_int_equal(sim_hal.last_flush_vmid, VMID);
	assert_int_equal(pgt_protect(pgt, 0x5000, P, PGT_R), HV_OK);
	assert_int_equal(sim_hal.tlb_flush_ipa, 2);
	assert_int_equal(pgt_unmap(pgt, 0x5000, P), HV_OK);
	assert_true(sim_hal.tlb_flush_ipa >= 3);
	assert_int_equal(sim_hal.tlb_flush_va + sim_hal.tlb_flush_all, 0);
}

static void test_pgt_stage1_change_of_valid_entry_flushes_el2_va(void **state)
{
	struct pgtfx *f = *state;
	struct pgt *pgt = pgtfx_make(f, PGT_EL2_STAGE1, 39);

	assert_int_equal(pgt_map(pgt, 0x7000, 0x7000, P, PGT_RW), HV_OK);
	assert_int_equal(pgt_protect(pgt, 0x7000, P, PGT_R | PGT_X), HV_OK);
	assert_int_equal(sim_hal.tlb_flush_va, 1);
	assert_int_equal(sim_hal.last_flush_addr, 0x7000);
	assert_int_equal(sim_hal.tlb_flush_ipa + sim_hal.tlb_flush_vmid, 0);
}

static void test_pgt_map_of_identical_mapping_does_not_flush(void **state)
{
	struct pgtfx *f = *state;
	struct pgt *pgt = pgtfx_make(f, PGT_STAGE2, 40);

	assert_int_equal(pgt_map(pgt, 0, 0x200000, SZ_2M + P, PGT_RW), HV_OK);
	assert_int_equal(pgt_map(pgt, 0, 0x200000, SZ_2M + P, PGT_RW), HV_OK);
	assert_int_equal(pgt_protect(pgt, 0, SZ_2M + P, PGT_RW), HV_OK);
	assert_int_equal(pgtfx_flushes(), 0);
}

static void test_pgt_unmap_and_protect_of_holes_succeed_and_flush_nothing(void **state)
{
	struct pgtfx *f = *state;
	struct pgt *pgt = pgtfx_make(f, PGT_STAGE2, 40);

	assert_int_equal(pgt_map(pgt, SZ_1G, 0, P, PGT_RW), HV_OK);
	assert_int_equal(pgt_unmap(pgt, 0, SZ_1G), HV_OK);
	assert_int_equal(pgt_protect(pgt, SZ_1G + P, SZ_1G, PGT_R), HV_OK);
	assert_int_equal(pgt_unmap(pgt, SZ_1G + SZ_2M, 1ULL << 39), HV_OK);
	assert_int_equal(pgtfx_flushes(), 0);
	pgtfx_check_mapped(pgt, SZ_1G, 0, PGT_RW);
	pgtfx_check_unmapped(pgt, SZ_1G + P);
	pgtfx_check_tables(f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    PGTFX_TEST(test_pgt_map_into_invalid_entries_needs_no_tlb_flush),
	    PGTFX_TEST(test_pgt_stage2_change_of_valid_entry_flushes_ipa_with_vmid),
	    PGTFX_TEST(test_pgt_stage1_change_of_valid_entry_flushes_el2_va),
	    PGTFX_TEST(test_pgt_map_of_identical_mapping_does_not_flush),
	    PGTFX_TEST(test_pgt_unmap_and_protect_of_holes_succeed_and_flush_nothing),
	};

	return cmocka_run_group_tests_name("pgtable_tlb", tests, NULL, NULL);
}

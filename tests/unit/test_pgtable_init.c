// SPDX-License-Identifier: MIT
/* Tests of core/pgtable.c: creating and destroying tables for EL2 stage 1 and stage 2 (start
 * level, concatenated roots, bad arguments, no memory), lookups outside the input range, and
 * the TCR_EL2, VTCR_EL2 and VTTBR_EL2 values. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <core/err.h>
#include <core/lib.h>
#include <core/palloc.h>
#include <core/pgtable.h>
#include <hal-sim/sim_hal.h>

#include "pgtable_fixture.h"

/* --- init ----------------------------------------------------------------------------------- */

static void test_pgt_init_rejects_bad_ia_bits_and_regime(void **state)
{
	struct pgtfx *f = *state;

	assert_int_equal(pgt_init(&f->pgt, PGT_EL2_STAGE1, 31, 0, &f->alloc), HV_EINVAL);
	assert_int_equal(pgt_init(&f->pgt, PGT_EL2_STAGE1, 49, 0, &f->alloc), HV_EINVAL);
	assert_int_equal(pgt_init(&f->pgt, PGT_STAGE2, 31, 1, &f->alloc), HV_EINVAL);
	assert_int_equal(pgt_init(&f->pgt, (enum pgt_regime)7, 40, 0, &f->alloc), HV_EINVAL);
	assert_int_equal(palloc_free_bytes(&f->alloc), f->free0);
}

static void test_pgt_init_rejects_stage2_ipa_wider_than_pa(void **state)
{
	struct pgtfx *f = *state;

	sim_hal.pa_bits = 40;
	assert_int_equal(pgt_init(&f->pgt, PGT_STAGE2, 41, 1, &f->alloc), HV_EINVAL);
	assert_int_equal(pgt_init(&f->pgt, PGT_STAGE2, 40, 1, &f->alloc), HV_OK);
	pgt_destroy(&f->pgt);
	/* The EL2 VA space is not tied to the PA size. */
	assert_int_equal(pgt_init(&f->pgt, PGT_EL2_STAGE1, 48, 0, &f->alloc), HV_OK);
	pgt_destroy(&f->pgt);
	assert_int_equal(palloc_free_bytes(&f->alloc), f->free0);
}

static void test_pgt_init_chooses_start_level_and_root_size(void **state)
{
	static const struct {
		enum pgt_regime regime;
		unsigned ia_bits, level, root_pages;
	} cases[] = {
	    {PGT_EL2_STAGE1, 32, 1, 1}, {PGT_EL2_STAGE1, 39, 1, 1}, {PGT_EL2_STAGE1, 40, 0, 1},
	    {PGT_EL2_STAGE1, 48, 0, 1}, {PGT_STAGE2, 32, 1, 1},	    {PGT_STAGE2, 39, 1, 1},
	    {PGT_STAGE2, 40, 1, 2},	{PGT_STAGE2, 42, 1, 8},	    {PGT_STAGE2, 43, 1, 16},
	    {PGT_STAGE2, 44, 0, 1},	{PGT_STAGE2, 48, 0, 1},
	};
	struct pgtfx *f = *state;

	sim_hal.pa_bits = 48;
	for (unsigned i = 0; i < ARRAY_SIZE(cases); i++) {
		struct pgt *pgt = pgtfx_make(f, cases[i].regime, cases[i].ia_bits);
		uint64_t bytes = cases[i].root_pages * P;
		const uint8_t *root = (const uint8_t *)(uintptr_t)pgt->root_pa;

		assert_int_equal(pgt->start_level, cases[i].level);
		assert_int_equal(pgt->table_pages, cases[i].root_pages);
		assert_true(is_aligned(pgt->root_pa, bytes)); /* concatenated: size aligned */
		assert_int_equal(f->free0 - palloc_free_bytes(&f->alloc), bytes);
		for (uint64_t b = 0; b < bytes; b++)
			assert_int_equal(root[b], 0);
		pgt_destroy(pgt);
		assert_int_equal(palloc_free_bytes(&f->alloc), f->free0);
	}
}

static void test_pgt_init_without_memory_is_enomem_and_leaves_empty_table(void **state)
{
	struct pgtfx *f = *state;
	struct palloc none;

	palloc_init(&none);
	assert_int_equal(pgt_init(&f->pgt, PGT_STAGE2, 40, 1, &none), HV_ENOMEM);
	assert_int_equal(f->pgt.root_pa, 0);
	assert_int_equal(pgt_map(&f->pgt, 0, 0, P, PGT_RW), HV_EINVAL);
	assert_int_equal(pgt_unmap(&f->pgt, 0, P), HV_EINVAL);
	assert_false(pgt_lookup(&f->pgt, 0, NULL, NULL));
	pgt_destroy(&f->pgt);
}

/* --- lookup, destroy, registers -------------------------------------------------------------- */

static void test_pgt_lookup_outside_input_range_is_false(void **state)
{
	struct pgtfx *f = *state;
	struct pgt *pgt = pgtfx_make(f, PGT_EL2_STAGE1, 32);

	assert_int_equal(pgt_map(pgt, 0, 0, 1ULL << 32, PGT_RW), HV_OK);
	pgtfx_check_mapped(pgt, 0xfffff000, 0xfffff000, PGT_RW);
	assert_false(pgt_lookup(pgt, 1ULL << 32, NULL, NULL));
	assert_false(pgt_lookup(pgt, ~0ULL, NULL, NULL));
}

static void test_pgt_destroy_returns_every_page_and_flushes_vmid(void **state)
{
	struct pgtfx *f = *state;
	struct pgt *pgt = pgtfx_make(f, PGT_STAGE2, 40);

	for (uint64_t i = 0; i < 8; i++)
		assert_int_equal(pgt_map(pgt, i * (SZ_1G + 3 * P), 0x3000 + i * P, 3 * P, PGT_RW),
				 HV_OK);
	assert_true(pgt->table_pages > 2 + 8);
	sim_hal_reset();
	pgt_destroy(pgt);
	assert_int_equal(palloc_free_bytes(&f->alloc), f->free0);
	assert_int_equal(pgt->table_pages, 0);
	assert_int_equal(sim_hal.tlb_flush_vmid, 1);
	assert_int_equal(sim_hal.last_flush_vmid, VMID);
	pgt_destroy(pgt); /* twice is harmless */
	assert_int_equal(palloc_free_bytes(&f->alloc), f->free0);
}

static void test_pgt_tcr_el2_and_vtcr_el2_values(void **state)
{
	static const struct {
		enum pgt_regime regime;
		unsigned ia_bits, pa_bits;
		uint16_t vmid;
		uint64_t value;
	} cases[] = {
	    /* TCR_EL2: RES1 31,23 | PS [18:16] | TG0 4K | SH0 IS | ORGN0/IRGN0 WBWA | T0SZ */
	    {PGT_EL2_STAGE1, 48, 40, 0, 0x80823510},
	    {PGT_EL2_STAGE1, 39, 48, 0, 0x80853519},
	    {PGT_EL2_STAGE1, 32, 52, 0, 0x80853520}, /* PS capped at 48 bits */
	    {PGT_EL2_STAGE1, 40, 36, 0, 0x80813518},
	    {PGT_EL2_STAGE1, 40, 42, 0, 0x80833518},
	    {PGT_EL2_STAGE1, 40, 44, 0, 0x80843518},
	    {PGT_EL2_STAGE1, 40, 32, 0, 0x80803518},
	    /* VTCR_EL2: RES1 31 | VS 19 | PS | TG0 | SH0 | ORGN0/IRGN0 | SL0 [7:6] | T0SZ */
	    {PGT_STAGE2, 40, 40, 5, 0x80023558}, /* level 1, 2 concatenated */
	    {PGT_STAGE2, 32, 40, 5, 0x80023560},
	    {PGT_STAGE2, 43, 44, 5, 0x80043555},
	    {PGT_STAGE2, 44, 44, 5, 0x80043594}, /* level 0 */
	    {PGT_STAGE2, 48, 48, 5, 0x80053590},
	    {PGT_STAGE2, 40, 40, 300, 0x800a3558}, /* 16-bit VMID */
	};
	struct pgtfx *f = *state;

	sim_hal.pa_bits = 48;
	for (unsigned i = 0; i < ARRAY_SIZE(cases); i++) {
		struct pgt pgt;

		assert_int_equal(
		    pgt_init(&pgt, cases[i].regime, cases[i].ia_bits, cases[i].vmid, &f->alloc),
		    HV_OK);
		assert_int_equal(pgt_tcr(&pgt, cases[i].pa_bits), cases[i].value);
		pgt_destroy(&pgt);
	}
}

static void test_pgt_vttbr_is_root_with_vmid(void **state)
{
	struct pgtfx *f = *state;
	struct pgt s2, s1;

	assert_int_equal(pgt_init(&s2, PGT_STAGE2, 40, 0xbeef, &f->alloc), HV_OK);
	assert_int_equal(pgt_vttbr(&s2), s2.root_pa | 0xbeef000000000000ULL);
	assert_int_equal(s2.root_pa & 0xffff000000000fffULL, 0);
	assert_int_equal(pgt_init(&s1, PGT_EL2_STAGE1, 48, 0xbeef, &f->alloc), HV_OK);
	assert_int_equal(pgt_vttbr(&s1), s1.root_pa); /* TTBR0_EL2: no VMID */
	pgt_destroy(&s1);
	pgt_destroy(&s2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    PGTFX_TEST(test_pgt_init_rejects_bad_ia_bits_and_regime),
	    PGTFX_TEST(test_pgt_init_rejects_stage2_ipa_wider_than_pa),
	    PGTFX_TEST(test_pgt_init_chooses_start_level_and_root_size),
	    PGTFX_TEST(test_pgt_init_without_memory_is_enomem_and_leaves_empty_table),
	    PGTFX_TEST(test_pgt_lookup_outside_input_range_is_false),
	    PGTFX_TEST(test_pgt_destroy_returns_every_page_and_flushes_vmid),
	    PGTFX_TEST(test_pgt_tcr_el2_and_vtcr_el2_values),
	    PGTFX_TEST(test_pgt_vttbr_is_root_with_vmid),
	};

	return cmocka_run_group_tests_name("pgtable_init", tests, NULL, NULL);
}

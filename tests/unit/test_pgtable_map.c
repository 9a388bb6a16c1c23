// SPDX-License-Identifier: MIT
/* Tests of core/pgtable.c: block or page choice when mapping, splitting of 1 GiB and 2 MiB
 * blocks by partial unmap, protect and map, freeing of tables that become empty, and running
 * out of table memory part way. Every table page is accounted for by the walker. */
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

#include "host_mem.h"
#include "pgtable_fixture.h"

/* --- blocks and pages ------------------------------------------------------------------------ */

static void test_pgt_map_uses_2m_block_when_ia_pa_and_size_aligned(void **state)
{
	struct pgtfx *f = *state;
	struct pgt *pgt = pgtfx_make(f, PGT_STAGE2, 40);

	assert_int_equal(pgt_map(pgt, 0x40000000, 0x80200000, SZ_2M, PGT_RW), HV_OK);
	assert_int_equal(pgtfx_leaf_level(pgt, 0x40000000), 2);
	pgtfx_check_mapped(pgt, 0x40123000, 0x80323000, PGT_RW);
	pgtfx_check_unmapped(pgt, 0x40200000);
	assert_int_equal(pgt->table_pages, 2 + 1); /* concatenated root + one level-2 table */
	pgtfx_check_tables(f);
}

static void test_pgt_map_uses_pages_when_pa_not_block_aligned(void **state)
{
	struct pgtfx *f = *state;
	struct pgt *pgt = pgtfx_make(f, PGT_STAGE2, 40);

	assert_int_equal(pgt_map(pgt, 0x40000000, 0x80201000, SZ_2M, PGT_RW), HV_OK);
	assert_int_equal(pgtfx_leaf_level(pgt, 0x40000000), 3);
	assert_int_equal(pgtfx_leaf_level(pgt, 0x401ff000), 3);
	pgtfx_check_mapped(pgt, 0x401ff000, 0x80400000, PGT_RW);
	assert_int_equal(pgt->table_pages, 2 + 2);
	pgtfx_check_tables(f);
}

static void test_pgt_lookup_leaf_reports_the_size_of_the_page_or_block(void **state)
{
	struct pgtfx *f = *state;
	struct pgt *pgt = pgtfx_make(f, PGT_EL2_STAGE1, 39);
	const uint64_t ia = SZ_2M - 2 * P, size = 2 * SZ_2M + 4 * P;
	uint64_t pa = 0, leaf = 0;
	unsigned flags = 0;

	assert_int_equal(pgt_map(pgt, ia, ia, size, PGT_RW), HV_OK);
	assert_true(pgt_lookup_leaf(pgt, ia + 5, &pa, &flags, &leaf));
	assert_int_equal(leaf, P);
	assert_int_equal(pa, ia + 5);
	assert_true(pgt_lookup_leaf(pgt, SZ_2M + 0x1234, &pa, NULL, &leaf));
	assert_int_equal(leaf, SZ_2M);
	assert_int_equal(pa, SZ_2M + 0x1234);
	assert_false(pgt_lookup_leaf(pgt, ia - P, &pa, NULL, &leaf));
}

static void test_pgt_map_uses_blocks_inside_and_pages_at_unaligned_edges(void **state)
{
	struct pgtfx *f = *state;
	struct pgt *pgt = pgtfx_make(f, PGT_EL2_STAGE1, 39);
	const uint64_t ia = SZ_2M - 2 * P, size = 2 * SZ_2M + 4 * P;

	assert_int_equal(pgt_map(pgt, ia, ia, size, PGT_RW), HV_OK);
	assert_int_equal(pgtfx_leaf_level(pgt, ia), 3);
	assert_int_equal(pgtfx_leaf_level(pgt, SZ_2M), 2);
	assert_int_equal(pgtfx_leaf_level(pgt, 2 * SZ_2M), 2);
	assert_int_equal(pgtfx_leaf_level(pgt, 3 * SZ_2M), 3);
	pgtfx_check_unmapped(pgt, ia - P);
	pgtfx_check_unmapped(pgt, ia + size);
	for (uint64_t a = ia; a < ia + size; a += P)
		pgtfx_check_mapped(pgt, a, a, PGT_RW);
	pgtfx_check_tables(f);
}

static void test_pgt_map_uses_1g_block_when_aligned(void **state)
{
	struct pgtfx *f = *state;
	struct pgt *pgt = pgtfx_make(f, PGT_STAGE2, 40);

	assert_int_equal(pgt_map(pgt, SZ_1G, 3 * SZ_1G, SZ_1G, PGT_RWX), HV_OK);
	assert_int_equal(pgtfx_leaf_level(pgt, SZ_1G + 12345 * P), 1);
	pgtfx_check_mapped(pgt, 2 * SZ_1G - P, 4 * SZ_1G - P, PGT_RWX);
	assert_int_equal(pgt->table_pages, 2); /* the root holds the block */
	/* Only 2 MiB aligned output: 2 MiB blocks instead. */
	assert_int_equal(pgt_map(pgt, 4 * SZ_1G, 3 * SZ_1G + SZ_2M, SZ_1G, PGT_RW), HV_OK);
	assert_int_equal(pgtfx_leaf_level(pgt, 4 * SZ_1G), 2);
	pgtfx_check_tables(f);
}

static void test_pgt_unmap_splits_block_on_partial_unmap(void **state)
{
	struct pgtfx *f = *state;
	struct pgt *pgt = pgtfx_make(f, PGT_STAGE2, 40);
	const uint64_t ia = 0x40000000, pa = 0x80000000, hole = ia + 7 * P;
	unsigned tables;

	assert_int_equal(pgt_map(pgt, ia, pa, SZ_2M, PGT_R | PGT_X), HV_OK);
	tables = pgt->table_pages;
	sim_hal_reset();
	assert_int_equal(pgt_unmap(pgt, hole, P), HV_OK);
	pgtfx_check_unmapped(pgt, hole);
	for (uint64_t off = 0; off < SZ_2M; off += P) {
		if (ia + off != hole) {
			pgtfx_check_mapped(pgt, ia + off, pa + off, PGT_R | PGT_X);
			assert_int_equal(pgtfx_leaf_level(pgt, ia + off), 3);
		}
	}
	assert_int_equal(pgt->table_pages, tables + 1);
	/* The block was replaced (flush at its base) and the page removed (flush at the page). */
	assert_int_equal(sim_hal.tlb_flush_ipa, 2);
	assert_int_equal(sim_hal.last_flush_addr, hole);
	assert_int_equal(sim_hal.last_flush_vmid, VMID);
	pgtfx_check_tables(f);
}

static void test_pgt_protect_splits_block_on_partial_protect(void **state)
{
	struct pgtfx *f = *state;
	struct pgt *pgt = pgtfx_make(f, PGT_EL2_STAGE1, 39);
	const uint64_t ia = 0x40000000;

	assert_int_equal(pgt_map(pgt, ia, ia, SZ_2M, PGT_RW), HV_OK);
	assert_int_equal(pgt_protect(pgt, ia + SZ_2M - 3 * P, 3 * P, PGT_R | PGT_X), HV_OK);
	pgtfx_check_mapped(pgt, ia, ia, PGT_RW);
	pgtfx_check_mapped(pgt, ia + SZ_2M - 4 * P, ia + SZ_2M - 4 * P, PGT_RW);
	pgtfx_check_mapped(pgt, ia + SZ_2M - 3 * P, ia + SZ_2M - 3 * P, PGT_R | PGT_X);
	pgtfx_check_mapped(pgt, ia + SZ_2M - P, ia + SZ_2M - P, PGT_R | PGT_X);
	assert_int_equal(pgtfx_leaf_level(pgt, ia), 3);
	assert_true(sim_hal.tlb_flush_va >= 1);
	pgtfx_check_tables(f);
}

static void test_pgt_protect_of_whole_block_keeps_the_block(void **state)
{
	struct pgtfx *f = *state;
	struct pgt *pgt = pgtfx_make(f, PGT_STAGE2, 40);

	assert_int_equal(pgt_map(pgt, SZ_2M, SZ_2M, SZ_2M, PGT_RW), HV_OK);
	sim_hal_reset();
	assert_int_equal(pgt_protect(pgt, SZ_2M, SZ_2M, PGT_R), HV_OK);
	assert_int_equal(pgtfx_leaf_level(pgt, SZ_2M), 2);
	pgtfx_check_mapped(pgt, SZ_2M + P, SZ_2M + P, PGT_R);
	assert_int_equal(sim_hal.tlb_flush_ipa, 1);
	assert_int_equal(sim_hal.last_flush_addr, SZ_2M);
	pgtfx_check_tables(f);
}

static void test_pgt_partial_change_that_changes_nothing_keeps_block_and_tlb(void **state)
{
	struct pgtfx *f = *state;
	struct pgt *pgt = pgtfx_make(f, PGT_STAGE2, 40);
	unsigned tables;

	assert_int_equal(pgt_map(pgt, SZ_2M, 5 * SZ_2M, SZ_2M, PGT_RW), HV_OK);
	tables = pgt->table_pages;
	sim_hal_reset();
	assert_int_equal(pgt_protect(pgt, SZ_2M + P, P, PGT_RW), HV_OK);
	assert_int_equal(pgt_map(pgt, SZ_2M + 8 * P, 5 * SZ_2M + 8 * P, 2 * P, PGT_RW), HV_OK);
	assert_int_equal(pgtfx_leaf_level(pgt, SZ_2M), 2);
	assert_int_equal(pgt->table_pages, tables);
	assert_int_equal(pgtfx_flushes(), 0);
}

static void test_pgt_unmap_splits_1g_block_into_2m_blocks_and_pages(void **state)
{
	struct pgtfx *f = *state;
	struct pgt *pgt = pgtfx_make(f, PGT_STAGE2, 40);
	const uint64_t hole = SZ_1G + 300 * SZ_2M + 9 * P;

	assert_int_equal(pgt_map(pgt, SZ_1G, 2 * SZ_1G, SZ_1G, PGT_RW), HV_OK);
	assert_int_equal(pgt_unmap(pgt, hole, P), HV_OK);
	pgtfx_check_unmapped(pgt, hole);
	assert_int_equal(pgtfx_leaf_level(pgt, SZ_1G), 2);
	assert_int_equal(pgtfx_leaf_level(pgt, hole + P), 3);
	pgtfx_check_mapped(pgt, hole - P, 2 * SZ_1G + (hole - P - SZ_1G), PGT_RW);
	pgtfx_check_mapped(pgt, 2 * SZ_1G - P, 3 * SZ_1G - P, PGT_RW);
	assert_int_equal(pgt->table_pages, 2 + 2);
	pgtfx_check_tables(f);
}

static void test_pgt_map_over_part_of_block_splits_it(void **state)
{
	struct pgtfx *f = *state;
	struct pgt *pgt = pgtfx_make(f, PGT_STAGE2, 40);

	assert_int_equal(pgt_map(pgt, 0, SZ_2M, SZ_2M, PGT_RW), HV_OK);
	assert_int_equal(pgt_map(pgt, 5 * P, 0x7000000, P, PGT_R | PGT_DEVICE), HV_OK);
	pgtfx_check_mapped(pgt, 4 * P, SZ_2M + 4 * P, PGT_RW);
	pgtfx_check_mapped(pgt, 5 * P, 0x7000000, PGT_R | PGT_DEVICE);
	pgtfx_check_mapped(pgt, 6 * P, SZ_2M + 6 * P, PGT_RW);
	pgtfx_check_tables(f);
}

static void test_pgt_root_concatenation_reaches_top_of_ipa_space(void **state)
{
	struct pgtfx *f = *state;
	struct pgt *pgt = pgtfx_make(f, PGT_STAGE2, 40);
	const uint64_t top = (1ULL << 40) - SZ_1G;
	const uint64_t *root = (const uint64_t *)(uintptr_t)pgt->root_pa;

	assert_int_equal(pgt_map(pgt, top, SZ_1G, SZ_1G, PGT_RW), HV_OK);
	/* Entry 1023 of the level-1 root: the last one of its second page. */
	assert_int_equal(root[1023] & D_OA, SZ_1G);
	assert_int_equal(root[511], 0);
	pgtfx_check_mapped(pgt, (1ULL << 40) - P, 2 * SZ_1G - P, PGT_RW);
}

/* --- freeing tables --------------------------------------------------------------------------- */

static void test_pgt_unmap_frees_tables_when_they_become_empty(void **state)
{
	struct pgtfx *f = *state;
	struct pgt *pgt = pgtfx_make(f, PGT_EL2_STAGE1, 48);
	const uint64_t ia = 0x8000000000ULL + 0x40000000 + 5 * P; /* level-0 entry 1 */

	assert_int_equal(pgt_map(pgt, ia, 0x1000, 3 * P, PGT_RW), HV_OK);
	assert_int_equal(pgt_map(pgt, ia + SZ_1G, 0x1000, P, PGT_RW), HV_OK);
	assert_int_equal(pgt->table_pages, 1 + 1 + 2 + 2);
	assert_int_equal(pgt_unmap(pgt, ia, P), HV_OK);
	assert_int_equal(pgt->table_pages, 6); /* the level-3 table still holds two pages */
	assert_int_equal(pgt_unmap(pgt, ia + P, 2 * P), HV_OK);
	assert_int_equal(pgt->table_pages, 1 + 1 + 1 + 1);
	assert_int_equal(pgt_unmap(pgt, 0, 1ULL << 48), HV_OK);
	assert_int_equal(pgt->table_pages, 1);
	assert_int_equal(f->free0 - palloc_free_bytes(&f->alloc), P);
	pgtfx_check_tables(f);
}

static void test_pgt_unmap_keep_tables_leaves_every_table(void **state)
{
	struct pgtfx *f = *state;
	struct pgt *pgt = pgtfx_make(f, PGT_STAGE2, 40);
	const uint64_t ia = 0x8000000000ULL; /* the FF-A window: level-1 entry 512 */
	uint64_t free_after;

	assert_int_equal(pgt_map(pgt, ia, 0x80000000, P, PGT_RW), HV_OK);
	assert_int_equal(pgt_map(pgt, ia + SZ_2M, 0x80200000, SZ_2M, PGT_RW), HV_OK);
	assert_int_equal(pgt->table_pages, 2 + 1 + 1); /* root, a level-2 and a level-3 table */
	free_after = palloc_free_bytes(&f->alloc);
	/* A page and a block out: unmapped, their tables kept. */
	assert_int_equal(pgt_unmap_keep_tables(pgt, ia, P), HV_OK);
	assert_int_equal(pgt_unmap_keep_tables(pgt, ia + SZ_2M, SZ_2M), HV_OK);
	pgtfx_check_unmapped(pgt, ia);
	pgtfx_check_unmapped(pgt, ia + SZ_2M);
	assert_int_equal(pgt->table_pages, 4);
	/* Mapped again, nothing is allocated. */
	assert_int_equal(pgt_map(pgt, ia, 0x80001000, P, PGT_R), HV_OK);
	pgtfx_check_mapped(pgt, ia, 0x80001000, PGT_R);
	assert_int_equal(palloc_free_bytes(&f->alloc), free_after);
	/* A range naming a whole table's region clears its leaves and keeps it too. */
	assert_int_equal(pgt_unmap_keep_tables(pgt, ia, SZ_1G), HV_OK);
	pgtfx_check_unmapped(pgt, ia);
	assert_int_equal(pgt->table_pages, 4);
	/* pgt_unmap() then frees them. */
	assert_int_equal(pgt_unmap(pgt, ia, SZ_1G), HV_OK);
	assert_int_equal(pgt->table_pages, 2);
	pgtfx_check_tables(f);
}

static void test_pgt_unmap_of_split_block_frees_the_new_table(void **state)
{
	struct pgtfx *f = *state;
	struct pgt *pgt = pgtfx_make(f, PGT_STAGE2, 40);

	assert_int_equal(pgt_map(pgt, 0, 0, SZ_2M, PGT_RW), HV_OK);
	assert_int_equal(pgt_unmap(pgt, 0, P), HV_OK);
	assert_int_equal(pgt_unmap(pgt, P, SZ_2M - P), HV_OK);
	assert_int_equal(pgt->table_pages, 2);
	pgtfx_check_tables(f);
}

static void test_pgt_map_block_over_pages_frees_their_table(void **state)
{
	struct pgtfx *f = *state;
	struct pgt *pgt = pgtfx_make(f, PGT_STAGE2, 40);

	assert_int_equal(pgt_map(pgt, 0, 0x123000, SZ_2M, PGT_RW), HV_OK);
	assert_int_equal(pgt->table_pages, 2 + 2);
	sim_hal_reset();
	assert_int_equal(pgt_map(pgt, 0, 0x400000, SZ_2M, PGT_R), HV_OK);
	assert_int_equal(pgtfx_leaf_level(pgt, 0), 2);
	assert_int_equal(pgt->table_pages, 2 + 1);
	/* Every page that was valid, then the table entry itself. */
	assert_int_equal(sim_hal.tlb_flush_ipa, 512 + 1);
	pgtfx_check_mapped(pgt, SZ_2M - P, 0x400000 + SZ_2M - P, PGT_R);
	pgtfx_check_tables(f);
}

/* --- out of memory --------------------------------------------------------------------------- */

static void test_pgt_map_out_of_memory_keeps_mapped_part_and_no_empty_table(void **state)
{
	struct pgtfx *f = *state;
	struct palloc small;
	struct pgt pgt;

	palloc_init(&small);
	/* Root (2 pages, 8 KiB aligned) + 3 more pages. */
	assert_int_equal(palloc_add(&small, host_mem_pa(f->arena), 5 * P), HV_OK);
	assert_int_equal(pgt_init(&pgt, PGT_STAGE2, 40, 1, &small), HV_OK);
	/* A level-2 table and two level-3 tables: all the memory. */
	assert_int_equal(pgt_map(&pgt, SZ_2M - P, 0x5000, 2 * P, PGT_RW), HV_OK);
	assert_int_equal(pgt.table_pages, 5);
	assert_int_equal(pgt_map(&pgt, SZ_1G, 0x5000, P, PGT_RW), HV_ENOMEM);
	pgtfx_check_unmapped(&pgt, SZ_1G);
	assert_int_equal(pgt_unmap(&pgt, SZ_2M, P), HV_OK);
	assert_int_equal(pgt.table_pages, 4);
	/* One page left: a level-2 table fits, its level-3 table does not; the level-2 table
	 * must not stay behind empty. */
	assert_int_equal(pgt_map(&pgt, SZ_1G, 0x5000, P, PGT_RW), HV_ENOMEM);
	assert_int_equal(pgt.table_pages, 4);
	assert_int_equal(palloc_free_bytes(&small), P);
	pgtfx_check_unmapped(&pgt, SZ_1G);
	/* Across two more level-3 tables with memory for one: the first part stays mapped. */
	assert_int_equal(pgt_map(&pgt, SZ_2M - 2 * P, 0x9000, SZ_2M + 3 * P, PGT_R), HV_ENOMEM);
	pgtfx_check_mapped(&pgt, SZ_2M - 2 * P, 0x9000, PGT_R);
	pgtfx_check_mapped(&pgt, SZ_2M - P, 0xa000, PGT_R);
	pgtfx_check_mapped(&pgt, 2 * SZ_2M - P, 0x9000 + SZ_2M + P, PGT_R);
	pgtfx_check_unmapped(&pgt, 2 * SZ_2M);
	assert_int_equal(pgt.table_pages, 5);
	assert_int_equal(
	    pgtfx_walk_root_pages(&pgt) + pgtfx_walk_count_tables(&pgt, pgt.root_pa, 1), 5);
	pgt_destroy(&pgt);
	assert_int_equal(palloc_free_bytes(&small), 5 * P);
}

static void test_pgt_unmap_needing_split_without_memory_is_enomem_and_keeps_block(void **state)
{
	struct pgtfx *f = *state;
	struct palloc small;
	struct pgt pgt;

	palloc_init(&small);
	assert_int_equal(palloc_add(&small, host_mem_pa(f->arena), 2 * P), HV_OK);
	assert_int_equal(pgt_init(&pgt, PGT_EL2_STAGE1, 39, 0, &small), HV_OK);
	assert_int_equal(pgt_map(&pgt, 0, 0, SZ_2M, PGT_RW), HV_OK); /* uses the last page */
	sim_hal_reset();
	assert_int_equal(pgt_unmap(&pgt, P, P), HV_ENOMEM);
	assert_int_equal(pgt_protect(&pgt, P, P, PGT_R), HV_ENOMEM);
	assert_int_equal(pgtfx_flushes(), 0);
	pgtfx_check_mapped(&pgt, P, P, PGT_RW);
	assert_int_equal(pgtfx_walk_count_tables(&pgt, pgt.root_pa, 1), 1);
	pgt_destroy(&pgt);
	assert_int_equal(palloc_free_bytes(&small), 2 * P);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    PGTFX_TEST(test_pgt_map_uses_2m_block_when_ia_pa_and_size_aligned),
	    PGTFX_TEST(test_pgt_unmap_keep_tables_leaves_every_table),
	    PGTFX_TEST(test_pgt_map_uses_pages_when_pa_not_block_aligned),
	    PGTFX_TEST(test_pgt_lookup_leaf_reports_the_size_of_the_page_or_block),
	    PGTFX_TEST(test_pgt_map_uses_blocks_inside_and_pages_at_unaligned_edges),
	    PGTFX_TEST(test_pgt_map_uses_1g_block_when_aligned),
	    PGTFX_TEST(test_pgt_unmap_splits_block_on_partial_unmap),
	    PGTFX_TEST(test_pgt_protect_splits_block_on_partial_protect),
	    PGTFX_TEST(test_pgt_protect_of_whole_block_keeps_the_block),
	    PGTFX_TEST(test_pgt_partial_change_that_changes_nothing_keeps_block_and_tlb),
	    PGTFX_TEST(test_pgt_unmap_splits_1g_block_into_2m_blocks_and_pages),
	    PGTFX_TEST(test_pgt_map_over_part_of_block_splits_it),
	    PGTFX_TEST(test_pgt_root_concatenation_reaches_top_of_ipa_space),
	    PGTFX_TEST(test_pgt_unmap_frees_tables_when_they_become_empty),
	    PGTFX_TEST(test_pgt_unmap_of_split_block_frees_the_new_table),
	    PGTFX_TEST(test_pgt_map_block_over_pages_frees_their_table),
	    PGTFX_TEST(test_pgt_map_out_of_memory_keeps_mapped_part_and_no_empty_table),
	    PGTFX_TEST(test_pgt_unmap_needing_split_without_memory_is_enomem_and_keeps_block),
	};

	return cmocka_run_group_tests_name("pgtable_map", tests, NULL, NULL);
}

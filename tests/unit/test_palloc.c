// SPDX-License-Identifier: MIT
/* Tests of core/palloc.c: the free-extent list, first fit with alignment, merging, error cases,
 * and a model-based random test against a page bitmap. palloc never touches the memory it
 * manages except to clear a page, so most tests use made-up physical addresses. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include <core/err.h>
#include <core/lib.h>
#include <core/palloc.h>
#include <hal-sim/sim_hal.h>

#include "host_mem.h"
#include "rng.h"

#define P    PAGE_SIZE
#define TOP  (~0ULL & ~(PAGE_SIZE - 1)) /* highest page-aligned end address */
#define BASE 0x40000000ULL

struct ext {
	uint64_t base, size;
};

/* The allocator's extent list and byte count are exactly `exp`; the list is well formed. */
static void check_extents(struct palloc *pa, const struct ext *exp, unsigned n)
{
	uint64_t total = 0;

	assert_int_equal(pa->count, n);
	for (unsigned i = 0; i < n; i++) {
		assert_int_equal(pa->free[i].base, exp[i].base);
		assert_int_equal(pa->free[i].size, exp[i].size);
		total += exp[i].size;
	}
	assert_int_equal(palloc_free_bytes(pa), total);
}

static void check_empty(struct palloc *pa)
{
	check_extents(pa, NULL, 0);
}

/* Add `n` one-page extents with one-page gaps from `base`, using n more slots. */
static void add_holey(struct palloc *pa, uint64_t base, unsigned n)
{
	unsigned before = pa->count;

	for (unsigned i = 0; i < n; i++)
		assert_int_equal(palloc_add(pa, base + 2 * i * P, P), HV_OK);
	assert_int_equal(pa->count, before + n);
}

static int setup(void **state)
{
	static struct palloc pa;

	sim_hal_reset();
	palloc_init(&pa);
	*state = &pa;
	return 0;
}

static void test_palloc_starts_empty(void **state)
{
	struct palloc *pa = *state;
	uint64_t addr;

	check_empty(pa);
	assert_int_equal(palloc_alloc(pa, P, 0, &addr), HV_ENOMEM);
	assert_int_equal(palloc_alloc_zeroed_page(pa, &addr), HV_ENOMEM);
}

static void test_palloc_add_shrinks_range_inward_to_whole_pages(void **state)
{
	struct palloc *pa = *state;
	const struct ext exp[] = {{BASE + P, 2 * P}};

	/* [BASE+1, BASE+3P+0xfff): whole pages are P and 2P. */
	assert_int_equal(palloc_add(pa, BASE + 1, 3 * P + 0xffe), HV_OK);
	check_extents(pa, exp, 1);
}

static void test_palloc_add_without_whole_page_adds_nothing(void **state)
{
	struct palloc *pa = *state;

	assert_int_equal(palloc_add(pa, BASE + 1, P), HV_OK);
	assert_int_equal(palloc_add(pa, BASE, P - 1), HV_OK);
	assert_int_equal(palloc_add(pa, BASE, 0), HV_OK);
	assert_int_equal(palloc_add(pa, TOP + 1, 0xffe), HV_OK);
	check_empty(pa);
}

static void test_palloc_add_merges_with_both_neighbours(void **state)
{
	struct palloc *pa = *state;
	const struct ext two[] = {{BASE, P}, {BASE + 2 * P, P}};
	const struct ext one[] = {{BASE, 3 * P}};

	assert_int_equal(palloc_add(pa, BASE, P), HV_OK);
	assert_int_equal(palloc_add(pa, BASE + 2 * P, P), HV_OK);
	check_extents(pa, two, 2);
	assert_int_equal(palloc_add(pa, BASE + P, P), HV_OK);
	check_extents(pa, one, 1);
}

static void test_palloc_add_merges_with_one_neighbour(void **state)
{
	struct palloc *pa = *state;
	const struct ext exp[] = {{BASE, 2 * P}, {BASE + 4 * P, 2 * P}};

	assert_int_equal(palloc_add(pa, BASE, P), HV_OK);
	assert_int_equal(palloc_add(pa, BASE + 5 * P, P), HV_OK);
	assert_int_equal(palloc_add(pa, BASE + P, P), HV_OK);	  /* after the first */
	assert_int_equal(palloc_add(pa, BASE + 4 * P, P), HV_OK); /* before the second */
	check_extents(pa, exp, 2);
}

static void test_palloc_add_keeps_extents_sorted(void **state)
{
	struct palloc *pa = *state;
	const struct ext exp[] = {{BASE, P}, {BASE + 2 * P, P}, {BASE + 4 * P, P}};

	assert_int_equal(palloc_add(pa, BASE + 4 * P, P), HV_OK);
	assert_int_equal(palloc_add(pa, BASE, P), HV_OK);
	assert_int_equal(palloc_add(pa, BASE + 2 * P, P), HV_OK);
	check_extents(pa, exp, 3);
}

static void test_palloc_add_overlapping_free_memory_is_einval_and_changes_nothing(void **state)
{
	struct palloc *pa = *state;
	const struct ext exp[] = {{BASE + 2 * P, 2 * P}};

	assert_int_equal(palloc_add(pa, BASE + 2 * P, 2 * P), HV_OK);
	assert_int_equal(palloc_add(pa, BASE + 2 * P, 2 * P), HV_EINVAL); /* same */
	assert_int_equal(palloc_add(pa, BASE, 3 * P), HV_EINVAL);	  /* head overlaps */
	assert_int_equal(palloc_add(pa, BASE + 3 * P, 2 * P), HV_EINVAL); /* tail overlaps */
	assert_int_equal(palloc_add(pa, BASE, 8 * P), HV_EINVAL);	  /* covers it */
	assert_int_equal(palloc_add(pa, BASE + 3 * P, P), HV_EINVAL);	  /* inside */
	check_extents(pa, exp, 1);
}

static void test_palloc_add_wrapping_range_is_einval(void **state)
{
	struct palloc *pa = *state;

	assert_int_equal(palloc_add(pa, TOP - P, 2 * P), HV_EINVAL);
	assert_int_equal(palloc_add(pa, ~0ULL, 2), HV_EINVAL);
	assert_int_equal(palloc_add(pa, P, ~0ULL), HV_EINVAL);
	check_empty(pa);
}

static void test_palloc_add_at_top_of_address_space_keeps_whole_pages_only(void **state)
{
	struct palloc *pa = *state;
	const struct ext exp[] = {{TOP - 2 * P, 2 * P}};
	uint64_t addr;

	/* Ends at 2^64 - 1: the last, partial page cannot be represented and is dropped. */
	assert_int_equal(palloc_add(pa, TOP - 2 * P, 2 * P + 0xfff), HV_OK);
	check_extents(pa, exp, 1);
	/* An alignment beyond the extent must not wrap around to address 0. */
	assert_int_equal(palloc_alloc(pa, P, 1ULL << 63, &addr), HV_ENOMEM);
	assert_int_equal(palloc_alloc(pa, P, 0, &addr), HV_OK);
	assert_int_equal(addr, TOP - 2 * P);
	/* Reserving up to 2^64 - 1 clamps at the last whole page. */
	assert_int_equal(palloc_reserve(pa, TOP - P, P + 0xfff), HV_OK);
	check_empty(pa);
}

static void test_palloc_add_without_free_slot_is_enomem_but_merging_still_works(void **state)
{
	struct palloc *pa = *state;
	uint64_t last = BASE + 2 * (PALLOC_MAX_EXTENTS - 1) * P;

	add_holey(pa, BASE, PALLOC_MAX_EXTENTS);
	assert_int_equal(palloc_add(pa, last + 4 * P, P), HV_ENOMEM);
	assert_int_equal(pa->count, PALLOC_MAX_EXTENTS);
	assert_int_equal(palloc_free_bytes(pa), PALLOC_MAX_EXTENTS * P);
	/* Filling a gap merges two extents into one and needs no slot. */
	assert_int_equal(palloc_add(pa, BASE + P, P), HV_OK);
	assert_int_equal(pa->count, PALLOC_MAX_EXTENTS - 1);
	/* Growing the last extent needs no slot either. */
	assert_int_equal(palloc_add(pa, last + P, P), HV_OK);
	assert_int_equal(pa->count, PALLOC_MAX_EXTENTS - 1);
	assert_int_equal(palloc_add(pa, last + 4 * P, P), HV_OK);
	assert_int_equal(palloc_free_bytes(pa), (PALLOC_MAX_EXTENTS + 3) * P);
}

static void test_palloc_reserve_widens_range_outward_to_pages(void **state)
{
	struct palloc *pa = *state;
	const struct ext exp[] = {{BASE, P}, {BASE + 4 * P, 4 * P}};

	assert_int_equal(palloc_add(pa, BASE, 8 * P), HV_OK);
	/* [BASE+P+0x800, BASE+3P+1) touches pages 1, 2 and 3. */
	assert_int_equal(palloc_reserve(pa, BASE + P + 0x800, 2 * P - 0x7ff), HV_OK);
	check_extents(pa, exp, 2);
}

static void test_palloc_reserve_splits_extent_in_two(void **state)
{
	struct palloc *pa = *state;
	const struct ext exp[] = {{BASE, 3 * P}, {BASE + 5 * P, 3 * P}};

	assert_int_equal(palloc_add(pa, BASE, 8 * P), HV_OK);
	assert_int_equal(palloc_reserve(pa, BASE + 3 * P, 2 * P), HV_OK);
	check_extents(pa, exp, 2);
}

static void test_palloc_reserve_spanning_extents_and_holes_trims_and_removes(void **state)
{
	struct palloc *pa = *state;
	const struct ext exp[] = {{BASE, P}, {BASE + 11 * P, P}};

	assert_int_equal(palloc_add(pa, BASE, 3 * P), HV_OK);
	assert_int_equal(palloc_add(pa, BASE + 4 * P, 2 * P), HV_OK);
	assert_int_equal(palloc_add(pa, BASE + 7 * P, P), HV_OK);
	assert_int_equal(palloc_add(pa, BASE + 9 * P, 3 * P), HV_OK);
	/* Pages 1..10: trims the first and last extent, removes the two in between. */
	assert_int_equal(palloc_reserve(pa, BASE + P, 10 * P), HV_OK);
	check_extents(pa, exp, 2);
}

static void test_palloc_reserve_of_memory_not_free_is_ignored(void **state)
{
	struct palloc *pa = *state;
	const struct ext exp[] = {{BASE + 4 * P, 2 * P}};

	assert_int_equal(palloc_add(pa, BASE + 4 * P, 2 * P), HV_OK);
	assert_int_equal(palloc_reserve(pa, BASE, 4 * P), HV_OK);
	assert_int_equal(palloc_reserve(pa, BASE + 6 * P, 4 * P), HV_OK);
	assert_int_equal(palloc_reserve(pa, BASE + 5 * P, 0), HV_OK);
	check_extents(pa, exp, 1);
}

static void test_palloc_reserve_wrapping_range_is_einval(void **state)
{
	struct palloc *pa = *state;
	const struct ext exp[] = {{BASE, P}};

	assert_int_equal(palloc_add(pa, BASE, P), HV_OK);
	assert_int_equal(palloc_reserve(pa, BASE, ~0ULL), HV_EINVAL);
	assert_int_equal(palloc_reserve(pa, TOP, P), HV_EINVAL);
	check_extents(pa, exp, 1);
}

static void test_palloc_reserve_split_without_free_slot_is_enomem_and_changes_nothing(void **state)
{
	struct palloc *pa = *state;
	struct palloc before;

	add_holey(pa, BASE, PALLOC_MAX_EXTENTS - 1);
	assert_int_equal(palloc_add(pa, BASE + 0x100000, 4 * P), HV_OK);
	before = *pa;
	assert_int_equal(palloc_reserve(pa, BASE + 0x100000 + P, P), HV_ENOMEM);
	assert_memory_equal(pa->free, before.free, sizeof(before.free));
	assert_int_equal(pa->count, before.count);
	assert_int_equal(palloc_free_bytes(pa), before.free_bytes);
	/* Trimming an end needs no slot. */
	assert_int_equal(palloc_reserve(pa, BASE + 0x100000, P), HV_OK);
}

static void test_palloc_alloc_returns_aligned_address_and_keeps_head_free(void **state)
{
	struct palloc *pa = *state;
	const struct ext exp[] = {{BASE + P, SZ_2M - P}, {BASE + 2 * SZ_2M, 2 * P}};
	uint64_t addr;

	/* One extent [BASE+P, BASE+4M+2P) */
	assert_int_equal(palloc_add(pa, BASE + P, 2 * SZ_2M + P), HV_OK);
	assert_int_equal(palloc_alloc(pa, SZ_2M, SZ_2M, &addr), HV_OK);
	assert_int_equal(addr, BASE + SZ_2M);
	check_extents(pa, exp, 2);
}

static void test_palloc_alloc_rounds_size_up_to_pages(void **state)
{
	struct palloc *pa = *state;
	const struct ext exp[] = {{BASE + 3 * P, P}};
	uint64_t a, b;

	assert_int_equal(palloc_add(pa, BASE, 4 * P), HV_OK);
	assert_int_equal(palloc_alloc(pa, 1, 0, &a), HV_OK);
	assert_int_equal(palloc_alloc(pa, P + 1, P, &b), HV_OK);
	assert_int_equal(a, BASE);
	assert_int_equal(b, BASE + P);
	check_extents(pa, exp, 1);
}

static void test_palloc_alloc_is_first_fit_in_address_order(void **state)
{
	struct palloc *pa = *state;
	uint64_t addr;

	assert_int_equal(palloc_add(pa, BASE + 16 * P, 8 * P), HV_OK);
	assert_int_equal(palloc_add(pa, BASE, 2 * P), HV_OK);
	assert_int_equal(palloc_add(pa, BASE + 4 * P, 4 * P), HV_OK);
	assert_int_equal(palloc_alloc(pa, 3 * P, 0, &addr), HV_OK);
	assert_int_equal(addr, BASE + 4 * P); /* not the larger, later extent */
	assert_int_equal(palloc_alloc(pa, P, 0, &addr), HV_OK);
	assert_int_equal(addr, BASE);
}

static void test_palloc_alloc_skips_extent_too_small_after_alignment(void **state)
{
	struct palloc *pa = *state;
	const struct ext exp[] = {{BASE + P, 16 * P}, {BASE + 64 * P, 16 * P}};
	uint64_t addr;

	/* 16 pages starting one page after a 64 KiB boundary hold no aligned 64 KiB. */
	assert_int_equal(palloc_add(pa, BASE + P, 16 * P), HV_OK);
	assert_int_equal(palloc_add(pa, BASE + 32 * P, 48 * P), HV_OK);
	assert_int_equal(palloc_alloc(pa, 32 * P, 32 * P, &addr), HV_OK);
	assert_int_equal(addr, BASE + 32 * P);
	check_extents(pa, exp, 2);
}

static void test_palloc_alloc_rejects_zero_size_and_bad_alignment(void **state)
{
	struct palloc *pa = *state;
	const struct ext exp[] = {{BASE, 64 * P}};
	uint64_t addr = 0x1234;

	assert_int_equal(palloc_add(pa, BASE, 64 * P), HV_OK);
	assert_int_equal(palloc_alloc(pa, 0, 0, &addr), HV_EINVAL);
	assert_int_equal(palloc_alloc(pa, P, 0x800, &addr), HV_EINVAL);
	assert_int_equal(palloc_alloc(pa, P, 3 * P, &addr), HV_EINVAL);
	assert_int_equal(palloc_alloc(pa, P, 1, &addr), HV_EINVAL);
	assert_int_equal(palloc_alloc(pa, ~0ULL, 0, &addr), HV_EINVAL);
	assert_int_equal(addr, 0x1234);
	check_extents(pa, exp, 1);
}

static void test_palloc_alloc_when_exhausted_is_enomem(void **state)
{
	struct palloc *pa = *state;
	uint64_t addr;

	assert_int_equal(palloc_add(pa, BASE, 4 * P), HV_OK);
	assert_int_equal(palloc_alloc(pa, 5 * P, 0, &addr), HV_ENOMEM);
	assert_int_equal(palloc_alloc(pa, TOP, 0, &addr), HV_ENOMEM);
	for (unsigned i = 0; i < 4; i++)
		assert_int_equal(palloc_alloc(pa, P, 0, &addr), HV_OK);
	assert_int_equal(palloc_alloc(pa, P, 0, &addr), HV_ENOMEM);
	check_empty(pa);
}

static void test_palloc_alloc_needing_split_without_slot_uses_later_extent(void **state)
{
	struct palloc *pa = *state;
	uint64_t addr;

	/* Extent 0 can hold 64 KiB aligned only in its middle; the last one at its start. */
	assert_int_equal(palloc_add(pa, BASE + P, 32 * P), HV_OK);
	add_holey(pa, BASE + 0x100000, PALLOC_MAX_EXTENTS - 2);
	assert_int_equal(palloc_add(pa, BASE + 0x400000, 16 * P), HV_OK);
	assert_int_equal(pa->count, PALLOC_MAX_EXTENTS);
	assert_int_equal(palloc_alloc(pa, 16 * P, 16 * P, &addr), HV_OK);
	assert_int_equal(addr, BASE + 0x400000);
	/* With a slot free again, the first extent is split. */
	assert_int_equal(palloc_alloc(pa, 16 * P, 16 * P, &addr), HV_OK);
	assert_int_equal(addr, BASE + 16 * P);
	assert_int_equal(pa->count, PALLOC_MAX_EXTENTS);
}

static void test_palloc_alloc_zeroed_page_clears_the_page(void **state)
{
	struct palloc *pa = *state;
	uint8_t *mem = host_mem_alloc(4 * P, P);
	uint8_t zero[PAGE_SIZE] = {0};
	uint64_t addr;

	assert_int_equal(palloc_add(pa, host_mem_pa(mem) + P, 2 * P), HV_OK);
	assert_int_equal(palloc_alloc_zeroed_page(pa, &addr), HV_OK);
	assert_int_equal(addr, host_mem_pa(mem) + P);
	assert_memory_equal(mem + P, zero, P);
	/* Only that page: its neighbours keep their contents. */
	assert_int_equal(mem[P - 1], 0xa5);
	assert_int_equal(mem[2 * P], 0xa5);
	host_mem_free(mem);
}

static void test_palloc_free_merges_back_into_one_extent(void **state)
{
	struct palloc *pa = *state;
	const struct ext exp[] = {{BASE, 16 * P}};
	uint64_t a, b, c;

	assert_int_equal(palloc_add(pa, BASE, 16 * P), HV_OK);
	assert_int_equal(palloc_alloc(pa, 2 * P, 0, &a), HV_OK);
	assert_int_equal(palloc_alloc(pa, 4 * P, 0, &b), HV_OK);
	assert_int_equal(palloc_alloc(pa, 3 * P, 0, &c), HV_OK);
	assert_int_equal(palloc_free(pa, a, 2 * P), HV_OK);
	assert_int_equal(palloc_free(pa, c, 3 * P), HV_OK);
	assert_int_equal(pa->count, 2);
	assert_int_equal(palloc_free(pa, b, 4 * P), HV_OK);
	check_extents(pa, exp, 1);
}

static void test_palloc_double_free_is_einval_and_changes_nothing(void **state)
{
	struct palloc *pa = *state;
	const struct ext exp[] = {{BASE, 2 * P}, {BASE + 4 * P, 4 * P}};
	uint64_t a, b;

	assert_int_equal(palloc_add(pa, BASE, 8 * P), HV_OK);
	assert_int_equal(palloc_alloc(pa, 2 * P, 0, &a), HV_OK);
	assert_int_equal(palloc_alloc(pa, 2 * P, 0, &b), HV_OK);
	assert_int_equal(palloc_free(pa, a, 2 * P), HV_OK);
	assert_int_equal(palloc_free(pa, a, 2 * P), HV_EINVAL);
	check_extents(pa, exp, 2);
}

static void test_palloc_free_partly_free_range_is_einval(void **state)
{
	struct palloc *pa = *state;
	const struct ext exp[] = {{BASE + 4 * P, 4 * P}};
	uint64_t a;

	assert_int_equal(palloc_add(pa, BASE, 8 * P), HV_OK);
	assert_int_equal(palloc_alloc(pa, 4 * P, 0, &a), HV_OK);
	assert_int_equal(palloc_free(pa, a + 2 * P, 4 * P), HV_EINVAL); /* runs into free */
	assert_int_equal(palloc_free(pa, a, 16 * P), HV_EINVAL);	/* covers free */
	check_extents(pa, exp, 1);
}

static void test_palloc_free_rejects_unaligned_zero_and_wrapping_ranges(void **state)
{
	struct palloc *pa = *state;
	const struct ext exp[] = {{BASE + 4 * P, 4 * P}};
	uint64_t a;

	assert_int_equal(palloc_add(pa, BASE, 8 * P), HV_OK);
	assert_int_equal(palloc_alloc(pa, 4 * P, 0, &a), HV_OK);
	assert_int_equal(palloc_free(pa, a + 1, P), HV_EINVAL);
	assert_int_equal(palloc_free(pa, a, 0), HV_EINVAL);
	assert_int_equal(palloc_free(pa, TOP - P, 2 * P), HV_EINVAL);
	assert_int_equal(palloc_free(pa, TOP - P, P + 1), HV_EINVAL);
	assert_int_equal(palloc_free(pa, a, ~0ULL), HV_EINVAL);
	check_extents(pa, exp, 1);
}

static void test_palloc_free_rounds_size_like_alloc(void **state)
{
	struct palloc *pa = *state;
	const struct ext exp[] = {{BASE, 4 * P}};
	uint64_t a;

	assert_int_equal(palloc_add(pa, BASE, 4 * P), HV_OK);
	assert_int_equal(palloc_alloc(pa, P + 0x10, 0, &a), HV_OK);
	assert_int_equal(palloc_free_bytes(pa), 2 * P);
	assert_int_equal(palloc_free(pa, a, P + 0x10), HV_OK);
	check_extents(pa, exp, 1);
}

static void test_palloc_free_of_part_of_allocation_returns_that_part(void **state)
{
	struct palloc *pa = *state;
	const struct ext exp[] = {{BASE + P, P}, {BASE + 4 * P, 4 * P}};
	uint64_t a;

	assert_int_equal(palloc_add(pa, BASE, 8 * P), HV_OK);
	assert_int_equal(palloc_alloc(pa, 4 * P, 0, &a), HV_OK);
	assert_int_equal(palloc_free(pa, a + P, P), HV_OK);
	check_extents(pa, exp, 2);
}

static void test_palloc_free_without_slot_is_enomem_and_keeps_memory_allocated(void **state)
{
	struct palloc *pa = *state;
	uint64_t a;

	assert_int_equal(palloc_add(pa, BASE, 4 * P), HV_OK);
	assert_int_equal(palloc_alloc(pa, 4 * P, 0, &a), HV_OK);
	add_holey(pa, BASE + 0x100000, PALLOC_MAX_EXTENTS);
	assert_int_equal(palloc_free(pa, a + P, P), HV_ENOMEM);
	assert_int_equal(palloc_free_bytes(pa), PALLOC_MAX_EXTENTS * P);
	/* Once a slot is free again the same free succeeds (it was not half done). */
	assert_int_equal(palloc_reserve(pa, BASE + 0x100000, P), HV_OK);
	assert_int_equal(palloc_free(pa, a + P, P), HV_OK);
}

/* --- Model-based random test --------------------------------------------------------------- */

#define MODEL_PAGES 512
#define MODEL_BASE  0x80000000ULL /* 2 MiB aligned, so 2 MiB alignment requests can succeed */
#define MODEL_STEPS 20000

struct model {
	bool free[MODEL_PAGES];
};

static uint64_t page_addr(unsigned page)
{
	return MODEL_BASE + (uint64_t)page * P;
}

static bool model_free(const struct model *m, long page)
{
	return page >= 0 && page < MODEL_PAGES && m->free[page];
}

static bool model_any_free(const struct model *m, unsigned first, unsigned n)
{
	for (unsigned i = first; i < first + n; i++) {
		if (m->free[i])
			return true;
	}
	return false;
}

static void model_set(struct model *m, unsigned first, unsigned n, bool is_free)
{
	for (unsigned i = first; i < first + n; i++)
		m->free[i] = is_free;
}

/* The model's maximal runs of free pages: what the merged extent list must be. */
static unsigned model_runs(const struct model *m, struct ext *runs)
{
	unsigned n = 0;

	for (unsigned i = 0; i < MODEL_PAGES; i++) {
		if (!m->free[i])
			continue;
		if (i == 0 || !m->free[i - 1]) {
			runs[n].base = page_addr(i);
			runs[n].size = 0;
			n++;
		}
		runs[n - 1].size += P;
	}
	return n;
}

/* What putting pages [first, first+n) back should return, per the contract. */
static int model_expect_insert(const struct model *m, unsigned first, unsigned n)
{
	struct ext runs[MODEL_PAGES];

	if (model_any_free(m, first, n))
		return HV_EINVAL;
	if (model_free(m, (long)first - 1) || model_free(m, first + n))
		return HV_OK;
	return model_runs(m, runs) == PALLOC_MAX_EXTENTS ? HV_ENOMEM : HV_OK;
}

/* First fit over the model's runs, including the "no slot for a split" skip. */
static int model_expect_alloc(const struct model *m, unsigned pages, uint64_t align, unsigned *at)
{
	struct ext runs[MODEL_PAGES];
	unsigned n = model_runs(m, runs);

	for (unsigned i = 0; i < n; i++) {
		uint64_t start = align_up(runs[i].base, align), end = runs[i].base + runs[i].size;

		if (start >= end || end - start < pages * P)
			continue;
		if (start != runs[i].base && start + pages * P != end && n == PALLOC_MAX_EXTENTS)
			continue;
		*at = (unsigned)((start - MODEL_BASE) / P);
		return HV_OK;
	}
	return HV_ENOMEM;
}

static void model_check(struct palloc *pa, const struct model *m)
{
	struct ext runs[MODEL_PAGES];

	check_extents(pa, runs, model_runs(m, runs));
}

static void step_add(struct palloc *pa, struct model *m, uint64_t *rng)
{
	unsigned n = 1 + rng_below(rng, 32);
	unsigned first = rng_below(rng, MODEL_PAGES - n + 1);
	/* Partial pages around the range, which add must shrink away. */
	uint64_t lo = rng_below(rng, P), hi = rng_below(rng, P);
	uint64_t base = page_addr(first) - lo, end = page_addr(first + n) + hi;
	int expect = model_expect_insert(m, first, n);

	assert_int_equal(palloc_add(pa, base, end - base), expect);
	if (expect == HV_OK)
		model_set(m, first, n, true);
}

static void step_reserve(struct palloc *pa, struct model *m, uint64_t *rng)
{
	unsigned n = 1 + rng_below(rng, 24);
	unsigned first = rng_below(rng, MODEL_PAGES - n + 1);
	/* Inside the first and last page, which reserve must widen to. */
	uint64_t hi = rng_below(rng, P), lo = rng_below(rng, n == 1 ? hi + 1 : P);
	uint64_t base = page_addr(first) + lo, end = page_addr(first + n - 1) + 1 + hi;
	struct ext runs[MODEL_PAGES];
	/* Only a range strictly inside one free run cuts a hole, which needs a slot. */
	bool split = model_free(m, (long)first - 1) && model_free(m, first + n);
	int expect = HV_OK;

	for (unsigned i = first; i < first + n && split; i++)
		split = m->free[i];
	if (split && model_runs(m, runs) == PALLOC_MAX_EXTENTS)
		expect = HV_ENOMEM;
	assert_int_equal(palloc_reserve(pa, base, end - base), expect);
	if (expect == HV_OK)
		model_set(m, first, n, false);
}

static void step_alloc(struct palloc *pa, struct model *m, uint64_t *rng)
{
	static const uint64_t aligns[] = {0, P, 2 * P, 16 * P, SZ_2M};
	unsigned pages = 1 + rng_below(rng, rng_below(rng, 4) == 0 ? 600 : 16);
	uint64_t align = aligns[rng_below(rng, ARRAY_SIZE(aligns))];
	uint64_t size = pages * P - rng_below(rng, P);
	unsigned at = 0;
	int expect = model_expect_alloc(m, pages, align ? align : P, &at);
	uint64_t addr = 0;

	assert_int_equal(palloc_alloc(pa, size, align, &addr), expect);
	if (expect == HV_OK) {
		assert_int_equal(addr, page_addr(at));
		model_set(m, at, pages, false);
	}
}

static void step_free(struct palloc *pa, struct model *m, uint64_t *rng)
{
	unsigned first = rng_below(rng, MODEL_PAGES), n = 1 + rng_below(rng, 16);
	int expect;

	if (rng_below(rng, 4) != 0) {
		/* Mostly a run of allocated pages, cut at a random length. */
		for (unsigned i = 0; i < MODEL_PAGES && m->free[first]; i++)
			first = (first + 1) % MODEL_PAGES;
		for (unsigned i = 1; i < n; i++) {
			if (first + i >= MODEL_PAGES || m->free[first + i]) {
				n = i;
				break;
			}
		}
	}
	if (first + n > MODEL_PAGES)
		n = MODEL_PAGES - first;
	expect = model_expect_insert(m, first, n);
	assert_int_equal(palloc_free(pa, page_addr(first), n * P - rng_below(rng, P)), expect);
	if (expect == HV_OK)
		model_set(m, first, n, true);
}

static void test_palloc_matches_bitmap_model_random(void **state)
{
	struct palloc *pa = *state;
	uint64_t rng = rng_seed(__func__, 20240611);
	struct model m = {{false}};
	unsigned counts[4] = {0};

	for (unsigned step = 0; step < MODEL_STEPS; step++) {
		unsigned op = rng_below(&rng, 100);

		if (op < 20) {
			step_add(pa, &m, &rng);
			counts[0]++;
		} else if (op < 35) {
			step_reserve(pa, &m, &rng);
			counts[1]++;
		} else if (op < 70) {
			step_alloc(pa, &m, &rng);
			counts[2]++;
		} else {
			step_free(pa, &m, &rng);
			counts[3]++;
		}
		model_check(pa, &m);
	}
	printf("%s: %u add, %u reserve, %u alloc, %u free; %u extents at the end\n", __func__,
	       counts[0], counts[1], counts[2], counts[3], pa->count);
}

#define T(fn) cmocka_unit_test_setup(fn, setup)

int main(void)
{
	const struct CMUnitTest tests[] = {
	    T(test_palloc_starts_empty),
	    T(test_palloc_add_shrinks_range_inward_to_whole_pages),
	    T(test_palloc_add_without_whole_page_adds_nothing),
	    T(test_palloc_add_merges_with_both_neighbours),
	    T(test_palloc_add_merges_with_one_neighbour),
	    T(test_palloc_add_keeps_extents_sorted),
	    T(test_palloc_add_overlapping_free_memory_is_einval_and_changes_nothing),
	    T(test_palloc_add_wrapping_range_is_einval),
	    T(test_palloc_add_at_top_of_address_space_keeps_whole_pages_only),
	    T(test_palloc_add_without_free_slot_is_enomem_but_merging_still_works),
	    T(test_palloc_reserve_widens_range_outward_to_pages),
	    T(test_palloc_reserve_splits_extent_in_two),
	    T(test_palloc_reserve_spanning_extents_and_holes_trims_and_removes),
	    T(test_palloc_reserve_of_memory_not_free_is_ignored),
	    T(test_palloc_reserve_wrapping_range_is_einval),
	    T(test_palloc_reserve_split_without_free_slot_is_enomem_and_changes_nothing),
	    T(test_palloc_alloc_returns_aligned_address_and_keeps_head_free),
	    T(test_palloc_alloc_rounds_size_up_to_pages),
	    T(test_palloc_alloc_is_first_fit_in_address_order),
	    T(test_palloc_alloc_skips_extent_too_small_after_alignment),
	    T(test_palloc_alloc_rejects_zero_size_and_bad_alignment),
	    T(test_palloc_alloc_when_exhausted_is_enomem),
	    T(test_palloc_alloc_needing_split_without_slot_uses_later_extent),
	    T(test_palloc_alloc_zeroed_page_clears_the_page),
	    T(test_palloc_free_merges_back_into_one_extent),
	    T(test_palloc_double_free_is_einval_and_changes_nothing),
	    T(test_palloc_free_partly_free_range_is_einval),
	    T(test_palloc_free_rejects_unaligned_zero_and_wrapping_ranges),
	    T(test_palloc_free_rounds_size_like_alloc),
	    T(test_palloc_free_of_part_of_allocation_returns_that_part),
	    T(test_palloc_free_without_slot_is_enomem_and_keeps_memory_allocated),
	    T(test_palloc_matches_bitmap_model_random),
	};

	return cmocka_run_group_tests_name("palloc", tests, NULL, NULL);
}

// SPDX-License-Identifier: MIT
/* Tests of core/pgtable.c: model-based random sequences of map, unmap and protect (fixed,
 * printed seeds) for both regimes, in 4 KiB and 2 MiB units, checked after every step against a
 * reference model and against the walker that reads the raw descriptors, with TLB invalidation
 * required for every translation that changed. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include <core/err.h>
#include <core/lib.h>
#include <core/palloc.h>
#include <core/pgtable.h>
#include <hal-sim/sim_hal.h>

#include "pgtable_fixture.h"
#include "rng.h"

/* --- model-based random test ----------------------------------------------------------------- */

struct unit {
	bool mapped;
	uint64_t pa;
	unsigned flags;
};

struct rand_cfg {
	enum pgt_regime regime;
	unsigned ia_bits;
	uint64_t window; /* IA of unit 0 */
	uint64_t unit;	 /* model granule: 4 KiB, or 2 MiB to reach 1 GiB blocks */
	unsigned units;
	unsigned steps;
	uint64_t seed;
};

#define MAX_UNITS 2048

static unsigned rand_flags(const struct rand_cfg *c, uint64_t *rng)
{
	unsigned flags = rng_below(rng, ALL_FLAGS + 1);

	return c->regime == PGT_EL2_STAGE1 ? flags | PGT_R : flags;
}

/* Check every unit (at a random page inside it) and a few addresses around the window. */
static void rand_check(struct pgtfx *f, const struct rand_cfg *c, const struct unit *m,
		       uint64_t *rng)
{
	for (unsigned u = 0; u < c->units; u++) {
		uint64_t off = rng_below(rng, c->unit / P) * P;
		uint64_t ia = c->window + u * c->unit + off;

		if (m[u].mapped)
			pgtfx_check_mapped(&f->pgt, ia, m[u].pa + off, m[u].flags);
		else
			pgtfx_check_unmapped(&f->pgt, ia);
	}
	pgtfx_check_unmapped(&f->pgt, c->window - P);
	pgtfx_check_unmapped(&f->pgt, c->window + c->units * c->unit);
	pgtfx_check_unmapped(&f->pgt, 0);
	pgtfx_check_tables(f);
}

static void run_random(struct pgtfx *f, const struct rand_cfg *c, const char *name)
{
	static struct unit m[MAX_UNITS];
	uint64_t rng = rng_seed(name, c->seed);
	const uint64_t big = c->unit == P ? SZ_2M : SZ_1G; /* the block size we hope to hit */
	const uint64_t per_big = big / c->unit;
	unsigned ops[3] = {0}, blocks_seen[4] = {0};

	sim_hal.pa_bits = 40;
	memset(m, 0, sizeof(m));
	assert_true(c->units <= MAX_UNITS);
	assert_int_equal(pgt_init(&f->pgt, c->regime, c->ia_bits, VMID, &f->alloc), HV_OK);

	for (unsigned step = 0; step < c->steps; step++) {
		unsigned kind = rng_below(&rng, 100), shape = rng_below(&rng, 10);
		unsigned first, n, flags = rand_flags(c, &rng);
		uint64_t pa = 0, before = pgtfx_flushes();
		bool touched_mapped = false, changed_mapped = false;
		int ret;

		if (shape < 5) {
			n = 1 + rng_below(&rng, 8);
		} else if (shape < 8) {
			n = 1 + rng_below(&rng, c->units / 2);
		} else {
			n = per_big * (1 + rng_below(&rng, 2));
		}
		n = MIN(n, c->units);
		first = rng_below(&rng, c->units - n + 1);
		if (shape >= 8)
			first = align_down(first, per_big);
		/* Half the time keep pa and ia congruent modulo the block size, so blocks form;
		 * else aligned to the unit (2 MiB blocks in 2 MiB units) or only to a page. */
		pa = rng_below(&rng, 1ULL << 38);
		switch (rng_below(&rng, 4)) {
		case 0:
		case 1:
			pa = align_down(pa, big) + ((c->window + first * c->unit) & (big - 1));
			break;
		case 2:
			pa = align_down(pa, c->unit);
			break;
		default:
			pa = align_down(pa, P);
			break;
		}

		for (unsigned u = first; u < first + n; u++)
			touched_mapped |= m[u].mapped;

		if (kind < 45) {
			ret = pgt_map(&f->pgt, c->window + first * c->unit, pa, n * c->unit, flags);
			for (unsigned u = first; u < first + n; u++) {
				struct unit nu = {true, pa + (u - first) * c->unit, flags};

				changed_mapped |=
				    m[u].mapped && (m[u].pa != nu.pa || m[u].flags != nu.flags);
				m[u] = nu;
			}
			ops[0]++;
		} else if (kind < 75) {
			ret = pgt_unmap(&f->pgt, c->window + first * c->unit, n * c->unit);
			for (unsigned u = first; u < first + n; u++)
				m[u].mapped = false;
			changed_mapped = touched_mapped;
			ops[1]++;
		} else {
			ret = pgt_protect(&f->pgt, c->window + first * c->unit, n * c->unit, flags);
			for (unsigned u = first; u < first + n; u++) {
				changed_mapped |= m[u].mapped && m[u].flags != flags;
				m[u].flags = flags;
			}
			ops[2]++;
		}
		assert_int_equal(ret, HV_OK);
		/* A translation that changed must have been invalidated; touching only holes
		 * needs no invalidation at all. */
		if (changed_mapped)
			assert_true(pgtfx_flushes() > before);
		if (!touched_mapped)
			assert_int_equal(pgtfx_flushes(), before);
		if (c->regime == PGT_STAGE2)
			assert_int_equal(sim_hal.tlb_flush_va + sim_hal.tlb_flush_all, 0);
		else
			assert_int_equal(sim_hal.tlb_flush_ipa + sim_hal.tlb_flush_vmid, 0);
		rand_check(f, c, m, &rng);
		for (unsigned u = 0; u < c->units; u += per_big) {
			unsigned level = 0;

			if (pgtfx_walk_leaf(&f->pgt, c->window + u * c->unit, &level))
				blocks_seen[level]++;
		}
	}
	printf("%s: %u map, %u unmap, %u protect; leaves seen: %u 1G, %u 2M, %u 4K; %u table "
	       "pages at the end\n",
	       name, ops[0], ops[1], ops[2], blocks_seen[1], blocks_seen[2], blocks_seen[3],
	       f->pgt.table_pages);
	/* The sequence really mixed the leaf sizes it was meant to. */
	assert_true(blocks_seen[2] > 0 && blocks_seen[3] > 0);
	if (c->unit == SZ_2M)
		assert_true(blocks_seen[1] > 0);

	assert_int_equal(pgt_unmap(&f->pgt, c->window, c->units * c->unit), HV_OK);
	assert_int_equal(f->pgt.table_pages, pgtfx_walk_root_pages(&f->pgt));
	pgt_destroy(&f->pgt);
	assert_int_equal(palloc_free_bytes(&f->alloc), f->free0);
}

static void test_pgt_stage2_matches_page_model_random(void **state)
{
	/* 8 MiB of IPA across a 1 GiB boundary, page by page. */
	const struct rand_cfg c = {PGT_STAGE2, 40, SZ_1G - 4 * SZ_2M, P, 2048, 1500, 1};

	run_random(*state, &c, __func__);
}

static void test_pgt_stage1_matches_page_model_random(void **state)
{
	const struct rand_cfg c = {PGT_EL2_STAGE1, 48, 0x8000000000ULL - 3 * SZ_2M, P, 2048,
				   1500,	   2};

	run_random(*state, &c, __func__);
}

static void test_pgt_stage2_matches_2m_model_random_with_1g_blocks(void **state)
{
	/* 4 GiB of IPA in 2 MiB units: 1 GiB blocks, their splits, 2 MiB blocks. */
	const struct rand_cfg c = {PGT_STAGE2, 40, SZ_1G, SZ_2M, 2048, 1000, 3};

	run_random(*state, &c, __func__);
}

static void test_pgt_stage1_matches_2m_model_random_with_1g_blocks(void **state)
{
	const struct rand_cfg c = {PGT_EL2_STAGE1, 39, 2 * SZ_1G, SZ_2M, 2048, 1000, 4};

	run_random(*state, &c, __func__);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    PGTFX_TEST(test_pgt_stage2_matches_page_model_random),
	    PGTFX_TEST(test_pgt_stage1_matches_page_model_random),
	    PGTFX_TEST(test_pgt_stage2_matches_2m_model_random_with_1g_blocks),
	    PGTFX_TEST(test_pgt_stage1_matches_2m_model_random_with_1g_blocks),
	};

	return cmocka_run_group_tests_name("pgtable_random", tests, NULL, NULL);
}

// SPDX-License-Identifier: MIT
/* Shared page-table test helpers and the descriptor walker: see pgtable_fixture.h. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include <cmocka.h>

#include <core/err.h>
#include <core/lib.h>
#include <core/palloc.h>
#include <core/pgtable.h>
#include <hal-sim/sim_hal.h>

#include "host_mem.h"
#include "pgtable_fixture.h"

#define ARENA_SIZE (8 * SZ_2M)

int pgtfx_setup(void **state)
{
	struct pgtfx *f = calloc(1, sizeof(*f));

	assert_non_null(f);
	sim_hal_reset();
	palloc_init(&f->alloc);
	f->arena = host_mem_alloc(ARENA_SIZE, SZ_2M);
	assert_int_equal(palloc_add(&f->alloc, host_mem_pa(f->arena), ARENA_SIZE), HV_OK);
	f->free0 = palloc_free_bytes(&f->alloc);
	*state = f;
	return 0;
}

int pgtfx_teardown(void **state)
{
	struct pgtfx *f = *state;

	host_mem_free(f->arena);
	free(f);
	return 0;
}

struct pgt *pgtfx_make(struct pgtfx *f, enum pgt_regime regime, unsigned ia_bits)
{
	assert_int_equal(pgt_init(&f->pgt, regime, ia_bits, VMID, &f->alloc), HV_OK);
	return &f->pgt;
}

unsigned pgtfx_flushes(void)
{
	return sim_hal.tlb_flush_va + sim_hal.tlb_flush_all + sim_hal.tlb_flush_ipa +
	       sim_hal.tlb_flush_vmid;
}

/* --- An independent reading of the raw tables (Arm ARM, VMSAv8-64, 4 KiB granule) ---------- */

#define D_VALID	     0x1ULL
#define D_TYPE	     0x3ULL
#define D_TYPE_TABLE 0x3ULL /* levels 0-2 */
#define D_TYPE_BLOCK 0x1ULL /* levels 1-2 */
#define D_TYPE_PAGE  0x3ULL /* level 3 */
#define D_XN	     (1ULL << 54)
#define D_AF	     (1ULL << 10)

static unsigned w_shift(unsigned level)
{
	return 39 - 9 * level;
}

/* The start level the architecture needs (stage 1) or that a <=16-page concatenated root
 * allows (stage 2), for a given input size. */
static unsigned w_start(const struct pgt *pgt)
{
	return pgt->ia_bits <= (pgt->regime == PGT_STAGE2 ? 43u : 39u) ? 1 : 0;
}

static uint64_t w_entries(const struct pgt *pgt, unsigned level)
{
	return level == w_start(pgt) ? 1ULL << (pgt->ia_bits - w_shift(level)) : 512;
}

static uint64_t w_read(uint64_t table_pa, uint64_t index)
{
	return ((const uint64_t *)(uintptr_t)table_pa)[index];
}

uint64_t pgtfx_walk_leaf(const struct pgt *pgt, uint64_t ia, unsigned *level_out)
{
	uint64_t table = pgt->root_pa;

	for (unsigned level = w_start(pgt); level <= 3; level++) {
		uint64_t idx = (ia >> w_shift(level)) & (w_entries(pgt, level) - 1);
		uint64_t d = w_read(table, idx);

		if (!(d & D_VALID))
			return 0;
		if (level < 3 && (d & D_TYPE) == D_TYPE_TABLE) {
			table = d & D_OA;
			continue;
		}
		/* No level-0 blocks with 4 KiB pages; 0b01 at level 3 is reserved. */
		assert_true(level == 1 || level == 2 || level == 3);
		assert_int_equal(d & D_TYPE, level == 3 ? D_TYPE_PAGE : D_TYPE_BLOCK);
		/* Low OA bits of a block are RES0. */
		assert_int_equal(d & D_OA & ((1ULL << w_shift(level)) - 1), 0);
		if (level_out)
			*level_out = level;
		return d;
	}
	fail();
	return 0;
}

/* Decode a leaf per the regime's descriptor format; checks the bits we always set. */
static unsigned w_flags(const struct pgt *pgt, uint64_t d)
{
	unsigned flags = d & D_XN ? 0 : PGT_X;

	assert_true(d & D_AF);
	assert_int_equal(d & (1ULL << 53), 0); /* PXN (s1, RES0 at EL2) / XN[0] (s2) */
	if (pgt->regime == PGT_EL2_STAGE1) {
		unsigned attrindx = (d >> 2) & 7;

		assert_true(d & (1ULL << 6)); /* AP[1] is RES1 at EL2 */
		flags |= PGT_R | ((d >> 7) & 1 ? 0 : PGT_W);
		assert_true(attrindx == 0 || attrindx == 1);
		if (attrindx == 1)
			flags |= PGT_DEVICE;
	} else {
		unsigned memattr = (d >> 2) & 0xf;

		flags |= ((d >> 6) & 1 ? PGT_R : 0) | ((d >> 7) & 1 ? PGT_W : 0);
		/* Normal WB: 0b1111, or 0b0110 (forced) under HCR_EL2.FWB; Device-nGnRE 0b0001. */
		assert_true(memattr == (sim_hal.s2_forces_wb ? 0x6 : 0xf) || memattr == 0x1);
		if (memattr == 0x1)
			flags |= PGT_DEVICE;
	}
	/* Normal memory is Inner Shareable. */
	if (!(flags & PGT_DEVICE))
		assert_int_equal((d >> 8) & 3, 3);
	return flags;
}

static bool w_lookup(const struct pgt *pgt, uint64_t ia, uint64_t *pa, unsigned *flags)
{
	unsigned level = 0;
	uint64_t d = pgtfx_walk_leaf(pgt, ia, &level);
	uint64_t off = (1ULL << w_shift(level)) - 1;

	if (!d)
		return false;
	*pa = (d & D_OA) | (ia & off);
	*flags = w_flags(pgt, d);
	return true;
}

unsigned pgtfx_walk_count_tables(const struct pgt *pgt, uint64_t table, unsigned level)
{
	unsigned n = 0, valid = 0;

	for (uint64_t i = 0; i < w_entries(pgt, level); i++) {
		uint64_t d = w_read(table, i);

		if (d & D_VALID)
			valid++;
		if (level < 3 && (d & D_TYPE) == D_TYPE_TABLE)
			n += 1 + pgtfx_walk_count_tables(pgt, d & D_OA, level + 1);
	}
	if (level != w_start(pgt))
		assert_true(valid > 0);
	return n;
}

unsigned pgtfx_walk_root_pages(const struct pgt *pgt)
{
	uint64_t n = w_entries(pgt, w_start(pgt));

	return n > 512 ? (unsigned)(n / 512) : 1;
}

void pgtfx_check_tables(struct pgtfx *f)
{
	unsigned tables = pgtfx_walk_root_pages(&f->pgt) +
			  pgtfx_walk_count_tables(&f->pgt, f->pgt.root_pa, w_start(&f->pgt));

	assert_int_equal(f->pgt.table_pages, tables);
	assert_int_equal(f->free0 - palloc_free_bytes(&f->alloc), (uint64_t)tables * P);
}

void pgtfx_check_mapped(const struct pgt *pgt, uint64_t ia, uint64_t pa, unsigned flags)
{
	uint64_t got_pa = 0, w_pa = 0;
	unsigned got_flags = 0, w_fl = 0;

	assert_true(pgt_lookup(pgt, ia, &got_pa, &got_flags));
	assert_int_equal(got_pa, pa);
	assert_int_equal(got_flags, flags);
	assert_true(w_lookup(pgt, ia, &w_pa, &w_fl));
	assert_int_equal(w_pa, pa);
	assert_int_equal(w_fl, flags);
}

void pgtfx_check_unmapped(const struct pgt *pgt, uint64_t ia)
{
	assert_false(pgt_lookup(pgt, ia, NULL, NULL));
	assert_int_equal(pgtfx_walk_leaf(pgt, ia, NULL), 0);
}

unsigned pgtfx_leaf_level(const struct pgt *pgt, uint64_t ia)
{
	unsigned level = 99;

	assert_int_not_equal(pgtfx_walk_leaf(pgt, ia, &level), 0);
	return level;
}

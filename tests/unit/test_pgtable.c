// SPDX-License-Identifier: MIT
/* Tests of core/pgtable.c: descriptor encodings for EL2 stage 1 and stage 2, block/page choice,
 * splitting, freeing of empty tables, TLB invalidation (counted by hal-sim), TCR/VTCR/VTTBR
 * values, and model-based random tests checked against a reference model and against a
 * walker written here from the Arm ARM that reads the raw descriptors. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include <core/err.h>
#include <core/lib.h>
#include <core/palloc.h>
#include <core/pgtable.h>
#include <hal-sim/sim_hal.h>

#include "host_mem.h"
#include "rng.h"

#define P	   PAGE_SIZE
#define ARENA_SIZE (8 * SZ_2M)
#define VMID	   0x2a
#define ALL_FLAGS  (PGT_RWX | PGT_DEVICE)

struct fx {
	struct palloc alloc;
	struct pgt pgt;
	void *arena;
	uint64_t free0; /* free bytes before the table was created */
};

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));

	assert_non_null(f);
	sim_hal_reset();
	palloc_init(&f->alloc);
	f->arena = host_mem_alloc(ARENA_SIZE, SZ_2M);
	assert_int_equal(palloc_add(&f->alloc, host_mem_pa(f->arena), ARENA_SIZE), HV_OK);
	f->free0 = palloc_free_bytes(&f->alloc);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;

	host_mem_free(f->arena);
	free(f);
	return 0;
}

static struct pgt *make(struct fx *f, enum pgt_regime regime, unsigned ia_bits)
{
	assert_int_equal(pgt_init(&f->pgt, regime, ia_bits, VMID, &f->alloc), HV_OK);
	return &f->pgt;
}

static unsigned flushes(void)
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
#define D_OA	     0x0000fffffffff000ULL
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

/* The leaf descriptor that translates `ia` and its level, or 0 if none. Fails the test on an
 * encoding the builder must never write. */
static uint64_t w_leaf(const struct pgt *pgt, uint64_t ia, unsigned *level_out)
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
		assert_true(memattr == 0xf || memattr == 0x1);
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
	uint64_t d = w_leaf(pgt, ia, &level);
	uint64_t off = (1ULL << w_shift(level)) - 1;

	if (!d)
		return false;
	*pa = (d & D_OA) | (ia & off);
	*flags = w_flags(pgt, d);
	return true;
}

/* Tables reachable below `table` (not counting it); every non-root table holds a valid entry. */
static unsigned w_count_tables(const struct pgt *pgt, uint64_t table, unsigned level)
{
	unsigned n = 0, valid = 0;

	for (uint64_t i = 0; i < w_entries(pgt, level); i++) {
		uint64_t d = w_read(table, i);

		if (d & D_VALID)
			valid++;
		if (level < 3 && (d & D_TYPE) == D_TYPE_TABLE)
			n += 1 + w_count_tables(pgt, d & D_OA, level + 1);
	}
	if (level != w_start(pgt))
		assert_true(valid > 0);
	return n;
}

static unsigned w_root_pages(const struct pgt *pgt)
{
	uint64_t n = w_entries(pgt, w_start(pgt));

	return n > 512 ? (unsigned)(n / 512) : 1;
}

/* Every table page is reachable, counted, and taken from the allocator; none is empty. */
static void check_tables(struct fx *f)
{
	unsigned tables =
	    w_root_pages(&f->pgt) + w_count_tables(&f->pgt, f->pgt.root_pa, w_start(&f->pgt));

	assert_int_equal(f->pgt.table_pages, tables);
	assert_int_equal(f->free0 - palloc_free_bytes(&f->alloc), (uint64_t)tables * P);
}

static void check_mapped(const struct pgt *pgt, uint64_t ia, uint64_t pa, unsigned flags)
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

static void check_unmapped(const struct pgt *pgt, uint64_t ia)
{
	assert_false(pgt_lookup(pgt, ia, NULL, NULL));
	assert_int_equal(w_leaf(pgt, ia, NULL), 0);
}

static unsigned leaf_level(const struct pgt *pgt, uint64_t ia)
{
	unsigned level = 99;

	assert_int_not_equal(w_leaf(pgt, ia, &level), 0);
	return level;
}

/* --- init ----------------------------------------------------------------------------------- */

static void test_pgt_init_rejects_bad_ia_bits_and_regime(void **state)
{
	struct fx *f = *state;

	assert_int_equal(pgt_init(&f->pgt, PGT_EL2_STAGE1, 31, 0, &f->alloc), HV_EINVAL);
	assert_int_equal(pgt_init(&f->pgt, PGT_EL2_STAGE1, 49, 0, &f->alloc), HV_EINVAL);
	assert_int_equal(pgt_init(&f->pgt, PGT_STAGE2, 31, 1, &f->alloc), HV_EINVAL);
	assert_int_equal(pgt_init(&f->pgt, (enum pgt_regime)7, 40, 0, &f->alloc), HV_EINVAL);
	assert_int_equal(palloc_free_bytes(&f->alloc), f->free0);
}

static void test_pgt_init_rejects_stage2_ipa_wider_than_pa(void **state)
{
	struct fx *f = *state;

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
	struct fx *f = *state;

	sim_hal.pa_bits = 48;
	for (unsigned i = 0; i < ARRAY_SIZE(cases); i++) {
		struct pgt *pgt = make(f, cases[i].regime, cases[i].ia_bits);
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
	struct fx *f = *state;
	struct palloc none;

	palloc_init(&none);
	assert_int_equal(pgt_init(&f->pgt, PGT_STAGE2, 40, 1, &none), HV_ENOMEM);
	assert_int_equal(f->pgt.root_pa, 0);
	assert_int_equal(pgt_map(&f->pgt, 0, 0, P, PGT_RW), HV_EINVAL);
	assert_int_equal(pgt_unmap(&f->pgt, 0, P), HV_EINVAL);
	assert_false(pgt_lookup(&f->pgt, 0, NULL, NULL));
	pgt_destroy(&f->pgt);
}

/* --- descriptor encodings -------------------------------------------------------------------- */

struct desc_case {
	unsigned flags;
	uint64_t attrs; /* expected bits outside the OA, for a level-3 page */
};

static void check_descs(struct fx *f, enum pgt_regime regime, const struct desc_case *cases,
			unsigned n)
{
	const uint64_t ia = 0x40000000, pa = 0x87654000;

	for (unsigned i = 0; i < n; i++) {
		struct pgt *pgt = make(f, regime, 40);
		unsigned level = 0;
		uint64_t d;

		/* A page... */
		assert_int_equal(pgt_map(pgt, ia, pa, P, cases[i].flags), HV_OK);
		d = w_leaf(pgt, ia, &level);
		assert_int_equal(level, 3);
		assert_int_equal(d & D_OA, pa);
		assert_int_equal(d & ~D_OA, cases[i].attrs);
		/* ...and a 2 MiB block: same attributes, type 0b01. */
		assert_int_equal(pgt_map(pgt, ia + SZ_2M, 0x80000000, SZ_2M, cases[i].flags),
				 HV_OK);
		d = w_leaf(pgt, ia + SZ_2M + 5 * P, &level);
		assert_int_equal(level, 2);
		assert_int_equal(d & D_OA, 0x80000000);
		assert_int_equal(d & ~D_OA, cases[i].attrs & ~2ULL);
		pgt_destroy(pgt);
	}
}

static void test_pgt_stage1_descriptor_bits_follow_flags(void **state)
{
	/* AF 0x400, SH inner 0x300, AP[1] 0x40 (RES1), AP[2] 0x80 = read-only, AttrIndx [4:2]
	 * (0 Normal, 1 Device), XN bit 54, page 0b11. */
	static const struct desc_case cases[] = {
	    {PGT_R, 0x00400000000007c3},
	    {PGT_RW, 0x0040000000000743},
	    {PGT_R | PGT_X, 0x00000000000007c3},
	    {PGT_RWX, 0x0000000000000743},
	    {PGT_RW | PGT_DEVICE, 0x0040000000000447},
	    {PGT_R | PGT_DEVICE, 0x00400000000004c7},
	};

	check_descs(*state, PGT_EL2_STAGE1, cases, ARRAY_SIZE(cases));
}

static void test_pgt_stage2_descriptor_bits_follow_flags(void **state)
{
	/* AF 0x400, SH inner 0x300, S2AP [7:6] (W, R), MemAttr [5:2] 0b1111 Normal WB or 0b0001
	 * Device-nGnRE, XN bit 54, page 0b11. */
	static const struct desc_case cases[] = {
	    {0, 0x004000000000073f},
	    {PGT_R, 0x004000000000077f},
	    {PGT_W, 0x00400000000007bf},
	    {PGT_RW, 0x00400000000007ff},
	    {PGT_RWX, 0x00000000000007ff},
	    {PGT_R | PGT_X, 0x000000000000077f},
	    {PGT_RW | PGT_DEVICE, 0x00400000000004c7},
	    {PGT_R | PGT_X | PGT_DEVICE, 0x0000000000000447},
	};

	check_descs(*state, PGT_STAGE2, cases, ARRAY_SIZE(cases));
}

static void test_pgt_lookup_returns_the_flags_that_were_mapped(void **state)
{
	struct fx *f = *state;
	struct pgt *s1 = make(f, PGT_EL2_STAGE1, 39);
	struct pgt s2;

	assert_int_equal(pgt_init(&s2, PGT_STAGE2, 40, VMID, &f->alloc), HV_OK);
	for (unsigned flags = 0; flags <= ALL_FLAGS; flags++) {
		uint64_t ia = flags * SZ_2M, pa = 0x10000000 + flags * P;

		assert_int_equal(pgt_map(&s2, ia, pa, P, flags), HV_OK);
		check_mapped(&s2, ia, pa, flags);
		if (!(flags & PGT_R))
			continue;
		assert_int_equal(pgt_map(s1, ia, pa, P, flags), HV_OK);
		check_mapped(s1, ia, pa, flags);
	}
	pgt_destroy(&s2);
}

static void test_pgt_stage1_rejects_flags_without_read(void **state)
{
	struct fx *f = *state;
	struct pgt *pgt = make(f, PGT_EL2_STAGE1, 39);

	assert_int_equal(pgt_map(pgt, 0, 0, P, PGT_W), HV_EINVAL);
	assert_int_equal(pgt_map(pgt, 0, 0, P, 0), HV_EINVAL);
	assert_int_equal(pgt_map(pgt, 0, 0, P, PGT_R), HV_OK);
	assert_int_equal(pgt_protect(pgt, 0, P, PGT_X), HV_EINVAL);
	check_mapped(pgt, 0, 0, PGT_R);
}

static void test_pgt_rejects_unknown_flags(void **state)
{
	struct fx *f = *state;
	struct pgt *pgt = make(f, PGT_STAGE2, 40);

	assert_int_equal(pgt_map(pgt, 0, 0, P, PGT_RW | (1u << 4)), HV_EINVAL);
	assert_int_equal(pgt_map(pgt, 0, 0, P, 1u << 31), HV_EINVAL);
	assert_int_equal(pgt_protect(pgt, 0, P, PGT_R | (1u << 9)), HV_EINVAL);
	check_unmapped(pgt, 0);
}

static void test_pgt_rejects_bad_ranges_without_changing_anything(void **state)
{
	static const struct {
		uint64_t ia, pa, size;
	} bad[] = {
	    {0x1001, 0, P},		       /* unaligned ia */
	    {0x1000, 0x801, P},		       /* unaligned pa */
	    {0x1000, 0x2000, P + 8},	       /* unaligned size */
	    {0x1000, 0x2000, 0},	       /* empty */
	    {1ULL << 40, 0, P},		       /* ia beyond the 40-bit input range */
	    {(1ULL << 40) - P, 0, 2 * P},      /* ia + size beyond the input range */
	    {0x1000, 1ULL << 40, P},	       /* pa beyond 2^pa_bits */
	    {0x1000, (1ULL << 40) - P, 2 * P}, /* pa + size beyond 2^pa_bits */
	    {0x1000, 0, ~0ULL - 0xfff},	       /* ia + size wraps */
	    {0, 0x2000, ~0ULL - 0xfff},	       /* pa + size wraps */
	};
	struct fx *f = *state;
	struct pgt *pgt = make(f, PGT_STAGE2, 40);

	assert_int_equal(pgt_map(pgt, 0, 0x100000, 4 * P, PGT_RW), HV_OK);
	sim_hal_reset(); /* pa_bits 40 again, counters 0 */
	for (unsigned i = 0; i < ARRAY_SIZE(bad); i++) {
		bool ia_bad = i != 1 && i != 6 && i != 7 && i != 9;

		assert_int_equal(pgt_map(pgt, bad[i].ia, bad[i].pa, bad[i].size, PGT_RW),
				 HV_EINVAL);
		if (ia_bad) {
			assert_int_equal(pgt_unmap(pgt, bad[i].ia, bad[i].size), HV_EINVAL);
			assert_int_equal(pgt_protect(pgt, bad[i].ia, bad[i].size, PGT_R),
					 HV_EINVAL);
		}
	}
	assert_int_equal(flushes(), 0);
	for (unsigned i = 0; i < 4; i++)
		check_mapped(pgt, i * P, 0x100000 + i * P, PGT_RW);
	check_tables(f);
}

/* --- blocks and pages ------------------------------------------------------------------------ */

static void test_pgt_map_uses_2m_block_when_ia_pa_and_size_aligned(void **state)
{
	struct fx *f = *state;
	struct pgt *pgt = make(f, PGT_STAGE2, 40);

	assert_int_equal(pgt_map(pgt, 0x40000000, 0x80200000, SZ_2M, PGT_RW), HV_OK);
	assert_int_equal(leaf_level(pgt, 0x40000000), 2);
	check_mapped(pgt, 0x40123000, 0x80323000, PGT_RW);
	check_unmapped(pgt, 0x40200000);
	assert_int_equal(pgt->table_pages, 2 + 1); /* concatenated root + one level-2 table */
	check_tables(f);
}

static void test_pgt_map_uses_pages_when_pa_not_block_aligned(void **state)
{
	struct fx *f = *state;
	struct pgt *pgt = make(f, PGT_STAGE2, 40);

	assert_int_equal(pgt_map(pgt, 0x40000000, 0x80201000, SZ_2M, PGT_RW), HV_OK);
	assert_int_equal(leaf_level(pgt, 0x40000000), 3);
	assert_int_equal(leaf_level(pgt, 0x401ff000), 3);
	check_mapped(pgt, 0x401ff000, 0x80400000, PGT_RW);
	assert_int_equal(pgt->table_pages, 2 + 2);
	check_tables(f);
}

static void test_pgt_map_uses_blocks_inside_and_pages_at_unaligned_edges(void **state)
{
	struct fx *f = *state;
	struct pgt *pgt = make(f, PGT_EL2_STAGE1, 39);
	const uint64_t ia = SZ_2M - 2 * P, size = 2 * SZ_2M + 4 * P;

	assert_int_equal(pgt_map(pgt, ia, ia, size, PGT_RW), HV_OK);
	assert_int_equal(leaf_level(pgt, ia), 3);
	assert_int_equal(leaf_level(pgt, SZ_2M), 2);
	assert_int_equal(leaf_level(pgt, 2 * SZ_2M), 2);
	assert_int_equal(leaf_level(pgt, 3 * SZ_2M), 3);
	check_unmapped(pgt, ia - P);
	check_unmapped(pgt, ia + size);
	for (uint64_t a = ia; a < ia + size; a += P)
		check_mapped(pgt, a, a, PGT_RW);
	check_tables(f);
}

static void test_pgt_map_uses_1g_block_when_aligned(void **state)
{
	struct fx *f = *state;
	struct pgt *pgt = make(f, PGT_STAGE2, 40);

	assert_int_equal(pgt_map(pgt, SZ_1G, 3 * SZ_1G, SZ_1G, PGT_RWX), HV_OK);
	assert_int_equal(leaf_level(pgt, SZ_1G + 12345 * P), 1);
	check_mapped(pgt, 2 * SZ_1G - P, 4 * SZ_1G - P, PGT_RWX);
	assert_int_equal(pgt->table_pages, 2); /* the root holds the block */
	/* Only 2 MiB aligned output: 2 MiB blocks instead. */
	assert_int_equal(pgt_map(pgt, 4 * SZ_1G, 3 * SZ_1G + SZ_2M, SZ_1G, PGT_RW), HV_OK);
	assert_int_equal(leaf_level(pgt, 4 * SZ_1G), 2);
	check_tables(f);
}

static void test_pgt_unmap_splits_block_on_partial_unmap(void **state)
{
	struct fx *f = *state;
	struct pgt *pgt = make(f, PGT_STAGE2, 40);
	const uint64_t ia = 0x40000000, pa = 0x80000000, hole = ia + 7 * P;
	unsigned tables;

	assert_int_equal(pgt_map(pgt, ia, pa, SZ_2M, PGT_R | PGT_X), HV_OK);
	tables = pgt->table_pages;
	sim_hal_reset();
	assert_int_equal(pgt_unmap(pgt, hole, P), HV_OK);
	check_unmapped(pgt, hole);
	for (uint64_t off = 0; off < SZ_2M; off += P) {
		if (ia + off != hole) {
			check_mapped(pgt, ia + off, pa + off, PGT_R | PGT_X);
			assert_int_equal(leaf_level(pgt, ia + off), 3);
		}
	}
	assert_int_equal(pgt->table_pages, tables + 1);
	/* The block was replaced (flush at its base) and the page removed (flush at the page). */
	assert_int_equal(sim_hal.tlb_flush_ipa, 2);
	assert_int_equal(sim_hal.last_flush_addr, hole);
	assert_int_equal(sim_hal.last_flush_vmid, VMID);
	check_tables(f);
}

static void test_pgt_protect_splits_block_on_partial_protect(void **state)
{
	struct fx *f = *state;
	struct pgt *pgt = make(f, PGT_EL2_STAGE1, 39);
	const uint64_t ia = 0x40000000;

	assert_int_equal(pgt_map(pgt, ia, ia, SZ_2M, PGT_RW), HV_OK);
	assert_int_equal(pgt_protect(pgt, ia + SZ_2M - 3 * P, 3 * P, PGT_R | PGT_X), HV_OK);
	check_mapped(pgt, ia, ia, PGT_RW);
	check_mapped(pgt, ia + SZ_2M - 4 * P, ia + SZ_2M - 4 * P, PGT_RW);
	check_mapped(pgt, ia + SZ_2M - 3 * P, ia + SZ_2M - 3 * P, PGT_R | PGT_X);
	check_mapped(pgt, ia + SZ_2M - P, ia + SZ_2M - P, PGT_R | PGT_X);
	assert_int_equal(leaf_level(pgt, ia), 3);
	assert_true(sim_hal.tlb_flush_va >= 1);
	check_tables(f);
}

static void test_pgt_protect_of_whole_block_keeps_the_block(void **state)
{
	struct fx *f = *state;
	struct pgt *pgt = make(f, PGT_STAGE2, 40);

	assert_int_equal(pgt_map(pgt, SZ_2M, SZ_2M, SZ_2M, PGT_RW), HV_OK);
	sim_hal_reset();
	assert_int_equal(pgt_protect(pgt, SZ_2M, SZ_2M, PGT_R), HV_OK);
	assert_int_equal(leaf_level(pgt, SZ_2M), 2);
	check_mapped(pgt, SZ_2M + P, SZ_2M + P, PGT_R);
	assert_int_equal(sim_hal.tlb_flush_ipa, 1);
	assert_int_equal(sim_hal.last_flush_addr, SZ_2M);
	check_tables(f);
}

static void test_pgt_partial_change_that_changes_nothing_keeps_block_and_tlb(void **state)
{
	struct fx *f = *state;
	struct pgt *pgt = make(f, PGT_STAGE2, 40);
	unsigned tables;

	assert_int_equal(pgt_map(pgt, SZ_2M, 5 * SZ_2M, SZ_2M, PGT_RW), HV_OK);
	tables = pgt->table_pages;
	sim_hal_reset();
	assert_int_equal(pgt_protect(pgt, SZ_2M + P, P, PGT_RW), HV_OK);
	assert_int_equal(pgt_map(pgt, SZ_2M + 8 * P, 5 * SZ_2M + 8 * P, 2 * P, PGT_RW), HV_OK);
	assert_int_equal(leaf_level(pgt, SZ_2M), 2);
	assert_int_equal(pgt->table_pages, tables);
	assert_int_equal(flushes(), 0);
}

static void test_pgt_unmap_splits_1g_block_into_2m_blocks_and_pages(void **state)
{
	struct fx *f = *state;
	struct pgt *pgt = make(f, PGT_STAGE2, 40);
	const uint64_t hole = SZ_1G + 300 * SZ_2M + 9 * P;

	assert_int_equal(pgt_map(pgt, SZ_1G, 2 * SZ_1G, SZ_1G, PGT_RW), HV_OK);
	assert_int_equal(pgt_unmap(pgt, hole, P), HV_OK);
	check_unmapped(pgt, hole);
	assert_int_equal(leaf_level(pgt, SZ_1G), 2);
	assert_int_equal(leaf_level(pgt, hole + P), 3);
	check_mapped(pgt, hole - P, 2 * SZ_1G + (hole - P - SZ_1G), PGT_RW);
	check_mapped(pgt, 2 * SZ_1G - P, 3 * SZ_1G - P, PGT_RW);
	assert_int_equal(pgt->table_pages, 2 + 2);
	check_tables(f);
}

static void test_pgt_map_over_part_of_block_splits_it(void **state)
{
	struct fx *f = *state;
	struct pgt *pgt = make(f, PGT_STAGE2, 40);

	assert_int_equal(pgt_map(pgt, 0, SZ_2M, SZ_2M, PGT_RW), HV_OK);
	assert_int_equal(pgt_map(pgt, 5 * P, 0x7000000, P, PGT_R | PGT_DEVICE), HV_OK);
	check_mapped(pgt, 4 * P, SZ_2M + 4 * P, PGT_RW);
	check_mapped(pgt, 5 * P, 0x7000000, PGT_R | PGT_DEVICE);
	check_mapped(pgt, 6 * P, SZ_2M + 6 * P, PGT_RW);
	check_tables(f);
}

static void test_pgt_root_concatenation_reaches_top_of_ipa_space(void **state)
{
	struct fx *f = *state;
	struct pgt *pgt = make(f, PGT_STAGE2, 40);
	const uint64_t top = (1ULL << 40) - SZ_1G;
	const uint64_t *root = (const uint64_t *)(uintptr_t)pgt->root_pa;

	assert_int_equal(pgt_map(pgt, top, SZ_1G, SZ_1G, PGT_RW), HV_OK);
	/* Entry 1023 of the level-1 root: the last one of its second page. */
	assert_int_equal(root[1023] & D_OA, SZ_1G);
	assert_int_equal(root[511], 0);
	check_mapped(pgt, (1ULL << 40) - P, 2 * SZ_1G - P, PGT_RW);
}

/* --- freeing tables --------------------------------------------------------------------------- */

static void test_pgt_unmap_frees_tables_when_they_become_empty(void **state)
{
	struct fx *f = *state;
	struct pgt *pgt = make(f, PGT_EL2_STAGE1, 48);
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
	check_tables(f);
}

static void test_pgt_unmap_of_split_block_frees_the_new_table(void **state)
{
	struct fx *f = *state;
	struct pgt *pgt = make(f, PGT_STAGE2, 40);

	assert_int_equal(pgt_map(pgt, 0, 0, SZ_2M, PGT_RW), HV_OK);
	assert_int_equal(pgt_unmap(pgt, 0, P), HV_OK);
	assert_int_equal(pgt_unmap(pgt, P, SZ_2M - P), HV_OK);
	assert_int_equal(pgt->table_pages, 2);
	check_tables(f);
}

static void test_pgt_map_block_over_pages_frees_their_table(void **state)
{
	struct fx *f = *state;
	struct pgt *pgt = make(f, PGT_STAGE2, 40);

	assert_int_equal(pgt_map(pgt, 0, 0x123000, SZ_2M, PGT_RW), HV_OK);
	assert_int_equal(pgt->table_pages, 2 + 2);
	sim_hal_reset();
	assert_int_equal(pgt_map(pgt, 0, 0x400000, SZ_2M, PGT_R), HV_OK);
	assert_int_equal(leaf_level(pgt, 0), 2);
	assert_int_equal(pgt->table_pages, 2 + 1);
	/* Every page that was valid, then the table entry itself. */
	assert_int_equal(sim_hal.tlb_flush_ipa, 512 + 1);
	check_mapped(pgt, SZ_2M - P, 0x400000 + SZ_2M - P, PGT_R);
	check_tables(f);
}

/* --- TLB maintenance ------------------------------------------------------------------------- */

static void test_pgt_map_into_invalid_entries_needs_no_tlb_flush(void **state)
{
	struct fx *f = *state;
	struct pgt *s2 = make(f, PGT_STAGE2, 40);
	struct pgt s1;

	assert_int_equal(pgt_map(s2, 0, 0, 3 * SZ_2M + 5 * P, PGT_RW), HV_OK);
	assert_int_equal(pgt_map(s2, 3 * SZ_2M + 5 * P, 0, P, PGT_RW), HV_OK);
	assert_int_equal(pgt_init(&s1, PGT_EL2_STAGE1, 48, 0, &f->alloc), HV_OK);
	assert_int_equal(pgt_map(&s1, 0x1000, 0x1000, SZ_1G, PGT_RW), HV_OK);
	assert_int_equal(flushes(), 0);
	pgt_destroy(&s1);
}

static void test_pgt_stage2_change_of_valid_entry_flushes_ipa_with_vmid(void **state)
{
	struct fx *f = *state;
	struct pgt *pgt = make(f, PGT_STAGE2, 40);

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
	struct fx *f = *state;
	struct pgt *pgt = make(f, PGT_EL2_STAGE1, 39);

	assert_int_equal(pgt_map(pgt, 0x7000, 0x7000, P, PGT_RW), HV_OK);
	assert_int_equal(pgt_protect(pgt, 0x7000, P, PGT_R | PGT_X), HV_OK);
	assert_int_equal(sim_hal.tlb_flush_va, 1);
	assert_int_equal(sim_hal.last_flush_addr, 0x7000);
	assert_int_equal(sim_hal.tlb_flush_ipa + sim_hal.tlb_flush_vmid, 0);
}

static void test_pgt_map_of_identical_mapping_does_not_flush(void **state)
{
	struct fx *f = *state;
	struct pgt *pgt = make(f, PGT_STAGE2, 40);

	assert_int_equal(pgt_map(pgt, 0, 0x200000, SZ_2M + P, PGT_RW), HV_OK);
	assert_int_equal(pgt_map(pgt, 0, 0x200000, SZ_2M + P, PGT_RW), HV_OK);
	assert_int_equal(pgt_protect(pgt, 0, SZ_2M + P, PGT_RW), HV_OK);
	assert_int_equal(flushes(), 0);
}

static void test_pgt_unmap_and_protect_of_holes_succeed_and_flush_nothing(void **state)
{
	struct fx *f = *state;
	struct pgt *pgt = make(f, PGT_STAGE2, 40);

	assert_int_equal(pgt_map(pgt, SZ_1G, 0, P, PGT_RW), HV_OK);
	assert_int_equal(pgt_unmap(pgt, 0, SZ_1G), HV_OK);
	assert_int_equal(pgt_protect(pgt, SZ_1G + P, SZ_1G, PGT_R), HV_OK);
	assert_int_equal(pgt_unmap(pgt, SZ_1G + SZ_2M, 1ULL << 39), HV_OK);
	assert_int_equal(flushes(), 0);
	check_mapped(pgt, SZ_1G, 0, PGT_RW);
	check_unmapped(pgt, SZ_1G + P);
	check_tables(f);
}

/* --- out of memory --------------------------------------------------------------------------- */

static void test_pgt_map_out_of_memory_keeps_mapped_part_and_no_empty_table(void **state)
{
	struct fx *f = *state;
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
	check_unmapped(&pgt, SZ_1G);
	assert_int_equal(pgt_unmap(&pgt, SZ_2M, P), HV_OK);
	assert_int_equal(pgt.table_pages, 4);
	/* One page left: a level-2 table fits, its level-3 table does not; the level-2 table
	 * must not stay behind empty. */
	assert_int_equal(pgt_map(&pgt, SZ_1G, 0x5000, P, PGT_RW), HV_ENOMEM);
	assert_int_equal(pgt.table_pages, 4);
	assert_int_equal(palloc_free_bytes(&small), P);
	check_unmapped(&pgt, SZ_1G);
	/* Across two more level-3 tables with memory for one: the first part stays mapped. */
	assert_int_equal(pgt_map(&pgt, SZ_2M - 2 * P, 0x9000, SZ_2M + 3 * P, PGT_R), HV_ENOMEM);
	check_mapped(&pgt, SZ_2M - 2 * P, 0x9000, PGT_R);
	check_mapped(&pgt, SZ_2M - P, 0xa000, PGT_R);
	check_mapped(&pgt, 2 * SZ_2M - P, 0x9000 + SZ_2M + P, PGT_R);
	check_unmapped(&pgt, 2 * SZ_2M);
	assert_int_equal(pgt.table_pages, 5);
	assert_int_equal(w_root_pages(&pgt) + w_count_tables(&pgt, pgt.root_pa, 1), 5);
	pgt_destroy(&pgt);
	assert_int_equal(palloc_free_bytes(&small), 5 * P);
}

static void test_pgt_unmap_needing_split_without_memory_is_enomem_and_keeps_block(void **state)
{
	struct fx *f = *state;
	struct palloc small;
	struct pgt pgt;

	palloc_init(&small);
	assert_int_equal(palloc_add(&small, host_mem_pa(f->arena), 2 * P), HV_OK);
	assert_int_equal(pgt_init(&pgt, PGT_EL2_STAGE1, 39, 0, &small), HV_OK);
	assert_int_equal(pgt_map(&pgt, 0, 0, SZ_2M, PGT_RW), HV_OK); /* uses the last page */
	sim_hal_reset();
	assert_int_equal(pgt_unmap(&pgt, P, P), HV_ENOMEM);
	assert_int_equal(pgt_protect(&pgt, P, P, PGT_R), HV_ENOMEM);
	assert_int_equal(flushes(), 0);
	check_mapped(&pgt, P, P, PGT_RW);
	assert_int_equal(w_count_tables(&pgt, pgt.root_pa, 1), 1);
	pgt_destroy(&pgt);
	assert_int_equal(palloc_free_bytes(&small), 2 * P);
}

/* --- lookup, destroy, registers ---------------------------------------------------------------- */

static void test_pgt_lookup_outside_input_range_is_false(void **state)
{
	struct fx *f = *state;
	struct pgt *pgt = make(f, PGT_EL2_STAGE1, 32);

	assert_int_equal(pgt_map(pgt, 0, 0, 1ULL << 32, PGT_RW), HV_OK);
	check_mapped(pgt, 0xfffff000, 0xfffff000, PGT_RW);
	assert_false(pgt_lookup(pgt, 1ULL << 32, NULL, NULL));
	assert_false(pgt_lookup(pgt, ~0ULL, NULL, NULL));
}

static void test_pgt_destroy_returns_every_page_and_flushes_vmid(void **state)
{
	struct fx *f = *state;
	struct pgt *pgt = make(f, PGT_STAGE2, 40);

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
	struct fx *f = *state;

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
	struct fx *f = *state;
	struct pgt s2, s1;

	assert_int_equal(pgt_init(&s2, PGT_STAGE2, 40, 0xbeef, &f->alloc), HV_OK);
	assert_int_equal(pgt_vttbr(&s2), s2.root_pa | 0xbeef000000000000ULL);
	assert_int_equal(s2.root_pa & 0xffff000000000fffULL, 0);
	assert_int_equal(pgt_init(&s1, PGT_EL2_STAGE1, 48, 0xbeef, &f->alloc), HV_OK);
	assert_int_equal(pgt_vttbr(&s1), s1.root_pa); /* TTBR0_EL2: no VMID */
	pgt_destroy(&s1);
	pgt_destroy(&s2);
}

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
static void rand_check(struct fx *f, const struct rand_cfg *c, const struct unit *m, uint64_t *rng)
{
	for (unsigned u = 0; u < c->units; u++) {
		uint64_t off = rng_below(rng, c->unit / P) * P;
		uint64_t ia = c->window + u * c->unit + off;

		if (m[u].mapped)
			check_mapped(&f->pgt, ia, m[u].pa + off, m[u].flags);
		else
			check_unmapped(&f->pgt, ia);
	}
	check_unmapped(&f->pgt, c->window - P);
	check_unmapped(&f->pgt, c->window + c->units * c->unit);
	check_unmapped(&f->pgt, 0);
	check_tables(f);
}

static void run_random(struct fx *f, const struct rand_cfg *c, const char *name)
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
		uint64_t pa = 0, before = flushes();
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
			assert_true(flushes() > before);
		if (!touched_mapped)
			assert_int_equal(flushes(), before);
		if (c->regime == PGT_STAGE2)
			assert_int_equal(sim_hal.tlb_flush_va + sim_hal.tlb_flush_all, 0);
		else
			assert_int_equal(sim_hal.tlb_flush_ipa + sim_hal.tlb_flush_vmid, 0);
		rand_check(f, c, m, &rng);
		for (unsigned u = 0; u < c->units; u += per_big) {
			unsigned level = 0;

			if (w_leaf(&f->pgt, c->window + u * c->unit, &level))
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
	assert_int_equal(f->pgt.table_pages, w_root_pages(&f->pgt));
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

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
	    T(test_pgt_init_rejects_bad_ia_bits_and_regime),
	    T(test_pgt_init_rejects_stage2_ipa_wider_than_pa),
	    T(test_pgt_init_chooses_start_level_and_root_size),
	    T(test_pgt_init_without_memory_is_enomem_and_leaves_empty_table),
	    T(test_pgt_stage1_descriptor_bits_follow_flags),
	    T(test_pgt_stage2_descriptor_bits_follow_flags),
	    T(test_pgt_lookup_returns_the_flags_that_were_mapped),
	    T(test_pgt_stage1_rejects_flags_without_read),
	    T(test_pgt_rejects_unknown_flags),
	    T(test_pgt_rejects_bad_ranges_without_changing_anything),
	    T(test_pgt_map_uses_2m_block_when_ia_pa_and_size_aligned),
	    T(test_pgt_map_uses_pages_when_pa_not_block_aligned),
	    T(test_pgt_map_uses_blocks_inside_and_pages_at_unaligned_edges),
	    T(test_pgt_map_uses_1g_block_when_aligned),
	    T(test_pgt_unmap_splits_block_on_partial_unmap),
	    T(test_pgt_protect_splits_block_on_partial_protect),
	    T(test_pgt_protect_of_whole_block_keeps_the_block),
	    T(test_pgt_partial_change_that_changes_nothing_keeps_block_and_tlb),
	    T(test_pgt_unmap_splits_1g_block_into_2m_blocks_and_pages),
	    T(test_pgt_map_over_part_of_block_splits_it),
	    T(test_pgt_root_concatenation_reaches_top_of_ipa_space),
	    T(test_pgt_unmap_frees_tables_when_they_become_empty),
	    T(test_pgt_unmap_of_split_block_frees_the_new_table),
	    T(test_pgt_map_block_over_pages_frees_their_table),
	    T(test_pgt_map_into_invalid_entries_needs_no_tlb_flush),
	    T(test_pgt_stage2_change_of_valid_entry_flushes_ipa_with_vmid),
	    T(test_pgt_stage1_change_of_valid_entry_flushes_el2_va),
	    T(test_pgt_map_of_identical_mapping_does_not_flush),
	    T(test_pgt_unmap_and_protect_of_holes_succeed_and_flush_nothing),
	    T(test_pgt_map_out_of_memory_keeps_mapped_part_and_no_empty_table),
	    T(test_pgt_unmap_needing_split_without_memory_is_enomem_and_keeps_block),
	    T(test_pgt_lookup_outside_input_range_is_false),
	    T(test_pgt_destroy_returns_every_page_and_flushes_vmid),
	    T(test_pgt_tcr_el2_and_vtcr_el2_values),
	    T(test_pgt_vttbr_is_root_with_vmid),
	    T(test_pgt_stage2_matches_page_model_random),
	    T(test_pgt_stage1_matches_page_model_random),
	    T(test_pgt_stage2_matches_2m_model_random_with_1g_blocks),
	    T(test_pgt_stage1_matches_2m_model_random_with_1g_blocks),
	};

	return cmocka_run_group_tests_name("pgtable", tests, NULL, NULL);
}

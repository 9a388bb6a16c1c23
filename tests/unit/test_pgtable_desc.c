// SPDX-License-Identifier: MIT
/* Tests of core/pgtable.c: descriptor encodings for EL2 stage 1 and stage 2 (every flag
 * combination, pages and blocks, read back by the walker), and the flags and ranges it refuses
 * without changing anything. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <core/err.h>
#include <core/lib.h>
#include <core/pgtable.h>
#include <hal-sim/sim_hal.h>

#include "pgtable_fixture.h"

/* --- descriptor encodings -------------------------------------------------------------------- */

struct desc_case {
	unsigned flags;
	uint64_t attrs; /* expected bits outside the OA, for a level-3 page */
};

static void check_descs(struct pgtfx *f, enum pgt_regime regime, const struct desc_case *cases,
			unsigned n)
{
	const uint64_t ia = 0x40000000, pa = 0x87654000;

	for (unsigned i = 0; i < n; i++) {
		struct pgt *pgt = pgtfx_make(f, regime, 40);
		unsigned level = 0;
		uint64_t d;

		/* A page... */
		assert_int_equal(pgt_map(pgt, ia, pa, P, cases[i].flags), HV_OK);
		d = pgtfx_walk_leaf(pgt, ia, &level);
		assert_int_equal(level, 3);
		assert_int_equal(d & D_OA, pa);
		assert_int_equal(d & ~D_OA, cases[i].attrs);
		/* ...and a 2 MiB block: same attributes, type 0b01. */
		assert_int_equal(pgt_map(pgt, ia + SZ_2M, 0x80000000, SZ_2M, cases[i].flags),
				 HV_OK);
		d = pgtfx_walk_leaf(pgt, ia + SZ_2M + 5 * P, &level);
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

static void test_pgt_stage2_normal_memory_is_forced_write_back_with_fwb(void **state)
{
	/* HCR_EL2.FWB: Normal memory is MemAttr 0b0110 (forced Write-Back), Device keeps 0b0001;
	 * the flags read back the same. */
	static const struct desc_case cases[] = {
	    {PGT_RWX, 0x00000000000007db},
	    {PGT_R, 0x004000000000075b},
	    {PGT_RW | PGT_DEVICE, 0x00400000000004c7},
	};
	struct pgtfx *f = *state;
	struct pgt s2;

	sim_hal.s2_forces_wb = true;
	check_descs(f, PGT_STAGE2, cases, ARRAY_SIZE(cases));
	assert_int_equal(pgt_init(&s2, PGT_STAGE2, 40, VMID, &f->alloc), HV_OK);
	for (unsigned flags = 0; flags <= ALL_FLAGS; flags++) {
		assert_int_equal(pgt_map(&s2, flags * SZ_2M, 0x10000000 + flags * P, P, flags),
				 HV_OK);
		pgtfx_check_mapped(&s2, flags * SZ_2M, 0x10000000 + flags * P, flags);
	}
	pgt_destroy(&s2);
}

static void test_pgt_lookup_returns_the_flags_that_were_mapped(void **state)
{
	struct pgtfx *f = *state;
	struct pgt *s1 = pgtfx_make(f, PGT_EL2_STAGE1, 39);
	struct pgt s2;

	assert_int_equal(pgt_init(&s2, PGT_STAGE2, 40, VMID, &f->alloc), HV_OK);
	for (unsigned flags = 0; flags <= ALL_FLAGS; flags++) {
		uint64_t ia = flags * SZ_2M, pa = 0x10000000 + flags * P;

		assert_int_equal(pgt_map(&s2, ia, pa, P, flags), HV_OK);
		pgtfx_check_mapped(&s2, ia, pa, flags);
		if (!(flags & PGT_R))
			continue;
		assert_int_equal(pgt_map(s1, ia, pa, P, flags), HV_OK);
		pgtfx_check_mapped(s1, ia, pa, flags);
	}
	pgt_destroy(&s2);
}

static void test_pgt_stage1_rejects_flags_without_read(void **state)
{
	struct pgtfx *f = *state;
	struct pgt *pgt = pgtfx_make(f, PGT_EL2_STAGE1, 39);

	assert_int_equal(pgt_map(pgt, 0, 0, P, PGT_W), HV_EINVAL);
	assert_int_equal(pgt_map(pgt, 0, 0, P, 0), HV_EINVAL);
	assert_int_equal(pgt_map(pgt, 0, 0, P, PGT_R), HV_OK);
	assert_int_equal(pgt_protect(pgt, 0, P, PGT_X), HV_EINVAL);
	pgtfx_check_mapped(pgt, 0, 0, PGT_R);
}

static void test_pgt_rejects_unknown_flags(void **state)
{
	struct pgtfx *f = *state;
	struct pgt *pgt = pgtfx_make(f, PGT_STAGE2, 40);

	assert_int_equal(pgt_map(pgt, 0, 0, P, PGT_RW | (1u << 4)), HV_EINVAL);
	assert_int_equal(pgt_map(pgt, 0, 0, P, 1u << 31), HV_EINVAL);
	assert_int_equal(pgt_protect(pgt, 0, P, PGT_R | (1u << 9)), HV_EINVAL);
	pgtfx_check_unmapped(pgt, 0);
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
	struct pgtfx *f = *state;
	struct pgt *pgt = pgtfx_make(f, PGT_STAGE2, 40);

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
	assert_int_equal(pgtfx_flushes(), 0);
	for (unsigned i = 0; i < 4; i++)
		pgtfx_check_mapped(pgt, i * P, 0x100000 + i * P, PGT_RW);
	pgtfx_check_tables(f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    PGTFX_TEST(test_pgt_stage1_descriptor_bits_follow_flags),
	    PGTFX_TEST(test_pgt_stage2_descriptor_bits_follow_flags),
	    PGTFX_TEST(test_pgt_stage2_normal_memory_is_forced_write_back_with_fwb),
	    PGTFX_TEST(test_pgt_lookup_returns_the_flags_that_were_mapped),
	    PGTFX_TEST(test_pgt_stage1_rejects_flags_without_read),
	    PGTFX_TEST(test_pgt_rejects_unknown_flags),
	    PGTFX_TEST(test_pgt_rejects_bad_ranges_without_changing_anything),
	};

	return cmocka_run_group_tests_name("pgtable_desc", tests, NULL, NULL);
}

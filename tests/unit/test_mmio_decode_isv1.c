// SPDX-License-Identifier: MIT
/* Tests of core/mmio_decode.c with ISV=1: the access comes from the syndrome alone, whatever
 * the instruction word; SSE only widens narrower loads; a doubleword into a W register is
 * rejected; a failed decode leaves the access untouched and a good one keeps its ipa; the
 * short path's direct reads of the syndrome (mmio_iss_*()) give the same answers. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include <core/err.h>
#include <core/lib.h>
#include <core/mmio.h>

#include "mmio_decode_fixture.h"

#define ISS_SAS(s) ((uint64_t)(s) << ESR_ISS_DABT_SAS_SHIFT)
#define ISS_SRT(r) ((uint64_t)(r) << ESR_ISS_DABT_SRT_SHIFT)

/* --- ISV=1 ------------------------------------------------------------------------------ */

struct iss_case {
	uint64_t iss;
	const char *text; /* an instruction that produces this syndrome */
	unsigned flags;
	uint8_t size, rt;
};

static void test_mmio_decode_isv1_uses_the_syndrome_only(void **state)
{
	static const struct iss_case cases[] = {
	    {ISS_SAS(2) | ISS_SRT(1), "ldr w1", 0, 4, 1},
	    {ISS_SAS(3) | ISS_SRT(30) | ESR_ISS_DABT_SF | ESR_ISS_DABT_WNR, "str x30", ST | X64, 8,
	     30},
	    {ISS_SAS(0) | ISS_SRT(3) | ESR_ISS_DABT_SSE | ESR_ISS_DABT_SF, "ldrsb x3", SX | X64, 1,
	     3},
	    {ISS_SAS(1) | ISS_SRT(4) | ESR_ISS_DABT_SSE, "ldrsh w4", SX, 2, 4},
	    {ISS_SAS(2) | ISS_SRT(5) | ESR_ISS_DABT_SSE | ESR_ISS_DABT_SF, "ldrsw x5", SX | X64, 4,
	     5},
	    {ISS_SAS(0) | ISS_SRT(31) | ESR_ISS_DABT_WNR, "strb wzr", ST, 1, 31},
	    {ISS_SAS(1) | ISS_SRT(0), "ldrh w0", 0, 2, 0},
	    {ISS_SAS(3) | ISS_SRT(2) | ESR_ISS_DABT_SF | ESR_ISS_DABT_AR, "ldar x2", AR | X64, 8,
	     2},
	    {ISS_SAS(1) | ISS_SRT(7) | ESR_ISS_DABT_AR | ESR_ISS_DABT_WNR, "stlrh w7", AR | ST, 2,
	     7},
	    /* Fault status, S1PTW, CM and friends are not the decoder's business. */
	    {ISS_SAS(2) | ISS_SRT(9) | 0x3f | (1u << 7) | (1u << 8) | (1u << 9), "ldr w9", 0, 4, 9},
	};

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		const struct iss_case *c = &cases[i];
		struct dec_case d = {0, c->text, c->flags, c->size, c->rt, ZR, ZR, 0};
		struct mmio_access got = {0}, want = mmiofx_expected(&d);

		assert_int_equal(mmio_decode(ISV1(c->iss), 0, &got), HV_OK);
		mmiofx_expect_access(&got, &want, (uint32_t)c->iss, c->text);
	}
}

static void test_mmio_decode_isv1_ignores_the_instruction_word(void **state)
{
	/* A syndrome for ldrh w0 next to words that would decode otherwise, or not at all. */
	const uint32_t words[] = {0, 0xffffffff, 0xa9bf7bfd /* stp */, 0xbd400020 /* ldr s0 */,
				  0xf8408421 /* unpredictable */};
	struct mmio_access ref = {0}, got;

	assert_int_equal(mmio_decode(ISV1(ISS_SAS(1)), 0xb9400041, &ref), HV_OK);
	for (size_t i = 0; i < ARRAY_SIZE(words); i++) {
		got = (struct mmio_access){0};
		assert_int_equal(mmio_decode(ISV1(ISS_SAS(1)), words[i], &got), HV_OK);
		assert_memory_equal(&got, &ref, sizeof(got));
	}
}

static void test_mmio_decode_isv1_sign_extends_only_narrower_loads(void **state)
{
	static const struct iss_case cases[] = {
	    /* SSE on a store, on a doubleword and on a word into Wt changes nothing. */
	    {ISS_SAS(1) | ESR_ISS_DABT_SSE | ESR_ISS_DABT_WNR, "strh w0", ST, 2, 0},
	    {ISS_SAS(3) | ESR_ISS_DABT_SSE | ESR_ISS_DABT_SF, "ldr x0", X64, 8, 0},
	    {ISS_SAS(2) | ESR_ISS_DABT_SSE, "ldr w0", 0, 4, 0},
	    {ISS_SAS(2) | ESR_ISS_DABT_SSE | ESR_ISS_DABT_SF, "ldrsw x0", SX | X64, 4, 0},
	};

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		const struct iss_case *c = &cases[i];
		struct dec_case d = {0, c->text, c->flags, c->size, c->rt, ZR, ZR, 0};
		struct mmio_access got = {0}, want = mmiofx_expected(&d);

		assert_int_equal(mmio_decode(ISV1(c->iss), 0, &got), HV_OK);
		mmiofx_expect_access(&got, &want, (uint32_t)c->iss, c->text);
	}
}

static void test_mmio_decode_isv1_rejects_doubleword_into_w_register(void **state)
{
	struct mmio_access a = {0};

	assert_int_equal(mmio_decode(ISV1(ISS_SAS(3)), 0, &a), HV_EINVAL);
	assert_int_equal(mmio_decode(ISV1(ISS_SAS(3) | ESR_ISS_DABT_WNR), 0, &a), HV_EINVAL);
}

static void test_mmio_decode_keeps_ipa_and_leaves_access_untouched_on_error(void **state)
{
	struct mmio_access a, before;

	memset(&a, 0xa5, sizeof(a));
	before = a;
	assert_int_equal(mmio_decode(DABT_LOW_ESR, 0xb8210062 /* ldadd */, &a), HV_ENOTSUP);
	assert_memory_equal(&a, &before, sizeof(a));
	assert_int_equal(mmio_decode(DABT_LOW_ESR, 0xf8408421 /* ldr x1, [x1], #8 */, &a),
			 HV_EINVAL);
	assert_memory_equal(&a, &before, sizeof(a));
	assert_int_equal(mmio_decode(ISV1(ISS_SAS(3)), 0, &a), HV_EINVAL);
	assert_memory_equal(&a, &before, sizeof(a));

	a.ipa = 0x0a000050;
	assert_int_equal(mmio_decode(DABT_LOW_ESR, 0xa9bf7bfd /* stp */, &a), HV_OK);
	assert_int_equal(a.ipa, 0x0a000050);
	assert_int_equal(a.count, 2);
	a.ipa = 0x09000018;
	assert_int_equal(mmio_decode(ISV1(ISS_SAS(2)), 0, &a), HV_OK);
	assert_int_equal(a.ipa, 0x09000018);
	assert_int_equal(a.count, 1);
	assert_false(a.writeback);
}

/* The short path of core/trap_abort.c reads the syndrome with mmio_iss_*() instead of
 * mmio_decode(): for every syndrome and every value both give the same access and the same
 * register contents, and refuse the same syndromes. */
static void test_mmio_decode_isv1_short_path_reads_agree_with_the_decoder(void **state)
{
	static const uint64_t values[] = {0,
					  0x7f,
					  0x80,
					  0x7fff,
					  0x8000,
					  0x7fffffff,
					  0x80000000,
					  0x0123456789abcdefULL,
					  0xfedcba9876543210ULL,
					  ~0ULL};

	for (uint64_t bits = 0; bits < 64; bits++) {
		uint64_t iss = ISS_SAS(bits & 3) | ISS_SRT(bits & 4 ? 31 : 5) |
			       (bits & 8 ? ESR_ISS_DABT_SF : 0) |
			       (bits & 16 ? ESR_ISS_DABT_SSE : 0) |
			       (bits & 32 ? ESR_ISS_DABT_WNR : 0);
		uint64_t esr = ISV1(iss);
		struct mmio_access a = {0};
		int ret = mmio_decode(esr, 0, &a);

		assert_int_equal(ret == HV_OK, mmio_iss_valid(esr));
		if (ret != HV_OK)
			continue;
		assert_int_equal(a.size, mmio_iss_size(esr));
		assert_int_equal(a.rt, mmio_iss_rt(esr));
		for (size_t i = 0; i < ARRAY_SIZE(values); i++) {
			struct mmio_regs regs = {0};
			uint64_t val[2] = {values[i], 0}, stored[2];

			regs.x[5] = values[i];
			if (a.write) {
				mmio_store_values(&a, &regs, stored);
				assert_int_equal(stored[0],
						 a.rt == 31 ? 0 : mmio_iss_elem(esr, values[i]));
				continue;
			}
			mmio_complete(&a, &regs, val);
			if (a.rt != 31)
				assert_int_equal(regs.x[5], mmio_iss_load(esr, values[i]));
		}
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_mmio_decode_isv1_uses_the_syndrome_only),
	    cmocka_unit_test(test_mmio_decode_isv1_ignores_the_instruction_word),
	    cmocka_unit_test(test_mmio_decode_isv1_sign_extends_only_narrower_loads),
	    cmocka_unit_test(test_mmio_decode_isv1_rejects_doubleword_into_w_register),
	    cmocka_unit_test(test_mmio_decode_keeps_ipa_and_leaves_access_untouched_on_error),
	    cmocka_unit_test(test_mmio_decode_isv1_short_path_reads_agree_with_the_decoder),
	};

	return cmocka_run_group_tests_name("mmio_decode_isv1", tests, NULL, NULL);
}

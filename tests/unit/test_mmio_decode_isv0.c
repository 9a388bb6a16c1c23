// SPDX-License-Identifier: MIT
/* Tests of core/mmio_decode.c and core/mmio_insn.c with ISV=0, where the decoder reads the
 * instruction word: one table per family of load/store forms, in real encodings (assembled with
 * aarch64-linux-gnu-as, text as aarch64-linux-gnu-objdump -d prints it), then the forms it
 * refuses (ENOTSUP) and the unpredictable or unallocated ones it rejects (EINVAL). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <core/err.h>
#include <core/lib.h>
#include <core/mmio.h>

#include "mmio_decode_fixture.h"

static void run_cases(const struct dec_case *cases, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		struct mmio_access got = {0}, want = mmiofx_expected(&cases[i]);
		int ret = mmio_decode(DABT_LOW_ESR, cases[i].insn, &got);

		if (ret != HV_OK)
			fail_msg("%08x (%s): %s", cases[i].insn, cases[i].text, hv_strerror(ret));
		mmiofx_expect_access(&got, &want, cases[i].insn, cases[i].text);
	}
}

/* --- ISV=0: one table per family of forms ------------------------------------------------- */

static void test_mmio_decode_unsigned_offset_loads_and_stores(void **state)
{
	static const struct dec_case cases[] = {
	    {0xb9400041, "ldr w1, [x2]", 0, 4, 1, ZR, 2, 0},
	    {0xf9400441, "ldr x1, [x2, #8]", X64, 8, 1, ZR, 2, 0},
	    {0xf97fffe3, "ldr x3, [sp, #32760]", X64, 8, 3, ZR, 31, 0},
	    {0xf940001e, "ldr x30, [x0]", X64, 8, 30, ZR, 0, 0},
	    {0x397ffc20, "ldrb w0, [x1, #4095]", 0, 1, 0, ZR, 1, 0},
	    {0x3900003f, "strb wzr, [x1]", ST, 1, 31, ZR, 1, 0},
	    {0x79400462, "ldrh w2, [x3, #2]", 0, 2, 2, ZR, 3, 0},
	    {0x793ffc62, "strh w2, [x3, #8190]", ST, 2, 2, ZR, 3, 0},
	    {0xb93fffbe, "str w30, [x29, #16380]", ST, 4, 30, ZR, 29, 0},
	    {0xf90003ff, "str xzr, [sp]", ST | X64, 8, 31, ZR, 31, 0},
	};

	run_cases(cases, ARRAY_SIZE(cases));
}

static void test_mmio_decode_pre_and_post_index_write_back_the_base(void **state)
{
	static const struct dec_case cases[] = {
	    {0xb8004483, "str w3, [x4], #4", ST | WB, 4, 3, ZR, 4, 4},
	    {0xf8100cc5, "str x5, [x6, #-256]!", ST | X64 | WB, 8, 5, ZR, 6, -256},
	    {0xf84ff420, "ldr x0, [x1], #255", X64 | WB, 8, 0, ZR, 1, 255},
	    {0xb85f8fe0, "ldr w0, [sp, #-8]!", WB, 4, 0, ZR, 31, -8},
	    {0x38401441, "ldrb w1, [x2], #1", WB, 1, 1, ZR, 2, 1},
	    {0x78002c41, "strh w1, [x2, #2]!", ST | WB, 2, 1, ZR, 2, 2},
	    {0xb89fc4e6, "ldrsw x6, [x7], #-4", SX | X64 | WB, 4, 6, ZR, 7, -4},
	    {0x38dffc83, "ldrsb w3, [x4, #-1]!", SX | WB, 1, 3, ZR, 4, -1},
	    {0x78900483, "ldrsh x3, [x4], #-256", SX | X64 | WB, 2, 3, ZR, 4, -256},
	    {0xf800841f, "str xzr, [x0], #8", ST | X64 | WB, 8, 31, ZR, 0, 8},
	    {0xf80107e1, "str x1, [sp], #16", ST | X64 | WB, 8, 1, ZR, 31, 16},
	    {0xf840841f, "ldr xzr, [x0], #8", X64 | WB, 8, 31, ZR, 0, 8},
	};

	run_cases(cases, ARRAY_SIZE(cases));
}

static void test_mmio_decode_register_offset_any_extend_and_shift(void **state)
{
	static const struct dec_case cases[] = {
	    {0xf8626820, "ldr x0, [x1, x2]", X64, 8, 0, ZR, 1, 0},
	    {0xf8627820, "ldr x0, [x1, x2, lsl #3]", X64, 8, 0, ZR, 1, 0},
	    {0xb8624820, "ldr w0, [x1, w2, uxtw]", 0, 4, 0, ZR, 1, 0},
	    {0xb862d820, "ldr w0, [x1, w2, sxtw #2]", 0, 4, 0, ZR, 1, 0},
	    {0x38627820, "ldrb w0, [x1, x2, lsl #0]", 0, 1, 0, ZR, 1, 0},
	    {0x38626820, "ldrb w0, [x1, x2]", 0, 1, 0, ZR, 1, 0},
	    {0x7862f820, "ldrh w0, [x1, x2, sxtx #1]", 0, 2, 0, ZR, 1, 0},
	    {0xf82a5be9, "str x9, [sp, w10, uxtw #3]", ST | X64, 8, 9, ZR, 31, 0},
	    {0x3823c841, "strb w1, [x2, w3, sxtw]", ST, 1, 1, ZR, 2, 0},
	    {0xb8a37841, "ldrsw x1, [x2, x3, lsl #2]", SX | X64, 4, 1, ZR, 2, 0},
	    {0x78ff6841, "ldrsh w1, [x2, xzr]", SX, 2, 1, ZR, 2, 0},
	    /* No writeback, so the base may also be the destination. */
	    {0xf8616821, "ldr x1, [x1, x1]", X64, 8, 1, ZR, 1, 0},
	};

	run_cases(cases, ARRAY_SIZE(cases));
}

static void test_mmio_decode_unscaled_and_unprivileged_forms(void **state)
{
	static const struct dec_case cases[] = {
	    {0xb85ff041, "ldur w1, [x2, #-1]", 0, 4, 1, ZR, 2, 0},
	    {0xf80ff041, "stur x1, [x2, #255]", ST | X64, 8, 1, ZR, 2, 0},
	    {0x38900041, "ldursb x1, [x2, #-256]", SX | X64, 1, 1, ZR, 2, 0},
	    {0x78c01041, "ldursh w1, [x2, #1]", SX, 2, 1, ZR, 2, 0},
	    {0xb88033e1, "ldursw x1, [sp, #3]", SX | X64, 4, 1, ZR, 31, 0},
	    {0x38000041, "sturb w1, [x2]", ST, 1, 1, ZR, 2, 0},
	    {0x781fe041, "sturh w1, [x2, #-2]", ST, 2, 1, ZR, 2, 0},
	    {0x38407041, "ldurb w1, [x2, #7]", 0, 1, 1, ZR, 2, 0},
	    {0xb8404841, "ldtr w1, [x2, #4]", 0, 4, 1, ZR, 2, 0},
	    {0x38000841, "sttrb w1, [x2]", ST, 1, 1, ZR, 2, 0},
	    {0xb89fc841, "ldtrsw x1, [x2, #-4]", SX | X64, 4, 1, ZR, 2, 0},
	    {0x38c00841, "ldtrsb w1, [x2]", SX, 1, 1, ZR, 2, 0},
	    {0x78400841, "ldtrh w1, [x2]", 0, 2, 1, ZR, 2, 0},
	    {0xf80ffbe1, "sttr x1, [sp, #255]", ST | X64, 8, 1, ZR, 31, 0},
	};

	run_cases(cases, ARRAY_SIZE(cases));
}

static void test_mmio_decode_sign_extending_loads_to_w_and_x(void **state)
{
	static const struct dec_case cases[] = {
	    {0x39c000a4, "ldrsb w4, [x5]", SX, 1, 4, ZR, 5, 0},
	    {0x398004a4, "ldrsb x4, [x5, #1]", SX | X64, 1, 4, ZR, 5, 0},
	    {0x79c004a4, "ldrsh w4, [x5, #2]", SX, 2, 4, ZR, 5, 0},
	    {0x798008a4, "ldrsh x4, [x5, #4]", SX | X64, 2, 4, ZR, 5, 0},
	    {0xb9bffce6, "ldrsw x6, [x7, #16380]", SX | X64, 4, 6, ZR, 7, 0},
	};

	run_cases(cases, ARRAY_SIZE(cases));
}

static void test_mmio_decode_pairs_give_two_elements_and_scaled_writeback(void **state)
{
	static const struct dec_case cases[] = {
	    {0x29400861, "ldp w1, w2, [x3]", PAIR, 4, 1, 2, 3, 0},
	    {0xa9600861, "ldp x1, x2, [x3, #-512]", PAIR | X64, 8, 1, 2, 3, 0},
	    {0xa9bf7bfd, "stp x29, x30, [sp, #-16]!", PAIR | ST | X64 | WB, 8, 29, 30, 31, -16},
	    {0xa8c17bfd, "ldp x29, x30, [sp], #16", PAIR | X64 | WB, 8, 29, 30, 31, 16},
	    {0x695f8861, "ldpsw x1, x2, [x3, #252]", PAIR | SX | X64, 4, 1, 2, 3, 0},
	    {0x68e00861, "ldpsw x1, x2, [x3], #-256", PAIR | SX | X64 | WB, 4, 1, 2, 3, -256},
	    {0x69ff0be1, "ldpsw x1, x2, [sp, #-8]!", PAIR | SX | X64 | WB, 4, 1, 2, 31, -8},
	    {0x29017c1f, "stp wzr, wzr, [x0, #8]", PAIR | ST, 4, 31, 31, 0, 0},
	    {0xa8410861, "ldnp x1, x2, [x3, #16]", PAIR | X64, 8, 1, 2, 3, 0},
	    {0x283f8861, "stnp w1, w2, [x3, #-4]", PAIR | ST, 4, 1, 2, 3, 0},
	    {0x29e00861, "ldp w1, w2, [x3, #-256]!", PAIR | WB, 4, 1, 2, 3, -256},
	    {0xa89f8440, "stp x0, x1, [x2], #504", PAIR | ST | X64 | WB, 8, 0, 1, 2, 504},
	    {0x29000020, "stp w0, w0, [x1]", PAIR | ST, 4, 0, 0, 1, 0},
	    {0xa9400821, "ldp x1, x2, [x1]", PAIR | X64, 8, 1, 2, 1, 0},
	    {0xa9a007e0, "stp x0, x1, [sp, #-512]!", PAIR | ST | X64 | WB, 8, 0, 1, 31, -512},
	};

	run_cases(cases, ARRAY_SIZE(cases));
}

static void test_mmio_decode_acquire_release_forms_set_acq_rel(void **state)
{
	static const struct dec_case cases[] = {
	    {0x88dffc41, "ldar w1, [x2]", AR, 4, 1, ZR, 2, 0},
	    {0xc8dfffe1, "ldar x1, [sp]", AR | X64, 8, 1, ZR, 31, 0},
	    {0xc89ffc41, "stlr x1, [x2]", AR | ST | X64, 8, 1, ZR, 2, 0},
	    {0x08dffc41, "ldarb w1, [x2]", AR, 1, 1, ZR, 2, 0},
	    {0x48dfffbe, "ldarh w30, [x29]", AR, 2, 30, ZR, 29, 0},
	    {0x489ffc41, "stlrh w1, [x2]", AR | ST, 2, 1, ZR, 2, 0},
	    {0x089ffc1f, "stlrb wzr, [x0]", AR | ST, 1, 31, ZR, 0, 0},
	    {0xb8bfc041, "ldapr w1, [x2]", AR, 4, 1, ZR, 2, 0},
	    {0xf8bfc041, "ldapr x1, [x2]", AR | X64, 8, 1, ZR, 2, 0},
	    {0x38bfc041, "ldaprb w1, [x2]", AR, 1, 1, ZR, 2, 0},
	    {0x78bfc041, "ldaprh w1, [x2]", AR, 2, 1, ZR, 2, 0},
	    {0xc8df7c41, "ldlar x1, [x2]", AR | X64, 8, 1, ZR, 2, 0},
	    {0x889f7c41, "stllr w1, [x2]", AR | ST, 4, 1, ZR, 2, 0},
	    {0x995fc041, "ldapur w1, [x2, #-4]", AR, 4, 1, ZR, 2, 0},
	    {0xd90ff041, "stlur x1, [x2, #255]", AR | ST | X64, 8, 1, ZR, 2, 0},
	    {0x19800041, "ldapursb x1, [x2]", AR | SX | X64, 1, 1, ZR, 2, 0},
	    {0x59c00041, "ldapursh w1, [x2]", AR | SX, 2, 1, ZR, 2, 0},
	    {0x99800041, "ldapursw x1, [x2]", AR | SX | X64, 4, 1, ZR, 2, 0},
	    {0x190003ff, "stlurb wzr, [sp]", AR | ST, 1, 31, ZR, 31, 0},
	    {0x59400041, "ldapurh w1, [x2]", AR, 2, 1, ZR, 2, 0},
	};

	run_cases(cases, ARRAY_SIZE(cases));
}

struct bad_case {
	uint32_t insn;
	const char *text;
};

static void run_refused(const struct bad_case *cases, size_t n, int err)
{
	for (size_t i = 0; i < n; i++) {
		int ret = mmio_decode(DABT_LOW_ESR, cases[i].insn, &(struct mmio_access){0});

		if (ret != err)
			fail_msg("%08x (%s): got %s, want %s", cases[i].insn, cases[i].text,
				 hv_strerror(ret), hv_strerror(err));
	}
}

static void test_mmio_decode_refuses_non_emulable_instructions_with_enotsup(void **state)
{
	static const struct bad_case cases[] = {
	    /* Exclusives need the exclusive monitor; atomics a read-modify-write. */
	    {0x885f7c41, "ldxr w1, [x2]"},
	    {0x88037c41, "stxr w3, w1, [x2]"},
	    {0xc85ffc41, "ldaxr x1, [x2]"},
	    {0xc800fc41, "stlxr w0, x1, [x2]"},
	    {0xc87f0861, "ldxp x1, x2, [x3]"},
	    {0xb8210062, "ldadd w1, w2, [x3]"},
	    {0xb821005f, "stadd w1, [x2]"},
	    {0xf8218062, "swp x1, x2, [x3]"},
	    {0x88a17c62, "cas w1, w2, [x3]"},
	    {0x48207c82, "casp x0, x1, x2, x3, [x4]"},
	    {0xf83fd020, "ld64b x0, [x1]"},
	    {0xf83f9020, "st64b x0, [x1]"},
	    /* Prefetches never fault. */
	    {0xf9800020, "prfm pldl1keep, [x1]"},
	    {0xf8a26820, "prfm pldl1keep, [x1, x2]"},
	    {0xf8801020, "prfum pldl1keep, [x1, #1]"},
	    /* SIMD&FP registers. */
	    {0xbd400020, "ldr s0, [x1]"},
	    {0x3d800420, "str q0, [x1, #16]"},
	    {0x6d400420, "ldp d0, d1, [x1]"},
	    {0x3c401400, "ldr b0, [x0], #1"},
	    {0xfc5f8000, "ldur d0, [x0, #-8]"},
	    {0x4c407020, "ld1 {v0.16b}, [x1]"},
	    /* PC-relative, tags, pointer authentication, not a load/store at all. */
	    {0x58000001, "ldr x1, <literal>"},
	    {0x98000001, "ldrsw x1, <literal>"},
	    {0x69000861, "stgp x1, x2, [x3]"},
	    {0xd9200841, "stg x1, [x2]"},
	    {0xd9600041, "ldg x1, [x2]"},
	    {0xf8200441, "ldraa x1, [x2]"},
	    {0xd503201f, "nop"},
	    {0x8b020020, "add x0, x1, x2"},
	    {0xd50b7e20, "dc civac, x0"},
	};

	run_refused(cases, ARRAY_SIZE(cases), HV_ENOTSUP);
}

static void test_mmio_decode_rejects_unpredictable_and_unallocated_with_einval(void **state)
{
	static const struct bad_case cases[] = {
	    /* Writeback into a transferred register (gas: "unpredictable transfer with
	     * writeback"), both halves of a load pair into one register. */
	    {0xf8408421, "ldr x1, [x1], #8"},
	    {0xf8008c21, "str x1, [x1, #8]!"},
	    {0x38401c42, "ldrb w2, [x2, #1]!"},
	    {0xa8c10821, "ldp x1, x2, [x1], #16"},
	    {0xa9bf0841, "stp x1, x2, [x2, #-16]!"},
	    {0xa9400441, "ldp x1, x1, [x2]"},
	    {0x69400c03, "ldpsw x3, x3, [x0]"},
	    {0xa8400c03, "ldnp x3, x3, [x0]"},
	    {0x29407c1f, "ldp wzr, wzr, [x0]"},
	    /* (1) fields that are not all ones: Rs, Rt2 of LDAR; Rs of LDAPR. */
	    {0x88c1fc41, "ldar w1, [x2] with Rs=1"},
	    {0x88df8041, "ldar w1, [x2] with Rt2=0"},
	    {0x889f0041, "stllr w1, [x2] with Rt2=0"},
	    {0xb8a1c041, "ldapr w1, [x2] with Rs=1"},
	    /* Unallocated (objdump: undefined). */
	    {0xe9400861, "ldp opc=11"},
	    {0xe8c00861, "ldp opc=11 post-index"},
	    {0x68400861, "ldnpsw"},
	    {0x68000861, "stnp opc=01"},
	    {0xb8620820, "ldr w0, [x1, w2, uxtb]"},
	    {0xb8628820, "ldr w0, [x1, w2, sxtb]"},
	    {0xf9c00020, "ldr size=11 opc=11"},
	    {0xb9c00020, "ldrsw to w"},
	    {0xf8800c20, "prfm pre-index"},
	    {0xf8800420, "prfm post-index"},
	    {0xf8800841, "prfm unprivileged"},
	    {0xb8c00841, "ldtrsw to w"},
	    {0xd9800041, "ldapur size=11 opc=10"},
	    {0x99c00041, "ldapursw to w"},
	};

	run_refused(cases, ARRAY_SIZE(cases), HV_EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_mmio_decode_unsigned_offset_loads_and_stores),
	    cmocka_unit_test(test_mmio_decode_pre_and_post_index_write_back_the_base),
	    cmocka_unit_test(test_mmio_decode_register_offset_any_extend_and_shift),
	    cmocka_unit_test(test_mmio_decode_unscaled_and_unprivileged_forms),
	    cmocka_unit_test(test_mmio_decode_sign_extending_loads_to_w_and_x),
	    cmocka_unit_test(test_mmio_decode_pairs_give_two_elements_and_scaled_writeback),
	    cmocka_unit_test(test_mmio_decode_acquire_release_forms_set_acq_rel),
	    cmocka_unit_test(test_mmio_decode_refuses_non_emulable_instructions_with_enotsup),
	    cmocka_unit_test(test_mmio_decode_rejects_unpredictable_and_unallocated_with_einval),
	};

	return cmocka_run_group_tests_name("mmio_decode_isv0", tests, NULL, NULL);
}

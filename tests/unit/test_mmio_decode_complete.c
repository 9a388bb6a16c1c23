// SPDX-License-Identifier: MIT
/* Tests of core/mmio_decode.c's mmio_complete() and mmio_store_values() on decoded accesses:
 * loads extended or truncated to the register width, XZR and SP, base writeback, and store
 * values truncated to the access size. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <core/err.h>
#include <core/mmio.h>

#include "mmio_decode_fixture.h"

/* --- mmio_complete and mmio_store_values ---------------------------------------------------- */

static struct mmio_access decode_ok(uint32_t insn)
{
	struct mmio_access a = {0};

	assert_int_equal(mmio_decode(DABT_LOW_ESR, insn, &a), HV_OK);
	return a;
}

/* Recognisable registers: x<n> holds n in each 16-bit lane below a marker byte. */
static void fill_regs(struct mmio_regs *r)
{
	for (unsigned i = 0; i < 31; i++)
		r->x[i] = 0xee00000000000000ULL | (0x0001000100010001ULL * i);
	r->sp = 0x0000fffff0001000ULL;
}

static uint64_t load_into(uint32_t insn, uint64_t v, unsigned rt)
{
	struct mmio_access a = decode_ok(insn);
	const uint64_t val[2] = {v, 0};
	struct mmio_regs r;

	fill_regs(&r);
	mmio_complete(&a, &r, val);
	return r.x[rt];
}

static void test_mmio_complete_extends_loads_to_the_register_width(void **state)
{
	/* Sign-extending to Wt leaves the upper half zero, as any write to Wt does. */
	assert_int_equal(load_into(0x39c000a4 /* ldrsb w4, [x5] */, 0x80, 4), 0xffffff80);
	assert_int_equal(load_into(0x398004a4 /* ldrsb x4, [x5, #1] */, 0x80, 4),
			 0xffffffffffffff80ULL);
	assert_int_equal(load_into(0x39c000a4 /* ldrsb w4, [x5] */, 0x7f, 4), 0x7f);
	assert_int_equal(load_into(0x79c004a4 /* ldrsh w4, [x5, #2] */, 0x8001, 4), 0xffff8001);
	assert_int_equal(load_into(0x798008a4 /* ldrsh x4, [x5, #4] */, 0x8001, 4),
			 0xffffffffffff8001ULL);
	assert_int_equal(load_into(0xb9bffce6 /* ldrsw x6, [x7, #16380] */, 0x80000000, 6),
			 0xffffffff80000000ULL);
	/* Bits a device returns above the access size never reach the register. */
	assert_int_equal(load_into(0x79400462 /* ldrh w2, [x3, #2] */, 0xffff8001, 2), 0x8001);
	assert_int_equal(load_into(0x397ffc20 /* ldrb w0, [x1, #4095] */, 0x1ff, 0), 0xff);
	assert_int_equal(load_into(0xb9400041 /* ldr w1, [x2] */, 0xdeadbeefcafef00dULL, 1),
			 0xcafef00d);
	assert_int_equal(load_into(0xf9400441 /* ldr x1, [x2, #8] */, 0xdeadbeefcafef00dULL, 1),
			 0xdeadbeefcafef00dULL);
	assert_int_equal(load_into(0x38900041 /* ldursb x1, [x2, #-256] */, 0x17f, 1), 0x7f);
}

static void test_mmio_complete_drops_xzr_writes_and_updates_sp(void **state)
{
	struct mmio_regs r, want;
	struct mmio_access a;
	const uint64_t val[2] = {0x1234, 0x5678};

	/* ldr xzr, [x0], #8: the value goes nowhere, the base still moves. */
	a = decode_ok(0xf840841f);
	fill_regs(&r);
	want = r;
	want.x[0] += 8;
	mmio_complete(&a, &r, val);
	assert_memory_equal(&r, &want, sizeof(r));

	/* ldp x29, x30, [sp], #16 */
	a = decode_ok(0xa8c17bfd);
	fill_regs(&r);
	want = r;
	want.x[29] = 0x1234;
	want.x[30] = 0x5678;
	want.sp += 16;
	mmio_complete(&a, &r, val);
	assert_memory_equal(&r, &want, sizeof(r));

	/* ldpsw x1, x2, [sp, #-8]! with negative elements */
	a = decode_ok(0x69ff0be1);
	fill_regs(&r);
	want = r;
	want.x[1] = 0xfffffffffffffffeULL;
	want.x[2] = 0x7fffffff;
	want.sp -= 8;
	mmio_complete(&a, &r, (const uint64_t[2]){0xfffffffe, 0x7fffffff});
	assert_memory_equal(&r, &want, sizeof(r));
}

static void test_mmio_complete_writeback_wraps_like_the_hardware(void **state)
{
	struct mmio_access a = decode_ok(0xf8100cc5); /* str x5, [x6, #-256]! */
	struct mmio_regs r;

	fill_regs(&r);
	r.x[6] = 0x10;
	mmio_complete(&a, &r, (const uint64_t[2]){0, 0});
	assert_int_equal(r.x[6], 0xffffffffffffff10ULL);

	a = decode_ok(0xf84ff420); /* ldr x0, [x1], #255 */
	r.x[1] = UINT64_MAX;
	mmio_complete(&a, &r, (const uint64_t[2]){7, 0});
	assert_int_equal(r.x[1], 254);
	assert_int_equal(r.x[0], 7);
}

static void test_mmio_complete_store_changes_only_the_base(void **state)
{
	struct mmio_access a = decode_ok(0xa9bf7bfd); /* stp x29, x30, [sp, #-16]! */
	struct mmio_regs r, want;

	fill_regs(&r);
	want = r;
	want.sp -= 16;
	mmio_complete(&a, &r, (const uint64_t[2]){0xdead, 0xbeef});
	assert_memory_equal(&r, &want, sizeof(r));

	a = decode_ok(0x3900003f); /* strb wzr, [x1] */
	want = r;
	mmio_complete(&a, &r, (const uint64_t[2]){0xdead, 0xbeef});
	assert_memory_equal(&r, &want, sizeof(r));
}

static void store_of(uint32_t insn, const struct mmio_regs *r, uint64_t val[2])
{
	struct mmio_access a = decode_ok(insn);

	val[0] = val[1] = 0xbad;
	mmio_store_values(&a, r, val);
}

static void test_mmio_store_values_truncate_to_size_and_read_xzr_as_zero(void **state)
{
	struct mmio_regs r;
	uint64_t val[2];

	fill_regs(&r);
	r.x[1] = 0x1234;
	r.x[2] = 0xffffffff00000001ULL;
	store_of(0x38000841, &r, val); /* sttrb w1, [x2] */
	assert_int_equal(val[0], 0x34);
	assert_int_equal(val[1], 0);
	store_of(0x781fe041, &r, val); /* sturh w1, [x2, #-2] */
	assert_int_equal(val[0], 0x1234);
	store_of(0x283f8861, &r, val); /* stnp w1, w2, [x3, #-4] */
	assert_int_equal(val[0], 0x1234);
	assert_int_equal(val[1], 1);
	store_of(0x29017c1f, &r, val); /* stp wzr, wzr, [x0, #8] */
	assert_int_equal(val[0], 0);
	assert_int_equal(val[1], 0);
	store_of(0xf90003ff, &r, val); /* str xzr, [sp] */
	assert_int_equal(val[0], 0);
	store_of(0xf80107e1, &r, val); /* str x1, [sp], #16 */
	assert_int_equal(val[0], 0x1234);
	r.x[1] = 0x8877665544332211ULL;
	store_of(0xa89f8440, &r, val); /* stp x0, x1, [x2], #504 */
	assert_int_equal(val[0], r.x[0]);
	assert_int_equal(val[1], 0x8877665544332211ULL);
	store_of(0xb8004483, &r, val); /* str w3, [x4], #4 */
	assert_int_equal(val[0], 0x00030003);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_mmio_complete_extends_loads_to_the_register_width),
	    cmocka_unit_test(test_mmio_complete_drops_xzr_writes_and_updates_sp),
	    cmocka_unit_test(test_mmio_complete_writeback_wraps_like_the_hardware),
	    cmocka_unit_test(test_mmio_complete_store_changes_only_the_base),
	    cmocka_unit_test(test_mmio_store_values_truncate_to_size_and_read_xzr_as_zero),
	};

	return cmocka_run_group_tests_name("mmio_decode_complete", tests, NULL, NULL);
}

// SPDX-License-Identifier: MIT
/* Tests of core/args.c: words and key=value numbers of the hypervisor's command line. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <core/args.h>
#include <core/err.h>

static void test_args_has_finds_word_at_start_middle_and_end(void **state)
{
	const char *args = "hv.exit=semihosting quiet hv.debug";

	assert_true(args_has(args, "hv.exit=semihosting"));
	assert_true(args_has(args, "quiet"));
	assert_true(args_has(args, "hv.debug"));
}

static void test_args_has_matches_whole_words_only(void **state)
{
	const char *args = "xquiet quietx hv.exit=semihosting";

	assert_false(args_has(args, "quiet"));
	/* A key is not the word key=value. */
	assert_false(args_has(args, "hv.exit"));
	assert_false(args_has(args, "semihosting"));
	assert_false(args_has(args, "hv.exit=semi"));
}

static void test_args_has_empty_command_line_has_nothing(void **state)
{
	assert_false(args_has("", "quiet"));
	assert_false(args_has("", ""));
}

static void test_args_has_tolerates_repeated_spaces(void **state)
{
	assert_true(args_has("  a   quiet  ", "quiet"));
	assert_true(args_has("  a   quiet  ", "a"));
}

static void test_args_get_u64_reads_decimal_and_hex(void **state)
{
	uint64_t v = 0;

	assert_int_equal(args_get_u64("hv.guest_mem=256", "hv.guest_mem", &v), HV_OK);
	assert_int_equal(v, 256);
	assert_int_equal(args_get_u64("a b=0x1f c", "b", &v), HV_OK);
	assert_int_equal(v, 0x1f);
	assert_int_equal(args_get_u64("b=0XaBcD", "b", &v), HV_OK);
	assert_int_equal(v, 0xabcd);
	assert_int_equal(args_get_u64("b=0", "b", &v), HV_OK);
	assert_int_equal(v, 0);
}

static void test_args_get_u64_absent_key_is_enoent_and_leaves_value(void **state)
{
	uint64_t v = 77;

	assert_int_equal(args_get_u64("", "k", &v), HV_ENOENT);
	assert_int_equal(args_get_u64("k", "k", &v), HV_ENOENT); /* a word, not key=value */
	assert_int_equal(args_get_u64("xk=5 kk=6", "k", &v), HV_ENOENT);
	assert_int_equal(v, 77);
}

static void test_args_get_u64_last_occurrence_wins(void **state)
{
	uint64_t v = 0;

	assert_int_equal(args_get_u64("k=1 other k=2", "k", &v), HV_OK);
	assert_int_equal(v, 2);
	/* The last one decides, good or bad. */
	assert_int_equal(args_get_u64("k=bad k=3", "k", &v), HV_OK);
	assert_int_equal(v, 3);
	assert_int_equal(args_get_u64("k=3 k=bad", "k", &v), HV_EINVAL);
}

static void test_args_get_u64_rejects_malformed_values(void **state)
{
	static const char *const bad[] = {"k=",	  "k= 5", "k=0x",  "k=12a",  "k=0x1g",
					  "k=-1", "k=+1", "k=1.5", "k=0b101"};
	uint64_t v;

	for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		v = 99;
		assert_int_equal(args_get_u64(bad[i], "k", &v), HV_EINVAL);
	}
}

static void test_args_get_u64_accepts_u64_max_and_rejects_overflow(void **state)
{
	uint64_t v = 0;

	assert_int_equal(args_get_u64("k=18446744073709551615", "k", &v), HV_OK);
	assert_true(v == UINT64_MAX);
	assert_int_equal(args_get_u64("k=0xffffffffffffffff", "k", &v), HV_OK);
	assert_true(v == UINT64_MAX);
	assert_int_equal(args_get_u64("k=18446744073709551616", "k", &v), HV_EINVAL);
	assert_int_equal(args_get_u64("k=0x10000000000000000", "k", &v), HV_EINVAL);
	assert_int_equal(args_get_u64("k=99999999999999999999", "k", &v), HV_EINVAL);
}

static void test_args_get_u64_value_ends_at_space(void **state)
{
	uint64_t v = 0;

	assert_int_equal(args_get_u64("k=42 k2=7", "k", &v), HV_OK);
	assert_int_equal(v, 42);
	assert_int_equal(args_get_u64("k=42 k2=7", "k2", &v), HV_OK);
	assert_int_equal(v, 7);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_args_has_finds_word_at_start_middle_and_end),
	    cmocka_unit_test(test_args_has_matches_whole_words_only),
	    cmocka_unit_test(test_args_has_empty_command_line_has_nothing),
	    cmocka_unit_test(test_args_has_tolerates_repeated_spaces),
	    cmocka_unit_test(test_args_get_u64_reads_decimal_and_hex),
	    cmocka_unit_test(test_args_get_u64_absent_key_is_enoent_and_leaves_value),
	    cmocka_unit_test(test_args_get_u64_last_occurrence_wins),
	    cmocka_unit_test(test_args_get_u64_rejects_malformed_values),
	    cmocka_unit_test(test_args_get_u64_accepts_u64_max_and_rejects_overflow),
	    cmocka_unit_test(test_args_get_u64_value_ends_at_space),
	};

	return cmocka_run_group_tests_name("args", tests, NULL, NULL);
}

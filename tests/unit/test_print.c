// SPDX-License-Identifier: MIT
/* Tests of core/print.c: every conversion, flag and length modifier against the host's own
 * snprintf (the reference), plus truncation and the cases where ours differs on purpose. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include <core/print.h>

/* These tests feed odd formats on purpose (flags C says are ignored, unknown conversions). */
#pragma GCC diagnostic ignored "-Wformat"
#pragma GCC diagnostic ignored "-Wformat-extra-args"
#pragma GCC diagnostic ignored "-Wformat-overflow"

/* Format with both implementations and require the same text and return value. */
#define SAME_AS_LIBC(...)                                             \
	do {                                                          \
		char ours[128], ref[128];                             \
		int n_ours = format(ours, sizeof(ours), __VA_ARGS__); \
		int n_ref = snprintf(ref, sizeof(ref), __VA_ARGS__);  \
		assert_string_equal(ours, ref);                       \
		assert_int_equal(n_ours, n_ref);                      \
	} while (0)

static void test_format_integers_match_libc(void **state)
{
	SAME_AS_LIBC("%d %i %u", 0, -1, 4000000000u);
	SAME_AS_LIBC("%d", -2147483647 - 1);
	SAME_AS_LIBC("%lld %llu", (long long)INT64_MIN, (unsigned long long)UINT64_MAX);
	SAME_AS_LIBC("%ld %lu %zu %td %jd", -5L, 7UL, (size_t)9, (ptrdiff_t)-3, (intmax_t)42);
	SAME_AS_LIBC("%hhd %hhu %hd %hu", 300, 300, 70000, 70000);
	SAME_AS_LIBC("%x %X %o", 0xdeadbeefu, 0xabcu, 8u);
	SAME_AS_LIBC("%llx", 0x0123456789abcdefULL);
}

static void test_format_flags_width_precision_match_libc(void **state)
{
	SAME_AS_LIBC("[%5d] [%-5d] [%05d] [%+d] [% d]", 42, 42, 42, 42, 42);
	SAME_AS_LIBC("[%05d] [%-05d] [%+05d]", -42, -42, 42);
	SAME_AS_LIBC("[%#x] [%#X] [%#o] [%#x] [%#o]", 255u, 255u, 8u, 0u, 0u);
	SAME_AS_LIBC("[%.3d] [%8.3d] [%-8.3d] [%08.3d]", 7, -7, 7, 7);
	SAME_AS_LIBC("[%.0d] [%.0x] [%5.0u]", 0, 0u, 0u);
	SAME_AS_LIBC("[%*d] [%-*d] [%*d]", 6, 1, 6, 2, -6, 3);
	SAME_AS_LIBC("[%.*d] [%.*s]", 4, 5, 2, "abcdef");
	SAME_AS_LIBC("[%016llx]", 0x1234ULL);
}

static void test_format_strings_and_chars_match_libc(void **state)
{
	SAME_AS_LIBC("[%s] [%10s] [%-10s] [%.2s]", "hv", "hv", "hv", "hypervisor");
	SAME_AS_LIBC("[%c] [%3c] [%-3c] [%%]", 'a', 'b', 'c');
	SAME_AS_LIBC("%s", "");
}

static void test_format_pointer_is_hex_with_prefix(void **state)
{
	char buf[64];

	format(buf, sizeof(buf), "%p", (void *)(uintptr_t)0x40200000);
	assert_string_equal(buf, "0x40200000");
}

static void test_format_null_string_prints_null(void **state)
{
	char buf[32];
	const char *nothing = NULL;

	format(buf, sizeof(buf), "<%s>", nothing);
	assert_string_equal(buf, "<(null)>");
}

static void test_format_unknown_conversion_is_copied(void **state)
{
	char buf[32];
	int n = format(buf, sizeof(buf), "a%qb%");

	assert_string_equal(buf, "a%qb%");
	assert_int_equal(n, 5);
}

static void test_format_truncates_and_returns_full_length(void **state)
{
	char buf[8];
	int n;

	memset(buf, 'X', sizeof(buf));
	n = format(buf, sizeof(buf), "%s-%d", "hypervisor", 12345);
	assert_int_equal(n, 16);
	assert_string_equal(buf, "hypervi");

	/* Size 0 writes nothing at all, but still counts. */
	memset(buf, 'X', sizeof(buf));
	assert_int_equal(format(buf, 0, "%d", 123), 3);
	assert_int_equal(buf[0], 'X');

	assert_int_equal(format(buf, 1, "abc"), 3);
	assert_string_equal(buf, "");
}

static void test_format_huge_width_is_bounded(void **state)
{
	char buf[16];
	int n = format(buf, sizeof(buf), "%999999999d", 1);

	/* The width saturates instead of overflowing; the buffer stays terminated. */
	assert_true(n > 1000);
	assert_int_equal(strlen(buf), sizeof(buf) - 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_format_integers_match_libc),
	    cmocka_unit_test(test_format_flags_width_precision_match_libc),
	    cmocka_unit_test(test_format_strings_and_chars_match_libc),
	    cmocka_unit_test(test_format_pointer_is_hex_with_prefix),
	    cmocka_unit_test(test_format_null_string_prints_null),
	    cmocka_unit_test(test_format_unknown_conversion_is_copied),
	    cmocka_unit_test(test_format_truncates_and_returns_full_length),
	    cmocka_unit_test(test_format_huge_width_is_bounded),
	};

	return cmocka_run_group_tests_name("print", tests, NULL, NULL);
}

// SPDX-License-Identifier: MIT
/* Tests of core/log.c: line format, levels, cutting of long lines, rate limiting. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include <core/console.h>
#include <core/log.h>
#include <hal-sim/sim_hal.h>

static int setup(void **state)
{
	sim_hal_reset();
	log_set_level(LOG_INFO);
	return 0;
}

static void test_log_info_has_no_prefix_and_ends_line(void **state)
{
	log_info("cpus: %u", 4u);
	assert_string_equal(sim_hal.console, "cpus: 4\n");
}

/* Issue #11 item 22: the UART takes bytes as they are given. The hypervisor's own lines carry
 * the carriage return a raw-mode terminal needs; a guest's bytes pass through untouched, a
 * bare "\n", a "\r\n" and a lone "\r" alike. */
static void test_log_lines_end_in_crlf_and_guest_bytes_pass_unchanged(void **state)
{
	static const char guest[] = "a\nb\r\nc\r";

	log_info("cpus: %u", 4u);
	assert_int_equal(sim_hal.console_raw_len, 9);
	assert_memory_equal(sim_hal.console_raw, "cpus: 4\r\n", 9);
	assert_true(console_put(guest, sizeof(guest) - 1));
	console_drain(SIZE_MAX);
	assert_int_equal(sim_hal.console_raw_len, 9 + sizeof(guest) - 1);
	assert_memory_equal(sim_hal.console_raw + 9, guest, sizeof(guest) - 1);
}

static void test_log_levels_are_prefixed(void **state)
{
	log_err("bad %s", "thing");
	log_warn("odd");
	assert_string_equal(sim_hal.console, "error: bad thing\nwarning: odd\n");
}

static void test_log_debug_is_filtered_by_level(void **state)
{
	log_debug("hidden");
	assert_int_equal(sim_hal.console_len, 0);
	log_set_level(LOG_DEBUG);
	log_debug("shown");
	assert_string_equal(sim_hal.console, "debug: shown\n");
	log_set_level(LOG_ERR);
	log_warn("hidden too");
	assert_string_equal(sim_hal.console, "debug: shown\n");
}

static void test_log_long_line_is_cut_with_ellipsis(void **state)
{
	char big[LOG_LINE_MAX * 2];

	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	log_err("%s", big);
	/* LOG_LINE_MAX characters in all, prefix included, then the newline. */
	assert_int_equal(sim_hal.console_len, LOG_LINE_MAX + 1);
	assert_memory_equal(sim_hal.console, "error: aaa", 10);
	assert_memory_equal(sim_hal.console + LOG_LINE_MAX - 3, "...\n", 4);
}

static void test_log_line_of_exactly_max_is_not_cut(void **state)
{
	char text[LOG_LINE_MAX + 1];

	memset(text, 'b', LOG_LINE_MAX);
	text[LOG_LINE_MAX] = '\0';
	log_info("%s", text);
	assert_int_equal(sim_hal.console_len, LOG_LINE_MAX + 1);
	assert_int_equal(sim_hal.console[LOG_LINE_MAX - 1], 'b');
}

static void test_log_ratelimit_allows_burst_then_suppresses(void **state)
{
	struct log_ratelimit rl = {0};

	sim_hal.counter = 1000;
	for (int i = 0; i < 3; i++)
		assert_true(log_ratelimit_allow(&rl, 3, 100));
	assert_false(log_ratelimit_allow(&rl, 3, 100));
	assert_false(log_ratelimit_allow(&rl, 3, 100));
	assert_int_equal(rl.suppressed, 2);
	assert_int_equal(sim_hal.console_len, 0);

	/* Still inside the window. */
	sim_hal.counter = 1099;
	assert_false(log_ratelimit_allow(&rl, 3, 100));

	/* A new window opens and reports what was dropped. */
	sim_hal.counter = 1100;
	assert_true(log_ratelimit_allow(&rl, 3, 100));
	assert_string_equal(sim_hal.console, "warning: 3 similar message(s) suppressed\n");
	assert_int_equal(rl.suppressed, 0);
}

static void test_log_ratelimit_zero_interval_means_one_second(void **state)
{
	struct log_ratelimit rl = {0};

	sim_hal.counter_freq = 1000;
	assert_true(log_ratelimit_allow(&rl, 1, 0));
	sim_hal.counter = 999;
	assert_false(log_ratelimit_allow(&rl, 1, 0));
	sim_hal.counter = 1000;
	assert_true(log_ratelimit_allow(&rl, 1, 0));
}

static void test_log_ratelimited_macro_prints_five_per_window(void **state)
{
	struct log_ratelimit rl = {0};

	for (int i = 0; i < 20; i++)
		log_ratelimited(&rl, LOG_WARN, "guest %d misbehaved", i);
	assert_string_equal(sim_hal.console, "warning: guest 0 misbehaved\n"
					     "warning: guest 1 misbehaved\n"
					     "warning: guest 2 misbehaved\n"
					     "warning: guest 3 misbehaved\n"
					     "warning: guest 4 misbehaved\n");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup(test_log_info_has_no_prefix_and_ends_line, setup),
	    cmocka_unit_test_setup(test_log_lines_end_in_crlf_and_guest_bytes_pass_unchanged,
				   setup),
	    cmocka_unit_test_setup(test_log_levels_are_prefixed, setup),
	    cmocka_unit_test_setup(test_log_debug_is_filtered_by_level, setup),
	    cmocka_unit_test_setup(test_log_long_line_is_cut_with_ellipsis, setup),
	    cmocka_unit_test_setup(test_log_line_of_exactly_max_is_not_cut, setup),
	    cmocka_unit_test_setup(test_log_ratelimit_allows_burst_then_suppresses, setup),
	    cmocka_unit_test_setup(test_log_ratelimit_zero_interval_means_one_second, setup),
	    cmocka_unit_test_setup(test_log_ratelimited_macro_prints_five_per_window, setup),
	};

	return cmocka_run_group_tests_name("log", tests, NULL, NULL);
}

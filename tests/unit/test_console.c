// SPDX-License-Identifier: MIT
/* Tests of core/console.c: the console ring keeps bytes in order, takes an append whole or not
 * at all, drains at most its budget per call with no lock held, and lets the hypervisor's own
 * lines wait for their own text only. */
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
	console_drain(SIZE_MAX); /* nothing left over from another test */
	sim_hal_reset();
	return 0;
}

static void test_console_put_waits_for_a_drain(void **state)
{
	assert_true(console_put("ab", 2));
	assert_true(console_put("c", 1));
	assert_int_equal(sim_hal.console_len, 0);
	console_drain(SIZE_MAX);
	assert_string_equal(sim_hal.console, "abc");
}

static void test_console_drain_writes_at_most_its_budget_in_order(void **state)
{
	char text[1000];

	for (unsigned i = 0; i < sizeof(text); i++)
		text[i] = (char)('a' + i % 26);
	assert_true(console_put(text, sizeof(text)));
	console_drain(CONSOLE_EXIT_BYTES);
	assert_int_equal(sim_hal.console_len, CONSOLE_EXIT_BYTES);
	console_drain(100);
	assert_int_equal(sim_hal.console_len, CONSOLE_EXIT_BYTES + 100);
	console_drain(SIZE_MAX);
	assert_int_equal(sim_hal.console_len, sizeof(text));
	assert_memory_equal(sim_hal.console, text, sizeof(text));
}

static void test_console_put_is_all_or_nothing_when_full(void **state)
{
	static char block[CONSOLE_RING_SIZE / 4];

	memset(block, 'x', sizeof(block));
	for (unsigned i = 0; i < 4; i++)
		assert_true(console_put(block, sizeof(block) - (i == 3)));
	assert_false(console_full());
	assert_false(console_put("yz", 2)); /* one byte of room: nothing taken */
	assert_true(console_put("y", 1));
	assert_true(console_full());
	assert_false(console_put("z", 1));
	console_drain(1);
	assert_false(console_full());
	assert_true(console_put("z", 1));
	console_drain(SIZE_MAX);
	assert_int_equal(sim_hal.console_len, CONSOLE_RING_SIZE + 1);
	assert_memory_equal(sim_hal.console + CONSOLE_RING_SIZE - 1, "yz", 2);
}

static void test_console_log_line_goes_out_after_what_was_buffered_before_it(void **state)
{
	assert_true(console_put("guest text ", 11));
	log_info("hv line");
	/* The log returns once its own line is out: everything before it is out too. */
	assert_string_equal(sim_hal.console, "guest text hv line\n");
}

static void test_console_write_longer_than_the_ring_goes_through_whole(void **state)
{
	static char big[CONSOLE_RING_SIZE + 300];

	for (unsigned i = 0; i < sizeof(big); i++)
		big[i] = (char)('A' + i % 23);
	assert_true(console_put("<", 1));
	console_write(big, sizeof(big));
	assert_int_equal(sim_hal.console_len, sizeof(big) + 1);
	assert_memory_equal(sim_hal.console + 1, big, sizeof(big));
}

static void test_console_put_from_starts_a_line_when_another_writer_left_one_open(void **state)
{
	log_info("a line of the hypervisor's own, ended"); /* whatever a test before left open */
	sim_console_clear();
	assert_true(console_put_from(CONSOLE_OWNER_VM(0), "[a] ", "/ # ", 4));
	log_info("hv line");
	assert_true(console_put_from(CONSOLE_OWNER_VM(0), "[a] ", "l", 1));
	assert_true(console_put_from(CONSOLE_OWNER_VM(0), "[a] ", "s", 1)); /* its own line */
	assert_true(console_put_from(CONSOLE_OWNER_VM(1), "[b] ", "up\n", 3));
	assert_true(console_put_from(CONSOLE_OWNER_VM(0), "[a] ", "\n", 1));
	console_drain(SIZE_MAX);
	assert_string_equal(sim_hal.console, "[a] / # \nhv line\n[a] ls\n[b] up\n[a] \n");
}

static void test_console_put_from_is_all_or_nothing_with_its_tag(void **state)
{
	static char block[CONSOLE_RING_SIZE - 4];

	memset(block, 'x', sizeof(block));
	block[sizeof(block) - 1] = '\n';
	assert_true(console_put(block, sizeof(block)));
	/* 4 bytes of room: "ab" fits, "[a] ab" does not. */
	assert_false(console_put_from(CONSOLE_OWNER_VM(0), "[a] ", "ab", 2));
	console_drain(SIZE_MAX);
	assert_true(console_put_from(CONSOLE_OWNER_VM(0), "[a] ", "ab\n", 3));
	console_drain(SIZE_MAX);
	assert_memory_equal(sim_hal.console + sizeof(block), "[a] ab\n", 7);
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup(fn, setup)
	const struct CMUnitTest tests[] = {
	    T(test_console_put_waits_for_a_drain),
	    T(test_console_drain_writes_at_most_its_budget_in_order),
	    T(test_console_put_is_all_or_nothing_when_full),
	    T(test_console_log_line_goes_out_after_what_was_buffered_before_it),
	    T(test_console_write_longer_than_the_ring_goes_through_whole),
	    T(test_console_put_from_starts_a_line_when_another_writer_left_one_open),
	    T(test_console_put_from_is_all_or_nothing_with_its_tag),
	};
#undef T

	return cmocka_run_group_tests_name("console", tests, NULL, NULL);
}

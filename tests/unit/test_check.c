// SPDX-License-Identifier: MIT
/* Tests of CHECK() (core/check.h): a held invariant costs nothing, a broken one names its place
 * and stops the pCPU (on the host: sim_exit("halt"), caught here with exit_jmp). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include <core/check.h>
#include <core/log.h>
#include <core/spinlock.h>
#include <hal-sim/sim_hal.h>

static jmp_buf stopped;

static int setup(void **state)
{
	sim_hal_reset();
	log_set_level(LOG_INFO);
	sim_hal.exit_jmp = &stopped;
	return 0;
}

static int teardown(void **state)
{
	sim_hal.exit_jmp = NULL;
	return 0;
}

static void test_check_that_holds_says_nothing(void **state)
{
	int evaluated = 0;

	if (setjmp(stopped))
		fail_msg("CHECK stopped the CPU for a condition that holds");
	CHECK(++evaluated == 1);
	assert_int_equal(evaluated, 1); /* evaluated exactly once */
	assert_int_equal(sim_hal.console_len, 0);
}

static void test_check_that_fails_names_file_line_and_stops(void **state)
{
	volatile int line = 0;

	if (setjmp(stopped)) {
		char want[128];

		assert_string_equal(sim_hal.exit_reason, "halt");
		snprintf(want, sizeof(want),
			 "error: CHECK failed at %s:%d: 1 + 1 == 3 (cpu 0 stopped)\n", __FILE__,
			 line);
		assert_string_equal(sim_hal.console, want);
		return;
	}
	line = __LINE__ + 1;
	CHECK(1 + 1 == 3);
	fail_msg("CHECK returned");
}

static void test_unlock_of_a_free_lock_is_caught(void **state)
{
	struct spinlock l = SPINLOCK_INIT;

	spin_lock(&l);
	spin_unlock(&l); /* balanced: fine */
	if (setjmp(stopped)) {
		assert_non_null(strstr(sim_hal.console, "CHECK failed at"));
		assert_non_null(strstr(sim_hal.console, "spinlock.h"));
		return;
	}
	spin_unlock(&l);
	fail_msg("a second unlock went unnoticed");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_check_that_holds_says_nothing, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_check_that_fails_names_file_line_and_stops, setup,
					    teardown),
	    cmocka_unit_test_setup_teardown(test_unlock_of_a_free_lock_is_caught, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

// SPDX-License-Identifier: MIT
/* Tests of core/pcpu.c: the pCPU table (boot CPU first) and secondary bring-up through PSCI,
 * with sim_hal playing the firmware and the started CPUs. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include <core/err.h>
#include <core/pcpu.h>
#include <hal-sim/sim_hal.h>

static struct hw_info hw;

static void set_cpus(unsigned n, const uint64_t *mpidr)
{
	memset(&hw, 0, sizeof(hw));
	hw.cpu_count = n;
	if (n)
		memcpy(hw.cpu_mpidr, mpidr, n * sizeof(*mpidr));
}

static int setup(void **state)
{
	sim_hal_reset();
	sim_hal.counter_step = 1; /* every wait eventually times out */
	return 0;
}

/* A started CPU that reports in at once, as a healthy one does. */
static void cpu_reports_in(uint64_t mpidr, unsigned id)
{
	assert_int_equal(pcpu_get(id)->mpidr, mpidr);
	pcpu_report_online(id);
}

/* A CPU that reports in except for the one with MPIDR 0x2, which never arrives. */
static void cpu_2_is_dead(uint64_t mpidr, unsigned id)
{
	if (mpidr != 0x2)
		pcpu_report_online(id);
}

static void test_pcpu_boot_cpu_is_index_zero_others_in_dtb_order(void **state)
{
	set_cpus(4, (const uint64_t[]){0x100, 0x0, 0x101, 0x1});
	assert_int_equal(pcpu_init(&hw, 0x101), HV_OK);
	assert_int_equal(pcpu_count(), 4);
	assert_int_equal(pcpu_get(0)->mpidr, 0x101);
	assert_int_equal(pcpu_get(1)->mpidr, 0x100);
	assert_int_equal(pcpu_get(2)->mpidr, 0x0);
	assert_int_equal(pcpu_get(3)->mpidr, 0x1);
	assert_null(pcpu_get(4));
	assert_int_equal(pcpu_online_count(), 1);
}

static void test_pcpu_init_rejects_boot_cpu_missing_from_dtb(void **state)
{
	set_cpus(2, (const uint64_t[]){0x0, 0x1});
	assert_int_equal(pcpu_init(&hw, 0x7), HV_ENOENT);
	assert_non_null(strstr(sim_hal.console, "boot CPU (mpidr 0x7) is not in /cpus"));
}

static void test_pcpu_init_rejects_duplicate_mpidr(void **state)
{
	set_cpus(3, (const uint64_t[]){0x0, 0x1, 0x1});
	assert_int_equal(pcpu_init(&hw, 0x0), HV_EINVAL);
	assert_non_null(strstr(sim_hal.console, "mpidr 0x1 appears twice"));
}

static void test_pcpu_init_rejects_empty_table(void **state)
{
	set_cpus(0, NULL);
	assert_int_equal(pcpu_init(&hw, 0x0), HV_EINVAL);
}

static void test_pcpu_start_secondaries_starts_each_once_in_order(void **state)
{
	set_cpus(8, (const uint64_t[]){0, 1, 2, 3, 4, 5, 6, 7});
	assert_int_equal(pcpu_init(&hw, 0), HV_OK);
	sim_hal.cpu_on_hook = cpu_reports_in;
	assert_int_equal(pcpu_start_secondaries(1000), 8);
	assert_int_equal(sim_hal.cpu_on_count, 7);
	for (unsigned i = 0; i < 7; i++)
		assert_int_equal(sim_hal.cpu_on_mpidr[i], i + 1);
	assert_non_null(strstr(sim_hal.console, "cpu 7 online (mpidr 0x7, EL2)\n"));
}

static void test_pcpu_start_secondaries_single_cpu_calls_nothing(void **state)
{
	set_cpus(1, (const uint64_t[]){0});
	assert_int_equal(pcpu_init(&hw, 0), HV_OK);
	assert_int_equal(pcpu_start_secondaries(1000), 1);
	assert_int_equal(sim_hal.cpu_on_count, 0);
}

static void test_pcpu_cpu_that_never_reports_is_logged_and_skipped(void **state)
{
	set_cpus(4, (const uint64_t[]){0, 1, 2, 3});
	assert_int_equal(pcpu_init(&hw, 0), HV_OK);
	sim_hal.cpu_on_hook = cpu_2_is_dead;
	assert_int_equal(pcpu_start_secondaries(50), 3);
	assert_int_equal(sim_hal.cpu_on_count, 3);
	assert_non_null(
	    strstr(sim_hal.console, "error: pcpu: cpu 2 (mpidr 0x2) did not report in"));
	assert_false(atomic_load(&pcpu_get(2)->online));
	assert_true(atomic_load(&pcpu_get(3)->online));
}

static void test_pcpu_psci_error_is_logged_and_skipped(void **state)
{
	set_cpus(3, (const uint64_t[]){0, 1, 2});
	assert_int_equal(pcpu_init(&hw, 0), HV_OK);
	sim_hal.cpu_on_result = -4; /* PSCI ALREADY_ON */
	assert_int_equal(pcpu_start_secondaries(50), 1);
	assert_non_null(strstr(sim_hal.console, "cpu 1 (mpidr 0x1): PSCI CPU_ON failed with -4"));
	assert_non_null(strstr(sim_hal.console, "cpu 2 (mpidr 0x2): PSCI CPU_ON failed with -4"));
}

static void test_pcpu_report_online_ignores_unknown_index(void **state)
{
	set_cpus(2, (const uint64_t[]){0, 1});
	assert_int_equal(pcpu_init(&hw, 0), HV_OK);
	pcpu_report_online(5);
	assert_int_equal(pcpu_online_count(), 1);
	assert_int_equal(sim_hal.console_len, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup(test_pcpu_boot_cpu_is_index_zero_others_in_dtb_order, setup),
	    cmocka_unit_test_setup(test_pcpu_init_rejects_boot_cpu_missing_from_dtb, setup),
	    cmocka_unit_test_setup(test_pcpu_init_rejects_duplicate_mpidr, setup),
	    cmocka_unit_test_setup(test_pcpu_init_rejects_empty_table, setup),
	    cmocka_unit_test_setup(test_pcpu_start_secondaries_starts_each_once_in_order, setup),
	    cmocka_unit_test_setup(test_pcpu_start_secondaries_single_cpu_calls_nothing, setup),
	    cmocka_unit_test_setup(test_pcpu_cpu_that_never_reports_is_logged_and_skipped, setup),
	    cmocka_unit_test_setup(test_pcpu_psci_error_is_logged_and_skipped, setup),
	    cmocka_unit_test_setup(test_pcpu_report_online_ignores_unknown_index, setup),
	};

	return cmocka_run_group_tests_name("pcpu", tests, NULL, NULL);
}

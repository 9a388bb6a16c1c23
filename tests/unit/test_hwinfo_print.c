// SPDX-License-Identifier: MIT
/* Tests of core/hwinfo.c: the banner hw_print() writes, line by line, including the lines the
 * end-to-end tests grep for. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include <core/hwinfo.h>
#include <core/lib.h>
#include <core/log.h>
#include <hal-sim/sim_hal.h>

#include "fixture.h"
#include "hwinfo_fixture.h"

static void assert_console_line(const char *line)
{
	if (!console_has_line(line))
		fail_msg("expected the line\n  %s\nconsole:\n%s", line, sim_hal.console);
}

/* --- the banner --- */

static void test_hw_print_writes_the_banner_lines(void **state)
{
	struct hw_info hw;

	assert_int_equal(hwfx_discover_fixture("hw_qemu_virt_4cpu.dtb", &hw), 0);
	hw_print(&hw);
	assert_console_line("mem: 0x40000000-0x7fffffff (1024 MiB)");
	assert_console_line("ram: 1024 MiB total in 1 bank(s)");
	assert_console_line("cpus: 4 (mpidr 0x0 0x1 0x2 0x3)");
	assert_console_line("gic: v3 dist 0x8000000 redist 0x80a0000+0xf60000");
	assert_console_line("rtc: pl031 0x9010000");
	assert_console_line("uart: pl011 0x9000000 intid 33");
	assert_console_line("timer: ppi intids phys 30 virt 27 hyp 26");
	assert_console_line("virtio-mmio: 32 transport(s) 0xa000000-0xa003fff");
	assert_console_line("psci: smc");
	assert_console_line("bootargs: console=ttyAMA0 hv.exit=semihosting");
	assert_int_equal(console_line_count(), 10);
}

static void test_hw_print_has_the_lines_end_to_end_tests_grep(void **state)
{
	struct hw_info hw;

	assert_int_equal(hwfx_discover_fixture("hw_qemu_virt_1cpu.dtb", &hw), 0);
	hw_print(&hw);
	assert_true(console_has_prefix("ram: 512 MiB"));
	assert_true(console_has_prefix("cpus: 1"));
	sim_console_clear();
	assert_int_equal(hwfx_discover_fixture("hw_qemu_virt_4cpu.dtb", &hw), 0);
	hw_print(&hw);
	assert_true(console_has_prefix("cpus: 4"));
}

static void test_hw_print_writes_one_line_per_bank_and_region(void **state)
{
	struct hw_info hw;

	assert_int_equal(hwfx_discover_fixture("hw_multi_mem.dtb", &hw), 0);
	hw_print(&hw);
	assert_console_line("mem: 0x40000000-0x7fffffff (1024 MiB)");
	assert_console_line("mem: 0xc0000000-0xdfffffff (512 MiB)");
	assert_console_line("mem: 0x100000000-0x13fffffff (1024 MiB)");
	assert_console_line("mem: 0x8000000000-0x8007ffffff (128 MiB)");
	assert_console_line("ram: 2688 MiB total in 4 bank(s)");
	assert_console_line("cpus: 3 (mpidr 0x0 0x100 0x100000000)");
	assert_console_line("gic: v3 dist 0x8000000 redist 0x80a0000+0x40000 0x140000000+0x80000");
	assert_console_line("uart: pl011 0x9040000 intid 40");
	assert_console_line("timer: ppi intids phys 30 virt 27 hyp 26 hyp-virt 28");
	assert_console_line("psci: smc");
	assert_int_equal(console_line_count(), 11);
}

static void test_hw_print_says_none_for_absent_devices(void **state)
{
	struct hw_info hw;

	assert_int_equal(hwfx_discover_fixture("hw_psci_hvc.dtb", &hw), 0);
	hw_print(&hw);
	assert_console_line("uart: none");
	assert_console_line("timer: none");
	assert_console_line("psci: hvc");
	assert_false(console_has_prefix("bootargs:"));
	assert_false(console_has_prefix("virtio-mmio:"));
}

static void test_hw_print_shows_sizes_below_a_mib_in_kib(void **state)
{
	struct hw_info hw;

	memset(&hw, 0, sizeof(hw));
	hw.mem_count = 1;
	hw.mem[0].base = 0x40000000;
	hw.mem[0].size = 0x3000;
	hw.mem_total = 0x3000;
	hw_print(&hw);
	assert_console_line("mem: 0x40000000-0x40002fff (12 KiB)");
	assert_console_line("ram: 0 MiB total in 1 bank(s)");
}

static void test_hw_print_cuts_a_long_cpu_list_with_an_ellipsis(void **state)
{
	struct hw_info hw;
	const char *line, *end;
	unsigned i;

	memset(&hw, 0, sizeof(hw));
	hw.cpu_count = HV_MAX_CPUS;
	for (i = 0; i < HV_MAX_CPUS; i++)
		hw.cpu_mpidr[i] = 0xff00ffffffULL - i;
	hw_print(&hw);
	line = strstr(sim_hal.console, "cpus: 64 (mpidr 0xff00ffffff 0xff00fffffe");
	assert_non_null(line);
	end = strchr(line, '\n');
	assert_non_null(end);
	assert_true(end - line <= LOG_LINE_MAX);
	assert_memory_equal(end - 5, " ...)", 5);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup(test_hw_print_writes_the_banner_lines, hwfx_setup),
	    cmocka_unit_test_setup(test_hw_print_has_the_lines_end_to_end_tests_grep, hwfx_setup),
	    cmocka_unit_test_setup(test_hw_print_writes_one_line_per_bank_and_region, hwfx_setup),
	    cmocka_unit_test_setup(test_hw_print_says_none_for_absent_devices, hwfx_setup),
	    cmocka_unit_test_setup(test_hw_print_shows_sizes_below_a_mib_in_kib, hwfx_setup),
	    cmocka_unit_test_setup(test_hw_print_cuts_a_long_cpu_list_with_an_ellipsis, hwfx_setup),
	};

	return cmocka_run_group_tests_name("hwinfo_print", tests, NULL, NULL);
}

// SPDX-License-Identifier: MIT
/* Tests of core/hwinfo.c: discovery from QEMU virt DTBs, from the less common shapes of
 * hw_multi_mem.dts and hw_psci_hvc.dts, and from hand-written boards at the limits (memory
 * banks, CPUs, bootargs, disabled devices, a UART interrupt routed elsewhere). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <core/hwinfo.h>
#include <core/lib.h>
#include <hal-sim/sim_hal.h>

#include "fixture.h"
#include "hwinfo_fixture.h"

/* --- QEMU virt --- */

static void check_qemu_common(const struct hw_info *hw)
{
	assert_int_equal(hw->mem_count, 1);
	assert_int_equal(hw->mem[0].base, 0x40000000);
	assert_int_equal(hw->gicd.base, 0x08000000);
	assert_int_equal(hw->gicd.size, 0x10000);
	assert_int_equal(hw->gicr_count, 1);
	assert_int_equal(hw->gicr[0].base, 0x080a0000);
	assert_int_equal(hw->gicr[0].size, 0xf60000);
	assert_true(hw->uart.present);
	assert_int_equal(hw->uart.reg.base, 0x09000000);
	assert_int_equal(hw->uart.reg.size, 0x1000);
	assert_int_equal(hw->uart.intid, 33);
	assert_int_equal(hw->timer.sec_phys, 29);
	assert_int_equal(hw->timer.phys, 30);
	assert_int_equal(hw->timer.virt, 27);
	assert_int_equal(hw->timer.hyp_phys, 26);
	assert_int_equal(hw->timer.hyp_virt, 0);
	assert_int_equal(hw->psci, HW_PSCI_SMC);
	assert_string_equal(hw->bootargs, "console=ttyAMA0 hv.exit=semihosting");
	/* Discovery itself is silent; hw_print() is the banner. */
	assert_int_equal(sim_hal.console_len, 0);
}

static void test_hw_discovers_qemu_virt_1cpu_512mib(void **state)
{
	struct hw_info hw;

	assert_int_equal(hwfx_discover_fixture("hw_qemu_virt_1cpu.dtb", &hw), 0);
	check_qemu_common(&hw);
	assert_int_equal(hw.mem[0].size, 512 * MIB);
	assert_int_equal(hw.mem_total, 512 * MIB);
	assert_int_equal(hw.cpu_count, 1);
	assert_int_equal(hw.cpu_mpidr[0], 0);
}

static void test_hw_discovers_qemu_virt_4cpu_1gib(void **state)
{
	struct hw_info hw;
	unsigned i;

	assert_int_equal(hwfx_discover_fixture("hw_qemu_virt_4cpu.dtb", &hw), 0);
	check_qemu_common(&hw);
	assert_int_equal(hw.mem_total, 1024 * MIB);
	assert_int_equal(hw.cpu_count, 4);
	for (i = 0; i < 4; i++)
		assert_int_equal(hw.cpu_mpidr[i], i);
}

static void test_hw_discovers_qemu_virt_8cpu_2gib(void **state)
{
	struct hw_info hw;
	unsigned i;

	assert_int_equal(hwfx_discover_fixture("hw_qemu_virt_8cpu.dtb", &hw), 0);
	check_qemu_common(&hw);
	assert_int_equal(hw.mem_total, 2048 * MIB);
	assert_int_equal(hw.cpu_count, 8);
	for (i = 0; i < 8; i++)
		assert_int_equal(hw.cpu_mpidr[i], i);
}

static void test_hw_accepts_a_blob_followed_by_unused_buffer_space(void **state)
{
	/* QEMU hands over its DTB in a larger region; max_size is only an upper bound. */
	size_t size;
	uint8_t *blob = fixture_load("hw_qemu_virt_4cpu.dtb", &size);
	uint8_t *big = calloc(1, size + 4096);
	struct hw_info hw;

	memcpy(big, blob, size);
	assert_int_equal(hw_discover(big, size + 4096, &hw), 0);
	assert_int_equal(hw.cpu_count, 4);
	free(big);
	free(blob);
}

/* --- the less common shapes (hw_multi_mem.dts) --- */

static void test_hw_sorts_memory_banks_and_skips_disabled_and_empty_ones(void **state)
{
	static const struct hw_range want[] = {
	    {0x40000000, 1024 * MIB},
	    {0xc0000000, 512 * MIB},
	    {0x100000000, 1024 * MIB},
	    {0x8000000000, 128 * MIB},
	};
	struct hw_info hw;
	unsigned i;

	assert_int_equal(hwfx_discover_fixture("hw_multi_mem.dtb", &hw), 0);
	assert_int_equal(hw.mem_count, ARRAY_SIZE(want));
	for (i = 0; i < ARRAY_SIZE(want); i++) {
		assert_int_equal(hw.mem[i].base, want[i].base);
		assert_int_equal(hw.mem[i].size, want[i].size);
	}
	assert_int_equal(hw.mem_total, 2688 * MIB);
}

static void test_hw_reads_two_cell_mpidrs_and_keeps_disabled_cpus(void **state)
{
	struct hw_info hw;

	assert_int_equal(hwfx_discover_fixture("hw_multi_mem.dtb", &hw), 0);
	assert_int_equal(hw.cpu_count, 3);
	assert_int_equal(hw.cpu_mpidr[0], 0);
	assert_int_equal(hw.cpu_mpidr[1], 0x100);
	assert_int_equal(hw.cpu_mpidr[2], 0x100000000ULL);
}

static void test_hw_reads_every_redistributor_region(void **state)
{
	struct hw_info hw;

	assert_int_equal(hwfx_discover_fixture("hw_multi_mem.dtb", &hw), 0);
	assert_int_equal(hw.gicd.base, 0x08000000);
	assert_int_equal(hw.gicr_count, 2);
	assert_int_equal(hw.gicr[0].base, 0x080a0000);
	assert_int_equal(hw.gicr[0].size, 0x40000);
	assert_int_equal(hw.gicr[1].base, 0x140000000ULL);
	assert_int_equal(hw.gicr[1].size, 0x80000);
}

static void test_hw_prefers_the_stdout_path_uart_through_an_alias(void **state)
{
	struct hw_info hw;

	assert_int_equal(hwfx_discover_fixture("hw_multi_mem.dtb", &hw), 0);
	assert_true(hw.uart.present);
	assert_int_equal(hw.uart.reg.base, 0x09040000);
	assert_int_equal(hw.uart.intid, 40);
	assert_string_equal(hw.bootargs, "console=ttyAMA1 root=/dev/vda");
}

static void test_hw_reads_the_hyp_virt_timer_ppi(void **state)
{
	struct hw_info hw;

	assert_int_equal(hwfx_discover_fixture("hw_multi_mem.dtb", &hw), 0);
	assert_int_equal(hw.timer.sec_phys, 29);
	assert_int_equal(hw.timer.phys, 30);
	assert_int_equal(hw.timer.virt, 27);
	assert_int_equal(hw.timer.hyp_phys, 26);
	assert_int_equal(hw.timer.hyp_virt, 28);
	assert_int_equal(hw.psci, HW_PSCI_SMC);
}

static void test_hw_reads_psci_hvc_and_tolerates_absent_uart_timer_chosen(void **state)
{
	struct hw_info hw;

	assert_int_equal(hwfx_discover_fixture("hw_psci_hvc.dtb", &hw), 0);
	assert_int_equal(hw.psci, HW_PSCI_HVC);
	assert_false(hw.uart.present);
	assert_int_equal(hw.timer.phys, 0);
	assert_int_equal(hw.timer.virt, 0);
	assert_string_equal(hw.bootargs, "");
	assert_int_equal(hw.cpu_count, 1);
	assert_int_equal(sim_hal.console_len, 0);
}

static void test_hw_stdout_path_to_a_non_pl011_falls_back_to_the_first_pl011(void **state)
{
	struct fdtb *b = hwfx_board_minimal(1);
	struct hw_info hw;

	fdtb_begin_node(b, "chosen");
	fdtb_prop_str(b, "stdout-path", "/serial@1000");
	fdtb_end_node(b);
	fdtb_begin_node(b, "serial@1000");
	fdtb_prop_str(b, "compatible", "ns16550a");
	fdtb_end_node(b);
	hwfx_board_uart(b, "pl011@9000000", 0x09000000);
	FDTB_CELLS(b, "interrupts", 0, 1, 4);
	fdtb_end_node(b);
	assert_int_equal(hwfx_board_discover(b, &hw), 0);
	assert_true(hw.uart.present);
	assert_int_equal(hw.uart.reg.base, 0x09000000);
	assert_int_equal(hw.uart.intid, 33);
}

static void test_hw_skips_disabled_devices(void **state)
{
	struct fdtb *b = hwfx_board_begin();
	struct hw_info hw;

	hwfx_board_memory(b, 0x40000000, 256 * MIB);
	hwfx_board_cpus(b, 1);
	/* A disabled GICv3 first, then the real one. */
	fdtb_begin_node(b, "intc@2f000000");
	fdtb_prop_str(b, "compatible", "arm,gic-v3");
	fdtb_prop_str(b, "status", "disabled");
	FDTB_CELLS(b, "reg", 0, 0x2f000000, 0, 0x10000, 0, 0x2f100000, 0, 0x20000);
	fdtb_end_node(b);
	hwfx_board_gic(b);
	hwfx_board_uart(b, "pl011@9000000", 0x09000000);
	fdtb_prop_str(b, "status", "disabled");
	fdtb_end_node(b);
	hwfx_board_uart(b, "pl011@9040000", 0x09040000);
	fdtb_end_node(b);
	assert_int_equal(hwfx_board_discover(b, &hw), 0);
	assert_int_equal(hw.gicd.base, 0x08000000);
	assert_int_equal(hw.uart.reg.base, 0x09040000);
	assert_int_equal(hw.uart.intid, 0); /* no "interrupts": output only */
}

static void test_hw_accepts_exactly_hv_max_cpus(void **state)
{
	struct fdtb *b = hwfx_board_minimal(HV_MAX_CPUS);
	struct hw_info hw;

	assert_int_equal(hwfx_board_discover(b, &hw), 0);
	assert_int_equal(hw.cpu_count, HV_MAX_CPUS);
	assert_int_equal(hw.cpu_mpidr[HV_MAX_CPUS - 1], HV_MAX_CPUS - 1);
}

static void test_hw_accepts_exactly_hw_max_mem_banks(void **state)
{
	struct fdtb *b = hwfx_board_begin();
	struct hw_info hw;
	unsigned i;

	/* Highest first: every insertion goes to the front. */
	for (i = HW_MAX_MEM_BANKS; i > 0; i--)
		hwfx_board_memory(b, (uint64_t)i << 32, 64 * MIB);
	hwfx_board_cpus(b, 1);
	hwfx_board_gic(b);
	assert_int_equal(hwfx_board_discover(b, &hw), 0);
	assert_int_equal(hw.mem_count, HW_MAX_MEM_BANKS);
	for (i = 0; i < HW_MAX_MEM_BANKS; i++)
		assert_int_equal(hw.mem[i].base, (uint64_t)(i + 1) << 32);
	assert_int_equal(hw.mem_total, HW_MAX_MEM_BANKS * 64 * MIB);
}

static void test_hw_cuts_long_bootargs_to_fit(void **state)
{
	struct fdtb *b = hwfx_board_minimal(1);
	char args[HW_BOOTARGS_MAX + 50];
	struct hw_info hw;

	memset(args, 'a', sizeof(args) - 1);
	args[sizeof(args) - 1] = '\0';
	fdtb_begin_node(b, "chosen");
	fdtb_prop_str(b, "bootargs", args);
	fdtb_end_node(b);
	assert_int_equal(hwfx_board_discover(b, &hw), 0);
	assert_int_equal(strlen(hw.bootargs), HW_BOOTARGS_MAX - 1);
	assert_memory_equal(hw.bootargs, args, HW_BOOTARGS_MAX - 1);
}

static void test_hw_warns_when_the_uart_interrupt_parent_is_not_the_gic(void **state)
{
	struct fdtb *b = hwfx_board_minimal(1);
	struct hw_info hw;

	fdtb_begin_node(b, "gpio-intc");
	fdtb_prop(b, "interrupt-controller", NULL, 0);
	fdtb_prop_u32(b, "#interrupt-cells", 2);
	fdtb_prop_u32(b, "phandle", 7);
	fdtb_end_node(b);
	hwfx_board_uart(b, "pl011@9000000", 0x09000000);
	fdtb_prop_u32(b, "interrupt-parent", 7);
	FDTB_CELLS(b, "interrupts", 3, 4);
	fdtb_end_node(b);
	assert_int_equal(hwfx_board_discover(b, &hw), 0);
	assert_true(hw.uart.present);
	assert_int_equal(hw.uart.intid, 0);
	hwfx_assert_one_line(
	    "warning: hw: UART interrupt not routed to the GIC; console input polled");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup(test_hw_discovers_qemu_virt_1cpu_512mib, hwfx_setup),
	    cmocka_unit_test_setup(test_hw_discovers_qemu_virt_4cpu_1gib, hwfx_setup),
	    cmocka_unit_test_setup(test_hw_discovers_qemu_virt_8cpu_2gib, hwfx_setup),
	    cmocka_unit_test_setup(test_hw_accepts_a_blob_followed_by_unused_buffer_space,
				   hwfx_setup),
	    cmocka_unit_test_setup(test_hw_sorts_memory_banks_and_skips_disabled_and_empty_ones,
				   hwfx_setup),
	    cmocka_unit_test_setup(test_hw_reads_two_cell_mpidrs_and_keeps_disabled_cpus,
				   hwfx_setup),
	    cmocka_unit_test_setup(test_hw_reads_every_redistributor_region, hwfx_setup),
	    cmocka_unit_test_setup(test_hw_prefers_the_stdout_path_uart_through_an_alias,
				   hwfx_setup),
	    cmocka_unit_test_setup(test_hw_reads_the_hyp_virt_timer_ppi, hwfx_setup),
	    cmocka_unit_test_setup(test_hw_reads_psci_hvc_and_tolerates_absent_uart_timer_chosen,
				   hwfx_setup),
	    cmocka_unit_test_setup(test_hw_stdout_path_to_a_non_pl011_falls_back_to_the_first_pl011,
				   hwfx_setup),
	    cmocka_unit_test_setup(test_hw_skips_disabled_devices, hwfx_setup),
	    cmocka_unit_test_setup(test_hw_accepts_exactly_hv_max_cpus, hwfx_setup),
	    cmocka_unit_test_setup(test_hw_accepts_exactly_hw_max_mem_banks, hwfx_setup),
	    cmocka_unit_test_setup(test_hw_cuts_long_bootargs_to_fit, hwfx_setup),
	    cmocka_unit_test_setup(test_hw_warns_when_the_uart_interrupt_parent_is_not_the_gic,
				   hwfx_setup),
	};

	return cmocka_run_group_tests_name("hwinfo_discover", tests, NULL, NULL);
}

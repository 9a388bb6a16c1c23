// SPDX-License-Identifier: MIT
/* Tests of core/hwinfo.c: the virtio-mmio transports, sorted, with their interrupts and
 * dma-coherent, disabled ones skipped, those beyond HW_MAX_VIRTIO_MMIO ignored with a warning,
 * and one error line for each broken node. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <cmocka.h>

#include <core/err.h>
#include <core/hwinfo.h>
#include <core/lib.h>
#include <hal-sim/sim_hal.h>

#include "fixture.h"
#include "hwinfo_fixture.h"

/* --- virtio-mmio transports --- */

static void test_hw_lists_the_32_virtio_mmio_transports_of_qemu_virt(void **state)
{
	struct hw_info hw;
	unsigned i;

	assert_int_equal(hwfx_discover_fixture("hw_qemu_virt_4cpu.dtb", &hw), 0);
	assert_int_equal(hw.virtio_count, 32);
	for (i = 0; i < 32; i++) {
		assert_int_equal(hw.virtio[i].reg.base, 0x0a000000 + 0x200 * i);
		assert_int_equal(hw.virtio[i].reg.size, 0x200);
		assert_int_equal(hw.virtio[i].intid, 48 + i); /* SPI 16 + n */
		assert_true(hw.virtio[i].dma_coherent);
	}
}

static void test_hw_sorts_virtio_transports_and_skips_disabled_ones(void **state)
{
	static const struct {
		uint64_t base, size;
		unsigned intid;
		bool coherent;
	} want[] = {
	    {0x0a000000, 0x200, 48, true},  {0x0a000200, 0x200, 49, true},
	    {0x0a000600, 0x200, 0, false},  /* no interrupts, no dma-coherent */
	    {0x0a000800, 0x200, 0, true},   /* interrupt to another controller */
	    {0x1c130000, 0x1000, 74, true}, /* one-cell bus */
	};
	struct hw_info hw;
	unsigned i;

	assert_int_equal(hwfx_discover_fixture("hw_virtio_mmio.dtb", &hw), 0);
	assert_int_equal(hw.virtio_count, ARRAY_SIZE(want));
	for (i = 0; i < ARRAY_SIZE(want); i++) {
		assert_int_equal(hw.virtio[i].reg.base, want[i].base);
		assert_int_equal(hw.virtio[i].reg.size, want[i].size);
		assert_int_equal(hw.virtio[i].intid, want[i].intid);
		assert_int_equal(hw.virtio[i].dma_coherent, want[i].coherent);
	}
	assert_int_equal(sim_hal.console_len, 0);
}

static void board_virtio(struct fdtb *b, uint32_t base, uint32_t size)
{
	char name[40];

	snprintf(name, sizeof(name), "virtio_mmio@%x", base);
	fdtb_begin_node(b, name);
	fdtb_prop_str(b, "compatible", "virtio,mmio");
	FDTB_CELLS(b, "reg", 0, base, 0, size);
}

static void test_hw_rejects_virtio_nodes_with_a_bad_reg(void **state)
{
	struct fdtb *b = hwfx_board_minimal(1);
	struct hw_info hw;

	board_virtio(b, 0x0a000000, 0);
	fdtb_end_node(b);
	assert_int_equal(hwfx_board_discover(b, &hw), HV_EINVAL);
	hwfx_assert_one_line("error: hw: /virtio_mmio@a000000: property 'reg': missing, empty or "
			     "malformed (invalid argument)");

	sim_console_clear();
	b = hwfx_board_minimal(1);
	fdtb_begin_node(b, "virtio_mmio@a000000");
	fdtb_prop_str(b, "compatible", "virtio,mmio");
	fdtb_end_node(b);
	assert_int_equal(hwfx_board_discover(b, &hw), HV_ENOENT);
	hwfx_assert_one_line("error: hw: /virtio_mmio@a000000: property 'reg': missing, empty or "
			     "malformed (not found)");
}

static void test_hw_rejects_virtio_interrupts_that_are_not_gic_specifiers(void **state)
{
	struct fdtb *b = hwfx_board_minimal(1);
	struct hw_info hw;

	board_virtio(b, 0x0a000000, 0x200);
	FDTB_CELLS(b, "interrupts", 0, 16);
	fdtb_end_node(b);
	assert_int_equal(hwfx_board_discover(b, &hw), HV_EINVAL);
	hwfx_assert_one_line("error: hw: /virtio_mmio@a000000: property 'interrupts': not a GIC "
			     "SPI/PPI specifier list (invalid argument)");
}

static void test_hw_rejects_overlapping_virtio_transports(void **state)
{
	struct fdtb *b = hwfx_board_minimal(1);
	struct hw_info hw;

	board_virtio(b, 0x0a000000, 0x200);
	fdtb_end_node(b);
	board_virtio(b, 0x0a000400, 0x200);
	fdtb_end_node(b);
	board_virtio(b, 0x0a000100, 0x200);
	fdtb_end_node(b);
	assert_int_equal(hwfx_board_discover(b, &hw), HV_EINVAL);
	hwfx_assert_one_line("error: hw: /virtio_mmio@a000100: property 'reg': overlaps another "
			     "virtio-mmio node (invalid argument)");

	sim_console_clear();
	b = hwfx_board_minimal(1);
	board_virtio(b, 0x0a000400, 0x200);
	fdtb_end_node(b);
	board_virtio(b, 0x0a000300, 0x200);
	fdtb_end_node(b);
	assert_int_equal(hwfx_board_discover(b, &hw), HV_EINVAL);
	assert_true(
	    console_has_prefix("error: hw: /virtio_mmio@a000300: property 'reg': overlaps"));
}

static void test_hw_rejects_a_malformed_compatible_met_while_looking_for_virtio(void **state)
{
	struct fdtb *b = hwfx_board_minimal(1);
	struct hw_info hw;

	/* The UART and timer searches stop at their nodes; only the virtio search goes on. */
	hwfx_board_uart(b, "pl011@9000000", 0x09000000);
	fdtb_end_node(b);
	fdtb_begin_node(b, "timer");
	fdtb_prop_str(b, "compatible", "arm,armv8-timer");
	FDTB_CELLS(b, "interrupts", 1, 13, 4, 1, 14, 4, 1, 11, 4, 1, 10, 4);
	fdtb_end_node(b);
	fdtb_begin_node(b, "odd");
	fdtb_prop(b, "compatible", "virtio,mmio", 11); /* no NUL */
	fdtb_end_node(b);
	assert_int_equal(hwfx_board_discover(b, &hw), HV_EINVAL);
	hwfx_assert_one_line("error: hw: /: property 'compatible': malformed (invalid argument)");
}

static void test_hw_keeps_hw_max_virtio_mmio_transports_and_warns_about_more(void **state)
{
	struct fdtb *b = hwfx_board_minimal(1);
	struct hw_info hw;
	unsigned i;

	/* Highest first: every insertion goes to the front. */
	for (i = HW_MAX_VIRTIO_MMIO + 2; i > 0; i--) {
		board_virtio(b, 0x10000000 + 0x200 * i, 0x200);
		fdtb_end_node(b);
	}
	assert_int_equal(hwfx_board_discover(b, &hw), 0);
	assert_int_equal(hw.virtio_count, HW_MAX_VIRTIO_MMIO);
	for (i = 0; i < HW_MAX_VIRTIO_MMIO; i++)
		assert_int_equal(hw.virtio[i].reg.base, 0x10000000 + 0x200 * (i + 3));
	hwfx_assert_one_line(
	    "warning: hw: 2 virtio-mmio transport(s) beyond HW_MAX_VIRTIO_MMIO (64) "
	    "ignored");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup(test_hw_lists_the_32_virtio_mmio_transports_of_qemu_virt,
				   hwfx_setup),
	    cmocka_unit_test_setup(test_hw_sorts_virtio_transports_and_skips_disabled_ones,
				   hwfx_setup),
	    cmocka_unit_test_setup(test_hw_rejects_virtio_nodes_with_a_bad_reg, hwfx_setup),
	    cmocka_unit_test_setup(test_hw_rejects_virtio_interrupts_that_are_not_gic_specifiers,
				   hwfx_setup),
	    cmocka_unit_test_setup(test_hw_rejects_overlapping_virtio_transports, hwfx_setup),
	    cmocka_unit_test_setup(
		test_hw_rejects_a_malformed_compatible_met_while_looking_for_virtio, hwfx_setup),
	    cmocka_unit_test_setup(test_hw_keeps_hw_max_virtio_mmio_transports_and_warns_about_more,
				   hwfx_setup),
	};

	return cmocka_run_group_tests_name("hwinfo_virtio", tests, NULL, NULL);
}

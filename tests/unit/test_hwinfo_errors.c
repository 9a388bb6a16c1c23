// SPDX-License-Identifier: MIT
/* Tests of core/hwinfo.c: the single error line for every broken or incomplete board, from
 * fixtures, from the board builder and from random one-bit damage (fixed, printed seed). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <core/err.h>
#include <core/hwinfo.h>
#include <core/lib.h>
#include <hal-sim/sim_hal.h>

#include "fixture.h"
#include "hwinfo_fixture.h"

/* --- one clear line per failure --- */

static void test_hw_rejects_a_board_without_gicv3(void **state)
{
	struct hw_info hw;

	assert_int_equal(hwfx_discover_fixture("hw_no_gic.dtb", &hw), HV_ENOENT);
	hwfx_assert_one_line("error: hw: /: no node compatible with \"arm,gic-v3\"; a GICv3 is "
			     "required (not found)");
}

static void test_hw_rejects_a_board_without_memory(void **state)
{
	struct hw_info hw;

	assert_int_equal(hwfx_discover_fixture("hw_no_memory.dtb", &hw), HV_ENOENT);
	hwfx_assert_one_line(
	    "error: hw: /: no memory node (device_type \"memory\") with a non-empty "
	    "reg (not found)");
}

static void test_hw_rejects_a_board_without_cpu_nodes(void **state)
{
	struct hw_info hw;

	assert_int_equal(hwfx_discover_fixture("hw_no_cpus.dtb", &hw), HV_ENOENT);
	hwfx_assert_one_line("error: hw: /cpus: no subnode with device_type \"cpu\" (not found)");
}

static void test_hw_rejects_a_board_without_a_cpus_node(void **state)
{
	struct fdtb *b = hwfx_board_begin();
	struct hw_info hw;

	hwfx_board_memory(b, 0x40000000, 256 * MIB);
	hwfx_board_gic(b);
	assert_int_equal(hwfx_board_discover(b, &hw), HV_ENOENT);
	hwfx_assert_one_line("error: hw: /cpus: node missing (not found)");
}

static void test_hw_rejects_more_cpus_than_hv_max_cpus(void **state)
{
	struct hw_info hw;

	assert_int_equal(hwfx_discover_fixture("hw_too_many_cpus.dtb", &hw), HV_ENOMEM);
	hwfx_assert_one_line(
	    "error: hw: /cpus: more cpu nodes than HV_MAX_CPUS (64) (out of memory)");
}

static void test_hw_rejects_more_memory_banks_than_the_table(void **state)
{
	struct hw_info hw;

	assert_int_equal(hwfx_discover_fixture("hw_too_many_banks.dtb", &hw), HV_ENOMEM);
	hwfx_assert_one_line("error: hw: /memory@a00000000: property 'reg': more memory banks than "
			     "HW_MAX_MEM_BANKS (16) (out of memory)");
}

static void test_hw_rejects_overlapping_memory_banks(void **state)
{
	struct fdtb *b = hwfx_board_begin();
	struct hw_info hw;

	hwfx_board_memory(b, 0x40000000, 256 * MIB);
	hwfx_board_memory(b, 0x80000000, 256 * MIB);
	hwfx_board_memory(b, 0x4ff00000, 2 * MIB); /* overlaps the end of the first bank */
	hwfx_board_cpus(b, 1);
	hwfx_board_gic(b);
	assert_int_equal(hwfx_board_discover(b, &hw), HV_EINVAL);
	hwfx_assert_one_line("error: hw: /memory@4ff00000: property 'reg': memory bank overlaps "
			     "another (invalid argument)");
	/* hw stays consistent: the two good banks, sorted. */
	assert_int_equal(hw.mem_count, 2);
	assert_int_equal(hw.mem[0].base, 0x40000000);
	assert_int_equal(hw.mem[1].base, 0x80000000);

	sim_console_clear();
	b = hwfx_board_begin();
	hwfx_board_memory(b, 0x80000000, 256 * MIB);
	hwfx_board_memory(b, 0x7ff00000, 2 * MIB); /* overlaps the start of the next bank */
	hwfx_board_cpus(b, 1);
	hwfx_board_gic(b);
	assert_int_equal(hwfx_board_discover(b, &hw), HV_EINVAL);
	hwfx_assert_one_line("error: hw: /memory@7ff00000: property 'reg': memory bank overlaps "
			     "another (invalid argument)");
}

static void test_hw_rejects_memory_reg_that_wraps_or_has_a_bad_length(void **state)
{
	struct fdtb *b = hwfx_board_begin();
	struct hw_info hw;

	hwfx_board_memory(b, 0xfffffffffff00000ULL, 2 * MIB);
	hwfx_board_cpus(b, 1);
	hwfx_board_gic(b);
	assert_int_equal(hwfx_board_discover(b, &hw), HV_ERANGE);
	hwfx_assert_one_line(
	    "error: hw: /memory@fffffffffff00000: property 'reg': range wraps around "
	    "(out of range)");

	sim_console_clear();
	b = hwfx_board_begin();
	fdtb_begin_node(b, "memory@0");
	fdtb_prop_str(b, "device_type", "memory");
	FDTB_CELLS(b, "reg", 0, 0, 0x1000);
	fdtb_end_node(b);
	assert_int_equal(hwfx_board_discover(b, &hw), HV_EINVAL);
	hwfx_assert_one_line(
	    "error: hw: /memory@0: property 'reg': missing or malformed (invalid argument)");
}

static void test_hw_rejects_unterminated_device_type(void **state)
{
	struct fdtb *b = hwfx_board_begin();
	struct hw_info hw;

	fdtb_begin_node(b, "memory@0");
	fdtb_prop(b, "device_type", "memory", 6);
	fdtb_end_node(b);
	assert_int_equal(hwfx_board_discover(b, &hw), HV_EINVAL);
	hwfx_assert_one_line(
	    "error: hw: /memory@0: property 'device_type': not a string (invalid argument)");
}

static void test_hw_rejects_duplicate_or_invalid_mpidrs(void **state)
{
	struct fdtb *b = hwfx_board_begin();
	struct hw_info hw;

	hwfx_board_memory(b, 0x40000000, 256 * MIB);
	hwfx_board_cpus_begin(b);
	hwfx_board_cpu(b, 0);
	hwfx_board_cpu(b, 1);
	fdtb_begin_node(b, "cpu@1-again");
	fdtb_prop_str(b, "device_type", "cpu");
	fdtb_prop_u32(b, "reg", 1);
	fdtb_end_node(b);
	fdtb_end_node(b);
	hwfx_board_gic(b);
	assert_int_equal(hwfx_board_discover(b, &hw), HV_EINVAL);
	hwfx_assert_one_line(
	    "error: hw: /cpus/cpu@1-again: property 'reg': MPIDR used by another cpu "
	    "node (invalid argument)");

	sim_console_clear();
	b = hwfx_board_begin();
	hwfx_board_memory(b, 0x40000000, 256 * MIB);
	hwfx_board_cpus_begin(b);
	hwfx_board_cpu(b, 0x1000000); /* bit 24 is MPIDR.MT, not affinity */
	fdtb_end_node(b);
	hwfx_board_gic(b);
	assert_int_equal(hwfx_board_discover(b, &hw), HV_EINVAL);
	hwfx_assert_one_line("error: hw: /cpus/cpu@1000000: property 'reg': bits outside the MPIDR "
			     "affinity fields (invalid argument)");
}

static void test_hw_rejects_cpu_without_reg(void **state)
{
	struct fdtb *b = hwfx_board_begin();
	struct hw_info hw;

	hwfx_board_memory(b, 0x40000000, 256 * MIB);
	hwfx_board_cpus_begin(b);
	fdtb_begin_node(b, "cpu@0");
	fdtb_prop_str(b, "device_type", "cpu");
	fdtb_end_node(b);
	fdtb_end_node(b);
	hwfx_board_gic(b);
	assert_int_equal(hwfx_board_discover(b, &hw), HV_ENOENT);
	hwfx_assert_one_line(
	    "error: hw: /cpus/cpu@0: property 'reg': missing or malformed (not found)");
}

static void test_hw_rejects_bad_redistributor_region_counts(void **state)
{
	static const struct {
		uint32_t regions;
		int err;
		const char *line;
	} cases[] = {
	    {0, HV_EINVAL,
	     "error: hw: /intc@8000000: property '#redistributor-regions': is 0 (invalid "
	     "argument)"},
	    {9, HV_ENOMEM,
	     "error: hw: /intc@8000000: property '#redistributor-regions': more than "
	     "HW_MAX_GICR_REGIONS (8) (out of memory)"},
	    {2, HV_EINVAL,
	     "error: hw: /intc@8000000: property 'reg': fewer entries than 1 + "
	     "#redistributor-regions (invalid argument)"},
	};
	unsigned i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		struct fdtb *b = hwfx_board_begin();
		struct hw_info hw;

		hwfx_board_memory(b, 0x40000000, 256 * MIB);
		hwfx_board_cpus(b, 1);
		hwfx_board_gic_begin(b);
		fdtb_prop_u32(b, "#redistributor-regions", cases[i].regions);
		FDTB_CELLS(b, "reg", 0, 0x08000000, 0, 0x10000, 0, 0x080a0000, 0, 0x20000);
		fdtb_end_node(b);
		sim_console_clear();
		assert_int_equal(hwfx_board_discover(b, &hw), cases[i].err);
		hwfx_assert_one_line(cases[i].line);
	}
}

static void test_hw_rejects_empty_gic_regions(void **state)
{
	struct fdtb *b = hwfx_board_begin();
	struct hw_info hw;

	hwfx_board_memory(b, 0x40000000, 256 * MIB);
	hwfx_board_cpus(b, 1);
	hwfx_board_gic_begin(b);
	FDTB_CELLS(b, "reg", 0, 0x08000000, 0, 0x10000, 0, 0x080a0000, 0, 0);
	fdtb_end_node(b);
	assert_int_equal(hwfx_board_discover(b, &hw), HV_EINVAL);
	hwfx_assert_one_line("error: hw: /intc@8000000: property 'reg': empty or wrapping region "
			     "(invalid argument)");
}

static void test_hw_rejects_timer_with_too_few_or_non_ppi_interrupts(void **state)
{
	static const uint32_t few[] = {1, 13, 4, 1, 14, 4, 1, 11, 4};
	static const uint32_t spi[] = {1, 13, 4, 0, 14, 4, 1, 11, 4, 1, 10, 4};
	static const uint32_t ppi_out_of_range[] = {1, 13, 4, 1, 16, 4, 1, 11, 4, 1, 10, 4};
	static const uint32_t ragged[] = {1, 13, 4, 1, 14, 4, 1, 11, 4, 1, 10};
	static const struct {
		const uint32_t *cells;
		size_t n;
		const char *line;
	} cases[] = {
	    {few, ARRAY_SIZE(few),
	     "error: hw: /timer: property 'interrupts': needs 4 or 5 GIC specifiers "
	     "(sec-phys, phys, virt, hyp-phys) (invalid argument)"},
	    {ragged, ARRAY_SIZE(ragged),
	     "error: hw: /timer: property 'interrupts': needs 4 or 5 GIC specifiers "
	     "(sec-phys, phys, virt, hyp-phys) (invalid argument)"},
	    {spi, ARRAY_SIZE(spi),
	     "error: hw: /timer: property 'interrupts': timer interrupt is not a PPI (invalid "
	     "argument)"},
	    {ppi_out_of_range, ARRAY_SIZE(ppi_out_of_range),
	     "error: hw: /timer: property 'interrupts': timer interrupt is not a PPI (invalid "
	     "argument)"},
	};
	unsigned i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		struct fdtb *b = hwfx_board_minimal(1);
		struct hw_info hw;

		fdtb_begin_node(b, "timer");
		fdtb_prop_str(b, "compatible", "arm,armv8-timer");
		fdtb_prop_cells(b, "interrupts", cases[i].cells, cases[i].n);
		fdtb_end_node(b);
		sim_console_clear();
		assert_int_equal(hwfx_board_discover(b, &hw), HV_EINVAL);
		hwfx_assert_one_line(cases[i].line);
	}
}

static void test_hw_rejects_psci_without_or_with_unknown_method(void **state)
{
	struct fdtb *b = hwfx_board_minimal(1);
	struct hw_info hw;

	fdtb_begin_node(b, "psci");
	fdtb_prop_str(b, "compatible", "arm,psci-1.0");
	fdtb_end_node(b);
	assert_int_equal(hwfx_board_discover(b, &hw), HV_ENOENT);
	hwfx_assert_one_line(
	    "error: hw: /psci: property 'method': missing or not a string (not found)");

	sim_console_clear();
	b = hwfx_board_minimal(1);
	fdtb_begin_node(b, "psci");
	fdtb_prop_str(b, "compatible", "arm,psci");
	fdtb_prop_str(b, "method", "spin-table");
	fdtb_end_node(b);
	assert_int_equal(hwfx_board_discover(b, &hw), HV_EINVAL);
	hwfx_assert_one_line("error: hw: /psci: property 'method': neither \"smc\" nor \"hvc\" "
			     "(invalid argument)");
}

static void test_hw_rejects_unterminated_bootargs(void **state)
{
	struct fdtb *b = hwfx_board_minimal(1);
	struct hw_info hw;

	fdtb_begin_node(b, "chosen");
	fdtb_prop(b, "bootargs", "console=ttyAMA0", 15);
	fdtb_end_node(b);
	assert_int_equal(hwfx_board_discover(b, &hw), HV_EINVAL);
	hwfx_assert_one_line(
	    "error: hw: /chosen: property 'bootargs': not a string (invalid argument)");
}

static void test_hw_rejects_uart_interrupts_that_are_not_gic_specifiers(void **state)
{
	struct fdtb *b = hwfx_board_minimal(1);
	struct hw_info hw;

	hwfx_board_uart(b, "pl011@9000000", 0x09000000);
	FDTB_CELLS(b, "interrupts", 0, 1); /* two cells, the GIC wants three */
	fdtb_end_node(b);
	assert_int_equal(hwfx_board_discover(b, &hw), HV_EINVAL);
	hwfx_assert_one_line("error: hw: /pl011@9000000: property 'interrupts': not a GIC SPI/PPI "
			     "specifier list (invalid argument)");

	sim_console_clear();
	b = hwfx_board_minimal(1);
	hwfx_board_uart(b, "pl011@9000000", 0x09000000);
	FDTB_CELLS(b, "interrupts", 0, 988, 4); /* beyond the last SPI */
	fdtb_end_node(b);
	assert_int_equal(hwfx_board_discover(b, &hw), HV_ERANGE);
	hwfx_assert_one_line("error: hw: /pl011@9000000: property 'interrupts': not a GIC SPI/PPI "
			     "specifier list (out of range)");
}

static void test_hw_rejects_an_invalid_blob_with_one_line(void **state)
{
	size_t size;
	uint8_t *blob = fixture_load("hw_qemu_virt_4cpu.dtb", &size);
	struct hw_info hw;

	blob[0] ^= 0xff;
	assert_int_equal(hw_discover(blob, size, &hw), HV_EINVAL);
	hwfx_assert_one_line(
	    "error: hw: invalid device tree: bad magic at byte 0x0 (invalid argument)");
	/* Nothing half-filled is left behind. */
	assert_int_equal(hw.mem_count, 0);
	assert_int_equal(hw.cpu_count, 0);

	sim_console_clear();
	assert_int_equal(hw_discover(NULL, 0, &hw), HV_EINVAL);
	assert_int_equal(console_line_count(), 1);
	free(blob);
}

static void damage_blob_and_check_one_line(const char *fixture, uint32_t seed)
{
	size_t size;
	uint8_t *blob = fixture_load(fixture, &size);
	uint8_t *copy = malloc(size);
	unsigned i, failed = 0;

	print_message("%s: random seed 0x%08x\n", fixture, seed);
	for (i = 0; i < 2000; i++) {
		struct hw_info hw;
		uint32_t r;
		int rc;

		seed ^= seed << 13;
		seed ^= seed >> 17;
		seed ^= seed << 5;
		r = seed;
		memcpy(copy, blob, size);
		copy[r % size] ^= (uint8_t)(1u << (r >> 29));
		sim_console_clear();
		rc = hw_discover(copy, size, &hw);
		if (rc < 0) {
			failed++;
			if (console_line_count() != 1 || !console_has_prefix("error: hw: "))
				fail_msg("rc %d, console:\n%s", rc, sim_hal.console);
		} else if (console_has_prefix("error:")) {
			fail_msg("success with an error line:\n%s", sim_hal.console);
		}
	}
	print_message("%u of 2000 one-bit flips rejected\n", failed);
	free(copy);
	free(blob);
}

static void test_hw_never_logs_more_than_one_line_for_a_damaged_blob(void **state)
{
	damage_blob_and_check_one_line("hw_multi_mem.dtb", 0xc0ffee01);
	damage_blob_and_check_one_line("hw_virtio_mmio.dtb", 0xc0ffee02);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup(test_hw_rejects_a_board_without_gicv3, hwfx_setup),
	    cmocka_unit_test_setup(test_hw_rejects_a_board_without_memory, hwfx_setup),
	    cmocka_unit_test_setup(test_hw_rejects_a_board_without_cpu_nodes, hwfx_setup),
	    cmocka_unit_test_setup(test_hw_rejects_a_board_without_a_cpus_node, hwfx_setup),
	    cmocka_unit_test_setup(test_hw_rejects_more_cpus_than_hv_max_cpus, hwfx_setup),
	    cmocka_unit_test_setup(test_hw_rejects_more_memory_banks_than_the_table, hwfx_setup),
	    cmocka_unit_test_setup(test_hw_rejects_overlapping_memory_banks, hwfx_setup),
	    cmocka_unit_test_setup(test_hw_rejects_memory_reg_that_wraps_or_has_a_bad_length,
				   hwfx_setup),
	    cmocka_unit_test_setup(test_hw_rejects_unterminated_device_type, hwfx_setup),
	    cmocka_unit_test_setup(test_hw_rejects_duplicate_or_invalid_mpidrs, hwfx_setup),
	    cmocka_unit_test_setup(test_hw_rejects_cpu_without_reg, hwfx_setup),
	    cmocka_unit_test_setup(test_hw_rejects_bad_redistributor_region_counts, hwfx_setup),
	    cmocka_unit_test_setup(test_hw_rejects_empty_gic_regions, hwfx_setup),
	    cmocka_unit_test_setup(test_hw_rejects_timer_with_too_few_or_non_ppi_interrupts,
				   hwfx_setup),
	    cmocka_unit_test_setup(test_hw_rejects_psci_without_or_with_unknown_method, hwfx_setup),
	    cmocka_unit_test_setup(test_hw_rejects_unterminated_bootargs, hwfx_setup),
	    cmocka_unit_test_setup(test_hw_rejects_uart_interrupts_that_are_not_gic_specifiers,
				   hwfx_setup),
	    cmocka_unit_test_setup(test_hw_rejects_an_invalid_blob_with_one_line, hwfx_setup),
	    cmocka_unit_test_setup(test_hw_never_logs_more_than_one_line_for_a_damaged_blob,
				   hwfx_setup),
	};

	return cmocka_run_group_tests_name("hwinfo_errors", tests, NULL, NULL);
}

// SPDX-License-Identifier: MIT
/* Tests of core/guest_dtb.c: variations of the standard board (no UART, initrd or bootargs,
 * several RAM banks, MPIDRs with Aff3, PSCI by SMC, every limit reached exactly) and output that
 * does not depend on what the buffer held. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <core/err.h>
#include <core/fdt.h>
#include <core/guest_dtb.h>
#include <core/hwinfo.h>
#include <core/lib.h>
#include <core/vm.h>

#include "fixture.h"
#include "guest_dtb_fixture.h"

/* --- variations of the board --- */

static void test_guest_dtb_without_uart_initrd_or_bootargs_leaves_them_out(void **state)
{
	struct guest_dtb_config cfg;
	struct hw_info hw;
	size_t size;
	struct fdt f;
	uint8_t *blob;
	int chosen;

	gdtbfx_board(&cfg, 1, 0);
	cfg.uart.reg.size = 0;
	cfg.bootargs = NULL;
	cfg.initrd_start = cfg.initrd_end = 0;
	cfg.gic.maint_intid = 0;
	blob = gdtbfx_build_open(&cfg, &size, &f);
	assert_int_equal(fdt_find_compatible(&f, -1, "arm,pl011"), HV_ENOENT);
	assert_int_equal(fdt_find_path(&f, "/apb-pclk"), HV_ENOENT);
	assert_int_equal(fdt_find_path(&f, "/aliases"), HV_ENOENT);
	assert_int_equal(
	    fdt_get_prop(&f, gdtbfx_node_at(&f, "/intc"), "interrupts", &(struct fdt_prop){0}),
	    HV_ENOENT);
	chosen = gdtbfx_node_at(&f, "/chosen");
	assert_int_equal(fdt_first_prop(&f, chosen), HV_ENOENT);
	assert_int_equal(hw_discover(blob, size, &hw), 0);
	assert_false(hw.uart.present);
	assert_string_equal(hw.bootargs, "");
	free(blob);

	/* An empty command line is no command line. */
	gdtbfx_board(&cfg, 1, 0);
	cfg.bootargs = "";
	blob = gdtbfx_build_open(&cfg, &size, &f);
	assert_int_equal(
	    fdt_get_prop(&f, gdtbfx_node_at(&f, "/chosen"), "bootargs", &(struct fdt_prop){0}),
	    HV_ENOENT);
	free(blob);
}

static void test_guest_dtb_writes_one_memory_node_per_bank(void **state)
{
	struct guest_dtb_config cfg;
	size_t size;
	struct fdt f;
	uint8_t *blob;
	unsigned i;

	gdtbfx_board(&cfg, 2, 0);
	cfg.ram_count = GUEST_DTB_MAX_RAM;
	for (i = 0; i < GUEST_DTB_MAX_RAM; i++) {
		cfg.ram[i].base = VM_RAM_BASE + i * SZ_1G;
		cfg.ram[i].size = (i + 1) * 64 * MIB;
	}
	cfg.initrd_start = VM_RAM_BASE + 3 * SZ_1G;
	cfg.initrd_end = cfg.initrd_start + 4 * MIB;
	blob = gdtbfx_build_open(&cfg, &size, &f);
	gdtbfx_assert_reg(&f, "/memory@40000000", 0, VM_RAM_BASE, 64 * MIB);
	gdtbfx_assert_reg(&f, "/memory@100000000", 0, VM_RAM_BASE + 3 * SZ_1G, 256 * MIB);
	gdtbfx_check_discovery(&cfg, blob, size);
	free(blob);
}

static void test_guest_dtb_uses_two_address_cells_for_mpidrs_with_aff3(void **state)
{
	struct guest_dtb_config cfg;
	size_t size;
	struct fdt f;
	uint8_t *blob;

	gdtbfx_board(&cfg, 3, 0);
	cfg.mpidr[0] = 0x0000000100ULL; /* Aff1 = 1 */
	cfg.mpidr[1] = 0x0100000000ULL; /* Aff3 = 1 */
	cfg.mpidr[2] = 0xff00ffffffULL;
	blob = gdtbfx_build_open(&cfg, &size, &f);
	gdtbfx_assert_u32_prop(&f, "/cpus", "#address-cells", 2);
	gdtbfx_node_at(&f, "/cpus/cpu@100000000");
	gdtbfx_node_at(&f, "/cpus/cpu@ff00ffffff");
	assert_int_equal(fixture_get_be32(blob + 28), 0x100);
	gdtbfx_check_discovery(&cfg, blob, size);
	free(blob);
}

static void test_guest_dtb_writes_psci_method_smc(void **state)
{
	struct guest_dtb_config cfg;
	size_t size;
	struct fdt f;
	uint8_t *blob;

	gdtbfx_board(&cfg, 1, 0);
	cfg.psci = GUEST_DTB_PSCI_SMC;
	blob = gdtbfx_build_open(&cfg, &size, &f);
	gdtbfx_assert_string_prop(&f, "/psci", "method", "smc");
	gdtbfx_check_discovery(&cfg, blob, size);
	free(blob);
}

static void test_guest_dtb_accepts_the_limits_exactly(void **state)
{
	struct guest_dtb_config cfg;
	char *args = malloc(GUEST_DTB_BOOTARGS_MAX + 1);
	size_t size;
	struct fdt f;
	uint8_t *blob;

	/* The largest board: every table full, SPIs up to the vGIC's last. */
	gdtbfx_board(&cfg, GUEST_DTB_MAX_VCPUS, GUEST_DTB_MAX_VIRTIO);
	memset(args, 'a', GUEST_DTB_BOOTARGS_MAX);
	args[GUEST_DTB_BOOTARGS_MAX] = '\0';
	cfg.bootargs = args;
	cfg.gic.nr_spis = VIRTIO_INTID + GUEST_DTB_MAX_VIRTIO - 32;
	cfg.initrd_start = VM_RAM_BASE;
	cfg.initrd_end = VM_RAM_BASE + 128 * MIB;
	blob = gdtbfx_build_open(&cfg, &size, &f);
	gdtbfx_assert_string_prop(&f, "/chosen", "bootargs", args);
	print_message("largest board: %zu bytes\n", size);
	free(blob);
	free(args);
}

static void test_guest_dtb_output_is_the_same_whatever_the_buffer_held(void **state)
{
	static uint8_t a[DTB_BUF_SIZE], b[DTB_BUF_SIZE];
	struct guest_dtb_config cfg;
	size_t size_a, size_b;

	gdtbfx_board(&cfg, 4, 4);
	memset(a, 0x00, sizeof(a));
	memset(b, 0xff, sizeof(b));
	assert_int_equal(guest_dtb_build(&cfg, a, sizeof(a), &size_a), 0);
	assert_int_equal(guest_dtb_build(&cfg, b, sizeof(b), &size_b), 0);
	assert_int_equal(size_a, size_b);
	assert_memory_equal(a, b, size_a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup(test_guest_dtb_without_uart_initrd_or_bootargs_leaves_them_out,
				   gdtbfx_setup),
	    cmocka_unit_test_setup(test_guest_dtb_writes_one_memory_node_per_bank, gdtbfx_setup),
	    cmocka_unit_test_setup(test_guest_dtb_uses_two_address_cells_for_mpidrs_with_aff3,
				   gdtbfx_setup),
	    cmocka_unit_test_setup(test_guest_dtb_writes_psci_method_smc, gdtbfx_setup),
	    cmocka_unit_test_setup(test_guest_dtb_accepts_the_limits_exactly, gdtbfx_setup),
	    cmocka_unit_test_setup(test_guest_dtb_output_is_the_same_whatever_the_buffer_held,
				   gdtbfx_setup),
	};

	return cmocka_run_group_tests_name("guest_dtb_variants", tests, NULL, NULL);
}

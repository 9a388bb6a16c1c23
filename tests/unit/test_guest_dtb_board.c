// SPDX-License-Identifier: MIT
/* Tests of core/guest_dtb.c: the guest DTB of the standard board (docs/guest-abi.md, Board) read back
 * with the hypervisor's own host discovery (hw_discover(), which must find the same board) and
 * node by node, property by property with the project's FDT reader. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include <cmocka.h>

#include <core/err.h>
#include <core/fdt.h>
#include <core/guest_dtb.h>
#include <core/lib.h>
#include <core/vm.h>

#include "fixture.h"
#include "guest_dtb_fixture.h"

#define GIC_SPEC_CELLS	 3
#define TIMER_SPEC_CELLS (4 * GIC_SPEC_CELLS)
#define IRQ_EDGE_RISING	 1
#define IRQ_LEVEL_HIGH	 4
#define GIC_SPEC_SPI	 0
#define GIC_SPEC_PPI	 1

/* Property `name` of `path` holds exactly the `n` cells of `want`. */
static void assert_cells_prop(const struct fdt *f, const char *path, const char *name,
			      const uint32_t *want, unsigned n)
{
	struct fdt_prop p;
	unsigned i;

	if (fdt_get_prop(f, gdtbfx_node_at(f, path), name, &p) != 0)
		fail_msg("%s: no property %s", path, name);
	assert_int_equal(p.len, n * 4);
	for (i = 0; i < n; i++) {
		if (fdt_be32(p.val + 4 * i) != want[i])
			fail_msg("%s %s cell %u: 0x%x, want 0x%x", path, name, i,
				 fdt_be32(p.val + 4 * i), want[i]);
	}
}

static void assert_strlist_prop(const struct fdt *f, const char *path, const char *name,
				const char *const *want, unsigned n)
{
	struct fdt_strlist it;
	struct fdt_prop p;
	unsigned i;

	assert_int_equal(fdt_get_prop(f, gdtbfx_node_at(f, path), name, &p), 0);
	assert_int_equal(fdt_strlist_init(&it, &p), 0);
	for (i = 0; i < n; i++)
		assert_string_equal(fdt_strlist_next(&it), want[i]);
	assert_null(fdt_strlist_next(&it));
}

static void test_guest_dtb_hw_discover_finds_the_board_for_1_4_and_8_vcpus(void **state)
{
	static const unsigned vcpus[] = {1, 4, 8};
	unsigned i;

	for (i = 0; i < ARRAY_SIZE(vcpus); i++) {
		struct guest_dtb_config cfg;
		size_t size;
		uint8_t *blob;

		gdtbfx_board(&cfg, vcpus[i], 4);
		blob = gdtbfx_build(&cfg, &size);
		gdtbfx_check_discovery(&cfg, blob, size);
		free(blob);
	}
}

static void test_guest_dtb_root_has_exactly_the_board_nodes(void **state)
{
	static const char *const want[] = {
	    "cpus",
	    "memory@40000000",
	    "intc@8000000",
	    "timer",
	    "psci",
	    "apb-pclk",
	    "pl011@9000000",
	    "virtio_mmio@a000000",
	    "virtio_mmio@a000200",
	    "virtio_mmio@a000400",
	    "aliases",
	    "chosen",
	};
	struct guest_dtb_config cfg;
	size_t size;
	struct fdt f;
	uint8_t *blob;
	unsigned n = 0;
	int node;

	gdtbfx_board(&cfg, 4, 3);
	blob = gdtbfx_build_open(&cfg, &size, &f);
	for (node = fdt_first_child(&f, fdt_root(&f)); node >= 0;
	     node = fdt_next_sibling(&f, node)) {
		assert_true(n < ARRAY_SIZE(want));
		assert_string_equal(fdt_node_name(&f, node, NULL), want[n]);
		n++;
	}
	assert_int_equal(node, HV_ENOENT);
	assert_int_equal(n, ARRAY_SIZE(want));
	free(blob);
}

static void test_guest_dtb_root_cpus_and_memory_read_back(void **state)
{
	struct guest_dtb_config cfg;
	char path[32];
	size_t size;
	struct fdt f;
	uint8_t *blob;
	unsigned i, n = 0;
	int node;

	gdtbfx_board(&cfg, 8, 0);
	blob = gdtbfx_build_open(&cfg, &size, &f);
	assert_int_equal(f.version, 17);
	assert_int_equal(fixture_get_be32(blob + 28), 0); /* boot_cpuid_phys: vCPU 0 */
	gdtbfx_assert_string_prop(&f, "/", "compatible", "linux,dummy-virt");
	gdtbfx_assert_string_prop(&f, "/", "model", "linux,dummy-virt");
	gdtbfx_assert_u32_prop(&f, "/", "#address-cells", 2);
	gdtbfx_assert_u32_prop(&f, "/", "#size-cells", 2);
	gdtbfx_assert_u32_prop(&f, "/", "interrupt-parent", 1);

	gdtbfx_assert_u32_prop(&f, "/cpus", "#address-cells", 1);
	gdtbfx_assert_u32_prop(&f, "/cpus", "#size-cells", 0);
	for (node = fdt_first_child(&f, gdtbfx_node_at(&f, "/cpus")); node >= 0;
	     node = fdt_next_sibling(&f, node))
		n++;
	assert_int_equal(n, 8);
	for (i = 0; i < 8; i++) {
		snprintf(path, sizeof(path), "/cpus/cpu@%u", i);
		gdtbfx_assert_string_prop(&f, path, "device_type", "cpu");
		gdtbfx_assert_string_prop(&f, path, "compatible", "arm,armv8");
		gdtbfx_assert_string_prop(&f, path, "enable-method", "psci");
		gdtbfx_assert_u32_prop(&f, path, "reg", i);
	}

	gdtbfx_assert_string_prop(&f, "/memory@40000000", "device_type", "memory");
	gdtbfx_assert_reg(&f, "/memory@40000000", 0, VM_RAM_BASE, 128 * MIB);
	/* No reservation entries: Linux reserves its own DTB and initrd. */
	assert_int_equal(fdt_mem_rsv(&f, 0, &(uint64_t){0}, &(uint64_t){0}), HV_ENOENT);
	free(blob);
}

static void test_guest_dtb_gic_timer_and_psci_read_back(void **state)
{
	static const uint32_t maint[] = {GIC_SPEC_PPI, 9, IRQ_LEVEL_HIGH};
	static const uint32_t timer[TIMER_SPEC_CELLS] = {
	    GIC_SPEC_PPI, 13, IRQ_LEVEL_HIGH, GIC_SPEC_PPI, 14, IRQ_LEVEL_HIGH,
	    GIC_SPEC_PPI, 11, IRQ_LEVEL_HIGH, GIC_SPEC_PPI, 10, IRQ_LEVEL_HIGH,
	};
	static const char *const timer_compat[] = {"arm,armv8-timer", "arm,armv7-timer"};
	static const char *const psci_compat[] = {"arm,psci-1.0", "arm,psci-0.2", "arm,psci"};
	const char *intc = "/intc@8000000";
	struct guest_dtb_config cfg;
	struct fdt_prop p;
	size_t size;
	struct fdt f;
	uint8_t *blob;

	gdtbfx_board(&cfg, 4, 0);
	blob = gdtbfx_build_open(&cfg, &size, &f);
	gdtbfx_assert_string_prop(&f, intc, "compatible", "arm,gic-v3");
	gdtbfx_assert_u32_prop(&f, intc, "#interrupt-cells", 3);
	assert_int_equal(fdt_get_prop(&f, gdtbfx_node_at(&f, intc), "interrupt-controller", &p), 0);
	assert_int_equal(p.len, 0);
	gdtbfx_assert_reg(&f, intc, 0, VM_GICD_BASE, VM_GICD_SIZE);
	gdtbfx_assert_reg(&f, intc, 1, VM_GICR_BASE, 4 * VM_GICR_STRIDE);
	gdtbfx_assert_u32_prop(&f, intc, "#redistributor-regions", 1);
	assert_cells_prop(&f, intc, "interrupts", maint, ARRAY_SIZE(maint));
	/* The root's interrupt-parent is the GIC. */
	assert_int_equal(fdt_find_phandle(&f, 1), gdtbfx_node_at(&f, intc));

	assert_strlist_prop(&f, "/timer", "compatible", timer_compat, 2);
	assert_cells_prop(&f, "/timer", "interrupts", timer, TIMER_SPEC_CELLS);
	assert_int_equal(fdt_get_prop(&f, gdtbfx_node_at(&f, "/timer"), "always-on", &p), 0);

	assert_strlist_prop(&f, "/psci", "compatible", psci_compat, 3);
	gdtbfx_assert_string_prop(&f, "/psci", "method", "hvc");
	gdtbfx_assert_u32_prop(&f, "/psci", "cpu_on", 0xc4000003u);
	free(blob);
}

/* A VM with the virtual PMU (core/vpmu.c) gets /pmu after /timer, with its PPI; one without
 * gets none (the boards above). A PMU PPI that is not a PPI is refused. */
#define GUEST_DTB_TEST_BUF 65536

static void test_guest_dtb_pmu_node_only_with_a_pmu(void **state)
{
	static const uint32_t pmu[] = {GIC_SPEC_PPI, 7, IRQ_LEVEL_HIGH};
	struct guest_dtb_config cfg;
	size_t size;
	struct fdt f;
	uint8_t *blob;
	int timer;

	gdtbfx_board(&cfg, 2, 0);
	blob = gdtbfx_build_open(&cfg, &size, &f);
	assert_true(fdt_find_path(&f, "/pmu") < 0);
	free(blob);

	cfg.pmu_intid = 23;
	blob = gdtbfx_build_open(&cfg, &size, &f);
	gdtbfx_assert_string_prop(&f, "/pmu", "compatible", "arm,armv8-pmuv3");
	assert_cells_prop(&f, "/pmu", "interrupts", pmu, ARRAY_SIZE(pmu));
	timer = gdtbfx_node_at(&f, "/timer");
	assert_int_equal(fdt_next_sibling(&f, timer), gdtbfx_node_at(&f, "/pmu"));
	free(blob);

	cfg.pmu_intid = 40;
	blob = malloc(GUEST_DTB_TEST_BUF);
	assert_int_equal(guest_dtb_build(&cfg, blob, GUEST_DTB_TEST_BUF, &size), HV_EINVAL);
	free(blob);
}

static void test_guest_dtb_uart_clock_and_virtio_read_back(void **state)
{
	static const uint32_t uart_irq[] = {GIC_SPEC_SPI, 1, IRQ_LEVEL_HIGH};
	static const char *const compat[] = {"arm,pl011", "arm,primecell"};
	static const char *const clock_names[] = {"uartclk", "apb_pclk"};
	struct guest_dtb_config cfg;
	uint32_t clk = 0, clocks[2];
	size_t size;
	struct fdt f;
	uint8_t *blob;
	unsigned i;

	gdtbfx_board(&cfg, 1, 32);
	blob = gdtbfx_build_open(&cfg, &size, &f);
	gdtbfx_assert_string_prop(&f, "/apb-pclk", "compatible", "fixed-clock");
	gdtbfx_assert_u32_prop(&f, "/apb-pclk", "#clock-cells", 0);
	gdtbfx_assert_u32_prop(&f, "/apb-pclk", "clock-frequency", 24000000);
	assert_int_equal(fdt_get_u32(&f, gdtbfx_node_at(&f, "/apb-pclk"), "phandle", &clk), 0);
	assert_int_equal(fdt_find_phandle(&f, clk), gdtbfx_node_at(&f, "/apb-pclk"));

	assert_strlist_prop(&f, PL011_NODE, "compatible", compat, 2);
	gdtbfx_assert_reg(&f, PL011_NODE, 0, VM_PL011_BASE, VM_PL011_SIZE);
	assert_cells_prop(&f, PL011_NODE, "interrupts", uart_irq, 3);
	clocks[0] = clocks[1] = clk;
	assert_cells_prop(&f, PL011_NODE, "clocks", clocks, 2);
	assert_strlist_prop(&f, PL011_NODE, "clock-names", clock_names, 2);

	for (i = 0; i < 32; i++) {
		const uint32_t irq[] = {GIC_SPEC_SPI, 16 + i, IRQ_EDGE_RISING};
		char path[32];
		struct fdt_prop p;

		snprintf(path, sizeof(path), "/virtio_mmio@%llx",
			 (unsigned long long)(VIRTIO_BASE + i * VIRTIO_SIZE));
		gdtbfx_assert_string_prop(&f, path, "compatible", "virtio,mmio");
		gdtbfx_assert_reg(&f, path, 0, VIRTIO_BASE + i * VIRTIO_SIZE, VIRTIO_SIZE);
		assert_cells_prop(&f, path, "interrupts", irq, 3);
		assert_int_equal(fdt_get_prop(&f, gdtbfx_node_at(&f, path), "dma-coherent", &p), 0);
	}
	assert_int_equal(
	    fdt_find_compatible(&f, gdtbfx_node_at(&f, "/virtio_mmio@a003e00"), "virtio,mmio"),
	    HV_ENOENT);
	free(blob);
}

static void test_guest_dtb_chosen_and_aliases_read_back(void **state)
{
	struct guest_dtb_config cfg;
	uint64_t v;
	size_t size;
	struct fdt f;
	uint8_t *blob;
	int chosen;

	gdtbfx_board(&cfg, 2, 1);
	blob = gdtbfx_build_open(&cfg, &size, &f);
	chosen = gdtbfx_node_at(&f, "/chosen");
	gdtbfx_assert_string_prop(&f, "/chosen", "bootargs", BOOTARGS);
	gdtbfx_assert_string_prop(&f, "/chosen", "stdout-path", PL011_NODE);
	gdtbfx_assert_string_prop(&f, "/aliases", "serial0", PL011_NODE);
	/* Two cells each, so Linux reads them as u64. */
	assert_int_equal(fdt_get_u64(&f, chosen, "linux,initrd-start", &v), 0);
	assert_int_equal(v, cfg.initrd_start);
	assert_int_equal(fdt_get_u64(&f, chosen, "linux,initrd-end", &v), 0);
	assert_int_equal(v, cfg.initrd_end);
	assert_int_equal(fdt_get_prop(&f, chosen, "linux,initrd-start", &(struct fdt_prop){0}), 0);
	free(blob);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup(test_guest_dtb_hw_discover_finds_the_board_for_1_4_and_8_vcpus,
				   gdtbfx_setup),
	    cmocka_unit_test_setup(test_guest_dtb_root_has_exactly_the_board_nodes, gdtbfx_setup),
	    cmocka_unit_test_setup(test_guest_dtb_root_cpus_and_memory_read_back, gdtbfx_setup),
	    cmocka_unit_test_setup(test_guest_dtb_gic_timer_and_psci_read_back, gdtbfx_setup),
	    cmocka_unit_test_setup(test_guest_dtb_pmu_node_only_with_a_pmu, gdtbfx_setup),
	    cmocka_unit_test_setup(test_guest_dtb_uart_clock_and_virtio_read_back, gdtbfx_setup),
	    cmocka_unit_test_setup(test_guest_dtb_chosen_and_aliases_read_back, gdtbfx_setup),
	};

	return cmocka_run_group_tests_name("guest_dtb_board", tests, NULL, NULL);
}

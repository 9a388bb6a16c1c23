// SPDX-License-Identifier: MIT
/* Tests of core/guest_dtb.c: guest DTBs for the standard board (DESIGN section 5) read back
 * with the project's FDT reader, with the hypervisor's own host discovery (hw_discover(),
 * which must find the same board) and with dtc; every invalid configuration fails with one
 * log line; a short buffer fails cleanly at every size. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include <core/err.h>
#include <core/fdt.h>
#include <core/guest_dtb.h>
#include <core/hwinfo.h>
#include <core/lib.h>
#include <core/vm.h>
#include <hal-sim/sim_hal.h>

#include "fixture.h"

#define MIB (1ULL << 20)

/* QEMU virt's virtio-mmio slots: 0x200 bytes each from 0x0a000000, SPI 16 + n. */
#define VIRTIO_BASE	 0x0a000000ULL
#define VIRTIO_SIZE	 0x200ULL
#define VIRTIO_INTID	 48
#define GUEST_NR_SPIS	 64
#define MAINT_INTID	 25
#define BOOTARGS	 "console=ttyAMA0 earlycon=pl011,0x9000000 rdinit=/sbin/init"
#define DTB_BUF_SIZE	 16384
#define DTC_OUTPUT_MAX	 65536
#define GIC_SPEC_CELLS	 3
#define TIMER_SPEC_CELLS (4 * GIC_SPEC_CELLS)
#define IRQ_EDGE_RISING	 1
#define IRQ_LEVEL_HIGH	 4
#define GIC_SPEC_SPI	 0
#define GIC_SPEC_PPI	 1
#define PL011_NODE	 "/pl011@9000000"

static int setup(void **state)
{
	sim_hal_reset();
	return 0;
}

/* --- helpers --- */

/* The standard board with `vcpus` vCPUs (MPIDR = vCPU id, as vm.c sets VMPIDR_EL2), 128 MiB
 * of RAM, `virtio` virtio-mmio slots, bootargs and an initrd. */
static void board(struct guest_dtb_config *cfg, unsigned vcpus, unsigned virtio)
{
	unsigned i;

	memset(cfg, 0, sizeof(*cfg));
	cfg->vcpu_count = vcpus;
	for (i = 0; i < vcpus; i++)
		cfg->mpidr[i] = i;
	cfg->ram[0].base = VM_RAM_BASE;
	cfg->ram[0].size = 128 * MIB;
	cfg->ram_count = 1;
	cfg->gic.dist.base = VM_GICD_BASE;
	cfg->gic.dist.size = VM_GICD_SIZE;
	cfg->gic.redist.base = VM_GICR_BASE;
	cfg->gic.redist.size = vcpus * VM_GICR_STRIDE;
	cfg->gic.nr_spis = GUEST_NR_SPIS;
	cfg->gic.maint_intid = MAINT_INTID;
	cfg->uart.reg.base = VM_PL011_BASE;
	cfg->uart.reg.size = VM_PL011_SIZE;
	cfg->uart.intid = VM_PL011_INTID;
	cfg->timer.sec_phys = 29;
	cfg->timer.phys = 30;
	cfg->timer.virt = 27;
	cfg->timer.hyp_phys = 26;
	for (i = 0; i < virtio; i++) {
		cfg->virtio[i].reg.base = VIRTIO_BASE + i * VIRTIO_SIZE;
		cfg->virtio[i].reg.size = VIRTIO_SIZE;
		cfg->virtio[i].intid = VIRTIO_INTID + i;
	}
	cfg->virtio_count = virtio;
	cfg->bootargs = BOOTARGS;
	cfg->initrd_start = VM_RAM_BASE + 64 * MIB;
	cfg->initrd_end = VM_RAM_BASE + 64 * MIB + 0x123456;
	cfg->psci = GUEST_DTB_PSCI_HVC;
}

/* Build into a roomy buffer; return the blob in an exactly-sized one. */
static uint8_t *build(const struct guest_dtb_config *cfg, size_t *size)
{
	static uint8_t buf[DTB_BUF_SIZE];
	int err = guest_dtb_build(cfg, buf, sizeof(buf), size);

	if (err)
		fail_msg("guest_dtb_build: %d\nconsole:\n%s", err, sim_hal.console);
	assert_true(*size > 0 && *size <= sizeof(buf));
	assert_int_equal(console_line_count(), 0);
	return fixture_dup(buf, *size);
}

static uint8_t *build_open(const struct guest_dtb_config *cfg, size_t *size, struct fdt *f)
{
	uint8_t *blob = build(cfg, size);

	if (fdt_open(f, blob, *size) != 0)
		fail_msg("fdt_open: %s at 0x%x", f->err_what, f->err_off);
	return blob;
}

static int node_at(const struct fdt *f, const char *path)
{
	int node = fdt_find_path(f, path);

	if (node < 0)
		fail_msg("no node %s", path);
	return node;
}

static void assert_string_prop(const struct fdt *f, const char *path, const char *name,
			       const char *want)
{
	const char *s;

	if (fdt_get_string(f, node_at(f, path), name, &s) != 0)
		fail_msg("%s: no string property %s", path, name);
	assert_string_equal(s, want);
}

static void assert_u32_prop(const struct fdt *f, const char *path, const char *name, uint32_t want)
{
	uint32_t v;

	if (fdt_get_u32(f, node_at(f, path), name, &v) != 0)
		fail_msg("%s: no u32 property %s", path, name);
	assert_int_equal(v, want);
}

/* Property `name` of `path` holds exactly the `n` cells of `want`. */
static void assert_cells_prop(const struct fdt *f, const char *path, const char *name,
			      const uint32_t *want, unsigned n)
{
	struct fdt_prop p;
	unsigned i;

	if (fdt_get_prop(f, node_at(f, path), name, &p) != 0)
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

	assert_int_equal(fdt_get_prop(f, node_at(f, path), name, &p), 0);
	assert_int_equal(fdt_strlist_init(&it, &p), 0);
	for (i = 0; i < n; i++)
		assert_string_equal(fdt_strlist_next(&it), want[i]);
	assert_null(fdt_strlist_next(&it));
}

static void assert_reg(const struct fdt *f, const char *path, unsigned idx, uint64_t base,
		       uint64_t size)
{
	struct fdt_reg reg;
	uint64_t b, s;

	assert_int_equal(fdt_reg_open(f, node_at(f, path), &reg), 0);
	assert_int_equal(fdt_reg_get(&reg, idx, &b, &s), 0);
	assert_int_equal(b, base);
	assert_int_equal(s, size);
}

/* Fail with the console shown unless it holds exactly one line, equal to `line`. */
static void assert_one_line(const char *line)
{
	if (console_line_count() != 1 || !console_has_line(line))
		fail_msg("expected the single line\n  %s\nconsole:\n%s", line, sim_hal.console);
}

/* Run a device-tree tool on `blob` saved to a temporary file: `cmd` is a command line whose
 * one "%s" is the file's path. Its output (stdout and stderr) in `out`; returns the exit status. */
static int run_tool(const char *cmd, const uint8_t *blob, size_t size, char *out, size_t out_size)
{
	char path[] = "/tmp/test_guest_dtb_XXXXXX";
	char line[256];
	size_t n = 0;
	FILE *fp;
	int fd = mkstemp(path), status;

	assert_true(fd >= 0);
	assert_int_equal(write(fd, blob, size), (ssize_t)size);
	close(fd);
	snprintf(line, sizeof(line), cmd, path);
	strncat(line, " 2>&1", sizeof(line) - strlen(line) - 1);
	fp = popen(line, "r");
	assert_non_null(fp);
	while (n + 1 < out_size && !feof(fp) && !ferror(fp))
		n += fread(out + n, 1, out_size - 1 - n, fp);
	out[n] = '\0';
	status = pclose(fp);
	unlink(path);
	return status;
}

static void assert_dts_has(const char *dts, const char *line)
{
	if (!strstr(dts, line))
		fail_msg("dtc output lacks\n  %s\noutput:\n%s", line, dts);
}

/* --- the board as read back --- */

static void check_discovery(const struct guest_dtb_config *cfg, const uint8_t *blob, size_t size)
{
	struct hw_info hw;
	unsigned i;

	if (hw_discover(blob, size, &hw) != 0)
		fail_msg("hw_discover failed:\n%s", sim_hal.console);
	assert_int_equal(console_line_count(), 0);
	assert_int_equal(hw.mem_count, cfg->ram_count);
	for (i = 0; i < cfg->ram_count; i++) {
		assert_int_equal(hw.mem[i].base, cfg->ram[i].base);
		assert_int_equal(hw.mem[i].size, cfg->ram[i].size);
	}
	assert_int_equal(hw.cpu_count, cfg->vcpu_count);
	for (i = 0; i < cfg->vcpu_count; i++)
		assert_int_equal(hw.cpu_mpidr[i], cfg->mpidr[i]);
	assert_int_equal(hw.gicd.base, cfg->gic.dist.base);
	assert_int_equal(hw.gicd.size, cfg->gic.dist.size);
	assert_int_equal(hw.gicr_count, 1);
	assert_int_equal(hw.gicr[0].base, cfg->gic.redist.base);
	assert_int_equal(hw.gicr[0].size, cfg->gic.redist.size);
	assert_true(hw.uart.present);
	assert_int_equal(hw.uart.reg.base, cfg->uart.reg.base);
	assert_int_equal(hw.uart.reg.size, cfg->uart.reg.size);
	assert_int_equal(hw.uart.intid, cfg->uart.intid);
	assert_int_equal(hw.timer.sec_phys, cfg->timer.sec_phys);
	assert_int_equal(hw.timer.phys, cfg->timer.phys);
	assert_int_equal(hw.timer.virt, cfg->timer.virt);
	assert_int_equal(hw.timer.hyp_phys, cfg->timer.hyp_phys);
	assert_int_equal(hw.timer.hyp_virt, 0);
	assert_int_equal(hw.psci, cfg->psci == GUEST_DTB_PSCI_HVC ? HW_PSCI_HVC : HW_PSCI_SMC);
	assert_string_equal(hw.bootargs, cfg->bootargs ? cfg->bootargs : "");
}

static void test_guest_dtb_hw_discover_finds_the_board_for_1_4_and_8_vcpus(void **state)
{
	static const unsigned vcpus[] = {1, 4, 8};
	unsigned i;

	for (i = 0; i < ARRAY_SIZE(vcpus); i++) {
		struct guest_dtb_config cfg;
		size_t size;
		uint8_t *blob;

		board(&cfg, vcpus[i], 4);
		blob = build(&cfg, &size);
		check_discovery(&cfg, blob, size);
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

	board(&cfg, 4, 3);
	blob = build_open(&cfg, &size, &f);
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

	board(&cfg, 8, 0);
	blob = build_open(&cfg, &size, &f);
	assert_int_equal(f.version, 17);
	assert_int_equal(fixture_get_be32(blob + 28), 0); /* boot_cpuid_phys: vCPU 0 */
	assert_string_prop(&f, "/", "compatible", "linux,dummy-virt");
	assert_string_prop(&f, "/", "model", "linux,dummy-virt");
	assert_u32_prop(&f, "/", "#address-cells", 2);
	assert_u32_prop(&f, "/", "#size-cells", 2);
	assert_u32_prop(&f, "/", "interrupt-parent", 1);

	assert_u32_prop(&f, "/cpus", "#address-cells", 1);
	assert_u32_prop(&f, "/cpus", "#size-cells", 0);
	for (node = fdt_first_child(&f, node_at(&f, "/cpus")); node >= 0;
	     node = fdt_next_sibling(&f, node))
		n++;
	assert_int_equal(n, 8);
	for (i = 0; i < 8; i++) {
		snprintf(path, sizeof(path), "/cpus/cpu@%u", i);
		assert_string_prop(&f, path, "device_type", "cpu");
		assert_string_prop(&f, path, "compatible", "arm,armv8");
		assert_string_prop(&f, path, "enable-method", "psci");
		assert_u32_prop(&f, path, "reg", i);
	}

	assert_string_prop(&f, "/memory@40000000", "device_type", "memory");
	assert_reg(&f, "/memory@40000000", 0, VM_RAM_BASE, 128 * MIB);
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

	board(&cfg, 4, 0);
	blob = build_open(&cfg, &size, &f);
	assert_string_prop(&f, intc, "compatible", "arm,gic-v3");
	assert_u32_prop(&f, intc, "#interrupt-cells", 3);
	assert_int_equal(fdt_get_prop(&f, node_at(&f, intc), "interrupt-controller", &p), 0);
	assert_int_equal(p.len, 0);
	assert_reg(&f, intc, 0, VM_GICD_BASE, VM_GICD_SIZE);
	assert_reg(&f, intc, 1, VM_GICR_BASE, 4 * VM_GICR_STRIDE);
	assert_u32_prop(&f, intc, "#redistributor-regions", 1);
	assert_cells_prop(&f, intc, "interrupts", maint, ARRAY_SIZE(maint));
	/* The root's interrupt-parent is the GIC. */
	assert_int_equal(fdt_find_phandle(&f, 1), node_at(&f, intc));

	assert_strlist_prop(&f, "/timer", "compatible", timer_compat, 2);
	assert_cells_prop(&f, "/timer", "interrupts", timer, TIMER_SPEC_CELLS);
	assert_int_equal(fdt_get_prop(&f, node_at(&f, "/timer"), "always-on", &p), 0);

	assert_strlist_prop(&f, "/psci", "compatible", psci_compat, 3);
	assert_string_prop(&f, "/psci", "method", "hvc");
	assert_u32_prop(&f, "/psci", "cpu_on", 0xc4000003u);
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

	board(&cfg, 1, 32);
	blob = build_open(&cfg, &size, &f);
	assert_string_prop(&f, "/apb-pclk", "compatible", "fixed-clock");
	assert_u32_prop(&f, "/apb-pclk", "#clock-cells", 0);
	assert_u32_prop(&f, "/apb-pclk", "clock-frequency", 24000000);
	assert_int_equal(fdt_get_u32(&f, node_at(&f, "/apb-pclk"), "phandle", &clk), 0);
	assert_int_equal(fdt_find_phandle(&f, clk), node_at(&f, "/apb-pclk"));

	assert_strlist_prop(&f, PL011_NODE, "compatible", compat, 2);
	assert_reg(&f, PL011_NODE, 0, VM_PL011_BASE, VM_PL011_SIZE);
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
		assert_string_prop(&f, path, "compatible", "virtio,mmio");
		assert_reg(&f, path, 0, VIRTIO_BASE + i * VIRTIO_SIZE, VIRTIO_SIZE);
		assert_cells_prop(&f, path, "interrupts", irq, 3);
		assert_int_equal(fdt_get_prop(&f, node_at(&f, path), "dma-coherent", &p), 0);
	}
	assert_int_equal(
	    fdt_find_compatible(&f, node_at(&f, "/virtio_mmio@a003e00"), "virtio,mmio"), HV_ENOENT);
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

	board(&cfg, 2, 1);
	blob = build_open(&cfg, &size, &f);
	chosen = node_at(&f, "/chosen");
	assert_string_prop(&f, "/chosen", "bootargs", BOOTARGS);
	assert_string_prop(&f, "/chosen", "stdout-path", PL011_NODE);
	assert_string_prop(&f, "/aliases", "serial0", PL011_NODE);
	/* Two cells each, so Linux reads them as u64. */
	assert_int_equal(fdt_get_u64(&f, chosen, "linux,initrd-start", &v), 0);
	assert_int_equal(v, cfg.initrd_start);
	assert_int_equal(fdt_get_u64(&f, chosen, "linux,initrd-end", &v), 0);
	assert_int_equal(v, cfg.initrd_end);
	assert_int_equal(fdt_get_prop(&f, chosen, "linux,initrd-start", &(struct fdt_prop){0}), 0);
	free(blob);
}

static void test_guest_dtb_decompiles_with_dtc(void **state)
{
	static const char *const lines[] = {
	    "compatible = \"linux,dummy-virt\";",
	    "compatible = \"arm,gic-v3\";",
	    "#interrupt-cells = <0x03>;",
	    "interrupt-controller;",
	    "#redistributor-regions = <0x01>;",
	    "reg = <0x00 0x8000000 0x00 0x10000 0x00 0x80a0000 0x00 0x80000>;",
	    "cpu@3 {",
	    "enable-method = \"psci\";",
	    "device_type = \"memory\";",
	    "reg = <0x00 0x40000000 0x00 0x8000000>;",
	    "interrupts = <0x01 0x0d 0x04 0x01 0x0e 0x04 0x01 0x0b 0x04 0x01 0x0a 0x04>;",
	    "compatible = \"arm,pl011\\0arm,primecell\";",
	    "interrupts = <0x00 0x01 0x04>;",
	    "clock-names = \"uartclk\\0apb_pclk\";",
	    "method = \"hvc\";",
	    "virtio_mmio@a000200 {",
	    "interrupts = <0x00 0x11 0x01>;",
	    "dma-coherent;",
	    "stdout-path = \"/pl011@9000000\";",
	    "serial0 = \"/pl011@9000000\";",
	    "bootargs = \"" BOOTARGS "\";",
	    "linux,initrd-start = <0x00 0x44000000>;",
	};
	static char dts[DTC_OUTPUT_MAX];
	struct guest_dtb_config cfg;
	size_t size;
	uint8_t *blob;
	unsigned i;

	board(&cfg, 4, 2);
	blob = build(&cfg, &size);
	if (run_tool("dtc -I dtb -O dts %s", blob, size, dts, sizeof(dts)) != 0)
		fail_msg("dtc failed:\n%s", dts);
	/* dtc's own checks (unit addresses, cells, phandles) find nothing to warn about. */
	if (strstr(dts, "Warning") || strstr(dts, "ERROR"))
		fail_msg("dtc complained:\n%s", dts);
	for (i = 0; i < ARRAY_SIZE(lines); i++)
		assert_dts_has(dts, lines[i]);
	free(blob);
}

/* libfdt (what Linux parses the DTB with, here inside fdtget) reads the same values. */
static void test_guest_dtb_reads_back_with_libfdt_fdtget(void **state)
{
	static const struct {
		const char *args, *want;
	} cases[] = {
	    {"-t s %s /chosen bootargs", BOOTARGS "\n"},
	    {"-t s %s /chosen stdout-path", PL011_NODE "\n"},
	    {"-t x %s /intc@8000000 reg", "0 8000000 0 10000 0 80a0000 0 20000\n"},
	    {"-t x %s /cpus/cpu@0 reg", "0\n"},
	    {"-t x %s /pl011@9000000 interrupts", "0 1 4\n"},
	    {"-t s %s /psci method", "hvc\n"},
	    {"-l %s /", "cpus\nmemory@40000000\nintc@8000000\ntimer\npsci\napb-pclk\n"
			"pl011@9000000\nvirtio_mmio@a000000\naliases\nchosen\n"},
	};
	static char out[DTC_OUTPUT_MAX];
	struct guest_dtb_config cfg;
	char cmd[64];
	size_t size;
	uint8_t *blob;
	unsigned i;

	board(&cfg, 1, 1);
	blob = build(&cfg, &size);
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		snprintf(cmd, sizeof(cmd), "fdtget %s", cases[i].args);
		if (run_tool(cmd, blob, size, out, sizeof(out)) != 0)
			fail_msg("%s failed:\n%s", cmd, out);
		assert_string_equal(out, cases[i].want);
	}
	free(blob);
}

/* --- variations of the board --- */

static void test_guest_dtb_without_uart_initrd_or_bootargs_leaves_them_out(void **state)
{
	struct guest_dtb_config cfg;
	struct hw_info hw;
	size_t size;
	struct fdt f;
	uint8_t *blob;
	int chosen;

	board(&cfg, 1, 0);
	cfg.uart.reg.size = 0;
	cfg.bootargs = NULL;
	cfg.initrd_start = cfg.initrd_end = 0;
	cfg.gic.maint_intid = 0;
	blob = build_open(&cfg, &size, &f);
	assert_int_equal(fdt_find_compatible(&f, -1, "arm,pl011"), HV_ENOENT);
	assert_int_equal(fdt_find_path(&f, "/apb-pclk"), HV_ENOENT);
	assert_int_equal(fdt_find_path(&f, "/aliases"), HV_ENOENT);
	assert_int_equal(
	    fdt_get_prop(&f, node_at(&f, "/intc"), "interrupts", &(struct fdt_prop){0}), HV_ENOENT);
	chosen = node_at(&f, "/chosen");
	assert_int_equal(fdt_first_prop(&f, chosen), HV_ENOENT);
	assert_int_equal(hw_discover(blob, size, &hw), 0);
	assert_false(hw.uart.present);
	assert_string_equal(hw.bootargs, "");
	free(blob);

	/* An empty command line is no command line. */
	board(&cfg, 1, 0);
	cfg.bootargs = "";
	blob = build_open(&cfg, &size, &f);
	assert_int_equal(
	    fdt_get_prop(&f, node_at(&f, "/chosen"), "bootargs", &(struct fdt_prop){0}), HV_ENOENT);
	free(blob);
}

static void test_guest_dtb_writes_one_memory_node_per_bank(void **state)
{
	struct guest_dtb_config cfg;
	size_t size;
	struct fdt f;
	uint8_t *blob;
	unsigned i;

	board(&cfg, 2, 0);
	cfg.ram_count = GUEST_DTB_MAX_RAM;
	for (i = 0; i < GUEST_DTB_MAX_RAM; i++) {
		cfg.ram[i].base = VM_RAM_BASE + i * SZ_1G;
		cfg.ram[i].size = (i + 1) * 64 * MIB;
	}
	cfg.initrd_start = VM_RAM_BASE + 3 * SZ_1G;
	cfg.initrd_end = cfg.initrd_start + 4 * MIB;
	blob = build_open(&cfg, &size, &f);
	assert_reg(&f, "/memory@40000000", 0, VM_RAM_BASE, 64 * MIB);
	assert_reg(&f, "/memory@100000000", 0, VM_RAM_BASE + 3 * SZ_1G, 256 * MIB);
	check_discovery(&cfg, blob, size);
	free(blob);
}

static void test_guest_dtb_uses_two_address_cells_for_mpidrs_with_aff3(void **state)
{
	struct guest_dtb_config cfg;
	size_t size;
	struct fdt f;
	uint8_t *blob;

	board(&cfg, 3, 0);
	cfg.mpidr[0] = 0x0000000100ULL; /* Aff1 = 1 */
	cfg.mpidr[1] = 0x0100000000ULL; /* Aff3 = 1 */
	cfg.mpidr[2] = 0xff00ffffffULL;
	blob = build_open(&cfg, &size, &f);
	assert_u32_prop(&f, "/cpus", "#address-cells", 2);
	node_at(&f, "/cpus/cpu@100000000");
	node_at(&f, "/cpus/cpu@ff00ffffff");
	assert_int_equal(fixture_get_be32(blob + 28), 0x100);
	check_discovery(&cfg, blob, size);
	free(blob);
}

static void test_guest_dtb_writes_psci_method_smc(void **state)
{
	struct guest_dtb_config cfg;
	size_t size;
	struct fdt f;
	uint8_t *blob;

	board(&cfg, 1, 0);
	cfg.psci = GUEST_DTB_PSCI_SMC;
	blob = build_open(&cfg, &size, &f);
	assert_string_prop(&f, "/psci", "method", "smc");
	check_discovery(&cfg, blob, size);
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
	board(&cfg, GUEST_DTB_MAX_VCPUS, GUEST_DTB_MAX_VIRTIO);
	memset(args, 'a', GUEST_DTB_BOOTARGS_MAX);
	args[GUEST_DTB_BOOTARGS_MAX] = '\0';
	cfg.bootargs = args;
	cfg.gic.nr_spis = VIRTIO_INTID + GUEST_DTB_MAX_VIRTIO - 32;
	cfg.initrd_start = VM_RAM_BASE;
	cfg.initrd_end = VM_RAM_BASE + 128 * MIB;
	blob = build_open(&cfg, &size, &f);
	assert_string_prop(&f, "/chosen", "bootargs", args);
	print_message("largest board: %zu bytes\n", size);
	free(blob);
	free(args);
}

static void test_guest_dtb_output_is_the_same_whatever_the_buffer_held(void **state)
{
	static uint8_t a[DTB_BUF_SIZE], b[DTB_BUF_SIZE];
	struct guest_dtb_config cfg;
	size_t size_a, size_b;

	board(&cfg, 4, 4);
	memset(a, 0x00, sizeof(a));
	memset(b, 0xff, sizeof(b));
	assert_int_equal(guest_dtb_build(&cfg, a, sizeof(a), &size_a), 0);
	assert_int_equal(guest_dtb_build(&cfg, b, sizeof(b), &size_b), 0);
	assert_int_equal(size_a, size_b);
	assert_memory_equal(a, b, size_a);
}

/* --- failures --- */

static void test_guest_dtb_fails_cleanly_at_every_short_buffer_size(void **state)
{
	struct guest_dtb_config cfg;
	size_t full, size, used;
	uint8_t *ref;

	board(&cfg, 8, 8);
	ref = build(&cfg, &full);
	for (size = 0; size < full; size++) {
		uint8_t *buf = malloc(size); /* exactly sized: ASan sees any overrun */
		char line[96];

		sim_hal_reset();
		used = 7;
		assert_int_equal(guest_dtb_build(&cfg, buf, size, &used), HV_ENOMEM);
		assert_int_equal(used, 7);
		snprintf(line, sizeof(line), "error: guest dtb: a buffer of %zu bytes is too small",
			 size);
		assert_one_line(line);
		free(buf);
	}
	{
		uint8_t *buf = malloc(full);

		assert_int_equal(guest_dtb_build(&cfg, buf, full, &used), 0);
		assert_int_equal(used, full);
		assert_memory_equal(buf, ref, full);
		free(buf);
	}
	free(ref);
}

static void mpidr_outside_affinity(struct guest_dtb_config *c)
{
	c->mpidr[1] = 1ULL << 24; /* bit 24 is MT/U territory, not affinity */
}
static void mpidr_repeated(struct guest_dtb_config *c)
{
	c->mpidr[2] = c->mpidr[0];
}
static void no_vcpus(struct guest_dtb_config *c)
{
	c->vcpu_count = 0;
}
static void too_many_vcpus(struct guest_dtb_config *c)
{
	c->vcpu_count = GUEST_DTB_MAX_VCPUS + 1;
}
static void no_ram(struct guest_dtb_config *c)
{
	c->ram_count = 0;
}
static void too_many_banks(struct guest_dtb_config *c)
{
	c->ram_count = GUEST_DTB_MAX_RAM + 1;
}
static void empty_bank(struct guest_dtb_config *c)
{
	c->ram[0].size = 0;
}
static void wrapping_bank(struct guest_dtb_config *c)
{
	c->ram[0].base = 0xfffffffff0000000ULL;
	c->ram[0].size = 0x10000000ULL; /* ends exactly at 2^64: not expressible */
}
static void ram_over_gicd(struct guest_dtb_config *c)
{
	c->ram[0].base = 0x08000000ULL;
}
static void uart_inside_redist(struct guest_dtb_config *c)
{
	c->uart.reg.base = VM_GICR_BASE + 0x1000;
}
static void virtio_overlapping_virtio(struct guest_dtb_config *c)
{
	c->virtio[1].reg.base = c->virtio[0].reg.base + 0x100;
}
static void redist_too_small(struct guest_dtb_config *c)
{
	c->gic.redist.size = 3 * VM_GICR_STRIDE;
}
static void timer_not_a_ppi(struct guest_dtb_config *c)
{
	c->timer.virt = 32;
}
static void timer_ppis_repeated(struct guest_dtb_config *c)
{
	c->timer.phys = 27;
}
static void maint_is_timer(struct guest_dtb_config *c)
{
	c->gic.maint_intid = 26;
}
static void uart_intid_is_ppi(struct guest_dtb_config *c)
{
	c->uart.intid = 27;
}
static void virtio_intid_past_vgic(struct guest_dtb_config *c)
{
	c->virtio[3].intid = 32 + GUEST_NR_SPIS;
}
static void virtio_intid_is_uart(struct guest_dtb_config *c)
{
	c->virtio[2].intid = VM_PL011_INTID;
}
static void virtio_intid_repeated(struct guest_dtb_config *c)
{
	c->virtio[3].intid = c->virtio[1].intid;
}
static void too_many_spis(struct guest_dtb_config *c)
{
	c->gic.nr_spis = 989;
}
static void no_spis(struct guest_dtb_config *c)
{
	c->gic.nr_spis = 0;
}
static void too_many_virtio(struct guest_dtb_config *c)
{
	c->virtio_count = GUEST_DTB_MAX_VIRTIO + 1;
}
static void bad_psci(struct guest_dtb_config *c)
{
	c->psci = (enum guest_dtb_psci)7;
}
static void bootargs_too_long(struct guest_dtb_config *c)
{
	static char args[GUEST_DTB_BOOTARGS_MAX + 2];

	memset(args, 'x', GUEST_DTB_BOOTARGS_MAX + 1);
	c->bootargs = args;
}
static void initrd_outside_ram(struct guest_dtb_config *c)
{
	c->initrd_end = VM_RAM_BASE + 128 * MIB + 1;
}
static void initrd_empty(struct guest_dtb_config *c)
{
	c->initrd_end = c->initrd_start;
}

static void test_guest_dtb_rejects_invalid_configs_with_one_line(void **state)
{
	static const struct {
		void (*mutate)(struct guest_dtb_config *c);
		const char *line;
	} cases[] = {
	    {no_vcpus, "vcpu_count 0 is not 1..8"},
	    {too_many_vcpus, "vcpu_count 9 is not 1..8"},
	    {mpidr_outside_affinity, "mpidr[1] 0x1000000 has bits outside Aff3..Aff0"},
	    {mpidr_repeated, "mpidr[2] 0x0 repeats mpidr[0]"},
	    {no_ram, "ram_count 0 is not 1..4"},
	    {too_many_banks, "ram_count 5 is not 1..4"},
	    {empty_bank, "ram[0]: size is 0"},
	    {wrapping_bank, "ram[0]: 0xfffffffff0000000 + 0x10000000 wraps around"},
	    {ram_over_gicd, "gic.dist [0x8000000, 0x8010000) overlaps ram[0] [0x8000000, "
			    "0x10000000)"},
	    {uart_inside_redist, "uart [0x80a1000, 0x80a2000) overlaps gic.redist [0x80a0000, "
				 "0x8120000)"},
	    {virtio_overlapping_virtio, "virtio[1] [0xa000100, 0xa000300) overlaps virtio[0] "
					"[0xa000000, 0xa000200)"},
	    {redist_too_small, "gic.redist: 0x60000 bytes hold fewer than 4 redistributors of "
			       "128 KiB"},
	    {timer_not_a_ppi, "timer.virt: intid 32 is not a PPI (16..31)"},
	    {timer_ppis_repeated, "timer.virt: intid 27 is used twice"},
	    {maint_is_timer, "gic.maint: intid 26 is used twice"},
	    {uart_intid_is_ppi, "uart: intid 27 is not one of the vGIC's SPIs (32..95)"},
	    {virtio_intid_past_vgic, "virtio[3]: intid 96 is not one of the vGIC's SPIs (32..95)"},
	    {virtio_intid_is_uart, "virtio[2]: intid 33 is the uart's"},
	    {virtio_intid_repeated, "virtio[3]: intid 49 is virtio[1]'s"},
	    {too_many_spis, "gic.nr_spis 989 is more than 988"},
	    {no_spis, "uart: intid 33, but the vGIC has no SPIs"},
	    {too_many_virtio, "virtio_count 33 is more than 32"},
	    {bad_psci, "psci method 7 is neither hvc nor smc"},
	    {bootargs_too_long, "bootargs longer than 2047 bytes"},
	    {initrd_outside_ram, "initrd [0x44000000, 0x48000001) is empty or not inside one RAM "
				 "bank"},
	    {initrd_empty, "initrd [0x44000000, 0x44000000) is empty or not inside one RAM bank"},
	};
	static uint8_t buf[DTB_BUF_SIZE];
	unsigned i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		struct guest_dtb_config cfg;
		char line[LOG_LINE_MAX];
		size_t used = 99;

		board(&cfg, 4, 4);
		cfg.initrd_end = cfg.initrd_start + 0x4000000;
		cases[i].mutate(&cfg);
		sim_hal_reset();
		memset(buf, 0x5a, sizeof(buf));
		assert_int_equal(guest_dtb_build(&cfg, buf, sizeof(buf), &used), HV_EINVAL);
		assert_int_equal(used, 99);
		/* Nothing written: a rejected board leaves the buffer as it was. */
		assert_int_equal(buf[0], 0x5a);
		snprintf(line, sizeof(line), "error: guest dtb: %s", cases[i].line);
		assert_one_line(line);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup(test_guest_dtb_hw_discover_finds_the_board_for_1_4_and_8_vcpus,
				   setup),
	    cmocka_unit_test_setup(test_guest_dtb_root_has_exactly_the_board_nodes, setup),
	    cmocka_unit_test_setup(test_guest_dtb_root_cpus_and_memory_read_back, setup),
	    cmocka_unit_test_setup(test_guest_dtb_gic_timer_and_psci_read_back, setup),
	    cmocka_unit_test_setup(test_guest_dtb_uart_clock_and_virtio_read_back, setup),
	    cmocka_unit_test_setup(test_guest_dtb_chosen_and_aliases_read_back, setup),
	    cmocka_unit_test_setup(test_guest_dtb_decompiles_with_dtc, setup),
	    cmocka_unit_test_setup(test_guest_dtb_reads_back_with_libfdt_fdtget, setup),
	    cmocka_unit_test_setup(test_guest_dtb_without_uart_initrd_or_bootargs_leaves_them_out,
				   setup),
	    cmocka_unit_test_setup(test_guest_dtb_writes_one_memory_node_per_bank, setup),
	    cmocka_unit_test_setup(test_guest_dtb_uses_two_address_cells_for_mpidrs_with_aff3,
				   setup),
	    cmocka_unit_test_setup(test_guest_dtb_writes_psci_method_smc, setup),
	    cmocka_unit_test_setup(test_guest_dtb_accepts_the_limits_exactly, setup),
	    cmocka_unit_test_setup(test_guest_dtb_output_is_the_same_whatever_the_buffer_held,
				   setup),
	    cmocka_unit_test_setup(test_guest_dtb_fails_cleanly_at_every_short_buffer_size, setup),
	    cmocka_unit_test_setup(test_guest_dtb_rejects_invalid_configs_with_one_line, setup),
	};

	return cmocka_run_group_tests_name("guest_dtb", tests, NULL, NULL);
}

// SPDX-License-Identifier: MIT
/* Tests of core/hwinfo.c: discovery from QEMU virt DTBs and hand-written boards, the banner
 * hw_print() writes, and the single error line for every broken or incomplete board. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <core/err.h>
#include <core/hwinfo.h>
#include <core/lib.h>
#include <core/log.h>
#include <hal-sim/sim_hal.h>

#include "fixture.h"

#define MIB (1ULL << 20)

static int setup(void **state)
{
	sim_hal_reset();
	return 0;
}

static int discover_fixture(const char *name, struct hw_info *hw)
{
	size_t size;
	uint8_t *blob = fixture_load(name, &size);
	int rc = hw_discover(blob, size, hw);

	free(blob);
	return rc;
}

/* Fail with the console shown unless it holds exactly one line, equal to `line`. */
static void assert_one_line(const char *line)
{
	if (console_line_count() != 1 || !console_has_line(line))
		fail_msg("expected the single line\n  %s\nconsole:\n%s", line, sim_hal.console);
}

static void assert_console_line(const char *line)
{
	if (!console_has_line(line))
		fail_msg("expected the line\n  %s\nconsole:\n%s", line, sim_hal.console);
}

/* --- a small board builder on top of fdtb --- */

#define GIC_PHANDLE 1

static struct fdtb *board_begin(void)
{
	struct fdtb *b = fdtb_new();

	fdtb_begin_node(b, "");
	fdtb_prop_u32(b, "#address-cells", 2);
	fdtb_prop_u32(b, "#size-cells", 2);
	fdtb_prop_u32(b, "interrupt-parent", GIC_PHANDLE);
	return b;
}

static void board_memory(struct fdtb *b, uint64_t base, uint64_t size)
{
	char name[64];

	snprintf(name, sizeof(name), "memory@%llx", (unsigned long long)base);
	fdtb_begin_node(b, name);
	fdtb_prop_str(b, "device_type", "memory");
	FDTB_CELLS(b, "reg", (uint32_t)(base >> 32), (uint32_t)base, (uint32_t)(size >> 32),
		   (uint32_t)size);
	fdtb_end_node(b);
}

static void board_cpu(struct fdtb *b, uint32_t mpidr)
{
	char name[32];

	snprintf(name, sizeof(name), "cpu@%x", mpidr);
	fdtb_begin_node(b, name);
	fdtb_prop_str(b, "device_type", "cpu");
	fdtb_prop_u32(b, "reg", mpidr);
	fdtb_end_node(b);
}

static void board_cpus_begin(struct fdtb *b)
{
	fdtb_begin_node(b, "cpus");
	fdtb_prop_u32(b, "#address-cells", 1);
	fdtb_prop_u32(b, "#size-cells", 0);
}

static void board_cpus(struct fdtb *b, unsigned n)
{
	unsigned i;

	board_cpus_begin(b);
	for (i = 0; i < n; i++)
		board_cpu(b, i);
	fdtb_end_node(b);
}

static void board_gic_begin(struct fdtb *b)
{
	fdtb_begin_node(b, "intc@8000000");
	fdtb_prop_str(b, "compatible", "arm,gic-v3");
	fdtb_prop_u32(b, "#interrupt-cells", 3);
	fdtb_prop(b, "interrupt-controller", NULL, 0);
	fdtb_prop_u32(b, "phandle", GIC_PHANDLE);
}

static void board_gic(struct fdtb *b)
{
	board_gic_begin(b);
	FDTB_CELLS(b, "reg", 0, 0x08000000, 0, 0x10000, 0, 0x080a0000, 0, 0x20000);
	fdtb_end_node(b);
}

/* Root, one 256 MiB bank, `cpus` CPUs, a GICv3: what every board needs. */
static struct fdtb *board_minimal(unsigned cpus)
{
	struct fdtb *b = board_begin();

	board_memory(b, 0x40000000, 256 * MIB);
	board_cpus(b, cpus);
	board_gic(b);
	return b;
}

static void board_uart(struct fdtb *b, const char *name, uint32_t base)
{
	fdtb_begin_node(b, name);
	fdtb_prop(b, "compatible", "arm,pl011\0arm,primecell", 24);
	FDTB_CELLS(b, "reg", 0, base, 0, 0x1000);
}

/* Close the root and run hw_discover() on the result. */
static int board_discover(struct fdtb *b, struct hw_info *hw)
{
	size_t size;
	uint8_t *blob;
	int rc;

	fdtb_end_node(b);
	blob = fdtb_finish(b, true, &size);
	rc = hw_discover(blob, size, hw);
	free(blob);
	return rc;
}

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

	assert_int_equal(discover_fixture("hw_qemu_virt_1cpu.dtb", &hw), 0);
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

	assert_int_equal(discover_fixture("hw_qemu_virt_4cpu.dtb", &hw), 0);
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

	assert_int_equal(discover_fixture("hw_qemu_virt_8cpu.dtb", &hw), 0);
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

	assert_int_equal(discover_fixture("hw_multi_mem.dtb", &hw), 0);
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

	assert_int_equal(discover_fixture("hw_multi_mem.dtb", &hw), 0);
	assert_int_equal(hw.cpu_count, 3);
	assert_int_equal(hw.cpu_mpidr[0], 0);
	assert_int_equal(hw.cpu_mpidr[1], 0x100);
	assert_int_equal(hw.cpu_mpidr[2], 0x100000000ULL);
}

static void test_hw_reads_every_redistributor_region(void **state)
{
	struct hw_info hw;

	assert_int_equal(discover_fixture("hw_multi_mem.dtb", &hw), 0);
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

	assert_int_equal(discover_fixture("hw_multi_mem.dtb", &hw), 0);
	assert_true(hw.uart.present);
	assert_int_equal(hw.uart.reg.base, 0x09040000);
	assert_int_equal(hw.uart.intid, 40);
	assert_string_equal(hw.bootargs, "console=ttyAMA1 root=/dev/vda");
}

static void test_hw_reads_the_hyp_virt_timer_ppi(void **state)
{
	struct hw_info hw;

	assert_int_equal(discover_fixture("hw_multi_mem.dtb", &hw), 0);
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

	assert_int_equal(discover_fixture("hw_psci_hvc.dtb", &hw), 0);
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
	struct fdtb *b = board_minimal(1);
	struct hw_info hw;

	fdtb_begin_node(b, "chosen");
	fdtb_prop_str(b, "stdout-path", "/serial@1000");
	fdtb_end_node(b);
	fdtb_begin_node(b, "serial@1000");
	fdtb_prop_str(b, "compatible", "ns16550a");
	fdtb_end_node(b);
	board_uart(b, "pl011@9000000", 0x09000000);
	FDTB_CELLS(b, "interrupts", 0, 1, 4);
	fdtb_end_node(b);
	assert_int_equal(board_discover(b, &hw), 0);
	assert_true(hw.uart.present);
	assert_int_equal(hw.uart.reg.base, 0x09000000);
	assert_int_equal(hw.uart.intid, 33);
}

static void test_hw_skips_disabled_devices(void **state)
{
	struct fdtb *b = board_begin();
	struct hw_info hw;

	board_memory(b, 0x40000000, 256 * MIB);
	board_cpus(b, 1);
	/* A disabled GICv3 first, then the real one. */
	fdtb_begin_node(b, "intc@2f000000");
	fdtb_prop_str(b, "compatible", "arm,gic-v3");
	fdtb_prop_str(b, "status", "disabled");
	FDTB_CELLS(b, "reg", 0, 0x2f000000, 0, 0x10000, 0, 0x2f100000, 0, 0x20000);
	fdtb_end_node(b);
	board_gic(b);
	board_uart(b, "pl011@9000000", 0x09000000);
	fdtb_prop_str(b, "status", "disabled");
	fdtb_end_node(b);
	board_uart(b, "pl011@9040000", 0x09040000);
	fdtb_end_node(b);
	assert_int_equal(board_discover(b, &hw), 0);
	assert_int_equal(hw.gicd.base, 0x08000000);
	assert_int_equal(hw.uart.reg.base, 0x09040000);
	assert_int_equal(hw.uart.intid, 0); /* no "interrupts": output only */
}

static void test_hw_accepts_exactly_hv_max_cpus(void **state)
{
	struct fdtb *b = board_minimal(HV_MAX_CPUS);
	struct hw_info hw;

	assert_int_equal(board_discover(b, &hw), 0);
	assert_int_equal(hw.cpu_count, HV_MAX_CPUS);
	assert_int_equal(hw.cpu_mpidr[HV_MAX_CPUS - 1], HV_MAX_CPUS - 1);
}

static void test_hw_accepts_exactly_hw_max_mem_banks(void **state)
{
	struct fdtb *b = board_begin();
	struct hw_info hw;
	unsigned i;

	/* Highest first: every insertion goes to the front. */
	for (i = HW_MAX_MEM_BANKS; i > 0; i--)
		board_memory(b, (uint64_t)i << 32, 64 * MIB);
	board_cpus(b, 1);
	board_gic(b);
	assert_int_equal(board_discover(b, &hw), 0);
	assert_int_equal(hw.mem_count, HW_MAX_MEM_BANKS);
	for (i = 0; i < HW_MAX_MEM_BANKS; i++)
		assert_int_equal(hw.mem[i].base, (uint64_t)(i + 1) << 32);
	assert_int_equal(hw.mem_total, HW_MAX_MEM_BANKS * 64 * MIB);
}

static void test_hw_cuts_long_bootargs_to_fit(void **state)
{
	struct fdtb *b = board_minimal(1);
	char args[HW_BOOTARGS_MAX + 50];
	struct hw_info hw;

	memset(args, 'a', sizeof(args) - 1);
	args[sizeof(args) - 1] = '\0';
	fdtb_begin_node(b, "chosen");
	fdtb_prop_str(b, "bootargs", args);
	fdtb_end_node(b);
	assert_int_equal(board_discover(b, &hw), 0);
	assert_int_equal(strlen(hw.bootargs), HW_BOOTARGS_MAX - 1);
	assert_memory_equal(hw.bootargs, args, HW_BOOTARGS_MAX - 1);
}

static void test_hw_warns_when_the_uart_interrupt_parent_is_not_the_gic(void **state)
{
	struct fdtb *b = board_minimal(1);
	struct hw_info hw;

	fdtb_begin_node(b, "gpio-intc");
	fdtb_prop(b, "interrupt-controller", NULL, 0);
	fdtb_prop_u32(b, "#interrupt-cells", 2);
	fdtb_prop_u32(b, "phandle", 7);
	fdtb_end_node(b);
	board_uart(b, "pl011@9000000", 0x09000000);
	fdtb_prop_u32(b, "interrupt-parent", 7);
	FDTB_CELLS(b, "interrupts", 3, 4);
	fdtb_end_node(b);
	assert_int_equal(board_discover(b, &hw), 0);
	assert_true(hw.uart.present);
	assert_int_equal(hw.uart.intid, 0);
	assert_one_line("warning: hw: UART interrupt not routed to the GIC; console input polled");
}

/* --- virtio-mmio transports --- */

static void test_hw_lists_the_32_virtio_mmio_transports_of_qemu_virt(void **state)
{
	struct hw_info hw;
	unsigned i;

	assert_int_equal(discover_fixture("hw_qemu_virt_4cpu.dtb", &hw), 0);
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

	assert_int_equal(discover_fixture("hw_virtio_mmio.dtb", &hw), 0);
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
	struct fdtb *b = board_minimal(1);
	struct hw_info hw;

	board_virtio(b, 0x0a000000, 0);
	fdtb_end_node(b);
	assert_int_equal(board_discover(b, &hw), HV_EINVAL);
	assert_one_line("error: hw: /virtio_mmio@a000000: property 'reg': missing, empty or "
			"malformed (invalid argument)");

	sim_console_clear();
	b = board_minimal(1);
	fdtb_begin_node(b, "virtio_mmio@a000000");
	fdtb_prop_str(b, "compatible", "virtio,mmio");
	fdtb_end_node(b);
	assert_int_equal(board_discover(b, &hw), HV_ENOENT);
	assert_one_line("error: hw: /virtio_mmio@a000000: property 'reg': missing, empty or "
			"malformed (not found)");
}

static void test_hw_rejects_virtio_interrupts_that_are_not_gic_specifiers(void **state)
{
	struct fdtb *b = board_minimal(1);
	struct hw_info hw;

	board_virtio(b, 0x0a000000, 0x200);
	FDTB_CELLS(b, "interrupts", 0, 16);
	fdtb_end_node(b);
	assert_int_equal(board_discover(b, &hw), HV_EINVAL);
	assert_one_line("error: hw: /virtio_mmio@a000000: property 'interrupts': not a GIC "
			"SPI/PPI specifier list (invalid argument)");
}

static void test_hw_rejects_overlapping_virtio_transports(void **state)
{
	struct fdtb *b = board_minimal(1);
	struct hw_info hw;

	board_virtio(b, 0x0a000000, 0x200);
	fdtb_end_node(b);
	board_virtio(b, 0x0a000400, 0x200);
	fdtb_end_node(b);
	board_virtio(b, 0x0a000100, 0x200);
	fdtb_end_node(b);
	assert_int_equal(board_discover(b, &hw), HV_EINVAL);
	assert_one_line("error: hw: /virtio_mmio@a000100: property 'reg': overlaps another "
			"virtio-mmio node (invalid argument)");

	sim_console_clear();
	b = board_minimal(1);
	board_virtio(b, 0x0a000400, 0x200);
	fdtb_end_node(b);
	board_virtio(b, 0x0a000300, 0x200);
	fdtb_end_node(b);
	assert_int_equal(board_discover(b, &hw), HV_EINVAL);
	assert_true(
	    console_has_prefix("error: hw: /virtio_mmio@a000300: property 'reg': overlaps"));
}

static void test_hw_rejects_a_malformed_compatible_met_while_looking_for_virtio(void **state)
{
	struct fdtb *b = board_minimal(1);
	struct hw_info hw;

	/* The UART and timer searches stop at their nodes; only the virtio search goes on. */
	board_uart(b, "pl011@9000000", 0x09000000);
	fdtb_end_node(b);
	fdtb_begin_node(b, "timer");
	fdtb_prop_str(b, "compatible", "arm,armv8-timer");
	FDTB_CELLS(b, "interrupts", 1, 13, 4, 1, 14, 4, 1, 11, 4, 1, 10, 4);
	fdtb_end_node(b);
	fdtb_begin_node(b, "odd");
	fdtb_prop(b, "compatible", "virtio,mmio", 11); /* no NUL */
	fdtb_end_node(b);
	assert_int_equal(board_discover(b, &hw), HV_EINVAL);
	assert_one_line("error: hw: /: property 'compatible': malformed (invalid argument)");
}

static void test_hw_keeps_hw_max_virtio_mmio_transports_and_warns_about_more(void **state)
{
	struct fdtb *b = board_minimal(1);
	struct hw_info hw;
	unsigned i;

	/* Highest first: every insertion goes to the front. */
	for (i = HW_MAX_VIRTIO_MMIO + 2; i > 0; i--) {
		board_virtio(b, 0x10000000 + 0x200 * i, 0x200);
		fdtb_end_node(b);
	}
	assert_int_equal(board_discover(b, &hw), 0);
	assert_int_equal(hw.virtio_count, HW_MAX_VIRTIO_MMIO);
	for (i = 0; i < HW_MAX_VIRTIO_MMIO; i++)
		assert_int_equal(hw.virtio[i].reg.base, 0x10000000 + 0x200 * (i + 3));
	assert_one_line("warning: hw: 2 virtio-mmio transport(s) beyond HW_MAX_VIRTIO_MMIO (64) "
			"ignored");
}

/* --- the banner --- */

static void test_hw_print_writes_the_banner_lines(void **state)
{
	struct hw_info hw;

	assert_int_equal(discover_fixture("hw_qemu_virt_4cpu.dtb", &hw), 0);
	hw_print(&hw);
	assert_console_line("mem: 0x40000000-0x7fffffff (1024 MiB)");
	assert_console_line("ram: 1024 MiB total in 1 bank(s)");
	assert_console_line("cpus: 4 (mpidr 0x0 0x1 0x2 0x3)");
	assert_console_line("gic: v3 dist 0x8000000 redist 0x80a0000+0xf60000");
	assert_console_line("uart: pl011 0x9000000 intid 33");
	assert_console_line("timer: ppi intids phys 30 virt 27 hyp 26");
	assert_console_line("virtio-mmio: 32 transport(s) 0xa000000-0xa003fff");
	assert_console_line("psci: smc");
	assert_console_line("bootargs: console=ttyAMA0 hv.exit=semihosting");
	assert_int_equal(console_line_count(), 9);
}

static void test_hw_print_has_the_lines_end_to_end_tests_grep(void **state)
{
	struct hw_info hw;

	assert_int_equal(discover_fixture("hw_qemu_virt_1cpu.dtb", &hw), 0);
	hw_print(&hw);
	assert_true(console_has_prefix("ram: 512 MiB"));
	assert_true(console_has_prefix("cpus: 1"));
	sim_console_clear();
	assert_int_equal(discover_fixture("hw_qemu_virt_4cpu.dtb", &hw), 0);
	hw_print(&hw);
	assert_true(console_has_prefix("cpus: 4"));
}

static void test_hw_print_writes_one_line_per_bank_and_region(void **state)
{
	struct hw_info hw;

	assert_int_equal(discover_fixture("hw_multi_mem.dtb", &hw), 0);
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

	assert_int_equal(discover_fixture("hw_psci_hvc.dtb", &hw), 0);
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

/* --- one clear line per failure --- */

static void test_hw_rejects_a_board_without_gicv3(void **state)
{
	struct hw_info hw;

	assert_int_equal(discover_fixture("hw_no_gic.dtb", &hw), HV_ENOENT);
	assert_one_line("error: hw: /: no node compatible with \"arm,gic-v3\"; a GICv3 is "
			"required (not found)");
}

static void test_hw_rejects_a_board_without_memory(void **state)
{
	struct hw_info hw;

	assert_int_equal(discover_fixture("hw_no_memory.dtb", &hw), HV_ENOENT);
	assert_one_line("error: hw: /: no memory node (device_type \"memory\") with a non-empty "
			"reg (not found)");
}

static void test_hw_rejects_a_board_without_cpu_nodes(void **state)
{
	struct hw_info hw;

	assert_int_equal(discover_fixture("hw_no_cpus.dtb", &hw), HV_ENOENT);
	assert_one_line("error: hw: /cpus: no subnode with device_type \"cpu\" (not found)");
}

static void test_hw_rejects_a_board_without_a_cpus_node(void **state)
{
	struct fdtb *b = board_begin();
	struct hw_info hw;

	board_memory(b, 0x40000000, 256 * MIB);
	board_gic(b);
	assert_int_equal(board_discover(b, &hw), HV_ENOENT);
	assert_one_line("error: hw: /cpus: node missing (not found)");
}

static void test_hw_rejects_more_cpus_than_hv_max_cpus(void **state)
{
	struct hw_info hw;

	assert_int_equal(discover_fixture("hw_too_many_cpus.dtb", &hw), HV_ENOMEM);
	assert_one_line("error: hw: /cpus: more cpu nodes than HV_MAX_CPUS (64) (out of memory)");
}

static void test_hw_rejects_more_memory_banks_than_the_table(void **state)
{
	struct hw_info hw;

	assert_int_equal(discover_fixture("hw_too_many_banks.dtb", &hw), HV_ENOMEM);
	assert_one_line("error: hw: /memory@a00000000: property 'reg': more memory banks than "
			"HW_MAX_MEM_BANKS (16) (out of memory)");
}

static void test_hw_rejects_overlapping_memory_banks(void **state)
{
	struct fdtb *b = board_begin();
	struct hw_info hw;

	board_memory(b, 0x40000000, 256 * MIB);
	board_memory(b, 0x80000000, 256 * MIB);
	board_memory(b, 0x4ff00000, 2 * MIB); /* overlaps the end of the first bank */
	board_cpus(b, 1);
	board_gic(b);
	assert_int_equal(board_discover(b, &hw), HV_EINVAL);
	assert_one_line("error: hw: /memory@4ff00000: property 'reg': memory bank overlaps "
			"another (invalid argument)");
	/* hw stays consistent: the two good banks, sorted. */
	assert_int_equal(hw.mem_count, 2);
	assert_int_equal(hw.mem[0].base, 0x40000000);
	assert_int_equal(hw.mem[1].base, 0x80000000);

	sim_console_clear();
	b = board_begin();
	board_memory(b, 0x80000000, 256 * MIB);
	board_memory(b, 0x7ff00000, 2 * MIB); /* overlaps the start of the next bank */
	board_cpus(b, 1);
	board_gic(b);
	assert_int_equal(board_discover(b, &hw), HV_EINVAL);
	assert_one_line("error: hw: /memory@7ff00000: property 'reg': memory bank overlaps "
			"another (invalid argument)");
}

static void test_hw_rejects_memory_reg_that_wraps_or_has_a_bad_length(void **state)
{
	struct fdtb *b = board_begin();
	struct hw_info hw;

	board_memory(b, 0xfffffffffff00000ULL, 2 * MIB);
	board_cpus(b, 1);
	board_gic(b);
	assert_int_equal(board_discover(b, &hw), HV_ERANGE);
	assert_one_line("error: hw: /memory@fffffffffff00000: property 'reg': range wraps around "
			"(out of range)");

	sim_console_clear();
	b = board_begin();
	fdtb_begin_node(b, "memory@0");
	fdtb_prop_str(b, "device_type", "memory");
	FDTB_CELLS(b, "reg", 0, 0, 0x1000);
	fdtb_end_node(b);
	assert_int_equal(board_discover(b, &hw), HV_EINVAL);
	assert_one_line(
	    "error: hw: /memory@0: property 'reg': missing or malformed (invalid argument)");
}

static void test_hw_rejects_unterminated_device_type(void **state)
{
	struct fdtb *b = board_begin();
	struct hw_info hw;

	fdtb_begin_node(b, "memory@0");
	fdtb_prop(b, "device_type", "memory", 6);
	fdtb_end_node(b);
	assert_int_equal(board_discover(b, &hw), HV_EINVAL);
	assert_one_line(
	    "error: hw: /memory@0: property 'device_type': not a string (invalid argument)");
}

static void test_hw_rejects_duplicate_or_invalid_mpidrs(void **state)
{
	struct fdtb *b = board_begin();
	struct hw_info hw;

	board_memory(b, 0x40000000, 256 * MIB);
	board_cpus_begin(b);
	board_cpu(b, 0);
	board_cpu(b, 1);
	fdtb_begin_node(b, "cpu@1-again");
	fdtb_prop_str(b, "device_type", "cpu");
	fdtb_prop_u32(b, "reg", 1);
	fdtb_end_node(b);
	fdtb_end_node(b);
	board_gic(b);
	assert_int_equal(board_discover(b, &hw), HV_EINVAL);
	assert_one_line("error: hw: /cpus/cpu@1-again: property 'reg': MPIDR used by another cpu "
			"node (invalid argument)");

	sim_console_clear();
	b = board_begin();
	board_memory(b, 0x40000000, 256 * MIB);
	board_cpus_begin(b);
	board_cpu(b, 0x1000000); /* bit 24 is MPIDR.MT, not affinity */
	fdtb_end_node(b);
	board_gic(b);
	assert_int_equal(board_discover(b, &hw), HV_EINVAL);
	assert_one_line("error: hw: /cpus/cpu@1000000: property 'reg': bits outside the MPIDR "
			"affinity fields (invalid argument)");
}

static void test_hw_rejects_cpu_without_reg(void **state)
{
	struct fdtb *b = board_begin();
	struct hw_info hw;

	board_memory(b, 0x40000000, 256 * MIB);
	board_cpus_begin(b);
	fdtb_begin_node(b, "cpu@0");
	fdtb_prop_str(b, "device_type", "cpu");
	fdtb_end_node(b);
	fdtb_end_node(b);
	board_gic(b);
	assert_int_equal(board_discover(b, &hw), HV_ENOENT);
	assert_one_line("error: hw: /cpus/cpu@0: property 'reg': missing or malformed (not found)");
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
		struct fdtb *b = board_begin();
		struct hw_info hw;

		board_memory(b, 0x40000000, 256 * MIB);
		board_cpus(b, 1);
		board_gic_begin(b);
		fdtb_prop_u32(b, "#redistributor-regions", cases[i].regions);
		FDTB_CELLS(b, "reg", 0, 0x08000000, 0, 0x10000, 0, 0x080a0000, 0, 0x20000);
		fdtb_end_node(b);
		sim_console_clear();
		assert_int_equal(board_discover(b, &hw), cases[i].err);
		assert_one_line(cases[i].line);
	}
}

static void test_hw_rejects_empty_gic_regions(void **state)
{
	struct fdtb *b = board_begin();
	struct hw_info hw;

	board_memory(b, 0x40000000, 256 * MIB);
	board_cpus(b, 1);
	board_gic_begin(b);
	FDTB_CELLS(b, "reg", 0, 0x08000000, 0, 0x10000, 0, 0x080a0000, 0, 0);
	fdtb_end_node(b);
	assert_int_equal(board_discover(b, &hw), HV_EINVAL);
	assert_one_line("error: hw: /intc@8000000: property 'reg': empty or wrapping region "
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
		struct fdtb *b = board_minimal(1);
		struct hw_info hw;

		fdtb_begin_node(b, "timer");
		fdtb_prop_str(b, "compatible", "arm,armv8-timer");
		fdtb_prop_cells(b, "interrupts", cases[i].cells, cases[i].n);
		fdtb_end_node(b);
		sim_console_clear();
		assert_int_equal(board_discover(b, &hw), HV_EINVAL);
		assert_one_line(cases[i].line);
	}
}

static void test_hw_rejects_psci_without_or_with_unknown_method(void **state)
{
	struct fdtb *b = board_minimal(1);
	struct hw_info hw;

	fdtb_begin_node(b, "psci");
	fdtb_prop_str(b, "compatible", "arm,psci-1.0");
	fdtb_end_node(b);
	assert_int_equal(board_discover(b, &hw), HV_ENOENT);
	assert_one_line("error: hw: /psci: property 'method': missing or not a string (not found)");

	sim_console_clear();
	b = board_minimal(1);
	fdtb_begin_node(b, "psci");
	fdtb_prop_str(b, "compatible", "arm,psci");
	fdtb_prop_str(b, "method", "spin-table");
	fdtb_end_node(b);
	assert_int_equal(board_discover(b, &hw), HV_EINVAL);
	assert_one_line("error: hw: /psci: property 'method': neither \"smc\" nor \"hvc\" "
			"(invalid argument)");
}

static void test_hw_rejects_unterminated_bootargs(void **state)
{
	struct fdtb *b = board_minimal(1);
	struct hw_info hw;

	fdtb_begin_node(b, "chosen");
	fdtb_prop(b, "bootargs", "console=ttyAMA0", 15);
	fdtb_end_node(b);
	assert_int_equal(board_discover(b, &hw), HV_EINVAL);
	assert_one_line("error: hw: /chosen: property 'bootargs': not a string (invalid argument)");
}

static void test_hw_rejects_uart_interrupts_that_are_not_gic_specifiers(void **state)
{
	struct fdtb *b = board_minimal(1);
	struct hw_info hw;

	board_uart(b, "pl011@9000000", 0x09000000);
	FDTB_CELLS(b, "interrupts", 0, 1); /* two cells, the GIC wants three */
	fdtb_end_node(b);
	assert_int_equal(board_discover(b, &hw), HV_EINVAL);
	assert_one_line("error: hw: /pl011@9000000: property 'interrupts': not a GIC SPI/PPI "
			"specifier list (invalid argument)");

	sim_console_clear();
	b = board_minimal(1);
	board_uart(b, "pl011@9000000", 0x09000000);
	FDTB_CELLS(b, "interrupts", 0, 988, 4); /* beyond the last SPI */
	fdtb_end_node(b);
	assert_int_equal(board_discover(b, &hw), HV_ERANGE);
	assert_one_line("error: hw: /pl011@9000000: property 'interrupts': not a GIC SPI/PPI "
			"specifier list (out of range)");
}

static void test_hw_rejects_an_invalid_blob_with_one_line(void **state)
{
	size_t size;
	uint8_t *blob = fixture_load("hw_qemu_virt_4cpu.dtb", &size);
	struct hw_info hw;

	blob[0] ^= 0xff;
	assert_int_equal(hw_discover(blob, size, &hw), HV_EINVAL);
	assert_one_line("error: hw: invalid device tree: bad magic at byte 0x0 (invalid argument)");
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
	    cmocka_unit_test_setup(test_hw_discovers_qemu_virt_1cpu_512mib, setup),
	    cmocka_unit_test_setup(test_hw_discovers_qemu_virt_4cpu_1gib, setup),
	    cmocka_unit_test_setup(test_hw_discovers_qemu_virt_8cpu_2gib, setup),
	    cmocka_unit_test_setup(test_hw_accepts_a_blob_followed_by_unused_buffer_space, setup),
	    cmocka_unit_test_setup(test_hw_sorts_memory_banks_and_skips_disabled_and_empty_ones,
				   setup),
	    cmocka_unit_test_setup(test_hw_reads_two_cell_mpidrs_and_keeps_disabled_cpus, setup),
	    cmocka_unit_test_setup(test_hw_reads_every_redistributor_region, setup),
	    cmocka_unit_test_setup(test_hw_prefers_the_stdout_path_uart_through_an_alias, setup),
	    cmocka_unit_test_setup(test_hw_reads_the_hyp_virt_timer_ppi, setup),
	    cmocka_unit_test_setup(test_hw_reads_psci_hvc_and_tolerates_absent_uart_timer_chosen,
				   setup),
	    cmocka_unit_test_setup(test_hw_stdout_path_to_a_non_pl011_falls_back_to_the_first_pl011,
				   setup),
	    cmocka_unit_test_setup(test_hw_skips_disabled_devices, setup),
	    cmocka_unit_test_setup(test_hw_accepts_exactly_hv_max_cpus, setup),
	    cmocka_unit_test_setup(test_hw_accepts_exactly_hw_max_mem_banks, setup),
	    cmocka_unit_test_setup(test_hw_cuts_long_bootargs_to_fit, setup),
	    cmocka_unit_test_setup(test_hw_warns_when_the_uart_interrupt_parent_is_not_the_gic,
				   setup),
	    cmocka_unit_test_setup(test_hw_lists_the_32_virtio_mmio_transports_of_qemu_virt, setup),
	    cmocka_unit_test_setup(test_hw_sorts_virtio_transports_and_skips_disabled_ones, setup),
	    cmocka_unit_test_setup(test_hw_rejects_virtio_nodes_with_a_bad_reg, setup),
	    cmocka_unit_test_setup(test_hw_rejects_virtio_interrupts_that_are_not_gic_specifiers,
				   setup),
	    cmocka_unit_test_setup(test_hw_rejects_overlapping_virtio_transports, setup),
	    cmocka_unit_test_setup(
		test_hw_rejects_a_malformed_compatible_met_while_looking_for_virtio, setup),
	    cmocka_unit_test_setup(test_hw_keeps_hw_max_virtio_mmio_transports_and_warns_about_more,
				   setup),
	    cmocka_unit_test_setup(test_hw_print_writes_the_banner_lines, setup),
	    cmocka_unit_test_setup(test_hw_print_has_the_lines_end_to_end_tests_grep, setup),
	    cmocka_unit_test_setup(test_hw_print_writes_one_line_per_bank_and_region, setup),
	    cmocka_unit_test_setup(test_hw_print_says_none_for_absent_devices, setup),
	    cmocka_unit_test_setup(test_hw_print_shows_sizes_below_a_mib_in_kib, setup),
	    cmocka_unit_test_setup(test_hw_print_cuts_a_long_cpu_list_with_an_ellipsis, setup),
	    cmocka_unit_test_setup(test_hw_rejects_a_board_without_gicv3, setup),
	    cmocka_unit_test_setup(test_hw_rejects_a_board_without_memory, setup),
	    cmocka_unit_test_setup(test_hw_rejects_a_board_without_cpu_nodes, setup),
	    cmocka_unit_test_setup(test_hw_rejects_a_board_without_a_cpus_node, setup),
	    cmocka_unit_test_setup(test_hw_rejects_more_cpus_than_hv_max_cpus, setup),
	    cmocka_unit_test_setup(test_hw_rejects_more_memory_banks_than_the_table, setup),
	    cmocka_unit_test_setup(test_hw_rejects_overlapping_memory_banks, setup),
	    cmocka_unit_test_setup(test_hw_rejects_memory_reg_that_wraps_or_has_a_bad_length,
				   setup),
	    cmocka_unit_test_setup(test_hw_rejects_unterminated_device_type, setup),
	    cmocka_unit_test_setup(test_hw_rejects_duplicate_or_invalid_mpidrs, setup),
	    cmocka_unit_test_setup(test_hw_rejects_cpu_without_reg, setup),
	    cmocka_unit_test_setup(test_hw_rejects_bad_redistributor_region_counts, setup),
	    cmocka_unit_test_setup(test_hw_rejects_empty_gic_regions, setup),
	    cmocka_unit_test_setup(test_hw_rejects_timer_with_too_few_or_non_ppi_interrupts, setup),
	    cmocka_unit_test_setup(test_hw_rejects_psci_without_or_with_unknown_method, setup),
	    cmocka_unit_test_setup(test_hw_rejects_unterminated_bootargs, setup),
	    cmocka_unit_test_setup(test_hw_rejects_uart_interrupts_that_are_not_gic_specifiers,
				   setup),
	    cmocka_unit_test_setup(test_hw_rejects_an_invalid_blob_with_one_line, setup),
	    cmocka_unit_test_setup(test_hw_never_logs_more_than_one_line_for_a_damaged_blob, setup),
	};

	return cmocka_run_group_tests_name("hwinfo", tests, NULL, NULL);
}

// SPDX-License-Identifier: MIT
/* Shared hardware discovery test helpers: see hwinfo_fixture.h. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include <cmocka.h>

#include <core/hwinfo.h>
#include <hal-sim/sim_hal.h>

#include "fixture.h"
#include "hwinfo_fixture.h"

int hwfx_setup(void **state)
{
	sim_hal_reset();
	return 0;
}

int hwfx_discover_fixture_from(const char *dir, const char *name, struct hw_info *hw)
{
	size_t size;
	uint8_t *blob = fixture_load_from(dir, name, &size);
	int rc = hw_discover(blob, size, hw);

	free(blob);
	return rc;
}

void hwfx_assert_one_line(const char *line)
{
	if (console_line_count() != 1 || !console_has_line(line))
		fail_msg("expected the single line\n  %s\nconsole:\n%s", line, sim_hal.console);
}

#define GIC_PHANDLE 1

struct fdtb *hwfx_board_begin(void)
{
	struct fdtb *b = fdtb_new();

	fdtb_begin_node(b, "");
	fdtb_prop_u32(b, "#address-cells", 2);
	fdtb_prop_u32(b, "#size-cells", 2);
	fdtb_prop_u32(b, "interrupt-parent", GIC_PHANDLE);
	return b;
}

void hwfx_board_memory(struct fdtb *b, uint64_t base, uint64_t size)
{
	char name[64];

	snprintf(name, sizeof(name), "memory@%llx", (unsigned long long)base);
	fdtb_begin_node(b, name);
	fdtb_prop_str(b, "device_type", "memory");
	FDTB_CELLS(b, "reg", (uint32_t)(base >> 32), (uint32_t)base, (uint32_t)(size >> 32),
		   (uint32_t)size);
	fdtb_end_node(b);
}

void hwfx_board_cpu(struct fdtb *b, uint32_t mpidr)
{
	char name[32];

	snprintf(name, sizeof(name), "cpu@%x", mpidr);
	fdtb_begin_node(b, name);
	fdtb_prop_str(b, "device_type", "cpu");
	fdtb_prop_u32(b, "reg", mpidr);
	fdtb_end_node(b);
}

void hwfx_board_cpus_begin(struct fdtb *b)
{
	fdtb_begin_node(b, "cpus");
	fdtb_prop_u32(b, "#address-cells", 1);
	fdtb_prop_u32(b, "#size-cells", 0);
}

void hwfx_board_cpus(struct fdtb *b, unsigned n)
{
	unsigned i;

	hwfx_board_cpus_begin(b);
	for (i = 0; i < n; i++)
		hwfx_board_cpu(b, i);
	fdtb_end_node(b);
}

void hwfx_board_gic_begin(struct fdtb *b)
{
	fdtb_begin_node(b, "intc@8000000");
	fdtb_prop_str(b, "compatible", "arm,gic-v3");
	fdtb_prop_u32(b, "#interrupt-cells", 3);
	fdtb_prop(b, "interrupt-controller", NULL, 0);
	fdtb_prop_u32(b, "phandle", GIC_PHANDLE);
}

void hwfx_board_gic(struct fdtb *b)
{
	hwfx_board_gic_begin(b);
	FDTB_CELLS(b, "reg", 0, 0x08000000, 0, 0x10000, 0, 0x080a0000, 0, 0x20000);
	fdtb_end_node(b);
}

struct fdtb *hwfx_board_minimal(unsigned cpus)
{
	struct fdtb *b = hwfx_board_begin();

	hwfx_board_memory(b, 0x40000000, 256 * MIB);
	hwfx_board_cpus(b, cpus);
	hwfx_board_gic(b);
	return b;
}

void hwfx_board_uart(struct fdtb *b, const char *name, uint32_t base)
{
	fdtb_begin_node(b, name);
	fdtb_prop(b, "compatible", "arm,pl011\0arm,primecell", 24);
	FDTB_CELLS(b, "reg", 0, base, 0, 0x1000);
}

int hwfx_board_discover(struct fdtb *b, struct hw_info *hw)
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

// SPDX-License-Identifier: MIT
/* Shared guest DTB test helpers: see guest_dtb_fixture.h. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include <core/fdt.h>
#include <core/guest_dtb.h>
#include <core/hwinfo.h>
#include <core/vm.h>
#include <hal-sim/sim_hal.h>

#include "fixture.h"
#include "guest_dtb_fixture.h"

#define MAINT_INTID 25

int gdtbfx_setup(void **state)
{
	sim_hal_reset();
	return 0;
}

void gdtbfx_board(struct guest_dtb_config *cfg, unsigned vcpus, unsigned virtio)
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

uint8_t *gdtbfx_build(const struct guest_dtb_config *cfg, size_t *size)
{
	static uint8_t buf[DTB_BUF_SIZE];
	int err = guest_dtb_build(cfg, buf, sizeof(buf), size);

	if (err)
		fail_msg("guest_dtb_build: %d\nconsole:\n%s", err, sim_hal.console);
	assert_true(*size > 0 && *size <= sizeof(buf));
	assert_int_equal(console_line_count(), 0);
	return fixture_dup(buf, *size);
}

uint8_t *gdtbfx_build_open(const struct guest_dtb_config *cfg, size_t *size, struct fdt *f)
{
	uint8_t *blob = gdtbfx_build(cfg, size);

	if (fdt_open(f, blob, *size) != 0)
		fail_msg("fdt_open: %s at 0x%x", f->err_what, f->err_off);
	return blob;
}

int gdtbfx_node_at(const struct fdt *f, const char *path)
{
	int node = fdt_find_path(f, path);

	if (node < 0)
		fail_msg("no node %s", path);
	return node;
}

void gdtbfx_assert_string_prop(const struct fdt *f, const char *path, const char *name,
			       const char *want)
{
	const char *s;

	if (fdt_get_string(f, gdtbfx_node_at(f, path), name, &s) != 0)
		fail_msg("%s: no string property %s", path, name);
	assert_string_equal(s, want);
}

void gdtbfx_assert_u32_prop(const struct fdt *f, const char *path, const char *name, uint32_t want)
{
	uint32_t v;

	if (fdt_get_u32(f, gdtbfx_node_at(f, path), name, &v) != 0)
		fail_msg("%s: no u32 property %s", path, name);
	assert_int_equal(v, want);
}

void gdtbfx_assert_reg(const struct fdt *f, const char *path, unsigned idx, uint64_t base,
		       uint64_t size)
{
	struct fdt_reg reg;
	uint64_t b, s;

	assert_int_equal(fdt_reg_open(f, gdtbfx_node_at(f, path), &reg), 0);
	assert_int_equal(fdt_reg_get(&reg, idx, &b, &s), 0);
	assert_int_equal(b, base);
	assert_int_equal(s, size);
}

void gdtbfx_check_discovery(const struct guest_dtb_config *cfg, const uint8_t *blob, size_t size)
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

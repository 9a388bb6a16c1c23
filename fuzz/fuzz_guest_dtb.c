// SPDX-License-Identifier: MIT
/* libFuzzer harness for the guest DTB writer: an input is a buffer size and a list of edits to
 * the standard board (docs/guest-abi.md, Board). guest_dtb_build() must either refuse the board
 * (HV_EINVAL) or the buffer (HV_ENOMEM) without writing outside the exactly-sized buffer
 * (ASan), or write a blob that the FDT reader opens and in which host discovery finds the
 * board it was given. Seeds: fuzz/corpus/guest_dtb/.
 *
 * Input: u16 buffer size (little endian), then edits of 10 bytes: field selector, index, u64
 * value (little endian). Selector EDIT_BOOTARGS takes the rest of the input as bootargs. */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <core/err.h>
#include <core/fdt.h>
#include <core/guest_dtb.h>
#include <core/hwinfo.h>
#include <core/vm.h>
#include <hal-sim/sim_hal.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define BUF_MAX	      16384
#define SPI_LIMIT     1100 /* a little past the architecture's 988 SPIs */
#define INTID_LIMIT   40   /* a little past the PPIs */
#define EDIT_SIZE     10
#define EDIT_BOOTARGS 16
#define EDIT_KINDS    17

enum { RANGE_BASE, RANGE_SIZE };

struct input {
	const uint8_t *p;
	size_t left;
};

static uint64_t take(struct input *in, unsigned bytes)
{
	uint64_t v = 0;
	unsigned i;

	for (i = 0; i < bytes && in->left; i++, in->left--)
		v |= (uint64_t)*in->p++ << (8 * i);
	return v;
}

static void set_range(struct guest_dtb_range *r, unsigned which, uint64_t v)
{
	if (which == RANGE_BASE)
		r->base = v;
	else
		r->size = v;
}

static void standard_board(struct guest_dtb_config *c)
{
	unsigned i;

	memset(c, 0, sizeof(*c));
	c->vcpu_count = 4;
	for (i = 0; i < GUEST_DTB_MAX_VCPUS; i++)
		c->mpidr[i] = i;
	c->ram[0].base = VM_RAM_BASE;
	c->ram[0].size = 128ULL << 20;
	c->ram_count = 1;
	c->gic.dist.base = VM_GICD_BASE;
	c->gic.dist.size = VM_GICD_SIZE;
	c->gic.redist.base = VM_GICR_BASE;
	c->gic.redist.size = GUEST_DTB_MAX_VCPUS * VM_GICR_STRIDE;
	c->gic.nr_spis = 64;
	c->gic.maint_intid = 25;
	c->uart.reg.base = VM_PL011_BASE;
	c->uart.reg.size = VM_PL011_SIZE;
	c->uart.intid = VM_PL011_INTID;
	c->timer.sec_phys = 29;
	c->timer.phys = 30;
	c->timer.virt = 27;
	c->timer.hyp_phys = 26;
	for (i = 0; i < GUEST_DTB_MAX_VIRTIO; i++) {
		c->virtio[i].reg.base = 0x0a000000ULL + 0x200ULL * i;
		c->virtio[i].reg.size = 0x200;
		c->virtio[i].intid = 48 + i;
	}
	c->virtio_count = 2;
	c->psci = GUEST_DTB_PSCI_HVC;
}

/* Apply one edit; false once the input is used up. */
static bool edit(struct guest_dtb_config *c, struct input *in, char *args, size_t args_size)
{
	unsigned sel, idx;
	uint64_t v;
	size_t n;

	if (in->left == 0)
		return false;
	sel = (unsigned)take(in, 1) % EDIT_KINDS;
	if (sel == EDIT_BOOTARGS) {
		n = in->left < args_size - 1 ? in->left : args_size - 1;
		memcpy(args, in->p, n);
		args[n] = '\0';
		c->bootargs = args;
		in->left = 0;
		return false;
	}
	if (in->left < EDIT_SIZE - 1)
		return false;
	idx = (unsigned)take(in, 1);
	v = take(in, 8);
	switch (sel) {
	case 0:
		c->vcpu_count = (unsigned)(v % (GUEST_DTB_MAX_VCPUS + 2));
		break;
	case 1:
		c->mpidr[idx % GUEST_DTB_MAX_VCPUS] = v;
		break;
	case 2:
		c->ram_count = (unsigned)(v % (GUEST_DTB_MAX_RAM + 2));
		break;
	case 3:
		set_range(&c->ram[idx % GUEST_DTB_MAX_RAM], (idx >> 4) & 1, v);
		break;
	case 4:
		set_range(&c->gic.dist, idx & 1, v);
		break;
	case 5:
		set_range(&c->gic.redist, idx & 1, v);
		break;
	case 6:
		c->gic.nr_spis = (unsigned)(v % SPI_LIMIT);
		break;
	case 7:
		c->gic.maint_intid = (unsigned)(v % INTID_LIMIT);
		break;
	case 8:
		set_range(&c->uart.reg, idx & 1, v);
		break;
	case 9:
		c->uart.intid = (unsigned)(v % (SPI_LIMIT + 32));
		break;
	case 10:
		c->timer.sec_phys = (unsigned)(v % INTID_LIMIT);
		break;
	case 11:
		c->timer.virt = (unsigned)(v % INTID_LIMIT);
		break;
	case 12:
		c->virtio_count = (unsigned)(v % (GUEST_DTB_MAX_VIRTIO + 2));
		break;
	case 13:
		set_range(&c->virtio[idx % GUEST_DTB_MAX_VIRTIO].reg, (idx >> 5) & 1, v);
		break;
	case 14:
		c->virtio[idx % GUEST_DTB_MAX_VIRTIO].intid = (unsigned)(v % SPI_LIMIT);
		break;
	default:
		if (idx & 1)
			c->initrd_end = v;
		else
			c->initrd_start = v;
		c->psci = (enum guest_dtb_psci)((idx >> 1) % 3);
		break;
	}
	return true;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char args[GUEST_DTB_BOOTARGS_MAX + 64];
	struct input in = {data, size};
	struct guest_dtb_config cfg;
	size_t buf_size, used = 0;
	struct hw_info hw;
	uint8_t *buf;
	struct fdt f;
	int err;

	standard_board(&cfg);
	buf_size = (size_t)take(&in, 2) % BUF_MAX;
	while (edit(&cfg, &in, args, sizeof(args)))
		;
	buf = malloc(buf_size ? buf_size : 1);
	if (!buf)
		return 0;
	err = guest_dtb_build(&cfg, buf, buf_size, &used);
	if (err == 0) {
		/* What was written is a tree, and the tree is the board. */
		if (used > buf_size || fdt_open(&f, buf, used) != 0)
			abort();
		if (hw_discover(buf, used, &hw) != 0 || hw.cpu_count != cfg.vcpu_count ||
		    hw.mem_count != cfg.ram_count || hw.uart.present != (cfg.uart.reg.size != 0) ||
		    hw.gicd.base != cfg.gic.dist.base || hw.timer.virt != cfg.timer.virt)
			abort();
	} else if (err != HV_EINVAL && err != HV_ENOMEM) {
		abort();
	}
	free(buf);
	/* The simulated console only keeps the newest text; start each input clean. */
	sim_console_clear();
	return 0;
}

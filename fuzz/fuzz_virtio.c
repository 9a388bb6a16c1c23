// SPDX-License-Identifier: MIT
/* libFuzzer harness for virtio-blk on the virtio-mmio transport (vdev/virtio_mmio.c,
 * vdev/virtqueue.c, vdev/virtio_blk.c, vdev/blk_mem.c). A VM with 2 MiB of RAM and two
 * virtio-blk devices over in-memory disks (one read-write, one read-only); the input plays the
 * guest: transport register accesses of any width and offset, bytes, descriptors, headers and
 * available-ring entries written into guest RAM (addresses inside RAM, past its end, wrapping,
 * at hypervisor memory, at another VM's RAM), a whole driver initialisation, notifies.
 * After every step the transport's invariants must hold and a canary in hypervisor memory
 * must be intact; after the input, the read-only disk and a second VM's RAM must be unchanged.
 * A violation traps.
 *
 * Input: byte 0 picks the device (bit 0: the read-only one), then 8-byte steps (zero-padded):
 *   [0]  bits 0-2 kind; REG_*: bits 3-5 access size (see sizes[]); the rest per kind below
 *   [1..8) arguments, see the step functions.
 * Seeds: fuzz/corpus/virtio/. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <core/err.h>
#include <core/gmem.h>
#include <core/lib.h>
#include <core/vgic.h>
#include <core/vm.h>
#include <hal-sim/sim_hal.h>
#include <sim/sim.h>
#include <vdev/blk_mem.h>
#include <vdev/virtio_blk.h>
#include <vdev/virtio_mmio.h>

#include "fuzz_check.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Invariant checks: keep libFuzzer's comparison tracing out of them. */
#define NO_COVERAGE __attribute__((no_sanitize("coverage")))

#define STEP_SIZE 8
#define MAX_STEPS 512
#define RAM_SIZE  SZ_2M
#define RAM_END	  (VM_RAM_BASE + RAM_SIZE)
#define BASE	  0x0a000000ULL
#define INTID	  48
#define SECTORS	  128
#define DISK	  (SECTORS * 512)

/* The driver's memory: rings, indirect tables, headers and status bytes, data. */
#define DESC  (VM_RAM_BASE)
#define AVAIL (VM_RAM_BASE + 0x1000)
#define USED  (VM_RAM_BASE + 0x2000)
#define IND   (VM_RAM_BASE + 0x4000)
#define HDRS  (VM_RAM_BASE + 0x8000)
#define DATA  (VM_RAM_BASE + 0x10000)

enum step_kind { REG_WRITE, REG_READ, POKE, DESC_STEP, AVAIL_STEP, SETUP, NOTIFY, HEADER };

static const unsigned sizes[8] = {4, 4, 4, 4, 4, 1, 2, 8};
static const uint16_t regs[32] = {
    0x000, 0x004, 0x008, 0x00c, 0x010, 0x014, 0x020, 0x024, 0x030, 0x034, 0x038,
    0x044, 0x050, 0x060, 0x064, 0x070, 0x080, 0x084, 0x090, 0x094, 0x0a0, 0x0a4,
    0x0fc, 0x100, 0x104, 0x108, 0x10c, 0x114, 0x120, 0x0c0, 0x0ac, 0x1fc,
};
static const uint32_t types[8] = {0, 1, 4, 8, 0, 1, 11, 0xffffffff};

static struct sim_machine m, other;
static struct blk_backend disks[2];
static uint8_t images[2][DISK], pristine[2][DISK];
static uint8_t canary[4096], canary_ref[4096];
static uint8_t *other_snapshot;
static struct mmio_device *dev;
static struct virtio_mmio *t;

/* What the guest driver believes about queue 0. */
static struct {
	uint64_t desc, avail;
	uint16_t num, avail_idx;
} drv;

static uint64_t le(const uint8_t *p, unsigned n)
{
	uint64_t v = 0;

	for (unsigned i = 0; i < n; i++)
		v |= (uint64_t)p[i] << (8 * i);
	return v;
}

static void put_le(uint8_t *p, uint64_t v, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

/* Guest writes may miss RAM on purpose (a ring placed outside it): ignore the error. */
static void guest_write(uint64_t ipa, const void *buf, size_t len)
{
	(void)gmem_write(m.vm, ipa, buf, len);
}

static void machines_up(void)
{
	static bool up;
	const struct sim_config cfg = {.ram_size = RAM_SIZE};

	if (up)
		return;
	up = true;
	sim_hal_reset();
	FUZZ_CHECK(sim_machine_init(&m, &cfg) == HV_OK);
	FUZZ_CHECK(sim_machine_init(&other, &cfg) == HV_OK);
	vgic_init(m.vm, 64);
	for (unsigned i = 0; i < 2; i++) {
		for (unsigned b = 0; b < DISK; b++)
			pristine[i][b] = (uint8_t)(b * 7 + i);
		memcpy(images[i], pristine[i], DISK);
		FUZZ_CHECK(blk_mem_init(&disks[i], images[i], DISK, i == 1) == HV_OK);
		FUZZ_CHECK(virtio_blk_attach(m.vm, BASE + 0x200 * i, INTID + i, &disks[i]) ==
			   HV_OK);
	}
	memset(sim_ram_ptr(&other, VM_RAM_BASE), 0x3c, RAM_SIZE);
	other_snapshot = malloc(RAM_SIZE);
	FUZZ_CHECK(other_snapshot);
	memcpy(other_snapshot, sim_ram_ptr(&other, VM_RAM_BASE), RAM_SIZE);
	memset(canary, 0xc5, sizeof(canary));
	memset(canary_ref, 0xc5, sizeof(canary_ref));
}

static uint32_t reg_read(uint64_t off, unsigned size)
{
	uint64_t val = 0x5a5a5a5a5a5a5a5aULL;

	FUZZ_CHECK(dev->ops->read(dev, NULL, off, size, &val) == HV_OK);
	FUZZ_CHECK(size == 8 || val >> (8 * size) == 0);
	return (uint32_t)val;
}

static void reg_write(uint64_t off, unsigned size, uint64_t val)
{
	FUZZ_CHECK(dev->ops->write(dev, NULL, off, size, val) == HV_OK);
}

/* [1] register (bit 7: any word offset instead), [2,6) value; reads check what they see. */
static void reg_step(const uint8_t *s, bool write)
{
	unsigned size = sizes[(s[0] >> 3) & 7];
	uint64_t off = s[1] & 0x80 ? (s[1] & 0x7fu) * 4 : regs[s[1] % 32];
	uint64_t val = le(s + 2, 4);

	off &= ~(uint64_t)(size - 1);
	if (write) {
		reg_write(off, size, val | val << 32);
		return;
	}
	val = reg_read(off, size);
	if (size == 4 && off == 0x070)
		FUZZ_CHECK(val == t->status);
	if (size == 4 && off == 0x060)
		FUZZ_CHECK(val == t->interrupt_status);
}

/* [1,3) offset / 2 into the driver's memory, [3,8) bytes. */
static void poke_step(const uint8_t *s)
{
	guest_write(VM_RAM_BASE + le(s + 1, 2) * 2, s + 3, 5);
}

/* [1] index, [2] bit 7 indirect table, bit 6 length in sectors, bit 5 huge length, bits 0-2
 * where the buffer is, [3] offset there, [4,6) length, [6] flags, [7] next. */
static uint64_t buffer_addr(unsigned where, uint8_t off)
{
	switch (where) {
	case 0:
		return DATA + off * 512ULL;
	case 1:
		return HDRS + (off & 15) * 16ULL;
	case 2:
		return IND + off * 16ULL;
	case 3:
		return VM_RAM_BASE + off * 0x2000ULL;
	case 4:
		return RAM_END - 256 + off; /* runs off the end */
	case 5:
		return (uint64_t)(uintptr_t)canary + off; /* hypervisor memory */
	case 6:
		return (uint64_t)(uintptr_t)sim_ram_ptr(&other, VM_RAM_BASE) + off;
	default:
		return (uint64_t)-256 + off; /* wraps */
	}
}

static void desc_step(const uint8_t *s)
{
	uint64_t table = s[2] & 0x80 ? IND : drv.desc;
	uint32_t len = (uint32_t)le(s + 4, 2);
	uint8_t d[16];

	if (s[2] & 0x40)
		len <<= 9;
	if (s[2] & 0x20)
		len = 0xffffffffu - s[4];
	put_le(d, buffer_addr(s[2] & 7, s[3]), 8);
	put_le(d + 8, len, 4);
	put_le(d + 12, s[6] & 7, 2);
	put_le(d + 14, s[7], 2);
	guest_write(table + 16ULL * (s[1] % (s[2] & 0x80 ? 256 : MAX(drv.num, 1))), d, sizeof(d));
}

/* [1] head to publish, or with [2] bit 0 a raw avail idx [3,5); [2] bit 1: avail flags [5],
 * bit 2: used_event [6]. */
static void avail_step(const uint8_t *s)
{
	uint8_t b[2];

	if (s[2] & 1) {
		drv.avail_idx = (uint16_t)le(s + 3, 2);
	} else if (drv.num) {
		put_le(b, s[1], 2);
		guest_write(drv.avail + 4 + 2ULL * (drv.avail_idx % drv.num), b, 2);
		drv.avail_idx++;
	}
	put_le(b, drv.avail_idx, 2);
	guest_write(drv.avail + 2, b, 2);
	if (s[2] & 2) {
		put_le(b, s[5] & 1, 2);
		guest_write(drv.avail, b, 2);
	}
	if (s[2] & 4) {
		put_le(b, s[6], 2);
		guest_write(drv.avail + 4 + 2ULL * drv.num, b, 2);
	}
}

/* A whole initialisation. [1] feature changes (bit 0 drop VERSION_1, 1 drop EVENT_IDX, 2 drop
 * INDIRECT_DESC, 3 take unoffered bit 3, 4 take unoffered bit 40), [2] log2 queue size,
 * [3] bits 0-1 ring layout, bit 2 DRIVER_OK, [4,8) raw layout. */
static void setup_step(const uint8_t *s)
{
	uint64_t f = t->device_features;
	uint64_t desc = DESC, avail = AVAIL, used = USED;
	uint16_t num = (uint16_t)(1u << (s[2] % 9));
	static const uint8_t zero[0x3000];

	f &= ~((s[1] & 1 ? BIT(VIRTIO_F_VERSION_1) : 0) |
	       (s[1] & 2 ? BIT(VIRTIO_RING_F_EVENT_IDX) : 0) |
	       (s[1] & 4 ? BIT(VIRTIO_RING_F_INDIRECT_DESC) : 0));
	f |= (s[1] & 8 ? BIT(3) : 0) | (s[1] & 16 ? BIT(40) : 0);
	switch (s[3] & 3) {
	case 1: /* the used ring over the available ring */
		used = AVAIL + 8;
		break;
	case 2: /* at the very end of RAM */
		desc = RAM_END - 0x3000;
		avail = RAM_END - 0x2000;
		used = RAM_END - 6 - 8ULL * num;
		break;
	case 3:
		desc = VM_RAM_BASE + le(s + 4, 2) * 16 - 0x100000;
		avail = VM_RAM_BASE + s[6] * 0x100ULL;
		used = VM_RAM_BASE + s[7] * 0x100ULL;
		break;
	default:
		break;
	}
	guest_write(DESC, zero, sizeof(zero));
	reg_write(0x070, 4, 0);
	reg_write(0x070, 4, 1);
	reg_write(0x070, 4, 3);
	reg_write(0x024, 4, 0);
	reg_write(0x020, 4, (uint32_t)f);
	reg_write(0x024, 4, 1);
	reg_write(0x020, 4, (uint32_t)(f >> 32));
	reg_write(0x070, 4, 11);
	reg_write(0x030, 4, 0);
	reg_write(0x038, 4, num);
	reg_write(0x080, 4, (uint32_t)desc);
	reg_write(0x084, 4, (uint32_t)(desc >> 32));
	reg_write(0x090, 4, (uint32_t)avail);
	reg_write(0x094, 4, (uint32_t)(avail >> 32));
	reg_write(0x0a0, 4, (uint32_t)used);
	reg_write(0x0a4, 4, (uint32_t)(used >> 32));
	reg_write(0x044, 4, 1);
	if (s[3] & 4)
		reg_write(0x070, 4, 15);
	drv.desc = desc;
	drv.avail = avail;
	drv.num = num;
	drv.avail_idx = 0;
}

/* [1] slot in the header area, [2] type (bit 3: raw [2,6)), [3,5) sector, [5] bit 0: high
 * byte [6]. */
static void header_step(const uint8_t *s)
{
	uint64_t sector = le(s + 3, 2) | (s[5] & 1 ? (uint64_t)s[6] << 56 : 0);
	uint8_t h[16] = {0};

	put_le(h, s[2] & 8 ? (uint32_t)le(s + 2, 4) : types[s[2] & 7], 4);
	put_le(h + 8, sector, 8);
	guest_write(HDRS + (s[1] & 15) * 16ULL, h, sizeof(h));
}

static NO_COVERAGE void check(void)
{
	const uint32_t bits = VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER |
			      VIRTIO_STATUS_FEATURES_OK | VIRTIO_STATUS_DRIVER_OK |
			      VIRTIO_STATUS_DEVICE_NEEDS_RESET | VIRTIO_STATUS_FAILED;
	uint32_t st = t->status;

	FUZZ_CHECK((st & ~bits) == 0);
	FUZZ_CHECK(!(st & VIRTIO_STATUS_DRIVER) || (st & VIRTIO_STATUS_ACKNOWLEDGE));
	FUZZ_CHECK(!(st & VIRTIO_STATUS_FEATURES_OK) || (st & VIRTIO_STATUS_DRIVER));
	FUZZ_CHECK(!(st & VIRTIO_STATUS_DRIVER_OK) || (st & VIRTIO_STATUS_FEATURES_OK));
	if (st & VIRTIO_STATUS_FEATURES_OK)
		FUZZ_CHECK((t->driver_features & BIT(VIRTIO_F_VERSION_1)) &&
			   !(t->driver_features & ~t->device_features));
	FUZZ_CHECK((t->interrupt_status & ~3u) == 0);
	FUZZ_CHECK(t->line == (t->interrupt_status != 0));
	FUZZ_CHECK(m.vm->vgic.spis[t->intid - 32].line == t->line);
	for (unsigned i = 0; i < VIRTIO_MMIO_MAX_QUEUES; i++) {
		const struct virtq *q = &t->queues[i];

		if (!q->ready)
			continue;
		FUZZ_CHECK(i == 0 && (st & VIRTIO_STATUS_FEATURES_OK));
		FUZZ_CHECK(q->num && q->num <= VIRTQ_MAX_SIZE && !(q->num & (q->num - 1)));
		FUZZ_CHECK(gmem_check(m.vm, q->desc, 16ULL * q->num) == HV_OK);
		FUZZ_CHECK(gmem_check(m.vm, q->used, 6 + 8ULL * q->num) == HV_OK);
		FUZZ_CHECK(!q->broken || (st & VIRTIO_STATUS_DEVICE_NEEDS_RESET));
	}
	FUZZ_CHECK(memcmp(canary, canary_ref, sizeof(canary)) == 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t steps = size ? (size - 1 + STEP_SIZE - 1) / STEP_SIZE : 0;
	unsigned which = size ? data[0] & 1 : 0;

	machines_up();
	dev = vm_find_mmio(m.vm, BASE + 0x200 * which);
	FUZZ_CHECK(dev);
	t = dev->priv;
	/* A fresh start: devices reset, RAM and disks as new, no driver state. */
	for (unsigned i = 0; i < 2; i++) {
		struct mmio_device *d = vm_find_mmio(m.vm, BASE + 0x200 * i);

		FUZZ_CHECK(d->ops->write(d, NULL, 0x070, 4, 0) == HV_OK);
		memcpy(images[i], pristine[i], DISK);
	}
	vm_resume_deferred(m.vm); /* the resets dropped the work: this only clears the bits */
	memset(sim_ram_ptr(&m, VM_RAM_BASE), 0, RAM_SIZE);
	memset(&drv, 0, sizeof(drv));
	drv.desc = DESC;
	drv.avail = AVAIL;
	sim_console_clear();
	if (steps > MAX_STEPS)
		steps = MAX_STEPS;
	for (size_t i = 0; i < steps; i++) {
		uint8_t s[STEP_SIZE] = {0};
		size_t at = 1 + i * STEP_SIZE, n = MIN(size - at, (size_t)STEP_SIZE);

		memcpy(s, data + at, n);
		switch (s[0] & 7) {
		case REG_WRITE:
			reg_step(s, true);
			break;
		case REG_READ:
			reg_step(s, false);
			break;
		case POKE:
			poke_step(s);
			break;
		case DESC_STEP:
			desc_step(s);
			break;
		case AVAIL_STEP:
			avail_step(s);
			break;
		case SETUP:
			setup_step(s);
			break;
		case NOTIFY:
			reg_write(0x050, 4, s[1] & 0x80 ? le(s + 2, 4) : 0);
			break;
		default:
			header_step(s);
			break;
		}
		/* Work a notify left over resumes between the driver's steps, as on the VM's
		 * next entries. */
		if (s[0] & 0x80)
			vm_resume_deferred(m.vm);
		check();
	}
	FUZZ_CHECK(memcmp(images[1], pristine[1], DISK) == 0); /* the read-only disk */
	FUZZ_CHECK(memcmp(sim_ram_ptr(&other, VM_RAM_BASE), other_snapshot, RAM_SIZE) == 0);
	return 0;
}

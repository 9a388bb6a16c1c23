// SPDX-License-Identifier: MIT
/* A hostile driver for the virtio-blk device (docs/guest-abi.md, "virtio-mmio devices"), run
 * with a 1 MiB memory disk whose bytes the case computes (image_byte()), writable or
 * read-only; virtio_good is the well-formed driver. Requests and rings that break the rules,
 * each on a freshly initialised device: the device must answer with DEVICE_NEEDS_RESET and a
 * configuration-change interrupt (or IOERR where the contract says so), touch nothing but the
 * buffers it may, and work again after Status = 0. Then transport misuse, and misuse faster
 * than the hypervisor's log speaks. Every buffer lives in an arena whose other bytes hold
 * canary words, checked after each case; a page at the end of RAM and the GIC distributor's
 * state are checked too (lib/virtio_test.h). */
#include "check.h"
#include "entry.h"
#include "irq.h"
#include "printf.h"
#include "timer.h"
#include "virtio_test.h"
#include "wait.h"

const char guest_name[] = "virtio_hostile";

/* Addresses the hostile requests and rings use: IPAs that are not RAM of the VM, and guest RAM
 * outside the arena. */
#define IPA_TOP48      0xfffffffff000UL		       /* last page of a 48-bit IPA space */
#define IPA_WRAP       0xffffffffffffff00UL	       /* a 512-byte buffer here wraps to 0 */
#define SPARE_RAM      (GUEST_RAM_BASE + 0x01000000UL) /* rings that never become ready */
#define ALIAS_RAM      (GUEST_RAM_BASE + 0x02000000UL) /* 17 MiB aliased 254 times */
#define ALIAS_BYTES    (17UL << 20)
#define HOSTILE_SECTOR 9 /* hostile writes aim here: it must keep the image */
#define HOSTILE_GICD   3 /* hostiles[]: data buffer on the GIC distributor */

#define LOG_BURST 5 /* warnings the hypervisor prints per VM per second (core/log.h) */

static uint32_t text_checksum(void)
{
	uint32_t sum = 0;

	for (volatile uint32_t *p = (uint32_t *)_start; p < (uint32_t *)((uint64_t)_etext & ~3UL);
	     p++)
		sum = (sum << 5 | sum >> 27) ^ *p;
	return sum;
}

/* Hostile requests: each on a fresh device, made available and notified. */
struct hostile {
	const char *what;
	void (*make)(const struct hostile *h);
	uint64_t addr; /* the bad address, index or idx */
	uint32_t len;
	unsigned served;  /* well-formed requests before the bad one, which must complete */
	bool no_indirect; /* negotiate without VIRTIO_RING_F_INDIRECT_DESC */
};

static void make_data_in(const struct hostile *h)
{
	chain_rw(vq.desc, 0, 0, VIRTIO_BLK_T_IN, 0, h->addr, h->len);
	virtq_publish(&vq, 0);
}

static void make_data_out(const struct hostile *h)
{
	chain_rw(vq.desc, 0, 0, VIRTIO_BLK_T_OUT, HOSTILE_SECTOR, h->addr, h->len);
	virtq_publish(&vq, 0);
}

static void make_header(const struct hostile *h)
{
	chain_rw(vq.desc, 0, 0, VIRTIO_BLK_T_IN, 0, data[0], SECTOR);
	vq.desc[0].addr = h->addr;
	virtq_publish(&vq, 0);
}

static void make_status(const struct hostile *h)
{
	chain_rw(vq.desc, 0, 0, VIRTIO_BLK_T_IN, 0, data[0], SECTOR);
	vq.desc[2].addr = h->addr;
	virtq_publish(&vq, 0);
}

/* Descriptor `h->len` of a good chain links back to `h->addr`. */
static void make_loop(const struct hostile *h)
{
	chain_rw(vq.desc, 0, 0, VIRTIO_BLK_T_IN, 0, data[0], SECTOR);
	vq.desc[h->len].flags |= VIRTQ_DESC_F_NEXT;
	vq.desc[h->len].next = (uint16_t)h->addr;
	virtq_publish(&vq, 0);
}

/* Header, then every other descriptor of the ring as a data buffer, the last linked back to
 * the first: the walk takes more steps than the queue has descriptors. */
static void make_round_trip(const struct hostile *h)
{
	virtio_blk_hdr(hdr[0], VIRTIO_BLK_T_IN, 0);
	virtq_set_desc(vq.desc, 0, hdr[0], VIRTIO_BLK_HDR_SIZE, VIRTQ_DESC_F_NEXT, 1);
	for (unsigned i = 1; i < QSIZE; i++)
		virtq_set_desc(vq.desc, i, data[i - 1], SECTOR,
			       VIRTQ_DESC_F_WRITE | VIRTQ_DESC_F_NEXT, (uint16_t)((i + 1) % QSIZE));
	virtq_publish(&vq, 0);
}

static void make_head(const struct hostile *h)
{
	chain_rw(vq.desc, 0, 0, VIRTIO_BLK_T_IN, 0, data[0], SECTOR);
	virtq_publish(&vq, (uint16_t)h->addr);
}

/* Good requests in every ring entry, but the idx jumps by `h->addr`. */
static void make_avail_jump(const struct hostile *h)
{
	chain_rw(vq.desc, 0, 0, VIRTIO_BLK_T_IN, 0, data[0], SECTOR);
	for (unsigned i = 0; i < QSIZE; i++)
		vq.avail->ring[i] = 0;
	virtq_set_avail_idx(&vq, (uint16_t)(vq.avail_idx + h->addr));
}

static volatile struct virtq_desc *table(unsigned s)
{
	return (volatile struct virtq_desc *)itab[s];
}

static void make_nested(const struct hostile *h)
{
	chain_rw(table(1), 0, 0, VIRTIO_BLK_T_IN, 0, data[0], SECTOR);
	virtq_set_desc(table(0), 0, itab[1], 48, VIRTQ_DESC_F_INDIRECT, 0);
	virtq_set_desc(vq.desc, 0, itab[0], 16, VIRTQ_DESC_F_INDIRECT, 0);
	virtq_publish(&vq, 0);
}

static void make_indirect_next(const struct hostile *h)
{
	chain_rw(table(0), 0, 0, VIRTIO_BLK_T_IN, 0, data[0], SECTOR);
	virtq_set_desc(vq.desc, 0, itab[0], 48, VIRTQ_DESC_F_INDIRECT | VIRTQ_DESC_F_NEXT, 1);
	virtq_set_desc(vq.desc, 1, status[1], 1, VIRTQ_DESC_F_WRITE, 0);
	virtq_publish(&vq, 0);
}

/* A good request in slot 0's table, reached through an indirect descriptor of `h->len`
 * bytes at `h->addr` (0: slot 0's table). */
static void make_indirect(const struct hostile *h)
{
	chain_rw(table(0), 0, 0, VIRTIO_BLK_T_IN, 0, data[0], SECTOR);
	virtq_set_desc(vq.desc, 0, h->addr ? h->addr : itab[0], h->len, VIRTQ_DESC_F_INDIRECT, 0);
	virtq_publish(&vq, 0);
}

static void make_indirect_257(const struct hostile *h)
{
	volatile struct virtq_desc *big = (volatile struct virtq_desc *)big_itab;

	chain_rw(big, 0, 0, VIRTIO_BLK_T_IN, 0, data[0], SECTOR);
	for (unsigned i = 3; i < 257; i++)
		virtq_set_desc(big, i, data[1], SECTOR, VIRTQ_DESC_F_WRITE, 0);
	virtq_set_desc(vq.desc, 0, big_itab, 257 * sizeof(struct virtq_desc), VIRTQ_DESC_F_INDIRECT,
		       0);
	virtq_publish(&vq, 0);
}

/* In slot 0's table, descriptor `h->len` links to `h->addr`. */
static void make_indirect_link(const struct hostile *h)
{
	chain_rw(table(0), 0, 0, VIRTIO_BLK_T_IN, 0, data[0], SECTOR);
	table(0)[h->len].flags |= VIRTQ_DESC_F_NEXT;
	table(0)[h->len].next = (uint16_t)h->addr;
	virtq_set_desc(vq.desc, 0, itab[0], 48, VIRTQ_DESC_F_INDIRECT, 0);
	virtq_publish(&vq, 0);
}

static void make_readable_after_writable(const struct hostile *h)
{
	chain_rw(vq.desc, 0, 0, VIRTIO_BLK_T_IN, 0, data[0], SECTOR);
	vq.desc[2].flags = VIRTQ_DESC_F_NEXT; /* after the writable data: device-readable */
	vq.desc[2].addr = data[1];
	vq.desc[2].len = 16;
	vq.desc[2].next = 3;
	virtq_set_desc(vq.desc, 3, status[0], 1, VIRTQ_DESC_F_WRITE, 0);
	virtq_publish(&vq, 0);
}

/* `h->served` good reads (slot s reads sector s + 1), a read into `h->addr`, a good read. */
static void make_batch(const struct hostile *h)
{
	unsigned s = 0, d = 0;

	for (; s < h->served; s++) {
		d += chain_rw(vq.desc, d, s, VIRTIO_BLK_T_IN, s + 1, data[s], SECTOR);
		virtq_publish(&vq, (uint16_t)(d - 3));
	}
	d += chain_rw(vq.desc, d, s, VIRTIO_BLK_T_IN, 0, h->addr, SECTOR);
	virtq_publish(&vq, (uint16_t)(d - 3));
	s++;
	chain_rw(vq.desc, d, s, VIRTIO_BLK_T_IN, 0, data[s], SECTOR);
	virtq_publish(&vq, (uint16_t)d);
}

/* what, make, addr, len, served, no_indirect */
static const struct hostile hostiles[] = {
    {"data buffer at IPA 0x0", make_data_in, 0x0, SECTOR, 0, false},
    {"data buffer at the end of RAM (0x48000000)", make_data_in, GUEST_RAM_END, SECTOR, 0, false},
    {"data buffer straddling the end of RAM", make_data_in, GUEST_RAM_END - 256, SECTOR, 0, false},
    {"data buffer on the GIC distributor (0x8000000)", make_data_in, GUEST_GICD_BASE, SECTOR, 0,
     false},
    {"data buffer on the device's own registers", make_data_in, VIRTIO_MMIO_SLOT_BASE(BLK_SLOT),
     SECTOR, 0, false},
    {"data buffer at 0xfffffffff000 (past the IPA space)", make_data_in, IPA_TOP48, SECTOR, 0,
     false},
    {"data buffer wrapping the address space", make_data_in, IPA_WRAP, SECTOR, 0, false},
    {"data buffer of 0xfffffe00 bytes from guest RAM", make_data_in, GUEST_RAM_BASE + 0x04000000UL,
     0xfffffe00U, 0, false},
    {"write from IPA 0x0", make_data_out, 0x0, SECTOR, 0, false},
    {"write from the vPL011 (0x9000000)", make_data_out, GUEST_UART_BASE, SECTOR, 0, false},
    {"request header on the GIC distributor", make_header, GUEST_GICD_BASE, 0, 0, false},
    {"status byte on the vPL011 data register", make_status, GUEST_UART_BASE, 0, 0, false},
    {"descriptor cycle 1 -> 2 -> 1", make_loop, 1, 2, 0, false},
    {"descriptor 0 naming itself as next", make_loop, 0, 0, 0, false},
    {"chain through all 16 descriptors and back (longer than the queue)", make_round_trip, 0, 0, 0,
     false},
    {"next index 16 (the queue size)", make_loop, QSIZE, 1, 0, false},
    {"next index 0xffff", make_loop, 0xffff, 0, 0, false},
    {"available ring head 16 (the queue size)", make_head, QSIZE, 0, 0, false},
    {"available ring head 0xffff", make_head, 0xffff, 0, 0, false},
    {"available idx 17 ahead (queue size + 1)", make_avail_jump, QSIZE + 1, 0, 0, false},
    {"available idx 0x8000 ahead", make_avail_jump, 0x8000, 0, 0, false},
    {"indirect table inside an indirect table", make_nested, 0, 0, 0, false},
    {"indirect descriptor with NEXT", make_indirect_next, 0, 0, 0, false},
    {"indirect table of length 0", make_indirect, 0, 0, 0, false},
    {"indirect table of length 40 (not a multiple of 16)", make_indirect, 0, 40, 0, false},
    {"indirect table of 257 descriptors", make_indirect_257, 0, 0, 0, false},
    {"indirect table on the GIC distributor", make_indirect, GUEST_GICD_BASE, 48, 0, false},
    {"indirect table straddling the end of RAM", make_indirect, GUEST_RAM_END - 32, 48, 0, false},
    {"descriptor cycle 1 -> 2 -> 1 inside an indirect table", make_indirect_link, 1, 2, 0, false},
    {"next index 3 out of an indirect table of 3", make_indirect_link, 3, 1, 0, false},
    {"indirect descriptor without VIRTIO_RING_F_INDIRECT_DESC", make_indirect, 0, 48, 0, true},
    {"device-readable buffer after a writable one", make_readable_after_writable, 0, 0, 0, false},
    {"good read, data at IPA 0x0, good read", make_batch, 0x0, 0, 1, false},
    {"two good reads, data on the GIC distributor, good read", make_batch, GUEST_GICD_BASE, 0, 2,
     false},
};

static void check_broken(const char *what, const struct outcome *o, unsigned served)
{
	if (!check(o->used == served && (o->status & VIRTIO_STATUS_DEVICE_NEEDS_RESET) &&
		       (o->isr & VIRTIO_MMIO_INT_CONFIG) && o->irqs == 1,
		   "virtio_hostile: %s: DEVICE_NEEDS_RESET, configuration-change interrupt, %u "
		   "served",
		   what, served))
		show(o, served);
}

/* Served slots hold their sector (s + 1) and status OK; the rest are as filled. */
static void check_untouched(const char *what, unsigned served)
{
	bool ok = guards_intact() && slots_untouched(served);

	for (unsigned s = 0; ok && s < served; s++)
		ok = status_byte(s) == VIRTIO_BLK_S_OK &&
		     holds_image(data[s], (s + 1) * SECTOR, SECTOR);
	check(ok, "virtio_hostile: %s: nothing else in guest RAM written", what);
}

static void check_recovers(const char *what)
{
	bool clean, works;

	virtio_reset(&dev);
	virtio_write(&dev, VIRTIO_MMIO_QUEUE_SEL, 0);
	clean = virtio_status(&dev) == 0 && virtio_read(&dev, VIRTIO_MMIO_INTERRUPT_STATUS) == 0 &&
		virtio_read(&dev, VIRTIO_MMIO_QUEUE_READY) == 0;
	works = dev_up(TAKEN) && read_works(HOSTILE_SECTOR);
	check(clean && works,
	      "virtio_hostile: %s: Status = 0 resets it (clean %d), sector %u reads as the image",
	      what, clean, HOSTILE_SECTOR);
}

/* While DEVICE_NEEDS_RESET, a notify serves nothing: the good request stays unanswered. */
static void check_notify_ignored(void)
{
	struct outcome o;

	chain_rw(vq.desc, 3, 1, VIRTIO_BLK_T_IN, 0, data[1], SECTOR);
	virtq_publish(&vq, 3);
	o = kick();
	check(o.used == 0 && o.irqs == 0 && status_byte(1) == 0xff,
	      "virtio_hostile: ... while DEVICE_NEEDS_RESET a notify serves nothing");
	/* Leave the slot as the untouched-check expects it. */
	fill64(status[1], 8, ~0UL);
}

static void run_hostile(const struct hostile *h, bool first)
{
	struct outcome o;

	if (!dev_up(h->no_indirect ? BIT(VIRTIO_F_VERSION_1) : TAKEN)) {
		check(false, "virtio_hostile: %s: the device came up", h->what);
		return;
	}
	sentinels();
	h->make(h);
	o = kick();
	check_broken(h->what, &o, h->served);
	if (first)
		check_notify_ignored();
	check_untouched(h->what, h->served);
	check_recovers(h->what);
}

/* Rings that QueueReady = 1 must refuse. */
struct bad_rings {
	const char *what;
	uint32_t num;
	uint64_t desc, avail, used;
};

#define RD SPARE_RAM
#define RA (SPARE_RAM + 0x1000)
#define RU (SPARE_RAM + 0x2000)

static const struct bad_rings bad_rings[] = {
    {"queue size 0", 0, RD, RA, RU},
    {"queue size 3 (not a power of two)", 3, RD, RA, RU},
    {"queue size 512 (over QueueNumMax)", 512, RD, RA, RU},
    {"queue size 0x10010 (16 in its low half)", 0x10010, RD, RA, RU},
    {"descriptor table on the GIC distributor", QSIZE, GUEST_GICD_BASE, RA, RU},
    {"descriptor table at IPA 0x0", QSIZE, 0, RA, RU},
    {"descriptor table wrapping the address space", QSIZE, IPA_WRAP, RA, RU},
    {"descriptor table at 8 mod 16", QSIZE, RD + 8, RA, RU},
    {"available ring at an odd address", QSIZE, RD, RA + 1, RU},
    {"used ring at 2 mod 4", QSIZE, RD, RA, RU + 2},
    {"used ring straddling the end of RAM", QSIZE, RD, RA, GUEST_RAM_END - 64},
    {"used ring past the IPA space", QSIZE, RD, RA, IPA_TOP48},
    {"available ring inside the descriptor table", QSIZE, RD, RD + 0x80, RU},
    {"used ring overlapping the available ring", QSIZE, RD, RA, RA + 0x10},
};

static void run_bad_rings(const struct bad_rings *r)
{
	unsigned before = blk_irqs;
	uint32_t st, isr;
	bool ready;

	virtio_negotiate(&dev, TAKEN);
	ready = virtio_queue_program(&dev, 0, r->num, r->desc, r->avail, r->used);
	wait_for(blk_irqs != before, IRQ_WAIT_US);
	st = virtio_status(&dev);
	isr = virtio_read(&dev, VIRTIO_MMIO_INTERRUPT_STATUS);
	check(!ready && (st & VIRTIO_STATUS_DEVICE_NEEDS_RESET) && (isr & VIRTIO_MMIO_INT_CONFIG) &&
		  blk_irqs - before == 1,
	      "virtio_hostile: %s: QueueReady stays 0, DEVICE_NEEDS_RESET, configuration-change "
	      "interrupt (ready %d, Status 0x%x, InterruptStatus 0x%x)",
	      r->what, ready, st, isr);
	check(guards_intact(), "virtio_hostile: %s: nothing in guest RAM written", r->what);
	check_recovers(r->what);
}

/* A malformed but valid request: IOERR and the device goes on. */
static void check_ioerr(const char *what, uint32_t type, uint64_t sector, uint32_t len)
{
	struct outcome o;

	sentinels();
	chain_rw(vq.desc, 0, 0, type, sector, data[0], len);
	virtq_publish(&vq, 0);
	o = kick();
	if (!check(answered(&o, 0, 1, 0, VIRTIO_BLK_S_IOERR) && slots_untouched(1) &&
		       all64(data[0], SLOT_DATA, SENTINEL),
		   "virtio_hostile: %s: IOERR, used length 1, no data written, device live", what))
		show(&o, 0);
}

static void check_ioerrs(void)
{
	volatile struct virtq_desc *big = (volatile struct virtq_desc *)big_itab;
	struct outcome o;
	uint64_t t0;

	dev_up(TAKEN);
	check_ioerr("read of sector 2048 (the capacity)", VIRTIO_BLK_T_IN, DISK_SECTORS, SECTOR);
	check_ioerr("read of 2 sectors from 2047", VIRTIO_BLK_T_IN, DISK_SECTORS - 1, 2 * SECTOR);
	check_ioerr("read of sector 2^64 - 1", VIRTIO_BLK_T_IN, ~0UL, SECTOR);
	check_ioerr("write of sector 2048", VIRTIO_BLK_T_OUT, DISK_SECTORS, SECTOR);
	check_ioerr("read of 100 bytes (not a multiple of 512)", VIRTIO_BLK_T_IN, 0, 100);

	sentinels();
	chain_rw(vq.desc, 0, 0, VIRTIO_BLK_T_IN, 0, data[0], SECTOR);
	vq.desc[0].len = 8;
	virtq_publish(&vq, 0);
	o = kick();
	check(answered(&o, 0, 1, 0, VIRTIO_BLK_S_IOERR) && all64(data[0], SLOT_DATA, SENTINEL),
	      "virtio_hostile: header of 8 bytes: IOERR, used length 1, no data written");

	/* No device-writable byte at all: returned with length 0, nothing written. */
	sentinels();
	chain_rw(vq.desc, 0, 0, VIRTIO_BLK_T_OUT, HOSTILE_SECTOR, data[0], SECTOR);
	vq.desc[1].flags = 0;
	virtq_publish(&vq, 0);
	o = kick();
	check(o.used == 1 && o.e[0].len == 0 && o.status == STATUS_LIVE && slots_untouched(0),
	      "virtio_hostile: request without a writable byte: used length 0, nothing written");

	/* 254 data buffers aliasing the same 17 MiB of RAM: over 4 GiB in all. */
	fill64(ALIAS_RAM, SECTOR, SENTINEL);
	fill64(ALIAS_RAM + ALIAS_BYTES - SECTOR, SECTOR, SENTINEL);
	sentinels();
	virtio_blk_hdr(hdr[0], VIRTIO_BLK_T_IN, 0);
	virtq_set_desc(big, 0, hdr[0], VIRTIO_BLK_HDR_SIZE, VIRTQ_DESC_F_NEXT, 1);
	for (unsigned i = 1; i <= SEG_MAX; i++)
		virtq_set_desc(big, i, ALIAS_RAM, ALIAS_BYTES,
			       VIRTQ_DESC_F_WRITE | VIRTQ_DESC_F_NEXT, (uint16_t)(i + 1));
	virtq_set_desc(big, SEG_MAX + 1, status[0], 1, VIRTQ_DESC_F_WRITE, 0);
	virtq_set_desc(vq.desc, 0, big_itab, (SEG_MAX + 2) * sizeof(struct virtq_desc),
		       VIRTQ_DESC_F_INDIRECT, 0);
	virtq_publish(&vq, 0);
	t0 = counter_read();
	o = kick();
	printf("# virtio_hostile: the aliasing request took %lu us\n",
	       timer_ticks_to_us(counter_read() - t0));
	check(answered(&o, 0, 1, 0, VIRTIO_BLK_S_IOERR) && all64(ALIAS_RAM, SECTOR, SENTINEL) &&
		  all64(ALIAS_RAM + ALIAS_BYTES - SECTOR, SECTOR, SENTINEL),
	      "virtio_hostile: 254 buffers aliasing 17 MiB (over 4 GiB): IOERR, nothing written");

	check(read_works(DISK_SECTORS - 1) && read_works(HOSTILE_SECTOR) && guards_intact(),
	      "virtio_hostile: after the IOERRs, without a reset, sectors %u and %u read as the "
	      "image",
	      DISK_SECTORS - 1, HOSTILE_SECTOR);
}

/* Transport rules (virtio 1.2, 3.1.1 and 4.2.2): refused steps leave the device as it was. */
static void check_transport(void)
{
	uint32_t st;
	struct outcome o;

	st = virtio_negotiate(&dev, BIT(VIRTIO_RING_F_INDIRECT_DESC));
	check(!(st & VIRTIO_STATUS_FEATURES_OK),
	      "virtio_hostile: FEATURES_OK refused without VERSION_1 (Status 0x%x)", st);
	st = virtio_negotiate(&dev, BIT(VIRTIO_F_VERSION_1) | BIT(33));
	check(!(st & VIRTIO_STATUS_FEATURES_OK),
	      "virtio_hostile: FEATURES_OK refused with a feature not offered (Status 0x%x)", st);
	virtq_init(&vq, QSIZE, ring_desc, ring_avail, ring_used);
	bool ready = virtio_queue_program(&dev, 0, QSIZE, ring_desc, ring_avail, ring_used);

	st = virtio_driver_ok(&dev);
	check(!ready && st == (VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER),
	      "virtio_hostile: ... then the queue stays not ready and DRIVER_OK is refused "
	      "(Status 0x%x)",
	      st);

	dev_up(TAKEN);
	virtio_write(&dev, VIRTIO_MMIO_QUEUE_DESC_LOW, (uint32_t)GUEST_GICD_BASE);
	virtio_write(&dev, VIRTIO_MMIO_QUEUE_NUM, 3);
	check(read_works(0), "virtio_hostile: QueueDesc and QueueNum written while ready are "
			     "ignored: reads still work");

	virtio_write(&dev, VIRTIO_MMIO_QUEUE_SEL, 1);
	check_eq(virtio_read(&dev, VIRTIO_MMIO_QUEUE_NUM_MAX), 0,
		 "virtio_hostile: QueueNumMax of queue 1 is 0 (no such queue)");
	virtio_write(&dev, VIRTIO_MMIO_QUEUE_SEL, 0);
	sentinels();
	chain_rw(vq.desc, 0, 0, VIRTIO_BLK_T_IN, 0, data[0], SECTOR);
	virtq_publish(&vq, 0);
	o = kick_queue(1);
	check(o.used == 0 && o.irqs == 0 && slots_untouched(0),
	      "virtio_hostile: a notify of queue 1 serves nothing");
	o = kick_queue(0);
	check(answered(&o, 0, SECTOR + 1, 0, VIRTIO_BLK_S_OK),
	      "virtio_hostile: ... the request waits for a notify of queue 0");

	sentinels();
	virtio_write(&dev, VIRTIO_MMIO_QUEUE_READY, 0);
	chain_rw(vq.desc, 0, 0, VIRTIO_BLK_T_IN, 0, data[0], SECTOR);
	virtq_publish(&vq, 0);
	o = kick();
	check(o.used == 0 && o.irqs == 0 && slots_untouched(0),
	      "virtio_hostile: QueueReady = 0 takes the queue down: a notify serves nothing");

	uint64_t wide = *(volatile uint64_t *)(dev.base + VIRTIO_MMIO_MAGIC_VALUE);
	uint16_t half = *(volatile uint16_t *)(dev.base + VIRTIO_MMIO_MAGIC_VALUE);

	virtio_write(&dev, VIRTIO_MMIO_MAGIC_VALUE, 0);
	check(wide == 0 && half == 0 &&
		  virtio_read(&dev, VIRTIO_MMIO_MAGIC_VALUE) == VIRTIO_MMIO_MAGIC,
	      "virtio_hostile: 8- and 2-byte reads of MagicValue read 0, a write is ignored");
	virtio_reset(&dev);
}

int main(void)
{
	uint32_t text_sum = text_checksum();
	uint64_t t0 = counter_read();

	if (!check(virtio_test_init(), "virtio_hostile: GIC up"))
		return 0;
	printf("virtio_hostile: %s disk\n",
	       (virtio_device_features(&dev) & BIT(VIRTIO_BLK_F_RO)) ? "read-only" : "read-write");

	for (unsigned i = 0; i < sizeof(hostiles) / sizeof(hostiles[0]); i++)
		run_hostile(&hostiles[i], i == 0);
	for (unsigned i = 0; i < sizeof(bad_rings) / sizeof(bad_rings[0]); i++)
		run_bad_rings(&bad_rings[i]);
	check_ioerrs();
	check_transport();

	/* More misuse than the log prints in a second (notifies of a queue that does not
	 * exist), then a second of quiet: the rate-limited log speaks again, reporting what it
	 * held back, then the next request's warning. A quiet second first, so that the burst
	 * opens a window of its own: one the warnings above opened could end in the middle of
	 * it (the host's speed decides), and the next would then hold back nothing. */
	dev_up(TAKEN);
	wait_us(1100000);
	for (unsigned i = 0; i < 4 * LOG_BURST; i++)
		virtio_notify(&dev, 1);
	printf("virtio_hostile: quiet for 1.1 s, then one more hostile request\n");
	wait_us(1100000);
	run_hostile(&hostiles[HOSTILE_GICD], false);

	check(guards_intact() && text_checksum() == text_sum,
	      "virtio_hostile: canaries, last RAM page, GIC distributor and guest code intact");
	irq_check_clean();
	printf("# virtio_hostile: %lu ms\n", timer_ticks_to_us(counter_read() - t0) / 1000);
	return 0;
}

// SPDX-License-Identifier: MIT
/* What the virtio-blk guests share (virtio_test.h). */
#include "virtio_test.h"

#include "gic.h"
#include "irq.h"
#include "printf.h"
#include "wait.h"

#define ARENA_BYTES 0x60000
#define GUARD(i)    (0x6a5d000000000000UL | (i))

static uint8_t arena_mem[ARENA_BYTES] __attribute__((aligned(4096)));
static struct arena arena;
uint64_t ring_desc, ring_avail, ring_used;
uint64_t hdr[QSIZE], status[QSIZE], data[QSIZE], itab[QSIZE];
uint64_t big_itab, big_data, scratch;

const struct virtio_dev dev = {VIRTIO_MMIO_SLOT_BASE(BLK_SLOT)};
struct virtq vq;
volatile unsigned blk_irqs;
static uint32_t gicd_before[24];

static void carve_all(void)
{
	arena_init(&arena, arena_mem, ARENA_BYTES);
	ring_desc = arena_carve(&arena, VIRTQ_DESC_BYTES(QSIZE), 16);
	ring_avail = arena_carve(&arena, VIRTQ_AVAIL_BYTES(QSIZE), 8);
	ring_used = arena_carve(&arena, VIRTQ_USED_BYTES(QSIZE), 8);
	for (unsigned s = 0; s < QSIZE; s++) {
		hdr[s] = arena_carve(&arena, VIRTIO_BLK_HDR_SIZE, 16);
		status[s] = arena_carve(&arena, 8, 8);
		data[s] = arena_carve(&arena, SLOT_DATA, 64);
		itab[s] = arena_carve(&arena, 4 * sizeof(struct virtq_desc), 16);
	}
	big_itab = arena_carve(&arena, 257 * sizeof(struct virtq_desc), 16);
	big_data = arena_carve(&arena, SEG_MAX * SECTOR, 64);
	scratch = arena_carve(&arena, SECTOR, 64);
}

static uint32_t *gicd_state(uint32_t *s)
{
	for (unsigned i = 0; i < 16; i++) /* IPRIORITYR of INTIDs 32-95 */
		s[i] = gicd_read(GICD_IPRIORITYR + 32 + 4 * i);
	for (unsigned i = 0; i < 4; i++) /* ICFGR of INTIDs 32-95 */
		s[16 + i] = gicd_read(GICD_ICFGR + 8 + 4 * i);
	s[20] = gicd_read(GICD_ISENABLER + 4);
	s[21] = gicd_read(GICD_ISENABLER + 8);
	s[22] = gicd_read(GICD_CTLR);
	s[23] = gicd_read(GICD_TYPER);
	return s;
}

static void guards_init(void)
{
	volatile uint64_t *g = (volatile uint64_t *)GUARD_PAGE;

	for (unsigned i = 0; i < 0x1000 / 8; i++)
		g[i] = GUARD(i);
	gicd_state(gicd_before);
}

bool guards_intact(void)
{
	volatile uint64_t *g = (volatile uint64_t *)GUARD_PAGE;
	uint32_t now[24];

	for (unsigned i = 0; i < 0x1000 / 8; i++) {
		if (g[i] != GUARD(i)) {
			printf("#   guard page word %u is 0x%lx\n", i, g[i]);
			return false;
		}
	}
	gicd_state(now);
	for (unsigned i = 0; i < 24; i++) {
		if (now[i] != gicd_before[i]) {
			printf("#   GICD word %u is 0x%x, was 0x%x\n", i, now[i], gicd_before[i]);
			return false;
		}
	}
	return arena_canaries_intact(&arena);
}

uint8_t image_byte(uint64_t off)
{
	return (uint8_t)((off >> 9) * 37 + (off & 511) * 13 + 0xa5);
}

bool holds_image(uint64_t addr, uint64_t off, uint64_t len)
{
	volatile uint8_t *p = (volatile uint8_t *)addr;

	for (uint64_t i = 0; i < len; i++) {
		if (p[i] != image_byte(off + i)) {
			printf("#   byte %lu at 0x%lx is 0x%x, the image has 0x%x\n", i, addr + i,
			       p[i], image_byte(off + i));
			return false;
		}
	}
	return true;
}

uint8_t status_byte(unsigned s)
{
	return *(volatile uint8_t *)status[s];
}

void sentinels(void)
{
	for (unsigned s = 0; s < QSIZE; s++) {
		fill64(data[s], SLOT_DATA, SENTINEL);
		fill64(status[s], 8, ~0UL);
	}
}

bool slots_untouched(unsigned from)
{
	for (unsigned s = from; s < QSIZE; s++) {
		if (!all64(data[s], SLOT_DATA, SENTINEL) || !all64(status[s], 8, ~0UL)) {
			printf("#   slot %u was written\n", s);
			return false;
		}
	}
	return true;
}

static void blk_irq(uint32_t intid)
{
	blk_irqs++;
}

unsigned chain_rw(volatile struct virtq_desc *table, unsigned first, unsigned s, uint32_t type,
		  uint64_t sector, uint64_t buf, uint32_t len)
{
	return virtio_blk_chain(table, first, hdr[s], status[s], type, sector, buf, len);
}

bool dev_up(uint64_t features)
{
	uint32_t st = virtio_negotiate(&dev, features);
	bool ready;

	virtq_init(&vq, QSIZE, ring_desc, ring_avail, ring_used);
	ready = virtio_queue_program(&dev, 0, QSIZE, ring_desc, ring_avail, ring_used);
	return (st & VIRTIO_STATUS_FEATURES_OK) && ready && virtio_driver_ok(&dev) == STATUS_LIVE;
}

struct outcome kick_queue(uint32_t index)
{
	struct outcome o = {0};
	struct virtq_used_elem e;
	unsigned before = blk_irqs;

	virtio_notify(&dev, index);
	wait_for(blk_irqs != before, IRQ_WAIT_US);
	o.irqs = blk_irqs - before;
	o.status = virtio_status(&dev);
	o.isr = virtio_read(&dev, VIRTIO_MMIO_INTERRUPT_STATUS);
	while (virtq_get_used(&vq, &e)) {
		if (o.used < QSIZE)
			o.e[o.used] = e;
		o.used++;
	}
	virtio_write(&dev, VIRTIO_MMIO_INTERRUPT_ACK, o.isr);
	o.isr_acked = virtio_read(&dev, VIRTIO_MMIO_INTERRUPT_STATUS);
	return o;
}

struct outcome kick(void)
{
	return kick_queue(0);
}

void show(const struct outcome *o, unsigned s)
{
	printf("#   used %u (id %u len %u), status byte 0x%x, Status 0x%x, InterruptStatus 0x%x, "
	       "%u interrupts\n",
	       o->used, o->e[0].id, o->e[0].len, status_byte(s), o->status, o->isr, o->irqs);
}

bool answered(const struct outcome *o, uint16_t head, uint32_t len, unsigned s, uint8_t want)
{
	return o->used == 1 && o->e[0].id == head && o->e[0].len == len && status_byte(s) == want &&
	       o->status == STATUS_LIVE && o->isr_acked == 0;
}

struct outcome read_at(uint64_t sector, uint64_t buf, uint32_t len)
{
	chain_rw(vq.desc, 0, 0, VIRTIO_BLK_T_IN, sector, buf, len);
	virtq_publish(&vq, 0);
	return kick();
}

bool read_works(uint64_t sector)
{
	struct outcome o;

	sentinels();
	o = read_at(sector, data[0], SECTOR);
	if (!answered(&o, 0, SECTOR + 1, 0, VIRTIO_BLK_S_OK)) {
		show(&o, 0);
		return false;
	}
	return holds_image(data[0], sector * SECTOR, SECTOR);
}

bool virtio_test_init(void)
{
	if (!irq_init())
		return false;
	gic_irq_setup(BLK_INTID, 0x80, true);
	irq_register(BLK_INTID, blk_irq);
	carve_all();
	guards_init();
	return true;
}

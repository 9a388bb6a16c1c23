/* SPDX-License-Identifier: MIT */
#ifndef GUEST_VIRTIO_TEST_H
#define GUEST_VIRTIO_TEST_H

/* What the virtio-blk guests (virtio_good, virtio_hostile) share: the device in slot 0 with a
 * 1 MiB memory disk whose bytes the case computes (virtio_image_byte()), queue 0 and every
 * buffer the device may see carved from an arena between canaries, the guards that show
 * nothing else was written (the canaries, a page at the end of RAM, the GIC distributor's
 * state), and the notify-and-collect steps the checks are made of. Interrupts (INTID 48) are
 * taken, not polled. One user at a time: the state below is global. */

#include <stdbool.h>
#include <stdint.h>

#include "arena.h"
#include "board.h"
#include "virtio.h"
#include "virtio_blk.h"

#define BIT(n) (1UL << (n))

#define BLK_SLOT     0
#define BLK_INTID    VIRTIO_MMIO_SLOT_INTID(BLK_SLOT)
#define QSIZE	     16
#define SECTOR	     VIRTIO_BLK_SECTOR
#define DISK_SECTORS 2048 /* the 1 MiB image tests/qemu/guest_cases.py makes */
#define SEG_MAX	     254

#define TAKEN (BIT(VIRTIO_F_VERSION_1) | BIT(VIRTIO_RING_F_INDIRECT_DESC))
#define STATUS_LIVE                                                                     \
	(VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER | VIRTIO_STATUS_FEATURES_OK | \
	 VIRTIO_STATUS_DRIVER_OK)

#define GUARD_PAGE  (GUEST_RAM_END - 0x1000) /* the last page of RAM, filled with GUARD(i) */
#define IRQ_WAIT_US 20000

/* Every buffer the device may see is carved from the arena, between canaries. */
#define SLOT_DATA 1024
#define SENTINEL  0xeeeeeeeeeeeeeeeeUL

/* Carved by virtio_test_init(): queue 0's rings, per slot s (0..QSIZE-1) a request header,
 * a status word, SLOT_DATA bytes of data and a 4-entry indirect table; a 257-entry indirect
 * table, SEG_MAX sectors of data and one sector of scratch. */
extern uint64_t ring_desc, ring_avail, ring_used;
extern uint64_t hdr[QSIZE], status[QSIZE], data[QSIZE], itab[QSIZE];
extern uint64_t big_itab, big_data, scratch;

extern const struct virtio_dev dev;
extern struct virtq vq;
extern volatile unsigned blk_irqs; /* INTID 48 interrupts taken */

/* What one notify did. */
struct outcome {
	unsigned used;			 /* elements the device returned */
	struct virtq_used_elem e[QSIZE]; /* the first QSIZE of them */
	uint32_t status;		 /* the Status register afterwards */
	uint32_t isr;			 /* InterruptStatus afterwards */
	uint32_t isr_acked;		 /* ... after writing it to InterruptACK */
	unsigned irqs;			 /* INTID 48 interrupts taken meanwhile */
};

/* Bring up the GIC (false if it does not come up, and nothing else is done), take INTID 48,
 * carve the arena and record the guards. */
bool virtio_test_init(void);

/* The canaries, the last page of RAM and the GIC distributor's state are as they were at
 * virtio_test_init(); prints the first difference. */
bool guards_intact(void);

/* Byte `off` of the disk image: tests/qemu/guest_cases.py computes the same bytes. */
uint8_t image_byte(uint64_t off);

/* `len` bytes at `addr` are the image's from byte `off` of the disk. */
bool holds_image(uint64_t addr, uint64_t off, uint64_t len);

/* The status byte of slot `s`. */
uint8_t status_byte(unsigned s);

/* Fill every slot's data with SENTINEL and its status with 0xff. */
void sentinels(void);

/* Every slot's data is SENTINEL and its status 0xff, from slot `from` on. */
bool slots_untouched(unsigned from);

/* A request of slot `s` (its header and status byte) from descriptor `first` of `table`;
 * returns the descriptors used. */
unsigned chain_rw(volatile struct virtq_desc *table, unsigned first, unsigned s, uint32_t type,
		  uint64_t sector, uint64_t buf, uint32_t len);

/* Reset and bring the device up as a driver does, queue 0 of QSIZE entries in the arena. */
bool dev_up(uint64_t features);

/* Notify queue `index`, take the interrupt if one comes, collect the used elements, and
 * acknowledge what InterruptStatus shows. kick() is kick_queue(0). */
struct outcome kick_queue(uint32_t index);
struct outcome kick(void);

/* Print an outcome and slot `s`'s status byte as a TAP comment. */
void show(const struct outcome *o, unsigned s);

/* One request served: used element (head, len), status byte of slot `s`, device still live. */
bool answered(const struct outcome *o, uint16_t head, uint32_t len, unsigned s, uint8_t want);

/* A well-formed read of `len` bytes from `sector` into `buf`, slot 0, descriptors 0-2. */
struct outcome read_at(uint64_t sector, uint64_t buf, uint32_t len);

/* A one-sector read of `sector` into slot 0 is answered OK and holds the image. */
bool read_works(uint64_t sector);

#endif

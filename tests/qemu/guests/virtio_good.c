// SPDX-License-Identifier: MIT
/* A well-formed driver for the virtio-blk device (docs/guest-abi.md, "virtio-mmio devices"),
 * run with a 1 MiB memory disk whose bytes the case computes (image_byte()), writable or
 * read-only: probe, features, a split queue in guest RAM, reads, a write, FLUSH, GET_ID,
 * indirect tables, a full ring, and guest RAM at the hypervisor's host addresses. Every buffer
 * lives in an arena whose other bytes hold canary words; those, a page at the end of RAM and
 * the GIC distributor's state are checked at the end (lib/virtio_test.h). virtio_hostile then
 * breaks the rules. */
#include "check.h"
#include "entry.h"
#include "irq.h"
#include "printf.h"
#include "virtio_test.h"

const char guest_name[] = "virtio_good";

#define VENDOR_ID     0x5648 /* docs/guest-abi.md: the hypervisor's VendorID */
#define QUEUE_NUM_MAX 256

/* The device's configuration ends after num_queues (docs/guest-abi.md). */
#define BLK_CFG_SIZE 0x24

#define OFFERED                                                                             \
	(BIT(VIRTIO_F_VERSION_1) | BIT(VIRTIO_BLK_F_SEG_MAX) | BIT(VIRTIO_BLK_F_BLK_SIZE) | \
	 BIT(VIRTIO_BLK_F_FLUSH) | BIT(VIRTIO_RING_F_EVENT_IDX) |                           \
	 BIT(VIRTIO_RING_F_INDIRECT_DESC))

#define HV_HOST_PA   0x40200000UL /* where the hypervisor runs on the host: guest RAM here */
#define WRITE_SECTOR 7		  /* the well-formed write */
#define BIG_SECTOR   16		  /* the 254-sector read, clear of it */

static bool read_only;

static uint8_t written_byte(uint64_t i)
{
	return (uint8_t)(i * 7 + 0x3c) ^ 0x81;
}

static void check_probe(void)
{
	uint64_t features;

	check_eq(virtio_read(&dev, VIRTIO_MMIO_MAGIC_VALUE), VIRTIO_MMIO_MAGIC,
		 "virtio_good: MagicValue at 0x%lx is \"virt\"", dev.base);
	check_eq(virtio_read(&dev, VIRTIO_MMIO_VERSION), 2, "virtio_good: Version is 2");
	check_eq(virtio_read(&dev, VIRTIO_MMIO_DEVICE_ID), VIRTIO_ID_BLOCK,
		 "virtio_good: DeviceID is 2 (block)");
	check_eq(virtio_read(&dev, VIRTIO_MMIO_VENDOR), VENDOR_ID,
		 "virtio_good: VendorID is 0x5648");
	features = virtio_device_features(&dev);
	read_only = features & BIT(VIRTIO_BLK_F_RO);
	printf("virtio_good: %s disk\n", read_only ? "read-only" : "read-write");
	check_eq(features, OFFERED | (read_only ? BIT(VIRTIO_BLK_F_RO) : 0),
		 "virtio_good: features VERSION_1, SEG_MAX, BLK_SIZE, FLUSH, EVENT_IDX, "
		 "INDIRECT_DESC (RO on a read-only disk)");

	check_eq(virtio_negotiate(&dev, TAKEN),
		 VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER | VIRTIO_STATUS_FEATURES_OK,
		 "virtio_good: FEATURES_OK accepted for VERSION_1 + INDIRECT_DESC");
	virtio_write(&dev, VIRTIO_MMIO_QUEUE_SEL, 0);
	check_eq(virtio_read(&dev, VIRTIO_MMIO_QUEUE_NUM_MAX), QUEUE_NUM_MAX,
		 "virtio_good: QueueNumMax of queue 0 is 256");
	virtq_init(&vq, QSIZE, ring_desc, ring_avail, ring_used);
	check(virtio_queue_program(&dev, 0, QSIZE, ring_desc, ring_avail, ring_used),
	      "virtio_good: queue 0 of %u entries in guest RAM is ready", QSIZE);
	check_eq(virtio_driver_ok(&dev), STATUS_LIVE, "virtio_good: DRIVER_OK taken");
	check_eq(virtio_config64(&dev, VIRTIO_BLK_CFG_CAPACITY), DISK_SECTORS,
		 "virtio_good: capacity is %u sectors", DISK_SECTORS);
	check_eq(virtio_config32(&dev, VIRTIO_BLK_CFG_SEG_MAX), SEG_MAX,
		 "virtio_good: seg_max is 254");
	check_eq(virtio_config32(&dev, VIRTIO_BLK_CFG_BLK_SIZE), SECTOR,
		 "virtio_good: blk_size is 512");
	check_eq(virtio_config32(&dev, BLK_CFG_SIZE) | virtio_config32(&dev, 0xfc) |
		     virtio_read(&dev, VIRTIO_MMIO_CONFIG_GENERATION),
		 0, "virtio_good: configuration past num_queues and ConfigGeneration read 0");
}

static void check_good_reads(void)
{
	volatile struct virtq_desc *t = vq.desc;
	struct outcome o;

	sentinels();
	o = read_at(0, data[0], SECTOR);
	if (!check(answered(&o, 0, SECTOR + 1, 0, VIRTIO_BLK_S_OK),
		   "virtio_good: read of sector 0: used id 0, length 513, status OK"))
		show(&o, 0);
	check(holds_image(data[0], 0, SECTOR) && all64(data[0] + SECTOR, SECTOR, SENTINEL),
	      "virtio_good: ... the buffer holds sector 0 of the image, nothing past it");
	check(o.irqs == 1 && o.isr == VIRTIO_MMIO_INT_VRING && o.isr_acked == 0,
	      "virtio_good: ... one used-buffer interrupt on INTID %u, InterruptACK clears it "
	      "(%u, 0x%x, 0x%x)",
	      BLK_INTID, o.irqs, o.isr, o.isr_acked);

	/* The last sector, its data split 100 + 300 + 112 over three buffers. */
	sentinels();
	chain_rw(t, 0, 0, VIRTIO_BLK_T_IN, DISK_SECTORS - 1, data[0], 100);
	t[1].flags |= VIRTQ_DESC_F_NEXT;
	virtq_set_desc(t, 2, data[1], 300, VIRTQ_DESC_F_WRITE | VIRTQ_DESC_F_NEXT, 3);
	virtq_set_desc(t, 3, data[2], 112, VIRTQ_DESC_F_WRITE | VIRTQ_DESC_F_NEXT, 4);
	virtq_set_desc(t, 4, status[0], 1, VIRTQ_DESC_F_WRITE, 0);
	virtq_publish(&vq, 0);
	o = kick();
	uint64_t last = (DISK_SECTORS - 1) * (uint64_t)SECTOR;

	check(answered(&o, 0, SECTOR + 1, 0, VIRTIO_BLK_S_OK) && holds_image(data[0], last, 100) &&
		  holds_image(data[1], last + 100, 300) && holds_image(data[2], last + 400, 112),
	      "virtio_good: the last sector split 100 + 300 + 112 over three buffers");

	/* Two sectors in 700 + 325 bytes: the status is the last byte of the second buffer. */
	sentinels();
	chain_rw(t, 0, 0, VIRTIO_BLK_T_IN, 2, data[0], 700);
	virtq_set_desc(t, 1, data[0], 700, VIRTQ_DESC_F_WRITE | VIRTQ_DESC_F_NEXT, 2);
	virtq_set_desc(t, 2, data[1], 325, VIRTQ_DESC_F_WRITE, 0);
	virtq_publish(&vq, 0);
	o = kick();
	check(o.used == 1 && o.e[0].len == 2 * SECTOR + 1 &&
		  holds_image(data[0], 2 * SECTOR, 700) &&
		  holds_image(data[1], 2 * SECTOR + 700, 324) &&
		  *(volatile uint8_t *)(data[1] + 324) == VIRTIO_BLK_S_OK &&
		  all64(status[0], 8, ~0UL),
	      "virtio_good: two sectors in 700 + 325 bytes, the status byte last in the second");

	/* An empty buffer at IPA 0 holds no byte: nothing to check, nothing to copy. */
	sentinels();
	chain_rw(t, 0, 0, VIRTIO_BLK_T_IN, 3, data[0], SECTOR);
	virtq_set_desc(t, 1, 0, 0, VIRTQ_DESC_F_WRITE | VIRTQ_DESC_F_NEXT, 3);
	virtq_set_desc(t, 3, data[0], SECTOR, VIRTQ_DESC_F_WRITE | VIRTQ_DESC_F_NEXT, 2);
	virtq_publish(&vq, 0);
	o = kick();
	check(answered(&o, 0, SECTOR + 1, 0, VIRTIO_BLK_S_OK) &&
		  holds_image(data[0], 3 * SECTOR, SECTOR),
	      "virtio_good: an empty buffer at IPA 0x0 in the chain is skipped");
}

static void check_write(void)
{
	struct outcome o;
	bool ok;

	sentinels();
	for (unsigned i = 0; i < SECTOR; i++)
		*(volatile uint8_t *)(data[0] + i) = written_byte(i);
	chain_rw(vq.desc, 0, 0, VIRTIO_BLK_T_OUT, WRITE_SECTOR, data[0], SECTOR);
	virtq_publish(&vq, 0);
	o = kick();
	if (!check(answered(&o, 0, 1, 0, read_only ? VIRTIO_BLK_S_IOERR : VIRTIO_BLK_S_OK),
		   "virtio_good: write of sector %u: %s, used length 1", WRITE_SECTOR,
		   read_only ? "IOERR (read-only disk)" : "OK"))
		show(&o, 0);

	o = read_at(WRITE_SECTOR, data[1], SECTOR);
	ok = answered(&o, 0, SECTOR + 1, 0, VIRTIO_BLK_S_OK);
	for (unsigned i = 0; ok && i < SECTOR; i++)
		ok = *(volatile uint8_t *)(data[1] + i) ==
		     (read_only ? image_byte(WRITE_SECTOR * SECTOR + i) : written_byte(i));
	check(ok, "virtio_good: ... sector %u reads back %s", WRITE_SECTOR,
	      read_only ? "unchanged" : "as written");

	o = read_at(WRITE_SECTOR - 1, big_data, 3 * SECTOR);
	check(answered(&o, 0, 3 * SECTOR + 1, 0, VIRTIO_BLK_S_OK) &&
		  holds_image(big_data, (WRITE_SECTOR - 1) * SECTOR, SECTOR) &&
		  holds_image(big_data + 2 * SECTOR, (WRITE_SECTOR + 1) * SECTOR, SECTOR),
	      "virtio_good: ... sectors %u and %u around it are unchanged", WRITE_SECTOR - 1,
	      WRITE_SECTOR + 1);
}

static void check_other_types(void)
{
	volatile struct virtq_desc *t = vq.desc;
	volatile uint8_t *id = (volatile uint8_t *)data[0];
	struct outcome o;
	bool ok;

	sentinels();
	chain_rw(t, 0, 0, VIRTIO_BLK_T_FLUSH, 0, 0, 0);
	virtq_publish(&vq, 0);
	o = kick();
	check(answered(&o, 0, 1, 0, VIRTIO_BLK_S_OK), "virtio_good: FLUSH: OK, used length 1");

	chain_rw(t, 0, 0, VIRTIO_BLK_T_GET_ID, 0, data[0], VIRTIO_BLK_ID_BYTES);
	virtq_publish(&vq, 0);
	o = kick();
	ok = answered(&o, 0, VIRTIO_BLK_ID_BYTES + 1, 0, VIRTIO_BLK_S_OK) && id[0] == 'm' &&
	     id[1] == 'e' && id[2] == 'm';
	for (unsigned i = 3; ok && i < VIRTIO_BLK_ID_BYTES; i++)
		ok = id[i] == 0;
	check(ok, "virtio_good: GET_ID: \"mem\" NUL-padded to 20 bytes, used length 21");

	chain_rw(t, 0, 0, 0x77, 0, 0, 0);
	virtq_publish(&vq, 0);
	o = kick();
	check(answered(&o, 0, 1, 0, VIRTIO_BLK_S_UNSUPP),
	      "virtio_good: request type 0x77: UNSUPP, used length 1");
}

static void check_indirect(void)
{
	volatile struct virtq_desc *big = (volatile struct virtq_desc *)big_itab;
	struct outcome o;
	bool ok;

	sentinels();
	chain_rw((volatile struct virtq_desc *)itab[0], 0, 0, VIRTIO_BLK_T_IN, 4, data[0], SECTOR);
	virtq_set_desc(vq.desc, 0, itab[0], 3 * sizeof(struct virtq_desc), VIRTQ_DESC_F_INDIRECT,
		       0);
	virtq_publish(&vq, 0);
	o = kick();
	check(answered(&o, 0, SECTOR + 1, 0, VIRTIO_BLK_S_OK) &&
		  holds_image(data[0], 4 * SECTOR, SECTOR),
	      "virtio_good: read of sector 4 through an indirect table of 3");

	/* seg_max data buffers: header + 254 + status = 256 descriptors, the most a chain has. */
	virtio_blk_hdr(hdr[0], VIRTIO_BLK_T_IN, BIG_SECTOR);
	virtq_set_desc(big, 0, hdr[0], VIRTIO_BLK_HDR_SIZE, VIRTQ_DESC_F_NEXT, 1);
	for (unsigned i = 1; i <= SEG_MAX; i++)
		virtq_set_desc(big, i, big_data + (i - 1) * SECTOR, SECTOR,
			       VIRTQ_DESC_F_WRITE | VIRTQ_DESC_F_NEXT, (uint16_t)(i + 1));
	virtq_set_desc(big, SEG_MAX + 1, status[0], 1, VIRTQ_DESC_F_WRITE, 0);
	virtq_set_desc(vq.desc, 0, big_itab, (SEG_MAX + 2) * sizeof(struct virtq_desc),
		       VIRTQ_DESC_F_INDIRECT, 0);
	virtq_publish(&vq, 0);
	o = kick();
	check(answered(&o, 0, SEG_MAX * SECTOR + 1, 0, VIRTIO_BLK_S_OK) &&
		  holds_image(big_data, BIG_SECTOR * SECTOR, SEG_MAX * SECTOR),
	      "virtio_good: 256 descriptors in one indirect table (254 data buffers) served");

	/* The available idx a whole ring ahead: 16 requests, each through its own table. */
	sentinels();
	for (unsigned s = 0; s < QSIZE; s++) {
		chain_rw((volatile struct virtq_desc *)itab[s], 0, s, VIRTIO_BLK_T_IN, 10 + s,
			 data[s], SECTOR);
		virtq_set_desc(vq.desc, s, itab[s], 3 * sizeof(struct virtq_desc),
			       VIRTQ_DESC_F_INDIRECT, 0);
		vq.avail->ring[(vq.avail_idx + s) % QSIZE] = (uint16_t)(QSIZE - 1 - s);
	}
	virtq_set_avail_idx(&vq, (uint16_t)(vq.avail_idx + QSIZE));
	o = kick();
	ok = o.used == QSIZE && o.status == STATUS_LIVE && o.irqs == 1;
	for (unsigned i = 0; ok && i < QSIZE; i++) {
		unsigned s = QSIZE - 1 - i;

		ok = o.e[i].id == s && o.e[i].len == SECTOR + 1 &&
		     status_byte(s) == VIRTIO_BLK_S_OK &&
		     holds_image(data[s], (10 + s) * SECTOR, SECTOR);
	}
	if (!check(ok, "virtio_good: available idx a full ring (16) ahead: all 16 served in "
		       "ring order, one interrupt"))
		show(&o, 0);
}

/* Guest RAM is the guest's: an IPA equal to a host address of the hypervisor is just RAM. */
static void check_ram_is_the_guests(void)
{
	volatile struct virtq_desc *t = vq.desc;
	struct outcome o;

	sentinels();
	if ((uint64_t)_end > HV_HOST_PA) {
		check(false, "virtio_good: the image ends below 0x%lx (it ends at 0x%lx)",
		      HV_HOST_PA, (uint64_t)_end);
	} else {
		o = read_at(5, HV_HOST_PA, SECTOR);
		check(answered(&o, 0, SECTOR + 1, 0, VIRTIO_BLK_S_OK) &&
			  holds_image(HV_HOST_PA, 5 * SECTOR, SECTOR),
		      "virtio_good: a read into IPA 0x%lx (the hypervisor's address on the "
		      "host) lands in guest RAM",
		      HV_HOST_PA);
	}

	/* The data overwrites the descriptor table it came from: the device serves the chain
	 * as it walked it. */
	sentinels();
	chain_rw(t, 0, 0, VIRTIO_BLK_T_IN, 6, ring_desc, 256);
	virtq_set_desc(t, 1, ring_desc, 256, VIRTQ_DESC_F_WRITE | VIRTQ_DESC_F_NEXT, 3);
	virtq_set_desc(t, 3, scratch, 256, VIRTQ_DESC_F_WRITE | VIRTQ_DESC_F_NEXT, 2);
	virtq_publish(&vq, 0);
	o = kick();
	check(answered(&o, 0, SECTOR + 1, 0, VIRTIO_BLK_S_OK) &&
		  holds_image(ring_desc, 6 * SECTOR, 256) &&
		  holds_image(scratch, 6 * SECTOR + 256, 256),
	      "virtio_good: a read into its own descriptor table is served as walked");
}

int main(void)
{
	if (!check(virtio_test_init(), "virtio_good: GIC up"))
		return 0;

	check_probe();
	check_good_reads();
	check_write();
	check_other_types();
	check_indirect();
	check_ram_is_the_guests();
	check(guards_intact(), "virtio_good: well-formed requests wrote only their buffers");
	irq_check_clean();
	return 0;
}

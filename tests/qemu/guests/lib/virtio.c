// SPDX-License-Identifier: MIT
/* virtio-mmio and split virtqueues, driver side (virtio.h). */
#include "virtio.h"

uint64_t virtio_device_features(const struct virtio_dev *d)
{
	uint64_t features;

	virtio_write(d, VIRTIO_MMIO_DEVICE_FEATURES_SEL, 0);
	features = virtio_read(d, VIRTIO_MMIO_DEVICE_FEATURES);
	virtio_write(d, VIRTIO_MMIO_DEVICE_FEATURES_SEL, 1);
	features |= (uint64_t)virtio_read(d, VIRTIO_MMIO_DEVICE_FEATURES) << 32;
	return features;
}

uint32_t virtio_negotiate(const struct virtio_dev *d, uint64_t features)
{
	virtio_reset(d);
	virtio_write(d, VIRTIO_MMIO_STATUS, VIRTIO_STATUS_ACKNOWLEDGE);
	virtio_write(d, VIRTIO_MMIO_STATUS, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER);
	virtio_write(d, VIRTIO_MMIO_DRIVER_FEATURES_SEL, 0);
	virtio_write(d, VIRTIO_MMIO_DRIVER_FEATURES, (uint32_t)features);
	virtio_write(d, VIRTIO_MMIO_DRIVER_FEATURES_SEL, 1);
	virtio_write(d, VIRTIO_MMIO_DRIVER_FEATURES, (uint32_t)(features >> 32));
	virtio_write(d, VIRTIO_MMIO_STATUS,
		     VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER | VIRTIO_STATUS_FEATURES_OK);
	return virtio_status(d);
}

uint32_t virtio_driver_ok(const struct virtio_dev *d)
{
	virtio_write(d, VIRTIO_MMIO_STATUS, virtio_status(d) | VIRTIO_STATUS_DRIVER_OK);
	return virtio_status(d);
}

bool virtio_queue_program(const struct virtio_dev *d, uint32_t index, uint32_t num, uint64_t desc,
			  uint64_t avail, uint64_t used)
{
	virtio_write(d, VIRTIO_MMIO_QUEUE_SEL, index);
	virtio_write(d, VIRTIO_MMIO_QUEUE_NUM, num);
	virtio_write(d, VIRTIO_MMIO_QUEUE_DESC_LOW, (uint32_t)desc);
	virtio_write(d, VIRTIO_MMIO_QUEUE_DESC_HIGH, (uint32_t)(desc >> 32));
	virtio_write(d, VIRTIO_MMIO_QUEUE_DRIVER_LOW, (uint32_t)avail);
	virtio_write(d, VIRTIO_MMIO_QUEUE_DRIVER_HIGH, (uint32_t)(avail >> 32));
	virtio_write(d, VIRTIO_MMIO_QUEUE_DEVICE_LOW, (uint32_t)used);
	virtio_write(d, VIRTIO_MMIO_QUEUE_DEVICE_HIGH, (uint32_t)(used >> 32));
	virtio_write(d, VIRTIO_MMIO_QUEUE_READY, 1);
	return virtio_read(d, VIRTIO_MMIO_QUEUE_READY) == 1;
}

static void clear(uint64_t addr, uint64_t len)
{
	volatile uint16_t *p = (volatile uint16_t *)addr;

	/* Halfwords: every ring part is 2-byte aligned and an even number of bytes long. */
	for (uint64_t i = 0; i < len / 2; i++)
		p[i] = 0;
}

void virtq_init(struct virtq *q, uint16_t num, uint64_t desc, uint64_t avail, uint64_t used)
{
	q->num = num;
	q->desc = (volatile struct virtq_desc *)desc;
	q->avail = (volatile struct virtq_avail *)avail;
	q->used = (volatile struct virtq_used *)used;
	q->avail_idx = q->used_seen = 0;
	clear(desc, VIRTQ_DESC_BYTES(num));
	clear(avail, VIRTQ_AVAIL_BYTES(num));
	clear(used, VIRTQ_USED_BYTES(num));
	virtio_mb();
}

void virtq_set_desc(volatile struct virtq_desc *table, unsigned i, uint64_t addr, uint32_t len,
		    uint16_t flags, uint16_t next)
{
	table[i].addr = addr;
	table[i].len = len;
	table[i].flags = flags;
	table[i].next = next;
}

void virtq_publish(struct virtq *q, uint16_t head)
{
	q->avail->ring[q->avail_idx % q->num] = head;
	/* The device may read the entry as soon as it sees the idx (virtio 1.2, 2.7.13). */
	virtio_mb();
	q->avail->idx = ++q->avail_idx;
	virtio_mb();
}

void virtq_set_avail_idx(struct virtq *q, uint16_t idx)
{
	virtio_mb();
	q->avail_idx = idx;
	q->avail->idx = idx;
	virtio_mb();
}

bool virtq_get_used(struct virtq *q, struct virtq_used_elem *e)
{
	if (virtq_used_idx(q) == q->used_seen)
		return false;
	/* The element is read only after the idx that covers it. */
	virtio_mb();
	e->id = q->used->ring[q->used_seen % q->num].id;
	e->len = q->used->ring[q->used_seen % q->num].len;
	q->used_seen++;
	return true;
}

uint32_t virtio_config32(const struct virtio_dev *d, uint32_t off)
{
	return virtio_read(d, VIRTIO_MMIO_CONFIG + off);
}

uint64_t virtio_config64(const struct virtio_dev *d, uint32_t off)
{
	/* The configuration never changes here (ConfigGeneration 0), so two reads are one
	 * value (virtio 1.2, 4.2.2.2 would loop on ConfigGeneration otherwise). */
	return virtio_config32(d, off) | (uint64_t)virtio_config32(d, off + 4) << 32;
}

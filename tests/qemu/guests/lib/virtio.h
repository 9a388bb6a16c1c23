/* SPDX-License-Identifier: MIT */
#ifndef GUEST_VIRTIO_H
#define GUEST_VIRTIO_H

/* The driver side of a virtio-mmio version 2 device (virtio 1.2, 4.2.2) and of its split
 * virtqueues (2.7), kept low level for tests: the helpers do the register protocol, and a test
 * writes descriptors and ring entries itself, so that it can also write broken ones. Rings and
 * buffers are guest RAM that the caller owns; nothing here allocates. With the MMU off all of
 * it is Device memory: every ring access is a naturally aligned volatile access. */

#include <stdbool.h>
#include <stdint.h>

/* The board's virtio-mmio slots (docs/guest-abi.md, "virtio-mmio devices"). */
#define VIRTIO_MMIO_SLOT_BASE(n)  (0x0a000000UL + 0x200UL * (n))
#define VIRTIO_MMIO_SLOT_INTID(n) (48U + (n))

/* Registers, status and feature bits and descriptor flags are the specification's, defined
 * once for the hypervisor and the guests (hal/include/hal/virtio_spec.h). */
#include <hal/virtio_spec.h>

struct virtq_desc {
	uint64_t addr;
	uint32_t len;
	uint16_t flags;
	uint16_t next;
};

struct virtq_avail {
	uint16_t flags;
	uint16_t idx;
	uint16_t ring[]; /* then used_event */
};

struct virtq_used_elem {
	uint32_t id;
	uint32_t len;
};

struct virtq_used {
	uint16_t flags;
	uint16_t idx;
	struct virtq_used_elem ring[]; /* then avail_event */
};

/* Bytes of each part of a queue of `num` entries, the event fields included. */
#define VIRTQ_DESC_BYTES(num)  (16UL * (num))
#define VIRTQ_AVAIL_BYTES(num) (6UL + 2UL * (num))
#define VIRTQ_USED_BYTES(num)  (6UL + 8UL * (num))

struct virtio_dev {
	uint64_t base; /* the transport's registers */
};

/* One split virtqueue as the driver keeps it. */
struct virtq {
	uint16_t num;
	volatile struct virtq_desc *desc;
	volatile struct virtq_avail *avail;
	volatile struct virtq_used *used;
	uint16_t avail_idx; /* the next available idx the driver publishes */
	uint16_t used_seen; /* used entries the driver has taken */
};

/* Everything the driver wrote before this is visible to the device, and nothing the compiler
 * holds in registers is stale after it. */
static inline void virtio_mb(void)
{
	asm volatile("dsb sy" : : : "memory");
}

/* 32-bit register accesses (the only width the transport defines below 0x100). */
static inline uint32_t virtio_read(const struct virtio_dev *d, uint32_t off)
{
	return *(volatile uint32_t *)(d->base + off);
}

static inline void virtio_write(const struct virtio_dev *d, uint32_t off, uint32_t val)
{
	virtio_mb();
	*(volatile uint32_t *)(d->base + off) = val;
}

static inline uint32_t virtio_status(const struct virtio_dev *d)
{
	return virtio_read(d, VIRTIO_MMIO_STATUS);
}

/* Status = 0: the device forgets its features, queues and interrupt status. */
static inline void virtio_reset(const struct virtio_dev *d)
{
	virtio_write(d, VIRTIO_MMIO_STATUS, 0);
}

/* The 64 feature bits the device offers (DeviceFeatures words 0 and 1). */
uint64_t virtio_device_features(const struct virtio_dev *d);

/* The driver's side of virtio 1.2, 3.1.1 up to FEATURES_OK: reset, ACKNOWLEDGE, DRIVER,
 * DriverFeatures = `features` (both words), FEATURES_OK. Returns Status as read back: without
 * VIRTIO_STATUS_FEATURES_OK the device refused the features. */
uint32_t virtio_negotiate(const struct virtio_dev *d, uint64_t features);

/* DRIVER_OK on top of what Status holds; returns Status as read back. */
uint32_t virtio_driver_ok(const struct virtio_dev *d);

/* Write queue `index`'s size and ring addresses as given (nothing is checked: tests give bad
 * ones on purpose), then QueueReady = 1. Returns QueueReady as read back. */
bool virtio_queue_program(const struct virtio_dev *d, uint32_t index, uint32_t num, uint64_t desc,
			  uint64_t avail, uint64_t used);

/* Point `q` at rings in guest RAM for a queue of `num` entries, clear them and start the
 * driver's indices at 0 (as a freshly reset device expects). */
void virtq_init(struct virtq *q, uint16_t num, uint64_t desc, uint64_t avail, uint64_t used);

/* Descriptor `i` of a table (the ring's or an indirect one). */
void virtq_set_desc(volatile struct virtq_desc *table, unsigned i, uint64_t addr, uint32_t len,
		    uint16_t flags, uint16_t next);

/* Put `head` in the next available ring entry, then (after a barrier) publish the new idx. */
void virtq_publish(struct virtq *q, uint16_t head);

/* Write the available idx as given, with no ring entry behind it (for broken drivers). */
void virtq_set_avail_idx(struct virtq *q, uint16_t idx);

/* QueueNotify = index. The device serves up to one exit's budget before the write completes,
 * the rest on this vCPU's next entries (docs/guest-abi.md): poll the used ring for the answer. */
static inline void virtio_notify(const struct virtio_dev *d, uint32_t index)
{
	virtio_write(d, VIRTIO_MMIO_QUEUE_NOTIFY, index);
}

/* The used idx the device published. */
static inline uint16_t virtq_used_idx(const struct virtq *q)
{
	virtio_mb();
	return q->used->idx;
}

/* Take the next used element into *e: false if the device returned nothing new. */
bool virtq_get_used(struct virtq *q, struct virtq_used_elem *e);

/* Device configuration space reads (offsets from VIRTIO_MMIO_CONFIG). */
uint32_t virtio_config32(const struct virtio_dev *d, uint32_t off);
uint64_t virtio_config64(const struct virtio_dev *d, uint32_t off);

#endif

/* SPDX-License-Identifier: MIT */
#ifndef VDEV_VIRTQUEUE_H
#define VDEV_VIRTQUEUE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <vdev/virtio_spec.h>

struct vm;

/* The device side of a split virtqueue (virtio 1.2, 2.7). The rings and every buffer live in
 * the guest's RAM and are reached only through gmem_read()/gmem_write(), so nothing a guest
 * writes into a ring can make the device touch memory that is not RAM of that VM.
 *
 * Everything the guest controls is validated where it enters: the ring addresses and size
 * when the queue is enabled, the available index and each head when it is read, each
 * descriptor when it is walked. A queue that breaks a rule is "broken": the call that found
 * it fails, `error` says why, and every later call fails until virtq_reset(). The transport
 * turns that into DEVICE_NEEDS_RESET (vdev/virtio_mmio.h).
 *
 * Not locked: the transport's lock covers its queues. */

#define VIRTQ_MAX_SIZE 256 /* QueueNumMax of our devices; queue sizes are powers of two */
/* Descriptors one request may have, indirect tables included: what devices tell the driver
 * (e.g. virtio-blk's seg_max + 2). Longer chains are malformed. */
#define VIRTQ_CHAIN_MAX VIRTQ_MAX_SIZE

struct virtq {
	/* Written by the driver through the transport while the queue is not ready. */
	uint32_t num; /* queue size */
	uint64_t desc, avail, used;
	/* Set by virtq_enable(). */
	bool ready;
	bool event_idx, indirect; /* the ring features the driver accepted */
	bool broken;
	const char *error;	 /* why the queue broke */
	uint16_t last_avail;	 /* next available-ring entry the device takes */
	uint16_t avail_idx;	 /* the driver's idx when last read */
	uint16_t used_idx;	 /* the device's idx, as last published */
	uint16_t signalled_used; /* used_idx when the driver was last considered for an interrupt */
};

/* One buffer of a chain: guest RAM, checked to be this VM's RAM when the chain was taken. */
struct virtq_buf {
	uint64_t addr;
	uint32_t len;
};

/* A descriptor chain, flattened: the device-readable buffers first, then the device-writable
 * ones (virtio 1.2, 2.7.4.2 makes the driver order them so). Devices see each side as one
 * byte stream, as VIRTIO_F_VERSION_1 requires (no assumption about descriptor boundaries). */
struct virtq_chain {
	uint16_t head;	      /* what goes back in the used ring */
	unsigned count;	      /* buffers in buf[] */
	unsigned nr_readable; /* buf[0 .. nr_readable) are device-readable */
	uint64_t readable;    /* total bytes of the readable buffers */
	uint64_t writable;    /* total bytes of the writable buffers */
	struct virtq_buf buf[VIRTQ_CHAIN_MAX];
};

/* Forget everything: not ready, addresses and size 0, indices 0, not broken. */
void virtq_reset(struct virtq *q);

/* Make the queue ready with the driver's size and ring addresses: the size must be a power of
 * two up to `num_max`, the rings aligned (descriptors 16, available 2, used 4 bytes), wholly
 * in the VM's RAM and not overlapping one another. `event_idx` / `indirect`: whether the
 * driver accepted VIRTIO_RING_F_EVENT_IDX / _INDIRECT_DESC. HV_EINVAL (q->error says why; the
 * queue stays not ready) if the configuration is unusable. */
int virtq_enable(struct vm *vm, struct virtq *q, uint32_t num_max, bool event_idx, bool indirect);

/* Take the next available chain into *c: 1 if there was one, 0 if the ring is empty,
 * HV_EINVAL if the queue is (or now is) broken. With event_idx, an empty ring first writes
 * avail_event so the driver notifies on its next buffer. */
int virtq_pop(struct vm *vm, struct virtq *q, struct virtq_chain *c);

/* Return chain `head` to the driver with `len` bytes written into its writable buffers: the
 * used element, a barrier, then the used idx. 0 or HV_EINVAL (broken). */
int virtq_push(struct vm *vm, struct virtq *q, uint16_t head, uint32_t len);

/* After pushing: whether the driver wants a used-buffer notification for what was pushed
 * since the last call (VIRTQ_AVAIL_F_NO_INTERRUPT, or used_event with event_idx). */
bool virtq_should_interrupt(struct vm *vm, struct virtq *q);

/* Copy `len` bytes at offset `off` of the chain's readable stream into `buf`, or from `buf`
 * to offset `off` of its writable stream. HV_ERANGE if the stream is shorter; HV_EFAULT if
 * guest memory failed (it was checked when the chain was taken, so only if RAM went away). */
int virtq_chain_read(struct vm *vm, const struct virtq_chain *c, uint64_t off, void *buf,
		     size_t len);
int virtq_chain_write(struct vm *vm, const struct virtq_chain *c, uint64_t off, const void *buf,
		      size_t len);

#endif

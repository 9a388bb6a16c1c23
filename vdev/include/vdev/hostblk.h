/* SPDX-License-Identifier: MIT */
#ifndef VDEV_HOSTBLK_H
#define VDEV_HOSTBLK_H

#include <stdbool.h>
#include <stdint.h>

#include <core/hwinfo.h>
#include <core/log.h>
#include <core/spinlock.h>
#include <vdev/blk_backend.h>

struct palloc;
struct hostblk_ring;

/* A disk of the machine the hypervisor runs on, as a struct blk_backend: a virtio-blk device
 * (virtio 1.2 chapter 5.2) behind a virtio-mmio transport of the modern kind only (register
 * layout version 2; QEMU 7.2 virt needs `-global virtio-mmio.force-legacy=false` for it).
 * Polled, one request at a time: a read, write or flush posts one descriptor chain and spins
 * on the used ring until the device answers or HOSTBLK_TIMEOUT_SECONDS pass. The transport
 * must be "dma-coherent" (QEMU's are): the driver does no cache maintenance.
 *
 * Requests from any pCPU are serialised by `lock`, held while the device works. A request
 * that times out or that the device answers nonsensically resets the device and leaves it
 * `broken`: every later request fails with HV_EIO, nothing is retried. */

#define HOSTBLK_TIMEOUT_SECONDS 5
#define HOSTBLK_NAME_MAX	32

struct hostblk {
	struct blk_backend backend; /* what a virtio-blk model uses; backend.priv == this */
	uint64_t regs;		    /* transport registers (physical address) */
	uint64_t features;	    /* negotiated feature bits */
	uint32_t max_sectors;	    /* per request: a larger one is split */
	uint16_t qsize;		    /* entries of the one virtqueue */
	uint16_t next_avail;	    /* avail ring index of the next request */
	struct hostblk_ring *ring;  /* the page shared with the device */
	uint64_t ring_pa;
	bool broken;
	struct spinlock lock;
	struct log_ratelimit errlog; /* device error statuses a guest may provoke */
	char name[HOSTBLK_NAME_MAX]; /* backend.name: "hostblk@0xa003e00" */
};

/* Find the virtio-blk device number `index` among hw's virtio-mmio transports, counted from
 * the highest address down (QEMU virt gives the first -device the highest transport, so index
 * 0 is the first `-device virtio-blk-device` of the command line), bring it up and fill `hb`
 * (capacity from its configuration, read-only if it offers VIRTIO_BLK_F_RO). One page for the
 * virtqueue comes from `alloc`. Needs the EL2 map (the transports are device memory) and the
 * MMU on (the lock). Transports without the virtio magic are skipped with a warning; empty
 * ones (DeviceID 0) and other device types silently.
 * Returns 0, or: HV_ENOENT when there is no such disk (nothing logged); otherwise one line is
 * logged naming the transport and HV_ENOTSUP (legacy or unknown transport version, not
 * dma-coherent, no VIRTIO_F_VERSION_1, a queue too small), HV_EIO (the device refuses the
 * features, has no queue 0 or a capacity of 0, does not reset), HV_ENOMEM (no page). */
int hostblk_probe(struct hostblk *hb, const struct hw_info *hw, unsigned index,
		  struct palloc *alloc);

/* Reset the device (it stops using the queue) and give its page back to `alloc`. */
void hostblk_release(struct hostblk *hb, struct palloc *alloc);

#endif

/* SPDX-License-Identifier: MIT */
#ifndef VDEV_VIRTIO_MMIO_H
#define VDEV_VIRTIO_MMIO_H

#include <stdbool.h>
#include <stdint.h>

#include <core/spinlock.h>
#include <vdev/virtqueue.h>

#include <vdev/virtio_spec.h>

struct vm;

/* The virtio-mmio transport, version 2 (virtio 1.2, 4.2.2), for any device type: the register
 * file, the device status state machine, feature negotiation, the queue registers and the
 * interrupt. A device type supplies `struct virtio_device_ops` and embeds a
 * `struct virtio_mmio`; the register map the guest sees is in docs/guest-abi.md.
 *
 * Guest mistakes never reach the device: registers accessed with a width other than 32 bits
 * (outside the configuration space) or at offsets that are not registers read 0 and ignore
 * writes; writes the state machine does not allow in the current state are ignored; each is
 * logged (the first register misuse of a device, and the state-machine misuse through the
 * VM's rate-limited guest log). A broken queue (vdev/virtqueue.h) or an unusable queue
 * configuration sets DEVICE_NEEDS_RESET and raises a configuration-change interrupt; nothing
 * is processed again until the driver resets the device.
 *
 * Locking: each transport has a lock, held around every register access, so the device's ops
 * run with it held (a queue is processed inside the QueueNotify write, up to a byte budget, and
 * the rest on the notifying vCPU's later entries through vm_defer()). It is
 * taken before the VM's vGIC lock (docs/locking.md). */

#define VIRTIO_MMIO_SIZE       0x200
#define VIRTIO_MMIO_MAX_QUEUES 4
#define VIRTIO_MMIO_VENDOR_ID  0x00005648 /* "HV" as little-endian bytes: ours */

struct virtio_mmio;

/* What a device type tells the transport. Ops are called with the transport's lock held. */
struct virtio_device_ops {
	const char *name; /* for the MMIO bus and log lines, e.g. "virtio-blk" */
	uint32_t device_id;
	unsigned num_queues; /* up to VIRTIO_MMIO_MAX_QUEUES */
	uint32_t queue_num_max;
	uint32_t config_size; /* bytes of configuration space, up to 0x100 */
	/* Bytes [off, off + len) of the configuration space, inside config_size (little
	 * endian as the guest sees them). */
	void (*config_read)(struct virtio_mmio *t, uint32_t off, uint8_t *buf, unsigned len);
	/* Same for a write; NULL: the configuration space is read-only. */
	void (*config_write)(struct virtio_mmio *t, uint32_t off, const uint8_t *buf, unsigned len);
	/* The driver notified queue `index` (ready, DRIVER_OK, device not failed). The device
	 * processes at most one exit's budget of it (docs/trap-path.md) and calls
	 * virtio_mmio_used() / virtio_mmio_needs_reset(); true if work is left, which the
	 * transport defers (vm_defer()) and hands back to `resume`. */
	bool (*queue_notify)(struct virtio_mmio *t, unsigned index);
	/* Another budget of the work left over (DRIVER_OK, device not failed); true if some is
	 * still left. Required when queue_notify can return true. */
	bool (*resume)(struct virtio_mmio *t);
	/* The driver reset the device (the transport has already reset itself). May be NULL. */
	void (*reset)(struct virtio_mmio *t);
};

struct virtio_mmio {
	struct vm *vm;
	const struct virtio_device_ops *ops;
	void *priv; /* the device's own state */
	struct spinlock lock;
	uint64_t base;
	uint32_t intid;
	uint64_t device_features;
	uint64_t driver_features;
	bool driver_features_high; /* the driver set a bit above 63: never offered */
	uint32_t device_features_sel, driver_features_sel, queue_sel;
	uint32_t status;
	uint32_t interrupt_status;
	uint32_t config_generation;
	bool line;   /* level last driven on `intid` */
	bool warned; /* a register misuse was logged */
	struct virtq queues[VIRTIO_MMIO_MAX_QUEUES];
};

/* Put the device on the VM's MMIO bus at `base` (VIRTIO_MMIO_SIZE bytes) with its interrupt
 * on SPI `intid`, offering `features` (must include VIRTIO_F_VERSION_1). `t` is the device's
 * storage (zeroed here); `priv` is handed back in t->priv. HV_EINVAL for an INTID that is not
 * an SPI, HV_EBUSY / HV_ENOMEM from the bus; on failure `t` is untouched. */
int virtio_mmio_attach(struct virtio_mmio *t, struct vm *vm, uint64_t base, uint32_t intid,
		       const struct virtio_device_ops *ops, uint64_t features, void *priv);

/* Give every slot of the virtio-mmio window [base, base + slots * VIRTIO_MMIO_SIZE) that has
 * no device yet an empty transport, as QEMU's virt board has: MagicValue, Version 2, our
 * VendorID, DeviceID 0 (no device) and 0 for every other register; writes are ignored. Call
 * it after the VM's devices are attached (a later device would collide with it). One bus
 * entry per run of free slots; HV_ENOMEM / HV_EBUSY from the bus. */
int virtio_mmio_fill_slots(struct vm *vm, uint64_t base, unsigned slots);

/* Whether the driver accepted feature `bit` (valid once FEATURES_OK is set). */
bool virtio_mmio_has_feature(const struct virtio_mmio *t, unsigned bit);

/* From the device, lock held: buffers were used, raise the used-buffer interrupt. */
void virtio_mmio_used(struct virtio_mmio *t);

/* From the device, lock held: the device cannot go on (e.g. a queue broke, `why`): set
 * DEVICE_NEEDS_RESET, raise the configuration-change interrupt, log one line. */
void virtio_mmio_needs_reset(struct virtio_mmio *t, const char *why);

#endif

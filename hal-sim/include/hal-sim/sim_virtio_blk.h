/* SPDX-License-Identifier: MIT */
#ifndef HAL_SIM_SIM_VIRTIO_BLK_H
#define HAL_SIM_SIM_VIRTIO_BLK_H

#include <stdbool.h>
#include <stdint.h>

#include <hal/virtio_spec.h>

/* A virtio-blk device behind a modern virtio-mmio transport (virtio 1.2, 4.2 and 5.2), for the
 * tests of the hypervisor's own driver (vdev/hostblk.c): the "hardware" of QEMU virt's
 * `-device virtio-blk-device`, with a RAM disk the test owns. It serves the queue at once on
 * each QueueNotify, reading rings and buffers at their physical addresses (host pointers).
 * It checks what a driver hands it, as a strict device would: a malformed ring, chain or
 * request is counted in `bad_requests` (and answered VIRTIO_BLK_S_IOERR when it can be), so
 * a test of a healthy run asserts that count stays 0.
 *
 * The fields up to `sectors` describe the device and the fault switches make it misbehave;
 * set both before or between driver calls. The rest is its state and what it saw. */

#define SIM_VBLK_REG_SIZE 0x200 /* QEMU virt's transports */
#define SIM_VBLK_SECTOR	  VIRTIO_BLK_SECTOR

/* Feature bits the model knows (virtio 1.2, 5.2.3 and 6), as masks. */
#define SIM_VBLK_F_SIZE_MAX  (1ULL << VIRTIO_BLK_F_SIZE_MAX)
#define SIM_VBLK_F_SEG_MAX   (1ULL << VIRTIO_BLK_F_SEG_MAX)
#define SIM_VBLK_F_RO	     (1ULL << VIRTIO_BLK_F_RO)
#define SIM_VBLK_F_BLK_SIZE  (1ULL << VIRTIO_BLK_F_BLK_SIZE)
#define SIM_VBLK_F_FLUSH     (1ULL << VIRTIO_BLK_F_FLUSH)
#define SIM_VBLK_F_VERSION_1 (1ULL << VIRTIO_F_VERSION_1)

/* Device status bits (virtio 1.2, 2.1). */
#define SIM_VBLK_S_ACKNOWLEDGE VIRTIO_STATUS_ACKNOWLEDGE
#define SIM_VBLK_S_DRIVER      VIRTIO_STATUS_DRIVER
#define SIM_VBLK_S_DRIVER_OK   VIRTIO_STATUS_DRIVER_OK
#define SIM_VBLK_S_FEATURES_OK VIRTIO_STATUS_FEATURES_OK
#define SIM_VBLK_S_FAILED      VIRTIO_STATUS_FAILED

struct sim_vblk {
	/* The device (sim_vblk_init(): a healthy disk like QEMU 7.2's with force-legacy=false). */
	uint32_t magic;		/* "virt" */
	uint32_t version;	/* 2; 1 plays a legacy transport */
	uint32_t device_id;	/* 2 = block; 0 = an empty transport */
	uint64_t features;	/* offered: VERSION_1 | FLUSH | SEG_MAX | BLK_SIZE */
	uint32_t queue_num_max; /* 256 */
	uint32_t size_max;	/* config size_max, meaningful with SIM_VBLK_F_SIZE_MAX */
	uint8_t *disk;		/* sectors * 512 bytes, owned by the test */
	uint64_t sectors;

	/* Faults. */
	bool refuse_features;	/* FEATURES_OK never sticks */
	bool stuck_in_reset;	/* Status does not read 0 after a reset */
	bool queue_stays_ready; /* QueueReady reads 1 even after a reset */
	bool config_unstable;	/* ConfigGeneration changes on every read */
	bool hang;		/* QueueNotify is ignored: requests never complete */
	bool ioerr;		/* every request completes with VIRTIO_BLK_S_IOERR */
	bool unsupp;		/* every request completes with VIRTIO_BLK_S_UNSUPP */
	bool no_status;		/* requests complete without the status byte written */
	bool bad_used_id;	/* the used ring names a descriptor that was not the head */

	/* Transport state, as the driver set it. */
	uint32_t status;
	uint32_t dev_features_sel, drv_features_sel;
	uint64_t driver_features;
	uint32_t queue_sel, queue_num;
	bool queue_ready;
	uint64_t desc, avail, used;
	uint16_t last_avail, used_idx; /* next avail entry to serve, used idx published */
	uint32_t generation;
	uint32_t interrupt_status;

	/* What it saw. */
	unsigned resets, notifies;
	unsigned reads, writes, flushes; /* requests served with VIRTIO_BLK_S_OK */
	unsigned bad_requests;
	uint64_t last_sector;
	uint32_t last_len;     /* data bytes of the last request */
	unsigned last_nr_desc; /* descriptors in the last chain */
};

/* A healthy device over `disk` (`sectors` * 512 bytes). */
void sim_vblk_init(struct sim_vblk *d, uint8_t *disk, uint64_t sectors);

/* Put its registers at [base, base + SIM_VBLK_REG_SIZE) (sim_mmio_attach()). */
void sim_vblk_attach(struct sim_vblk *d, uint64_t base);

#endif

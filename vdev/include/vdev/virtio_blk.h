/* SPDX-License-Identifier: MIT */
#ifndef VDEV_VIRTIO_BLK_H
#define VDEV_VIRTIO_BLK_H

#include <stdint.h>

#include <vdev/virtio_spec.h>

struct blk_backend;
struct vm;

/* A virtio block device (virtio 1.2, 5.2) on the virtio-mmio transport, its sectors in a
 * `struct blk_backend` (vdev/blk_backend.h). One request queue; requests are served
 * when the driver notifies it, one byte budget per exit (the rest on the notifying vCPU's next entries), their data moved between guest RAM and the
 * backend through a per-device bounce buffer of VIRTIO_BLK_BOUNCE bytes. What the guest sees
 * (features, configuration, status codes) is in docs/guest-abi.md. */

#define VIRTIO_BLK_MAX	  8	  /* devices, over all VMs */
#define VIRTIO_BLK_BOUNCE 0x40000 /* bytes moved per backend call: one host request each */
/* Bytes of work one budget (a notify's exit, or one resume) starts: data moves in whole bounce
 * pieces, so a budget moves less than VIRTIO_BLK_EXIT_BYTES + VIRTIO_BLK_BOUNCE; the rest waits
 * for the notifying vCPU's next entry (vm_defer(), docs/trap-path.md). */
#define VIRTIO_BLK_EXIT_BYTES VIRTIO_BLK_BOUNCE

/* Create a virtio-blk device on `vm`'s MMIO bus at `base` (VIRTIO_MMIO_SIZE bytes, e.g. a
 * virtio-mmio slot of the board) with its interrupt on SPI `intid`, serving `backend`, which
 * the caller keeps alive and does not use elsewhere while the VM lives. The device's serial
 * (VIRTIO_BLK_T_GET_ID) is the backend's name, cut to 20 bytes. HV_EINVAL for a backend
 * without sectors or read/write ops or an INTID that is not an SPI, HV_ENOMEM when all
 * VIRTIO_BLK_MAX devices are in use (a device is free again once its VM is destroyed),
 * HV_EBUSY / HV_ENOMEM from the MMIO bus. Call before the VM runs. */
int virtio_blk_attach(struct vm *vm, uint64_t base, uint32_t intid, struct blk_backend *backend);

#endif

/* SPDX-License-Identifier: MIT */
#ifndef GUEST_VIRTIO_BLK_H
#define GUEST_VIRTIO_BLK_H

/* virtio-blk requests (virtio 1.2, 5.2) from the driver's side, on top of virtio.h. */

#include <stdint.h>

#include "virtio.h"

/* Feature bits, configuration offsets, request types and status bytes: <hal/virtio_spec.h>. */

/* Write a request header at `hdr` (16 bytes, 4-byte aligned). */
void virtio_blk_hdr(uint64_t hdr, uint32_t type, uint64_t sector);

/* A whole request in `table` from descriptor `first`, linked by NEXT: the header at `hdr`
 * (written here), `len` bytes of data at `buf` (device-writable unless the type is OUT; no
 * descriptor if len is 0), the status byte at `status`. Returns the descriptors used. */
unsigned virtio_blk_chain(volatile struct virtq_desc *table, unsigned first, uint64_t hdr,
			  uint64_t status, uint32_t type, uint64_t sector, uint64_t buf,
			  uint32_t len);

#endif

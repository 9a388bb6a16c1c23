/* SPDX-License-Identifier: MIT */
#ifndef GUEST_VIRTIO_BLK_H
#define GUEST_VIRTIO_BLK_H

/* virtio-blk requests (virtio 1.2, 5.2) from the driver's side, on top of virtio.h. */

#include <stdint.h>

#include "virtio.h"

#define VIRTIO_ID_BLOCK 2

/* Feature bits (5.2.3). */
#define VIRTIO_BLK_F_SEG_MAX  2
#define VIRTIO_BLK_F_RO	      5
#define VIRTIO_BLK_F_BLK_SIZE 6
#define VIRTIO_BLK_F_FLUSH    9

/* struct virtio_blk_config (5.2.4): offsets from VIRTIO_MMIO_CONFIG. */
#define VIRTIO_BLK_CFG_CAPACITY 0x00
#define VIRTIO_BLK_CFG_SEG_MAX	0x0c
#define VIRTIO_BLK_CFG_BLK_SIZE 0x14

/* Request types and status bytes (5.2.6). */
#define VIRTIO_BLK_T_IN	    0
#define VIRTIO_BLK_T_OUT    1
#define VIRTIO_BLK_T_FLUSH  4
#define VIRTIO_BLK_T_GET_ID 8
#define VIRTIO_BLK_S_OK	    0
#define VIRTIO_BLK_S_IOERR  1
#define VIRTIO_BLK_S_UNSUPP 2

#define VIRTIO_BLK_SECTOR   512
#define VIRTIO_BLK_HDR_SIZE 16 /* le32 type, le32 reserved, le64 sector */
#define VIRTIO_BLK_ID_BYTES 20

/* Write a request header at `hdr` (16 bytes, 4-byte aligned). */
void virtio_blk_hdr(uint64_t hdr, uint32_t type, uint64_t sector);

/* A whole request in `table` from descriptor `first`, linked by NEXT: the header at `hdr`
 * (written here), `len` bytes of data at `buf` (device-writable unless the type is OUT; no
 * descriptor if len is 0), the status byte at `status`. Returns the descriptors used. */
unsigned virtio_blk_chain(volatile struct virtq_desc *table, unsigned first, uint64_t hdr,
			  uint64_t status, uint32_t type, uint64_t sector, uint64_t buf,
			  uint32_t len);

#endif

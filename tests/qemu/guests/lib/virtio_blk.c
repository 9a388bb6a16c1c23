// SPDX-License-Identifier: MIT
/* virtio-blk requests, driver side (virtio_blk.h). */
#include "virtio_blk.h"

void virtio_blk_hdr(uint64_t hdr, uint32_t type, uint64_t sector)
{
	volatile uint32_t *h = (volatile uint32_t *)hdr;

	h[0] = type;
	h[1] = 0;
	h[2] = (uint32_t)sector;
	h[3] = (uint32_t)(sector >> 32);
}

unsigned virtio_blk_chain(volatile struct virtq_desc *table, unsigned first, uint64_t hdr,
			  uint64_t status, uint32_t type, uint64_t sector, uint64_t buf,
			  uint32_t len)
{
	uint16_t dir = type == VIRTIO_BLK_T_OUT ? 0 : VIRTQ_DESC_F_WRITE;
	unsigned i = first;

	virtio_blk_hdr(hdr, type, sector);
	virtq_set_desc(table, i, hdr, VIRTIO_BLK_HDR_SIZE, VIRTQ_DESC_F_NEXT, (uint16_t)(i + 1));
	i++;
	if (len) {
		virtq_set_desc(table, i, buf, len, dir | VIRTQ_DESC_F_NEXT, (uint16_t)(i + 1));
		i++;
	}
	virtq_set_desc(table, i, status, 1, VIRTQ_DESC_F_WRITE, 0);
	return i + 1 - first;
}

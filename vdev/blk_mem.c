// SPDX-License-Identifier: MIT
/* A disk image in hypervisor memory (see vdev/blk_mem.h). */
#include <core/err.h>
#include <core/lib.h>
#include <vdev/blk_mem.h>

#define SECTOR_SIZE 512

static int blk_mem_read(struct blk_backend *b, uint64_t sector, void *buf, uint32_t count)
{
	memcpy(buf, (uint8_t *)b->priv + sector * SECTOR_SIZE, (size_t)count * SECTOR_SIZE);
	return HV_OK;
}

static int blk_mem_write(struct blk_backend *b, uint64_t sector, const void *buf, uint32_t count)
{
	if (b->read_only)
		return HV_ENOTSUP;
	memcpy((uint8_t *)b->priv + sector * SECTOR_SIZE, buf, (size_t)count * SECTOR_SIZE);
	return HV_OK;
}

static int blk_mem_flush(struct blk_backend *b)
{
	return HV_OK; /* the image is the disk: nothing is cached in between */
}

int blk_mem_init(struct blk_backend *b, void *image, uint64_t bytes, bool read_only)
{
	if (!image || !bytes || bytes % SECTOR_SIZE)
		return HV_EINVAL;
	*b = (struct blk_backend){
	    .name = "mem",
	    .sectors = bytes / SECTOR_SIZE,
	    .read_only = read_only,
	    .read = blk_mem_read,
	    .write = blk_mem_write,
	    .flush = blk_mem_flush,
	    .priv = image,
	};
	return HV_OK;
}

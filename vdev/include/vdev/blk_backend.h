/* SPDX-License-Identifier: MIT */
#ifndef VDEV_BLK_BACKEND_H
#define VDEV_BLK_BACKEND_H

#include <stdbool.h>
#include <stdint.h>

/* Where a virtual disk's sectors live. Sector = 512 bytes. The caller has already checked
 * [sector, sector+count) against `sectors`. `buf` is hypervisor memory. 0 or a negative HV_E*. */
struct blk_backend {
	const char *name;
	uint64_t sectors; /* capacity */
	bool read_only;
	int (*read)(struct blk_backend *b, uint64_t sector, void *buf, uint32_t count);
	int (*write)(struct blk_backend *b, uint64_t sector, const void *buf, uint32_t count);
	int (*flush)(struct blk_backend *b);
	void *priv;
};

#endif

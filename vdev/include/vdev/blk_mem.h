/* SPDX-License-Identifier: MIT */
#ifndef VDEV_BLK_MEM_H
#define VDEV_BLK_MEM_H

#include <stdbool.h>
#include <stdint.h>

#include <vdev/blk_backend.h>

/* A disk whose sectors are `bytes` of hypervisor memory at `image` (e.g. a boot module): reads
 * and writes are copies, flush does nothing. The caller owns `image` and keeps it alive while
 * the backend is used. `bytes` must be a positive multiple of 512, else HV_EINVAL (as for a
 * NULL image); `b` is filled in, its name "mem". */
int blk_mem_init(struct blk_backend *b, void *image, uint64_t bytes, bool read_only);

#endif

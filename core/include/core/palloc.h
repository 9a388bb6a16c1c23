/* SPDX-License-Identifier: MIT */
#ifndef CORE_PALLOC_H
#define CORE_PALLOC_H

#include <stdbool.h>
#include <stdint.h>

#include <core/spinlock.h>

/* Physical page allocator: a sorted list of free extents of physical memory, first fit with
 * alignment. Suits a hypervisor's pattern of a few large aligned allocations (guest RAM, in
 * 2 MiB-aligned chunks) and many single pages (page tables). All sizes and addresses are in
 * bytes and page aligned (PAGE_SIZE); functions take the allocator's lock themselves. */
#define PALLOC_MAX_EXTENTS 64

struct palloc_extent {
	uint64_t base;
	uint64_t size;
};

struct palloc {
	struct spinlock lock;
	unsigned count; /* extents in use, sorted by base, never adjacent */
	struct palloc_extent free[PALLOC_MAX_EXTENTS];
	uint64_t free_bytes;
};

void palloc_init(struct palloc *pa);

/* Give [base, base+size) to the allocator; the range is shrunk inward to page boundaries
 * (a range holding no whole page adds nothing and succeeds). A range that wraps around the
 * address space or overlaps memory already free is HV_EINVAL; no extent slot left is
 * HV_ENOMEM. Adjacent free memory is merged. On error nothing changes. */
int palloc_add(struct palloc *pa, uint64_t base, uint64_t size);

/* Take [base, base+size) (widened outward to pages) out of the free memory, e.g. the image,
 * the DTB and boot modules. Parts that are not free are ignored. A wrapping range is
 * HV_EINVAL; cutting a hole in an extent when no slot is left is HV_ENOMEM (nothing changes). */
int palloc_reserve(struct palloc *pa, uint64_t base, uint64_t size);

/* Allocate `size` bytes (rounded up to pages) at a multiple of `align` (a power of two,
 * at least PAGE_SIZE; 0 means PAGE_SIZE). Contents are not cleared. The lowest fitting
 * address of the first extent that can hold it is used. HV_EINVAL for size 0 or a bad
 * `align`, HV_ENOMEM when nothing fits. */
int palloc_alloc(struct palloc *pa, uint64_t size, uint64_t align, uint64_t *out_pa);

/* Allocate one page and clear it (through hal_phys_to_ptr()). */
int palloc_alloc_zeroed_page(struct palloc *pa, uint64_t *out_pa);

/* Return memory from palloc_alloc(): `base` page aligned, `size` as passed to palloc_alloc()
 * (rounded up to pages the same way); it may also return part of an allocation. Freeing
 * memory that is (even partly) already free is a hypervisor bug: it returns HV_EINVAL and
 * changes nothing, as do size 0, an unaligned base and a wrapping range. HV_ENOMEM when the
 * range touches no free extent and no slot is left: the memory stays allocated. */
int palloc_free(struct palloc *pa, uint64_t base, uint64_t size);

uint64_t palloc_free_bytes(struct palloc *pa);

#endif

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
	unsigned count;			/* extents in use, sorted by base, never adjacent */
	struct palloc_extent free[PALLOC_MAX_EXTENTS];
	uint64_t free_bytes;
};

void palloc_init(struct palloc *pa);

/* Give [base, base+size) to the allocator; the range is shrunk inward to page boundaries.
 * Overlap with memory already free is HV_EINVAL; no extent slot left is HV_ENOMEM. */
int palloc_add(struct palloc *pa, uint64_t base, uint64_t size);

/* Take [base, base+size) (widened outward to pages) out of the free memory, e.g. the image,
 * the DTB and boot modules. Parts that are not free are ignored. */
int palloc_reserve(struct palloc *pa, uint64_t base, uint64_t size);

/* Allocate `size` bytes (rounded up to pages) at a multiple of `align` (a power of two,
 * at least PAGE_SIZE; 0 means PAGE_SIZE). Contents are not cleared. */
int palloc_alloc(struct palloc *pa, uint64_t size, uint64_t align, uint64_t *out_pa);

/* Allocate one page and clear it. */
int palloc_alloc_zeroed_page(struct palloc *pa, uint64_t *out_pa);

/* Return memory from palloc_alloc(). Freeing memory that is already free is a hypervisor
 * bug: it returns HV_EINVAL and changes nothing. */
int palloc_free(struct palloc *pa, uint64_t base, uint64_t size);

uint64_t palloc_free_bytes(struct palloc *pa);

#endif

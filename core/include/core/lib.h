/* SPDX-License-Identifier: MIT */
#ifndef CORE_LIB_H
#define CORE_LIB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <hal/string.h> /* memcpy() and friends */

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define BIT(n)	      (1ULL << (n))
/* Bits h..l inclusive set, e.g. GENMASK(7, 4) == 0xf0. */
#define GENMASK(h, l) ((~0ULL >> (63 - (h))) & (~0ULL << (l)))
#define MIN(a, b)     ((a) < (b) ? (a) : (b))
#define MAX(a, b)     ((a) > (b) ? (a) : (b))

#define PAGE_SHIFT 12
#define PAGE_SIZE  (1ULL << PAGE_SHIFT)
#define SZ_2M	   (1ULL << 21)
#define SZ_1G	   (1ULL << 30)

static inline bool is_aligned(uint64_t v, uint64_t align)
{
	return (v & (align - 1)) == 0;
}
static inline uint64_t align_down(uint64_t v, uint64_t align)
{
	return v & ~(align - 1);
}
/* Callers make sure v + align - 1 does not overflow (see range_ok()). */
static inline uint64_t align_up(uint64_t v, uint64_t align)
{
	return (v + align - 1) & ~(align - 1);
}
/* True if [base, base+size) does not wrap around the address space. */
static inline bool range_ok(uint64_t base, uint64_t size)
{
	return base + size >= base;
}

#endif

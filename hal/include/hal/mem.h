/* SPDX-License-Identifier: MIT */
#ifndef HAL_MEM_H
#define HAL_MEM_H

#include <stddef.h>
#include <stdint.h>

/* The hypervisor reaches physical memory through these two conversions only. On the target
 * EL2 runs with an identity map; on the host a "physical address" is a host pointer value. */
void *hal_phys_to_ptr(uint64_t pa);
uint64_t hal_ptr_to_phys(const void *ptr);

/* Zero [ptr, ptr+len) of Normal memory as fast as the CPU allows (whole blocks of guest RAM,
 * docs/memory.md): DC ZVA where DCZID_EL0 permits it, else the widest stores. `ptr` and `len`
 * are multiples of HAL_MEM_ZERO_ALIGN bytes. Does not clean the caches. */
#define HAL_MEM_ZERO_ALIGN 64
void hal_mem_zero(void *ptr, size_t len);

/* Write back (clean) data cache lines covering [ptr, ptr+len) to the point of coherency. */
void hal_dcache_clean_range(const void *ptr, size_t len);

/* Clean and invalidate the data cache lines covering [ptr, ptr+len) to the point of coherency:
 * memory then holds the latest data and no cache holds a line that could go stale. */
void hal_dcache_clean_inval_range(const void *ptr, size_t len);

#endif

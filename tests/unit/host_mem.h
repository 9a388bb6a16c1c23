/* SPDX-License-Identifier: MIT */
#ifndef TESTS_UNIT_HOST_MEM_H
#define TESTS_UNIT_HOST_MEM_H

#include <stddef.h>
#include <stdint.h>

/* Host memory that a test hands to the code under test as "physical" RAM. On the host a
 * physical address is the host pointer value (hal-sim's hal_phys_to_ptr()), so an aligned
 * host buffer is an aligned range of physical memory. */

/* `size` bytes at a multiple of `align` (a power of two, at least 4 KiB), filled with a
 * non-zero pattern so that code relying on cleared memory is caught. Fails the test if the
 * host is out of memory. Release with host_mem_free(). */
void *host_mem_alloc(size_t size, size_t align);
void host_mem_free(void *mem);

static inline uint64_t host_mem_pa(const void *mem)
{
	return (uint64_t)(uintptr_t)mem;
}

#endif

// SPDX-License-Identifier: MIT
/* EL2 runs with an identity map, so physical and virtual addresses are the same. */
#include <hal/mem.h>

#include "sysreg.h"

void *hal_phys_to_ptr(uint64_t pa)
{
	return (void *)(uintptr_t)pa;
}

uint64_t hal_ptr_to_phys(const void *ptr)
{
	return (uint64_t)(uintptr_t)ptr;
}

/* CTR_EL0.DminLine (bits [19:16]) is log2 of the smallest data cache line in words. */
static uint64_t dcache_line_size(void)
{
	return 4ULL << ((read_sysreg(ctr_el0) >> 16) & 0xf);
}

void hal_dcache_clean_range(const void *ptr, size_t len)
{
	uint64_t line = dcache_line_size();
	uint64_t start = (uint64_t)(uintptr_t)ptr & ~(line - 1);
	uint64_t end = (uint64_t)(uintptr_t)ptr + len;

	for (uint64_t a = start; a < end; a += line)
		__asm__ volatile("dc cvac, %0" : : "r"(a) : "memory");
	dsb(ish);
}

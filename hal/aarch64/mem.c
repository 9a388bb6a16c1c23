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

/* Zeroing 64 bytes per iteration with pairs of 64-bit stores (STP XZR): the widest the EL2
 * image's general-register-only code can use. */
static void zero_stores(uint64_t *p, uint64_t *end)
{
	for (; p < end; p += 8) {
		__asm__ volatile("stp xzr, xzr, [%0]\n\t"
				 "stp xzr, xzr, [%0, #16]\n\t"
				 "stp xzr, xzr, [%0, #32]\n\t"
				 "stp xzr, xzr, [%0, #48]"
				 :
				 : "r"(p)
				 : "memory");
	}
}

void hal_mem_zero(void *ptr, size_t len)
{
	uint64_t dczid = read_sysreg(dczid_el0);
	uint64_t block = 4ULL << (dczid & DCZID_EL0_BS_MASK);
	uint64_t start = (uint64_t)(uintptr_t)ptr, end = start + len;
	uint64_t a;

	/* DC ZVA zeroes a whole naturally aligned block, so it only covers the aligned middle. */
	if ((dczid & DCZID_EL0_DZP) || len < 2 * block) {
		zero_stores(ptr, (uint64_t *)(uintptr_t)end);
		return;
	}
	a = (start + block - 1) & ~(block - 1);
	zero_stores(ptr, (uint64_t *)(uintptr_t)a);
	/* Four blocks per iteration: with QEMU's 64-byte blocks a 2 MiB guest block is 32768. */
	for (; a + 4 * block <= end;) {
		__asm__ volatile("dc zva, %0\n\tadd %0, %0, %1\n\t"
				 "dc zva, %0\n\tadd %0, %0, %1\n\t"
				 "dc zva, %0\n\tadd %0, %0, %1\n\t"
				 "dc zva, %0\n\tadd %0, %0, %1"
				 : "+r"(a)
				 : "r"(block)
				 : "memory");
	}
	for (; a + block <= end; a += block)
		__asm__ volatile("dc zva, %0" : : "r"(a) : "memory");
	zero_stores((uint64_t *)(uintptr_t)a, (uint64_t *)(uintptr_t)end);
}

/* CTR_EL0.DminLine (bits [19:16]) is log2 of the smallest data cache line in words. */
static uint64_t dcache_line_size(void)
{
	return 4ULL << ((read_sysreg(ctr_el0) >> 16) & 0xf);
}

/* Four lines per iteration: a populated guest block is 32768 lines of 64 bytes, cleaned on the
 * guest's first touch (docs/memory.md), so the loop's overhead shows. */
#define DCACHE_BY_VA(op, ptr, len)                                               \
	do {                                                                     \
		uint64_t line = dcache_line_size();                              \
		uint64_t a = (uint64_t)(uintptr_t)(ptr) & ~(line - 1);           \
		uint64_t end = (uint64_t)(uintptr_t)(ptr) + (len);               \
                                                                                 \
		for (; a + 4 * line <= end;)                                     \
			__asm__ volatile("dc " op ", %0\n\tadd %0, %0, %1\n\t"   \
					 "dc " op ", %0\n\tadd %0, %0, %1\n\t"   \
					 "dc " op ", %0\n\tadd %0, %0, %1\n\t"   \
					 "dc " op ", %0\n\tadd %0, %0, %1"       \
					 : "+r"(a)                               \
					 : "r"(line)                             \
					 : "memory");                            \
		for (; a < end; a += line)                                       \
			__asm__ volatile("dc " op ", %0" : : "r"(a) : "memory"); \
		dsb(ish);                                                        \
	} while (0)

void hal_dcache_clean_range(const void *ptr, size_t len)
{
	DCACHE_BY_VA("cvac", ptr, len);
}

void hal_dcache_clean_inval_range(const void *ptr, size_t len)
{
	DCACHE_BY_VA("civac", ptr, len);
}

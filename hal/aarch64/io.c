// SPDX-License-Identifier: MIT
/* Device registers and DMA ordering (hal/io.h). The barriers are Outer Shareable: a device
 * that reads and writes memory observes it from outside the CPUs' Inner Shareable domain, so
 * an ISH barrier would not order accesses for it. */
#include <hal/io.h>
#include <hal/mem.h>

#include "sysreg.h"

/* One plain LDR/STR of a W register with no writeback: should the hypervisor itself run under
 * another one, such an access traps with a valid syndrome (ISV=1) and can be emulated. */
uint32_t hal_mmio_read32(uint64_t pa)
{
	const volatile uint32_t *reg = hal_phys_to_ptr(pa);
	uint32_t val;

	__asm__ volatile("ldr %w0, [%1]" : "=r"(val) : "r"(reg) : "memory");
	dmb(oshld);
	return val;
}

void hal_mmio_write32(uint64_t pa, uint32_t val)
{
	volatile uint32_t *reg = hal_phys_to_ptr(pa);

	dmb(oshst);
	__asm__ volatile("str %w0, [%1]" : : "rZ"(val), "r"(reg) : "memory");
}

void hal_dma_wmb(void)
{
	dmb(oshst);
}

void hal_dma_rmb(void)
{
	dmb(oshld);
}

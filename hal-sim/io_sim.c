// SPDX-License-Identifier: MIT
/* hal/io.h on the host: register accesses go to the simulated device that claims them. */
#include <stdlib.h>

#include <hal-sim/sim_hal.h>
#include <hal/io.h>

void sim_mmio_attach(uint64_t base, uint64_t size, uint32_t (*read)(void *dev, uint64_t off),
		     void (*write)(void *dev, uint64_t off, uint32_t val), void *dev)
{
	struct sim_mmio *m = &sim_hal.mmio;

	if (m->count == SIM_MMIO_MAX_REGIONS || size == 0 || base + size < base)
		abort();
	for (unsigned i = 0; i < m->count; i++) {
		if (base < m->region[i].base + m->region[i].size && m->region[i].base < base + size)
			abort();
	}
	m->region[m->count++] = (struct sim_mmio_region){base, size, read, write, dev};
}

static struct sim_mmio_region *claim(uint64_t pa)
{
	struct sim_mmio *m = &sim_hal.mmio;

	for (unsigned i = 0; i < m->count; i++) {
		if (pa >= m->region[i].base && pa - m->region[i].base < m->region[i].size)
			return &m->region[i];
	}
	sim_exit("mmio: access to an address no simulated device claims", -1);
}

uint32_t hal_mmio_read32(uint64_t pa)
{
	struct sim_mmio_region *r = claim(pa);

	__atomic_fetch_add(&sim_hal.mmio.reads, 1, __ATOMIC_RELAXED);
	if (pa & 3)
		sim_exit("mmio: unaligned 32-bit read", -1);
	return r->read(r->dev, pa - r->base);
}

void hal_mmio_write32(uint64_t pa, uint32_t val)
{
	struct sim_mmio_region *r = claim(pa);

	__atomic_fetch_add(&sim_hal.mmio.writes, 1, __ATOMIC_RELAXED);
	if (pa & 3)
		sim_exit("mmio: unaligned 32-bit write", -1);
	/* The device may look at memory now: everything written before is visible to it. */
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	r->write(r->dev, pa - r->base, val);
}

void hal_dma_wmb(void)
{
	__atomic_fetch_add(&sim_hal.mmio.dma_wmbs, 1, __ATOMIC_RELAXED);
	__atomic_thread_fence(__ATOMIC_RELEASE);
}

void hal_dma_rmb(void)
{
	__atomic_fetch_add(&sim_hal.mmio.dma_rmbs, 1, __ATOMIC_RELAXED);
	__atomic_thread_fence(__ATOMIC_ACQUIRE);
}

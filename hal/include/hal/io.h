/* SPDX-License-Identifier: MIT */
#ifndef HAL_IO_H
#define HAL_IO_H

#include <stdint.h>

/* Registers of devices the hypervisor drives itself (not the ones it emulates), and the
 * ordering a device that reads and writes RAM (DMA) needs. `pa` is a physical address the EL2
 * map covers as device memory (core/el2map.c), 4-byte aligned.
 *
 * Ordering, as Linux's writel()/readl() give it:
 *   - hal_mmio_write32(): every earlier write of this CPU to memory is observable by devices
 *     before the register write (so a notify register sees the ring it announces);
 *   - hal_mmio_read32(): no later read of memory is satisfied before the register read.
 * Between plain memory accesses shared with a device use hal_dma_wmb() / hal_dma_rmb(). */
uint32_t hal_mmio_read32(uint64_t pa);
void hal_mmio_write32(uint64_t pa, uint32_t val);

/* Earlier writes to memory are observable by devices before later ones (e.g. a descriptor
 * before the ring index that publishes it). */
void hal_dma_wmb(void);

/* Earlier reads of memory a device wrote complete before later ones (e.g. a used-ring index
 * before the element and data it covers). */
void hal_dma_rmb(void);

#endif

/* SPDX-License-Identifier: MIT */
#ifndef HAL_AARCH64_GIC_REGS_H
#define HAL_AARCH64_GIC_REGS_H

#include <stdint.h>

/* The physical GIC as hal/aarch64/gic.c programs it. The register map is the architecture's,
 * defined once in <hal/gicv3_regs.h>; this header adds this driver's own choices. Private to
 * hal/aarch64/gic*.c and the target's GIC self-checks. */
#include <hal/gicv3_regs.h>

/* Every priority byte of a 32-bit GIC*_IPRIORITYR word set to the default priority. */
#define GIC_PRIORITY_DEFAULT   0xa0u
#define GIC_PRIORITY_DEFAULT_4 (GIC_PRIORITY_DEFAULT * 0x01010101u)

/* Where hal_gic_init() found the Distributor and each pCPU's redistributor (RD_base), 0 if
 * not (yet) known. For the target's GIC self-checks only: not part of the HAL. */
uint64_t gic_dist_pa(void);
uint64_t gic_rdist_pa(unsigned cpu);

#endif

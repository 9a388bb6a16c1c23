/* SPDX-License-Identifier: MIT */
#ifndef CORE_GICV3_H
#define CORE_GICV3_H

/* The GICv3 encodings the portable vGIC builds and reads (list registers, ICH_HCR/VMCR,
 * ICC_SGI1R, GICD/GICR registers) are defined once, with the HAL contract, for the physical
 * driver, the vGIC and the test guests alike. */
#include <hal/gicv3_regs.h>

#endif

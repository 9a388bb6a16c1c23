/* SPDX-License-Identifier: MIT */
#ifndef GUEST_GIC_REGS_H
#define GUEST_GIC_REGS_H

/* The GICv3 register map and fields are the architecture's, defined once for the hypervisor
 * and the test guests alike (hal/include/hal/gicv3_regs.h, Arm IHI 0069 names). This adds the
 * field accessors the guests read registers with. */
#include <hal/gicv3_regs.h>

#define GICD_TYPER_ITLINES(t)	 ((t)&GICD_TYPER_ITLINES_MASK)
#define GICD_TYPER_IDBITS(t)	 (((t) >> GICD_TYPER_IDBITS_SHIFT) & GICD_TYPER_IDBITS_MASK)
#define GICD_IIDR_IMPLEMENTER(i) ((i)&GICD_IIDR_IMPLEMENTER_MASK)
#define GIC_PIDR2_ARCHREV(p)	 (((p) >> GIC_PIDR2_ARCHREV_SHIFT) & GIC_PIDR2_ARCHREV_MASK)

#define GICR_TYPER_PROC_NUM(t) \
	(((t) >> GICR_TYPER_PROCESSOR_NR_SHIFT) & GICR_TYPER_PROCESSOR_NR_MASK)
#define GICR_TYPER_AFFINITY(t) ((t) >> GICR_TYPER_AFFINITY_SHIFT)

/* Priority bits implemented, and 0: 16-bit / 1: 24-bit INTIDs. */
#define ICC_CTLR_PRIBITS(c) \
	((unsigned int)(((c) >> ICC_CTLR_PRIBITS_SHIFT) & ICC_CTLR_PRIBITS_MASK) + 1)
#define ICC_CTLR_IDBITS(c) ((unsigned int)((c) >> ICC_CTLR_IDBITS_SHIFT) & ICC_CTLR_IDBITS_MASK)

#define MPIDR_AFF0(m) (((m) >> MPIDR_AFF0_SHIFT) & MPIDR_AFF_FIELD)
#define MPIDR_AFF1(m) (((m) >> MPIDR_AFF1_SHIFT) & MPIDR_AFF_FIELD)
#define MPIDR_AFF2(m) (((m) >> MPIDR_AFF2_SHIFT) & MPIDR_AFF_FIELD)
#define MPIDR_AFF3(m) (((m) >> MPIDR_AFF3_SHIFT) & MPIDR_AFF_FIELD)

#endif

/* SPDX-License-Identifier: MIT */
#ifndef HAL_AARCH64_GIC_REGS_H
#define HAL_AARCH64_GIC_REGS_H

#include <stdint.h>

/* The physical GICv3 register map, named as in the GICv3/v4 architecture specification
 * (Arm IHI 0069, chapter 12). Private to hal/aarch64/gic*.c and the target's GIC self-checks.
 * The ICC_* CPU interface registers are system registers the assembler knows by name. */

/* --- Distributor: offsets from GICD_BASE (one 64 KiB frame) --- */
#define GICD_CTLR	0x0000
#define GICD_TYPER	0x0004
#define GICD_IIDR	0x0008
#define GICD_IGROUPR	0x0080 /* 1 bit per INTID */
#define GICD_ISENABLER	0x0100
#define GICD_ICENABLER	0x0180
#define GICD_ISPENDR	0x0200
#define GICD_ICPENDR	0x0280
#define GICD_ISACTIVER	0x0300
#define GICD_ICACTIVER	0x0380
#define GICD_IPRIORITYR 0x0400 /* 1 byte per INTID, byte-accessible */
#define GICD_ICFGR	0x0c00 /* 2 bits per INTID */
#define GICD_IGRPMODR	0x0d00 /* 1 bit per INTID */
#define GICD_IROUTER	0x6000 /* 64 bits per INTID, SPIs only (32..1019) */
#define GICD_PIDR2	0xffe8

/* GICD_CTLR as a Non-secure access sees it. With GICD_CTLR.DS == 1 (one Security state, as
 * on QEMU virt without secure=on) bits 1 and 4 are EnableGrp1 and ARE: the same meaning for
 * us, so one encoding serves both views. */
#define GICD_CTLR_ENABLE_GRP1A (1u << 1)
#define GICD_CTLR_ARE_NS       (1u << 4)
#define GICD_CTLR_DS	       (1u << 6)
#define GICD_CTLR_RWP	       (1u << 31)

#define GICD_TYPER_ITLINES_MASK 0x1fu

/* GICD_IROUTER: Interrupt_Routing_Mode (1 = any PE) and the Aff3 field's position; Aff2..Aff0
 * sit where MPIDR_EL1 has them. */
#define GICD_IROUTER_IRM	(1ULL << 31)
#define GICD_IROUTER_AFF3_SHIFT 32

/* GICD_PIDR2 / GICR_PIDR2.ArchRev: 3 = GICv3, 4 = GICv4. */
#define GIC_PIDR2_ARCHREV_SHIFT 4
#define GIC_PIDR2_ARCHREV_MASK	0xfu
#define GIC_PIDR2_ARCHREV_GICV3 3u
#define GIC_PIDR2_ARCHREV_GICV4 4u

/* Every priority byte of a 32-bit GIC*_IPRIORITYR word set to the default priority. */
#define GIC_PRIORITY_DEFAULT   0xa0u
#define GIC_PRIORITY_DEFAULT_4 (GIC_PRIORITY_DEFAULT * 0x01010101u)

/* GIC*_ICFGR: bit 1 of each 2-bit field, 1 = edge-triggered. */
#define GIC_ICFGR_EDGE 0x2u

/* --- Redistributor: RD_base frame, then SGI_base frame, 64 KiB each --- */
#define GICR_SGI_BASE	 0x10000
#define GICR_STRIDE	 0x20000 /* RD_base + SGI_base */
#define GICR_STRIDE_VLPI 0x40000 /* + VLPI_base + a reserved frame when TYPER.VLPIS */
#define GICR_CTLR	 0x0000
#define GICR_IIDR	 0x0004
#define GICR_TYPER	 0x0008 /* 64 bits */
#define GICR_WAKER	 0x0014
#define GICR_PIDR2	 0xffe8
/* Offsets from SGI_base: the Distributor's layout for INTIDs 0..31 of this PE. */
#define GICR_IGROUPR0	0x0080
#define GICR_ISENABLER0 0x0100
#define GICR_ICENABLER0 0x0180
#define GICR_ISPENDR0	0x0200
#define GICR_ICPENDR0	0x0280
#define GICR_ISACTIVER0 0x0300
#define GICR_ICACTIVER0 0x0380
#define GICR_IPRIORITYR 0x0400
#define GICR_ICFGR0	0x0c00 /* SGIs: read-only, always edge */
#define GICR_ICFGR1	0x0c04 /* PPIs */
#define GICR_IGRPMODR0	0x0d00

#define GICR_CTLR_RWP (1u << 3)

#define GICR_TYPER_VLPIS	  (1ULL << 1)
#define GICR_TYPER_LAST		  (1ULL << 4)
#define GICR_TYPER_AFFINITY_SHIFT 32 /* Aff3.Aff2.Aff1.Aff0, a byte each */
#define GICR_TYPER_AFF3_POS	  24 /* Aff3 within that 32-bit Affinity_Value */

#define GICR_WAKER_PROCESSOR_SLEEP (1u << 1)
#define GICR_WAKER_CHILDREN_ASLEEP (1u << 2)

/* --- CPU interface system registers --- */
/* ICC_SRE_EL2: system register interface at EL2; Enable lets EL1 reach ICC_SRE_EL1. */
#define ICC_SRE_EL2_SRE	   (1ULL << 0)
#define ICC_SRE_EL2_ENABLE (1ULL << 3)

/* ICC_CTLR_EL1: EOImode 1 splits priority drop (EOIR) from deactivation (DIR). */
#define ICC_CTLR_EL1_EOIMODE (1ULL << 1)
#define ICC_CTLR_EL1_RSS     (1ULL << 18)

#define ICC_PMR_EL1_OPEN	0xffULL /* every priority above the lowest is signalled */
#define ICC_IGRPEN1_EL1_ENABLE	1ULL
#define ICC_IAR1_EL1_INTID_MASK 0xffffffULL

/* ICC_SGI1R_EL1 fields. TargetList bit n means Aff0 = RS * 16 + n. */
#define ICC_SGI1R_TARGETS_SHIFT 0
#define ICC_SGI1R_AFF1_SHIFT	16
#define ICC_SGI1R_INTID_SHIFT	24
#define ICC_SGI1R_AFF2_SHIFT	32
#define ICC_SGI1R_RS_SHIFT	44
#define ICC_SGI1R_AFF3_SHIFT	48
#define ICC_SGI1R_AFF0_PER_RS	16u

/* MPIDR_EL1 affinity fields. */
#define MPIDR_AFF0_SHIFT  0
#define MPIDR_AFF1_SHIFT  8
#define MPIDR_AFF2_SHIFT  16
#define MPIDR_AFF3_SHIFT  32
#define MPIDR_AFF_FIELD	  0xffULL
#define MPIDR_AFF210_MASK 0xffffffULL /* Aff2.Aff1.Aff0, where GICD_IROUTER wants them too */

/* INTID ranges (2.2 "INTIDs"). */
#define GIC_NR_PRIVATE	32u   /* SGIs 0-15, PPIs 16-31: banked per redistributor */
#define GIC_MAX_SPI_END 1020u /* 1020-1023 are special */

/* Where hal_gic_init() found the Distributor and each pCPU's redistributor (RD_base), 0 if
 * not (yet) known. For the target's GIC self-checks only: not part of the HAL. */
uint64_t gic_dist_pa(void);
uint64_t gic_rdist_pa(unsigned cpu);

#endif

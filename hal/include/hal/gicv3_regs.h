/* SPDX-License-Identifier: MIT */
#ifndef HAL_GICV3_REGS_H
#define HAL_GICV3_REGS_H

/* The GICv3 architecture's registers, defined once for everything that speaks to a GIC: the
 * physical driver (hal/aarch64/gic.c), the virtual GIC (core/vgic*.c, vdev/vgic_*.c) and the
 * bare-metal test guests (tests/qemu/guests/lib/gic_regs.h). Names and sections are those of
 * the GICv3/v4 architecture specification (Arm IHI 0069); only constants live here, so the
 * header suits C, assembly and freestanding guests alike (no types, no functions). Values are
 * unsigned long long where a field can lie above bit 31. */

/* --- INTID ranges (2.2 "INTIDs") --- */
#define GIC_NR_SGIS	   16u
#define GIC_PPI_BASE	   16u
#define GIC_NR_PPIS	   16u
#define GIC_NR_PRIVATE	   32u /* SGIs 0-15 and PPIs 16-31, banked per redistributor */
#define GIC_SPI_BASE	   32u
#define GIC_MAX_SPIS	   988u	 /* INTIDs 32..1019 */
#define GIC_MAX_INTID	   1020u /* one past the last SPI; 1020-1023 are special */
#define GIC_INTID_SPURIOUS 1023u

/* The first cell of an interrupt specifier in the devicetree binding arm,gic-v3. */
#define GIC_SPEC_SPI 0
#define GIC_SPEC_PPI 1

/* --- Distributor (12.9): offsets in its 64 KiB frame --- */
#define GICD_CTLR	0x0000
#define GICD_TYPER	0x0004
#define GICD_IIDR	0x0008
#define GICD_TYPER2	0x000c
#define GICD_STATUSR	0x0010
#define GICD_SETSPI_NSR 0x0040 /* .. GICD_CLRSPI_SR 0x0058: message-based SPIs */
#define GICD_IGROUPR	0x0080 /* 1 bit per INTID */
#define GICD_ISENABLER	0x0100
#define GICD_ICENABLER	0x0180
#define GICD_ISPENDR	0x0200
#define GICD_ICPENDR	0x0280
#define GICD_ISACTIVER	0x0300
#define GICD_ICACTIVER	0x0380
#define GICD_IPRIORITYR 0x0400 /* 1 byte per INTID, byte-accessible */
#define GICD_ITARGETSR	0x0800 /* legacy (ARE = 0) only */
#define GICD_ICFGR	0x0c00 /* 2 bits per INTID */
#define GICD_IGRPMODR	0x0d00 /* 1 bit per INTID */
#define GICD_NSACR	0x0e00 /* 2 bits per INTID */
#define GICD_SGIR	0x0f00 /* legacy */
#define GICD_CPENDSGIR	0x0f10 /* legacy */
#define GICD_SPENDSGIR	0x0f20 /* legacy */
#define GICD_IROUTER	0x6000 /* 64 bits per INTID, SPIs only (32..1019) */
#define GICD_IDREGS	0xffd0 /* PIDR4..7, PIDR0..3, CIDR0..3 */
#define GICD_PIDR2	0xffe8

/* GICD_CTLR with one Security state (DS = 1) or as a Non-secure access sees it: bits 1 and 4
 * are EnableGrp1 / EnableGrp1A and ARE / ARE_NS, the same meaning for a Non-secure user. */
#define GICD_CTLR_ENABLE_GRP0 (1u << 0)
#define GICD_CTLR_ENABLE_GRP1 (1u << 1)
#define GICD_CTLR_ARE	      (1u << 4)
#define GICD_CTLR_DS	      (1u << 6)
#define GICD_CTLR_RWP	      (1u << 31)

#define GICD_TYPER_ITLINES_MASK	   0x1fu
#define GICD_TYPER_SECURITYEXTN	   (1u << 10)
#define GICD_TYPER_IDBITS_SHIFT	   19
#define GICD_TYPER_IDBITS_MASK	   0x1fu
#define GICD_TYPER_A3V		   (1u << 24)
#define GICD_TYPER_NO1N		   (1u << 25)
#define GICD_IIDR_IMPLEMENTER_MASK 0xfffu

/* GICD_IROUTER<n>: Interrupt_Routing_Mode (1 = any PE) and the affinity fields, Aff2..Aff0 at
 * [23:0] and Aff3 at [39:32], where MPIDR_EL1 has them. */
#define GICD_IROUTER_IRM	(1ULL << 31)
#define GICD_IROUTER_AFF_MASK	0xff00ffffffULL
#define GICD_IROUTER_AFF3_SHIFT 32

/* GIC*_ICFGR: bit 1 of each 2-bit Int_config field, 1 = edge-triggered; bit 0 is RES0. */
#define GIC_ICFGR_EDGE 0x2u

/* GICD_PIDR2 / GICR_PIDR2.ArchRev: 3 = GICv3, 4 = GICv4. */
#define GIC_PIDR2_ARCHREV_SHIFT 4
#define GIC_PIDR2_ARCHREV_MASK	0xfu
#define GIC_PIDR2_ARCHREV_GICV3 3u
#define GIC_PIDR2_ARCHREV_GICV4 4u

/* --- Redistributor (12.10): RD_base frame, then SGI_base frame, 64 KiB each --- */
#define GICR_FRAME_SIZE	 0x10000
#define GICR_SGI_BASE	 0x10000 /* SGI_base, from RD_base */
#define GICR_STRIDE	 0x20000 /* RD_base + SGI_base: one redistributor */
#define GICR_STRIDE_VLPI 0x40000 /* + VLPI_base and a reserved frame when TYPER.VLPIS */
#define GICR_CTLR	 0x0000
#define GICR_IIDR	 0x0004
#define GICR_TYPER	 0x0008 /* 64 bits */
#define GICR_STATUSR	 0x0010
#define GICR_WAKER	 0x0014
#define GICR_PROPBASER	 0x0070 /* LPIs: RES0 with GICR_TYPER.PLPIS == 0 */
#define GICR_PENDBASER	 0x0078
#define GICR_IDREGS	 0xffd0
#define GICR_PIDR2	 0xffe8

/* SGI_base frame: the Distributor's per-interrupt registers for INTIDs 0..31 of this PE. */
#define GICR_IGROUPR0	 GICD_IGROUPR
#define GICR_ISENABLER0	 GICD_ISENABLER
#define GICR_ICENABLER0	 GICD_ICENABLER
#define GICR_ISPENDR0	 GICD_ISPENDR
#define GICR_ICPENDR0	 GICD_ICPENDR
#define GICR_ISACTIVER0	 GICD_ISACTIVER
#define GICR_ICACTIVER0	 GICD_ICACTIVER
#define GICR_IPRIORITYR0 GICD_IPRIORITYR  /* IPRIORITYR0..7 */
#define GICR_ICFGR0	 GICD_ICFGR	  /* SGIs: read-only, always edge */
#define GICR_ICFGR1	 (GICD_ICFGR + 4) /* PPIs */
#define GICR_IGRPMODR0	 GICD_IGRPMODR
#define GICR_NSACR	 GICD_NSACR

#define GICR_CTLR_RWP (1u << 3)

#define GICR_TYPER_VLPIS	      (1ULL << 1)
#define GICR_TYPER_LAST		      (1ULL << 4)
#define GICR_TYPER_PROCESSOR_NR_SHIFT 8
#define GICR_TYPER_PROCESSOR_NR_MASK  0xffffULL
#define GICR_TYPER_AFFINITY_SHIFT     32 /* Affinity_Value: Aff3.Aff2.Aff1.Aff0, a byte each */
#define GIC_AFFINITY_AFF3_SHIFT	      24 /* Aff3 within that 32-bit Affinity_Value */

#define GICR_WAKER_PROCESSOR_SLEEP (1u << 1)
#define GICR_WAKER_CHILDREN_ASLEEP (1u << 2)

/* MPIDR_EL1 affinity (Arm ARM D17.2.101) as GICD_IROUTER, GICR_TYPER and ICC_SGI1R_EL1 take
 * it: Aff0..Aff2 at [23:0], Aff3 at [39:32]. */
#define MPIDR_AFF0_SHIFT  0
#define MPIDR_AFF1_SHIFT  8
#define MPIDR_AFF2_SHIFT  16
#define MPIDR_AFF3_SHIFT  32
#define MPIDR_AFF_FIELD	  0xffULL /* one affinity field */
#define MPIDR_AFF3_MASK	  MPIDR_AFF_FIELD
#define MPIDR_AFF012_MASK 0xffffffULL
#define MPIDR_AFF_MASK	  0xff00ffffffULL /* every affinity field */

/* --- CPU interface system registers (12.2) --- */
/* ICC_SRE_EL2: system register interface at EL2; Enable lets EL1 reach ICC_SRE_EL1. */
#define ICC_SRE_EL2_SRE	   (1ULL << 0)
#define ICC_SRE_EL2_ENABLE (1ULL << 3)

/* ICC_CTLR_EL1: EOImode 1 splits priority drop (EOIR) from deactivation (DIR). */
#define ICC_CTLR_EOIMODE       (1ULL << 1)
#define ICC_CTLR_PRIBITS_SHIFT 8 /* priority bits implemented - 1 */
#define ICC_CTLR_PRIBITS_MASK  0x7ULL
#define ICC_CTLR_IDBITS_SHIFT  11 /* 0: 16-bit INTIDs, 1: 24-bit */
#define ICC_CTLR_IDBITS_MASK   0x7ULL
#define ICC_CTLR_RSS	       (1ULL << 18)
#define ICC_PMR_OPEN	       0xffULL /* every priority above the lowest is signalled */
#define ICC_IGRPEN1_ENABLE     (1ULL << 0)
#define GIC_PRIO_IDLE	       0xffULL /* ICC_RPR_EL1 with nothing active */
/* ICC_IAR<n>_EL1 / ICC_EOIR<n>_EL1 / ICC_DIR_EL1: the INTID field. */
#define ICC_INTID_MASK 0xffffffULL

/* ICC_SGI1R_EL1 / ICC_ASGI1R_EL1 / ICC_SGI0R_EL1 (12.2.21). TargetList bit n is Aff0 =
 * RS * 16 + n. */
#define ICC_SGIR_TARGETLIST_MASK 0xffffULL
#define ICC_SGIR_AFF1_SHIFT	 16
#define ICC_SGIR_INTID_SHIFT	 24
#define ICC_SGIR_INTID_MASK	 0xfULL
#define ICC_SGIR_AFF2_SHIFT	 32
#define ICC_SGIR_IRM		 (1ULL << 40)
#define ICC_SGIR_RS_SHIFT	 44
#define ICC_SGIR_RS_MASK	 0xfULL
#define ICC_SGIR_AFF3_SHIFT	 48
#define ICC_SGIR_AFF0_PER_RS	 16u

/* --- Virtual CPU interface, EL2 (12.4 "ICH_* registers") --- */
/* ICH_LR<n>_EL2 */
#define ICH_LR_VINTID_MASK    0xffffffffULL
#define ICH_LR_PINTID_SHIFT   32
#define ICH_LR_PINTID_MASK    0x1fffULL
#define ICH_LR_EOI	      (1ULL << 41) /* HW=0: maintenance interrupt when the guest deactivates */
#define ICH_LR_PRIORITY_SHIFT 48
#define ICH_LR_GROUP	      (1ULL << 60)
#define ICH_LR_HW	      (1ULL << 61)
#define ICH_LR_STATE_SHIFT    62
#define ICH_LR_STATE_PENDING  1ULL
#define ICH_LR_STATE_ACTIVE   2ULL

/* ICH_HCR_EL2 */
#define ICH_HCR_EN	       (1ULL << 0)
#define ICH_HCR_UIE	       (1ULL << 1)
#define ICH_HCR_LRENPIE	       (1ULL << 2)
#define ICH_HCR_NPIE	       (1ULL << 3)
#define ICH_HCR_VGRP0EIE       (1ULL << 4)  /* maintenance while the guest has Group 0 enabled */
#define ICH_HCR_VGRP0DIE       (1ULL << 5)  /* maintenance while the guest has Group 0 disabled */
#define ICH_HCR_VGRP1EIE       (1ULL << 6)  /* maintenance while the guest has Group 1 enabled */
#define ICH_HCR_VGRP1DIE       (1ULL << 7)  /* maintenance while the guest has Group 1 disabled */
#define ICH_HCR_TDIR	       (1ULL << 14) /* ICC_DIR_EL1 writes trap (with ICH_VTR_EL2.TDS) */
#define ICH_HCR_EOICOUNT_SHIFT 27
#define ICH_HCR_EOICOUNT_MASK  0x1fULL

/* ICH_VMCR_EL2 */
#define ICH_VMCR_VENG0	    (1ULL << 0)
#define ICH_VMCR_VENG1	    (1ULL << 1)
#define ICH_VMCR_VEOIM	    (1ULL << 9) /* the guest's ICC_CTLR_EL1.EOImode */
#define ICH_VMCR_VPMR_SHIFT 24
#define ICH_VMCR_VPMR_MASK  0xffULL

/* ICH_VTR_EL2 */
#define ICH_VTR_LISTREGS_MASK 0x1fULL /* list registers - 1 */
#define ICH_VTR_TDS	      (1ULL << 19)
#define ICH_VTR_PRIBITS_SHIFT 29 /* priority bits - 1 */
#define ICH_VTR_PRIBITS_MASK  0x7ULL

#endif

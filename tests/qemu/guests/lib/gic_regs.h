/* SPDX-License-Identifier: MIT */
#ifndef GUEST_GIC_REGS_H
#define GUEST_GIC_REGS_H

/* GICv3 register map and fields, with the names of the GIC architecture specification
 * (Arm IHI 0069, chapter 12). Offsets are from the distributor base, or from the
 * redistributor's RD_base or SGI_base frame. */

/* Distributor (12.9). */
#define GICD_CTLR	0x0000
#define GICD_TYPER	0x0004
#define GICD_IIDR	0x0008
#define GICD_TYPER2	0x000c
#define GICD_STATUSR	0x0010
#define GICD_IGROUPR	0x0080
#define GICD_ISENABLER	0x0100
#define GICD_ICENABLER	0x0180
#define GICD_ISPENDR	0x0200
#define GICD_ICPENDR	0x0280
#define GICD_ISACTIVER	0x0300
#define GICD_ICACTIVER	0x0380
#define GICD_IPRIORITYR 0x0400
#define GICD_ITARGETSR	0x0800
#define GICD_ICFGR	0x0c00
#define GICD_IGRPMODR	0x0d00
#define GICD_NSACR	0x0e00
#define GICD_SGIR	0x0f00
#define GICD_CPENDSGIR	0x0f10
#define GICD_SPENDSGIR	0x0f20
#define GICD_IROUTER	0x6000
#define GICD_PIDR2	0xffe8

/* GICD_CTLR as seen with one security state (DS = 1) or from Non-secure: the same bits. */
#define GICD_CTLR_ENABLE_GRP0 (1U << 0)
#define GICD_CTLR_ENABLE_GRP1 (1U << 1) /* EnableGrp1 (DS = 1) / EnableGrp1A (Non-secure) */
#define GICD_CTLR_ARE	      (1U << 4) /* ARE (DS = 1) / ARE_NS (Non-secure) */
#define GICD_CTLR_DS	      (1U << 6)
#define GICD_CTLR_RWP	      (1U << 31)

#define GICD_TYPER_ITLINES(t)	((t)&0x1f)
#define GICD_TYPER_SECURITYEXTN (1U << 10)
#define GICD_TYPER_IDBITS(t)	(((t) >> 19) & 0x1f)
#define GICD_TYPER_NO1N		(1U << 25)

#define GIC_PIDR2_ARCHREV(p) (((p) >> 4) & 0xf)

#define GICD_IIDR_IMPLEMENTER(i) ((i)&0xfff)

/* GICD_IROUTER: the affinity fields of MPIDR_EL1 at the same bit positions. */
#define GICD_IROUTER_AFF_MASK 0xff00ffffffUL
#define GICD_IROUTER_IRM      (1UL << 31)

/* Redistributor RD_base frame (12.11). */
#define GICR_CTLR    0x0000
#define GICR_IIDR    0x0004
#define GICR_TYPER   0x0008
#define GICR_STATUSR 0x0010
#define GICR_WAKER   0x0014
#define GICR_PIDR2   0xffe8

#define GICR_CTLR_RWP		  (1U << 3)
#define GICR_WAKER_PROCESSORSLEEP (1U << 1)
#define GICR_WAKER_CHILDRENASLEEP (1U << 2)

#define GICR_TYPER_LAST	       (1UL << 4)
#define GICR_TYPER_PROC_NUM(t) (((t) >> 8) & 0xffff)
#define GICR_TYPER_AFFINITY(t) ((t) >> 32)

/* Redistributor SGI_base frame, 64 KiB above RD_base: SGIs and PPIs (INTID 0-31). */
#define GICR_SGI_OFFSET	 0x10000
#define GICR_IGROUPR0	 0x0080
#define GICR_ISENABLER0	 0x0100
#define GICR_ICENABLER0	 0x0180
#define GICR_ISPENDR0	 0x0200
#define GICR_ICPENDR0	 0x0280
#define GICR_ISACTIVER0	 0x0300
#define GICR_ICACTIVER0	 0x0380
#define GICR_IPRIORITYR0 0x0400
#define GICR_ICFGR0	 0x0c00
#define GICR_ICFGR1	 0x0c04

/* GICD_ICFGR / GICR_ICFGR: two bits per interrupt, the upper one set for edge-triggered. */
#define GIC_ICFGR_EDGE 0x2U

/* INTID ranges and the special INTIDs an acknowledge can return (2.2.1). */
#define GIC_NR_SGIS	   16
#define GIC_NR_PRIVATE	   32 /* SGIs + PPIs, banked in the redistributor */
#define GIC_MAX_SPI_INTID  1019
#define GIC_INTID_SPECIAL  1020 /* 1020-1023 */
#define GIC_INTID_SPURIOUS 1023
#define GIC_PRIO_IDLE	   0xff /* ICC_RPR_EL1 with nothing active */

/* CPU interface system registers (12.2). */
#define ICC_CTLR_EOIMODE    (1UL << 1)
#define ICC_CTLR_PRIBITS(c) ((unsigned int)(((c) >> 8) & 0x7) + 1) /* priority bits implemented */
#define ICC_CTLR_IDBITS(c)  ((unsigned int)((c) >> 11) & 0x7)	   /* 0: 16 bits, 1: 24 bits */
#define ICC_IAR_INTID_MASK  0xffffffUL
#define ICC_IGRPEN1_ENABLE  (1UL << 0)

/* ICC_SGI1R_EL1 (12.2.23). */
#define ICC_SGI1R_TARGET_LIST_MASK 0xffffUL
#define ICC_SGI1R_AFF1_SHIFT	   16
#define ICC_SGI1R_INTID_SHIFT	   24
#define ICC_SGI1R_AFF2_SHIFT	   32
#define ICC_SGI1R_IRM		   (1UL << 40)
#define ICC_SGI1R_RS_SHIFT	   44
#define ICC_SGI1R_AFF3_SHIFT	   48

/* MPIDR_EL1 affinity fields. */
#define MPIDR_AFF0(m) ((m)&0xff)
#define MPIDR_AFF1(m) (((m) >> 8) & 0xff)
#define MPIDR_AFF2(m) (((m) >> 16) & 0xff)
#define MPIDR_AFF3(m) (((m) >> 32) & 0xff)

#endif

/* SPDX-License-Identifier: MIT */
#ifndef VDEV_VGIC_REGS_H
#define VDEV_VGIC_REGS_H

#include <stdbool.h>
#include <stdint.h>

#include <core/gicv3.h>
#include <core/lib.h>

struct vm;
struct vcpu;

/* Private to vdev/vgic_*.c: the guest-visible GICv3 register map, named as in the GICv3
 * architecture specification (Arm IHI 0069, chapter 12), and what the distributor and the
 * redistributors share. The per-interrupt registers (IGROUPR .. IGRPMODR) sit at the same
 * offsets in GICD and in each redistributor's SGI_base frame and mean the same thing: GICD
 * reaches the SPIs, an SGI_base frame the SGIs and PPIs of its vCPU (vgic_bank_*()). */

/* --- Distributor (12.9), offsets in its 64 KiB frame --- */
#define GICD_CTLR	0x0000
#define GICD_TYPER	0x0004
#define GICD_IIDR	0x0008
#define GICD_TYPER2	0x000c
#define GICD_STATUSR	0x0010
#define GICD_SETSPI_NSR 0x0040 /* .. GICD_CLRSPI_SR 0x0058: message-based SPIs, not here */
#define GICD_IGROUPR	0x0080 /* 1 bit per INTID */
#define GICD_ISENABLER	0x0100
#define GICD_ICENABLER	0x0180
#define GICD_ISPENDR	0x0200
#define GICD_ICPENDR	0x0280
#define GICD_ISACTIVER	0x0300
#define GICD_ICACTIVER	0x0380
#define GICD_IPRIORITYR 0x0400 /* 1 byte per INTID */
#define GICD_ITARGETSR	0x0800 /* legacy (ARE = 0) only */
#define GICD_ICFGR	0x0c00 /* 2 bits per INTID */
#define GICD_IGRPMODR	0x0d00 /* 1 bit per INTID */
#define GICD_NSACR	0x0e00 /* 2 bits per INTID */
#define GICD_SGIR	0x0f00 /* legacy */
#define GICD_CPENDSGIR	0x0f10 /* legacy */
#define GICD_SPENDSGIR	0x0f20 /* legacy */
#define GICD_IROUTER	0x6000 /* 8 bytes per INTID, SPIs only (32..1019) */
#define GICD_IDREGS	0xffd0 /* PIDR4..7, PIDR0..3, CIDR0..3 */
#define GICD_PIDR2	0xffe8

#define GICD_BITMAP_SIZE  0x80 /* bytes of one 1-bit-per-INTID register array (1024 INTIDs) */
#define GICD_IROUTER_SIZE 8
#define GIC_IDREGS_SIZE	  0x30
#define GIC_MAX_INTID	  1020 /* 1020..1023 are special */

/* GICD_CTLR with GICD_CTLR.DS == 1 (one Security state): the layout the spec gives for it. */
#define GICD_CTLR_ENABLE_GRP0 BIT(0)
#define GICD_CTLR_ENABLE_GRP1 BIT(1)
#define GICD_CTLR_ARE	      BIT(4)
#define GICD_CTLR_DS	      BIT(6)
#define GICD_CTLR_RWP	      BIT(31)

#define GICD_TYPER_ITLINES_MASK 0x1fu
#define GICD_TYPER_IDBITS_SHIFT 19
#define GICD_TYPER_A3V		BIT(24)
#define GICD_TYPER_NO1N		BIT(25)

/* GIC*_ICFGR: bit 1 of each 2-bit Int_config field; bit 0 is RES0. */
#define GIC_ICFGR_EDGE 0x2u

/* --- Redistributor (12.10): RD_base frame, then SGI_base frame, 64 KiB each --- */
#define GICR_FRAME_SIZE 0x10000
#define GICR_SGI_BASE	0x10000
#define GICR_CTLR	0x0000
#define GICR_IIDR	0x0004
#define GICR_TYPER	0x0008 /* 64 bits */
#define GICR_STATUSR	0x0010
#define GICR_WAKER	0x0014
#define GICR_PROPBASER	0x0070 /* LPIs: RES0 with GICR_TYPER.PLPIS == 0 */
#define GICR_PENDBASER	0x0078
#define GICR_IDREGS	0xffd0
#define GICR_PIDR2	0xffe8

/* SGI_base frame: GICD's per-interrupt registers for INTIDs 0..31 (the vgic_bank offsets). */
#define GICR_IGROUPR0	 GICD_IGROUPR
#define GICR_ISENABLER0	 GICD_ISENABLER
#define GICR_ICENABLER0	 GICD_ICENABLER
#define GICR_ISPENDR0	 GICD_ISPENDR
#define GICR_ICPENDR0	 GICD_ICPENDR
#define GICR_ISACTIVER0	 GICD_ISACTIVER
#define GICR_ICACTIVER0	 GICD_ICACTIVER
#define GICR_IPRIORITYR0 GICD_IPRIORITYR  /* IPRIORITYR0..7 */
#define GICR_ICFGR0	 GICD_ICFGR	  /* SGIs */
#define GICR_ICFGR1	 (GICD_ICFGR + 4) /* PPIs */
#define GICR_IGRPMODR0	 GICD_IGRPMODR
#define GICR_NSACR	 GICD_NSACR

#define GICR_TYPER_LAST		      BIT(4)
#define GICR_TYPER_PROCESSOR_NR_SHIFT 8
#define GICR_TYPER_PROCESSOR_NR_MASK  0xffffULL
#define GICR_TYPER_AFFINITY_SHIFT     32

#define GICR_WAKER_PROCESSOR_SLEEP BIT(1)
#define GICR_WAKER_CHILDREN_ASLEEP BIT(2)

/* MPIDR_EL1 affinity fields (Arm ARM D17.2.101): Aff0..Aff2 at [23:0], Aff3 at [39:32]. */
#define MPIDR_AFF012_MASK 0xffffffULL
#define MPIDR_AFF3_SHIFT  32
#define MPIDR_AFF3_MASK	  0xffULL
/* GICR_TYPER.Affinity_Value packs Aff3.Aff2.Aff1.Aff0 into 32 bits. */
#define GIC_AFFINITY_AFF3_SHIFT 24

/* --- The choices every frame reports (docs in vdev/include/vdev/vgic_mmio.h) --- */
/* GICD_IIDR / GICR_IIDR: Implementer 0x43b (JEP106 Arm), Revision 0, Variant 0, ProductID 0x48
 * ('H'): an Arm-architecture GIC model of this hypervisor, as KVM reports 0x4b ('K'). */
#define VGIC_IIDR		0x4800043bu
#define VGIC_IDBITS		16 /* GICD_TYPER.IDbits + 1: 16-bit INTIDs, as QEMU */
#define VGIC_PIDR0_GICD		0x92
#define VGIC_PIDR0_GICR		0x93
#define GIC_PIDR2_ARCHREV_SHIFT 4
#define GIC_PIDR2_ARCHREV_GICV3 3u

/* --- Register maps --- */

/* Access sizes as a mask of the byte counts: an access of `size` bytes is allowed on a register
 * if `sizes & size`. */
#define VGIC_B (1u << 0) /* 1 */
#define VGIC_W (1u << 2) /* 4 */
#define VGIC_D (1u << 3) /* 8 */

/* A register, or an array of same-kind registers, at [off, off + len) of a frame; `id` is the
 * frame's own tag for it. An offset in no entry is reserved: RAZ/WI. */
struct vgic_reg {
	uint32_t off, len;
	uint8_t sizes;
	uint8_t id;
};

/* The entry of `map` covering `off`, or NULL. */
const struct vgic_reg *vgic_reg_find(const struct vgic_reg *map, unsigned count, uint64_t off);

/* A defined register accessed with a size the spec does not allow for it (see "GIC
 * memory-mapped register access"): RAZ/WI, as on QEMU's GIC (not an abort), and worth one
 * rate-limited line. */
void vgic_bad_access(struct vm *vm, const char *frame, uint64_t off, unsigned size, bool write);

/* PIDR4..7, PIDR0..3, CIDR0..3 at GIC*_IDREGS + `off`: an Arm GICv3 part, as QEMU's. */
uint32_t vgic_idreg(uint64_t off, uint8_t pidr0);

/* --- The per-interrupt registers (vgic_regs.c) --- */

/* The interrupts an access to the per-interrupt registers may reach: INTIDs [first, end) of
 * `vcpu` (its SGIs and PPIs, SGI_base frame) or of the VM (SPIs: `vcpu` NULL, GICD). Outside
 * that range bits and bytes are RAZ/WI. */
struct vgic_bank {
	struct vm *vm;
	struct vcpu *vcpu;
	uint32_t first, end;
};

/* A read or write of `size` bytes (already checked against the frame's map) at GICD offset
 * `off` of IGROUPR..ICACTIVER, IPRIORITYR or ICFGR; any other offset is RAZ/WI. State changes
 * go through the core/vgic.h setters under the VM's vGIC lock, and reads see the true state:
 * core folds the list registers back before any MMIO runs. */
uint32_t vgic_bank_read(const struct vgic_bank *b, uint64_t off, unsigned size);
void vgic_bank_write(const struct vgic_bank *b, uint64_t off, unsigned size, uint32_t val);

#endif

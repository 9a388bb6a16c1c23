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

/* The register map itself is <hal/gicv3_regs.h> (through core/gicv3.h). */

#define GICD_BITMAP_SIZE  0x80 /* bytes of one 1-bit-per-INTID register array (1024 INTIDs) */
#define GICD_IROUTER_SIZE 8
#define GIC_IDREGS_SIZE	  0x30

/* --- The choices every frame reports (docs in vdev/include/vdev/vgic_mmio.h) --- */
/* GICD_IIDR / GICR_IIDR: Implementer 0x43b (JEP106 Arm), Revision 0, Variant 0, ProductID 0x48
 * ('H'): an Arm-architecture GIC model of this hypervisor, as KVM reports 0x4b ('K'). */
#define VGIC_IIDR	0x4800043bu
#define VGIC_IDBITS	16 /* GICD_TYPER.IDbits + 1: 16-bit INTIDs, as QEMU */
#define VGIC_PIDR0_GICD 0x92
#define VGIC_PIDR0_GICR 0x93

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

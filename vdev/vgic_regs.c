// SPDX-License-Identifier: MIT
/* What the vGIC distributor and redistributors share (vdev/vgic_regs.h): register-map lookup,
 * the ID registers, and the per-interrupt registers of GICD and the SGI_base frames. */
#include <core/lib.h>
#include <core/log.h>
#include <core/vgic.h>
#include <core/vm.h>

#include "vgic_regs.h"

/* PIDR4..7, PIDR0..3, CIDR0..3 of an Arm GICv3 (PIDR0 tells GICD from GICR), as QEMU's model
 * reports them. PIDR1/PIDR2/PIDR4 carry Arm's JEP106 code (0x3b, continuation 4); PIDR2 is
 * ArchRev 3 | JEDEC (bit 3) | identity bits [6:4] (0b011). */
#define PIDR2_JEP106_ARM 0xb /* JEDEC | identity bits [6:4] of Arm's code */
#define PIDR2		 (GIC_PIDR2_ARCHREV_GICV3 << GIC_PIDR2_ARCHREV_SHIFT | PIDR2_JEP106_ARM)

static const uint8_t id_regs[GIC_IDREGS_SIZE / 4] = {
    0x44, 0x00, 0x00,  0x00, /* PIDR4..7 */
    0x00, 0xb4, PIDR2, 0x00, /* PIDR0 (per frame), PIDR1..3 */
    0x0d, 0xf0, 0x05,  0xb1, /* CIDR0..3 */
};

#define ID_PIDR0 4 /* index of PIDR0 in id_regs */

const struct vgic_reg *vgic_reg_find(const struct vgic_reg *map, unsigned count, uint64_t off)
{
	for (unsigned i = 0; i < count; i++) {
		if (off >= map[i].off && off - map[i].off < map[i].len)
			return &map[i];
	}
	return NULL;
}

void vgic_bad_access(struct vm *vm, const char *frame, uint64_t off, unsigned size, bool write)
{
	log_ratelimited(&vm->guest_log, LOG_WARN,
			"%s: %u-byte %s of %s offset 0x%llx: size not supported there; RAZ/WI",
			vm->name, size, write ? "write" : "read", frame, (unsigned long long)off);
}

uint32_t vgic_idreg(uint64_t off, uint8_t pidr0)
{
	unsigned i = (unsigned)(off / 4);

	if ((off & 3) || i >= ARRAY_SIZE(id_regs))
		return 0;
	return i == ID_PIDR0 ? pidr0 : id_regs[i];
}

/* --- per-interrupt registers --- */

/* The bitmap registers in GICD order, one GICD_BITMAP_SIZE array each from GICD_IGROUPR. */
enum bitmap_reg { IGROUPR, ISENABLER, ICENABLER, ISPENDR, ICPENDR, ISACTIVER, ICACTIVER };

#define BITMAP_END   (GICD_ICACTIVER + GICD_BITMAP_SIZE)
#define PRIORITY_END (GICD_IPRIORITYR + GIC_MAX_INTID)
#define ICFGR_END    (GICD_ICFGR + 2 * GICD_BITMAP_SIZE)

/* The interrupt `intid` if this bank reaches it. */
static struct vgic_irq *bank_irq(struct vgic_locked l, const struct vgic_bank *b, uint32_t intid)
{
	if (intid < b->first || intid >= b->end)
		return NULL;
	return vgic_irq(l, b->vcpu, intid);
}

static bool bitmap_bit(const struct vgic_irq *irq, enum bitmap_reg reg)
{
	switch (reg) {
	case IGROUPR:
		return irq->group;
	case ISENABLER:
	case ICENABLER:
		return irq->enabled;
	case ISPENDR:
	case ICPENDR:
		return vgic_irq_pending(irq);
	default:
		return irq->active;
	}
}

/* Write bit `set` of `reg` for `irq`: for the set/clear pairs a 0 does nothing. */
static void bitmap_write(struct vgic_locked l, struct vgic_irq *irq, enum bitmap_reg reg, bool set)
{
	switch (reg) {
	case IGROUPR:
		vgic_set_group(l, irq, set);
		break;
	case ISENABLER:
	case ICENABLER:
		if (set)
			vgic_set_enabled(l, irq, reg == ISENABLER);
		break;
	case ISPENDR:
	case ICPENDR:
		if (set)
			vgic_set_pending(l, irq, reg == ISPENDR);
		break;
	default:
		if (set)
			vgic_set_active(l, irq, reg == ISACTIVER);
		break;
	}
}

/* GICD_ICFGR. core/vgic.h has no setter for the trigger mode, and whether the interrupt is
 * pending depends on it (a level input that is high counts only while level-sensitive): so
 * change the field, then let the pending setter, latch unchanged, recompute what depends on
 * pending. Changing the mode of an enabled interrupt is UNPREDICTABLE (GICD_ICFGR<n>): any
 * answer will do, as long as the state stays consistent. */
static void set_edge(struct vgic_locked l, struct vgic_irq *irq, bool edge)
{
	if (irq->edge == edge)
		return;
	irq->edge = edge;
	vgic_set_pending(l, irq, irq->pending_latch);
}

uint32_t vgic_bank_read(const struct vgic_bank *b, uint64_t off, unsigned size)
{
	struct vgic_locked l = vgic_lock(b->vm);
	struct vgic_irq *irq;
	uint32_t val = 0;

	if (off >= GICD_IGROUPR && off < BITMAP_END) {
		enum bitmap_reg reg = (enum bitmap_reg)((off - GICD_IGROUPR) / GICD_BITMAP_SIZE);
		uint32_t first = (uint32_t)(off % GICD_BITMAP_SIZE) * 8;

		for (unsigned i = 0; i < 32; i++) {
			irq = bank_irq(l, b, first + i);
			if (irq && bitmap_bit(irq, reg))
				val |= 1u << i;
		}
	} else if (off >= GICD_IPRIORITYR && off < PRIORITY_END) {
		uint32_t first = (uint32_t)(off - GICD_IPRIORITYR);

		for (unsigned i = 0; i < size; i++) {
			irq = bank_irq(l, b, first + i);
			if (irq)
				val |= (uint32_t)irq->priority << (8 * i);
		}
	} else if (off >= GICD_ICFGR && off < ICFGR_END) {
		uint32_t first = (uint32_t)(off - GICD_ICFGR) * 4;

		for (unsigned i = 0; i < 16; i++) {
			irq = bank_irq(l, b, first + i);
			if (irq && irq->edge)
				val |= GIC_ICFGR_EDGE << (2 * i);
		}
	}
	vgic_unlock(&l);
	return val;
}

void vgic_bank_write(const struct vgic_bank *b, uint64_t off, unsigned size, uint32_t val)
{
	struct vgic_locked l = vgic_lock(b->vm);
	struct vgic_irq *irq;

	if (off >= GICD_IGROUPR && off < BITMAP_END) {
		enum bitmap_reg reg = (enum bitmap_reg)((off - GICD_IGROUPR) / GICD_BITMAP_SIZE);
		uint32_t first = (uint32_t)(off % GICD_BITMAP_SIZE) * 8;

		for (unsigned i = 0; i < 32; i++) {
			irq = bank_irq(l, b, first + i);
			if (irq)
				bitmap_write(l, irq, reg, (val >> i) & 1);
		}
	} else if (off >= GICD_IPRIORITYR && off < PRIORITY_END) {
		uint32_t first = (uint32_t)(off - GICD_IPRIORITYR);

		/* The setter keeps only the implemented (high) priority bits. */
		for (unsigned i = 0; i < size; i++) {
			irq = bank_irq(l, b, first + i);
			if (irq)
				vgic_set_priority(l, irq, (uint8_t)(val >> (8 * i)));
		}
	} else if (off >= GICD_ICFGR && off < ICFGR_END) {
		uint32_t first = (uint32_t)(off - GICD_ICFGR) * 4;

		/* SGIs are edge and PPIs level, read-only (IMPLEMENTATION DEFINED for PPIs,
		 * GICR_ICFGR1): every PPI this board delivers is a level output of the hypervisor
		 * (the virtual timer, HW=1). Only SPIs are programmable. */
		for (unsigned i = 0; i < 16; i++) {
			irq = first + i >= VGIC_NR_PRIVATE ? bank_irq(l, b, first + i) : NULL;
			if (irq)
				set_edge(l, irq, (val >> (2 * i)) & GIC_ICFGR_EDGE);
		}
	}
	vgic_unlock(&l);
}

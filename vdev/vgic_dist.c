// SPDX-License-Identifier: MIT
/* The guest's GICv3 distributor (see vdev/vgic_mmio.h): the VM's SPIs and GICD_CTLR. */
#include <core/err.h>
#include <core/lib.h>
#include <core/vgic.h>
#include <core/vm.h>
#include <vdev/vgic_mmio.h>

#include "vgic_regs.h"

#define FRAME "GICD"

/* Where an access lands; anything not in gicd_map is reserved (RAZ/WI). */
enum gicd_reg { R_CTLR, R_TYPER, R_IIDR, R_BANK, R_IROUTER, R_IDREGS, R_RAZWI };

#define IROUTER_SPI0 (GICD_IROUTER + VGIC_NR_PRIVATE * GICD_IROUTER_SIZE)

static const struct vgic_reg gicd_map[] = {
    {GICD_CTLR, 4, VGIC_W, R_CTLR},
    {GICD_TYPER, 4, VGIC_W, R_TYPER},
    {GICD_IIDR, 4, VGIC_W, R_IIDR},
    {GICD_TYPER2, 4, VGIC_W, R_RAZWI},
    {GICD_STATUSR, 4, VGIC_W, R_RAZWI}, /* optional; we report no errors */
    /* IGROUPR, IS/ICENABLER, IS/ICPENDR, IS/ICACTIVER */
    {GICD_IGROUPR, 7 * GICD_BITMAP_SIZE, VGIC_W, R_BANK},
    {GICD_IPRIORITYR, GICD_ITARGETSR - GICD_IPRIORITYR, VGIC_B | VGIC_W, R_BANK},
    /* Legacy (ARE = 0) registers, RES0 with affinity routing: byte access is allowed. */
    {GICD_ITARGETSR, GICD_ICFGR - GICD_ITARGETSR, VGIC_B | VGIC_W, R_RAZWI},
    {GICD_ICFGR, 2 * GICD_BITMAP_SIZE, VGIC_W, R_BANK},
    {GICD_IGRPMODR, GICD_BITMAP_SIZE, VGIC_W, R_RAZWI},	 /* DS = 1 */
    {GICD_NSACR, 2 * GICD_BITMAP_SIZE, VGIC_W, R_RAZWI}, /* DS = 1 */
    {GICD_SGIR, 4, VGIC_W, R_RAZWI},
    {GICD_CPENDSGIR, 0x10, VGIC_B | VGIC_W, R_RAZWI},
    {GICD_SPENDSGIR, 0x10, VGIC_B | VGIC_W, R_RAZWI},
    /* IROUTER0..31 would be SGIs and PPIs: reserved. */
    {IROUTER_SPI0, (GIC_MAX_INTID - VGIC_NR_PRIVATE) * GICD_IROUTER_SIZE, VGIC_W | VGIC_D,
     R_IROUTER},
    {GICD_IDREGS, GIC_IDREGS_SIZE, VGIC_W, R_IDREGS},
};

/* GICD_IROUTER bits kept: the affinity (A3V = 1, as QEMU); IRM is RAZ/WI (No1N = 1). */
#define IROUTER_MASK GICD_IROUTER_AFF_MASK

static uint32_t ctlr_read(struct vm *vm)
{
	uint32_t val = GICD_CTLR_ARE | GICD_CTLR_DS;
	struct vgic_locked l = vgic_lock(vm);

	if (vm->vgic.enable_grp0)
		val |= GICD_CTLR_ENABLE_GRP0;
	if (vm->vgic.enable_grp1)
		val |= GICD_CTLR_ENABLE_GRP1;
	vgic_unlock(&l);
	return val;
}

/* With DS = 1 only the two group enables are writable: ARE and DS are RAO/WI, E1NWF RAZ/WI,
 * and RWP reads 0 because every write takes effect before the access completes. */
static void ctlr_write(struct vm *vm, uint32_t val)
{
	struct vgic_locked l = vgic_lock(vm);

	vgic_set_group_enables(l, val & GICD_CTLR_ENABLE_GRP0, val & GICD_CTLR_ENABLE_GRP1);
	vgic_unlock(&l);
}

static uint32_t typer(struct vm *vm)
{
	/* ITLinesNumber N: INTIDs up to 32 * (N + 1) - 1 exist, SGIs and PPIs included. */
	uint32_t itlines = (vm->vgic.nr_spis / 32) & GICD_TYPER_ITLINES_MASK;

	return GICD_TYPER_NO1N | GICD_TYPER_A3V | (VGIC_IDBITS - 1) << GICD_TYPER_IDBITS_SHIFT |
	       itlines;
}

/* GICD_IROUTER<intid>; SPIs the VM lacks read 0. */
static uint64_t irouter_read(struct vm *vm, uint32_t intid)
{
	struct vgic_locked l = vgic_lock(vm);
	struct vgic_irq *irq = vgic_irq(l, NULL, intid);
	uint64_t val = irq ? irq->irouter : 0;

	vgic_unlock(&l);
	return val;
}

/* Write the bytes of IROUTER<n> that `mask` selects (a 32-bit half or all of it). */
static void irouter_write(struct vm *vm, uint32_t intid, uint64_t val, uint64_t mask)
{
	struct vgic_locked l = vgic_lock(vm);
	struct vgic_irq *irq = vgic_irq(l, NULL, intid);

	if (irq)
		vgic_set_route(l, irq, ((irq->irouter & ~mask) | (val & mask)) & IROUTER_MASK);
	vgic_unlock(&l);
}

static struct vgic_bank spi_bank(struct vm *vm)
{
	return (struct vgic_bank){.vm = vm,
				  .vcpu = NULL,
				  .first = VGIC_NR_PRIVATE,
				  .end = VGIC_NR_PRIVATE + vm->vgic.nr_spis};
}

static int gicd_read(struct mmio_device *dev, struct vcpu *vcpu, uint64_t off, unsigned size,
		     uint64_t *val)
{
	const struct vgic_reg *r = vgic_reg_find(gicd_map, ARRAY_SIZE(gicd_map), off);
	struct vm *vm = dev->priv;

	*val = 0;
	if (!r)
		return HV_OK;
	if (!(r->sizes & size)) {
		vgic_bad_access(vm, FRAME, off, size, false);
		return HV_OK;
	}
	switch (r->id) {
	case R_CTLR:
		*val = ctlr_read(vm);
		break;
	case R_TYPER:
		*val = typer(vm);
		break;
	case R_IIDR:
		*val = VGIC_IIDR;
		break;
	case R_BANK: {
		struct vgic_bank b = spi_bank(vm);

		*val = vgic_bank_read(&b, off, size);
		break;
	}
	case R_IROUTER: {
		uint64_t v = irouter_read(vm, (uint32_t)((off - GICD_IROUTER) / GICD_IROUTER_SIZE));

		*val = size == 8 ? v : (uint32_t)(v >> (off & 4) * 8);
		break;
	}
	case R_IDREGS:
		*val = vgic_idreg(off - GICD_IDREGS, VGIC_PIDR0_GICD);
		break;
	default:
		break;
	}
	return HV_OK;
}

static int gicd_write(struct mmio_device *dev, struct vcpu *vcpu, uint64_t off, unsigned size,
		      uint64_t val)
{
	const struct vgic_reg *r = vgic_reg_find(gicd_map, ARRAY_SIZE(gicd_map), off);
	struct vm *vm = dev->priv;

	if (!r)
		return HV_OK;
	if (!(r->sizes & size)) {
		vgic_bad_access(vm, FRAME, off, size, true);
		return HV_OK;
	}
	switch (r->id) {
	case R_CTLR:
		ctlr_write(vm, (uint32_t)val);
		break;
	case R_BANK: {
		struct vgic_bank b = spi_bank(vm);

		vgic_bank_write(&b, off, size, (uint32_t)val);
		break;
	}
	case R_IROUTER: {
		uint32_t intid = (uint32_t)((off - GICD_IROUTER) / GICD_IROUTER_SIZE);
		unsigned shift = size == 8 ? 0 : (unsigned)(off & 4) * 8;
		uint64_t mask = size == 8 ? ~0ULL : 0xffffffffULL << shift;

		irouter_write(vm, intid, val << shift, mask);
		break;
	}
	default: /* read-only or RAZ/WI */
		break;
	}
	return HV_OK;
}

static const struct mmio_ops gicd_ops = {.read = gicd_read, .write = gicd_write};

int vgic_dist_attach(struct vm *vm, uint64_t base)
{
	struct mmio_device dev = {
	    .name = "gicd", .base = base, .size = VM_GICD_SIZE, .ops = &gicd_ops, .priv = vm};

	if (!is_aligned(base, GICR_FRAME_SIZE))
		return HV_EINVAL;
	return vm_add_mmio(vm, &dev);
}

// SPDX-License-Identifier: MIT
/* The guest's GICv3 redistributors (see vdev/vgic_mmio.h): one RD_base + SGI_base frame pair
 * per vCPU, for its SGIs and PPIs and its GICR_WAKER. */
#include <core/err.h>
#include <core/lib.h>
#include <core/vgic.h>
#include <core/vm.h>
#include <vdev/vgic_mmio.h>

#include "vgic_regs.h"

/* Where an access lands; anything not in a frame's map is reserved (RAZ/WI). */
enum gicr_reg { R_CTLR, R_IIDR, R_TYPER, R_WAKER, R_BANK, R_IDREGS, R_RAZWI };

static const struct vgic_reg rd_map[] = {
    {GICR_CTLR, 4, VGIC_W, R_CTLR},
    {GICR_IIDR, 4, VGIC_W, R_IIDR},
    {GICR_TYPER, 8, VGIC_W | VGIC_D, R_TYPER},
    {GICR_STATUSR, 4, VGIC_W, R_RAZWI}, /* optional; we report no errors */
    {GICR_WAKER, 4, VGIC_W, R_WAKER},
    /* LPI registers: RES0 with GICR_TYPER.PLPIS == 0. */
    {GICR_PROPBASER, 8, VGIC_W | VGIC_D, R_RAZWI},
    {GICR_PENDBASER, 8, VGIC_W | VGIC_D, R_RAZWI},
    {GICR_IDREGS, GIC_IDREGS_SIZE, VGIC_W, R_IDREGS},
};

static const struct vgic_reg sgi_map[] = {
    {GICR_IGROUPR0, 4, VGIC_W, R_BANK},
    {GICR_ISENABLER0, 4, VGIC_W, R_BANK},
    {GICR_ICENABLER0, 4, VGIC_W, R_BANK},
    {GICR_ISPENDR0, 4, VGIC_W, R_BANK},
    {GICR_ICPENDR0, 4, VGIC_W, R_BANK},
    {GICR_ISACTIVER0, 4, VGIC_W, R_BANK},
    {GICR_ICACTIVER0, 4, VGIC_W, R_BANK},
    {GICR_IPRIORITYR0, VGIC_NR_PRIVATE, VGIC_B | VGIC_W, R_BANK}, /* IPRIORITYR0..7 */
    {GICR_ICFGR0, 8, VGIC_W, R_BANK},				  /* ICFGR0, ICFGR1 */
    {GICR_IGRPMODR0, 4, VGIC_W, R_RAZWI},			  /* DS = 1 */
    {GICR_NSACR, 4, VGIC_W, R_RAZWI},				  /* DS = 1 */
};

/* The vCPU whose frames hold offset `off` of the region, or NULL past the last one. */
static struct vcpu *frame_vcpu(struct vm *vm, uint64_t off)
{
	uint64_t n = off / VM_GICR_STRIDE;

	return n < vm->vcpu_count ? &vm->vcpus[n] : NULL;
}

static uint64_t typer(struct vcpu *vcpu)
{
	uint64_t mpidr = vcpu->ctx.vmpidr;
	uint64_t aff3 = (mpidr >> MPIDR_AFF3_SHIFT) & MPIDR_AFF3_MASK;
	/* Affinity_Value is Aff3.Aff2.Aff1.Aff0: MPIDR's fields without its gap at [31:24]. */
	uint64_t aff = aff3 << GIC_AFFINITY_AFF3_SHIFT | (mpidr & MPIDR_AFF012_MASK);
	uint64_t nr = vcpu->id & GICR_TYPER_PROCESSOR_NR_MASK;
	uint64_t val = aff << GICR_TYPER_AFFINITY_SHIFT | nr << GICR_TYPER_PROCESSOR_NR_SHIFT;

	/* Linux walks the frames until it finds its affinity or this bit. */
	if (vcpu->id == vcpu->vm->vcpu_count - 1)
		val |= GICR_TYPER_LAST;
	return val;
}

static uint32_t waker_read(struct vcpu *vcpu)
{
	struct vgic_locked l = vgic_lock(vcpu->vm);
	bool sleep = vcpu->vgic.redist_waker_sleep;

	vgic_unlock(&l);
	/* Nothing here is asynchronous: the interface is quiescent as soon as it is asked to be. */
	return sleep ? GICR_WAKER_PROCESSOR_SLEEP | GICR_WAKER_CHILDREN_ASLEEP : 0;
}

static void waker_write(struct vcpu *vcpu, uint32_t val)
{
	struct vgic_locked l = vgic_lock(vcpu->vm);

	vcpu->vgic.redist_waker_sleep = val & GICR_WAKER_PROCESSOR_SLEEP;
	vgic_unlock(&l);
}

static uint64_t rd_read(struct vcpu *vcpu, const struct vgic_reg *r, uint64_t off, unsigned size)
{
	switch (r->id) {
	case R_IIDR:
		return VGIC_IIDR;
	case R_TYPER:
		return size == 8 ? typer(vcpu) : (uint32_t)(typer(vcpu) >> (off & 4) * 8);
	case R_WAKER:
		return waker_read(vcpu);
	case R_IDREGS:
		return vgic_idreg(off - GICR_IDREGS, VGIC_PIDR0_GICR);
	default: /* GICR_CTLR: EnableLPIs RES0 without LPIs, RWP and UWP 0: nothing pending */
		return 0;
	}
}

static struct vgic_bank private_bank(struct vcpu *vcpu)
{
	return (struct vgic_bank){.vm = vcpu->vm, .vcpu = vcpu, .first = 0, .end = VGIC_NR_PRIVATE};
}

/* The register an access at region offset `off` names: the vCPU, the frame's map entry and the
 * offset inside the frame. NULL for reserved space (RAZ/WI). Which vCPU made the access (`by`
 * in the handlers) does not matter: a redistributor is addressed by its frame. */
static const struct vgic_reg *decode(struct vm *vm, uint64_t off, struct vcpu **vcpu,
				     uint64_t *frame_off, bool *sgi)
{
	*vcpu = frame_vcpu(vm, off);
	*frame_off = off % GICR_FRAME_SIZE;
	*sgi = (off % VM_GICR_STRIDE) >= GICR_SGI_BASE;
	if (!*vcpu)
		return NULL;
	if (*sgi)
		return vgic_reg_find(sgi_map, ARRAY_SIZE(sgi_map), *frame_off);
	return vgic_reg_find(rd_map, ARRAY_SIZE(rd_map), *frame_off);
}

static int gicr_read(struct mmio_device *dev, struct vcpu *by, uint64_t off, unsigned size,
		     uint64_t *val)
{
	struct vm *vm = dev->priv;
	struct vcpu *vcpu;
	uint64_t foff;
	bool sgi;
	const struct vgic_reg *r = decode(vm, off, &vcpu, &foff, &sgi);

	*val = 0;
	if (!r)
		return HV_OK;
	if (!(r->sizes & size)) {
		vgic_bad_access(vm, sgi ? "GICR SGI_base" : "GICR RD_base", foff, size, false);
		return HV_OK;
	}
	if (r->id == R_BANK) {
		struct vgic_bank b = private_bank(vcpu);

		*val = vgic_bank_read(&b, foff, size);
	} else {
		*val = rd_read(vcpu, r, foff, size);
	}
	return HV_OK;
}

static int gicr_write(struct mmio_device *dev, struct vcpu *by, uint64_t off, unsigned size,
		      uint64_t val)
{
	struct vm *vm = dev->priv;
	struct vcpu *vcpu;
	uint64_t foff;
	bool sgi;
	const struct vgic_reg *r = decode(vm, off, &vcpu, &foff, &sgi);

	if (!r)
		return HV_OK;
	if (!(r->sizes & size)) {
		vgic_bad_access(vm, sgi ? "GICR SGI_base" : "GICR RD_base", foff, size, true);
		return HV_OK;
	}
	if (r->id == R_BANK) {
		struct vgic_bank b = private_bank(vcpu);

		vgic_bank_write(&b, foff, size, (uint32_t)val);
	} else if (r->id == R_WAKER) {
		waker_write(vcpu, (uint32_t)val);
	}
	/* Everything else in RD_base is read-only or RAZ/WI. */
	return HV_OK;
}

static const struct mmio_ops gicr_ops = {.read = gicr_read, .write = gicr_write};

int vgic_redist_attach(struct vm *vm, uint64_t base)
{
	struct mmio_device dev = {.name = "gicr",
				  .base = base,
				  .size = vm->vcpu_count * VM_GICR_STRIDE,
				  .ops = &gicr_ops,
				  .priv = vm};

	if (!vm->vcpu_count || !is_aligned(base, GICR_FRAME_SIZE))
		return HV_EINVAL;
	return vm_add_mmio(vm, &dev);
}

// SPDX-License-Identifier: MIT
/* Virtual GICv3 interrupt state: inputs, the distributor's setters, routing, SGIs and the WFI
 * wake-up test (see core/vgic.h). The list registers are core/vgic_lr.c. */
#include <core/check.h>
#include <core/gicv3.h>
#include <core/lib.h>
#include <core/sched.h>
#include <core/vgic.h>
#include <core/vm.h>
#include <hal/gic.h>
#include <hal/vcpu.h>

#include "vgic_internal.h"

static uint8_t priority_mask(const struct vcpu *vcpu)
{
	return (uint8_t)(0xff << (8 - vcpu->vgic.pri_bits));
}

struct vgic_locked vgic_lock(struct vm *vm)
{
	return vgic_lock_inline(vm);
}

void vgic_unlock(struct vgic_locked *locked)
{
	vgic_unlock_inline(locked);
}

void vgic_mark(struct vgic_locked l, struct vgic_irq *irq)
{
	struct vcpu *t = irq->target;
	uint64_t bit = BIT(irq->intid % 64);

	if (!t)
		return;
	/* List registers filled at its wake-up no longer show this interrupt as it is. */
	__atomic_store_n(&t->vgic.prefill_stale, true, __ATOMIC_RELAXED);
	if (vgic_irq_pending(irq) || irq->active) {
		/* Atomic: vgic_flush() looks at the set without the lock, on t's pCPU. */
		__atomic_fetch_or(&t->vgic.interesting[irq->intid / 64], bit, __ATOMIC_RELAXED);
		/* A vCPU blocked in WFI, or waiting for the pCPU, gets its turn soon. */
		if (vgic_irq_pending(irq))
			sched_kick(t);
	} else {
		__atomic_fetch_and(&t->vgic.interesting[irq->intid / 64], ~bit, __ATOMIC_RELAXED);
	}
}

static void retarget(struct vgic_locked l, struct vgic_irq *irq, struct vcpu *target)
{
	if (irq->target == target)
		return;
	if (irq->target)
		__atomic_fetch_and(&irq->target->vgic.interesting[irq->intid / 64],
				   ~BIT(irq->intid % 64), __ATOMIC_RELAXED);
	irq->target = target;
	vgic_mark(l, irq);
}

static void irq_reset(struct vgic_irq *irq, uint16_t intid, struct vcpu *target)
{
	*irq = (struct vgic_irq){.intid = intid, .target = target, .lr = -1};
	irq->edge = intid < VGIC_NR_SGIS;
}

void vgic_init(struct vm *vm, unsigned nr_spis)
{
	struct vgic_dist *d = &vm->vgic;
	struct vcpu *first = vm->vcpu_count ? &vm->vcpus[0] : NULL;

	d->enable_grp0 = d->enable_grp1 = false;
	d->nr_spis = MIN(align_up(nr_spis, 32), (uint64_t)VGIC_MAX_SPIS);
	for (unsigned i = 0; i < VGIC_MAX_SPIS; i++)
		irq_reset(&d->spis[i], (uint16_t)(VGIC_NR_PRIVATE + i),
			  i < d->nr_spis ? first : NULL);
	for (unsigned c = 0; c < vm->vcpu_count; c++) {
		struct vcpu *v = &vm->vcpus[c];

		memset(&v->vgic, 0, sizeof(v->vgic));
		for (unsigned i = 0; i < VGIC_NR_PRIVATE; i++)
			irq_reset(&v->vgic.private_irqs[i], (uint16_t)i, v);
		v->vgic.nr_lrs = (uint8_t)MIN(hal_vgic_nr_lrs(), (unsigned)HAL_VGIC_MAX_LRS);
		v->vgic.pri_bits = (uint8_t)MIN(MAX(hal_vgic_pri_bits(), 4u), 8u);
		v->vgic.redist_waker_sleep = true;
		v->ctx.vgic.hcr = ICH_HCR_EN;
	}
}

struct vgic_irq *vgic_irq(struct vgic_locked l, struct vcpu *vcpu, uint32_t intid)
{
	if (intid < VGIC_NR_PRIVATE)
		return vcpu ? &vcpu->vgic.private_irqs[intid] : NULL;
	if (intid - VGIC_NR_PRIVATE < l.vm->vgic.nr_spis)
		return &l.vm->vgic.spis[intid - VGIC_NR_PRIVATE];
	return NULL;
}

void vgic_set_line(struct vm *vm, struct vcpu *vcpu, uint32_t intid, bool level)
{
	struct vgic_locked l = vgic_lock(vm);
	struct vgic_irq *irq = vgic_irq(l, vcpu, intid);

	if (irq) {
		/* An edge-triggered input latches on the rising edge of its line. */
		if (irq->edge && level && !irq->line)
			irq->pending_latch = true;
		irq->line = level;
		vgic_mark(l, irq);
	}
	vgic_unlock(&l);
}

void vgic_pulse(struct vm *vm, struct vcpu *vcpu, uint32_t intid)
{
	struct vgic_locked l = vgic_lock(vm);
	struct vgic_irq *irq = vgic_irq(l, vcpu, intid);

	if (irq) {
		irq->pending_latch = true;
		vgic_mark(l, irq);
	}
	vgic_unlock(&l);
}

void vgic_inject_hw(struct vcpu *vcpu, uint32_t intid, uint32_t hw_intid)
{
	struct vgic_locked l = vgic_lock(vcpu->vm);
	struct vgic_irq *irq = vgic_irq(l, vcpu, intid);

	if (irq) {
		irq->hw = true;
		irq->hw_intid = (uint16_t)hw_intid;
		irq->pending_latch = true;
		vgic_mark(l, irq);
	}
	vgic_unlock(&l);
}

/* The physical interrupt behind a HW=1 one is no longer the guest's to end: release it.
 * HW=1 lives only while its vCPU is loaded (vgic_inject_hw() runs on its pCPU, vgic_unmap_hw()
 * ends it at the put), and the physical interrupt is a PPI of that pCPU: a write from another
 * pCPU leaves the deactivation to it and kicks it, so it exits and does it (vgic_hw_held()). */
static void release_hw(struct vgic_locked l, struct vgic_irq *irq)
{
	(void)l;
	if (!irq->hw)
		return;
	irq->hw = false;
	if (irq->target && vcpu_loaded_elsewhere(irq->target)) {
		irq->hw_owed = true;
		/* Atomic: vgic_wants_wakeup() looks at it without the lock. */
		__atomic_store_n(&irq->target->vgic.hw_owed, true, __ATOMIC_RELAXED);
		sched_kick(irq->target);
		return;
	}
	hal_gic_deactivate(irq->hw_intid);
}

/* A release another pCPU left to this one (see release_hw()). The guest may have ended the
 * physical interrupt itself meanwhile, through a list register with HW=1. */
static void settle_owed(struct vgic_irq *irq)
{
	if (!irq->hw_owed)
		return;
	irq->hw_owed = false;
	if (hal_gic_active(irq->hw_intid))
		hal_gic_deactivate(irq->hw_intid);
}

void vgic_retract_hw(struct vcpu *vcpu, uint32_t intid)
{
	struct vgic_locked l = vgic_lock(vcpu->vm);
	struct vgic_irq *irq = vgic_irq(l, vcpu, intid);

	if (irq && irq->hw && irq->pending_latch && !irq->active) {
		irq->pending_latch = false;
		vgic_mark(l, irq);
		release_hw(l, irq);
	}
	vgic_unlock(&l);
}

bool vgic_hw_held(struct vcpu *vcpu, uint32_t intid)
{
	struct vgic_locked l;
	struct vgic_irq *irq;
	bool held = false;

	CHECK(vcpu_loaded_here(vcpu)); /* the physical interrupt is a PPI of this pCPU */
	l = vgic_lock(vcpu->vm);
	irq = vgic_irq(l, vcpu, intid);
	if (irq) {
		settle_owed(irq);
		held = irq->hw;
	}
	vgic_unlock(&l);
	return held;
}

void vgic_unmap_hw(struct vcpu *vcpu, uint32_t intid)
{
	struct vgic_locked l = vgic_lock(vcpu->vm);
	struct vgic_irq *irq = vgic_irq(l, vcpu, intid);

	if (irq)
		settle_owed(irq);
	if (irq && irq->hw && (irq->active || irq->pending_latch))
		release_hw(l, irq);
	else if (irq)
		irq->hw = false;
	vgic_unlock(&l);
}

/* A register write for an interrupt that sits in the list registers of a running vCPU (on
 * another pCPU: the writer's own were folded at its exit). Note what it changed, so that
 * vCPU's fold keeps it instead of the list register's older view, and kick that vCPU so it
 * exits and takes the change into its list registers. */
static void changed_under_lr(struct vgic_locked l, struct vgic_irq *irq, uint8_t stale)
{
	(void)l;
	if (irq->lr < 0)
		return;
	irq->lr_stale |= stale;
	sched_kick(irq->target);
}

/* Whether `irq` could be taken by its target now, as far as the distributor decides (the
 * target's own CPU interface - priority mask, group enables - is the scheduler's question:
 * vgic_wants_wakeup()). */
static bool deliverable(struct vgic_locked l, const struct vgic_irq *irq)
{
	return irq->target && irq->enabled && vgic_irq_pending(irq) &&
	       vgic_group_enabled(&l.vm->vgic, irq);
}

/* A register write that can make an already pending interrupt deliverable (enable, priority,
 * group, the distributor's group enables) is a wake-up event like the interrupt arriving:
 * its target may sit in WFI with no timer armed, possibly on another pCPU, and nothing else
 * would ever look at it again. */
static void wake_if_deliverable(struct vgic_locked l, struct vgic_irq *irq)
{
	if (deliverable(l, irq))
		sched_kick(irq->target);
}

void vgic_set_enabled(struct vgic_locked l, struct vgic_irq *irq, bool enabled)
{
	irq->enabled = enabled;
	changed_under_lr(l, irq, 0);
	wake_if_deliverable(l, irq);
}

void vgic_set_group(struct vgic_locked l, struct vgic_irq *irq, unsigned group)
{
	/* No derived state depends on the group (the "interesting" set is pending || active);
	 * vgic_flush() reads it on every entry. */
	irq->group = (uint8_t)(group & 1);
	wake_if_deliverable(l, irq);
}

void vgic_set_group_enables(struct vgic_locked l, bool grp0, bool grp1)
{
	struct vm *vm = l.vm;
	bool opened = (grp0 && !vm->vgic.enable_grp0) || (grp1 && !vm->vgic.enable_grp1);

	vm->vgic.enable_grp0 = grp0;
	vm->vgic.enable_grp1 = grp1;
	if (!opened)
		return;
	for (unsigned c = 0; c < vm->vcpu_count; c++) {
		struct vcpu *v = &vm->vcpus[c];
		bool kick = false;

		for (unsigned w = 0; w < ARRAY_SIZE(v->vgic.interesting) && !kick; w++) {
			uint64_t bits = v->vgic.interesting[w];

			while (bits && !kick) {
				struct vgic_irq *irq =
				    vgic_irq(l, v, w * 64 + (unsigned)__builtin_ctzll(bits));

				bits &= bits - 1;
				kick = irq && irq->target == v && deliverable(l, irq);
			}
		}
		if (kick)
			sched_kick(v);
	}
}

void vgic_set_pending(struct vgic_locked l, struct vgic_irq *irq, bool pending)
{
	/* GICD_ICPENDR clears the latch only: a level input that is still high stays pending. */
	if (!pending && irq->pending_latch && !irq->active)
		release_hw(l, irq);
	irq->pending_latch = pending;
	/* A latch the running vCPU was given is withdrawn; a new one needs nothing more. */
	changed_under_lr(l, irq, pending ? 0 : VGIC_STALE_PENDING);
	vgic_mark(l, irq);
}

void vgic_set_active(struct vgic_locked l, struct vgic_irq *irq, bool active)
{
	if (!active && irq->spilled && irq->target) {
		irq->spilled = false;
		irq->target->vgic.nr_spilled--;
	}
	/* Deactivating a hardware-backed interrupt by register also ends the physical one. */
	if (!active && irq->active)
		release_hw(l, irq);
	/* Active again while the guest still holds the running priority it took it at (EOImode
	 * 0, ended by ICACTIVER meanwhile): keep that priority, which its EOI will drop. */
	if (active && !irq->active && !(irq->target && vgic_is_running(l, irq->target, irq->intid)))
		irq->active_priority = irq->priority;
	irq->active = active;
	changed_under_lr(l, irq, VGIC_STALE_ACTIVE);
	vgic_mark(l, irq);
	vgic_settle_route(l, irq);
}

void vgic_set_priority(struct vgic_locked l, struct vgic_irq *irq, uint8_t priority)
{
	struct vcpu *v = irq->target ? irq->target : &l.vm->vcpus[0];

	irq->priority = priority & priority_mask(v);
	changed_under_lr(l, irq, 0);
	/* Raised above the target's priority mask, it may now wake the target. */
	wake_if_deliverable(l, irq);
}

/* The vCPU whose MPIDR affinity is `aff` (GICD_IROUTER_AFF_MASK bits), or NULL. vCPU i
 * normally has Aff1.Aff0 = i / 16, i % 16 (core/vm.c), so that one is tried first: an SGI to
 * one vCPU costs no walk over the whole VM; any other layout is found by the walk. */
static struct vcpu *vcpu_by_affinity(struct vm *vm, uint64_t aff)
{
	uint64_t guess = (aff >> 8 & 0xff) * 16 + (aff & 0xff);

	if ((aff & ~0xffffULL) == 0 && (aff & 0xff) < 16 && guess < vm->vcpu_count &&
	    (vm->vcpus[guess].ctx.vmpidr & GICD_IROUTER_AFF_MASK) == aff)
		return &vm->vcpus[guess];
	for (unsigned i = 0; i < vm->vcpu_count; i++) {
		if ((vm->vcpus[i].ctx.vmpidr & GICD_IROUTER_AFF_MASK) == aff)
			return &vm->vcpus[i];
	}
	return NULL;
}

/* The vCPU an IROUTER value names: affinity match, or vCPU 0 for "any participating PE". */
static struct vcpu *route_target(struct vm *vm, uint64_t irouter)
{
	if (irouter & GICD_IROUTER_IRM)
		return vm->vcpu_count ? &vm->vcpus[0] : NULL;
	/* NULL: no such PE, the interrupt is not forwarded anywhere. */
	return vcpu_by_affinity(vm, irouter & GICD_IROUTER_AFF_MASK);
}

/* The vCPU that acknowledged an SPI keeps it (and its spill bookkeeping) until it is
 * deactivated, and the vCPU whose list registers hold it until its next fold; then it follows
 * the route. */
void vgic_settle_route(struct vgic_locked l, struct vgic_irq *irq)
{
	if (irq->intid >= VGIC_NR_PRIVATE && !irq->active && irq->lr < 0)
		retarget(l, irq, route_target(l.vm, irq->irouter));
}

void vgic_set_route(struct vgic_locked l, struct vgic_irq *irq, uint64_t irouter)
{
	if (irq->intid < VGIC_NR_PRIVATE)
		return;
	irq->irouter = irouter & (GICD_IROUTER_AFF_MASK | GICD_IROUTER_IRM);
	changed_under_lr(l, irq, 0);
	vgic_settle_route(l, irq);
}

/* SGI `intid` of `group` made pending on `t`. An SGI of the other group is not forwarded
 * (GICv3 12.2.21, DS=1). */
static void sgi_pend(struct vgic_locked l, struct vcpu *t, unsigned intid, unsigned group)
{
	struct vgic_irq *irq = &t->vgic.private_irqs[intid];

	if (irq->group != group)
		return;
	irq->pending_latch = true;
	vgic_mark(l, irq);
}

void vgic_send_sgi(struct vcpu *vcpu, uint64_t val, unsigned group)
{
	struct vm *vm = vcpu->vm;
	unsigned intid = (unsigned)((val >> ICC_SGIR_INTID_SHIFT) & ICC_SGIR_INTID_MASK);
	uint64_t aff321 = ((val >> ICC_SGIR_AFF3_SHIFT) & 0xff) << 32 |
			  ((val >> ICC_SGIR_AFF2_SHIFT) & 0xff) << 16 |
			  ((val >> ICC_SGIR_AFF1_SHIFT) & 0xff) << 8;
	unsigned rs = (unsigned)((val >> ICC_SGIR_RS_SHIFT) & ICC_SGIR_RS_MASK);
	uint64_t targets = val & ICC_SGIR_TARGETLIST_MASK;
	struct vgic_locked l = vgic_lock(vm);

	if (val & ICC_SGIR_IRM) { /* every PE but the sender */
		for (unsigned i = 0; i < vm->vcpu_count; i++) {
			if (&vm->vcpus[i] != vcpu)
				sgi_pend(l, &vm->vcpus[i], intid, group);
		}
	} else { /* the PEs of the target list: Aff3.Aff2.Aff1, Aff0 = RS * 16 + the bit */
		for (uint64_t left = targets; left; left &= left - 1) {
			unsigned bit = (unsigned)__builtin_ctzll(left);
			struct vcpu *t = vcpu_by_affinity(vm, aff321 | (rs * 16 + bit));

			if (t)
				sgi_pend(l, t, intid, group);
		}
	}
	vgic_unlock(&l);
}

void vgic_vcpu_reset(struct vcpu *vcpu)
{
	struct vm *vm = vcpu->vm;
	struct vgic_cpu *c = &vcpu->vgic;
	struct vgic_locked l = vgic_lock(vm);

	/* Its SGIs and PPIs lose their active state with the PE (as after a cold reset); an SPI
	 * it had acknowledged stays active in the distributor, as on hardware, but is no longer
	 * this interface's to deactivate. */
	for (unsigned i = 0; i < VGIC_NR_PRIVATE; i++) {
		struct vgic_irq *irq = &c->private_irqs[i];

		if (irq->active)
			vgic_set_active(l, irq, false);
	}
	for (unsigned i = 0; i < vm->vgic.nr_spis; i++) {
		struct vgic_irq *irq = &vm->vgic.spis[i];

		if (irq->spilled && irq->target == vcpu)
			irq->spilled = false;
	}
	CHECK(c->lr_used == 0); /* folded at its last exit */
	c->nr_spilled = 0;
	c->nr_running = 0;
	c->fold_pending = false;
	/* The virtual CPU interface from reset: no active priorities, group enables and mask
	 * off, empty list registers. */
	memset(&vcpu->ctx.vgic, 0, sizeof(vcpu->ctx.vgic));
	vcpu->ctx.vgic.hcr = ICH_HCR_EN;
	vgic_unlock(&l);
}

/* A vCPU parked here (blocked, still loaded: docs/scheduling.md) has no exits to end a physical
 * interrupt another pCPU released for it; its pCPU asks the wake-up test after the kick. Looked
 * for only when one is owed: the test runs at every WFI and every wake-up. */
void vgic_settle_owed_here(struct vgic_locked l, struct vcpu *vcpu)
{
	(void)l;
	__atomic_store_n(&vcpu->vgic.hw_owed, false, __ATOMIC_RELAXED);
	for (unsigned i = 0; i < VGIC_NR_PRIVATE; i++)
		settle_owed(&vcpu->vgic.private_irqs[i]);
}

/* vgic_wake_test(), inline in wants_wakeup_locked(): pick()'s look at a kicked vCPU on one
 * pCPU pays no call for it. */
static inline __attribute__((always_inline)) bool wake_test(struct vgic_locked l, struct vcpu *vcpu,
							    uint64_t vmcr)
{
	struct vm *vm = vcpu->vm;
	uint8_t pmr = (uint8_t)((vmcr >> ICH_VMCR_VPMR_SHIFT) & ICH_VMCR_VPMR_MASK);
	bool wake = false;

	for (unsigned w = 0; w < ARRAY_SIZE(vcpu->vgic.interesting) && !wake; w++) {
		uint64_t bits = vcpu->vgic.interesting[w];

		while (bits && !wake) {
			unsigned intid = w * 64 + (unsigned)__builtin_ctzll(bits);
			struct vgic_irq *irq = vgic_irq(l, vcpu, intid);

			bits &= bits - 1;
			wake = irq && vgic_irq_pending(irq) && irq->enabled &&
			       vgic_group_enabled(&vm->vgic, irq) &&
			       (vmcr & (irq->group ? ICH_VMCR_VENG1 : ICH_VMCR_VENG0)) &&
			       irq->priority < pmr;
		}
	}
	return wake;
}

bool vgic_wake_test(struct vgic_locked l, struct vcpu *vcpu, uint64_t vmcr)
{
	return wake_test(l, vcpu, vmcr);
}

/* The look under the lock, out of line: the WFI with nothing to take (vgic_wants_wakeup()'s
 * test) does not pay for its stack frame. */
static __attribute__((noinline)) bool wants_wakeup_locked(struct vcpu *vcpu)
{
	/* Loaded here: the CPU interface is in the hardware; not loaded: in its context. Loaded
	 * elsewhere: out of reach, so every group counts as on and nothing as masked. */
	uint64_t vmcr = ICH_VMCR_VENG0 | ICH_VMCR_VENG1 | ICH_VMCR_VPMR_MASK << ICH_VMCR_VPMR_SHIFT;
	bool wake, here = vcpu_loaded_here(vcpu);
	struct vgic_locked l;

	if (here)
		vmcr = hal_vgic_vmcr(&vcpu->ctx);
	else if (!vcpu_loaded_elsewhere(vcpu))
		vmcr = vcpu->ctx.vgic.vmcr;
	l = vgic_lock(vcpu->vm);
	if (here && vcpu->vgic.hw_owed)
		vgic_settle_owed_here(l, vcpu);
	wake = wake_test(l, vcpu, vmcr);
	vgic_unlock(&l);
	return wake;
}

bool vgic_wants_wakeup(struct vcpu *vcpu)
{
	/* A WFI with nothing to take, the common case, takes no lock. */
	return !vgic_nothing_interesting(vcpu) && wants_wakeup_locked(vcpu);
}

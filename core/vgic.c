// SPDX-License-Identifier: MIT
/* Virtual GICv3 interrupt state and list-register management (see core/vgic.h). */
#include <core/gicv3.h>
#include <core/lib.h>
#include <core/sched.h>
#include <core/vgic.h>
#include <core/vm.h>
#include <hal/gic.h>
#include <hal/vcpu.h>

static uint8_t priority_mask(const struct vcpu *vcpu)
{
	return (uint8_t)(0xff << (8 - vcpu->vgic.pri_bits));
}

bool vgic_irq_pending(const struct vgic_irq *irq)
{
	return irq->pending_latch || (!irq->edge && irq->line);
}

/* Keep `irq`'s bit in its target's "interesting" set equal to pending || active. */
static void mark(struct vgic_irq *irq)
{
	struct vcpu *t = irq->target;
	uint64_t bit = BIT(irq->intid % 64);

	if (!t)
		return;
	if (vgic_irq_pending(irq) || irq->active) {
		t->vgic.interesting[irq->intid / 64] |= bit;
		/* A vCPU blocked in WFI, or waiting for the pCPU, gets its turn soon. */
		if (vgic_irq_pending(irq))
			sched_kick(t);
	} else {
		t->vgic.interesting[irq->intid / 64] &= ~bit;
	}
}

static void retarget(struct vgic_irq *irq, struct vcpu *target)
{
	if (irq->target == target)
		return;
	if (irq->target)
		irq->target->vgic.interesting[irq->intid / 64] &= ~BIT(irq->intid % 64);
	irq->target = target;
	mark(irq);
}

static void settle_route(struct vm *vm, struct vgic_irq *irq);

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

struct vgic_irq *vgic_irq_locked(struct vm *vm, struct vcpu *vcpu, uint32_t intid)
{
	if (intid < VGIC_NR_PRIVATE)
		return vcpu ? &vcpu->vgic.private_irqs[intid] : NULL;
	if (intid - VGIC_NR_PRIVATE < vm->vgic.nr_spis)
		return &vm->vgic.spis[intid - VGIC_NR_PRIVATE];
	return NULL;
}

void vgic_set_line(struct vm *vm, struct vcpu *vcpu, uint32_t intid, bool level)
{
	struct vgic_irq *irq;

	spin_lock(&vm->vgic.lock);
	irq = vgic_irq_locked(vm, vcpu, intid);
	if (irq) {
		/* An edge-triggered input latches on the rising edge of its line. */
		if (irq->edge && level && !irq->line)
			irq->pending_latch = true;
		irq->line = level;
		mark(irq);
	}
	spin_unlock(&vm->vgic.lock);
}

void vgic_pulse(struct vm *vm, struct vcpu *vcpu, uint32_t intid)
{
	struct vgic_irq *irq;

	spin_lock(&vm->vgic.lock);
	irq = vgic_irq_locked(vm, vcpu, intid);
	if (irq) {
		irq->pending_latch = true;
		mark(irq);
	}
	spin_unlock(&vm->vgic.lock);
}

void vgic_inject_hw(struct vcpu *vcpu, uint32_t intid)
{
	struct vm *vm = vcpu->vm;
	struct vgic_irq *irq;

	spin_lock(&vm->vgic.lock);
	irq = vgic_irq_locked(vm, vcpu, intid);
	if (irq) {
		irq->hw = true;
		irq->hw_intid = (uint16_t)intid;
		irq->pending_latch = true;
		mark(irq);
	}
	spin_unlock(&vm->vgic.lock);
}

/* The physical interrupt behind a HW=1 one is no longer the guest's to end: release it. */
static void release_hw(struct vgic_irq *irq)
{
	if (irq->hw) {
		hal_gic_deactivate(irq->hw_intid);
		irq->hw = false;
	}
}

void vgic_retract_hw(struct vcpu *vcpu, uint32_t intid)
{
	struct vm *vm = vcpu->vm;
	struct vgic_irq *irq;

	spin_lock(&vm->vgic.lock);
	irq = vgic_irq_locked(vm, vcpu, intid);
	if (irq && irq->hw && irq->pending_latch && !irq->active) {
		irq->pending_latch = false;
		mark(irq);
		release_hw(irq);
	}
	spin_unlock(&vm->vgic.lock);
}

void vgic_unmap_hw(struct vcpu *vcpu, uint32_t intid)
{
	struct vm *vm = vcpu->vm;
	struct vgic_irq *irq;

	spin_lock(&vm->vgic.lock);
	irq = vgic_irq_locked(vm, vcpu, intid);
	if (irq && irq->hw && (irq->active || irq->pending_latch))
		release_hw(irq);
	else if (irq)
		irq->hw = false;
	spin_unlock(&vm->vgic.lock);
}

void vgic_set_enabled_locked(struct vm *vm, struct vgic_irq *irq, bool enabled)
{
	irq->enabled = enabled;
}

void vgic_set_pending_locked(struct vm *vm, struct vgic_irq *irq, bool pending)
{
	/* GICD_ICPENDR clears the latch only: a level input that is still high stays pending. */
	if (!pending && irq->pending_latch && !irq->active)
		release_hw(irq);
	irq->pending_latch = pending;
	mark(irq);
}

void vgic_set_active_locked(struct vm *vm, struct vgic_irq *irq, bool active)
{
	if (!active && irq->spilled && irq->target) {
		irq->spilled = false;
		irq->target->vgic.nr_spilled--;
	}
	/* Deactivating a hardware-backed interrupt by register also ends the physical one. */
	if (!active && irq->active)
		release_hw(irq);
	if (active && !irq->active)
		irq->active_priority = irq->priority;
	irq->active = active;
	mark(irq);
	settle_route(vm, irq);
}

void vgic_set_priority_locked(struct vm *vm, struct vgic_irq *irq, uint8_t priority)
{
	struct vcpu *v = irq->target ? irq->target : &vm->vcpus[0];

	irq->priority = priority & priority_mask(v);
}

/* The vCPU an IROUTER value names: affinity match, or vCPU 0 for "any participating PE". */
static struct vcpu *route_target(struct vm *vm, uint64_t irouter)
{
	if (irouter & GICD_IROUTER_IRM)
		return vm->vcpu_count ? &vm->vcpus[0] : NULL;
	for (unsigned i = 0; i < vm->vcpu_count; i++) {
		if ((vm->vcpus[i].ctx.vmpidr & GICD_IROUTER_AFF_MASK) ==
		    (irouter & GICD_IROUTER_AFF_MASK))
			return &vm->vcpus[i];
	}
	return NULL; /* no such PE: the interrupt is not forwarded anywhere */
}

/* Move an SPI to the vCPU its IROUTER names, unless it is active: the vCPU that acknowledged
 * it keeps it (and its spill bookkeeping) until it is deactivated, then it follows the route. */
static void settle_route(struct vm *vm, struct vgic_irq *irq)
{
	if (irq->intid >= VGIC_NR_PRIVATE && !irq->active)
		retarget(irq, route_target(vm, irq->irouter));
}

void vgic_set_route_locked(struct vm *vm, struct vgic_irq *irq, uint64_t irouter)
{
	if (irq->intid < VGIC_NR_PRIVATE)
		return;
	irq->irouter = irouter & (GICD_IROUTER_AFF_MASK | GICD_IROUTER_IRM);
	/* Only the vCPU making this access is folded: an interrupt live in another running
	 * vCPU's list registers needs that vCPU kicked first (multi-pCPU work). */
	settle_route(vm, irq);
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

	spin_lock(&vm->vgic.lock);
	for (unsigned i = 0; i < vm->vcpu_count; i++) {
		struct vcpu *t = &vm->vcpus[i];
		uint64_t mpidr = t->ctx.vmpidr & GICD_IROUTER_AFF_MASK;
		struct vgic_irq *irq = &t->vgic.private_irqs[intid];

		if (val & ICC_SGIR_IRM) {
			if (t == vcpu)
				continue; /* IRM=1: every PE but the sender */
		} else {
			unsigned aff0 = (unsigned)(mpidr & 0xff);

			if ((mpidr & ~0xffULL) != aff321 || aff0 / 16 != rs ||
			    !(targets & BIT(aff0 % 16)))
				continue;
		}
		/* An SGI of the other group is not forwarded (GICv3 12.2.21, DS=1). */
		if (irq->group != group)
			continue;
		irq->pending_latch = true;
		mark(irq);
	}
	spin_unlock(&vm->vgic.lock);
}

/* --- list registers --- */

/* Deactivate `count` spilled interrupts after the guest's EOIs that matched no list register:
 * a well-behaved guest ends them highest priority first. */
static void retire_spilled(struct vcpu *vcpu, unsigned count)
{
	struct vm *vm = vcpu->vm;

	while (count-- && vcpu->vgic.nr_spilled) {
		struct vgic_irq *best = NULL;

		for (unsigned w = 0; w < ARRAY_SIZE(vcpu->vgic.interesting); w++) {
			uint64_t bits = vcpu->vgic.interesting[w];

			while (bits) {
				unsigned intid = w * 64 + (unsigned)__builtin_ctzll(bits);
				struct vgic_irq *irq = vgic_irq_locked(vm, vcpu, intid);

				bits &= bits - 1;
				if (irq && irq->spilled &&
				    (!best || irq->priority < best->priority))
					best = irq;
			}
		}
		if (!best)
			break;
		vgic_set_active_locked(vm, best, false);
	}
}

void vgic_fold(struct vcpu *vcpu)
{
	struct hal_vcpu_ctx *ctx = &vcpu->ctx;
	struct vm *vm = vcpu->vm;
	uint64_t hcr;

	if (!vcpu->vgic.lr_used && !vcpu->vgic.nr_spilled)
		return;
	spin_lock(&vm->vgic.lock);
	for (unsigned n = 0; n < vcpu->vgic.nr_lrs; n++) {
		uint64_t lr, state;
		struct vgic_irq *irq;

		if (!(vcpu->vgic.lr_used & BIT(n)))
			continue;
		lr = hal_vgic_lr_read(ctx, n);
		hal_vgic_lr_write(ctx, n, 0);
		irq = vgic_irq_locked(vm, vcpu, (uint32_t)(lr & ICH_LR_VINTID_MASK));
		if (!irq)
			continue;
		state = lr >> ICH_LR_STATE_SHIFT;
		if ((state & ICH_LR_STATE_ACTIVE) && !irq->active)
			irq->active_priority = (uint8_t)(lr >> ICH_LR_PRIORITY_SHIFT);
		irq->active = state & ICH_LR_STATE_ACTIVE;
		/* HW=1 and now inactive: the guest's deactivation ended the physical one too. */
		if (irq->hw && !state)
			irq->hw = false;
		/* Still pending: not acknowledged yet, so the latch it took is still owed. */
		if ((state & ICH_LR_STATE_PENDING) && irq->latch_in_lr)
			irq->pending_latch = true;
		irq->latch_in_lr = false;
		irq->lr = -1;
		mark(irq);
		settle_route(vm, irq);
	}
	vcpu->vgic.lr_used = 0;
	hcr = hal_vgic_hcr_read(ctx);
	retire_spilled(vcpu, (unsigned)((hcr >> ICH_HCR_EOICOUNT_SHIFT) & ICH_HCR_EOICOUNT_MASK));
	hal_vgic_hcr_write(ctx, ICH_HCR_EN);
	spin_unlock(&vm->vgic.lock);
}

static bool group_enabled(const struct vgic_dist *d, const struct vgic_irq *irq)
{
	return irq->group ? d->enable_grp1 : d->enable_grp0;
}

/* Higher priority first (lower value), then lower INTID: the GIC's own tie-break. */
static bool before(const struct vgic_irq *a, const struct vgic_irq *b)
{
	return a->priority != b->priority ? a->priority < b->priority : a->intid < b->intid;
}

/* Pending as far as the guest may see it: enabled, and its group enabled. */
static bool deliverable(const struct vgic_dist *d, const struct vgic_irq *irq)
{
	return vgic_irq_pending(irq) && irq->enabled && group_enabled(d, irq);
}

static uint64_t lr_value(const struct vgic_dist *d, struct vgic_irq *irq)
{
	bool pending = deliverable(d, irq);
	uint64_t state =
	    (pending ? ICH_LR_STATE_PENDING : 0) | (irq->active ? ICH_LR_STATE_ACTIVE : 0);
	/* An active interrupt keeps the priority it was taken at, or its EOI would not match. */
	uint8_t prio = irq->active ? irq->active_priority : irq->priority;
	uint64_t lr =
	    irq->intid | (uint64_t)prio << ICH_LR_PRIORITY_SHIFT | state << ICH_LR_STATE_SHIFT;

	if (irq->group)
		lr |= ICH_LR_GROUP;
	if (irq->hw)
		lr |= ICH_LR_HW | (uint64_t)(irq->hw_intid & ICH_LR_PINTID_MASK)
				      << ICH_LR_PINTID_SHIFT;
	else if (!irq->edge)
		lr |= ICH_LR_EOI; /* re-sample the level as soon as the guest deactivates */
	return lr;
}

void vgic_flush(struct vcpu *vcpu)
{
	struct vgic_irq *cand[VGIC_MAX_INTID];
	uint64_t lrs[HAL_VGIC_MAX_LRS];
	struct vm *vm = vcpu->vm;
	bool placed_pending = false, waiting = false;
	unsigned n = 0, placed;
	uint64_t hcr = ICH_HCR_EN;

	if (!(vcpu->vgic.interesting[0] | vcpu->vgic.interesting[1]))
		return;
	/* The guest's own CPU-interface group enables: a pending interrupt of a group it has
	 * switched off waits in software (with a maintenance interrupt armed for when it switches
	 * the group on) instead of taking a list register from one it could take now. */
	uint64_t vmcr = hal_vgic_vmcr(&vcpu->ctx);

	spin_lock(&vm->vgic.lock);
	for (unsigned w = 0; w < ARRAY_SIZE(vcpu->vgic.interesting); w++) {
		uint64_t bits = vcpu->vgic.interesting[w];

		while (bits) {
			unsigned intid = w * 64 + (unsigned)__builtin_ctzll(bits);
			struct vgic_irq *irq = vgic_irq_locked(vm, vcpu, intid);
			unsigned i;

			bits &= bits - 1;
			if (!irq || !(irq->active || deliverable(&vm->vgic, irq)))
				continue;
			if (!irq->active &&
			    !(vmcr & (irq->group ? ICH_VMCR_VENG1 : ICH_VMCR_VENG0))) {
				hcr |= irq->group ? ICH_HCR_VGRP1EIE : ICH_HCR_VGRP0EIE;
				continue;
			}
			/* Insertion sort: a handful of candidates at a time in practice. */
			for (i = n; i > 0 && before(irq, cand[i - 1]); i--)
				cand[i] = cand[i - 1];
			cand[i] = irq;
			n++;
		}
	}

	placed = MIN(n, (unsigned)vcpu->vgic.nr_lrs);
	for (unsigned i = 0; i < placed; i++) {
		struct vgic_irq *irq = cand[i];
		bool pending = deliverable(&vm->vgic, irq);

		if (irq->spilled) {
			irq->spilled = false;
			vcpu->vgic.nr_spilled--;
		}
		lrs[i] = lr_value(&vm->vgic, irq);
		placed_pending |= pending;
		irq->lr = (int8_t)i;
		/* Only a pending state the guest can see moves into the list register. */
		irq->latch_in_lr = pending && irq->pending_latch;
		if (pending)
			irq->pending_latch = false;
		vcpu->vgic.lr_used |= (uint16_t)BIT(i);
	}
	for (unsigned i = placed; i < n; i++) {
		struct vgic_irq *irq = cand[i];

		if (irq->active && !irq->spilled) {
			irq->spilled = true;
			vcpu->vgic.nr_spilled++;
		}
		waiting |= !irq->active;
	}
	if (waiting && placed_pending) {
		hcr |= ICH_HCR_NPIE; /* refill once the guest took what is there */
	} else if (waiting) {
		/* Every list register is active: come back when the guest ends one (EOI
		 * maintenance for the software ones, underflow for the rest), not at once. */
		for (unsigned i = 0; i < placed; i++) {
			if (!(lrs[i] & ICH_LR_HW))
				lrs[i] |= ICH_LR_EOI;
		}
		hcr |= ICH_HCR_UIE;
	}
	for (unsigned i = 0; i < placed; i++)
		hal_vgic_lr_write(&vcpu->ctx, i, lrs[i]);
	if (vcpu->vgic.nr_spilled)
		hcr |= ICH_HCR_LRENPIE; /* tell us when the guest ends a spilled one */
	hal_vgic_hcr_write(&vcpu->ctx, hcr);
	spin_unlock(&vm->vgic.lock);
}

bool vgic_wants_wakeup(struct vcpu *vcpu)
{
	struct vm *vm = vcpu->vm;
	/* A vCPU that is not loaded has its CPU interface state in its context. */
	uint64_t vmcr =
	    vcpu->state == VCPU_RUNNING ? hal_vgic_vmcr(&vcpu->ctx) : vcpu->ctx.vgic.vmcr;
	uint8_t pmr = (uint8_t)((vmcr >> ICH_VMCR_VPMR_SHIFT) & ICH_VMCR_VPMR_MASK);
	bool wake = false;

	spin_lock(&vm->vgic.lock);
	for (unsigned w = 0; w < ARRAY_SIZE(vcpu->vgic.interesting) && !wake; w++) {
		uint64_t bits = vcpu->vgic.interesting[w];

		while (bits && !wake) {
			unsigned intid = w * 64 + (unsigned)__builtin_ctzll(bits);
			struct vgic_irq *irq = vgic_irq_locked(vm, vcpu, intid);

			bits &= bits - 1;
			wake = irq && vgic_irq_pending(irq) && irq->enabled &&
			       group_enabled(&vm->vgic, irq) &&
			       (vmcr & (irq->group ? ICH_VMCR_VENG1 : ICH_VMCR_VENG0)) &&
			       irq->priority < pmr;
		}
	}
	spin_unlock(&vm->vgic.lock);
	return wake;
}

// SPDX-License-Identifier: MIT
/* The list registers of the virtual GICv3 (see core/vgic.h): vgic_flush() fills them before an
 * entry, vgic_fold() reads them back after the exit, and the guest's EOIs and deactivations of
 * active interrupts that did not fit (spilled) are matched up here. */
#include <core/check.h>
#include <core/gicv3.h>
#include <core/lib.h>
#include <core/vgic.h>
#include <core/vm.h>
#include <hal/vcpu.h>

#include "vgic_internal.h"

#define LR_STATE_MASK (ICH_LR_STATE_PENDING | ICH_LR_STATE_ACTIVE)

/* A set of INTIDs, one bit each. */
struct intid_set {
	uint64_t w[VGIC_MAX_INTID / 64];
};

static void set_add(struct intid_set *s, unsigned intid)
{
	s->w[intid / 64] |= BIT(intid % 64);
}

static bool set_has(const struct intid_set *s, unsigned intid)
{
	return s->w[intid / 64] & BIT(intid % 64);
}

/* --- running priorities (EOImode 0) ---------------------------------------------------- */

bool vgic_is_running(struct vgic_locked l, const struct vcpu *vcpu, uint32_t intid)
{
	(void)l;
	for (unsigned i = 0; i < vcpu->vgic.nr_running; i++) {
		if (vcpu->vgic.running[i] == intid)
			return true;
	}
	return false;
}

static void running_remove(struct vgic_cpu *c, unsigned i)
{
	c->nr_running--;
	memmove(&c->running[i], &c->running[i + 1], (c->nr_running - i) * sizeof(c->running[0]));
}

static void running_push(struct vgic_cpu *c, uint16_t intid)
{
	/* Only a guest that writes its active priority registers can outgrow the preemption
	 * levels; the oldest entry is the one least likely to be EOId next. */
	if (c->nr_running == VGIC_MAX_RUNNING)
		running_remove(c, 0);
	c->running[c->nr_running++] = intid;
}

/* The guest's EOI deactivated `intid` in a list register: it dropped that running priority,
 * the newest one of that INTID. */
static void running_drop(struct vgic_cpu *c, uint32_t intid)
{
	for (unsigned i = c->nr_running; i-- > 0;) {
		if (c->running[i] == intid) {
			running_remove(c, i);
			return;
		}
	}
}

/* `count` EOIs matched no list register (ICH_HCR_EL2.EOIcount). A guest EOIs its running
 * interrupts newest first, so these were the newest running priorities that were not in a
 * list register: every entry but the newest of an INTID that `held` (active in a list register
 * at the exit). Their EOI also deactivated the interrupt, which lived in software. */
static void retire_eois(struct vgic_locked l, struct vcpu *vcpu, unsigned count,
			const struct intid_set *held)
{
	struct vgic_cpu *c = &vcpu->vgic;
	struct intid_set seen;

	if (!count)
		return; /* every EOI matched a list register: the usual case, at every fold */
	seen = (struct intid_set){0};
	for (unsigned i = c->nr_running; i-- > 0 && count;) {
		unsigned intid = c->running[i];
		bool in_lr = set_has(held, intid) && !set_has(&seen, intid);
		struct vgic_irq *irq;

		set_add(&seen, intid);
		if (in_lr)
			continue;
		running_remove(c, i);
		count--;
		irq = vgic_irq(l, vcpu, intid);
		/* Inactive already if ICACTIVER ended it: the EOI only dropped the priority. */
		if (irq && irq->active && irq->target == vcpu)
			vgic_set_active(l, irq, false);
	}
}

/* Interrupts the guest acknowledged during the run, each preempting the one before: pushed
 * lowest priority first. */
static void push_acked(struct vgic_cpu *c, struct vgic_irq **acked, unsigned n)
{
	for (unsigned i = 1; i < n; i++) {
		struct vgic_irq *irq = acked[i];
		unsigned j;

		for (j = i; j > 0 && acked[j - 1]->active_priority < irq->active_priority; j--)
			acked[j] = acked[j - 1];
		acked[j] = irq;
	}
	for (unsigned i = 0; i < n; i++)
		running_push(c, acked[i]->intid);
}

/* --- fold -------------------------------------------------------------------------------- */

/* List register `n`, filled by flush_lrs(), read back into its interrupt and emptied. An
 * interrupt the guest acknowledged meanwhile goes to `acked` (*nr_acked counts); one still
 * active in it is noted in `held`. `split`: EOImode 1 (ICH_VMCR_EL2.VEOIM). */
static inline __attribute__((always_inline)) void
fold_lr(struct vgic_locked l, struct vcpu *vcpu, unsigned n, bool split, struct vgic_irq **acked,
	unsigned *nr_acked, struct intid_set *held)
{
	struct hal_vcpu_ctx *ctx = &vcpu->ctx;
	uint64_t lr = hal_vgic_lr_read(ctx, n);
	uint32_t n_intid;
	unsigned was, now;
	struct vgic_irq *irq;

	hal_vgic_lr_write(ctx, n, 0);
	n_intid = (uint32_t)(lr & ICH_LR_VINTID_MASK);
	/* A private one (SGIs, the timer's PPI: the usual) without vgic_irq()'s call. */
	irq = n_intid < VGIC_NR_PRIVATE ? &vcpu->vgic.private_irqs[n_intid]
					: vgic_irq(l, vcpu, n_intid);
	if (!irq)
		return;
	/* Only fill() writes list registers, and it records where each interrupt went. */
	CHECK(irq->lr == (int8_t)n);
	was = irq->lr_state;
	now = (unsigned)(lr >> ICH_LR_STATE_SHIFT) & LR_STATE_MASK;
	if (!(was & ICH_LR_STATE_ACTIVE) && (now & ICH_LR_STATE_ACTIVE)) {
		/* Acknowledged: its EOI will drop the priority it was taken at. */
		irq->active_priority = (uint8_t)(lr >> ICH_LR_PRIORITY_SHIFT);
		acked[(*nr_acked)++] = irq;
	} else if ((was & ICH_LR_STATE_ACTIVE) && !(now & ICH_LR_STATE_ACTIVE) && !split) {
		running_drop(&vcpu->vgic, irq->intid); /* EOId */
	}
	if (now & ICH_LR_STATE_ACTIVE)
		set_add(held, irq->intid);
	/* A register write from another pCPU meanwhile is newer than the list register. */
	if (!(irq->lr_stale & VGIC_STALE_ACTIVE))
		irq->active = now & ICH_LR_STATE_ACTIVE;
	/* HW=1 and now inactive: the guest's deactivation ended the physical one too. */
	if ((lr & ICH_LR_HW) && irq->hw && !now)
		irq->hw = false;
	/* Still pending: not acknowledged yet, so the latch it took is still owed. */
	if ((now & ICH_LR_STATE_PENDING) && irq->latch_in_lr &&
	    !(irq->lr_stale & VGIC_STALE_PENDING))
		irq->pending_latch = true;
	irq->latch_in_lr = false;
	irq->lr = -1;
	irq->lr_state = 0;
	irq->lr_stale = 0;
	if (!irq->active && !vgic_irq_pending(irq) && irq->target == vcpu) {
		/* Taken and ended, the usual fold: out of this vCPU's interesting set (as
		 * vgic_mark() would: nothing to kick), and an SPI follows its route again. */
		__atomic_fetch_and(&vcpu->vgic.interesting[irq->intid / 64], ~BIT(irq->intid % 64),
				   __ATOMIC_RELAXED);
	} else {
		vgic_mark(l, irq);
	}
	if (irq->intid >= VGIC_NR_PRIVATE)
		vgic_settle_route(l, irq);
}

/* The slow path of vgic_fold(), kept out of line so that an exit with nothing in flight does
 * not pay for its stack frame. */
static __attribute__((noinline)) void fold_lrs(struct vcpu *vcpu)
{
	struct hal_vcpu_ctx *ctx = &vcpu->ctx;
	struct vgic_cpu *c = &vcpu->vgic;
	struct vgic_irq *acked[HAL_VGIC_MAX_LRS];
	struct intid_set held = {0};
	unsigned nr_acked = 0, eoicount;
	uint64_t hcr;
	bool split;
	struct vgic_locked l;

	/* The list registers read are this pCPU's: they must be this vCPU's. */
	CHECK(vcpu_loaded_here(vcpu));
	split = hal_vgic_vmcr(ctx) & ICH_VMCR_VEOIM;
	hcr = hal_vgic_hcr_read(ctx);
	eoicount = (unsigned)((hcr >> ICH_HCR_EOICOUNT_SHIFT) & ICH_HCR_EOICOUNT_MASK);
	l = vgic_lock_inline(vcpu->vm);
	if (c->lr_used == 1 && !c->nr_running && !eoicount && !split) {
		/* What flush_single() filled, the usual case: one list register, no EOI outside
		 * the list registers, nothing running before. The general walk, push and
		 * retirement below would do just this. */
		fold_lr(l, vcpu, 0, false, acked, &nr_acked, &held);
		if (nr_acked)
			running_push(c, acked[0]->intid);
	} else {
		/* Only the list registers flush_lrs() filled (bits below nr_lrs), lowest first. */
		for (unsigned used = c->lr_used; used; used &= used - 1)
			fold_lr(l, vcpu, (unsigned)__builtin_ctz(used), split, acked, &nr_acked,
				&held);
		if (split) {
			/* Deactivations trap while anything is spilled (vgic_emulate_dir());
			 * EOIcount then counts nothing we need (QEMU also counts priority drops
			 * in it). The running priorities are not followed: their drops do not
			 * show. */
			c->nr_running = 0;
		} else {
			/* First, so that an older entry of an INTID acknowledged again is not the
			 * one taken for the instance in the list register. */
			push_acked(c, acked, nr_acked);
			retire_eois(l, vcpu, eoicount, &held);
		}
	}
	c->lr_used = 0;
	c->prefilled = false; /* what vgic_wake_flush() filled is software state again */
	/* Maintenance enables armed by the flush must not outlive this exit. */
	if (hcr != ICH_HCR_EN)
		hal_vgic_hcr_write(ctx, ICH_HCR_EN);
	/* Running priorities outside the list registers: an EOI may count without an entry
	 * having written anything. */
	c->fold_pending = c->nr_running != 0;
	vgic_unlock_inline(&l);
}

void vgic_fold(struct vcpu *vcpu)
{
	/* Nothing to read back unless vgic_flush() wrote the list registers or ICH_HCR_EL2 (a
	 * maintenance enable it armed must not outlive this exit), or an EOI may have counted. */
	if (vcpu->vgic.fold_pending)
		fold_lrs(vcpu);
}

/* --- flush ------------------------------------------------------------------------------- */

/* Higher priority first (lower value), then lower INTID: the GIC's own tie-break. */
static bool before(const struct vgic_irq *a, const struct vgic_irq *b)
{
	return a->priority != b->priority ? a->priority < b->priority : a->intid < b->intid;
}

/* Pending as far as the guest may see it: enabled, and its group enabled. */
static bool deliverable(struct vgic_locked l, const struct vgic_irq *irq)
{
	return vgic_irq_pending(irq) && irq->enabled && vgic_group_enabled(&l.vm->vgic, irq);
}

/* The list register for `irq` in `state`. `eoi`: a maintenance interrupt when the guest
 * deactivates it, which a level input needs anyway (to re-sample the line at once). */
static inline __attribute__((always_inline)) uint64_t lr_value(struct vgic_irq *irq, unsigned state,
							       bool eoi)
{
	/* An active interrupt keeps the priority it was taken at, or its EOI would not match. */
	uint8_t prio = irq->active ? irq->active_priority : irq->priority;
	uint64_t lr = irq->intid | (uint64_t)prio << ICH_LR_PRIORITY_SHIFT |
		      (uint64_t)state << ICH_LR_STATE_SHIFT;

	if (irq->group)
		lr |= ICH_LR_GROUP;
	if (irq->hw)
		lr |= ICH_LR_HW | (uint64_t)(irq->hw_intid & ICH_LR_PINTID_MASK)
				      << ICH_LR_PINTID_SHIFT;
	else if (eoi || !irq->edge)
		lr |= ICH_LR_EOI;
	return lr;
}

/* This vCPU's candidates for the list registers, best first: active, or deliverable and of a
 * group the guest has on at its CPU interface (the other group's wait with VGrp<n>EIE armed
 * in *hcr, so they neither take a list register the guest could use nor wait for an
 * unrelated exit once it switches the group on). Returns how many. */
static unsigned candidates(struct vgic_locked l, struct vcpu *vcpu, uint64_t vmcr,
			   struct vgic_irq **cand, uint64_t *hcr)
{
	unsigned n = 0;

	for (unsigned w = 0; w < ARRAY_SIZE(vcpu->vgic.interesting); w++) {
		uint64_t bits = vcpu->vgic.interesting[w];

		while (bits) {
			unsigned intid = w * 64 + (unsigned)__builtin_ctzll(bits);
			struct vgic_irq *irq = vgic_irq(l, vcpu, intid);
			unsigned i;

			bits &= bits - 1;
			if (!irq || !(irq->active || deliverable(l, irq)))
				continue;
			if (!irq->active &&
			    !(vmcr & (irq->group ? ICH_VMCR_VENG1 : ICH_VMCR_VENG0))) {
				*hcr |= irq->group ? ICH_HCR_VGRP1EIE : ICH_HCR_VGRP0EIE;
				continue;
			}
			/* Insertion sort: a handful of candidates at a time in practice. */
			for (i = n; i > 0 && before(irq, cand[i - 1]); i--)
				cand[i] = cand[i - 1];
			cand[i] = irq;
			n++;
		}
	}
	return n;
}

/* The best `placed` of the `n` candidates go in, and the highest-priority pending one always
 * does, even below active ones: an active interrupt need not hold the running priority
 * (ISACTIVER, or priority dropped with EOImode 1), so the guest may be able to take it now.
 * The active one it displaces is spilled like any other. */
static void reserve_pending(struct vgic_irq **cand, unsigned n, unsigned placed)
{
	unsigned first = 0;

	while (first < n && cand[first]->active)
		first++;
	if (first >= placed && first < n) {
		struct vgic_irq *t = cand[placed - 1];

		cand[placed - 1] = cand[first];
		cand[first] = t;
	}
}

/* The general case of flush_lrs(): every candidate ranked, the best in the list registers, the
 * rest spilled or waiting with a maintenance interrupt armed. */
static __attribute__((noinline)) void flush_ranked(struct vgic_locked l, struct vcpu *vcpu)
{
	struct vgic_irq *cand[VGIC_MAX_INTID];
	uint64_t lrs[HAL_VGIC_MAX_LRS];
	struct vgic_cpu *c = &vcpu->vgic;
	unsigned n, placed, shown = 0, waiting = 0; /* groups (bit n: Group n) pending */
	uint64_t hcr = ICH_HCR_EN, vmcr = hal_vgic_vmcr(&vcpu->ctx);

	n = candidates(l, vcpu, vmcr, cand, &hcr);
	placed = MIN(n, (unsigned)c->nr_lrs);
	if (n > placed)
		reserve_pending(cand, n, placed);
	for (unsigned i = placed; i < n; i++) {
		struct vgic_irq *irq = cand[i];

		if (irq->active && !irq->spilled) {
			irq->spilled = true;
			c->nr_spilled++;
		}
		if (!irq->active)
			waiting |= BIT(irq->group);
	}
	for (unsigned i = 0; i < placed; i++) {
		struct vgic_irq *irq = cand[i];
		/* While some wait outside, an active interrupt's pending state stays out too:
		 * once the guest deactivated it, it would be presented ahead of them whatever
		 * its priority, and "no pending" would not fire. The deactivation exits instead
		 * (EOI maintenance; HW=1 has none, so there it waits for the next exit) and the
		 * next entry ranks them all. */
		bool held_back = irq->active && waiting;
		bool pending = deliverable(l, irq) && !held_back;
		unsigned state =
		    (pending ? ICH_LR_STATE_PENDING : 0) | (irq->active ? ICH_LR_STATE_ACTIVE : 0);

		if (irq->spilled) {
			CHECK(c->nr_spilled > 0);
			irq->spilled = false;
			c->nr_spilled--;
		}
		lrs[i] = lr_value(irq, state, held_back && deliverable(l, irq));
		if (pending)
			shown |= BIT(irq->group);
		irq->lr = (int8_t)i;
		irq->lr_state = (uint8_t)state;
		/* Only a pending state the guest can see moves into the list register. */
		irq->latch_in_lr = pending && irq->pending_latch;
		if (pending)
			irq->pending_latch = false;
		c->lr_used |= (uint16_t)BIT(i);
	}
	/* A pending one waits only behind a pending one that went in: come back once the guest
	 * has taken what is there, or has switched off the group of what is there while one of
	 * the other group waits (ICC_IGRPEN<n>_EL1 does not trap; the list register stays
	 * pending, so "no pending" would not fire). The group is on now, so neither fires at
	 * entry. (QEMU's source tests VENG1 for VGrp0DIE: there it fires when the guest switches
	 * Group 1 off instead, which the waiting Group 1 interrupt keeps from being so now.) */
	if (waiting)
		hcr |= ICH_HCR_NPIE;
	if ((shown & BIT(0)) && (waiting & BIT(1)))
		hcr |= ICH_HCR_VGRP0DIE;
	if ((shown & BIT(1)) && (waiting & BIT(0)))
		hcr |= ICH_HCR_VGRP1DIE;
	if (c->nr_spilled)
		hcr |= ICH_HCR_TDIR; /* which one a deactivation is for: see vgic_emulate_dir() */
	/* EOImode 0: an EOI of a spilled interrupt (or of one ICACTIVER ended) matches no list
	 * register; the EOIcount it leaves brings us back to retire it. */
	if (!(vmcr & ICH_VMCR_VEOIM) && (c->nr_spilled || c->nr_running))
		hcr |= ICH_HCR_LRENPIE;
	for (unsigned i = 0; i < placed; i++)
		hal_vgic_lr_write(&vcpu->ctx, i, lrs[i]);
	hal_vgic_hcr_write(&vcpu->ctx, hcr);
	if (placed || hcr != ICH_HCR_EN)
		c->fold_pending = true;
}

/* The one interesting INTID of `c` (pending or active), or -1 if there are none or several. */
static inline __attribute__((always_inline)) int only_interesting(const struct vgic_cpu *c)
{
	uint64_t w0 = c->interesting[0], w1 = c->interesting[1];

	_Static_assert(ARRAY_SIZE(c->interesting) == 2, "two words of interesting INTIDs");
	if (w0 && !w1 && !(w0 & (w0 - 1)))
		return __builtin_ctzll(w0);
	if (w1 && !w0 && !(w1 & (w1 - 1)))
		return 64 + __builtin_ctzll(w1);
	return -1;
}

/* The usual entry with something to show: one interrupt (an SGI, the timer's PPI), nothing
 * spilled, no running priority outside the list registers and ICH_HCR_EL2 as the last fold
 * left it (En alone). flush_ranked() would give it list register 0 and arm no maintenance
 * interrupt; flush_single() does the same without the ranking. This is that interrupt, or
 * NULL: not that case. */
static inline __attribute__((always_inline)) struct vgic_irq *single_candidate(struct vgic_locked l,
									       struct vcpu *vcpu)
{
	struct vgic_cpu *c = &vcpu->vgic;
	int intid = only_interesting(c);
	struct vgic_irq *irq;

	if (intid < 0 || c->nr_spilled || c->nr_running || c->fold_pending)
		return NULL;
	irq =
	    intid < VGIC_NR_PRIVATE ? &c->private_irqs[intid] : vgic_irq(l, vcpu, (uint32_t)intid);
	return irq && !irq->spilled ? irq : NULL;
}

/* `irq`, single_candidate()'s, into list register 0; `pending`: deliverable(). */
static inline __attribute__((always_inline)) void place_single(struct vcpu *vcpu,
							       struct vgic_irq *irq, bool pending)
{
	struct vgic_cpu *c = &vcpu->vgic;
	unsigned state =
	    (pending ? ICH_LR_STATE_PENDING : 0) | (irq->active ? ICH_LR_STATE_ACTIVE : 0);

	hal_vgic_lr_write(&vcpu->ctx, 0, lr_value(irq, state, false));
	irq->lr = 0;
	irq->lr_state = (uint8_t)state;
	irq->latch_in_lr = pending && irq->pending_latch;
	if (pending)
		irq->pending_latch = false;
	c->lr_used = 1;
	c->fold_pending = true;
}

/* The single interrupt into list register 0 (see single_candidate()). False: not that case. */
static inline __attribute__((always_inline)) bool flush_single(struct vgic_locked l,
							       struct vcpu *vcpu)
{
	struct vgic_irq *irq = single_candidate(l, vcpu);
	bool pending;

	if (!irq)
		return false;
	pending = deliverable(l, irq);
	/* Neither active nor deliverable: no list register; one of a group the guest has off at
	 * its CPU interface waits with a maintenance interrupt armed: flush_ranked(). */
	if (!irq->active && (!pending || !(hal_vgic_vmcr(&vcpu->ctx) &
					   (irq->group ? ICH_VMCR_VENG1 : ICH_VMCR_VENG0))))
		return false;
	place_single(vcpu, irq, pending);
	return true;
}

bool vgic_wake_flush(struct vcpu *vcpu)
{
	struct vgic_cpu *c = &vcpu->vgic;
	struct vgic_locked l;
	struct vgic_irq *irq;
	uint64_t vmcr;
	bool wake;

	if (vgic_nothing_interesting(vcpu))
		return false;
	CHECK(vcpu_loaded_here(vcpu)); /* its CPU interface and list registers are this pCPU's */
	/* Woken before and not entered since (the scheduler runs it after a wake-up, so only a
	 * caller that asks twice gets here): what was filled is software state again first. */
	if (c->prefilled)
		fold_lrs(vcpu);
	vmcr = hal_vgic_vmcr(&vcpu->ctx);
	l = vgic_lock_inline(vcpu->vm);
	if (c->hw_owed)
		vgic_settle_owed_here(l, vcpu);
	irq = single_candidate(l, vcpu);
	if (irq) {
		/* The usual wake-up, one interrupt: vgic_wake_test()'s question for it alone, and
		 * when it wakes the vCPU it goes where flush_single() would put it. */
		wake = deliverable(l, irq) &&
		       (vmcr & (irq->group ? ICH_VMCR_VENG1 : ICH_VMCR_VENG0)) &&
		       irq->priority < ((vmcr >> ICH_VMCR_VPMR_SHIFT) & ICH_VMCR_VPMR_MASK);
		if (wake)
			place_single(vcpu, irq, true);
	} else {
		wake = vgic_wake_test(l, vcpu, vmcr);
		if (wake && !flush_single(l, vcpu))
			flush_ranked(l, vcpu);
	}
	if (wake) {
		c->prefilled = true;
		__atomic_store_n(&c->prefill_stale, false, __ATOMIC_RELAXED);
	}
	vgic_unlock_inline(&l);
	return wake;
}

/* The slow path of vgic_flush(), out of line like fold_lrs(). */
static __attribute__((noinline)) void flush_lrs(struct vcpu *vcpu)
{
	struct vgic_locked l;

	CHECK(vcpu_loaded_here(vcpu));
	if (vcpu->vgic.prefilled) {
		/* Filled at its wake-up, and an interrupt of its changed since (vgic_flush()):
		 * back to software, and filled again. */
		vcpu->vgic.prefilled = false;
		fold_lrs(vcpu);
	}
	l = vgic_lock_inline(vcpu->vm);
	if (!flush_single(l, vcpu))
		flush_ranked(l, vcpu);
	vgic_unlock_inline(&l);
}

void vgic_flush(struct vcpu *vcpu)
{
	/* Unlocked look: a bit another pCPU sets meanwhile comes with a kick, whose IRQ exit
	 * brings this vCPU back here before it runs on. */
	if (!(__atomic_load_n(&vcpu->vgic.interesting[0], __ATOMIC_RELAXED) |
	      __atomic_load_n(&vcpu->vgic.interesting[1], __ATOMIC_RELAXED)))
		return;
	/* Filled at its wake-up (vgic_wake_flush()): they stand unless an interrupt of its
	 * changed since. (An exit would have folded them: only the entry right after the
	 * wake-up finds them.) */
	if (vcpu->vgic.prefilled && !__atomic_load_n(&vcpu->vgic.prefill_stale, __ATOMIC_RELAXED)) {
		vcpu->vgic.prefilled = false;
		return;
	}
	flush_lrs(vcpu);
}

/* --- trapped deactivation ---------------------------------------------------------------- */

void vgic_emulate_dir(struct vcpu *vcpu, uint64_t val)
{
	struct vgic_locked l = vgic_lock(vcpu->vm);
	/* The special INTIDs (1020-1023) name nothing and are ignored, as by the hardware. */
	struct vgic_irq *irq = vgic_irq(l, vcpu, (uint32_t)(val & ICC_INTID_MASK));

	/* An SPI another vCPU acknowledged is in none of this one's list registers: the CPU
	 * interface would find nothing to deactivate. */
	if (irq && irq->active && irq->target == vcpu)
		vgic_set_active(l, irq, false);
	vgic_unlock(&l);
}

// SPDX-License-Identifier: MIT
/* What ends a running vCPU's turn early on its pCPU: wake-up preemption when a vCPU becomes
 * pending, kicks and messages from other pCPUs, the EL2 timer (slice end, minimum run time,
 * spin checks), yields. Choosing and running turns is core/sched.c; the rules and their
 * reasons: docs/scheduling.md. */
#include <core/arch.h>
#include <core/cpu_msg.h>
#include <core/lib.h>
#include <core/sched.h>
#include <core/vm.h>
#include <hal/cpu.h>
#include <hal/time.h>

#include "sched_internal.h"
#include "sched_share.h"

/* Ask the running vCPU to leave at its next exit; the first reason given is the one counted. */
static void end_turn(struct sched_queue *q, enum sched_end why)
{
	if (!q->yield)
		q->why = why;
	q->yield = true;
}

/* A guest kernel masks IRQs around its critical sections (spin_lock_irqsave, interrupt
 * handlers): switching it out then would likely leave a lock held that its siblings spin on. */
static bool in_critical_section(const struct vcpu *v)
{
	return v->ctx.pstate & PSTATE_I;
}

/* Whether `v`, runnable and waiting for the pCPU, should run before the round robin's choice.
 * A vCPU that used up its last slice has had its share: it waits for its turn, unless a
 * sibling signals it (a kernel sending an IPI usually waits for the answer). */
static bool deserves_boost(const struct vcpu *v, bool by_sibling)
{
	enum sched_end last = v->sched.last_end;

	return v->state == VCPU_BLOCKED || (last != SCHED_END_SLICE && last != SCHED_END_SPIN) ||
	       by_sibling;
}

/* `target`, a vCPU here of another VM than the running one's, has just become pending:
 * whether it may end the running turn, which it may only within its VM's share
 * (core/sched_share.h). If not, it waits for its VM's turn: the running VM's turn ends at the
 * end of its slice at the latest, even if nobody else wanted the pCPU when it began. */
static bool share_allows_preempt(struct sched_queue *q, struct vcpu *target)
{
	uint64_t end;

	if (target->vm == q->current->vm ||
	    sched_share_may_preempt(&q->share, target->vm, q->current->vm,
				    hal_counter_now() - q->turn_start))
		return true;
	end = q->turn_start + sched_share_turn_left(&q->share, q->slice_ticks);
	if (end < q->timer_at)
		sched_arm_at(q, end);
	return false;
}

/* Wake-up preemption: `target` waits on this pCPU and has just become pending (`alone`: the
 * first kick since the choice). */
static void wake_preempt(struct sched_queue *q, struct vcpu *target, bool alone)
{
	const struct vcpu *by = q->in_irq ? NULL : q->current;
	bool sibling = by && by->vm == target->vm;
	uint64_t min_end;

	target->sched.stats
	    .woken_by[sibling && by->id < SCHED_WAKERS_VCPUS ? by->id : SCHED_WAKER_OTHER]++;
	if (sched_plain_rr) {
		end_turn(q, SCHED_END_WAKE);
		return;
	}
	if (!deserves_boost(target, sibling))
		return;
	sched_boost(target);
	if (!q->current) {
		end_turn(q, SCHED_END_WAKE); /* idle: nothing to preempt */
		return;
	}
	if (sibling) {
		/* The running vCPU signalled its sibling itself, and usually waits for the answer,
		 * which needs the target on this pCPU: hand over at this exit, or, if it masks
		 * IRQs (likely holding a lock the target will want), at its first exit with IRQs
		 * unmasked, at the latest after the minimum run time. */
		if (!in_critical_section(q->current)) {
			end_turn(q, SCHED_END_WAKE);
			/* The only kick since the choice: the next turn may go to it without one. */
			if (alone && target->state == VCPU_BLOCKED)
				q->direct = target;
			return;
		}
		q->handover = true;
		min_end = hal_counter_now() + sched_us_to_ticks(SCHED_MIN_RUN_US);
	} else {
		/* A vCPU of another VM preempts only within its VM's share (core/sched_share.h);
		 * else it runs at its VM's next turn. */
		if (!share_allows_preempt(q, target))
			return;
		/* Anything else (a device, a timer, another VM) waits until the running vCPU has
		 * had its minimum run time, so interrupt storms cannot make the pCPU thrash. */
		min_end = q->turn_start + sched_us_to_ticks(SCHED_MIN_RUN_US);
		if (hal_counter_now() >= min_end) {
			end_turn(q, SCHED_END_WAKE);
			return;
		}
	}
	if (min_end < q->timer_at) {
		sched_arm_at(q, min_end);
		q->wake_timer = true;
	}
}

void sched_timer_interrupt(void)
{
	struct sched_queue *q = sched_active[hal_cpu_id()];
	uint64_t now;
	bool checked;

	hal_hyp_timer_cancel(); /* a level: quiet until re-armed for the next slice */
	if (!q)
		return;
	now = hal_counter_now();
	checked = now >= q->check_at;
	/* Rule 6: a vCPU that spins while a sibling waits for the pCPU gives it up, masked IRQs
	 * or not (it holds nothing its siblings wait for: it waits for them). */
	if (checked) {
		/* Late: the guest was entered with the check already due (an exit or a switch
		 * took longer than the interval), so it may not have run at all. */
		bool on_time = now - q->check_at <= q->spin.interval / 2;

		if (q->current && sched_spin_check(&q->spin, &q->current->ctx,
						   q->current->stats.exits, on_time)) {
			end_turn(q, SCHED_END_SPIN); /* CNTHP re-armed as the turn ends */
			return;
		}
		q->check_at = now + q->spin.interval;
	}
	if (checked && now < q->timer_at) {
		sched_arm_hw(q); /* only a check was due */
		return;
	}
	q->timer_at = UINT64_MAX;
	/* Not inside a critical section: a vCPU switched out holding a spinlock makes its siblings
	 * spin for whole slices. Look again shortly, for a while (spinners mask IRQs too). */
	if (q->current && in_critical_section(q->current) && !sched_plain_rr) {
		bool wake = q->wake_timer;

		if (!q->grace_since)
			q->grace_since = now;
		if (now - q->grace_since < sched_us_to_ticks(SCHED_GRACE_MAX_US)) {
			sched_arm_at(q, now + sched_us_to_ticks(SCHED_GRACE_STEP_US));
			q->wake_timer = wake;
			return;
		}
	}
	/* For a wake-up preemption (the minimum run time ran out), or the slice's end. */
	end_turn(q, q->wake_timer ? SCHED_END_WAKE : SCHED_END_SLICE);
	q->wake_timer = false;
	q->grace_since = 0;
}

/* A kick or message came: no direct hand-over (q->direct, sched_switch_to()). */
static void mark_kicked(struct sched_queue *q)
{
	__atomic_store_n(&q->kicked, true, __ATOMIC_RELEASE);
	q->direct = NULL;
}

void sched_clear_kicked(struct vcpu *vcpu)
{
	__atomic_store_n(&vcpu->sched.kicked, false, __ATOMIC_SEQ_CST);
}

/* Whether a kick may give `v` the pCPU: it waits for it, or waits in WFI. */
static bool kickable(const struct vcpu *v)
{
	enum vcpu_state state = v->state;

	return state == VCPU_RUNNABLE || state == VCPU_BLOCKED;
}

void sched_kick(struct vcpu *target)
{
	unsigned here = hal_cpu_id();
	struct sched_queue *q = sched_active[here];

	/* The interrupt state changed before the kick: pick() asks the vGIC after seeing this. */
	__atomic_store_n(&target->sched.kicked, true, __ATOMIC_SEQ_CST);

	if (target->pcpu == here) {
		bool alone = q && !__atomic_load_n(&q->kicked, __ATOMIC_RELAXED);

		if (q)
			mark_kicked(q);
		if (q && kickable(target))
			wake_preempt(q, target, alone);
		return;
	}
	/* Even to a running target: its pCPU must leave the guest for the next entry to take
	 * the new interrupt into the list registers. Its pCPU decides the rest, from the
	 * target's state as it is there (sched_kick_interrupt()). */
	cpu_msg_send(target->pcpu, CPU_MSG_KICK, target);
}

void sched_physical_irq(bool handling)
{
	struct sched_queue *q = sched_active[hal_cpu_id()];

	if (q)
		q->in_irq = handling;
}

void sched_kick_interrupt(struct vcpu *target)
{
	struct sched_queue *q = sched_active[hal_cpu_id()];

	if (q)
		mark_kicked(q);
	if (!q || !q->current)
		return; /* idle: the loop looks at every vCPU after the interrupt anyway */
	/* The running vCPU takes the new interrupt at its next entry: the exit was enough. A
	 * vCPU of another VM waits for its VM's turn unless it is owed the pCPU. */
	if (target != q->current && kickable(target) && share_allows_preempt(q, target))
		end_turn(q, SCHED_END_OTHER);
}

void sched_manage_interrupt(void)
{
	struct sched_queue *q = sched_active[hal_cpu_id()];

	if (q)
		mark_kicked(q);
	/* The manager runs between turns: the running one ends at its next exit. */
	if (q && q->current)
		end_turn(q, SCHED_END_OTHER);
}

void sched_start_interrupt(void)
{
	struct sched_queue *q = sched_active[hal_cpu_id()];

	if (q)
		mark_kicked(q);
	/* Joining vCPUs are taken in between turns: a vCPU alone on the pCPU has no slice end
	 * and might not leave the guest for a long time (or, busy, ever). */
	if (q && q->current)
		end_turn(q, SCHED_END_OTHER);
}

void sched_kick_vm_stopped(struct vm *vm)
{
	struct sched_queue *q = sched_active[hal_cpu_id()];

	if (q)
		mark_kicked(q);
	/* vcpu_run_slice() would see it at the next exit too; say why the turn ended. */
	if (q && q->current && q->current->vm == vm)
		end_turn(q, SCHED_END_OTHER);
}

bool sched_should_yield(void)
{
	struct sched_queue *q = sched_active[hal_cpu_id()];

	if (!q)
		return false;
	if (q->handover && q->current && !in_critical_section(q->current))
		end_turn(q, SCHED_END_WAKE);
	return q->yield;
}

void sched_end_turn(struct vcpu *vcpu)
{
	struct sched_queue *q = sched_active[hal_cpu_id()];

	if (!q || q->current != vcpu)
		return;
	/* Not a yield to a sibling: nothing boosts it back (run_turn()); and its VM's turn ends
	 * too, or the pCPU would only go to a sibling (core/sched_share.h). */
	end_turn(q, SCHED_END_OTHER);
	if (q->shared)
		q->share.turn_over = true;
}

bool sched_yield_to_sibling(struct vcpu *vcpu)
{
	struct sched_queue *q = sched_active[hal_cpu_id()];
	unsigned at = 0;

	if (!q || q->current != vcpu || sched_plain_rr)
		return false;
	while (at < q->count && q->vcpus[at] != vcpu)
		at++;
	/* The first sibling after `vcpu` that was switched out while it wanted to run: it may
	 * hold the lock `vcpu` spins on, or owe it an answer. */
	for (unsigned i = 1; i < q->count; i++) {
		struct vcpu *v = q->vcpus[(at + i) % q->count];

		if (v->vm == vcpu->vm && v->state == VCPU_RUNNABLE && v->sched.preempted) {
			sched_boost(v);
			end_turn(q, SCHED_END_YIELD);
			return true;
		}
	}
	return false;
}

// SPDX-License-Identifier: MIT
/* Turns given without the general choice (docs/scheduling.md, "Hand-overs without a choice"):
 * when the vCPU pick() would take next is known from what happened in the turn that just
 * ended, it runs at once, and pick()'s pass over the queue (every vCPU's state, VM, deadline
 * and kick) is skipped. Each case below is one in which pick() could only choose that vCPU,
 * leaving the queue as pick() would (q->runnable, q->earliest, the boosts, the cursor);
 * anything else falls back to pick(). */
#include <stdatomic.h>

#include <core/ffa.h>
#include <core/lib.h>
#include <core/sched.h>
#include <core/vgic.h>
#include <core/vm.h>
#include <hal/time.h>

#include "sched_internal.h"

/* Out of line: the test in sched_next_in_turn() is all that most turn ends pay. */
static __attribute__((noinline)) struct vcpu *switch_in_turn(struct sched_queue *q,
							     struct vcpu *from, struct vcpu *to)
{
	q->switch_to = NULL;
	/* `to` had its answer written in by the FF-A call (sched_switch_to()): it runs as if
	 * woken and chosen, in the turn that began at q->turn_start. */
	to->sched.boost = 0;
	to->sched.wfit_deadline = 0;
	to->sched.deadline = 0;
	to->sched.since = q->turn_start;
	to->sched.stats.direct++;
	to->ctx.trap_wfe = q->alive > 1; /* read as it is loaded */
	vcpu_set_state(to, VCPU_RUNNABLE);
	vcpu_switch(from, to);
	/* `from` is blocked in its call, and put: a response's sender waits for the next
	 * request, which its timer or an interrupt may end (pick() looks at it then); a request's
	 * sender waits for nothing but its answer. */
	from->sched.last_end = SCHED_END_BLOCK;
	from->sched.preempted = false;
	if (ffa_msg_interruptible(from))
		sched_note_blocked(q, from);
	q->current = to;
	sched_spin_start(&q->spin, q->check_ticks, q->check_max_ticks);
	return to;
}

/* `ran`, the only runnable vCPU at the last choice, has just sent an SGI to its blocked sibling
 * `to`, the only kick since (sched_kick() left it in q->direct), and its turn is ending for it:
 * `to` runs at once, in this turn, as pick() would choose it (woken by the kick, boosted
 * before `ran` is for ending its turn), and `ran` waits for it as if its turn had ended for a
 * sibling (boosted). Whatever fails a check ends the turn, and pick() chooses. */
static struct vcpu *sibling_forward(struct sched_queue *q, struct vcpu *ran, struct vcpu *to,
				    uint64_t now)
{
	if (q->runnable != 1 || q->alive < 2 || !q->yield || q->why != SCHED_END_WAKE ||
	    q->handover || ran->state != VCPU_RUNNING || !vm_running(ran->vm) ||
	    to->vm != ran->vm || !to->sched.deadline ||
	    (to->sched.deadline <= q->earliest && q->earliest != UINT64_MAX) ||
	    to->sched.ffa_wait || vcpu_state_remote(to) != VCPU_BLOCKED)
		return NULL;
	/* As pick() asks: if the vGIC says no, pick() would leave it blocked too. */
	q->direct = NULL;
	if (!__atomic_exchange_n(&to->sched.kicked, false, __ATOMIC_SEQ_CST) ||
	    !vgic_wants_wakeup(to))
		return NULL;
	q->yield = false;
	__atomic_store_n(&q->kicked, false, __ATOMIC_RELAXED); /* as pick() leaves it */
	/* `to` is woken and chosen; it runs in the turn that began at q->turn_start. */
	to->sched.wfit_deadline = 0;
	to->sched.deadline = 0;
	to->sched.boost = 0;
	to->sched.since = q->turn_start;
	to->sched.stats.direct++;
	to->ctx.trap_wfe = true; /* read as it is loaded; q->alive > 1 */
	vcpu_set_state(to, VCPU_RUNNABLE);
	/* `ran` is left as a turn ended for a sibling leaves it: boosted, waiting from now. */
	ran->sched.last_end = SCHED_END_WAKE;
	ran->sched.preempted = true;
	sched_boost(ran);
	ran->sched.since = now;
	ran->sched.waiting = true;
	q->runnable = 2;
	q->back = ran;
	q->current = to;
	vcpu_switch(ran, to);
	/* Someone waits now: the slice runs (from the first such switch of the turn), and rule 6
	 * looks at `to` as at any vCPU with a sibling waiting. */
	sched_spin_start(&q->spin, q->check_ticks, q->check_max_ticks);
	q->check_at = now + q->check_ticks;
	sched_arm_at(q, MIN(q->timer_at, now + q->slice_ticks));
	return to;
}

/* `ran`, run by sibling_forward(), has blocked again (its answer sent, WFI): with nothing kicked
 * since and the turn not ending, `back` is the only runnable vCPU, boosted, and pick() would
 * choose it, cursor unmoved: it runs on in this turn. */
static struct vcpu *sibling_back(struct sched_queue *q, struct vcpu *ran, struct vcpu *back,
				 uint64_t now)
{
	uint64_t timer_at = q->timer_at;

	if (q->runnable != 2 || q->yield || ran->state != VCPU_BLOCKED || ran->sched.ffa_wait ||
	    !vm_alive(ran->vm) || __atomic_load_n(&q->kicked, __ATOMIC_ACQUIRE) ||
	    !back->sched.boost || vcpu_state_remote(back) != VCPU_RUNNABLE || !vm_alive(back->vm))
		return NULL;
	back->sched.boost = 0;
	back->sched.waiting = false;
	back->sched.stolen += now - back->sched.since;
	back->sched.since = q->turn_start;
	back->sched.stats.direct++;
	ran->sched.last_end = SCHED_END_BLOCK;
	ran->sched.preempted = false;
	q->runnable = 1;
	q->current = back;
	vcpu_switch(ran, back);
	/* Nobody waits: no spin checks. `ran`'s deadline (its timers are put now) counts in
	 * q->earliest and CNTHP from here on, as at the end of a turn. */
	q->check_at = UINT64_MAX;
	sched_note_blocked(q, ran);
	if (q->timer_at == timer_at)
		sched_arm_hw(q);
	return back;
}

/* Out of line: most turn ends pay only sched_next_in_turn()'s tests. */
static __attribute__((noinline)) struct vcpu *sibling_in_turn(struct sched_queue *q,
							      struct vcpu *ran)
{
	struct vcpu *to = q->direct, *back = q->back;
	uint64_t now;

	q->back = NULL;
	/* Several VMs' shares make the choice start with the VM (core/sched_share.h); joining
	 * VMs and the manager are seen to between turns. */
	if (sched_plain_rr || q->shared || q->mixed || atomic_load(&q->joining_count) ||
	    sched_manager_waits_here())
		return NULL;
	now = hal_counter_now();
	if (now >= q->earliest) /* a blocked vCPU's time has come: pick() wakes it */
		return NULL;
	if (to)
		return sibling_forward(q, ran, to, now);
	return sibling_back(q, ran, back, now);
}

struct vcpu *sched_next_in_turn(struct vcpu *from)
{
	struct sched_queue *q = sched_active[hal_cpu_id()];

	if (!q)
		return NULL;
	if (q->switch_to)
		return switch_in_turn(q, from, q->switch_to);
	if (q->direct || q->back)
		return sibling_in_turn(q, from);
	return NULL;
}

// SPDX-License-Identifier: MIT
/* The idle side of a run queue (docs/scheduling.md, "A vCPU alone on its pCPU"): the work the
 * exits left over, and the pCPU whose only vCPU is parked (blocked, still loaded): it sleeps
 * until that vCPU's interrupt or deadline and runs it again at once, without the run loop's
 * general pass (joining, stopped VMs, pick()). With one vCPU per pCPU (hv.pcpus, 1:1
 * placements) that pass is all the scheduling there is, twice per wake-up: an SGI between vCPUs
 * on two pCPUs paid for it on the target's (docs/trap-path.md). */
#include <stdatomic.h>

#include <core/console.h>
#include <core/ffa.h>
#include <core/irq.h>
#include <core/lib.h>
#include <core/sched.h>
#include <core/vgic.h>
#include <core/vm.h>
#include <hal/cpu.h>
#include <hal/time.h>

#include "sched_internal.h"

bool sched_idle_work(const struct sched_queue *q)
{
	bool any = console_has_buffered(); /* unlocked: this runs at every idle pass */

	console_drain(CONSOLE_EXIT_BYTES);
	for (unsigned i = 0; i < q->count; i++) {
		struct vm *vm = q->vcpus[i]->vm;

		if (vm_alive(vm) && vm_has_deferred(vm)) {
			vm_resume_deferred(vm);
			any = true;
		}
	}
	return any;
}

/* Whether the general pass has something to do that this loop does not: vCPUs join, a VM
 * stopped or the VM manager waits. */
static bool general_pass_due(const struct sched_queue *q, _Atomic bool *manage_wanted)
{
	return atomic_load_explicit(&q->joining_count, memory_order_acquire) ||
	       (manage_wanted && atomic_load(manage_wanted)) || sched_queue_stops_moved(q);
}

/* Whether `v`, parked, is to run now, deciding exactly as pick() would for a queue that holds
 * it alone: its deadline has come, or a kick came and the vGIC has something it can take (and
 * then its list registers are filled already, under the same lock: vgic_wake_flush()). */
static bool parked_wakes(struct vcpu *v, uint64_t now)
{
	if (now >= v->sched.deadline) {
		v->sched.stats.woken_by[SCHED_WAKER_TIMER]++;
		return true;
	}
	return __atomic_load_n(&v->sched.kicked, __ATOMIC_RELAXED) &&
	       __atomic_exchange_n(&v->sched.kicked, false, __ATOMIC_SEQ_CST) && vgic_wake_flush(v);
}

/* The same for `v` parked in an FF-A call (core/ffa_msg.c), as pick()'s ffa_wait_over() decides:
 * its answer returns the call (written into its x0-x7 now); a wait for messages also ends on
 * its deadline or an interrupt the vGIC has for it (FFA_ERROR INTERRUPTED); a request's
 * sender waits for its answer only. Across pCPUs each side of a direct message is such a
 * vCPU, alone and parked on its pCPU between the two kicks of every round trip. */
static bool parked_ffa_wakes(struct vcpu *v, uint64_t now)
{
	if (ffa_msg_resume(v, false))
		return true;
	if (!ffa_msg_interruptible(v))
		return false;
	if (now < v->sched.deadline &&
	    !(__atomic_load_n(&v->sched.kicked, __ATOMIC_RELAXED) &&
	      __atomic_exchange_n(&v->sched.kicked, false, __ATOMIC_SEQ_CST) &&
	      vgic_wants_wakeup(v)))
		return false;
	return ffa_msg_resume(v, true);
}

/* When `v`, parked, runs next at the latest (UINT64_MAX: a request's sender has none). */
static uint64_t parked_deadline(const struct vcpu *v)
{
	return v->sched.deadline ? v->sched.deadline : UINT64_MAX;
}

/* sched_arm() for the parked vCPU's wait and turn: CNTHP is programmed only when it changes.
 * Off and staying off (no deadline, no slice end, no spin check) is the usual case with one
 * vCPU per pCPU, before the sleep and again after it: with both of the queue's times unset,
 * CNTHP is known to be off (sched_internal.h, sched_arm_hw()). */
static void arm_alone(struct sched_queue *q, uint64_t when)
{
	if (when == UINT64_MAX && q->timer_at == UINT64_MAX && q->check_at == UINT64_MAX) {
		q->wake_timer = false; /* as sched_arm() */
		return;
	}
	sched_arm(q, when);
}

void sched_run_alone(struct sched_queue *q, _Atomic bool *manage_wanted)
{
	struct vcpu *v = q->parked;

	for (bool work = false;;) {
		uint64_t now;

		if (work) {
			irq_handle_physical(v); /* as the general loop does after a budget */
		} else {
			uint64_t slept;

			/* pick() left q->earliest at its deadline; the turn below, at its new one. */
			arm_alone(q, q->earliest);
			slept = hal_counter_now();
			hal_wait_for_interrupt();
			sched_stats_idle(slept, hal_counter_now());
			/* Its timer interrupt is injected into it, as when it runs. */
			irq_handle_physical(v);
		}
		q->yield = false;
		/* Only a blocked vCPU with its deadline known (worked out at the end of its turn;
		 * none for an FF-A request's sender) is decided here; pick() does the rest. */
		if (general_pass_due(q, manage_wanted) || q->parked != v || q->count != 1 ||
		    vcpu_state_remote(v) != VCPU_BLOCKED ||
		    !(v->sched.deadline || (v->sched.ffa_wait && !ffa_msg_interruptible(v))) ||
		    !vm_alive(v->vm))
			return;
		now = hal_counter_now();
		if (v->sched.ffa_wait ? !parked_ffa_wakes(v, now) : !parked_wakes(v, now)) {
			__atomic_store_n(&q->kicked, false, __ATOMIC_RELAXED); /* as pick() */
			q->earliest = parked_deadline(v);
			work = sched_idle_work(q);
			continue;
		}
		/* As pick() leaves the queue having chosen it: runnable, unboosted, alone. It was
		 * not switched out, so it has not waited for the pCPU: no stolen time. */
		v->sched.wfit_deadline = 0;
		v->sched.deadline = 0;
		v->sched.boost = 0;
		vcpu_set_state(v, VCPU_RUNNABLE);
		__atomic_store_n(&q->kicked, false, __ATOMIC_RELAXED);
		q->earliest = UINT64_MAX;
		q->runnable = 1;
		q->alive = 1;
		v->sched.stats.direct++;
		arm_alone(q, UINT64_MAX);
		q->yield = false;
		sched_turn(q, v);
		if (q->parked != v || q->direct ||
		    !(v->sched.deadline || (v->sched.ffa_wait && !ffa_msg_interruptible(v))))
			return;
		/* Blocked again: its deadline is the earliest. */
		q->earliest = parked_deadline(v);
		work = sched_idle_work(q);
	}
}

/* SPDX-License-Identifier: MIT */
#ifndef CORE_SCHED_INTERNAL_H
#define CORE_SCHED_INTERNAL_H

/* What core/sched.c and core/sched_wake.c (the rules: picking, turns, wake-ups) and
 * core/sched_members.c (which vCPUs each run queue holds: VMs joining and leaving) share. */

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include <core/hwinfo.h>
#include <core/lib.h>
#include <core/sched.h>
#include <core/vm.h>
#include <hal/time.h>

#include "sched_share.h"
#include "sched_spin.h"

struct sched_queue {
	struct vcpu *vcpus[SCHED_MAX_VCPUS];
	unsigned count;
	unsigned next;	      /* round-robin cursor */
	bool yield;	      /* the running vCPU's turn ends at its next exit */
	enum sched_end why;   /* ... and why */
	struct vcpu *current; /* the vCPU running now, or NULL */
	uint64_t turn_start;  /* counter when `current` was given the pCPU */
	uint64_t
	    slice_ticks;   /* SCHED_SLICE_US in counter ticks, worked out as run_queue() starts */
	uint64_t timer_at; /* when the turn ends for the slice, a wake-up or a deadline */
	uint64_t check_at; /* the next spin check (UINT64_MAX: none); CNTHP: the earlier */
	uint64_t check_ticks, check_max_ticks; /* SCHED_SPIN_CHECK(_MAX)_US in ticks */
	struct sched_spin spin;		       /* where the running vCPU was at its last check */
	bool in_irq;		/* a physical interrupt is being handled (sched_physical_irq()) */
	struct vcpu *parked;	/* blocked, but still loaded on this pCPU (docs/scheduling.md) */
	struct vcpu *switch_to; /* an FF-A call gave it the rest of the turn (sched_switch_to()) */
	bool kicked;		/* a kick or message came since pick() (atomic) */
	struct vcpu *direct;	/* the running vCPU's sibling its SGI woke, the only kick since
				 pick(): it may run next without a choice (core/sched_direct.c) */
	struct vcpu *back;	/* the sender that `current`, its sibling, was switched to in its
				turn: it runs again when that one blocks (core/sched_direct.c) */
	bool handover;	 /* a sibling was signalled with IRQs masked: hand over once unmasked */
	bool wake_timer; /* CNTHP is armed to end the turn for a wake-up, not the slice */
	uint64_t grace_since; /* a timed end of turn waits for IRQs unmasked since then (or 0) */
	uint64_t earliest;    /* pick(): the earliest deadline of the vCPUs left blocked */
	unsigned runnable;    /* pick(): runnable vCPUs, the chosen one included */
	unsigned alive;	      /* pick(): vCPUs not off, of running VMs */
	struct sched_share share; /* which VM's vCPUs run, when several VMs share the pCPU */
	bool shared;		  /* pick(): vCPUs of several VMs are alive here */
	bool mixed;		  /* vCPUs of several VMs were ever assigned here */
	/* Joining (docs/scheduling.md, "VMs join and leave"): vCPUs that sched_assign() gave
	 * this pCPU, under join_lock, until its run loop takes them into vcpus[]. */
	struct vcpu *joining[SCHED_MAX_VCPUS];
	_Atomic unsigned joining_count;
	_Atomic unsigned members; /* joining + in vcpus[]: until each leaves (its VM stopped) */
	bool counting;		  /* sched_stats_queue() started: it holds vCPUs */
	/* sched_queue_drop_stopped(): 1 + the count of VM stops it last looked after (0: look
	 * at the next call). */
	unsigned stops_seen;
};

/* Every pCPU's run queue, touched by its own pCPU but for the joining list. */
extern struct sched_queue sched_queues[HV_MAX_CPUS];

/* Shared by core/sched.c (choosing and running turns) and core/sched_wake.c (what ends them
 * early): the queue each pCPU runs, the plain round-robin switch, the order of boosts. */
extern struct sched_queue *sched_active[HV_MAX_CPUS];
extern bool sched_plain_rr;
extern uint64_t sched_boost_seq;

static inline uint64_t sched_us_to_ticks(uint64_t us)
{
	return us * hal_counter_freq() / 1000000;
}

/* CNTHP at the earlier of the turn's end and the next spin check. */
/* CNTHP at the earlier of the queue's two times, or off. Every write of CNTHP on a pCPU that
 * runs its queue goes through here except the timer interrupt's own cancel
 * (sched_timer_interrupt(), which then sets timer_at to UINT64_MAX or calls this again; the
 * VM manager's wait, sched_wait_served(), leaves it off), so with both times UINT64_MAX CNTHP
 * is off: core/sched_alone.c relies on it. (Were it not, the cost would be one interrupt
 * more, never one missed.) */
static inline void sched_arm_hw(const struct sched_queue *q)
{
	uint64_t when = MIN(q->timer_at, q->check_at);

	if (when == UINT64_MAX)
		hal_hyp_timer_cancel();
	else
		hal_hyp_timer_arm(when);
}

static inline void sched_arm_at(struct sched_queue *q, uint64_t when)
{
	q->timer_at = when;
	q->wake_timer = false;
	sched_arm_hw(q);
}

/* Boosted vCPUs run before the round robin's choice, in the order they were boosted. */
static inline void sched_boost(struct vcpu *v)
{
	if (!v->sched.boost)
		v->sched.boost = __atomic_add_fetch(&sched_boost_seq, 1, __ATOMIC_RELAXED);
}

/* Whether the VM manager waits for this pCPU (it runs between turns). */
bool sched_manager_waits_here(void);
/* One more vCPU of `vm` that a queue holds without having joined it (sched_run_one()). */
void sched_members_add(const struct vm *vm);
/* `v`, blocked, is made runnable at `now` and waits for the pCPU (boosted: it waited). */
void sched_wake(struct sched_queue *q, struct vcpu *v, uint64_t now);
/* `v` has just blocked in an FF-A wait that its timer may end: its deadline counts in
 * q->earliest and CNTHP from now on, as if it had ended a turn. */
void sched_note_blocked(struct sched_queue *q, struct vcpu *v);
/* Whether the running vCPU may hand the pCPU to `to`, another vCPU of this queue, within its
 * turn (sched_switch_to(), asked with the checks of core/sched.c's own state done). The fast
 * path of FF-A direct messages (docs/scheduling.md, "FF-A direct messages"): the running vCPU
 * blocks in its call and hands the rest of its turn to the peer with the message, straight
 * from the exit: no end of turn, no choice, no statistics, no stolen-time update. Only when
 * pick() could have chosen nobody else: it was the only runnable vCPU at the last choice,
 * nothing was kicked since (a kick sets q->kicked), no blocked vCPU is due, the turn is not
 * ending (slice, yield, a VM's stop) and the peer's vCPU is on this queue (alive > 1: the
 * one-vCPU queue of sched_run_one() has no peers). Inline: it is on every round trip. */
static inline bool sched_direct_may_switch(struct sched_queue *q, struct vcpu *to)
{
	return q->runnable <= 1 && q->alive > 1 && !q->yield && !q->handover &&
	       !__atomic_load_n(&q->kicked, __ATOMIC_ACQUIRE) &&
	       vcpu_state_remote(to) == VCPU_BLOCKED && to->sched.ffa_wait && vm_alive(to->vm) &&
	       hal_counter_now() < q->earliest;
}
/* run_turn() and arm_at() of core/sched.c for core/sched_alone.c: `v`'s turn, CNTHP at `when`
 * (UINT64_MAX: off). */
void sched_turn(struct sched_queue *q, struct vcpu *v);
void sched_arm(struct sched_queue *q, uint64_t when);
/* With no vCPU to run: one budget of work the exits left over (a device's deferred work, the
 * guests' console output), so that it goes on while the guests wait for it. False if none. */
bool sched_idle_work(const struct sched_queue *q);
/* The idle pCPU whose only vCPU is parked (q->parked, q->count 1): sleeps until that vCPU's
 * deadline or interrupt and runs it, again and again, with no pass of the run loop, and returns
 * when the loop's pass has something to do (vCPUs join, a VM stopped, the manager is wanted:
 * `manage_wanted`, NULL if this pCPU does not manage) or pick() must decide (core/sched_alone.c). */
void sched_run_alone(struct sched_queue *q, _Atomic bool *manage_wanted);
/* Whether a VM stopped since sched_queue_drop_stopped() last looked at `q`. */
bool sched_queue_stops_moved(const struct sched_queue *q);
/* The queue's own pCPU: take in the vCPUs that joined it. */
void sched_queue_take_joining(struct sched_queue *q);
/* The queue's own pCPU: its statistics count while it holds vCPUs (sched_stats_pcpu_log()). */
void sched_queue_count(struct sched_queue *q);
/* The queue's own pCPU: every vCPU of a stopped VM leaves, put (if parked) and off. The last
 * of a VM to leave any queue tells the VM manager (sched_manage_wake()). */
void sched_queue_drop_stopped(struct sched_queue *q);

#endif

// SPDX-License-Identifier: MIT
/* Per-pCPU scheduling of vCPUs: round robin with wake-up preemption and directed yield (see
 * core/sched.h; the rules and the measurements behind them: docs/scheduling.md). Choosing and
 * running turns; what ends a turn early (wake-ups, kicks, the EL2 timer) is core/sched_wake.c. */
#include <stdatomic.h>

#include <core/arch.h>
#include <core/check.h>
#include <core/console.h>
#include <core/cpu_msg.h>
#include <core/err.h>
#include <core/ffa.h>
#include <core/hwinfo.h>
#include <core/irq.h>
#include <core/lib.h>
#include <core/pcpu.h>
#include <core/pvtime.h>
#include <core/sched.h>
#include <core/trap.h>
#include <core/vgic.h>
#include <core/vm.h>
#include <core/vtimer.h>
#include <hal/cpu.h>
#include <hal/gic.h>
#include <hal/time.h>

#include "sched_internal.h"
#include "sched_share.h"

struct sched_queue sched_queues[HV_MAX_CPUS];
/* sched_set_plain_round_robin(): the rules before wake-up preemption, for comparisons. */
bool sched_plain_rr;
/* The queue each pCPU is running (its own, or a one-vCPU queue of sched_run_one()). */
struct sched_queue *sched_active[HV_MAX_CPUS];
/* sched_boost(): the order of boosts, shared by every pCPU's queue (atomic). */
uint64_t sched_boost_seq;
/* The VM manager (sched_loop()): its pCPU, and whether it has been asked to look. */
static _Atomic unsigned manager_pcpu = HV_MAX_CPUS;
static _Atomic bool manage_wanted;

void sched_set_plain_round_robin(bool on)
{
	sched_plain_rr = on;
}

void sched_manage_wake(void)
{
	unsigned pcpu = atomic_load(&manager_pcpu);

	atomic_store(&manage_wanted, true);
	if (pcpu < HV_MAX_CPUS)
		cpu_msg_send(pcpu, CPU_MSG_MANAGE, NULL);
}

/* When a blocked vCPU's time comes: its virtual or physical timer or its WFIT deadline
 * (UINT64_MAX: never). A vCPU still loaded here (parked) has its timers live in the hardware:
 * their PPIs wake it, injected into it first (irq_handle_physical()). Woken by the counter
 * instead, at the same deadline in CNTHP, it was resumed before its tick was pending (QEMU
 * raises the PPI a little after the counter passes the deadline), and its WFI returned with
 * nothing to take. */
static inline __attribute__((always_inline)) uint64_t blocked_deadline(struct vcpu *v)
{
	uint64_t deadline = v->sched.wfit_deadline ? v->sched.wfit_deadline : UINT64_MAX, timer;
	unsigned on = atomic_load_explicit(&v->loaded_on, memory_order_acquire);

	if (on == hal_cpu_id() + 1)
		return deadline;
	/* Not loaded: its timer registers are in its context (vtimer_deadline() without asking
	 * again where they live; a vCPU of this queue runs nowhere else). Each timer asked once
	 * (MIN() evaluates its arguments twice); the EL1 physical timer only once the guest has
	 * used it (until then its CNTP_CTL is 0: none set). */
	CHECK(!on);
	timer = vtimer_deadline_of(v->ctx.el1[HAL_CNTV_CTL_EL0], v->ctx.el1[HAL_CNTV_CVAL_EL0],
				   v->ctx.cntvoff);
	deadline = MIN(deadline, timer);
	if (v->ptimer.used) {
		timer = ptimer_deadline(v);
		deadline = MIN(deadline, timer);
	}
	return deadline;
}

/* `v` waits for the pCPU from `now`: stolen time, whoever runs meanwhile. */
static void begin_wait(struct sched_queue *q, struct vcpu *v, uint64_t now)
{
	v->sched.since = now;
	v->sched.waiting = true;
	if (q->shared)
		v->sched.away_at = sched_share_away(&q->share, v->vm);
}

/* How long `v` has waited while its own VM had the pCPU: the rules within a VM do not count
 * other VMs' turns (the same as its whole wait while its VM is alone here). */
static uint64_t waited_in_vm(struct sched_queue *q, struct vcpu *v, uint64_t now)
{
	uint64_t away, wait = now - v->sched.since;

	if (!q->shared)
		return wait;
	away = sched_share_away(&q->share, v->vm);
	away = away > v->sched.away_at ? away - v->sched.away_at : 0;
	return wait > away ? wait - away : 0;
}

static inline void wake(struct sched_queue *q, struct vcpu *v, uint64_t now)
{
	/* It waited: it has used less than its share. */
	sched_boost(v);
	v->sched.wfit_deadline = 0;
	v->sched.deadline = 0;
	vcpu_set_state(v, VCPU_RUNNABLE);
	begin_wait(q, v, now);
}

void sched_wake(struct sched_queue *q, struct vcpu *v, uint64_t now)
{
	wake(q, v, now);
}

/* `v` is blocked in an FF-A call (core/ffa_msg.c): its answer wakes it, and a wait for messages
 * also ends on an interrupt or its timer, as a WFI would. False: it stays blocked (a wait
 * for messages with its deadline counted in *earliest). */
static bool ffa_wait_over(struct sched_queue *q, struct vcpu *v, uint64_t now, uint64_t *earliest)
{
	uint64_t deadline;

	/* An answer returns the call whatever else is pending, so neither the deadline nor the
	 * vGIC is asked first: the kick was most likely the message's own (a kick left unseen
	 * only costs a look at the vGIC later). */
	if (ffa_msg_resume(v, false))
		goto woken;
	if (!ffa_msg_interruptible(v))
		return false;
	deadline =
	    v->sched.deadline ? v->sched.deadline : (v->sched.deadline = blocked_deadline(v));
	if (now < deadline && !(__atomic_exchange_n(&v->sched.kicked, false, __ATOMIC_SEQ_CST) &&
				vgic_wants_wakeup(v))) {
		*earliest = MIN(*earliest, deadline);
		return false;
	}
	if (!ffa_msg_resume(v, true))
		return false;
woken:
	wake(q, v, now);
	return true;
}

/* Who pick() would choose among the runnable vCPUs it has looked at. */
struct pick_choice {
	struct vcpu *oldest, *boosted, *next;
	unsigned next_at;
};

/* The choice again, among `vm`'s runnable vCPUs only, in round-robin order. */
static struct pick_choice consider_vm(const struct sched_queue *q, const struct vm *vm)
{
	struct pick_choice c = {0};

	for (unsigned i = 0, at = q->next; i < q->count;
	     i++, at = at + 1 == q->count ? 0 : at + 1) {
		struct vcpu *v = q->vcpus[at];

		if (v->vm != vm || v->state != VCPU_RUNNABLE || !vm_alive(v->vm))
			continue;
		/* As pick()'s pass does. */
		if (v->sched.waiting && (!c.oldest || v->sched.since < c.oldest->sched.since))
			c.oldest = v;
		if (v->sched.boost && (!c.boosted || v->sched.boost < c.boosted->sched.boost))
			c.boosted = v;
		if (!c.next) {
			c.next = v;
			c.next_at = at;
		}
	}
	return c;
}

/* One pass over the queue, in round-robin order. Every blocked vCPU whose time has come wakes
 * first, not just those ahead of the choice: a past deadline left behind would arm the EL2 timer
 * in the past and end the chosen vCPU's slice before it ran a single instruction. With several
 * VMs on the queue, the VM comes first (core/sched_share.h), then the choice among its vCPUs:
 * the runnable vCPU that has waited longest if that is a whole slice of its VM's time (so
 * vCPUs waking each other cannot starve a third), else the earliest boosted (the cursor stays:
 * a boosted turn is extra), else the round robin's next. Leaves q->earliest, q->runnable and
 * q->alive for the timer and the WFE trap. */
static struct vcpu *pick(struct sched_queue *q)
{
	uint64_t now = hal_counter_now();
	/* Only on a queue that has held several VMs does the choice start with the VM: pick() of
	 * one VM is the same as without sched_share, and costs the same. */
	struct vm *turn = q->shared ? sched_share_turn(&q->share) : NULL, *other;
	struct vcpu *oldest = NULL, *boosted = NULL, *next = NULL, *v;
	unsigned next_at = 0;
	uint64_t earliest = UINT64_MAX;
	unsigned runnable = 0, alive = 0, count = q->count;

	/* Counted in locals and each vCPU's state read once: the loop runs twice per round trip
	 * of an IPI between vCPUs of one pCPU (docs/trap-path.md). */
	for (unsigned i = 0, at = q->next; i < count; i++, at = at + 1 == count ? 0 : at + 1) {
		enum vcpu_state state;

		v = q->vcpus[at];
		state = vcpu_state_remote(v); /* CPU_ON from another pCPU may change it */
		if (state == VCPU_OFF || !vm_alive(v->vm))
			continue;
		alive++;
		if (state == VCPU_BLOCKED && v->sched.ffa_wait) {
			if (!ffa_wait_over(q, v, now, &earliest))
				continue;
			state = VCPU_RUNNABLE; /* wake() made it so */
		}
		if (state == VCPU_BLOCKED) {
			uint64_t deadline = v->sched.deadline
						? v->sched.deadline
						: (v->sched.deadline = blocked_deadline(v));

			if (now >= deadline) {
				v->sched.stats.woken_by[SCHED_WAKER_TIMER]++;
				wake(q, v, now);
			} else if (__atomic_load_n(&v->sched.kicked, __ATOMIC_RELAXED) &&
				   __atomic_exchange_n(&v->sched.kicked, false, __ATOMIC_SEQ_CST) &&
				   vgic_wants_wakeup(v)) {
				/* Only a kick can have made an interrupt pending for a blocked vCPU
				 * (core/vgic.c kicks on every change that does): the vGIC, which
				 * takes its lock, is asked only then. A kick the first look misses
				 * comes from another pCPU with a message, which brings this loop
				 * back here. */
				wake(q, v, now);
			} else {
				earliest = MIN(earliest, deadline);
				continue;
			}
			state = VCPU_RUNNABLE; /* wake() made it so */
		}
		if (state != VCPU_RUNNABLE)
			continue;
		runnable++;
		if (turn && v->vm != turn)
			continue;
		if (v->sched.waiting && (!oldest || v->sched.since < oldest->sched.since))
			oldest = v;
		if (v->sched.boost && (!boosted || v->sched.boost < boosted->sched.boost))
			boosted = v;
		if (!next) {
			next = v;
			next_at = at;
		}
	}
	q->earliest = earliest;
	q->runnable = runnable;
	q->alive = alive;
	__atomic_store_n(&q->kicked, false, __ATOMIC_RELAXED);
	if (q->mixed &&
	    (other = sched_share_pick_vm(&q->share, q->vcpus, q->count, turn, &q->shared))) {
		struct pick_choice c = consider_vm(q, other);

		oldest = c.oldest;
		boosted = c.boosted;
		next = c.next;
		next_at = c.next_at;
	}
	if (!sched_plain_rr && oldest && waited_in_vm(q, oldest, now) >= q->slice_ticks) {
		v = oldest;
	} else if (!sched_plain_rr && boosted) {
		v = boosted;
	} else if (next) {
		v = next;
		q->next = (next_at + 1) % q->count;
	} else {
		return NULL;
	}
	v->sched.boost = 0;
	return v;
}

/* Whether a vCPU of `v`'s VM other than `v` waits for this pCPU (as pick() left it). */
static bool sibling_waits(const struct sched_queue *q, const struct vcpu *v)
{
	if (!q->shared)
		return q->runnable > 1; /* one VM alive here: every other vCPU is a sibling */
	for (unsigned i = 0; i < q->count; i++) {
		const struct vcpu *w = q->vcpus[i];

		if (w != v && w->vm == v->vm && w->state == VCPU_RUNNABLE)
			return true;
	}
	return false;
}

/* CNTHP for whichever comes first: the end of the slice (if someone else waits for the
 * pCPU), a blocked vCPU's deadline, or `next`'s first spin check (while a sibling of it
 * waits for the pCPU: rule 6). */
static void arm_timer(struct sched_queue *q, const struct vcpu *next, bool slicing)
{
	uint64_t when = q->earliest, now = hal_counter_now();

	q->check_at = UINT64_MAX;
	/* With other VMs waiting, the slice is what is left of its VM's turn. */
	if (slicing) {
		uint64_t slice = q->slice_ticks;

		if (q->shared)
			slice = sched_share_slice_left(&q->share, slice);
		when = MIN(when, now + slice);
		if (!sched_plain_rr && sibling_waits(q, next)) {
			sched_spin_start(&q->spin, q->check_ticks, q->check_max_ticks);
			q->check_at = now + q->check_ticks;
		}
	}
	sched_arm_at(q, when);
}

/* Everything else runnable here waits from now on: the time it is kept off the pCPU. */
static void start_waits(struct sched_queue *q, uint64_t now)
{
	for (unsigned i = 0; i < q->count; i++) {
		struct vcpu *v = q->vcpus[i];

		if (v->state == VCPU_RUNNABLE && !v->sched.waiting)
			begin_wait(q, v, now);
	}
}

/* The parked vCPU is put before another is loaded. Still blocked, its timers now wait in its
 * context, no longer in the hardware: CNTHP wakes it at their deadline (blocked_deadline()). */
static void unpark(struct sched_queue *q)
{
	struct vcpu *p = q->parked;

	q->parked = NULL;
	vcpu_unload(p);
	if (p->state == VCPU_BLOCKED)
		sched_note_blocked(q, p);
}

/* The round robin's next choice is the vCPU after `v`: `v` comes last. */
static void round_robin_after(struct sched_queue *q, const struct vcpu *v)
{
	for (unsigned i = 0; i < q->count; i++) {
		if (q->vcpus[i] == v) {
			q->next = i + 1 == q->count ? 0 : i + 1;
			return;
		}
	}
}

/* Returns the vCPU that ran last: `v`, or the one an FF-A direct message handed the turn to. */
static struct vcpu *run_turn(struct sched_queue *q, struct vcpu *v)
{
	uint64_t start = hal_counter_now(), end;
	struct vm *owner = v->vm;
	enum sched_end why;

	q->direct = NULL; /* a kick of this turn's */
	q->back = NULL;	  /* a sibling's, run in the last turn (core/sched_direct.c) */
	if (v->sched.waiting) {
		sched_stats_wait(v, v->sched.since, start);
		v->sched.stolen += start - v->sched.since;
		v->sched.waiting = false;
		/* Only a vCPU that waited has more stolen time to show its guest. */
		pvtime_update(v);
	}
	/* Only the chosen one was runnable at the choice: nobody starts waiting. */
	if (q->runnable > 1)
		start_waits(q, start);
	/* Trapping WFE costs an exit per spin; it pays only when a sibling could be given the
	 * pCPU instead (directed yield). */
	v->ctx.trap_wfe = q->alive > 1;
	q->current = v;
	q->handover = false;
	q->grace_since = 0;
	q->turn_start = start;
	v->sched.since = start;
	if (q->parked && q->parked != v)
		unpark(q);
	q->parked = NULL;
	/* Alone on the pCPU: a vCPU that blocks stays loaded, since it is the one to run next. */
	if (q->alive == 1 && !sched_plain_rr) {
		if (vcpu_run_slice_may_park(v))
			q->parked = v;
	} else {
		/* FF-A direct messages: the peer with the message runs on in this turn, without a
		 * choice, switched to in the run loop (sched_next_in_turn()); the turn's statistics
		 * go to the last one. */
		v = vcpu_run_slice(v);
	}
	q->current = NULL;
	/* Checks are for this turn only: no sample of this vCPU's is left for the next. */
	if (q->check_at != UINT64_MAX) {
		q->check_at = UINT64_MAX;
		sched_arm_hw(q);
	}
	if (v->state == VCPU_BLOCKED) {
		/* Fixed while it stays blocked (nothing changes a blocked vCPU's timer): worked
		 * out once, from its saved state, not at every choice (0: not yet). An FF-A
		 * request's sender waits for its answer only: no deadline (ffa_wait_over()). */
		v->sched.deadline =
		    v->sched.ffa_wait && !ffa_msg_interruptible(v) ? 0 : blocked_deadline(v);
		why = SCHED_END_BLOCK;
	} else if (v->state == VCPU_RUNNABLE && q->yield)
		why = q->why;
	else
		why = SCHED_END_OTHER;
	end = hal_counter_now();
	sched_stats_run(v, start, end, why);
	/* The whole turn is its VM's, the part its FF-A peers ran in it included. */
	if (q->shared)
		sched_share_charge(&q->share, owner, end - start);
	v->sched.last_end = why;
	v->sched.preempted = v->state == VCPU_RUNNABLE;
	/* Cut short for a sibling (wake-up or yield): it gets the pCPU back after that one,
	 * ahead of the round robin; it has not had its share. */
	if (v->state == VCPU_RUNNABLE && (why == SCHED_END_WAKE || why == SCHED_END_YIELD) &&
	    !sched_plain_rr)
		sched_boost(v);
	/* Spun for its siblings (rule 6): each of them goes before it, or the round robin might
	 * give it the pCPU straight back to spin on. */
	if (why == SCHED_END_SPIN)
		round_robin_after(q, v);
	if (v->state == VCPU_RUNNABLE)
		begin_wait(q, v, end);
	return v;
}

void sched_turn(struct sched_queue *q, struct vcpu *v)
{
	run_turn(q, v);
}

void sched_arm(struct sched_queue *q, uint64_t when)
{
	sched_arm_at(q, when);
}

bool sched_post_here(const struct vcpu *to)
{
	struct sched_queue *q = sched_active[hal_cpu_id()];

	return q && q->current && to->pcpu == hal_cpu_id() && !sched_plain_rr;
}

bool sched_manager_waits_here(void)
{
	/* Asked at every hand-over between siblings: the flag, almost always clear, first. */
	return atomic_load_explicit(&manage_wanted, memory_order_acquire) &&
	       atomic_load(&manager_pcpu) == hal_cpu_id();
}

bool sched_switch_to(struct vcpu *from, struct vcpu *to)
{
	unsigned here = hal_cpu_id();
	struct sched_queue *q = sched_active[here];

	/* The VM manager runs between turns of its own pCPU only: only there does it wait.
	 * `to` is not `from` (the FF-A caller's peer), so not q->current either. */
	if (to->pcpu != here || !q || q->current != from || sched_plain_rr ||
	    atomic_load(&q->joining_count) ||
	    (atomic_load(&manager_pcpu) == here && atomic_load(&manage_wanted)) ||
	    !sched_direct_may_switch(q, to))
		return false;
	q->switch_to = to;
	return true;
}

void sched_note_blocked(struct sched_queue *q, struct vcpu *v)
{
	uint64_t deadline = blocked_deadline(v);

	v->sched.deadline = deadline;
	if (deadline < q->earliest)
		q->earliest = deadline;
	if (deadline < q->timer_at)
		sched_arm_at(q, deadline);
}

/* Run `q` on its pCPU: until it holds no vCPU (`forever` false), or for good, sleeping while
 * it has none, and calling `manage` whenever asked (sched_manage_wake()) until that returns
 * false. vCPUs join (sched_assign()) and leave (their VM stopped) at the top of each round. */
static void run_queue(struct sched_queue *q, bool forever, bool (*manage)(void))
{
	q->slice_ticks = sched_us_to_ticks(SCHED_SLICE_US); /* before others can see the queue */
	q->check_ticks = sched_us_to_ticks(SCHED_SPIN_CHECK_US);
	q->check_max_ticks = sched_us_to_ticks(SCHED_SPIN_CHECK_MAX_US);
	q->check_at = UINT64_MAX;
	sched_active[hal_cpu_id()] = q;
	for (;;) {
		struct vcpu *v;

		sched_queue_take_joining(q);
		sched_queue_count(q);
		sched_queue_drop_stopped(q);
		if (manage && atomic_exchange(&manage_wanted, false)) {
			if (!manage())
				break;
			/* A VM the manager just made (start, reset) may have joined this very queue:
			 * take it in now, or the pCPU may sleep until some interrupt comes. */
			sched_queue_take_joining(q);
			sched_queue_count(q);
		}
		if (!q->count) {
			if (!forever)
				break;
			/* Nothing of its own to run: the guests' console output, then sleep until
			 * an interrupt (a joining vCPU's START, the manager's message). */
			sched_arm_at(q, UINT64_MAX);
			if (!sched_idle_work(q))
				hal_wait_for_interrupt();
			irq_handle_physical(NULL);
			continue;
		}
		v = pick(q);
		if (!v && sched_idle_work(q)) {
			/* Work left over from exits: one budget, then look again (a blocked vCPU's
			 * timer or interrupt may have come meanwhile). */
			irq_handle_physical(q->parked);
			q->yield = false;
			continue;
		}
		if (!v) {
			uint64_t slept;

			/* Its only vCPU parked: core/sched_alone.c sleeps and runs it. */
			if (q->parked && q->count == 1 && !sched_plain_rr) {
				sched_run_alone(q, manage ? &manage_wanted : NULL);
				continue;
			}
			/* Idle: sleep until an interrupt, maybe the timer of a blocked vCPU. */
			arm_timer(q, NULL, false);
			slept = hal_counter_now();
			hal_wait_for_interrupt();
			sched_stats_idle(slept, hal_counter_now());
			/* The parked vCPU's timer interrupt is injected into it, as when it runs. */
			irq_handle_physical(q->parked);
			q->yield = false;
			continue;
		}
		/* Slices matter only when someone else waits for this pCPU. The vCPUs the exits
		 * hand the pCPU to without a choice (a sibling its SGI woke, the sender back, an
		 * FF-A peer with its message) run within the turn (sched_next_in_turn()); after
		 * it, pick() chooses. */
		arm_timer(q, v, q->runnable > 1);
		q->yield = false;
		run_turn(q, v);
	}
	sched_arm_at(q, UINT64_MAX);
	if (q->parked)
		vcpu_unload(q->parked);
	q->parked = NULL;
	if (q->counting)
		sched_stats_queue(false, hal_counter_now());
	q->counting = false;
	sched_active[hal_cpu_id()] = NULL;
}

void sched_run(void)
{
	run_queue(&sched_queues[hal_cpu_id()], false, NULL);
}

void sched_loop(bool (*manage)(void))
{
	if (manage) {
		atomic_store(&manager_pcpu, hal_cpu_id());
		atomic_store(&manage_wanted, true); /* a first look */
	}
	run_queue(&sched_queues[hal_cpu_id()], true, manage);
	atomic_store(&manager_pcpu, HV_MAX_CPUS);
}

void sched_start(void)
{
	for (unsigned i = 0; i < HV_MAX_CPUS; i++) {
		const struct pcpu *p = pcpu_get(i);

		if (i == hal_cpu_id() || !p || !atomic_load(&p->online))
			continue;
		if (atomic_load(&sched_queues[i].joining_count))
			cpu_msg_send(i, CPU_MSG_START, NULL);
	}
}

void sched_serve(void)
{
	struct sched_queue *q = &sched_queues[hal_cpu_id()];

	while (!atomic_load(&q->members)) {
		hal_wait_for_interrupt();
		irq_handle_physical(NULL);
	}
	run_queue(q, false, NULL);
}

void sched_run_one(struct vcpu *vcpu)
{
	struct sched_queue q = {.vcpus = {vcpu}, .count = 1, .members = 1};

	vcpu->pcpu = hal_cpu_id();
	sched_members_add(vcpu->vm); /* it leaves as a queue's vCPUs do */
	run_queue(&q, false, NULL);
}

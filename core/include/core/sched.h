/* SPDX-License-Identifier: MIT */
#ifndef CORE_SCHED_H
#define CORE_SCHED_H

#include <stdbool.h>
#include <stdint.h>

struct vcpu;
struct vm;

/* The vCPU scheduler: one run queue per pCPU, round robin, a time slice of SCHED_SLICE_US
 * enforced by the EL2 timer (CNTHP) whenever more than one vCPU wants the pCPU. A vCPU that
 * executes WFI (or WFIT) with nothing to take blocks; it becomes runnable again when an
 * interrupt is pending for it, its virtual timer's deadline or its WFIT deadline passes
 * (tracked in software while it is not loaded, with CNTHP armed for the earliest one). An idle
 * pCPU sleeps in WFI. On top of the round robin: wake-up preemption, no timed preemption while
 * the guest masks IRQs, no starvation, directed yield on WFE (docs/scheduling.md, "The rules").
 * Several VMs on one pCPU share it by weight, one VM's turn at a time (core/sched_share.h).
 *
 * vCPU states: OFF (PSCI: not started or CPU_OFF), RUNNABLE, RUNNING (loaded on its pCPU),
 * BLOCKED (in WFI). Each queue is only touched by its own pCPU (vCPUs do not migrate), but for
 * its joining list (sched_assign()). */

#define SCHED_SLICE_US	10000
#define SCHED_MAX_VCPUS 16
/* Wake-up preemption by a device or timer interrupt waits until the running vCPU has had this
 * much of its turn (docs/scheduling.md). */
#define SCHED_MIN_RUN_US 500
/* A turn the EL2 timer ends while the guest masks IRQs (likely holding a spinlock) goes on,
 * checked every STEP, until it unmasks them or MAX has passed. */
#define SCHED_GRACE_STEP_US 50
#define SCHED_GRACE_MAX_US  500

/* Why a vCPU's turn on the pCPU ended (docs/scheduling.md). */
enum sched_end {
	SCHED_END_BLOCK, /* WFI/WFIT with nothing to take */
	SCHED_END_SLICE, /* the EL2 timer: its slice was used up */
	SCHED_END_WAKE,	 /* wake-up preemption: an interrupt became pending for a waiting vCPU */
	SCHED_END_YIELD, /* directed yield: it spun in WFE while a sibling was switched out */
	SCHED_END_OTHER, /* CPU_OFF, its VM stopped, a kick from another pCPU */
	SCHED_END_SPIN,	 /* it spun without an exit while a sibling waited (core/sched_spin.h) */
	SCHED_END_NR
};

/* Who made a waiting vCPU pending: the vCPU of the same VM that ran on the pCPU then
 * (0..SCHED_WAKERS_VCPUS-1), its virtual timer, or something else (a device, another pCPU). */
#define SCHED_WAKERS_VCPUS 8
#define SCHED_WAKER_TIMER  SCHED_WAKERS_VCPUS
#define SCHED_WAKER_OTHER  (SCHED_WAKERS_VCPUS + 1)
#define SCHED_WAKERS	   (SCHED_WAKERS_VCPUS + 2)

/* Histogram buckets: bucket 0 is < 2 us, bucket n covers [2^n, 2^(n+1)) us, the last is open. */
#define SCHED_HIST_BUCKETS 16

/* What the scheduler measures per vCPU (printed by sched_stats_log(), docs/scheduling.md). */
struct sched_stats {
	uint32_t run_hist[SCHED_HIST_BUCKETS];	/* length of each turn on the pCPU */
	uint32_t wait_hist[SCHED_HIST_BUCKETS]; /* runnable (woken or preempted) until running */
	uint64_t ends[SCHED_END_NR];
	uint64_t woken_by[SCHED_WAKERS];
	uint64_t run_ticks, wait_ticks; /* counter ticks running / runnable but not running */
	uint64_t direct; /* turns given without the general choice (sched_direct.c) */
};

/* The scheduler's per-vCPU state (inside struct vcpu; touched only by the vCPU's pCPU). */
struct sched_vcpu {
	uint64_t since;		/* counter when its turn started, or when it became runnable */
	uint64_t stolen;	/* ticks it was runnable while another vCPU had its pCPU */
	uint64_t wfit_deadline; /* blocked in WFIT: wake at this counter value (0: none) */
	uint64_t deadline;	/* blocked: its timer's or WFIT's deadline (0: not known yet) */
	uint64_t away_at; /* other VMs' time on its pCPU when it began waiting (sched_share) */
	bool kicked;	/* something may have become pending since it blocked (atomic: any pCPU) */
	bool waiting;	/* runnable, not running, since `since` */
	uint64_t boost; /* non-zero: runs before the round robin, earliest first */
	bool preempted; /* its last turn ended while it still wanted to run */
	bool ffa_wait;	/* blocked in an FF-A call: core/ffa_msg.c says when it returns */
	enum sched_end last_end; /* why its last turn ended */
	struct sched_stats stats;
};

/* Turn the rules of docs/scheduling.md off (true: a wake-up ends the running turn at once,
 * then plain round robin; WFE never yields), as before they existed: `hv.sched=rr`, so
 * benchmarks can show what they change. Set before any queue runs. */
void sched_set_plain_round_robin(bool on);

/* Before a vCPU blocks (core/trap_wfx.c): forget earlier kicks, so that the scheduler asks
 * the vGIC whether it wakes only once it has been kicked again. Call before the vGIC check. */
void sched_clear_kicked(struct vcpu *vcpu);

/* Run queues that VMs join and leave (docs/scheduling.md, "VMs join and leave"). Any pCPU
 * may put vCPUs on any pCPU's queue: they wait on its joining list until its run loop takes
 * them in (sched_start() wakes a pCPU that sleeps with nothing to run). A vCPU leaves its
 * queue once its VM has stopped: its pCPU puts it, turns it off and forgets it, and the last
 * vCPU of a VM to leave wakes the VM manager. */

/* Put `vcpu` on pCPU `pcpu`'s queue. HV_EINVAL for a pCPU out of range, HV_ENOMEM when the
 * queue holds SCHED_MAX_VCPUS already. */
int sched_assign(struct vcpu *vcpu, unsigned pcpu);
/* vCPUs first..first+n-1 of `vm`, vCPU first + i on pCPU pcpu_of[i]: all of them, or (an
 * error, as sched_assign()) none. */
int sched_assign_vm(struct vm *vm, const unsigned *pcpu_of, unsigned first, unsigned n);
/* Whether no run queue holds a vCPU of `vm` any more: once it has stopped, nothing of the
 * scheduler's refers to it, and it may be destroyed. */
bool sched_vm_gone(const struct vm *vm);
/* vm_stop(): a VM has just stopped (its state is stored): every queue looks for its vCPUs at
 * its next round, and only then (a look at every turn cost a walk of the queue). */
void sched_note_vm_stopped(void);

/* Run the calling pCPU's queue until it holds no vCPU (every VM of it stopped). */
void sched_run(void);

/* The calling pCPU's run loop for good: its queue, the vCPUs that join it, sleeping while it
 * has none. `manage` (NULL for none: a secondary pCPU) is the VM manager on this pCPU: called
 * once at the start and after each sched_manage_wake(), between turns; the loop returns when
 * it returns false. */
void sched_loop(bool (*manage)(void));
/* From any pCPU, any context: have the VM manager look (a VM stopped or left every queue, a
 * lifecycle request came). */
void sched_manage_wake(void);
/* CPU_MSG_MANAGE reached this pCPU: end the running turn so the manager runs. */
void sched_manage_interrupt(void);

/* Several pCPUs (docs/scheduling.md, "Several pCPUs"). After sched_assign(), sched_start()
 * wakes every other online pCPU that has vCPUs joining (CPU_MSG_START). */
void sched_start(void);
/* CPU_MSG_START reached this pCPU: end the running turn so the joining vCPUs are taken in. */
void sched_start_interrupt(void);
/* A secondary pCPU: sleep until its queue has vCPUs, then run it until they have left. */
void sched_serve(void);
/* The boot pCPU, its own queue done: idle (taking interrupts, draining the console) while `vm`
 * runs on other pCPUs, then wait up to `timeout_ticks` for its vCPUs to leave their queues
 * (sched_vm_gone()). False if they did not. */
bool sched_wait_served(struct vm *vm, uint64_t timeout_ticks);

/* Run just `vcpu` on the calling pCPU, with blocking and timers as above, until its VM stops. */
void sched_run_one(struct vcpu *vcpu);

/* The EL2 timer fired on this pCPU (core/irq.c): end the current slice. */
void sched_timer_interrupt(void);

/* `target` has something new to do (an SGI, PSCI CPU_ON): let it run soon. On another pCPU
 * that pCPU gets a CPU_MSG_KICK message (core/cpu_msg.h), which makes it leave the guest (or
 * its idle WFI) and, when the target is not the vCPU it runs, end the slice. */
void sched_kick(struct vcpu *target);

/* The running vCPU's exit is a physical interrupt being handled (true until false again): what
 * it makes pending comes from a device or timer, not from the running vCPU. */
void sched_physical_irq(bool handling);

/* CPU_MSG_KICK reached this pCPU (core/cpu_msg.c): end the running turn if `target`, a vCPU
 * here, is not the one running and may want the pCPU. */
void sched_kick_interrupt(struct vcpu *target);

/* CPU_MSG_VM_STOP reached this pCPU: end the running turn if it is one of `vm`'s vCPUs. */
void sched_kick_vm_stopped(struct vm *vm);

/* True once the current slice should end (the running vCPU is left at its next exit). */
bool sched_should_yield(void);

/* The running vCPU blocks in an FF-A call and `to` has its message posted (core/ffa_msg.c,
 * sched_switch_to() having said no): true if `to` is on this pCPU, whose choice after this
 * turn finds the message (pick() looks at every vCPU blocked in an FF-A wait), so no kick is
 * needed; false if it is on another pCPU: the caller kicks it. */
bool sched_post_here(const struct vcpu *to);

/* The fast path of an FF-A direct message (core/ffa_msg.c, docs/ffa.md): `from`, running here,
 * has just blocked in its call and `to`, another vCPU, blocked in its own, has the message. True if `to`
 * takes the pCPU at the end of this exit, within `from`'s turn and without any choice
 * (core/sched_direct.c): nothing else here is runnable, kicked or due, no VM joins, and the
 * turn is not ending. The caller then writes `to`'s answer into its x0-x7 itself and clears its
 * sched.ffa_wait; the switch is certain. False, nothing done: post the answer, for this pCPU's
 * choice to find (sched_post_here()) or with a kick. */
bool sched_switch_to(struct vcpu *from, struct vcpu *to);

/* The run loop (core/exit.c), as `ran` leaves the guest: if the turn goes on with another vCPU
 * (an FF-A peer given the pCPU by sched_switch_to()), switches this pCPU to it
 * (vcpu_switch()) and returns it, ready to run; else NULL and the turn ends. */
struct vcpu *sched_next_in_turn(struct vcpu *ran);

/* `vcpu`, running here, gives up the rest of its turn (FFA_YIELD): it stays runnable and
 * waits for its round-robin turn. */
void sched_end_turn(struct vcpu *vcpu);

/* Directed yield: `vcpu` (running here) spins in WFE. If a vCPU of its VM on this pCPU was
 * switched out while it wanted to run (a lock holder, or a vCPU that owes it an answer), that
 * one runs next and `vcpu`'s turn ends at this exit: true. False if there is none. */
bool sched_yield_to_sibling(struct vcpu *vcpu);

/* Keep the per-vCPU histograms of turns and waits (`hv.schedstats`; off by default: a turn
 * then costs its totals only). Set before any queue runs. */
void sched_stats_set_detail(bool on);
/* Print the scheduler's measurements of each vCPU of `vm` (core/sched_stats.c). */
void sched_stats_log(const struct vm *vm);
/* Count one turn of `vcpu` from its start `from` to `to` (counter ticks) and why it ended. */
void sched_stats_run(struct vcpu *vcpu, uint64_t from, uint64_t to, enum sched_end why);
/* Count one wait of `vcpu`: runnable from `from` until it ran at `to`. */
void sched_stats_wait(struct vcpu *vcpu, uint64_t from, uint64_t to);

/* What each pCPU did while it ran its queue (counter ticks): its vCPUs' turns (guest time
 * with the exits it took), sleeping in WFI with nothing to run, and the rest, EL2 between
 * turns (picking, idle work, interrupts while idle). Each pCPU writes only its own entry; the
 * boot pCPU reads them all once sched_wait_served() has seen every queue left. */
struct sched_pcpu_stats {
	uint64_t queued;     /* non-zero while the queue runs: when it started */
	uint64_t total;	     /* ticks from the queue's start to its end, summed */
	uint64_t turn_ticks; /* inside vCPU turns */
	uint64_t idle_ticks; /* in WFI with nothing to run */
	uint64_t turns, sleeps;
};
/* The queue of the calling pCPU starts / ends at `now`. */
void sched_stats_queue(bool start, uint64_t now);
/* The calling pCPU slept in WFI from `from` to `to` with nothing to run. */
void sched_stats_idle(uint64_t from, uint64_t to);
const struct sched_pcpu_stats *sched_stats_pcpu(unsigned pcpu);
/* One line per pCPU that ran a queue: turns, idle and EL2 time; `detail` (hv.schedstats)
 * adds the counts of turns and idle sleeps. */
void sched_stats_pcpu_log(bool detail);

#endif

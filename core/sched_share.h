/* SPDX-License-Identifier: MIT */
#ifndef CORE_SCHED_SHARE_H
#define CORE_SCHED_SHARE_H

/* Sharing one pCPU between VMs in proportion to their weights, whatever their vCPU counts
 * (docs/scheduling.md, "Several VMs on one pCPU"). Private to the scheduler: each run queue
 * (core/sched.c) has one struct sched_share, touched only by its own pCPU.
 *
 * Each VM with vCPUs on the queue has a virtual time: the ticks its vCPUs ran here, times
 * VM_DEFAULT_WEIGHT / its weight. The queue gives the pCPU to one VM at a time for a turn of
 * up to a slice; pick() chooses among that VM's vCPUs by the rules within a VM. When the turn
 * ends (its slice used up, no vCPU of it runnable, or a VM owed time woke), the next turn goes
 * to the runnable VM with the least virtual time. A VM that was not runnable does not bank
 * credit: its virtual time is raised to the queue's floor, the least virtual time of the VMs
 * runnable at the previous choice, which never goes back. */

#include <stdbool.h>
#include <stdint.h>

#include <core/vm.h>

/* One entry per VM slot is enough: an entry is found by the VM's slot. */
#define SCHED_SHARE_VMS VM_MAX

struct sched_share_vm {
	struct vm *vm;	/* NULL: unused */
	uint32_t gen;	/* vm_generation() of the VM the entry counts for */
	uint64_t vtime; /* ticks run here * VM_DEFAULT_WEIGHT / weight */
	uint64_t rem;	/* ... and the remainder of that division, carried to the next charge */
	uint64_t run;	/* ticks its vCPUs ran here */
	bool runnable;	/* sched_share_runnable() since the last choice */
	bool boosted;	/* ... with a boosted vCPU (one that woke, or was cut short) */
};

struct sched_share {
	struct sched_share_vm vms[SCHED_SHARE_VMS];
	unsigned count;		     /* entries used, from vms[0] */
	struct sched_share_vm *turn; /* the VM whose turn it is (NULL: none yet) */
	struct sched_share_vm *last; /* the entry found last (most lookups are for it) */
	uint64_t turn_used;	     /* ticks its vCPUs ran since its turn began */
	bool turn_over;		     /* a VM owed time woke: the next choice ends the turn */
	unsigned contending;	     /* VMs that were runnable at the last choice */
	uint64_t floor;		     /* least virtual time of those, never decreasing */
	uint64_t run;		     /* ticks any VM's vCPUs ran here */
};

/* The entry of `vm` (made on first use). */
struct sched_share_vm *sched_share_entry(struct sched_share *s, struct vm *vm);

/* The VM whose vCPUs pick() looks at (NULL: any, before the first choice). */
static inline struct vm *sched_share_turn(const struct sched_share *s)
{
	return s->turn ? s->turn->vm : NULL;
}

/* pick() found a runnable vCPU of `vm` (boosted: it woke, or was cut short for a wake-up). */
static inline void sched_share_runnable(struct sched_share *s, struct vm *vm, bool boosted)
{
	struct sched_share_vm *e =
	    s->last && s->last->vm == vm ? s->last : sched_share_entry(s, vm);

	e->runnable = true;
	e->boosted |= boosted;
}

/* Which VM's vCPU runs next, among those marked runnable since the last choice (NULL: none):
 * the VM whose turn it is while it has used less than `slice` ticks of it, else the one with
 * the least virtual time. A VM that is behind the turn's VM and has a boosted vCPU (a wake-up)
 * ends the turn: it is within its share. With one VM on the queue, that VM. */
struct vm *sched_share_choose(struct sched_share *s, uint64_t slice);

/* pick()'s hook, on a queue that has held vCPUs of several VMs: `vcpus` are the queue's
 * `count`. Whether vCPUs of several VMs are alive there (*shared; when it becomes true, every
 * vCPU's wait is counted from now for the rules within a VM), and if so which VM's turn it is
 * (sched_share_choose() with a slice of SCHED_SLICE_US). Returns that VM if pick() looked at
 * the vCPUs of another (`turn`; NULL: at every VM's), or the one VM left if `turn` is another;
 * else NULL (pick()'s choice stands). */
struct vm *sched_share_pick_vm(struct sched_share *s, struct vcpu *const *vcpus, unsigned count,
			       struct vm *turn, bool *shared);

/* `vm`'s vCPU ran `ticks` on this pCPU. */
void sched_share_charge(struct sched_share *s, struct vm *vm, uint64_t ticks);

/* How long the next vCPU may run before another VM's turn (ticks), when others wait. */
static inline uint64_t sched_share_slice_left(const struct sched_share *s, uint64_t slice)
{
	return s->contending > 1 && s->turn_used < slice ? slice - s->turn_used : slice;
}

/* What is left of the turn's VM's slice (ticks), whoever waits. */
static inline uint64_t sched_share_turn_left(const struct sched_share *s, uint64_t slice)
{
	return s->turn_used < slice ? slice - s->turn_used : 0;
}

/* A vCPU of `waking` became pending while one of `running` has run `ran` ticks of its turn:
 * whether `waking` is owed the pCPU (its virtual time is less than the running VM's with that
 * turn counted). If so, the running VM's turn ends at the next choice. Always true for one VM. */
bool sched_share_may_preempt(struct sched_share *s, struct vm *waking, struct vm *running,
			     uint64_t ran);

/* Ticks other VMs ran here while `vm`'s did not, so far (a vCPU that waits for the pCPU
 * remembers it: the rules within a VM count only the time its own VM had the pCPU). Zero while
 * one VM is alone on the queue. */
static inline uint64_t sched_share_away(struct sched_share *s, struct vm *vm)
{
	struct sched_share_vm *e =
	    s->last && s->last->vm == vm ? s->last : sched_share_entry(s, vm);

	return s->run - e->run;
}

#endif

// SPDX-License-Identifier: MIT
/* Sharing a pCPU between VMs by weight (core/sched_share.h; the rule and why:
 * docs/scheduling.md, "Several VMs on one pCPU"). */
#include <core/check.h>
#include <core/lib.h>
#include <core/sched.h>
#include <core/vm.h>
#include <hal/time.h>

#include "sched_share.h"

static unsigned weight_of(const struct vm *vm)
{
	return vm->weight ? vm->weight : VM_DEFAULT_WEIGHT;
}

/* Virtual time for `ticks` of `vm`'s running: a heavier VM's advances more slowly. */
static uint64_t vtime_of(const struct vm *vm, uint64_t ticks)
{
	return ticks * VM_DEFAULT_WEIGHT / weight_of(vm);
}

/* Charge `ticks` to `e`: with a large weight a short turn is less than one unit of virtual
 * time, so the remainder is carried, or a VM of many short turns would run for free. */
static void charge(struct sched_share_vm *e, uint64_t ticks)
{
	uint64_t w = weight_of(e->vm), scaled = ticks * VM_DEFAULT_WEIGHT + e->rem;

	e->vtime += scaled / w;
	e->rem = scaled % w;
}

/* A VM new to the queue (or a new VM in a slot an earlier one had) starts at the floor: as
 * if it had been there all along, neither owed time nor owing it. */
static void start_entry(struct sched_share *s, struct sched_share_vm *e, struct vm *vm)
{
	e->vm = vm;
	e->gen = vm_generation(vm);
	e->vtime = s->floor;
	e->rem = 0;
	e->run = s->run;
	e->runnable = e->boosted = false;
}

struct sched_share_vm *sched_share_entry(struct sched_share *s, struct vm *vm)
{
	struct sched_share_vm *e = NULL;

	for (unsigned i = 0; i < s->count; i++) {
		if (s->vms[i].vm == vm) {
			e = &s->vms[i];
			break;
		}
	}
	if (!e) {
		/* At most one entry per VM slot: there is always room. */
		CHECK(s->count < SCHED_SHARE_VMS);
		e = &s->vms[s->count++];
		start_entry(s, e, vm);
	}
	s->last = e;
	return e;
}

struct vm *sched_share_choose(struct sched_share *s, uint64_t slice)
{
	struct sched_share_vm *turn = s->turn, *least = NULL, *owed = NULL;
	unsigned first = turn ? (unsigned)(turn - s->vms) + 1 : 0, n = 0;
	bool keep = turn && turn->runnable && !s->turn_over && s->turn_used < slice;

	/* From the entry after the turn's: of VMs equally behind, the next one in order. */
	for (unsigned i = 0; i < s->count; i++) {
		struct sched_share_vm *e = &s->vms[(first + i) % s->count];

		if (!e->runnable)
			continue;
		if (e->gen != vm_generation(e->vm))
			start_entry(s, e, e->vm); /* the slot holds another VM now */
		/* No banked credit: a VM that was not runnable was not owed anything meanwhile. */
		e->vtime = MAX(e->vtime, s->floor);
		if (!least || e->vtime < least->vtime)
			least = e;
		if (keep && e != turn && e->boosted && e->vtime < turn->vtime &&
		    (!owed || e->vtime < owed->vtime))
			owed = e;
		e->runnable = e->boosted = false;
		n++;
	}
	s->contending = n;
	if (!least)
		return NULL;
	s->floor = least->vtime;
	if (keep && !owed)
		return turn->vm;
	/* A new turn: to a VM that woke while it was behind, else to the one furthest behind. */
	s->turn = owed ? owed : least;
	s->turn_used = 0;
	s->turn_over = false;
	return s->turn->vm;
}

void sched_share_charge(struct sched_share *s, struct vm *vm, uint64_t ticks)
{
	struct sched_share_vm *e =
	    s->last && s->last->vm == vm ? s->last : sched_share_entry(s, vm);

	charge(e, ticks);
	e->run += ticks;
	s->run += ticks;
	if (e == s->turn)
		s->turn_used += ticks;
}

bool sched_share_may_preempt(struct sched_share *s, struct vm *waking, struct vm *running,
			     uint64_t ran)
{
	struct sched_share_vm *w, *r;

	if (waking == running)
		return true;
	w = sched_share_entry(s, waking);
	r = sched_share_entry(s, running);
	if (MAX(w->vtime, s->floor) >= r->vtime + vtime_of(running, ran))
		return false; /* it has had its share: it waits for its VM's turn */
	s->turn_over = true;
	return true;
}

struct vm *sched_share_pick_vm(struct sched_share *s, struct vcpu *const *vcpus, unsigned count,
			       struct vm *turn, bool *shared)
{
	struct vm *one = NULL, *chosen;
	bool several = false;

	for (unsigned i = 0; i < count; i++) {
		const struct vcpu *v = vcpus[i];

		if (v->state == VCPU_OFF || !vm_alive(v->vm))
			continue;
		if (!one)
			one = v->vm;
		several |= v->vm != one;
	}
	if (!several) {
		/* One VM left here (or none): it is the choice, whoever's turn it was. */
		*shared = false;
		return turn && turn != one ? one : NULL;
	}
	if (!*shared) {
		/* Waits so far count from now for the rules within a VM. */
		*shared = true;
		for (unsigned i = 0; i < count; i++)
			vcpus[i]->sched.away_at = sched_share_away(s, vcpus[i]->vm);
	}
	for (unsigned i = 0; i < count; i++) {
		const struct vcpu *v = vcpus[i];

		if (v->state == VCPU_RUNNABLE && vm_alive(v->vm))
			sched_share_runnable(s, v->vm, v->sched.boost != 0);
	}
	chosen = sched_share_choose(s, SCHED_SLICE_US * hal_counter_freq() / 1000000);
	if (chosen && (turn ? chosen != turn : s->contending > 1))
		return chosen;
	return NULL;
}

// SPDX-License-Identifier: MIT
/* Which vCPUs each run queue holds: VMs join (sched_assign_vm()) and leave (their VM stopped)
 * while the queues run (docs/scheduling.md, "VMs join and leave"). */
#include <stdatomic.h>

#include <core/console.h>
#include <core/err.h>
#include <core/ffa.h>
#include <core/hwinfo.h>
#include <core/irq.h>
#include <core/sched.h>
#include <core/spinlock.h>
#include <core/vm.h>
#include <hal/cpu.h>
#include <hal/time.h>

#include "sched_internal.h"

/* Every queue's joining list (VMs join rarely: one lock is enough). */
static struct spinlock join_lock = SPINLOCK_INIT;
/* How many vCPUs of each VM slot some run queue still holds: 0 once every pCPU has let go of
 * them (sched_vm_gone()). */
static _Atomic unsigned vm_members[VM_MAX];
/* How many times a VM has stopped, ever: a queue looks for stopped VMs' vCPUs only when this
 * moved since it last looked (or vCPUs joined it), not at every turn. */
static _Atomic unsigned vm_stops;

void sched_note_vm_stopped(void)
{
	atomic_fetch_add(&vm_stops, 1);
}

/* Under join_lock: `vcpu` joins `q` (its pCPU's run loop takes it in). */
static void join(struct sched_queue *q, struct vcpu *vcpu, unsigned pcpu)
{
	unsigned n = atomic_load_explicit(&q->joining_count, memory_order_relaxed);

	q->joining[n] = vcpu;
	vcpu->pcpu = pcpu;
	__atomic_store_n(&vcpu->sched.kicked, true, __ATOMIC_RELEASE); /* unknown: look */
	atomic_fetch_add(&q->members, 1);
	atomic_fetch_add(&vm_members[vcpu->vm->id], 1);
	atomic_store_explicit(&q->joining_count, n + 1, memory_order_release);
}

int sched_assign(struct vcpu *vcpu, unsigned pcpu)
{
	return sched_assign_vm(vcpu->vm, &pcpu, vcpu->id, 1);
}

int sched_assign_vm(struct vm *vm, const unsigned *pcpu_of, unsigned first, unsigned n)
{
	unsigned need[HV_MAX_CPUS] = {0};
	int ret = HV_OK;

	for (unsigned i = 0; i < n; i++) {
		if (pcpu_of[i] >= HV_MAX_CPUS)
			return HV_EINVAL;
		need[pcpu_of[i]]++;
	}
	/* All or nothing: a VM never runs with some of its vCPUs left out. */
	spin_lock(&join_lock);
	for (unsigned p = 0; p < HV_MAX_CPUS; p++) {
		if (need[p] > SCHED_MAX_VCPUS - atomic_load(&sched_queues[p].members))
			ret = HV_ENOMEM;
	}
	for (unsigned i = 0; !ret && i < n; i++)
		join(&sched_queues[pcpu_of[i]], &vm->vcpus[first + i], pcpu_of[i]);
	spin_unlock(&join_lock);
	return ret;
}

void sched_members_add(const struct vm *vm)
{
	atomic_fetch_add(&vm_members[vm->id], 1);
}

bool sched_vm_gone(const struct vm *vm)
{
	return atomic_load_explicit(&vm_members[vm->id], memory_order_acquire) == 0;
}

/* The queue's own pCPU: take in the vCPUs that joined it. */
void sched_queue_take_joining(struct sched_queue *q)
{
	if (!atomic_load_explicit(&q->joining_count, memory_order_acquire))
		return;
	spin_lock(&join_lock);
	for (unsigned i = 0; i < q->joining_count; i++) {
		struct vcpu *v = q->joining[i];

		q->mixed |= q->count && q->vcpus[0]->vm != v->vm;
		q->vcpus[q->count++] = v;
	}
	atomic_store_explicit(&q->joining_count, 0, memory_order_relaxed);
	spin_unlock(&join_lock);
	q->stops_seen = 0; /* their VM may have stopped already: look */
}

/* The queue's own pCPU: its statistics count while it holds vCPUs (sched_stats_pcpu_log()). */
void sched_queue_count(struct sched_queue *q)
{
	if (!q->count != !q->counting) {
		q->counting = q->count;
		sched_stats_queue(q->counting, hal_counter_now());
	}
}

bool sched_queue_stops_moved(const struct sched_queue *q)
{
	return q->stops_seen != atomic_load_explicit(&vm_stops, memory_order_acquire) + 1;
}

/* The queue's own pCPU: every vCPU of a stopped VM leaves, put (if parked) and off. The last
 * of a VM to leave any queue tells the VM manager, which may then free the VM (and read this
 * pCPU's statistics: they are settled first). */
void sched_queue_drop_stopped(struct sched_queue *q)
{
	struct vm *left[SCHED_MAX_VCPUS];
	unsigned kept = 0, n = 0;
	/* Acquire: a stop counted here has its VM's state stored before it (vm_stop()). */
	unsigned stops = atomic_load_explicit(&vm_stops, memory_order_acquire);

	if (q->stops_seen == stops + 1)
		return; /* no VM stopped since the last look */
	q->stops_seen = stops + 1;
	for (unsigned i = 0; i < q->count; i++) {
		struct vcpu *v = q->vcpus[i];

		if (vm_alive(v->vm)) {
			q->vcpus[kept++] = v;
			continue;
		}
		if (q->parked == v) {
			vcpu_unload(v);
			q->parked = NULL;
		}
		ffa_msg_vcpu_gone(v); /* a peer blocked in a call with it gets its answer */
		vcpu_set_state(v, VCPU_OFF);
		left[n++] = v->vm;
	}
	q->count = kept;
	if (q->next >= kept)
		q->next = 0;
	sched_queue_count(q);
	for (unsigned i = 0; i < n; i++) {
		atomic_fetch_sub(&q->members, 1);
		/* Release: whoever sees the VM gone sees everything this pCPU did with it. */
		if (atomic_fetch_sub_explicit(&vm_members[left[i]->id], 1, memory_order_release) ==
		    1)
			sched_manage_wake();
	}
}

bool sched_wait_served(struct vm *vm, uint64_t timeout_ticks)
{
	uint64_t poll = (uint64_t)SCHED_SLICE_US * hal_counter_freq() / 1000000, deadline;

	/* This pCPU takes the console's input interrupt: it idles here, not just spins, while
	 * the VM runs elsewhere, waking every slice to see whether it has stopped. */
	while (vm_alive(vm)) {
		console_drain(CONSOLE_EXIT_BYTES);
		hal_hyp_timer_arm(hal_counter_now() + poll);
		hal_wait_for_interrupt();
		irq_handle_physical(NULL);
	}
	hal_hyp_timer_cancel();
	deadline = hal_counter_now() + timeout_ticks;
	while (!sched_vm_gone(vm)) {
		if (hal_counter_now() >= deadline)
			return false;
		hal_cpu_relax();
	}
	return true;
}

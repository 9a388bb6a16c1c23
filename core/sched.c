// SPDX-License-Identifier: MIT
/* Per-pCPU round-robin scheduling of vCPUs (see core/sched.h). */
#include <stdatomic.h>

#include <core/console.h>
#include <core/err.h>
#include <core/hwinfo.h>
#include <core/irq.h>
#include <core/lib.h>
#include <core/pcpu.h>
#include <core/sched.h>
#include <core/trap.h>
#include <core/vgic.h>
#include <core/vm.h>
#include <core/vtimer.h>
#include <hal/cpu.h>
#include <hal/gic.h>
#include <hal/time.h>

struct sched_queue {
	struct vcpu *vcpus[SCHED_MAX_VCPUS];
	unsigned count;
	unsigned next; /* round-robin cursor */
	bool yield;    /* the slice ended (EL2 timer) */
};

static struct sched_queue queues[HV_MAX_CPUS];
/* Per pCPU: another pCPU kicked a vCPU here that was not running (set before its SGI). */
static atomic_bool kicked_waiting[HV_MAX_CPUS];
/* The queue each pCPU is running (its own, or a one-vCPU queue of sched_run_one()). */
static struct sched_queue *active[HV_MAX_CPUS];

int sched_assign(struct vcpu *vcpu, unsigned pcpu)
{
	struct sched_queue *q;

	if (pcpu >= HV_MAX_CPUS)
		return HV_EINVAL;
	q = &queues[pcpu];
	if (q->count == SCHED_MAX_VCPUS)
		return HV_ENOMEM;
	q->vcpus[q->count++] = vcpu;
	vcpu->pcpu = pcpu;
	return HV_OK;
}

void sched_timer_interrupt(void)
{
	struct sched_queue *q = active[hal_cpu_id()];

	hal_hyp_timer_cancel(); /* a level: quiet until re-armed for the next slice */
	if (q)
		q->yield = true;
}

void sched_kick(struct vcpu *target)
{
	unsigned here = hal_cpu_id();
	struct sched_queue *q = active[here];
	const struct pcpu *p;

	if (target->pcpu == here) {
		/* End the running slice at its next exit so the target gets its turn. */
		if (q && target->state != VCPU_RUNNING)
			q->yield = true;
		return;
	}
	p = pcpu_get(target->pcpu);
	if (!p)
		return;
	/* Read without its pCPU's say: a stale answer costs one slice ended early, or the
	 * target waiting for its turn in the round robin, never the new state itself. */
	if (target->state != VCPU_RUNNING)
		atomic_store_explicit(&kicked_waiting[target->pcpu], true, memory_order_release);
	hal_gic_send_sgi(p->mpidr, IRQ_KICK_SGI);
}

void sched_kick_interrupt(void)
{
	unsigned here = hal_cpu_id();
	struct sched_queue *q = active[here];

	if (atomic_exchange_explicit(&kicked_waiting[here], false, memory_order_acquire) && q)
		q->yield = true;
}

bool sched_should_yield(void)
{
	struct sched_queue *q = active[hal_cpu_id()];

	return q && q->yield;
}

/* A blocked vCPU wakes for an interrupt it would take, or when its timer fires (once loaded,
 * the hardware timer then raises the interrupt itself). */
static bool wakes(struct vcpu *v)
{
	return vgic_wants_wakeup(v) || hal_counter_now() >= vtimer_deadline(v);
}

static struct vcpu *pick(struct sched_queue *q)
{
	/* Wake every blocked vCPU whose time has come before choosing, not just those ahead of
	 * the choice: a past deadline left behind would arm the EL2 timer in the past and end the
	 * chosen vCPU's slice before it ran a single instruction. */
	for (unsigned i = 0; i < q->count; i++) {
		struct vcpu *v = q->vcpus[i];

		if (v->state == VCPU_BLOCKED && vm_alive(v->vm) && wakes(v))
			v->state = VCPU_RUNNABLE;
	}
	for (unsigned i = 0; i < q->count; i++) {
		struct vcpu *v = q->vcpus[(q->next + i) % q->count];

		if (!vm_alive(v->vm))
			continue;
		if (v->state == VCPU_RUNNABLE) {
			q->next = (q->next + i + 1) % q->count;
			return v;
		}
	}
	return NULL;
}

static bool anyone_alive(const struct sched_queue *q)
{
	for (unsigned i = 0; i < q->count; i++) {
		if (vm_alive(q->vcpus[i]->vm))
			return true;
	}
	return false;
}

static unsigned runnable_count(const struct sched_queue *q)
{
	unsigned n = 0;

	for (unsigned i = 0; i < q->count; i++)
		n += q->vcpus[i]->state == VCPU_RUNNABLE && vm_alive(q->vcpus[i]->vm);
	return n;
}

/* The earliest software timer deadline of the blocked vCPUs (UINT64_MAX for none). */
static uint64_t earliest_deadline(const struct sched_queue *q)
{
	uint64_t first = UINT64_MAX;

	for (unsigned i = 0; i < q->count; i++) {
		if (q->vcpus[i]->state == VCPU_BLOCKED)
			first = MIN(first, vtimer_deadline(q->vcpus[i]));
	}
	return first;
}

/* CNTHP for whichever comes first: the end of the slice (if someone else waits for the
 * pCPU) or a blocked vCPU's timer. */
static void arm_timer(const struct sched_queue *q, bool slicing)
{
	uint64_t when = earliest_deadline(q);

	if (slicing)
		when = MIN(when, hal_counter_now() + SCHED_SLICE_US * hal_counter_freq() / 1000000);
	if (when == UINT64_MAX)
		hal_hyp_timer_cancel();
	else
		hal_hyp_timer_arm(when);
}

/* With no vCPU to run: one budget of work the exits left over (a device's deferred work, the
 * guests' console output), so that it goes on while the guests wait for it. False if none. */
static bool idle_work(const struct sched_queue *q)
{
	bool any = !console_empty();

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

static void run_queue(struct sched_queue *q)
{
	active[hal_cpu_id()] = q;
	while (anyone_alive(q)) {
		struct vcpu *v = pick(q);

		if (!v && idle_work(q)) {
			/* Work left over from exits: one budget, then look again (a blocked vCPU's
			 * timer or interrupt may have come meanwhile). */
			irq_handle_physical(NULL);
			q->yield = false;
			continue;
		}
		if (!v) {
			/* Idle: sleep until an interrupt, maybe the timer of a blocked vCPU. */
			arm_timer(q, false);
			hal_wait_for_interrupt();
			irq_handle_physical(NULL);
			q->yield = false;
			continue;
		}
		/* Slices matter only when someone else waits for this pCPU. */
		arm_timer(q, runnable_count(q) > 1);
		q->yield = false;
		vcpu_run_slice(v);
	}
	hal_hyp_timer_cancel();
	for (unsigned i = 0; i < q->count; i++)
		q->vcpus[i]->state = VCPU_OFF; /* every VM here has stopped */
	active[hal_cpu_id()] = NULL;
}

void sched_run(void)
{
	run_queue(&queues[hal_cpu_id()]);
}

void sched_run_one(struct vcpu *vcpu)
{
	struct sched_queue q = {.vcpus = {vcpu}, .count = 1};

	vcpu->pcpu = hal_cpu_id();
	run_queue(&q);
}

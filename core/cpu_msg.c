// SPDX-License-Identifier: MIT
/* Typed messages between pCPUs: a mailbox per pCPU, the SGI that announces it, and one handler
 * per message kind (core/cpu_msg.h; docs/scheduling.md, "Several pCPUs"). */
#include <stddef.h>

#include <core/check.h>
#include <core/cpu_msg.h>
#include <core/err.h>
#include <core/irq.h>
#include <core/pcpu.h>
#include <core/sched.h>
#include <core/smccc.h>
#include <core/spinlock.h>
#include <core/vm.h>
#include <hal/cpu.h>
#include <hal/gic.h>

struct mailbox {
	_Atomic uint64_t kicks; /* bit n: CPU_MSG_KICK of vcpu_by_index(n) */
	struct spinlock lock;	/* the ring */
	struct cpu_msg ring[CPU_MSG_SLOTS];
	unsigned head;		/* the oldest message */
	_Atomic unsigned count; /* how many wait; written under the lock */
};

static struct mailbox boxes[HV_MAX_CPUS];

_Static_assert(VCPU_INDEX_MAX <= 64, "a kick bit per vCPU in one 64-bit word");
/* Room for every message that must arrive: one CPU_ON per vCPU of a run queue, one VM_STOP per
 * VM, one START, one MANAGE (cpu_msg.h). */
_Static_assert(CPU_MSG_SLOTS >= SCHED_MAX_VCPUS + VM_MAX + 2,
	       "the mailbox cannot hold every CPU_ON and VM_STOP that may be in flight");

typedef void cpu_msg_handler(void *arg);

static void on_kick(void *arg)
{
	sched_kick_interrupt(arg);
}

static void on_vcpu_on(void *arg)
{
	psci_vcpu_on_here(arg);
}

static void on_vm_stop(void *arg)
{
	sched_kick_vm_stopped(arg);
}

static void on_start(void *arg)
{
	(void)arg;
	sched_start_interrupt(); /* the run loop takes joining vCPUs between turns */
}

static void on_manage(void *arg)
{
	(void)arg;
	sched_manage_interrupt();
}

/* One handler per kind, in the owning module (Bao's CPU_MSG_HANDLER table, built here). */
static cpu_msg_handler *const handlers[CPU_MSG_NR] = {
    [CPU_MSG_KICK] = on_kick,	[CPU_MSG_VCPU_ON] = on_vcpu_on, [CPU_MSG_VM_STOP] = on_vm_stop,
    [CPU_MSG_START] = on_start, [CPU_MSG_MANAGE] = on_manage,
};

/* Whether the same message already waits: it asks for the same look, once is enough. */
static bool already_waiting(const struct mailbox *b, enum cpu_msg_kind kind, void *arg)
{
	for (unsigned i = 0; i < b->count; i++) {
		const struct cpu_msg *m = &b->ring[(b->head + i) % CPU_MSG_SLOTS];

		if (m->kind == kind && m->arg == arg)
			return true;
	}
	return false;
}

/* Under the lock: queue the message unless the same one waits or the ring is full (*full);
 * true if the pCPU must be signalled (the ring was empty: otherwise the SGI of the first
 * waiting message is on its way, and the drain it causes takes this one too). */
static bool enqueue(struct mailbox *b, enum cpu_msg_kind kind, void *arg, bool *full)
{
	unsigned n = b->count;

	*full = false;
	if (already_waiting(b, kind, arg))
		return false;
	if (n == CPU_MSG_SLOTS) {
		*full = true;
		return false;
	}
	b->ring[(b->head + n) % CPU_MSG_SLOTS] = (struct cpu_msg){kind, arg};
	atomic_store_explicit(&b->count, n + 1, memory_order_relaxed);
	return n == 0;
}

/* A message for the ring, out of line: a kick (every interrupt sent to a vCPU on another
 * pCPU) does not pay for its stack frame. */
static __attribute__((noinline)) bool send_to_ring(struct mailbox *b, enum cpu_msg_kind kind,
						   void *arg)
{
	bool full, signal;

	spin_lock(&b->lock);
	signal = enqueue(b, kind, arg, &full);
	spin_unlock(&b->lock);
	/* Every kind in the ring is bounded by the vCPUs and VMs of a pCPU (cpu_msg.h): a full
	 * ring means a sender broke that rule. */
	CHECK(!full);
	return signal;
}

int cpu_msg_send(unsigned pcpu, enum cpu_msg_kind kind, void *arg)
{
	const struct pcpu *p = pcpu_get(pcpu);
	struct mailbox *b;
	bool signal;

	CHECK(kind < CPU_MSG_NR);
	if (!p)
		return HV_ENOENT;
	b = &boxes[pcpu];
	if (kind == CPU_MSG_KICK) {
		uint64_t bit;

		CHECK(arg); /* a kick names its vCPU */
		bit = 1ULL << vcpu_index(arg);

		/* Release: the interrupt state the kick is about is visible to the handler. */
		signal = !(atomic_fetch_or_explicit(&b->kicks, bit, memory_order_acq_rel) & bit);
	} else {
		signal = send_to_ring(b, kind, arg);
	}
	/* After the store: the SGI's DSB (hal_gic_send_sgi()) puts the message, and what it
	 * refers to, before the target's look. */
	if (signal)
		hal_gic_send_sgi(p->mpidr, IRQ_KICK_SGI);
	return HV_OK;
}

/* Under the lock: the ring's messages, in order, into `out` (CPU_MSG_SLOTS entries). */
static unsigned take(struct mailbox *b, struct cpu_msg *out, bool empty)
{
	unsigned n = b->count;

	for (unsigned i = 0; i < n; i++)
		out[i] = b->ring[(b->head + i) % CPU_MSG_SLOTS];
	if (empty) {
		b->head = (b->head + n) % CPU_MSG_SLOTS;
		atomic_store_explicit(&b->count, 0, memory_order_relaxed);
	}
	return n;
}

unsigned cpu_msg_handle(void)
{
	struct mailbox *b = &boxes[hal_cpu_id()];
	struct cpu_msg msgs[CPU_MSG_SLOTS];
	unsigned n = 0, handled;
	uint64_t kicks;

	/* The ring's lock only when something is in it: a message added after this look brings
	 * its own SGI (its sender found the ring empty). */
	if (atomic_load_explicit(&b->count, memory_order_acquire)) {
		spin_lock(&b->lock);
		n = take(b, msgs, true);
		spin_unlock(&b->lock);
	}
	kicks = atomic_exchange_explicit(&b->kicks, 0, memory_order_acq_rel);
	/* Without the lock: a handler may send messages, to this pCPU too. */
	for (unsigned i = 0; i < n; i++) {
		CHECK(msgs[i].kind < CPU_MSG_NR && handlers[msgs[i].kind]);
		handlers[msgs[i].kind](msgs[i].arg);
	}
	/* Counted one by one: no population count (a libgcc call at EL2) at every kick. */
	for (handled = n; kicks; kicks &= kicks - 1, handled++)
		on_kick(vcpu_by_index((unsigned)__builtin_ctzll(kicks)));
	return handled;
}

unsigned cpu_msg_peek(unsigned pcpu, struct cpu_msg *out, unsigned max)
{
	struct cpu_msg msgs[CPU_MSG_SLOTS];
	unsigned n, k;
	uint64_t kicks;

	if (pcpu >= HV_MAX_CPUS)
		return 0;
	spin_lock(&boxes[pcpu].lock);
	n = take(&boxes[pcpu], msgs, false);
	spin_unlock(&boxes[pcpu].lock);
	for (unsigned i = 0; i < n && i < max; i++)
		out[i] = msgs[i];
	kicks = atomic_load_explicit(&boxes[pcpu].kicks, memory_order_acquire);
	for (k = n; kicks; kicks &= kicks - 1, k++) {
		if (k < max)
			out[k] = (struct cpu_msg){CPU_MSG_KICK,
						  vcpu_by_index((unsigned)__builtin_ctzll(kicks))};
	}
	return k;
}

void cpu_msg_reset(void)
{
	for (unsigned i = 0; i < HV_MAX_CPUS; i++) {
		spin_lock(&boxes[i].lock);
		boxes[i].head = 0;
		atomic_store(&boxes[i].count, 0);
		atomic_store(&boxes[i].kicks, 0);
		spin_unlock(&boxes[i].lock);
	}
}

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
	struct spinlock lock;
	struct cpu_msg ring[CPU_MSG_SLOTS];
	unsigned head, count; /* the oldest message, and how many wait */
	unsigned kicks;	      /* KICK messages among them */
	bool kick_all;	      /* kicks beyond CPU_MSG_KICK_SLOTS: one KICK(NULL) after the rest */
};

static struct mailbox boxes[HV_MAX_CPUS];

/* Room for every message that must arrive: one CPU_ON per vCPU of a run queue, one VM_STOP per
 * VM, besides the kicks' share (cpu_msg.h). */
_Static_assert(CPU_MSG_SLOTS >= CPU_MSG_KICK_SLOTS + SCHED_MAX_VCPUS + VM_MAX,
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

/* One handler per kind, in the owning module (Bao's CPU_MSG_HANDLER table, built here). */
static cpu_msg_handler *const handlers[CPU_MSG_NR] = {
    [CPU_MSG_KICK] = on_kick,
    [CPU_MSG_VCPU_ON] = on_vcpu_on,
    [CPU_MSG_VM_STOP] = on_vm_stop,
};

static bool waiting(const struct mailbox *b)
{
	return b->count || b->kick_all;
}

/* Whether the same message already waits: it asks for the same look, once is enough. */
static bool already_waiting(const struct mailbox *b, enum cpu_msg_kind kind, void *arg)
{
	if (kind == CPU_MSG_KICK && b->kick_all)
		return true; /* the coalesced kick looks at every vCPU */
	for (unsigned i = 0; i < b->count; i++) {
		const struct cpu_msg *m = &b->ring[(b->head + i) % CPU_MSG_SLOTS];

		if (m->kind == kind && m->arg == arg)
			return true;
	}
	return false;
}

/* Under the lock: queue the message; true if the pCPU must be signalled (its mailbox was
 * empty: otherwise the SGI of the first waiting message is on its way, and the drain it
 * causes takes this one too). */
static bool enqueue(struct mailbox *b, enum cpu_msg_kind kind, void *arg)
{
	bool was_empty = !waiting(b);

	if (already_waiting(b, kind, arg))
		return false;
	if (kind == CPU_MSG_KICK && (b->kicks == CPU_MSG_KICK_SLOTS || arg == NULL)) {
		b->kick_all = true;
		return was_empty;
	}
	/* Kicks are bounded above, and every other kind by the vCPUs and VMs of a pCPU
	 * (cpu_msg.h): a full ring means a sender broke that rule. */
	CHECK(b->count < CPU_MSG_SLOTS);
	b->ring[(b->head + b->count) % CPU_MSG_SLOTS] = (struct cpu_msg){kind, arg};
	b->count++;
	if (kind == CPU_MSG_KICK)
		b->kicks++;
	return was_empty;
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
	spin_lock(&b->lock);
	signal = enqueue(b, kind, arg);
	spin_unlock(&b->lock);
	/* After the unlock: the SGI's DSB (hal_gic_send_sgi()) and the lock's release both put
	 * the message, and what it refers to, before the target's look. */
	if (signal)
		hal_gic_send_sgi(p->mpidr, IRQ_KICK_SGI);
	return HV_OK;
}

/* Under the lock: every waiting message, in order, into `out` (CPU_MSG_SLOTS + 1 entries). */
static unsigned take(struct mailbox *b, struct cpu_msg *out, bool empty)
{
	unsigned n = 0;

	for (; n < b->count; n++)
		out[n] = b->ring[(b->head + n) % CPU_MSG_SLOTS];
	if (b->kick_all)
		out[n++] = (struct cpu_msg){CPU_MSG_KICK, NULL};
	if (empty) {
		b->head = (b->head + b->count) % CPU_MSG_SLOTS;
		b->count = b->kicks = 0;
		b->kick_all = false;
	}
	return n;
}

unsigned cpu_msg_handle(void)
{
	struct mailbox *b = &boxes[hal_cpu_id()];
	struct cpu_msg msgs[CPU_MSG_SLOTS + 1];
	unsigned n;

	spin_lock(&b->lock);
	n = take(b, msgs, true);
	spin_unlock(&b->lock);
	/* Without the lock: a handler may send messages, to this pCPU too. */
	for (unsigned i = 0; i < n; i++) {
		CHECK(msgs[i].kind < CPU_MSG_NR && handlers[msgs[i].kind]);
		handlers[msgs[i].kind](msgs[i].arg);
	}
	return n;
}

unsigned cpu_msg_peek(unsigned pcpu, struct cpu_msg *out, unsigned max)
{
	struct cpu_msg msgs[CPU_MSG_SLOTS + 1];
	unsigned n;

	if (pcpu >= HV_MAX_CPUS)
		return 0;
	spin_lock(&boxes[pcpu].lock);
	n = take(&boxes[pcpu], msgs, false);
	spin_unlock(&boxes[pcpu].lock);
	for (unsigned i = 0; i < n && i < max; i++)
		out[i] = msgs[i];
	return n;
}

void cpu_msg_reset(void)
{
	for (unsigned i = 0; i < HV_MAX_CPUS; i++) {
		spin_lock(&boxes[i].lock);
		boxes[i].head = boxes[i].count = boxes[i].kicks = 0;
		boxes[i].kick_all = false;
		spin_unlock(&boxes[i].lock);
	}
}

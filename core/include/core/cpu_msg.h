/* SPDX-License-Identifier: MIT */
#ifndef CORE_CPU_MSG_H
#define CORE_CPU_MSG_H

#include <stdbool.h>
#include <stdint.h>

/* Typed messages between pCPUs (docs/scheduling.md, "Several pCPUs"). One pCPU asks another to
 * look at something that changed: it enqueues a message in the target's mailbox and raises the
 * physical SGI IRQ_KICK_SGI (core/irq.h); the target takes the SGI (leaving its guest or its
 * idle WFI) and cpu_msg_handle() hands every message to the handler of its kind.
 *
 * A message is a nudge, not the data: whatever it refers to (a vCPU's interrupt state, a
 * PSCI CPU_ON request) is written before it is sent, and the mailbox's lock orders those
 * writes before the handler's reads.
 *
 * The mailbox, per pCPU, has two parts:
 * - kicks: one bit per vCPU (vcpu_index()), set with an atomic OR and taken with an atomic
 *   exchange, so kicks are lock-free, never fill anything and never get lost; the same vCPU
 *   kicked twice before its pCPU looks is one kick. An SGI goes out only when the bit was clear.
 * - the other kinds: a FIFO ring of CPU_MSG_SLOTS (kind, arg) entries under a small spinlock
 *   (many senders, and each first looks for the same message already waiting: once is enough).
 *   An SGI goes out only when the ring was empty. Each kind has at most one message per vCPU
 *   or VM in flight (a vCPU is ON_PENDING once until its pCPU answers; VM_STOP is one per VM),
 *   which the ring holds: a full ring is a broken invariant (CHECK). The lock is held for that
 *   look and one store, takes no other lock and is never held while a handler runs, so it is
 *   the innermost lock (docs/locking.md). The pCPU's EL2 code never runs with interrupts
 *   taken, so its own handler cannot deadlock on it.
 * The SGI of the first message still waiting has not been taken yet, and the drain it causes
 * takes the later ones too; a message sent after the drain sends its own. */

struct vcpu;
struct vm;

enum cpu_msg_kind {
	/* arg: a vCPU of the target pCPU that may have something new pending (an interrupt,
	 * a wake-up): the pCPU leaves its guest, so the next entry takes new interrupts into the
	 * list registers, and ends the running turn unless that vCPU is the one running. */
	CPU_MSG_KICK,
	/* arg: a vCPU of the target pCPU that PSCI CPU_ON left ON_PENDING: reset it there from
	 * the recorded entry point and context, and make it runnable (core/psci.c). */
	CPU_MSG_VCPU_ON,
	/* arg: a VM that stopped while vCPUs of it live on the target pCPU: leave them (the
	 * pCPU's run loop sees the VM stopped once it is out of the guest or its idle WFI). */
	CPU_MSG_VM_STOP,
	/* arg: unused. vCPUs joined the target's run queue (sched_start()): it leaves its idle
	 * wait, or ends the running turn, and takes them in. */
	CPU_MSG_START,
	/* arg: unused. To the VM manager's pCPU (sched_loop()): a VM stopped or left every run
	 * queue, or a lifecycle request came (core/vm_ctl.h); the running turn ends so that the
	 * manager looks. */
	CPU_MSG_MANAGE,
	CPU_MSG_NR
};

#define CPU_MSG_SLOTS 32

struct cpu_msg {
	enum cpu_msg_kind kind;
	void *arg;
};

/* Enqueue (`kind`, `arg`) for pCPU `pcpu` and signal it. HV_ENOENT (nothing queued) if that
 * pCPU does not exist. May be called by any pCPU, the target itself included (the SGI to
 * oneself is taken at the next look at physical interrupts). */
int cpu_msg_send(unsigned pcpu, enum cpu_msg_kind kind, void *arg);

/* Take every message waiting for this pCPU and call each kind's handler: the ring's in the
 * order they were sent, then the kicks in vCPU order. Called on IRQ_KICK_SGI (core/irq.c), after the SGI is
 * acknowledged: a message sent after the mailbox was emptied brings its own SGI. Returns the
 * number of messages handled. */
unsigned cpu_msg_handle(void);

/* Copy up to `max` messages waiting for pCPU `pcpu` into `out` in delivery order, without
 * taking them; returns how many are waiting. For tests and diagnostics. */
unsigned cpu_msg_peek(unsigned pcpu, struct cpu_msg *out, unsigned max);

/* Forget every message of every pCPU (pcpu_init(): a new pCPU table starts empty). */
void cpu_msg_reset(void);

#endif

/* SPDX-License-Identifier: MIT */
#ifndef CORE_CPU_MSG_H
#define CORE_CPU_MSG_H

#include <stdbool.h>

/* Typed messages between pCPUs (docs/scheduling.md, "Several pCPUs"). One pCPU asks another to
 * look at something that changed: it enqueues a message in the target's mailbox and raises the
 * physical SGI IRQ_KICK_SGI (core/irq.h); the target takes the SGI (leaving its guest or its
 * idle WFI) and cpu_msg_handle() hands every message to the handler of its kind.
 *
 * A message is a nudge, not the data: whatever it refers to (a vCPU's interrupt state, a
 * PSCI CPU_ON request) is written before it is sent, and the mailbox's lock orders those
 * writes before the handler's reads.
 *
 * The mailbox: per pCPU, a FIFO ring of CPU_MSG_SLOTS (kind, arg) entries under a small
 * spinlock. A lock rather than a lock-free ring because senders are many (any pCPU) and each
 * send first looks for the same message already waiting (coalescing); the lock is held for
 * that scan and one store, takes no other lock and is never held while a handler runs, so
 * it is the innermost lock (docs/locking.md). The pCPU's EL2 code never runs with interrupts
 * taken, so its own handler cannot deadlock on it.
 *
 * Capacity: a message identical to one still waiting is dropped (it asks for the same look).
 * Kicks use at most CPU_MSG_KICK_SLOTS slots; more kicks than that coalesce into one KICK with
 * a NULL argument ("look at every vCPU here"), so kicks never fill the ring. Every other kind
 * has at most one message per vCPU or VM in flight (a vCPU is ON_PENDING once until its
 * pCPU answers; VM_STOP is coalesced per VM), which the rest of the ring holds: a full ring
 * for those is a broken invariant (CHECK). */

struct vcpu;
struct vm;

enum cpu_msg_kind {
	/* arg: a vCPU of the target pCPU that may have something new pending (an interrupt,
	 * a wake-up): the pCPU leaves its guest, so the next entry takes new interrupts into the
	 * list registers, and ends the running turn unless that vCPU is the one running. NULL:
	 * kicks coalesced, any vCPU here may be concerned. */
	CPU_MSG_KICK,
	/* arg: a vCPU of the target pCPU that PSCI CPU_ON left ON_PENDING: reset it there from
	 * the recorded entry point and context, and make it runnable (core/psci.c). */
	CPU_MSG_VCPU_ON,
	/* arg: a VM that stopped while vCPUs of it live on the target pCPU: leave them (the
	 * pCPU's run loop sees the VM stopped once it is out of the guest or its idle WFI). */
	CPU_MSG_VM_STOP,
	CPU_MSG_NR
};

#define CPU_MSG_SLOTS	   32
#define CPU_MSG_KICK_SLOTS 8

struct cpu_msg {
	enum cpu_msg_kind kind;
	void *arg;
};

/* Enqueue (`kind`, `arg`) for pCPU `pcpu` and signal it. HV_ENOENT (nothing queued) if that
 * pCPU does not exist. May be called by any pCPU, the target itself included (the SGI to
 * oneself is taken at the next look at physical interrupts). */
int cpu_msg_send(unsigned pcpu, enum cpu_msg_kind kind, void *arg);

/* Take every message waiting for this pCPU and call each kind's handler, in the order they
 * were sent (a coalesced KICK last). Called on IRQ_KICK_SGI (core/irq.c), after the SGI is
 * acknowledged: a message sent after the mailbox was emptied brings its own SGI. Returns the
 * number of messages handled. */
unsigned cpu_msg_handle(void);

/* Copy up to `max` messages waiting for pCPU `pcpu` into `out` in delivery order (a coalesced
 * KICK last), without taking them; returns how many are waiting. For tests and diagnostics. */
unsigned cpu_msg_peek(unsigned pcpu, struct cpu_msg *out, unsigned max);

/* Forget every message of every pCPU (pcpu_init(): a new pCPU table starts empty). */
void cpu_msg_reset(void);

#endif

/* SPDX-License-Identifier: MIT */
#ifndef CORE_SCHED_SPIN_H
#define CORE_SCHED_SPIN_H

/* Recognising a vCPU that spins for its siblings without an exit (docs/scheduling.md, rule
 * 6). Private to the scheduler: each run queue (core/sched.c) keeps one struct sched_spin
 * for the vCPU it runs, touched only by its own pCPU.
 *
 * Under QEMU TCG a kernel's busy-wait never traps (YIELD and WFE do not), so the only sign of
 * it is where the vCPU is found when the EL2 timer interrupts it: a vCPU found at EL1 within
 * SCHED_SPIN_WINDOW bytes of code of where one of its last SCHED_SPIN_SAMPLES checks found it
 * (at EL1 too, SCHED_SPIN_CHECK_US or more apart), without any other exit since, is waiting
 * in a loop (a spinlock, stop_machine()'s handshake, an IPI's answer). A guest's EL0 work, kernel work that moves on and a vCPU that exits (a WFI
 * that does not block, device accesses: the hypervisor sees it work) are not taken for it.
 *
 * Only guest time counts. Under QEMU without -icount an exit costs tens of microseconds of
 * wall time and a vCPU switch more: the first sample is the turn's first check, not where the
 * turn starts, and a check that comes late (its interrupt was already pending when the
 * guest was entered: the guest may not have run at all) only takes a sample. */

#include <stdbool.h>
#include <stdint.h>

#include <hal/vcpu.h>

/* How often the running vCPU is looked at while a sibling waits for its pCPU: first this
 * often, then, each time it is found not spinning, half as often, down to once per
 * SCHED_SPIN_CHECK_MAX_US (an exit costs tens of microseconds of wall time under QEMU). */
#define SCHED_SPIN_CHECK_US	25
#define SCHED_SPIN_CHECK_MAX_US 1000
/* How close two samples' PCs must be to count as the same loop: a spinlock's or a
 * handshake's wait loop is a few instructions; kernel work that goes on moves further. */
#define SCHED_SPIN_WINDOW 256
/* How many samples of the running vCPU a check compares with: those of its last checks, as
 * long as nothing but the checks made it exit. A wait loop may span two pieces of code far
 * apart (stop_machine()'s multi_cpu_stop() and the rcu_momentary_eqs() it calls each time
 * round): with one sample, checks whose period aliases with the loop's find it in the other
 * piece every time (docs/scheduling.md, "Why the boot figure depended on code layout"). */
#define SCHED_SPIN_SAMPLES 2

struct sched_spin {
	uint64_t pc[SCHED_SPIN_SAMPLES]; /* where the running vCPU was at its last checks, newest
					    first: at EL1, no exit in between but the checks' */
	unsigned kept;			 /* how many of pc[] hold such samples */
	uint64_t exits;			 /* how many exits it had taken at the last check */
	bool sampled;			 /* the last check was in this turn */
	uint64_t interval, max;		 /* to the next check; its upper bound (counter ticks) */
};

/* A vCPU is given the pCPU: no sample yet, the next check in `interval` ticks, the interval
 * growing up to `max`. */
void sched_spin_start(struct sched_spin *s, uint64_t interval, uint64_t max);
/* A check while it runs, at the exit of the check's own interrupt (context `ctx`, `exits`
 * exits so far, that one included; `on_time`: the interrupt came while the guest ran, not
 * late): whether it spun since the samples kept of its turn. The sample is kept for the next
 * checks, the next due `interval` ticks later. */
bool sched_spin_check(struct sched_spin *s, const struct hal_vcpu_ctx *ctx, uint64_t exits,
		      bool on_time);

#endif

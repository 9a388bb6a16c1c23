/* SPDX-License-Identifier: MIT */
#ifndef CORE_SCHED_H
#define CORE_SCHED_H

#include <stdbool.h>
#include <stdint.h>

struct vcpu;

/* The vCPU scheduler: one run queue per pCPU, round robin, a time slice of SCHED_SLICE_US
 * enforced by the EL2 timer (CNTHP) whenever more than one vCPU wants the pCPU. A vCPU that
 * executes WFI with nothing to take blocks; it becomes runnable again when an interrupt is
 * pending for it or its virtual timer's deadline passes (tracked in software while it is not
 * loaded, with CNTHP armed for the earliest one). An idle pCPU sleeps in WFI.
 *
 * vCPU states: OFF (PSCI: not started or CPU_OFF), RUNNABLE, RUNNING (loaded on its pCPU),
 * BLOCKED (in WFI). Each queue is only touched by its own pCPU (vCPUs do not migrate yet). */

#define SCHED_SLICE_US	10000
#define SCHED_MAX_VCPUS 16

/* Put `vcpu` on pCPU `pcpu`'s queue (before that pCPU runs sched_run()). */
int sched_assign(struct vcpu *vcpu, unsigned pcpu);

/* Run the calling pCPU's queue until none of its vCPUs' VMs is running any more. */
void sched_run(void);

/* Run just `vcpu` on the calling pCPU, with blocking and timers as above, until its VM stops. */
void sched_run_one(struct vcpu *vcpu);

/* The EL2 timer fired on this pCPU (core/irq.c): end the current slice. */
void sched_timer_interrupt(void);

/* `target` has something new to do (an SGI, PSCI CPU_ON): let it run soon. On another pCPU
 * that pCPU gets IRQ_KICK_SGI, which makes it leave the guest (or its idle WFI) and, when the
 * target is not the vCPU it runs, end the slice. */
void sched_kick(struct vcpu *target);

/* This pCPU took IRQ_KICK_SGI (core/irq.c). */
void sched_kick_interrupt(void);

/* True once the current slice should end (the running vCPU is left at its next exit). */
bool sched_should_yield(void);

#endif

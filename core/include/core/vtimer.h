/* SPDX-License-Identifier: MIT */
#ifndef CORE_VTIMER_H
#define CORE_VTIMER_H

#include <stdbool.h>

struct vcpu;

/* The EL1 virtual timer of a loaded vCPU (CNTV_*_EL0 live in the hardware, CNTVOFF per VM).
 * Its interrupt reaches the guest as PPI 27 with HW=1 (core/irq.c); this keeps that level
 * honest. */

/* The timer's output: enabled, not masked, and the virtual count has reached CVAL. Computed
 * from the registers rather than read from ISTATUS, which some models update late. */
bool vtimer_asserted(struct vcpu *vcpu);

/* After an exit: a timer interrupt injected but not yet taken whose condition no longer holds
 * (the guest disabled, masked or pushed back its timer) is withdrawn, as a level-sensitive
 * interrupt whose line dropped would be. */
void vtimer_sync(struct vcpu *vcpu);

#endif

/* SPDX-License-Identifier: MIT */
#ifndef CORE_VTIMER_H
#define CORE_VTIMER_H

#include <stdbool.h>
#include <stdint.h>

struct vcpu;

/* The EL1 virtual timer of a loaded vCPU (CNTV_*_EL0 live in the hardware, CNTVOFF per VM).
 * Its interrupt reaches the guest as PPI 27 (VGIC_PPI_VTIMER, whatever physical PPI the host
 * DTB names) with HW=1 (core/irq.c); this keeps that level
 * honest. */

/* The timer's output: enabled, not masked, and the virtual count has reached CVAL. Computed
 * from the registers rather than read from ISTATUS, which some models update late. */
bool vtimer_asserted(struct vcpu *vcpu);

/* CNTV_CTL_EL0 (Arm ARM D23.10.17). */
#define CNTV_CTL_ENABLE (1ULL << 0)
#define CNTV_CTL_IMASK	(1ULL << 1)

/* When the timer fires, in system counter ticks (UINT64_MAX if disabled or masked): what wakes
 * a blocked vCPU that is not loaded. */
uint64_t vtimer_deadline(struct vcpu *vcpu);

/* The same from the registers' values (CNTV_CTL_EL0, CNTV_CVAL_EL0 and the VM's CNTVOFF): for
 * the scheduler, which reads them from the context of a vCPU it has just put. Inline: the
 * responder of every FF-A direct message blocks with its deadline worked out. */
static inline uint64_t vtimer_deadline_of(uint64_t ctl, uint64_t cval, uint64_t cntvoff)
{
	if (!(ctl & CNTV_CTL_ENABLE) || (ctl & CNTV_CTL_IMASK))
		return UINT64_MAX;
	/* A CVAL the physical counter can never reach means "never", not a wrapped past. */
	if (cval > UINT64_MAX - cntvoff)
		return UINT64_MAX;
	return cval + cntvoff;
}

/* After the vCPU is loaded: the physical timer interrupt starts inactive. */
void vtimer_load(struct vcpu *vcpu);

/* The physical timer interrupt `pintid` was taken at EL2 while `vcpu` ran here: inject it with
 * HW=1 (core/vgic.c vgic_inject_hw()) and look after it at each exit (vtimer_sync()). */
void vtimer_fire(struct vcpu *vcpu, uint32_t pintid);

/* Before the vCPU is put: release the physical timer interrupt (core/vgic.c vgic_unmap_hw()). */
void vtimer_put(struct vcpu *vcpu);

/* After an exit, on the vCPU's pCPU: a timer interrupt injected but not yet taken whose
 * condition no longer holds (the guest disabled, masked or pushed back its timer) is
 * withdrawn, as a level-sensitive interrupt whose line dropped would be; a physical one that
 * another pCPU released (GICR_ICPENDR0/ICACTIVER0 from another vCPU) is deactivated here. */
void vtimer_sync(struct vcpu *vcpu);

#endif

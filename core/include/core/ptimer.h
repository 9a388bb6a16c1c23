/* SPDX-License-Identifier: MIT */
#ifndef CORE_PTIMER_H
#define CORE_PTIMER_H

#include <stdbool.h>
#include <stdint.h>

struct vcpu;

/* The EL1 physical timer of a vCPU (CNTP_CTL/CVAL/TVAL_EL0) and its view of the physical
 * counter (CNTPCT_EL0). CNTHCTL_EL2.EL1PCEN and EL1PCTEN are clear, so every access traps and
 * is emulated here from the vCPU's own registers: the guest's physical count is the system
 * counter minus the VM's CNTVOFF, the same as its virtual count, so both timers of a guest
 * run on one clock. Its interrupt reaches the guest as PPI 30 (VGIC_PPI_PTIMER), a level that
 * follows the timer condition (core/vgic.c vgic_set_line()).
 *
 * While the vCPU is loaded, the pCPU's own EL1 physical timer (which the hypervisor does not
 * use otherwise) is armed with the guest's deadline in system-counter time; its PPI, taken at
 * EL2, raises the guest's line (ptimer_fire()). While it is not loaded, the scheduler wakes a
 * blocked vCPU at ptimer_deadline() and the line is raised at its next load. Only a vCPU that
 * has touched the timer pays anything at load and put (`used`). */
struct vcpu_ptimer {
	uint64_t ctl;  /* ENABLE and IMASK as the guest wrote them */
	uint64_t cval; /* compare value, in the guest's count */
	bool used;     /* the guest has written CNTP_CTL, CVAL or TVAL since its reset */
	bool level;    /* the output as the vGIC last saw it */
};

/* A trapped access to CNTP_CTL_EL0, CNTP_CVAL_EL0, CNTP_TVAL_EL0 or CNTPCT_EL0 (for a write
 * *val is the value; for a read the result goes to *val). False if `reg` is none of these or
 * the access is a write to CNTPCT_EL0 (UNDEFINED). */
bool ptimer_access(struct vcpu *vcpu, uint32_t reg, bool read, uint64_t *val);

/* When the timer fires, in system counter ticks (UINT64_MAX if disabled or masked): what wakes
 * a blocked vCPU. Readable from the vCPU's own pCPU at any time. */
uint64_t ptimer_deadline(const struct vcpu *vcpu);

/* The timer's output: enabled, not masked, and the guest's count has reached CVAL. */
bool ptimer_asserted(const struct vcpu *vcpu);

/* After the vCPU is loaded / before it is put: arm or disarm this pCPU's EL1 physical timer
 * for it (nothing unless the guest used its timer). */
void ptimer_load(struct vcpu *vcpu);
void ptimer_put(struct vcpu *vcpu);

/* The pCPU's EL1 physical timer PPI was taken at EL2 while `vcpu` was loaded here. */
void ptimer_fire(struct vcpu *vcpu);

/* A cold reset of the vCPU (creation, PSCI CPU_ON of a vCPU that is off): timer disabled, the
 * output low. */
void ptimer_reset(struct vcpu *vcpu);

#endif

// SPDX-License-Identifier: MIT
/* The EL1 physical timer of each vCPU, emulated (core/include/core/ptimer.h; docs/guest-abi.md,
 * "Board"). Register layouts: Arm ARM D23.10 (CNTP_CTL_EL0, CNTP_CVAL_EL0, CNTP_TVAL_EL0). */
#include <core/ptimer.h>
#include <core/sysreg.h>
#include <core/vgic.h>
#include <core/vm.h>
#include <hal/time.h>

#define CNTP_CTL_ENABLE	 (1ULL << 0)
#define CNTP_CTL_IMASK	 (1ULL << 1)
#define CNTP_CTL_ISTATUS (1ULL << 2) /* read-only */

/* The guest's physical count: the same clock as its virtual one (CNTVOFF per VM). */
static uint64_t guest_count(const struct vcpu *vcpu)
{
	return hal_counter_now() - vcpu->ctx.cntvoff;
}

/* The compare value in system-counter time; UINT64_MAX for one the counter never reaches. */
static uint64_t cval_in_counter_time(const struct vcpu *vcpu)
{
	if (vcpu->ptimer.cval > UINT64_MAX - vcpu->ctx.cntvoff)
		return UINT64_MAX;
	return vcpu->ptimer.cval + vcpu->ctx.cntvoff;
}

/* ISTATUS: the condition CNTPCT >= CVAL of an enabled timer, whatever IMASK says. */
static bool condition_met(const struct vcpu *vcpu)
{
	uint64_t at = cval_in_counter_time(vcpu);

	return (vcpu->ptimer.ctl & CNTP_CTL_ENABLE) && at != UINT64_MAX && hal_counter_now() >= at;
}

uint64_t ptimer_deadline(const struct vcpu *vcpu)
{
	if ((vcpu->ptimer.ctl & (CNTP_CTL_ENABLE | CNTP_CTL_IMASK)) != CNTP_CTL_ENABLE)
		return UINT64_MAX;
	return cval_in_counter_time(vcpu);
}

bool ptimer_asserted(const struct vcpu *vcpu)
{
	return !(vcpu->ptimer.ctl & CNTP_CTL_IMASK) && condition_met(vcpu);
}

/* Bring the guest's line and, while the vCPU is loaded here, the pCPU's timer up to date with
 * the registers: the line follows the output (the vGIC is told only of changes), and the
 * hardware is armed only while the output is still to rise, so its level never stays up at
 * EL2 once the guest's line carries it. */
static void update(struct vcpu *vcpu)
{
	bool level = ptimer_asserted(vcpu);
	uint64_t deadline = ptimer_deadline(vcpu);

	if (level != vcpu->ptimer.level) {
		vcpu->ptimer.level = level;
		vgic_set_line(vcpu->vm, vcpu, VGIC_PPI_PTIMER, level);
	}
	if (!vcpu_loaded_here(vcpu))
		return;
	if (level || deadline == UINT64_MAX)
		hal_guest_ptimer_cancel();
	else
		hal_guest_ptimer_arm(deadline);
}

bool ptimer_access(struct vcpu *vcpu, uint32_t reg, bool read, uint64_t *val)
{
	struct vcpu_ptimer *t = &vcpu->ptimer;

	switch (reg) {
	case SYSREG_CNTPCT_EL0:
	case SYSREG_CNTPCTSS_EL0:
		if (read)
			*val = guest_count(vcpu);
		return read;
	case SYSREG_CNTP_CTL_EL0:
		if (read) {
			*val = t->ctl | (condition_met(vcpu) ? CNTP_CTL_ISTATUS : 0);
			return true;
		}
		t->ctl = *val & (CNTP_CTL_ENABLE | CNTP_CTL_IMASK);
		break;
	case SYSREG_CNTP_CVAL_EL0:
		if (read) {
			*val = t->cval;
			return true;
		}
		t->cval = *val;
		break;
	case SYSREG_CNTP_TVAL_EL0:
		/* TVAL is the signed 32-bit distance to CVAL; bits [63:32] read as zero. */
		if (read) {
			*val = (uint32_t)(t->cval - guest_count(vcpu));
			return true;
		}
		t->cval = guest_count(vcpu) + (uint64_t)(int64_t)(int32_t)*val;
		break;
	default:
		return false;
	}
	t->used = true;
	update(vcpu);
	return true;
}

void ptimer_load(struct vcpu *vcpu)
{
	if (vcpu->ptimer.used)
		update(vcpu);
}

void ptimer_put(struct vcpu *vcpu)
{
	/* The guest's deadline must not fire into whatever runs next; its line stays as it is
	 * (a level the guest has not served yet is still pending when it comes back). */
	if (vcpu->ptimer.used)
		hal_guest_ptimer_cancel();
}

void ptimer_fire(struct vcpu *vcpu)
{
	/* The hardware condition is the guest's (its compare value plus CNTVOFF): the output has
	 * risen, and update() moves it onto the guest's line and quiets the hardware before the
	 * PPI is deactivated. */
	update(vcpu);
}

void ptimer_reset(struct vcpu *vcpu)
{
	vcpu->ptimer.ctl = 0;
	vcpu->ptimer.cval = 0;
	vcpu->ptimer.used = false;
	if (vcpu->ptimer.level) {
		vcpu->ptimer.level = false;
		vgic_set_line(vcpu->vm, vcpu, VGIC_PPI_PTIMER, false);
	}
}

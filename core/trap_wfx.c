// SPDX-License-Identifier: MIT
/* Trapped WFI, WFE and their FEAT_WFxT forms with a timeout (WFIT, WFET): where a vCPU says it
 * has nothing to do, and the scheduler can give its pCPU to another vCPU
 * (docs/scheduling.md). */
#include <core/arch.h>
#include <core/console_vm.h>
#include <core/sched.h>
#include <core/trap.h>
#include <core/vgic.h>
#include <core/vm.h>
#include <core/vtimer.h>
#include <hal/time.h>

/* WFI with nothing to take: the vCPU blocks and gives up the pCPU; the scheduler brings it back
 * when an interrupt is pending for it or its timer fires. */
void vcpu_wait_for_interrupt(struct vcpu *vcpu)
{
	vtimer_sync(vcpu);
	sched_clear_kicked(vcpu);
	/* A guest that waits may be waiting for input after a prompt: show the prompt. */
	console_vm_waiting(vcpu->vm);
	if (!vgic_wants_wakeup(vcpu) && !vm_has_deferred_for(vcpu->vm, vcpu))
		vcpu_set_state(vcpu, VCPU_BLOCKED);
}

/* The timeout operand of WFIT/WFET: a virtual count (CNTVCT_EL0), from Rn (XZR reads 0). */
static uint64_t timeout_operand(const struct vcpu *vcpu, uint64_t esr)
{
	unsigned rn = (unsigned)((esr >> ESR_ISS_WFX_RN_SHIFT) & ESR_ISS_WFX_RN_MASK);

	if (!(esr & ESR_ISS_WFX_RV) || rn == 31)
		return 0;
	return vcpu->ctx.x[rn];
}

/* WFIT: as WFI, but the wait also ends once the virtual counter reaches the operand (Arm ARM
 * C6.2.400). A deadline already passed completes at once; one the counter never reaches is
 * an ordinary WFI. */
static void wait_with_timeout(struct vcpu *vcpu, uint64_t virt_deadline)
{
	uint64_t off = vcpu->ctx.cntvoff;
	uint64_t now = hal_counter_now();

	if (now >= off && now - off >= virt_deadline)
		return;
	vcpu_wait_for_interrupt(vcpu);
	if (vcpu->state == VCPU_BLOCKED && virt_deadline <= UINT64_MAX - off)
		vcpu->sched.wfit_deadline = virt_deadline + off;
}

void trap_wfx(struct vcpu *vcpu, uint64_t esr)
{
	vcpu->stats.wfx++;
	vcpu_skip_insn(vcpu);
	switch (esr & ESR_ISS_WFX_TI_MASK) {
	case ESR_ISS_WFX_TI_WFI:
		vcpu_wait_for_interrupt(vcpu);
		break;
	case ESR_ISS_WFX_TI_WFIT:
		wait_with_timeout(vcpu, timeout_operand(vcpu, esr));
		break;
	default:
		/* WFE and WFET may complete at any time (any event, even a spurious one, ends them),
		 * so they never block. WFE traps only while vCPUs share the pCPU: the guest spins
		 * on a lock or for an answer, which a sibling switched out may be holding. */
		sched_yield_to_sibling(vcpu);
		break;
	}
}

// SPDX-License-Identifier: MIT
#include <core/irq.h>
#include <core/log.h>
#include <core/vgic.h>
#include <core/vm.h>
#include <core/vtimer.h>
#include <hal/gic.h>
#include <hal/time.h>
#include <hal/vcpu.h>

/* CNTV_CTL_EL0 (Arm ARM D23.10.17). */
#define CNTV_CTL_ENABLE (1ULL << 0)
#define CNTV_CTL_IMASK	(1ULL << 1)

/* The timer registers: live while the vCPU is loaded, saved in its context otherwise. */
static uint64_t timer_reg(struct vcpu *vcpu, enum hal_el1_reg reg)
{
	return vcpu->state == VCPU_RUNNING ? hal_vcpu_el1_read(&vcpu->ctx, reg)
					   : vcpu->ctx.el1[reg];
}

uint64_t vtimer_deadline(struct vcpu *vcpu)
{
	uint64_t ctl = timer_reg(vcpu, HAL_CNTV_CTL_EL0);

	uint64_t cval;

	if (!(ctl & CNTV_CTL_ENABLE) || (ctl & CNTV_CTL_IMASK))
		return UINT64_MAX;
	cval = timer_reg(vcpu, HAL_CNTV_CVAL_EL0);
	/* A CVAL the physical counter can never reach means "never", not a wrapped past. */
	if (cval > UINT64_MAX - vcpu->ctx.cntvoff)
		return UINT64_MAX;
	return cval + vcpu->ctx.cntvoff;
}

bool vtimer_asserted(struct vcpu *vcpu)
{
	uint64_t deadline = vtimer_deadline(vcpu);

	return deadline != UINT64_MAX && hal_counter_now() >= deadline;
}

void vtimer_load(struct vcpu *vcpu)
{
	static struct log_ratelimit leak_log;
	uint32_t pintid = irq_vtimer_intid();

	/* No vCPU holds the physical timer interrupt between put and load (vtimer_put released
	 * it). One left active would keep this vCPU's timer from ever firing: end it, and say so,
	 * since it means a path that should have released it did not. */
	if (pintid && hal_gic_active(pintid)) {
		log_ratelimited(&leak_log, LOG_WARN,
				"vtimer: physical timer interrupt was left "
				"active; released for %s vcpu %u",
				vcpu->vm->name, vcpu->id);
		hal_gic_deactivate(pintid);
	}
}

void vtimer_put(struct vcpu *vcpu)
{
	/* The physical PPI is this pCPU's: it must not stay active for the next vCPU. */
	vgic_unmap_hw(vcpu, VGIC_PPI_VTIMER);
}

void vtimer_sync(struct vcpu *vcpu)
{
	const struct vgic_irq *irq = &vcpu->vgic.private_irqs[VGIC_PPI_VTIMER];

	/* Only an injected, not yet acknowledged timer interrupt can be stale (read without the
	 * lock: this vCPU's own exit path is the only writer of these fields meanwhile). */
	if (!irq->hw || !irq->pending_latch || irq->active)
		return;
	if (!vtimer_asserted(vcpu))
		vgic_retract_hw(vcpu, VGIC_PPI_VTIMER);
}

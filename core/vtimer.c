// SPDX-License-Identifier: MIT
#include <core/check.h>
#include <core/irq.h>
#include <core/log.h>
#include <core/vgic.h>
#include <core/vm.h>
#include <core/vtimer.h>
#include <hal/cpu.h>
#include <hal/gic.h>
#include <hal/time.h>
#include <hal/vcpu.h>

/* The timer registers: live in this pCPU's hardware while the vCPU is loaded here, saved in
 * its context while it is not loaded. Only its own pCPU asks about a vCPU that runs (the
 * scheduler asks about the vCPUs of its own queue): another pCPU could reach neither. */
static uint64_t timer_reg(struct vcpu *vcpu, enum hal_el1_reg reg)
{
	if (vcpu_loaded_here(vcpu))
		return hal_vcpu_el1_read(&vcpu->ctx, reg);
	CHECK(!vcpu_loaded_elsewhere(vcpu));
	return vcpu->ctx.el1[reg];
}

uint64_t vtimer_deadline(struct vcpu *vcpu)
{
	uint64_t ctl = timer_reg(vcpu, HAL_CNTV_CTL_EL0);

	if (!(ctl & CNTV_CTL_ENABLE) || (ctl & CNTV_CTL_IMASK))
		return UINT64_MAX;
	return vtimer_deadline_of(ctl, timer_reg(vcpu, HAL_CNTV_CVAL_EL0), vcpu->ctx.cntvoff);
}

bool vtimer_asserted(struct vcpu *vcpu)
{
	uint64_t deadline = vtimer_deadline(vcpu);

	return deadline != UINT64_MAX && hal_counter_now() >= deadline;
}

/* Per pCPU: a timer interrupt was injected with HW=1 here (vtimer_fire()) since the last
 * vtimer_load() looked. Written by that pCPU only. */
static bool fired_here[HAL_MAX_CPUS];

void vtimer_load(struct vcpu *vcpu)
{
	static struct log_ratelimit leak_log;
	unsigned here = hal_cpu_id();
	uint32_t pintid;

	/* No vCPU holds the physical timer interrupt between put and load (vtimer_put released
	 * it). One left active would keep this vCPU's timer from ever firing: end it, and say so,
	 * since it means a path that should have released it did not. It can be active only if
	 * a vtimer_fire() here left it so (core/irq.c deactivates every other acknowledge of it
	 * at once), so the GIC is asked only after one: not at every vCPU switch. */
	if (!fired_here[here])
		return;
	fired_here[here] = false;
	pintid = irq_vtimer_intid();
	if (pintid && hal_gic_active(pintid)) {
		log_ratelimited(&leak_log, LOG_WARN,
				"vtimer: physical timer interrupt was left "
				"active; released for %s vcpu %u",
				vcpu->vm->name, vcpu->id);
		hal_gic_deactivate(pintid);
	}
}

void vtimer_fire(struct vcpu *vcpu, uint32_t pintid)
{
	/* The PPI was taken on this pCPU: it is the timer of the vCPU loaded here. */
	CHECK(vcpu_loaded_here(vcpu));
	fired_here[hal_cpu_id()] = true;
	vcpu->vtimer_hw = true;
	vgic_inject_hw(vcpu, VGIC_PPI_VTIMER, pintid);
}

void vtimer_put(struct vcpu *vcpu)
{
	/* The physical PPI is this pCPU's: it must not stay active for the next vCPU. Without a
	 * HW=1 injection in flight (vtimer_hw, kept by vtimer_fire() and vtimer_sync()) the vGIC
	 * holds none and owes no release: nothing to unmap, and no lock taken at every switch
	 * (vcpu_unload() does not even call this then). */
	if (vcpu->vtimer_hw)
		vgic_unmap_hw(vcpu, VGIC_PPI_VTIMER);
	vcpu->vtimer_hw = false;
}

void vtimer_sync(struct vcpu *vcpu)
{
	/* Nothing to look at unless a timer interrupt was injected with HW=1 and is not over yet
	 * (a flag of this pCPU's: registers writes from other pCPUs change the interrupt itself,
	 * which is read under the lock). vgic_retract_hw() acts only while it is not taken. */
	if (!vcpu->vtimer_hw)
		return;
	if (!vtimer_asserted(vcpu))
		vgic_retract_hw(vcpu, VGIC_PPI_VTIMER);
	vcpu->vtimer_hw = vgic_hw_held(vcpu, VGIC_PPI_VTIMER);
}

// SPDX-License-Identifier: MIT
/* WFI in a simulated run: a vCPU waiting for an interrupt gets one (SGI 0), so scripts that
 * contain a WFI go on as a guest woken by a timer would. */
#include <core/gicv3.h>
#include <core/vgic.h>
#include <core/vm.h>
#include <hal-sim/sim_hal.h>
#include <sim/sim.h>

#define WAKE_SGI 0

static struct vcpu *sleeper;

static void wake_with_sgi(void)
{
	vgic_pulse(sleeper->vm, sleeper, WAKE_SGI);
}

void sim_machine_wfi_wakes(struct sim_machine *m)
{
	struct vcpu *v = m->vcpu;
	struct vgic_irq *sgi;

	vgic_init(m->vm, 64);
	m->vm->vgic.enable_grp1 = true;
	sgi = &v->vgic.private_irqs[WAKE_SGI];
	sgi->group = 1;
	sgi->enabled = true;
	/* The guest's CPU interface: Group 1 on, priority mask open. */
	v->ctx.vgic.vmcr = ICH_VMCR_VENG1 | ICH_VMCR_VPMR_MASK << ICH_VMCR_VPMR_SHIFT;
	sleeper = v;
	sim_hal.wfi_hook = wake_with_sgi;
}

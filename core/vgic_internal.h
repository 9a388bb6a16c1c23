/* SPDX-License-Identifier: MIT */
#ifndef CORE_VGIC_INTERNAL_H
#define CORE_VGIC_INTERNAL_H

/* Private to core/vgic*.c: what the interrupt state (vgic.c) and the list registers
 * (vgic_lr.c) share. Every function here needs the VM's vGIC lock held, and says so by taking
 * its struct vgic_locked. */

#include <stdbool.h>
#include <stdint.h>

#include <core/vgic.h>
#include <core/vm.h>

/* vgic_lock() and vgic_unlock(), inline: the fold and the flush of the list registers take the
 * lock at every exit and entry with an interrupt in flight, and a call each way cost them
 * about 20 instructions per pair (docs/trap-path.md). */
static inline struct vgic_locked vgic_lock_inline(struct vm *vm)
{
	spin_lock(&vm->vgic.lock);
	return (struct vgic_locked){.vm = vm};
}

static inline void vgic_unlock_inline(struct vgic_locked *locked)
{
	spin_unlock(&locked->vm->vgic.lock);
	locked->vm = NULL;
}

/* Keep `irq`'s bit in its target's "interesting" set equal to pending || active, and kick the
 * target when it became pending. */
void vgic_mark(struct vgic_locked l, struct vgic_irq *irq);

/* Move an SPI to the vCPU its IROUTER names once it is neither active nor in a list register. */
void vgic_settle_route(struct vgic_locked l, struct vgic_irq *irq);

/* True if `intid` is among `vcpu`'s running priorities (struct vgic_cpu.running). */
bool vgic_is_running(struct vgic_locked l, const struct vcpu *vcpu, uint32_t intid);

static inline bool vgic_group_enabled(const struct vgic_dist *d, const struct vgic_irq *irq)
{
	return irq->group ? d->enable_grp1 : d->enable_grp0;
}

#endif

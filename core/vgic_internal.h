/* SPDX-License-Identifier: MIT */
#ifndef CORE_VGIC_INTERNAL_H
#define CORE_VGIC_INTERNAL_H

/* Private to core/vgic*.c: what the interrupt state (vgic.c) and the list registers
 * (vgic_lr.c) share. Every function here needs the VM's vGIC lock held, and says so by taking
 * its struct vgic_locked. */

#include <stdbool.h>
#include <stdint.h>

#include <core/lib.h>
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

/* Whether nothing is pending or active for `vcpu` and no release is owed on its pCPU, looked at
 * without the lock. Sequentially consistent loads: the caller has just cleared the vCPU's
 * kicked flag (sched_clear_kicked(), or pick()'s exchange), and an interrupt made pending
 * elsewhere sets its bit before it sets that flag again (vgic_mark(), release_hw()), so either
 * this sees the bit or the scheduler sees the kick and asks again. */
static inline bool vgic_nothing_interesting(struct vcpu *vcpu)
{
	uint64_t any = __atomic_load_n(&vcpu->vgic.hw_owed, __ATOMIC_SEQ_CST);

	for (unsigned w = 0; w < ARRAY_SIZE(vcpu->vgic.interesting); w++)
		any |= __atomic_load_n(&vcpu->vgic.interesting[w], __ATOMIC_SEQ_CST);
	return !any;
}

/* The interrupts of `vcpu`'s that a release owed it (release_hw()) ended, on the pCPU it is
 * loaded on: vgic_wants_wakeup() and vgic_wake_flush() call it when vgic.hw_owed is set. */
void vgic_settle_owed_here(struct vgic_locked l, struct vcpu *vcpu);

/* Whether an interrupt of `vcpu`'s would wake it from WFI (vgic_wants_wakeup()), given its CPU
 * interface `vmcr` as far as it can be known here. */
bool vgic_wake_test(struct vgic_locked l, struct vcpu *vcpu, uint64_t vmcr);

static inline bool vgic_group_enabled(const struct vgic_dist *d, const struct vgic_irq *irq)
{
	return irq->group ? d->enable_grp1 : d->enable_grp0;
}

#endif

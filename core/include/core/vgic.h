/* SPDX-License-Identifier: MIT */
#ifndef CORE_VGIC_H
#define CORE_VGIC_H

#include <stdbool.h>
#include <stdint.h>

#include <core/spinlock.h>

/* The virtual GICv3: interrupt state of a VM and its vCPUs (core/vgic.c), and the list
 * registers (core/vgic_lr.c).
 *
 * Software state is the truth between an exit and the next entry: vgic_fold() (after every
 * exit) moves what the list registers say back into it and empties them; vgic_flush() (before
 * every entry) fills them again with the best candidates for this vCPU. A vCPU with nothing
 * pending or active costs neither a list-register read nor a write.
 *
 * More candidates than list registers: the highest priorities go in, and the highest-priority
 * pending one always does (an active interrupt makes room for it), so the guest always sees
 * what it could take; the rest wait in software with the "no pending" maintenance interrupt
 * armed. Active interrupts that do not fit are spilled to software: with EOImode 0 the guest's
 * EOI of one matches no list register and counts in ICH_HCR_EL2.EOIcount, and the vCPU's
 * running priorities (which interrupts it acknowledged and has not EOId yet, in order) say
 * which one it was; with EOImode 1 its deactivations trap (ICH_HCR_EL2.TDIR) and are
 * emulated by vgic_emulate_dir(). (docs/peers.md, rule 2.)
 *
 * Locking: one lock per VM (struct vgic_dist.lock) covers the distributor and every vCPU's
 * interrupt state. Functions that need it held take a struct vgic_locked, which only
 * vgic_lock() hands out, so a caller that did not take the lock does not compile. Lock
 * order: docs/locking.md.
 *
 * Several pCPUs: a register write for an interrupt that sits in the list registers of a vCPU
 * running elsewhere changes the software state, marks what it changed (lr_stale) so that
 * vCPU's fold keeps it instead of the list register's older view, and sched_kick()s it so it
 * takes the change into its list registers. */

#define VGIC_NR_SGIS	16
#define VGIC_NR_PRIVATE 32 /* SGIs 0-15, PPIs 16-31: one set per vCPU */
#define VGIC_MAX_SPIS	96 /* INTIDs 32..127 */
#define VGIC_MAX_INTID	(VGIC_NR_PRIVATE + VGIC_MAX_SPIS)
#define VGIC_SPURIOUS	1023u

/* Preemption levels of the virtual CPU interface: at most 7 group-priority bits. */
#define VGIC_MAX_RUNNING 128

/* struct vgic_irq.lr_stale: state a register write changed while the interrupt sat in the
 * list registers of a running vCPU; that vCPU's fold keeps the software value. */
#define VGIC_STALE_PENDING (1u << 0)
#define VGIC_STALE_ACTIVE  (1u << 1)

#define VGIC_PPI_MAINTENANCE 25
#define VGIC_PPI_VTIMER	     27
#define VGIC_PPI_PTIMER	     30 /* the EL1 physical timer (core/ptimer.c) */
#define VGIC_PPI_PMU	     23 /* the PMU overflow interrupt (core/vpmu.c) */

struct vm;
struct vcpu;

struct vgic_irq {
	uint16_t intid;
	uint8_t priority; /* as written; only the implemented high bits are kept */
	uint8_t group;	  /* 0 or 1 */
	bool enabled;
	bool edge;	    /* GICD_ICFGR: edge-triggered (SGIs always) */
	bool pending_latch; /* edge event or GICD_ISPENDR, until acknowledged */
	bool line;	    /* level-sensitive input, as the device drives it */
	bool active;
	bool hw; /* deactivation also deactivates physical hw_intid */
	/* Released by a register write on another pCPU: hw_intid is a PPI of the target's pCPU,
	 * which still has to deactivate it (vgic_hw_held(), vgic_unmap_hw()). */
	bool hw_owed;
	uint16_t hw_intid;
	uint64_t irouter;    /* SPIs: GICD_IROUTER */
	struct vcpu *target; /* the vCPU it is delivered to (private: its owner) */
	int8_t lr;	     /* list register it is in on `target` after vgic_flush(), -1 if none */
	uint8_t lr_state;    /* the ICH_LR_STATE_* bits vgic_flush() wrote there */
	uint8_t lr_stale;    /* VGIC_STALE_*: changed by a register write while in there */
	bool latch_in_lr;    /* the LR's pending state came from pending_latch */
	bool spilled;	     /* active but pushed out of the list registers (nesting) */
	uint8_t active_priority; /* the priority it was taken at: its EOI drops this one */
};

/* Per vCPU. */
struct vgic_cpu {
	struct vgic_irq private_irqs[VGIC_NR_PRIVATE];
	/* INTIDs that are pending or active for this vCPU: what vgic_flush() looks at. */
	uint64_t interesting[VGIC_MAX_INTID / 64];
	uint16_t lr_used; /* bitmap of list registers vgic_flush() filled */
	/* The next vgic_fold() has work: vgic_flush() wrote ICH_HCR_EL2 (and list registers), or
	 * running priorities are outside the list registers. */
	bool fold_pending;
	uint16_t nr_spilled;
	/* EOImode 0: the INTIDs the guest acknowledged and has not EOId yet, oldest (lowest
	 * priority) first, as its active priority registers hold them. An EOI that matches no
	 * list register is for the newest of these that is not in one. */
	uint16_t running[VGIC_MAX_RUNNING];
	uint8_t nr_running;
	uint8_t nr_lrs, pri_bits;
	bool hw_owed; /* one of its interrupts has hw_owed set (under the vGIC lock) */
	/* Its list registers were filled at its wake-up, for the entry that follows
	 * (vgic_wake_flush()); only its own pCPU reads or writes it. prefill_stale: an interrupt
	 * of its changed since (vgic_mark(), atomic: any pCPU), so that entry fills them again. */
	bool prefilled;
	bool prefill_stale;
	bool redist_waker_sleep; /* GICR_WAKER.ProcessorSleep */
	bool lpis_enabled;	 /* GICR_CTLR.EnableLPIs (no LPIs: always false) */
};

/* Per VM: the distributor. */
struct vgic_dist {
	struct spinlock lock;
	bool enable_grp0, enable_grp1; /* GICD_CTLR.EnableGrp0 / EnableGrp1A (ARE always 1) */
	unsigned nr_spis;	       /* multiple of 32, <= VGIC_MAX_SPIS */
	struct vgic_irq spis[VGIC_MAX_SPIS];
};

/* The VM's vGIC lock, held: the proof a function that needs the lock asks for (as Hafnium's
 * struct vcpu_locked). Made by vgic_lock(), ended by vgic_unlock(), which clears it so that a
 * use after the unlock stops at a NULL VM instead of racing. */
struct vgic_locked {
	struct vm *vm;
};

struct vgic_locked vgic_lock(struct vm *vm);
void vgic_unlock(struct vgic_locked *locked);

/* Set up the VM's distributor with `nr_spis` SPIs (rounded up to 32) and each vCPU's private
 * interrupts: everything disabled, Group 0, priority 0, level (SGIs edge), SPIs routed to
 * vCPU 0. Call after all vCPUs exist. */
void vgic_init(struct vm *vm, unsigned nr_spis);

/* The state of `intid` as seen by `vcpu` (private INTIDs are per vCPU; SPIs are the VM's), or
 * NULL if it does not exist. Valid to read or change only while `l` is held. */
struct vgic_irq *vgic_irq(struct vgic_locked l, struct vcpu *vcpu, uint32_t intid);

/* Inputs from devices and the hypervisor. A device drives a level line; an edge is a pulse.
 * `vcpu` names the target of a private INTID and is ignored for SPIs. */
void vgic_set_line(struct vm *vm, struct vcpu *vcpu, uint32_t intid, bool level);
void vgic_pulse(struct vm *vm, struct vcpu *vcpu, uint32_t intid);
/* A hardware interrupt taken at EL2 for the running vCPU (the virtual timer): virtual `intid`
 * is made pending with HW=1 so the guest's deactivation deactivates physical `hw_intid` (the
 * guest's number comes from its DTB, the physical one from the host's). */
void vgic_inject_hw(struct vcpu *vcpu, uint32_t intid, uint32_t hw_intid);

/* The hardware source of a HW=1 interrupt that the guest has not acknowledged yet went quiet
 * (the guest disabled or reprogrammed its timer): drop the pending state and deactivate the
 * physical interrupt so it can fire again. No effect once the guest took it. */
void vgic_retract_hw(struct vcpu *vcpu, uint32_t intid);

/* On the pCPU `vcpu` is loaded on, after an exit: deactivate the physical interrupt that a
 * register write on another pCPU released for it (the PPI is only this pCPU's to end), and
 * say whether `intid` is still tied to a physical interrupt (HW=1). */
bool vgic_hw_held(struct vcpu *vcpu, uint32_t intid);

/* The vCPU leaves the pCPU: a HW=1 interrupt it still holds (pending or active) stops being
 * tied to the physical one, which is deactivated so the next vCPU's can fire; the guest later
 * ends the virtual one like any other. */
void vgic_unmap_hw(struct vcpu *vcpu, uint32_t intid);

/* PSCI CPU_ON of a vCPU that is off (not loaded): its CPU interface as after a reset - no
 * active priorities or running priorities, ICH_VMCR zero, empty list registers - and its SGIs
 * and PPIs inactive. Takes the vGIC lock. */
void vgic_vcpu_reset(struct vcpu *vcpu);

/* State changes from the distributor/redistributor registers. Each keeps the
 * vCPUs' "interesting" sets right, and each that can make a pending interrupt deliverable
 * kicks its target (sched_kick()), which may be blocked in WFI. */
void vgic_set_enabled(struct vgic_locked l, struct vgic_irq *irq, bool enabled);
void vgic_set_pending(struct vgic_locked l, struct vgic_irq *irq, bool pending);
void vgic_set_active(struct vgic_locked l, struct vgic_irq *irq, bool active);
void vgic_set_priority(struct vgic_locked l, struct vgic_irq *irq, uint8_t priority);
void vgic_set_group(struct vgic_locked l, struct vgic_irq *irq, unsigned group);
/* GICD_CTLR.EnableGrp0 / EnableGrp1A. */
void vgic_set_group_enables(struct vgic_locked l, bool grp0, bool grp1);
void vgic_set_route(struct vgic_locked l, struct vgic_irq *irq, uint64_t irouter);
/* Pending: its latch (an edge, GICD_ISPENDR) or its level line high. Inline: every flush, fold
 * and wake-up test asks it. */
static inline bool vgic_irq_pending(const struct vgic_irq *irq)
{
	return irq->pending_latch || (!irq->edge && irq->line);
}

/* SGIs from a trapped ICC_SGI1R_EL1 / ICC_ASGI1R_EL1 (group 1) or ICC_SGI0R_EL1 (group 0)
 * write of `val` by `vcpu`: delivered to the addressed vCPUs of the same VM only. */
void vgic_send_sgi(struct vcpu *vcpu, uint64_t val, unsigned group);

/* The list registers around a guest entry (see above); both take the VM's lock. */
void vgic_fold(struct vcpu *vcpu);
void vgic_flush(struct vcpu *vcpu);

/* A trapped ICC_DIR_EL1 write of `val` by `vcpu` (ICH_HCR_EL2.TDIR is set while it has active
 * interrupts spilled; the exit's fold has already run): deactivate the INTID if it is active
 * on `vcpu`, as the CPU interface would. Takes the VM's lock. */
void vgic_emulate_dir(struct vcpu *vcpu, uint64_t val);

/* True if `vcpu` has an interrupt that would wake it from WFI: pending, enabled, its group
 * enabled in the distributor and in ICH_VMCR, and above the guest's priority mask. ICH_VMCR
 * is read from the hardware only on the pCPU `vcpu` is loaded on, else from its context;
 * for a vCPU running on another pCPU (whose interface only that pCPU can read) the answer
 * leaves the CPU interface out: true if the distributor would deliver something. */
bool vgic_wants_wakeup(struct vcpu *vcpu);

/* vgic_wants_wakeup() for a vCPU parked on this pCPU (blocked in WFI, still loaded: the pCPU
 * idles for it alone, core/sched_alone.c), and when it is woken, its list registers filled
 * under the same lock: the entry that follows (vgic_flush()) finds them filled and takes the
 * lock no more, unless an interrupt of its changed in between. One lock instead of two on the
 * way from a kick to the guest's handler (docs/trap-path.md). */
bool vgic_wake_flush(struct vcpu *vcpu);

#endif

/* SPDX-License-Identifier: MIT */
#ifndef TESTS_UNIT_VGIC_HARNESS_H
#define TESTS_UNIT_VGIC_HARNESS_H

/* What the vGIC tests (test_vgic*.c) share: a VM with a few vCPUs and its vGIC, the
 * hypervisor's side of an entry exactly as core/exit.c's vcpu_run() does it (vgic_flush()
 * before hal_vcpu_enter(), vgic_fold() after the exit), the guest's side through the virtual
 * CPU interface model of sim/vcpu_if.c, and register writes as vdev/vgic_*.c makes them.
 * Include after <cmocka.h>. */

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>

#include <core/err.h>
#include <core/gicv3.h>
#include <core/lib.h>
#include <core/sysreg.h>
#include <core/trap.h>
#include <core/vgic.h>
#include <core/vm.h>
#include <hal-sim/sim_hal.h>
#include <sim/sim.h>

#include "fixture.h"

#define NR_SPIS 64

/* A test that shows a known bug in core/vgic.c is skipped unless TEST_KNOWN_BUGS=1 (it then
 * fails until the bug is fixed; remove the guard with the fix). */
#define KNOWN_BUG(what)                                           \
	do {                                                      \
		if (!getenv("TEST_KNOWN_BUGS")) {                 \
			print_message("[  KNOWN   ] %s\n", what); \
			skip();                                   \
		}                                                 \
	} while (0)

static struct sim_machine m;
static struct vm *vm;
static struct sim_vif vif[VM_MAX_VCPUS];
static unsigned maint_exits; /* exits forced by the maintenance interrupt */

static inline struct vcpu *cpu(unsigned c)
{
	return &vm->vcpus[c];
}

/* Give a VM with vCPU 0 (`m` after sim_machine_load*()) its vGIC: 64 SPIs, both groups
 * enabled in the distributor and in every CPU interface, priority mask open, EOImode 0. */
static inline void vgic_up(void)
{
	vgic_init(vm, NR_SPIS);
	vm->vgic.enable_grp0 = vm->vgic.enable_grp1 = true;
	for (unsigned c = 0; c < vm->vcpu_count; c++) {
		sim_vif_init(&vif[c], &cpu(c)->ctx);
		sim_vif_set_pmr(&vif[c], 0xff);
		sim_vif_set_grpen(&vif[c], 0, true);
		sim_vif_set_grpen(&vif[c], 1, true);
	}
	maint_exits = 0;
	fixture_vcpus_loaded_here(vm);
}

/* A fresh VM with `n` vCPUs (affinity = vCPU number) and its vGIC, nothing on its bus. */
static inline void machine(unsigned n)
{
	const struct sim_config cfg = {.no_uart = true};

	sim_machine_destroy(&m);
	sim_hal_reset();
	assert_int_equal(sim_machine_init(&m, &cfg), HV_OK);
	vm = m.vm;
	for (unsigned c = 0; c < n; c++) {
		struct vcpu *v;

		assert_int_equal(vm_add_vcpu(vm, VM_RAM_BASE, 0, &v), HV_OK);
	}
	vgic_up();
}

static inline int setup1(void **state)
{
	machine(1);
	return 0;
}

static inline int setup2(void **state)
{
	machine(2);
	return 0;
}

static inline int setup4(void **state)
{
	machine(4);
	return 0;
}

static inline int teardown(void **state)
{
	sim_machine_destroy(&m);
	return 0;
}

static inline struct vgic_irq *irq_of(unsigned c, uint32_t intid)
{
	/* The pointer stays valid after the unlock; the tests run one thread. */
	struct vgic_locked l = vgic_lock(vm);
	struct vgic_irq *irq = vgic_irq(l, cpu(c), intid);

	vgic_unlock(&l);
	assert_non_null(irq);
	return irq;
}

enum reg { ISENABLER, ICENABLER, ISPENDR, ICPENDR, ISACTIVER, ICACTIVER, IPRIORITYR, IROUTER };

/* One GICD/GICR register write for one interrupt, as vdev/vgic_*.c makes it. */
static inline void reg_write(unsigned c, uint32_t intid, enum reg reg, uint64_t val)
{
	struct vgic_irq *irq = irq_of(c, intid);
	struct vgic_locked l = vgic_lock(vm);

	switch (reg) {
	case ISENABLER:
	case ICENABLER:
		vgic_set_enabled(l, irq, reg == ISENABLER);
		break;
	case ISPENDR:
	case ICPENDR:
		vgic_set_pending(l, irq, reg == ISPENDR);
		break;
	case ISACTIVER:
	case ICACTIVER:
		vgic_set_active(l, irq, reg == ISACTIVER);
		break;
	case IPRIORITYR:
		vgic_set_priority(l, irq, (uint8_t)val);
		break;
	case IROUTER:
		vgic_set_route(l, irq, val);
		break;
	}
	vgic_unlock(&l);
}

/* Set an interrupt up as a guest driver does: group, trigger, priority, then enable. */
static inline void config(unsigned c, uint32_t intid, uint8_t priority, unsigned group, bool edge)
{
	struct vgic_irq *irq = irq_of(c, intid);
	struct vgic_locked l = vgic_lock(vm);

	irq->group = (uint8_t)group;
	if (intid >= VGIC_NR_SGIS)
		irq->edge = edge;
	vgic_set_priority(l, irq, priority);
	vgic_set_enabled(l, irq, true);
	vgic_unlock(&l);
}

/* vcpu_run()'s list-register work around one guest entry. An entry never starts with the
 * maintenance interrupt asserted: the vCPU would exit at once, every time. */
static inline void enter(unsigned c)
{
	vgic_flush(cpu(c));
	assert_false(sim_vif_maintenance(&vif[c]));
}

static inline void leave(unsigned c)
{
	vgic_fold(cpu(c));
}

/* Before each guest instruction: a maintenance interrupt that became due makes the vCPU exit
 * (irq_handle_physical() only acknowledges it) and the hypervisor enter it again. */
static inline void maybe_maintenance(unsigned c)
{
	if (sim_vif_maintenance(&vif[c])) {
		maint_exits++;
		leave(c);
		enter(c);
	}
}

static inline bool pending(unsigned c, uint32_t intid)
{
	return vgic_irq_pending(irq_of(c, intid));
}

static inline bool active(unsigned c, uint32_t intid)
{
	return irq_of(c, intid)->active;
}

/* The list register holding `intid` on vCPU `c` (after vgic_flush()), or -1. */
static inline int lr_of(unsigned c, uint32_t intid)
{
	for (unsigned n = 0; n < vif[c].nr_lrs; n++) {
		uint64_t lr = cpu(c)->ctx.vgic.lr[n];

		if ((lr >> ICH_LR_STATE_SHIFT) && (lr & ICH_LR_VINTID_MASK) == intid)
			return (int)n;
	}
	return -1;
}

/* The guest's handler: acknowledge through ICV_IAR<group>, then EOI (EOImode 0). */
static inline uint32_t take(unsigned c, unsigned group)
{
	uint32_t id = sim_icv_iar(&vif[c], group);

	if (id != VGIC_SPURIOUS)
		sim_icv_eoir(&vif[c], group, id);
	return id;
}

/* The exit for a guest's ICC_DIR_EL1 write of `intid` that trapped (ICH_HCR_EL2.TDIR): the
 * fold, then core/trap_sysreg.c emulates the write, as vcpu_run() would. */
static inline void trap_dir(unsigned c, uint32_t intid)
{
	leave(c);
	cpu(c)->ctx.x[2] = intid;
	trap_sysreg(cpu(c),
		    sim_esr_sysreg(SYSREG_OP0(SYSREG_ICC_DIR_EL1), SYSREG_OP1(SYSREG_ICC_DIR_EL1),
				   SYSREG_CRN(SYSREG_ICC_DIR_EL1), SYSREG_CRM(SYSREG_ICC_DIR_EL1),
				   SYSREG_OP2(SYSREG_ICC_DIR_EL1), 2, false));
}

/* The guest's deactivation (EOImode 1) through ICC_DIR_EL1, whether the CPU interface does it
 * or it traps and the hypervisor does (then the vCPU is entered again). */
static inline void guest_dir(unsigned c, uint32_t intid)
{
	if (sim_icv_dir(&vif[c], intid))
		return;
	trap_dir(c, intid);
	enter(c);
}

/* One entry in which the guest tries to take one Group 1 interrupt. */
static inline uint32_t take_one(unsigned c)
{
	uint32_t id;

	enter(c);
	id = take(c, 1);
	leave(c);
	return id;
}

/* A guest that handles each Group 1 interrupt at once until it has nothing left to take,
 * exiting only for maintenance interrupts. Returns how many it took, in `out`. */
static inline unsigned guest_drain(unsigned c, uint32_t *out, unsigned max)
{
	unsigned n = 0;

	enter(c);
	for (;;) {
		uint32_t id;

		maybe_maintenance(c);
		id = take(c, 1);
		if (id == VGIC_SPURIOUS)
			break;
		assert_true(n < max);
		out[n++] = id;
		assert_true(maint_exits < 1000);
	}
	leave(c);
	return n;
}

/* A higher-priority interrupt arrives (an exit), the guest takes it and exits in its handler:
 * one more nesting level. */
static inline void nest(unsigned c, uint32_t intid)
{
	vgic_pulse(vm, cpu(c), intid);
	enter(c);
	assert_int_equal(sim_icv_iar(&vif[c], 1), intid);
	leave(c);
}

#endif

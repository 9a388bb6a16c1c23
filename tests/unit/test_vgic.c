// SPDX-License-Identifier: MIT
/* Tests of core/vgic.c, part 1: what reaches a vCPU and when. Delivery gating (enable, group
 * in the distributor and at the CPU interface, priority mask), edge and level inputs with the
 * pending latch, SGIs (target list, RS, Aff1-3, IRM, groups, other VMs), SPI routing, the WFI
 * wake-up test and the fast path (no list-register access with nothing to deliver).
 * Part 2, test_vgic_lr_*.c: more interrupts than list registers, nesting, HW=1. Part 3,
 * test_vgic_model.c: the model-based random test. The harness (vgic_harness.h) runs the
 * hypervisor side as core/exit.c's vcpu_run() does and plays the guest through the virtual
 * CPU interface model of sim/vcpu_if.c, which acts on the list registers as hardware does. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <core/smccc.h>
#include <hal/mmu.h>

#include "vgic_harness.h"

#define SPI 40 /* an SPI most tests use */
#define SGI 3

/* ICC_SGI1R_EL1 fields (GICv3 12.2.21). */
static uint64_t sgir(unsigned intid, unsigned aff3, unsigned aff2, unsigned aff1, unsigned rs,
		     uint16_t targets, bool irm)
{
	return (uint64_t)targets | (uint64_t)aff1 << ICC_SGIR_AFF1_SHIFT |
	       (uint64_t)intid << ICC_SGIR_INTID_SHIFT | (uint64_t)aff2 << ICC_SGIR_AFF2_SHIFT |
	       (irm ? ICC_SGIR_IRM : 0) | (uint64_t)rs << ICC_SGIR_RS_SHIFT |
	       (uint64_t)aff3 << ICC_SGIR_AFF3_SHIFT;
}

/* --- gating ---------------------------------------------------------------------------- */

struct gate_case {
	const char *what;
	bool enabled;
	unsigned group;
	bool dist_grp0, dist_grp1, veng0, veng1;
	uint8_t priority, pmr;
	bool delivered;
};

static const struct gate_case gates[] = {
    {"enabled Group 1", true, 1, true, true, true, true, 0xa0, 0xff, true},
    {"disabled", false, 1, true, true, true, true, 0xa0, 0xff, false},
    {"Group 1 off in GICD_CTLR", true, 1, true, false, true, true, 0xa0, 0xff, false},
    {"Group 1 off in ICC_IGRPEN1", true, 1, true, true, true, false, 0xa0, 0xff, false},
    {"Group 0 off does not gate Group 1", true, 1, false, true, false, true, 0xa0, 0xff, true},
    {"enabled Group 0", true, 0, true, true, true, true, 0xa0, 0xff, true},
    {"Group 0 off in GICD_CTLR", true, 0, false, true, true, true, 0xa0, 0xff, false},
    {"Group 0 off in ICC_IGRPEN0", true, 0, true, true, false, true, 0xa0, 0xff, false},
    {"priority equal to the mask", true, 1, true, true, true, true, 0x80, 0x80, false},
    {"priority one step above the mask", true, 1, true, true, true, true, 0x78, 0x80, true},
    {"mask closed", true, 1, true, true, true, true, 0x00, 0x00, false},
    {"lowest usable priority", true, 1, true, true, true, true, 0xf0, 0xff, true},
    /* 5 priority bits: 0xff reads back 0xf8 in both the priority and the mask. */
    {"lowest priority never passes the mask", true, 1, true, true, true, true, 0xff, 0xff, false},
    {"unimplemented priority bits ignored", true, 1, true, true, true, true, 0x87, 0x88, true},
};

static void test_vgic_delivery_follows_enable_group_and_priority_mask_table(void **state)
{
	for (unsigned i = 0; i < ARRAY_SIZE(gates); i++) {
		const struct gate_case *t = &gates[i];
		uint32_t got, other;

		print_message("gate: %s\n", t->what);
		machine(1);
		config(0, SPI, t->priority, t->group, true);
		if (!t->enabled)
			reg_write(0, SPI, ICENABLER, 0);
		vm->vgic.enable_grp0 = t->dist_grp0;
		vm->vgic.enable_grp1 = t->dist_grp1;
		sim_vif_set_grpen(&vif[0], 0, t->veng0);
		sim_vif_set_grpen(&vif[0], 1, t->veng1);
		sim_vif_set_pmr(&vif[0], t->pmr);
		reg_write(0, SPI, ISPENDR, 0);

		/* WFI would wake exactly when the interrupt can be taken (nothing is running). */
		assert_int_equal(vgic_wants_wakeup(cpu(0)), t->delivered);
		enter(0);
		assert_int_equal(sim_vif_irq_signalled(&vif[0]), t->delivered);
		other = sim_icv_iar(&vif[0], !t->group);
		got = take(0, t->group);
		leave(0);
		assert_int_equal(other, VGIC_SPURIOUS);
		assert_int_equal(got, t->delivered ? SPI : VGIC_SPURIOUS);
		/* Held back, not lost. */
		assert_int_equal(pending(0, SPI), !t->delivered);
		assert_int_equal(vif[0].unpredictable, 0);
	}
}

static void test_vgic_held_back_interrupt_is_delivered_once_enabled(void **state)
{
	config(0, SPI, 0xa0, 1, true);
	reg_write(0, SPI, ICENABLER, 0);
	reg_write(0, SPI, ISPENDR, 0);
	assert_int_equal(take_one(0), VGIC_SPURIOUS);
	reg_write(0, SPI, ISENABLER, 0);
	assert_int_equal(take_one(0), SPI);
	assert_false(pending(0, SPI));
	assert_false(active(0, SPI));
}

static void test_vgic_priority_keeps_the_implemented_bits_only(void **state)
{
	config(0, SPI, 0xff, 1, true);
	assert_int_equal(irq_of(0, SPI)->priority, 0xf8);
	machine(1);
	sim_hal.vgic_pri_bits = 8; /* what ICH_VTR_EL2 says when vgic_init() reads it */
	vgic_init(vm, NR_SPIS);
	config(0, SPI, 0x87, 1, true);
	assert_int_equal(irq_of(0, SPI)->priority, 0x87);
}

/* --- edge and level -------------------------------------------------------------------- */

static void test_vgic_level_line_still_high_after_eoi_is_delivered_again(void **state)
{
	config(0, SPI, 0xa0, 1, false);
	vgic_set_line(vm, NULL, SPI, true);
	enter(0);
	assert_int_equal(take(0, 1), SPI);
	/* The list register asked for an EOI maintenance interrupt: the line is re-sampled. */
	assert_true(sim_vif_maintenance(&vif[0]));
	leave(0);
	assert_true(pending(0, SPI));
	enter(0);
	assert_int_equal(sim_icv_iar(&vif[0], 1), SPI);
	leave(0);
	/* The handler quietens the device (an MMIO exit), then EOIs. */
	vgic_set_line(vm, NULL, SPI, false);
	enter(0);
	sim_icv_eoir(&vif[0], 1, SPI);
	assert_int_equal(sim_icv_iar(&vif[0], 1), VGIC_SPURIOUS);
	leave(0);
	assert_false(pending(0, SPI));
	assert_false(active(0, SPI));
}

static void test_vgic_level_line_dropped_before_ack_is_not_delivered_after_next_exit(void **state)
{
	config(0, SPI, 0xa0, 1, false);
	vgic_set_line(vm, NULL, SPI, true);
	enter(0);
	leave(0); /* the guest trapped before taking it */
	vgic_set_line(vm, NULL, SPI, false);
	assert_false(vgic_wants_wakeup(cpu(0)));
	assert_int_equal(take_one(0), VGIC_SPURIOUS);
	assert_false(pending(0, SPI));
}

static void test_vgic_ispendr_latches_a_level_interrupt_until_acknowledged(void **state)
{
	config(0, SPI, 0xa0, 1, false);
	reg_write(0, SPI, ISPENDR, 0);
	enter(0);
	leave(0);
	assert_true(pending(0, SPI)); /* the latch survives an exit */
	enter(0);
	assert_int_equal(take(0, 1), SPI);
	leave(0);
	/* Acknowledge consumed the latch; the line is low. */
	assert_false(pending(0, SPI));
	assert_false(active(0, SPI));
	assert_int_equal(take_one(0), VGIC_SPURIOUS);
}

static void test_vgic_icpendr_clears_the_latch_but_not_a_high_level(void **state)
{
	config(0, SPI, 0xa0, 1, false);
	reg_write(0, SPI, ISPENDR, 0);
	vgic_set_line(vm, NULL, SPI, true);
	reg_write(0, SPI, ICPENDR, 0);
	assert_true(pending(0, SPI));
	vgic_set_line(vm, NULL, SPI, false);
	assert_false(pending(0, SPI));
	assert_int_equal(take_one(0), VGIC_SPURIOUS);
}

static void test_vgic_level_acknowledged_with_line_high_is_active_and_pending(void **state)
{
	config(0, SPI, 0xa0, 1, false);
	reg_write(0, SPI, ISPENDR, 0);
	vgic_set_line(vm, NULL, SPI, true);
	enter(0);
	assert_int_equal(sim_icv_iar(&vif[0], 1), SPI);
	leave(0);
	assert_true(active(0, SPI));
	assert_true(pending(0, SPI)); /* from the line: the latch went with the acknowledge */
	vgic_set_line(vm, NULL, SPI, false);
	assert_false(pending(0, SPI));
	enter(0);
	sim_icv_eoir(&vif[0], 1, SPI);
	leave(0);
	assert_false(active(0, SPI));
	assert_int_equal(take_one(0), VGIC_SPURIOUS);
}

static void test_vgic_edge_pulse_while_active_is_taken_again_after_eoi_without_exit(void **state)
{
	config(0, SPI, 0xa0, 1, true);
	vgic_pulse(vm, NULL, SPI);
	enter(0);
	assert_int_equal(sim_icv_iar(&vif[0], 1), SPI);
	leave(0);
	vgic_pulse(vm, NULL, SPI);
	assert_true(pending(0, SPI));
	assert_true(active(0, SPI));
	enter(0);
	/* Pending and active: not taken again before it is deactivated. */
	assert_int_equal(sim_icv_iar(&vif[0], 1), VGIC_SPURIOUS);
	sim_icv_eoir(&vif[0], 1, SPI);
	assert_int_equal(sim_icv_iar(&vif[0], 1), SPI);
	sim_icv_eoir(&vif[0], 1, SPI);
	assert_int_equal(sim_icv_iar(&vif[0], 1), VGIC_SPURIOUS);
	leave(0);
	assert_false(pending(0, SPI));
	assert_false(active(0, SPI));
}

static void test_vgic_edge_input_latches_on_rising_edges_only(void **state)
{
	config(0, SPI, 0xa0, 1, true);
	vgic_set_line(vm, NULL, SPI, true);
	assert_int_equal(take_one(0), SPI);
	vgic_set_line(vm, NULL, SPI, true); /* still high: no new edge */
	assert_false(pending(0, SPI));
	assert_int_equal(take_one(0), VGIC_SPURIOUS);
	vgic_set_line(vm, NULL, SPI, false);
	assert_false(pending(0, SPI));
	vgic_set_line(vm, NULL, SPI, true);
	assert_int_equal(take_one(0), SPI);
	assert_int_equal(take_one(0), VGIC_SPURIOUS);
}

static void test_vgic_pending_interrupt_not_taken_survives_exits(void **state)
{
	config(0, SPI, 0xa0, 1, true);
	vgic_pulse(vm, NULL, SPI);
	for (unsigned i = 0; i < 3; i++) {
		enter(0);
		assert_int_equal(sim_icv_hppir(&vif[0], 1), SPI);
		leave(0);
	}
	assert_int_equal(take_one(0), SPI);
	assert_int_equal(take_one(0), VGIC_SPURIOUS);
}

/* --- SGIs ------------------------------------------------------------------------------ */

/* MPIDR affinities of the six vCPUs of the SGI tests. */
static const uint64_t sgi_aff[] = {0x0, 0x1, 0x11, 0x100, 0x10000, 0x100000000ULL};

struct sgi_case {
	const char *what;
	unsigned sender;
	uint64_t val;
	unsigned group;	    /* 1: ICC_SGI1R_EL1, 0: ICC_SGI0R_EL1 */
	unsigned receivers; /* bit per vCPU */
};

static const struct sgi_case sgis[] = {
    {"to self", 0, 0x1, 1, 0x01},
    {"to another", 1, 0x1, 1, 0x01},
    {"target list of two", 0, 0x3, 1, 0x03},
    {"RS selects Aff0 16-31", 0, 0x2 | 1ULL << ICC_SGIR_RS_SHIFT, 1, 0x04},
    {"RS 0, bit 1 is Aff0 1", 0, 0x2, 1, 0x02},
    {"Aff1", 0, 0x1 | 1ULL << ICC_SGIR_AFF1_SHIFT, 1, 0x08},
    {"Aff2", 0, 0x1 | 1ULL << ICC_SGIR_AFF2_SHIFT, 1, 0x10},
    {"Aff3", 0, 0x1 | 1ULL << ICC_SGIR_AFF3_SHIFT, 1, 0x20},
    {"no such Aff0", 0, 0x8000, 1, 0x00},
    {"empty target list", 0, 0x0, 1, 0x00},
    {"IRM: everyone but the sender", 2, ICC_SGIR_IRM, 1, 0x3b},
    {"IRM ignores list and affinity", 0, ICC_SGIR_IRM | 0x1 | 1ULL << ICC_SGIR_AFF3_SHIFT, 1, 0x3e},
    {"Group 0 request, Group 1 SGI", 0, 0x3, 0, 0x00},
};

static void sgi_machine(void)
{
	machine(ARRAY_SIZE(sgi_aff));
	for (unsigned c = 0; c < ARRAY_SIZE(sgi_aff); c++) {
		cpu(c)->ctx.vmpidr = sgi_aff[c];
		config(c, SGI, 0xa0, 1, true);
	}
}

static void test_vgic_sgi_reaches_the_addressed_vcpus_table(void **state)
{
	for (unsigned i = 0; i < ARRAY_SIZE(sgis); i++) {
		const struct sgi_case *t = &sgis[i];

		print_message("sgi: %s\n", t->what);
		sgi_machine();
		vgic_send_sgi(cpu(t->sender), t->val | (uint64_t)SGI << ICC_SGIR_INTID_SHIFT,
			      t->group);
		for (unsigned c = 0; c < ARRAY_SIZE(sgi_aff); c++) {
			bool want = t->receivers & BIT(c);

			assert_int_equal(pending(c, SGI), want);
			assert_int_equal(take_one(c), want ? SGI : VGIC_SPURIOUS);
		}
	}
}

/* The guest's MSR of an SGI register, as core/trap_sysreg.c takes it (ICC_SGI1R_EL1 before
 * every other register's lookup): `rt` holds the value, `read` makes it an MRS. */
static void sgi_trap(unsigned c, uint32_t reg, unsigned rt, bool read)
{
	trap_sysreg(cpu(c), sim_esr_sysreg(SYSREG_OP0(reg), SYSREG_OP1(reg), SYSREG_CRN(reg),
					   SYSREG_CRM(reg), SYSREG_OP2(reg), rt, read));
}

static void test_vgic_sgi_by_the_trapped_msr_as_by_the_call_table(void **state)
{
	for (unsigned i = 0; i < ARRAY_SIZE(sgis); i++) {
		const struct sgi_case *t = &sgis[i];
		uint64_t val = t->val | (uint64_t)SGI << ICC_SGIR_INTID_SHIFT, pc;

		print_message("sgi by msr: %s\n", t->what);
		sgi_machine();
		pc = cpu(t->sender)->ctx.pc;
		cpu(t->sender)->ctx.x[9] = val;
		sgi_trap(t->sender, t->group ? SYSREG_ICC_SGI1R_EL1 : SYSREG_ICC_SGI0R_EL1, 9,
			 false);
		assert_int_equal(cpu(t->sender)->ctx.pc, pc + 4);
		assert_int_equal(cpu(t->sender)->ctx.x[9], val);
		assert_int_equal(cpu(t->sender)->stats.undef_injected, 0);
		for (unsigned c = 0; c < ARRAY_SIZE(sgi_aff); c++) {
			bool want = t->receivers & BIT(c);

			assert_int_equal(pending(c, SGI), want);
			assert_int_equal(take_one(c), want ? SGI : VGIC_SPURIOUS);
		}
	}
}

/* The SGI registers are write-only: an MRS of one is UNDEFINED and sends nothing, the early
 * look at ICC_SGI1R_EL1 included; an MSR from XZR sends SGI 0 to an empty list: nobody. */
static void test_vgic_sgi_register_read_is_undefined_and_xzr_sends_nothing(void **state)
{
	static const uint32_t regs[] = {SYSREG_ICC_SGI1R_EL1, SYSREG_ICC_ASGI1R_EL1,
					SYSREG_ICC_SGI0R_EL1};
	uint64_t val = 0x3 | (uint64_t)SGI << ICC_SGIR_INTID_SHIFT, pc, pstate;

	sgi_machine();
	pc = cpu(0)->ctx.pc;
	pstate = cpu(0)->ctx.pstate;
	for (unsigned c = 0; c < ARRAY_SIZE(sgi_aff); c++)
		config(c, 0, 0xa0, 1, true);
	for (unsigned i = 0; i < ARRAY_SIZE(regs); i++) {
		cpu(0)->ctx.x[9] = val;
		sgi_trap(0, regs[i], 9, true);
		assert_int_equal(cpu(0)->stats.undef_injected, i + 1);
		assert_int_equal(cpu(0)->ctx.x[9], val);
		/* Back from the handler, as the guest's ERET would be. */
		cpu(0)->ctx.pc = pc;
		cpu(0)->ctx.pstate = pstate;
	}
	sgi_trap(0, SYSREG_ICC_SGI1R_EL1, 31, false);
	assert_int_equal(cpu(0)->ctx.pc, pc + 4);
	assert_int_equal(cpu(0)->stats.undef_injected, ARRAY_SIZE(regs));
	for (unsigned c = 0; c < ARRAY_SIZE(sgi_aff); c++) {
		assert_false(pending(c, SGI));
		assert_false(pending(c, 0));
	}
	/* ICC_ASGI1R_EL1 written asks for Group 1, as ICC_SGI1R_EL1 does. */
	cpu(0)->ctx.x[9] = val;
	sgi_trap(0, SYSREG_ICC_ASGI1R_EL1, 9, false);
	assert_true(pending(0, SGI));
	assert_true(pending(1, SGI));
	assert_false(pending(2, SGI));
}

static void test_vgic_sgi_of_the_other_group_is_not_forwarded(void **state)
{
	config(0, SGI, 0xa0, 0, true);
	vgic_send_sgi(cpu(0), sgir(SGI, 0, 0, 0, 0, 0x1, false), 1);
	assert_false(pending(0, SGI));
	vgic_send_sgi(cpu(0), sgir(SGI, 0, 0, 0, 0, 0x1, false), 0);
	assert_true(pending(0, SGI));
	enter(0);
	assert_int_equal(take(0, 0), SGI);
	leave(0);
}

static void test_vgic_all_sixteen_sgis_reach_a_single_vcpu_itself(void **state)
{
	uint32_t seen = 0;

	for (unsigned sgi = 0; sgi < VGIC_NR_SGIS; sgi++) {
		config(0, sgi, (uint8_t)(sgi * 8), 1, true);
		vgic_send_sgi(cpu(0), sgir(sgi, 0, 0, 0, 0, 0x1, false), 1);
	}
	enter(0);
	for (;;) {
		uint32_t id;

		if (sim_vif_maintenance(&vif[0])) {
			leave(0);
			enter(0);
		}
		id = take(0, 1);
		if (id == VGIC_SPURIOUS)
			break;
		assert_true(id < VGIC_NR_SGIS);
		assert_int_equal(id, (uint32_t)__builtin_ctz(~seen)); /* priority order */
		seen |= 1u << id;
	}
	leave(0);
	assert_int_equal(seen, 0xffff);
}

static void test_vgic_sgi_never_reaches_another_vm(void **state)
{
	struct vm *other;
	struct vcpu *ov;
	struct vgic_locked l;

	assert_int_equal(vm_create(&other, "other", SIM_IPA_BITS, hal_pa_bits(), &m.alloc), HV_OK);
	assert_int_equal(vm_add_vcpu(other, VM_RAM_BASE, 0, &ov), HV_OK);
	vgic_init(other, 32);
	l = vgic_lock(other);
	vgic_set_enabled(l, &ov->vgic.private_irqs[SGI], true);
	ov->vgic.private_irqs[SGI].group = 1;
	vgic_unlock(&l);
	config(0, SGI, 0xa0, 1, true);

	vgic_send_sgi(cpu(0), sgir(SGI, 0, 0, 0, 0, 0xffff, false), 1);
	vgic_send_sgi(cpu(0), sgir(SGI, 0, 0, 0, 0, 0, true), 1);
	assert_true(pending(0, SGI));
	assert_false(vgic_irq_pending(&ov->vgic.private_irqs[SGI]));
	assert_int_equal(ov->vgic.interesting[0] | ov->vgic.interesting[1], 0);
	vm_destroy(other);
}

/* --- SPI routing ----------------------------------------------------------------------- */

static const uint64_t route_aff[] = {0x0, 0x1, 0x100, 0x100000000ULL};

struct route_case {
	const char *what;
	uint64_t irouter;
	int target; /* vCPU, -1 for none */
};

static const struct route_case routes[] = {
    {"Aff0 0", 0x0, 0},
    {"Aff0 1", 0x1, 1},
    {"Aff1", 0x100, 2},
    {"Aff3", 0x100000000ULL, 3},
    {"IRM: any participating PE", GICD_IROUTER_IRM | 0x1, 0},
    {"reserved bits ignored", 0x1 | 0xff000000ULL << 32 | 0x7f000000, 1},
    {"no such PE", 0x2, -1},
    {"no such Aff2", 0x10000, -1},
};

static void test_vgic_spi_goes_to_the_vcpu_irouter_names_table(void **state)
{
	for (unsigned i = 0; i < ARRAY_SIZE(routes); i++) {
		const struct route_case *t = &routes[i];

		print_message("route: %s\n", t->what);
		machine(ARRAY_SIZE(route_aff));
		for (unsigned c = 0; c < ARRAY_SIZE(route_aff); c++)
			cpu(c)->ctx.vmpidr = route_aff[c];
		config(0, SPI, 0xa0, 1, true);
		reg_write(0, SPI, IROUTER, t->irouter);
		vgic_pulse(vm, NULL, SPI);
		for (unsigned c = 0; c < ARRAY_SIZE(route_aff); c++) {
			assert_int_equal(vgic_wants_wakeup(cpu(c)), (int)c == t->target);
			assert_int_equal(take_one(c), (int)c == t->target ? SPI : VGIC_SPURIOUS);
		}
		/* Unrouted, it stays pending for whoever is named next. */
		assert_int_equal(pending(0, SPI), t->target < 0);
	}
}

static void test_vgic_spi_rerouted_while_pending_is_delivered_to_the_new_target(void **state)
{
	config(0, SPI, 0xa0, 1, true);
	vgic_pulse(vm, NULL, SPI);
	enter(0);
	leave(0); /* vCPU 0 had it in a list register but did not take it */
	reg_write(0, SPI, IROUTER, 1);
	assert_false(vgic_wants_wakeup(cpu(0)));
	assert_true(vgic_wants_wakeup(cpu(1)));
	assert_int_equal(take_one(0), VGIC_SPURIOUS);
	assert_int_equal(take_one(1), SPI);
	assert_int_equal(take_one(1), VGIC_SPURIOUS);
	/* Routed nowhere and back: still pending. */
	vgic_pulse(vm, NULL, SPI);
	reg_write(0, SPI, IROUTER, 7);
	assert_int_equal(take_one(1), VGIC_SPURIOUS);
	reg_write(0, SPI, IROUTER, 2);
	assert_int_equal(take_one(2), SPI);
}

/* A GIC's active state is global: the vCPU that took an SPI ends it even if IROUTER moved
 * meanwhile. */
static void test_vgic_spi_rerouted_while_active_is_ended_by_the_acknowledging_vcpu(void **state)
{
	config(0, SPI, 0xa0, 1, true);
	vgic_pulse(vm, NULL, SPI);
	enter(0);
	assert_int_equal(sim_icv_iar(&vif[0], 1), SPI);
	leave(0); /* e.g. the handler's GICD_IROUTER write traps */
	reg_write(0, SPI, IROUTER, 1);
	enter(0);
	sim_icv_eoir(&vif[0], 1, SPI); /* a GIC's active state is global: this ends it */
	leave(0);
	assert_false(active(0, SPI));
	vgic_pulse(vm, NULL, SPI);
	assert_int_equal(take_one(1), SPI);
}

/* Several pCPUs: vCPU 1's trapped write lands while vCPU 0 runs with the SPI in a list
 * register (in this harness, between vCPU 0's entry and its exit). */
static void test_vgic_write_from_another_vcpu_is_not_undone_by_the_fold(void **state)
{
	config(0, SPI, 0xa0, 1, true);
	vgic_pulse(vm, NULL, SPI);
	enter(0);		       /* vCPU 0 runs with the SPI pending in a list register */
	reg_write(1, SPI, ICPENDR, 0); /* vCPU 1's trapped write, on another pCPU */
	leave(0);		       /* vCPU 0 exits without having taken it */
	assert_false(pending(0, SPI));
	vgic_pulse(vm, NULL, SPI);
	enter(0);
	assert_int_equal(sim_icv_iar(&vif[0], 1), SPI);
	leave(0);
	enter(0);
	reg_write(1, SPI, ICACTIVER, 0);
	leave(0);
	assert_false(active(0, SPI));
	/* Set active while vCPU 0 holds it pending: active and still pending. */
	vgic_pulse(vm, NULL, SPI);
	enter(0);
	reg_write(1, SPI, ISACTIVER, 0);
	leave(0);
	assert_true(active(0, SPI));
	assert_true(pending(0, SPI));
}

/* Rerouted while pending in running vCPU 0's list registers: it moves at vCPU 0's exit, and is
 * never in two vCPUs' list registers at once. */
static void test_vgic_spi_rerouted_from_another_vcpu_moves_after_the_owners_fold(void **state)
{
	config(0, SPI, 0xa0, 1, true);
	vgic_pulse(vm, NULL, SPI);
	enter(0);
	reg_write(1, SPI, IROUTER, 1);
	assert_int_equal(take_one(1), VGIC_SPURIOUS); /* still in vCPU 0's list register */
	leave(0);				      /* vCPU 0 did not take it */
	assert_int_equal(take_one(0), VGIC_SPURIOUS);
	assert_int_equal(take_one(1), SPI);
	/* Taken by vCPU 0 before it saw the new route: it stays vCPU 0's until deactivated. */
	reg_write(1, SPI, IROUTER, 0);
	vgic_pulse(vm, NULL, SPI);
	enter(0);
	reg_write(1, SPI, IROUTER, 1);
	assert_int_equal(sim_icv_iar(&vif[0], 1), SPI);
	leave(0);
	assert_true(active(0, SPI));
	assert_int_equal(take_one(1), VGIC_SPURIOUS);
	enter(0);
	sim_icv_eoir(&vif[0], 1, SPI);
	leave(0);
	vgic_pulse(vm, NULL, SPI);
	assert_int_equal(take_one(1), SPI);
}

static void test_vgic_ignores_nonexistent_intids_and_routes_of_private_ones(void **state)
{
	const uint32_t beyond = VGIC_NR_PRIVATE + NR_SPIS;
	struct vgic_locked l = vgic_lock(vm);

	assert_null(vgic_irq(l, cpu(0), beyond));
	assert_null(vgic_irq(l, NULL, 20)); /* a PPI needs its vCPU */
	vgic_unlock(&l);
	vgic_pulse(vm, NULL, beyond);
	vgic_set_line(vm, NULL, 20, true);
	vgic_inject_hw(cpu(0), beyond, beyond);
	assert_int_equal(cpu(0)->vgic.interesting[0] | cpu(0)->vgic.interesting[1], 0);
	config(0, 20, 0xa0, 1, true);
	reg_write(0, 20, IROUTER, 1); /* PPIs are not routed */
	vgic_pulse(vm, cpu(0), 20);
	assert_int_equal(take_one(1), VGIC_SPURIOUS);
	assert_int_equal(take_one(0), 20);
}

/* --- WFI wake-up ----------------------------------------------------------------------- */

static void test_vgic_wants_wakeup_only_for_a_deliverable_pending_interrupt(void **state)
{
	assert_false(vgic_wants_wakeup(cpu(0)));
	config(0, SPI, 0x80, 1, true);
	reg_write(0, SPI, ISACTIVER, 0);
	assert_false(vgic_wants_wakeup(cpu(0))); /* active is not pending */
	reg_write(0, SPI, ICACTIVER, 0);
	vgic_pulse(vm, NULL, SPI);
	assert_true(vgic_wants_wakeup(cpu(0)));
	sim_vif_set_pmr(&vif[0], 0x80);
	assert_false(vgic_wants_wakeup(cpu(0)));
	sim_vif_set_pmr(&vif[0], 0x88);
	assert_true(vgic_wants_wakeup(cpu(0)));
	sim_vif_set_grpen(&vif[0], 1, false);
	assert_false(vgic_wants_wakeup(cpu(0)));
	sim_vif_set_grpen(&vif[0], 1, true);
	vm->vgic.enable_grp1 = false;
	assert_false(vgic_wants_wakeup(cpu(0)));
	vm->vgic.enable_grp1 = true;
	reg_write(0, SPI, ICENABLER, 0);
	assert_false(vgic_wants_wakeup(cpu(0)));
	reg_write(0, SPI, ISENABLER, 0);
	assert_true(vgic_wants_wakeup(cpu(0)));
	/* Another vCPU's interrupts do not wake this one. */
	assert_false(vgic_wants_wakeup(cpu(1)));
}

/* --- the fast path --------------------------------------------------------------------- */

static unsigned lr_accesses(void)
{
	return sim_hal.vgic_lr_reads + sim_hal.vgic_lr_writes;
}

static void test_vgic_no_list_register_access_with_nothing_pending_or_active(void **state)
{
	for (unsigned i = 0; i < 100; i++) {
		enter(0);
		leave(0);
	}
	assert_int_equal(lr_accesses(), 0);

	/* One interrupt costs its list register, then the path is free again. */
	config(0, SPI, 0xa0, 1, true);
	vgic_pulse(vm, NULL, SPI);
	assert_int_equal(take_one(0), SPI);
	assert_int_equal(sim_hal.vgic_lr_writes, 2); /* filled, emptied */
	assert_int_equal(sim_hal.vgic_lr_reads, 1);
	sim_hal.vgic_lr_reads = sim_hal.vgic_lr_writes = 0;
	for (unsigned i = 0; i < 100; i++) {
		enter(0);
		leave(0);
	}
	/* Pending but disabled: nothing to put in a list register either. */
	reg_write(0, SPI, ICENABLER, 0);
	vgic_pulse(vm, NULL, SPI);
	for (unsigned i = 0; i < 10; i++) {
		enter(0);
		leave(0);
	}
	assert_int_equal(lr_accesses(), 0);
}

/* One interrupt and nothing else in flight, the usual entry (an SGI, the timer's PPI): it goes
 * in list register 0 and neither the flush nor the fold writes ICH_HCR_EL2, which stays En
 * alone, as the ranking of candidates would have left it (core/vgic_lr.c flush_single()). */
static void test_vgic_single_interrupt_takes_lr0_and_leaves_ich_hcr_alone(void **state)
{
	config(0, SPI, 0xa0, 1, true);
	config(0, SGI, 0x80, 1, true);
	for (unsigned i = 0; i < 3; i++) {
		uint32_t intid = i == 1 ? SGI : SPI;

		vgic_pulse(vm, intid == SGI ? cpu(0) : NULL, intid);
		sim_hal.vgic_hcr_writes = sim_hal.vgic_lr_writes = 0;
		enter(0);
		assert_int_equal(lr_of(0, intid), 0);
		assert_int_equal(sim_hal.vgic_lr_writes, 1);
		assert_int_equal(sim_icv_iar(&vif[0], 1), intid);
		sim_icv_eoir(&vif[0], 1, intid);
		leave(0);
		assert_false(pending(0, intid) || active(0, intid));
		assert_int_equal(lr_of(0, intid), -1);
		assert_int_equal(sim_hal.vgic_hcr_writes, 0);
		assert_int_equal(cpu(0)->ctx.vgic.hcr, ICH_HCR_EN);
	}
	/* Acknowledged but not ended at the exit: active, its running priority followed. */
	vgic_pulse(vm, NULL, SPI);
	enter(0);
	assert_int_equal(sim_icv_iar(&vif[0], 1), SPI);
	leave(0);
	assert_true(active(0, SPI));
	assert_int_equal(cpu(0)->vgic.nr_running, 1);
	enter(0);
	sim_icv_eoir(&vif[0], 1, SPI);
	leave(0);
	assert_false(active(0, SPI));
	assert_int_equal(cpu(0)->vgic.nr_running, 0);
}

/* The whole exit path: hypercalls through vcpu_run() and the real exit dispatch. */
static void test_vgic_hypercall_exits_touch_no_list_register(void **state)
{
	static const uint32_t prog[] = {SIM_A64_HVC0};

	sim_machine_destroy(&m);
	sim_hal_reset();
	assert_int_equal(sim_machine_init(&m, NULL), HV_OK);
	vm = m.vm;
	assert_int_equal(sim_machine_load_program(&m, prog, ARRAY_SIZE(prog)), HV_OK);
	vgic_up();
	sim_guest_attach(&m);
	for (unsigned i = 0; i < 50; i++)
		sim_guest_push(sim_step_hvc(SMCCC_VERSION, 0, 0));
	sim_guest_push(sim_step_hvc(HV_CALL_EXIT, 0, 0));
	assert_int_equal(sim_guest_run(), 0);
	assert_int_equal(sim_hal.vcpu_entries, 51);
	assert_int_equal(lr_accesses(), 0);
}

/* The handle is the lock: held from vgic_lock() to vgic_unlock(), and dead afterwards (its VM
 * cleared, so a use after the unlock faults instead of racing another pCPU). */
static void test_vgic_lock_handle_holds_the_lock_until_unlocked(void **state)
{
	struct spinlock *lock = &vm->vgic.lock;
	struct vgic_locked l = vgic_lock(vm);

	assert_ptr_equal(l.vm, vm);
	assert_true(spin_is_held(lock));
	vgic_unlock(&l);
	assert_null(l.vm);
	assert_false(spin_is_held(lock));
}

int main(void)
{
#define T(fn)  cmocka_unit_test_setup_teardown(fn, setup1, teardown)
#define T4(fn) cmocka_unit_test_setup_teardown(fn, setup4, teardown)
	const struct CMUnitTest tests[] = {
	    T(test_vgic_lock_handle_holds_the_lock_until_unlocked),
	    T(test_vgic_delivery_follows_enable_group_and_priority_mask_table),
	    T(test_vgic_held_back_interrupt_is_delivered_once_enabled),
	    T(test_vgic_priority_keeps_the_implemented_bits_only),
	    T(test_vgic_level_line_still_high_after_eoi_is_delivered_again),
	    T(test_vgic_level_line_dropped_before_ack_is_not_delivered_after_next_exit),
	    T(test_vgic_ispendr_latches_a_level_interrupt_until_acknowledged),
	    T(test_vgic_icpendr_clears_the_latch_but_not_a_high_level),
	    T(test_vgic_level_acknowledged_with_line_high_is_active_and_pending),
	    T(test_vgic_edge_pulse_while_active_is_taken_again_after_eoi_without_exit),
	    T(test_vgic_edge_input_latches_on_rising_edges_only),
	    T(test_vgic_pending_interrupt_not_taken_survives_exits),
	    T(test_vgic_sgi_reaches_the_addressed_vcpus_table),
	    T(test_vgic_sgi_of_the_other_group_is_not_forwarded),
	    T(test_vgic_all_sixteen_sgis_reach_a_single_vcpu_itself),
	    T(test_vgic_sgi_never_reaches_another_vm),
	    T(test_vgic_sgi_by_the_trapped_msr_as_by_the_call_table),
	    T(test_vgic_sgi_register_read_is_undefined_and_xzr_sends_nothing),
	    T(test_vgic_spi_goes_to_the_vcpu_irouter_names_table),
	    T4(test_vgic_spi_rerouted_while_pending_is_delivered_to_the_new_target),
	    T4(test_vgic_spi_rerouted_while_active_is_ended_by_the_acknowledging_vcpu),
	    T4(test_vgic_write_from_another_vcpu_is_not_undone_by_the_fold),
	    T4(test_vgic_spi_rerouted_from_another_vcpu_moves_after_the_owners_fold),
	    T4(test_vgic_ignores_nonexistent_intids_and_routes_of_private_ones),
	    T4(test_vgic_wants_wakeup_only_for_a_deliverable_pending_interrupt),
	    T(test_vgic_no_list_register_access_with_nothing_pending_or_active),
	    T(test_vgic_single_interrupt_takes_lr0_and_leaves_ich_hcr_alone),
	    T(test_vgic_hypercall_exits_touch_no_list_register),
	};
#undef T
#undef T4

	return cmocka_run_group_tests_name("vgic", tests, NULL, NULL);
}

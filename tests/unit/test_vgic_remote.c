// SPDX-License-Identifier: MIT
/* Tests of the rule that a vCPU's registers are read from the hardware only on the pCPU it is
 * loaded on (core/vm.h vcpu_loaded_here()): vgic_wants_wakeup() and the virtual timer answer
 * from the saved context for a vCPU that is not loaded, never from the asking pCPU's hardware;
 * a HW=1 timer interrupt released by a register write on another pCPU is deactivated on the
 * pCPU whose PPI it is; the list registers are filled and read back only for the vCPU loaded
 * here. Two pCPUs (MPIDR 0x100, 0x101); the test plays one at a time (sim_hal.cpu_id). vCPU 0
 * is loaded on pCPU 0, vCPU 1 on pCPU 1, vCPU 2 is not loaded anywhere. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include <core/err.h>
#include <core/gicv3.h>
#include <core/hwinfo.h>
#include <core/irq.h>
#include <core/pcpu.h>
#include <core/vgic.h>
#include <core/vm.h>
#include <core/vtimer.h>
#include <hal-sim/sim_hal.h>
#include <hal/gic.h>

#include "vgic_dist_fixture.h"

#define SGI	    3
#define VTIMER	    VGIC_PPI_VTIMER
#define GICR_SGI    0x10000
#define GICR_STRIDE 0x20000
#define CTL_ENABLE  1ULL
#define CTLR_GRP1   0x2 /* GICD_CTLR.EnableGrp1A */
#define VMCR_OPEN   (ICH_VMCR_VENG1 | ICH_VMCR_VPMR_MASK << ICH_VMCR_VPMR_SHIFT)

static struct mmio_device *gicr;
static jmp_buf stopped;

static struct vcpu *cpu(unsigned n)
{
	return &gicdfx_m.vm->vcpus[n];
}

static void play_pcpu(unsigned n)
{
	sim_hal.cpu_id = n;
	sim_hal.cpu_mpidr = 0x100 + n;
}

static void loaded_on(unsigned vcpu, int pcpu)
{
	atomic_store(&cpu(vcpu)->loaded_on, pcpu < 0 ? 0u : (unsigned)pcpu + 1);
	cpu(vcpu)->state = pcpu < 0 ? VCPU_BLOCKED : VCPU_RUNNING;
}

static int setup(void **state)
{
	static const struct irq_config irqs = {
	    .maintenance = VGIC_PPI_MAINTENANCE, .vtimer = VTIMER, .hyp_timer = 26};
	struct hw_info hw = {.cpu_count = 2, .cpu_mpidr = {0x100, 0x101}};

	gicdfx_setup(state);
	assert_int_equal(pcpu_init(&hw, 0x100), HV_OK);
	play_pcpu(0);
	assert_int_equal(hal_gic_cpu_init(), 0);
	irq_init(&irqs);
	irq_cpu_init();
	loaded_on(0, 0);
	loaded_on(1, 1);
	loaded_on(2, -1);
	cpu(1)->pcpu = 1;
	gicr = vm_find_mmio(gicdfx_m.vm, VM_GICR_BASE);
	assert_non_null(gicr);
	gicdfx_wr(CTLR, 4, CTLR_GRP1);
	return 0;
}

static int teardown(void **state)
{
	sim_hal.exit_jmp = NULL;
	return gicdfx_teardown(state);
}

/* A register write to vCPU `vcpu`'s SGI_base frame, made by vCPU `by` (on the pCPU played). */
static void gicr_wr(unsigned by, unsigned vcpu, uint64_t off, uint64_t val)
{
	assert_int_equal(
	    gicr->ops->write(gicr, cpu(by), (uint64_t)vcpu * GICR_STRIDE + GICR_SGI + off, 4, val),
	    HV_OK);
}

/* SGI 3 of `vcpu`: group 1, enabled, pending. */
static void sgi_pending(unsigned vcpu)
{
	gicr_wr(0, vcpu, IGROUPR, 1u << SGI);
	gicr_wr(0, vcpu, ISENABLER, 1u << SGI);
	gicr_wr(0, vcpu, ISPENDR, 1u << SGI);
}

/* --- vgic_wants_wakeup() ------------------------------------------------------------------- */

static void test_vgic_remote_wakeup_of_a_vcpu_not_loaded_reads_its_saved_interface(void **state)
{
	sgi_pending(2);
	play_pcpu(1);
	cpu(2)->ctx.vgic.vmcr = ICH_VMCR_VENG1; /* priority mask 0: everything masked */
	assert_false(vgic_wants_wakeup(cpu(2)));
	cpu(2)->ctx.vgic.vmcr = VMCR_OPEN;
	assert_true(vgic_wants_wakeup(cpu(2)));
	cpu(2)->ctx.vgic.vmcr = VMCR_OPEN & ~ICH_VMCR_VENG1; /* its Group 1 off */
	assert_false(vgic_wants_wakeup(cpu(2)));
	assert_int_equal(sim_hal.vgic_vmcr_reads, 0);
}

/* vCPU 1 runs on pCPU 1: pCPU 0's ICH_VMCR_EL2 is another vCPU's, and its own is out of reach.
 * The answer leaves the CPU interface out (a yes that its mask would refuse costs its pCPU one
 * look); reading this pCPU's register, here a closed mask, would answer for the wrong vCPU. */
static void test_vgic_remote_wakeup_of_a_vcpu_running_elsewhere_reads_no_register(void **state)
{
	sgi_pending(1);
	cpu(1)->ctx.vgic.vmcr = 0; /* what this pCPU's hardware holds for "its" vCPU */
	assert_true(vgic_wants_wakeup(cpu(1)));
	assert_int_equal(sim_hal.vgic_vmcr_reads, 0);
	/* Nothing the distributor would deliver: no, whatever the interface says. */
	gicr_wr(0, 1, ICENABLER, 1u << SGI);
	assert_false(vgic_wants_wakeup(cpu(1)));
}

static void test_vgic_remote_wakeup_of_the_vcpu_loaded_here_reads_the_hardware(void **state)
{
	sgi_pending(0);
	cpu(0)->ctx.vgic.vmcr = VMCR_OPEN; /* the sim's hardware is the context */
	assert_true(vgic_wants_wakeup(cpu(0)));
	assert_int_equal(sim_hal.vgic_vmcr_reads, 1);
}

/* --- the virtual timer --------------------------------------------------------------------- */

static void test_vgic_remote_timer_of_a_vcpu_not_loaded_comes_from_its_context(void **state)
{
	/* Its turn is starting on pCPU 1 (state RUNNING, registers not loaded yet); asked from
	 * pCPU 0, whose timer registers hold another vCPU's. */
	cpu(2)->state = VCPU_RUNNING;
	cpu(2)->ctx.cntvoff = 100;
	cpu(2)->ctx.el1[HAL_CNTV_CTL_EL0] = CTL_ENABLE;
	cpu(2)->ctx.el1[HAL_CNTV_CVAL_EL0] = 5000;
	assert_int_equal(vtimer_deadline(cpu(2)), 5100);
	assert_int_equal(sim_hal.vcpu_el1_reads, 0);
	/* On the pCPU it is loaded on, the registers are live. */
	cpu(0)->ctx.el1[HAL_CNTV_CTL_EL0] = CTL_ENABLE;
	cpu(0)->ctx.el1[HAL_CNTV_CVAL_EL0] = 7;
	assert_int_equal(vtimer_deadline(cpu(0)), 7 + cpu(0)->ctx.cntvoff);
	assert_int_equal(sim_hal.vcpu_el1_reads, 2);
}

/* Only a vCPU's own pCPU asks about its timer while it runs: a question from elsewhere is a
 * broken invariant, stopped before it reads this pCPU's registers. */
static void test_vgic_remote_timer_of_a_vcpu_running_elsewhere_is_not_read_here(void **state)
{
	sim_hal.exit_jmp = &stopped;
	if (setjmp(stopped)) {
		assert_string_equal(sim_hal.exit_reason, "halt");
		assert_int_equal(sim_hal.vcpu_el1_reads, 0);
		return;
	}
	(void)vtimer_deadline(cpu(1));
	fail_msg("read the timer of a vCPU loaded on another pCPU");
}

/* --- HW=1: the physical timer interrupt is a PPI of the vCPU's pCPU ------------------------- */

/* vCPU 1's timer fires on pCPU 1 and is injected with HW=1: pCPU 1's PPI 27 stays active until
 * the guest ends the virtual one. */
static void timer_fires_on_pcpu1(void)
{
	play_pcpu(1);
	sim_gic_raise(VTIMER);
	irq_handle_physical(cpu(1));
	assert_true(sim_hal.gic.active[VTIMER]);
	assert_true(cpu(1)->vtimer_hw);
	play_pcpu(0);
}

static void
test_vgic_remote_icpendr_from_another_pcpu_leaves_the_deactivation_to_its_own(void **state)
{
	gicr_wr(1, 1, ISENABLER, 1u << VTIMER);
	timer_fires_on_pcpu1();
	sim_hal.gic.sgis_sent = 0;
	/* vCPU 0 withdraws it through vCPU 1's redistributor: pCPU 0 must not deactivate its own
	 * PPI 27, which is not the one, but have pCPU 1 do it. */
	gicr_wr(0, 1, ICPENDR, 1u << VTIMER);
	assert_int_equal(sim_hal.gic.deactivates, 0);
	assert_false(cpu(1)->vgic.private_irqs[VTIMER].hw);
	assert_true(sim_hal.gic.sgis_sent >= 1);
	assert_int_equal(sim_hal.gic.sgi[0].mpidr, 0x101);
	assert_int_equal(sim_hal.gic.sgi[0].sgi, IRQ_KICK_SGI);
	/* pCPU 1's next exit. */
	play_pcpu(1);
	vtimer_sync(cpu(1));
	assert_int_equal(sim_hal.gic.deactivates, 1);
	assert_int_equal(sim_hal.gic.last_deactivate, VTIMER);
	assert_false(sim_hal.gic.active[VTIMER]);
	assert_int_equal(sim_hal.gic.deactivate_errors, 0);
	assert_false(cpu(1)->vtimer_hw);
	/* Nothing left for later exits or the put. */
	vtimer_sync(cpu(1));
	vtimer_put(cpu(1));
	assert_int_equal(sim_hal.gic.deactivates, 1);
}

static void test_vgic_remote_released_timer_is_deactivated_at_the_put_at_the_latest(void **state)
{
	timer_fires_on_pcpu1();
	gicr_wr(0, 1, ICPENDR, 1u << VTIMER);
	assert_int_equal(sim_hal.gic.deactivates, 0);
	play_pcpu(1);
	vtimer_put(cpu(1));
	assert_int_equal(sim_hal.gic.deactivates, 1);
	assert_false(sim_hal.gic.active[VTIMER]);
}

/* vCPU 1 blocked in WFI with its timer interrupt pending, but stays loaded while pCPU 1 idles
 * (parked, docs/scheduling.md): no exit comes to end the physical interrupt released for it.
 * pCPU 1 asks whether the kicked vCPU wakes, and ends it then, so the timer can fire again. */
static void test_vgic_remote_release_for_a_parked_vcpu_is_done_when_its_pcpu_looks(void **state)
{
	gicr_wr(1, 1, ISENABLER, 1u << VTIMER);
	timer_fires_on_pcpu1();
	cpu(1)->state = VCPU_BLOCKED;
	gicr_wr(0, 1, ICPENDR, 1u << VTIMER);
	assert_int_equal(sim_hal.gic.deactivates, 0);
	play_pcpu(1);
	assert_false(vgic_wants_wakeup(cpu(1)));
	assert_int_equal(sim_hal.gic.deactivates, 1);
	assert_false(sim_hal.gic.active[VTIMER]);
	assert_int_equal(sim_hal.gic.deactivate_errors, 0);
}

/* The write comes from a vCPU on the same pCPU (vCPU 0 writes vCPU 0's own frame): the
 * physical interrupt is this pCPU's, ended at once as before. */
static void test_vgic_remote_icpendr_on_the_same_pcpu_deactivates_at_once(void **state)
{
	sim_gic_raise(VTIMER);
	irq_handle_physical(cpu(0));
	gicr_wr(0, 0, ICPENDR, 1u << VTIMER);
	assert_int_equal(sim_hal.gic.deactivates, 1);
	assert_false(sim_hal.gic.active[VTIMER]);
	assert_int_equal(sim_hal.gic.sgis_sent, 0);
}

/* A physical timer interrupt taken here belongs to the vCPU loaded here: handing it to a vCPU
 * loaded elsewhere is a broken invariant, stopped before HW=1 ties it to this pCPU's PPI. */
static void test_vgic_remote_timer_interrupt_for_a_vcpu_loaded_elsewhere_is_refused(void **state)
{
	sim_hal.exit_jmp = &stopped;
	if (setjmp(stopped)) {
		assert_string_equal(sim_hal.exit_reason, "halt");
		assert_false(cpu(1)->vgic.private_irqs[VTIMER].hw);
		return;
	}
	sim_gic_raise(VTIMER);
	irq_handle_physical(cpu(1));
	fail_msg("injected this pCPU's timer interrupt into a vCPU loaded on another");
}

/* --- list registers ------------------------------------------------------------------------ */

static void test_vgic_remote_list_registers_of_a_vcpu_loaded_elsewhere_are_not_touched(void **state)
{
	sgi_pending(1);
	sim_hal.exit_jmp = &stopped;
	if (setjmp(stopped)) {
		assert_string_equal(sim_hal.exit_reason, "halt");
		assert_int_equal(sim_hal.vgic_lr_writes + sim_hal.vgic_vmcr_reads, 0);
		return;
	}
	vgic_flush(cpu(1));
	fail_msg("filled this pCPU's list registers for a vCPU loaded elsewhere");
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
	const struct CMUnitTest tests[] = {
	    T(test_vgic_remote_wakeup_of_a_vcpu_not_loaded_reads_its_saved_interface),
	    T(test_vgic_remote_wakeup_of_a_vcpu_running_elsewhere_reads_no_register),
	    T(test_vgic_remote_wakeup_of_the_vcpu_loaded_here_reads_the_hardware),
	    T(test_vgic_remote_timer_of_a_vcpu_not_loaded_comes_from_its_context),
	    T(test_vgic_remote_timer_of_a_vcpu_running_elsewhere_is_not_read_here),
	    T(test_vgic_remote_icpendr_from_another_pcpu_leaves_the_deactivation_to_its_own),
	    T(test_vgic_remote_released_timer_is_deactivated_at_the_put_at_the_latest),
	    T(test_vgic_remote_release_for_a_parked_vcpu_is_done_when_its_pcpu_looks),
	    T(test_vgic_remote_icpendr_on_the_same_pcpu_deactivates_at_once),
	    T(test_vgic_remote_timer_interrupt_for_a_vcpu_loaded_elsewhere_is_refused),
	    T(test_vgic_remote_list_registers_of_a_vcpu_loaded_elsewhere_are_not_touched),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

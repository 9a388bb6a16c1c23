// SPDX-License-Identifier: MIT
/* Tests of core/sched.c on the machine of sched_harness.h: kicks (from this pCPU and from
 * another, by SGI), run-queue limits, VMs that stop or go away while their vCPUs are queued,
 * and the known bugs of the scheduler. */
#include "sched_harness.h"

/* --- kicks across pCPUs -------------------------------------------------------------------- */

/* A machine of HV_MAX_CPUS pCPUs, pCPU n at MPIDR 0x100 + n. */
static void pcpus(void)
{
	struct hw_info hw = {.cpu_count = HV_MAX_CPUS};

	for (unsigned i = 0; i < HV_MAX_CPUS; i++)
		hw.cpu_mpidr[i] = 0x100 + i;
	assert_int_equal(pcpu_init(&hw, 0x100), HV_OK);
}

static void test_sched_kick_of_a_vcpu_on_another_pcpu_sends_that_pcpu_the_kick_sgi(void **state)
{
	pcpus();
	cpu(1)->pcpu = 3;
	cpu(1)->state = VCPU_BLOCKED;
	sim_hal.cpu_id = 0;
	vgic_pulse(vm, cpu(1), WAKE_SGI);
	assert_int_equal(sim_hal.gic.sgis_sent, 1);
	assert_int_equal(sim_hal.gic.sgi[0].mpidr, 0x103);
	assert_int_equal(sim_hal.gic.sgi[0].sgi, IRQ_KICK_SGI);
	/* A vCPU of this pCPU needs no SGI. */
	cpu(1)->pcpu = 0;
	vgic_pulse(vm, cpu(1), WAKE_SGI);
	assert_int_equal(sim_hal.gic.sgis_sent, 1);
}

/* At vCPU 0's third entry, "pCPU 0" makes blocked vCPU 1 pending, and its SGI arrives here. */
static void kick_1_from_another_pcpu(unsigned vcpu, unsigned step)
{
	unsigned here = sim_hal.cpu_id;

	if (vcpu != 0 || step != 2)
		return;
	sim_hal.cpu_id = 0;
	vgic_pulse(vm, cpu(1), WAKE_SGI);
	sim_hal.cpu_id = here;
	sim_gic_raise(IRQ_KICK_SGI);
}

static void test_sched_kick_sgi_ends_the_slice_so_the_woken_vcpu_runs(void **state)
{
	pcpus();
	cpu(1)->state = VCPU_BLOCKED; /* in WFI without a timer: only the kick wakes it */
	sim_smp.on_entry = kick_1_from_another_pcpu;
	busy(0, 20);
	exit_step(0, 7);
	exit_step(1, 0);
	assert_int_equal(sim_smp_run(), 0);
	/* vCPU 0 played steps 0-2 and was interrupted before step 3. */
	assert_int_equal(sim_smp.vcpu[0].next, 3);
	assert_int_equal(sim_smp.irq_exits, 1);
	assert_int_equal(sim_hal.gic.sgis_sent, 1);
	assert_int_equal(sim_hal.gic.deactivate_errors, 0);
}

/* At vCPU 0's third entry, "pCPU 0" kicks vCPU 0 itself (an interrupt for the running vCPU). */
static void kick_0_from_another_pcpu(unsigned vcpu, unsigned step)
{
	unsigned here = sim_hal.cpu_id;

	if (vcpu != 0 || step != 2)
		return;
	sim_hal.cpu_id = 0;
	sched_kick(cpu(0));
	sim_hal.cpu_id = here;
	sim_gic_raise(IRQ_KICK_SGI);
}

/* The kick makes the running vCPU exit (its next entry takes the new interrupt), but its turn
 * goes on: vCPU 1, runnable too, does not get the pCPU before vCPU 0 ends the run. */
static void test_sched_kick_sgi_for_the_running_vcpu_keeps_its_turn(void **state)
{
	pcpus();
	sim_smp.on_entry = kick_0_from_another_pcpu;
	busy(0, 6);
	exit_step(0, 7);
	exit_step(1, 0);
	assert_int_equal(sim_smp_run(), 7);
	assert_int_equal(sim_smp.irq_exits, 1);
	assert_int_equal(sim_smp.vcpu[1].next, 0);
	assert_int_equal(sim_hal.gic.sgis_sent, 1);
}

/* At vCPU 0's third entry, "pCPU 0" kicks both vCPUs of this pCPU (vCPU 0 running, vCPU 1
 * blocked, now pending): one look at the mailbox takes both. */
static void kick_both_from_another_pcpu(unsigned vcpu, unsigned step)
{
	unsigned here = sim_hal.cpu_id;

	if (vcpu != 0 || step != 2)
		return;
	sim_hal.cpu_id = 0;
	sched_kick(cpu(0));
	vgic_pulse(vm, cpu(1), WAKE_SGI);
	sim_hal.cpu_id = here;
	sim_gic_raise(IRQ_KICK_SGI);
}

static void test_sched_kicks_of_two_vcpus_end_the_slice_for_the_waiting_one(void **state)
{
	pcpus();
	cpu(1)->state = VCPU_BLOCKED;
	sim_smp.on_entry = kick_both_from_another_pcpu;
	busy(0, 20);
	exit_step(0, 7);
	exit_step(1, 0);
	assert_int_equal(sim_smp_run(), 0);
	assert_int_equal(sim_smp.vcpu[0].next, 3);
	assert_int_equal(sim_smp.irq_exits, 1);
	assert_int_equal(sim_hal.gic.sgis_sent, 2); /* a kick bit each */
}

/* --- kicks and queues ------------------------------------------------------------------------ */

static bool yield_after[4];

/* While vCPU 0 runs: kick the running vCPU itself, a vCPU of another pCPU, then vCPU 1. */
static void kicks(unsigned vcpu, unsigned step)
{
	unsigned mine;

	if (vcpu != 0 || step != 0)
		return;
	mine = cpu(1)->pcpu;
	yield_after[0] = sched_should_yield();
	sched_kick(cpu(0));
	yield_after[1] = sched_should_yield();
	cpu(1)->pcpu = mine + 1;
	sched_kick(cpu(1));
	yield_after[2] = sched_should_yield();
	cpu(1)->pcpu = mine;
	sched_kick(cpu(1));
	yield_after[3] = sched_should_yield();
}

static void test_sched_kick_ends_the_slice_only_for_another_vcpu_of_this_pcpu(void **state)
{
	sim_smp.on_entry = kicks;
	cpu(0)->ctx.pstate = PSTATE_M_EL1H; /* IRQs unmasked: no critical section to finish */
	busy(0, 3);
	exit_step(1, 2);
	assert_int_equal(sim_smp_run(), 2);
	assert_false(yield_after[0]);
	assert_false(yield_after[1]); /* kicking the running vCPU */
	assert_false(yield_after[2]); /* another pCPU's vCPU: not this queue's business */
	assert_true(yield_after[3]);
	/* vCPU 0's slice ended at the exit after the kick. */
	assert_int_equal(sim_smp.vcpu[0].next, 1);
	assert_false(sched_should_yield()); /* no run: nothing to yield */
}

static void test_sched_assign_refuses_a_pcpu_out_of_range_and_a_full_queue(void **state)
{
	unsigned pcpu = sim_smp_fresh_pcpu();

	assert_int_equal(sched_assign(cpu(0), HV_MAX_CPUS), HV_EINVAL);
	for (unsigned i = 0; i < SCHED_MAX_VCPUS; i++)
		assert_int_equal(sched_assign(cpu(i % 2), pcpu), HV_OK);
	assert_int_equal(sched_assign(cpu(0), pcpu), HV_ENOMEM);
	assert_int_equal(cpu(0)->pcpu, pcpu);
}

/* Two VMs share the pCPU; one has stopped already: its vCPU is never entered, the other VM's
 * run decides when sched_run() returns, and both VMs' vCPUs are left off. */
static void test_sched_skips_the_vcpus_of_a_stopped_vm_on_the_same_pcpu(void **state)
{
	struct vm *other;
	struct vcpu *ov;
	unsigned pcpu;

	assert_int_equal(vm_create(&other, "other", SIM_IPA_BITS, sim_hal.pa_bits, &m.alloc),
			 HV_OK);
	assert_int_equal(vm_add_vcpu(other, ENTRY, 0, &ov), HV_OK);
	vm_stop(other, 1);
	pcpu = sim_smp_fresh_pcpu();
	assert_int_equal(sched_assign(ov, pcpu), HV_OK);
	assert_int_equal(sched_assign(cpu(0), pcpu), HV_OK);
	assert_int_equal(sched_assign(cpu(1), pcpu), HV_OK);
	busy(0, 2);
	exit_step(1, 9);
	sim_smp.ticks_per_entry = SLICE / 2 + 1;
	sched_run();
	assert_int_equal(vm->exit_status, 9);
	assert_int_equal(ov->state, VCPU_OFF);
	assert_all_off();
	vm_destroy(other);
}

/* A VM that stopped before its vCPU joined a queue which has already run (and looked for
 * stopped VMs since the last stop): the queue still sees it, puts that vCPU off and returns. */
static void test_sched_vcpu_of_a_vm_stopped_before_it_joined_leaves_a_queue_that_ran(void **state)
{
	struct vm *other;
	struct vcpu *ov;
	unsigned pcpu;

	assert_int_equal(vm_create(&other, "other", SIM_IPA_BITS, sim_hal.pa_bits, &m.alloc),
			 HV_OK);
	assert_int_equal(vm_add_vcpu(other, ENTRY, 0, &ov), HV_OK);
	vm_stop(other, 1);
	pcpu = sim_smp_fresh_pcpu();
	assert_int_equal(sched_assign(cpu(0), pcpu), HV_OK);
	assert_int_equal(sched_assign(cpu(1), pcpu), HV_OK);
	busy(0, 2);
	exit_step(1, 9);
	sim_smp.ticks_per_entry = SLICE / 2 + 1;
	sched_run();
	assert_int_equal(vm->exit_status, 9);
	/* No VM stops from here on: only its joining can make the queue look. */
	assert_int_equal(sched_assign(ov, pcpu), HV_OK);
	sched_run();
	assert_int_equal(ov->state, VCPU_OFF);
	assert_true(sched_vm_gone(other));
	vm_destroy(other);
}

/* --- known bugs ---------------------------------------------------------------------------- */

static void console_byte_at_step_2(unsigned vcpu, unsigned step)
{
	if (vcpu == 0 && step == 2) {
		sim_console_feed("x");
		sim_gic_raise(UART_SPI); /* taken at vCPU 0's next entry */
	}
}

/* vCPU 1's UART driver (vPL011 IMSC: RX interrupts on; SPI 33 routed to vCPU 1) waits in WFI.
 * vCPU 0 computes (exits that change nothing) and is alone on the pCPU, so no slice timer runs.
 * A byte arrives on the console: the physical UART interrupt exits vCPU 0 and the vPL011 raises
 * SPI 33 for vCPU 1, which must then get the pCPU soon, as an SGI's target does. */
static void test_sched_device_interrupt_for_a_blocked_vcpu_gets_it_the_pcpu(void **state)
{
	struct mmio_device *uart = vm_find_mmio(vm, VM_PL011_BASE);
	struct vgic_locked l = vgic_lock(vm);
	struct vgic_irq *spi = vgic_irq(l, NULL, VM_PL011_INTID);

	spi->group = 1;
	spi->priority = 0xa0;
	vgic_set_route(l, spi, 1);
	vgic_set_enabled(l, spi, true);
	vgic_unlock(&l);
	assert_int_equal(uart->ops->write(uart, cpu(1), 0x38, 4, BIT(4) | BIT(6)), 0); /* IMSC */
	irq_set_console_focus(vm);
	cpu(1)->state = VCPU_BLOCKED;

	sim_smp.on_entry = console_byte_at_step_2;
	/* 100 us per exit: vCPU 1 gets the pCPU once vCPU 0 has had its minimum run time. */
	sim_smp.ticks_per_entry = SCHED_MIN_RUN_US / 5 * (FREQ / 1000000);
	busy(0, 40);
	exit_step(1, 0x11);
	sim_smp_run();
	/* The interrupt did reach vCPU 1 ... */
	assert_ptr_equal(spi->target, cpu(1));
	assert_true(vgic_irq_pending(spi));
	/* ... which ran (and ended the run) instead of waiting for vCPU 0 to finish. */
	assert_int_equal(vm->exit_status, 0x11);
	assert_true(sim_smp.vcpu[0].next < 10);
}

/* A guest that parks its timer at the end of time (CVAL near 2^64, enabled: the virtual count
 * never gets there) and waits in WFI must stay blocked, and must not leave CNTHP armed in the
 * past, which would cut every other vCPU's slice down to a single exit. */
static void test_sched_timer_parked_at_the_end_of_time_never_wakes_the_vcpu(void **state)
{
	timer_then_wfi(0, CTL_ENABLE, UINT64_MAX - 5);
	exit_step(0, 99);
	busy(1, 6);
	exit_step(1, 4);
	sim_smp.ticks_per_entry = 100;
	assert_int_equal(sim_smp_run(), 4);
	assert_int_equal(sim_smp.vcpu[0].next, 1);
	assert_int_equal(sim_smp.irq_exits, 0);
}

/* A VM that is destroyed must leave its pCPU's run queue: otherwise its slot's next VM (the
 * same struct vm, the same vCPU addresses) is scheduled through stale entries too, and after
 * SCHED_MAX_VCPUS assignments in total the queue refuses every vCPU. */
static void test_sched_destroyed_vms_leave_the_run_queue(void **state)
{
	unsigned pcpu = sim_smp_fresh_pcpu();

	KNOWN_BUG("core/sched.c has no way to take a vCPU off a run queue; vm_destroy() leaves "
		  "stale entries behind");
	for (unsigned cycle = 0; cycle < SCHED_MAX_VCPUS; cycle++) {
		struct vm *other;
		struct vcpu *a, *b;

		assert_int_equal(
		    vm_create(&other, "cycle", SIM_IPA_BITS, sim_hal.pa_bits, &m.alloc), HV_OK);
		assert_int_equal(vm_add_vcpu(other, ENTRY, 0, &a), HV_OK);
		assert_int_equal(vm_add_vcpu(other, ENTRY, 0, &b), HV_OK);
		assert_int_equal(sched_assign(a, pcpu), HV_OK);
		assert_int_equal(sched_assign(b, pcpu), HV_OK);
		vm_destroy(other);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(
		test_sched_kick_of_a_vcpu_on_another_pcpu_sends_that_pcpu_the_kick_sgi, setup2,
		teardown),
	    cmocka_unit_test_setup_teardown(
		test_sched_kick_sgi_ends_the_slice_so_the_woken_vcpu_runs, setup2, teardown),
	    cmocka_unit_test_setup_teardown(test_sched_kick_sgi_for_the_running_vcpu_keeps_its_turn,
					    setup2, teardown),
	    cmocka_unit_test_setup_teardown(
		test_sched_kicks_of_two_vcpus_end_the_slice_for_the_waiting_one, setup2, teardown),
	    cmocka_unit_test_setup_teardown(
		test_sched_kick_ends_the_slice_only_for_another_vcpu_of_this_pcpu, setup2,
		teardown),
	    cmocka_unit_test_setup_teardown(
		test_sched_assign_refuses_a_pcpu_out_of_range_and_a_full_queue, setup2, teardown),
	    cmocka_unit_test_setup_teardown(
		test_sched_skips_the_vcpus_of_a_stopped_vm_on_the_same_pcpu, setup2, teardown),
	    cmocka_unit_test_setup_teardown(
		test_sched_vcpu_of_a_vm_stopped_before_it_joined_leaves_a_queue_that_ran, setup2,
		teardown),
	    cmocka_unit_test_setup_teardown(
		test_sched_device_interrupt_for_a_blocked_vcpu_gets_it_the_pcpu, setup2, teardown),
	    cmocka_unit_test_setup_teardown(
		test_sched_timer_parked_at_the_end_of_time_never_wakes_the_vcpu, setup2, teardown),
	    cmocka_unit_test_setup_teardown(test_sched_destroyed_vms_leave_the_run_queue, setup2,
					    teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

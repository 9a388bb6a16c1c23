// SPDX-License-Identifier: MIT
/* Tests of core/sched.c (with the run loop of core/exit.c): real scheduling on the host, on the
 * machine of sched_harness.h. Round robin with 10 ms slices, the slice timer armed only when
 * another vCPU waits (or for a blocked vCPU's virtual timer), WFI blocking, wake-ups by SGI
 * (with the sender's slice cut short) and by the virtual timer deadline, the idle pCPU, and the
 * end of the run. Kicks and run queues: test_sched_kick.c. */
#include "../../core/sched_internal.h" /* first: the harness's globals shadow its parameters */
#include "sched_harness.h"

/* --- round robin and the slice timer -------------------------------------------------------- */

static void test_sched_runnable_vcpus_take_turns_in_round_robin_order(void **state)
{
	unsigned turn[32], n;

	/* A quarter slice per exit: each turn is four exits, then CNTHP interrupts the guest. */
	sim_smp.ticks_per_entry = SLICE / 4;
	busy(0, 16);
	busy(1, 16);
	busy(2, 12);
	exit_step(2, 7);
	assert_int_equal(sim_smp_run(), 7);
	assert_false(sim_smp.ran_out);

	n = turns(turn, ARRAY_SIZE(turn));
	assert_int_equal(n, 12);
	for (unsigned i = 0; i < n; i++)
		assert_int_equal(turn[i], i % 3);
	/* Every turn but the last ended with the EL2 timer's interrupt, and each of its steps
	 * was followed by one: while siblings wait, a spin check (rule 6 of docs/scheduling.md)
	 * comes due during each 2.5 ms step and finds the guest trapping, not spinning. */
	assert_int_equal(sim_smp.entries, 11 * 8 + 1);
	assert_int_equal(sim_smp.irq_exits, 11 * 4);
	for (unsigned i = 0; i < 3; i++) {
		assert_int_equal(cpu(i)->stats.irq, i == 2 ? 3 * 4 : 4 * 4);
		assert_int_equal(cpu(i)->sched.stats.ends[SCHED_END_SLICE], i == 2 ? 3 : 4);
		assert_int_equal(cpu(i)->sched.stats.ends[SCHED_END_SPIN], 0);
	}
	assert_int_equal(sim_hal.gic.eoi_errors, 0);
	assert_int_equal(sim_hal.gic.deactivate_errors, 0);
}

static uint64_t armed_at_first_entry = 1, turn_end_at_first_entry = 1;
static bool armed_seen;

/* CNTHP as vCPU 0 first enters, and when its turn ends (without spin checks, rule 6 of
 * docs/scheduling.md, which come first while a sibling waits). */
static void record_timer(unsigned vcpu, unsigned step)
{
	if (vcpu == 0 && step == 0) {
		armed_seen = sim_hal.gic.hyp_timer_armed;
		armed_at_first_entry = sim_hal.gic.hyp_timer_deadline;
		turn_end_at_first_entry = sched_queues[hal_cpu_id()].timer_at;
	}
}

static void test_sched_slice_timer_is_armed_10ms_ahead_when_two_vcpus_are_runnable(void **state)
{
	sim_smp.on_entry = record_timer;
	busy(1, 1);
	exit_step(0, 0);
	assert_int_equal(sim_smp_run(), 0);
	assert_true(armed_seen);
	assert_int_equal(turn_end_at_first_entry, BOOT_COUNT + SLICE);
	/* The first spin check comes first: vCPU 1 waits. */
	assert_int_equal(armed_at_first_entry, BOOT_COUNT + SCHED_SPIN_CHECK_US * FREQ / 1000000);
	/* The run is over: nothing left armed. */
	assert_false(sim_hal.gic.hyp_timer_armed);
}

static void test_sched_no_slice_timer_when_one_vcpu_is_runnable(void **state)
{
	cpu(1)->state = VCPU_OFF;
	sim_smp.on_entry = record_timer;
	exit_step(0, 0);
	armed_seen = true;
	assert_int_equal(sim_smp_run(), 0);
	assert_false(armed_seen);
}

static void test_sched_no_slice_timer_beside_a_blocked_vcpu_without_a_timer(void **state)
{
	cpu(1)->state = VCPU_BLOCKED;
	cpu(1)->ctx.el1[HAL_CNTV_CTL_EL0] = CTL_ENABLE | CTL_IMASK; /* masked: no deadline */
	cpu(1)->ctx.el1[HAL_CNTV_CVAL_EL0] = 10;
	sim_smp.on_entry = record_timer;
	exit_step(0, 0);
	armed_seen = true;
	assert_int_equal(sim_smp_run(), 0);
	assert_false(armed_seen);
	assert_int_equal(sim_smp.vcpu[1].seen_count, 0);
}

static void test_sched_one_runnable_vcpu_gets_cnthp_at_a_blocked_vcpus_timer_deadline(void **state)
{
	cpu(1)->state = VCPU_BLOCKED;
	cpu(1)->ctx.el1[HAL_CNTV_CTL_EL0] = CTL_ENABLE;
	cpu(1)->ctx.el1[HAL_CNTV_CVAL_EL0] = 3 * SLICE; /* virtual count: + CNTVOFF */
	sim_smp.on_entry = record_timer;
	exit_step(0, 0);
	assert_int_equal(sim_smp_run(), 0);
	assert_true(armed_seen);
	assert_int_equal(armed_at_first_entry, BOOT_COUNT + 3 * SLICE);
}

/* The EL1 physical timer (core/ptimer.c) wakes a blocked vCPU as its virtual one does. */
static void test_sched_one_runnable_vcpu_gets_cnthp_at_a_blocked_vcpus_ptimer_deadline(void **state)
{
	cpu(1)->state = VCPU_BLOCKED;
	cpu(1)->ptimer.ctl = CTL_ENABLE;
	cpu(1)->ptimer.used = true;	 /* as the guest's write of CNTP_CTL leaves it */
	cpu(1)->ptimer.cval = 2 * SLICE; /* physical count: + CNTVOFF, as the virtual one */
	cpu(1)->ctx.el1[HAL_CNTV_CTL_EL0] = CTL_ENABLE;
	cpu(1)->ctx.el1[HAL_CNTV_CVAL_EL0] = 3 * SLICE;
	sim_smp.on_entry = record_timer;
	exit_step(0, 0);
	assert_int_equal(sim_smp_run(), 0);
	assert_true(armed_seen);
	assert_int_equal(armed_at_first_entry, BOOT_COUNT + 2 * SLICE);
}

static void test_sched_blocked_vcpu_whose_ptimer_deadline_passed_wakes_at_pick(void **state)
{
	cpu(0)->state = VCPU_BLOCKED;
	cpu(0)->ptimer.ctl = CTL_ENABLE;
	cpu(0)->ptimer.used = true;
	cpu(0)->ptimer.cval = 100;
	sim_hal.counter = BOOT_COUNT + 100;
	exit_step(0, 2);
	busy(1, 3);
	assert_int_equal(sim_smp_run(), 2);
	assert_int_equal(sim_smp.order[0], 0);
	assert_int_equal(sim_smp.vcpu[1].seen_count, 0);
}

static void test_sched_slice_timer_is_the_earlier_of_slice_end_and_a_blocked_deadline(void **state)
{
	cpu(2)->state = VCPU_BLOCKED;
	cpu(2)->ctx.el1[HAL_CNTV_CTL_EL0] = CTL_ENABLE;
	cpu(2)->ctx.el1[HAL_CNTV_CVAL_EL0] = SLICE / 2;
	sim_smp.on_entry = record_timer;
	busy(1, 1);
	exit_step(0, 0);
	assert_int_equal(sim_smp_run(), 0);
	assert_true(armed_seen);
	assert_int_equal(turn_end_at_first_entry, BOOT_COUNT + SLICE / 2);
}

/* Regression (4 vCPUs of Linux livelocked): a blocked vCPU whose deadline has passed but which
 * comes after the chosen one in round-robin order must be woken, not left to arm CNTHP in the
 * past, which ended every slice of the chosen vCPU before its first instruction. */
static void
test_sched_a_passed_deadline_behind_the_chosen_vcpu_wakes_it_not_ending_the_slice(void **state)
{
	cpu(2)->state = VCPU_BLOCKED;
	cpu(2)->ctx.el1[HAL_CNTV_CTL_EL0] = CTL_ENABLE;
	cpu(2)->ctx.el1[HAL_CNTV_CVAL_EL0] = 0; /* long past */
	sim_smp.on_entry = record_timer;
	/* Woken, it runs first (wake-up boost); it turns its timer off and waits again. */
	timer_then_wfi(2, 0, 0);
	busy(1, 1);
	exit_step(0, 0);
	assert_int_equal(sim_smp_run(), 0);
	assert_true(armed_seen);
	assert_int_equal(turn_end_at_first_entry, BOOT_COUNT + SLICE);
}

static void end_slice_at_step_1(unsigned vcpu, unsigned step)
{
	if (vcpu == 0 && step == 1)
		sched_timer_interrupt();
}

static void test_sched_timer_interrupt_ends_the_slice_at_the_next_exit(void **state)
{
	/* No time passes: only sched_timer_interrupt() can end vCPU 0's turn. */
	sim_smp.on_entry = end_slice_at_step_1;
	busy(0, 4);
	exit_step(1, 3);
	assert_int_equal(sim_smp_run(), 3);
	/* vCPU 0 played steps 0 and 1, then vCPU 1 ran. */
	assert_int_equal(sim_smp.entries, 3);
	assert_int_equal(sim_smp.order[0], 0);
	assert_int_equal(sim_smp.order[1], 0);
	assert_int_equal(sim_smp.order[2], 1);
	assert_int_equal(sim_smp.vcpu[0].next, 2);
}

static void test_sched_timer_interrupt_outside_a_run_only_silences_cnthp(void **state)
{
	hal_hyp_timer_arm(BOOT_COUNT);
	sched_timer_interrupt();
	assert_false(sim_hal.gic.hyp_timer_armed);
	assert_false(sched_should_yield());
}

static void test_sched_expired_cnthp_interrupts_the_guest_and_passes_the_pcpu_on(void **state)
{
	/* Time jumps past the end of the slice while vCPU 0 plays step 1. */
	busy(0, 4);
	exit_step(1, 3);
	sim_smp.ticks_per_entry = SLICE / 2 + 1;
	assert_int_equal(sim_smp_run(), 3);
	/* Step 0, a spin check's IRQ exit (rule 6: vCPU 1 waits; it finds vCPU 0 trapping),
	 * step 1, the IRQ exit at the slice's end, vCPU 1. */
	assert_int_equal(sim_smp.entries, 5);
	assert_int_equal(sim_smp.irq_exits, 2);
	assert_int_equal(sim_smp.order[3], 0); /* the IRQ exit */
	assert_int_equal(sim_smp.order[4], 1);
	assert_int_equal(cpu(0)->stats.irq, 2);
	assert_int_equal(cpu(0)->sched.stats.ends[SCHED_END_SLICE], 1);
	assert_int_equal(sim_hal.gic.last_ack, HYP_TIMER);
	assert_false(sim_hal.gic.active[HYP_TIMER]);
}

/* --- blocking and waking ------------------------------------------------------------------ */

static unsigned state_of_0_when_1_ran = 99;

static void note_state_of_0(unsigned vcpu, unsigned step)
{
	if (vcpu == 1 && step == 0)
		state_of_0_when_1_ran = cpu(0)->state;
}

static void test_sched_wfi_blocks_the_vcpu_and_the_others_run(void **state)
{
	sim_smp.on_entry = note_state_of_0;
	wfi(0);
	exit_step(0, 99); /* never reached: nothing wakes vCPU 0 */
	busy(1, 5);
	exit_step(1, 4);
	assert_int_equal(sim_smp_run(), 4);
	assert_int_equal(state_of_0_when_1_ran, VCPU_BLOCKED);
	assert_int_equal(sim_smp.vcpu[0].next, 1);
	assert_int_equal(sim_smp.vcpu[1].next, 6);
	/* Alone on the pCPU, vCPU 1 ran to the end without a slice timer. */
	assert_int_equal(sim_smp.irq_exits, 0);
	assert_int_equal(sim_hal.wfi_count, 0);
	assert_all_off();
}

static void test_sched_sgi_wakes_a_blocked_vcpu_and_ends_the_senders_slice(void **state)
{
	wfi(0);
	exit_step(0, 5);
	busy(1, 2);
	sgi_step(1, WAKE_SGI, BIT(0));
	busy(1, 10);
	assert_int_equal(sim_smp_run(), 5);
	/* 0: WFI; 1: two calls and the SGI, and its slice ends there; 0: woken, exits. */
	assert_int_equal(sim_smp.entries, 5);
	static const unsigned want[] = {0, 1, 1, 1, 0};
	for (unsigned i = 0; i < ARRAY_SIZE(want); i++)
		assert_int_equal(sim_smp.order[i], want[i]);
	assert_int_equal(sim_smp.vcpu[1].next, 3);
	/* The SGI is in vCPU 0's list registers when it comes back. */
	assert_int_equal(sim_smp_seen(0, 1)->vgic.lr[0] & ICH_LR_VINTID_MASK, WAKE_SGI);
	assert_int_equal(sim_smp_seen(0, 1)->vgic.lr[0] >> ICH_LR_STATE_SHIFT,
			 ICH_LR_STATE_PENDING);
	assert_int_equal(sim_hal.wfi_count, 0);
}

static void test_sched_sgi_the_target_cannot_take_leaves_it_blocked(void **state)
{
	/* SGI 2 is disabled on vCPU 0: the kick ends the slice but wakes nobody. */
	wfi(0);
	exit_step(0, 5);
	sgi_step(1, 2, BIT(0));
	busy(1, 3);
	exit_step(1, 6);
	assert_int_equal(sim_smp_run(), 6);
	assert_int_equal(sim_smp.vcpu[0].next, 1);
	assert_int_equal(sim_smp.vcpu[1].next, 5);
}

static void test_sched_blocked_vcpu_wakes_when_its_virtual_timer_deadline_passes(void **state)
{
	/* vCPU 0 sleeps until virtual count 2 slices; vCPU 1 runs meanwhile, alone. */
	timer_then_wfi(0, CTL_ENABLE, 2 * SLICE);
	exit_step(0, 8);
	busy(1, 40);
	sim_smp.ticks_per_entry = SLICE / 8;
	assert_int_equal(sim_smp_run(), 8);
	/* CNTHP at the deadline ended vCPU 1's turn; vCPU 0 came back, its timer's PPI was taken
	 * at EL2 (an IRQ exit) and is in its list registers, HW=1, when it plays its next step. */
	assert_true(sim_hal.counter >= BOOT_COUNT + 2 * SLICE);
	assert_true(sim_smp.vcpu[1].next < 20);
	assert_int_equal(sim_smp.vcpu[0].next, 2);
	assert_int_equal(sim_smp_seen(0, 1)->vgic.lr[0] & ICH_LR_VINTID_MASK, VTIMER);
	assert_true(sim_smp_seen(0, 1)->vgic.lr[0] & ICH_LR_HW);
	assert_int_equal(cpu(0)->stats.irq, 1);
	assert_int_equal(sim_hal.gic.deactivate_errors, 0);
	assert_false(sim_hal.gic.active[VTIMER]); /* released when the vCPU was put */
}

static void test_sched_blocked_vcpu_whose_deadline_passed_while_it_slept_wakes_at_pick(void **state)
{
	/* Not loaded: the deadline comes from its saved registers and its CNTVOFF. */
	cpu(0)->state = VCPU_BLOCKED;
	cpu(0)->ctx.el1[HAL_CNTV_CTL_EL0] = CTL_ENABLE;
	cpu(0)->ctx.el1[HAL_CNTV_CVAL_EL0] = 100;
	sim_hal.counter = BOOT_COUNT + 100;
	exit_step(0, 2);
	busy(1, 3);
	assert_int_equal(sim_smp_run(), 2);
	assert_int_equal(sim_smp.order[0], 0);
	assert_int_equal(sim_smp.vcpu[1].seen_count, 0);
}

static void test_sched_blocked_vcpu_with_its_deadline_ahead_stays_blocked(void **state)
{
	cpu(0)->state = VCPU_BLOCKED;
	cpu(0)->ctx.el1[HAL_CNTV_CTL_EL0] = CTL_ENABLE;
	cpu(0)->ctx.el1[HAL_CNTV_CVAL_EL0] = 101;
	sim_hal.counter = BOOT_COUNT + 100;
	exit_step(0, 2);
	exit_step(1, 3);
	assert_int_equal(sim_smp_run(), 3);
	assert_int_equal(sim_smp.vcpu[0].seen_count, 0);
}

/* --- the idle pCPU ------------------------------------------------------------------------- */

static uint64_t idle_deadline;
static bool idle_armed;

/* Time passes while the pCPU sleeps: up to whatever CNTHP was armed for. */
static void sleep_until_cnthp(void)
{
	idle_armed = sim_hal.gic.hyp_timer_armed;
	idle_deadline = sim_hal.gic.hyp_timer_deadline;
	if (idle_armed)
		sim_hal.counter = sim_hal.gic.hyp_timer_deadline;
}

/* The idle pCPU as the hardware has it: time passes up to whatever fires first, CNTHP at its
 * deadline or the virtual timer of the vCPU still loaded here (parked), whose PPI rises
 * sim_smp.vtimer_lag ticks after the counter passed its deadline (QEMU's timer callback). */
static void sleep_until_a_timer(void)
{
	const struct hal_vcpu_ctx *ctx = sim_hal.loaded_vcpu;
	uint64_t vtimer_at = UINT64_MAX;

	idle_armed = sim_hal.gic.hyp_timer_armed;
	idle_deadline = sim_hal.gic.hyp_timer_deadline;
	if (ctx && (ctx->el1[HAL_CNTV_CTL_EL0] & (CTL_ENABLE | CTL_IMASK)) == CTL_ENABLE)
		vtimer_at = ctx->el1[HAL_CNTV_CVAL_EL0] + ctx->cntvoff + sim_smp.vtimer_lag;
	if (idle_armed && idle_deadline <= vtimer_at) {
		sim_hal.counter = MAX(sim_hal.counter, idle_deadline);
	} else if (vtimer_at != UINT64_MAX) {
		sim_hal.counter = MAX(sim_hal.counter, vtimer_at);
		sim_gic_set_level(VTIMER, true);
	}
}

static void test_sched_idle_pcpu_waits_with_cnthp_at_the_earliest_deadline(void **state)
{
	sim_hal.wfi_hook = sleep_until_cnthp;
	wfi(0);				     /* no timer */
	timer_then_wfi(1, CTL_ENABLE, 9000); /* later */
	timer_then_wfi(2, CTL_ENABLE, 7000); /* earliest */
	timer_then_wfi(3, CTL_ENABLE | CTL_IMASK, 10);
	exit_step(2, 1);
	assert_int_equal(sim_smp_run(), 1);
	assert_int_equal(sim_hal.wfi_count, 1);
	assert_true(idle_armed);
	assert_int_equal(idle_deadline, BOOT_COUNT + 7000);
	/* vCPU 2 woke first and ended the run. */
	assert_int_equal(sim_smp.order[sim_smp.entries - 1], 2);
	assert_int_equal(sim_smp.vcpu[1].next, 1);
	assert_all_off();
}

static unsigned idle_waits;

static void sgi_to_0_after_3_waits(void)
{
	if (++idle_waits == 3)
		vgic_pulse(vm, cpu(0), WAKE_SGI);
}

static void test_sched_idle_pcpu_without_deadlines_waits_until_an_interrupt(void **state)
{
	idle_waits = 0;
	sim_hal.wfi_hook = sgi_to_0_after_3_waits;
	wfi(0);
	exit_step(0, 12);
	wfi(1);
	assert_int_equal(sim_smp_run(), 12);
	assert_int_equal(sim_hal.wfi_count, 3);
	assert_false(sim_hal.gic.hyp_timer_armed);
}

/* --- parking: a lone vCPU that blocks stays loaded ------------------------------------------ */

static void test_sched_lone_vcpu_blocked_in_wfi_stays_loaded_until_its_timer(void **state)
{
	cpu(1)->state = VCPU_OFF;
	sim_hal.wfi_hook = sleep_until_a_timer;
	timer_then_wfi(0, CTL_ENABLE, 500);
	exit_step(0, 6);
	assert_int_equal(sim_smp_run(), 6);
	/* The pCPU idled with the vCPU still loaded until its own timer's PPI (no CNTHP for it),
	 * then ran it again without a switch: one load, one put (when the VM stopped). */
	assert_int_equal(sim_hal.wfi_count, 1);
	assert_false(idle_armed);
	assert_true(sim_hal.counter >= BOOT_COUNT + 500);
	assert_int_equal(sim_hal.vcpu_loads, 1);
	assert_int_equal(sim_hal.vcpu_puts, 1);
	/* Its timer's PPI, taken at EL2 on the way back in, reached it HW=1. */
	assert_int_equal(sim_smp_seen(0, 1)->vgic.lr[0] & ICH_LR_VINTID_MASK, VTIMER);
	assert_true(sim_smp_seen(0, 1)->vgic.lr[0] & ICH_LR_HW);
	assert_false(sim_hal.gic.active[VTIMER]); /* released at the put */
	assert_all_off();
}

/* guest-vtimer failed once in CI this way: a parked vCPU's own timer and CNTHP at the same
 * deadline. Under QEMU the timer's PPI rises a little after the counter passed the deadline;
 * a pCPU that CNTHP woke then must not resume the vCPU before that interrupt is pending, or
 * its WFI returns with nothing to take (the guest unmasks IRQs once and finds no tick). */
static void test_sched_parked_vcpu_resumes_from_its_timer_with_the_tick_pending(void **state)
{
	cpu(1)->state = VCPU_OFF;
	sim_smp.vtimer_lag = 100;
	sim_hal.wfi_hook = sleep_until_a_timer;
	timer_then_wfi(0, CTL_ENABLE, 500);
	exit_step(0, 6);
	assert_int_equal(sim_smp_run(), 6);
	/* Its first entry after the WFI has the tick in a list register, HW=1. */
	assert_int_equal(sim_smp_seen(0, 1)->vgic.lr[0] & ICH_LR_VINTID_MASK, VTIMER);
	assert_true(sim_smp_seen(0, 1)->vgic.lr[0] & ICH_LR_HW);
	assert_int_equal(sim_smp.irq_exits, 0);
	assert_int_equal(sim_hal.vcpu_loads, 1);
	assert_all_off();
}

static void test_sched_blocked_vcpu_beside_another_is_put(void **state)
{
	sim_hal.wfi_hook = sleep_until_cnthp;
	timer_then_wfi(0, CTL_ENABLE, 500);
	exit_step(0, 6);
	wfi(1);
	assert_int_equal(sim_smp_run(), 6);
	/* Two vCPUs alive on the pCPU: whichever blocks is put, as the next may be the other. */
	assert_int_equal(sim_hal.vcpu_loads, sim_hal.vcpu_puts);
	assert_true(sim_hal.vcpu_loads >= 3);
}

static void sgi_to_1_from_elsewhere(void)
{
	if (++idle_waits == 1) {
		cpu(1)->state = VCPU_RUNNABLE; /* as PSCI CPU_ON's message would make it */
		sim_smp_push(1, sim_step_hvc(HV_CALL_EXIT, 9, 0));
	}
}

static void test_sched_parked_vcpu_is_put_before_a_sibling_is_loaded(void **state)
{
	idle_waits = 0;
	cpu(1)->state = VCPU_OFF;
	sim_hal.wfi_hook = sgi_to_1_from_elsewhere;
	wfi(0); /* parks: alone */
	assert_int_equal(sim_smp_run(), 9);
	/* vCPU 1 came on while vCPU 0 was parked: vCPU 0 was put first (vcpu_load() CHECKs that
	 * nothing is loaded), vCPU 1 ran and stopped the VM. */
	assert_int_equal(sim_hal.vcpu_loads, 2);
	assert_int_equal(sim_hal.vcpu_puts, 2);
	assert_int_equal(sim_smp.order[sim_smp.entries - 1], 1);
	assert_all_off();
}

/* At the first idle wait, vCPU 1 comes on (as PSCI CPU_ON would make it) and keeps busy. */
static void busy_1_comes_on(void)
{
	if (++idle_waits == 1) {
		cpu(1)->state = VCPU_RUNNABLE;
		busy(1, 30);
		exit_step(1, 9);
	}
}

/* A parked vCPU's timer wakes it through its PPI, with no CNTHP armed for it. Put for a sibling
 * that came on, its timer is in its context and no longer fires: CNTHP must be armed for it
 * then, or it sleeps past its deadline for as long as the sibling runs alone. */
static void test_sched_parked_vcpu_put_for_a_sibling_still_wakes_at_its_deadline(void **state)
{
	idle_waits = 0;
	cpu(1)->state = VCPU_OFF;
	sim_hal.wfi_hook = busy_1_comes_on;
	sim_smp.ticks_per_entry = 100;
	timer_then_wfi(0, CTL_ENABLE, 1000); /* parks: alone */
	exit_step(0, 6);
	assert_int_equal(sim_smp_run(), 6);
	/* vCPU 1 ran about 10 steps (1000 ticks), then CNTHP ended its turn for vCPU 0. */
	assert_true(sim_smp.vcpu[1].next < 20);
	assert_int_equal(sim_hal.vcpu_loads, 3);
}

/* A pCPU whose only vCPU is parked (core/sched_alone.c): the vCPU runs again as soon as its
 * interrupt or deadline comes, loaded still, without the run loop's general pass. */

static int setup1(void **state)
{
	machine(1);
	return 0;
}

static void test_sched_lone_parked_vcpu_woken_by_an_sgi_runs_again_without_a_choice(void **state)
{
	idle_waits = 0;
	sim_hal.wfi_hook = sgi_to_0_after_3_waits;
	wfi(0);
	exit_step(0, 7);
	assert_int_equal(sim_smp_run(), 7);
	/* Three sleeps, the third ended by the SGI: a turn given without pick(), the vCPU never
	 * switched (one load, one put when the VM stopped), and no wait for the pCPU. */
	assert_int_equal(sim_hal.wfi_count, 3);
	assert_int_equal(cpu(0)->sched.stats.direct, 1);
	assert_int_equal(sim_hal.vcpu_loads, 1);
	assert_int_equal(sim_hal.vcpu_puts, 1);
	assert_int_equal(cpu(0)->sched.stats.wait_ticks, 0);
	/* The SGI reached it in a list register. */
	assert_int_equal(sim_smp_seen(0, 1)->vgic.lr[0] & ICH_LR_VINTID_MASK, WAKE_SGI);
	assert_all_off();
}

static void
test_sched_lone_parked_vcpu_sleeps_until_its_timer_and_runs_without_a_choice(void **state)
{
	sim_smp.vtimer_lag = 100; /* as QEMU: the PPI a little after the deadline */
	sim_hal.wfi_hook = sleep_until_a_timer;
	timer_then_wfi(0, CTL_ENABLE, 500);
	timer_then_wfi(0, CTL_ENABLE, 900);
	exit_step(0, 6);
	assert_int_equal(sim_smp_run(), 6);
	/* No CNTHP for it: each sleep ended by its own timer's PPI, the vCPU loaded all along,
	 * and each entry after a WFI had the tick in a list register, HW=1. */
	assert_int_equal(sim_hal.wfi_count, 2);
	assert_false(idle_armed);
	assert_true(sim_hal.counter >= BOOT_COUNT + 900);
	assert_int_equal(cpu(0)->sched.stats.direct, 2);
	assert_int_equal(sim_hal.vcpu_loads, 1);
	for (unsigned n = 1; n <= 2; n++) {
		assert_int_equal(sim_smp_seen(0, n)->vgic.lr[0] & ICH_LR_VINTID_MASK, VTIMER);
		assert_true(sim_smp_seen(0, n)->vgic.lr[0] & ICH_LR_HW);
	}
	assert_all_off();
}

static void stop_at_first_wait(void)
{
	if (++idle_waits == 1)
		vm_stop(vm, 5);
}

static void test_sched_lone_parked_vcpu_of_a_vm_stopped_meanwhile_is_put_and_off(void **state)
{
	idle_waits = 0;
	sim_hal.wfi_hook = stop_at_first_wait;
	wfi(0);
	exit_step(0, 9);
	assert_int_equal(sim_smp_run(), 5);
	/* The stop sent it through the general pass: put, off, the queue empty. */
	assert_int_equal(cpu(0)->sched.stats.direct, 0);
	assert_int_equal(sim_hal.vcpu_loads, 1);
	assert_int_equal(sim_hal.vcpu_puts, 1);
	assert_null(sim_hal.loaded_vcpu);
	assert_all_off();
}

/* --- the end of the run -------------------------------------------------------------------- */

static void test_sched_run_returns_when_the_vm_stops_and_leaves_every_vcpu_off(void **state)
{
	cpu(3)->state = VCPU_OFF;
	cpu(2)->state = VCPU_BLOCKED;
	busy(0, 2);
	busy(1, 1);
	sim_smp.ticks_per_entry = SLICE / 2 + 1;
	exit_step(1, 0x21);
	assert_int_equal(sim_smp_run(), 0x21);
	assert_int_equal(vm->state, VM_STOPPED);
	assert_all_off();
	assert_null(sim_hal.loaded_vcpu);
	assert_int_equal(sim_hal.vcpu_loads, sim_hal.vcpu_puts);
	assert_false(sim_hal.gic.hyp_timer_armed);
	assert_false(sched_should_yield());
}

static void test_sched_run_of_a_stopped_vm_enters_nothing(void **state)
{
	vm_stop(vm, 4);
	assert_int_equal(sim_smp_run(), 4);
	assert_int_equal(sim_hal.vcpu_entries, 0);
	assert_all_off();
}

/* sched_run_one() (vcpu_run()): one vCPU, blocking and its timer as under sched_run(). */
static void test_sched_run_one_sleeps_until_the_vcpus_own_timer(void **state)
{
	cpu(1)->state = VCPU_OFF;
	sim_hal.wfi_hook = sleep_until_a_timer;
	timer_then_wfi(0, CTL_ENABLE, 500);
	exit_step(0, 6);
	vcpu_run(cpu(0));
	assert_int_equal(vm->exit_status, 6);
	assert_int_equal(sim_hal.wfi_count, 1);
	assert_false(idle_armed); /* parked: its timer's PPI woke it */
	assert_true(sim_hal.counter >= BOOT_COUNT + 500);
	assert_int_equal(cpu(0)->state, VCPU_OFF);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(
		test_sched_runnable_vcpus_take_turns_in_round_robin_order, setup3, teardown),
	    cmocka_unit_test_setup_teardown(
		test_sched_slice_timer_is_armed_10ms_ahead_when_two_vcpus_are_runnable, setup2,
		teardown),
	    cmocka_unit_test_setup_teardown(test_sched_no_slice_timer_when_one_vcpu_is_runnable,
					    setup2, teardown),
	    cmocka_unit_test_setup_teardown(
		test_sched_no_slice_timer_beside_a_blocked_vcpu_without_a_timer, setup2, teardown),
	    cmocka_unit_test_setup_teardown(
		test_sched_one_runnable_vcpu_gets_cnthp_at_a_blocked_vcpus_timer_deadline, setup2,
		teardown),
	    cmocka_unit_test_setup_teardown(
		test_sched_one_runnable_vcpu_gets_cnthp_at_a_blocked_vcpus_ptimer_deadline, setup2,
		teardown),
	    cmocka_unit_test_setup_teardown(
		test_sched_blocked_vcpu_whose_ptimer_deadline_passed_wakes_at_pick, setup2,
		teardown),
	    cmocka_unit_test_setup_teardown(
		test_sched_slice_timer_is_the_earlier_of_slice_end_and_a_blocked_deadline, setup3,
		teardown),
	    cmocka_unit_test_setup_teardown(
		test_sched_a_passed_deadline_behind_the_chosen_vcpu_wakes_it_not_ending_the_slice,
		setup3, teardown),
	    cmocka_unit_test_setup_teardown(
		test_sched_timer_interrupt_ends_the_slice_at_the_next_exit, setup2, teardown),
	    cmocka_unit_test_setup_teardown(
		test_sched_timer_interrupt_outside_a_run_only_silences_cnthp, setup2, teardown),
	    cmocka_unit_test_setup_teardown(
		test_sched_expired_cnthp_interrupts_the_guest_and_passes_the_pcpu_on, setup2,
		teardown),
	    cmocka_unit_test_setup_teardown(test_sched_wfi_blocks_the_vcpu_and_the_others_run,
					    setup2, teardown),
	    cmocka_unit_test_setup_teardown(
		test_sched_sgi_wakes_a_blocked_vcpu_and_ends_the_senders_slice, setup2, teardown),
	    cmocka_unit_test_setup_teardown(test_sched_sgi_the_target_cannot_take_leaves_it_blocked,
					    setup2, teardown),
	    cmocka_unit_test_setup_teardown(
		test_sched_blocked_vcpu_wakes_when_its_virtual_timer_deadline_passes, setup2,
		teardown),
	    cmocka_unit_test_setup_teardown(
		test_sched_blocked_vcpu_whose_deadline_passed_while_it_slept_wakes_at_pick, setup2,
		teardown),
	    cmocka_unit_test_setup_teardown(
		test_sched_blocked_vcpu_with_its_deadline_ahead_stays_blocked, setup2, teardown),
	    cmocka_unit_test_setup_teardown(
		test_sched_idle_pcpu_waits_with_cnthp_at_the_earliest_deadline, setup4, teardown),
	    cmocka_unit_test_setup_teardown(
		test_sched_idle_pcpu_without_deadlines_waits_until_an_interrupt, setup2, teardown),
	    cmocka_unit_test_setup_teardown(
		test_sched_lone_vcpu_blocked_in_wfi_stays_loaded_until_its_timer, setup2, teardown),
	    cmocka_unit_test_setup_teardown(
		test_sched_parked_vcpu_resumes_from_its_timer_with_the_tick_pending, setup2,
		teardown),
	    cmocka_unit_test_setup_teardown(
		test_sched_parked_vcpu_put_for_a_sibling_still_wakes_at_its_deadline, setup2,
		teardown),
	    cmocka_unit_test_setup_teardown(test_sched_blocked_vcpu_beside_another_is_put, setup2,
					    teardown),
	    cmocka_unit_test_setup_teardown(
		test_sched_parked_vcpu_is_put_before_a_sibling_is_loaded, setup2, teardown),
	    cmocka_unit_test_setup_teardown(
		test_sched_run_returns_when_the_vm_stops_and_leaves_every_vcpu_off, setup4,
		teardown),
	    cmocka_unit_test_setup_teardown(test_sched_run_of_a_stopped_vm_enters_nothing, setup2,
					    teardown),
	    cmocka_unit_test_setup_teardown(
		test_sched_lone_parked_vcpu_woken_by_an_sgi_runs_again_without_a_choice, setup1,
		teardown),
	    cmocka_unit_test_setup_teardown(
		test_sched_lone_parked_vcpu_sleeps_until_its_timer_and_runs_without_a_choice,
		setup1, teardown),
	    cmocka_unit_test_setup_teardown(
		test_sched_lone_parked_vcpu_of_a_vm_stopped_meanwhile_is_put_and_off, setup1,
		teardown),
	    cmocka_unit_test_setup_teardown(test_sched_run_one_sleeps_until_the_vcpus_own_timer,
					    setup2, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

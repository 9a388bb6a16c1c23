// SPDX-License-Identifier: MIT
/* Tests of the scheduling rules of docs/scheduling.md on the machine of sched_harness.h:
 * wake-up preemption (a sibling's SGI hands the pCPU over at once, a device interrupt after
 * the running vCPU's minimum run time, a vCPU that used up its slice waits its turn), no
 * starvation, directed yield on trapped WFE (and WFE trapped only while vCPUs share the pCPU),
 * and the scheduler's measurements. */
#include <stdio.h>

#include "sched_harness.h"

#define US(n) ((uint64_t)(n)*FREQ / 1000000)

static struct sim_step *wfe(unsigned n)
{
	return sim_smp_push(n, sim_step_wfx(true));
}

/* --- wake-up preemption ------------------------------------------------------------------- */

static void test_sched_sgi_to_a_waiting_sibling_runs_it_next_ahead_of_the_round_robin(void **state)
{
	unsigned turn[8];

	cpu(3)->state = VCPU_BLOCKED; /* in WFI without a timer */
	sim_smp.ticks_per_entry = US(10);
	sgi_step(0, WAKE_SGI, 1U << 3);
	busy(0, 4);
	busy(1, 4);
	busy(2, 4);
	exit_step(3, 3);
	assert_int_equal(sim_smp_run(), 3);
	/* vCPU 0 sent the SGI and left at that very exit; vCPU 3 ran before 1 and 2. */
	assert_int_equal(turns(turn, ARRAY_SIZE(turn)), 2);
	assert_int_equal(turn[0], 0);
	assert_int_equal(turn[1], 3);
	assert_int_equal(sim_smp.vcpu[0].next, 1);
	assert_int_equal(cpu(3)->sched.stats.woken_by[0], 1);
	assert_int_equal(
	    cpu(3)->sched.stats.ends[SCHED_END_WAKE] + cpu(0)->sched.stats.ends[SCHED_END_WAKE], 1);
}

static void test_sched_sgi_to_a_sibling_that_used_up_its_slice_still_runs_it_next(void **state)
{
	unsigned turn[8];

	/* vCPU 2 was switched out at the end of its slice: a sibling's IPI still hands over,
	 * since the sender is about to wait for the answer. */
	cpu(2)->sched.last_end = SCHED_END_SLICE;
	cpu(2)->sched.preempted = true;
	sim_smp.ticks_per_entry = US(10);
	sgi_step(0, WAKE_SGI, 1U << 2);
	busy(0, 4);
	busy(1, 4);
	exit_step(2, 2);
	assert_int_equal(sim_smp_run(), 2);
	turns(turn, ARRAY_SIZE(turn));
	assert_int_equal(turn[0], 0);
	assert_int_equal(turn[1], 2);
}

static unsigned device_step;
static unsigned device_target;

/* A device interrupt (taken as a physical IRQ exit) for vCPU `device_target` while vCPU 0 runs. */
static void device_irq(unsigned vcpu, unsigned step)
{
	if (vcpu != 0 || step != device_step)
		return;
	sched_physical_irq(true);
	vgic_pulse(vm, cpu(device_target), WAKE_SGI);
	sched_physical_irq(false);
}

static void test_sched_device_wakeup_waits_for_the_running_vcpus_minimum_run_time(void **state)
{
	cpu(1)->state = VCPU_BLOCKED;
	device_step = 0;
	device_target = 1;
	sim_smp.on_entry = device_irq;
	sim_smp.ticks_per_entry = US(100);
	busy(0, 20);
	exit_step(1, 1);
	assert_int_equal(sim_smp_run(), 1);
	/* Woken at the start of vCPU 0's turn: CNTHP ends that turn once it has run
	 * SCHED_MIN_RUN_US (500 us = 5 exits), not at the next exit and not after a slice. */
	assert_int_equal(sim_smp.vcpu[0].next, SCHED_MIN_RUN_US / 100);
	assert_int_equal(sim_smp.irq_exits, 1);
	assert_int_equal(cpu(0)->sched.stats.ends[SCHED_END_WAKE], 1);
	assert_int_equal(cpu(1)->sched.stats.woken_by[SCHED_WAKER_OTHER], 1);
}

static void test_sched_device_wakeup_after_the_minimum_run_time_preempts_at_once(void **state)
{
	cpu(1)->state = VCPU_BLOCKED;
	device_step = 7; /* 700 us into vCPU 0's turn */
	device_target = 1;
	sim_smp.on_entry = device_irq;
	sim_smp.ticks_per_entry = US(100);
	busy(0, 20);
	exit_step(1, 1);
	assert_int_equal(sim_smp_run(), 1);
	assert_int_equal(sim_smp.vcpu[0].next, 8);
}

static void
test_sched_device_interrupt_for_a_vcpu_that_used_up_its_slice_waits_its_turn(void **state)
{
	unsigned turn[8];

	/* vCPUs 1 and 2 compute; 2 has just had a whole slice. An interrupt for it does not
	 * cut vCPU 0's turn: 2 waits for its round-robin turn, after 1. */
	cpu(2)->sched.last_end = SCHED_END_SLICE;
	cpu(2)->sched.preempted = true;
	device_step = 7;
	device_target = 2;
	sim_smp.on_entry = device_irq;
	sim_smp.ticks_per_entry = SLICE / 20;
	busy(0, 40);
	busy(1, 40);
	exit_step(2, 2);
	assert_int_equal(sim_smp_run(), 2);
	turns(turn, ARRAY_SIZE(turn));
	assert_int_equal(turn[0], 0);
	assert_int_equal(turn[1], 1);
	assert_int_equal(turn[2], 2);
	assert_int_equal(cpu(0)->sched.stats.ends[SCHED_END_SLICE], 1);
}

/* --- hand-overs without a choice (core/sched_direct.c) -------------------------------------- */

/* A sibling entered after vCPU 0's SGI takes it: acknowledged and completed at once, so its
 * next WFI blocks it again (the list registers empty). */
static void answer_sgi(unsigned vcpu, unsigned step)
{
	if (vcpu == 0)
		return;
	for (unsigned i = 0; i < ARRAY_SIZE(cpu(vcpu)->ctx.vgic.lr); i++)
		cpu(vcpu)->ctx.vgic.lr[i] &=
		    ~((ICH_LR_STATE_PENDING | ICH_LR_STATE_ACTIVE) << ICH_LR_STATE_SHIFT);
}

/* smp_pingpong on one pCPU: vCPU 0 sends each blocked sibling in turn an SGI; the sibling
 * answers and waits in WFI again; vCPU 0 goes on. */
static void pingpong(unsigned rounds)
{
	sim_smp.on_entry = answer_sgi;
	sim_smp.ticks_per_entry = US(10);
	for (unsigned r = 0; r < rounds; r++) {
		for (unsigned v = 1; v < 4; v++) {
			sgi_step(0, WAKE_SGI, 1U << v);
			wfi(v);
		}
	}
	exit_step(0, 7);
}

static void test_sched_sgi_ping_pong_hands_over_without_a_choice_in_the_same_order(void **state)
{
	unsigned turn[16];

	for (unsigned v = 1; v < 4; v++)
		cpu(v)->state = VCPU_BLOCKED;
	pingpong(2);
	assert_int_equal(sim_smp_run(), 7);
	/* The order pick() gives: each sibling at vCPU 0's SGI, vCPU 0 again at its WFI. */
	assert_int_equal(turns(turn, ARRAY_SIZE(turn)), 13);
	for (unsigned i = 0; i < 13; i++)
		assert_int_equal(turn[i], i % 2 ? (i / 2) % 3 + 1 : 0);
	/* Every turn after the first went without pick(): 6 to the siblings, 6 back. */
	assert_int_equal(cpu(0)->sched.stats.direct, 6);
	for (unsigned v = 1; v < 4; v++) {
		assert_int_equal(cpu(v)->sched.stats.direct, 2);
		assert_int_equal(cpu(v)->sched.stats.woken_by[0], 2);
		assert_int_equal(cpu(v)->state, VCPU_OFF);
	}
	/* ... and all within vCPU 0's one turn, each hand-over one switch from the exit
	 * (sched_next_in_turn()): no turn ended for a sibling. */
	assert_int_equal(sim_hal.vcpu_switches, 12);
	for (unsigned v = 0; v < 4; v++)
		assert_int_equal(cpu(v)->sched.stats.ends[SCHED_END_WAKE], 0);
}

/* While the woken sibling runs in the sender's turn, another kick (its own SGI to a third
 * vCPU) comes: the sender is not switched back to without a choice; the turn ends and pick()
 * chooses (the sender, boosted first). */
static void test_sched_sgi_no_switch_back_after_another_kick(void **state)
{
	for (unsigned v = 1; v < 4; v++)
		cpu(v)->state = VCPU_BLOCKED;
	sim_smp.on_entry = answer_sgi;
	sim_smp.ticks_per_entry = US(10);
	sgi_step(0, WAKE_SGI, 1U << 1);
	busy(0, 2);
	exit_step(0, 7);
	sgi_step(1, WAKE_SGI, 1U << 2);
	wfi(1);
	wfi(2);
	assert_int_equal(sim_smp_run(), 7);
	assert_int_equal(sim_smp.order[0], 0);
	assert_int_equal(sim_smp.order[1], 1);
	assert_int_equal(sim_smp.order[2], 0);
	/* Only the first hand-over went from the exit. */
	assert_int_equal(sim_hal.vcpu_switches, 1);
	assert_int_equal(cpu(1)->sched.stats.ends[SCHED_END_WAKE], 1);
}

static void test_sched_sgi_hands_over_by_choice_while_a_third_vcpu_wants_the_pcpu(void **state)
{
	/* vCPU 3 computes: pick() chooses every turn (the round robin, boosts, waits). */
	cpu(1)->state = VCPU_BLOCKED;
	cpu(2)->state = VCPU_BLOCKED;
	sim_smp.on_entry = answer_sgi;
	sim_smp.ticks_per_entry = US(10);
	sgi_step(0, WAKE_SGI, 1U << 1);
	wfi(1);
	exit_step(0, 7);
	busy(3, 4);
	exit_step(3, 8);
	sim_smp_run();
	assert_int_equal(cpu(1)->sched.stats.woken_by[0], 1);
	assert_int_equal(cpu(0)->sched.stats.direct + cpu(1)->sched.stats.direct +
			     cpu(3)->sched.stats.direct,
			 0);
	assert_int_equal(sim_hal.vcpu_switches, 0); /* nor from the exit */
	assert_int_equal(sim_smp.order[0], 0);
	assert_int_equal(sim_smp.order[1], 1);
}

/* --- no starvation ------------------------------------------------------------------------ */

static void test_sched_vcpus_waking_each_other_cannot_starve_a_third(void **state)
{
	/* vCPUs 0 and 1 play IPI ping-pong (each send hands the pCPU over); 2 and 3 compute.
	 * Every runnable vCPU still runs within about a slice: none is ever skipped. */
	sim_smp.ticks_per_entry = US(500);
	for (unsigned i = 0; i < 60; i++) {
		sgi_step(0, WAKE_SGI, 1U << 1);
		sgi_step(1, WAKE_SGI, 1U << 0);
	}
	busy(2, 2);
	exit_step(2, 2);
	busy(3, 60);
	assert_int_equal(sim_smp_run(), 2);
	for (unsigned v = 2; v < 4; v++) {
		unsigned first = 0;

		while (first < sim_smp.entries && sim_smp.order[first] != v)
			first++;
		/* 500 us per exit: a slice is 20 exits; it ran within two slices. */
		assert_true(first < 2 * 20 + 4);
	}
	assert_true(cpu(2)->sched.stats.wait_hist[SCHED_HIST_BUCKETS - 1] == 0);
}

static void test_sched_pick_prefers_the_longest_waiter_once_it_waited_a_whole_slice(void **state)
{
	/* By vCPU 0's first exit vCPU 3 has waited more than a slice, and vCPU 1 is boosted by
	 * vCPU 0's SGI: 3 goes first. */
	cpu(1)->state = VCPU_BLOCKED;
	cpu(3)->sched.waiting = true;
	cpu(3)->sched.since = BOOT_COUNT - SLICE + US(5);
	sim_smp.ticks_per_entry = US(10);
	sgi_step(0, WAKE_SGI, 1U << 1);
	exit_step(3, 3);
	busy(1, 2);
	assert_int_equal(sim_smp_run(), 3);
	assert_int_equal(sim_smp.order[0], 0);
	assert_int_equal(sim_smp.order[1], 3);
}

/* --- no preemption inside a critical section ------------------------------------------------ */

/* `count` exits with IRQs masked (PSTATE.I), as inside spin_lock_irqsave(), or unmasked. */
static void busy_irqs(unsigned n, unsigned count, bool masked)
{
	for (unsigned i = 0; i < count; i++) {
		struct sim_step *s = sim_smp_push(n, sim_step_hvc(PSCI_VERSION, 0, 0));

		s->set_pstate = true;
		s->pstate = PSTATE_M_EL1H | (masked ? PSTATE_I : 0);
	}
}

static void test_sched_slice_end_waits_until_the_guest_unmasks_irqs(void **state)
{
	/* 250 us per exit: the slice ends after 40 exits, while vCPU 0 masks IRQs (steps 38-40);
	 * its turn goes on until the first exit with IRQs unmasked (after step 41). */
	sim_smp.ticks_per_entry = US(250);
	busy(0, 38);
	busy_irqs(0, 3, true);
	busy_irqs(0, 4, false);
	exit_step(1, 1);
	assert_int_equal(sim_smp_run(), 1);
	assert_int_equal(sim_smp.vcpu[0].next, 42);
	assert_int_equal(cpu(0)->sched.stats.ends[SCHED_END_SLICE], 1);
}

static void test_sched_slice_end_waits_for_unmasked_irqs_at_most_a_millisecond(void **state)
{
	sim_smp.ticks_per_entry = US(250);
	busy(0, 38);
	busy_irqs(0, 10, true);
	exit_step(1, 1);
	assert_int_equal(sim_smp_run(), 1);
	/* Slice end at 10 ms (after step 39), then SCHED_GRACE_MAX_US: 4 more exits. */
	assert_int_equal(sim_smp.vcpu[0].next, 40 + SCHED_GRACE_MAX_US / 250);
}

/* --- directed yield on WFE ------------------------------------------------------------------ */

static void test_sched_wfe_yields_to_a_sibling_switched_out_while_it_wanted_to_run(void **state)
{
	unsigned turn[8];

	/* vCPU 2 was preempted (it may hold the lock vCPU 0 spins on); vCPU 1 only woke. The
	 * round robin would pick 1; the yield goes to 2. */
	cpu(2)->sched.preempted = true;
	cpu(2)->sched.last_end = SCHED_END_SLICE;
	sim_smp.ticks_per_entry = US(10);
	busy(0, 1);
	wfe(0);
	busy(0, 3);
	busy(1, 3);
	exit_step(2, 2);
	assert_int_equal(sim_smp_run(), 2);
	turns(turn, ARRAY_SIZE(turn));
	assert_int_equal(turn[0], 0);
	assert_int_equal(turn[1], 2);
	assert_int_equal(cpu(0)->sched.stats.ends[SCHED_END_YIELD], 1);
	/* The WFE completed: vCPU 0 resumes after it when it runs again. */
	assert_int_equal(cpu(0)->stats.wfx, 1);
}

static void test_sched_wfe_without_a_preempted_sibling_just_completes(void **state)
{
	cpu(1)->state = VCPU_BLOCKED;
	sim_smp.ticks_per_entry = US(10);
	wfe(0);
	wfe(0);
	exit_step(0, 5);
	assert_int_equal(sim_smp_run(), 5);
	assert_int_equal(sim_smp.entries, 3);
	assert_int_equal(cpu(0)->sched.stats.ends[SCHED_END_YIELD], 0);
}

static void sleep_until_cnthp(void)
{
	if (sim_hal.gic.hyp_timer_armed)
		sim_hal.counter = sim_hal.gic.hyp_timer_deadline;
}

static void test_sched_wfe_traps_only_while_vcpus_share_the_pcpu(void **state)
{
	/* vCPU 0 waits for its timer, vCPU 1 turns itself off, then vCPU 0 is alone. */
	sim_hal.wfi_hook = sleep_until_cnthp;
	sim_smp.ticks_per_entry = US(10);
	timer_then_wfi(0, CTL_ENABLE, US(100));
	exit_step(0, 0);
	sim_smp_push(1, sim_step_hvc(PSCI_CPU_OFF, 0, 0));
	assert_int_equal(sim_smp_run(), 0);
	assert_true(sim_smp_seen(0, 0)->trap_wfe);  /* vCPU 1 runnable beside it */
	assert_true(sim_smp_seen(1, 0)->trap_wfe);  /* vCPU 0 blocked, but alive */
	assert_false(sim_smp_seen(0, 1)->trap_wfe); /* alone: a WFE exit could give nothing */
}

/* --- WFIT and WFET (FEAT_WFxT) ----------------------------------------------------------- */

/* WFIT/WFET x<rn> with x<rn> = `deadline` (a virtual count). */
static struct sim_step *wfxt(unsigned n, bool wfet, unsigned rn, uint64_t deadline)
{
	struct sim_step *s = sim_smp_push(n, sim_step_wfx(false));

	s->esr = sim_esr(ESR_EC_WFX, 1ULL << 24 | 0xeULL << 20 | ESR_ISS_WFX_RV |
					 (uint64_t)rn << ESR_ISS_WFX_RN_SHIFT |
					 (wfet ? ESR_ISS_WFX_TI_WFET : ESR_ISS_WFX_TI_WFIT));
	return rn < 31 ? set_x(s, rn, deadline) : s; /* 31: XZR */
}

static void test_sched_wfit_blocks_until_its_deadline_on_the_virtual_counter(void **state)
{
	cpu(1)->state = VCPU_OFF;
	sim_hal.wfi_hook = sleep_until_cnthp;
	wfxt(0, false, 2, US(300)); /* virtual count: physical - CNTVOFF (BOOT_COUNT) */
	exit_step(0, 4);
	assert_int_equal(sim_smp_run(), 4);
	/* The pCPU slept once, with CNTHP at the deadline, and the vCPU ran again after it. */
	assert_int_equal(sim_hal.wfi_count, 1);
	assert_true(sim_hal.counter >= BOOT_COUNT + US(300));
	assert_int_equal(cpu(0)->sched.stats.ends[SCHED_END_BLOCK], 1);
	assert_int_equal(cpu(0)->sched.stats.woken_by[SCHED_WAKER_TIMER], 1);
	assert_int_equal(cpu(0)->sched.wfit_deadline, 0);
}

static void test_sched_wfit_with_a_passed_deadline_completes_at_once(void **state)
{
	cpu(1)->state = VCPU_OFF;
	sim_hal.counter = BOOT_COUNT + US(50);
	wfxt(0, false, 5, US(20));
	wfxt(0, false, 31, 0); /* XZR: 0, always passed */
	exit_step(0, 6);
	assert_int_equal(sim_smp_run(), 6);
	assert_int_equal(sim_hal.wfi_count, 0);
	assert_int_equal(sim_smp.entries, 3);
	assert_int_equal(cpu(0)->stats.wfx, 2);
}

static void test_sched_wfit_wakes_early_for_an_interrupt(void **state)
{
	sim_smp.ticks_per_entry = US(10);
	wfxt(0, false, 3, US(1000000)); /* a second away */
	exit_step(0, 8);
	sgi_step(1, WAKE_SGI, 1U << 0);
	busy(1, 4);
	assert_int_equal(sim_smp_run(), 8);
	assert_true(sim_hal.counter < BOOT_COUNT + US(1000));
	assert_int_equal(cpu(0)->sched.stats.woken_by[1], 1);
}

static void test_sched_wfet_never_blocks(void **state)
{
	cpu(1)->state = VCPU_OFF;
	wfxt(0, true, 4, US(1000000));
	exit_step(0, 9);
	assert_int_equal(sim_smp_run(), 9);
	assert_int_equal(sim_hal.wfi_count, 0);
	assert_int_equal(sim_smp.entries, 2);
}

/* --- measurements -------------------------------------------------------------------------- */

static void test_sched_stats_buckets_are_log2_microseconds(void **state)
{
	struct sched_stats *st = &cpu(0)->sched.stats;

	sched_stats_set_detail(true);					    /* hv.schedstats */
	sched_stats_run(cpu(0), 100, 100 + US(1), SCHED_END_BLOCK);	    /* < 2 us */
	sched_stats_run(cpu(0), 100, 100 + US(3), SCHED_END_SLICE);	    /* 2-4 us */
	sched_stats_run(cpu(0), 100, 100 + US(1000), SCHED_END_WAKE);	    /* 512-1024 us */
	sched_stats_run(cpu(0), 100, 100 + US(100000000), SCHED_END_YIELD); /* open end */
	sched_stats_wait(cpu(0), 50, 40);				    /* clock went back: 0 */
	assert_int_equal(st->run_hist[0], 1);
	assert_int_equal(st->run_hist[1], 1);
	assert_int_equal(st->run_hist[9], 1);
	assert_int_equal(st->run_hist[SCHED_HIST_BUCKETS - 1], 1);
	assert_int_equal(st->wait_hist[0], 1);
	assert_int_equal(st->wait_ticks, 0);
	for (unsigned w = 0; w < SCHED_END_NR; w++)
		assert_int_equal(st->ends[w], w == SCHED_END_OTHER || w == SCHED_END_SPIN ? 0 : 1);
	assert_int_equal(st->run_ticks, US(1) + US(3) + US(1000) + US(100000000));
	sched_stats_set_detail(false);
}

/* Without hv.schedstats a turn and a wait keep their totals (the exit table's run and wait
 * times, the turn ends) but fill no histogram: a bucket per turn showed in the switch's cost. */
static void test_sched_stats_histograms_only_with_schedstats(void **state)
{
	struct sched_stats *st = &cpu(0)->sched.stats;
	const struct sched_pcpu_stats *ps = sched_stats_pcpu(hal_cpu_id());
	uint64_t turns = ps->turns, turn_ticks = ps->turn_ticks;

	sched_stats_run(cpu(0), 100, 100 + US(3), SCHED_END_SLICE);
	sched_stats_wait(cpu(0), 100, 100 + US(5));
	for (unsigned b = 0; b < SCHED_HIST_BUCKETS; b++)
		assert_int_equal(st->run_hist[b] + st->wait_hist[b], 0);
	assert_int_equal(st->run_ticks, US(3));
	assert_int_equal(st->wait_ticks, US(5));
	assert_int_equal(st->ends[SCHED_END_SLICE], 1);
	assert_int_equal(ps->turns, turns + 1);
	assert_int_equal(ps->turn_ticks, turn_ticks + US(3));
}

static void test_sched_stolen_time_is_what_a_runnable_vcpu_waited(void **state)
{
	/* Two computing vCPUs, 500 us per exit, slices of 10 ms: each waits the other's turns. */
	sim_smp.ticks_per_entry = US(500);
	busy(0, 45);
	busy(1, 28);
	exit_step(1, 1);
	assert_int_equal(sim_smp_run(), 1);
	/* vCPU 1 waited at least vCPU 0's first slice. */
	assert_true(cpu(1)->sched.stolen >= SLICE);
	assert_int_equal(cpu(0)->sched.stolen + cpu(1)->sched.stolen,
			 cpu(0)->sched.stats.wait_ticks + cpu(1)->sched.stats.wait_ticks);
	assert_int_equal(cpu(0)->sched.stats.ends[SCHED_END_SLICE] +
			     cpu(1)->sched.stats.ends[SCHED_END_SLICE],
			 3);
}

static void test_sched_plain_round_robin_ends_the_senders_turn_and_keeps_the_order(void **state)
{
	unsigned turn[8];

	/* hv.sched=rr, the rules before wake-up preemption: the SGI still ends vCPU 0's turn at
	 * that exit, but the woken vCPU 3 waits for its round-robin turn behind 1 and 2. */
	sched_set_plain_round_robin(true);
	cpu(3)->state = VCPU_BLOCKED;
	sim_smp.ticks_per_entry = US(10);
	sgi_step(0, WAKE_SGI, 1U << 3);
	busy(0, 4);
	busy(1, 4);
	wfi(1);
	busy(2, 4);
	wfi(2);
	exit_step(3, 3);
	assert_int_equal(sim_smp_run(), 3);
	assert_int_equal(turns(turn, ARRAY_SIZE(turn)), 4);
	assert_int_equal(turn[0], 0);
	assert_int_equal(turn[1], 1);
	assert_int_equal(turn[2], 2);
	assert_int_equal(turn[3], 3);
}

static int teardown_rr(void **state)
{
	sched_set_plain_round_robin(false);
	return teardown(state);
}

static void test_sched_stats_log_prints_each_vcpus_turns_waits_and_wakers(void **state)
{
	char want[160];

	sim_smp.ticks_per_entry = US(500);
	busy(0, 45);
	busy(1, 28);
	exit_step(1, 1);
	assert_int_equal(sim_smp_run(), 1);
	sim_console_clear();
	sched_stats_log(vm);
	for (unsigned i = 0; i < 2; i++) {
		const struct sched_stats *st = &cpu(i)->sched.stats;

		snprintf(
		    want, sizeof(want),
		    "sched: vcpu %u ran %llu us, waited %llu us, stolen %llu us; ends: block 0 "
		    "slice %llu",
		    i, (unsigned long long)(st->run_ticks * 1000000 / FREQ),
		    (unsigned long long)(st->wait_ticks * 1000000 / FREQ),
		    (unsigned long long)(cpu(i)->sched.stolen * 1000000 / FREQ),
		    (unsigned long long)st->ends[SCHED_END_SLICE]);
		assert_non_null(strstr(sim_hal.console, want));
		snprintf(want, sizeof(want), "sched: vcpu %u run ", i);
		assert_non_null(strstr(sim_hal.console, want));
		snprintf(want, sizeof(want), "sched: vcpu %u wait ", i);
		assert_non_null(strstr(sim_hal.console, want));
		snprintf(want, sizeof(want), "sched: vcpu %u woken by vcpu0:", i);
		assert_non_null(strstr(sim_hal.console, want));
	}
	assert_non_null(strstr(sim_hal.console, "timer:0 other:"));
}

/* A pCPU's statistics: vCPU 1 is blocked without a timer and vCPU 0 sleeps in WFI until
 * its timer's deadline two slices on, so the pCPU idles in between. */
static void test_sched_pcpu_stats_count_turns_idle_and_el2_time_and_print_them(void **state)
{
	const struct sched_pcpu_stats *ps;
	uint64_t turn_ticks = 0, turns = 0;
	unsigned pcpu;
	char want[64];

	sim_hal.wfi_hook = sleep_until_cnthp;
	cpu(1)->state = VCPU_BLOCKED;
	timer_then_wfi(0, CTL_ENABLE, 2 * SLICE);
	exit_step(0, 4);
	sim_smp.ticks_per_entry = US(10);
	assert_int_equal(sim_smp_run(), 4);
	pcpu = hal_cpu_id(); /* sim_smp_run() gives each run a pCPU of its own */
	ps = sched_stats_pcpu(pcpu);
	for (unsigned i = 0; i < 2; i++) {
		const struct sched_stats *st = &cpu(i)->sched.stats;

		turn_ticks += st->run_ticks;
		for (unsigned e = 0; e < SCHED_END_NR; e++)
			turns += st->ends[e];
	}
	assert_int_equal(ps->queued, 0); /* the queue has ended */
	assert_int_equal(ps->turn_ticks, turn_ticks);
	assert_int_equal(ps->turns, turns);
	assert_int_equal(turns, 2); /* vCPU 0 before and after its sleep */
	assert_true(ps->sleeps >= 1);
	/* Asleep from vCPU 0's WFI until its deadline: nearly two slices. */
	assert_true(ps->idle_ticks >= 2 * SLICE - US(100));
	assert_true(ps->total >= ps->turn_ticks + ps->idle_ticks);
	assert_null(sched_stats_pcpu(HV_MAX_CPUS));

	sim_console_clear();
	sched_stats_pcpu_log(false);
	snprintf(want, sizeof(want), "hv: pCPU %u: vCPU turns ", pcpu);
	assert_non_null(strstr(sim_hal.console, want));
	assert_non_null(strstr(sim_hal.console, "us, of "));
	assert_null(strstr(sim_hal.console, "idle sleeps"));
	snprintf(want, sizeof(want), "hv: pCPU %u:", pcpu + 1);
	assert_null(strstr(sim_hal.console, want)); /* ran no queue */
	sim_console_clear();
	sched_stats_pcpu_log(true);
	snprintf(want, sizeof(want), "hv: pCPU %u: 2 turns, ", pcpu);
	assert_non_null(strstr(sim_hal.console, want));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(
		test_sched_plain_round_robin_ends_the_senders_turn_and_keeps_the_order, setup4,
		teardown_rr),
	    cmocka_unit_test_setup_teardown(
		test_sched_stats_log_prints_each_vcpus_turns_waits_and_wakers, setup2, teardown),
	    cmocka_unit_test_setup_teardown(
		test_sched_pcpu_stats_count_turns_idle_and_el2_time_and_print_them, setup2,
		teardown),
	    cmocka_unit_test_setup_teardown(
		test_sched_sgi_to_a_waiting_sibling_runs_it_next_ahead_of_the_round_robin, setup4,
		teardown),
	    cmocka_unit_test_setup_teardown(
		test_sched_sgi_to_a_sibling_that_used_up_its_slice_still_runs_it_next, setup3,
		teardown),
	    cmocka_unit_test_setup_teardown(
		test_sched_device_wakeup_waits_for_the_running_vcpus_minimum_run_time, setup2,
		teardown),
	    cmocka_unit_test_setup_teardown(
		test_sched_device_wakeup_after_the_minimum_run_time_preempts_at_once, setup2,
		teardown),
	    cmocka_unit_test_setup_teardown(
		test_sched_device_interrupt_for_a_vcpu_that_used_up_its_slice_waits_its_turn,
		setup3, teardown),
	    cmocka_unit_test_setup_teardown(
		test_sched_sgi_ping_pong_hands_over_without_a_choice_in_the_same_order, setup4,
		teardown),
	    cmocka_unit_test_setup_teardown(test_sched_sgi_no_switch_back_after_another_kick,
					    setup4, teardown),
	    cmocka_unit_test_setup_teardown(
		test_sched_sgi_hands_over_by_choice_while_a_third_vcpu_wants_the_pcpu, setup4,
		teardown),
	    cmocka_unit_test_setup_teardown(
		test_sched_vcpus_waking_each_other_cannot_starve_a_third, setup4, teardown),
	    cmocka_unit_test_setup_teardown(
		test_sched_pick_prefers_the_longest_waiter_once_it_waited_a_whole_slice, setup4,
		teardown),
	    cmocka_unit_test_setup_teardown(test_sched_slice_end_waits_until_the_guest_unmasks_irqs,
					    setup2, teardown),
	    cmocka_unit_test_setup_teardown(
		test_sched_slice_end_waits_for_unmasked_irqs_at_most_a_millisecond, setup2,
		teardown),
	    cmocka_unit_test_setup_teardown(
		test_sched_wfe_yields_to_a_sibling_switched_out_while_it_wanted_to_run, setup3,
		teardown),
	    cmocka_unit_test_setup_teardown(
		test_sched_wfe_without_a_preempted_sibling_just_completes, setup2, teardown),
	    cmocka_unit_test_setup_teardown(test_sched_wfe_traps_only_while_vcpus_share_the_pcpu,
					    setup2, teardown),
	    cmocka_unit_test_setup_teardown(
		test_sched_wfit_blocks_until_its_deadline_on_the_virtual_counter, setup2, teardown),
	    cmocka_unit_test_setup_teardown(
		test_sched_wfit_with_a_passed_deadline_completes_at_once, setup2, teardown),
	    cmocka_unit_test_setup_teardown(test_sched_wfit_wakes_early_for_an_interrupt, setup2,
					    teardown),
	    cmocka_unit_test_setup_teardown(test_sched_wfet_never_blocks, setup2, teardown),
	    cmocka_unit_test_setup_teardown(test_sched_stats_buckets_are_log2_microseconds, setup2,
					    teardown),
	    cmocka_unit_test_setup_teardown(test_sched_stats_histograms_only_with_schedstats,
					    setup2, teardown),
	    cmocka_unit_test_setup_teardown(test_sched_stolen_time_is_what_a_runnable_vcpu_waited,
					    setup2, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

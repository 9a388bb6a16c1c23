// SPDX-License-Identifier: MIT
/* Rule 6 of docs/scheduling.md: a vCPU that spins for its siblings without an exit gives up
 * the pCPU. First the detector alone (core/sched_spin.c) fed with samples of where a vCPU
 * was, then the scheduler on the machine of sched_harness.h with guests that loop without a
 * trap until the EL2 timer interrupts them (sim_step.spin). */
#include "../../core/sched_spin.h" /* first: the harness's globals shadow its parameters */
#include "sched_harness.h"

#define US(n)	       ((uint64_t)(n)*FREQ / 1000000)
#define SPIN_CHECK     US(SCHED_SPIN_CHECK_US)
#define SPIN_CHECK_MAX US(SCHED_SPIN_CHECK_MAX_US)
#define KERNEL_PC      0xffff800080326730ULL
#define USER_PC	       0x0000aaaabbbb1000ULL

/* --- the detector ------------------------------------------------------------------------- */

static struct hal_vcpu_ctx at(uint64_t pc, uint64_t pstate)
{
	struct hal_vcpu_ctx ctx = {.pc = pc, .pstate = pstate};

	return ctx;
}

static void test_spin_the_first_check_of_a_turn_only_takes_a_sample(void **state)
{
	struct sched_spin s;
	struct hal_vcpu_ctx k = at(KERNEL_PC, PSTATE_M_EL1H | PSTATE_I);

	/* Where the turn starts is no sample: the guest may not have run before the first
	 * check (a switch longer than the interval under QEMU). */
	sched_spin_start(&s, SPIN_CHECK, SPIN_CHECK_MAX);
	assert_false(sched_spin_check(&s, &k, 10, true));
	assert_true(sched_spin_check(&s, &k, 11, true));
	/* Each turn starts afresh. */
	sched_spin_start(&s, SPIN_CHECK, SPIN_CHECK_MAX);
	assert_false(sched_spin_check(&s, &k, 12, true));
	assert_true(sched_spin_check(&s, &k, 13, true));
}

static void test_spin_needs_el1_both_times_and_one_window_of_code(void **state)
{
	struct sched_spin s;
	struct hal_vcpu_ctx k = at(KERNEL_PC, PSTATE_M_EL1H);
	struct hal_vcpu_ctx near = at(KERNEL_PC + SCHED_SPIN_WINDOW - 4, PSTATE_M_EL1T);
	struct hal_vcpu_ctx before = at(KERNEL_PC - SCHED_SPIN_WINDOW + 4, PSTATE_M_EL1H);
	struct hal_vcpu_ctx far = at(KERNEL_PC + SCHED_SPIN_WINDOW, PSTATE_M_EL1H);
	struct hal_vcpu_ctx user = at(KERNEL_PC, PSTATE_M_EL0T);
	struct hal_vcpu_ctx aarch32 = at(KERNEL_PC, PSTATE_M_EL1H | PSTATE_NRW);

	sched_spin_start(&s, SPIN_CHECK, SPIN_CHECK_MAX);
	assert_false(sched_spin_check(&s, &k, 1, true));
	assert_true(sched_spin_check(&s, &near, 2, true)); /* a loop a few instructions long */
	assert_true(sched_spin_check(&s, &k, 3, true));
	assert_true(sched_spin_check(&s, &before, 4, true));
	assert_false(sched_spin_check(&s, &far, 5, true));  /* kernel work that moved on */
	assert_false(sched_spin_check(&s, &user, 6, true)); /* EL0 work is never a spin */
	assert_false(sched_spin_check(&s, &user, 7, true));
	assert_false(sched_spin_check(&s, &k, 8, true)); /* at EL0 last time */
	assert_false(sched_spin_check(&s, &aarch32, 9, true));
	assert_false(sched_spin_check(&s, &k, 10, true));
	assert_true(sched_spin_check(&s, &k, 11, true));
}

static void test_spin_not_with_another_exit_in_between_nor_when_the_check_came_late(void **state)
{
	struct sched_spin s;
	struct hal_vcpu_ctx k = at(KERNEL_PC, PSTATE_M_EL1H);

	sched_spin_start(&s, SPIN_CHECK, SPIN_CHECK_MAX);
	assert_false(sched_spin_check(&s, &k, 100, true));
	/* A WFI that did not block, a device access: the hypervisor saw it work. */
	assert_false(sched_spin_check(&s, &k, 102, true));
	/* The check's interrupt was due when the guest was entered: it may not have run. */
	assert_false(sched_spin_check(&s, &k, 103, false));
	assert_true(sched_spin_check(&s, &k, 104, true));
}

static void test_spin_a_loop_over_two_far_pieces_of_code_is_found_whatever_the_phase(void **state)
{
	struct sched_spin s;
	/* stop_machine()'s loop: multi_cpu_stop() calls rcu_momentary_eqs(), 160 KiB away,
	 * each time round. Checks whose period aliases with the loop's find it in the other
	 * function each time: a check compares with the last two samples, not the last only. */
	struct hal_vcpu_ctx a = at(KERNEL_PC, PSTATE_M_EL1H | PSTATE_I);
	struct hal_vcpu_ctx b = at(KERNEL_PC - 0x28000, PSTATE_M_EL1H | PSTATE_I);
	struct hal_vcpu_ctx user = at(USER_PC, PSTATE_M_EL0T);

	sched_spin_start(&s, SPIN_CHECK, SPIN_CHECK_MAX);
	assert_false(sched_spin_check(&s, &a, 1, true));
	assert_false(sched_spin_check(&s, &b, 2, true));
	assert_true(sched_spin_check(&s, &a, 3, true));
	assert_true(sched_spin_check(&s, &b, 4, true));
	/* Another exit in between: the samples before it say nothing. */
	sched_spin_start(&s, SPIN_CHECK, SPIN_CHECK_MAX);
	assert_false(sched_spin_check(&s, &a, 10, true));
	assert_false(sched_spin_check(&s, &b, 12, true));
	assert_false(sched_spin_check(&s, &a, 13, true));
	assert_true(sched_spin_check(&s, &b, 14, true));
	/* Nor do samples before a check that came late, or found it at EL0. */
	sched_spin_start(&s, SPIN_CHECK, SPIN_CHECK_MAX);
	assert_false(sched_spin_check(&s, &a, 20, true));
	assert_false(sched_spin_check(&s, &b, 21, false));
	assert_false(sched_spin_check(&s, &a, 22, true));
	assert_true(sched_spin_check(&s, &b, 23, true));
	sched_spin_start(&s, SPIN_CHECK, SPIN_CHECK_MAX);
	assert_false(sched_spin_check(&s, &a, 30, true));
	assert_false(sched_spin_check(&s, &b, 31, true));
	assert_false(sched_spin_check(&s, &user, 32, true));
	assert_false(sched_spin_check(&s, &a, 33, true));
	assert_true(sched_spin_check(&s, &a, 34, true));
}

static void test_spin_checks_grow_sparse_while_it_does_not_spin(void **state)
{
	struct sched_spin s;
	struct hal_vcpu_ctx user = at(USER_PC, PSTATE_M_EL0T);
	struct hal_vcpu_ctx k = at(KERNEL_PC, PSTATE_M_EL1H);
	uint64_t expect = SPIN_CHECK;

	sched_spin_start(&s, SPIN_CHECK, SPIN_CHECK_MAX);
	assert_false(sched_spin_check(&s, &user, 1, true));
	assert_int_equal(s.interval, SPIN_CHECK); /* a first sample decides nothing */
	for (unsigned i = 2; i < 12; i++) {
		assert_false(sched_spin_check(&s, &user, i, true));
		expect = MIN(2 * expect, SPIN_CHECK_MAX);
		assert_int_equal(s.interval, expect);
	}
	assert_int_equal(s.interval, SPIN_CHECK_MAX);
	/* A spinner is still found at the next check. */
	assert_false(sched_spin_check(&s, &k, 12, true));
	assert_true(sched_spin_check(&s, &k, 13, true));
	/* The next turn looks often again. */
	sched_spin_start(&s, SPIN_CHECK, SPIN_CHECK_MAX);
	assert_int_equal(s.interval, SPIN_CHECK);
}

/* --- the scheduler ------------------------------------------------------------------------ */

/* vCPU `n` loops without a trap at `pc` until the EL2 timer interrupts it, `count` times. */
static void spin(unsigned n, unsigned count, uint64_t pc, uint64_t pstate)
{
	for (unsigned i = 0; i < count; i++) {
		struct sim_step s = {.spin = true, .at = pc, .set_pstate = true, .pstate = pstate};

		sim_smp_push(n, s);
	}
}

static void test_sched_siblings_spinning_for_each_other_take_short_turns_in_turn(void **state)
{
	unsigned turn[16], n;
	uint64_t start = sim_hal.counter;

	/* stop_machine(): each vCPU spins with IRQs masked until all have seen a step. Each
	 * turn ends at its second check (the first only samples), not after a slice. */
	for (unsigned i = 0; i < 4; i++)
		spin(i, i ? 6 : 4, KERNEL_PC + 0x40 * i, PSTATE_M_EL1H | PSTATE_I);
	exit_step(0, 7);
	assert_int_equal(sim_smp_run(), 7);
	n = turns(turn, ARRAY_SIZE(turn));
	assert_int_equal(n, 9);
	for (unsigned i = 0; i < n; i++)
		assert_int_equal(turn[i], i % 4);
	for (unsigned i = 0; i < 4; i++) {
		assert_int_equal(cpu(i)->sched.stats.ends[SCHED_END_SPIN], 2);
		assert_int_equal(cpu(i)->sched.stats.ends[SCHED_END_SLICE], 0);
	}
	/* Eight turns of two checks each. */
	assert_true(sim_hal.counter - start <= 8 * 2 * SPIN_CHECK + US(10));
	assert_int_equal(sim_smp.irq_exits, 8 * 2);
}

static void test_sched_a_wait_loop_over_two_far_functions_ends_at_the_third_check(void **state)
{
	uint64_t start = sim_hal.counter;

	/* The checks find vCPU 0 in multi_cpu_stop() and in rcu_momentary_eqs() in turn. */
	for (unsigned i = 0; i < 40; i++)
		spin(0, 1, i % 2 ? KERNEL_PC - 0x28000 : KERNEL_PC, PSTATE_M_EL1H | PSTATE_I);
	exit_step(1, 5);
	assert_int_equal(sim_smp_run(), 5);
	assert_int_equal(cpu(0)->sched.stats.ends[SCHED_END_SPIN], 1);
	assert_int_equal(cpu(0)->sched.stats.ends[SCHED_END_SLICE], 0);
	assert_int_equal(sim_smp.vcpu[0].next, 3);
	/* Checks at 25, 50 and 100 us. */
	assert_true(sim_hal.counter - start <= 4 * SPIN_CHECK + US(10));
}

static void test_sched_a_spinner_comes_after_every_sibling_waiting(void **state)
{
	unsigned turn[8];

	/* vCPU 0, the round robin's choice, signals vCPU 1 with IRQs masked and blocks: vCPU 1
	 * runs for the SGI, the round robin's cursor still on it. It spins: vCPU 2, waiting
	 * all along, goes next, not vCPU 1 again. */
	cpu(1)->state = VCPU_BLOCKED;
	sgi_step(0, WAKE_SGI, 1U << 1)->pstate |= PSTATE_I;
	wfi(0);
	spin(1, 8, KERNEL_PC, PSTATE_M_EL1H);
	exit_step(2, 9);
	assert_int_equal(sim_smp_run(), 9);
	assert_int_equal(turns(turn, ARRAY_SIZE(turn)), 3);
	assert_int_equal(turn[0], 0);
	assert_int_equal(turn[1], 1);
	assert_int_equal(turn[2], 2);
	assert_int_equal(cpu(1)->sched.stats.ends[SCHED_END_SPIN], 1);
}

/* vCPU 0 runs whole slice of `pstate` work at `pc` (+ `step` each check) beside a runnable
 * sibling: it keeps the pCPU for the slice, looked at a few times. */
static void keeps_its_slice(uint64_t pc, uint64_t step, uint64_t pstate)
{
	unsigned turn[4];
	uint64_t start = sim_hal.counter;

	for (unsigned i = 0; i < 40; i++)
		spin(0, 1, pc + i * step, pstate);
	exit_step(1, 5);
	assert_int_equal(sim_smp_run(), 5);
	assert_int_equal(turns(turn, ARRAY_SIZE(turn)), 2);
	assert_int_equal(turn[0], 0);
	assert_int_equal(cpu(0)->sched.stats.ends[SCHED_END_SLICE], 1);
	assert_int_equal(cpu(0)->sched.stats.ends[SCHED_END_SPIN], 0);
	assert_true(sim_hal.counter - start >= SLICE);
	/* 25, 25, 50, ... 800 us, then every millisecond: 16 checks and the slice's end. */
	assert_true(sim_smp.irq_exits <= 17);
}

static void test_sched_el0_work_in_a_tight_loop_keeps_its_slice(void **state)
{
	keeps_its_slice(USER_PC, 0, PSTATE_M_EL0T);
}

static void test_sched_kernel_work_that_moves_on_keeps_its_slice(void **state)
{
	keeps_its_slice(KERNEL_PC, SCHED_SPIN_WINDOW, PSTATE_M_EL1H);
}

static void test_sched_a_vcpu_that_traps_between_checks_is_not_spinning(void **state)
{
	unsigned turn[4];

	/* A WFI that does not block, or a device access, between checks: same place, but the
	 * hypervisor saw it work. */
	for (unsigned i = 0; i < 20; i++) {
		spin(0, 1, KERNEL_PC, PSTATE_M_EL1H);
		busy(0, 1);
	}
	exit_step(1, 5);
	assert_int_equal(sim_smp_run(), 5);
	assert_int_equal(turns(turn, ARRAY_SIZE(turn)), 2);
	assert_int_equal(turn[0], 0);
	assert_int_equal(cpu(0)->sched.stats.ends[SCHED_END_SPIN], 0);
}

static unsigned late_step;

/* Before vCPU 0's step `late_step`, time jumps past its next check (a slow exit under QEMU):
 * that check comes late. */
static void jump_before(unsigned vcpu, unsigned step)
{
	if (vcpu == 0 && step == late_step)
		sim_hal.counter += 3 * SPIN_CHECK;
}

static void test_sched_a_late_check_only_takes_a_sample(void **state)
{
	/* Checks 1 (sample) and 2 (spun) end the turn, unless check 2 comes late: then 3. */
	late_step = 1;
	sim_smp.on_entry = jump_before;
	spin(0, 4, KERNEL_PC, PSTATE_M_EL1H);
	exit_step(1, 5);
	assert_int_equal(sim_smp_run(), 5);
	assert_int_equal(cpu(0)->sched.stats.ends[SCHED_END_SPIN], 1);
	assert_int_equal(sim_smp.vcpu[0].next, 3);
}

static void test_sched_no_spin_checks_without_a_sibling_waiting(void **state)
{
	/* vCPU 1 is blocked until its timer, 20 ms on: vCPU 0 is alone and nobody looks. */
	cpu(1)->state = VCPU_BLOCKED;
	cpu(1)->ctx.el1[HAL_CNTV_CTL_EL0] = CTL_ENABLE;
	cpu(1)->ctx.el1[HAL_CNTV_CVAL_EL0] = sim_hal.counter - BOOT_COUNT + US(20000);
	spin(0, 2, KERNEL_PC, PSTATE_M_EL1H);
	exit_step(1, 3);
	assert_int_equal(sim_smp_run(), 3);
	assert_int_equal(cpu(0)->sched.stats.ends[SCHED_END_SPIN], 0);
	/* vCPU 0 spun until vCPU 1's deadline, unchecked, and vCPU 1 then ran (its timer's
	 * interrupt is the other IRQ exit). */
	assert_int_equal(sim_smp.irq_exits, 2);
	assert_int_equal(sim_smp.vcpu[0].next, 1);
	assert_true(sim_hal.counter >= BOOT_COUNT + US(20000));
}

static void test_sched_plain_round_robin_has_no_spin_rule(void **state)
{
	sched_set_plain_round_robin(true);
	spin(0, 3, KERNEL_PC, PSTATE_M_EL1H);
	exit_step(1, 4);
	assert_int_equal(sim_smp_run(), 4);
	sched_set_plain_round_robin(false);
	/* A whole slice of spinning, unchecked. */
	assert_int_equal(cpu(0)->sched.stats.ends[SCHED_END_SPIN], 0);
	assert_int_equal(cpu(0)->sched.stats.ends[SCHED_END_SLICE], 1);
	assert_int_equal(sim_smp.irq_exits, 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_spin_the_first_check_of_a_turn_only_takes_a_sample),
	    cmocka_unit_test(test_spin_needs_el1_both_times_and_one_window_of_code),
	    cmocka_unit_test(
		test_spin_not_with_another_exit_in_between_nor_when_the_check_came_late),
	    cmocka_unit_test(
		test_spin_a_loop_over_two_far_pieces_of_code_is_found_whatever_the_phase),
	    cmocka_unit_test(test_spin_checks_grow_sparse_while_it_does_not_spin),
	    cmocka_unit_test_setup_teardown(
		test_sched_siblings_spinning_for_each_other_take_short_turns_in_turn, setup4,
		teardown),
	    cmocka_unit_test_setup_teardown(
		test_sched_a_wait_loop_over_two_far_functions_ends_at_the_third_check, setup2,
		teardown),
	    cmocka_unit_test_setup_teardown(test_sched_a_spinner_comes_after_every_sibling_waiting,
					    setup3, teardown),
	    cmocka_unit_test_setup_teardown(test_sched_el0_work_in_a_tight_loop_keeps_its_slice,
					    setup2, teardown),
	    cmocka_unit_test_setup_teardown(test_sched_kernel_work_that_moves_on_keeps_its_slice,
					    setup2, teardown),
	    cmocka_unit_test_setup_teardown(
		test_sched_a_vcpu_that_traps_between_checks_is_not_spinning, setup2, teardown),
	    cmocka_unit_test_setup_teardown(test_sched_a_late_check_only_takes_a_sample, setup2,
					    teardown),
	    cmocka_unit_test_setup_teardown(test_sched_no_spin_checks_without_a_sibling_waiting,
					    setup2, teardown),
	    cmocka_unit_test_setup_teardown(test_sched_plain_round_robin_has_no_spin_rule, setup2,
					    teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

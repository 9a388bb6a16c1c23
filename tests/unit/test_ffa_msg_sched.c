// SPDX-License-Identifier: MIT
/* FF-A direct messages under the real scheduler (core/ffa_msg.c with core/sched.c, docs/ffa.md):
 * two VMs of one vCPU each on one pCPU play a ping-pong of direct requests, and the sender's
 * vCPU is never entered while it waits for a response (no busy_seen waiting: it is blocked, and
 * the pCPU goes to the receiver), nor the receiver's while it waits for a request. A receiver
 * that stops, or calls PSCI CPU_OFF, while it holds a request gives its sender FFA_ERROR
 * ABORTED. */
#include "sched_harness.h"

#include <core/ffa.h>
#include <core/vmconfig.h>

#define ROUNDS 20
#define A_B    (1U << 16 | 2U)
#define B_A    (2U << 16 | 1U)
#define QUIT   0x51u /* the request after which the receiver stops */

static struct sim_machine other, third;
static bool with_third;	     /* a CPU-bound third VM on the same pCPU */
static bool quit_by_cpu_off; /* the receiver takes QUIT and calls PSCI CPU_OFF */
static unsigned idle_waits;
static unsigned third_during;
static struct vmconfig cfg;
static struct vcpu *flat[3];
/* What each side saw, checked by the test. */
static unsigned sent, answered, bad, aborted, busy_seen;
static bool yielding;
static unsigned entries_of[3];

static void two_vms(void)
{
	static const uint32_t prog[] = {SIM_A64_HVC0, SIM_A64_HVC0};

	machine(1);
	assert_int_equal(sim_machine_init(&other, NULL), HV_OK);
	assert_int_equal(sim_machine_load_program(&other, prog, ARRAY_SIZE(prog)), HV_OK);
	harness_vcpus(other.vm, 1);
	sim_smp_add_vm(other.vm);
	flat[0] = cpu(0);
	flat[1] = &other.vm->vcpus[0];
	if (with_third) {
		assert_int_equal(sim_machine_init(&third, NULL), HV_OK);
		assert_int_equal(sim_machine_load_program(&third, prog, ARRAY_SIZE(prog)), HV_OK);
		harness_vcpus(third.vm, 1);
		sim_smp_add_vm(third.vm);
		flat[2] = &third.vm->vcpus[0];
	}
	third_during = 0;
	memset(&cfg, 0, sizeof(cfg));
	cfg.count = 2;
	cfg.vm[0].vcpus = cfg.vm[1].vcpus = 1;
	cfg.vm[0].ffa_props = FFA_PART_PROP_DIRECT_SEND;
	cfg.vm[1].ffa_props = FFA_PART_PROP_DIRECT_RECV;
	ffa_part_init(&cfg);
	ffa_part_attach(vm, 1);
	ffa_part_attach(other.vm, 2);
	sent = answered = bad = aborted = busy_seen = 0;
	yielding = false;
	memset(entries_of, 0, sizeof(entries_of));
}

static int teardown_two(void **state)
{
	ffa_part_init(NULL);
	if (with_third)
		sim_machine_destroy(&third);
	with_third = false;
	quit_by_cpu_off = false;
	sim_machine_destroy(&other);
	return teardown(state);
}

static int teardown_one(void **state)
{
	ffa_part_init(NULL);
	return teardown(state);
}

static struct sim_step direct(uint32_t fid, uint32_t w1, uint64_t payload)
{
	struct sim_step s = sim_step_hvc(fid, w1, 0);

	for (unsigned i = 3; i <= 7; i++) {
		s.x_set |= SIM_X(i);
		s.x[i] = payload + i;
	}
	return s;
}

/* The sender: ROUNDS requests of payload n, each answered with n + 1; then QUIT. A request
 * before the receiver waits is BUSY: the sender yields its turn (FFA_YIELD) and asks again. */
static struct sim_step sender(void)
{
	const uint64_t *x = flat[0]->ctx.x;

	if (yielding) {
		yielding = false;
		return direct(FFA_MSG_SEND_DIRECT_REQ_32, A_B, sent);
	}
	if (sent == 1 && x[0] == FFA_ERROR && x[2] == (uint32_t)FFA_RET_BUSY) {
		busy_seen++;
		yielding = true;
		return sim_step_hvc(FFA_YIELD, 0, 0);
	}
	if (sent > 0 && sent <= ROUNDS) {
		if (x[0] == FFA_MSG_SEND_DIRECT_RESP_32 && x[1] == B_A && x[3] == sent + 1 + 3 &&
		    x[7] == sent + 1 + 7)
			answered++;
		else
			bad++;
	}
	if (sent > ROUNDS) {
		if (x[0] == FFA_ERROR && x[2] == (uint32_t)FFA_RET_ABORTED)
			aborted++;
		/* The receiver's VM, its only vCPU off, would stay up for ever. */
		if (quit_by_cpu_off)
			vm_stop(other.vm, 0);
		return sim_step_hvc(HV_CALL_EXIT, 0, 0);
	}
	sent++;
	return direct(FFA_MSG_SEND_DIRECT_REQ_32, A_B, sent > ROUNDS ? QUIT : sent);
}

/* The receiver: waits, answers each request n with n + 1, stops on QUIT. */
static struct sim_step receiver(void)
{
	const uint64_t *x = flat[1]->ctx.x;

	if (entries_of[1] == 1)
		return sim_step_hvc(FFA_MSG_WAIT, 0, 0);
	if (x[0] != FFA_MSG_SEND_DIRECT_REQ_32 || x[1] != A_B) {
		bad++;
		return sim_step_hvc(HV_CALL_EXIT, 1, 0);
	}
	if (x[3] == QUIT + 3)
		return sim_step_hvc(quit_by_cpu_off ? PSCI_CPU_OFF : HV_CALL_EXIT, 0, 0);
	return direct(FFA_MSG_SEND_DIRECT_RESP_32, B_A, x[3] - 3 + 1);
}

/* The third VM computes (an exit that changes nothing) until the sender is done. */
static struct sim_step bystander(void)
{
	if (sent > ROUNDS)
		return sim_step_hvc(HV_CALL_EXIT, 0, 0);
	if (sent > 1)
		third_during++;
	return sim_step_hvc(PSCI_VERSION, 0, 0);
}

static struct sim_step program(unsigned id)
{
	entries_of[id]++;
	if (id == 2)
		return bystander();
	return id == 0 ? sender() : receiver();
}

static void test_ffa_msg_ping_pong_on_one_pcpu_blocks_the_waiting_side(void **state)
{
	two_vms();
	sim_smp.program = program;
	assert_int_equal(sim_smp_run(), 0);
	assert_int_equal(other.vm->exit_status, 0);
	assert_int_equal(bad, 0);
	assert_int_equal(answered, ROUNDS);
	/* The receiver's stop answered the last request. */
	assert_int_equal(aborted, 1);
	/* One entry per call: nobody was run while blocked in its call. The sender ran first
	 * and found the receiver not waiting yet, once. */
	assert_int_equal(busy_seen, 1);
	assert_int_equal(entries_of[0], ROUNDS + 2 + 2 * busy_seen);
	assert_int_equal(entries_of[1], ROUNDS + 2);
	assert_int_equal(sim_smp.irq_exits, 0);
}

/* Nothing left to run here: the sender is blocked for good (before the fix), the VMs stop. */
static void stop_both_after_a_few_idle_waits(void)
{
	if (++idle_waits == 3) {
		vm_stop(vm, 0x99);
		vm_stop(other.vm, 0x99);
	}
}

/* A receiver that calls PSCI CPU_OFF while it holds a request: its sender's call returns
 * ABORTED at once (it used to stay blocked until a VM stopped). */
static void test_ffa_msg_receiver_cpu_off_mid_request_aborts_the_sender(void **state)
{
	two_vms();
	quit_by_cpu_off = true;
	idle_waits = 0;
	sim_hal.wfi_hook = stop_both_after_a_few_idle_waits;
	sim_smp.program = program;
	assert_int_equal(sim_smp_run(), 0);
	assert_int_equal(bad, 0);
	assert_int_equal(answered, ROUNDS);
	assert_int_equal(aborted, 1);
	assert_int_equal(idle_waits, 0);
	assert_int_equal(flat[1]->state, VCPU_OFF);
}

/* The hand-off between the two (no general choice) happens only while nobody else wants the
 * pCPU: a third, CPU-bound VM still gets its share during the ping-pong. */
static void test_ffa_msg_ping_pong_leaves_a_third_vm_its_share(void **state)
{
	with_third = true;
	two_vms();
	sim_smp.program = program;
	sim_smp.ticks_per_entry = SLICE / 8;
	assert_int_equal(sim_smp_run(), 0);
	assert_int_equal(bad, 0);
	assert_int_equal(answered, ROUNDS);
	/* 2 * ROUNDS turns of the pair at SLICE / 8 each: the third VM had about a third of the
	 * pCPU meanwhile (its turns are a slice: 8 entries). */
	assert_true(third_during >= ROUNDS / 2);
}

/* The fast path (core/sched_direct.c): with nothing else to run, each call after the first
 * hands the pCPU to its peer straight from the exit, within the running turn: the whole
 * ping-pong takes a few turns, not one per call. */
static void test_ffa_msg_ping_pong_hands_over_within_the_turn(void **state)
{
	uint64_t turns_of[2] = {0}, direct;

	two_vms();
	sim_smp.program = program;
	assert_int_equal(sim_smp_run(), 0);
	assert_int_equal(bad, 0);
	assert_int_equal(answered, ROUNDS);
	for (unsigned i = 0; i < 2; i++) {
		for (unsigned e = 0; e < SCHED_END_NR; e++)
			turns_of[i] += flat[i]->sched.stats.ends[e];
	}
	direct = flat[0]->sched.stats.direct + flat[1]->sched.stats.direct;
	/* ROUNDS requests and ROUNDS responses are hand-overs; the first request finds the
	 * receiver not waiting (BUSY, the sender yields), and the last one (QUIT) ends in the
	 * receiver's stop. */
	assert_true(direct >= 2 * ROUNDS);
	assert_true(turns_of[0] + turns_of[1] <= 8);
	/* Each hand-over is one switch of the pCPU from one vCPU to the other, in the run loop
	 * (hal_vcpu_switch()), not a put and a load of their own. */
	assert_true(sim_hal.vcpu_switches >= 2 * ROUNDS);
	assert_int_equal(sim_hal.vcpu_puts - sim_hal.vcpu_switches, turns_of[0] + turns_of[1]);
}

/* A receiver that answers with its timer armed waits for the next request: its timer still
 * ends the wait on time (FFA_ERROR INTERRUPTED) while the sender, handed the pCPU by the
 * response, computes on without blocking. */
static unsigned computed, computed_at_interrupt;
static uint64_t interrupted_at;

#define TIMER_IN (SLICE / 4)
#define COMPUTE	 200

static struct sim_step timed_program(unsigned id)
{
	const uint64_t *x = flat[id]->ctx.x;
	struct sim_step s;

	entries_of[id]++;
	if (id == 0) {
		if (entries_of[0] == 1)
			return direct(FFA_MSG_SEND_DIRECT_REQ_32, A_B, 1);
		if (entries_of[0] == 2 && x[0] == FFA_ERROR) { /* BUSY: the receiver first */
			entries_of[0] = 0;
			return sim_step_hvc(FFA_YIELD, 0, 0);
		}
		if (computed++ < COMPUTE)
			return sim_step_hvc(PSCI_VERSION, 0, 0);
		return sim_step_hvc(HV_CALL_EXIT, 0, 0);
	}
	if (entries_of[1] == 1)
		return sim_step_hvc(FFA_MSG_WAIT, 0, 0);
	if (x[0] == FFA_MSG_SEND_DIRECT_REQ_32) {
		/* Answer with its timer armed TIMER_IN from now (virtual count). */
		s = direct(FFA_MSG_SEND_DIRECT_RESP_32, B_A, 2);
		s.el1_set = SIM_X(HAL_CNTV_CTL_EL0) | SIM_X(HAL_CNTV_CVAL_EL0);
		s.el1[HAL_CNTV_CTL_EL0] = CTL_ENABLE;
		s.el1[HAL_CNTV_CVAL_EL0] = sim_hal.counter - BOOT_COUNT + TIMER_IN;
		interrupted_at = sim_hal.counter + TIMER_IN; /* its deadline, for now */
		return s;
	}
	if (x[0] == FFA_ERROR && x[2] == (uint32_t)FFA_RET_INTERRUPTED) {
		computed_at_interrupt = computed;
		interrupted_at = sim_hal.counter - interrupted_at; /* how late */
		return sim_step_hvc(HV_CALL_EXIT, 0, 0);
	}
	bad++;
	return sim_step_hvc(HV_CALL_EXIT, 1, 0);
}

static void test_ffa_msg_waiting_receiver_timer_ends_its_wait_during_the_senders_turn(void **state)
{
	two_vms();
	computed = computed_at_interrupt = 0;
	sim_smp.program = timed_program;
	sim_smp.ticks_per_entry = SLICE / 100;
	assert_int_equal(sim_smp_run(), 0);
	assert_int_equal(bad, 0);
	/* Its timer came TIMER_IN (25 entries) after the answer: the sender was still computing,
	 * and the wait ended within a few entries of the deadline. */
	assert_true(computed_at_interrupt > 0 && computed_at_interrupt < COMPUTE);
	assert_true(interrupted_at <= 3 * SLICE / 100);
}

/* Across pCPUs (docs/ffa.md, "What a direct message costs"): the sender, alone on its pCPU,
 * is parked in each request while the receiver answers on another pCPU (played here while
 * the sender's pCPU sleeps). Each answer wakes it in the lone pCPU's loop
 * (core/sched_alone.c), as its interrupts would, without the run loop's general pass, and it
 * is never switched. */
static unsigned remote_answers;

static void receiver_answers_from_afar(void)
{
	struct vcpu *r = flat[1];
	uint64_t x[FFA_REGS] = {0};

	if (!ffa_msg_resume(r, false))
		return; /* no request yet */
	if (r->ctx.x[0] != FFA_MSG_SEND_DIRECT_REQ_32 || r->ctx.x[1] != A_B) {
		bad++;
		return;
	}
	x[0] = FFA_MSG_SEND_DIRECT_RESP_32;
	x[1] = B_A;
	for (unsigned i = 3; i <= 7; i++)
		x[i] = r->ctx.x[3] - 3 + 1 + i;
	assert_true(ffa_handle(r, x)); /* answered: it waits again, blocked */
	assert_int_equal(r->state, VCPU_BLOCKED);
	remote_answers++;
}

static struct sim_step sender_alone(unsigned id)
{
	const uint64_t *x = flat[0]->ctx.x;

	assert_int_equal(id, 0);
	entries_of[0]++;
	if (sent > 0) {
		if (x[0] == FFA_MSG_SEND_DIRECT_RESP_32 && x[1] == B_A && x[3] == sent + 1 + 3 &&
		    x[7] == sent + 1 + 7)
			answered++;
		else
			bad++;
	}
	if (sent == ROUNDS)
		return sim_step_hvc(HV_CALL_EXIT, 0, 0);
	sent++;
	return direct(FFA_MSG_SEND_DIRECT_REQ_32, A_B, sent);
}

static void test_ffa_msg_sender_alone_on_its_pcpu_wakes_without_the_general_pass(void **state)
{
	static const uint32_t prog[] = {SIM_A64_HVC0, SIM_A64_HVC0};
	uint64_t x[FFA_REGS] = {FFA_MSG_WAIT};

	machine(1);
	assert_int_equal(sim_machine_init(&other, NULL), HV_OK);
	assert_int_equal(sim_machine_load_program(&other, prog, ARRAY_SIZE(prog)), HV_OK);
	harness_vcpus(other.vm, 1);
	flat[0] = cpu(0);
	flat[1] = &other.vm->vcpus[0];
	flat[1]->pcpu = 1; /* not this pCPU's: its kicks go nowhere here */
	memset(&cfg, 0, sizeof(cfg));
	cfg.count = 2;
	cfg.vm[0].vcpus = cfg.vm[1].vcpus = 1;
	cfg.vm[0].ffa_props = FFA_PART_PROP_DIRECT_SEND;
	cfg.vm[1].ffa_props = FFA_PART_PROP_DIRECT_RECV;
	ffa_part_init(&cfg);
	ffa_part_attach(vm, 1);
	ffa_part_attach(other.vm, 2);
	sent = answered = bad = remote_answers = 0;
	memset(entries_of, 0, sizeof(entries_of));
	assert_true(ffa_handle(flat[1], x)); /* the receiver waits */
	sim_hal.wfi_hook = receiver_answers_from_afar;
	sim_smp.program = sender_alone;
	assert_int_equal(sim_smp_run(), 0);
	assert_int_equal(bad, 0);
	assert_int_equal(answered, ROUNDS);
	assert_int_equal(remote_answers, ROUNDS);
	/* One entry per call, every answer's turn given without pick(), one load, no wait. */
	assert_int_equal(entries_of[0], ROUNDS + 1);
	assert_int_equal(flat[0]->sched.stats.direct, ROUNDS);
	assert_int_equal(sim_hal.vcpu_loads, 1);
	assert_int_equal(flat[0]->sched.stats.wait_ticks, 0);
}

/* The same for a receiver alone on its pCPU in FFA_MSG_WAIT: its timer's interrupt ends the
 * wait (FFA_ERROR INTERRUPTED) in the lone pCPU's loop, the vCPU still loaded. */
static void sleep_until_its_timer(void)
{
	const struct hal_vcpu_ctx *ctx = sim_hal.loaded_vcpu;

	idle_waits++;
	if (ctx && (ctx->el1[HAL_CNTV_CTL_EL0] & (CTL_ENABLE | CTL_IMASK)) == CTL_ENABLE) {
		sim_hal.counter = MAX(sim_hal.counter, ctx->el1[HAL_CNTV_CVAL_EL0] + ctx->cntvoff);
		sim_gic_set_level(VTIMER, true);
	}
}

static struct sim_step waiter_alone(unsigned id)
{
	const uint64_t *x = flat[0]->ctx.x;
	struct sim_step s;

	if (++entries_of[0] == 1) {
		s = sim_step_hvc(FFA_MSG_WAIT, 0, 0);
		s.el1_set = SIM_X(HAL_CNTV_CTL_EL0) | SIM_X(HAL_CNTV_CVAL_EL0);
		s.el1[HAL_CNTV_CTL_EL0] = CTL_ENABLE;
		s.el1[HAL_CNTV_CVAL_EL0] = sim_hal.counter - BOOT_COUNT + 500;
		return s;
	}
	sim_gic_set_level(VTIMER, false); /* its handler would quiet the timer */
	return sim_step_hvc(HV_CALL_EXIT,
			    x[0] == FFA_ERROR && x[2] == (uint32_t)FFA_RET_INTERRUPTED ? 0 : 1, 0);
}

static void
test_ffa_msg_wait_alone_on_its_pcpu_ends_on_its_timer_without_the_general_pass(void **state)
{
	machine(1);
	flat[0] = cpu(0);
	memset(&cfg, 0, sizeof(cfg));
	cfg.count = 1;
	cfg.vm[0].vcpus = 1;
	cfg.vm[0].ffa_props = FFA_PART_PROP_DIRECT_RECV;
	ffa_part_init(&cfg);
	ffa_part_attach(vm, 1);
	memset(entries_of, 0, sizeof(entries_of));
	idle_waits = 0;
	sim_hal.wfi_hook = sleep_until_its_timer;
	sim_smp.program = waiter_alone;
	assert_int_equal(sim_smp_run(), 0);
	assert_int_equal(entries_of[0], 2);
	assert_int_equal(idle_waits, 1);
	assert_true(sim_hal.counter >= BOOT_COUNT + 500);
	assert_int_equal(flat[0]->sched.stats.direct, 1);
	assert_int_equal(sim_hal.vcpu_loads, 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_teardown(test_ffa_msg_ping_pong_on_one_pcpu_blocks_the_waiting_side,
				      teardown_two),
	    cmocka_unit_test_teardown(test_ffa_msg_ping_pong_leaves_a_third_vm_its_share,
				      teardown_two),
	    cmocka_unit_test_teardown(test_ffa_msg_receiver_cpu_off_mid_request_aborts_the_sender,
				      teardown_two),
	    cmocka_unit_test_teardown(test_ffa_msg_ping_pong_hands_over_within_the_turn,
				      teardown_two),
	    cmocka_unit_test_teardown(
		test_ffa_msg_waiting_receiver_timer_ends_its_wait_during_the_senders_turn,
		teardown_two),
	    cmocka_unit_test_teardown(
		test_ffa_msg_sender_alone_on_its_pcpu_wakes_without_the_general_pass, teardown_two),
	    cmocka_unit_test_teardown(
		test_ffa_msg_wait_alone_on_its_pcpu_ends_on_its_timer_without_the_general_pass,
		teardown_one),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

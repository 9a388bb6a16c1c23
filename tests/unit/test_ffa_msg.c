// SPDX-License-Identifier: MIT
/* Tests of FF-A direct messaging (core/ffa_msg.c, docs/ffa.md; DEN0077 v1.1 13.10-13.16): a
 * request blocks its sender until the response, the receiver must be waiting, each error case
 * of FFA_MSG_SEND_DIRECT_REQ / RESP, FFA_MSG_WAIT, FFA_RUN and FFA_YIELD, and a VM that stops in
 * a call. Calls are made with ffa_handle() on two VMs (endpoints 1 and 2), without the
 * scheduler: a blocked call returns when ffa_msg_resume() says so, as the scheduler's choice
 * would (test_ffa_msg_sched.c runs the same under the scheduler). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include <core/arch.h>
#include <core/err.h>
#include <core/ffa.h>
#include <core/lib.h>
#include <core/smccc.h>
#include <core/trap.h>
#include <core/vmconfig.h>
#include <hal-sim/sim_hal.h>
#include <sim/sim.h>

#include "fixture.h"

#define ENTRY (VM_RAM_BASE + IMAGE_RAW_OFFSET)
#define A_B   (1U << 16 | 2U) /* w1: from endpoint 1 to 2 */
#define B_A   (2U << 16 | 1U)

static struct sim_machine ma, mb;
static struct vmconfig cfg;
static struct vcpu *a, *b;

static int setup(void **state)
{
	static const uint32_t prog[] = {SIM_A64_HVC0};

	sim_hal_reset();
	assert_int_equal(sim_machine_init(&ma, NULL), HV_OK);
	assert_int_equal(sim_machine_load_program(&ma, prog, 1), HV_OK);
	assert_int_equal(sim_machine_init(&mb, NULL), HV_OK);
	assert_int_equal(sim_machine_load_program(&mb, prog, 1), HV_OK);
	memset(&cfg, 0, sizeof(cfg));
	cfg.count = 3; /* the third is configured but never made */
	cfg.vm[0].vcpus = 1;
	cfg.vm[0].ffa_props = FFA_PART_PROP_DIRECT_SEND | FFA_PART_PROP_DIRECT_RECV;
	cfg.vm[1].vcpus = 1;
	cfg.vm[1].ffa_props = FFA_PART_PROP_DIRECT_RECV | FFA_PART_PROP_DIRECT_SEND;
	cfg.vm[2].vcpus = 1;
	cfg.vm[2].ffa_props = FFA_PART_PROP_DIRECT_RECV;
	ffa_part_init(&cfg);
	ffa_part_attach(ma.vm, 1);
	ffa_part_attach(mb.vm, 2);
	a = ma.vcpu;
	b = mb.vcpu;
	return 0;
}

static int teardown(void **state)
{
	ffa_part_init(NULL);
	sim_machine_destroy(&ma);
	sim_machine_destroy(&mb);
	return 0;
}

/* One call from `v` with x1-x7; the answer (unless the call blocks) stays in x[]. */
static uint64_t x[FFA_REGS];

static void call(struct vcpu *v, uint32_t fid, uint64_t a1, uint64_t a2, uint64_t a3)
{
	for (unsigned i = 0; i < FFA_REGS; i++)
		x[i] = 0;
	x[0] = fid;
	x[1] = a1;
	x[2] = a2;
	x[3] = a3;
	assert_true(ffa_handle(v, x));
}

/* A request with payload x3-x7 = base + 1 .. base + 5. */
static void request(struct vcpu *v, uint32_t fid, uint32_t w1, uint64_t base)
{
	for (unsigned i = 0; i < FFA_REGS; i++)
		x[i] = 0;
	x[0] = fid;
	x[1] = w1;
	for (unsigned i = 3; i <= 7; i++)
		x[i] = base + i - 2;
	assert_true(ffa_handle(v, x));
}

static void assert_error(int32_t status)
{
	assert_int_equal(x[0], FFA_ERROR);
	assert_int_equal(x[2], (uint32_t)status);
}

static void assert_blocked(struct vcpu *v)
{
	assert_int_equal(v->state, VCPU_BLOCKED);
	assert_true(v->sched.ffa_wait);
	assert_false(ffa_msg_resume(v, false)); /* nothing answers it yet */
}

/* `v` returns from its blocked call with x0 = `fid`, x1 = `w1`, x2 = 0. */
static void assert_returns(struct vcpu *v, uint32_t fid, uint32_t w1)
{
	assert_true(ffa_msg_resume(v, false));
	assert_false(v->sched.ffa_wait);
	assert_int_equal(v->ctx.x[0], fid);
	assert_int_equal(v->ctx.x[1], w1);
	assert_int_equal(v->ctx.x[2], 0);
}

/* `v`'s blocked call returns FFA_ERROR ABORTED: its peer went. */
static void assert_aborted(struct vcpu *v)
{
	assert_true(ffa_msg_resume(v, false));
	assert_int_equal(v->ctx.x[0], FFA_ERROR);
	assert_int_equal(v->ctx.x[2], (uint32_t)FFA_RET_ABORTED);
}

static void wait(struct vcpu *v)
{
	call(v, FFA_MSG_WAIT, 0, 0, 0);
	assert_blocked(v);
}

/* The state a vCPU is in after a blocked call returned and it ran on. */
static void running(struct vcpu *v)
{
	v->state = VCPU_RUNNING;
}

static void test_ffa_direct_request_and_response_32_cross_with_their_payloads(void **state)
{
	const uint64_t base = 0xabcd000000001000ULL;

	wait(b);
	request(a, FFA_MSG_SEND_DIRECT_REQ_32, A_B, base);
	assert_blocked(a);
	assert_returns(b, FFA_MSG_SEND_DIRECT_REQ_32, A_B);
	for (unsigned i = 3; i <= 7; i++)
		assert_int_equal(b->ctx.x[i], (uint32_t)(base + i - 2)); /* w3-w7 only */
	running(b);
	assert_false(ffa_msg_resume(a, false)); /* still waiting for the response */

	request(b, FFA_MSG_SEND_DIRECT_RESP_32, B_A, 0x5000);
	assert_blocked(b); /* waiting again, for the next request */
	assert_returns(a, FFA_MSG_SEND_DIRECT_RESP_32, B_A);
	for (unsigned i = 3; i <= 7; i++)
		assert_int_equal(a->ctx.x[i], 0x5000 + i - 2);
	running(a);

	/* The second round trip: b's response call returns with it. */
	request(a, FFA_MSG_SEND_DIRECT_REQ_32, A_B, 7);
	assert_returns(b, FFA_MSG_SEND_DIRECT_REQ_32, A_B);
	assert_int_equal(b->ctx.x[3], 8);
}

static void test_ffa_direct_request_64_carries_x3_to_x7_whole(void **state)
{
	const uint64_t base = 0xfedcba9800000000ULL;

	wait(b);
	request(a, FFA_MSG_SEND_DIRECT_REQ_64, A_B, base);
	assert_returns(b, FFA_MSG_SEND_DIRECT_REQ_64, A_B);
	for (unsigned i = 3; i <= 7; i++)
		assert_int_equal(b->ctx.x[i], base + i - 2);
	running(b);
	request(b, FFA_MSG_SEND_DIRECT_RESP_64, B_A, base << 1);
	assert_returns(a, FFA_MSG_SEND_DIRECT_RESP_64, B_A);
	for (unsigned i = 3; i <= 7; i++)
		assert_int_equal(a->ctx.x[i], (base << 1) + i - 2);
}

/* From the HVC (ffa_call()): the direct messages work on the vCPU's registers in place, and
 * still answer in x0-x7 only, keeping x8-x17, as every FF-A call does. */
static void test_ffa_direct_messages_at_the_hvc_keep_x8_to_x17(void **state)
{
	int64_t ret;

	for (unsigned i = 0; i < FFA_REGS; i++)
		a->ctx.x[i] = 0x100 + i;
	a->ctx.x[0] = 0xffffffff00000000ULL | FFA_MSG_SEND_DIRECT_REQ_32; /* upper half ignored */
	a->ctx.x[1] = A_B;
	a->ctx.x[2] = 0;
	/* b does not wait yet: BUSY, answered in x0-x7. */
	assert_true(ffa_call(a, FFA_MSG_SEND_DIRECT_REQ_32, &ret));
	assert_int_equal(ret, FFA_ERROR);
	assert_int_equal(a->ctx.x[2], (uint32_t)FFA_RET_BUSY);
	for (unsigned i = 3; i <= 7; i++)
		assert_int_equal(a->ctx.x[i], 0);
	for (unsigned i = 8; i < FFA_REGS; i++)
		assert_int_equal(a->ctx.x[i], 0x100 + i);

	wait(b);
	for (unsigned i = 3; i <= 7; i++)
		a->ctx.x[i] = 0x200 + i;
	a->ctx.x[1] = A_B;
	a->ctx.x[2] = 0;
	assert_true(ffa_call(a, FFA_MSG_SEND_DIRECT_REQ_32, &ret));
	assert_blocked(a);
	assert_returns(b, FFA_MSG_SEND_DIRECT_REQ_32, A_B);
	assert_int_equal(b->ctx.x[7], 0x207);
	running(b);
	for (unsigned i = 0; i < FFA_REGS; i++)
		b->ctx.x[i] = 0x300 + i;
	b->ctx.x[1] = B_A;
	b->ctx.x[2] = 0;
	assert_true(ffa_call(b, FFA_MSG_SEND_DIRECT_RESP_64, &ret));
	assert_blocked(b);
	assert_returns(a, FFA_MSG_SEND_DIRECT_RESP_64, B_A);
	for (unsigned i = 3; i <= 7; i++)
		assert_int_equal(a->ctx.x[i], 0x300 + i);
	for (unsigned i = 8; i < FFA_REGS; i++) {
		assert_int_equal(a->ctx.x[i], 0x100 + i);
		assert_int_equal(b->ctx.x[i], 0x300 + i);
	}
	/* Not FF-A's: not taken. */
	assert_false(ffa_call(a, 0x84000000U, &ret));
}

/* The exit of an HVC or a trapped SMC (exit_handle()): a direct message is taken before the
 * general dispatch, and answers exactly as through it: in place, x8-x17 kept, the HVC's PC left
 * past it and the SMC's moved past it, counted as that exit; a VM that is not an endpoint gets
 * NOT_SUPPORTED from the general path. */
static void exit_with(struct vcpu *v, unsigned ec, uint64_t fid, uint32_t w1, uint64_t base)
{
	for (unsigned i = 0; i < FFA_REGS; i++)
		v->ctx.x[i] = base + i;
	v->ctx.x[0] = fid;
	v->ctx.x[1] = w1;
	v->ctx.x[2] = 0;
	v->ctx.esr = (uint64_t)ec << ESR_EC_SHIFT;
	v->ctx.pstate = 0; /* EL0t, AArch64 */
	exit_handle(v, HAL_EXIT_SYNC);
}

static void test_ffa_direct_messages_at_the_exit_as_at_the_dispatcher(void **state)
{
	uint64_t pc = a->ctx.pc, hvc = a->stats.hvc, smc = b->stats.smc;

	/* b does not wait yet: BUSY in x0-x7, x8-x17 kept. */
	exit_with(a, ESR_EC_HVC64, 0xffffffff00000000ULL | FFA_MSG_SEND_DIRECT_REQ_64, A_B, 0x100);
	assert_int_equal(a->ctx.x[0], FFA_ERROR);
	assert_int_equal(a->ctx.x[2], (uint32_t)FFA_RET_BUSY);
	for (unsigned i = 3; i <= 7; i++)
		assert_int_equal(a->ctx.x[i], 0);
	for (unsigned i = 8; i < FFA_REGS; i++)
		assert_int_equal(a->ctx.x[i], 0x100 + i);
	assert_int_equal(a->ctx.pc, pc);
	assert_int_equal(a->stats.hvc, hvc + 1);

	wait(b);
	exit_with(a, ESR_EC_HVC64, FFA_MSG_SEND_DIRECT_REQ_64, A_B, 0x200);
	assert_blocked(a);
	assert_returns(b, FFA_MSG_SEND_DIRECT_REQ_64, A_B);
	for (unsigned i = 3; i <= 7; i++)
		assert_int_equal(b->ctx.x[i], 0x200 + i);
	running(b);
	/* The answer by a trapped SMC: the same, and the PC moves past the SMC. */
	pc = b->ctx.pc;
	exit_with(b, ESR_EC_SMC64, FFA_MSG_SEND_DIRECT_RESP_32, B_A, 0xabcdef0100000300ULL);
	assert_blocked(b);
	assert_int_equal(b->ctx.pc, pc + 4);
	assert_int_equal(b->stats.smc, smc + 1);
	assert_returns(a, FFA_MSG_SEND_DIRECT_RESP_32, B_A);
	for (unsigned i = 3; i <= 7; i++)
		assert_int_equal(a->ctx.x[i], 0x300 + i); /* the 32-bit form's low halves */
	for (unsigned i = 8; i < FFA_REGS; i++)
		assert_int_equal(a->ctx.x[i], 0x200 + i);

	/* Not an endpoint: no FF-A at all, by the general path. */
	running(a);
	a->vm->ffa.id = 0;
	exit_with(a, ESR_EC_HVC64, FFA_MSG_SEND_DIRECT_REQ_32, A_B, 0x400);
	assert_int_equal(a->ctx.x[0], FFA_ERROR);
	assert_int_equal(a->ctx.x[2], (uint32_t)FFA_RET_NOT_SUPPORTED);
	assert_int_equal(a->ctx.x[8], 0x408);
	assert_int_equal(a->state, VCPU_RUNNING);
	a->vm->ffa.id = 1;
}

static void test_ffa_direct_request_to_a_vcpu_not_waiting_is_busy(void **state)
{
	request(a, FFA_MSG_SEND_DIRECT_REQ_32, A_B, 0);
	assert_error(FFA_RET_BUSY);
	assert_false(a->sched.ffa_wait);
	/* Waiting, but already woken (by FFA_RUN) and not yet run: BUSY too. */
	wait(b);
	call(a, FFA_RUN, 2U << 16, 0, 0);
	request(a, FFA_MSG_SEND_DIRECT_REQ_64, A_B, 0);
	assert_error(FFA_RET_BUSY);
	assert_returns(b, FFA_RUN, 2U << 16);
}

static void test_ffa_direct_request_to_a_stopped_vm_is_busy(void **state)
{
	wait(b);
	mb.vm->state = VM_STOPPED;
	request(a, FFA_MSG_SEND_DIRECT_REQ_32, A_B, 0);
	assert_error(FFA_RET_BUSY);
	request(a, FFA_MSG_SEND_DIRECT_REQ_32, 1U << 16 | 3U, 0); /* configured, never made */
	assert_error(FFA_RET_BUSY);
	mb.vm->state = VM_CREATED;
}

static void test_ffa_direct_request_invalid_parameters(void **state)
{
	static const uint32_t bad_w1[] = {
	    2U << 16 | 2U, /* not the caller's id as sender */
	    1U << 16 | 1U, /* to itself */
	    1U << 16 | 0U, /* the hypervisor */
	    1U << 16 | 4U, /* no such partition */
	    1U << 16 | 0xffffU,
	};

	wait(b);
	for (unsigned i = 0; i < ARRAY_SIZE(bad_w1); i++) {
		request(a, FFA_MSG_SEND_DIRECT_REQ_32, bad_w1[i], 0);
		assert_error(FFA_RET_INVALID_PARAMETERS);
	}
	request(a, FFA_MSG_SEND_DIRECT_REQ_32, A_B, 0);
	assert_blocked(a);
	assert_returns(b, FFA_MSG_SEND_DIRECT_REQ_32, A_B);
}

static void test_ffa_direct_request_flags_mbz(void **state)
{
	/* w2: flags; bit 31 a framework message, none implemented; the rest MBZ. */
	wait(b);
	call(a, FFA_MSG_SEND_DIRECT_REQ_64, A_B, 1U << 31, 0);
	assert_error(FFA_RET_INVALID_PARAMETERS);
	call(a, FFA_MSG_SEND_DIRECT_REQ_32, A_B, 1, 0);
	assert_error(FFA_RET_INVALID_PARAMETERS);
	assert_false(a->sched.ffa_wait);
	request(a, FFA_MSG_SEND_DIRECT_REQ_32, A_B, 0);
	assert_returns(b, FFA_MSG_SEND_DIRECT_REQ_32, A_B);
	running(b);
	call(b, FFA_MSG_SEND_DIRECT_RESP_32, B_A, 1, 0);
	assert_error(FFA_RET_INVALID_PARAMETERS);
}

static void test_ffa_direct_messages_need_the_configured_properties(void **state)
{
	wait(b);
	cfg.vm[0].ffa_props = FFA_PART_PROP_DIRECT_RECV; /* a may not send */
	request(a, FFA_MSG_SEND_DIRECT_REQ_32, A_B, 0);
	assert_error(FFA_RET_DENIED);
	cfg.vm[0].ffa_props = FFA_PART_PROP_DIRECT_SEND;
	cfg.vm[1].ffa_props = FFA_PART_PROP_INDIRECT; /* b may not receive */
	request(a, FFA_MSG_SEND_DIRECT_REQ_32, A_B, 0);
	assert_error(FFA_RET_DENIED);
	assert_false(a->sched.ffa_wait);
}

static void test_ffa_messages_only_between_vms_that_see_each_other(void **state)
{
	wait(b);
	cfg.vm[0].ffa_hidden = 1U << 1; /* a's ffa-peers leaves b out */
	request(a, FFA_MSG_SEND_DIRECT_REQ_32, A_B, 0);
	assert_error(FFA_RET_INVALID_PARAMETERS);
	call(a, FFA_RUN, 2U << 16, 0, 0);
	assert_error(FFA_RET_INVALID_PARAMETERS);
	cfg.vm[0].ffa_hidden = 0;
	cfg.vm[1].ffa_hidden = 1U << 0; /* b's leaves a out */
	request(a, FFA_MSG_SEND_DIRECT_REQ_32, A_B, 0);
	assert_error(FFA_RET_INVALID_PARAMETERS);
	cfg.vm[1].ffa_hidden = 1U << 2; /* another VM left out: a and b still meet */
	request(a, FFA_MSG_SEND_DIRECT_REQ_32, A_B, 0);
	assert_blocked(a);
	assert_returns(b, FFA_MSG_SEND_DIRECT_REQ_32, A_B);
}

static void test_ffa_direct_request_to_a_vcpu_index_out_of_range(void **state)
{
	struct vcpu *v;

	/* a has 3 vCPUs, b 2: a's vCPU 2 has no counterpart in b. */
	assert_int_equal(vm_add_vcpu(ma.vm, ENTRY, 0, &v), HV_OK);
	assert_int_equal(vm_add_vcpu(ma.vm, ENTRY, 0, &v), HV_OK);
	assert_int_equal(vm_add_vcpu(mb.vm, ENTRY, 0, &v), HV_OK);
	cfg.vm[0].vcpus = 3;
	cfg.vm[1].vcpus = 2;
	wait(&mb.vm->vcpus[1]);
	request(&ma.vm->vcpus[2], FFA_MSG_SEND_DIRECT_REQ_32, A_B, 0);
	assert_error(FFA_RET_INVALID_PARAMETERS);
	/* vCPU 1 reaches b's vCPU 1, the one waiting; vCPU 0 reaches b's vCPU 0, not waiting. */
	request(&ma.vm->vcpus[0], FFA_MSG_SEND_DIRECT_REQ_32, A_B, 0);
	assert_error(FFA_RET_BUSY);
	request(&ma.vm->vcpus[1], FFA_MSG_SEND_DIRECT_REQ_32, A_B, 0);
	assert_blocked(&ma.vm->vcpus[1]);
	assert_returns(&mb.vm->vcpus[1], FFA_MSG_SEND_DIRECT_REQ_32, A_B);
}

static void test_ffa_direct_response_errors(void **state)
{
	/* Answering nobody. */
	request(b, FFA_MSG_SEND_DIRECT_RESP_32, B_A, 0);
	assert_error(FFA_RET_DENIED);
	wait(b);
	request(a, FFA_MSG_SEND_DIRECT_REQ_32, A_B, 0);
	assert_returns(b, FFA_MSG_SEND_DIRECT_REQ_32, A_B);
	running(b);
	request(b, FFA_MSG_SEND_DIRECT_RESP_32, 1U << 16 | 1U, 0); /* not its own id */
	assert_error(FFA_RET_INVALID_PARAMETERS);
	request(b, FFA_MSG_SEND_DIRECT_RESP_32, 2U << 16 | 3U, 0); /* not its requester */
	assert_error(FFA_RET_INVALID_PARAMETERS);
	assert_false(ffa_msg_resume(a, false));
	/* Waiting while it owes a response. */
	call(b, FFA_MSG_WAIT, 0, 0, 0);
	assert_error(FFA_RET_DENIED);
	request(b, FFA_MSG_SEND_DIRECT_RESP_32, B_A, 0);
	assert_returns(a, FFA_MSG_SEND_DIRECT_RESP_32, B_A);
}

static void test_ffa_msg_wait_reserved_registers_mbz(void **state)
{
	call(b, FFA_MSG_WAIT, 0, 0, 1);
	assert_error(FFA_RET_INVALID_PARAMETERS);
	assert_false(b->sched.ffa_wait);
}

static void test_ffa_msg_wait_ends_on_an_interrupt(void **state)
{
	wait(b);
	assert_true(ffa_msg_resume(b, true));
	assert_int_equal(b->ctx.x[0], FFA_ERROR);
	assert_int_equal(b->ctx.x[2], (uint32_t)FFA_RET_INTERRUPTED);
	running(b);
	/* No longer waiting: a request now is BUSY. */
	request(a, FFA_MSG_SEND_DIRECT_REQ_32, A_B, 0);
	assert_error(FFA_RET_BUSY);
	/* A blocked sender is not interruptible: only its response returns its call. */
	wait(b);
	request(a, FFA_MSG_SEND_DIRECT_REQ_32, A_B, 0);
	assert_false(ffa_msg_interruptible(a));
	assert_false(ffa_msg_resume(a, true));
}

static void test_ffa_receiver_stopping_mid_request_aborts_the_sender(void **state)
{
	/* Stopped after it took the request. */
	wait(b);
	request(a, FFA_MSG_SEND_DIRECT_REQ_32, A_B, 0);
	assert_returns(b, FFA_MSG_SEND_DIRECT_REQ_32, A_B);
	ffa_msg_vcpu_gone(b);
	assert_aborted(a);
	assert_false(a->ffa.awaiting);

	/* Stopped before it ran with the request. */
	running(a);
	wait(b);
	request(a, FFA_MSG_SEND_DIRECT_REQ_32, A_B, 0);
	ffa_msg_vcpu_gone(b);
	assert_aborted(a);
}

static void test_ffa_sender_stopping_mid_request_drops_the_response(void **state)
{
	wait(b);
	request(a, FFA_MSG_SEND_DIRECT_REQ_32, A_B, 0);
	assert_returns(b, FFA_MSG_SEND_DIRECT_REQ_32, A_B);
	running(b);
	ffa_msg_vcpu_gone(a);
	assert_false(a->sched.ffa_wait);
	request(b, FFA_MSG_SEND_DIRECT_RESP_32, B_A, 0);
	assert_error(FFA_RET_ABORTED);
	assert_false(b->sched.ffa_wait);
	/* b may wait again; a's next life can ask again. */
	wait(b);
	running(a);
	request(a, FFA_MSG_SEND_DIRECT_REQ_32, A_B, 0);
	assert_returns(b, FFA_MSG_SEND_DIRECT_REQ_32, A_B);
}

/* PSCI CPU_OFF from the vCPU that serves a request: its response will never come, so the
 * sender's call returns ABORTED at once, as when the receiver's VM stops (it used to wait
 * until a VM stopped). The receiver's next life may wait for requests again. */
static void test_ffa_receiver_cpu_off_mid_request_aborts_the_sender(void **state)
{
	int64_t ret;

	wait(b);
	request(a, FFA_MSG_SEND_DIRECT_REQ_32, A_B, 0);
	assert_returns(b, FFA_MSG_SEND_DIRECT_REQ_32, A_B);
	running(b);
	assert_true(psci_call(b, PSCI_CPU_OFF, &ret));
	assert_int_equal(b->state, VCPU_OFF_PENDING);
	assert_aborted(a);
	assert_false(a->sched.ffa_wait);
	assert_null(a->ffa.awaiting);
	assert_null(b->ffa.serving);
	/* b's next life (CPU_ON) waits again, and takes a's next request. */
	running(a);
	running(b);
	wait(b);
	request(a, FFA_MSG_SEND_DIRECT_REQ_32, A_B, 7);
	assert_returns(b, FFA_MSG_SEND_DIRECT_REQ_32, A_B);
}

static void test_ffa_run_ends_a_wait_with_ffa_run(void **state)
{
	wait(b);
	call(a, FFA_RUN, 2U << 16 | 0, 0, 0);
	assert_int_equal(x[0], FFA_SUCCESS_32);
	assert_returns(b, FFA_RUN, 2U << 16 | 0);
	running(b);
	/* Of a vCPU not waiting: nothing to do. */
	call(a, FFA_RUN, 2U << 16 | 0, 0, 0);
	assert_int_equal(x[0], FFA_SUCCESS_32);
	assert_false(ffa_msg_resume(b, false));
}

static void test_ffa_run_errors(void **state)
{
	static const uint32_t bad[] = {1U << 16 | 0, /* itself */
				       4U << 16 | 0, /* no such partition */
				       0U << 16 | 0, /* the hypervisor */
				       2U << 16 | 1 /* b has one vCPU */};

	for (unsigned i = 0; i < ARRAY_SIZE(bad); i++) {
		call(a, FFA_RUN, bad[i], 0, 0);
		assert_error(FFA_RET_INVALID_PARAMETERS);
	}
	call(a, FFA_RUN, 3U << 16 | 0, 0, 0); /* configured, not running */
	assert_error(FFA_RET_DENIED);
}

static void test_ffa_yield_answers_success(void **state)
{
	call(a, FFA_YIELD, 0, 0, 0);
	assert_int_equal(x[0], FFA_SUCCESS_32);
	call(a, FFA_YIELD, 1, 0, 0);
	assert_error(FFA_RET_INVALID_PARAMETERS);
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
	const struct CMUnitTest tests[] = {
	    T(test_ffa_direct_request_and_response_32_cross_with_their_payloads),
	    T(test_ffa_direct_request_64_carries_x3_to_x7_whole),
	    T(test_ffa_direct_messages_at_the_hvc_keep_x8_to_x17),
	    T(test_ffa_direct_messages_at_the_exit_as_at_the_dispatcher),
	    T(test_ffa_direct_request_to_a_vcpu_not_waiting_is_busy),
	    T(test_ffa_direct_request_to_a_stopped_vm_is_busy),
	    T(test_ffa_direct_request_invalid_parameters),
	    T(test_ffa_direct_request_flags_mbz),
	    T(test_ffa_direct_messages_need_the_configured_properties),
	    T(test_ffa_messages_only_between_vms_that_see_each_other),
	    T(test_ffa_direct_request_to_a_vcpu_index_out_of_range),
	    T(test_ffa_direct_response_errors),
	    T(test_ffa_msg_wait_reserved_registers_mbz),
	    T(test_ffa_msg_wait_ends_on_an_interrupt),
	    T(test_ffa_receiver_stopping_mid_request_aborts_the_sender),
	    T(test_ffa_sender_stopping_mid_request_drops_the_response),
	    T(test_ffa_receiver_cpu_off_mid_request_aborts_the_sender),
	    T(test_ffa_run_ends_a_wait_with_ffa_run),
	    T(test_ffa_run_errors),
	    T(test_ffa_yield_answers_success),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

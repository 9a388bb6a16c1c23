// SPDX-License-Identifier: MIT
/* FF-A direct messages between two vCPUs on two host threads, as on two pCPUs (core/ffa_msg.c,
 * docs/ffa.md): the receiver's pCPU looks whether it still waits for a message
 * (ffa_msg_interruptible(), as core/sched_alone.c's parked loop and pick() do, without the
 * message lock) while the sender's pCPU takes it out of that wait under the lock. Under
 * ThreadSanitizer (make test-tsan) a plain access on either side is a reported race; under
 * ASan+UBSan every request is answered once, in order, with its payload. */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include <core/err.h>
#include <core/ffa.h>
#include <core/lib.h>
#include <core/vmconfig.h>
#include <hal-sim/sim_hal.h>
#include <sim/sim.h>

#include "fixture.h"

#define A_B	 (1U << 16 | 2U) /* w1: from endpoint 1 to 2 */
#define B_A	 (2U << 16 | 1U)
#define ROUNDS	 2000
#define RESP_ADD 0x1000000

static struct sim_machine ma, mb;
static struct vmconfig cfg;
static struct vcpu *a, *b;
static unsigned looks; /* the receiver's unlocked looks at its own wait */

static int setup(void **state)
{
	static const uint32_t prog[] = {SIM_A64_HVC0};

	sim_hal_reset();
	assert_int_equal(sim_machine_init(&ma, NULL), HV_OK);
	assert_int_equal(sim_machine_load_program(&ma, prog, 1), HV_OK);
	assert_int_equal(sim_machine_init(&mb, NULL), HV_OK);
	assert_int_equal(sim_machine_load_program(&mb, prog, 1), HV_OK);
	memset(&cfg, 0, sizeof(cfg));
	cfg.count = 2;
	cfg.vm[0].vcpus = 1;
	cfg.vm[0].ffa_props = FFA_PART_PROP_DIRECT_SEND | FFA_PART_PROP_DIRECT_RECV;
	cfg.vm[1].vcpus = 1;
	cfg.vm[1].ffa_props = FFA_PART_PROP_DIRECT_RECV | FFA_PART_PROP_DIRECT_SEND;
	ffa_part_init(&cfg);
	ffa_part_attach(ma.vm, 1);
	ffa_part_attach(mb.vm, 2);
	a = ma.vcpu;
	b = mb.vcpu;
	looks = 0;
	return 0;
}

static int teardown(void **state)
{
	ffa_part_init(NULL);
	sim_machine_destroy(&ma);
	sim_machine_destroy(&mb);
	return 0;
}

static void call(struct vcpu *v, uint64_t x[FFA_REGS], uint32_t fid, uint32_t w1, uint64_t x3)
{
	memset(x, 0, FFA_REGS * sizeof(x[0]));
	x[0] = fid;
	x[1] = w1;
	x[3] = x3;
	assert_true(ffa_handle(v, x));
}

/* The sender: each request again while the receiver is not waiting yet (BUSY), then blocked
 * until the response, which carries the request's x3 plus RESP_ADD. */
static void *sender(void *arg)
{
	uint64_t x[FFA_REGS];

	(void)arg;
	for (uint64_t i = 0; i < ROUNDS; i++) {
		for (;;) {
			call(a, x, FFA_MSG_SEND_DIRECT_REQ_64, A_B, i);
			if (x[0] != FFA_ERROR)
				break;
			assert_int_equal(x[2], (uint32_t)FFA_RET_BUSY);
			sched_yield();
		}
		while (!ffa_msg_resume(a, false))
			sched_yield();
		assert_int_equal(a->ctx.x[0], FFA_MSG_SEND_DIRECT_RESP_64);
		assert_int_equal(a->ctx.x[1], B_A);
		assert_int_equal(a->ctx.x[3], i + RESP_ADD);
		a->state = VCPU_RUNNING;
	}
	return NULL;
}

/* The receiver: in FFA_MSG_WAIT, then each response waits for the next request. While blocked
 * its pCPU looks whether the wait is still one an interrupt may end, as the parked loop does. */
static void *receiver(void *arg)
{
	uint64_t x[FFA_REGS];

	(void)arg;
	call(b, x, FFA_MSG_WAIT, 0, 0);
	for (uint64_t i = 0; i < ROUNDS; i++) {
		while (!ffa_msg_resume(b, false)) {
			if (ffa_msg_interruptible(b))
				looks++;
			sched_yield();
		}
		assert_int_equal(b->ctx.x[0], FFA_MSG_SEND_DIRECT_REQ_64);
		assert_int_equal(b->ctx.x[3], i);
		b->state = VCPU_RUNNING;
		call(b, x, FFA_MSG_SEND_DIRECT_RESP_64, B_A, i + RESP_ADD);
	}
	return NULL;
}

static void test_ffa_msg_threads_round_trips_across_two_pcpus(void **state)
{
	pthread_t ts, tr;

	assert_int_equal(pthread_create(&tr, NULL, receiver, NULL), 0);
	assert_int_equal(pthread_create(&ts, NULL, sender, NULL), 0);
	pthread_join(ts, NULL);
	pthread_join(tr, NULL);
	assert_true(ffa_msg_interruptible(b)); /* waiting for the next request */
	assert_true(looks > 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_ffa_msg_threads_round_trips_across_two_pcpus,
					    setup, teardown),
	};

	return cmocka_run_group_tests_name("ffa_msg_threads", tests, NULL, NULL);
}

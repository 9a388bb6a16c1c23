// SPDX-License-Identifier: MIT
/* vCPUs on different pCPUs, each pCPU a host thread (sim/mp.c), exchanging interrupts through
 * the real vGIC, scheduler and kick: every interrupt sent must be taken exactly once. */
#include "mp_harness.h"

#define PING   2
#define PONG   3
#define ROUNDS 1000

/* vCPU 0 sends PING to vCPU 1 and waits in WFI for its PONG, ROUNDS times, then stops the VM;
 * vCPU 1 answers every PING it took with one PONG and waits in WFI otherwise. */
static struct sim_step ping_pong(unsigned id, struct sim_mp_vcpu *v)
{
	uint64_t *sent = &v->state[0];

	if (id == 0) {
		if (v->seen[PONG] == ROUNDS)
			return mp_exit(0);
		if (*sent == v->seen[PONG]) {
			++*sent;
			return sim_mp_send_sgi(PING, 1);
		}
		return mp_wfi();
	}
	if (*sent < v->seen[PING]) {
		++*sent;
		return sim_mp_send_sgi(PONG, 0);
	}
	return mp_wfi();
}

static void test_smp_sgi_ping_pong_across_pcpus_loses_and_duplicates_nothing(void **state)
{
	mp_machine(2, 2, ping_pong);
	assert_int_equal(sim_mp_run(), 0);
	assert_int_equal(sim_mp.vcpu[0].state[0], ROUNDS);
	assert_int_equal(sim_mp.vcpu[0].seen[PONG], ROUNDS);
	assert_int_equal(mp_seen_total(0), ROUNDS);
	assert_int_equal(sim_mp.vcpu[1].seen[PING], sim_mp.vcpu[1].state[0]);
	assert_int_equal(sim_mp.vcpu[1].seen[PING], ROUNDS);
	assert_int_equal(mp_seen_total(1), ROUNDS);
	/* Each side waited for the other, so kicks crossed pCPUs. */
	assert_true(sim_pcpu_get(sim_mp.pcpu_id[0])->sgis_received > 0);
	assert_true(sim_pcpu_get(sim_mp.pcpu_id[1])->sgis_received > 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_teardown(
		test_smp_sgi_ping_pong_across_pcpus_loses_and_duplicates_nothing, mp_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

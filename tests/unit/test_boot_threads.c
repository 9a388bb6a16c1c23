// SPDX-License-Identifier: MIT
/* The multi-pCPU bring-up of target/main.c on host threads (sim/mp_boot.c): the boot pCPU
 * starts three secondaries by PSCI CPU_ON, places eight vCPUs on the four pCPUs, releases them
 * (sched_start()), and waits until the VM has stopped and every pCPU left its queue
 * (sched_wait_served()). Meanwhile the vCPUs pass a token around, by SGI, from pCPU to pCPU.
 * One case: the run queues of pCPUs 0-3 cannot be used twice in a process. */
#include "mp_harness.h"

#define VCPUS 8
#define PCPUS 4
#define LAPS  100
#define TOKEN 6
#define TICKS 2000 /* counter ticks per guest step: slices end while two vCPUs share a pCPU */

/* vCPU i passes each token it took to vCPU i + 1 (on the next pCPU); vCPU 0 sends the first
 * and stops the VM when the LAPS-th comes back. state[0]: tokens passed on. */
static struct sim_step ring(unsigned i, struct sim_mp_vcpu *v)
{
	uint64_t *passed = &v->state[0];

	if (i == 0 && v->seen[TOKEN] == LAPS)
		return mp_exit(0);
	if (*passed < v->seen[TOKEN] + (i == 0)) {
		++*passed;
		return sim_mp_send_sgi(TOKEN, (i + 1) % VCPUS);
	}
	return mp_wfi();
}

static void test_boot_secondaries_serve_their_queues_until_the_vm_stops(void **state)
{
	bool served = false;

	mp_machine(VCPUS, PCPUS, ring);
	sim_mp.ticks_per_entry = TICKS;
	assert_int_equal(sim_mp_run_booted(&served), 0);
	assert_true(served); /* every pCPU left its queue */
	assert_int_equal(sim_hal.cpu_on_count, PCPUS - 1);
	for (unsigned i = 0; i < VCPUS; i++) {
		assert_int_equal(sim_mp.vcpu[i].seen[TOKEN], LAPS);
		assert_int_equal(mp_seen_total(i), LAPS);
		assert_int_equal(cpu(i)->pcpu, i % PCPUS);
	}
	for (unsigned n = 0; n < PCPUS; n++)
		assert_true(sim_pcpu_get(n)->gic.acks > 0); /* every pCPU took interrupts */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_teardown(test_boot_secondaries_serve_their_queues_until_the_vm_stops,
				      mp_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

// SPDX-License-Identifier: MIT
/* Several VMs on one pCPU (core/sched_share.c, docs/scheduling.md "Several VMs on one pCPU"):
 * each VM gets the pCPU in proportion to its weight whatever its vCPU count, a VM that slept
 * does not make up for it at the others' expense, and the rules within a VM (a sibling's SGI
 * hands the pCPU over at once, a woken vCPU runs before the round robin) still hold while
 * another VM shares the pCPU. Guests are programs (sim_smp.program): CPU-bound ones make an
 * exit every 100 us of simulated time until the run's end. */
#include "../../core/sched_share.h" /* first: the harness's globals shadow its parameters */
#include "sched_harness.h"

#define US(n)	((uint64_t)(n)*FREQ / 1000000)
#define MS(n)	US((uint64_t)(n)*1000)
#define STEP	US(100) /* simulated time per exit */
#define VMS	SIM_SMP_MAX_VMS
#define PERCENT 100

static struct sim_machine other[VMS]; /* the VMs after the harness's own (vm) */
static struct vm *vms[VMS];	      /* vms[0] = vm */
static unsigned nr_vms;
static unsigned vm_of[VM_MAX_VCPUS]; /* flat vCPU number -> its VM's index */
static struct vcpu *flat[VM_MAX_VCPUS];

/* The run: CPU-bound vCPUs exit (HV_CALL_EXIT) from end_at on; what each VM ran inside
 * [from, end_at) is counted in ran[]. */
static uint64_t from, end_at;
static uint64_t ran[VMS];
/* Per VM: its vCPUs exit from this counter on instead of end_at (0: end_at). */
static uint64_t exit_at[VMS];
/* The SGI test: vCPU `sgi_from` sends WAKE_SGI to its VM's vCPU 1 once the counter reaches
 * sgi_at; the entry number of that exit, and of the target's first step. */
static int sgi_from = -1;
static uint64_t sgi_at;
static unsigned sgi_entry, woken_entry;
/* Per flat vCPU: its first step from counter sleep_from on is a WFI with its virtual timer
 * set to fire at counter sleep_until (0: none). */
static uint64_t sleep_from[VM_MAX_VCPUS], sleep_until[VM_MAX_VCPUS];
/* Per flat vCPU: it played its sleep step; the counter when it next ran (0: not yet). */
static bool slept[VM_MAX_VCPUS];
static uint64_t woke_at[VM_MAX_VCPUS];
/* A device interrupt (WAKE_SGI pulsed as by a device) for flat vCPU `irq_for`, taken by the
 * first entry of another vCPU from counter `irq_at` on (irq_for < 0: none). */
static int irq_for = -1;
static uint64_t irq_at;

/* VMs of `counts[i]` vCPUs each on one pCPU: the harness's VM is the first. */
static void vms_of(const unsigned *counts, unsigned n)
{
	static const uint32_t prog[] = {SIM_A64_HVC0, SIM_A64_HVC0};
	unsigned next = 0;

	machine(counts[0]);
	vms[0] = vm;
	nr_vms = n;
	for (unsigned k = 1; k < n; k++) {
		assert_int_equal(sim_machine_init(&other[k], NULL), HV_OK);
		assert_int_equal(sim_machine_load_program(&other[k], prog, ARRAY_SIZE(prog)),
				 HV_OK);
		vms[k] = other[k].vm;
		harness_vcpus(vms[k], counts[k]);
		sim_smp_add_vm(vms[k]);
	}
	for (unsigned k = 0; k < n; k++) {
		for (unsigned i = 0; i < counts[k]; i++) {
			vm_of[next] = k;
			flat[next++] = &vms[k]->vcpus[i];
		}
	}
	memset(ran, 0, sizeof(ran));
	memset(exit_at, 0, sizeof(exit_at));
	memset(sleep_from, 0, sizeof(sleep_from));
	memset(sleep_until, 0, sizeof(sleep_until));
	memset(slept, 0, sizeof(slept));
	memset(woke_at, 0, sizeof(woke_at));
	irq_for = -1;
	sgi_from = -1;
	sgi_entry = woken_entry = 0;
	from = sim_hal.counter;
}

static int teardown_vms(void **state)
{
	for (unsigned k = 1; k < nr_vms; k++)
		sim_machine_destroy(&other[k]);
	nr_vms = 0;
	return teardown(state);
}

static struct sim_step program(unsigned id)
{
	struct vcpu *v = flat[id];
	uint64_t now = sim_hal.counter; /* the step just played took [now - STEP, now) */
	struct sim_step s;

	if (now <= end_at && now - STEP >= from)
		ran[vm_of[id]] += STEP;
	if (slept[id] && !woke_at[id])
		woke_at[id] = now - STEP;
	if (sleep_until[id] && now >= sleep_from[id]) {
		slept[id] = true;
		s = sim_step_wfx(false);
		s.el1_set = SIM_X(HAL_CNTV_CTL_EL0) | SIM_X(HAL_CNTV_CVAL_EL0);
		s.el1[HAL_CNTV_CTL_EL0] = CTL_ENABLE;
		s.el1[HAL_CNTV_CVAL_EL0] = sleep_until[id] - v->ctx.cntvoff;
		sleep_until[id] = 0;
		return s;
	}
	if (v->id == 1 && (int)id == sgi_from + 1 && sgi_entry && !woken_entry)
		woken_entry = sim_smp.entries;
	if ((int)id == sgi_from && now >= sgi_at && !sgi_entry) {
		sgi_entry = sim_smp.entries;
		s = sim_step_sysreg(3, 0, 12, 11, 5, 1, false); /* msr icc_sgi1r_el1, x1 */
		s.x_set = SIM_X(1);
		s.x[1] = (uint64_t)WAKE_SGI << ICC_SGIR_INTID_SHIFT | 1U << 1;
		s.set_pstate = true;
		s.pstate = PSTATE_M_EL1H;
		return s;
	}
	if (now >= (exit_at[vm_of[id]] ? exit_at[vm_of[id]] : end_at))
		return sim_step_hvc(HV_CALL_EXIT, 0, 0);
	return sim_step_hvc(PSCI_VERSION, 0, 0);
}

/* Flat vCPU `id` starts asleep in WFI, its virtual timer set to fire at counter `at`. */
static void asleep_until(unsigned id, uint64_t at)
{
	struct vcpu *v = flat[id];

	v->state = VCPU_BLOCKED;
	v->ctx.el1[HAL_CNTV_CTL_EL0] = CTL_ENABLE;
	v->ctx.el1[HAL_CNTV_CVAL_EL0] = at - v->ctx.cntvoff;
}

static void device_irq(unsigned id, unsigned step)
{
	if (irq_for < 0 || (int)id == irq_for || sim_hal.counter < irq_at)
		return;
	sched_physical_irq(true);
	vgic_pulse(flat[irq_for]->vm, flat[irq_for], WAKE_SGI);
	sched_physical_irq(false);
	irq_for = -1;
}

static void run_until(uint64_t end)
{
	end_at = end;
	sim_smp.on_entry = device_irq;
	sim_smp.ticks_per_entry = STEP;
	sim_smp.program = program;
	assert_int_equal(sim_smp_run(), 0);
	for (unsigned k = 0; k < nr_vms; k++)
		assert_false(vm_alive(vms[k]));
}

/* ran[k] is `want` percent of the window's time, give or take `slack` percent. */
static void assert_share(unsigned k, unsigned want, unsigned slack)
{
	uint64_t total = 0;

	for (unsigned i = 0; i < nr_vms; i++)
		total += ran[i];
	print_message("VM %u: %lu of %lu ticks (want %u%%)\n", k, (unsigned long)ran[k],
		      (unsigned long)total, want);
	assert_true(total > 0);
	assert_in_range(ran[k] * PERCENT, total * (want - slack), total * (want + slack));
}

static void test_share_vms_of_4_and_1_vcpus_with_equal_weights_get_half_each(void **state)
{
	static const unsigned counts[] = {4, 1};

	vms_of(counts, 2);
	run_until(from + MS(2000));
	/* Round robin over the five vCPUs would give them 80% and 20%. */
	assert_share(0, 50, 2);
	assert_share(1, 50, 2);
}

static void test_share_weights_2_to_1_give_two_thirds_and_one_third(void **state)
{
	static const unsigned counts[] = {1, 4};

	vms_of(counts, 2);
	vms[0]->weight = 2 * VM_DEFAULT_WEIGHT;
	run_until(from + MS(3000));
	assert_share(0, 67, 2);
	assert_share(1, 33, 2);
}

static void test_share_four_vms_of_1_2_3_1_vcpus_get_a_quarter_each(void **state)
{
	static const unsigned counts[] = {1, 2, 3, 1};

	vms_of(counts, 4);
	run_until(from + MS(4000));
	for (unsigned k = 0; k < 4; k++)
		assert_share(k, 25, 2);
}

static void test_share_a_vm_that_slept_does_not_starve_the_other_when_it_wakes(void **state)
{
	static const unsigned counts[] = {2, 1};

	vms_of(counts, 2);
	sched_stats_set_detail(true); /* the wait histogram below (hv.schedstats) */
	/* VM 1 runs once, then sleeps for the rest of the first second while VM 0 has the pCPU
	 * to itself. */
	sleep_until[2] = from + MS(1000);
	end_at = from + MS(2000);
	from += MS(1000);
	run_until(end_at);
	/* Had it banked the second it slept, VM 0 would get nothing of the next. */
	assert_share(0, 50, 3);
	assert_share(1, 50, 3);
	/* It ran at once when its timer fired: a woken VM behind the other is within its share. */
	assert_true(flat[2]->sched.stats.wait_hist[0] + flat[2]->sched.stats.wait_hist[1] > 0);
	sched_stats_set_detail(false);
}

static void test_share_a_siblings_sgi_still_hands_the_pcpu_over_at_once(void **state)
{
	static const unsigned counts[] = {2, 1};

	vms_of(counts, 2);
	/* VM 0's vCPU 1 waits in WFI; vCPU 0 signals it 25 ms in, after a turn of VM 1. */
	flat[1]->state = VCPU_BLOCKED;
	sgi_from = 0;
	sgi_at = from + MS(25);
	run_until(from + MS(40));
	assert_int_not_equal(sgi_entry, 0);
	assert_int_not_equal(woken_entry, 0);
	/* The very next entry is the woken sibling, not VM 1 and not an IRQ exit of vCPU 0. */
	assert_int_equal(sim_smp.order[sgi_entry], 1);
	assert_int_equal(woken_entry, sgi_entry + 1);
	assert_int_equal(flat[1]->sched.stats.woken_by[0], 1);
	/* VM 1 had its turns meanwhile. */
	assert_true(ran[1] >= MS(10));
	/* With another VM's vCPU on the pCPU the sibling's turn is one of its own, chosen by
	 * pick() (the VM's share first), not a switch from the exit within the sender's. */
	assert_int_equal(sim_hal.vcpu_switches, 0);
}

static void
test_share_a_woken_vcpu_runs_before_a_sibling_that_waited_only_for_another_vm(void **state)
{
	static const unsigned counts[] = {2, 1};
	unsigned turn[8];

	vms_of(counts, 2);
	/* VM 0's vCPU 1 sleeps until 15 ms: its timer fires during VM 1's turn (10-20 ms), while
	 * vCPU 0 waits for the pCPU since the end of its own turn at 10 ms. */
	asleep_until(1, from + MS(15));
	run_until(from + MS(30));
	turns(turn, ARRAY_SIZE(turn));
	/* vCPU 0, VM 1 (its turn, the timer's exit included), then VM 0's turn: the woken vCPU 1
	 * first, as with VM 0 alone, though vCPU 0 has waited 10 ms by the clock (none of it
	 * while VM 0 had the pCPU). */
	assert_int_equal(turn[0], 0);
	assert_int_equal(turn[1], 2);
	assert_int_equal(turn[2], 1);
}

/* VM 0 runs 5 ms, then sleeps in WFI (its timer far off); VM 1 computes from then on and a
 * device interrupt for VM 0 comes `at` ms in. */
static void vm_ahead_then_device_irq(unsigned at)
{
	static const unsigned counts[] = {1, 1};

	vms_of(counts, 2);
	sleep_from[0] = from + MS(5);
	sleep_until[0] = from + MS(10000);
	irq_for = 0;
	irq_at = from + MS(at);
}

static void
test_share_a_device_irq_for_a_vm_ahead_waits_for_the_running_vms_turn_to_end(void **state)
{
	vm_ahead_then_device_irq(7);
	/* VM 0 has had 5 ms, VM 1 2 ms of its turn: VM 0 is ahead, and waits until VM 1 has had
	 * its slice (from about 5 ms to 15 ms), though VM 1 ran alone when its turn began. */
	run_until(from + MS(40));
	assert_true(woke_at[0] >= from + MS(14));
	assert_true(woke_at[0] <= from + MS(16));
	/* Not even a turn of VM 1's ended early for it. */
	assert_int_equal(flat[1]->sched.stats.ends[SCHED_END_WAKE], 0);
}

static void test_share_a_device_irq_for_a_vm_behind_preempts_the_running_vm(void **state)
{
	vm_ahead_then_device_irq(12);
	/* VM 1 has had 7 ms of its turn, more than VM 0's 5: VM 0 is owed the pCPU and runs at
	 * once (the running vCPU has had its minimum run time). */
	run_until(from + MS(40));
	assert_true(woke_at[0] >= from + MS(12));
	assert_true(woke_at[0] <= from + MS(12) + 2 * STEP);
}

static void test_share_a_heavy_vm_of_short_turns_is_charged_for_every_tick(void **state)
{
	struct sched_share share = {0};

	vm->weight = 65536;
	/* 1000 turns of 100 ticks, each less than one unit of its virtual time. */
	for (unsigned i = 0; i < 1000; i++)
		sched_share_charge(&share, vm, 100);
	assert_int_equal(sched_share_entry(&share, vm)->vtime, 1000 * 100 * 256 / 65536);
	assert_int_equal(share.run, 1000 * 100);
}

static void test_share_the_vm_left_alone_runs_on_when_the_other_stops_in_its_turn(void **state)
{
	static const unsigned counts[] = {2, 1};

	vms_of(counts, 2);
	/* VM 0 has 0-10 ms and 20-30 ms, VM 1 10-20 ms; VM 0 stops at 25 ms, in its turn. */
	exit_at[0] = from + MS(25);
	run_until(from + MS(60));
	/* VM 1 had 10 of the first 25 ms, then the pCPU to itself at once: the choice did not
	 * look only at the vCPUs of the VM whose turn it was, find none and idle the pCPU (on
	 * hardware, with no timer armed, until some interrupt came). */
	assert_true(ran[1] >= MS(10) + MS(35) - 2 * STEP);
	assert_true(ran[0] <= MS(15) + STEP);
	assert_int_equal(sched_stats_pcpu(sim_hal.cpu_id)->sleeps, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(
		test_share_a_heavy_vm_of_short_turns_is_charged_for_every_tick, setup2, teardown),
	    cmocka_unit_test_teardown(
		test_share_vms_of_4_and_1_vcpus_with_equal_weights_get_half_each, teardown_vms),
	    cmocka_unit_test_teardown(test_share_weights_2_to_1_give_two_thirds_and_one_third,
				      teardown_vms),
	    cmocka_unit_test_teardown(test_share_four_vms_of_1_2_3_1_vcpus_get_a_quarter_each,
				      teardown_vms),
	    cmocka_unit_test_teardown(
		test_share_a_vm_that_slept_does_not_starve_the_other_when_it_wakes, teardown_vms),
	    cmocka_unit_test_teardown(test_share_a_siblings_sgi_still_hands_the_pcpu_over_at_once,
				      teardown_vms),
	    cmocka_unit_test_teardown(
		test_share_a_woken_vcpu_runs_before_a_sibling_that_waited_only_for_another_vm,
		teardown_vms),
	    cmocka_unit_test_teardown(
		test_share_a_device_irq_for_a_vm_ahead_waits_for_the_running_vms_turn_to_end,
		teardown_vms),
	    cmocka_unit_test_teardown(
		test_share_a_device_irq_for_a_vm_behind_preempts_the_running_vm, teardown_vms),
	    cmocka_unit_test_teardown(
		test_share_the_vm_left_alone_runs_on_when_the_other_stops_in_its_turn,
		teardown_vms),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

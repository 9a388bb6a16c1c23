// SPDX-License-Identifier: MIT
/* vCPUs on different pCPUs, each pCPU a host thread (sim/mp.c), over the real vGIC, scheduler,
 * cross-CPU messages, console and PSCI: SGIs exchanged (two vCPUs on two pCPUs, four on four,
 * three and two), console output from two pCPUs, and one vCPU turned on and off again and
 * again from another pCPU. Every interrupt sent must be taken exactly once, every byte written
 * once, every CPU_ON must start exactly one life. */
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

/* --- every vCPU with every other, several vCPUs per pCPU ------------------------------------ */

#define ALL_VCPUS   4
#define ALL_ROUNDS  100
#define ALL_PING(i) (i)	      /* SGI vCPU i pings with */
#define ALL_PONG(j) (8 + (j)) /* SGI vCPU j answers with */
#define ALL_TICKS   2000      /* counter ticks per guest step: slices end (625000 ticks) */

static unsigned all_done; /* vCPUs that got all their answers (atomic) */

/* vCPU i pings every other vCPU j ALL_ROUNDS times, the next ping to j once j's answer to the
 * previous one came, and answers every ping it took; so no SGI can merge with one still
 * pending. Between sends it waits in WFI. state[j]: pings sent to j; state[4 + j]: pings of j answered. */
static struct sim_step all_to_all(unsigned i, struct sim_mp_vcpu *v)
{
	bool finished = true;

	for (unsigned j = 0; j < ALL_VCPUS; j++) {
		if (j == i)
			continue;
		if (v->state[4 + j] < v->seen[ALL_PING(j)]) {
			v->state[4 + j]++;
			return sim_mp_send_sgi(ALL_PONG(i), j);
		}
	}
	for (unsigned j = 0; j < ALL_VCPUS; j++) {
		if (j == i)
			continue;
		if (v->state[j] < ALL_ROUNDS && v->state[j] == v->seen[ALL_PONG(j)]) {
			v->state[j]++;
			return sim_mp_send_sgi(ALL_PING(i), j);
		}
		finished &= v->seen[ALL_PONG(j)] == ALL_ROUNDS;
	}
	/* The last to get all its answers stops the VM (every ping has been answered then). */
	if (finished && !v->steps_done) {
		v->steps_done = true;
		if (__atomic_add_fetch(&all_done, 1, __ATOMIC_ACQ_REL) == ALL_VCPUS)
			return mp_exit(0);
	}
	return mp_wfi();
}

static void run_all_to_all(unsigned pcpus)
{
	mp_machine(ALL_VCPUS, pcpus, all_to_all);
	sim_mp.ticks_per_entry = ALL_TICKS;
	all_done = 0;
	assert_int_equal(sim_mp_run(), 0);
	for (unsigned i = 0; i < ALL_VCPUS; i++) {
		for (unsigned j = 0; j < ALL_VCPUS; j++) {
			if (j == i)
				continue;
			assert_int_equal(sim_mp.vcpu[i].state[j], ALL_ROUNDS);
			assert_int_equal(sim_mp.vcpu[i].seen[ALL_PONG(j)], ALL_ROUNDS);
			assert_int_equal(sim_mp.vcpu[i].seen[ALL_PING(j)], ALL_ROUNDS);
		}
		assert_int_equal(mp_seen_total(i), 2 * (ALL_VCPUS - 1) * ALL_ROUNDS);
	}
}

static void test_smp_all_to_all_sgis_4_vcpus_on_4_pcpus(void **state)
{
	run_all_to_all(4);
}

static void test_smp_all_to_all_sgis_4_vcpus_on_3_pcpus(void **state)
{
	run_all_to_all(3); /* vCPUs 0 and 3 share pCPU 0 */
}

static void test_smp_all_to_all_sgis_4_vcpus_on_2_pcpus(void **state)
{
	run_all_to_all(2);
}

/* --- the console from two pCPUs -------------------------------------------------------------- */

#define CHARS 3000 /* per vCPU: both fit the console ring (CONSOLE_RING_SIZE) together */

static const char letter[2] = {'\x01', '\x02'}; /* in no log line */
static bool printed[2];

/* Each vCPU writes its letter CHARS times by HV_CALL_PUTC (the console drains at every exit,
 * on whichever pCPU); vCPU 0 stops the VM once both are through. */
static struct sim_step printer(unsigned k, struct sim_mp_vcpu *v)
{
	if (v->state[0] < CHARS) {
		v->state[0]++;
		return sim_step_hvc(HV_CALL_PUTC, (uint8_t)letter[k], 0);
	}
	if (!printed[k])
		__atomic_store_n(&printed[k], true, __ATOMIC_RELEASE);
	if (k == 0 && __atomic_load_n(&printed[1], __ATOMIC_ACQUIRE)) {
		console_drain(SIZE_MAX);
		return mp_exit(0);
	}
	return k == 0 ? mp_busy() : mp_wfi();
}

static void test_smp_console_output_from_two_pcpus_loses_and_duplicates_nothing(void **state)
{
	unsigned count[2] = {0, 0};

	mp_machine(2, 2, printer);
	printed[0] = printed[1] = false;
	sim_console_clear();
	assert_int_equal(sim_mp_run(), 0);
	console_drain(SIZE_MAX);
	for (size_t i = 0; i < sim_hal.console_raw_len; i++) {
		count[0] += sim_hal.console_raw[i] == letter[0];
		count[1] += sim_hal.console_raw[i] == letter[1];
	}
	assert_int_equal(count[0], CHARS);
	assert_int_equal(count[1], CHARS);
}

/* --- a vCPU alone on its pCPU waits for its own timer --------------------------------------- */

#define TIMER_ROUNDS 200
#define TIMER_TICKS  1000 /* how far ahead each wait's deadline is */
#define CNTV_ENABLE  1ULL

/* A WFI step that first sets the virtual timer (CNTV_CTL, and CVAL `ahead` ticks from now). */
static struct sim_step timer_wfi(unsigned id, uint64_t ctl, uint64_t ahead)
{
	struct sim_step s = mp_wfi();

	s.el1_set = SIM_X(HAL_CNTV_CTL_EL0) | SIM_X(HAL_CNTV_CVAL_EL0);
	s.el1[HAL_CNTV_CTL_EL0] = ctl;
	s.el1[HAL_CNTV_CVAL_EL0] =
	    __atomic_load_n(&sim_hal.counter, __ATOMIC_RELAXED) - cpu(id)->ctx.cntvoff + ahead;
	return s;
}

/* Each vCPU, alone on its pCPU (so parked while it waits, docs/scheduling.md), arms its virtual
 * timer and waits in WFI for the tick, TIMER_ROUNDS times. state[0]: waits begun; state[1]:
 * wake-ups without the tick; state[2]: done (atomic). vCPU 1 then waits without a timer until
 * the VM stops; vCPU 0 stops it once both are done. */
static struct sim_step timer_waits(unsigned id, struct sim_mp_vcpu *v)
{
	if (v->seen[VGIC_PPI_VTIMER] < v->state[0]) {
		v->state[1]++;
		return mp_wfi();
	}
	if (v->state[0] < TIMER_ROUNDS) {
		v->state[0]++;
		return timer_wfi(id, CNTV_ENABLE, TIMER_TICKS);
	}
	if (id == 1) {
		__atomic_store_n(&v->state[2], 1, __ATOMIC_RELEASE);
		return timer_wfi(id, 0, 0);
	}
	if (!__atomic_load_n(&sim_mp.vcpu[1].state[2], __ATOMIC_ACQUIRE)) {
		struct sim_step s = mp_busy();

		/* The last tick's level is high until the guest turns its timer off. */
		s.el1_set = SIM_X(HAL_CNTV_CTL_EL0);
		s.el1[HAL_CNTV_CTL_EL0] = 0;
		return s;
	}
	return mp_exit(0);
}

static void test_smp_parked_vcpus_wake_by_their_own_timers_with_the_tick(void **state)
{
	mp_machine(2, 2, timer_waits);
	for (unsigned i = 0; i < 2; i++) {
		struct vgic_irq *timer = &cpu(i)->vgic.private_irqs[VGIC_PPI_VTIMER];

		timer->group = 1;
		timer->priority = MP_PRIO;
		timer->enabled = true;
	}
	assert_int_equal(sim_mp_run(), 0);
	for (unsigned i = 0; i < 2; i++) {
		assert_int_equal(sim_mp.vcpu[i].seen[VGIC_PPI_VTIMER], TIMER_ROUNDS);
		assert_int_equal(sim_mp.vcpu[i].state[1], 0);
	}
}

/* --- PSCI CPU_ON / CPU_OFF across pCPUs --------------------------------------------------- */

#define LIVES		  300
#define UP		  5 /* the SGI a started vCPU 1 sends vCPU 0 */
#define STATUS_BAD_ANSWER 2

/* PSCI CPU_ON of vCPU 1 at the program's entry with context id `context`. */
static struct sim_step cpu_on(uint64_t context)
{
	struct sim_step s = sim_step_hvc(PSCI_CPU_ON_64, 1, MP_ENTRY);

	s.x_set |= SIM_X(3);
	s.x[3] = context;
	return s;
}

/* vCPU 0 turns vCPU 1 (pCPU 1) on LIVES times; each life, vCPU 1 says UP by SGI and calls
 * CPU_OFF after 0 to 3 exits of work. vCPU 0 asks for the next life as soon as it took UP, and again while the
 * answer is ALREADY_ON or ON_PENDING: its CPU_ON races vCPU 1's CPU_OFF exit on the other
 * pCPU. state[] of vCPU 0: 0 the phase, 1 the lives started, 2 the refusals; of vCPU 1:
 * 0 its lives, 1 those that began with the wrong context id, 2 work left before CPU_OFF. */
static struct sim_step lives(unsigned id, struct sim_mp_vcpu *v)
{
	const struct hal_vcpu_ctx *ctx = v->vif.ctx;
	uint64_t *phase = &v->state[0], *started = &v->state[1];
	int64_t answer = (int64_t)ctx->x[0];

	if (id == 1) {
		if (ctx->pc != MP_ENTRY) {
			if (v->state[2]) {
				v->state[2]--;
				return mp_busy();
			}
			return sim_step_hvc(PSCI_CPU_OFF, 0, 0);
		}
		/* A fresh start: x0 is the context id of the CPU_ON that started it. */
		if (ctx->x[0] != ++v->state[0])
			v->state[1]++;
		v->state[2] = v->state[0] % 4;
		return sim_mp_send_sgi(UP, 0);
	}
	switch (*phase) {
	case 0:
		*phase = 1;
		return cpu_on(*started + 1);
	case 1:
		if (answer == PSCI_RET_ALREADY_ON || answer == PSCI_RET_ON_PENDING) {
			v->state[2]++;
			sched_yield(); /* the host thread of vCPU 1's pCPU may need this core */
			return cpu_on(*started + 1);
		}
		if (answer != PSCI_RET_SUCCESS)
			return mp_exit(STATUS_BAD_ANSWER);
		++*started;
		*phase = 2;
		return lives(id, v);
	default:
		if (v->seen[UP] < *started)
			return mp_wfi();
		if (*started == LIVES)
			return mp_exit(0);
		*phase = 0;
		return lives(id, v);
	}
}

static void test_smp_cpu_on_racing_cpu_off_on_another_pcpu_starts_each_life_once(void **state)
{
	mp_machine(2, 2, lives);
	cpu(1)->state = VCPU_OFF; /* a secondary the guest has not started yet */
	assert_int_equal(sim_mp_run(), 0);
	assert_int_equal(sim_mp.vcpu[0].state[1], LIVES);
	assert_int_equal(sim_mp.vcpu[1].state[0], LIVES); /* every CPU_ON started one life */
	assert_int_equal(sim_mp.vcpu[1].state[1], 0);	  /* with its own context id */
	assert_int_equal(sim_mp.vcpu[0].seen[UP], LIVES); /* every UP taken once */
	assert_int_equal(mp_seen_total(0), LIVES);
	print_message("[          ] %llu CPU_ON refused while vCPU 1 was still on\n",
		      (unsigned long long)sim_mp.vcpu[0].state[2]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_teardown(
		test_smp_sgi_ping_pong_across_pcpus_loses_and_duplicates_nothing, mp_teardown),
	    cmocka_unit_test_teardown(test_smp_all_to_all_sgis_4_vcpus_on_4_pcpus, mp_teardown),
	    cmocka_unit_test_teardown(test_smp_all_to_all_sgis_4_vcpus_on_3_pcpus, mp_teardown),
	    cmocka_unit_test_teardown(test_smp_all_to_all_sgis_4_vcpus_on_2_pcpus, mp_teardown),
	    cmocka_unit_test_teardown(test_smp_parked_vcpus_wake_by_their_own_timers_with_the_tick,
				      mp_teardown),
	    cmocka_unit_test_teardown(
		test_smp_console_output_from_two_pcpus_loses_and_duplicates_nothing, mp_teardown),
	    cmocka_unit_test_teardown(
		test_smp_cpu_on_racing_cpu_off_on_another_pcpu_starts_each_life_once, mp_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

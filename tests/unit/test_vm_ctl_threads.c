// SPDX-License-Identifier: MIT
/* The VM manager and run queues that VMs join and leave, on two host threads as two pCPUs
 * (hal-sim/pcpu_sim.c; also under ThreadSanitizer, `make test-tsan`): pCPU 0 runs the manager
 * (vm_ctl_run()) with an empty queue, pCPU 1 serves both VMs as a secondary does. VM "again"
 * resets itself LIVES - 1 times with PSCI SYSTEM_RESET and then powers off; each reset
 * destroys it and makes it again while pCPU 1 keeps running VM "steady", whose vCPU shares the
 * queue "again" leaves and rejoins. Once "again" is off, "steady" powers off too, and the run
 * ends with status 0 and every page back. */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include <core/err.h>
#include <core/hwinfo.h>
#include <core/irq.h>
#include <core/lib.h>
#include <core/palloc.h>
#include <core/pcpu.h>
#include <core/sched.h>
#include <core/smccc.h>
#include <core/vgic.h>
#include <core/vm.h>
#include <core/vm_ctl.h>
#include <core/vmconfig.h>
#include <hal-sim/sim_hal.h>
#include <hal/gic.h>
#include <sim/sim.h>
#include <vdev/vm_build.h>

#include "host_mem.h"

#define ARENA_SIZE  (64ULL << 20)
#define KERNEL_SIZE 0x4000
#define LIVES	    5	 /* of "again" */
#define STEPS	    30	 /* guest exits of each life of "again" before it resets */
#define TICKS	    2000 /* counter ticks per guest exit: slices end on the shared pCPU */

static void *arena, *kernel;
static struct palloc alloc;
static struct vmconfig config;
static struct vm_build_env env;
static pthread_t secondary;
static _Atomic bool done;

/* Written by pCPU 1's thread (the guests run there), read by the test after the run. */
static unsigned again_lives, again_steps;
static uint32_t again_gen;
static _Atomic bool again_off;
static unsigned steady_steps, steady_steps_while_again_lived;

static int build(const struct vm_config *cfg, struct vm **out)
{
	return vm_build(cfg, &env, out);
}

static struct sim_step again_step(struct vm *vm)
{
	if (vm_generation(vm) != again_gen) { /* a new life */
		again_gen = vm_generation(vm);
		again_lives++;
		again_steps = 0;
	}
	if (++again_steps < STEPS)
		return sim_step_hvc(PSCI_VERSION, 0, 0);
	if (again_lives < LIVES)
		return sim_step_hvc(PSCI_SYSTEM_RESET, 0, 0);
	atomic_store(&again_off, true);
	return sim_step_hvc(PSCI_SYSTEM_OFF, 0, 0);
}

static struct sim_step steady_step(void)
{
	steady_steps++;
	if (!atomic_load(&again_off)) {
		steady_steps_while_again_lived++;
		return sim_step_hvc(PSCI_VERSION, 0, 0);
	}
	return sim_step_hvc(PSCI_SYSTEM_OFF, 0, 0);
}

/* The guests: each entry of a vCPU is one exit (a PSCI call). */
static enum hal_exit_kind enter(struct hal_vcpu_ctx *ctx)
{
	struct vcpu *vcpu = (struct vcpu *)((char *)ctx - offsetof(struct vcpu, ctx));
	struct vm *vm = vcpu->vm;
	struct sim_step s;

	if (sim_gic_signalled())
		return HAL_EXIT_IRQ; /* a kick, a message, the EL2 timer: taken at once */
	s = strcmp(vm->name, "again") == 0 ? again_step(vm) : steady_step();
	__atomic_fetch_add(&sim_hal.counter, TICKS, __ATOMIC_RELAXED);
	sim_step_play(vm, ctx, &s);
	return s.kind;
}

static void *secondary_main(void *arg)
{
	(void)arg;
	sim_pcpu_enter(1);
	hal_gic_cpu_init();
	irq_cpu_init();
	pcpu_report_online(1);
	/* As target/main.c's secondary_main(), until the test is over. */
	while (!atomic_load(&done))
		sched_serve();
	sim_pcpu_leave();
	return NULL;
}

static void config_vm(struct vm_config *c, const char *name)
{
	memset(c, 0, sizeof(*c));
	strcpy(c->name, name);
	c->vcpus = 1;
	c->pcpu_of[0] = 1;
	c->ram_size = 4ULL << 20;
	c->kernel = (struct vmconfig_span){host_mem_pa(kernel), KERNEL_SIZE};
	c->weight = VMCONFIG_DEFAULT_WEIGHT;
	vm_board_default(&c->board);
	c->board.rtc_base = 0;
}

static int setup(void **state)
{
	static const struct irq_config irqs = {
	    .maintenance = VGIC_PPI_MAINTENANCE, .vtimer = VGIC_PPI_VTIMER, .hyp_timer = 26};
	static struct hw_info hw;

	sim_hal_reset();
	sim_hal.pa_bits = SIM_PA_BITS;
	arena = host_mem_alloc(ARENA_SIZE, SZ_2M);
	kernel = host_mem_alloc(KERNEL_SIZE, PAGE_SIZE);
	memset(kernel, 0x1f, KERNEL_SIZE);
	palloc_init(&alloc);
	assert_int_equal(palloc_add(&alloc, host_mem_pa(arena), ARENA_SIZE), HV_OK);
	env = (struct vm_build_env){
	    .alloc = &alloc, .ipa_bits = SIM_IPA_BITS, .pa_bits = SIM_PA_BITS, .nr_spis = 64};
	config_vm(&config.vm[0], "again");
	config_vm(&config.vm[1], "steady");
	config.vm[1].console = true;
	config.count = 2;
	hw.cpu_count = 2;
	for (unsigned i = 0; i < 2; i++)
		hw.cpu_mpidr[i] = SIM_PCPU_MPIDR(i);
	assert_int_equal(pcpu_init(&hw, SIM_PCPU_MPIDR(0)), HV_OK);
	/* The physical interrupts the hypervisor takes, as target/main.c sets them up. */
	assert_int_equal(hal_gic_init(0, NULL, NULL, 0), 0);
	irq_init(&irqs);
	sim_hal.vcpu_enter_hook = enter;
	return 0;
}

static int teardown(void **state)
{
	sim_hal.vcpu_enter_hook = NULL;
	host_mem_free(kernel);
	host_mem_free(arena);
	return 0;
}

static void test_vm_ctl_a_vm_resets_on_a_pcpu_that_keeps_running_another(void **state)
{
	uint64_t free_bytes = palloc_free_bytes(&alloc);
	int status;

	sim_pcpu_enter(0);
	hal_gic_cpu_init();
	irq_cpu_init();
	assert_int_equal(pthread_create(&secondary, NULL, secondary_main, NULL), 0);
	while (!atomic_load(&pcpu_get(1)->online))
		;
	assert_int_equal(vm_ctl_init(&config, build, false), HV_OK);
	status = vm_ctl_run();
	/* pCPU 1 sleeps in sched_serve() until vCPUs join: one of a freed VM slot does, which it
	 * drops at once, and its sched_serve() returns to see that the test is over. */
	atomic_store(&done, true);
	assert_int_equal(sched_assign(vcpu_by_index(0), 1), HV_OK);
	sched_start();
	assert_int_equal(pthread_join(secondary, NULL), 0);
	sim_pcpu_leave();

	assert_int_equal(status, 0);
	assert_int_equal(again_lives, LIVES);
	assert_int_equal(again_steps, STEPS);
	/* "steady" ran while "again" came and went, and was never made again. */
	assert_true(steady_steps_while_again_lived > 0);
	assert_int_equal(steady_steps, steady_steps_while_again_lived + 1);
	assert_null(vm_ctl_vm(0));
	assert_null(vm_ctl_vm(1));
	assert_int_equal(palloc_free_bytes(&alloc), free_bytes);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(
		test_vm_ctl_a_vm_resets_on_a_pcpu_that_keeps_running_another, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

// SPDX-License-Identifier: MIT
/* The threaded machine of sim/mp.c brought up as target/main.c brings up the hardware: pCPU 0
 * boots, starts the secondaries through PSCI CPU_ON (each a new host thread that reports
 * online and waits in sched_serve()), fills the run queues, releases them with sched_start(),
 * runs its own queue and waits in sched_wait_served() until the VM has stopped and every pCPU
 * has left its queue. See sim/include/sim/sim.h. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

#include <core/hwinfo.h>
#include <core/irq.h>
#include <core/pcpu.h>
#include <core/sched.h>
#include <hal-sim/sim_hal.h>
#include <hal/gic.h>
#include <sim/sim.h>

/* Counter ticks the boot pCPU waits for a secondary to report online, and for the pCPUs to
 * leave their queues. The counter moves only while a pCPU idles with its EL2 timer armed, so
 * these bound nothing in wall time: the WFI bound does (hal-sim/pcpu_sim.c). */
#define BOOT_TIMEOUT_TICKS (1ULL << 40)

static pthread_t secondaries[SIM_MP_MAX_PCPUS];
static bool served_ok;

/* What a secondary does from its entry point (target/main.c secondary_main()), serving one
 * start of the scheduler instead of looping. */
static void *secondary(void *arg)
{
	unsigned n = (unsigned)(uintptr_t)arg;

	sim_pcpu_enter(n);
	hal_gic_cpu_init();
	irq_cpu_init();
	pcpu_report_online(n);
	sched_serve();
	sim_pcpu_leave();
	return NULL;
}

/* PSCI CPU_ON of the host firmware: the CPU starts as a new thread. */
static void cpu_on(uint64_t mpidr, unsigned cpu_index)
{
	if (cpu_index >= SIM_MP_MAX_PCPUS ||
	    pthread_create(&secondaries[cpu_index], NULL, secondary, (void *)(uintptr_t)cpu_index))
		abort();
}

static void *boot(void *arg)
{
	struct vm *vm = sim_mp.m->vm;

	sim_pcpu_enter(0);
	hal_gic_cpu_init();
	irq_cpu_init();
	if (pcpu_start_secondaries(BOOT_TIMEOUT_TICKS) != sim_mp.nr_pcpus)
		abort();
	for (unsigned i = 0; i < vm->vcpu_count; i++) {
		if (sched_assign(&vm->vcpus[i], sim_mp.pcpu_id[sim_mp.vcpu[i].pcpu]) != 0)
			abort();
	}
	sched_start();
	sched_run();
	served_ok = sched_wait_served(vm, BOOT_TIMEOUT_TICKS);
	sim_pcpu_leave();
	return NULL;
}

int sim_mp_run_booted(bool *all_served)
{
	static struct hw_info hw;
	static bool used;
	pthread_t boot_thread;

	/* The run queues of pCPUs 0 .. n-1 cannot be emptied (core/sched.c). */
	if (used) {
		fprintf(stderr, "sim: sim_mp_run_booted() runs once per process\n");
		abort();
	}
	used = true;
	hw.cpu_count = sim_mp.nr_pcpus;
	for (unsigned i = 0; i < sim_mp.nr_pcpus; i++) {
		hw.cpu_mpidr[i] = SIM_PCPU_MPIDR(i);
		sim_mp.pcpu_id[i] = i;
	}
	if (pcpu_init(&hw, SIM_PCPU_MPIDR(0)) != 0)
		abort();
	sim_hal.cpu_on_hook = cpu_on;
	if (pthread_create(&boot_thread, NULL, boot, NULL) != 0)
		abort();
	pthread_join(boot_thread, NULL);
	for (unsigned i = 1; i < sim_mp.nr_pcpus; i++)
		pthread_join(secondaries[i], NULL);
	sim_hal.cpu_on_hook = NULL;
	*all_served = served_ok;
	return sim_mp.m->vm->exit_status;
}

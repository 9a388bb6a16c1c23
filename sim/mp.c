// SPDX-License-Identifier: MIT
/* Several pCPUs as host threads over the real core/ and vdev/ code: each thread becomes a
 * simulated pCPU (hal-sim/pcpu_sim.c), brings up its GIC CPU interface as a secondary does
 * and runs its own run queue with sched_run(). The vCPUs' guests are small programs written
 * in the test: at each entry the guest first takes the virtual interrupts its CPU interface
 * signals (counting them by INTID), then the program says what it does up to its next trap.
 * See sim/include/sim/sim.h and sim/README.md. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <core/arch.h>
#include <core/gicv3.h>
#include <core/hwinfo.h>
#include <core/irq.h>
#include <core/lib.h>
#include <core/pcpu.h>
#include <core/sched.h>
#include <core/vgic.h>
#include <hal-sim/sim_hal.h>
#include <sim/sim.h>

#define VTIMER_PPI 27
#define SGI_RT	   9 /* the register a sending guest puts the value in */

struct sim_mp sim_mp;

static pthread_barrier_t started;

/* The virtual timer's output from the entered vCPU's live registers, as sim/smp.c has it. */
/* The guest's interrupt handler: everything its CPU interface signals, taken and ended
 * (EOImode 0), while it runs with IRQs unmasked. */
static void take_interrupts(struct sim_mp_vcpu *v, const struct hal_vcpu_ctx *ctx)
{
	uint32_t intid;

	if (ctx->pstate & PSTATE_I)
		return;
	while ((intid = sim_icv_iar(&v->vif, 1)) != VGIC_SPURIOUS) {
		if (intid < SIM_MP_MAX_INTID)
			v->seen[intid]++;
		else
			v->seen_other++;
		sim_icv_eoir(&v->vif, 1, intid);
	}
}

static enum hal_exit_kind mp_enter(struct hal_vcpu_ctx *ctx)
{
	int id = sim_vcpu_index(sim_mp.m->vm, ctx);
	struct sim_mp_vcpu *v;
	struct sim_step s;

	if (id < 0) {
		fprintf(stderr, "sim: a context of no vCPU of the machine was entered\n");
		abort();
	}
	v = &sim_mp.vcpu[id];
	sim_pcpu_self()->guest = v;
	v->entries++;
	sim_gic_set_level(
	    VTIMER_PPI, sim_vtimer_level(ctx, __atomic_load_n(&sim_hal.counter, __ATOMIC_RELAXED)));
	if (sim_gic_signalled()) {
		/* A physical interrupt for this pCPU (a kick, the EL2 timer): it exits at once. */
		v->irq_exits++;
		return HAL_EXIT_IRQ;
	}
	take_interrupts(v, ctx);
	s = sim_mp.program((unsigned)id, v);
	v->steps++;
	/* The guest ran up to its trap: time passed (slices end, timers fire). */
	__atomic_fetch_add(&sim_hal.counter, sim_mp.ticks_per_entry, __ATOMIC_RELAXED);
	sim_step_play(sim_mp.m->vm, ctx, &s);
	/* The PPI's level follows the timer registers as the step left them: a guest that moved
	 * its deadline on or turned its timer off lowered it before the exit, as on the hardware,
	 * where the GIC then no longer holds it pending. */
	sim_gic_set_level(
	    VTIMER_PPI, sim_vtimer_level(ctx, __atomic_load_n(&sim_hal.counter, __ATOMIC_RELAXED)));
	return s.kind;
}

void sim_mp_attach(struct sim_machine *m, unsigned nr_pcpus,
		   struct sim_step (*program)(unsigned vcpu, struct sim_mp_vcpu *v))
{
	if (nr_pcpus == 0 || nr_pcpus > SIM_MP_MAX_PCPUS) {
		fprintf(stderr, "sim: %u pCPUs (1 to %d)\n", nr_pcpus, SIM_MP_MAX_PCPUS);
		abort();
	}
	memset(&sim_mp, 0, sizeof(sim_mp));
	sim_mp.m = m;
	sim_mp.nr_pcpus = nr_pcpus;
	sim_mp.program = program;
	for (unsigned i = 0; i < m->vm->vcpu_count; i++) {
		sim_vif_init(&sim_mp.vcpu[i].vif, &m->vm->vcpus[i].ctx);
		sim_mp.vcpu[i].pcpu = i % nr_pcpus;
	}
	sim_hal.vcpu_enter_hook = mp_enter;
}

static void *pcpu_main(void *arg)
{
	unsigned n = (unsigned)(uintptr_t)arg;

	sim_pcpu_enter(sim_mp.pcpu_id[n]);
	/* What a secondary does before it schedules (target/main.c). */
	hal_gic_cpu_init();
	irq_cpu_init();
	pthread_barrier_wait(&started);
	/* Until the VM stops: vm_stop() tells the other pCPUs (CPU_MSG_VM_STOP), so one idle in
	 * WFI returns too; if that message were lost, its WFI bound fails the test. */
	sched_run();
	sim_pcpu_leave();
	return NULL;
}

int sim_mp_run(void)
{
	static struct hw_info hw;
	struct vm *vm = sim_mp.m->vm;
	pthread_t threads[SIM_MP_MAX_PCPUS];

	/* The pCPU table core/ sends kicks by: pCPU n at SIM_PCPU_MPIDR(n). */
	hw.cpu_count = HV_MAX_CPUS;
	for (unsigned i = 0; i < HV_MAX_CPUS; i++)
		hw.cpu_mpidr[i] = SIM_PCPU_MPIDR(i);
	if (pcpu_init(&hw, SIM_PCPU_MPIDR(0)) != 0)
		abort();
	/* Run queues cannot be emptied (core/sched.c): every run takes pCPUs never used. */
	for (unsigned i = 0; i < sim_mp.nr_pcpus; i++)
		sim_mp.pcpu_id[i] = sim_smp_fresh_pcpu();
	for (unsigned i = 0; i < vm->vcpu_count; i++) {
		if (sched_assign(&vm->vcpus[i], sim_mp.pcpu_id[sim_mp.vcpu[i].pcpu]) != 0)
			abort();
	}
	pthread_barrier_init(&started, NULL, sim_mp.nr_pcpus);
	for (unsigned i = 0; i < sim_mp.nr_pcpus; i++) {
		if (pthread_create(&threads[i], NULL, pcpu_main, (void *)(uintptr_t)i) != 0)
			abort();
	}
	for (unsigned i = 0; i < sim_mp.nr_pcpus; i++)
		pthread_join(threads[i], NULL);
	pthread_barrier_destroy(&started);
	return vm->exit_status;
}

uint64_t sim_mp_sgi1r(unsigned intid, unsigned target)
{
	/* vCPU n has Aff0 = n % 16, Aff1 = n / 16 (core/vm.c). */
	return (uint64_t)intid << ICC_SGIR_INTID_SHIFT |
	       (uint64_t)(target / 16) << ICC_SGIR_AFF1_SHIFT | BIT(target % 16);
}

struct sim_step sim_mp_send_sgi(unsigned intid, unsigned target)
{
	/* MSR ICC_SGI1R_EL1, x9: op0 3, op1 0, CRn 12, CRm 11, op2 5 (core/sysreg.h). */
	struct sim_step s = sim_step_sysreg(3, 0, 12, 11, 5, SGI_RT, false);

	s.x_set = SIM_X(SGI_RT);
	s.x[SGI_RT] = sim_mp_sgi1r(intid, target);
	return s;
}

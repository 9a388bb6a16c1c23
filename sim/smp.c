// SPDX-License-Identifier: MIT
/* Scripted guests on several vCPUs of one VM, run by the real scheduler (core/sched.c): each
 * vCPU plays its own script, told apart by the context hal_vcpu_enter() is given. Before a
 * step is played the guest may be interrupted, as on hardware: a physical interrupt the
 * simulated GIC would signal (the EL2 timer past its deadline, a raised INTID) makes the entry
 * end in an IRQ exit at once, and the entered vCPU's virtual timer drives PPI 27 while its
 * condition holds. See sim/include/sim/sim.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <core/hwinfo.h>
#include <core/sched.h>
#include <hal-sim/sim_hal.h>
#include <sim/sim.h>

#define HYP_TIMER	 26
#define VTIMER		 27
#define PRIO_IDLE	 0x100u
#define PMR		 0xffu
#define ENTRY_LIMIT	 100000 /* a run this long is a scheduler that never stops */
#define FIRST_SPARE_PCPU 1

struct sim_smp sim_smp;

/* Whether hal_gic_ack() would hand out an interrupt now (the same rules as hal-sim/gic_sim.c),
 * after the level inputs (EL2 timer, virtual timer) have been sampled. */
static bool irq_signalled(const struct hal_vcpu_ctx *ctx)
{
	struct sim_gic *g = &sim_hal.gic;
	unsigned rpr = PRIO_IDLE;
	unsigned n = g->nr_intids ? g->nr_intids : SIM_GIC_NR_INTIDS;

	if (g->hyp_timer_armed && sim_hal.counter >= g->hyp_timer_deadline)
		g->pending[HYP_TIMER] = true;
	g->pending[VTIMER] = sim_hal.counter >= sim_smp.vtimer_lag &&
			     sim_vtimer_level(ctx, sim_hal.counter - sim_smp.vtimer_lag);
	if (g->nr_running)
		rpr = g->priority[g->running[g->nr_running - 1]];
	for (unsigned i = 0; i < n && i < SIM_GIC_MAX_INTIDS; i++) {
		if (g->pending[i] && g->enabled[i] && !g->active[i] && g->priority[i] < rpr &&
		    g->priority[i] < PMR)
			return true;
	}
	return false;
}

/* The entered vCPU's number (the VMs' vCPUs counted in the order the VMs were added) and VM,
 * or -1. */
static int entered(const struct hal_vcpu_ctx *ctx, struct vm **vm)
{
	unsigned base = 0;

	for (unsigned k = 0; k < sim_smp.nr_vms; k++) {
		int i = sim_vcpu_index(sim_smp.vms[k], ctx);

		if (i >= 0) {
			*vm = sim_smp.vms[k];
			return (int)base + i;
		}
		base += sim_smp.vms[k]->vcpu_count;
	}
	return -1;
}

/* A guest busy-waiting without a trap (a spinlock under QEMU TCG): only the EL2 timer ends
 * it, at its deadline. */
static enum hal_exit_kind spin_until_irq(struct hal_vcpu_ctx *ctx, const struct sim_step *s)
{
	struct sim_gic *g = &sim_hal.gic;

	if (!g->hyp_timer_armed) {
		fprintf(stderr, "sim: a vCPU spins with no EL2 timer armed: it never exits\n");
		abort();
	}
	if (sim_hal.counter < g->hyp_timer_deadline)
		sim_hal.counter = g->hyp_timer_deadline;
	if (s->at)
		ctx->pc = s->at;
	if (s->set_pstate)
		ctx->pstate = s->pstate;
	sim_smp.irq_exits++;
	return HAL_EXIT_IRQ;
}

static enum hal_exit_kind smp_enter(struct hal_vcpu_ctx *ctx)
{
	struct vm *vm = NULL;
	int id = entered(ctx, &vm);
	struct sim_smp_vcpu *v;
	const struct sim_step *s;
	struct sim_step step;

	if (id < 0 || id >= VM_MAX_VCPUS || sim_smp.entries >= ENTRY_LIMIT) {
		fprintf(stderr, "sim: %s\n",
			id < 0 ? "a context of no vCPU of the machine was entered"
			       : "the run never ends");
		abort();
	}
	v = &sim_smp.vcpu[id];
	if (sim_smp.entries < SIM_SMP_MAX_ENTRIES)
		sim_smp.order[sim_smp.entries] = (unsigned)id;
	sim_smp.entries++;
	if (irq_signalled(ctx)) {
		/* Pending at entry: the guest is interrupted before it reaches its next trap. */
		sim_smp.irq_exits++;
		return HAL_EXIT_IRQ;
	}
	if (sim_smp.on_entry)
		sim_smp.on_entry((unsigned)id, v->next);
	if (v->next < SIM_SMP_MAX_STEPS + 1) {
		v->seen[v->next] = *ctx;
		v->seen_count = v->next + 1;
	}
	/* The guest runs up to its trap; what fires meanwhile is taken at the next entry. */
	sim_hal.counter += sim_smp.ticks_per_entry;
	if (sim_smp.program) {
		step = sim_smp.program((unsigned)id);
		s = &step;
		v->next++;
	} else if (v->next < v->count) {
		s = &v->steps[v->next++];
	} else {
		sim_smp.ran_out = true;
		s = &sim_ran_out_step;
	}
	if (s->spin)
		return spin_until_irq(ctx, s);
	sim_step_play(vm, ctx, s);
	return s->kind;
}

void sim_smp_attach(struct sim_machine *m)
{
	memset(&sim_smp, 0, sizeof(sim_smp));
	sim_smp.m = m;
	sim_smp.vms[0] = m->vm;
	sim_smp.nr_vms = 1;
	sim_hal.vcpu_enter_hook = smp_enter;
}

void sim_smp_add_vm(struct vm *vm)
{
	if (sim_smp.nr_vms == SIM_SMP_MAX_VMS) {
		fprintf(stderr, "sim: no room for another VM\n");
		abort();
	}
	sim_smp.vms[sim_smp.nr_vms++] = vm;
}

struct sim_step *sim_smp_push(unsigned vcpu, struct sim_step step)
{
	struct sim_smp_vcpu *v = vcpu < VM_MAX_VCPUS ? &sim_smp.vcpu[vcpu] : NULL;

	if (!v || v->count == SIM_SMP_MAX_STEPS) {
		fprintf(stderr, "sim: no room for a step of vCPU %u\n", vcpu);
		abort();
	}
	v->steps[v->count] = step;
	return &v->steps[v->count++];
}

unsigned sim_smp_fresh_pcpu(void)
{
	static unsigned next = FIRST_SPARE_PCPU;

	if (next >= HV_MAX_CPUS) {
		fprintf(stderr, "sim: out of run queues (one per sim_smp_run())\n");
		abort();
	}
	sim_hal.cpu_id = next;
	return next++;
}

int sim_smp_run(void)
{
	unsigned pcpu = sim_smp_fresh_pcpu();

	for (unsigned k = 0; k < sim_smp.nr_vms; k++) {
		struct vm *vm = sim_smp.vms[k];

		for (unsigned i = 0; i < vm->vcpu_count; i++) {
			if (sched_assign(&vm->vcpus[i], pcpu) != 0) {
				fprintf(stderr, "sim: sched_assign() of vCPU %u failed\n", i);
				abort();
			}
		}
	}
	sched_run();
	return sim_smp.vms[0]->exit_status;
}

const struct hal_vcpu_ctx *sim_smp_seen(unsigned vcpu, unsigned n)
{
	if (vcpu >= VM_MAX_VCPUS || n >= sim_smp.vcpu[vcpu].seen_count)
		return NULL;
	return &sim_smp.vcpu[vcpu].seen[n];
}

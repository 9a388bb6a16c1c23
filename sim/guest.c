// SPDX-License-Identifier: MIT
/* The scripted guest: hal_vcpu_enter() (through sim_hal.vcpu_enter_hook) plays the next step
 * of a script, as if the guest had run up to its next trap, and keeps the context it was
 * entered with so a test can check every answer the hypervisor gave. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <hal-sim/sim_hal.h>
#include <sim/sim.h>

/* Entries allowed after the script ran out before the simulation gives up: HV_CALL_EXIT
 * should have stopped the VM at the first. */
#define RAN_OUT_LIMIT 4

struct sim_guest sim_guest;

static enum hal_exit_kind sim_guest_enter(struct hal_vcpu_ctx *ctx)
{
	const struct sim_step *s;

	if (sim_guest.entries < SIM_GUEST_MAX_STEPS + 1)
		sim_guest.seen[sim_guest.entries] = *ctx;
	sim_guest.entries++;
	if (sim_guest.next < sim_guest.count) {
		s = &sim_guest.steps[sim_guest.next++];
	} else {
		if (sim_guest.ran_out && sim_guest.entries > sim_guest.count + RAN_OUT_LIMIT) {
			fprintf(stderr, "sim: the guest keeps running after HV_CALL_EXIT\n");
			abort();
		}
		sim_guest.ran_out = true;
		s = &sim_ran_out_step;
	}
	sim_step_play(sim_guest.m->vm, ctx, s);
	return s->kind;
}

void sim_guest_attach(struct sim_machine *m)
{
	memset(&sim_guest, 0, sizeof(sim_guest));
	sim_guest.m = m;
	sim_hal.vcpu_enter_hook = sim_guest_enter;
}

struct sim_step *sim_guest_push(struct sim_step step)
{
	if (sim_guest.count == SIM_GUEST_MAX_STEPS) {
		fprintf(stderr, "sim: more than %d steps in a guest script\n", SIM_GUEST_MAX_STEPS);
		abort();
	}
	sim_guest.steps[sim_guest.count] = step;
	return &sim_guest.steps[sim_guest.count++];
}

int sim_guest_run(void)
{
	struct vm *vm = sim_guest.m->vm;

	vcpu_run(sim_guest.m->vcpu);
	return vm->exit_status;
}

const struct hal_vcpu_ctx *sim_guest_seen(unsigned n)
{
	if (n >= sim_guest.entries || n > SIM_GUEST_MAX_STEPS)
		return NULL;
	return &sim_guest.seen[n];
}

/* --- steps --- */

static struct sim_step call(uint64_t esr, uint64_t x0, uint64_t x1, uint64_t x2)
{
	return (struct sim_step){
	    .esr = esr,
	    .x_set = SIM_X(0) | SIM_X(1) | SIM_X(2),
	    .x = {x0, x1, x2},
	};
}

struct sim_step sim_step_hvc(uint64_t x0, uint64_t x1, uint64_t x2)
{
	return call(sim_esr_hvc(0), x0, x1, x2);
}

struct sim_step sim_step_smc(uint64_t x0, uint64_t x1, uint64_t x2)
{
	return call(sim_esr_smc(0), x0, x1, x2);
}

struct sim_step sim_step_wfx(bool wfe)
{
	return (struct sim_step){.esr = sim_esr_wfx(wfe)};
}

struct sim_step sim_step_irq(void)
{
	return (struct sim_step){.kind = HAL_EXIT_IRQ};
}

struct sim_step sim_step_sysreg(unsigned op0, unsigned op1, unsigned crn, unsigned crm,
				unsigned op2, unsigned rt, bool read)
{
	return (struct sim_step){.esr = sim_esr_sysreg(op0, op1, crn, crm, op2, rt, read)};
}

struct sim_step sim_step_mmio(uint64_t addr, unsigned size, bool write, unsigned rt, bool sf)
{
	return (struct sim_step){
	    .esr = sim_esr_dabt_isv(size, write, rt, sf, false),
	    .far = addr,
	    .hpfar = sim_hpfar(addr),
	};
}

struct sim_step sim_step_mmio_insn(uint64_t addr, uint32_t insn, bool write)
{
	return (struct sim_step){
	    .esr = sim_esr_dabt(write),
	    .far = addr,
	    .hpfar = sim_hpfar(addr),
	    .insn = insn,
	};
}

struct sim_step sim_step_iabt(uint64_t addr)
{
	return (struct sim_step){
	    .esr = sim_esr_iabt(),
	    .far = addr,
	    .hpfar = sim_hpfar(addr),
	    .at = addr,
	};
}

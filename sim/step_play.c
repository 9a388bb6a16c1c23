// SPDX-License-Identifier: MIT
/* Playing one step of a scripted guest (sim/guest.c, sim/smp.c): the guest's side of a trap. */
#include <core/arch.h>
#include <core/gmem.h>
#include <core/smccc.h>
#include <sim/sim.h>

const struct sim_step sim_ran_out_step = {
    .esr = (uint64_t)ESR_EC_HVC64 << ESR_EC_SHIFT | ESR_IL,
    .x_set = SIM_X(0) | SIM_X(1),
    .x = {[0] = HV_CALL_EXIT, [1] = SIM_GUEST_RAN_OUT},
};

void sim_step_play(struct vm *vm, struct hal_vcpu_ctx *ctx, const struct sim_step *s)
{
	uint64_t at = s->at ? s->at : ctx->pc;

	/* Best effort: a step that traps outside RAM has no instruction to show. */
	if (s->insn)
		(void)gmem_write(vm, at, &s->insn, sizeof(s->insn));
	for (unsigned n = 0; n < 31; n++) {
		if (s->x_set & SIM_X(n))
			ctx->x[n] = s->x[n];
	}
	for (unsigned r = 0; r < HAL_EL1_NR; r++) {
		if (s->el1_set & SIM_X(r))
			ctx->el1[r] = s->el1[r];
	}
	if (s->set_pstate)
		ctx->pstate = s->pstate;
	ctx->esr = s->esr;
	ctx->far = s->far;
	ctx->hpfar = s->hpfar;
	/* ELR_EL2: HVC is the one exception this guest takes with the return address past the
	 * instruction (Arm ARM D1.10.4). */
	ctx->pc =
	    s->kind == HAL_EXIT_SYNC && esr_ec(s->esr) == ESR_EC_HVC64 ? at + A64_INSN_SIZE : at;
}

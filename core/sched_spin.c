// SPDX-License-Identifier: MIT
/* Recognising a vCPU that spins for its siblings without an exit (core/sched_spin.h). */
#include <core/arch.h>
#include <core/lib.h>

#include "sched_spin.h"

static bool at_el1(const struct hal_vcpu_ctx *ctx)
{
	uint64_t m = ctx->pstate & PSTATE_M_MASK;

	return !(ctx->pstate & PSTATE_NRW) && (m == PSTATE_M_EL1T || m == PSTATE_M_EL1H);
}

void sched_spin_start(struct sched_spin *s, uint64_t interval, uint64_t max)
{
	s->sampled = false;
	s->interval = interval;
	s->max = max;
}

bool sched_spin_check(struct sched_spin *s, const struct hal_vcpu_ctx *ctx, uint64_t exits,
		      bool on_time)
{
	bool el1 = at_el1(ctx);
	uint64_t d = ctx->pc > s->pc ? ctx->pc - s->pc : s->pc - ctx->pc;
	/* Only this check's own exit since the last sample, and the check came while the guest
	 * ran: it ran the whole interval but for the way back in from the last check. */
	bool spun = s->sampled && on_time && exits == s->exits + 1 && el1 && s->el1 &&
		    d < SCHED_SPIN_WINDOW;

	/* It did not spin: look less often, so that work that goes on pays a few checks per
	 * turn, while a spinner loses at most about the time its turn had already run. */
	if (s->sampled && !spun)
		s->interval = MIN(2 * s->interval, s->max);
	s->pc = ctx->pc;
	s->exits = exits;
	s->el1 = el1;
	s->sampled = true;
	return spun;
}

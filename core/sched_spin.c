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
	s->kept = 0;
	s->interval = interval;
	s->max = max;
}

/* Whether `pc` is in one window of code with one of the kept samples. */
static bool near_kept(const struct sched_spin *s, uint64_t pc)
{
	for (unsigned i = 0; i < s->kept; i++) {
		uint64_t d = pc > s->pc[i] ? pc - s->pc[i] : s->pc[i] - pc;

		if (d < SCHED_SPIN_WINDOW)
			return true;
	}
	return false;
}

bool sched_spin_check(struct sched_spin *s, const struct hal_vcpu_ctx *ctx, uint64_t exits,
		      bool on_time)
{
	bool el1 = at_el1(ctx);
	/* Only this check's own exit since the last sample, and the check came while the guest
	 * ran: it ran the whole interval but for the way back in from the last check. Else
	 * the samples kept say nothing of what it does now. */
	bool unseen = s->sampled && on_time && exits == s->exits + 1 && el1;
	bool spun = unseen && near_kept(s, ctx->pc);

	/* It did not spin: look less often, so that work that goes on pays a few checks per
	 * turn, while a spinner loses at most about the time its turn had already run. */
	if (s->sampled && !spun)
		s->interval = MIN(2 * s->interval, s->max);
	if (!unseen)
		s->kept = 0;
	/* The newest sample replaces the oldest: a loop over two far pieces of code (a wait
	 * loop and the function it calls) is found at its third check whatever the phase at
	 * which the checks fall in it. */
	if (el1) {
		if (s->kept < SCHED_SPIN_SAMPLES)
			s->kept++;
		for (unsigned i = s->kept - 1; i > 0; i--)
			s->pc[i] = s->pc[i - 1];
		s->pc[0] = ctx->pc;
	}
	s->exits = exits;
	s->sampled = true;
	return spun;
}

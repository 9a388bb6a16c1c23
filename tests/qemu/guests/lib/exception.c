// SPDX-License-Identifier: MIT
/* Exceptions at EL1: IRQs and FIQs go to the interrupt dispatcher (irq.c); synchronous ones
 * (from EL1, or from EL0 under el0_call()) are recorded and resumed where the test said.
 * Anything unexpected is a failed check, so a broken hypervisor shows up in the TAP output
 * instead of as a hang. */
#include "exception.h"

#include <stdbool.h>

#include "check.h"
#include "el0.h"
#include "entry.h"
#include "irq.h"
#include "printf.h"
#include "sysreg.h"

#define EXC_KIND_SYNC_SPX   4  /* vectors.S: current EL with SP_EL1, synchronous */
#define EXC_KIND_IRQ_SPX    5  /* ... IRQ */
#define EXC_KIND_FIQ_SPX    6  /* ... FIQ */
#define EXC_KIND_SYNC_EL0   8  /* lower EL (EL0) AArch64, synchronous */
#define EXC_KIND_IRQ_EL0    9  /* ... IRQ */
#define EXC_KIND_FIQ_EL0    10 /* ... FIQ */
#define MAX_UNEXPECTED_SYNC 16 /* then the guest gives up rather than loop through garbage */

volatile struct exc_record exc_seen;

static bool expecting;
static uint64_t resume_at;
static uint64_t resume_spsr_bits;
static unsigned int unexpected;

static const char *const kind_names[] = {"sync", "IRQ", "FIQ", "SError"};
static const char *const source_names[] = {"EL1t", "EL1h", "lower EL AArch64", "lower EL AArch32"};

void exc_expect(uint64_t resume)
{
	exc_seen.esr = 0;
	exc_seen.elr = 0;
	exc_seen.far = 0;
	exc_seen.count = 0;
	resume_at = resume;
	resume_spsr_bits = 0;
	expecting = true;
}

void exc_expect_setting(uint64_t resume, uint64_t spsr_bits)
{
	exc_expect(resume);
	resume_spsr_bits = spsr_bits;
}

void exc_expect_none(void)
{
	expecting = false;
}

static uint64_t default_resume(const struct exc_frame *frame)
{
	uint64_t elr = frame->elr;

	if (elr >= (uint64_t)_start && elr < (uint64_t)_etext)
		return elr + 4;
	return frame->x[30];
}

void exc_handle(struct exc_frame *frame, unsigned int kind)
{
	if (kind == EXC_KIND_IRQ_SPX || kind == EXC_KIND_FIQ_SPX || kind == EXC_KIND_IRQ_EL0 ||
	    kind == EXC_KIND_FIQ_EL0) {
		irq_handle(kind == EXC_KIND_FIQ_SPX || kind == EXC_KIND_FIQ_EL0);
		return;
	}

	uint64_t esr = read_sysreg(esr_el1);
	uint64_t far = read_sysreg(far_el1);

	if (kind == EXC_KIND_SYNC_EL0)
		el0_exit_if_svc(esr, frame->x[0]); /* returns unless it ends an el0_call() */
	if (kind != EXC_KIND_SYNC_SPX && kind != EXC_KIND_SYNC_EL0) {
		check(false, "unexpected %s exception from %s: ESR 0x%lx ELR 0x%lx FAR 0x%lx",
		      kind_names[kind % 4], source_names[kind / 4], esr, frame->elr, far);
		guest_finish();
	}
	if (expecting) {
		exc_seen.esr = esr;
		exc_seen.elr = frame->elr;
		exc_seen.far = far;
		exc_seen.count++;
		if (kind == EXC_KIND_SYNC_EL0)
			el0_stop_if_asked();
		frame->elr = resume_at ? resume_at : default_resume(frame);
		frame->spsr |= resume_spsr_bits;
		return;
	}
	check(false, "unexpected synchronous exception: EC 0x%lx ESR 0x%lx ELR 0x%lx FAR 0x%lx",
	      ESR_EC(esr), esr, frame->elr, far);
	if (++unexpected >= MAX_UNEXPECTED_SYNC) {
		printf("# giving up after %u unexpected exceptions\n", unexpected);
		guest_finish();
	}
	frame->elr = default_resume(frame);
}

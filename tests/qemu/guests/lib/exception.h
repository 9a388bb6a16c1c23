/* SPDX-License-Identifier: MIT */
#ifndef GUEST_EXCEPTION_H
#define GUEST_EXCEPTION_H

#include <stdint.h>

/* The registers saved by vectors.S; its offsets follow this layout. */
struct exc_frame {
	uint64_t x[31];
	uint64_t elr;
	uint64_t spsr;
	uint64_t pad;
};

/* What the guest received, recorded for expected synchronous exceptions only. */
struct exc_record {
	uint64_t esr;
	uint64_t elr;
	uint64_t far;
	unsigned int count; /* synchronous exceptions since exc_expect() */
};

extern volatile struct exc_record exc_seen;

/* Where an expected exception resumes: EXC_RESUME_DEFAULT skips the faulting instruction
 * (ELR + 4) when it lies in the image, and otherwise returns to the link register (a branch
 * with link to an address that cannot be fetched: the "call" returns at once). */
#define EXC_RESUME_DEFAULT 0

/* Expect synchronous exceptions from now on: clear exc_seen, record each one there and resume
 * at `resume` (or as EXC_RESUME_DEFAULT says). */
void exc_expect(uint64_t resume);

/* exc_expect(), and each expected exception returns with these PSTATE bits set as well (e.g.
 * D, for a software step exception: with MDSCR_EL1.SS still set, returning with D clear would
 * step again at once). */
void exc_expect_setting(uint64_t resume, uint64_t spsr_bits);

/* Stop expecting: any later exception is reported as a failed check and resumed by the
 * default rule; after too many of them, or on any non-synchronous one, the guest finishes. */
void exc_expect_none(void);

/* Called by vectors.S. */
void exc_handle(struct exc_frame *frame, unsigned int kind);

/* An instruction with its address, for tests that need ELR to point at it: returns the
 * address of `insn`, run once with x0 as scratch. `after` is set to 1 by the instruction
 * that follows, so a test can see that execution resumed right after `insn`. */
#define PROBE_INSN(insn, after)                                                     \
	({                                                                          \
		uint64_t at_;                                                       \
		asm volatile("mov %1, #0\n\tadr %0, 1f\n1:\t" insn "\n\tmov %1, #1" \
			     : "=&r"(at_), "=&r"(after)                             \
			     :                                                      \
			     : "x0", "memory");                                     \
		at_;                                                                \
	})

#endif

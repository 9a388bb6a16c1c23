/* SPDX-License-Identifier: MIT */
#ifndef FUZZ_FUZZ_CHECK_H
#define FUZZ_FUZZ_CHECK_H

/* An invariant of a harness: a violation is a crash libFuzzer reports with its input. (The
 * hypervisor's own CHECK(), core/include/core/check.h, stops a pCPU; the harnesses include it.) */
#define FUZZ_CHECK(cond)                  \
	do {                              \
		if (!(cond))              \
			__builtin_trap(); \
	} while (0)

#endif

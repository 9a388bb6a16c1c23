/* SPDX-License-Identifier: MIT */
#ifndef FUZZ_FUZZ_CHECK_H
#define FUZZ_FUZZ_CHECK_H

/* An invariant of a harness: a violation is a crash libFuzzer reports with its input. */
#define CHECK(cond)                       \
	do {                              \
		if (!(cond))              \
			__builtin_trap(); \
	} while (0)

#endif

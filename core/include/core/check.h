/* SPDX-License-Identifier: MIT */
#ifndef CORE_CHECK_H
#define CORE_CHECK_H

/* Hypervisor invariants. CHECK(cond) states something that holds unless the hypervisor itself is
 * broken (a list-register index beyond the hardware's, a page-table level out of range, a lock
 * released that was never taken). When it does not hold, going on would corrupt state, so the
 * failure is logged with file, line and condition and the pCPU stops (hal_cpu_halt(); on the
 * host that ends the test as a failure).
 *
 * Never for conditions a guest, a disk image or a configuration can cause: those get an
 * architectural answer or a boot error (docs/guest-abi.md). */
#define CHECK(cond)                                              \
	do {                                                     \
		if (__builtin_expect(!(cond), 0))                \
			check_failed(__FILE__, __LINE__, #cond); \
	} while (0)

_Noreturn void check_failed(const char *file, int line, const char *cond);

#endif

/* SPDX-License-Identifier: MIT */
#ifndef GUEST_CHECK_H
#define GUEST_CHECK_H

#include <stdbool.h>
#include <stdint.h>

/* TAP-like reporting: each check prints "ok N - description" or "not ok N - description";
 * guest_finish() prints the summary line the QEMU cases look for and ends the run. */

/* Report `ok` under a printf-style description; returns `ok`. */
__attribute__((format(printf, 2, 3))) bool check(bool ok, const char *fmt, ...);

/* Check got == want; on a failure also print both values. */
#define check_eq(got, want, ...) check_eq_u64((uint64_t)(got), (uint64_t)(want), __VA_ARGS__)
__attribute__((format(printf, 3, 4))) bool check_eq_u64(uint64_t got, uint64_t want,
							const char *fmt, ...);

/* A check that does not apply here: counted as passed, marked "# SKIP why", so that a guest
 * always reports the same number of checks. */
__attribute__((format(printf, 2, 3))) void check_skip(const char *why, const char *fmt, ...);

/* Print "guest: <name>: <p> passed, <f> failed", then end the run: HV_CALL_EXIT with status
 * f ? 1 : 0, then PSCI SYSTEM_OFF should the hypervisor not know HV_CALL_EXIT, then WFI. */
_Noreturn void guest_finish(void);

/* End the run with `status` the same way, without a summary. */
_Noreturn void guest_exit(unsigned int status);

#endif

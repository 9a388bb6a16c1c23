/* SPDX-License-Identifier: MIT */
#ifndef GUEST_EL0_H
#define GUEST_EL0_H

#include <stdint.h>

/* Running a function at EL0 (AArch64, EL0t, on its own stack, stage-1 MMU off as at EL1): the
 * EL1 vectors' lower-EL synchronous entry goes to exc_handle() like the EL1 one, so a test's
 * exc_expect() sees ESR_EL1/ELR_EL1 of exceptions from EL0 too. The function's return is an
 * `svc #EL0_SVC_EXIT`, which ends the run. */

#define EL0_SVC_EXIT 0 /* the SVC immediate that returns to el0_call()'s caller */

/* el0_call() flags. */
#define EL0_STEP	      (1U << 0) /* ERET with SPSR_EL1.SS set: with MDSCR_EL1.SS, one step */
#define EL0_STOP_AT_EXCEPTION (1U << 1) /* the first expected exception from EL0 ends the run */

/* What el0_call() returns when an exception ended the run (EL0_STOP_AT_EXCEPTION). */
#define EL0_STOPPED UINT64_MAX

/* Runs fn(arg) at EL0 with the caller's PSTATE.{A,I,F} and returns its result, or EL0_STOPPED.
 * Not reentrant: one EL0 run at a time, from EL1h. */
uint64_t el0_call(uint64_t (*fn)(uint64_t), uint64_t arg, unsigned int flags);

/* For exc_handle(), on a synchronous exception from EL0 while el0_call() runs: the exit SVC
 * (x0 = EL0's x0, the result) returns from el0_call(); anything else returns here. */
void el0_exit_if_svc(uint64_t esr, uint64_t x0);

/* For exc_handle(), after recording an expected exception from EL0: with
 * EL0_STOP_AT_EXCEPTION, el0_call() returns EL0_STOPPED; otherwise returns here. */
void el0_stop_if_asked(void);

/* Assembly (el0_entry.S): enter EL0 at `pc` with x0 = arg, SPSR `spsr`, SP_EL0 `sp`, and
 * return here with the value given to el0_leave(). */
uint64_t el0_enter(uint64_t pc, uint64_t arg, uint64_t spsr, uint64_t sp);
__attribute__((noreturn)) void el0_leave(uint64_t value);

#endif

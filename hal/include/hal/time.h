/* SPDX-License-Identifier: MIT */
#ifndef HAL_TIME_H
#define HAL_TIME_H

#include <stdint.h>

/* The system counter (CNTPCT_EL0) and its frequency in Hz (CNTFRQ_EL0). */
uint64_t hal_counter_now(void);
uint64_t hal_counter_freq(void);

/* The calling pCPU's EL1 physical timer (CNTP_*_EL0), which the hypervisor lends to the loaded
 * vCPU's emulated physical timer (core/ptimer.c): arm it to raise its PPI once the system
 * counter reaches `deadline`, or stop it (its output, a level, drops at once). */
void hal_guest_ptimer_arm(uint64_t deadline);
void hal_guest_ptimer_cancel(void);

#endif

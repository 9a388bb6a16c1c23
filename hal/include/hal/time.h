/* SPDX-License-Identifier: MIT */
#ifndef HAL_TIME_H
#define HAL_TIME_H

#include <stdint.h>

/* The system counter (CNTPCT_EL0) and its frequency in Hz (CNTFRQ_EL0). */
uint64_t hal_counter_now(void);
uint64_t hal_counter_freq(void);

#endif

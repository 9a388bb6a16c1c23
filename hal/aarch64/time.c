// SPDX-License-Identifier: MIT
#include <hal/time.h>

#include "sysreg.h"

uint64_t hal_counter_now(void)
{
	/* The ISB keeps the read from being hoisted above earlier instructions. */
	isb();
	return read_sysreg(cntpct_el0);
}

uint64_t hal_counter_freq(void)
{
	return read_sysreg(cntfrq_el0);
}

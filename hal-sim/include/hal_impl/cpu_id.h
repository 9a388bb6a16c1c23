/* SPDX-License-Identifier: MIT */
#ifndef HAL_IMPL_CPU_ID_H
#define HAL_IMPL_CPU_ID_H

/* hal_cpu_id() in the simulation: the pCPU the calling host thread plays (hal-sim/hal_sim.c). */
unsigned sim_hal_cpu_id(void);

static inline unsigned hal_cpu_id(void)
{
	return sim_hal_cpu_id();
}

#endif

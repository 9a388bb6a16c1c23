// SPDX-License-Identifier: MIT
/* CPU identity and low-level control on the real CPU. */
#include <hal/cpu.h>
#include <hal/gicv3_regs.h> /* MPIDR_AFF_MASK: the affinity fields GICv3 routes by */

#include "sysreg.h"

uint64_t hal_cpu_mpidr(void)
{
	return read_sysreg(mpidr_el1) & MPIDR_AFF_MASK;
}

unsigned hal_current_el(void)
{
	return (unsigned)(read_sysreg(CurrentEL) >> CURRENTEL_EL_SHIFT) & 3;
}

void hal_cpu_relax(void)
{
	__asm__ volatile("yield" : : : "memory");
}

void hal_wait_for_interrupt(void)
{
	dsb(sy);
	__asm__ volatile("wfi" : : : "memory");
}

void hal_memory_barrier(void)
{
	dsb(ish);
}

_Noreturn void hal_cpu_halt(void)
{
	__asm__ volatile("msr daifset, #0xf" : : : "memory");
	for (;;)
		__asm__ volatile("wfi");
}

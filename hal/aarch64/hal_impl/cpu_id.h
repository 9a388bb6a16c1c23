/* SPDX-License-Identifier: MIT */
#ifndef HAL_IMPL_CPU_ID_H
#define HAL_IMPL_CPU_ID_H

/* hal_cpu_id() on the real CPU, inline: every spinlock and every exit asks it, and a call cost
 * more than the one MRS (docs/trap-path.md). TPIDR_EL2 holds the pCPU index from
 * target/head.S on and never changes on a pCPU, so the compiler may reuse a value it read. */
static inline unsigned hal_cpu_id(void)
{
	unsigned long id;

	__asm__("mrs %0, tpidr_el2" : "=r"(id));
	return (unsigned)id;
}

#endif

/* SPDX-License-Identifier: MIT */
#ifndef HAL_CPU_H
#define HAL_CPU_H

#include <stdbool.h>
#include <stdint.h>

/* Most physical CPUs the hypervisor drives; hal_cpu_id() is below this. */
#define HAL_MAX_CPUS 64

/* Index of the calling physical CPU (0 = the boot CPU), as given when it was started:
 * `unsigned hal_cpu_id(void)`, inline from each HAL's own hal_impl/cpu_id.h (the include path
 * picks the HAL). */
#include <hal_impl/cpu_id.h>

/* Affinity fields of the calling CPU's MPIDR_EL1 (Aff3..Aff0), as in the DTB's cpu reg. */
uint64_t hal_cpu_mpidr(void);

/* The CPU's own value of the ID register op0=3, op1=0, CRn=0, CRm=`crm` (1..7), op2=`op2`
 * (the ID_AA64* / ID_* space that HCR_EL2.TID3 traps). */
uint64_t hal_cpu_id_reg(unsigned crm, unsigned op2);

/* The exception level the hypervisor runs at (2 when booted correctly). */
unsigned hal_current_el(void);

/* Hint that the caller is spinning on shared memory (YIELD on AArch64). */
void hal_cpu_relax(void);

/* Sleep until an interrupt or event may have arrived; callers re-check their condition. */
void hal_wait_for_interrupt(void);

/* Stop the calling CPU for good, with interrupts masked. Used after an unrecoverable error. */
_Noreturn void hal_cpu_halt(void);

/* Make all earlier memory writes of this CPU visible to the others before a later flag write. */
void hal_memory_barrier(void);

#endif

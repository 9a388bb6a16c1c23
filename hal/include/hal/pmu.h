/* SPDX-License-Identifier: MIT */
#ifndef HAL_PMU_H
#define HAL_PMU_H

#include <stdint.h>

/* The calling pCPU's performance monitors (PMUv3, Arm ARM D13), which the hypervisor lends to
 * the loaded vCPU's virtual PMU (core/vpmu.c) and never uses itself. MDCR_EL2.HPMN gives every
 * event counter to EL1, and MDCR_EL2.TPM/TPMCR make every guest access trap, so only the
 * hypervisor touches these registers. Counter `n` is event counter n, or the cycle counter
 * for HAL_PMU_CYCLE. */

#define HAL_PMU_CYCLE	   31
#define HAL_PMU_MAX_EVENTS 31 /* PMCR_EL0.N is at most 31 */

enum hal_pmu_reg {
	HAL_PMCR,	/* PMCR_EL0 */
	HAL_PMCNTENSET, /* PMCNTENSET_EL0 / PMCNTENCLR_EL0: the enable mask (read: set bits) */
	HAL_PMCNTENCLR,
	HAL_PMINTENSET, /* PMINTENSET_EL1 / PMINTENCLR_EL1: the overflow interrupt mask */
	HAL_PMINTENCLR,
	HAL_PMOVSSET, /* PMOVSSET_EL0 / PMOVSCLR_EL0: the overflow flags */
	HAL_PMOVSCLR,
	HAL_PMUSERENR, /* PMUSERENR_EL0: what EL0 may do before EL1 is asked */
	HAL_PMCEID0,   /* PMCEID0_EL0 / PMCEID1_EL0, read-only: the common events implemented */
	HAL_PMCEID1,
};

/* The PMU version (ID_AA64DFR0_EL1.PMUVer: 0 none, 1 PMUv3, 4 PMUv3p1, ..., 0xf IMPDEF) and
 * PMCR_EL0.N, the number of event counters. */
unsigned hal_pmu_version(void);
unsigned hal_pmu_counters(void);

uint64_t hal_pmu_read(enum hal_pmu_reg reg);
void hal_pmu_write(enum hal_pmu_reg reg, uint64_t val);
/* Counter n's count and its event type / filter (PMEVTYPER<n>_EL0, or PMCCFILTR_EL0). */
uint64_t hal_pmu_counter_read(unsigned n);
void hal_pmu_counter_write(unsigned n, uint64_t val);
uint64_t hal_pmu_type_read(unsigned n);
void hal_pmu_type_write(unsigned n, uint64_t val);

#endif

// SPDX-License-Identifier: MIT
/* The pCPU's PMUv3 registers for core/vpmu.c (hal/include/hal/pmu.h). Event counters are
 * reached through PMSELR_EL0 and PMXEVCNTR/PMXEVTYPER_EL0 (Arm ARM D13.4), since an MRS/MSR
 * names its register in the instruction; PMSELR_EL0 itself is never the guest's (its
 * accesses trap and are emulated), so it is free to use here. */
#include <hal/pmu.h>

#include "sysreg.h"

#define ID_AA64DFR0_PMUVER_SHIFT 8
#define PMCR_EL0_N_SHIFT	 11
#define PMCR_EL0_N_MASK		 0x1fULL

unsigned hal_pmu_version(void)
{
	return (unsigned)(read_sysreg(id_aa64dfr0_el1) >> ID_AA64DFR0_PMUVER_SHIFT) & 0xf;
}

unsigned hal_pmu_counters(void)
{
	return (unsigned)((read_sysreg(pmcr_el0) >> PMCR_EL0_N_SHIFT) & PMCR_EL0_N_MASK);
}

uint64_t hal_pmu_read(enum hal_pmu_reg reg)
{
	switch (reg) {
	case HAL_PMCR:
		return read_sysreg(pmcr_el0);
	case HAL_PMCNTENSET:
	case HAL_PMCNTENCLR:
		return read_sysreg(pmcntenset_el0);
	case HAL_PMINTENSET:
	case HAL_PMINTENCLR:
		return read_sysreg(pmintenset_el1);
	case HAL_PMOVSSET:
	case HAL_PMOVSCLR:
		return read_sysreg(pmovsset_el0);
	case HAL_PMUSERENR:
		return read_sysreg(pmuserenr_el0);
	case HAL_PMCEID0:
		return read_sysreg(pmceid0_el0);
	case HAL_PMCEID1:
		return read_sysreg(pmceid1_el0);
	default:
		return 0;
	}
}

void hal_pmu_write(enum hal_pmu_reg reg, uint64_t val)
{
	switch (reg) {
	case HAL_PMCR:
		write_sysreg(pmcr_el0, val);
		break;
	case HAL_PMCNTENSET:
		write_sysreg(pmcntenset_el0, val);
		break;
	case HAL_PMCNTENCLR:
		write_sysreg(pmcntenclr_el0, val);
		break;
	case HAL_PMINTENSET:
		write_sysreg(pmintenset_el1, val);
		break;
	case HAL_PMINTENCLR:
		write_sysreg(pmintenclr_el1, val);
		break;
	case HAL_PMOVSSET:
		write_sysreg(pmovsset_el0, val);
		break;
	case HAL_PMOVSCLR:
		write_sysreg(pmovsclr_el0, val);
		break;
	case HAL_PMUSERENR:
		write_sysreg(pmuserenr_el0, val);
		break;
	default:
		return;
	}
	isb();
}

uint64_t hal_pmu_counter_read(unsigned n)
{
	if (n == HAL_PMU_CYCLE)
		return read_sysreg(pmccntr_el0);
	write_sysreg(pmselr_el0, n);
	isb();
	return read_sysreg(pmxevcntr_el0);
}

void hal_pmu_counter_write(unsigned n, uint64_t val)
{
	if (n == HAL_PMU_CYCLE) {
		write_sysreg(pmccntr_el0, val);
	} else {
		write_sysreg(pmselr_el0, n);
		isb();
		write_sysreg(pmxevcntr_el0, val);
	}
	isb();
}

uint64_t hal_pmu_type_read(unsigned n)
{
	if (n == HAL_PMU_CYCLE)
		return read_sysreg(pmccfiltr_el0);
	write_sysreg(pmselr_el0, n);
	isb();
	return read_sysreg(pmxevtyper_el0);
}

void hal_pmu_type_write(unsigned n, uint64_t val)
{
	if (n == HAL_PMU_CYCLE) {
		write_sysreg(pmccfiltr_el0, val);
	} else {
		write_sysreg(pmselr_el0, n);
		isb();
		write_sysreg(pmxevtyper_el0, val);
	}
	isb();
}

// SPDX-License-Identifier: MIT
/* The pCPU's PMU as registers (hal/pmu.h): the set/clear pairs share one mask, as on hardware;
 * nothing counts by itself, tests move the counts. */
#include <hal-sim/sim_hal.h>
#include <hal/pmu.h>

/* PMCR_EL0: N at [15:11]; C and P reset counters and read as 0. */
#define PMCR_N_SHIFT 11
#define PMCR_C	     (1ULL << 2)
#define PMCR_P	     (1ULL << 1)
#define PMCR_IMP     (0xffffULL << 16) /* IMP and IDCODE: read-only */

/* As the CPU says: ID_AA64DFR0_EL1.PMUVer (bits [11:8]) of the simulated ID registers. */
unsigned hal_pmu_version(void)
{
	return (unsigned)(sim_hal.id_regs[5][0] >> 8) & 0xf;
}

unsigned hal_pmu_counters(void)
{
	return sim_hal.pmu.counters;
}

uint64_t hal_pmu_read(enum hal_pmu_reg reg)
{
	struct sim_pmu *p = &sim_hal.pmu;

	switch (reg) {
	case HAL_PMCR:
		return p->pmcr | (uint64_t)p->counters << PMCR_N_SHIFT;
	case HAL_PMCNTENSET:
	case HAL_PMCNTENCLR:
		return p->cnten;
	case HAL_PMINTENSET:
	case HAL_PMINTENCLR:
		return p->inten;
	case HAL_PMOVSSET:
	case HAL_PMOVSCLR:
		return p->ovs;
	case HAL_PMUSERENR:
		return p->userenr;
	case HAL_PMCEID0:
		return p->ceid0;
	case HAL_PMCEID1:
		return p->ceid1;
	default:
		return 0;
	}
}

void hal_pmu_write(enum hal_pmu_reg reg, uint64_t val)
{
	struct sim_pmu *p = &sim_hal.pmu;

	switch (reg) {
	case HAL_PMCR:
		if (val & PMCR_C)
			p->count[HAL_PMU_CYCLE] = 0;
		for (unsigned n = 0; (val & PMCR_P) && n < p->counters; n++)
			p->count[n] = 0;
		p->pmcr = (p->pmcr & PMCR_IMP) |
			  (val & ~(PMCR_C | PMCR_P | PMCR_IMP | 0x1fULL << PMCR_N_SHIFT));
		break;
	case HAL_PMCNTENSET:
		p->cnten |= val;
		break;
	case HAL_PMCNTENCLR:
		p->cnten &= ~val;
		break;
	case HAL_PMINTENSET:
		p->inten |= val;
		break;
	case HAL_PMINTENCLR:
		p->inten &= ~val;
		break;
	case HAL_PMOVSSET:
		p->ovs |= val;
		break;
	case HAL_PMOVSCLR:
		p->ovs &= ~val;
		break;
	case HAL_PMUSERENR:
		p->userenr = val;
		break;
	default:
		break;
	}
}

uint64_t hal_pmu_counter_read(unsigned n)
{
	return sim_hal.pmu.count[n & 31];
}

void hal_pmu_counter_write(unsigned n, uint64_t val)
{
	sim_hal.pmu.count[n & 31] = val;
}

uint64_t hal_pmu_type_read(unsigned n)
{
	return sim_hal.pmu.type[n & 31];
}

void hal_pmu_type_write(unsigned n, uint64_t val)
{
	sim_hal.pmu.type[n & 31] = val;
}

/* SPDX-License-Identifier: MIT */
#ifndef CORE_VPMU_H
#define CORE_VPMU_H

#include <stdbool.h>
#include <stdint.h>

struct vcpu;

/* A virtual PMUv3 per vCPU (docs/guest-abi.md, "Performance monitors"). The guest gets the
 * pCPU's own counters (the hypervisor uses none: MDCR_EL2.HPMN gives them all to EL1), but
 * every access traps (MDCR_EL2.TPM/TPMCR) and goes through vpmu_access(): the guest cannot
 * make a counter count at EL2 (PMEVTYPER/PMCCFILTR.NSH is RES0 for it), and what it set up
 * is switched at put and load, so counters count only while their vCPU runs. A vCPU pays for
 * that only once it has touched the PMU (`used`). The overflow interrupt reaches the guest as
 * PPI 23 (VGIC_PPI_PMU), a level that follows PMOVSSET & PMINTENSET; while it is high the
 * physical one is held off (PMINTENCLR) so EL2 is not stormed by the same overflow.
 *
 * The guest sees PMUv3p1 at most (ID_AA64DFR0_EL1.PMUVer): 32-bit event counters, no PMMIR,
 * no 64-bit event counters of PMUv3p5. */

#define VPMU_MAX_COUNTERS 32 /* 31 event counters + the cycle counter at index 31 */

struct vcpu_pmu {
	bool used;  /* the guest has accessed a PMU register since its reset */
	bool level; /* the overflow interrupt as the vGIC last saw it */
	/* What the guest set up; while the vCPU is loaded the hardware holds the same, and the
	 * counts and overflow flags live there. */
	uint64_t pmcr;			   /* E, D, DP, LC */
	uint64_t cnten, inten;		   /* PMCNTENSET / PMINTENSET */
	uint64_t ovs;			   /* PMOVSSET, while not loaded */
	uint64_t userenr;		   /* PMUSERENR_EL0 */
	uint64_t sel;			   /* PMSELR_EL0.SEL */
	uint64_t count[VPMU_MAX_COUNTERS]; /* while not loaded */
	uint64_t type[VPMU_MAX_COUNTERS];  /* PMEVTYPER<n>, PMCCFILTR at 31 */
};

/* ID_AA64DFR0_EL1.PMUVer as the guest sees it: 0 without a usable PMU. */
unsigned vpmu_version(void);

/* Whether `reg` lies in the PMU's register space (then vpmu_access() answers for it). */
bool vpmu_is_reg(uint32_t reg);

/* A trapped access by the loaded `vcpu` (for a write *val is the value; for a read the result
 * goes to *val). False: UNDEFINED (no PMU, a counter past PMCR_EL0.N, a read of a write-only
 * or a write of a read-only register, one of the registers PMUv3p1 does not have). */
bool vpmu_access(struct vcpu *vcpu, uint32_t reg, bool read, uint64_t *val);

/* Switch the PMU state of a vCPU that has used it: after hal_vcpu_load() / before
 * hal_vcpu_put(). */
void vpmu_load(struct vcpu *vcpu);
void vpmu_put(struct vcpu *vcpu);

/* The pCPU's PMU overflow PPI was taken at EL2 while `vcpu` was loaded here. */
void vpmu_fire(struct vcpu *vcpu);

/* A cold reset of the vCPU (creation, PSCI CPU_ON): PMU registers at their reset values, the
 * interrupt low. */
void vpmu_reset(struct vcpu *vcpu);

#endif

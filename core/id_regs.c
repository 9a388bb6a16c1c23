// SPDX-License-Identifier: MIT
/* The feature ID registers a guest reads (HCR_EL2.TID3 traps them): the CPU's own values with
 * the features the hypervisor does not give guests taken out, so a kernel never reaches for
 * them. Field positions: Arm ARM D19.2 (ID_AA64PFR0_EL1 and friends). */
#include <core/lib.h>
#include <core/sysreg.h>
#include <hal/cpu.h>

/* op0=3, op1=0, CRn=0: CRm/op2 of the registers we edit. */
#define ID_AA64PFR0  (4 * 8 + 0)
#define ID_AA64PFR1  (4 * 8 + 1)
#define ID_AA64PFR2  (4 * 8 + 2)
#define ID_AA64ZFR0  (4 * 8 + 4)
#define ID_AA64SMFR0 (4 * 8 + 5)
#define ID_AA64DFR0  (5 * 8 + 0)

/* SVE and SME trap (CPTR_EL2.TZ/TSM); MPAM, MTE, the PMU, SPE, trace and BRBE are not
 * virtualised. */
#define PFR0_HIDDEN (GENMASK(35, 32) /* SVE */ | GENMASK(43, 40) /* MPAM */)
#define PFR1_HIDDEN                                                                               \
	(GENMASK(11, 8) /* MTE */ | GENMASK(19, 16) /* MPAM_frac */ | GENMASK(27, 24) /* SME */ | \
	 GENMASK(43, 40) /* MTE_frac */ | GENMASK(55, 52) /* MTEX */)
#define PFR2_HIDDEN GENMASK(11, 0) /* MTEPERM, MTESTOREONLY, MTEFAR */
#define DFR0_HIDDEN                                                        \
	(GENMASK(35, 32) /* PMSVer */ | GENMASK(43, 40) /* TraceFilt */ |  \
	 GENMASK(47, 44) /* TraceBuffer */ | GENMASK(55, 52) /* BRBE */ |  \
	 GENMASK(7, 4) /* TraceVer */ | GENMASK(59, 56) /* ExtTrcBuff */ | \
	 GENMASK(11, 8) /* PMUVer: PMU accesses trap (MDCR_EL2.TPM) */)

uint64_t id_reg_guest_value(unsigned crm, unsigned op2)
{
	uint64_t val = hal_cpu_id_reg(crm, op2);

	switch (crm * 8 + op2) {
	case ID_AA64PFR0:
		return val & ~PFR0_HIDDEN;
	case ID_AA64PFR1:
		return val & ~PFR1_HIDDEN;
	case ID_AA64PFR2:
		return val & ~PFR2_HIDDEN;
	case ID_AA64ZFR0:
	case ID_AA64SMFR0:
		return 0;
	case ID_AA64DFR0:
		return val & ~DFR0_HIDDEN;
	default:
		return val;
	}
}

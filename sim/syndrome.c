// SPDX-License-Identifier: MIT
/* Exception syndromes as the hardware reports a guest's trap to EL2 (Arm ARM D17.2.37 ESR_EL2,
 * D17.2.75 HPFAR_EL2), for scripted guests and tests. Field macros come from core/, so a
 * syndrome built here is read back by the very definitions the trap path uses. */
#include <core/arch.h>
#include <core/mmio.h>
#include <sim/sim.h>

/* Stage-2 translation fault at level 3: what an access to an unmapped IPA gives. */
#define FSC_TRANS_L3 (ESR_ISS_FSC_TRANS | 3)

uint64_t sim_esr(unsigned ec, uint64_t iss)
{
	return (uint64_t)(ec & ESR_EC_MASK) << ESR_EC_SHIFT | ESR_IL | (iss & ESR_ISS_MASK);
}

uint64_t sim_esr_hvc(uint16_t imm)
{
	return sim_esr(ESR_EC_HVC64, imm);
}

uint64_t sim_esr_smc(uint16_t imm)
{
	return sim_esr(ESR_EC_SMC64, imm);
}

uint64_t sim_esr_wfx(bool wfe)
{
	/* CV=1 with COND=0b1110: an A64 instruction is unconditional. */
	return sim_esr(ESR_EC_WFX, 1ULL << 24 | 0xeULL << 20 | (wfe ? ESR_ISS_WFX_WFE : 0));
}

uint64_t sim_esr_sysreg(unsigned op0, unsigned op1, unsigned crn, unsigned crm, unsigned op2,
			unsigned rt, bool read)
{
	uint64_t iss = (uint64_t)(op0 & 3) << ESR_ISS_SYS_OP0_SHIFT |
		       (uint64_t)(op2 & 7) << ESR_ISS_SYS_OP2_SHIFT |
		       (uint64_t)(op1 & 7) << ESR_ISS_SYS_OP1_SHIFT |
		       (uint64_t)(crn & 15) << ESR_ISS_SYS_CRN_SHIFT |
		       (uint64_t)(rt & 31) << ESR_ISS_SYS_RT_SHIFT |
		       (uint64_t)(crm & 15) << ESR_ISS_SYS_CRM_SHIFT |
		       (read ? ESR_ISS_SYS_DIR_READ : 0);

	return sim_esr(ESR_EC_SYS64, iss);
}

uint64_t sim_esr_dabt(bool write)
{
	return sim_esr(ESR_EC_DABT_LOW, FSC_TRANS_L3 | (write ? ESR_ISS_DABT_WNR : 0));
}

uint64_t sim_esr_dabt_isv(unsigned size, bool write, unsigned rt, bool sf, bool sse)
{
	unsigned sas = size == 8 ? 3 : size == 4 ? 2 : size == 2 ? 1 : 0;

	return sim_esr_dabt(write) | ESR_ISS_DABT_ISV | (uint64_t)sas << ESR_ISS_DABT_SAS_SHIFT |
	       (uint64_t)(rt & ESR_ISS_DABT_SRT_MASK) << ESR_ISS_DABT_SRT_SHIFT |
	       (sf ? ESR_ISS_DABT_SF : 0) | (sse ? ESR_ISS_DABT_SSE : 0);
}

uint64_t sim_esr_iabt(void)
{
	return sim_esr(ESR_EC_IABT_LOW, FSC_TRANS_L3);
}

uint64_t sim_hpfar(uint64_t ipa)
{
	/* FIPA, bits [43:4], holds IPA[51:12]. */
	return (ipa >> HPFAR_FIPA_SHIFT) & HPFAR_FIPA_MASK;
}

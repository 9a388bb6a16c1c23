// SPDX-License-Identifier: MIT
/* The feature ID registers a guest reads (HCR_EL2.TID3 traps them): an ALLOWLIST. A field
 * shows the CPU's own value only when this file names it as virtualised (the guest's use of
 * the feature needs nothing from the hypervisor, or the hypervisor switches its state);
 * every other field, every reserved encoding and each feature added to the architecture
 * later reads as 0, "not implemented". A new CPU therefore never shows a guest a feature
 * whose state would leak between VMs or whose registers trap. Field positions: Arm ARM
 * D19.2 (ID_AA64PFR0_EL1 and friends); docs/guest-abi.md lists what guests see. */
#include <core/lib.h>
#include <core/sysreg.h>
#include <core/vpmu.h>
#include <core/vsve.h>
#include <hal/cpu.h>

/* The 4-bit ID field at bit `lsb`. */
#define F(lsb) GENMASK((lsb) + 3, (lsb))

struct id_reg_rule {
	uint8_t crm, op2;
	uint64_t pass;	 /* fields shown as the CPU has them */
	uint64_t fixed;	 /* fields given a value of our own ... */
	uint64_t fixval; /* ... this one */
};

/* ID_AA64PFR0_EL1.EL0/EL1 = 1: AArch64 only. AArch32 at EL0 is not offered (docs/guest-abi.md,
 * "AArch32"): its exceptions would need Thumb-aware PC advance and ITSTATE, and an A32 data
 * abort without syndrome cannot be decoded as A64. GIC = 1: the GICv3 system-register CPU
 * interface, which the vGIC provides (not GICv4.1's). */
#define PFR0_FIXED  (F(0) | F(4) | F(24))
#define PFR0_FIXVAL (1ULL << 0 | 1ULL << 4 | 1ULL << 24)
/* ID_AA64DFR0_EL1.DebugVer = 6: the Armv8.0 debug registers, which core/trap_debug.c keeps
 * per vCPU; later versions add registers it does not. */
#define DFR0_FIXED  F(0)
#define DFR0_FIXVAL 6ULL
/* ID_AA64DFR0_EL1.PMUVer: the virtual PMU's version (core/vpmu.c), never above PMUv3p1. */
#define DFR0_PMUVER_SHIFT 8
#define NO_FIXED	  0, 0

static const struct id_reg_rule rules[] = {
    /* ID_AA64PFR0_EL1: EL3, FP, AdvSIMD, SVE (switched per vCPU; hidden with hv.sve=off,
     * below), DIT, CSV2, CSV3. Hidden: EL2, RAS (HCR_EL2.TERR), SEL2, MPAM, AMU
     * (CPTR_EL2.TAM), RME. */
    {4, 0, F(12) | F(16) | F(20) | F(32) | F(48) | F(56) | F(60), PFR0_FIXED, PFR0_FIXVAL},
    /* ID_AA64PFR1_EL1: BT, SSBS, CSV2_frac (the guest's own PSTATE and page tables). Hidden:
     * MTE, RAS_frac, MPAM_frac, SME, RNDR_trap, NMI (the vGIC has no NMIs), GCS, THE, ... */
    {4, 1, F(0) | F(4) | F(32), NO_FIXED},
    /* ID_AA64ZFR0_EL1 (SVE's instructions; all 0 with SVE hidden): SVEver, AES, BitPerm,
     * BF16, SHA3, SM4, I8MM, F32MM, F64MM. */
    {4, 4, F(0) | F(4) | F(16) | F(20) | F(32) | F(40) | F(44) | F(52) | F(56), NO_FIXED},
    /* ID_AA64DFR0_EL1: BRPs, WRPs, CTX_CMPs (kept per vCPU), DoubleLock (0 = implemented:
     * OSDLR_EL1 is emulated); PMUVer is set below. Hidden: TraceVer, PMSS, SEBEP, PMSVer,
     * TraceFilt, TraceBuffer, MTPMU, BRBE, ExtTrcBuff, HPMN0. */
    {5, 0, F(12) | F(20) | F(28) | F(36), DFR0_FIXED, DFR0_FIXVAL},
    /* ID_AA64ISAR0_EL1: the instruction sets (AES, SHA1, SHA2, CRC32, Atomic, RDM, SHA3, SM3,
     * SM4, DP, FHM, TS, TLB, RNDR): nothing of theirs is the hypervisor's. Hidden: TME. */
    {6, 0,
     F(4) | F(8) | F(12) | F(16) | F(20) | F(28) | F(32) | F(36) | F(40) | F(44) | F(48) | F(52) |
	 F(56) | F(60),
     NO_FIXED},
    /* ID_AA64ISAR1_EL1: DPB, APA, API, JSCVT, FCMA, LRCPC, GPA, GPI (keys switched per vCPU),
     * FRINTTS, SB, SPECRES, BF16, DGH, I8MM. Hidden: XS (needs HCRX_EL2), LS64. */
    {6, 1,
     F(0) | F(4) | F(8) | F(12) | F(16) | F(20) | F(24) | F(28) | F(32) | F(36) | F(40) | F(44) |
	 F(48) | F(52),
     NO_FIXED},
    /* ID_AA64ISAR2_EL1: RPRES, GPA3, APA3, BC, PAC_frac, CLRBHB. Hidden: WFxT (WFIT/WFET
     * timeouts are not honoured), MOPS (HCRX_EL2.MSCEn is clear), SYSREG_128, ... */
    {6, 2, F(4) | F(8) | F(12) | F(20) | F(24) | F(28), NO_FIXED},
    /* ID_AA64MMFR0_EL1: PARange, ASIDBits, BigEnd, BigEndEL0, TGran16/64/4, ExS. Hidden:
     * SNSMem, the stage-2 granules, FGT, ECV (EL2 features). */
    {7, 0, F(0) | F(4) | F(8) | F(16) | F(20) | F(24) | F(28) | F(44), NO_FIXED},
    /* ID_AA64MMFR1_EL1: HAFDBS, HPDS, PAN, ETS, AFP, nTLBPA, ECBHB. Hidden: VMIDBits, VH,
     * LO (HCR_EL2.TLOR), SpecSEI, XNX, TWED, HCX, TIDCP1, CMOW. */
    {7, 1, F(0) | F(12) | F(20) | F(36) | F(44) | F(48) | F(60), NO_FIXED},
    /* ID_AA64MMFR2_EL1: CnP, UAO, LSM, IESB, VARange, CCIDX, ST, AT, IDS, TTL, BBM, E0PD.
     * Hidden: NV, FWB, EVT (EL2 features). */
    {7, 2,
     F(0) | F(4) | F(8) | F(12) | F(16) | F(20) | F(28) | F(32) | F(36) | F(48) | F(52) | F(60),
     NO_FIXED},
    /* Everything else reads 0: the AArch32 ID registers (no AArch32 anywhere), SMFR0 (SME), FPFR0, DFR1, the IMPLEMENTATION DEFINED AFR0/AFR1, ISAR3, MMFR3 (TCR2,
     * SCTLR2, S1PIE, S1POE, ... whose registers are not switched), MMFR4. */
};

/* With SVE hidden (hv.sve=off, or a CPU without it) its traps are UNDEFINED: ID_AA64PFR0_EL1.SVE
 * [35:32] and all of ID_AA64ZFR0_EL1 read 0. */
static uint64_t sve_view(unsigned crm, unsigned op2, uint64_t val)
{
	if (vsve_vl())
		return val;
	if (crm == 4 && op2 == 0)
		return val & ~F(32);
	return crm == 4 && op2 == 4 ? 0 : val;
}

uint64_t id_reg_guest_value(unsigned crm, unsigned op2)
{
	for (unsigned i = 0; i < ARRAY_SIZE(rules); i++) {
		const struct id_reg_rule *r = &rules[i];
		uint64_t val;

		if (r->crm != crm || r->op2 != op2)
			continue;
		val = (hal_cpu_id_reg(crm, op2) & r->pass) | (r->fixval & r->fixed);
		if (crm == 5 && op2 == 0)
			val |= (uint64_t)vpmu_version() << DFR0_PMUVER_SHIFT;
		return sve_view(crm, op2, val);
	}
	return 0;
}

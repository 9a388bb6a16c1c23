// SPDX-License-Identifier: MIT
/* Loading a vCPU onto this pCPU: the EL2 controls that shape the guest, and its EL1 state.
 * The register switch itself is hal/aarch64/world_switch.S. */
#include <hal/mmu.h>
#include <hal/vcpu.h>

#include "el1_regs.h"
#include "sysreg.h"
#include "vcpu_fp.h"
#include "vgic_hw.h"

/* HCR_EL2 for every guest (Arm ARM D17.2.48):
 *  VM       stage 2 on              SWIO  set/way invalidate becomes clean+invalidate
 *  FMO/IMO/AMO  physical FIQ/IRQ/SError to EL2, virtual ones to the guest
 *  FB, BSU=IS  broadcast TLB/cache maintenance to the inner shareable domain
 *  TWI      trap WFI                TSC   trap SMC (answered by core/smccc.c)
 *  TWE      trap WFE, only when ctx->trap_wfe (the scheduler wants spinners: directed yield)
 *  TID3     trap feature ID registers (guests see a sanitised view, core/id_regs.c)
 *  TIDCP    trap IMPLEMENTATION DEFINED registers   TACR  trap ACTLR_EL1
 *  TSW      trap set/way cache maintenance         RW    EL1 is AArch64
 *  TLOR     trap the LORegion registers   TERR  trap the RAS error records (both hidden
 *           from guests by core/id_regs.c, so a trapped access is UNDEFINED as on a CPU
 *           without them)
 *  APK/API  pointer authentication keys and instructions do not trap, set only for a vCPU
 *           that has used them (hal_vcpu_pauth_trap())
 *  FWB      (where the CPU has FEAT_S2FWB) stage 2 forces guest RAM write-back cacheable, so a
 *           guest with its MMU off still sees what the caches hold (hal_s2_forces_wb()) */
#define HCR_VM	   (1ULL << 0)
#define HCR_SWIO   (1ULL << 1)
#define HCR_FMO	   (1ULL << 3)
#define HCR_VSE	   (1ULL << 8) /* a virtual SError is pending (hal_vcpu_inject_vserror()) */
#define HCR_IMO	   (1ULL << 4)
#define HCR_AMO	   (1ULL << 5)
#define HCR_FB	   (1ULL << 9)
#define HCR_BSU_IS (1ULL << 10)
#define HCR_TWI	   (1ULL << 13)
#define HCR_TWE	   (1ULL << 14)
#define HCR_TID3   (1ULL << 18)
#define HCR_TSC	   (1ULL << 19)
#define HCR_TIDCP  (1ULL << 20)
#define HCR_TACR   (1ULL << 21)
#define HCR_TSW	   (1ULL << 22)
#define HCR_RW	   (1ULL << 31)
#define HCR_TLOR   (1ULL << 35)
#define HCR_TERR   (1ULL << 36)
#define HCR_APK	   (1ULL << 40)
#define HCR_API	   (1ULL << 41)
#define HCR_FWB	   (1ULL << 46)

#define HCR_GUEST                                                                          \
	(HCR_VM | HCR_SWIO | HCR_FMO | HCR_IMO | HCR_AMO | HCR_FB | HCR_BSU_IS | HCR_TWI | \
	 HCR_TID3 | HCR_TSC | HCR_TIDCP | HCR_TACR | HCR_TSW | HCR_RW | HCR_TLOR | HCR_TERR)

/* CPTR_EL2 (E2H=0): FP/SIMD is the guest's (the hypervisor never uses it: built with
 * -mgeneral-regs-only), handed over lazily on first use (TFP), and so is SVE (TZ), both in
 * hal/aarch64/vcpu_fp.c. SME (TSM) traps, so guests see it as UNDEFINED; so do the trace
 * registers (TTA) and, where the CPU has them, the activity monitors (TAM: their counts would
 * show other VMs' work). Bits 13, 9 and 7:0 are RES1. */
#define CPTR_EL2_RES1 0x22ffULL
#define CPTR_EL2_TSM  (1ULL << 12)
#define CPTR_EL2_TTA  (1ULL << 20)
#define CPTR_EL2_TAM  (1ULL << 30)

/* MDCR_EL2: debug register accesses trap (core/trap_debug.c keeps them per vCPU), and so do
 * the performance monitors (TPM, TPMCR): core/vpmu.c emulates every access on the pCPU's own
 * counters, which HPMN gives all to EL1 (the hypervisor uses none), and switches them per
 * vCPU. */
#define MDCR_EL2_TPMCR	 (1ULL << 5)
#define MDCR_EL2_TPM	 (1ULL << 6)
#define MDCR_EL2_TDA	 (1ULL << 9)
#define MDCR_EL2_TDOSA	 (1ULL << 10)
#define MDCR_EL2_TDRA	 (1ULL << 11)
#define MDCR_EL2_TPMS	 (1ULL << 14) /* statistical profiling (SPE) */
#define MDCR_EL2_TTRF	 (1ULL << 19) /* trace filter control (TRFCR_EL1) */
#define PMCR_EL0_N_SHIFT 11
#define PMCR_EL0_N_MASK	 0x1fULL

static uint64_t mdcr_guest(void)
{
	uint64_t hpmn = (read_sysreg(pmcr_el0) >> PMCR_EL0_N_SHIFT) & PMCR_EL0_N_MASK;

	return MDCR_EL2_TPMCR | MDCR_EL2_TPM | MDCR_EL2_TDA | MDCR_EL2_TDOSA | MDCR_EL2_TDRA |
	       MDCR_EL2_TPMS | MDCR_EL2_TTRF | hpmn;
}

_Static_assert(sizeof(((struct hal_vcpu_ctx *)0)->pauth_keys) == 10 * sizeof(uint64_t),
	       "one slot per key half");

/* ESR_EL2 of a trapped MSR/MRS (EC 0x18, Arm ARM D17.2.37): Op0 [21:20], Op2 [19:17], Op1
 * [16:14], CRn [13:10], CRm [4:1]. The keys are Op0 3, Op1 0, CRn 2, CRm 1-3. */
#define ESR_EC_SHIFT	  26
#define ESR_EC_MASK	  0x3fULL
#define ESR_EC_PAC	  0x09
#define ESR_EC_SYS64	  0x18
#define ESR_SYS_OP0_SHIFT 20
#define ESR_SYS_OP1_SHIFT 14
#define ESR_SYS_CRN_SHIFT 10
#define ESR_SYS_CRM_SHIFT 1

static bool esr_is_key_access(uint64_t esr)
{
	unsigned op0 = (esr >> ESR_SYS_OP0_SHIFT) & 3, op1 = (esr >> ESR_SYS_OP1_SHIFT) & 7;
	unsigned crn = (esr >> ESR_SYS_CRN_SHIFT) & 15, crm = (esr >> ESR_SYS_CRM_SHIFT) & 15;

	return op0 == 3 && op1 == 0 && crn == 2 && crm >= 1 && crm <= 3;
}

/* EL2 controls and vCPU state that exist only on some CPUs: what this one has (every CPU of
 * the machine is the same). ID_AA64PFR0_EL1.AMU [47:44] and RAS [31:28], ID_AA64MMFR0_EL1.FGT
 * [59:56], ID_AA64MMFR1_EL1.HCX [43:40], FEAT_S2FWB (hal_s2_forces_wb()); the pointer-
 * authentication keys: ID_AA64ISAR1_EL1 APA [7:4], API [11:8], GPA [27:24], GPI [31:28] or
 * ID_AA64ISAR2_EL1 (as S3_0_C0_C6_2) GPA3 [11:8], APA3 [15:12]. Read from here at every vCPU
 * switch: one load each, where a call per question showed in the switch's cost. */
static struct {
	bool known, amu, fgt, hcx, ras, fwb, pauth;
} el2_has;

/* HCR_EL2 and CPTR_EL2 bits every guest gets on this machine, from el2_has. */
static uint64_t hcr_guest, cptr_guest;

/* Filled by the first pCPU that starts (hal_vcpu_cpu_init()); `known` is stored last with
 * release and read with acquire, so a pCPU that sees it set sees the fields (pCPUs filling it
 * at once write the same values: every CPU of the machine is the same). */
static void el2_features(void)
{
	if (__atomic_load_n(&el2_has.known, __ATOMIC_ACQUIRE))
		return;
	el2_has.amu = (read_sysreg(id_aa64pfr0_el1) >> 44) & 0xf;
	el2_has.ras = (read_sysreg(id_aa64pfr0_el1) >> 28) & 0xf; /* VSESR_EL2 exists */
	el2_has.fgt = (read_sysreg(id_aa64mmfr0_el1) >> 56) & 0xf;
	el2_has.hcx = (read_sysreg(id_aa64mmfr1_el1) >> 40) & 0xf;
	el2_has.fwb = hal_s2_forces_wb();
	el2_has.pauth = (read_sysreg(id_aa64isar1_el1) & 0xff000ff0ULL) ||
			(read_sysreg(S3_0_C0_C6_2) & 0xff00ULL);
	hcr_guest = HCR_GUEST | (el2_has.fwb ? HCR_FWB : 0);
	cptr_guest = CPTR_EL2_RES1 | CPTR_EL2_TSM | CPTR_EL2_TTA | (el2_has.amu ? CPTR_EL2_TAM : 0);
	__atomic_store_n(&el2_has.known, true, __ATOMIC_RELEASE);
}

/* HCRX_EL2 and the fine-grained trap registers (FEAT_HCX, FEAT_FGT) are set for every guest,
 * never left as firmware or a previous owner set them. HCRX_EL2 = 0 keeps the features it
 * enables (MOPS, TCR2_EL1, SCTLR2_EL1, FEAT_XS's nXS forms, ...) UNDEFINED, as the ID
 * registers say. The fine-grained registers at 0 trap nothing through their positive bits,
 * and through their negative ("n") bits trap the registers of features newer than FEAT_FGT
 * (POR_EL1, TPIDR2_EL0, ACCDATA_EL1, ...): a trapped access is UNDEFINED. */
static void el2_optional_controls(void)
{
	if (el2_has.hcx)
		write_sysreg(S3_4_C1_C2_2, 0); /* HCRX_EL2 */
	if (el2_has.fgt) {
		write_sysreg(S3_4_C1_C1_4, 0); /* HFGRTR_EL2 */
		write_sysreg(S3_4_C1_C1_5, 0); /* HFGWTR_EL2 */
		write_sysreg(S3_4_C1_C1_6, 0); /* HFGITR_EL2 */
		write_sysreg(S3_4_C3_C1_4, 0); /* HDFGRTR_EL2 */
		write_sysreg(S3_4_C3_C1_5, 0); /* HDFGWTR_EL2 */
	}
}

/* CNTHCTL_EL2 (E2H=0): EL1PCTEN and EL1PCEN clear, so the guest's reads of the physical
 * counter and its physical timer registers trap: core/ptimer.c gives it a physical count
 * offset as its virtual one is, and a timer of its own on that count. */
#define CNTHCTL_GUEST 0ULL

/* The pointer-authentication keys move lazily, as the FP/SIMD registers do
 * (docs/trap-path.md): only for a vCPU that has used pointer authentication since its reset
 * (ctx->pauth_used). Until then HCR_EL2.APK and API are clear for it, so its first access to
 * a key register (EC 0x18) or its first PAC instruction that its SCTLR_EL1.EnIA/IB/DA/DB
 * enables, or PACGA (EC 0x09; a disabled one is a NOP and does not trap: the Arm ARM's AddPAC
 * and Auth pseudocode test the enable first), traps: hal_vcpu_pauth_trap() loads its keys
 * and sets both bits for it from then on. The keys another vCPU left in the hardware are out
 * of reach of a vCPU without them: reading them and using them both trap. A guest that never
 * enables pointer authentication (most bare-metal guests) never pays for the 20 key
 * transfers per switch. */

/* hal/aarch64/el1_regs.S: the EL1 registers and the keys, two context slots per LDP/STP. */
void el1_regs_load(const struct hal_vcpu_ctx *ctx);
void el1_regs_save(struct hal_vcpu_ctx *ctx);
void pauth_keys_load(const struct hal_vcpu_ctx *ctx);
void pauth_keys_save(struct hal_vcpu_ctx *ctx);

uint64_t hal_cpu_midr(void)
{
	return read_sysreg(midr_el1);
}

/* The EL2 controls that are the same for every guest and that nothing at EL2 changes while no
 * guest runs (MDCR_EL2, HCRX_EL2 and the fine-grained traps, CNTHCTL_EL2, VPIDR_EL2: the
 * hypervisor itself runs with HCR_EL2.TGE clear and none of them applies to EL2): set once
 * per pCPU, not at every vCPU switch. */
void hal_vcpu_cpu_init(void)
{
	el2_features();
	write_sysreg(vpidr_el2, read_sysreg(midr_el1));
	write_sysreg(mdcr_el2, mdcr_guest());
	el2_optional_controls();
	write_sysreg(cnthctl_el2, CNTHCTL_GUEST);
	isb();
}

/* HCR_EL2 while `ctx` runs. */
static inline uint64_t hcr_of(const struct hal_vcpu_ctx *ctx)
{
	return hcr_guest | (ctx->vserror_pending ? HCR_VSE : 0) | (ctx->trap_wfe ? HCR_TWE : 0) |
	       (ctx->pauth_used ? HCR_APK | HCR_API : 0);
}

/* What every load writes of the vCPU's own, beside stage 2, CNTVOFF and HCR_EL2. */
static inline void load_own(struct hal_vcpu_ctx *ctx)
{
	write_sysreg(vmpidr_el2, ctx->vmpidr | (1ULL << 31)); /* bit 31 is RES1 */
	write_sysreg(cptr_el2, cptr_guest | vcpu_fp_load(ctx));
	if (ctx->vserror_pending && el2_has.ras)
		write_sysreg(S3_4_C5_C2_3, ctx->vsesr); /* VSESR_EL2 */
	hal_vgic_load(&ctx->vgic);
	el1_regs_load(ctx);
	if (ctx->pauth_used)
		pauth_keys_load(ctx);
}

/* What every put saves; `hcr`: HCR_EL2 as the vCPU left it. */
static inline void save_own(struct hal_vcpu_ctx *ctx, uint64_t hcr)
{
	el1_regs_save(ctx);
	if (ctx->pauth_used)
		pauth_keys_save(ctx);
	hal_vgic_save(&ctx->vgic);
	vcpu_fp_put(ctx);
	/* The hardware clears VSE when the guest takes the virtual SError. */
	ctx->vserror_pending = (hcr & HCR_VSE) != 0;
}

void hal_vcpu_load(struct hal_vcpu_ctx *ctx)
{
	write_sysreg(vtcr_el2, ctx->vtcr);
	write_sysreg(vttbr_el2, ctx->vttbr);
	write_sysreg(hcr_el2, hcr_of(ctx));
	write_sysreg(cntvoff_el2, ctx->cntvoff);
	load_own(ctx);
	isb();
}

void hal_vcpu_flush_local_tlb(struct hal_vcpu_ctx *ctx)
{
	/* VTTBR_EL2 already holds this VM's VMID (hal_vcpu_load()). */
	dsb(nshst);
	__asm__ volatile("tlbi vmalle1" : : : "memory");
	__asm__ volatile("ic iallu" : : : "memory");
	dsb(nsh);
	isb();
}

void hal_vcpu_put(struct hal_vcpu_ctx *ctx)
{
	save_own(ctx, read_sysreg(hcr_el2));
	/* The guest's timer must not fire into whatever runs next. */
	write_sysreg(cntv_ctl_el0, 0);
	/* Stage 2 off until the next guest: a stale VTTBR must not be left pointing at a VM
	 * that may be destroyed. */
	write_sysreg(hcr_el2, HCR_RW);
	isb();
}

/* Nothing runs at EL1 between the two, so neither the state a put leaves for "no guest"
 * (stage 2 off, CNTV_CTL_EL0 0) nor, between two vCPUs of one VM, the stage 2, VMID and
 * virtual offset they share is written (docs/trap-path.md, "The vCPU switch"). The writes
 * are seen by the guest only after the ISB and the ERET, in whichever order they were made. */
void hal_vcpu_switch(struct hal_vcpu_ctx *from, struct hal_vcpu_ctx *to)
{
	uint64_t hcr = read_sysreg(hcr_el2), next;

	save_own(from, hcr);
	if (to->vttbr != from->vttbr || to->vtcr != from->vtcr) {
		write_sysreg(vtcr_el2, to->vtcr);
		write_sysreg(vttbr_el2, to->vttbr);
	}
	if (to->cntvoff != from->cntvoff)
		write_sysreg(cntvoff_el2, to->cntvoff);
	next = hcr_of(to);
	if (next != hcr)
		write_sysreg(hcr_el2, next);
	load_own(to);
	isb();
}

bool hal_vcpu_pauth_trap(struct hal_vcpu_ctx *ctx)
{
	unsigned ec = (unsigned)((ctx->esr >> ESR_EC_SHIFT) & ESR_EC_MASK);

	/* el2_has is known: this pCPU loaded the vCPU (hal_vcpu_load()). Once the vCPU has its
	 * keys nothing of pointer authentication traps, so a trap then is not the lazy switch's. */
	if (!el2_has.pauth || ctx->pauth_used)
		return false;
	if (ec != ESR_EC_PAC && !(ec == ESR_EC_SYS64 && esr_is_key_access(ctx->esr)))
		return false;
	ctx->pauth_used = true;
	pauth_keys_load(ctx);
	write_sysreg(hcr_el2, read_sysreg(hcr_el2) | HCR_APK | HCR_API);
	isb();
	return true;
}

void hal_vcpu_inject_vserror(struct hal_vcpu_ctx *ctx, uint64_t iss)
{
	el2_features();
	ctx->vserror_pending = 1;
	ctx->vsesr = iss & 0x1ffffffULL;
	if (el2_has.ras)
		write_sysreg(S3_4_C5_C2_3, ctx->vsesr); /* VSESR_EL2 */
	write_sysreg(hcr_el2, read_sysreg(hcr_el2) | HCR_VSE);
	isb();
}

/* While loaded, the hardware holds the truth. */
uint64_t hal_vcpu_el1_read(struct hal_vcpu_ctx *ctx, enum hal_el1_reg reg)
{
	switch (reg) {
#define READ(id, name) \
	case id:       \
		return read_sysreg(name);
		EL1_REGS(READ)
#undef READ
	default:
		return 0;
	}
}

void hal_vcpu_el1_write(struct hal_vcpu_ctx *ctx, enum hal_el1_reg reg, uint64_t val)
{
	switch (reg) {
#define WRITE(id, name)                  \
	case id:                         \
		write_sysreg(name, val); \
		break;
		EL1_REGS(WRITE)
#undef WRITE
	default:
		break;
	}
}

bool hal_vcpu_va_to_ipa(struct hal_vcpu_ctx *ctx, uint64_t va, uint64_t *ipa)
{
	uint64_t par;

	/* AT S1E1R walks the guest's own stage 1 (the EL1 regime is loaded) and gives the IPA;
	 * PAR_EL1 belongs to the guest, so keep its value. */
	uint64_t saved = read_sysreg(par_el1);

	__asm__ volatile("at s1e1r, %0" : : "r"(va) : "memory");
	isb();
	par = read_sysreg(par_el1);
	write_sysreg(par_el1, saved);
	if (par & PAR_EL1_F)
		return false;
	*ipa = (par & PAR_EL1_PA_MASK) | (va & 0xfff);
	return true;
}

/* SPDX-License-Identifier: MIT */
#ifndef HAL_VCPU_H
#define HAL_VCPU_H

#include <stdbool.h>
#include <stdint.h>

/* Running a guest vCPU on the calling pCPU.
 *
 * A vCPU is "loaded" on a pCPU between hal_vcpu_load() and hal_vcpu_put(): its EL1 system
 * registers then live in the hardware, so exits that stay on the same vCPU (hypercalls, MMIO)
 * never copy them. hal_vcpu_enter() only switches the general-purpose registers, PC and
 * PSTATE. While loaded, read and write EL1 registers with hal_vcpu_el1_read/_write(). */

/* EL1 (and EL0) system registers that belong to a vCPU. */
enum hal_el1_reg {
	HAL_SCTLR_EL1,
	HAL_TTBR0_EL1,
	HAL_TTBR1_EL1,
	HAL_TCR_EL1,
	HAL_MAIR_EL1,
	HAL_AMAIR_EL1,
	HAL_VBAR_EL1,
	HAL_CONTEXTIDR_EL1,
	HAL_TPIDR_EL0,
	HAL_TPIDRRO_EL0,
	HAL_TPIDR_EL1,
	HAL_ESR_EL1,
	HAL_FAR_EL1,
	HAL_AFSR0_EL1,
	HAL_AFSR1_EL1,
	HAL_PAR_EL1,
	HAL_SP_EL0,
	HAL_SP_EL1,
	HAL_ELR_EL1,
	HAL_SPSR_EL1,
	HAL_CPACR_EL1,
	HAL_CNTKCTL_EL1,
	HAL_CSSELR_EL1,
	HAL_CNTV_CTL_EL0,
	HAL_CNTV_CVAL_EL0,
	HAL_EL1_NR
};

/* The GICv3 virtual CPU interface state of a vCPU (ICH_*_EL2, GICv3 spec 12.4). While the
 * vCPU is loaded it lives in the hardware; use hal_vgic_*() below. */
#define HAL_VGIC_MAX_LRS 16
struct hal_vgic_regs {
	uint64_t lr[HAL_VGIC_MAX_LRS];
	uint64_t hcr;  /* ICH_HCR_EL2 */
	uint64_t vmcr; /* ICH_VMCR_EL2 */
	uint64_t ap0r[4], ap1r[4];
	/* Bit n: lr[n] holds state. Saved and loaded are only these; the others hold none. */
	uint64_t lr_live;
};

/* FP/SIMD registers of a vCPU, the truth while it is not loaded. Loaded lazily: only once
 * the vCPU uses them, and not at all when the pCPU's registers still hold these values
 * (hal_vcpu_fpsimd_trap()). 16-byte aligned for STP Q. */
struct hal_fpsimd {
	uint64_t v[64]; /* V0-V31, 128 bits each, little endian */
	uint64_t fpsr, fpcr;
	/* The pCPU (index + 1) whose registers held exactly these values when last loaded or
	 * saved there; 0: none. Zeroing the whole struct, as a reset does, forgets any copy. */
	uint64_t held_by;
} __attribute__((aligned(16)));

/* SVE state of a vCPU that has used SVE (hal_vcpu_sve_trap()): from then on its FP/SIMD state
 * lives here (V0-V31 are the low 128 bits of Z0-Z31), switched lazily as FP/SIMD is. Sized for
 * the largest vector length the hypervisor gives guests, HAL_SVE_MAX_VL bytes (512 bits); the
 * layout is fixed by hal/aarch64/sve.S. */
#define HAL_SVE_MAX_VL 64
struct hal_sve {
	uint64_t fpsr, fpcr, zcr_el1, pad;
	uint8_t z[32 * HAL_SVE_MAX_VL];	    /* Z0-Z31, one vector length apart */
	uint8_t p[17 * HAL_SVE_MAX_VL / 8]; /* P0-P15, then FFR, one VL/8 apart */
} __attribute__((aligned(16)));

/* The layout of the first fields is shared with the world-switch assembly (target/). */
struct hal_vcpu_ctx {
	uint64_t x[31];
	uint64_t pc;	 /* ELR_EL2 on entry and exit */
	uint64_t pstate; /* SPSR_EL2 on entry and exit */
	/* Syndrome of the last exit (ESR_EL2, FAR_EL2, HPFAR_EL2). */
	uint64_t esr, far, hpfar;
	/* EL1 registers while the vCPU is not loaded. */
	uint64_t el1[HAL_EL1_NR];
	/* Set by core before hal_vcpu_load(): stage 2 of the VM and the vCPU's identity. */
	uint64_t vttbr, vtcr;
	uint64_t vmpidr;  /* MPIDR the guest reads (affinity fields) */
	uint64_t cntvoff; /* CNTVOFF_EL2: the VM's virtual counter = physical - cntvoff */
	struct hal_vgic_regs vgic;
	struct hal_fpsimd fpsimd;
	uint64_t pauth_keys[10]; /* APIA, APIB, APDA, APDB, APGA key halves (if implemented) */
	/* A virtual SError pending for the guest (HCR_EL2.VSE) and its syndrome (VSESR_EL2),
	 * while the vCPU is not loaded: hal_vcpu_inject_vserror(). */
	uint64_t vserror_pending, vsesr;
	bool trap_wfe; /* WFE traps to EL2 (HCR_EL2.TWE), read at hal_vcpu_load() */
	bool fp_live;  /* loaded, and given its FP/SIMD registers: put saves them */
	/* It has used SVE since its reset: its FP/SIMD state is `*sve` (with `fpsimd.held_by`),
	 * and whenever it is given its registers SVE is enabled too. A reset clears it. */
	bool sve_used;
	/* It has used pointer authentication since its reset: its keys are switched with it
	 * and its PAC instructions and key accesses do not trap (hal_vcpu_pauth_trap()). A
	 * reset clears it. */
	bool pauth_used;
	/* Set by core before the vCPU first runs: where its SVE state is kept (NULL: it never
	 * gets SVE). Out of line, so the fields after the context stay where they were. */
	struct hal_sve *sve;
};

enum hal_exit_kind { HAL_EXIT_SYNC, HAL_EXIT_IRQ, HAL_EXIT_FIQ, HAL_EXIT_SERROR };

/* Once per pCPU when it starts, before its first hal_vcpu_load(): the EL2 controls that are
 * the same for every guest. */
void hal_vcpu_cpu_init(void);

void hal_vcpu_load(struct hal_vcpu_ctx *ctx);
void hal_vcpu_put(struct hal_vcpu_ctx *ctx);

/* hal_vcpu_put(from) then hal_vcpu_load(to), in one call and without the state in between
 * (stage 2 off, the virtual CPU interface and timer quiet): `from` is loaded on this pCPU,
 * `to` is loaded in its place. What the two contexts share is not written again: VTTBR_EL2
 * and VTCR_EL2 (two vCPUs of one VM: one stage 2 and VMID), CNTVOFF_EL2, and HCR_EL2 when its
 * bits come out the same. The TLB maintenance between two vCPUs of one VM is still the
 * caller's (hal_vcpu_flush_local_tlb()). */
void hal_vcpu_switch(struct hal_vcpu_ctx *from, struct hal_vcpu_ctx *to);

/* Forget this pCPU's stage-1 TLB entries and instruction cache contents of the loaded vCPU's
 * VMID (local, not broadcast). Needed when another vCPU of the same VM ran here last: the
 * guest keeps per-CPU TLB state (local TLBIs, lazily flushed ASIDs) that a shared physical
 * TLB would otherwise mix up between its vCPUs. */
void hal_vcpu_flush_local_tlb(struct hal_vcpu_ctx *ctx);

/* Run the loaded vCPU until it traps to EL2; the syndrome is in ctx->esr/far/hpfar. */
enum hal_exit_kind hal_vcpu_enter(struct hal_vcpu_ctx *ctx);

/* The loaded vCPU's first FP/SIMD instruction since its load trapped (ESR_EL2.EC 0x07): give
 * it its registers; it runs that instruction again at the next entry. False if it had them
 * already (a trap that cannot be the lazy switch's). */
bool hal_vcpu_fpsimd_trap(struct hal_vcpu_ctx *ctx);

/* The loaded vCPU's first use of pointer authentication trapped: a PAC instruction (ESR_EL2.EC
 * 0x09) or an access to a key register (EC 0x18; the syndrome is in ctx->esr). Give it its
 * keys; it runs the instruction again at the next entry. False if that exit is not such a
 * trap: the CPU has no pointer authentication, the vCPU had its keys already, or the trapped
 * register is not a key. */
bool hal_vcpu_pauth_trap(struct hal_vcpu_ctx *ctx);

/* SVE for guests. hal_sve_init(), once at boot: the vector length (bytes) every guest gets at
 * most, the largest the CPU implements up to `max_vl` (at most HAL_SVE_MAX_VL); 0 if the CPU
 * has no SVE. hal_vcpu_sve_trap(): the loaded vCPU's SVE instruction or ZCR_EL1 access trapped
 * (ESR_EL2.EC 0x19): give it its SVE state (the first time, made from its FP/SIMD registers,
 * the rest zero); it runs the instruction again. False if it had it already, or SVE is not
 * initialised. */
unsigned hal_sve_init(unsigned max_vl);
bool hal_vcpu_sve_trap(struct hal_vcpu_ctx *ctx);

uint64_t hal_vcpu_el1_read(struct hal_vcpu_ctx *ctx, enum hal_el1_reg reg);
void hal_vcpu_el1_write(struct hal_vcpu_ctx *ctx, enum hal_el1_reg reg, uint64_t val);

/* Translate a guest virtual address with the loaded vCPU's own stage 1 (for fetching the
 * instruction behind an exit): false if the guest's tables do not map it. With the guest's
 * MMU off the IPA is the VA. */
bool hal_vcpu_va_to_ipa(struct hal_vcpu_ctx *ctx, uint64_t va, uint64_t *ipa);

/* The virtual CPU interface of the loaded vCPU. List registers and ICH_HCR_EL2 are read and
 * written live; the status registers are read-only. Counts come from ICH_VTR_EL2. */
unsigned hal_vgic_nr_lrs(void);
unsigned hal_vgic_pri_bits(void);
/* ICH_VTR_EL2.TDS: ICH_HCR_EL2.TDIR can trap the guest's ICC_DIR_EL1 (core/vgic_lr.c needs it
 * for EOImode 1 guests that nest deeper than the list registers). */
bool hal_vgic_can_trap_dir(void);
uint64_t hal_vgic_lr_read(struct hal_vcpu_ctx *ctx, unsigned n);
void hal_vgic_lr_write(struct hal_vcpu_ctx *ctx, unsigned n, uint64_t val);
uint64_t hal_vgic_hcr_read(struct hal_vcpu_ctx *ctx);
void hal_vgic_hcr_write(struct hal_vcpu_ctx *ctx, uint64_t val);
uint64_t hal_vgic_vmcr(struct hal_vcpu_ctx *ctx);  /* ICH_VMCR_EL2: the guest's ICC_* view */
uint64_t hal_vgic_misr(struct hal_vcpu_ctx *ctx);  /* ICH_MISR_EL2 */
uint64_t hal_vgic_elrsr(struct hal_vcpu_ctx *ctx); /* ICH_ELRSR_EL2: LRs with no state */
uint64_t hal_vgic_eisr(struct hal_vcpu_ctx *ctx);  /* ICH_EISR_EL2 */

/* Make a virtual SError pending for the loaded vCPU (HCR_EL2.VSE): the guest takes it as an
 * SError exception once PSTATE.A lets it, with ESR_EL1.ISS = `iss` where the CPU has RAS
 * (VSESR_EL2; otherwise IMPLEMENTATION DEFINED). Kept across put and load until taken. */
void hal_vcpu_inject_vserror(struct hal_vcpu_ctx *ctx, uint64_t iss);

/* A vCPU's self-hosted debug registers (DBGB/WVR<n>, DBGB/WCR<n>, MDSCR_EL1). Between
 * hal_debug_load() and hal_debug_clear() they are the hardware's, so the guest's breakpoints,
 * watchpoints and software step fire and are taken by its EL1; the registers the CPU lacks
 * (past ID_AA64DFR0_EL1.BRPs/WRPs) are not written. Only for the loaded vCPU. */
#define HAL_DEBUG_MAX_BP 16
struct hal_debug_regs {
	uint64_t bvr[HAL_DEBUG_MAX_BP], bcr[HAL_DEBUG_MAX_BP];
	uint64_t wvr[HAL_DEBUG_MAX_BP], wcr[HAL_DEBUG_MAX_BP];
	uint64_t mdscr;
};
void hal_debug_load(const struct hal_debug_regs *d);
void hal_debug_clear(void);

/* The MIDR the host CPU reports, for the guest's VPIDR. */
uint64_t hal_cpu_midr(void);

#endif

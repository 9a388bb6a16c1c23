/* SPDX-License-Identifier: MIT */
/* A vCPU's EL1 system registers and pointer-authentication keys in and out of the hardware at
 * a vCPU switch (hal_vcpu_load()/hal_vcpu_put(), hal/aarch64/vcpu.c): two context slots per
 * LDP/STP, where C moved them one LDR/STR at a time (the system register accesses are
 * volatile asm, which the compiler does not pair loads and stores across). 25 registers each
 * way: 13 loads or stores instead of 25. */

/* EL1_<name>: the byte offset of ctx->el1[HAL_<NAME>], VCPU_CTX_PAUTH_KEYS of
 * ctx->pauth_keys, EL1_NR the number of EL1 registers (offsets.c, from the struct). */
#include "hal_offsets.h"

/* Each pair must be two neighbouring slots; the assembler stops the build if the enum moved. */
#define ADJACENT(a, b) .if EL1_##b - EL1_##a - 8; .error "el1_regs.S: a pair is not adjacent"; .endif
#define LOAD2(a, b) ldp x2, x3, [x0, EL1_##a]; msr a, x2; msr b, x3; ADJACENT(a, b)
#define SAVE2(a, b) mrs x2, a; mrs x3, b; stp x2, x3, [x0, EL1_##a]; ADJACENT(a, b)
/* The keys lie past LDP/STP's reach from the context (504 bytes): x1 points at them. */
#define KEYS_LOAD2(a, b, n) ldp x2, x3, [x1, (n) * 8]; msr a, x2; msr b, x3
#define KEYS_SAVE2(a, b, n) mrs x2, a; mrs x3, b; stp x2, x3, [x1, (n) * 8]

	.if EL1_NR - 25
	.error "el1_regs.S: enum hal_el1_reg changed: move every register"
	.endif

	.text
/* void el1_regs_load(const struct hal_vcpu_ctx *ctx): CNTV_CTL_EL0 before CNTV_CVAL_EL0, as
 * hal_vcpu_load() did; the caller's ISB makes them take effect. */
	.globl	el1_regs_load
el1_regs_load:
	LOAD2(sctlr_el1, ttbr0_el1)
	LOAD2(ttbr1_el1, tcr_el1)
	LOAD2(mair_el1, amair_el1)
	LOAD2(vbar_el1, contextidr_el1)
	LOAD2(tpidr_el0, tpidrro_el0)
	LOAD2(tpidr_el1, esr_el1)
	LOAD2(far_el1, afsr0_el1)
	LOAD2(afsr1_el1, par_el1)
	LOAD2(sp_el0, sp_el1)
	LOAD2(elr_el1, spsr_el1)
	LOAD2(cpacr_el1, cntkctl_el1)
	LOAD2(csselr_el1, cntv_ctl_el0)
	ldr	x2, [x0, EL1_cntv_cval_el0]
	msr	cntv_cval_el0, x2
	ret

/* void el1_regs_save(struct hal_vcpu_ctx *ctx) */
	.globl	el1_regs_save
el1_regs_save:
	SAVE2(sctlr_el1, ttbr0_el1)
	SAVE2(ttbr1_el1, tcr_el1)
	SAVE2(mair_el1, amair_el1)
	SAVE2(vbar_el1, contextidr_el1)
	SAVE2(tpidr_el0, tpidrro_el0)
	SAVE2(tpidr_el1, esr_el1)
	SAVE2(far_el1, afsr0_el1)
	SAVE2(afsr1_el1, par_el1)
	SAVE2(sp_el0, sp_el1)
	SAVE2(elr_el1, spsr_el1)
	SAVE2(cpacr_el1, cntkctl_el1)
	SAVE2(csselr_el1, cntv_ctl_el0)
	mrs	x2, cntv_cval_el0
	str	x2, [x0, EL1_cntv_cval_el0]
	ret

/* void pauth_keys_load(const struct hal_vcpu_ctx *ctx), pauth_keys_save(ctx): the pointer-
 * authentication keys APIA, APIB, APDA, APDB, APGA, low half then high half, as
 * S3_0_C2_C<1..3>_<n> (the assembler's -march need not know their names), in
 * ctx->pauth_keys[0..9]. The guest's own (HCR_EL2.APK): Linux keeps per-task keys, so vCPUs
 * sharing a pCPU must not share them. */
	.globl	pauth_keys_load
pauth_keys_load:
	add	x1, x0, VCPU_CTX_PAUTH_KEYS
	KEYS_LOAD2(S3_0_C2_C1_0, S3_0_C2_C1_1, 0)
	KEYS_LOAD2(S3_0_C2_C1_2, S3_0_C2_C1_3, 2)
	KEYS_LOAD2(S3_0_C2_C2_0, S3_0_C2_C2_1, 4)
	KEYS_LOAD2(S3_0_C2_C2_2, S3_0_C2_C2_3, 6)
	KEYS_LOAD2(S3_0_C2_C3_0, S3_0_C2_C3_1, 8)
	ret

	.globl	pauth_keys_save
pauth_keys_save:
	add	x1, x0, VCPU_CTX_PAUTH_KEYS
	KEYS_SAVE2(S3_0_C2_C1_0, S3_0_C2_C1_1, 0)
	KEYS_SAVE2(S3_0_C2_C1_2, S3_0_C2_C1_3, 2)
	KEYS_SAVE2(S3_0_C2_C2_0, S3_0_C2_C2_1, 4)
	KEYS_SAVE2(S3_0_C2_C2_2, S3_0_C2_C2_3, 6)
	KEYS_SAVE2(S3_0_C2_C3_0, S3_0_C2_C3_1, 8)
	ret

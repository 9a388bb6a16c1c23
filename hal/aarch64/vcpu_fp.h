/* SPDX-License-Identifier: MIT */
#ifndef HAL_AARCH64_VCPU_FP_H
#define HAL_AARCH64_VCPU_FP_H

#include <stdint.h>

#include <hal/cpu.h>
#include <hal/vcpu.h>

/* Lazy FP/SIMD switching (hal/aarch64/vcpu_fp.c). Inline: hal_vcpu_load()/_put() run these at
 * every vCPU switch, and for a vCPU that does not use FP/SIMD they are a few instructions. */

/* CPTR_EL2 (E2H=0, Arm ARM D17.2.33): TZ traps SVE instructions and ZCR_EL1 at EL0-EL2 (ESR
 * EC 0x19), TFP FP/SIMD ones (EC 0x07; also SVE ones when TZ lets them through). */
#define CPTR_EL2_TZ  (1ULL << 8)
#define CPTR_EL2_TFP (1ULL << 10)

/* hal/aarch64/fpsimd.S and sve.S */
void hal_fpsimd_save(struct hal_fpsimd *st);
void hal_fpsimd_load(const struct hal_fpsimd *st);
void hal_sve_save(struct hal_sve *st);
void hal_sve_load(const struct hal_sve *st);

/* The context whose FP/SIMD values each pCPU's registers hold (NULL: nobody's). Read and
 * written by that pCPU only. Only a hint: the context's own `held_by` must name this pCPU
 * too, or the vCPU has since used (or been reset to) other values elsewhere. */
extern struct hal_vcpu_ctx *vcpu_fp_regs_of[HAL_MAX_CPUS];

/* At load: the CPTR_EL2 TFP and TZ bits `ctx` runs with. When this pCPU's registers still
 * hold its values it has them at once (and SVE with them if it used SVE); otherwise its first
 * FP/SIMD or SVE use traps. TZ stays set for a vCPU that never used SVE, whose state is only
 * FP/SIMD: its first SVE use traps even when its FP/SIMD registers are live. */
static inline uint64_t vcpu_fp_load(struct hal_vcpu_ctx *ctx)
{
	unsigned here = hal_cpu_id();

	ctx->fp_live = vcpu_fp_regs_of[here] == ctx && ctx->fpsimd.held_by == here + 1;
	if (!ctx->fp_live)
		return CPTR_EL2_TFP | CPTR_EL2_TZ;
	return ctx->sve_used ? 0 : CPTR_EL2_TZ;
}

/* At put: save the registers if it had them. This pCPU keeps holding the same values, so the
 * vCPU finds them here if it comes back before anyone else uses them. */
static inline void vcpu_fp_put(struct hal_vcpu_ctx *ctx)
{
	if (ctx->fp_live) {
		if (ctx->sve_used)
			hal_sve_save(ctx->sve);
		else
			hal_fpsimd_save(&ctx->fpsimd);
		ctx->fp_live = false;
	}
}

#endif

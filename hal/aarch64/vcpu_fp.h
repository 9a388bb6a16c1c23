/* SPDX-License-Identifier: MIT */
#ifndef HAL_AARCH64_VCPU_FP_H
#define HAL_AARCH64_VCPU_FP_H

#include <stdint.h>

#include <hal/cpu.h>
#include <hal/vcpu.h>

/* Lazy FP/SIMD switching (hal/aarch64/vcpu_fp.c). Inline: hal_vcpu_load()/_put() run these at
 * every vCPU switch, and for a vCPU that does not use FP/SIMD they are a few instructions. */

/* CPTR_EL2.TFP (E2H=0): FP/SIMD accesses at EL0-EL2 trap to EL2 (Arm ARM D17.2.33). */
#define CPTR_EL2_TFP (1ULL << 10)

/* hal/aarch64/fpsimd.S */
void hal_fpsimd_save(struct hal_fpsimd *st);
void hal_fpsimd_load(const struct hal_fpsimd *st);

/* The context whose FP/SIMD values each pCPU's registers hold (NULL: nobody's). Read and
 * written by that pCPU only. Only a hint: the context's own `held_by` must name this pCPU
 * too, or the vCPU has since used (or been reset to) other values elsewhere. */
extern struct hal_vcpu_ctx *vcpu_fp_regs_of[HAL_MAX_CPUS];

/* At load: the CPTR_EL2.TFP bit `ctx` runs with, 0 when this pCPU's registers still hold its
 * values (it has them at once), TFP otherwise (its first use traps). */
static inline uint64_t vcpu_fp_load(struct hal_vcpu_ctx *ctx)
{
	unsigned here = hal_cpu_id();

	ctx->fp_live = vcpu_fp_regs_of[here] == ctx && ctx->fpsimd.held_by == here + 1;
	return ctx->fp_live ? 0 : CPTR_EL2_TFP;
}

/* At put: save the registers if it had them. This pCPU keeps holding the same values, so the
 * vCPU finds them here if it comes back before anyone else uses them. */
static inline void vcpu_fp_put(struct hal_vcpu_ctx *ctx)
{
	if (ctx->fp_live) {
		hal_fpsimd_save(&ctx->fpsimd);
		ctx->fp_live = false;
	}
}

#endif

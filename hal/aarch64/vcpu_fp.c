// SPDX-License-Identifier: MIT
/* Lazy FP/SIMD switching (docs/trap-path.md, "FP/SIMD"). A vCPU's V0-V31, FPSR and FPCR are
 * loaded only when it first uses them after being loaded (CPTR_EL2.TFP traps that use to EL2,
 * ESR_EL2.EC 0x07), and saved at put only if it was given them. Each pCPU remembers whose
 * values its registers hold, so a vCPU that comes back to the pCPU where it last used FP/SIMD,
 * with nobody else having used them there meanwhile, runs with them at once: no trap, no load.
 *
 * The hypervisor itself never touches these registers (built with -mgeneral-regs-only), so
 * what they hold between two vCPUs is exactly what the last user left. */
#include <hal/cpu.h>
#include <hal/string.h>
#include <hal/vcpu.h>

#include "sysreg.h"
#include "vcpu_fp.h"

_Static_assert(sizeof(((struct hal_fpsimd *)0)->v) + 16 == 528, "fpsimd.S stores 528 bytes");
_Static_assert(__builtin_offsetof(struct hal_sve, z) == 32 &&
		   __builtin_offsetof(struct hal_sve, p) == 32 + 32 * 64 && HAL_SVE_MAX_VL == 64,
	       "sve.S's layout");

struct hal_vcpu_ctx *vcpu_fp_regs_of[HAL_MAX_CPUS];

/* SVE for guests: ZCR_EL2.LEN and the vector length it gives (bytes), the same on every pCPU;
 * 0 while SVE is not given to guests. */
static uint64_t sve_len;
static unsigned sve_vl;

/* sve.S: ZCR_EL2.LEN = len, and the vector length that gives EL2. */
uint64_t hal_sve_set_vl(uint64_t len);

unsigned hal_sve_init(unsigned max_vl)
{
	uint64_t cptr;

	/* ID_AA64PFR0_EL1.SVE [35:32] */
	if (((read_sysreg(id_aa64pfr0_el1) >> 32) & 0xf) == 0 || max_vl < 16)
		return 0;
	if (max_vl > HAL_SVE_MAX_VL)
		max_vl = HAL_SVE_MAX_VL;
	/* RDVL at EL2 needs SVE and FP/SIMD untrapped for a moment. */
	cptr = read_sysreg(cptr_el2);
	write_sysreg(cptr_el2, cptr & ~(CPTR_EL2_TZ | CPTR_EL2_TFP));
	isb();
	sve_len = max_vl / 16 - 1;
	sve_vl = (unsigned)hal_sve_set_vl(sve_len);
	write_sysreg(cptr_el2, cptr);
	isb();
	return sve_vl;
}

static void hand_over(struct hal_vcpu_ctx *ctx, uint64_t untrap)
{
	unsigned here = hal_cpu_id();

	write_sysreg(cptr_el2, read_sysreg(cptr_el2) & ~untrap);
	isb();
	/* Whoever held the registers before saved them at its put: overwrite. */
	if (ctx->sve_used) {
		hal_sve_set_vl(sve_len); /* ZCR_EL2 is per pCPU */
		hal_sve_load(ctx->sve);
	} else {
		hal_fpsimd_load(&ctx->fpsimd);
	}
	vcpu_fp_regs_of[here] = ctx;
	ctx->fpsimd.held_by = here + 1;
	ctx->fp_live = true;
}

bool hal_vcpu_fpsimd_trap(struct hal_vcpu_ctx *ctx)
{
	/* Given them already, the CPU cannot trap their use again. */
	if (ctx->fp_live)
		return false;
	/* A vCPU that used SVE gets all of it at once: loading only V0-V31 would zero the rest of
	 * its Z registers. */
	hand_over(ctx, ctx->sve_used ? CPTR_EL2_TFP | CPTR_EL2_TZ : CPTR_EL2_TFP);
	return true;
}

/* A vCPU's first SVE use since its reset: its SVE state is its FP/SIMD state widened (a write
 * to V<n> zeroes the rest of Z<n>, Arm ARM B1.2.2), predicates and FFR zero, ZCR_EL1 giving it
 * the longest vector length until it chooses another. */
static void sve_from_fpsimd(struct hal_vcpu_ctx *ctx)
{
	struct hal_sve *sve = ctx->sve;

	memset(sve->z, 0, sizeof(sve->z));
	memset(sve->p, 0, sizeof(sve->p));
	for (unsigned n = 0; n < 32; n++)
		memcpy(&sve->z[n * sve_vl], &ctx->fpsimd.v[2 * n], 16);
	sve->fpsr = ctx->fpsimd.fpsr;
	sve->fpcr = ctx->fpsimd.fpcr;
	sve->zcr_el1 = sve_len;
}

bool hal_vcpu_sve_trap(struct hal_vcpu_ctx *ctx)
{
	if (!sve_vl || !ctx->sve || (ctx->fp_live && ctx->sve_used))
		return false;
	if (!ctx->sve_used) {
		/* Its FP/SIMD registers may be live (TFP clear, TZ set): take them first. */
		if (ctx->fp_live)
			hal_fpsimd_save(&ctx->fpsimd);
		sve_from_fpsimd(ctx);
		ctx->sve_used = true;
	}
	hand_over(ctx, CPTR_EL2_TFP | CPTR_EL2_TZ);
	return true;
}

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
#include <hal/vcpu.h>

#include "sysreg.h"
#include "vcpu_fp.h"

_Static_assert(sizeof(((struct hal_fpsimd *)0)->v) + 16 == 528, "fpsimd.S stores 528 bytes");

struct hal_vcpu_ctx *vcpu_fp_regs_of[HAL_MAX_CPUS];

bool hal_vcpu_fpsimd_trap(struct hal_vcpu_ctx *ctx)
{
	unsigned here = hal_cpu_id();

	/* Given them already, the CPU cannot trap their use again. */
	if (ctx->fp_live)
		return false;
	/* Whoever held the registers before saved them at its put: overwrite. */
	write_sysreg(cptr_el2, read_sysreg(cptr_el2) & ~CPTR_EL2_TFP);
	isb();
	hal_fpsimd_load(&ctx->fpsimd);
	vcpu_fp_regs_of[here] = ctx;
	ctx->fpsimd.held_by = here + 1;
	ctx->fp_live = true;
	return true;
}

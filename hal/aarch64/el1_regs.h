/* SPDX-License-Identifier: MIT */
#ifndef HAL_AARCH64_EL1_REGS_H
#define HAL_AARCH64_EL1_REGS_H

/* The EL1 registers a vCPU switch moves, as an X-macro list: hal/aarch64/vcpu.c reads and
 * writes them one by one for a loaded vCPU, offsets.c gives el1_regs.S (which moves them at a
 * switch) their places in struct hal_vcpu_ctx. */

/* Every EL1 register of enum hal_el1_reg with its system register name. */
#define EL1_REGS(X)                           \
	X(HAL_SCTLR_EL1, sctlr_el1)           \
	X(HAL_TTBR0_EL1, ttbr0_el1)           \
	X(HAL_TTBR1_EL1, ttbr1_el1)           \
	X(HAL_TCR_EL1, tcr_el1)               \
	X(HAL_MAIR_EL1, mair_el1)             \
	X(HAL_AMAIR_EL1, amair_el1)           \
	X(HAL_VBAR_EL1, vbar_el1)             \
	X(HAL_CONTEXTIDR_EL1, contextidr_el1) \
	X(HAL_TPIDR_EL0, tpidr_el0)           \
	X(HAL_TPIDRRO_EL0, tpidrro_el0)       \
	X(HAL_TPIDR_EL1, tpidr_el1)           \
	X(HAL_ESR_EL1, esr_el1)               \
	X(HAL_FAR_EL1, far_el1)               \
	X(HAL_AFSR0_EL1, afsr0_el1)           \
	X(HAL_AFSR1_EL1, afsr1_el1)           \
	X(HAL_PAR_EL1, par_el1)               \
	X(HAL_SP_EL0, sp_el0)                 \
	X(HAL_SP_EL1, sp_el1)                 \
	X(HAL_ELR_EL1, elr_el1)               \
	X(HAL_SPSR_EL1, spsr_el1)             \
	X(HAL_CPACR_EL1, cpacr_el1)           \
	X(HAL_CNTKCTL_EL1, cntkctl_el1)       \
	X(HAL_CSSELR_EL1, csselr_el1)         \
	X(HAL_CNTV_CTL_EL0, cntv_ctl_el0)     \
	X(HAL_CNTV_CVAL_EL0, cntv_cval_el0)

#endif

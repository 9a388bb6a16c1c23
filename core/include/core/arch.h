/* SPDX-License-Identifier: MIT */
#ifndef CORE_ARCH_H
#define CORE_ARCH_H

#include <stdint.h>

/* Architectural encodings the portable trap path decodes and produces: exception syndromes,
 * PSTATE and the vector layout an injected exception uses. Names follow the Arm ARM. */

/* ESR_ELx (Arm ARM D17.2.37). */
#define ESR_EC_SHIFT 26
#define ESR_EC_MASK  0x3fULL
#define ESR_IL	     (1ULL << 25)
#define ESR_ISS_MASK 0x1ffffffULL

#define ESR_EC_UNKNOWN	0x00
#define ESR_EC_WFX	0x01
#define ESR_EC_FP_ASIMD 0x07
#define ESR_EC_PAC	0x09
#define ESR_EC_ILLEGAL	0x0e
#define ESR_EC_SVC64	0x15
#define ESR_EC_HVC64	0x16
#define ESR_EC_SMC64	0x17
#define ESR_EC_SYS64	0x18
#define ESR_EC_SVE	0x19
#define ESR_EC_IABT_LOW 0x20
#define ESR_EC_IABT_CUR 0x21
#define ESR_EC_PC_ALIGN 0x22
#define ESR_EC_DABT_LOW 0x24
#define ESR_EC_DABT_CUR 0x25
#define ESR_EC_SP_ALIGN 0x26
#define ESR_EC_SERROR	0x2f
#define ESR_EC_BRK64	0x3c

static inline unsigned esr_ec(uint64_t esr)
{
	return (unsigned)((esr >> ESR_EC_SHIFT) & ESR_EC_MASK);
}

/* Data/instruction abort ISS (D17.2.37): fault status code and friends. */
#define ESR_ISS_FSC_MASK      0x3fULL
#define ESR_ISS_FSC_SEA	      0x10	  /* synchronous external abort, not on a table walk */
#define ESR_ISS_FSC_SEA_WALK  0x14	  /* ... on a translation table walk, level in [1:0] */
#define ESR_ISS_FSC_TYPE_MASK 0x3c	  /* FSC without the level bits */
#define ESR_ISS_FSC_TRANS     0x04	  /* translation fault, level in bits [1:0] */
#define ESR_ISS_FSC_ACCESS    0x08	  /* access flag fault */
#define ESR_ISS_FSC_PERM      0x0c	  /* permission fault */
#define ESR_ISS_S1PTW	      (1ULL << 7) /* stage-2 fault on the guest's own table walk */
#define ESR_ISS_CM	      (1ULL << 8) /* cache maintenance */

/* Data abort ISS: the instruction syndrome, valid when ISV is set (Arm ARM D17.2.37, ISS encoding for data aborts). */
#define ESR_ISS_DABT_ISV       (1ULL << 24)
#define ESR_ISS_DABT_SAS_SHIFT 22
#define ESR_ISS_DABT_SAS_MASK  0x3ULL
#define ESR_ISS_DABT_SSE       (1ULL << 21)
#define ESR_ISS_DABT_SRT_SHIFT 16
#define ESR_ISS_DABT_SRT_MASK  0x1fULL
#define ESR_ISS_DABT_SF	       (1ULL << 15)
#define ESR_ISS_DABT_AR	       (1ULL << 14)
#define ESR_ISS_DABT_WNR       (1ULL << 6)

/* HPFAR_EL2.FIPA (bits [43:4]) holds IPA[51:12] (D17.2.75). */
#define HPFAR_FIPA_MASK	 0x00000fffffffffF0ULL
#define HPFAR_FIPA_SHIFT 8

/* WFx ISS (D17.2.37, EC 0x01): TI says which instruction (bit 0 set: WFE or WFET, bit 1 set:
 * the FEAT_WFxT forms with a timeout); RV says Rn holds the register with the timeout. */
#define ESR_ISS_WFX_WFE	     0x1ULL
#define ESR_ISS_WFX_TI_MASK  0x3ULL
#define ESR_ISS_WFX_TI_WFI   0x0ULL
#define ESR_ISS_WFX_TI_WFE   0x1ULL
#define ESR_ISS_WFX_TI_WFIT  0x2ULL
#define ESR_ISS_WFX_TI_WFET  0x3ULL
#define ESR_ISS_WFX_RV	     (1ULL << 2)
#define ESR_ISS_WFX_RN_SHIFT 5
#define ESR_ISS_WFX_RN_MASK  0x1fULL

/* Trapped MSR/MRS/system instruction ISS (D17.2.37, EC 0x18). */
#define ESR_ISS_SYS_DIR_READ  (1ULL << 0)
#define ESR_ISS_SYS_CRM_SHIFT 1
#define ESR_ISS_SYS_RT_SHIFT  5
#define ESR_ISS_SYS_CRN_SHIFT 10
#define ESR_ISS_SYS_OP1_SHIFT 14
#define ESR_ISS_SYS_OP2_SHIFT 17
#define ESR_ISS_SYS_OP0_SHIFT 20

/* SPSR / PSTATE (C5.2.18). */
#define PSTATE_M_MASK 0xfULL
#define PSTATE_M_EL0T 0x0
#define PSTATE_M_EL1T 0x4
#define PSTATE_M_EL1H 0x5
#define PSTATE_NRW    (1ULL << 4) /* AArch32 */
#define PSTATE_F      (1ULL << 6)
#define PSTATE_I      (1ULL << 7)
#define PSTATE_A      (1ULL << 8)
#define PSTATE_D      (1ULL << 9)
#define PSTATE_DAIF   (PSTATE_D | PSTATE_A | PSTATE_I | PSTATE_F)
#define PSTATE_SSBS   (1ULL << 12)
#define PSTATE_SS     (1ULL << 21) /* software step: the next instruction is stepped */
#define PSTATE_PAN    (1ULL << 22)
#define PSTATE_DIT    (1ULL << 24)
#define PSTATE_NZCV   (0xfULL << 28)

/* SCTLR_EL1 bits that shape exception entry (D17.2.118). */
#define SCTLR_EL1_SPAN	(1ULL << 23)
#define SCTLR_EL1_DSSBS (1ULL << 44)
/* Architectural reset value with the MMU and caches off: the RES1 bits. */
#define SCTLR_EL1_RESET 0x30d00800ULL

/* Offsets of the vector groups from VBAR_EL1 (D1.10.2). */
#define VECTOR_CUR_SP0	 0x000
#define VECTOR_CUR_SPX	 0x200
#define VECTOR_LOWER_A64 0x400
#define VECTOR_LOWER_A32 0x600

#define A64_INSN_SIZE 4

#endif

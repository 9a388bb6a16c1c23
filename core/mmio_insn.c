// SPDX-License-Identifier: MIT
/* A64 loads and stores that reach emulated MMIO without a valid instruction syndrome (ESR
 * ISV=0). The syndrome describes only a single general-purpose register access without
 * writeback, so pairs and pre/post-index forms always come here with just the instruction word.
 *
 * Encodings: Arm ARM (DDI 0487) C4.1, "Loads and Stores", whose classes are told apart by
 * bits [29:24] (V, bit 26, picks SIMD&FP registers). Decoded are the general-purpose forms
 * whose whole effect is a read or write of one or two 1/2/4/8-byte elements plus an optional
 * base update. Anything that needs the exclusive monitor, an atomic read-modify-write, SIMD&FP
 * registers, allocation tags or a PC-relative address is HV_ENOTSUP.
 *
 * The offsets of the single-register non-writeback forms are not decoded: the caller takes
 * the address from FAR/HPFAR, which the hardware computed. A pair's is (pair_offset): FAR
 * names the element that faulted, which for a pair running from RAM into a device is the
 * second one, so the caller checks that FAR is the first.
 */
#include <core/err.h>
#include <core/lib.h>
#include <core/mmio.h>

#include "mmio_insn.h"

/* Register fields. Rt2 is the second data register of a pair; Rs and Rt2 are (1) fields in
 * the ordered and LDAPR encodings. */
#define INSN_REG_MASK  0x1fu
#define INSN_RT_SHIFT  0
#define INSN_RN_SHIFT  5
#define INSN_RT2_SHIFT 10
#define INSN_RS_SHIFT  16
#define INSN_V	       BIT(26)

/* size:opc of the single-register classes: the same table in each (LDR, LDUR, LDTR, LDAPUR). */
#define LDST_SIZE_SHIFT	 30
#define LDST_SIZE_MASK	 0x3u
#define LDST_SIZE_X	 0x3u
#define LDST_OPC_SHIFT	 22
#define LDST_OPC_MASK	 0x3u
#define LDST_OPC_STORE	 0x0u
#define LDST_OPC_LOAD	 0x1u /* zero-extending */
#define LDST_OPC_LOADS_X 0x2u /* sign-extending to Xt; with size 3: PRFM */
#define LDST_OPC_LOADS_W 0x3u /* sign-extending to Wt; sizes 0 and 1 only */

/* Load/store register (unsigned immediate): size 111 V 01 opc imm12 Rn Rt. */
#define LDST_UIMM_MASK 0x3b000000u
#define LDST_UIMM_VAL  0x39000000u

/* size 111 V 00 opc b21 ... b11 b10 Rn Rt. With bit 21 clear, bits [11:10] pick the imm9
 * forms; with it set, register offset (10), atomic memory operations (00) or LDRAA/LDRAB (x1). */
#define LDST_REG_MASK	  0x3b000000u
#define LDST_REG_VAL	  0x38000000u
#define LDST_B21	  BIT(21)
#define LDST_IDX_SHIFT	  10
#define LDST_IDX_MASK	  0x3u
#define LDST_IDX_UNSCALED 0x0u /* LDUR/STUR */
#define LDST_IDX_POST	  0x1u
#define LDST_IDX_UNPRIV	  0x2u /* LDTR/STTR */
#define LDST_IDX_PRE	  0x3u
#define LDST_IDX_ATOMIC	  0x0u /* with bit 21 set */
#define LDST_IDX_REGOFF	  0x2u /* with bit 21 set */
#define LDST_IMM9_SHIFT	  12
#define LDST_IMM9_BITS	  9
#define LDST_IMM9_MASK	  0x1ffu
/* option<1> (bit 14) of the register-offset form: UXTW, LSL, SXTW, SXTX; clear is unallocated. */
#define LDST_OPTION_1 BIT(14)

/* LDAPR, LDAPRB, LDAPRH (FEAT_LRCPC) inside the atomic class: A=1 R=0 o3=1 opc=100. */
#define LDAPR_MASK 0x3fe0fc00u
#define LDAPR_VAL  0x38a0c000u

/* Load/store register pair: opc 101 V op2 L imm7 Rt2 Rn Rt. */
#define LDST_PAIR_MASK	 0x3a000000u
#define LDST_PAIR_VAL	 0x28000000u
#define PAIR_OPC_SHIFT	 30
#define PAIR_OPC_MASK	 0x3u
#define PAIR_OPC_W	 0x0u
#define PAIR_OPC_SW	 0x1u /* LDPSW; with L=0, STGP (FEAT_MTE) */
#define PAIR_OPC_X	 0x2u
#define PAIR_IDX_SHIFT	 23
#define PAIR_IDX_MASK	 0x3u
#define PAIR_IDX_NOALLOC 0x0u /* LDNP/STNP: signed offset with a non-temporal hint */
#define PAIR_IDX_POST	 0x1u
#define PAIR_IDX_OFFSET	 0x2u
#define PAIR_IDX_PRE	 0x3u
#define PAIR_L		 BIT(22)
#define PAIR_IMM7_SHIFT	 15
#define PAIR_IMM7_BITS	 7
#define PAIR_IMM7_MASK	 0x7fu

/* Load/store exclusive and ordered: size 001000 o2 L o1 Rs o0 Rt2 Rn Rt. */
#define LDST_EXCL_MASK 0x3f000000u
#define LDST_EXCL_VAL  0x08000000u
#define EXCL_O2	       BIT(23)
#define EXCL_L	       BIT(22)
#define EXCL_O1	       BIT(21)

/* LDAPUR/STLUR and sign-extending variants (FEAT_LRCPC2): size 011001 opc 0 imm9 00 Rn Rt. */
#define LDST_RCPC_MASK 0x3f200c00u
#define LDST_RCPC_VAL  0x19000000u

static unsigned field(uint32_t insn, unsigned shift, unsigned mask)
{
	return (insn >> shift) & mask;
}

static uint8_t reg(uint32_t insn, unsigned shift)
{
	return (uint8_t)field(insn, shift, INSN_REG_MASK);
}

/* Writeback to a register the access also transfers is CONSTRAINED UNPREDICTABLE (pseudocode
 * Unpredictable_WBOVERLAPLD / Unpredictable_WBOVERLAPST); SP as base overlaps nothing. */
static bool wb_overlaps(const struct mmio_access *a)
{
	return a->rn != MMIO_REG_31 && (a->rn == a->rt || (a->count == 2 && a->rn == a->rt2));
}

/* One general-purpose register, from size:opc. `has_prfm`: size=3 opc=2 is a prefetch in
 * this class (never a device access), otherwise it is unallocated. */
static int single(uint32_t insn, bool has_prfm, struct mmio_access *a)
{
	unsigned size = field(insn, LDST_SIZE_SHIFT, LDST_SIZE_MASK);

	a->size = (uint8_t)(1u << size);
	a->count = 1;
	a->rt = reg(insn, INSN_RT_SHIFT);
	a->rt2 = MMIO_REG_31;
	a->rn = reg(insn, INSN_RN_SHIFT);
	switch (field(insn, LDST_OPC_SHIFT, LDST_OPC_MASK)) {
	case LDST_OPC_STORE:
		a->write = true;
		a->reg64 = size == LDST_SIZE_X;
		break;
	case LDST_OPC_LOAD:
		a->reg64 = size == LDST_SIZE_X;
		break;
	case LDST_OPC_LOADS_X:
		if (size == LDST_SIZE_X)
			return has_prfm ? HV_ENOTSUP : HV_EINVAL;
		a->sign_extend = true;
		a->reg64 = true;
		break;
	default: /* LDST_OPC_LOADS_W: there is no LDRSW to Wt and no 64-bit sign extension */
		if (size > 1)
			return HV_EINVAL;
		a->sign_extend = true;
		break;
	}
	return HV_OK;
}

/* LDAR/STLR/LDAPR: one register, zero-extended, no offset. */
static int ordered(uint32_t insn, bool write, struct mmio_access *a)
{
	unsigned size = field(insn, LDST_SIZE_SHIFT, LDST_SIZE_MASK);

	/* Rs (and Rt2 in the ordered class) are (1) fields: anything else is CONSTRAINED
	 * UNPREDICTABLE, and newer extensions allocate such encodings. */
	if (reg(insn, INSN_RS_SHIFT) != MMIO_REG_31)
		return HV_EINVAL;
	a->size = (uint8_t)(1u << size);
	a->count = 1;
	a->write = write;
	a->reg64 = size == LDST_SIZE_X;
	a->acq_rel = true;
	a->rt = reg(insn, INSN_RT_SHIFT);
	a->rt2 = MMIO_REG_31;
	a->rn = reg(insn, INSN_RN_SHIFT);
	return HV_OK;
}

static int decode_reg_imm9(uint32_t insn, struct mmio_access *a)
{
	unsigned idx = field(insn, LDST_IDX_SHIFT, LDST_IDX_MASK);
	int ret;

	if (idx == LDST_IDX_UNSCALED)
		return single(insn, true, a); /* size=3 opc=2 is PRFUM */
	/* LDTR/STTR need no special care: stage 1 checked EL0 permissions before stage 2
	 * faulted, and the data movement is that of LDR/STR. */
	ret = single(insn, false, a);
	if (ret || idx == LDST_IDX_UNPRIV)
		return ret;
	a->writeback = true;
	a->wb_offset = mmio_sext(field(insn, LDST_IMM9_SHIFT, LDST_IMM9_MASK), LDST_IMM9_BITS);
	return wb_overlaps(a) ? HV_EINVAL : HV_OK;
}

static int decode_reg(uint32_t insn, struct mmio_access *a)
{
	unsigned idx = field(insn, LDST_IDX_SHIFT, LDST_IDX_MASK);

	if (insn & INSN_V)
		return HV_ENOTSUP;
	if (!(insn & LDST_B21))
		return decode_reg_imm9(insn, a);
	if (idx == LDST_IDX_ATOMIC) {
		/* LDADD, SWP, LD64B and friends: a device cannot do the read-modify-write. */
		if ((insn & LDAPR_MASK) != LDAPR_VAL)
			return HV_ENOTSUP;
		return ordered(insn, false, a);
	}
	if (idx != LDST_IDX_REGOFF)
		return HV_ENOTSUP; /* LDRAA/LDRAB: pointer authentication */
	if (!(insn & LDST_OPTION_1))
		return HV_EINVAL;
	return single(insn, true, a); /* PRFM (register) */
}

static int decode_pair(uint32_t insn, struct mmio_access *a)
{
	unsigned idx = field(insn, PAIR_IDX_SHIFT, PAIR_IDX_MASK);
	bool load = insn & PAIR_L;
	unsigned scale;
	int64_t offset;

	if (insn & INSN_V)
		return HV_ENOTSUP;
	switch (field(insn, PAIR_OPC_SHIFT, PAIR_OPC_MASK)) {
	case PAIR_OPC_W:
		scale = 2;
		break;
	case PAIR_OPC_X:
		scale = 3;
		a->reg64 = true;
		break;
	case PAIR_OPC_SW:
		/* No LDNPSW; STGP stores allocation tags. */
		if (idx == PAIR_IDX_NOALLOC)
			return HV_EINVAL;
		if (!load)
			return HV_ENOTSUP;
		scale = 2;
		a->sign_extend = true;
		a->reg64 = true;
		break;
	default:
		return HV_EINVAL;
	}
	a->size = (uint8_t)(1u << scale);
	a->count = 2;
	a->write = !load;
	a->rt = reg(insn, INSN_RT_SHIFT);
	a->rt2 = reg(insn, INSN_RT2_SHIFT);
	a->rn = reg(insn, INSN_RN_SHIFT);
	offset =
	    mmio_sext(field(insn, PAIR_IMM7_SHIFT, PAIR_IMM7_MASK), PAIR_IMM7_BITS) * (1 << scale);
	if (idx == PAIR_IDX_POST || idx == PAIR_IDX_PRE) {
		a->writeback = true;
		a->wb_offset = offset;
	}
	/* Post-index accesses at the base itself; the other forms at base + offset. */
	a->pair_offset = idx == PAIR_IDX_POST ? 0 : offset;
	/* Loading both halves into one register is Unpredictable_LDPOVERLAP. */
	if (load && a->rt == a->rt2)
		return HV_EINVAL;
	return a->writeback && wb_overlaps(a) ? HV_EINVAL : HV_OK;
}

static int decode_excl(uint32_t insn, struct mmio_access *a)
{
	/* o2=0: exclusives, which need the exclusive monitor; o1=1: CAS, CASP. */
	if (!(insn & EXCL_O2) || (insn & EXCL_O1))
		return HV_ENOTSUP;
	if (reg(insn, INSN_RT2_SHIFT) != MMIO_REG_31)
		return HV_EINVAL;
	/* LDAR/STLR; o0=0 is LDLAR/STLLR (FEAT_LOR), whose LORegion ordering means nothing
	 * more than acquire/release to a single emulated access. */
	return ordered(insn, !(insn & EXCL_L), a);
}

static int decode_rcpc(uint32_t insn, struct mmio_access *a)
{
	a->acq_rel = true;
	return single(insn, false, a);
}

int mmio_decode_insn(uint32_t insn, struct mmio_access *acc)
{
	if ((insn & LDST_UIMM_MASK) == LDST_UIMM_VAL)
		return insn & INSN_V ? HV_ENOTSUP : single(insn, true, acc);
	if ((insn & LDST_REG_MASK) == LDST_REG_VAL)
		return decode_reg(insn, acc);
	if ((insn & LDST_PAIR_MASK) == LDST_PAIR_VAL)
		return decode_pair(insn, acc);
	if ((insn & LDST_EXCL_MASK) == LDST_EXCL_VAL)
		return decode_excl(insn, acc);
	if ((insn & LDST_RCPC_MASK) == LDST_RCPC_VAL)
		return decode_rcpc(insn, acc);
	/* Literal loads, SIMD structure loads, tags, and everything that is not a load/store. */
	return HV_ENOTSUP;
}

// SPDX-License-Identifier: MIT
/* A few A64 load/store encodings (Arm ARM C4.1.x "Loads and Stores"), so scripted guests can
 * put the instruction behind an ISV=0 data abort into guest RAM. Checked against
 * aarch64-linux-gnu-as in tests/unit/test_trap_abort.c. */
#include <sim/sim.h>

#define REG(r, shift) ((uint32_t)((r)&31u) << (shift))

/* size 111 0 00 opc 0 imm9 idx Rn Rt */
#define LDST_IMM9 0x38000000u
/* size 111 0 01 opc imm12 Rn Rt */
#define LDST_UIMM 0x39000000u
/* opc 101 0 010 L imm7 Rt2 Rn Rt (signed offset) */
#define LDSTP_OFF 0x29000000u
#define LDSTP_L	  (1u << 22)
#define LDSTP_X	  (2u << 30)
/* size 001000 0 1 0 11111 0 11111 Rn Rt */
#define LDXR_W 0x885f7c00u
#define LDXR_X 0xc85f7c00u

#define OPC_LOAD (1u << 22)

uint32_t sim_a64_ldst_idx(bool load, unsigned size_log2, unsigned rt, unsigned rn, int imm9,
			  enum sim_a64_index idx)
{
	return (uint32_t)(size_log2 & 3) << 30 | LDST_IMM9 | (load ? OPC_LOAD : 0) |
	       ((uint32_t)imm9 & 0x1ffu) << 12 | (uint32_t)idx << 10 | REG(rn, 5) | REG(rt, 0);
}

uint32_t sim_a64_ldst_uimm(bool load, unsigned size_log2, unsigned rt, unsigned rn, unsigned offset)
{
	return (uint32_t)(size_log2 & 3) << 30 | LDST_UIMM | (load ? OPC_LOAD : 0) |
	       ((offset >> (size_log2 & 3)) & 0xfffu) << 10 | REG(rn, 5) | REG(rt, 0);
}

uint32_t sim_a64_ldstp(bool load, bool x64, unsigned rt, unsigned rt2, unsigned rn, int offset)
{
	int scaled = offset / (x64 ? 8 : 4);

	return (x64 ? LDSTP_X : 0) | LDSTP_OFF | (load ? LDSTP_L : 0) |
	       ((uint32_t)scaled & 0x7fu) << 15 | REG(rt2, 10) | REG(rn, 5) | REG(rt, 0);
}

uint32_t sim_a64_ldxr(bool x64, unsigned rt, unsigned rn)
{
	return (x64 ? LDXR_X : LDXR_W) | REG(rn, 5) | REG(rt, 0);
}

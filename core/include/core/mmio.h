/* SPDX-License-Identifier: MIT */
#ifndef CORE_MMIO_H
#define CORE_MMIO_H

#include <stdbool.h>
#include <stdint.h>

#include <core/arch.h>

/* A guest's load or store to emulated MMIO, decoded from a stage-2 data abort: from the ESR's
 * instruction syndrome when ISV=1, otherwise from the trapping instruction itself (fetched by
 * the caller through guest memory). Pure logic: no guest memory, no device, no HAL. */

/* The general-purpose registers of a vCPU as the decoder sees them: x[0..30], and the stack
 * pointer of the exception level the access came from. Register number 31 is XZR or SP
 * depending on the instruction (decided here, not by the caller). */
struct mmio_regs {
	uint64_t x[31];
	uint64_t sp;
};

struct mmio_access {
	uint64_t ipa;	   /* address of the first (or only) element: set by the caller */
	uint8_t size;	   /* bytes per element: 1, 2, 4 or 8 */
	uint8_t count;	   /* 1, or 2 for LDP/STP (second element at ipa + size) */
	bool write;	   /* store */
	bool sign_extend;  /* load: sign-extend the element to the register width */
	bool reg64;	   /* Xt, else Wt (a load to Wt zeroes the upper half) */
	bool acq_rel;	   /* LDAR/STLR and friends: ordering only, no effect on emulation */
	uint8_t rt, rt2;   /* data registers (rt2 for pairs, else 31); 31 means XZR */
	bool writeback;	   /* pre/post-index: base register rn += wb_offset after the access */
	uint8_t rn;	   /* base register; 31 means SP (and is what ISV=1 gives: not reported) */
	int64_t wb_offset; /* 0 without writeback */
	/* Pairs: the first element is at (base register before writeback) + pair_offset. */
	int64_t pair_offset;
};

/* Decode the access. With ISV=1 in `esr` the syndrome alone is used (`insn` is ignored);
 * with ISV=0, `insn` is the trapping instruction. Returns 0 and fills *acc (all fields but
 * ipa), or HV_ENOTSUP for an instruction that is not a supported load/store (the caller
 * injects an abort), or HV_EINVAL for an encoding the architecture makes UNPREDICTABLE or
 * unallocated (e.g. writeback with rn == rt) or a syndrome no instruction produces (a
 * doubleword into a W register). On error *acc is left unchanged. */
int mmio_decode(uint64_t esr, uint32_t insn, struct mmio_access *acc);

/* For a store: the element value(s) to write, read from the registers (XZR reads 0) and
 * truncated to `size` bytes. */
void mmio_store_values(const struct mmio_access *acc, const struct mmio_regs *regs,
		       uint64_t val[2]);

/* Finish the access after the device produced (load) or consumed (store) the elements: a
 * load writes the sign- or zero-extended values to rt (and rt2); writes to XZR are dropped;
 * then any base-register writeback is applied. */
void mmio_complete(const struct mmio_access *acc, struct mmio_regs *regs, const uint64_t val[2]);

/* The syndrome of an ISV=1 data abort read directly (Arm ARM D17.2.37), for the short path of
 * core/trap_abort.c: one register, no writeback, no struct. mmio_decode() uses the same reads,
 * so both paths give the same answers (tests/unit/test_mmio_decode_isv1.c compares them). */
static inline unsigned mmio_iss_size(uint64_t esr)
{
	return 1u << ((esr >> ESR_ISS_DABT_SAS_SHIFT) & ESR_ISS_DABT_SAS_MASK);
}

static inline unsigned mmio_iss_rt(uint64_t esr)
{
	return (unsigned)((esr >> ESR_ISS_DABT_SRT_SHIFT) & ESR_ISS_DABT_SRT_MASK);
}

/* Whether an instruction could have produced it: a doubleword into a W register cannot. */
static inline bool mmio_iss_valid(uint64_t esr)
{
	return (esr & ESR_ISS_DABT_SF) || mmio_iss_size(esr) <= 4;
}

/* The element's bytes of `v`: what a store writes. */
static inline uint64_t mmio_iss_elem(uint64_t esr, uint64_t v)
{
	unsigned bits = mmio_iss_size(esr) * 8;

	return bits == 64 ? v : v & ((1ULL << bits) - 1);
}

/* What a load of element `v` leaves in its register: sign-extended (SSE) to the register
 * width or zero-extended, and a W register's upper half zero. */
static inline uint64_t mmio_iss_load(uint64_t esr, uint64_t v)
{
	unsigned bits = mmio_iss_size(esr) * 8;

	if (bits < 64) {
		uint64_t sign = 1ULL << (bits - 1);

		v &= (sign << 1) - 1;
		if (esr & ESR_ISS_DABT_SSE)
			v = (v ^ sign) - sign;
	}
	return esr & ESR_ISS_DABT_SF ? v : v & 0xffffffffULL;
}

#endif

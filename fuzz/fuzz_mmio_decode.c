// SPDX-License-Identifier: MIT
/* libFuzzer harness for the MMIO data-abort decoder (core/mmio_decode.c, core/mmio_insn.c).
 * Input, little-endian, zero-padded when short:
 *   [0, 4)     the trapping instruction word
 *   [4, 8)     the ISS (low 25 bits, ISV included) of a data abort from a lower EL (EC 0x24)
 *   [8, 24)    the two element values a device returns for a load
 *   [24, 280)  the register file: x0..x30, then sp
 * Every decoded access must be one the architecture can produce, and completing it must
 * touch only the registers it names; a violation traps. Seeds: fuzz/corpus/mmio_decode/. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <core/err.h>
#include <core/mmio.h>

#include "fuzz_check.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define ESR_DABT_LOW (((uint64_t)0x24 << 26) | (1ULL << 25)) /* EC, IL */
#define ESR_ISS_MASK 0x1ffffffULL
#define IN_INSN	     0
#define IN_ISS	     4
#define IN_VAL	     8
#define IN_REGS	     24
#define IN_SIZE	     (IN_REGS + sizeof(struct mmio_regs))
#define ZR	     31u
#define SENTINEL_IPA 0x0a000e00ULL

static uint64_t le(const uint8_t *p, unsigned n)
{
	uint64_t v = 0;

	for (unsigned i = 0; i < n; i++)
		v |= (uint64_t)p[i] << (8 * i);
	return v;
}

static uint64_t mask_of(unsigned size)
{
	return size >= 8 ? ~0ULL : (1ULL << (8 * size)) - 1;
}

static void check_access(const struct mmio_access *a, uint64_t esr)
{
	FUZZ_CHECK(a->ipa == SENTINEL_IPA);
	FUZZ_CHECK(a->size == 1 || a->size == 2 || a->size == 4 || a->size == 8);
	FUZZ_CHECK(a->count == 1 || a->count == 2);
	FUZZ_CHECK(a->count == 1 || a->size == 4 || a->size == 8); /* pairs of W or X only */
	FUZZ_CHECK(a->rt <= 31 && a->rt2 <= 31 && a->rn <= 31);
	FUZZ_CHECK(a->count == 2 || a->rt2 == ZR);
	FUZZ_CHECK(!a->sign_extend || !a->write);		     /* loads only */
	FUZZ_CHECK(!a->sign_extend || a->size < (a->reg64 ? 8 : 4)); /* narrower than Rt */
	FUZZ_CHECK(a->size < 8 || a->reg64);
	FUZZ_CHECK(a->writeback || a->wb_offset == 0);
	/* imm9 is -256..255; imm7 scaled by 4 or 8 is -512..504. */
	FUZZ_CHECK(a->wb_offset >= -512 && a->wb_offset <= 504);
	FUZZ_CHECK(!a->writeback || a->rn == ZR ||
		   (a->rn != a->rt && (a->count == 1 || a->rn != a->rt2)));
	FUZZ_CHECK(a->count == 1 || a->write || a->rt != a->rt2);
	FUZZ_CHECK(!a->acq_rel || (a->count == 1 && !a->writeback));
	if (esr & ESR_ISS_DABT_ISV) {
		FUZZ_CHECK(a->count == 1 && !a->writeback);
		FUZZ_CHECK(a->rt == ((esr >> ESR_ISS_DABT_SRT_SHIFT) & ESR_ISS_DABT_SRT_MASK));
		FUZZ_CHECK(a->write == !!(esr & ESR_ISS_DABT_WNR));
		FUZZ_CHECK(a->size ==
			   1u << ((esr >> ESR_ISS_DABT_SAS_SHIFT) & ESR_ISS_DABT_SAS_MASK));
	}
}

static uint64_t data_reg(const struct mmio_regs *r, unsigned n)
{
	return n < 31 ? r->x[n] : 0;
}

static void check_complete(const struct mmio_access *a, const struct mmio_regs *before,
			   const uint64_t val[2])
{
	struct mmio_regs after = *before;
	const unsigned rts[2] = {a->rt, a->rt2};
	uint64_t st[2];
	bool touched[32] = {false};

	mmio_store_values(a, before, st);
	if (a->write) {
		for (unsigned i = 0; i < a->count; i++)
			FUZZ_CHECK(st[i] == (data_reg(before, rts[i]) & mask_of(a->size)));
	}
	mmio_complete(a, &after, val);

	for (unsigned i = 0; !a->write && i < a->count; i++) {
		uint64_t v = rts[i] < 31 ? after.x[rts[i]] : 0, m = mask_of(a->size);
		uint64_t upper = v & ~m & (a->reg64 ? ~0ULL : 0xffffffffULL);
		bool neg = (val[i] >> (8 * a->size - 1)) & 1;

		if (rts[i] == ZR)
			continue;
		touched[rts[i]] = true;
		FUZZ_CHECK((v & m) == (val[i] & m));
		FUZZ_CHECK(a->reg64 || v >> 32 == 0);
		/* Above the element: copies of its sign bit, or zeros. */
		if (a->sign_extend && neg)
			FUZZ_CHECK(upper == (~m & (a->reg64 ? ~0ULL : 0xffffffffULL)));
		else
			FUZZ_CHECK(upper == 0);
	}
	if (a->writeback) {
		if (a->rn == ZR) {
			FUZZ_CHECK(after.sp == before->sp + (uint64_t)a->wb_offset);
			touched[31] = true;
		} else {
			FUZZ_CHECK(after.x[a->rn] == before->x[a->rn] + (uint64_t)a->wb_offset);
			touched[a->rn] = true;
		}
	}
	for (unsigned n = 0; n < 31; n++)
		FUZZ_CHECK(touched[n] || after.x[n] == before->x[n]);
	FUZZ_CHECK(touched[31] || after.sp == before->sp);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t in[IN_SIZE] = {0};
	struct mmio_access a, b, untouched;
	struct mmio_regs regs;
	uint64_t esr, val[2];
	uint32_t insn;
	int ret;

	memcpy(in, data, size < sizeof(in) ? size : sizeof(in));
	insn = (uint32_t)le(in + IN_INSN, 4);
	esr = ESR_DABT_LOW | (le(in + IN_ISS, 4) & ESR_ISS_MASK);
	val[0] = le(in + IN_VAL, 8);
	val[1] = le(in + IN_VAL + 8, 8);
	for (unsigned i = 0; i < 31; i++)
		regs.x[i] = le(in + IN_REGS + 8 * i, 8);
	regs.sp = le(in + IN_REGS + 8 * 31, 8);

	memset(&a, 0x5a, sizeof(a));
	a.ipa = SENTINEL_IPA;
	untouched = a;
	ret = mmio_decode(esr, insn, &a);
	if (ret != HV_OK) {
		FUZZ_CHECK(ret == HV_ENOTSUP || ret == HV_EINVAL);
		FUZZ_CHECK(memcmp(&a, &untouched, sizeof(a)) == 0); /* no half-success */
		return 0;
	}
	check_access(&a, esr);

	/* Deterministic, and independent of what *acc held before. */
	memset(&b, 0, sizeof(b));
	b.ipa = SENTINEL_IPA;
	FUZZ_CHECK(mmio_decode(esr, insn, &b) == HV_OK);
	FUZZ_CHECK(a.size == b.size && a.count == b.count && a.write == b.write &&
		   a.sign_extend == b.sign_extend && a.reg64 == b.reg64 && a.acq_rel == b.acq_rel &&
		   a.rt == b.rt && a.rt2 == b.rt2 && a.rn == b.rn && a.writeback == b.writeback &&
		   a.wb_offset == b.wb_offset);

	check_complete(&a, &regs, val);
	return 0;
}

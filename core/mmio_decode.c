// SPDX-License-Identifier: MIT
/* Decoding a stage-2 data abort on emulated MMIO into a struct mmio_access, and applying the
 * access to the vCPU's registers once the device has answered (see mmio.h). The instruction
 * syndrome is used when the hardware gave one; otherwise mmio_insn.c reads the instruction. */
#include <core/err.h>
#include <core/lib.h>
#include <core/mmio.h>

#include "mmio_insn.h"

#define W_MASK 0xffffffffULL

/* Arm ARM D17.2.37, ISS for data aborts with ISV=1: one general-purpose register, no
 * writeback. SSE is meaningful only for a load narrower than its register; a doubleword into
 * a 32-bit register cannot happen and is refused rather than silently truncated. */
static int decode_iss(uint64_t esr, struct mmio_access *a)
{
	unsigned size = mmio_iss_size(esr);
	unsigned reg_bytes = esr & ESR_ISS_DABT_SF ? 8 : 4;

	if (!mmio_iss_valid(esr))
		return HV_EINVAL;
	a->size = (uint8_t)size;
	a->count = 1;
	a->write = esr & ESR_ISS_DABT_WNR;
	a->sign_extend = !a->write && (esr & ESR_ISS_DABT_SSE) && size < reg_bytes;
	a->reg64 = reg_bytes == 8;
	a->acq_rel = esr & ESR_ISS_DABT_AR;
	a->rt = (uint8_t)mmio_iss_rt(esr);
	a->rt2 = MMIO_REG_31;
	a->rn = MMIO_REG_31; /* not reported, and not needed without writeback */
	return HV_OK;
}

int mmio_decode(uint64_t esr, uint32_t insn, struct mmio_access *acc)
{
	struct mmio_access a = {0};
	int ret;

	/* Arm ARM D17.2.37: ISV=0 means the ISS says nothing about the access. */
	if (esr & ESR_ISS_DABT_ISV)
		ret = decode_iss(esr, &a);
	else
		ret = mmio_decode_insn(insn, &a);
	if (ret)
		return ret;
	a.ipa = acc->ipa;
	*acc = a;
	return HV_OK;
}

static uint64_t elem_mask(unsigned size)
{
	return size >= 8 ? ~0ULL : (1ULL << (size * 8)) - 1;
}

/* Register 31 is XZR for data; numbers above it never come from the decoder and are treated
 * the same way, so a corrupted access cannot index past the register file. */
static uint64_t read_data_reg(const struct mmio_regs *regs, unsigned r)
{
	return r < MMIO_REG_31 ? regs->x[r] : 0;
}

static void write_data_reg(struct mmio_regs *regs, unsigned r, uint64_t v)
{
	if (r < MMIO_REG_31)
		regs->x[r] = v;
}

void mmio_store_values(const struct mmio_access *acc, const struct mmio_regs *regs, uint64_t val[2])
{
	uint64_t mask = elem_mask(acc->size);

	val[0] = read_data_reg(regs, acc->rt) & mask;
	val[1] = acc->count == 2 ? read_data_reg(regs, acc->rt2) & mask : 0;
}

static uint64_t load_value(const struct mmio_access *acc, uint64_t v)
{
	v &= elem_mask(acc->size);
	if (acc->sign_extend && acc->size > 0 && acc->size < 8)
		v = (uint64_t)mmio_sext(v, acc->size * 8u);
	/* A write to Wt zeroes the upper half, sign-extending loads included. */
	return acc->reg64 ? v : v & W_MASK;
}

void mmio_complete(const struct mmio_access *acc, struct mmio_regs *regs, const uint64_t val[2])
{
	if (!acc->write) {
		write_data_reg(regs, acc->rt, load_value(acc, val[0]));
		if (acc->count == 2)
			write_data_reg(regs, acc->rt2, load_value(acc, val[1]));
	}
	if (!acc->writeback)
		return;
	/* Two's-complement wrap-around, as the hardware's address arithmetic does. */
	if (acc->rn == MMIO_REG_31)
		regs->sp += (uint64_t)acc->wb_offset;
	else if (acc->rn < MMIO_REG_31)
		regs->x[acc->rn] += (uint64_t)acc->wb_offset;
}

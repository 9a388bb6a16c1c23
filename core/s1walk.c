// SPDX-License-Identifier: MIT
/* Which level of the guest's own stage-1 table walk a stage-2 fault hit (ESR_EL2.ISS.S1PTW).
 * The hardware reports the descriptor's IPA (HPFAR_EL2) and the VA being translated (FAR_EL2)
 * but not the stage-1 level, which the guest's abort syndrome must carry (Arm ARM D19.2.42,
 * FSC 0b0101xx "Synchronous External abort on translation table walk, level n"). Walking the
 * guest's tables again from TTBR finds the level whose descriptor lies at that IPA. VMSAv8-64
 * translation: Arm ARM D8.2 (granules, TnSZ, start level). */
#include <core/arch.h>
#include <core/gmem.h>
#include <core/lib.h>
#include <core/trap.h>
#include <core/vm.h>

/* TCR_EL1 fields (Arm ARM D19.2.139). */
#define TCR_T0SZ_SHIFT 0
#define TCR_TG0_SHIFT  14
#define TCR_T1SZ_SHIFT 16
#define TCR_TG1_SHIFT  30
#define TCR_TXSZ_MASK  0x3fULL
#define TCR_TG_MASK    0x3ULL

#define VA_TTBR1_BIT	55
#define TTBR_BADDR_MASK GENMASK(47, 1)
#define DESC_VALID	(1ULL << 0)
#define DESC_TABLE	(1ULL << 1)
#define DESC_ADDR_MASK	GENMASK(47, 12)
#define PAGE_MASK_4K	(~0xfffULL)
#define S1_LEVELS	4 /* 0..3 */
#define S1_MIN_VA_BITS	16
#define S1_MAX_VA_BITS	48

/* log2 of the granule TCR_EL1 selects for the half `va` is in; 0 if reserved. */
static unsigned granule_bits(uint64_t tcr, bool upper)
{
	unsigned tg = (unsigned)((tcr >> (upper ? TCR_TG1_SHIFT : TCR_TG0_SHIFT)) & TCR_TG_MASK);

	if (upper) /* TG1: 01 16K, 10 4K, 11 64K */
		return tg == 1 ? 14 : tg == 2 ? 12 : tg == 3 ? 16 : 0;
	return tg == 0 ? 12 : tg == 1 ? 16 : 14; /* TG0: 00 4K, 01 64K, 10 16K */
}

int s1walk_fault_level(struct vcpu *vcpu, uint64_t va, uint64_t desc_ipa)
{
	struct hal_vcpu_ctx *ctx = &vcpu->ctx;
	uint64_t tcr = hal_vcpu_el1_read(ctx, HAL_TCR_EL1);
	bool upper = (va >> VA_TTBR1_BIT) & 1;
	uint64_t table =
	    hal_vcpu_el1_read(ctx, upper ? HAL_TTBR1_EL1 : HAL_TTBR0_EL1) & TTBR_BADDR_MASK;
	unsigned txsz =
	    (unsigned)((tcr >> (upper ? TCR_T1SZ_SHIFT : TCR_T0SZ_SHIFT)) & TCR_TXSZ_MASK);
	unsigned g = granule_bits(tcr, upper);
	unsigned va_bits = 64 - txsz, stride = g - 3;
	int level;

	if (!g)
		return 0;
	va_bits = MIN(MAX(va_bits, (unsigned)S1_MIN_VA_BITS), (unsigned)S1_MAX_VA_BITS);
	level = S1_LEVELS - (int)((va_bits - g + stride - 1) / stride);
	for (; level < S1_LEVELS; level++) {
		unsigned shift = g + (unsigned)(S1_LEVELS - 1 - level) * stride;
		unsigned bits = MIN(stride, va_bits - shift);
		uint64_t entry = table + ((va >> shift) & (BIT(bits) - 1)) * sizeof(uint64_t);
		uint64_t desc;

		if ((entry & PAGE_MASK_4K) == (desc_ipa & PAGE_MASK_4K))
			return level;
		if (gmem_read(vcpu->vm, entry, &desc, sizeof(desc)) != 0)
			return level; /* unreadable here: the fault can only be this level */
		if (!(desc & DESC_VALID) || !(desc & DESC_TABLE) || level == S1_LEVELS - 1)
			break;
		table = desc & DESC_ADDR_MASK & ~(BIT(g) - 1);
	}
	/* The tables changed since the fault (another vCPU rewrote them): the last level
	 * looked at is the best answer left. */
	return MIN(level, S1_LEVELS - 1);
}

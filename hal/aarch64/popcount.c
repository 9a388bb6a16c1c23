// SPDX-License-Identifier: MIT
/* The compiler's helpers for __builtin_popcount*(), in general-purpose registers. libgcc's
 * use SIMD (CNT on V0), and at EL2 the FP/SIMD registers hold a guest's values: they are
 * switched lazily (docs/trap-path.md, "FP/SIMD"), so a helper that touched them would either
 * trap (CPTR_EL2.TFP set) or corrupt the guest's V0. Linked ahead of libgcc, these win;
 * tools/check-no-fp.sh checks at every link that no such instruction is left. */
#include <stdint.h>

int __popcountdi2(int64_t a);
int __popcountsi2(int32_t a);

/* The classic SWAR count: bits per 2, 4, 8 bits, then the byte sums gathered by a multiply. */
int __popcountdi2(int64_t a)
{
	uint64_t x = (uint64_t)a;

	x = x - ((x >> 1) & 0x5555555555555555ULL);
	x = (x & 0x3333333333333333ULL) + ((x >> 2) & 0x3333333333333333ULL);
	x = (x + (x >> 4)) & 0x0f0f0f0f0f0f0f0fULL;
	return (int)((x * 0x0101010101010101ULL) >> 56);
}

int __popcountsi2(int32_t a)
{
	return __popcountdi2((int64_t)(uint32_t)a);
}

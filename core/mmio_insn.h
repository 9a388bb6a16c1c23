/* SPDX-License-Identifier: MIT */
#ifndef CORE_MMIO_INSN_H
#define CORE_MMIO_INSN_H

/* Private to core/mmio_*.c: the A64 instruction decoder behind mmio_decode() for data aborts
 * without a valid instruction syndrome (ISV=0), and the helpers both halves share. */

#include <stdint.h>

#include <core/mmio.h>

/* Register number 31: SP as a base register, XZR as a data register. */
#define MMIO_REG_31 31u

/* Decode `insn` as a general-purpose load or store into a zeroed *acc; same results as
 * mmio_decode(). On error *acc is left partly written: the caller decodes into a scratch copy. */
int mmio_decode_insn(uint32_t insn, struct mmio_access *acc);

/* The low `bits` bits of `v` as a two's-complement number; 1 <= bits <= 64. */
static inline int64_t mmio_sext(uint64_t v, unsigned bits)
{
	uint64_t sign = 1ULL << (bits - 1);

	v &= sign | (sign - 1);
	return (int64_t)((v ^ sign) - sign);
}

#endif

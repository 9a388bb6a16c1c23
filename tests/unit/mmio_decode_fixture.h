/* SPDX-License-Identifier: MIT */
#ifndef TESTS_UNIT_MMIO_DECODE_FIXTURE_H
#define TESTS_UNIT_MMIO_DECODE_FIXTURE_H

/* What the tests of core/mmio_decode.c and core/mmio_insn.c (test_mmio_decode_*.c) share: the
 * syndrome of a data abort from a lower EL, a compact way to write the access a case expects,
 * and a field-by-field comparison that names the field on a mismatch (cmocka). */

#include <stdint.h>

#include <core/mmio.h>

/* ESR_EL2 of a data abort from a lower EL (EC 0x24) with a 32-bit instruction (IL). */
#define DABT_LOW_ESR (((uint64_t)0x24 << 26) | (1ULL << 25))

/* The same with a valid instruction syndrome (ISV=1): `iss` holds SAS, SSE, SRT, SF, AR, WnR. */
#define ISV1(iss) (DABT_LOW_ESR | ESR_ISS_DABT_ISV | (iss))

#define ZR 31u /* XZR as a data register, SP as a base, and rt2 of a single access */

/* What a case expects, as dec_case.flags: a store, sign extension, a 64-bit (X) register, base
 * writeback, acquire/release ordering, a pair of registers. */
enum { ST = 1, SX = 2, X64 = 4, WB = 8, AR = 16, PAIR = 32 };

/* An instruction word and the access it must decode to. */
struct dec_case {
	uint32_t insn;
	const char *text; /* objdump -d of insn */
	unsigned flags;
	uint8_t size, rt, rt2, rn;
	int64_t wb_offset;
};

/* The access `c` describes (rt2 is ZR unless it is a pair; ipa 0). */
struct mmio_access mmiofx_expected(const struct dec_case *c);

/* Fails the test unless `got` is `want` in every field but ipa; the message names the field,
 * `insn` and `what`. */
void mmiofx_expect_access(const struct mmio_access *got, const struct mmio_access *want,
			  uint32_t insn, const char *what);

#endif

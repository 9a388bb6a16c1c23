// SPDX-License-Identifier: MIT
/* Structure offsets for the assembly of hal/aarch64/, taken from the C structs at build time.
 * The Makefile compiles this file to assembly only (it is never linked) and turns each
 * "->NAME value" marker below into `#define NAME value` in build/target/gen/hal_offsets.h,
 * which world_switch.S includes: a field moved in struct hal_vcpu_ctx moves the world switch
 * with it instead of silently corrupting guest registers. */
#include <stddef.h>

#include <hal/vcpu.h>

#include "el1_regs.h"

/* An "i" operand printed with %c is the bare number; the marker survives into the .s file. */
#define DEFINE(name, value)	  __asm__ volatile(".ascii \"->" #name " %c0\"" : : "i"(value))
#define OFFSET(name, type, field) DEFINE(name, offsetof(type, field))

/* world_switch.S moves these pairs with one LDP/STP each. */
_Static_assert(offsetof(struct hal_vcpu_ctx, pstate) == offsetof(struct hal_vcpu_ctx, pc) + 8,
	       "pc and pstate must be adjacent");
_Static_assert(offsetof(struct hal_vcpu_ctx, far) == offsetof(struct hal_vcpu_ctx, esr) + 8,
	       "esr and far must be adjacent");
_Static_assert(sizeof(((struct hal_vcpu_ctx *)0)->x) == 31 * 8, "x0..x30");

void offsets_emit(void);
void offsets_emit(void)
{
	OFFSET(VCPU_CTX_X, struct hal_vcpu_ctx, x);
	OFFSET(VCPU_CTX_PC, struct hal_vcpu_ctx, pc);
	OFFSET(VCPU_CTX_PSTATE, struct hal_vcpu_ctx, pstate);
	OFFSET(VCPU_CTX_ESR, struct hal_vcpu_ctx, esr);
	OFFSET(VCPU_CTX_FAR, struct hal_vcpu_ctx, far);
	OFFSET(VCPU_CTX_HPFAR, struct hal_vcpu_ctx, hpfar);
	/* el1_regs.S: each EL1 register's slot by its system register name. */
#define EL1_OFFSET(id, name) DEFINE(EL1_##name, offsetof(struct hal_vcpu_ctx, el1) + (id)*8);
	EL1_REGS(EL1_OFFSET)
#undef EL1_OFFSET
	DEFINE(EL1_NR, HAL_EL1_NR);
	OFFSET(VCPU_CTX_PAUTH_KEYS, struct hal_vcpu_ctx, pauth_keys);
}

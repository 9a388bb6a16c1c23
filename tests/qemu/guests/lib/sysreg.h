/* SPDX-License-Identifier: MIT */
#ifndef GUEST_SYSREG_H
#define GUEST_SYSREG_H

#include <stdint.h>

#define read_sysreg(reg)                                    \
	({                                                  \
		uint64_t val_;                              \
		asm volatile("mrs %0, " #reg : "=r"(val_)); \
		val_;                                       \
	})

#define write_sysreg(reg, val) asm volatile("msr " #reg ", %0" : : "r"((uint64_t)(val)))

#define isb() asm volatile("isb" : : : "memory")

/* ESR_ELx (Arm ARM D17.2.37): exception class, instruction length, syndrome. */
#define ESR_EC_SHIFT	26
#define ESR_EC_MASK	0x3fUL
#define ESR_EC(esr)	(((esr) >> ESR_EC_SHIFT) & ESR_EC_MASK)
#define ESR_IL		(1UL << 25)
#define ESR_EC_UNKNOWN	0x00   /* also what an UNDEFINED instruction reports */
#define ESR_EC_IABT_CUR 0x21   /* instruction abort without a change of EL */
#define ESR_EC_DABT_CUR 0x25   /* data abort without a change of EL */
#define ESR_FSC_MASK	0x3fUL /* DFSC / IFSC */
#define ESR_FSC_SEA	0x10   /* synchronous external abort, not on a table walk */
#define ESR_DABT_WNR	(1UL << 6)

/* An UNDEFINED A64 instruction: EC 0, IL 1, ISS 0 (Arm ARM D17.2.37, EC 0b000000). */
#define ESR_UNDEFINED_A64 ESR_IL

#define CURRENTEL_EL1 (1UL << 2)
#define DAIF_ALL      (0xfUL << 6)
#define SCTLR_M	      (1UL << 0)
#define SCTLR_C	      (1UL << 2)

/* CNTVCT_EL0 after everything before it: an isb keeps the read from being hoisted. */
static inline uint64_t counter_read(void)
{
	isb();
	return read_sysreg(cntvct_el0);
}

#endif

/* SPDX-License-Identifier: MIT */
#ifndef HAL_AARCH64_SYSREG_H
#define HAL_AARCH64_SYSREG_H

#include <stdint.h>

/* System register access and the architectural bits hal/aarch64 and target/ use. */

#define read_sysreg(reg)                                            \
	({                                                          \
		uint64_t __v_read;                                  \
		__asm__ volatile("mrs %0, " #reg : "=r"(__v_read)); \
		__v_read;                                           \
	})

#define write_sysreg(reg, val)                                                      \
	do {                                                                        \
		uint64_t __v_write = (uint64_t)(val);                               \
		__asm__ volatile("msr " #reg ", %0" : : "r"(__v_write) : "memory"); \
	} while (0)

#define isb()	 __asm__ volatile("isb" : : : "memory")
#define dsb(opt) __asm__ volatile("dsb " #opt : : : "memory")
#define dmb(opt) __asm__ volatile("dmb " #opt : : : "memory")

/* CurrentEL.EL is bits [3:2]. */
#define CURRENTEL_EL_SHIFT 2

/* SCTLR_EL2 (non-VHE), Arm ARM D17.2.120. */
#define SCTLR_EL2_M   (1ULL << 0)
#define SCTLR_EL2_A   (1ULL << 1)
#define SCTLR_EL2_C   (1ULL << 2)
#define SCTLR_EL2_SA  (1ULL << 3)
#define SCTLR_EL2_I   (1ULL << 12)
#define SCTLR_EL2_WXN (1ULL << 19)
#define SCTLR_EL2_EE  (1ULL << 25)
/* Bits that are RES1 in the non-VHE layout: 4, 5, 11, 16, 18, 22, 23, 28, 29. */
#define SCTLR_EL2_RES1 0x30c50830ULL

/* ID_AA64MMFR0_EL1.PARange (bits [3:0]) to a size in bits. */
#define ID_AA64MMFR0_PARANGE_MASK 0xfULL

/* DCZID_EL0 (Arm ARM D17.2.34): DZP prohibits DC ZVA, BS is log2 of its block in words. */
#define DCZID_EL0_DZP	  (1ULL << 4)
#define DCZID_EL0_BS_MASK 0xfULL

/* PAR_EL1 after an AT instruction (Arm ARM D17.2.112). */
#define PAR_EL1_F	   (1ULL << 0)
#define PAR_EL1_PA_MASK	   0x0000fffffffff000ULL
#define PAR_EL1_ATTR_SHIFT 56

/* SMCCC / PSCI function ids used by the hypervisor itself (PSCI 1.1, DEN0022). */
#define PSCI_0_2_FN64_CPU_ON	 0xc4000003U
#define PSCI_0_2_FN_SYSTEM_OFF	 0x84000008U
#define PSCI_0_2_FN_SYSTEM_RESET 0x84000009U

#endif

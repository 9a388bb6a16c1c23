/* SPDX-License-Identifier: MIT */
#ifndef GUEST_SMCCC_H
#define GUEST_SMCCC_H

#include <stdint.h>

/* Function ids of the calls the hypervisor answers (docs/guest-abi.md, "Hypervisor calls"). */
#define SMCCC_VERSION		0x80000000U
#define SMCCC_ARCH_FEATURES	0x80000001U
#define SMCCC_ARCH_WORKAROUND_1 0x80008000U
#define SMCCC_ARCH_WORKAROUND_2 0x80007fffU
#define SMCCC_ARCH_WORKAROUND_3 0x80003fffU
#define PSCI_VERSION		0x84000000U
#define PSCI_SYSTEM_OFF		0x84000008U
#define PSCI_SYSTEM_RESET	0x84000009U
#define PSCI_FEATURES		0x8400000aU
#define HV_CALL_VERSION		0xc6000000U
#define HV_CALL_PUTC		0xc6000001U
#define HV_CALL_PUTS		0xc6000002U
#define HV_CALL_EXIT		0xc6000003U

/* SMCCC function id bit 30: the SMC64/HVC64 convention (results in X0-X3); clear for
 * SMC32/HVC32, whose results SMCCC defines in W0-W3 only. */
#define SMCCC_64 (1U << 30)

#define SMCCC_RET_NOT_SUPPORTED	    (-1)
#define SMCCC_RET_NOT_REQUIRED	    (-2)
#define SMCCC_RET_INVALID_PARAMETER (-3)

enum smccc_conduit { SMCCC_HVC, SMCCC_SMC };

struct smccc_res {
	uint64_t x0, x1, x2, x3;
};

/* One call with x0 = fid, x1..x3 = a1..a3; returns x0..x3 (SMCCC 1.1: x4-x17 may change). */
struct smccc_res smccc_call(enum smccc_conduit conduit, uint64_t fid, uint64_t a1, uint64_t a2,
			    uint64_t a3);

/* x0 of a call as a signed result, read as W0 for an SMC32/HVC32 function id. */
int64_t smccc_result(uint32_t fid, uint64_t x0);

/* hvc #0 and smc #0 returning smccc_result(). */
int64_t hvc_call(uint32_t fid, uint64_t a1, uint64_t a2, uint64_t a3);
int64_t smc_call(uint32_t fid, uint64_t a1, uint64_t a2, uint64_t a3);

/* Make the call with known values in x18-x30 and check them and SP afterwards (smccc_regs.S):
 * returns a mask of the registers that changed, bit n for xn and bit 31 for SP. */
uint64_t smccc_clobbered_regs(uint64_t fid, enum smccc_conduit conduit);
#define SMCCC_CLOBBERED_SP (1UL << 31)

#endif

// SPDX-License-Identifier: MIT
/* SMCCC calls from the guest: hvc #0 (the hypervisor's conduit) and smc #0 (trapped by it). */
#include "smccc.h"

/* x4-x17 are not preserved by an SMCCC 1.1 callee; x18-x30 and SP are. */
#define SMCCC_CALL(insn, x0, x1, x2, x3)                                                      \
	asm volatile(insn                                                                     \
		     : "+r"(x0), "+r"(x1), "+r"(x2), "+r"(x3)                                 \
		     :                                                                        \
		     : "x4", "x5", "x6", "x7", "x8", "x9", "x10", "x11", "x12", "x13", "x14", \
		       "x15", "x16", "x17", "memory")

struct smccc_res smccc_call(enum smccc_conduit conduit, uint64_t fid, uint64_t a1, uint64_t a2,
			    uint64_t a3)
{
	register uint64_t x0 asm("x0") = fid;
	register uint64_t x1 asm("x1") = a1;
	register uint64_t x2 asm("x2") = a2;
	register uint64_t x3 asm("x3") = a3;

	if (conduit == SMCCC_SMC)
		SMCCC_CALL("smc #0", x0, x1, x2, x3);
	else
		SMCCC_CALL("hvc #0", x0, x1, x2, x3);
	return (struct smccc_res){x0, x1, x2, x3};
}

int64_t smccc_result(uint32_t fid, uint64_t x0)
{
	return (fid & SMCCC_64) ? (int64_t)x0 : (int64_t)(int32_t)x0;
}

int64_t hvc_call(uint32_t fid, uint64_t a1, uint64_t a2, uint64_t a3)
{
	return smccc_result(fid, smccc_call(SMCCC_HVC, fid, a1, a2, a3).x0);
}

int64_t smc_call(uint32_t fid, uint64_t a1, uint64_t a2, uint64_t a3)
{
	return smccc_result(fid, smccc_call(SMCCC_SMC, fid, a1, a2, a3).x0);
}

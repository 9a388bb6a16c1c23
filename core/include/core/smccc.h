/* SPDX-License-Identifier: MIT */
#ifndef CORE_SMCCC_H
#define CORE_SMCCC_H

/* SMC Calling Convention (DEN0028) and PSCI (DEN0022) function ids and return codes, and the
 * hypervisor's own calls (docs/guest-abi.md). */

#define SMCCC_FAST_CALL	       (1U << 31)
#define SMCCC_SMC64	       (1U << 30)
#define SMCCC_OWNER_SHIFT      24
#define SMCCC_OWNER_MASK       0x3fU
#define SMCCC_OWNER_ARCH       0
#define SMCCC_OWNER_STD	       4 /* PSCI lives here */
#define SMCCC_OWNER_STD_HYP    5 /* PV time lives here */
#define SMCCC_OWNER_VENDOR_HYP 6 /* our hypercalls */

#define SMCCC_VERSION		0x80000000U
#define SMCCC_ARCH_FEATURES	0x80000001U
#define SMCCC_ARCH_WORKAROUND_1 0x80008000U
#define SMCCC_ARCH_WORKAROUND_2 0x80007fffU
#define SMCCC_ARCH_WORKAROUND_3 0x80003fffU
#define SMCCC_VERSION_1_1	0x10001
#define SMCCC_VERSION_1_2	0x10002
/* ARCH_FEATURES(ARCH_WORKAROUND_2) = 1: the mitigation is permanently on (DEN0028 7.6.2). */
#define SMCCC_ARCH_WORKAROUND_2_ALWAYS_ON 1

#define SMCCC_RET_SUCCESS	    0
#define SMCCC_RET_NOT_SUPPORTED	    (-1)
#define SMCCC_RET_NOT_REQUIRED	    (-2)
#define SMCCC_RET_INVALID_PARAMETER (-3)

#define PSCI_VERSION	      0x84000000U
#define PSCI_CPU_SUSPEND_32   0x84000001U
#define PSCI_CPU_SUSPEND_64   0xc4000001U
#define PSCI_CPU_OFF	      0x84000002U
#define PSCI_CPU_ON_32	      0x84000003U
#define PSCI_CPU_ON_64	      0xc4000003U
#define PSCI_AFFINITY_INFO_32 0x84000004U
#define PSCI_AFFINITY_INFO_64 0xc4000004U
#define PSCI_SYSTEM_OFF	      0x84000008U
#define PSCI_SYSTEM_RESET     0x84000009U
#define PSCI_FEATURES	      0x8400000aU
#define PSCI_VERSION_1_1      0x10001

#define PSCI_RET_SUCCESS	    0
#define PSCI_RET_NOT_SUPPORTED	    (-1)
#define PSCI_RET_INVALID_PARAMETERS (-2)
#define PSCI_RET_DENIED		    (-3)
#define PSCI_RET_ALREADY_ON	    (-4)
#define PSCI_RET_ON_PENDING	    (-5)
#define PSCI_RET_INTERNAL_FAILURE   (-6)
#define PSCI_RET_INVALID_ADDRESS    (-9)

#define PSCI_AFFINITY_ON	 0
#define PSCI_AFFINITY_OFF	 1
#define PSCI_AFFINITY_ON_PENDING 2

/* Vendor-specific hypervisor service (owner 6), fast SMC64 calls. */
#define HV_CALL_VERSION	    0xc6000000U
#define HV_CALL_PUTC	    0xc6000001U
#define HV_CALL_PUTS	    0xc6000002U
#define HV_CALL_EXIT	    0xc6000003U
#define HV_CALL_ABI_VERSION 0x10000
#define HV_CALL_PUTS_MAX    4096

#include <stdbool.h>
#include <stdint.h>

struct vcpu;

/* PSCI calls from a guest (core/psci.c): true, with the result in *ret, if `fid` is PSCI. */
bool psci_call(struct vcpu *vcpu, uint32_t fid, int64_t *ret);

/* On `vcpu`'s own pCPU, for a vCPU left ON_PENDING by CPU_ON: reset it to the requested entry
 * point and context, make it runnable and kick it (CPU_MSG_VCPU_ON, core/cpu_msg.h). */
void psci_vcpu_on_here(struct vcpu *vcpu);

#endif

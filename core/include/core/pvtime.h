/* SPDX-License-Identifier: MIT */
#ifndef CORE_PVTIME_H
#define CORE_PVTIME_H

#include <stdbool.h>
#include <stdint.h>

/* Paravirtualised stolen time (Arm DEN0057 "Paravirtualized Time for Arm-based Systems"):
 * each vCPU gets a 64-byte record in a page of its VM, mapped read-only at
 * VM_PVTIME_BASE (where QEMU's virt board has its own), holding the nanoseconds it was
 * runnable while another vCPU had its pCPU. Linux finds it through SMCCC (ARCH_FEATURES of
 * PV_TIME_FEATURES, then PV_TIME_ST per CPU) and shows the time as steal (docs/scheduling.md). */

#define VM_PVTIME_BASE 0x090a0000ULL

/* DEN0057 function ids: standard hypervisor service calls, fast, SMC64. */
#define PV_TIME_FEATURES 0xc5000020U
#define PV_TIME_ST	 0xc5000021U

struct vm;
struct vcpu;

/* Give `vm` its stolen-time page (before it runs). HV_ENOMEM, or HV_EBUSY if the IPA is
 * taken by a device. */
int pvtime_init(struct vm *vm);

/* Give the page back (vm_destroy()). */
void pvtime_release(struct vm *vm);

/* Write the stolen time of `vcpu` into its record (before it runs again). */
void pvtime_update(struct vcpu *vcpu);

/* The PV_TIME_* calls: true, with the value for x0 in *ret, if `fid` is one. */
bool pvtime_call(struct vcpu *vcpu, uint32_t fid, int64_t *ret);

/* SMCCC_ARCH_FEATURES answer for PV_TIME_FEATURES. */
int64_t pvtime_arch_features(const struct vm *vm);

#endif

/* SPDX-License-Identifier: MIT */
#ifndef CORE_GMEM_H
#define CORE_GMEM_H

#include <stddef.h>
#include <stdint.h>

struct vm;

/* Guest memory access: the only way core/ and vdev/ touch a VM's RAM. Every block of the range
 * must lie in one of the VM's own RAM regions, so a guest address can never reach the
 * hypervisor, a device or another VM. A write populates each block it touches first (zeroed,
 * then mapped: the path a guest's first touch takes, docs/memory.md); a read of a block not
 * yet populated gives zeros and populates nothing. Ranges may cross blocks and RAM regions.
 * HV_EFAULT (nothing copied past the first bad block) if any byte is not RAM of this VM or
 * the range wraps. */
int gmem_read(struct vm *vm, uint64_t ipa, void *buf, size_t len);
int gmem_write(struct vm *vm, uint64_t ipa, const void *buf, size_t len);

/* 0 if all of [ipa, ipa+len) is RAM of this VM, else HV_EFAULT. */
int gmem_check(struct vm *vm, uint64_t ipa, size_t len);

/* Clean [ipa, ipa+len) to the point of coherency, for a guest that reads it with its MMU off
 * (non-cacheable): what the hypervisor loaded for it to boot. Blocks not populated yet hold
 * nothing to clean (populating cleans); nothing is cleaned when stage 2 forces the guest's
 * accesses write-back (hal_s2_forces_wb()). HV_EFAULT as gmem_check(). */
int gmem_clean(struct vm *vm, uint64_t ipa, size_t len);

#endif

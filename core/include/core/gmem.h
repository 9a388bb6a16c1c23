/* SPDX-License-Identifier: MIT */
#ifndef CORE_GMEM_H
#define CORE_GMEM_H

#include <stddef.h>
#include <stdint.h>

struct vm;

/* Guest memory access: the only way core/ and vdev/ touch a VM's RAM. Every page of the range
 * is looked up in the VM's own stage 2 and must be normal memory (RAM) there, so a guest
 * address can never reach the hypervisor, a device or another VM. Ranges may cross pages and
 * RAM regions. HV_EFAULT (nothing copied past the first bad page) if any byte is not RAM of
 * this VM or the range wraps. */
int gmem_read(struct vm *vm, uint64_t ipa, void *buf, size_t len);
int gmem_write(struct vm *vm, uint64_t ipa, const void *buf, size_t len);

/* 0 if all of [ipa, ipa+len) is RAM of this VM, else HV_EFAULT. */
int gmem_check(struct vm *vm, uint64_t ipa, size_t len);

#endif

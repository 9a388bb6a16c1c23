/* SPDX-License-Identifier: MIT */
#ifndef VDEV_VM_BUILD_H
#define VDEV_VM_BUILD_H

#include <core/hwinfo.h>
#include <core/vmconfig.h>

struct palloc;
struct vm;

/* A VM made from its configuration (docs/boot.md): RAM at board.ram_base, the vPL011, the
 * vPL031 (unless board.rtc_base is 0), its disks in the first virtio-mmio slots and empty
 * transports in the others, the vGIC, its kernel, initramfs and DTB loaded from the boot
 * modules (copied: the modules stay untouched, so the VM can be made again from them), its
 * weight, its vCPUs (placed by cfg->pcpu_of, but not queued yet: sched_assign_vm()).
 *
 * Disk backends: host disk n (the machine's n-th virtio-blk, vdev/hostblk.h) is brought up
 * the first time a VM names it and serves every life of every VM that names it after; a
 * memory disk serves its boot module in place, so what a VM writes to it survives the VM's
 * reset (as a disk's contents do) and is lost at power-off. */

/* What every VM is made with. */
struct vm_build_env {
	struct palloc *alloc;
	const struct hw_info *hw; /* the machine's virtio-blk disks */
	unsigned ipa_bits, pa_bits;
	unsigned nr_spis; /* of every vGIC */
};

/* Make the VM of `cfg`. On failure one line says what (naming the VM),
 * nothing is left allocated, and a negative HV_E* is returned: HV_ENOMEM when the machine has
 * too little free memory for its RAM. */
int vm_build(const struct vm_config *cfg, const struct vm_build_env *env, struct vm **out);

#endif

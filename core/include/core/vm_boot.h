/* SPDX-License-Identifier: MIT */
#ifndef CORE_VM_BOOT_H
#define CORE_VM_BOOT_H

#include <stddef.h>
#include <stdint.h>

struct vm;

/* Booting a guest the way the arm64 Linux boot protocol expects (booting.rst): the kernel at
 * RAM base + text_offset (a raw image at RAM base + 0x80000), the initramfs and the device
 * tree the hypervisor writes near the top of RAM, the boot vCPU entering the kernel with
 * x0 = the DTB's address, MMU off, and the other vCPUs off until PSCI CPU_ON. */

struct vm_boot_config {
	unsigned vcpus; /* 1..VM_MAX_VCPUS */
	const void *kernel;
	size_t kernel_size;
	const void *initrd; /* NULL: none */
	size_t initrd_size;
	const char *bootargs; /* NULL or "": none */
	unsigned nr_spis;     /* of the vGIC */
};

/* Where things went, for the boot log. */
struct vm_boot_layout {
	uint64_t kernel_ipa, kernel_size;
	uint64_t initrd_ipa, initrd_size;
	uint64_t dtb_ipa, dtb_size;
	int kernel_has_header;
};

/* The VM must have its RAM (one region, at vm->board.ram_base), its vPL011 and any virtio-mmio
 * devices (in its board's slots, vm->board.virtio_base: the DTB lists those) already; this adds the
 * vCPUs, sets up the vGIC, loads kernel and initrd and writes the DTB. HV_ERANGE if they do not
 * fit in RAM, HV_EINVAL for a bad image or configuration; one log line says which. */
int vm_boot_prepare(struct vm *vm, const struct vm_boot_config *cfg, struct vm_boot_layout *out);

#endif

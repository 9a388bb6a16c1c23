/* SPDX-License-Identifier: MIT */
#ifndef CORE_VMCONFIG_H
#define CORE_VMCONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <core/bootmod.h>
#include <core/hwinfo.h>
#include <core/vm.h>
#include <core/vm_board.h>

/* What the machine runs: VMs described as data (docs/config.md). The configuration is a
 * device tree compiled from configs/NAME.dts and handed to the hypervisor as a boot module;
 * tools/hvconfig.py resolves the file names it gives into boot modules (their addresses are
 * written into the compiled tree) and QEMU options. Without a configuration module the
 * hv.* boot arguments describe one VM, as before (vmconfig_from_bootargs()). */

#define VMCONFIG_MAX_VMS   4
#define VMCONFIG_MAX_DISKS 4
#define VMCONFIG_NODE_MAX  64

/* A boot module's place in the machine's RAM. */
struct vmconfig_span {
	uint64_t base, size;
};

enum vmconfig_disk_kind {
	VMCONFIG_DISK_HOST,   /* a disk of the machine: its virtio-blk number host_index */
	VMCONFIG_DISK_MEMORY, /* a ramdisk boot module served from memory */
};

struct vmconfig_disk {
	enum vmconfig_disk_kind kind;
	unsigned host_index;	    /* VMCONFIG_DISK_HOST */
	struct vmconfig_span image; /* VMCONFIG_DISK_MEMORY: the module */
	bool read_only;
	bool shared; /* read-only, and another VM may name the same backend */
};

struct vm_config {
	char name[VM_NAME_MAX];
	char node[VMCONFIG_NODE_MAX];	/* its node's path, for messages */
	unsigned vcpus;			/* 1..VM_MAX_VCPUS */
	unsigned pcpu_of[VM_MAX_VCPUS]; /* vCPU i runs on pCPU pcpu_of[i] */
	uint64_t ram_size;		/* bytes, a multiple of 2 MiB */
	struct vmconfig_span kernel;	/* the kernel boot module */
	struct vmconfig_span initrd;	/* size 0: none */
	char bootargs[BOOTMOD_ARGS_MAX];
	unsigned weight; /* CPU share relative to the other VMs (docs/scheduling.md), > 0 */
	bool console;	 /* takes console input first: exactly one VM of a configuration */
	struct vmconfig_disk disks[VMCONFIG_MAX_DISKS];
	unsigned disk_count;
	struct vm_board board;
	/* FF-A (docs/ffa.md): the UUID as its 16 bytes in string order (all zero: the nil UUID)
	 * and the messaging properties (FFA_PART_PROP_*, core/ffa.h). */
	uint8_t ffa_uuid[16];
	uint32_t ffa_props;
	/* Bit i: the VM may not see (nor message) VM i, from its `ffa-peers` list; 0 (no list):
	 * it sees every VM. Messages need both ends to see each other. */
	uint32_t ffa_hidden;
};

struct vmconfig {
	struct vm_config vm[VMCONFIG_MAX_VMS];
	unsigned count;
};

#define VMCONFIG_DEFAULT_WEIGHT VM_DEFAULT_WEIGHT

/* What a configuration is checked against. */
struct vmconfig_machine {
	const bool *pcpu_online; /* [pcpu_count] */
	unsigned pcpu_count;
	uint64_t free_bytes; /* memory left for guest RAM */
	const struct bootmod_list *modules;
};

/* The configuration module among `mods`: a ramdisk module that is a device tree whose root is
 * compatible with "hv,config". NULL if there is none. */
const struct bootmod *vmconfig_find_module(const struct bootmod_list *mods);

/* Read and check a configuration tree. Anything wrong (a missing kernel, overlapping RAM, too
 * many vCPUs, affinity to an absent pCPU, more RAM than is free, two VMs on one disk backend
 * unless both say shared, an unknown property, a property of the wrong type) logs one line
 * naming the VM node and the property, and returns a negative HV_E*. */
int vmconfig_parse(const void *blob, size_t size, const struct vmconfig_machine *m,
		   struct vmconfig *out);

/* The one VM that the hv.* boot arguments describe (hv.vcpus, hv.guest_mem, hv.pcpus /
 * hv.affinity, hv.disk, hv.memdisk), from the first kernel module: as vmconfig_parse(). */
int vmconfig_from_bootargs(const char *bootargs, const struct vmconfig_machine *m,
			   struct vmconfig *out);

#endif

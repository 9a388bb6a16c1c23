/* SPDX-License-Identifier: MIT */
#ifndef CORE_BOOTMOD_H
#define CORE_BOOTMOD_H

#include <stddef.h>
#include <stdint.h>

/* Boot modules: guest images the loader put in RAM next to the hypervisor, described in the
 * host DTB by the multiboot binding that QEMU's guest-loader, U-Boot and Xen-style loaders
 * write: /chosen/module@<addr> with compatible "multiboot,module" plus "multiboot,kernel" or
 * "multiboot,ramdisk", reg = <address size>, optional bootargs. */

#define BOOTMOD_MAX	 8
#define BOOTMOD_ARGS_MAX 256

enum bootmod_kind { BOOTMOD_KERNEL, BOOTMOD_RAMDISK, BOOTMOD_OTHER };

struct bootmod {
	enum bootmod_kind kind;
	uint64_t base, size;	     /* physical, size > 0, base + size does not wrap */
	char args[BOOTMOD_ARGS_MAX]; /* the node's bootargs, "" if none; too long is an error */
};

struct bootmod_list {
	struct bootmod mod[BOOTMOD_MAX]; /* DTB order */
	unsigned count;
};

/* Read every module node under /chosen. No /chosen or no module is an empty list, not an
 * error. A malformed module node (no or bad reg, empty range, bad bootargs) or more than
 * BOOTMOD_MAX modules logs one line naming the node and returns a negative HV_E*. */
int bootmod_discover(const void *blob, size_t max_size, struct bootmod_list *list);

/* The first module of `kind` at or after index `from`, or NULL. */
const struct bootmod *bootmod_find(const struct bootmod_list *list, enum bootmod_kind kind,
				   unsigned from);

#endif

/* SPDX-License-Identifier: MIT */
#ifndef CORE_BOOTMOD_H
#define CORE_BOOTMOD_H

#include <stddef.h>
#include <stdint.h>

#include <core/hwinfo.h>

/* Boot modules: guest images the loader put in RAM next to the hypervisor, described in the
 * host DTB by the multiboot binding that QEMU's guest-loader, U-Boot and Xen-style loaders
 * write: /chosen/module@<addr> with compatible "multiboot,module" plus "multiboot,kernel" or
 * "multiboot,ramdisk", reg = <address size>, optional bootargs. */

#define BOOTMOD_MAX	 8
#define BOOTMOD_ARGS_MAX 256
#define BOOTMOD_NODE_MAX 64

enum bootmod_kind { BOOTMOD_KERNEL, BOOTMOD_RAMDISK, BOOTMOD_OTHER };

struct bootmod {
	enum bootmod_kind kind;
	uint64_t base, size;	     /* physical, size > 0, base + size does not wrap */
	char args[BOOTMOD_ARGS_MAX]; /* the node's bootargs, "" if none; too long is an error */
	char node[BOOTMOD_NODE_MAX]; /* the node's path, for messages (may be shortened) */
};

struct bootmod_list {
	struct bootmod mod[BOOTMOD_MAX]; /* DTB order */
	unsigned count;
};

/* Read every module node under /chosen. No /chosen or no module is an empty list, not an
 * error. A malformed module node (no or bad reg, empty range, bad bootargs) or more than
 * BOOTMOD_MAX modules logs one line naming the node and returns a negative HV_E*. */
int bootmod_discover(const void *blob, size_t max_size, struct bootmod_list *list);

/* Memory the hypervisor owns that no module may overlap: its image, the host DTB, firmware's
 * /memreserve/ ranges. `name` is for messages. */
struct bootmod_area {
	const char *name;
	uint64_t base, size;
};

/* A loader can put a module anywhere: check the layout before any module is trusted. Each
 * module must lie inside one RAM bank (`ram`, `ram_count`), overlap none of the `owned` areas
 * and no other module; otherwise one log line names the module's node and what it overlaps,
 * and the result is HV_ERANGE (outside RAM) or HV_EBUSY (an overlap). Ranges are compared as
 * whole pages, as palloc_reserve() takes them. */
int bootmod_check_layout(const struct bootmod_list *list, const struct hw_range *ram,
			 unsigned ram_count, const struct bootmod_area *owned,
			 unsigned owned_count);

/* The first module of `kind` at or after index `from`, or NULL. */
const struct bootmod *bootmod_find(const struct bootmod_list *list, enum bootmod_kind kind,
				   unsigned from);

#endif

/* SPDX-License-Identifier: MIT */
#ifndef CORE_VMCONFIG_INTERNAL_H
#define CORE_VMCONFIG_INTERNAL_H

/* What core/vmconfig.c (reading the tree) and core/vmconfig_check.c (checking what it read)
 * share. Not part of the interface: core/include/core/vmconfig.h is. */

#include <core/vmconfig.h>

/* Log one line "config: <node>: <prop>: <why>" (no prop: "config: <node>: <why>") and return
 * `err`, so every refusal is one statement. */
int vmconfig_fail(const char *node, const char *prop, int err, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* One VM against the machine: its board (RAM, devices, interrupts inside the guest's address
 * space and apart from each other) and its vCPU placement. `ram_prop` names the property that
 * set where the RAM is, for messages. */
int vmconfig_check_vm(const struct vm_config *c, const struct vmconfig_machine *m,
		      const char *ram_prop);

/* Disk `d` (node `path`) of VM `c`, being read, against c's earlier disks and every disk of the
 * VMs read before (`sofar`): one backend serves one disk, unless both say read-only shared. */
int vmconfig_check_disk(const struct vmconfig *sofar, const struct vm_config *c,
			const struct vmconfig_disk *d, const char *path);

/* The VMs against each other: names, RAM in all against free memory, at most one console
 * VM. Gives the console to the first VM when none asks for it. */
int vmconfig_check_all(struct vmconfig *cfg, const struct vmconfig_machine *m);

/* The FF-A properties of VM node `node` (core/vmconfig_ffa.c), already type-checked, into `c`:
 * HV_OK, or the one logged line's error for a malformed UUID. */
struct fdt;
int vmconfig_parse_ffa(const struct fdt *f, int node, struct vm_config *c);
/* `ffa-peers` of each VM node under `vms`, once `out` holds every VM: the names are resolved
 * into struct vm_config.ffa_hidden; an unknown name is an error, with the node named. */
int vmconfig_ffa_peers(const struct fdt *f, int vms, struct vmconfig *out);

#endif

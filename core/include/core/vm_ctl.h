/* SPDX-License-Identifier: MIT */
#ifndef CORE_VM_CTL_H
#define CORE_VM_CTL_H

#include <stdbool.h>

struct vm;

/* Whole-VM lifecycle requests (docs/config.md, "Lifecycle"), from a VM's own PSCI calls or the
 * hypervisor console, on any pCPU, in any context (IRQ handlers included): each only records
 * the request and wakes the boot pCPU, whose VM manager carries it out (quiesce the VM on every
 * pCPU, free it, create it again from its configuration and pristine boot modules). */
enum vm_ctl_request {
	VM_CTL_STOP,  /* as PSCI SYSTEM_OFF: stop it, leave it stopped */
	VM_CTL_RESET, /* as PSCI SYSTEM_RESET: stop it, start it again from its images */
	VM_CTL_START, /* a stopped VM of the configuration starts again */
};

/* The configured VM called `name` (running or stopped), as its index in the configuration;
 * -1 if none. */
int vm_ctl_find(const char *name);

/* Ask for `req` on configured VM `index`. HV_EINVAL for an index out of range; HV_EBUSY when
 * a request for it is still being carried out. */
int vm_ctl_request(unsigned index, enum vm_ctl_request req);

#endif

/* SPDX-License-Identifier: MIT */
#ifndef CORE_VM_CTL_H
#define CORE_VM_CTL_H

#include <stdbool.h>

struct vm;
struct vm_config;
struct vmconfig;

/* Whole-VM lifecycle requests (docs/boot.md, "Lifecycle"), from a VM's own PSCI calls or the
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

/* The configured VM whose current life is `vm`, as its index; -1 if none (no VM manager). */
int vm_ctl_index_of(const struct vm *vm);

/* The current life of configured VM `index`, NULL while it is stopped. */
struct vm *vm_ctl_vm(unsigned index);

/* The VM manager. It makes VMs with a `vm_ctl_build` (vdev/vm_build.h: core/ does not attach
 * devices): the VM of `cfg`, its vCPUs not queued yet; one log line and a negative HV_E* if
 * not. The manager puts it on the console, then its vCPUs on their run queues. */
typedef int vm_ctl_build(const struct vm_config *cfg, struct vm **out);

/* Make every VM of `config` (kept by the caller for good) and let them run; `sched_stats`
 * adds the scheduler's measurements to the lines printed when a VM stops. A VM that cannot be
 * made stops boot: its error, the VMs made before it running still. */
int vm_ctl_init(const struct vmconfig *config, vm_ctl_build *build, bool sched_stats);

/* One look of the manager, on its pCPU: carry out the requests; a VM that stopped (PSCI
 * SYSTEM_OFF, a fault, VM_CTL_STOP) is reported and freed once its vCPUs have left every run
 * queue, and made again from its configuration and pristine boot modules if it asked for a
 * reset (PSCI SYSTEM_RESET, VM_CTL_RESET). HV_OK while some VM lives, HV_ENOENT once every VM
 * has ended, another HV_E* if one could not be made again. */
int vm_ctl_manage_step(void);

/* The calling pCPU's run loop with the manager in it (sched_loop()), until every VM has ended
 * (or one could not be made again); then one line per VM. Returns vm_ctl_exit_status(). */
int vm_ctl_run(void);

/* How the VMs ended: 0 if each ended with status 0 (PSCI SYSTEM_OFF), else the first non-zero
 * status one ended with (1 if a VM could not be made again). */
int vm_ctl_exit_status(void);

#endif

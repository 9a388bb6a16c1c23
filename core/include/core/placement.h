/* SPDX-License-Identifier: MIT */
#ifndef CORE_PLACEMENT_H
#define CORE_PLACEMENT_H

#include <stdbool.h>

/* Which pCPU runs each vCPU of a VM (vCPUs do not migrate: docs/scheduling.md, "Several
 * pCPUs"). Until VMs come from a configuration it is given on the hypervisor's command line:
 *   hv.pcpus=N         spread: vCPU i runs on pCPU i % N
 *   hv.affinity=a,b,.. vCPU i runs on pCPU list[i], one entry per vCPU
 * With neither, every vCPU runs on pCPU 0 (time-sliced). */

/* Fill `pcpu_of[0..vcpus-1]` from `args`. `online[p]` says whether pCPU p (p < `pcpus`) can
 * run vCPUs. On error nothing useful is in `pcpu_of`, and `why` (if not NULL) points to a
 * sentence for the boot log: HV_EINVAL for a malformed value, both keys given, or a list whose
 * length is not the vCPU count; HV_ENOENT for a pCPU that does not exist or is not online. */
int placement_parse(const char *args, unsigned vcpus, const bool *online, unsigned pcpus,
		    unsigned *pcpu_of, const char **why);

/* How many distinct pCPUs `pcpu_of[0..vcpus-1]` uses. */
unsigned placement_pcpus_used(const unsigned *pcpu_of, unsigned vcpus);

#endif

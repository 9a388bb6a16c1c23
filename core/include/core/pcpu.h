/* SPDX-License-Identifier: MIT */
#ifndef CORE_PCPU_H
#define CORE_PCPU_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include <core/hwinfo.h>

/* Physical CPUs. Index 0 is the boot CPU; the others follow in host-DTB order. The table
 * is written once by the boot CPU before any secondary starts; afterwards each pCPU writes
 * only its own `online` flag (atomic, so no lock). */

struct pcpu {
	unsigned id;
	uint64_t mpidr;
	atomic_bool online;
};

/* Build the table from the DTB's CPUs. HV_ENOENT when `boot_mpidr` is not among them (the
 * DTB does not describe the machine we run on), HV_EINVAL for a duplicate MPIDR. */
int pcpu_init(const struct hw_info *hw, uint64_t boot_mpidr);

unsigned pcpu_count(void);
unsigned pcpu_online_count(void);

/* NULL for an index that does not exist. */
struct pcpu *pcpu_get(unsigned id);

/* Start every secondary with PSCI CPU_ON, one after the other, each given up to
 * `timeout_ticks` of the system counter to report in. A CPU that fails to start is logged
 * and left off. Returns the number of pCPUs online afterwards, the boot CPU included. */
unsigned pcpu_start_secondaries(uint64_t timeout_ticks);

/* Called on a secondary pCPU once it runs C code with its MMU on: it is now online. */
void pcpu_report_online(unsigned id);

#endif

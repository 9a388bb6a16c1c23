// SPDX-License-Identifier: MIT
/* Physical CPU table and secondary bring-up. */
#include <core/cpu_msg.h>
#include <core/err.h>
#include <core/log.h>
#include <core/pcpu.h>
#include <hal/cpu.h>
#include <hal/firmware.h>
#include <hal/time.h>

static struct pcpu pcpus[HV_MAX_CPUS];
static unsigned pcpu_total;

int pcpu_init(const struct hw_info *hw, uint64_t boot_mpidr)
{
	unsigned boot = hw->cpu_count, next = 1;

	if (hw->cpu_count == 0 || hw->cpu_count > HV_MAX_CPUS)
		return HV_EINVAL;
	for (unsigned i = 0; i < hw->cpu_count; i++) {
		for (unsigned j = 0; j < i; j++) {
			if (hw->cpu_mpidr[i] == hw->cpu_mpidr[j]) {
				log_err("pcpu: mpidr 0x%llx appears twice in /cpus",
					(unsigned long long)hw->cpu_mpidr[i]);
				return HV_EINVAL;
			}
		}
		if (hw->cpu_mpidr[i] == boot_mpidr)
			boot = i;
	}
	if (boot == hw->cpu_count) {
		log_err("pcpu: the boot CPU (mpidr 0x%llx) is not in /cpus",
			(unsigned long long)boot_mpidr);
		return HV_ENOENT;
	}

	for (unsigned i = 0; i < hw->cpu_count; i++) {
		unsigned id = i == boot ? 0 : next++;

		pcpus[id].id = id;
		pcpus[id].mpidr = hw->cpu_mpidr[i];
		atomic_store(&pcpus[id].online, id == 0);
	}
	pcpu_total = hw->cpu_count;
	cpu_msg_reset();
	return HV_OK;
}

unsigned pcpu_count(void)
{
	return pcpu_total;
}

unsigned pcpu_online_count(void)
{
	unsigned n = 0;

	for (unsigned i = 0; i < pcpu_total; i++)
		n += atomic_load(&pcpus[i].online);
	return n;
}

struct pcpu *pcpu_get(unsigned id)
{
	return id < pcpu_total ? &pcpus[id] : NULL;
}

static bool wait_online(struct pcpu *p, uint64_t timeout_ticks)
{
	uint64_t start = hal_counter_now();

	while (!atomic_load_explicit(&p->online, memory_order_acquire)) {
		if (hal_counter_now() - start >= timeout_ticks)
			return false;
		hal_cpu_relax();
	}
	return true;
}

unsigned pcpu_start_secondaries(uint64_t timeout_ticks)
{
	for (unsigned id = 1; id < pcpu_total; id++) {
		struct pcpu *p = &pcpus[id];
		int32_t ret;

		/* Everything the boot CPU wrote must be visible before the new CPU reads it. */
		hal_memory_barrier();
		ret = hal_psci_cpu_on(p->mpidr, id);
		if (ret != 0) {
			log_err("pcpu: cpu %u (mpidr 0x%llx): PSCI CPU_ON failed with %d", id,
				(unsigned long long)p->mpidr, (int)ret);
			continue;
		}
		if (!wait_online(p, timeout_ticks))
			log_err("pcpu: cpu %u (mpidr 0x%llx) did not report in", id,
				(unsigned long long)p->mpidr);
	}
	return pcpu_online_count();
}

void pcpu_report_online(unsigned id)
{
	struct pcpu *p = pcpu_get(id);

	if (!p)
		return;
	log_info("cpu %u online (mpidr 0x%llx, EL%u)", id, (unsigned long long)p->mpidr,
		 hal_current_el());
	atomic_store_explicit(&p->online, true, memory_order_release);
}

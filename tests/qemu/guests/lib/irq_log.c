// SPDX-License-Identifier: MIT
/* Recording delivered interrupts (irq_log.h). */
#include "irq_log.h"

#include "gic_cpuif.h"

volatile struct irq_log irq_log;

void irq_log_reset(void)
{
	irq_log.n = 0;
}

void irq_log_handler(uint32_t intid)
{
	unsigned int n = irq_log.n;

	if (n < IRQ_LOG_MAX) {
		irq_log.e[n].intid = intid;
		irq_log.e[n].rpr = gic_read_rpr();
	}
	irq_log.n = n + 1;
}

unsigned int irq_log_count(uint32_t intid)
{
	unsigned int count = 0;

	for (unsigned int i = 0; i < irq_log.n && i < IRQ_LOG_MAX; i++)
		count += irq_log.e[i].intid == intid;
	return count;
}

bool irq_log_each_once(uint64_t set)
{
	uint64_t seen = 0;

	if (irq_log.n > IRQ_LOG_MAX)
		return false;
	for (unsigned int i = 0; i < irq_log.n; i++) {
		uint32_t intid = irq_log.e[i].intid;

		if (intid >= 64 || !(set & (1UL << intid)) || (seen & (1UL << intid)))
			return false;
		seen |= 1UL << intid;
	}
	return seen == set;
}

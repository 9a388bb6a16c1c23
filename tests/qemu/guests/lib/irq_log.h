/* SPDX-License-Identifier: MIT */
#ifndef GUEST_IRQ_LOG_H
#define GUEST_IRQ_LOG_H

/* A record of delivered interrupts, in order, for checks of delivery order and count:
 * register irq_log_handler() for the INTIDs under test. */

#include <stdbool.h>
#include <stdint.h>

#define IRQ_LOG_MAX 64

struct irq_log_entry {
	uint32_t intid;
	uint32_t rpr; /* ICC_RPR_EL1 in the handler: the running priority */
};

struct irq_log {
	unsigned int n; /* deliveries, also those past IRQ_LOG_MAX that were not kept */
	struct irq_log_entry e[IRQ_LOG_MAX];
};

extern volatile struct irq_log irq_log;

void irq_log_reset(void);
void irq_log_handler(uint32_t intid);

/* How many times `intid` was delivered since the reset. */
unsigned int irq_log_count(uint32_t intid);

/* True if every INTID in `set` (a bitmap of INTIDs 0-63) was delivered exactly once and
 * nothing else was. */
bool irq_log_each_once(uint64_t set);

#endif

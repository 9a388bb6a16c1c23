/* SPDX-License-Identifier: MIT */
#ifndef GUEST_IRQ_H
#define GUEST_IRQ_H

/* Interrupt handling of the test guests: a handler per INTID, called from the IRQ (Group 1)
 * and FIQ (Group 0) vectors, one interrupt per exception: acknowledge (ICC_IAR1_EL1, or
 * ICC_IAR0_EL1 for a FIQ), call the handler, mask interrupts again, then EOI (ICC_EOIR1_EL1 or
 * ICC_EOIR0_EL1, plus ICC_DIR_EL1 in EOImode 1).
 *
 * A handler runs with IRQs masked. It may unmask them (irq_enable()) to let a higher
 * priority interrupt preempt it; the dispatcher masks them again before the EOI and the
 * exception return. Handlers must not print: tests record and check afterwards. */

#include <stdbool.h>
#include <stdint.h>

#include "sysreg.h"

typedef void (*irq_handler_t)(uint32_t intid);

/* Install (or, with NULL, remove) the handler of `intid` (0-1019). */
void irq_register(uint32_t intid, irq_handler_t fn);

/* What the dispatcher saw, for the check that nothing unexpected arrived. */
struct irq_stats {
	unsigned int irqs;	 /* acknowledged through the IRQ vector */
	unsigned int fiqs;	 /* acknowledged through the FIQ vector (Group 0): none expected */
	unsigned int spurious;	 /* IRQ or FIQ taken but the acknowledge returned 1020-1023 */
	unsigned int unhandled;	 /* acknowledged with no handler: then disabled */
	uint32_t last_unhandled; /* its INTID */
};

extern volatile struct irq_stats irq_stats;

/* gic_init(), then the wait watchdog on the virtual timer (wait.h). False if the GIC did not
 * come up. */
bool irq_init(void);

/* ICC_CTLR_EL1.EOImode: with `split`, EOIR only drops the priority and the dispatcher also
 * writes ICC_DIR_EL1. */
void irq_set_eoimode(bool split);

/* A check that no unhandled interrupt and no FIQ arrived; prints the spurious count. */
void irq_check_clean(void);

/* Called by exception.c for an IRQ or FIQ taken from EL1h. */
void irq_handle(bool fiq);

/* PSTATE.I and F together, as Linux does: a Group 0 interrupt (which no test configures)
 * shows up as a counted FIQ instead of staying silent. The isb after unmasking lets a
 * pending interrupt be taken right there, before the next instruction. */
static inline void irq_enable(void)
{
	asm volatile("msr daifclr, #3\n\tisb" : : : "memory");
}

static inline void irq_disable(void)
{
	asm volatile("msr daifset, #3" : : : "memory");
}

static inline uint64_t irq_save(void)
{
	uint64_t daif = read_sysreg(daif);

	irq_disable();
	return daif;
}

static inline void irq_restore(uint64_t daif)
{
	asm volatile("msr daif, %0\n\tisb" : : "r"(daif) : "memory");
}

#endif

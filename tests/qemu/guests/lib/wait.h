/* SPDX-License-Identifier: MIT */
#ifndef GUEST_WAIT_H
#define GUEST_WAIT_H

/* Waiting for interrupts with a deadline on CNTVCT_EL0, so that a missing interrupt fails a
 * check instead of hanging the guest.
 *
 * wait_for(cond, timeout_us) evaluates `cond` with interrupts masked, and while it is false
 * and the deadline has not passed, sleeps in WFI (which wakes on a pending interrupt even
 * while masked), then unmasks for a moment to take what is pending. No interrupt can slip in
 * between the test of `cond` and the WFI. WFI alone could sleep forever, so it is used only
 * while the virtual timer is armed to fire by the deadline: normally the watchdog, which
 * wait_begin() sets to the deadline (PPI 27 at the highest priority); in a guest that tests
 * the timer itself, its own running timer (enabled at a priority ICC_PMR_EL1 lets through).
 * Otherwise the wait polls the counter. Usable from a handler: the watchdog nests.
 * Interrupts are taken while waiting whatever the caller's PSTATE; PSTATE is restored on
 * return. Once the deadline has passed, what is pending is still taken and `cond` looked at
 * once more: a host that stalls the guest past the deadline (QEMU on a loaded machine) must
 * not make an interrupt that was already pending look lost. */

#include <stdbool.h>
#include <stdint.h>

#define WAIT_WATCHDOG_PRIO 0x00

struct wait {
	uint64_t deadline;	 /* CNTVCT value */
	uint64_t outer_deadline; /* the enclosing wait's watchdog, 0 if none */
	uint64_t daif;
	bool over; /* the deadline passed: `cond` gets one last look */
};

void wait_begin(struct wait *w, uint64_t timeout_us);
/* False once the deadline has passed; otherwise sleep (or poll) once and take interrupts. */
bool wait_step(struct wait *w);
void wait_end(struct wait *w);

/* True if `cond` became true within `timeout_us`. */
#define wait_for(cond, timeout_us)                          \
	({                                                  \
		struct wait w_;                             \
		bool done_;                                 \
		wait_begin(&w_, (timeout_us));              \
		while (!(done_ = (cond)) && wait_step(&w_)) \
			;                                   \
		wait_end(&w_);                              \
		done_;                                      \
	})

/* Let interrupts in for `us` microseconds (to see that none arrives). */
void wait_us(uint64_t us);

/* Own the virtual timer as the watchdog (irq_init() turns it on), or give it up to a test. */
void wait_watchdog(bool on);

#endif

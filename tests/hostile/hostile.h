/* SPDX-License-Identifier: MIT */
#ifndef HOSTILE_H
#define HOSTILE_H

/* What the attacker (vCPU 0, attacker.c) and the victim (vCPU 1, victim.c) share. The MMU is
 * off, so every access is Device memory: the fields are seen by the other vCPU at once. */

#include <stdbool.h>
#include <stdint.h>

#define VICTIM_MPIDR   1
#define STORM_MPIDR    2
#define VICTIM_TICK_US 2000 /* the victim's timer period */
/* A tick this late is late: the longest a runnable vCPU can wait for the pCPU behind one
 * sibling, which is that sibling's whole turn: a scheduler slice (SCHED_SLICE_US, 10 ms), the
 * grace a turn gets while the guest masks IRQs (SCHED_GRACE_MAX_US, 0.5 ms, docs/scheduling.md
 * rule 2; the attacker always runs with IRQs masked) and the exit in progress when the turn ends
 * (bounded work, at most about 1.3 ms: docs/trap-path.md). */
#define VICTIM_LATE_US (10000 + 500 + 1300)
#define VICTIM_STACK   0x4000

struct victim_report {
	volatile uint32_t state; /* VICTIM_* */
	volatile bool stop;	 /* set by the attacker: finish after the current tick */
	volatile uint32_t ticks, late, early, lost;
	volatile uint32_t sums, corrupt; /* checksum rounds, and wrong ones */
	volatile uint64_t max_late_ticks;
};

enum { VICTIM_OFF, VICTIM_RUNNING, VICTIM_DONE, VICTIM_GIC_FAILED };

extern struct victim_report victim;

/* Entries (smp.S) and the victim's body (victim.c). */
void victim_entry(uint64_t stack_top);
void storm_entry(void);
void victim_main(void);

/* Run the instruction stub `stub` (its words end with RET) with x0-x3 = regs[0..3]; regs get
 * x0-x3 back. A synchronous exception in the stub returns to the caller. */
void hostile_exec(const uint32_t *stub, uint64_t regs[4]);

#endif

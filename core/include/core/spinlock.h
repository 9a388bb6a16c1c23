/* SPDX-License-Identifier: MIT */
#ifndef CORE_SPINLOCK_H
#define CORE_SPINLOCK_H

#include <stdatomic.h>
#include <stdbool.h>

#include <core/check.h>
#include <hal/cpu.h>

/* A test-and-test-and-set lock. Not a ticket lock: a ticket lock hands the lock to the next
 * waiter in line even when that waiter's pCPU is not running (a QEMU CPU thread the host has
 * descheduled, a pCPU itself virtualised), and every other waiter then spins until it runs:
 * with 4 QEMU CPUs on 2 host cores, Linux with 8 vCPUs on 4 pCPUs made no progress for
 * minutes, every pCPU spinning on one vGIC lock (docs/locking.md). Here whoever runs when
 * the lock is free takes it. Critical sections are short and bounded (docs/trap-path.md), so
 * the lack of FIFO order costs little. Needs the MMU on (exclusives on Normal memory). Lock
 * order: docs/locking.md. */
struct spinlock {
	atomic_bool held;
	unsigned *holder_count; /* the holder's spin_held[] entry: only the holder touches it */
};

/* How many spinlocks each pCPU holds now (core/spinlock.c). A lock held across a world switch
 * would stall every other pCPU that wants it for as long as the guest runs: the run loop
 * CHECKs that none is before each entry (core/exit.c). Only its own pCPU changes its count,
 * with an atomic load and store (no read-modify-write: nobody else writes it), so host
 * threads that play pCPUs stay race-free. */
extern unsigned spin_held[HAL_MAX_CPUS];

static inline void spin_held_add(unsigned *count, int delta)
{
	__atomic_store_n(count, __atomic_load_n(count, __ATOMIC_RELAXED) + (unsigned)delta,
			 __ATOMIC_RELAXED);
}

/* The number of spinlocks the calling pCPU holds. */
static inline unsigned spin_held_here(void)
{
	return __atomic_load_n(&spin_held[hal_cpu_id()], __ATOMIC_RELAXED);
}

#define SPINLOCK_INIT \
	{             \
		false \
	}

static inline void spin_lock_init(struct spinlock *l)
{
	atomic_init(&l->held, false);
}

static inline void spin_lock(struct spinlock *l)
{
	while (atomic_exchange_explicit(&l->held, true, memory_order_acquire)) {
		/* Wait reading, not writing: the line stays shared until the holder lets go. */
		while (atomic_load_explicit(&l->held, memory_order_relaxed))
			hal_cpu_relax();
	}
	/* Remembered for the unlock, which then needs no hal_cpu_id() (the holder's pCPU). */
	l->holder_count = &spin_held[hal_cpu_id()];
	spin_held_add(l->holder_count, 1);
}

/* Whether some pCPU holds `l` now (for checks and tests: the answer may change at once). */
static inline bool spin_is_held(struct spinlock *l)
{
	return atomic_load_explicit(&l->held, memory_order_relaxed);
}

static inline void spin_unlock(struct spinlock *l)
{
	/* Released while nobody holds it: the next locker would run with the lock "free". */
	CHECK(atomic_load_explicit(&l->held, memory_order_relaxed));
	spin_held_add(l->holder_count, -1);
	atomic_store_explicit(&l->held, false, memory_order_release);
}

#endif

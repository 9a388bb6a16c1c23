/* SPDX-License-Identifier: MIT */
#ifndef CORE_SPINLOCK_H
#define CORE_SPINLOCK_H

#include <stdatomic.h>

#include <core/check.h>
#include <hal/cpu.h>

/* A ticket lock: FIFO fair, so no pCPU starves another on a contended vGIC or console.
 * Needs the MMU on (exclusives on Normal memory). Lock order: docs/locking.md. */
struct spinlock {
	atomic_uint next;
	atomic_uint owner;
};

#define SPINLOCK_INIT \
	{             \
		0, 0  \
	}

static inline void spin_lock(struct spinlock *l)
{
	unsigned ticket = atomic_fetch_add_explicit(&l->next, 1, memory_order_relaxed);

	while (atomic_load_explicit(&l->owner, memory_order_acquire) != ticket)
		hal_cpu_relax();
}

static inline void spin_unlock(struct spinlock *l)
{
	unsigned owner = atomic_load_explicit(&l->owner, memory_order_relaxed);

	/* Released while nobody holds it: the next locker would run with the lock "free". */
	CHECK(atomic_load_explicit(&l->next, memory_order_relaxed) != owner);
	atomic_store_explicit(&l->owner, owner + 1, memory_order_release);
}

#endif

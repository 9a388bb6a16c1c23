/* SPDX-License-Identifier: MIT */
#ifndef CORE_CONSOLE_H
#define CORE_CONSOLE_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The console's output buffer. Every writer (the log, guest consoles) appends to one byte ring
 * under a lock held only for the copy; the bytes reach the UART (hal_console_write(), which
 * may poll a slow device) when someone drains the ring, one pCPU at a time and with no lock
 * held. So no exit waits for the UART with a lock held, and a guest's output costs an exit at
 * most CONSOLE_EXIT_BYTES of UART time (docs/trap-path.md). Bytes leave in the order they were
 * appended; an append is all or nothing, so lines written whole are never interleaved. */

#define CONSOLE_RING_SIZE  16384 /* bytes; a power of two */
#define CONSOLE_EXIT_BYTES 256	 /* drained per exit of a vCPU */

/* Append `len` bytes, all or nothing: false (nothing appended) if the ring has no room for them
 * now. For guest output, which waits for room as on a full UART FIFO. */
bool console_put(const char *s, size_t len);

/* Writers whose lines the console keeps apart (core/console_vm.c): the hypervisor's own text,
 * and each VM's tagged output (CONSOLE_OWNER_VM(vm id)). */
#define CONSOLE_OWNER_NONE   0u
#define CONSOLE_OWNER_HV     1u /* log lines */
#define CONSOLE_OWNER_PROMPT 2u /* the hypervisor console's prompt and echo */
#define CONSOLE_OWNER_VM(i)  (3u + (i))

/* As console_put(), as `owner`'s text: if it does not continue `owner`'s own open line it
 * starts a new one (a line break first when another writer's line was left open) with `tag`
 * (NULL: none) in front; all of it or nothing. */
bool console_put_from(unsigned owner, const char *tag, const char *s, size_t len);

/* Whose line the text appended so far leaves open (CONSOLE_OWNER_NONE: it ends a line, or it
 * was not tracked). */
unsigned console_open_line(void);

/* Whether every byte appended has gone to the UART. */
bool console_empty(void);

/* Whether the ring has no room for one more byte. */
bool console_full(void);

/* Write up to `budget` buffered bytes to the UART, unless another pCPU is draining already.
 * Called on every exit: the common case (nothing buffered) is two loads here, not a call. */
void console_drain_buffered(size_t budget);
extern _Atomic uint64_t console_appended, console_taken; /* published ring positions */
/* Bit n: VM slot n has output waiting in its line buffer (core/console_vm.c). */
extern _Atomic uint32_t console_vm_pending;
void console_vm_flush_due(void);
/* Whether the ring holds bytes not yet written out, from the published positions, without
 * the lock (console_empty() takes it). A stale answer is one another pCPU is appending right
 * now: that pCPU drains it at its own next call of console_drain(). */
static inline bool console_has_buffered(void)
{
	return atomic_load_explicit(&console_appended, memory_order_relaxed) !=
	       atomic_load_explicit(&console_taken, memory_order_relaxed);
}
static inline void console_drain(size_t budget)
{
	if (atomic_load_explicit(&console_vm_pending, memory_order_relaxed))
		console_vm_flush_due();
	/* A stale value only delays the drain to the next call. */
	if (console_has_buffered())
		console_drain_buffered(budget);
}

/* The hypervisor's own text: append it (draining first if the ring lacks room; text longer than
 * the ring goes through in pieces) and wait until everything up to it reached the UART. */
void console_write(const char *s, size_t len);
/* The same as `owner`'s text (CONSOLE_OWNER_*): console_write() is CONSOLE_OWNER_HV. */
void console_write_as(unsigned owner, const char *s, size_t len);

#endif

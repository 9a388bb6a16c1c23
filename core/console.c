// SPDX-License-Identifier: MIT
/* The console's output ring and its drain (see core/console.h). */
#include <stdatomic.h>
#include <stdint.h>

#include <core/console.h>
#include <core/lib.h>
#include <core/spinlock.h>
#include <hal/console.h>

_Static_assert((CONSOLE_RING_SIZE & (CONSOLE_RING_SIZE - 1)) == 0, "ring size: a power of two");

/* Bytes per UART call: the drain copies them out of the ring, then writes them unlocked. */
#define DRAIN_CHUNK 64

static struct {
	struct spinlock lock; /* head, tail and buf */
	uint64_t head;	      /* bytes ever appended */
	uint64_t tail;	      /* bytes ever taken out to the UART */
	/* Who wrote the last bytes appended if they did not end a line (CONSOLE_OWNER_NONE when
	 * they did): another writer's text then starts on a line of its own. */
	unsigned mid_line;
	char buf[CONSOLE_RING_SIZE];
} ring = {.lock = SPINLOCK_INIT};

/* One drainer at a time keeps the bytes in order on the UART. */
static atomic_bool draining;
/* ring.head and ring.tail as last published, for console_drain()'s unlocked look. */
_Atomic uint64_t console_appended, console_taken;

static void copy_in(const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++)
		ring.buf[(ring.head + i) % CONSOLE_RING_SIZE] = s[i];
	ring.head += len;
}

/* Append all of [s, s + len) or nothing, as `owner`'s text (CONSOLE_OWNER_NONE: untracked,
 * as a lone VM's output is). A tracked owner's text that does not continue its own line
 * starts a line: after a line break if someone else's line was left open, with `tag` (may be
 * NULL) in front. *end: the ring position just past it. */
static bool put(unsigned owner, const char *tag, const char *s, size_t len, uint64_t *end)
{
	static const char brk[] = "\r\n";
	bool fits, other, fresh;
	size_t need, tag_len;

	spin_lock(&ring.lock);
	other = owner != CONSOLE_OWNER_NONE && ring.mid_line != CONSOLE_OWNER_NONE &&
		ring.mid_line != owner;
	fresh = owner != CONSOLE_OWNER_NONE && ring.mid_line != owner;
	tag_len = fresh && tag ? strlen(tag) : 0;
	need = len + tag_len + (other ? sizeof(brk) - 1 : 0);
	fits = need <= CONSOLE_RING_SIZE - (ring.head - ring.tail);
	if (fits && len) {
		if (other)
			copy_in(brk, sizeof(brk) - 1);
		copy_in(tag, tag_len);
		copy_in(s, len);
		if (owner != CONSOLE_OWNER_NONE)
			ring.mid_line = s[len - 1] == '\n' ? CONSOLE_OWNER_NONE : owner;
	}
	*end = ring.head;
	atomic_store_explicit(&console_appended, ring.head, memory_order_relaxed);
	spin_unlock(&ring.lock);
	return fits;
}

bool console_put(const char *s, size_t len)
{
	bool fits;

	/* put() for an untracked owner, without its line tracking and tag: a lone VM's output
	 * comes here a byte at a time from its UART (vdev/vpl011.c DR). */
	spin_lock(&ring.lock);
	fits = len <= CONSOLE_RING_SIZE - (ring.head - ring.tail);
	if (fits)
		copy_in(s, len);
	atomic_store_explicit(&console_appended, ring.head, memory_order_relaxed);
	spin_unlock(&ring.lock);
	return fits;
}

bool console_put_from(unsigned owner, const char *tag, const char *s, size_t len)
{
	uint64_t end;

	return put(owner, tag, s, len, &end);
}

unsigned console_open_line(void)
{
	unsigned owner;

	spin_lock(&ring.lock);
	owner = ring.mid_line;
	spin_unlock(&ring.lock);
	return owner;
}

static uint64_t buffered(void)
{
	uint64_t n;

	spin_lock(&ring.lock);
	n = ring.head - ring.tail;
	spin_unlock(&ring.lock);
	return n;
}

bool console_empty(void)
{
	return buffered() == 0;
}

bool console_full(void)
{
	/* From the published positions, without the lock: a UART's FIFO-full bit is polled before
	 * every character (vdev/vpl011.c FR). An answer can be stale only while another pCPU
	 * appends or drains, as one taken under the lock can be a moment later; `taken` is read
	 * first, so a mixed pair errs towards "full" and the poller looks again. */
	uint64_t taken = atomic_load_explicit(&console_taken, memory_order_relaxed);

	return atomic_load_explicit(&console_appended, memory_order_relaxed) - taken >=
	       CONSOLE_RING_SIZE;
}

void console_drain_buffered(size_t budget)
{
	char chunk[DRAIN_CHUNK];
	size_t done = 0, n;

	if (atomic_exchange_explicit(&draining, true, memory_order_acquire))
		return;
	do {
		spin_lock(&ring.lock);
		n = (size_t)MIN(MIN(ring.head - ring.tail, (uint64_t)sizeof(chunk)), budget - done);
		for (size_t i = 0; i < n; i++)
			chunk[i] = ring.buf[(ring.tail + i) % CONSOLE_RING_SIZE];
		ring.tail += n;
		atomic_store_explicit(&console_taken, ring.tail, memory_order_relaxed);
		spin_unlock(&ring.lock);
		/* The UART may be slow: no lock is held while it takes the bytes. */
		if (n)
			hal_console_write(chunk, n);
		done += n;
		/* Less than a chunk: the ring was empty then (what came since waits for the next
		 * call), so no second look under the lock. */
	} while (n == sizeof(chunk) && done < budget);
	atomic_store_explicit(&draining, false, memory_order_release);
}

/* Whether the UART has had every byte before ring position `end`. */
static bool written_up_to(uint64_t end)
{
	bool done;

	spin_lock(&ring.lock);
	done = ring.tail >= end;
	spin_unlock(&ring.lock);
	return done;
}

void console_write_as(unsigned owner, const char *s, size_t len)
{
	uint64_t end = 0;

	while (len) {
		/* Room left for a line break in front. */
		size_t piece = MIN(len, (size_t)CONSOLE_RING_SIZE / 2);

		/* Another pCPU may be draining: its drain frees room, or ours does. */
		while (!put(owner, NULL, s, piece, &end))
			console_drain(SIZE_MAX);
		s += piece;
		len -= piece;
	}
	/* Only up to our own text: guests appending meanwhile cannot keep us waiting. */
	while (!written_up_to(end))
		console_drain(SIZE_MAX);
}

void console_write(const char *s, size_t len)
{
	console_write_as(CONSOLE_OWNER_HV, s, len);
}

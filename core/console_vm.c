// SPDX-License-Identifier: MIT
/* Guest output of several VMs on one console: a line buffer per VM, tagged lines, and the
 * order of the console cycle (see core/console_vm.h and docs/console.md). */
#include <stdatomic.h>

#include <core/check.h>
#include <core/console.h>
#include <core/console_vm.h>
#include <core/irq.h>
#include <core/lib.h>
#include <core/print.h>
#include <core/spinlock.h>
#include <core/vm.h>
#include <hal/time.h>

/* One VM slot's output. */
struct vm_out {
	struct spinlock lock; /* line, len, since */
	char tag[VM_NAME_MAX + 4];
	char line[CONSOLE_VM_LINE_MAX];
	size_t len;
	uint64_t since; /* counter value when the open line's first byte came */
	bool ready;	/* a whole line, or a full buffer, waits for room in the ring */
};

static struct vm_out outs[VM_MAX];

/* The VMs on the console in the order they came; registry_lock guards it (taken before a
 * slot's lock, never while waiting for the UART). */
static struct spinlock registry_lock = SPINLOCK_INIT;
static struct vm *order[VM_MAX];
static unsigned order_count;
static atomic_bool tagging;
static bool tag_always; /* console_vm_tag_always(); registry_lock */

_Atomic uint32_t console_vm_pending;

/* Length up to and including the first line end in [s, s + len), 0 if there is none. */
static size_t line_length(const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (s[i] == '\n')
			return i + 1;
	return 0;
}

static uint64_t flush_ticks(void)
{
	return hal_counter_freq() / (1000000 / CONSOLE_VM_FLUSH_US);
}

static void set_pending(unsigned id, bool pending)
{
	if (pending)
		atomic_fetch_or_explicit(&console_vm_pending, 1u << id, memory_order_relaxed);
	else
		atomic_fetch_and_explicit(&console_vm_pending, ~(1u << id), memory_order_relaxed);
}

/* Hand whole lines of slot `id` to the ring, then (`open`) the unfinished rest too, as far as
 * the ring takes them. The slot's lock held. */
static void flush_locked(unsigned id, bool open)
{
	struct vm_out *o = &outs[id];
	size_t n;

	while (o->len) {
		size_t whole = line_length(o->line, o->len);

		n = whole ? whole : o->len;
		if ((!whole && !open) ||
		    !console_put_from(CONSOLE_OWNER_VM(id), o->tag, o->line, n))
			break;
		memmove(o->line, o->line + n, o->len - n);
		o->len -= n;
		/* What is left starts a new line now. */
		__atomic_store_n(&o->since, hal_counter_now(), __ATOMIC_RELAXED);
	}
	__atomic_store_n(&o->ready, line_length(o->line, o->len) != 0 || o->len == sizeof(o->line),
			 __ATOMIC_RELAXED);
	set_pending(id, o->len != 0);
}

void console_vm_added(struct vm *vm, bool focus)
{
	struct vm_out *o = &outs[vm->id];
	bool first_pair;

	CHECK(vm->id < VM_MAX);
	spin_lock(&registry_lock);
	CHECK(order_count < VM_MAX);
	spin_lock(&o->lock);
	format(o->tag, sizeof(o->tag), "[%s] ", vm->name);
	o->len = 0;
	spin_unlock(&o->lock);
	order[order_count++] = vm;
	/* The first time a second VM comes, tags start and the focus is said. */
	first_pair = order_count > 1 && !atomic_exchange(&tagging, true);
	spin_unlock(&registry_lock);
	irq_console_offer(vm, focus);
	if (first_pair)
		irq_console_announce();
}

void console_vm_removed(struct vm *vm)
{
	struct vm_out *o = &outs[vm->id];
	unsigned i;

	/* No input reaches it once this returns. */
	irq_console_forget(vm);
	spin_lock(&o->lock);
	while (o->len) {
		flush_locked(vm->id, true);
		if (!o->len)
			break;
		spin_unlock(&o->lock);
		console_drain(SIZE_MAX);
		spin_lock(&o->lock);
	}
	spin_unlock(&o->lock);
	spin_lock(&registry_lock);
	for (i = 0; i < order_count && order[i] != vm; i++)
		;
	if (i < order_count) {
		memmove(&order[i], &order[i + 1], (order_count - i - 1) * sizeof(order[0]));
		order_count--;
	}
	/* Tags stay while VMs come and go; a console left with no VM starts afresh, unless the
	 * configuration has several (one that resets alone keeps its tag). */
	if (!order_count && !tag_always)
		atomic_store(&tagging, false);
	spin_unlock(&registry_lock);
}

void console_vm_tag_always(bool on)
{
	spin_lock(&registry_lock);
	tag_always = on;
	atomic_store(&tagging, on || order_count > 1);
	spin_unlock(&registry_lock);
}

bool console_vm_tagging(void)
{
	return atomic_load_explicit(&tagging, memory_order_relaxed);
}

bool console_vm_put(struct vm *vm, const char *s, size_t len)
{
	struct vm_out *o = &outs[vm->id];
	bool ok, line_end;

	if (!console_vm_tagging())
		return console_put(s, len);
	spin_lock(&o->lock);
	if (o->len + len > sizeof(o->line))
		flush_locked(vm->id, true);
	ok = o->len + len <= sizeof(o->line);
	if (ok && len) {
		if (!o->len)
			__atomic_store_n(&o->since, hal_counter_now(), __ATOMIC_RELAXED);
		memcpy(o->line + o->len, s, len);
		o->len += len;
		line_end = line_length(s, len) != 0;
		/* A full buffer goes out as it is: a line that long gets cut. */
		if (line_end || o->len == sizeof(o->line))
			flush_locked(vm->id, o->len == sizeof(o->line));
		else
			set_pending(vm->id, true);
	}
	spin_unlock(&o->lock);
	return ok;
}

bool console_vm_full(struct vm *vm)
{
	struct vm_out *o = &outs[vm->id];
	bool full;

	if (!console_vm_tagging())
		return console_full();
	spin_lock(&o->lock);
	if (o->len == sizeof(o->line))
		flush_locked(vm->id, true);
	full = o->len == sizeof(o->line);
	spin_unlock(&o->lock);
	return full;
}

void console_vm_waiting(struct vm *vm)
{
	struct vm_out *o = &outs[vm->id];

	if (!(atomic_load_explicit(&console_vm_pending, memory_order_relaxed) & (1u << vm->id)))
		return;
	spin_lock(&o->lock);
	flush_locked(vm->id, true);
	spin_unlock(&o->lock);
}

/* Whether the open line of `o` has waited `wait` ticks by `now` (another pCPU may have
 * restarted it since `now` was read). */
static bool open_too_long(const struct vm_out *o, uint64_t now, uint64_t wait)
{
	uint64_t since = __atomic_load_n(&o->since, __ATOMIC_RELAXED);

	return now >= since && now - since >= wait;
}

void console_vm_flush_due(void)
{
	uint32_t pending = atomic_load_explicit(&console_vm_pending, memory_order_relaxed);
	uint64_t now = hal_counter_now(), wait = flush_ticks();

	while (pending) {
		unsigned id = (unsigned)__builtin_ctz(pending);
		struct vm_out *o = &outs[id];

		bool due;

		pending &= pending - 1;
		/* Asked on every exit while a line is open: no lock until there is work. */
		due = open_too_long(o, now, wait);
		if (!due && !__atomic_load_n(&o->ready, __ATOMIC_RELAXED))
			continue;
		spin_lock(&o->lock);
		flush_locked(id, o->len == sizeof(o->line) || open_too_long(o, now, wait));
		spin_unlock(&o->lock);
	}
}

struct vm *console_vm_next(const struct vm *after)
{
	struct vm *next = NULL;
	unsigned i = 0;

	spin_lock(&registry_lock);
	if (after) {
		while (i < order_count && order[i] != after)
			i++;
		i = i < order_count ? i + 1 : 0;
	}
	if (i < order_count)
		next = order[i];
	spin_unlock(&registry_lock);
	return next;
}

void console_vm_each(void (*fn)(void *ctx, struct vm *vm), void *ctx)
{
	spin_lock(&registry_lock);
	for (unsigned i = 0; i < order_count; i++)
		fn(ctx, order[i]);
	spin_unlock(&registry_lock);
}

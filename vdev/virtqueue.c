// SPDX-License-Identifier: MIT
/* Split virtqueues, device side (see vdev/virtqueue.h). */
#include <core/err.h>
#include <core/gmem.h>
#include <core/lib.h>
#include <hal/cpu.h>
#include <vdev/virtio_spec.h>
#include <vdev/virtqueue.h>

/* Ring layouts (virtio 1.2, 2.7.6 and 2.7.8): flags, idx, then the entries; the event field
 * follows the last entry. */
#define RING_FLAGS     0
#define RING_IDX       2
#define RING_ENTRIES   4
#define AVAIL_ENT_SIZE 2
#define USED_ENT_SIZE  8

struct desc {
	uint64_t addr;
	uint32_t len;
	uint16_t flags, next;
};

static uint16_t get16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

static uint32_t get32(const uint8_t *p)
{
	return get16(p) | (uint32_t)get16(p + 2) << 16;
}

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

static void put32(uint8_t *p, uint32_t v)
{
	put16(p, (uint16_t)v);
	put16(p + 2, (uint16_t)(v >> 16));
}

static int broken(struct virtq *q, const char *why)
{
	q->broken = true;
	q->error = why;
	return HV_EINVAL;
}

static bool overlaps(uint64_t a, uint64_t alen, uint64_t b, uint64_t blen)
{
	return a < b + blen && b < a + alen;
}

static uint64_t avail_event_ipa(const struct virtq *q)
{
	return q->used + RING_ENTRIES + USED_ENT_SIZE * (uint64_t)q->num;
}

static uint64_t used_event_ipa(const struct virtq *q)
{
	return q->avail + RING_ENTRIES + AVAIL_ENT_SIZE * (uint64_t)q->num;
}

void virtq_reset(struct virtq *q)
{
	*q = (struct virtq){0};
}

int virtq_enable(struct vm *vm, struct virtq *q, uint32_t num_max, bool event_idx, bool indirect)
{
	uint64_t n = q->num;
	uint64_t desc_len = VIRTQ_DESC_SIZE * n, avail_len = RING_ENTRIES + AVAIL_ENT_SIZE * n + 2;
	uint64_t used_len = RING_ENTRIES + USED_ENT_SIZE * n + 2;
	const char *why = NULL;

	if (!n || n > num_max || (n & (n - 1)))
		why = "queue size is not a power of two up to QueueNumMax";
	else if (!is_aligned(q->desc, 16) || !is_aligned(q->avail, 2) || !is_aligned(q->used, 4))
		why = "ring address misaligned";
	else if (gmem_check(vm, q->desc, desc_len) || gmem_check(vm, q->avail, avail_len) ||
		 gmem_check(vm, q->used, used_len))
		why = "ring outside the VM's RAM";
	else if (overlaps(q->desc, desc_len, q->avail, avail_len) ||
		 overlaps(q->desc, desc_len, q->used, used_len) ||
		 overlaps(q->avail, avail_len, q->used, used_len))
		why = "rings overlap";
	if (why) {
		q->error = why;
		return HV_EINVAL;
	}
	q->ready = true;
	q->event_idx = event_idx;
	q->indirect = indirect;
	q->broken = false;
	q->error = NULL;
	q->last_avail = q->avail_idx = q->used_idx = q->signalled_used = 0;
	return HV_OK;
}

/* The driver's available idx, checked: it may be at most one ring ahead of what we took. */
static int read_avail_idx(struct vm *vm, struct virtq *q)
{
	uint8_t b[2];
	uint16_t idx;

	if (gmem_read(vm, q->avail + RING_IDX, b, sizeof(b)))
		return broken(q, "available ring left RAM");
	idx = get16(b);
	if ((uint16_t)(idx - q->last_avail) > q->num)
		return broken(q, "available idx is more than the queue size ahead");
	q->avail_idx = idx;
	return HV_OK;
}

static int read_desc(struct vm *vm, struct virtq *q, uint64_t table, uint32_t i, struct desc *d)
{
	uint8_t b[VIRTQ_DESC_SIZE];

	if (gmem_read(vm, table + (uint64_t)i * VIRTQ_DESC_SIZE, b, sizeof(b)))
		return broken(q, "descriptor table left RAM");
	d->addr = get32(b) | (uint64_t)get32(b + 4) << 32;
	d->len = get32(b + 8);
	d->flags = get16(b + 12);
	d->next = get16(b + 14);
	return HV_OK;
}

/* An indirect descriptor `d`: check it and the table it points to (virtio 1.2, 2.7.5.3.1). */
static int check_indirect(struct vm *vm, struct virtq *q, const struct desc *d, bool nested)
{
	if (!q->indirect)
		return broken(q, "indirect descriptor without VIRTIO_RING_F_INDIRECT_DESC");
	if (nested)
		return broken(q, "indirect descriptor inside an indirect table");
	if (d->flags & VIRTQ_DESC_F_NEXT)
		return broken(q, "indirect descriptor with NEXT");
	if (!d->len || d->len % VIRTQ_DESC_SIZE || d->len / VIRTQ_DESC_SIZE > VIRTQ_CHAIN_MAX)
		return broken(q, "indirect table length is not 16 to 16 * VIRTQ_CHAIN_MAX by 16");
	if (gmem_check(vm, d->addr, d->len))
		return broken(q, "indirect table outside the VM's RAM");
	return HV_OK;
}

/* Follow the chain from `head` into *c. Each table (the ring's, then at most one indirect
 * table) is walked at most its own size of steps, so a loop ends as an error. */
static int walk(struct vm *vm, struct virtq *q, uint16_t head, struct virtq_chain *c)
{
	uint64_t table = q->desc;
	uint32_t size = q->num, i = head, steps = 0;
	bool nested = false;
	struct desc d;
	int ret;

	c->head = head;
	c->count = c->nr_readable = 0;
	c->readable = c->writable = 0;
	for (;;) {
		if (++steps > size)
			return broken(q, "descriptor chain loops");
		ret = read_desc(vm, q, table, i, &d);
		if (ret)
			return ret;
		if (d.flags & VIRTQ_DESC_F_INDIRECT) {
			ret = check_indirect(vm, q, &d, nested);
			if (ret)
				return ret;
			table = d.addr;
			size = d.len / VIRTQ_DESC_SIZE;
			i = steps = 0;
			nested = true;
			continue;
		}
		if (c->count == VIRTQ_CHAIN_MAX)
			return broken(q, "descriptor chain longer than VIRTQ_CHAIN_MAX");
		/* Buffers past 4 GiB in all are not checked here: the used length is 32 bits, so a
		 * device refuses such a chain by its length, and checking it could only cost time
		 * (aliased buffers make it cheap to describe terabytes). Every access a device
		 * makes still goes through gmem. So a request costs at most 4 GiB of checks: 2048
		 * lookups of 2 MiB blocks. */
		if (c->readable + c->writable + d.len <= UINT32_MAX &&
		    gmem_check(vm, d.addr, d.len))
			return broken(q, "buffer outside the VM's RAM");
		if (d.flags & VIRTQ_DESC_F_WRITE) {
			c->writable += d.len;
		} else {
			if (c->count > c->nr_readable)
				return broken(q, "device-readable buffer after a writable one");
			c->readable += d.len;
			c->nr_readable++;
		}
		c->buf[c->count++] = (struct virtq_buf){.addr = d.addr, .len = d.len};
		if (!(d.flags & VIRTQ_DESC_F_NEXT))
			return HV_OK;
		if (d.next >= size)
			return broken(q, "next descriptor out of the table");
		i = d.next;
	}
}

int virtq_pop(struct vm *vm, struct virtq *q, struct virtq_chain *c)
{
	uint8_t b[2];
	int ret;

	if (!q->ready || q->broken)
		return HV_EINVAL;
	if (q->last_avail == q->avail_idx) {
		ret = read_avail_idx(vm, q);
		if (!ret && q->last_avail == q->avail_idx && q->event_idx) {
			/* Ask to be notified of the next buffer, then look again: the driver may
			 * have added one before it could see avail_event (virtio 1.2, 2.7.10). */
			put16(b, q->last_avail);
			if (gmem_write(vm, avail_event_ipa(q), b, sizeof(b)))
				return broken(q, "used ring left RAM");
			hal_memory_barrier();
			ret = read_avail_idx(vm, q);
		}
		if (ret)
			return ret;
		if (q->last_avail == q->avail_idx)
			return 0;
		/* Ring entries and descriptors are read after the idx that published them. */
		hal_memory_barrier();
	}
	if (gmem_read(vm, q->avail + RING_ENTRIES + AVAIL_ENT_SIZE * (q->last_avail % q->num), b,
		      sizeof(b)))
		return broken(q, "available ring left RAM");
	if (get16(b) >= q->num)
		return broken(q, "available ring names a descriptor beyond the queue size");
	ret = walk(vm, q, get16(b), c);
	if (ret)
		return ret;
	q->last_avail++;
	return 1;
}

int virtq_push(struct vm *vm, struct virtq *q, uint16_t head, uint32_t len)
{
	uint8_t elem[USED_ENT_SIZE], idx[2];

	if (!q->ready || q->broken)
		return HV_EINVAL;
	put32(elem, head);
	put32(elem + 4, len);
	if (gmem_write(vm, q->used + RING_ENTRIES + USED_ENT_SIZE * (q->used_idx % q->num), elem,
		       sizeof(elem)))
		return broken(q, "used ring left RAM");
	/* The driver reads the element only after it sees the idx that covers it. */
	hal_memory_barrier();
	put16(idx, (uint16_t)(q->used_idx + 1));
	if (gmem_write(vm, q->used + RING_IDX, idx, sizeof(idx)))
		return broken(q, "used ring left RAM");
	q->used_idx++;
	return HV_OK;
}

bool virtq_should_interrupt(struct vm *vm, struct virtq *q)
{
	uint16_t old = q->signalled_used, now = q->used_idx;
	uint8_t b[2];

	if (old == now)
		return false;
	q->signalled_used = now;
	/* Our used idx must be visible before we read the driver's wish, or the driver could
	 * miss our idx while we miss its new used_event (virtio 1.2, 2.7.10). */
	hal_memory_barrier();
	if (!q->event_idx) {
		/* An extra interrupt is harmless; a missed one hangs the driver. */
		if (gmem_read(vm, q->avail + RING_FLAGS, b, sizeof(b)))
			return true;
		return !(get16(b) & VIRTQ_AVAIL_F_NO_INTERRUPT);
	}
	if (gmem_read(vm, used_event_ipa(q), b, sizeof(b)))
		return true;
	/* Whether used_event lies in [old, now): the driver asked for an interrupt there. */
	return (uint16_t)(now - get16(b) - 1) < (uint16_t)(now - old);
}

static int chain_copy(struct vm *vm, const struct virtq_chain *c, bool to_guest, uint64_t off,
		      uint8_t *buf, size_t len)
{
	unsigned i = to_guest ? c->nr_readable : 0;
	uint64_t total = to_guest ? c->writable : c->readable;
	int ret;

	if (off > total || len > total - off)
		return HV_ERANGE;
	for (; len; i++) {
		const struct virtq_buf *b = &c->buf[i];
		size_t n;

		if (off >= b->len) {
			off -= b->len;
			continue;
		}
		n = (size_t)MIN(b->len - off, len);
		ret = to_guest ? gmem_write(vm, b->addr + off, buf, n)
			       : gmem_read(vm, b->addr + off, buf, n);
		if (ret)
			return ret;
		buf += n;
		len -= n;
		off = 0;
	}
	return HV_OK;
}

int virtq_chain_read(struct vm *vm, const struct virtq_chain *c, uint64_t off, void *buf,
		     size_t len)
{
	return chain_copy(vm, c, false, off, buf, len);
}

int virtq_chain_write(struct vm *vm, const struct virtq_chain *c, uint64_t off, const void *buf,
		      size_t len)
{
	/* chain_copy() only reads `buf` in this direction. */
	return chain_copy(vm, c, true, off, (uint8_t *)(uintptr_t)buf, len);
}

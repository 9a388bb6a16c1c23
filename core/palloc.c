// SPDX-License-Identifier: MIT
/* Physical page allocator: a sorted array of free extents [base, base+size), first fit.
 *
 * Invariants (checked by the tests): extents are page aligned, non-empty, sorted by base and
 * never touching (adjacent ones are merged), free_bytes is their total size, and no extent
 * ends past align_down(UINT64_MAX, PAGE_SIZE), so `base + size` never wraps.
 */
#include <core/err.h>
#include <core/lib.h>
#include <core/palloc.h>
#include <hal/mem.h>

/* The highest page-aligned end address an extent may have. */
#define PALLOC_TOP (~0ULL & ~(PAGE_SIZE - 1))

static uint64_t ext_end(const struct palloc_extent *e)
{
	return e->base + e->size;
}

/* Index of the first extent whose end is above `addr` (the only one that can hold or follow
 * `addr`), or pa->count. */
static unsigned find_after(const struct palloc *pa, uint64_t addr)
{
	unsigned i = 0;

	while (i < pa->count && ext_end(&pa->free[i]) <= addr)
		i++;
	return i;
}

static void remove_at(struct palloc *pa, unsigned i)
{
	memmove(&pa->free[i], &pa->free[i + 1], (pa->count - i - 1) * sizeof(pa->free[0]));
	pa->count--;
}

static void insert_at(struct palloc *pa, unsigned i, uint64_t base, uint64_t size)
{
	memmove(&pa->free[i + 1], &pa->free[i], (pa->count - i) * sizeof(pa->free[0]));
	pa->free[i].base = base;
	pa->free[i].size = size;
	pa->count++;
}

/* Put the page-aligned, non-empty [base, end) back into the free list, merging with the
 * neighbours. Fails without changing anything if any byte is already free (HV_EINVAL) or if
 * a new extent is needed and no slot is left (HV_ENOMEM). Called with the lock held. */
static int insert_range(struct palloc *pa, uint64_t base, uint64_t end)
{
	unsigned i = find_after(pa, base);
	bool join_prev = i > 0 && ext_end(&pa->free[i - 1]) == base;
	bool join_next = i < pa->count && pa->free[i].base == end;

	/* free[i] is the first extent ending above base: it overlaps iff it starts below end. */
	if (i < pa->count && pa->free[i].base < end)
		return HV_EINVAL;

	if (join_prev && join_next) {
		pa->free[i - 1].size += (end - base) + pa->free[i].size;
		remove_at(pa, i);
	} else if (join_prev) {
		pa->free[i - 1].size += end - base;
	} else if (join_next) {
		pa->free[i].base = base;
		pa->free[i].size += end - base;
	} else {
		if (pa->count == PALLOC_MAX_EXTENTS)
			return HV_ENOMEM;
		insert_at(pa, i, base, end - base);
	}
	pa->free_bytes += end - base;
	return HV_OK;
}

void palloc_init(struct palloc *pa)
{
	memset(pa, 0, sizeof(*pa));
	spin_lock_init(&pa->lock);
}

int palloc_add(struct palloc *pa, uint64_t base, uint64_t size)
{
	uint64_t start, end;
	int ret;

	if (!range_ok(base, size))
		return HV_EINVAL;
	/* Shrink inward; a range holding no whole page adds nothing. */
	if (base > PALLOC_TOP)
		return HV_OK;
	start = align_up(base, PAGE_SIZE);
	end = align_down(base + size, PAGE_SIZE);
	if (start >= end)
		return HV_OK;

	spin_lock(&pa->lock);
	ret = insert_range(pa, start, end);
	spin_unlock(&pa->lock);
	return ret;
}

int palloc_reserve(struct palloc *pa, uint64_t base, uint64_t size)
{
	uint64_t start, end;
	unsigned i;

	if (!range_ok(base, size))
		return HV_EINVAL;
	if (size == 0)
		return HV_OK;
	/* Widen outward; the top partial page can never be free, so clamping loses nothing. */
	start = align_down(base, PAGE_SIZE);
	end = base + size > PALLOC_TOP ? PALLOC_TOP : align_up(base + size, PAGE_SIZE);
	if (start >= end)
		return HV_OK;

	spin_lock(&pa->lock);
	i = find_after(pa, start);
	/* Strictly inside one extent: the only case that needs a new slot, so check it first. */
	if (i < pa->count && pa->free[i].base < start && ext_end(&pa->free[i]) > end) {
		struct palloc_extent *e = &pa->free[i];
		uint64_t e_end = ext_end(e);

		if (pa->count == PALLOC_MAX_EXTENTS) {
			spin_unlock(&pa->lock);
			return HV_ENOMEM;
		}
		e->size = start - e->base;
		insert_at(pa, i + 1, end, e_end - end);
		pa->free_bytes -= end - start;
		spin_unlock(&pa->lock);
		return HV_OK;
	}
	while (i < pa->count && pa->free[i].base < end) {
		struct palloc_extent *e = &pa->free[i];
		uint64_t cut_lo = MAX(e->base, start), cut_hi = MIN(ext_end(e), end);

		pa->free_bytes -= cut_hi - cut_lo;
		if (cut_lo > e->base) {
			/* Keep the head; the range goes on past this extent's end. */
			e->size = cut_lo - e->base;
			i++;
		} else if (cut_hi < ext_end(e)) {
			/* Keep the tail; nothing after it can overlap. */
			e->size = ext_end(e) - cut_hi;
			e->base = cut_hi;
			break;
		} else {
			remove_at(pa, i);
		}
	}
	spin_unlock(&pa->lock);
	return HV_OK;
}

int palloc_alloc(struct palloc *pa, uint64_t size, uint64_t align, uint64_t *out_pa)
{
	int ret = HV_ENOMEM;

	if (align == 0)
		align = PAGE_SIZE;
	if (size == 0 || size > PALLOC_TOP || align < PAGE_SIZE || (align & (align - 1)) != 0)
		return HV_EINVAL;
	size = align_up(size, PAGE_SIZE);

	spin_lock(&pa->lock);
	for (unsigned i = 0; i < pa->count; i++) {
		struct palloc_extent *e = &pa->free[i];
		uint64_t end = ext_end(e);
		uint64_t at;

		/* align_up() of a base near the top would wrap: no aligned address fits there. */
		if (e->base > ~0ULL - (align - 1))
			continue;
		at = align_up(e->base, align);
		if (at >= end || end - at < size)
			continue;
		if (at == e->base) {
			e->base += size;
			e->size -= size;
			if (e->size == 0)
				remove_at(pa, i);
		} else if (at + size == end) {
			e->size -= size;
		} else {
			/* A hole in the middle needs a slot for the tail; try a later extent. */
			if (pa->count == PALLOC_MAX_EXTENTS)
				continue;
			e->size = at - e->base;
			insert_at(pa, i + 1, at + size, end - (at + size));
		}
		pa->free_bytes -= size;
		*out_pa = at;
		ret = HV_OK;
		break;
	}
	spin_unlock(&pa->lock);
	return ret;
}

int palloc_alloc_zeroed_page(struct palloc *pa, uint64_t *out_pa)
{
	int ret = palloc_alloc(pa, PAGE_SIZE, PAGE_SIZE, out_pa);

	if (ret == HV_OK)
		memset(hal_phys_to_ptr(*out_pa), 0, PAGE_SIZE);
	return ret;
}

int palloc_free(struct palloc *pa, uint64_t base, uint64_t size)
{
	int ret;

	/* Same rounding as palloc_alloc(), so callers pass back the size they asked for. */
	if (size == 0 || !is_aligned(base, PAGE_SIZE) || size > PALLOC_TOP - base)
		return HV_EINVAL;
	size = align_up(size, PAGE_SIZE);

	spin_lock(&pa->lock);
	ret = insert_range(pa, base, base + size);
	spin_unlock(&pa->lock);
	return ret;
}

uint64_t palloc_free_bytes(struct palloc *pa)
{
	uint64_t bytes;

	spin_lock(&pa->lock);
	bytes = pa->free_bytes;
	spin_unlock(&pa->lock);
	return bytes;
}

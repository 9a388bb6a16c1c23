// SPDX-License-Identifier: MIT
/* A canary-guarded buffer arena (arena.h). */
#include "arena.h"

#include "printf.h"

static uint64_t align_up(uint64_t v, uint64_t align)
{
	return (v + align - 1) & ~(align - 1);
}

void fill64(uint64_t addr, uint64_t len, uint64_t v)
{
	volatile uint64_t *p = (volatile uint64_t *)addr;

	for (uint64_t i = 0; i < len / 8; i++)
		p[i] = v;
}

bool all64(uint64_t addr, uint64_t len, uint64_t v)
{
	volatile uint64_t *p = (volatile uint64_t *)addr;

	for (uint64_t i = 0; i < len / 8; i++)
		if (p[i] != v)
			return false;
	return true;
}

void arena_init(struct arena *a, void *base, uint64_t bytes)
{
	volatile uint64_t *w = base;

	a->base = (uint64_t)base;
	a->bytes = bytes;
	a->top = 0;
	a->count = 0;
	for (uint64_t off = 0; off < bytes; off += 8)
		w[off / 8] = ARENA_CANARY(off);
}

uint64_t arena_carve(struct arena *a, uint64_t len, uint64_t align)
{
	uint64_t off = align_up(a->top + ARENA_GAP, align);

	len = align_up(len, 8);
	if (a->count == ARENA_MAX_REGIONS || off + len > a->bytes)
		return 0;
	a->region[a->count].off = off;
	a->region[a->count].len = len;
	a->count++;
	a->top = off + len;
	return a->base + off;
}

bool arena_canaries_intact(const struct arena *a)
{
	volatile uint64_t *w = (volatile uint64_t *)a->base;
	uint64_t off = 0;

	/* Regions are carved in address order: check the gap before each, then the tail. */
	for (unsigned r = 0; r <= a->count; r++) {
		uint64_t end = r < a->count ? a->region[r].off : a->bytes;

		for (; off < end; off += 8) {
			if (w[off / 8] != ARENA_CANARY(off)) {
				printf("#   canary at 0x%lx is 0x%lx\n", a->base + off, w[off / 8]);
				return false;
			}
		}
		if (r < a->count)
			off = a->region[r].off + a->region[r].len;
	}
	return true;
}

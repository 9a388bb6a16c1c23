/* SPDX-License-Identifier: MIT */
#ifndef GUEST_ARENA_H
#define GUEST_ARENA_H

/* Buffers handed to a device, carved from an arena whose every other byte holds a canary: a
 * check afterwards shows whether anything was written outside the buffers. The canary word at
 * arena offset `off` is ARENA_CANARY(off), so a word copied from elsewhere is caught too. With
 * the MMU off the arena is Device memory: all accesses here are aligned 64-bit ones. */

#include <stdbool.h>
#include <stdint.h>

#define ARENA_MAX_REGIONS 128
#define ARENA_GAP	  64 /* canary bytes before each region */
#define ARENA_CANARY(off) (0xca4a000000000000UL | (off))

struct arena {
	uint64_t base, bytes, top;
	unsigned count;
	struct {
		uint64_t off, len;
	} region[ARENA_MAX_REGIONS];
};

/* Take `bytes` (a multiple of 8) at `base` (8-aligned) and fill them with canaries. */
void arena_init(struct arena *a, void *base, uint64_t bytes);

/* A region of `len` bytes (rounded up to 8) aligned to `align` (a power of two, at least 8),
 * after a canary gap; 0 once the arena or its region table is full. */
uint64_t arena_carve(struct arena *a, uint64_t len, uint64_t align);

/* Whether every word outside the regions still holds its canary; prints the first that does
 * not. */
bool arena_canaries_intact(const struct arena *a);

/* Aligned 64-bit fills and compares of `len` bytes (a multiple of 8) at `addr`. */
void fill64(uint64_t addr, uint64_t len, uint64_t v);
bool all64(uint64_t addr, uint64_t len, uint64_t v);

#endif

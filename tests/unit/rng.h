/* SPDX-License-Identifier: MIT */
#ifndef TESTS_UNIT_RNG_H
#define TESTS_UNIT_RNG_H

#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

/* A small deterministic generator (SplitMix64) for model-based random tests. Every test
 * prints its seed; TEST_SEED=<n> in the environment replays a run. */

static inline uint64_t rng_next(uint64_t *state)
{
	uint64_t z = (*state += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* Uniform enough in [0, n) for test purposes; n > 0. */
static inline uint64_t rng_below(uint64_t *state, uint64_t n)
{
	return rng_next(state) % n;
}

static inline uint64_t rng_seed(const char *test, uint64_t fixed)
{
	const char *env = getenv("TEST_SEED");
	uint64_t seed = env ? strtoull(env, NULL, 0) : fixed;

	printf("%s: seed %" PRIu64 " (replay with TEST_SEED=%" PRIu64 ")\n", test, seed, seed);
	return seed;
}

#endif

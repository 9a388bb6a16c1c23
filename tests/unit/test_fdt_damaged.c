// SPDX-License-Identifier: MIT
/* Tests of core/fdt.c on damaged blobs: every truncated prefix of a fixture, with and without a
 * header fixed up to claim only what is there, and random byte flips (fixed, printed seed). The
 * reader and hw_discover() must refuse or survive them: no read out of bounds, no endless walk.
 * Every blob sits in an exactly-sized malloc'd buffer so AddressSanitizer turns any
 * out-of-bounds read into a failure. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <core/err.h>
#include <core/fdt.h>
#include <core/hwinfo.h>
#include <core/lib.h>

#include "fdt_fixture.h"
#include "fixture.h"

/* Open whatever `blob` is; if it opens, walk it. Run discovery on it either way. */
static bool open_and_walk(const uint8_t *blob, size_t size)
{
	struct hw_info hw;
	struct fdt f;
	bool opened = fdt_open(&f, blob, size) == 0;

	if (opened)
		fdtfx_walk_everything(&f);
	(void)hw_discover(blob, size, &hw);
	return opened;
}

/* xorshift32: a tiny deterministic generator for the random tests. */
static uint32_t rng_next(uint32_t *state)
{
	uint32_t x = *state;

	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	*state = x;
	return x;
}

static uint32_t test_seed(uint32_t dflt)
{
	const char *env = getenv("TEST_SEED");
	uint32_t seed = env ? (uint32_t)strtoul(env, NULL, 0) : dflt;

	if (seed == 0)
		seed = 1;
	print_message("random seed 0x%08x (set TEST_SEED to replay another)\n", seed);
	return seed;
}

/* --- truncation --- */

static void test_fdt_rejects_every_truncated_prefix(void **state)
{
	static const char *const names[] = {"fdt_basic.dtb", "hw_qemu_virt_4cpu.dtb"};
	unsigned i;

	for (i = 0; i < ARRAY_SIZE(names); i++) {
		size_t size, len;
		uint8_t *blob = fixture_load(names[i], &size);

		for (len = 0; len < size; len++) {
			uint8_t *copy = fixture_dup(blob, len);
			struct hw_info hw;
			struct fdt f;

			assert_int_equal(fdt_open(&f, copy, len), HV_EINVAL);
			assert_true(hw_discover(copy, len, &hw) < 0);
			free(copy);
		}
		free(blob);
	}
}

/* A prefix whose header was fixed up to claim only what is there: the reader must find the
 * damage in the blocks themselves, never read past the end, and never loop forever. */
static void test_fdt_survives_every_prefix_with_a_consistent_header(void **state)
{
	static const char *const names[] = {"fdt_basic.dtb", "hw_qemu_virt_1cpu.dtb"};
	unsigned i;

	for (i = 0; i < ARRAY_SIZE(names); i++) {
		size_t size, len;
		uint8_t *blob = fixture_load(names[i], &size);
		unsigned opened = 0;

		for (len = FDTH_SIZE; len < size; len++) {
			uint8_t *copy = fixture_dup(blob, len);
			uint32_t off;

			fixture_put_be32(copy + FDTH_TOTALSIZE, (uint32_t)len);
			off = fixture_get_be32(copy + FDTH_OFF_STRUCT);
			if (off <= len && off + fixture_get_be32(copy + FDTH_SIZE_STRUCT) > len)
				fixture_put_be32(copy + FDTH_SIZE_STRUCT, (uint32_t)len - off);
			off = fixture_get_be32(copy + FDTH_OFF_STRINGS);
			if (off <= len && off + fixture_get_be32(copy + FDTH_SIZE_STRINGS) > len)
				fixture_put_be32(copy + FDTH_SIZE_STRINGS, (uint32_t)len - off);
			opened += open_and_walk(copy, len);
			free(copy);
		}
		/* dtc puts strings last: cutting only unused strings-block padding cannot occur,
		 * so every proper prefix loses a name some property needs. */
		assert_int_equal(opened, 0);
		free(blob);
	}
}

/* --- random damage --- */

static void flip_bytes(const char *name, unsigned iterations, uint32_t seed)
{
	size_t size;
	uint8_t *blob = fixture_load(name, &size);
	uint8_t *copy = malloc(size);
	unsigned i, opened = 0;

	for (i = 0; i < iterations; i++) {
		unsigned k, flips = 1 + rng_next(&seed) % 8;

		memcpy(copy, blob, size);
		for (k = 0; k < flips; k++) {
			uint32_t r = rng_next(&seed);
			/* Half the flips hit the header and the first tokens, where damage
			 * matters most. */
			size_t pos = (r & 1) ? (r >> 1) % MIN(size, 256) : (r >> 1) % size;

			copy[pos] ^= (uint8_t)(1u << ((r >> 24) & 7));
			if ((r >> 28) == 0)
				copy[pos] = (uint8_t)(r >> 16);
		}
		opened += open_and_walk(copy, size);
	}
	print_message("%s: %u of %u damaged blobs still opened\n", name, opened, iterations);
	free(copy);
	free(blob);
}

static void test_fdt_random_byte_flips_never_crash(void **state)
{
	uint32_t seed = test_seed(0x5eed1234);

	flip_bytes("fdt_basic.dtb", 6000, seed);
	flip_bytes("hw_qemu_virt_4cpu.dtb", 3000, seed ^ 0x9e3779b9);
	flip_bytes("hw_multi_mem.dtb", 3000, seed ^ 0x7f4a7c15);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup(test_fdt_rejects_every_truncated_prefix, fdtfx_setup),
	    cmocka_unit_test_setup(test_fdt_survives_every_prefix_with_a_consistent_header,
				   fdtfx_setup),
	    cmocka_unit_test_setup(test_fdt_random_byte_flips_never_crash, fdtfx_setup),
	};

	return cmocka_run_group_tests_name("fdt_damaged", tests, NULL, NULL);
}

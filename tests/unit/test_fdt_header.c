// SPDX-License-Identifier: MIT
/* Tests of core/fdt.c, the header: a blob at an odd address and a version 16 blob open; a
 * failed open leaves a reader that finds nothing; every hostile header, made by mutating a
 * fixture, is refused with an err_what that names what is wrong.
 * Every blob sits in an exactly-sized malloc'd buffer so AddressSanitizer turns any
 * out-of-bounds read into a failure. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <core/err.h>
#include <core/fdt.h>

#include "fdt_fixture.h"
#include "fixture.h"

static void test_fdt_reads_a_blob_at_an_odd_address(void **state)
{
	size_t size;
	uint8_t *blob = fixture_load("fdt_basic.dtb", &size);
	uint8_t *buf = malloc(size + 1);
	struct fdt f;
	uint32_t v;

	memcpy(buf + 1, blob, size);
	assert_int_equal(fdt_open(&f, buf + 1, size), 0);
	assert_int_equal(fdt_get_u32(&f, fdt_root(&f), "u32-prop", &v), 0);
	assert_int_equal(v, 0x12345678);
	assert_int_equal(fdtfx_walk_everything(&f), 15);
	free(buf);
	free(blob);
}

static void test_fdt_accepts_version_16_without_struct_size(void **state)
{
	size_t size;
	uint8_t *blob = fixture_load("fdt_basic.dtb", &size);
	struct fdt f;

	fixture_put_be32(blob + FDTH_VERSION, 16);
	fixture_put_be32(blob + FDTH_SIZE_STRUCT, 0xffffffff); /* not a v16 field: ignored */
	assert_int_equal(fdt_open(&f, blob, size), 0);
	assert_int_equal(fdtfx_walk_everything(&f), 15);
	free(blob);
}

static void test_fdt_failed_open_leaves_a_reader_that_finds_nothing(void **state)
{
	size_t size;
	uint8_t *blob = fixture_load("fdt_basic.dtb", &size);
	struct fdt f;
	int depth = 0;

	fixture_put_be32(blob + FDTH_MAGIC, 0);
	assert_int_equal(fdt_open(&f, blob, size), HV_EINVAL);
	assert_true(fdt_root(&f) < 0);
	assert_true(fdt_next_node(&f, -1, &depth) < 0);
	assert_true(fdt_find_path(&f, "/") < 0);
	free(blob);
}

/* --- hostile headers --- */

/* Open a mutated copy of fdt_basic.dtb and expect `err`, with err_what mentioning `what`. */
static void expect_header_reject(void (*mutate)(uint8_t *blob, size_t size), int err,
				 const char *what)
{
	size_t size;
	uint8_t *blob = fixture_load("fdt_basic.dtb", &size);
	struct fdt f;

	mutate(blob, size);
	assert_int_equal(fdt_open(&f, blob, size), err);
	assert_non_null(f.err_what);
	if (!strstr(f.err_what, what))
		fail_msg("err_what \"%s\" does not mention \"%s\"", f.err_what, what);
	free(blob);
}

static void test_fdt_rejects_null_and_too_small_buffers(void **state)
{
	size_t size;
	uint8_t *blob = fixture_load("fdt_basic.dtb", &size);
	struct fdt f;
	size_t len;

	assert_int_equal(fdt_open(&f, NULL, 4096), HV_EINVAL);
	for (len = 0; len < FDTH_SIZE; len++) {
		uint8_t *copy = fixture_dup(blob, len);

		assert_int_equal(fdt_open(&f, copy, len), HV_EINVAL);
		free(copy);
	}
	free(blob);
}

static void mut_magic(uint8_t *b, size_t s)
{
	fixture_put_be32(b + FDTH_MAGIC, 0xedfe0dd0); /* byte-swapped */
}
static void test_fdt_rejects_bad_magic(void **state)
{
	expect_header_reject(mut_magic, HV_EINVAL, "magic");
}

static void mut_total_plus1(uint8_t *b, size_t s)
{
	fixture_put_be32(b + FDTH_TOTALSIZE, (uint32_t)s + 1);
}
static void mut_total_max(uint8_t *b, size_t s)
{
	fixture_put_be32(b + FDTH_TOTALSIZE, 0xffffffff);
}
static void test_fdt_rejects_totalsize_beyond_buffer(void **state)
{
	expect_header_reject(mut_total_plus1, HV_EINVAL, "totalsize");
	expect_header_reject(mut_total_max, HV_EINVAL, "totalsize");
}

static void mut_total_small(uint8_t *b, size_t s)
{
	fixture_put_be32(b + FDTH_TOTALSIZE, FDTH_SIZE - 1);
}
static void test_fdt_rejects_totalsize_smaller_than_header(void **state)
{
	expect_header_reject(mut_total_small, HV_EINVAL, "header");
}

static void mut_version_15(uint8_t *b, size_t s)
{
	fixture_put_be32(b + FDTH_VERSION, 15);
}
static void mut_last_comp_18(uint8_t *b, size_t s)
{
	fixture_put_be32(b + FDTH_VERSION, 18);
	fixture_put_be32(b + FDTH_LAST_COMP, 18);
}
static void test_fdt_rejects_unsupported_versions(void **state)
{
	expect_header_reject(mut_version_15, HV_ENOTSUP, "version");
	expect_header_reject(mut_last_comp_18, HV_ENOTSUP, "version");
}

static void mut_struct_off_end(uint8_t *b, size_t s)
{
	fixture_put_be32(b + FDTH_OFF_STRUCT, (uint32_t)s + 4);
}
static void mut_struct_off_misaligned(uint8_t *b, size_t s)
{
	fixture_put_be32(b + FDTH_OFF_STRUCT, fixture_get_be32(b + FDTH_OFF_STRUCT) + 2);
}
static void mut_struct_off_in_header(uint8_t *b, size_t s)
{
	fixture_put_be32(b + FDTH_OFF_STRUCT, 0);
}
static void mut_struct_size_end(uint8_t *b, size_t s)
{
	fixture_put_be32(b + FDTH_SIZE_STRUCT, (uint32_t)s);
}
static void test_fdt_rejects_structure_block_outside_the_blob(void **state)
{
	expect_header_reject(mut_struct_off_end, HV_EINVAL, "structure");
	expect_header_reject(mut_struct_off_misaligned, HV_EINVAL, "structure");
	expect_header_reject(mut_struct_off_in_header, HV_EINVAL, "structure");
	expect_header_reject(mut_struct_size_end, HV_EINVAL, "structure");
}

static void mut_strings_off_end(uint8_t *b, size_t s)
{
	fixture_put_be32(b + FDTH_OFF_STRINGS, (uint32_t)s);
	fixture_put_be32(b + FDTH_SIZE_STRINGS, 1);
}
static void mut_strings_size_end(uint8_t *b, size_t s)
{
	fixture_put_be32(b + FDTH_SIZE_STRINGS, (uint32_t)s);
}
static void test_fdt_rejects_strings_block_outside_the_blob(void **state)
{
	expect_header_reject(mut_strings_off_end, HV_EINVAL, "strings");
	expect_header_reject(mut_strings_size_end, HV_EINVAL, "strings");
}

/* off + size == 2^32 + small: wraps to a small, plausible value in 32-bit arithmetic. */
static void mut_struct_size_wraps(uint8_t *b, size_t s)
{
	fixture_put_be32(b + FDTH_SIZE_STRUCT, 0u - fixture_get_be32(b + FDTH_OFF_STRUCT) + 8);
}
static void mut_strings_size_wraps(uint8_t *b, size_t s)
{
	fixture_put_be32(b + FDTH_SIZE_STRINGS, 0u - fixture_get_be32(b + FDTH_OFF_STRINGS) + 8);
}
static void mut_rsvmap_off_wraps(uint8_t *b, size_t s)
{
	fixture_put_be32(b + FDTH_OFF_RSVMAP, 0xfffffff8);
}
static void mut_strings_off_wraps(uint8_t *b, size_t s)
{
	fixture_put_be32(b + FDTH_OFF_STRINGS, 0xfffffff0);
	fixture_put_be32(b + FDTH_SIZE_STRINGS, 0x20);
}
static void test_fdt_rejects_size_fields_that_overflow_32_bit_arithmetic(void **state)
{
	expect_header_reject(mut_struct_size_wraps, HV_EINVAL, "structure");
	expect_header_reject(mut_strings_size_wraps, HV_EINVAL, "strings");
	expect_header_reject(mut_rsvmap_off_wraps, HV_EINVAL, "reservation");
	expect_header_reject(mut_strings_off_wraps, HV_EINVAL, "strings");
}

static void mut_rsvmap_misaligned(uint8_t *b, size_t s)
{
	fixture_put_be32(b + FDTH_OFF_RSVMAP, fixture_get_be32(b + FDTH_OFF_RSVMAP) + 4);
}
static void mut_rsvmap_past_end(uint8_t *b, size_t s)
{
	fixture_put_be32(b + FDTH_OFF_RSVMAP, (uint32_t)s & ~7u);
}
static void mut_rsvmap_unterminated(uint8_t *b, size_t s)
{
	/* Point the map at the strings block's end: no (0, 0) entry before totalsize. */
	uint32_t off = ((uint32_t)s - 24) & ~7u;

	memset(b + off, 0xab, s - off);
	fixture_put_be32(b + FDTH_OFF_RSVMAP, off);
}
static void test_fdt_rejects_bad_memory_reservation_block(void **state)
{
	expect_header_reject(mut_rsvmap_misaligned, HV_EINVAL, "reservation");
	expect_header_reject(mut_rsvmap_past_end, HV_EINVAL, "reservation");
	expect_header_reject(mut_rsvmap_unterminated, HV_EINVAL, "reservation");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup(test_fdt_reads_a_blob_at_an_odd_address, fdtfx_setup),
	    cmocka_unit_test_setup(test_fdt_accepts_version_16_without_struct_size, fdtfx_setup),
	    cmocka_unit_test_setup(test_fdt_failed_open_leaves_a_reader_that_finds_nothing,
				   fdtfx_setup),
	    cmocka_unit_test_setup(test_fdt_rejects_null_and_too_small_buffers, fdtfx_setup),
	    cmocka_unit_test_setup(test_fdt_rejects_bad_magic, fdtfx_setup),
	    cmocka_unit_test_setup(test_fdt_rejects_totalsize_beyond_buffer, fdtfx_setup),
	    cmocka_unit_test_setup(test_fdt_rejects_totalsize_smaller_than_header, fdtfx_setup),
	    cmocka_unit_test_setup(test_fdt_rejects_unsupported_versions, fdtfx_setup),
	    cmocka_unit_test_setup(test_fdt_rejects_structure_block_outside_the_blob, fdtfx_setup),
	    cmocka_unit_test_setup(test_fdt_rejects_strings_block_outside_the_blob, fdtfx_setup),
	    cmocka_unit_test_setup(test_fdt_rejects_size_fields_that_overflow_32_bit_arithmetic,
				   fdtfx_setup),
	    cmocka_unit_test_setup(test_fdt_rejects_bad_memory_reservation_block, fdtfx_setup),
	};

	return cmocka_run_group_tests_name("fdt_header", tests, NULL, NULL);
}

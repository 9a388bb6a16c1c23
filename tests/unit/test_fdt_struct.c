// SPDX-License-Identifier: MIT
/* Tests of core/fdt.c, the structure block: NOP tokens anywhere and nesting up to the cap are
 * accepted; hostile token streams, made by mutating a fixture or by the test builder, are
 * refused with an err_what that names the damage, and hw_discover() logs one line for them.
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
#include <hal-sim/sim_hal.h>

#include "fdt_fixture.h"
#include "fixture.h"

static void test_fdt_accepts_nop_tokens_anywhere_a_token_may_be(void **state)
{
	struct fdtb *b = fdtb_new();
	struct fdt f;
	size_t size;
	uint8_t *blob;
	uint32_t v;
	int n;

	fdtb_token(b, FDTT_NOP);
	fdtb_begin_node(b, "");
	fdtb_token(b, FDTT_NOP);
	fdtb_prop_u32(b, "a", 1);
	fdtb_token(b, FDTT_NOP);
	fdtb_prop_u32(b, "b", 2);
	fdtb_begin_node(b, "x");
	fdtb_token(b, FDTT_NOP);
	fdtb_end_node(b);
	fdtb_token(b, FDTT_NOP);
	fdtb_begin_node(b, "y");
	fdtb_end_node(b);
	fdtb_token(b, FDTT_NOP);
	fdtb_end_node(b);
	fdtb_token(b, FDTT_NOP);
	blob = fdtb_finish(b, true, &size);
	assert_int_equal(fdt_open(&f, blob, size), 0);
	assert_int_equal(fdt_root(&f), 4);
	assert_int_equal(fdt_get_u32(&f, fdt_root(&f), "b", &v), 0);
	assert_int_equal(v, 2);
	n = fdt_first_child(&f, fdt_root(&f));
	assert_string_equal(fdt_node_name(&f, n, NULL), "x");
	n = fdt_next_sibling(&f, n);
	assert_string_equal(fdt_node_name(&f, n, NULL), "y");
	assert_int_equal(fdt_next_sibling(&f, n), HV_ENOENT);
	assert_int_equal(fdtfx_walk_everything(&f), 3);
	free(blob);
}

/* --- hostile structure blocks --- */

static void expect_struct_reject(uint8_t *blob, size_t size, const char *what)
{
	struct hw_info hw;
	struct fdt f;

	assert_int_equal(fdt_open(&f, blob, size), HV_EINVAL);
	assert_non_null(f.err_what);
	if (!strstr(f.err_what, what))
		fail_msg("err_what \"%s\" does not mention \"%s\"", f.err_what, what);
	sim_console_clear();
	assert_int_equal(hw_discover(blob, size, &hw), HV_EINVAL);
	assert_int_equal(console_line_count(), 1);
	free(blob);
}

static void expect_built_reject(struct fdtb *b, bool with_end, const char *what)
{
	size_t size;
	uint8_t *blob = fdtb_finish(b, with_end, &size);

	expect_struct_reject(blob, size, what);
}

static void test_fdt_rejects_unterminated_name_in_strings_block(void **state)
{
	size_t size;
	uint8_t *blob = fixture_load("fdt_basic.dtb", &size);
	uint32_t end =
	    fixture_get_be32(blob + FDTH_OFF_STRINGS) + fixture_get_be32(blob + FDTH_SIZE_STRINGS);

	/* The block ends with the last name's NUL. */
	assert_int_equal(blob[end - 1], 0);
	blob[end - 1] = 'x';
	expect_struct_reject(blob, size, "not terminated inside the strings block");
}

static void test_fdt_rejects_property_name_offset_past_strings_block(void **state)
{
	size_t size;
	uint8_t *blob = fixture_load("fdt_basic.dtb", &size);
	uint32_t st = fixture_get_be32(blob + FDTH_OFF_STRUCT);
	/* Root: BEGIN_NODE, "" padded to 4, then the first PROP: tag, len, nameoff. */
	uint8_t *nameoff = blob + st + 8 + 8;

	assert_int_equal(fixture_get_be32(blob + st + 8), FDTT_PROP);
	fixture_put_be32(nameoff, fixture_get_be32(blob + FDTH_SIZE_STRINGS));
	expect_struct_reject(blob, size, "name offset outside the strings block");

	blob = fixture_load("fdt_basic.dtb", &size);
	fixture_put_be32(blob + st + 16, 0xffffffff);
	expect_struct_reject(blob, size, "name offset outside the strings block");
}

static void test_fdt_rejects_property_length_past_struct_block(void **state)
{
	static const uint32_t lens[] = {0x1000, 0x7ffffff0, 0xfffffff4, 0xffffffff};
	unsigned i;

	for (i = 0; i < ARRAY_SIZE(lens); i++) {
		size_t size;
		uint8_t *blob = fixture_load("fdt_basic.dtb", &size);
		uint32_t st = fixture_get_be32(blob + FDTH_OFF_STRUCT);

		fixture_put_be32(blob + st + 12, lens[i]);
		expect_struct_reject(blob, size, "past the structure block");
	}
}

static void test_fdt_rejects_unterminated_node_name(void **state)
{
	struct fdtb *b = fdtb_new();
	size_t size;
	uint8_t *blob;

	fdtb_begin_node(b, "");
	fdtb_end_node(b);
	blob = fdtb_finish(b, false, &size);
	/* Replace END_NODE by the start of a name that runs to the end of the block. */
	{
		uint32_t st = fixture_get_be32(blob + FDTH_OFF_STRUCT);

		fixture_put_be32(blob + st, FDTT_BEGIN_NODE);
		memset(blob + st + 4, 'n', 8);
	}
	expect_struct_reject(blob, size, "node name not terminated");
}

static uint8_t *nested_tree(unsigned depth, size_t *size)
{
	struct fdtb *b = fdtb_new();
	unsigned i;

	fdtb_begin_node(b, "");
	for (i = 0; i < depth; i++)
		fdtb_begin_node(b, "n");
	fdtb_prop_u32(b, "deepest", 1);
	for (i = 0; i < depth; i++)
		fdtb_end_node(b);
	fdtb_end_node(b);
	return fdtb_finish(b, true, size);
}

static void test_fdt_accepts_nesting_up_to_the_cap(void **state)
{
	size_t size;
	uint8_t *blob = nested_tree(FDT_MAX_DEPTH, &size);
	struct fdt f;
	char path[2 * FDT_MAX_DEPTH + 2], want[2 * FDT_MAX_DEPTH + 2];
	int node = -1, depth = 0, last = -1, n;

	assert_int_equal(fdt_open(&f, blob, size), 0);
	while ((node = fdt_next_node(&f, node, &depth)) >= 0)
		last = node;
	for (n = 0; n < FDT_MAX_DEPTH; n++)
		memcpy(want + 2 * n, "/n", 3);
	assert_int_equal(fdt_find_path(&f, want), last);
	assert_int_equal(fdt_node_path(&f, last, path, sizeof(path)), 2 * FDT_MAX_DEPTH);
	assert_string_equal(path, want);
	n = fdt_parent(&f, last);
	assert_true(n >= 0 && n < last);
	assert_int_equal(fdtfx_walk_everything(&f), FDT_MAX_DEPTH + 1);
	free(blob);
}

static void test_fdt_rejects_nesting_deeper_than_the_cap(void **state)
{
	size_t size;

	uint8_t *blob = nested_tree(FDT_MAX_DEPTH + 1, &size);

	expect_struct_reject(blob, size, "too deep");
	blob = nested_tree(1000, &size);
	expect_struct_reject(blob, size, "too deep");
}

static void test_fdt_rejects_missing_fdt_end(void **state)
{
	struct fdtb *b = fdtb_new();
	size_t size;
	uint8_t *blob;
	uint32_t st, end;

	fdtb_begin_node(b, "");
	fdtb_prop_u32(b, "a", 1);
	fdtb_end_node(b);
	expect_built_reject(b, false, "no FDT_END");

	/* The same in a real blob: turn its FDT_END into a NOP. */
	blob = fixture_load("hw_qemu_virt_4cpu.dtb", &size);
	st = fixture_get_be32(blob + FDTH_OFF_STRUCT);
	end = st + fixture_get_be32(blob + FDTH_SIZE_STRUCT) - 4;
	assert_int_equal(fixture_get_be32(blob + end), FDTT_END);
	fixture_put_be32(blob + end, FDTT_NOP);
	expect_struct_reject(blob, size, "no FDT_END");
}

static void test_fdt_rejects_fdt_end_inside_a_node(void **state)
{
	struct fdtb *b = fdtb_new();

	fdtb_begin_node(b, "");
	fdtb_begin_node(b, "a");
	fdtb_token(b, FDTT_END);
	fdtb_end_node(b);
	fdtb_end_node(b);
	expect_built_reject(b, true, "FDT_END before");

	b = fdtb_new();
	expect_built_reject(b, true, "FDT_END before");
}

static void test_fdt_rejects_unknown_token(void **state)
{
	static const uint32_t toks[] = {0, 5, 8, 10, 0xffffffff};
	unsigned i;

	for (i = 0; i < ARRAY_SIZE(toks); i++) {
		struct fdtb *b = fdtb_new();

		fdtb_begin_node(b, "");
		fdtb_token(b, toks[i]);
		fdtb_end_node(b);
		expect_built_reject(b, true, "unknown token");
	}
}

static void test_fdt_rejects_unbalanced_end_node(void **state)
{
	struct fdtb *b = fdtb_new();

	fdtb_begin_node(b, "");
	fdtb_end_node(b);
	fdtb_end_node(b);
	expect_built_reject(b, true, "unbalanced");
}

static void test_fdt_rejects_property_after_subnode(void **state)
{
	struct fdtb *b = fdtb_new();

	fdtb_begin_node(b, "");
	fdtb_begin_node(b, "a");
	fdtb_end_node(b);
	fdtb_prop_u32(b, "late", 1);
	fdtb_end_node(b);
	expect_built_reject(b, true, "after a subnode");
}

static void test_fdt_rejects_property_outside_the_root(void **state)
{
	struct fdtb *b = fdtb_new();

	fdtb_prop_u32(b, "early", 1);
	fdtb_begin_node(b, "");
	fdtb_end_node(b);
	expect_built_reject(b, true, "outside a node");
}

static void test_fdt_rejects_second_root_node(void **state)
{
	struct fdtb *b = fdtb_new();

	fdtb_begin_node(b, "");
	fdtb_end_node(b);
	fdtb_begin_node(b, "");
	fdtb_end_node(b);
	expect_built_reject(b, true, "second root");
}

static void test_fdt_rejects_token_padding_past_the_block(void **state)
{
	/* A property whose value ends exactly at the block end leaves no room for the padding
	 * and the tokens that must follow. */
	struct fdtb *b = fdtb_new();
	size_t size;
	uint8_t *blob;
	uint32_t st_size;

	fdtb_begin_node(b, "");
	fdtb_prop(b, "v", "ab", 2);
	blob = fdtb_finish(b, false, &size);
	st_size = fixture_get_be32(blob + FDTH_SIZE_STRUCT);
	fixture_put_be32(blob + FDTH_SIZE_STRUCT, st_size - 2);
	expect_struct_reject(blob, size, "padding");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup(test_fdt_accepts_nop_tokens_anywhere_a_token_may_be,
				   fdtfx_setup),
	    cmocka_unit_test_setup(test_fdt_rejects_unterminated_name_in_strings_block,
				   fdtfx_setup),
	    cmocka_unit_test_setup(test_fdt_rejects_property_name_offset_past_strings_block,
				   fdtfx_setup),
	    cmocka_unit_test_setup(test_fdt_rejects_property_length_past_struct_block, fdtfx_setup),
	    cmocka_unit_test_setup(test_fdt_rejects_unterminated_node_name, fdtfx_setup),
	    cmocka_unit_test_setup(test_fdt_accepts_nesting_up_to_the_cap, fdtfx_setup),
	    cmocka_unit_test_setup(test_fdt_rejects_nesting_deeper_than_the_cap, fdtfx_setup),
	    cmocka_unit_test_setup(test_fdt_rejects_missing_fdt_end, fdtfx_setup),
	    cmocka_unit_test_setup(test_fdt_rejects_fdt_end_inside_a_node, fdtfx_setup),
	    cmocka_unit_test_setup(test_fdt_rejects_unknown_token, fdtfx_setup),
	    cmocka_unit_test_setup(test_fdt_rejects_unbalanced_end_node, fdtfx_setup),
	    cmocka_unit_test_setup(test_fdt_rejects_property_after_subnode, fdtfx_setup),
	    cmocka_unit_test_setup(test_fdt_rejects_property_outside_the_root, fdtfx_setup),
	    cmocka_unit_test_setup(test_fdt_rejects_second_root_node, fdtfx_setup),
	    cmocka_unit_test_setup(test_fdt_rejects_token_padding_past_the_block, fdtfx_setup),
	};

	return cmocka_run_group_tests_name("fdt_struct", tests, NULL, NULL);
}

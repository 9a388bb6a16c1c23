// SPDX-License-Identifier: MIT
/* Tests of core/fdt.c, property reads on dtc-compiled fixtures and builder trees: values and
 * lengths, the number and string getters and what they reject, string lists, "status", "reg"
 * read with the parent's cell counts, the memory reservation map and property iteration. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include <cmocka.h>

#include <core/err.h>
#include <core/fdt.h>
#include <core/lib.h>

#include "fdt_fixture.h"
#include "fixture.h"

static void test_fdt_get_prop_returns_value_and_length(void **state)
{
	struct fdt f;
	size_t size;
	uint8_t *blob = fdtfx_load_open("fdt_basic.dtb", &size, &f);
	int root = fdt_root(&f);
	struct fdt_prop p;
	const char *s;
	uint32_t v32;
	uint64_t v64;

	assert_int_equal(fdt_get_prop(&f, root, "empty-prop", &p), 0);
	assert_int_equal(p.len, 0);
	assert_string_equal(p.name, "empty-prop");
	assert_int_equal(fdt_get_prop(&f, root, "bytes", &p), 0);
	assert_int_equal(p.len, 3);
	assert_memory_equal(p.val, "\x01\x02\x03", 3);
	assert_int_equal(fdt_get_u32(&f, root, "u32-prop", &v32), 0);
	assert_int_equal(v32, 0x12345678);
	assert_int_equal(fdt_get_u64(&f, root, "u64-prop", &v64), 0);
	assert_int_equal(v64, 0x123456789abcdef0ULL);
	assert_int_equal(fdt_get_u64(&f, root, "u32-prop", &v64), 0); /* one cell is a u64 too */
	assert_int_equal(v64, 0x12345678);
	assert_int_equal(fdt_get_string(&f, root, "model", &s), 0);
	assert_string_equal(s, "fdt test");
	assert_int_equal(fdt_get_prop(&f, root, "no-such-prop", &p), HV_ENOENT);
	assert_int_equal(fdt_get_u32(&f, root, "no-such-prop", &v32), HV_ENOENT);
	/* A name that is only a prefix of a property's name is not that property. */
	assert_int_equal(fdt_get_prop(&f, root, "u32", &p), HV_ENOENT);
	free(blob);
}

static void test_fdt_number_getters_reject_wrong_lengths(void **state)
{
	struct fdt f;
	size_t size;
	uint8_t *blob = fdtfx_load_open("fdt_basic.dtb", &size, &f);
	int root = fdt_root(&f);
	uint32_t v32 = 7;
	uint64_t v64 = 7;

	assert_int_equal(fdt_get_u32(&f, root, "u64-prop", &v32), HV_EINVAL);
	assert_int_equal(fdt_get_u32(&f, root, "empty-prop", &v32), HV_EINVAL);
	assert_int_equal(fdt_get_u32(&f, root, "bytes", &v32), HV_EINVAL);
	assert_int_equal(fdt_get_u64(&f, root, "bytes", &v64), HV_EINVAL);
	assert_int_equal(fdt_get_u64(&f, root, "model", &v64), HV_EINVAL);
	assert_int_equal(v32, 7); /* untouched on failure */
	assert_int_equal(v64, 7);
	free(blob);
}

static void test_fdt_get_string_rejects_lists_empty_and_binary_values(void **state)
{
	struct fdt f;
	size_t size;
	uint8_t *blob = fdtfx_load_open("fdt_basic.dtb", &size, &f);
	int root = fdt_root(&f);
	const char *s = NULL;

	assert_int_equal(fdt_get_string(&f, root, "str-list", &s), HV_EINVAL);
	assert_int_equal(fdt_get_string(&f, root, "compatible", &s), HV_EINVAL);
	assert_int_equal(fdt_get_string(&f, root, "empty-prop", &s), HV_EINVAL);
	assert_int_equal(fdt_get_string(&f, root, "bytes", &s), HV_EINVAL);
	assert_int_equal(fdt_get_string(&f, root, "u32-prop", &s), HV_EINVAL);
	assert_null(s);
	free(blob);
}

static void test_fdt_strlist_yields_each_string_including_empty_ones(void **state)
{
	struct fdt f;
	size_t size;
	uint8_t *blob = fdtfx_load_open("fdt_basic.dtb", &size, &f);
	struct fdt_strlist it;
	struct fdt_prop p;

	assert_int_equal(fdt_get_prop(&f, fdt_root(&f), "str-list", &p), 0);
	assert_int_equal(fdt_strlist_init(&it, &p), 0);
	assert_string_equal(fdt_strlist_next(&it), "first");
	assert_string_equal(fdt_strlist_next(&it), "");
	assert_string_equal(fdt_strlist_next(&it), "third");
	assert_null(fdt_strlist_next(&it));
	assert_null(fdt_strlist_next(&it));
	/* An empty value is an empty list. */
	assert_int_equal(fdt_get_prop(&f, fdt_root(&f), "empty-prop", &p), 0);
	assert_int_equal(fdt_strlist_init(&it, &p), 0);
	assert_null(fdt_strlist_next(&it));
	free(blob);
}

static void test_fdt_strlist_rejects_unterminated_last_string(void **state)
{
	static const uint8_t val[] = {'a', 0, 'b', 'c'};
	struct fdt_prop p = {.name = "x", .val = NULL, .len = sizeof(val)};
	uint8_t *copy = fixture_dup(val, sizeof(val));
	struct fdt_strlist it;

	p.val = copy;
	assert_int_equal(fdt_strlist_init(&it, &p), HV_EINVAL);
	/* Even if a caller ignores the error, iteration stays inside the value. */
	assert_string_equal(fdt_strlist_next(&it), "a");
	assert_null(fdt_strlist_next(&it));
	free(copy);
}

static void test_fdt_string_helpers_reject_unterminated_property_values(void **state)
{
	struct fdtb *b = fdtb_new();
	struct fdt f;
	size_t size;
	uint8_t *blob;
	const char *s;
	int root;

	fdtb_begin_node(b, "");
	fdtb_prop(b, "compatible", "arm,pl011", 9); /* no NUL */
	fdtb_prop(b, "status", "okay", 4);
	fdtb_prop(b, "model", "abc", 3);
	fdtb_end_node(b);
	blob = fdtb_finish(b, true, &size);
	assert_int_equal(fdt_open(&f, blob, size), 0);
	root = fdt_root(&f);
	assert_int_equal(fdt_node_is_compatible(&f, root, "arm,pl011"), HV_EINVAL);
	assert_int_equal(fdt_find_compatible(&f, -1, "arm,pl011"), HV_EINVAL);
	assert_int_equal(fdt_get_string(&f, root, "model", &s), HV_EINVAL);
	assert_false(fdt_node_is_available(&f, root)); /* a broken status is not "okay" */
	free(blob);
}

static void test_fdt_node_is_available_follows_status(void **state)
{
	struct fdt f;
	size_t size;
	uint8_t *blob = fdtfx_load_open("fdt_basic.dtb", &size, &f);

	assert_true(fdt_node_is_available(&f, fdtfx_node_at(&f, "/node-a@1000"))); /* no status */
	assert_false(fdt_node_is_available(&f, fdtfx_node_at(&f, "/node-a@2000")));
	assert_true(fdt_node_is_available(&f, fdtfx_node_at(&f, "/node-b")));
	free(blob);
}

static void test_fdt_reg_uses_the_parents_cell_counts(void **state)
{
	struct fdt f;
	size_t size;
	uint8_t *blob = fdtfx_load_open("fdt_basic.dtb", &size, &f);
	struct fdt_reg reg;
	uint64_t base, sz;
	unsigned ac, sc;

	/* Root: 2 address cells, 1 size cell. */
	assert_int_equal(fdt_reg_open(&f, fdtfx_node_at(&f, "/node-a@1000"), &reg), 0);
	assert_int_equal(reg.count, 2);
	assert_int_equal(fdt_reg_get(&reg, 1, &base, &sz), 0);
	assert_int_equal(base, 0x2000);
	assert_int_equal(sz, 0x200);
	assert_int_equal(fdt_reg_get(&reg, 2, &base, &sz), HV_ENOENT);
	/* 1 address cell, 0 size cells. */
	assert_int_equal(fdt_reg_open(&f, fdtfx_node_at(&f, "/bus/dev@7"), &reg), 0);
	assert_int_equal(reg.count, 1);
	assert_int_equal(fdt_reg_get(&reg, 0, &base, &sz), 0);
	assert_int_equal(base, 7);
	assert_int_equal(sz, 0);
	/* "child" says nothing: its children use the defaults 2 and 1. */
	assert_int_equal(fdt_cells(&f, fdtfx_node_at(&f, "/node-a/child"), &ac, &sc), 0);
	assert_int_equal(ac, 2);
	assert_int_equal(sc, 1);
	assert_int_equal(fdt_reg_open(&f, fdtfx_node_at(&f, "/node-a/child/grandchild"), &reg), 0);
	assert_int_equal(fdt_reg_get(&reg, 0, &base, &sz), 0);
	assert_int_equal(base, 1);
	assert_int_equal(sz, 0x10);
	/* No "reg" at all. */
	assert_int_equal(fdt_reg_open(&f, fdtfx_node_at(&f, "/node-b"), &reg), HV_ENOENT);
	free(blob);
}

static void test_fdt_reg_rejects_unusable_cell_counts_and_lengths(void **state)
{
	struct fdt f;
	size_t size;
	uint8_t *blob = fdtfx_load_open("fdt_basic.dtb", &size, &f);
	struct fdt_reg reg;

	assert_int_equal(fdt_reg_open(&f, fdtfx_node_at(&f, "/pci/dev@0"), &reg), HV_EINVAL);
	assert_int_equal(fdt_reg_open(&f, fdtfx_node_at(&f, "/nocells/dev"), &reg), HV_EINVAL);
	/* 16 bytes is not a multiple of a 12-byte entry. */
	assert_int_equal(fdt_reg_open(&f, fdtfx_node_at(&f, "/odd-reg@0"), &reg), HV_EINVAL);
	/* The root has no parent to say how to read a "reg". */
	assert_int_equal(fdt_reg_open(&f, fdt_root(&f), &reg), HV_EINVAL);
	free(blob);
}

static void test_fdt_reg_rejects_range_wrapping_past_2_64(void **state)
{
	struct fdt f;
	size_t size;
	uint8_t *blob = fdtfx_load_open("fdt_basic.dtb", &size, &f);
	struct fdt_reg reg;
	uint64_t base = 1, sz = 1;

	assert_int_equal(fdt_reg_open(&f, fdtfx_node_at(&f, "/wrap"), &reg), 0);
	assert_int_equal(fdt_reg_get(&reg, 0, &base, &sz), HV_ERANGE);
	assert_int_equal(base, 1);
	free(blob);
}

static void test_fdt_mem_rsv_lists_reservations(void **state)
{
	struct fdt f;
	size_t size;
	uint8_t *blob = fdtfx_load_open("fdt_basic.dtb", &size, &f);
	uint64_t a, s;

	assert_int_equal(fdt_mem_rsv(&f, 0, &a, &s), 0);
	assert_int_equal(a, 0x10000000);
	assert_int_equal(s, 0x4000);
	assert_int_equal(fdt_mem_rsv(&f, 1, &a, &s), 0);
	assert_int_equal(a, 0x20000000);
	assert_int_equal(s, 0x100000);
	assert_int_equal(fdt_mem_rsv(&f, 2, &a, &s), HV_ENOENT);
	assert_int_equal(fdt_mem_rsv(&f, 1000, &a, &s), HV_ENOENT);
	free(blob);
}

static void test_fdt_property_iteration_lists_all_properties(void **state)
{
	static const char *const want[] = {"#address-cells", "#size-cells", "model",
					   "compatible",     "empty-prop",  "u32-prop",
					   "u64-prop",	     "str-list",    "bytes"};
	struct fdt f;
	size_t size;
	uint8_t *blob = fdtfx_load_open("fdt_basic.dtb", &size, &f);
	unsigned n = 0;
	int prop;

	for (prop = fdt_first_prop(&f, fdt_root(&f)); prop >= 0; prop = fdt_next_prop(&f, prop)) {
		struct fdt_prop p;

		assert_true(n < ARRAY_SIZE(want));
		assert_int_equal(fdt_prop_read(&f, prop, &p), 0);
		assert_string_equal(p.name, want[n]);
		n++;
	}
	assert_int_equal(prop, HV_ENOENT);
	assert_int_equal(n, ARRAY_SIZE(want));
	assert_int_equal(fdt_first_prop(&f, fdtfx_node_at(&f, "/node-a/child")), HV_ENOENT);
	free(blob);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup(test_fdt_get_prop_returns_value_and_length, fdtfx_setup),
	    cmocka_unit_test_setup(test_fdt_number_getters_reject_wrong_lengths, fdtfx_setup),
	    cmocka_unit_test_setup(test_fdt_get_string_rejects_lists_empty_and_binary_values,
				   fdtfx_setup),
	    cmocka_unit_test_setup(test_fdt_strlist_yields_each_string_including_empty_ones,
				   fdtfx_setup),
	    cmocka_unit_test_setup(test_fdt_strlist_rejects_unterminated_last_string, fdtfx_setup),
	    cmocka_unit_test_setup(test_fdt_string_helpers_reject_unterminated_property_values,
				   fdtfx_setup),
	    cmocka_unit_test_setup(test_fdt_node_is_available_follows_status, fdtfx_setup),
	    cmocka_unit_test_setup(test_fdt_reg_uses_the_parents_cell_counts, fdtfx_setup),
	    cmocka_unit_test_setup(test_fdt_reg_rejects_unusable_cell_counts_and_lengths,
				   fdtfx_setup),
	    cmocka_unit_test_setup(test_fdt_reg_rejects_range_wrapping_past_2_64, fdtfx_setup),
	    cmocka_unit_test_setup(test_fdt_mem_rsv_lists_reservations, fdtfx_setup),
	    cmocka_unit_test_setup(test_fdt_property_iteration_lists_all_properties, fdtfx_setup),
	};

	return cmocka_run_group_tests_name("fdt_props", tests, NULL, NULL);
}

// SPDX-License-Identifier: MIT
/* Tests of core/fdt.c: the reader on dtc-compiled fixtures, then on hostile blobs made by
 * mutating a fixture or by the test builder. Every hostile blob sits in an exactly-sized
 * malloc'd buffer so AddressSanitizer turns any out-of-bounds read into a failure. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <core/err.h>
#include <core/fdt.h>
#include <core/hwinfo.h>
#include <core/lib.h>
#include <hal-sim/sim_hal.h>

#include "fixture.h"

/* --- helpers --- */

static uint8_t *load_open(const char *name, size_t *size, struct fdt *f)
{
	uint8_t *blob = fixture_load(name, size);

	assert_int_equal(fdt_open(f, blob, *size), 0);
	return blob;
}

static int node_at(const struct fdt *f, const char *path)
{
	int node = fdt_find_path(f, path);

	assert_true(node >= 0);
	return node;
}

static void assert_path(const struct fdt *f, int node, const char *want)
{
	char buf[256];

	assert_int_equal(fdt_node_path(f, node, buf, sizeof(buf)), (int)strlen(want));
	assert_string_equal(buf, want);
}

/* Exercise every read-only entry point on every node and property of an opened tree, as a
 * fuzzer would; returns the number of nodes. Results are ignored: only crashes and sanitizer
 * reports matter here, plus the walk terminating. */
static unsigned walk_everything(const struct fdt *f)
{
	int node = -1, depth = 0;
	unsigned nodes = 0;
	uint64_t a, s;
	unsigned i;

	for (i = 0; i < 4; i++)
		(void)fdt_mem_rsv(f, i, &a, &s);
	while ((node = fdt_next_node(f, node, &depth)) >= 0) {
		struct fdt_reg reg;
		char path[512];
		int prop, child;
		unsigned ac, sc;
		const char *str;
		uint32_t v32;
		uint64_t v64;

		assert_true(++nodes < 100000);
		assert_true(depth >= 0 && depth <= FDT_MAX_DEPTH);
		(void)fdt_node_name(f, node, NULL);
		if (fdt_node_path(f, node, path, sizeof(path)) > 0 &&
		    strlen(path) < sizeof(path) - 1)
			(void)fdt_find_path(f, path);
		(void)fdt_parent(f, node);
		for (child = fdt_first_child(f, node); child >= 0;
		     child = fdt_next_sibling(f, child))
			(void)fdt_node_name_is(f, child, "memory");
		for (prop = fdt_first_prop(f, node); prop >= 0; prop = fdt_next_prop(f, prop)) {
			struct fdt_strlist it;
			struct fdt_prop p;

			if (fdt_prop_read(f, prop, &p) < 0)
				break;
			if (fdt_strlist_init(&it, &p) == 0) {
				while (fdt_strlist_next(&it))
					;
			}
			(void)fdt_get_u32(f, node, p.name, &v32);
			(void)fdt_get_u64(f, node, p.name, &v64);
			(void)fdt_get_string(f, node, p.name, &str);
		}
		(void)fdt_cells(f, node, &ac, &sc);
		(void)fdt_node_is_available(f, node);
		(void)fdt_node_is_compatible(f, node, "arm,pl011");
		if (fdt_reg_open(f, node, &reg) == 0) {
			for (i = 0; i < reg.count && i < 64; i++)
				(void)fdt_reg_get(&reg, i, &a, &s);
		}
	}
	(void)fdt_find_compatible(f, -1, "arm,gic-v3");
	(void)fdt_find_name_prefix(f, -1, "memory@");
	(void)fdt_find_phandle(f, 1);
	return nodes;
}

/* Open whatever `blob` is; if it opens, walk it. Run discovery on it either way. */
static bool open_and_walk(const uint8_t *blob, size_t size)
{
	struct hw_info hw;
	struct fdt f;
	bool opened = fdt_open(&f, blob, size) == 0;

	if (opened)
		walk_everything(&f);
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

static int setup(void **state)
{
	sim_hal_reset();
	return 0;
}

/* --- valid trees --- */

static void test_fdt_opens_qemu_virt_blobs(void **state)
{
	static const char *const names[] = {"hw_qemu_virt_1cpu.dtb", "hw_qemu_virt_4cpu.dtb",
					    "hw_qemu_virt_8cpu.dtb"};
	unsigned i;

	for (i = 0; i < 3; i++) {
		struct fdt f;
		size_t size;
		uint8_t *blob = load_open(names[i], &size, &f);

		assert_int_equal(f.size, size);
		assert_int_equal(f.version, 17);
		assert_true(walk_everything(&f) > 40);
		assert_true(fdt_find_compatible(&f, -1, "arm,gic-v3") >= 0);
		free(blob);
	}
}

static void test_fdt_root_has_empty_name_and_path_slash(void **state)
{
	struct fdt f;
	size_t size, len = 99;
	uint8_t *blob = load_open("fdt_basic.dtb", &size, &f);
	int root = fdt_root(&f);

	assert_int_equal(root, 0);
	assert_string_equal(fdt_node_name(&f, root, &len), "");
	assert_int_equal(len, 0);
	assert_path(&f, root, "/");
	assert_int_equal(fdt_find_path(&f, "/"), root);
	assert_int_equal(fdt_parent(&f, root), HV_ENOENT);
	assert_int_equal(fdt_next_sibling(&f, root), HV_ENOENT);
	free(blob);
}

static void test_fdt_find_path_matches_with_and_without_unit_address(void **state)
{
	struct fdt f;
	size_t size;
	uint8_t *blob = load_open("fdt_basic.dtb", &size, &f);

	/* Without a unit address the first node-a@... matches. */
	assert_path(&f, node_at(&f, "/node-a"), "/node-a@1000");
	assert_path(&f, node_at(&f, "/node-a@2000"), "/node-a@2000");
	assert_path(&f, node_at(&f, "/node-a/child/grandchild"), "/node-a@1000/child/grandchild@1");
	assert_path(&f, node_at(&f, "//node-b/"), "/node-b");
	assert_int_equal(fdt_find_path(&f, "/node-a@3000"), HV_ENOENT);
	assert_int_equal(fdt_find_path(&f, "/node"), HV_ENOENT); /* no prefix matching */
	assert_int_equal(fdt_find_path(&f, "/node-b/x"), HV_ENOENT);
	assert_int_equal(fdt_find_path(&f, "node-b"), HV_EINVAL);
	assert_int_equal(fdt_find_path(&f, "/child"), HV_ENOENT); /* not a child of the root */
	free(blob);
}

static void test_fdt_children_and_siblings_walk_in_source_order(void **state)
{
	static const char *const want[] = {"aliases", "node-a@1000",  "node-a@2000",
					   "node-b",  "bus@f0000000", "pci",
					   "nocells", "odd-reg@0",    "wrap@ffffffffffffff00"};
	struct fdt f;
	size_t size;
	uint8_t *blob = load_open("fdt_basic.dtb", &size, &f);
	unsigned n = 0;
	int node;

	for (node = fdt_first_child(&f, fdt_root(&f)); node >= 0;
	     node = fdt_next_sibling(&f, node)) {
		assert_true(n < 9);
		assert_string_equal(fdt_node_name(&f, node, NULL), want[n]);
		assert_int_equal(fdt_parent(&f, node), fdt_root(&f));
		n++;
	}
	assert_int_equal(node, HV_ENOENT);
	assert_int_equal(n, 9);
	assert_int_equal(fdt_first_child(&f, node_at(&f, "/node-b")), HV_ENOENT);
	free(blob);
}

static void test_fdt_next_node_visits_every_node_with_its_depth(void **state)
{
	static const struct {
		const char *path;
		int depth;
	} want[] = {
	    {"/", 0},
	    {"/aliases", 1},
	    {"/node-a@1000", 1},
	    {"/node-a@1000/child", 2},
	    {"/node-a@1000/child/grandchild@1", 3},
	    {"/node-a@2000", 1},
	    {"/node-b", 1},
	    {"/bus@f0000000", 1},
	    {"/bus@f0000000/dev@7", 2},
	    {"/pci", 1},
	    {"/pci/dev@0", 2},
	    {"/nocells", 1},
	    {"/nocells/dev", 2},
	    {"/odd-reg@0", 1},
	    {"/wrap@ffffffffffffff00", 1},
	};
	struct fdt f;
	size_t size;
	uint8_t *blob = load_open("fdt_basic.dtb", &size, &f);
	int node = -1, depth = 0;
	unsigned n = 0;

	while ((node = fdt_next_node(&f, node, &depth)) >= 0) {
		assert_true(n < ARRAY_SIZE(want));
		assert_path(&f, node, want[n].path);
		assert_int_equal(depth, want[n].depth);
		assert_int_equal(fdt_find_path(&f, want[n].path), node);
		n++;
	}
	assert_int_equal(node, HV_ENOENT);
	assert_int_equal(n, ARRAY_SIZE(want));
	free(blob);
}

static void test_fdt_parent_of_nested_node(void **state)
{
	struct fdt f;
	size_t size;
	uint8_t *blob = load_open("fdt_basic.dtb", &size, &f);
	int gc = node_at(&f, "/node-a/child/grandchild@1");

	assert_int_equal(fdt_parent(&f, gc), node_at(&f, "/node-a@1000/child"));
	assert_int_equal(fdt_parent(&f, fdt_parent(&f, gc)), node_at(&f, "/node-a@1000"));
	free(blob);
}

static void test_fdt_node_path_is_cut_to_the_buffer_but_reports_full_length(void **state)
{
	struct fdt f;
	size_t size;
	uint8_t *blob = load_open("fdt_basic.dtb", &size, &f);
	int gc = node_at(&f, "/node-a/child/grandchild@1");
	char buf[8];

	memset(buf, 'x', sizeof(buf));
	assert_int_equal(fdt_node_path(&f, gc, buf, sizeof(buf)),
			 (int)strlen("/node-a@1000/child/grandchild@1"));
	assert_string_equal(buf, "/node-a");
	assert_int_equal(fdt_node_path(&f, gc, buf, 1), 31);
	assert_string_equal(buf, "");
	assert_int_equal(fdt_node_path(&f, gc, NULL, 0), 31);
	free(blob);
}

static void test_fdt_get_prop_returns_value_and_length(void **state)
{
	struct fdt f;
	size_t size;
	uint8_t *blob = load_open("fdt_basic.dtb", &size, &f);
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
	uint8_t *blob = load_open("fdt_basic.dtb", &size, &f);
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
	uint8_t *blob = load_open("fdt_basic.dtb", &size, &f);
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
	uint8_t *blob = load_open("fdt_basic.dtb", &size, &f);
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

static void test_fdt_find_compatible_visits_every_match_in_order(void **state)
{
	struct fdt f;
	size_t size;
	uint8_t *blob = load_open("fdt_basic.dtb", &size, &f);
	int n;

	n = fdt_find_compatible(&f, -1, "test,dev");
	assert_path(&f, n, "/node-a@1000");
	/* Matches any entry of the list, not only the first. */
	n = fdt_find_compatible(&f, n, "test,dev");
	assert_path(&f, n, "/node-a@2000");
	assert_int_equal(fdt_find_compatible(&f, n, "test,dev"), HV_ENOENT);
	/* The root is included when starting from -1. */
	assert_int_equal(fdt_find_compatible(&f, -1, "test,common"), fdt_root(&f));
	assert_path(&f, fdt_find_compatible(&f, -1, "test,leaf"),
		    "/node-a@1000/child/grandchild@1");
	assert_int_equal(fdt_find_compatible(&f, -1, "test"), HV_ENOENT);
	free(blob);
}

static void test_fdt_find_name_prefix_walks_the_whole_tree(void **state)
{
	struct fdt f;
	size_t size;
	uint8_t *blob = load_open("fdt_basic.dtb", &size, &f);
	int n;

	n = fdt_find_name_prefix(&f, -1, "dev@");
	assert_path(&f, n, "/bus@f0000000/dev@7");
	n = fdt_find_name_prefix(&f, n, "dev@");
	assert_path(&f, n, "/pci/dev@0");
	assert_int_equal(fdt_find_name_prefix(&f, n, "dev@"), HV_ENOENT);
	assert_int_equal(fdt_find_name_prefix(&f, -1, "memory@"), HV_ENOENT);
	assert_true(fdt_node_name_is(&f, node_at(&f, "/bus"), "bus"));
	assert_false(fdt_node_name_is(&f, node_at(&f, "/bus"), "bu"));
	free(blob);
}

static void test_fdt_find_phandle_resolves_references(void **state)
{
	struct fdt f;
	size_t size;
	uint8_t *blob = load_open("fdt_basic.dtb", &size, &f);
	uint32_t ref;

	assert_int_equal(fdt_get_u32(&f, node_at(&f, "/node-a@2000"), "ref", &ref), 0);
	assert_int_equal(fdt_find_phandle(&f, ref), node_at(&f, "/node-a@1000"));
	assert_int_equal(fdt_find_phandle(&f, 0), HV_ENOENT);
	assert_int_equal(fdt_find_phandle(&f, 0xffffffff), HV_ENOENT);
	assert_int_equal(fdt_find_phandle(&f, 0x1234), HV_ENOENT);
	free(blob);
}

static void test_fdt_node_is_available_follows_status(void **state)
{
	struct fdt f;
	size_t size;
	uint8_t *blob = load_open("fdt_basic.dtb", &size, &f);

	assert_true(fdt_node_is_available(&f, node_at(&f, "/node-a@1000"))); /* no status */
	assert_false(fdt_node_is_available(&f, node_at(&f, "/node-a@2000")));
	assert_true(fdt_node_is_available(&f, node_at(&f, "/node-b")));
	free(blob);
}

static void test_fdt_reg_uses_the_parents_cell_counts(void **state)
{
	struct fdt f;
	size_t size;
	uint8_t *blob = load_open("fdt_basic.dtb", &size, &f);
	struct fdt_reg reg;
	uint64_t base, sz;
	unsigned ac, sc;

	/* Root: 2 address cells, 1 size cell. */
	assert_int_equal(fdt_reg_open(&f, node_at(&f, "/node-a@1000"), &reg), 0);
	assert_int_equal(reg.count, 2);
	assert_int_equal(fdt_reg_get(&reg, 1, &base, &sz), 0);
	assert_int_equal(base, 0x2000);
	assert_int_equal(sz, 0x200);
	assert_int_equal(fdt_reg_get(&reg, 2, &base, &sz), HV_ENOENT);
	/* 1 address cell, 0 size cells. */
	assert_int_equal(fdt_reg_open(&f, node_at(&f, "/bus/dev@7"), &reg), 0);
	assert_int_equal(reg.count, 1);
	assert_int_equal(fdt_reg_get(&reg, 0, &base, &sz), 0);
	assert_int_equal(base, 7);
	assert_int_equal(sz, 0);
	/* "child" says nothing: its children use the defaults 2 and 1. */
	assert_int_equal(fdt_cells(&f, node_at(&f, "/node-a/child"), &ac, &sc), 0);
	assert_int_equal(ac, 2);
	assert_int_equal(sc, 1);
	assert_int_equal(fdt_reg_open(&f, node_at(&f, "/node-a/child/grandchild"), &reg), 0);
	assert_int_equal(fdt_reg_get(&reg, 0, &base, &sz), 0);
	assert_int_equal(base, 1);
	assert_int_equal(sz, 0x10);
	/* No "reg" at all. */
	assert_int_equal(fdt_reg_open(&f, node_at(&f, "/node-b"), &reg), HV_ENOENT);
	free(blob);
}

static void test_fdt_reg_rejects_unusable_cell_counts_and_lengths(void **state)
{
	struct fdt f;
	size_t size;
	uint8_t *blob = load_open("fdt_basic.dtb", &size, &f);
	struct fdt_reg reg;

	assert_int_equal(fdt_reg_open(&f, node_at(&f, "/pci/dev@0"), &reg), HV_EINVAL);
	assert_int_equal(fdt_reg_open(&f, node_at(&f, "/nocells/dev"), &reg), HV_EINVAL);
	/* 16 bytes is not a multiple of a 12-byte entry. */
	assert_int_equal(fdt_reg_open(&f, node_at(&f, "/odd-reg@0"), &reg), HV_EINVAL);
	/* The root has no parent to say how to read a "reg". */
	assert_int_equal(fdt_reg_open(&f, fdt_root(&f), &reg), HV_EINVAL);
	free(blob);
}

static void test_fdt_reg_rejects_range_wrapping_past_2_64(void **state)
{
	struct fdt f;
	size_t size;
	uint8_t *blob = load_open("fdt_basic.dtb", &size, &f);
	struct fdt_reg reg;
	uint64_t base = 1, sz = 1;

	assert_int_equal(fdt_reg_open(&f, node_at(&f, "/wrap"), &reg), 0);
	assert_int_equal(fdt_reg_get(&reg, 0, &base, &sz), HV_ERANGE);
	assert_int_equal(base, 1);
	free(blob);
}

static void test_fdt_mem_rsv_lists_reservations(void **state)
{
	struct fdt f;
	size_t size;
	uint8_t *blob = load_open("fdt_basic.dtb", &size, &f);
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
	uint8_t *blob = load_open("fdt_basic.dtb", &size, &f);
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
	assert_int_equal(fdt_first_prop(&f, node_at(&f, "/node-a/child")), HV_ENOENT);
	free(blob);
}

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
	assert_int_equal(walk_everything(&f), 15);
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
	assert_int_equal(walk_everything(&f), 15);
	free(blob);
}

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
	assert_int_equal(walk_everything(&f), 3);
	free(blob);
}

static void test_fdt_functions_reject_offsets_that_are_not_nodes(void **state)
{
	struct fdt f;
	size_t size;
	uint8_t *blob = load_open("fdt_basic.dtb", &size, &f);
	int prop = fdt_first_prop(&f, fdt_root(&f));
	const int bad[] = {-1,	      -100, 1, 2, prop, (int)f.struct_size, (int)f.struct_size + 4,
			   0x7ffffffc};
	struct fdt_prop p;
	char path[64];
	unsigned i;

	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		int depth = 0;

		assert_null(fdt_node_name(&f, bad[i], NULL));
		assert_true(fdt_first_child(&f, bad[i]) < 0);
		assert_true(fdt_next_sibling(&f, bad[i]) < 0);
		assert_true(fdt_parent(&f, bad[i]) < 0);
		assert_true(fdt_node_path(&f, bad[i], path, sizeof(path)) < 0);
		assert_true(fdt_first_prop(&f, bad[i]) < 0);
		assert_true(fdt_get_prop(&f, bad[i], "model", &p) < 0);
		if (bad[i] >= 0)
			assert_true(fdt_next_node(&f, bad[i], &depth) < 0);
		if (bad[i] != prop) {
			assert_true(fdt_next_prop(&f, bad[i]) < 0);
			assert_true(fdt_prop_read(&f, bad[i], &p) < 0);
		}
	}
	/* A node offset is not a property offset. */
	assert_int_equal(fdt_next_prop(&f, 0), HV_EINVAL);
	assert_int_equal(fdt_prop_read(&f, 0, &p), HV_EINVAL);
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
	assert_int_equal(walk_everything(&f), FDT_MAX_DEPTH + 1);
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
	    cmocka_unit_test_setup(test_fdt_opens_qemu_virt_blobs, setup),
	    cmocka_unit_test_setup(test_fdt_root_has_empty_name_and_path_slash, setup),
	    cmocka_unit_test_setup(test_fdt_find_path_matches_with_and_without_unit_address, setup),
	    cmocka_unit_test_setup(test_fdt_children_and_siblings_walk_in_source_order, setup),
	    cmocka_unit_test_setup(test_fdt_next_node_visits_every_node_with_its_depth, setup),
	    cmocka_unit_test_setup(test_fdt_parent_of_nested_node, setup),
	    cmocka_unit_test_setup(test_fdt_node_path_is_cut_to_the_buffer_but_reports_full_length,
				   setup),
	    cmocka_unit_test_setup(test_fdt_get_prop_returns_value_and_length, setup),
	    cmocka_unit_test_setup(test_fdt_number_getters_reject_wrong_lengths, setup),
	    cmocka_unit_test_setup(test_fdt_get_string_rejects_lists_empty_and_binary_values,
				   setup),
	    cmocka_unit_test_setup(test_fdt_strlist_yields_each_string_including_empty_ones, setup),
	    cmocka_unit_test_setup(test_fdt_strlist_rejects_unterminated_last_string, setup),
	    cmocka_unit_test_setup(test_fdt_string_helpers_reject_unterminated_property_values,
				   setup),
	    cmocka_unit_test_setup(test_fdt_find_compatible_visits_every_match_in_order, setup),
	    cmocka_unit_test_setup(test_fdt_find_name_prefix_walks_the_whole_tree, setup),
	    cmocka_unit_test_setup(test_fdt_find_phandle_resolves_references, setup),
	    cmocka_unit_test_setup(test_fdt_node_is_available_follows_status, setup),
	    cmocka_unit_test_setup(test_fdt_reg_uses_the_parents_cell_counts, setup),
	    cmocka_unit_test_setup(test_fdt_reg_rejects_unusable_cell_counts_and_lengths, setup),
	    cmocka_unit_test_setup(test_fdt_reg_rejects_range_wrapping_past_2_64, setup),
	    cmocka_unit_test_setup(test_fdt_mem_rsv_lists_reservations, setup),
	    cmocka_unit_test_setup(test_fdt_property_iteration_lists_all_properties, setup),
	    cmocka_unit_test_setup(test_fdt_reads_a_blob_at_an_odd_address, setup),
	    cmocka_unit_test_setup(test_fdt_accepts_version_16_without_struct_size, setup),
	    cmocka_unit_test_setup(test_fdt_accepts_nop_tokens_anywhere_a_token_may_be, setup),
	    cmocka_unit_test_setup(test_fdt_functions_reject_offsets_that_are_not_nodes, setup),
	    cmocka_unit_test_setup(test_fdt_failed_open_leaves_a_reader_that_finds_nothing, setup),
	    cmocka_unit_test_setup(test_fdt_rejects_null_and_too_small_buffers, setup),
	    cmocka_unit_test_setup(test_fdt_rejects_bad_magic, setup),
	    cmocka_unit_test_setup(test_fdt_rejects_totalsize_beyond_buffer, setup),
	    cmocka_unit_test_setup(test_fdt_rejects_totalsize_smaller_than_header, setup),
	    cmocka_unit_test_setup(test_fdt_rejects_unsupported_versions, setup),
	    cmocka_unit_test_setup(test_fdt_rejects_structure_block_outside_the_blob, setup),
	    cmocka_unit_test_setup(test_fdt_rejects_strings_block_outside_the_blob, setup),
	    cmocka_unit_test_setup(test_fdt_rejects_size_fields_that_overflow_32_bit_arithmetic,
				   setup),
	    cmocka_unit_test_setup(test_fdt_rejects_bad_memory_reservation_block, setup),
	    cmocka_unit_test_setup(test_fdt_rejects_every_truncated_prefix, setup),
	    cmocka_unit_test_setup(test_fdt_survives_every_prefix_with_a_consistent_header, setup),
	    cmocka_unit_test_setup(test_fdt_rejects_unterminated_name_in_strings_block, setup),
	    cmocka_unit_test_setup(test_fdt_rejects_property_name_offset_past_strings_block, setup),
	    cmocka_unit_test_setup(test_fdt_rejects_property_length_past_struct_block, setup),
	    cmocka_unit_test_setup(test_fdt_rejects_unterminated_node_name, setup),
	    cmocka_unit_test_setup(test_fdt_accepts_nesting_up_to_the_cap, setup),
	    cmocka_unit_test_setup(test_fdt_rejects_nesting_deeper_than_the_cap, setup),
	    cmocka_unit_test_setup(test_fdt_rejects_missing_fdt_end, setup),
	    cmocka_unit_test_setup(test_fdt_rejects_fdt_end_inside_a_node, setup),
	    cmocka_unit_test_setup(test_fdt_rejects_unknown_token, setup),
	    cmocka_unit_test_setup(test_fdt_rejects_unbalanced_end_node, setup),
	    cmocka_unit_test_setup(test_fdt_rejects_property_after_subnode, setup),
	    cmocka_unit_test_setup(test_fdt_rejects_property_outside_the_root, setup),
	    cmocka_unit_test_setup(test_fdt_rejects_second_root_node, setup),
	    cmocka_unit_test_setup(test_fdt_rejects_token_padding_past_the_block, setup),
	    cmocka_unit_test_setup(test_fdt_random_byte_flips_never_crash, setup),
	};

	return cmocka_run_group_tests_name("fdt", tests, NULL, NULL);
}

// SPDX-License-Identifier: MIT
/* Tests of core/fdt.c, the tree on dtc-compiled fixtures: opening QEMU virt blobs, the root,
 * paths with and without unit addresses, children and siblings, the depth-first walk, parents,
 * lookups by compatible, name prefix and phandle, and offsets that are not nodes. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <core/err.h>
#include <core/fdt.h>
#include <core/lib.h>

#include "fdt_fixture.h"

static void assert_path(const struct fdt *f, int node, const char *want)
{
	char buf[256];

	assert_int_equal(fdt_node_path(f, node, buf, sizeof(buf)), (int)strlen(want));
	assert_string_equal(buf, want);
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
		uint8_t *blob = fdtfx_load_open(names[i], &size, &f);

		assert_int_equal(f.size, size);
		assert_int_equal(f.version, 17);
		assert_true(fdtfx_walk_everything(&f) > 40);
		assert_true(fdt_find_compatible(&f, -1, "arm,gic-v3") >= 0);
		free(blob);
	}
}

static void test_fdt_root_has_empty_name_and_path_slash(void **state)
{
	struct fdt f;
	size_t size, len = 99;
	uint8_t *blob = fdtfx_load_open("fdt_basic.dtb", &size, &f);
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
	uint8_t *blob = fdtfx_load_open("fdt_basic.dtb", &size, &f);

	/* Without a unit address the first node-a@... matches. */
	assert_path(&f, fdtfx_node_at(&f, "/node-a"), "/node-a@1000");
	assert_path(&f, fdtfx_node_at(&f, "/node-a@2000"), "/node-a@2000");
	assert_path(&f, fdtfx_node_at(&f, "/node-a/child/grandchild"),
		    "/node-a@1000/child/grandchild@1");
	assert_path(&f, fdtfx_node_at(&f, "//node-b/"), "/node-b");
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
	uint8_t *blob = fdtfx_load_open("fdt_basic.dtb", &size, &f);
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
	assert_int_equal(fdt_first_child(&f, fdtfx_node_at(&f, "/node-b")), HV_ENOENT);
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
	uint8_t *blob = fdtfx_load_open("fdt_basic.dtb", &size, &f);
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
	uint8_t *blob = fdtfx_load_open("fdt_basic.dtb", &size, &f);
	int gc = fdtfx_node_at(&f, "/node-a/child/grandchild@1");

	assert_int_equal(fdt_parent(&f, gc), fdtfx_node_at(&f, "/node-a@1000/child"));
	assert_int_equal(fdt_parent(&f, fdt_parent(&f, gc)), fdtfx_node_at(&f, "/node-a@1000"));
	free(blob);
}

static void test_fdt_node_path_is_cut_to_the_buffer_but_reports_full_length(void **state)
{
	struct fdt f;
	size_t size;
	uint8_t *blob = fdtfx_load_open("fdt_basic.dtb", &size, &f);
	int gc = fdtfx_node_at(&f, "/node-a/child/grandchild@1");
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

static void test_fdt_find_compatible_visits_every_match_in_order(void **state)
{
	struct fdt f;
	size_t size;
	uint8_t *blob = fdtfx_load_open("fdt_basic.dtb", &size, &f);
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
	uint8_t *blob = fdtfx_load_open("fdt_basic.dtb", &size, &f);
	int n;

	n = fdt_find_name_prefix(&f, -1, "dev@");
	assert_path(&f, n, "/bus@f0000000/dev@7");
	n = fdt_find_name_prefix(&f, n, "dev@");
	assert_path(&f, n, "/pci/dev@0");
	assert_int_equal(fdt_find_name_prefix(&f, n, "dev@"), HV_ENOENT);
	assert_int_equal(fdt_find_name_prefix(&f, -1, "memory@"), HV_ENOENT);
	assert_true(fdt_node_name_is(&f, fdtfx_node_at(&f, "/bus"), "bus"));
	assert_false(fdt_node_name_is(&f, fdtfx_node_at(&f, "/bus"), "bu"));
	free(blob);
}

static void test_fdt_find_phandle_resolves_references(void **state)
{
	struct fdt f;
	size_t size;
	uint8_t *blob = fdtfx_load_open("fdt_basic.dtb", &size, &f);
	uint32_t ref;

	assert_int_equal(fdt_get_u32(&f, fdtfx_node_at(&f, "/node-a@2000"), "ref", &ref), 0);
	assert_int_equal(fdt_find_phandle(&f, ref), fdtfx_node_at(&f, "/node-a@1000"));
	assert_int_equal(fdt_find_phandle(&f, 0), HV_ENOENT);
	assert_int_equal(fdt_find_phandle(&f, 0xffffffff), HV_ENOENT);
	assert_int_equal(fdt_find_phandle(&f, 0x1234), HV_ENOENT);
	free(blob);
}

static void test_fdt_functions_reject_offsets_that_are_not_nodes(void **state)
{
	struct fdt f;
	size_t size;
	uint8_t *blob = fdtfx_load_open("fdt_basic.dtb", &size, &f);
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

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup(test_fdt_opens_qemu_virt_blobs, fdtfx_setup),
	    cmocka_unit_test_setup(test_fdt_root_has_empty_name_and_path_slash, fdtfx_setup),
	    cmocka_unit_test_setup(test_fdt_find_path_matches_with_and_without_unit_address,
				   fdtfx_setup),
	    cmocka_unit_test_setup(test_fdt_children_and_siblings_walk_in_source_order,
				   fdtfx_setup),
	    cmocka_unit_test_setup(test_fdt_next_node_visits_every_node_with_its_depth,
				   fdtfx_setup),
	    cmocka_unit_test_setup(test_fdt_parent_of_nested_node, fdtfx_setup),
	    cmocka_unit_test_setup(test_fdt_node_path_is_cut_to_the_buffer_but_reports_full_length,
				   fdtfx_setup),
	    cmocka_unit_test_setup(test_fdt_find_compatible_visits_every_match_in_order,
				   fdtfx_setup),
	    cmocka_unit_test_setup(test_fdt_find_name_prefix_walks_the_whole_tree, fdtfx_setup),
	    cmocka_unit_test_setup(test_fdt_find_phandle_resolves_references, fdtfx_setup),
	    cmocka_unit_test_setup(test_fdt_functions_reject_offsets_that_are_not_nodes,
				   fdtfx_setup),
	};

	return cmocka_run_group_tests_name("fdt_tree", tests, NULL, NULL);
}

// SPDX-License-Identifier: MIT
/* Tests of core/fdt_write.c: trees written with the writer and read back with the project's
 * reader (core/fdt.h), the strings table, reservation entries, the header, every way to call
 * it out of order, and exhaustion at every buffer size in exactly-sized malloc'd buffers so
 * AddressSanitizer catches any write past the end. */
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
#include <core/fdt_write.h>
#include <core/lib.h>
#include <hal-sim/sim_hal.h>

#include "fixture.h"
#include "rng.h"

#define BUF_SIZE 4096

static int setup(void **state)
{
	sim_hal_reset();
	return 0;
}

/* --- helpers --- */

static const uint8_t odd_bytes[] = {0xde, 0xad, 0xbe, 0xef, 0x01}; /* 5: needs padding */

/* A tree using every kind of property, nesting and a reservation; returns the writer's
 * sticky error after fdtw_finish(). */
static int write_sample(void *buf, size_t size, size_t *used)
{
	static const char *const compat[] = {"vendor,board", "", "generic"};
	static const uint32_t cells[] = {1, 2, 0xffffffffu};
	static const uint64_t reg[] = {0x40000000ULL, 0x8000000ULL};
	struct fdtw w;

	fdtw_init(&w, buf, size);
	fdtw_add_rsv(&w, 0x48000000ULL, 0x10000ULL);
	fdtw_add_rsv(&w, 0xffffffff00000000ULL, 0x1000ULL);
	fdtw_begin_node(&w, "");
	fdtw_prop_strings(&w, "compatible", compat, ARRAY_SIZE(compat));
	fdtw_prop_u32(&w, "#address-cells", 2);
	fdtw_prop_u32(&w, "#size-cells", 2);
	fdtw_begin_node_at(&w, "memory", 0x40000000ULL);
	fdtw_prop_string(&w, "device_type", "memory");
	fdtw_prop_u64s(&w, "reg", reg, ARRAY_SIZE(reg));
	fdtw_end_node(&w);
	fdtw_begin_node(&w, "node-a");
	fdtw_prop_empty(&w, "empty");
	fdtw_prop(&w, "bytes", odd_bytes, sizeof(odd_bytes));
	fdtw_prop_cells(&w, "cells", cells, ARRAY_SIZE(cells));
	fdtw_prop_u64(&w, "big", 0x123456789abcdef0ULL);
	fdtw_begin_node(&w, "child@1");
	fdtw_prop_string(&w, "compatible", "vendor,child");
	fdtw_prop_string(&w, "empty-string", "");
	fdtw_end_node(&w);
	fdtw_begin_node(&w, "child@2");
	fdtw_end_node(&w);
	fdtw_end_node(&w);
	fdtw_begin_node(&w, "chosen");
	fdtw_prop_string(&w, "bootargs", "console=ttyAMA0 earlycon");
	fdtw_end_node(&w);
	fdtw_end_node(&w);
	return fdtw_finish(&w, 3, used);
}

/* The sample in a roomy buffer, copied into an exactly-sized one. */
static uint8_t *sample_blob(size_t *size)
{
	uint8_t buf[BUF_SIZE];

	assert_int_equal(write_sample(buf, sizeof(buf), size), 0);
	return fixture_dup(buf, *size);
}

static int node_at(const struct fdt *f, const char *path)
{
	int node = fdt_find_path(f, path);

	if (node < 0)
		fail_msg("no node %s", path);
	return node;
}

/* --- round trips --- */

static void test_fdtw_sample_reads_back_node_by_node(void **state)
{
	static const char *const want[] = {
	    "/", "/memory@40000000", "/node-a", "/node-a/child@1", "/node-a/child@2", "/chosen"};
	static const int want_depth[] = {0, 1, 1, 2, 2, 1};
	size_t size;
	uint8_t *blob = sample_blob(&size);
	int node = -1, depth = 0;
	unsigned n = 0;
	struct fdt f;
	char path[64];

	assert_int_equal(fdt_open(&f, blob, size), 0);
	while ((node = fdt_next_node(&f, node, &depth)) >= 0) {
		assert_true(n < ARRAY_SIZE(want));
		assert_true(fdt_node_path(&f, node, path, sizeof(path)) > 0);
		assert_string_equal(path, want[n]);
		assert_int_equal(depth, want_depth[n]);
		n++;
	}
	assert_int_equal(node, HV_ENOENT);
	assert_int_equal(n, ARRAY_SIZE(want));
	free(blob);
}

static void test_fdtw_sample_properties_read_back_with_their_values(void **state)
{
	size_t size;
	uint8_t *blob = sample_blob(&size);
	struct fdt_strlist it;
	struct fdt_prop p;
	struct fdt_reg reg;
	uint64_t base, len, v64;
	const char *s;
	uint32_t v32;
	struct fdt f;
	int a;

	assert_int_equal(fdt_open(&f, blob, size), 0);
	a = node_at(&f, "/node-a");
	assert_int_equal(fdt_get_prop(&f, a, "empty", &p), 0);
	assert_int_equal(p.len, 0);
	assert_int_equal(fdt_get_prop(&f, a, "bytes", &p), 0);
	assert_int_equal(p.len, sizeof(odd_bytes));
	assert_memory_equal(p.val, odd_bytes, sizeof(odd_bytes));
	assert_int_equal(fdt_get_prop(&f, a, "cells", &p), 0);
	assert_int_equal(p.len, 12);
	assert_int_equal(fdt_be32(p.val), 1);
	assert_int_equal(fdt_be32(p.val + 4), 2);
	assert_int_equal(fdt_be32(p.val + 8), 0xffffffffu);
	assert_int_equal(fdt_get_u64(&f, a, "big", &v64), 0);
	assert_int_equal(v64, 0x123456789abcdef0ULL);

	assert_int_equal(fdt_get_u32(&f, fdt_root(&f), "#address-cells", &v32), 0);
	assert_int_equal(v32, 2);
	assert_int_equal(fdt_get_prop(&f, fdt_root(&f), "compatible", &p), 0);
	assert_int_equal(fdt_strlist_init(&it, &p), 0);
	assert_string_equal(fdt_strlist_next(&it), "vendor,board");
	assert_string_equal(fdt_strlist_next(&it), "");
	assert_string_equal(fdt_strlist_next(&it), "generic");
	assert_null(fdt_strlist_next(&it));
	assert_int_equal(fdt_node_is_compatible(&f, fdt_root(&f), "generic"), 1);

	assert_int_equal(fdt_reg_open(&f, node_at(&f, "/memory"), &reg), 0);
	assert_int_equal(reg.count, 1);
	assert_int_equal(fdt_reg_get(&reg, 0, &base, &len), 0);
	assert_int_equal(base, 0x40000000ULL);
	assert_int_equal(len, 0x8000000ULL);

	assert_int_equal(fdt_get_string(&f, node_at(&f, "/chosen"), "bootargs", &s), 0);
	assert_string_equal(s, "console=ttyAMA0 earlycon");
	assert_int_equal(fdt_get_prop(&f, node_at(&f, "/node-a/child@1"), "empty-string", &p), 0);
	assert_int_equal(p.len, 1);
	assert_int_equal(fdt_find_compatible(&f, -1, "vendor,child"),
			 node_at(&f, "/node-a/child@1"));
	free(blob);
}

static void test_fdtw_header_says_version_17_and_the_block_layout(void **state)
{
	size_t size;
	uint8_t *blob = sample_blob(&size);
	uint32_t off_struct = fixture_get_be32(blob + FDTH_OFF_STRUCT);
	uint32_t off_strings = fixture_get_be32(blob + FDTH_OFF_STRINGS);

	assert_int_equal(fixture_get_be32(blob + FDTH_MAGIC), FDT_MAGIC);
	assert_int_equal(fixture_get_be32(blob + FDTH_TOTALSIZE), size);
	assert_int_equal(fixture_get_be32(blob + FDTH_VERSION), 17);
	assert_int_equal(fixture_get_be32(blob + FDTH_LAST_COMP), 16);
	assert_int_equal(fixture_get_be32(blob + 28), 3); /* boot_cpuid_phys */
	assert_int_equal(fixture_get_be32(blob + FDTH_OFF_RSVMAP), FDTH_SIZE);
	/* Header, reservations (2 + terminator), structure, strings: in order, no gaps. */
	assert_int_equal(off_struct, FDTH_SIZE + 3 * 16);
	assert_int_equal(off_strings, off_struct + fixture_get_be32(blob + FDTH_SIZE_STRUCT));
	assert_int_equal(size, off_strings + fixture_get_be32(blob + FDTH_SIZE_STRINGS));
	assert_int_equal(fixture_get_be32(blob + off_strings - 4), FDTT_END);
	free(blob);
}

static void test_fdtw_writes_reservation_entries_in_order(void **state)
{
	size_t size;
	uint8_t *blob = sample_blob(&size);
	uint64_t addr, len;
	struct fdt f;

	assert_int_equal(fdt_open(&f, blob, size), 0);
	assert_int_equal(fdt_mem_rsv(&f, 0, &addr, &len), 0);
	assert_int_equal(addr, 0x48000000ULL);
	assert_int_equal(len, 0x10000ULL);
	assert_int_equal(fdt_mem_rsv(&f, 1, &addr, &len), 0);
	assert_int_equal(addr, 0xffffffff00000000ULL);
	assert_int_equal(len, 0x1000ULL);
	assert_int_equal(fdt_mem_rsv(&f, 2, &addr, &len), HV_ENOENT);
	free(blob);
}

static void test_fdtw_without_reservations_writes_only_the_terminator(void **state)
{
	uint8_t buf[256];
	struct fdtw w;
	uint64_t a, s;
	size_t size;
	struct fdt f;

	fdtw_init(&w, buf, sizeof(buf));
	fdtw_begin_node(&w, "");
	fdtw_end_node(&w);
	assert_int_equal(fdtw_finish(&w, 0, &size), 0);
	/* Header, one (0, 0) entry, BEGIN_NODE "" (8), END_NODE, END; no strings. */
	assert_int_equal(size, 40 + 16 + 8 + 4 + 4);
	assert_int_equal(fdt_open(&f, buf, size), 0);
	assert_int_equal(fdt_mem_rsv(&f, 0, &a, &s), HV_ENOENT);
	assert_int_equal(f.strings_size, 0);
	assert_int_equal(fdt_first_child(&f, fdt_root(&f)), HV_ENOENT);
}

static void test_fdtw_stores_each_property_name_once(void **state)
{
	static const char names[] = "compatible\0reg\0#size-cells\0";
	uint8_t buf[1024];
	struct fdtw w;
	size_t size;
	struct fdt f;
	unsigned i;
	int node;

	fdtw_init(&w, buf, sizeof(buf));
	fdtw_begin_node(&w, "");
	fdtw_prop_u32(&w, "#size-cells", 1);
	/* The tail of a stored name is that name: no new string. */
	fdtw_prop_u32(&w, "size-cells", 1);
	fdtw_prop_u32(&w, "cells", 1);
	for (i = 0; i < 8; i++) {
		fdtw_begin_node_at(&w, "dev", i);
		fdtw_prop_string(&w, "compatible", "x");
		fdtw_prop_u32(&w, "reg", i);
		fdtw_end_node(&w);
	}
	fdtw_end_node(&w);
	assert_int_equal(fdtw_finish(&w, 0, &size), 0);
	assert_int_equal(fdt_open(&f, buf, size), 0);
	assert_int_equal(f.strings_size, sizeof(names) - 1);
	/* Newest first: the strings grow down from the end of the buffer. */
	assert_memory_equal(buf + f.strings_off, "reg\0compatible\0#size-cells\0",
			    sizeof(names) - 1);
	for (i = 0; i < 8; i++) {
		char path[16];
		uint32_t v;

		snprintf(path, sizeof(path), "/dev@%u", i);
		node = node_at(&f, path);
		assert_int_equal(fdt_get_u32(&f, node, "reg", &v), 0);
		assert_int_equal(v, i);
		assert_int_equal(fdt_node_is_compatible(&f, node, "x"), 1);
	}
	node = fdt_root(&f);
	assert_int_equal(fdt_get_prop(&f, node, "size-cells", &(struct fdt_prop){0}), 0);
	assert_int_equal(fdt_get_prop(&f, node, "cells", &(struct fdt_prop){0}), 0);
}

/* More distinct names than the writer indexes (FDTW_NAMES_MAX): names past the index, and
 * tails of names inside and outside it, are still stored once and read back. */
static void test_fdtw_stores_names_once_past_its_index(void **state)
{
	const unsigned distinct = FDTW_NAMES_MAX + 16;
	uint8_t buf[8192];
	char name[16];
	struct fdtw w;
	size_t size, strings = 0;
	struct fdt f;
	unsigned i, round;
	uint32_t v;

	fdtw_init(&w, buf, sizeof(buf));
	fdtw_begin_node(&w, "");
	/* Twice over: the second round finds every name stored by the first. */
	for (round = 0; round < 2; round++) {
		for (i = 0; i < distinct; i++) {
			snprintf(name, sizeof(name), "name-%u", i);
			fdtw_prop_u32(&w, name, i);
			if (round == 0)
				strings += strlen(name) + 1;
		}
	}
	/* Tails of the first name and of the last: no new strings. */
	snprintf(name, sizeof(name), "me-%u", distinct - 1);
	fdtw_prop_u32(&w, name, 1);
	fdtw_prop_u32(&w, "me-0", 2);
	fdtw_end_node(&w);
	/* Two rounds repeat a property in one node, which a reader only needs to parse. */
	assert_int_equal(fdtw_finish(&w, 0, &size), 0);
	assert_int_equal(fdt_open(&f, buf, size), 0);
	assert_int_equal(f.strings_size, strings);
	snprintf(name, sizeof(name), "name-%u", distinct - 1);
	assert_int_equal(fdt_get_u32(&f, fdt_root(&f), name, &v), 0);
	assert_int_equal(v, distinct - 1);
}

static void test_fdtw_begin_node_at_writes_the_unit_address_in_lower_hex(void **state)
{
	static const struct {
		uint64_t unit;
		const char *name;
	} cases[] = {
	    {0, "n@0"},
	    {0x9000000, "n@9000000"},
	    {0xABCDEF, "n@abcdef"},
	    {0x8000000000000000ULL, "n@8000000000000000"},
	    {UINT64_MAX, "n@ffffffffffffffff"},
	};
	uint8_t buf[1024];
	struct fdtw w;
	size_t size;
	struct fdt f;
	unsigned i;
	int node;

	fdtw_init(&w, buf, sizeof(buf));
	fdtw_begin_node(&w, "");
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		fdtw_begin_node_at(&w, "n", cases[i].unit);
		fdtw_end_node(&w);
	}
	fdtw_end_node(&w);
	assert_int_equal(fdtw_finish(&w, 0, &size), 0);
	assert_int_equal(fdt_open(&f, buf, size), 0);
	node = fdt_first_child(&f, fdt_root(&f));
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		assert_true(node >= 0);
		assert_string_equal(fdt_node_name(&f, node, NULL), cases[i].name);
		node = fdt_next_sibling(&f, node);
	}
	assert_int_equal(node, HV_ENOENT);
}

static void test_fdtw_output_does_not_depend_on_buffer_size_or_alignment(void **state)
{
	size_t size, size2;
	uint8_t *ref = sample_blob(&size);
	uint8_t buf[BUF_SIZE + 8];
	size_t extra, shift;

	for (shift = 0; shift < 8; shift++) {
		for (extra = 0; extra < 64; extra += 7) {
			memset(buf, 0xa5, sizeof(buf));
			assert_int_equal(write_sample(buf + shift, size + extra, &size2), 0);
			assert_int_equal(size2, size);
			assert_memory_equal(buf + shift, ref, size);
			/* Nothing after the blob's end (or before its start) was touched. */
			assert_int_equal(buf[shift + size + extra], 0xa5);
			if (shift)
				assert_int_equal(buf[shift - 1], 0xa5);
		}
	}
	free(ref);
}

/* --- exhaustion --- */

static void test_fdtw_fails_with_enomem_at_every_smaller_buffer_size(void **state)
{
	size_t full, size, used;
	uint8_t *ref = sample_blob(&full);

	for (size = 0; size < full; size++) {
		/* Exactly `size` bytes: any write past the end is an ASan report. */
		uint8_t *buf = malloc(size);

		used = 12345;
		assert_int_equal(write_sample(buf, size, &used), HV_ENOMEM);
		assert_int_equal(used, 12345);
		free(buf);
	}
	{
		uint8_t *buf = malloc(full);

		assert_int_equal(write_sample(buf, full, &used), 0);
		assert_int_equal(used, full);
		assert_memory_equal(buf, ref, full);
		free(buf);
	}
	free(ref);
}

static void test_fdtw_init_fails_when_the_header_does_not_fit(void **state)
{
	uint8_t buf[FDTW_HEADER_SIZE];
	struct fdtw w;

	assert_int_equal(fdtw_init(&w, buf, FDTW_HEADER_SIZE - 1), HV_ENOMEM);
	assert_int_equal(fdtw_begin_node(&w, ""), HV_ENOMEM);
	assert_int_equal(fdtw_init(&w, NULL, 100), HV_ENOMEM);
	assert_int_equal(fdtw_prop_u32(&w, "x", 1), HV_ENOMEM);
	assert_int_equal(fdtw_finish(&w, 0, NULL), HV_ENOMEM);
	/* A header alone fits, but no tree does. */
	assert_int_equal(fdtw_init(&w, buf, sizeof(buf)), 0);
	assert_int_equal(fdtw_begin_node(&w, ""), HV_ENOMEM);
}

static void test_fdtw_huge_values_fail_with_enomem_not_overflow(void **state)
{
	static const char *const list[] = {"a", "b"};
	static const uint32_t cells[1];
	static const uint64_t nums[1];
	uint8_t buf[256];
	struct fdtw w;

	fdtw_init(&w, buf, sizeof(buf));
	fdtw_begin_node(&w, "");
	assert_int_equal(fdtw_prop(&w, "x", buf, SIZE_MAX), HV_ENOMEM);
	fdtw_init(&w, buf, sizeof(buf));
	fdtw_begin_node(&w, "");
	assert_int_equal(fdtw_prop_cells(&w, "x", cells, SIZE_MAX / 2), HV_ENOMEM);
	fdtw_init(&w, buf, sizeof(buf));
	fdtw_begin_node(&w, "");
	assert_int_equal(fdtw_prop_u64s(&w, "x", nums, SIZE_MAX / 4), HV_ENOMEM);
	fdtw_init(&w, buf, sizeof(buf));
	fdtw_begin_node(&w, "");
	assert_int_equal(fdtw_prop(&w, "x", buf, 200), HV_ENOMEM);
	fdtw_init(&w, buf, sizeof(buf));
	fdtw_begin_node(&w, "");
	assert_int_equal(fdtw_prop_strings(&w, "x", list, 2), 0);
	assert_int_equal(fdtw_prop_strings(&w, "y", list, 0), 0);
}

static void test_fdtw_keeps_the_first_error(void **state)
{
	uint8_t buf[64];
	struct fdtw w;

	fdtw_init(&w, buf, sizeof(buf));
	fdtw_begin_node(&w, "");
	assert_int_equal(fdtw_prop(&w, "big", buf, 32), HV_ENOMEM);
	/* A misuse after the failure reports the failure, not the misuse. */
	assert_int_equal(fdtw_end_node(&w), HV_ENOMEM);
	assert_int_equal(fdtw_end_node(&w), HV_ENOMEM);
	assert_int_equal(fdtw_finish(&w, 0, NULL), HV_ENOMEM);
	assert_int_equal(w.err, HV_ENOMEM);
}

/* --- misuse --- */

static void test_fdtw_refuses_calls_out_of_order(void **state)
{
	uint8_t buf[512];
	struct fdtw w;

	/* A property before the root. */
	fdtw_init(&w, buf, sizeof(buf));
	assert_int_equal(fdtw_prop_u32(&w, "x", 1), HV_EINVAL);
	assert_int_equal(fdtw_finish(&w, 0, NULL), HV_EINVAL);

	/* A property after a subnode (spec 5.4.2: properties come first). */
	fdtw_init(&w, buf, sizeof(buf));
	fdtw_begin_node(&w, "");
	fdtw_begin_node(&w, "a");
	fdtw_end_node(&w);
	assert_int_equal(fdtw_prop_u32(&w, "x", 1), HV_EINVAL);

	/* A reservation after the root began. */
	fdtw_init(&w, buf, sizeof(buf));
	fdtw_begin_node(&w, "");
	assert_int_equal(fdtw_add_rsv(&w, 0, 0x1000), HV_EINVAL);

	/* end_node with nothing open; a second root. */
	fdtw_init(&w, buf, sizeof(buf));
	assert_int_equal(fdtw_end_node(&w), HV_EINVAL);
	fdtw_init(&w, buf, sizeof(buf));
	fdtw_begin_node(&w, "");
	fdtw_end_node(&w);
	assert_int_equal(fdtw_begin_node(&w, ""), HV_EINVAL);
	fdtw_init(&w, buf, sizeof(buf));
	fdtw_begin_node(&w, "");
	fdtw_end_node(&w);
	assert_int_equal(fdtw_begin_node(&w, "late"), HV_EINVAL);
	fdtw_init(&w, buf, sizeof(buf));
	fdtw_begin_node(&w, "");
	fdtw_end_node(&w);
	assert_int_equal(fdtw_end_node(&w), HV_EINVAL);

	/* finish with no root or with nodes still open. */
	fdtw_init(&w, buf, sizeof(buf));
	assert_int_equal(fdtw_finish(&w, 0, NULL), HV_EINVAL);
	fdtw_init(&w, buf, sizeof(buf));
	fdtw_begin_node(&w, "");
	fdtw_begin_node(&w, "a");
	fdtw_end_node(&w);
	assert_int_equal(fdtw_finish(&w, 0, NULL), HV_EINVAL);

	/* Nothing after a successful finish. */
	fdtw_init(&w, buf, sizeof(buf));
	fdtw_begin_node(&w, "");
	fdtw_end_node(&w);
	assert_int_equal(fdtw_finish(&w, 0, NULL), 0);
	assert_int_equal(fdtw_finish(&w, 0, NULL), HV_EINVAL);
	assert_int_equal(fdtw_begin_node(&w, "a"), HV_EINVAL);
}

static void test_fdtw_refuses_bad_node_and_property_names(void **state)
{
	static const char *const bad_nodes[] = {
	    "", "a/b", "@1", "a@", "a b", "a@1@2", "a\tb", "name-of-thirty-two-characters-xx@0",
	};
	static const char *const good_nodes[] = {
	    "a",
	    "virtio_mmio@a000000",
	    "name-of-thirty-one-characters-x@0,ffffffffffffffffffff",
	    "A+b.c,d_e-f",
	};
	static const char *const bad_props[] = {"", "a b", "a@b", "a/b",
						"property-name-of-32-characters-x"};
	static const char *const good_props[] = {"#size-cells", "linux,initrd-start", "x?",
						 "property-name-of-31-characters-"};
	uint8_t buf[512];
	struct fdtw w;
	size_t size;
	struct fdt f;
	unsigned i;

	for (i = 0; i < ARRAY_SIZE(bad_nodes); i++) {
		fdtw_init(&w, buf, sizeof(buf));
		fdtw_begin_node(&w, "");
		if (fdtw_begin_node(&w, bad_nodes[i]) != HV_EINVAL)
			fail_msg("node name \"%s\" accepted", bad_nodes[i]);
	}
	for (i = 0; i < ARRAY_SIZE(good_nodes); i++) {
		fdtw_init(&w, buf, sizeof(buf));
		fdtw_begin_node(&w, "");
		assert_int_equal(fdtw_begin_node(&w, good_nodes[i]), 0);
		fdtw_end_node(&w);
		fdtw_end_node(&w);
		assert_int_equal(fdtw_finish(&w, 0, &size), 0);
		assert_int_equal(fdt_open(&f, buf, size), 0);
		assert_string_equal(fdt_node_name(&f, fdt_first_child(&f, 0), NULL), good_nodes[i]);
	}
	for (i = 0; i < ARRAY_SIZE(bad_props); i++) {
		fdtw_init(&w, buf, sizeof(buf));
		fdtw_begin_node(&w, "");
		if (fdtw_prop_empty(&w, bad_props[i]) != HV_EINVAL)
			fail_msg("property name \"%s\" accepted", bad_props[i]);
	}
	fdtw_init(&w, buf, sizeof(buf));
	fdtw_begin_node(&w, "");
	for (i = 0; i < ARRAY_SIZE(good_props); i++)
		assert_int_equal(fdtw_prop_empty(&w, good_props[i]), 0);
	/* The root is the only node with an empty name. */
	fdtw_init(&w, buf, sizeof(buf));
	assert_int_equal(fdtw_begin_node(&w, "root"), HV_EINVAL);
	fdtw_init(&w, buf, sizeof(buf));
	assert_int_equal(fdtw_begin_node_at(&w, "name-of-thirty-two-characters-xx", 0), HV_EINVAL);
}

static void test_fdtw_refuses_nesting_deeper_than_the_reader_accepts(void **state)
{
	uint8_t buf[2048];
	struct fdtw w;
	size_t size;
	struct fdt f;
	int node = -1, depth = 0, max_depth = 0;
	unsigned i;

	/* Root plus FDTW_MAX_DEPTH levels: the deepest tree both sides accept. */
	fdtw_init(&w, buf, sizeof(buf));
	fdtw_begin_node(&w, "");
	for (i = 0; i < FDTW_MAX_DEPTH; i++)
		assert_int_equal(fdtw_begin_node(&w, "n"), 0);
	for (i = 0; i <= FDTW_MAX_DEPTH; i++)
		assert_int_equal(fdtw_end_node(&w), 0);
	assert_int_equal(fdtw_finish(&w, 0, &size), 0);
	assert_int_equal(fdt_open(&f, buf, size), 0);
	while ((node = fdt_next_node(&f, node, &depth)) >= 0)
		max_depth = MAX(max_depth, depth);
	assert_int_equal(max_depth, FDT_MAX_DEPTH);

	/* One more level is refused, and stays refused. */
	fdtw_init(&w, buf, sizeof(buf));
	fdtw_begin_node(&w, "");
	for (i = 0; i < FDTW_MAX_DEPTH; i++)
		fdtw_begin_node(&w, "n");
	assert_int_equal(fdtw_begin_node(&w, "n"), HV_EINVAL);
	assert_int_equal(fdtw_end_node(&w), HV_EINVAL);
	assert_int_equal(fdtw_finish(&w, 0, &size), HV_EINVAL);
}

/* --- random trees --- */

#define RT_MAX_NODES 40
#define RT_MAX_DEPTH 6

static const char *const rt_names[] = {"reg",	     "compatible",    "status", "#size-cells",
				       "size-cells", "linux,phandle", "x",	"y?"};

/* What a random tree should read back as. */
struct rt_model {
	unsigned count;
	struct {
		char path[128];
		unsigned nprops;
		unsigned len[ARRAY_SIZE(rt_names)];
		uint8_t val[ARRAY_SIZE(rt_names)][16];
	} node[RT_MAX_NODES];
};

/* Write the open node's properties and a random number of children, recording each. */
static void rt_write_node(struct fdtw *w, uint64_t *seed, struct rt_model *m, const char *path,
			  unsigned depth)
{
	unsigned self = m->count++, i, j;

	snprintf(m->node[self].path, sizeof(m->node[self].path), "%s", depth ? path : "/");
	m->node[self].nprops = (unsigned)rng_below(seed, ARRAY_SIZE(rt_names) + 1);
	for (i = 0; i < m->node[self].nprops; i++) {
		m->node[self].len[i] = (unsigned)rng_below(seed, 17);
		for (j = 0; j < m->node[self].len[i]; j++)
			m->node[self].val[i][j] = (uint8_t)rng_next(seed);
		assert_int_equal(
		    fdtw_prop(w, rt_names[i], m->node[self].val[i], m->node[self].len[i]), 0);
	}
	while (depth < RT_MAX_DEPTH && m->count < RT_MAX_NODES && rng_below(seed, 3) != 0) {
		char name[16], child[128];

		snprintf(name, sizeof(name), "n@%x", m->count);
		snprintf(child, sizeof(child), "%s/%s", path, name);
		assert_int_equal(fdtw_begin_node(w, name), 0);
		rt_write_node(w, seed, m, child, depth + 1);
		assert_int_equal(fdtw_end_node(w), 0);
	}
}

static void rt_check(const struct fdt *f, const struct rt_model *m)
{
	unsigned i, j, count;
	int node = -1, depth = 0, prop;

	for (count = 0; (node = fdt_next_node(f, node, &depth)) >= 0; count++)
		;
	assert_int_equal(count, m->count);
	for (i = 0; i < m->count; i++) {
		node = fdt_find_path(f, m->node[i].path);
		if (node < 0)
			fail_msg("%s missing", m->node[i].path);
		for (count = 0, prop = fdt_first_prop(f, node); prop >= 0;
		     prop = fdt_next_prop(f, prop))
			count++;
		assert_int_equal(count, m->node[i].nprops);
		for (j = 0; j < m->node[i].nprops; j++) {
			struct fdt_prop p;

			assert_int_equal(fdt_get_prop(f, node, rt_names[j], &p), 0);
			assert_int_equal(p.len, m->node[i].len[j]);
			if (p.len)
				assert_memory_equal(p.val, m->node[i].val[j], p.len);
		}
	}
}

/* Random trees written with the writer read back as written: the node count, every node by
 * path, each node's property count and every value. */
static void test_fdtw_random_trees_read_back_exactly(void **state)
{
	static uint8_t buf[16384];
	uint64_t seed = rng_seed(__func__, 0x6764747731ULL);
	unsigned round;

	for (round = 0; round < 300; round++) {
		struct rt_model m = {0};
		struct fdtw w;
		size_t size;
		struct fdt f;

		fdtw_init(&w, buf, sizeof(buf));
		fdtw_begin_node(&w, "");
		rt_write_node(&w, &seed, &m, "", 0);
		fdtw_end_node(&w);
		assert_int_equal(fdtw_finish(&w, round, &size), 0);
		assert_int_equal(fdt_open(&f, buf, size), 0);
		rt_check(&f, &m);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup(test_fdtw_sample_reads_back_node_by_node, setup),
	    cmocka_unit_test_setup(test_fdtw_sample_properties_read_back_with_their_values, setup),
	    cmocka_unit_test_setup(test_fdtw_header_says_version_17_and_the_block_layout, setup),
	    cmocka_unit_test_setup(test_fdtw_writes_reservation_entries_in_order, setup),
	    cmocka_unit_test_setup(test_fdtw_without_reservations_writes_only_the_terminator,
				   setup),
	    cmocka_unit_test_setup(test_fdtw_stores_each_property_name_once, setup),
	    cmocka_unit_test_setup(test_fdtw_stores_names_once_past_its_index, setup),
	    cmocka_unit_test_setup(test_fdtw_begin_node_at_writes_the_unit_address_in_lower_hex,
				   setup),
	    cmocka_unit_test_setup(test_fdtw_output_does_not_depend_on_buffer_size_or_alignment,
				   setup),
	    cmocka_unit_test_setup(test_fdtw_fails_with_enomem_at_every_smaller_buffer_size, setup),
	    cmocka_unit_test_setup(test_fdtw_init_fails_when_the_header_does_not_fit, setup),
	    cmocka_unit_test_setup(test_fdtw_huge_values_fail_with_enomem_not_overflow, setup),
	    cmocka_unit_test_setup(test_fdtw_keeps_the_first_error, setup),
	    cmocka_unit_test_setup(test_fdtw_refuses_calls_out_of_order, setup),
	    cmocka_unit_test_setup(test_fdtw_refuses_bad_node_and_property_names, setup),
	    cmocka_unit_test_setup(test_fdtw_refuses_nesting_deeper_than_the_reader_accepts, setup),
	    cmocka_unit_test_setup(test_fdtw_random_trees_read_back_exactly, setup),
	};

	return cmocka_run_group_tests_name("fdt_write", tests, NULL, NULL);
}

// SPDX-License-Identifier: MIT
/* Shared FDT reader test helpers: see fdt_fixture.h. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include <hal-sim/sim_hal.h>

#include "fdt_fixture.h"
#include "fixture.h"

uint8_t *fdtfx_load_open_from(const char *dir, const char *name, size_t *size, struct fdt *f)
{
	uint8_t *blob = fixture_load_from(dir, name, size);

	assert_int_equal(fdt_open(f, blob, *size), 0);
	return blob;
}

int fdtfx_node_at(const struct fdt *f, const char *path)
{
	int node = fdt_find_path(f, path);

	assert_true(node >= 0);
	return node;
}

unsigned fdtfx_walk_everything(const struct fdt *f)
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

int fdtfx_setup(void **state)
{
	sim_hal_reset();
	return 0;
}

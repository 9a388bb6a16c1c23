// SPDX-License-Identifier: MIT
/* libFuzzer harness for the FDT reader and hardware discovery: any byte string is a
 * candidate host DTB. The reader must reject or accept it without reading outside the input
 * (ASan), without undefined behaviour (UBSan) and in bounded time. Seeds: fuzz/corpus/fdt/. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <core/fdt.h>
#include <core/hwinfo.h>
#include <hal-sim/sim_hal.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Every read-only entry point on every node and property. */
static void walk(const struct fdt *f)
{
	int node = -1, depth = 0;
	uint64_t a, s;
	unsigned i;

	for (i = 0; fdt_mem_rsv(f, i, &a, &s) == 0 && i < 64; i++)
		;
	while ((node = fdt_next_node(f, node, &depth)) >= 0) {
		struct fdt_reg reg;
		char path[256];
		int prop, child;
		unsigned ac, sc;
		const char *str;
		uint32_t v32;
		uint64_t v64;

		(void)fdt_node_name(f, node, NULL);
		if (fdt_node_path(f, node, path, sizeof(path)) > 0 &&
		    strlen(path) < sizeof(path) - 1)
			(void)fdt_find_path(f, path);
		(void)fdt_parent(f, node);
		for (child = fdt_first_child(f, node); child >= 0;
		     child = fdt_next_sibling(f, child))
			(void)fdt_node_name_is(f, child, "cpu");
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
		if (fdt_reg_open(f, node, &reg) == 0) {
			for (i = 0; i < reg.count && i < 64; i++)
				(void)fdt_reg_get(&reg, i, &a, &s);
		}
	}
	(void)fdt_find_compatible(f, -1, "arm,gic-v3");
	(void)fdt_find_name_prefix(f, -1, "memory@");
	(void)fdt_find_phandle(f, 1);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct hw_info hw;
	struct fdt f;

	if (fdt_open(&f, data, size) == 0)
		walk(&f);
	if (hw_discover(data, size, &hw) == 0)
		hw_print(&hw);
	/* The simulated console only keeps the newest text; start each input clean. */
	sim_console_clear();
	return 0;
}

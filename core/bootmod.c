// SPDX-License-Identifier: MIT
/* Boot modules from /chosen (the multiboot binding; see core/bootmod.h). */
#include <core/bootmod.h>
#include <core/err.h>
#include <core/fdt.h>
#include <core/lib.h>
#include <core/log.h>

#define MODULE_COMPAT "multiboot,module"

static int module_fail(const struct fdt *f, int node, const char *what, int err)
{
	char path[128];

	if (fdt_node_path(f, node, path, sizeof(path)) < 0)
		memcpy(path, "/chosen/?", 10);
	log_err("bootmod: %s: %s (%s)", path, what, hv_strerror(err));
	return err;
}

/* Module "reg" uses /chosen's cell counts when /chosen states them; loaders that do not
 * (QEMU's guest-loader) write the root's, as the multiboot binding's examples do. */
static int module_reg(const struct fdt *f, int node, struct fdt_reg *reg)
{
	int chosen = fdt_parent(f, node), cells_from = chosen;
	struct fdt_prop p;
	unsigned ac, sc;
	int err;

	if (chosen < 0)
		return chosen;
	if (fdt_get_prop(f, chosen, "#address-cells", &p) == HV_ENOENT)
		cells_from = fdt_root(f);
	if (cells_from < 0)
		return cells_from;
	err = fdt_cells(f, cells_from, &ac, &sc);
	if (err != HV_OK)
		return err;
	return fdt_reg_open_cells(f, node, ac, sc, reg);
}

static int read_module(const struct fdt *f, int node, struct bootmod *m)
{
	struct fdt_reg reg;
	const char *args;
	int err;

	err = module_reg(f, node, &reg);
	if (err == HV_OK)
		err = fdt_reg_get(&reg, 0, &m->base, &m->size);
	if (err != HV_OK)
		return module_fail(f, node, "property 'reg' is missing or malformed", err);
	if (m->size == 0)
		return module_fail(f, node, "property 'reg': empty module", HV_EINVAL);
	/* A path too long for the buffer is cut: it only names the module in messages. */
	if (fdt_node_path(f, node, m->node, sizeof(m->node)) < 0)
		memcpy(m->node, "/chosen/?", 10);

	if (fdt_node_is_compatible(f, node, "multiboot,kernel") == 1)
		m->kind = BOOTMOD_KERNEL;
	else if (fdt_node_is_compatible(f, node, "multiboot,ramdisk") == 1)
		m->kind = BOOTMOD_RAMDISK;
	else
		m->kind = BOOTMOD_OTHER;

	m->args[0] = '\0';
	err = fdt_get_string(f, node, "bootargs", &args);
	if (err == HV_ENOENT)
		return HV_OK;
	if (err != HV_OK)
		return module_fail(f, node, "property 'bootargs' is not a string", err);
	if (strlen(args) >= sizeof(m->args))
		return module_fail(f, node, "property 'bootargs' is too long", HV_ERANGE);
	memcpy(m->args, args, strlen(args) + 1);
	return HV_OK;
}

int bootmod_discover(const void *blob, size_t max_size, struct bootmod_list *list)
{
	struct fdt f;
	int chosen, node, err;

	list->count = 0;
	err = fdt_open(&f, blob, max_size);
	if (err != HV_OK) {
		log_err("bootmod: the DTB is malformed (%s)", hv_strerror(err));
		return err;
	}
	chosen = fdt_find_path(&f, "/chosen");
	if (chosen < 0)
		return HV_OK;
	for (node = fdt_first_child(&f, chosen); node >= 0; node = fdt_next_sibling(&f, node)) {
		if (fdt_node_is_compatible(&f, node, MODULE_COMPAT) != 1)
			continue;
		if (list->count == BOOTMOD_MAX)
			return module_fail(&f, node, "too many boot modules", HV_ENOMEM);
		err = read_module(&f, node, &list->mod[list->count]);
		if (err != HV_OK)
			return err;
		list->count++;
	}
	/* A walk that stopped on a malformed node rather than the end is an error too. */
	if (node != HV_ENOENT) {
		log_err("bootmod: /chosen: malformed subnode (%s)", hv_strerror(node));
		return node;
	}
	return HV_OK;
}

const struct bootmod *bootmod_find(const struct bootmod_list *list, enum bootmod_kind kind,
				   unsigned from)
{
	for (unsigned i = from; i < list->count; i++) {
		if (list->mod[i].kind == kind)
			return &list->mod[i];
	}
	return NULL;
}

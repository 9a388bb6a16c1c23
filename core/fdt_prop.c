// SPDX-License-Identifier: MIT
/* Device tree properties: lookup, typed values, string lists and reg (core/fdt.h). */
#include <core/err.h>
#include <core/fdt.h>
#include <core/lib.h>

#include "fdt_tok.h"

/* The first PROP token at or after `off`, skipping NOPs; HV_ENOENT at a node boundary. */
static int prop_at(const struct fdt *f, uint32_t off)
{
	uint32_t tag;
	int at = fdt_skip_nops(f, off, &tag);

	if (at < 0)
		return at;
	return tag == FDT_PROP ? at : HV_ENOENT;
}

int fdt_first_prop(const struct fdt *f, int node)
{
	uint32_t off;
	int err = fdt_node_body(f, node, &off);

	return err < 0 ? err : prop_at(f, off);
}

int fdt_next_prop(const struct fdt *f, int prop)
{
	struct fdt_tok t;
	int err = fdt_read_tok(f, prop, &t, NULL);

	if (err < 0)
		return err;
	if (t.tag != FDT_PROP)
		return HV_EINVAL;
	return prop_at(f, t.next);
}

int fdt_prop_read(const struct fdt *f, int prop, struct fdt_prop *out)
{
	struct fdt_tok t;
	int err = fdt_read_tok(f, prop, &t, NULL);

	if (err < 0)
		return err;
	if (t.tag != FDT_PROP)
		return HV_EINVAL;
	out->name = t.name;
	out->val = t.val;
	out->len = t.len;
	return 0;
}

int fdt_get_prop(const struct fdt *f, int node, const char *name, struct fdt_prop *out)
{
	uint64_t n;
	int prop = fdt_first_prop(f, node);

	for (n = 0; prop >= 0 && n < fdt_max_tokens(f); n++) {
		int err = fdt_prop_read(f, prop, out);

		if (err < 0)
			return err;
		if (strcmp(out->name, name) == 0)
			return 0;
		prop = fdt_next_prop(f, prop);
	}
	return prop < 0 ? prop : HV_EINVAL;
}

int fdt_get_u32(const struct fdt *f, int node, const char *name, uint32_t *out)
{
	struct fdt_prop p;
	int err = fdt_get_prop(f, node, name, &p);

	if (err < 0)
		return err;
	if (p.len != 4)
		return HV_EINVAL;
	*out = fdt_be32(p.val);
	return 0;
}

int fdt_get_u64(const struct fdt *f, int node, const char *name, uint64_t *out)
{
	struct fdt_prop p;
	int err = fdt_get_prop(f, node, name, &p);

	if (err < 0)
		return err;
	if (p.len != 4 && p.len != 8)
		return HV_EINVAL;
	*out = fdt_read_cells(p.val, p.len / 4);
	return 0;
}

int fdt_get_string(const struct fdt *f, int node, const char *name, const char **out)
{
	struct fdt_prop p;
	int err = fdt_get_prop(f, node, name, &p);

	if (err < 0)
		return err;
	if (p.len == 0 || strnlen((const char *)p.val, p.len) != p.len - 1)
		return HV_EINVAL;
	*out = (const char *)p.val;
	return 0;
}

int fdt_strlist_init(struct fdt_strlist *it, const struct fdt_prop *prop)
{
	it->next = (const char *)prop->val;
	it->left = prop->len;
	/* Every string ends with a NUL iff the last byte is one. */
	if (prop->len > 0 && prop->val[prop->len - 1] != '\0')
		return HV_EINVAL;
	return 0;
}

const char *fdt_strlist_next(struct fdt_strlist *it)
{
	const char *s = it->next;
	size_t len;

	if (it->left == 0)
		return NULL;
	len = strnlen(s, it->left);
	if (len == it->left) {
		/* Only reachable if the caller skipped fdt_strlist_init()'s check. */
		it->left = 0;
		return NULL;
	}
	it->next += len + 1;
	it->left -= (uint32_t)len + 1;
	return s;
}

int fdt_prop_has_string(const struct fdt *f, int node, const char *name, const char *str)
{
	struct fdt_strlist it;
	struct fdt_prop p;
	const char *s;
	int err = fdt_get_prop(f, node, name, &p);

	if (err == HV_ENOENT)
		return 0;
	if (err < 0)
		return err;
	if (fdt_strlist_init(&it, &p) < 0)
		return HV_EINVAL;
	while ((s = fdt_strlist_next(&it)) != NULL) {
		if (strcmp(s, str) == 0)
			return 1;
	}
	return 0;
}

int fdt_node_is_compatible(const struct fdt *f, int node, const char *compat)
{
	return fdt_prop_has_string(f, node, "compatible", compat);
}

bool fdt_node_is_available(const struct fdt *f, int node)
{
	const char *s;
	int err = fdt_get_string(f, node, "status", &s);

	if (err == HV_ENOENT)
		return true;
	return err == 0 && (strcmp(s, "okay") == 0 || strcmp(s, "ok") == 0);
}

/* --- reg --- */

int fdt_cells(const struct fdt *f, int node, unsigned *addr_cells, unsigned *size_cells)
{
	uint32_t ac = 2, sc = 1; /* devicetree spec 2.3.5: defaults when absent */
	int err = fdt_get_u32(f, node, "#address-cells", &ac);

	if (err < 0 && err != HV_ENOENT)
		return err;
	err = fdt_get_u32(f, node, "#size-cells", &sc);
	if (err < 0 && err != HV_ENOENT)
		return err;
	*addr_cells = ac;
	*size_cells = sc;
	return 0;
}

int fdt_reg_open_cells(const struct fdt *f, int node, unsigned ac, unsigned sc, struct fdt_reg *reg)
{
	unsigned entry;
	struct fdt_prop p;
	int err;

	/* A "reg" needs an address; a cell count we cannot hold in a u64 we refuse. */
	if (ac == 0 || ac > FDT_MAX_CELLS || sc > FDT_MAX_CELLS)
		return HV_EINVAL;
	if ((err = fdt_get_prop(f, node, "reg", &p)) < 0)
		return err;
	entry = (ac + sc) * 4;
	if (p.len == 0 || p.len % entry != 0)
		return HV_EINVAL;
	reg->val = p.val;
	reg->addr_cells = ac;
	reg->size_cells = sc;
	reg->count = p.len / entry;
	return 0;
}

int fdt_reg_open(const struct fdt *f, int node, struct fdt_reg *reg)
{
	unsigned ac, sc;
	int parent = fdt_parent(f, node), err;

	if (parent < 0)
		return parent == HV_ENOENT ? HV_EINVAL : parent; /* the root has no "reg" */
	if ((err = fdt_cells(f, parent, &ac, &sc)) < 0)
		return err;
	return fdt_reg_open_cells(f, node, ac, sc, reg);
}

int fdt_reg_get(const struct fdt_reg *reg, unsigned idx, uint64_t *base, uint64_t *size)
{
	const uint8_t *p;
	uint64_t b, s;

	if (idx >= reg->count)
		return HV_ENOENT;
	p = reg->val + (size_t)idx * (reg->addr_cells + reg->size_cells) * 4;
	b = fdt_read_cells(p, reg->addr_cells);
	s = fdt_read_cells(p + reg->addr_cells * 4, reg->size_cells);
	if (!range_ok(b, s))
		return HV_ERANGE;
	*base = b;
	*size = s;
	return 0;
}

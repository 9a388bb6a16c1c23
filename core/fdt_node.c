// SPDX-License-Identifier: MIT
/* Device tree nodes: walking, names, paths and lookups (core/fdt.h). Every step decodes its
 * token through fdt_read_tok(), so a walk never leaves the structure block. */
#include <core/err.h>
#include <core/fdt.h>
#include <core/lib.h>

#include "fdt_tok.h"

int fdt_root(const struct fdt *f)
{
	uint32_t tag;
	int off = fdt_skip_nops(f, 0, &tag);

	if (off < 0)
		return off;
	return tag == FDT_BEGIN_NODE ? off : HV_EINVAL;
}

int fdt_node_body(const struct fdt *f, int node, uint32_t *body)
{
	struct fdt_tok t;
	int err = fdt_read_tok(f, node, &t, NULL);

	if (err < 0)
		return err;
	if (t.tag != FDT_BEGIN_NODE)
		return HV_EINVAL;
	*body = t.next;
	return 0;
}

int fdt_first_child(const struct fdt *f, int node)
{
	uint32_t off;
	uint64_t n;
	int err = fdt_node_body(f, node, &off);

	if (err < 0)
		return err;
	for (n = 0; n < fdt_max_tokens(f); n++) {
		struct fdt_tok t;

		err = fdt_read_tok(f, (int)off, &t, NULL);
		if (err < 0)
			return err;
		switch (t.tag) {
		case FDT_BEGIN_NODE:
			return (int)off;
		case FDT_END_NODE:
			return HV_ENOENT;
		case FDT_END:
			return HV_EINVAL;
		}
		off = t.next;
	}
	return HV_EINVAL;
}

int fdt_next_sibling(const struct fdt *f, int node)
{
	uint32_t off = (uint32_t)node, body;
	int depth = 0, err;
	uint64_t n;

	if ((err = fdt_node_body(f, node, &body)) < 0)
		return err;
	/* Skip `node`'s whole subtree; what follows (past NOPs) is a sibling or the parent's
	 * END_NODE. */
	for (n = 0; n < fdt_max_tokens(f); n++) {
		struct fdt_tok t;

		err = fdt_read_tok(f, (int)off, &t, NULL);
		if (err < 0)
			return err;
		switch (t.tag) {
		case FDT_BEGIN_NODE:
			if (depth == 0 && n > 0)
				return (int)off;
			if (++depth > FDT_MAX_DEPTH + 1)
				return HV_EINVAL;
			break;
		case FDT_END_NODE:
			if (--depth < 0)
				return HV_ENOENT;
			break;
		case FDT_END:
			return depth == 0 ? HV_ENOENT : HV_EINVAL;
		case FDT_PROP:
			if (depth == 0)
				return HV_EINVAL;
			break;
		}
		off = t.next;
	}
	return HV_EINVAL;
}

int fdt_next_node(const struct fdt *f, int node, int *depth)
{
	uint32_t off;
	uint64_t n;
	int err;

	if (node < 0) {
		*depth = 0;
		return fdt_root(f);
	}
	if ((err = fdt_node_body(f, node, &off)) < 0)
		return err;
	for (n = 0; n < fdt_max_tokens(f); n++) {
		struct fdt_tok t;

		err = fdt_read_tok(f, (int)off, &t, NULL);
		if (err < 0)
			return err;
		switch (t.tag) {
		case FDT_BEGIN_NODE:
			(*depth)++;
			return (int)off;
		case FDT_END_NODE:
			(*depth)--;
			break;
		case FDT_END:
			return HV_ENOENT;
		}
		off = t.next;
	}
	return HV_EINVAL;
}

/* Walk from the root to `node`, recording its ancestors: stack[0] is the root, stack[depth]
 * is `node`. Returns the depth of `node`. */
static int ancestors(const struct fdt *f, int node, int stack[FDT_MAX_DEPTH + 1])
{
	int depth = 0, off = -1;
	uint64_t n;

	for (n = 0; n < fdt_max_tokens(f); n++) {
		off = fdt_next_node(f, off, &depth);
		if (off < 0)
			return off == HV_ENOENT ? HV_EINVAL : off;
		if (depth < 0 || depth > FDT_MAX_DEPTH)
			return HV_EINVAL;
		stack[depth] = off;
		if (off == node)
			return depth;
	}
	return HV_EINVAL;
}

int fdt_parent(const struct fdt *f, int node)
{
	int stack[FDT_MAX_DEPTH + 1];
	int depth = ancestors(f, node, stack);

	if (depth < 0)
		return depth;
	return depth == 0 ? HV_ENOENT : stack[depth - 1];
}

const char *fdt_node_name(const struct fdt *f, int node, size_t *len)
{
	struct fdt_tok t;

	if (fdt_read_tok(f, node, &t, NULL) < 0 || t.tag != FDT_BEGIN_NODE)
		return NULL;
	if (len)
		*len = strlen(t.name); /* terminated: fdt_read_tok checked */
	return t.name;
}

/* Devicetree spec 2.2.1: "name" matches "name@unit"; "name@unit" only matches itself. */
static bool name_matches(const char *node_name, size_t nlen, const char *want, size_t wlen)
{
	if (nlen < wlen || memcmp(node_name, want, wlen) != 0)
		return false;
	return nlen == wlen || node_name[wlen] == '@';
}

static bool has_at(const char *s, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++) {
		if (s[i] == '@')
			return true;
	}
	return false;
}

bool fdt_node_name_is(const struct fdt *f, int node, const char *name)
{
	size_t len;
	const char *n = fdt_node_name(f, node, &len);

	return n && name_matches(n, len, name, strlen(name));
}

int fdt_node_path(const struct fdt *f, int node, char *buf, size_t size)
{
	int stack[FDT_MAX_DEPTH + 1];
	int depth = ancestors(f, node, stack), i;
	size_t pos = 0;

	if (depth < 0)
		return depth;
	if (size)
		buf[0] = '\0';
	if (depth == 0) {
		if (size > 1) {
			buf[0] = '/';
			buf[1] = '\0';
		}
		return 1;
	}
	for (i = 1; i <= depth; i++) {
		size_t len, k;
		const char *name = fdt_node_name(f, stack[i], &len);

		if (!name)
			return HV_EINVAL;
		for (k = 0; k <= len; k++) {
			char c = k == 0 ? '/' : name[k - 1];

			if (pos + 1 < size) {
				buf[pos] = c;
				buf[pos + 1] = '\0';
			}
			pos++;
		}
	}
	return (int)pos;
}

int fdt_find_path(const struct fdt *f, const char *path)
{
	int node = fdt_root(f);

	if (node < 0)
		return node;
	if (!path || path[0] != '/')
		return HV_EINVAL;
	while (*path) {
		const char *comp;
		size_t clen = 0;
		bool exact;
		int child;

		while (*path == '/')
			path++;
		if (!*path)
			break;
		comp = path;
		while (comp[clen] && comp[clen] != '/')
			clen++;
		path += clen;
		/* With a unit address only the exact name matches. */
		exact = has_at(comp, clen);
		for (child = fdt_first_child(f, node); child >= 0;
		     child = fdt_next_sibling(f, child)) {
			size_t len;
			const char *name = fdt_node_name(f, child, &len);

			if (!name)
				return HV_EINVAL;
			if (exact ? (len == clen && memcmp(name, comp, clen) == 0)
				  : name_matches(name, len, comp, clen))
				break;
		}
		if (child < 0)
			return child;
		node = child;
	}
	return node;
}

int fdt_find_compatible(const struct fdt *f, int from, const char *compat)
{
	int depth = 0, node = from;
	uint64_t n;

	for (n = 0; n < fdt_max_tokens(f); n++) {
		int r;

		node = fdt_next_node(f, node, &depth);
		if (node < 0)
			return node;
		r = fdt_node_is_compatible(f, node, compat);
		if (r < 0)
			return r;
		if (r > 0)
			return node;
	}
	return HV_EINVAL;
}

int fdt_find_name_prefix(const struct fdt *f, int from, const char *prefix)
{
	size_t plen = strlen(prefix);
	int depth = 0, node = from;
	uint64_t n;

	for (n = 0; n < fdt_max_tokens(f); n++) {
		size_t len;
		const char *name;

		node = fdt_next_node(f, node, &depth);
		if (node < 0)
			return node;
		name = fdt_node_name(f, node, &len);
		if (name && len >= plen && memcmp(name, prefix, plen) == 0)
			return node;
	}
	return HV_EINVAL;
}

int fdt_find_phandle(const struct fdt *f, uint32_t phandle)
{
	int depth = 0, node = -1;
	uint64_t n;

	/* Devicetree spec 2.3.3: 0 and ~0 are not valid phandles. */
	if (phandle == 0 || phandle == 0xffffffffu)
		return HV_ENOENT;
	for (n = 0; n < fdt_max_tokens(f); n++) {
		uint32_t v;

		node = fdt_next_node(f, node, &depth);
		if (node < 0)
			return node;
		if ((fdt_get_u32(f, node, "phandle", &v) == 0 && v == phandle) ||
		    (fdt_get_u32(f, node, "linux,phandle", &v) == 0 && v == phandle))
			return node;
	}
	return HV_EINVAL;
}

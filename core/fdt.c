// SPDX-License-Identifier: MIT
/* Flattened device tree reader, written from the Devicetree Specification v0.4, chapter 5.
 * Every read is checked against the block it belongs to; see core/fdt.h for the contract. */
#include <core/err.h>
#include <core/fdt.h>
#include <core/lib.h>

#include "fdt_tok.h"

/* Devicetree spec 5.2: header fields, byte offsets. */
#define FDT_HDR_MAGIC	       0
#define FDT_HDR_TOTALSIZE      4
#define FDT_HDR_OFF_DT_STRUCT  8
#define FDT_HDR_OFF_DT_STRINGS 12
#define FDT_HDR_OFF_MEM_RSVMAP 16
#define FDT_HDR_VERSION	       20
#define FDT_HDR_LAST_COMP      24
#define FDT_HDR_SIZE_STRINGS   32
#define FDT_HDR_SIZE_STRUCT    36
#define FDT_HDR_SIZE_V16       36 /* size_dt_struct arrived in version 17 */
#define FDT_HDR_SIZE_V17       40

#define FDT_MIN_VERSION	 16
#define FDT_MAX_LASTCOMP 17

uint32_t fdt_be32(const void *p)
{
	const uint8_t *b = p;

	return (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 | b[3];
}

uint64_t fdt_be64(const void *p)
{
	const uint8_t *b = p;

	return (uint64_t)fdt_be32(b) << 32 | fdt_be32(b + 4);
}

uint64_t fdt_read_cells(const void *p, unsigned cells)
{
	if (cells == 1)
		return fdt_be32(p);
	if (cells == 2)
		return fdt_be64(p);
	return 0;
}

static uint64_t align4(uint64_t v)
{
	return (v + 3) & ~3ULL;
}

int fdt_read_tok(const struct fdt *f, int off, struct fdt_tok *t, const char **why)
{
	uint64_t end = f->struct_size;
	uint64_t o = (uint64_t)off, next;
	const char *w = NULL;
	const uint8_t *sb;

	if (!f->blob || off < 0 || (o & 3) != 0 || o + FDT_TAG_SIZE > end) {
		w = "token outside the structure block";
		goto bad;
	}
	sb = f->blob + f->struct_off;
	t->tag = fdt_be32(sb + o);
	t->name = NULL;
	t->val = NULL;
	t->len = 0;
	next = o + FDT_TAG_SIZE;

	switch (t->tag) {
	case FDT_BEGIN_NODE: {
		size_t room = (size_t)(end - next);
		size_t n = strnlen((const char *)sb + next, room);

		if (n == room) {
			w = "node name not terminated inside the structure block";
			goto bad;
		}
		t->name = (const char *)sb + next;
		next = align4(next + n + 1);
		break;
	}
	case FDT_PROP: {
		uint32_t nameoff;
		size_t room;

		if (o + FDT_PROP_HDR_SIZE > end) {
			w = "property header past the structure block";
			goto bad;
		}
		t->len = fdt_be32(sb + o + 4);
		nameoff = fdt_be32(sb + o + 8);
		if (o + FDT_PROP_HDR_SIZE + t->len > end) {
			w = "property value past the structure block";
			goto bad;
		}
		if (nameoff >= f->strings_size) {
			w = "property name offset outside the strings block";
			goto bad;
		}
		room = f->strings_size - nameoff;
		t->name = (const char *)f->blob + f->strings_off + nameoff;
		if (strnlen(t->name, room) == room) {
			w = "property name not terminated inside the strings block";
			goto bad;
		}
		t->val = sb + o + FDT_PROP_HDR_SIZE;
		next = align4(o + FDT_PROP_HDR_SIZE + t->len);
		break;
	}
	case FDT_END_NODE:
	case FDT_NOP:
	case FDT_END:
		break;
	default:
		w = "unknown token";
		goto bad;
	}
	/* The padding after a name or value belongs to the block too. */
	if (next > end) {
		w = "token padding past the structure block";
		goto bad;
	}
	t->next = (uint32_t)next;
	return 0;
bad:
	if (why)
		*why = w;
	return HV_EINVAL;
}

static int fail(struct fdt *f, uint64_t off, const char *what)
{
	f->err_what = what;
	f->err_off = (uint32_t)off;
	return HV_EINVAL;
}

/* The memory reservation block is a list of (address, size) ended by (0, 0). */
static int check_rsvmap(struct fdt *f)
{
	uint64_t off;

	for (off = f->rsvmap_off; off + FDT_RSV_ENTRY <= f->size; off += FDT_RSV_ENTRY) {
		if (fdt_be64(f->blob + off) == 0 && fdt_be64(f->blob + off + 8) == 0)
			return 0;
	}
	return fail(f, f->rsvmap_off, "memory reservation block not terminated");
}

/* Walk every token once: one root node, balanced BEGIN/END, properties only before subnodes,
 * depth within FDT_MAX_DEPTH, and an FDT_END after the root. */
static int check_structure(struct fdt *f)
{
	const uint64_t limit = fdt_max_tokens(f);
	bool seen_root = false, props_ok = false;
	int depth = -1;
	uint32_t off = 0;
	uint64_t n;

	for (n = 0; n < limit && off < f->struct_size; n++) {
		const char *why = NULL;
		struct fdt_tok t;

		if (fdt_read_tok(f, (int)off, &t, &why) < 0)
			return fail(f, (uint64_t)f->struct_off + off, why);

		switch (t.tag) {
		case FDT_BEGIN_NODE:
			if (depth < 0 && seen_root)
				return fail(f, (uint64_t)f->struct_off + off, "second root node");
			if (++depth > FDT_MAX_DEPTH)
				return fail(f, (uint64_t)f->struct_off + off,
					    "nodes nested too deep");
			seen_root = true;
			props_ok = true;
			break;
		case FDT_END_NODE:
			if (depth < 0)
				return fail(f, (uint64_t)f->struct_off + off,
					    "unbalanced FDT_END_NODE");
			depth--;
			/* Back in the parent, which has now had a subnode. */
			props_ok = false;
			break;
		case FDT_PROP:
			if (depth < 0 || !props_ok)
				return fail(f, (uint64_t)f->struct_off + off,
					    "property outside a node or after a subnode");
			break;
		case FDT_NOP:
			break;
		case FDT_END:
			if (depth >= 0 || !seen_root)
				return fail(f, (uint64_t)f->struct_off + off,
					    "FDT_END before the root node is complete");
			return 0;
		}
		off = t.next;
	}
	return fail(f, (uint64_t)f->struct_off + off, "no FDT_END in the structure block");
}

int fdt_open(struct fdt *f, const void *blob, size_t max_size)
{
	const uint8_t *b = blob;
	uint32_t totalsize, version, last_comp, hdr_size;
	uint64_t s_off, s_size, str_off, str_size, rsv_off;

	memset(f, 0, sizeof(*f));
	if (!blob || max_size < FDT_HDR_SIZE_V16)
		return fail(f, 0, "buffer too small for a header");
	if (fdt_be32(b + FDT_HDR_MAGIC) != FDT_MAGIC)
		return fail(f, FDT_HDR_MAGIC, "bad magic");
	version = fdt_be32(b + FDT_HDR_VERSION);
	last_comp = fdt_be32(b + FDT_HDR_LAST_COMP);
	if (version < FDT_MIN_VERSION || last_comp > FDT_MAX_LASTCOMP || last_comp > version) {
		fail(f, FDT_HDR_VERSION, "unsupported version");
		return HV_ENOTSUP;
	}
	hdr_size = version >= 17 ? FDT_HDR_SIZE_V17 : FDT_HDR_SIZE_V16;
	totalsize = fdt_be32(b + FDT_HDR_TOTALSIZE);
	if (max_size < hdr_size || totalsize < hdr_size)
		return fail(f, FDT_HDR_TOTALSIZE, "header truncated");
	if (totalsize > max_size)
		return fail(f, FDT_HDR_TOTALSIZE, "totalsize beyond the buffer");
	/* Offsets are handed out as int. */
	if (totalsize > 0x7fffffffu)
		return fail(f, FDT_HDR_TOTALSIZE, "totalsize too large");

	rsv_off = fdt_be32(b + FDT_HDR_OFF_MEM_RSVMAP);
	s_off = fdt_be32(b + FDT_HDR_OFF_DT_STRUCT);
	str_off = fdt_be32(b + FDT_HDR_OFF_DT_STRINGS);
	str_size = fdt_be32(b + FDT_HDR_SIZE_STRINGS);
	/* 64-bit sums: off + size of two u32 cannot wrap. */
	if (rsv_off < hdr_size || rsv_off + FDT_RSV_ENTRY > totalsize || (rsv_off & 7) != 0)
		return fail(f, FDT_HDR_OFF_MEM_RSVMAP, "bad memory reservation block offset");
	if (s_off < hdr_size || s_off > totalsize || (s_off & 3) != 0)
		return fail(f, FDT_HDR_OFF_DT_STRUCT, "bad structure block offset");
	s_size = version >= 17 ? fdt_be32(b + FDT_HDR_SIZE_STRUCT) : totalsize - s_off;
	if (s_off + s_size > totalsize)
		return fail(f, FDT_HDR_SIZE_STRUCT, "structure block past totalsize");
	if (str_off < hdr_size || str_off + str_size > totalsize)
		return fail(f, FDT_HDR_OFF_DT_STRINGS, "strings block past totalsize");

	f->blob = b;
	f->size = totalsize;
	f->version = version;
	f->rsvmap_off = (uint32_t)rsv_off;
	f->struct_off = (uint32_t)s_off;
	f->struct_size = (uint32_t)s_size;
	f->strings_off = (uint32_t)str_off;
	f->strings_size = (uint32_t)str_size;

	if (check_rsvmap(f) < 0 || check_structure(f) < 0) {
		f->blob = NULL; /* make later misuse fail cleanly */
		f->size = f->struct_size = f->strings_size = 0;
		return HV_EINVAL;
	}
	return 0;
}

int fdt_mem_rsv(const struct fdt *f, unsigned idx, uint64_t *addr, uint64_t *size)
{
	uint64_t off = f->rsvmap_off;
	unsigned i;

	for (i = 0;; i++, off += FDT_RSV_ENTRY) {
		uint64_t a, s;

		if (!f->blob || off + FDT_RSV_ENTRY > f->size)
			return HV_EINVAL;
		a = fdt_be64(f->blob + off);
		s = fdt_be64(f->blob + off + 8);
		if (a == 0 && s == 0)
			return HV_ENOENT;
		if (i == idx) {
			*addr = a;
			*size = s;
			return 0;
		}
	}
}

/* Upper bound on the tokens of a block: every loop below runs at most this many times. */
uint64_t fdt_max_tokens(const struct fdt *f)
{
	return f->struct_size / FDT_TAG_SIZE + 1;
}

int fdt_skip_nops(const struct fdt *f, uint32_t off, uint32_t *tag)
{
	for (uint64_t n = 0; n < fdt_max_tokens(f); n++) {
		struct fdt_tok t;
		int err = fdt_read_tok(f, (int)off, &t, NULL);

		if (err < 0)
			return err;
		if (t.tag != FDT_NOP) {
			*tag = t.tag;
			return (int)off;
		}
		off = t.next;
	}
	return HV_EINVAL;
}

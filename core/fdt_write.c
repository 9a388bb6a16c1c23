// SPDX-License-Identifier: MIT
/* Flattened device tree writer, written from the Devicetree Specification v0.4, chapter 5.
 * See core/fdt_write.h for the contract.
 *
 * Layout while writing: header space, reservation entries, then the structure block growing
 * up from the front of the buffer and the strings growing down from its end; the free space
 * is between them. fdtw_finish() moves the strings next to the structure block. A property's
 * name offset cannot be known before the strings block is complete, so until then it holds
 * the string's distance from the end of the buffer and fdtw_finish() rewrites it. */
#include <core/err.h>
#include <core/fdt_write.h>
#include <core/lib.h>

/* Devicetree spec 5.2: header fields, byte offsets. */
#define HDR_MAGIC	    0
#define HDR_TOTALSIZE	    4
#define HDR_OFF_DT_STRUCT   8
#define HDR_OFF_DT_STRINGS  12
#define HDR_OFF_MEM_RSVMAP  16
#define HDR_VERSION	    20
#define HDR_LAST_COMP	    24
#define HDR_BOOT_CPUID_PHYS 28
#define HDR_SIZE_DT_STRINGS 32
#define HDR_SIZE_DT_STRUCT  36

#define FDT_MAGIC_VALUE 0xd00dfeedu
#define FDT_VERSION	17
#define FDT_LAST_COMP	16 /* a version 16 reader can read what we write */
#define FDT_MAX_TOTALSZ 0xffffffffu

/* Devicetree spec 5.4.1: structure block tokens. */
#define FDT_BEGIN_NODE 0x1u
#define FDT_END_NODE   0x2u
#define FDT_PROP       0x3u
#define FDT_END	       0x9u

#define TAG_SIZE      4u
#define PROP_HDR_SIZE 12u /* tag, len, nameoff */
#define PROP_LEN      4u  /* offset of len in a property header */
#define PROP_NAMEOFF  8u  /* offset of nameoff in a property header */
#define CELL_SIZE     4u

#define UNIT_HEX_MAX 16 /* digits of a u64 */

_Static_assert(FDTW_NAME_MAX + 1 <= UINT8_MAX, "struct fdtw.name_len holds a name's length");

static void put_be32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

static void put_be64(uint8_t *p, uint64_t v)
{
	put_be32(p, (uint32_t)(v >> 32));
	put_be32(p + 4, (uint32_t)v);
}

static uint32_t get_be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static size_t align4(size_t v)
{
	return (v + 3) & ~(size_t)3;
}

static int fail(struct fdtw *w, int err)
{
	if (w->err == 0)
		w->err = err;
	return w->err;
}

/* Bytes still free between the structure block and the strings. */
static size_t room(const struct fdtw *w)
{
	return w->str_lo - w->off;
}

/* Append `len` bytes of structure block (zero-filled, so padding is zero): a pointer to
 * them, or NULL with the writer failed. */
static uint8_t *grow(struct fdtw *w, size_t len)
{
	uint8_t *p;

	if (len > room(w)) {
		fail(w, HV_ENOMEM);
		return NULL;
	}
	p = w->buf + w->off;
	memset(p, 0, len);
	w->off += len;
	return p;
}

static int put_token(struct fdtw *w, uint32_t tag)
{
	uint8_t *p = grow(w, TAG_SIZE);

	if (!p)
		return w->err;
	put_be32(p, tag);
	return 0;
}

/* Devicetree spec tables 2.1 (node names) and 2.2 (property names also allow '?' and '#'). */
static bool name_char_ok(char c, bool prop)
{
	if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'))
		return true;
	if (c == ',' || c == '.' || c == '_' || c == '+' || c == '-')
		return true;
	return prop && (c == '?' || c == '#');
}

static bool node_name_ok(const char *name)
{
	size_t i, base_len = 0;
	bool at = false;

	for (i = 0; name[i]; i++) {
		if (name[i] == '@' && !at) {
			at = true;
			continue;
		}
		if (!name_char_ok(name[i], false))
			return false;
		if (!at && ++base_len > FDTW_NAME_MAX)
			return false;
	}
	/* "@unit" alone or "name@" with no unit address are not names. */
	return base_len > 0 && name[i - 1] != '@';
}

static bool prop_name_ok(const char *name)
{
	size_t i;

	for (i = 0; name[i]; i++) {
		if (i >= FDTW_NAME_MAX || !name_char_ok(name[i], true))
			return false;
	}
	return i > 0;
}

/* Where `s` (with its NUL, `len` bytes) already is in the strings area, as a distance from the
 * end of the buffer, or 0. A match ends at a stored name's NUL, since `s` has none inside: it
 * is that name or its tail, so the index of stored names finds every match while it holds all
 * of them; past FDTW_NAMES_MAX names, every byte of the area is tried. */
static size_t find_string(const struct fdtw *w, const char *s, size_t len)
{
	for (unsigned i = 0; i < w->names; i++) {
		size_t at = w->size - w->name_dist[i] + w->name_len[i] - len;

		if (w->name_len[i] >= len && w->buf[at] == (uint8_t)s[0] &&
		    memcmp(w->buf + at, s, len) == 0)
			return w->size - at;
	}
	for (size_t p = w->str_lo; w->names == FDTW_NAMES_MAX && p + len <= w->size; p++) {
		if (memcmp(w->buf + p, s, len) == 0)
			return w->size - p;
	}
	return 0;
}

/* The string's distance from the end of the buffer once it is in the strings area: an
 * existing copy (or a stored name it is the tail of) is reused. 0 on failure. */
static size_t add_string(struct fdtw *w, const char *s)
{
	size_t len = strlen(s) + 1, dist = find_string(w, s, len);

	if (dist)
		return dist;
	if (len > room(w)) {
		fail(w, HV_ENOMEM);
		return 0;
	}
	w->str_lo -= len;
	memcpy(w->buf + w->str_lo, s, len);
	if (w->names < FDTW_NAMES_MAX) {
		/* prop_name_ok() bounds a name to FDTW_NAME_MAX bytes: its length fits. */
		w->name_dist[w->names] = (uint32_t)(w->size - w->str_lo);
		w->name_len[w->names++] = (uint8_t)len;
	}
	return w->size - w->str_lo;
}

int fdtw_init(struct fdtw *w, void *buf, size_t size)
{
	memset(w, 0, sizeof(*w));
	w->buf = buf;
	w->size = MIN(size, (size_t)FDT_MAX_TOTALSZ);
	w->off = FDTW_HEADER_SIZE;
	w->str_lo = w->size;
	if (!buf || w->size < FDTW_HEADER_SIZE) {
		/* Keep room() at 0 so nothing below can write. */
		w->off = w->str_lo = w->size;
		return fail(w, HV_ENOMEM);
	}
	return 0;
}

int fdtw_add_rsv(struct fdtw *w, uint64_t addr, uint64_t size)
{
	uint8_t *p;

	if (w->err)
		return w->err;
	if (w->started)
		return fail(w, HV_EINVAL);
	p = grow(w, FDTW_RSV_ENTRY_LEN);
	if (!p)
		return w->err;
	put_be64(p, addr);
	put_be64(p + 8, size);
	return 0;
}

int fdtw_begin_node(struct fdtw *w, const char *name)
{
	size_t len;
	uint8_t *p;

	if (w->err)
		return w->err;
	if (w->root_done || w->depth > FDTW_MAX_DEPTH)
		return fail(w, HV_EINVAL);
	/* The root is the only node with an empty name; every other node needs one. */
	if (!w->started ? name[0] != '\0' : !node_name_ok(name))
		return fail(w, HV_EINVAL);
	if (!w->started) {
		/* The (0, 0) entry ends the reservation block (spec 5.3). */
		if (!grow(w, FDTW_RSV_ENTRY_LEN))
			return w->err;
		w->struct_off = w->off;
		w->started = true;
	}
	len = strlen(name) + 1;
	p = grow(w, TAG_SIZE + align4(len));
	if (!p)
		return w->err;
	put_be32(p, FDT_BEGIN_NODE);
	memcpy(p + TAG_SIZE, name, len);
	w->depth++;
	w->props_ok = true;
	return 0;
}

int fdtw_begin_node_at(struct fdtw *w, const char *name, uint64_t unit)
{
	static const char hex[] = "0123456789abcdef";
	char full[FDTW_NAME_MAX + 1 + UNIT_HEX_MAX + 1];
	size_t len, i, digits = 1;

	if (w->err)
		return w->err;
	len = strnlen(name, FDTW_NAME_MAX + 1);
	if (len > FDTW_NAME_MAX)
		return fail(w, HV_EINVAL);
	while (digits < UNIT_HEX_MAX && (unit >> (4 * digits)) != 0)
		digits++;
	memcpy(full, name, len);
	full[len] = '@';
	for (i = 0; i < digits; i++)
		full[len + digits - i] = hex[(unit >> (4 * i)) & 0xf];
	full[len + 1 + digits] = '\0';
	return fdtw_begin_node(w, full);
}

int fdtw_end_node(struct fdtw *w)
{
	if (w->err)
		return w->err;
	if (w->depth == 0)
		return fail(w, HV_EINVAL);
	if (put_token(w, FDT_END_NODE) < 0)
		return w->err;
	w->depth--;
	/* Back in the parent, which now has a subnode: no more properties there. */
	w->props_ok = false;
	w->root_done = w->depth == 0;
	return 0;
}

/* Write a property header and reserve its value: a pointer to the `len` value bytes (zeroed),
 * or NULL with the writer failed. */
static uint8_t *prop_begin(struct fdtw *w, const char *name, size_t len)
{
	size_t dist;
	uint8_t *p;

	if (w->err)
		return NULL;
	if (w->depth == 0 || !w->props_ok || !prop_name_ok(name)) {
		fail(w, HV_EINVAL);
		return NULL;
	}
	/* Check the whole property fits before storing the name, so that a value too large for
	 * the buffer is HV_ENOMEM without first being a u32 overflow. */
	if (len > room(w) || PROP_HDR_SIZE + align4(len) > room(w)) {
		fail(w, HV_ENOMEM);
		return NULL;
	}
	dist = add_string(w, name);
	if (!dist)
		return NULL;
	p = grow(w, PROP_HDR_SIZE + align4(len));
	if (!p)
		return NULL;
	put_be32(p, FDT_PROP);
	put_be32(p + PROP_LEN, (uint32_t)len);
	put_be32(p + PROP_NAMEOFF, (uint32_t)dist);
	return p + PROP_HDR_SIZE;
}

int fdtw_prop(struct fdtw *w, const char *name, const void *val, size_t len)
{
	uint8_t *p = prop_begin(w, name, len);

	if (!p)
		return w->err;
	if (len)
		memcpy(p, val, len);
	return 0;
}

int fdtw_prop_empty(struct fdtw *w, const char *name)
{
	return fdtw_prop(w, name, NULL, 0);
}

int fdtw_prop_u32(struct fdtw *w, const char *name, uint32_t v)
{
	return fdtw_prop_cells(w, name, &v, 1);
}

int fdtw_prop_u64(struct fdtw *w, const char *name, uint64_t v)
{
	return fdtw_prop_u64s(w, name, &v, 1);
}

int fdtw_prop_cells(struct fdtw *w, const char *name, const uint32_t *cells, size_t n)
{
	uint8_t *p;
	size_t i;

	if (n > room(w) / CELL_SIZE)
		return fail(w, HV_ENOMEM);
	p = prop_begin(w, name, n * CELL_SIZE);
	if (!p)
		return w->err;
	for (i = 0; i < n; i++)
		put_be32(p + i * CELL_SIZE, cells[i]);
	return 0;
}

int fdtw_prop_u64s(struct fdtw *w, const char *name, const uint64_t *v, size_t n)
{
	uint8_t *p;
	size_t i;

	if (n > room(w) / (2 * CELL_SIZE))
		return fail(w, HV_ENOMEM);
	p = prop_begin(w, name, n * 2 * CELL_SIZE);
	if (!p)
		return w->err;
	for (i = 0; i < n; i++)
		put_be64(p + i * 2 * CELL_SIZE, v[i]);
	return 0;
}

int fdtw_prop_string(struct fdtw *w, const char *name, const char *s)
{
	return fdtw_prop_strings(w, name, &s, 1);
}

int fdtw_prop_strings(struct fdtw *w, const char *name, const char *const *list, size_t n)
{
	size_t total = 0, i, len;
	uint8_t *p;

	if (w->err)
		return w->err;
	/* Sum with a bound so a long list cannot overflow the count. */
	for (i = 0; i < n; i++) {
		total += strnlen(list[i], room(w)) + 1;
		if (total > room(w))
			return fail(w, HV_ENOMEM);
	}
	p = prop_begin(w, name, total);
	if (!p)
		return w->err;
	for (i = 0; i < n; i++) {
		len = strlen(list[i]) + 1;
		memcpy(p, list[i], len);
		p += len;
	}
	return 0;
}

/* Turn every property's distance-from-the-end into its offset in the strings block. */
static void fix_name_offsets(struct fdtw *w, size_t strings_size)
{
	size_t off = w->struct_off;

	while (off + TAG_SIZE <= w->off) {
		uint32_t tag = get_be32(w->buf + off);
		uint8_t *hdr = w->buf + off;

		if (tag == FDT_BEGIN_NODE) {
			off += TAG_SIZE + align4(strlen((const char *)hdr + TAG_SIZE) + 1);
		} else if (tag == FDT_PROP) {
			uint32_t len = get_be32(hdr + PROP_LEN);
			uint32_t dist = get_be32(hdr + PROP_NAMEOFF);

			put_be32(hdr + PROP_NAMEOFF, (uint32_t)(strings_size - dist));
			off += PROP_HDR_SIZE + align4(len);
		} else {
			off += TAG_SIZE; /* END_NODE, END: we write no NOPs */
		}
	}
}

int fdtw_finish(struct fdtw *w, uint32_t boot_cpuid, size_t *totalsize)
{
	size_t strings_size, struct_size;
	uint8_t *h = w->buf;

	if (w->err)
		return w->err;
	if (!w->root_done)
		return fail(w, HV_EINVAL);
	if (put_token(w, FDT_END) < 0)
		return w->err;
	struct_size = w->off - w->struct_off;
	strings_size = w->size - w->str_lo;
	fix_name_offsets(w, strings_size);
	/* The free space lies between the two blocks: the move stays inside the buffer. */
	memmove(w->buf + w->off, w->buf + w->str_lo, strings_size);

	put_be32(h + HDR_MAGIC, FDT_MAGIC_VALUE);
	put_be32(h + HDR_TOTALSIZE, (uint32_t)(w->off + strings_size));
	put_be32(h + HDR_OFF_DT_STRUCT, (uint32_t)w->struct_off);
	put_be32(h + HDR_OFF_DT_STRINGS, (uint32_t)w->off);
	/* Right after the 40-byte header: the 8-byte alignment spec 5.3 asks for. */
	put_be32(h + HDR_OFF_MEM_RSVMAP, FDTW_HEADER_SIZE);
	put_be32(h + HDR_VERSION, FDT_VERSION);
	put_be32(h + HDR_LAST_COMP, FDT_LAST_COMP);
	put_be32(h + HDR_BOOT_CPUID_PHYS, boot_cpuid);
	put_be32(h + HDR_SIZE_DT_STRINGS, (uint32_t)strings_size);
	put_be32(h + HDR_SIZE_DT_STRUCT, (uint32_t)struct_size);
	if (totalsize)
		*totalsize = w->off + strings_size;
	/* Written once: a second finish would append another FDT_END. */
	w->err = HV_EINVAL;
	return 0;
}

/* SPDX-License-Identifier: MIT */
#ifndef CORE_FDT_H
#define CORE_FDT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* A read-only reader of flattened device trees (Devicetree Specification v0.4, chapter 5).
 *
 * Trust model: the blob comes from outside (firmware, QEMU, a configuration file) and may be
 * anything. fdt_open() validates the header and walks the whole structure block once: every
 * token, node name, property (inside the structure block, its name a NUL-terminated string
 * inside the strings block), nesting depth (at most FDT_MAX_DEPTH), the balance of BEGIN/END
 * tokens and the final FDT_END. The other functions still bound-check every read, so none of
 * them reads outside [blob, blob + totalsize) even if called on an unchecked struct fdt.
 * Values are big-endian and read byte-wise: the blob needs no alignment.
 *
 * Nodes and properties are named by their offset (>= 0) inside the structure block. Functions
 * returning an offset return a negative HV_E* instead when there is none (HV_ENOENT) or the
 * tree is malformed (HV_EINVAL). The blob is borrowed: it must outlive the struct fdt, and the
 * pointers handed out point into it. Not locked; the blob is never written. */

#define FDT_MAGIC     0xd00dfeedu
#define FDT_MAX_DEPTH 32 /* root is depth 0; deeper nodes make fdt_open() fail */
#define FDT_MAX_CELLS 2	 /* #address-cells / #size-cells we can hold in a u64 */

struct fdt {
	const uint8_t *blob;
	uint32_t size; /* totalsize */
	uint32_t struct_off, struct_size;
	uint32_t strings_off, strings_size;
	uint32_t rsvmap_off;
	uint32_t version;
	/* Set by fdt_open() on failure: what was wrong and where (byte offset in the blob). */
	const char *err_what;
	uint32_t err_off;
};

/* One property, as handed out by fdt_prop_read(). `val` is `len` bytes inside the blob. */
struct fdt_prop {
	const char *name; /* NUL-terminated, inside the strings block */
	const uint8_t *val;
	uint32_t len;
};

/* Validate `blob` (of which `max_size` bytes may be read) and fill `f`. HV_EINVAL for any
 * malformed header or structure (f->err_what says what), HV_ENOTSUP for a version the reader
 * does not speak (version < 16 or last_comp_version > 17). */
int fdt_open(struct fdt *f, const void *blob, size_t max_size);

/* Entries of the memory reservation block: HV_ENOENT past the last one. */
int fdt_mem_rsv(const struct fdt *f, unsigned idx, uint64_t *addr, uint64_t *size);

/* --- nodes --- */
int fdt_root(const struct fdt *f);
int fdt_first_child(const struct fdt *f, int node);
int fdt_next_sibling(const struct fdt *f, int node);
/* Document-order walk: the node after `node`, or the root when `node` < 0 (which also sets
 * *depth to 0). *depth is updated as the walk moves (root = 0): a subtree has been left when
 * it drops back to the depth of the subtree's root. */
int fdt_next_node(const struct fdt *f, int node, int *depth);
int fdt_parent(const struct fdt *f, int node);
/* The node's name ("" for the root), NUL-terminated inside the blob; NULL if `node` is not a
 * node. *len (optional) gets strlen(name). */
const char *fdt_node_name(const struct fdt *f, int node, size_t *len);
/* True if the node's name is `name` or `name@unit-address`. */
bool fdt_node_name_is(const struct fdt *f, int node, const char *name);
/* Write the full path ("/cpus/cpu@0") into buf; cut (still NUL-terminated) if too small.
 * Returns the path's full length or a negative HV_E*. */
int fdt_node_path(const struct fdt *f, int node, char *buf, size_t size);

/* "/", "/cpus", "/cpus/cpu@0". A component without "@unit" also matches a node that has one
 * ("/memory" finds "memory@40000000"; the first match wins). */
int fdt_find_path(const struct fdt *f, const char *path);
/* Next node after `from` in document order (from < 0: start at the root, included) whose
 * "compatible" list holds `compat`. */
int fdt_find_compatible(const struct fdt *f, int from, const char *compat);
/* Next node after `from` (same walk) whose name starts with `prefix`, e.g. "memory@". */
int fdt_find_name_prefix(const struct fdt *f, int from, const char *prefix);
/* Node whose "phandle" (or legacy "linux,phandle") is `phandle`. */
int fdt_find_phandle(const struct fdt *f, uint32_t phandle);

/* --- properties --- */
int fdt_first_prop(const struct fdt *f, int node);
int fdt_next_prop(const struct fdt *f, int prop);
int fdt_prop_read(const struct fdt *f, int prop, struct fdt_prop *out);
/* Look `name` up in `node`: 0 and *out, HV_ENOENT if absent, HV_EINVAL if malformed. */
int fdt_get_prop(const struct fdt *f, int node, const char *name, struct fdt_prop *out);
/* A property holding one u32 (exactly 4 bytes) / a u64 (4 or 8 bytes). */
int fdt_get_u32(const struct fdt *f, int node, const char *name, uint32_t *out);
int fdt_get_u64(const struct fdt *f, int node, const char *name, uint64_t *out);
/* A property holding exactly one NUL-terminated string: HV_EINVAL if the value is empty,
 * has no final NUL, or has a NUL before the end (a string list is not a string). */
int fdt_get_string(const struct fdt *f, int node, const char *name, const char **out);
/* 1 if the string list property `name` holds `str`, 0 if not or absent, HV_EINVAL if the
 * property is not a well-formed string list. */
int fdt_prop_has_string(const struct fdt *f, int node, const char *name, const char *str);
int fdt_node_is_compatible(const struct fdt *f, int node, const char *compat);
/* False only for a "status" other than "okay"/"ok" (devicetree spec 2.3.4). */
bool fdt_node_is_available(const struct fdt *f, int node);

/* --- values --- */
uint32_t fdt_be32(const void *p);
uint64_t fdt_be64(const void *p);
/* Read `cells` (1 or 2; 0 gives 0) big-endian cells at p as one number. */
uint64_t fdt_read_cells(const void *p, unsigned cells);

/* Iterate a string list such as "compatible": each string must end with a NUL inside the
 * value, otherwise fdt_strlist_init() fails with HV_EINVAL. An empty value is an empty list. */
struct fdt_strlist {
	const char *next;
	uint32_t left;
};
int fdt_strlist_init(struct fdt_strlist *it, const struct fdt_prop *prop);
/* The next string, or NULL at the end. */
const char *fdt_strlist_next(struct fdt_strlist *it);

/* The "reg" property of a node, decoded with the parent's #address-cells (1..2, default 2)
 * and #size-cells (0..2, default 1). */
struct fdt_reg {
	const uint8_t *val;
	unsigned addr_cells, size_cells;
	unsigned count; /* entries */
};
/* HV_ENOENT without "reg"; HV_EINVAL if the cell counts are out of range or the length is not a
 * positive multiple of one entry. */
int fdt_reg_open(const struct fdt *f, int node, struct fdt_reg *reg);
/* The same with explicit cell counts, for bindings that say whose cells apply. */
int fdt_reg_open_cells(const struct fdt *f, int node, unsigned addr_cells, unsigned size_cells,
		       struct fdt_reg *reg);
/* Entry `idx`: HV_ENOENT past the end, HV_ERANGE if base + size wraps around 2^64. */
int fdt_reg_get(const struct fdt_reg *reg, unsigned idx, uint64_t *base, uint64_t *size);

/* #address-cells / #size-cells of `node` itself (what its children's "reg" use). */
int fdt_cells(const struct fdt *f, int node, unsigned *addr_cells, unsigned *size_cells);

#endif

/* SPDX-License-Identifier: MIT */
#ifndef CORE_FDT_WRITE_H
#define CORE_FDT_WRITE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* A writer of flattened device trees (Devicetree Specification v0.4, chapter 5) into a buffer
 * the caller owns; nothing is allocated.
 *
 * Use: fdtw_init(), any fdtw_add_rsv(), then the tree in document order (fdtw_begin_node("")
 * for the root, its properties, its subnodes, fdtw_end_node()), then fdtw_finish(). The blob
 * is laid out as header, memory reservation block, structure block, strings block (in that
 * order, version 17, last compatible version 16); property names are stored once (a name that
 * is the tail of a stored one shares it).
 *
 * Errors are sticky: the first failure is remembered, every later call does nothing and
 * returns it, and fdtw_finish() returns it, so a caller may write a whole tree and check once.
 * HV_ENOMEM: the buffer is too small (no byte outside [buf, buf + size) is ever written).
 * HV_EINVAL: a call out of order (property after a subnode or outside any node, reservation
 * after the first node, unbalanced end_node, a second root, finish with nodes open), a bad
 * name, or nesting deeper than FDTW_MAX_DEPTH. The buffer's contents are unspecified until
 * fdtw_finish() succeeds. Not locked: one writer per struct fdtw. */

#define FDTW_MAX_DEPTH	   32 /* root is depth 0; the same limit as the reader's FDT_MAX_DEPTH */
#define FDTW_NAME_MAX	   31 /* node-name (before '@') and property-name length, spec 2.2 */
#define FDTW_HEADER_SIZE   40 /* version 17 header, spec 5.2 */
#define FDTW_RSV_ENTRY_LEN 16
#define FDTW_NAMES_MAX	   64 /* distinct property names indexed; more are found by a scan */

struct fdtw {
	uint8_t *buf;
	size_t size;	   /* usable bytes (at most UINT32_MAX: totalsize is a u32) */
	size_t struct_off; /* start of the structure block, once the root has begun */
	size_t off;	   /* end of the structure block written so far */
	size_t str_lo;	   /* the strings grow down from the end: they fill [str_lo, size) */
	unsigned depth;	   /* nodes open */
	bool started;	   /* the root has begun: no more reservations */
	bool root_done;	   /* the root has ended: nothing but fdtw_finish() */
	bool props_ok;	   /* the open node has no subnode yet */
	int err;	   /* sticky: 0 or the first HV_E* */
	/* The stored names, so a property looks its name up among a few dozen strings rather than
	 * at every byte of the strings area: distance from the end of the buffer, length with
	 * the NUL. */
	unsigned names;
	uint32_t name_dist[FDTW_NAMES_MAX];
	uint8_t name_len[FDTW_NAMES_MAX];
};

/* Start a tree in `buf` (`size` bytes, any alignment). Fails (sticky HV_ENOMEM) at once if
 * the buffer cannot hold a header. Returns w->err. */
int fdtw_init(struct fdtw *w, void *buf, size_t size);

/* A memory reservation entry (spec 5.3); only before the root node. */
int fdtw_add_rsv(struct fdtw *w, uint64_t addr, uint64_t size);

/* Open a node: "" for the root, else "name" or "name@unit" (no '/', name 1..31 bytes). */
int fdtw_begin_node(struct fdtw *w, const char *name);
/* Open "name@<unit in lower-case hex>", the usual unit-address form ("memory@40000000"). */
int fdtw_begin_node_at(struct fdtw *w, const char *name, uint64_t unit);
int fdtw_end_node(struct fdtw *w);

/* Properties of the innermost open node, before any of its subnodes. Names are 1..31 bytes.
 * `val` may be NULL when `len` is 0 (an empty property such as "interrupt-controller"). */
int fdtw_prop(struct fdtw *w, const char *name, const void *val, size_t len);
int fdtw_prop_empty(struct fdtw *w, const char *name);
int fdtw_prop_u32(struct fdtw *w, const char *name, uint32_t v);
/* Two cells, most significant first (what "linux,initrd-start" and 2-cell numbers use). */
int fdtw_prop_u64(struct fdtw *w, const char *name, uint64_t v);
int fdtw_prop_cells(struct fdtw *w, const char *name, const uint32_t *cells, size_t n);
/* `n` numbers of two cells each: "reg" with #address-cells = #size-cells = 2. */
int fdtw_prop_u64s(struct fdtw *w, const char *name, const uint64_t *v, size_t n);
/* One NUL-terminated string. */
int fdtw_prop_string(struct fdtw *w, const char *name, const char *s);
/* A string list ("compatible"): the `n` strings one after the other, each with its NUL. */
int fdtw_prop_strings(struct fdtw *w, const char *name, const char *const *list, size_t n);

/* End the tree: FDT_END, the strings block moved next to the structure block, the header
 * with `boot_cpuid` (boot_cpuid_phys). On success *totalsize (optional) gets the blob's size,
 * which starts at buf; bytes after it are left as they were. Returns 0 or the sticky error.
 * The writer is spent afterwards: every further call returns HV_EINVAL. */
int fdtw_finish(struct fdtw *w, uint32_t boot_cpuid, size_t *totalsize);

#endif

/* SPDX-License-Identifier: MIT */
#ifndef CORE_FDT_TOK_H
#define CORE_FDT_TOK_H

/* Private to core/fdt*.c: the structure-block tokens and the one checked token decoder that
 * every walk of the tree goes through. */

#include <stdint.h>

#include <core/fdt.h>

/* Devicetree spec 5.4.1: structure block tokens, each a big-endian u32 on a 4-byte boundary. */
#define FDT_BEGIN_NODE 0x1u
#define FDT_END_NODE   0x2u
#define FDT_PROP       0x3u
#define FDT_NOP	       0x4u
#define FDT_END	       0x9u

#define FDT_TAG_SIZE	  4u
#define FDT_PROP_HDR_SIZE 12u /* tag, len, nameoff */
#define FDT_RSV_ENTRY	  16u /* address, size: two u64 */

/* One decoded token. */
struct fdt_tok {
	uint32_t tag;
	uint32_t next;	  /* offset of the following token */
	const char *name; /* BEGIN_NODE: node name; PROP: property name */
	const uint8_t *val;
	uint32_t len;
};

/* Decode the token at structure offset `off` into *t. Checks that the token, a node name
 * with its NUL, or a property with its whole value lie inside the structure block, and that a
 * property's name is a NUL-terminated string inside the strings block. On error, *why (when
 * not NULL) says what was wrong. */
int fdt_read_tok(const struct fdt *f, int off, struct fdt_tok *t, const char **why);

/* Upper bound on the tokens of the structure block: every walk runs at most this many steps. */
uint64_t fdt_max_tokens(const struct fdt *f);

/* The offset of the first token at or after `off` that is not a NOP, with its tag in *tag;
 * a negative HV_E* for a malformed block (or one that is all NOPs). */
int fdt_skip_nops(const struct fdt *f, uint32_t off, uint32_t *tag);

/* The offset of the token after `node`'s BEGIN_NODE and name, checking `node` is one. */
int fdt_node_body(const struct fdt *f, int node, uint32_t *body);

#endif

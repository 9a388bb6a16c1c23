/* SPDX-License-Identifier: MIT */
#ifndef TARGET_TARGET_H
#define TARGET_TARGET_H

#include <stdint.h>

struct palloc;
struct pgt;

/* Entry points called from target/head.S and target/vectors.S. */
_Noreturn void hv_main(uint64_t dtb_pa);
_Noreturn void secondary_main(unsigned id);
void el2_exception(uint64_t *frame, unsigned kind);

/* What the in-target self-checks look at: the page allocator, the live EL2 map and the
 * start of each image section (physical addresses). */
struct selftest_env {
	struct palloc *alloc;
	struct pgt *el2_pgt;
	uint64_t text, rodata, data;
	uint64_t uart; /* 0 if none */
};

/* Run every self-check, logging one line each; returns how many failed. */
unsigned selftest_run(const struct selftest_env *env);

#endif

/* SPDX-License-Identifier: MIT */
#ifndef TARGET_TARGET_H
#define TARGET_TARGET_H

#include <stddef.h>
#include <stdint.h>

struct bootmod_list;
struct hw_info;
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

/* Refuse a boot-module layout that leaves RAM or covers the image, the DTB, a /memreserve/
 * range or another module (target/bootmod_check.c): 0 or the negative HV_E* of
 * bootmod_check_layout(), which logged the module and the overlap. */
int target_bootmod_check(const struct bootmod_list *list, const struct hw_info *hw, const void *dtb,
			 uint64_t dtb_pa, size_t dtb_size);

/* Run every self-check, logging one line each; returns how many failed. */
unsigned selftest_run(const struct selftest_env *env);

#endif

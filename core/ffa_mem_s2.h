/* SPDX-License-Identifier: MIT */
#ifndef CORE_FFA_MEM_S2_H
#define CORE_FFA_MEM_S2_H

/* Stage-2 side of FF-A memory sharing (docs/ffa.md "Memory sharing"): what each transition
 * of core/ffa_mem_state.c does to the lender's and the borrowers' address spaces. Every
 * change is a pgt_map()/pgt_unmap() under the VM's ram_lock, so break-before-make and the
 * inner-shareable TLB invalidation by IPA and VMID come with it (core/pgtable.h): a vCPU of
 * that VM running on another pCPU stops using the old entry before the call returns.
 *
 * A borrower sees a lender's page at a fixed alias in its own IPA space, the borrowed-memory
 * window: FFA_MEM_WINDOW_BASE + (lender id - 1) * FFA_MEM_WINDOW_SPAN + (the page's IPA - the
 * lender's RAM base). Each page of each lender has one alias, so mappings of different
 * transactions never collide, even after a donation. */

#include <stdint.h>

#include "ffa_mem_desc.h"

struct vm;

#define FFA_MEM_WINDOW_BASE 0x8000000000ULL /* 512 GiB: above every board's RAM and devices */
#define FFA_MEM_WINDOW_SPAN (4ULL << 30)    /* of each lender's RAM, from its base */

/* Whether every range is RAM of `vm` inside one region, inside the span a borrower's window
 * has for it (HV_EFAULT if not), then populate every 2 MiB block the ranges touch (zeroed
 * now, docs/memory.md), so no borrower is ever given memory holding what it held before. */
int ffa_mem_s2_prepare(struct vm *vm, const struct ffa_mem_range *r, unsigned n);

/* The lender loses access (LEND, DONATE) or gets it back (RECLAIM, a donation returned).
 * Unmapping splits 2 MiB blocks into pages, so it may need table memory: HV_ENOMEM then,
 * with every range mapped again. */
int ffa_mem_s2_unmap_own(struct vm *vm, const struct ffa_mem_range *r, unsigned n);
void ffa_mem_s2_map_own(struct vm *vm, const struct ffa_mem_range *r, unsigned n);

/* Zero the lender's pages (the zero flags), through their physical memory. */
void ffa_mem_s2_zero(struct vm *lender, const struct ffa_mem_range *r, unsigned n);

/* Map the lender's ranges into the borrower's window with permissions `perm` (FFA_PERM), or
 * take them away. Mapping may need table memory: HV_ENOMEM, nothing left mapped. */
int ffa_mem_s2_map_borrowed(struct vm *borrower, struct vm *lender, const struct ffa_mem_range *r,
			    unsigned n, uint8_t perm);
void ffa_mem_s2_unmap_borrowed(struct vm *borrower, struct vm *lender,
			       const struct ffa_mem_range *r, unsigned n);

/* Where `borrower`-side ranges are: `r` translated to the window aliases of `lender`. */
void ffa_mem_s2_alias(const struct vm *lender, const struct ffa_mem_range *r, unsigned n,
		      struct ffa_mem_range *out);

#endif

/* SPDX-License-Identifier: MIT */
#ifndef TESTS_UNIT_PGTABLE_FIXTURE_H
#define TESTS_UNIT_PGTABLE_FIXTURE_H

/* What the tests of core/pgtable.c (test_pgtable_*.c) share: a page allocator over a 16 MiB
 * host arena for the tables, and a walker written from the Arm ARM (VMSAv8-64, 4 KiB granule)
 * that reads the raw descriptors independently of core/pgtable.c, so every check compares
 * pgt_lookup() with what the hardware would see. Every helper fails the test on a mismatch.
 * Include after <cmocka.h>. */

#include <stdint.h>

#include <core/lib.h>
#include <core/palloc.h>
#include <core/pgtable.h>

#define P	  PAGE_SIZE
#define VMID	  0x2a /* of every table pgtfx_make() creates */
#define ALL_FLAGS (PGT_RWX | PGT_DEVICE)

/* Output address bits of a descriptor (4 KiB granule, 48-bit OA). */
#define D_OA 0x0000fffffffff000ULL

/* A test's state: the allocator the tables come from and the table under test. */
struct pgtfx {
	struct palloc alloc;
	struct pgt pgt;
	void *arena;
	uint64_t free0; /* free bytes before the table was created */
};

/* cmocka setup/teardown: a fresh sim_hal and a `struct pgtfx` in *state whose allocator holds
 * a 2 MiB-aligned host arena of 16 MiB; teardown frees it. PGTFX_TEST() registers a test
 * with both. */
int pgtfx_setup(void **state);
int pgtfx_teardown(void **state);
#define PGTFX_TEST(fn) cmocka_unit_test_setup_teardown(fn, pgtfx_setup, pgtfx_teardown)

/* pgt_init() f->pgt for `regime` and `ia_bits` with VMID, from f->alloc; fails on error. */
struct pgt *pgtfx_make(struct pgtfx *f, enum pgt_regime regime, unsigned ia_bits);

/* TLB invalidations of any kind that hal-sim has counted since the last reset. */
unsigned pgtfx_flushes(void);

/* The leaf descriptor that translates `ia` and its level, or 0 if none. Fails the test on an
 * encoding the builder must never write. */
uint64_t pgtfx_walk_leaf(const struct pgt *pgt, uint64_t ia, unsigned *level_out);

/* Tables reachable below `table` (not counting it); every non-root table holds a valid entry. */
unsigned pgtfx_walk_count_tables(const struct pgt *pgt, uint64_t table, unsigned level);

/* Pages of the (possibly concatenated) root table. */
unsigned pgtfx_walk_root_pages(const struct pgt *pgt);

/* Every table page is reachable, counted, and taken from the allocator; none is empty. */
void pgtfx_check_tables(struct pgtfx *f);

/* `ia` translates to `pa` with `flags`, both through pgt_lookup() and through the walker. */
void pgtfx_check_mapped(const struct pgt *pgt, uint64_t ia, uint64_t pa, unsigned flags);

/* `ia` translates to nothing, through pgt_lookup() and through the walker. */
void pgtfx_check_unmapped(const struct pgt *pgt, uint64_t ia);

/* The level (1-3) of the leaf that maps `ia`; fails if there is none. */
unsigned pgtfx_leaf_level(const struct pgt *pgt, uint64_t ia);

#endif

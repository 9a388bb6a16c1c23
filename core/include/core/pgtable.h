/* SPDX-License-Identifier: MIT */
#ifndef CORE_PGTABLE_H
#define CORE_PGTABLE_H

#include <stdbool.h>
#include <stdint.h>

struct palloc;

/* AArch64 translation tables, 4 KiB granule, built in software. One builder serves two
 * regimes: the hypervisor's own EL2 stage-1 map and every VM's stage-2 (IPA -> PA) map.
 * Leaves are 1 GiB or 2 MiB blocks where input, output and size are aligned to them and
 * 4 KiB pages elsewhere; a block is split into the next size down when only part of it
 * changes. Table pages come from a struct palloc and go back to it when they become empty.
 * A valid entry is replaced break-before-make: written invalid, the regime's TLB entry
 * invalidated (hal/mmu.h), then the new value written. So with the EL2 MMU on, changing the
 * entry that maps the running code, its stack or the tables themselves faults: change the
 * live EL2 map only where none of those sit. Not locked: the owner (the VM, or boot code)
 * serialises changes; lookups may run concurrently with a change (descriptors are written
 * and read atomically, with release and acquire order). */

enum pgt_regime {
	PGT_EL2_STAGE1, /* hypervisor VA -> PA, non-VHE EL2 descriptor format */
	PGT_STAGE2,	/* guest IPA -> PA, stage-2 descriptor format, tagged by VMID */
};

/* Mapping flags. */
#define PGT_R	   (1u << 0)
#define PGT_W	   (1u << 1)
#define PGT_X	   (1u << 2)
#define PGT_DEVICE (1u << 3) /* Device-nGnRE; otherwise Normal write-back cacheable */
#define PGT_RW	   (PGT_R | PGT_W)
#define PGT_RWX	   (PGT_R | PGT_W | PGT_X)

/* EL2 stage 1 names memory types by MAIR_EL2 index: 0 = Normal Inner/Outer Write-Back
 * non-transient Read/Write-Allocate (0xff), 1 = Device-nGnRE (0x04). Boot code programs
 * MAIR_EL2 with this value before turning the MMU on (descriptor bits: core/pte.h). */
#define PGT_MAIR_EL2_VALUE 0x04ffULL

struct pgt {
	enum pgt_regime regime;
	unsigned ia_bits;     /* input address size: 32..48 */
	unsigned start_level; /* level of the root table (0 or 1), derived from ia_bits */
	uint64_t root_pa;     /* physical address of the root table (see pgt_init) */
	uint16_t vmid;	      /* stage 2 only: for TLB invalidation */
	struct palloc *alloc;
	unsigned table_pages; /* pages of table memory held, root included */
};

/* Set up an empty table for `ia_bits` of input address. The walk starts at level 1 for up to
 * 39 bits (stage 1) or 43 bits (stage 2), else at level 0. The root is one page, except for
 * stage 2 with 40..43 bits: 2..16 concatenated pages aligned to their size, so the walk never
 * needs a level-0 stage-2 start (not allowed when the PA size is below 44 bits). HV_EINVAL for
 * a size outside 32..48 bits or, for stage 2, above hal_pa_bits(); HV_ENOMEM when no memory
 * is free for the root. `vmid` is ignored (kept 0) for stage 1. On failure *pgt is empty and
 * pgt_destroy() on it is a no-op. */
int pgt_init(struct pgt *pgt, enum pgt_regime regime, unsigned ia_bits, uint16_t vmid,
	     struct palloc *alloc);

/* Map [ia, ia+size) to [pa, pa+size) with `flags`, replacing whatever was there. ia, pa and
 * size must be page aligned, size non-zero, and the ranges inside the input space and below
 * 2^min(hal_pa_bits(), 48) (HV_EINVAL otherwise, as are unknown flags and, for stage 1,
 * flags without PGT_R: EL2 stage 1 cannot express "not readable"). HV_ENOMEM leaves any part
 * already mapped in place; the caller may unmap the range. */
int pgt_map(struct pgt *pgt, uint64_t ia, uint64_t pa, uint64_t size, unsigned flags);

/* Build every table that mapping 2 MiB blocks anywhere in [ia, ia+size) needs, and map
 * nothing: afterwards pgt_map() of a 2 MiB-aligned 2 MiB block there allocates no memory and
 * cannot fail with HV_ENOMEM (guest RAM populated on demand, docs/memory.md). ia and size
 * 2 MiB aligned (HV_EINVAL otherwise); HV_ENOMEM leaves the tables already built, which
 * pgt_unmap() of the range frees. Existing leaves are kept. */
int pgt_prepare_blocks(struct pgt *pgt, uint64_t ia, uint64_t size);

/* Remove any mapping in [ia, ia+size); unmapped holes are fine. Frees emptied tables.
 * Same range rules as pgt_map(). A block only partly inside the range is split first: that
 * needs a page, so HV_ENOMEM is possible, with the part before the failure already done. */
int pgt_unmap(struct pgt *pgt, uint64_t ia, uint64_t size);

/* pgt_unmap(), but every table stays, empty or not, until pgt_destroy(): for a range that is
 * mapped and unmapped again and again (FF-A's borrowed-memory window, core/ffa_mem_s2.c), so
 * mapping it again allocates nothing and unmapping it scans no table. */
int pgt_unmap_keep_tables(struct pgt *pgt, uint64_t ia, uint64_t size);

/* Change the flags of every mapped page in [ia, ia+size), keeping the output addresses.
 * Holes stay holes. Range, flags and HV_ENOMEM as for pgt_map() and pgt_unmap(). */
int pgt_protect(struct pgt *pgt, uint64_t ia, uint64_t size, unsigned flags);

/* Software walk: true and the output address and flags if `ia` is mapped (pa and flags may
 * be NULL). Stage 1 mappings always report PGT_R. */
bool pgt_lookup(const struct pgt *pgt, uint64_t ia, uint64_t *pa, unsigned *flags);

/* pgt_lookup(), and the size of the leaf that maps `ia` (a page or a block: 4 KiB, 2 MiB or
 * 1 GiB), so a walk over a range can step a whole block at a time. */
bool pgt_lookup_leaf(const struct pgt *pgt, uint64_t ia, uint64_t *pa, unsigned *flags,
		     uint64_t *leaf_size);

/* Free every table page, root included; no CPU may still use the tables (stage 2: the VM
 * is stopped). Stage 2 also invalidates the VMID's TLB entries, as the VMID may be reused. */
void pgt_destroy(struct pgt *pgt);

/* Register values for the regime, given the CPU's PA size: TCR_EL2 (HCR_EL2.E2H = 0) for EL2
 * stage 1 = T0SZ 64-ia_bits, IRGN0/ORGN0 Write-Back RA WA, SH0 Inner Shareable, TG0 4 KiB,
 * PS from pa_bits (at most 48 bits), RES1 bits 31 and 23. VTCR_EL2 for stage 2 = the same
 * fields, SL0 = 2 - start_level, VS when the VMID needs 16 bits, RES1 bit 31.
 * pgt_vttbr(): VTTBR_EL2 = root | VMID << 48 for stage 2; TTBR0_EL2 = root for stage 1. */
uint64_t pgt_tcr(const struct pgt *pgt, unsigned pa_bits);
uint64_t pgt_vttbr(const struct pgt *pgt);

#endif

/* SPDX-License-Identifier: MIT */
#ifndef CORE_PGTABLE_H
#define CORE_PGTABLE_H

#include <stdbool.h>
#include <stdint.h>

struct palloc;

/* AArch64 translation tables, 4 KiB granule, built in software. One builder serves two
 * regimes: the hypervisor's own EL2 stage-1 map and every VM's stage-2 (IPA -> PA) map.
 * Leaves are 2 MiB blocks where the range is aligned and 4 KiB pages elsewhere; a block is
 * split into pages when only part of it changes. Table pages come from a struct palloc and
 * go back to it when they become empty. After every change to an entry that was valid, the
 * builder performs the regime's TLB invalidation (hal/mmu.h). Not locked: the owner (the VM,
 * or boot code) serialises calls. */

enum pgt_regime {
	PGT_EL2_STAGE1, /* hypervisor VA -> PA, non-VHE EL2 descriptor format */
	PGT_STAGE2,     /* guest IPA -> PA, stage-2 descriptor format, tagged by VMID */
};

/* Mapping flags. */
#define PGT_R (1u << 0)
#define PGT_W (1u << 1)
#define PGT_X (1u << 2)
#define PGT_DEVICE (1u << 3) /* Device-nGnRE; otherwise Normal write-back cacheable */
#define PGT_RW (PGT_R | PGT_W)
#define PGT_RWX (PGT_R | PGT_W | PGT_X)

struct pgt {
	enum pgt_regime regime;
	unsigned ia_bits;     /* input address size: 32..48 */
	unsigned start_level; /* level of the root table (0..2), derived from ia_bits */
	uint64_t root_pa;     /* physical address of the root table (one page) */
	uint16_t vmid;        /* stage 2 only: for TLB invalidation */
	struct palloc *alloc;
	unsigned table_pages; /* pages of table memory held, root included */
};

/* Set up an empty table for `ia_bits` of input address. HV_EINVAL for a size outside
 * 32..48 bits, HV_ENOMEM when no page is free for the root. */
int pgt_init(struct pgt *pgt, enum pgt_regime regime, unsigned ia_bits, uint16_t vmid,
	     struct palloc *alloc);

/* Map [ia, ia+size) to [pa, pa+size) with `flags`, replacing whatever was there. ia, pa and
 * size must be page aligned and inside the input and PA ranges (HV_EINVAL otherwise).
 * HV_ENOMEM leaves any part already mapped in place; the caller may unmap the range. */
int pgt_map(struct pgt *pgt, uint64_t ia, uint64_t pa, uint64_t size, unsigned flags);

/* Remove any mapping in [ia, ia+size); unmapped holes are fine. Frees emptied tables. */
int pgt_unmap(struct pgt *pgt, uint64_t ia, uint64_t size);

/* Change the flags of every mapped page in [ia, ia+size), keeping the output addresses. */
int pgt_protect(struct pgt *pgt, uint64_t ia, uint64_t size, unsigned flags);

/* Software walk: true and the output address and flags if `ia` is mapped. */
bool pgt_lookup(const struct pgt *pgt, uint64_t ia, uint64_t *pa, unsigned *flags);

/* Free every table page, root included. */
void pgt_destroy(struct pgt *pgt);

/* Register values for the regime: VTCR_EL2 for stage 2 / TCR_EL2 for EL2 stage 1, given the
 * CPU's PA size; VTTBR_EL2 (with VMID) for stage 2. */
uint64_t pgt_tcr(const struct pgt *pgt, unsigned pa_bits);
uint64_t pgt_vttbr(const struct pgt *pgt);

#endif

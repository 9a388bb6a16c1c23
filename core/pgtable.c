// SPDX-License-Identifier: MIT
/* AArch64 translation tables, 4 KiB granule, for EL2 stage 1 and stage 2 (see pgtable.h).
 *
 * Shape: four levels (0..3) of 512-entry tables, level L resolving IA bits
 * [12 + 9 * (3 - L) + 8 : 12 + 9 * (3 - L)]. Leaves are 1 GiB blocks (level 1), 2 MiB blocks
 * (level 2) or 4 KiB pages (level 3). The root is the start-level table; for stage 2 with a
 * 40..43-bit IPA it is 2..16 concatenated pages (Arm ARM D8, "Concatenated translation tables
 * for the initial stage 2 lookup"), so the walk starts at level 1 even on CPUs whose PA size
 * is below 44 bits, where a level-0 stage-2 start is not allowed.
 *
 * Every descriptor write is one 64-bit store (the walker may read concurrently) followed by a
 * data cache clean (the walker may not snoop the caches while the MMU is off). A valid entry
 * is never overwritten by another valid one: break-before-make (Arm ARM D8, "TLB maintenance
 * requirements and the TLB maintenance instructions" / "Using break-before-make when updating
 * translation table entries") writes it invalid, invalidates the TLB for its address, then
 * writes the new value.
 */
#include <core/check.h>
#include <core/err.h>
#include <core/lib.h>
#include <core/palloc.h>
#include <core/pgtable.h>
#include <core/pte.h>
#include <hal/mem.h>
#include <hal/mmu.h>

#define PGT_PTES	512u /* entries in a (non-root) table */
#define PGT_LAST_LEVEL	3u
#define PGT_MIN_IA_BITS 32u
#define PGT_MAX_IA_BITS 48u
#define PGT_MAX_PA_BITS 48u /* 4 KiB granule without FEAT_LPA2: 48-bit descriptors */
#define PGT_FLAGS_ALL	(PGT_RWX | PGT_DEVICE)

_Static_assert(PGT_MAIR_EL2_VALUE ==
		   ((MAIR_ATTR_NORMAL_WB << MAIR_ATTR_SHIFT(MAIR_IDX_NORMAL_WB)) |
		    (MAIR_ATTR_DEVICE_nGnRE << MAIR_ATTR_SHIFT(MAIR_IDX_DEVICE_nGnRE))),
	       "PGT_MAIR_EL2_VALUE must match the AttrIndx values pgtable.c writes");

/* PGT_OP_TABLES builds the tables above the 2 MiB level and writes no leaf; PGT_OP_UNMAP_KEEP
 * removes leaves only, leaving every table in place (pgt_unmap_keep_tables()). */
enum pgt_op { PGT_OP_MAP, PGT_OP_UNMAP, PGT_OP_PROTECT, PGT_OP_TABLES, PGT_OP_UNMAP_KEEP };

#define PGT_BLOCK_LEVEL 2u /* 2 MiB blocks */

/* One map/unmap/protect request, carried down the walk. */
struct pgt_req {
	enum pgt_op op;
	uint64_t delta; /* map: pa - ia (mod 2^64), so an IA maps to ia + delta */
	uint64_t attrs; /* map/protect: leaf attributes from the flags */
};

static unsigned level_shift(unsigned level)
{
	return PAGE_SHIFT + 9 * (PGT_LAST_LEVEL - level);
}

static uint64_t level_size(unsigned level)
{
	return 1ULL << level_shift(level);
}

static unsigned table_entries(const struct pgt *pgt, unsigned level)
{
	if (level == pgt->start_level)
		return 1u << (pgt->ia_bits - level_shift(level));
	return PGT_PTES;
}

static unsigned root_pages(const struct pgt *pgt)
{
	unsigned n = table_entries(pgt, pgt->start_level);

	return n > PGT_PTES ? n / PGT_PTES : 1;
}

static unsigned pte_index(const struct pgt *pgt, unsigned level, uint64_t ia)
{
	return (ia >> level_shift(level)) & (table_entries(pgt, level) - 1);
}

static unsigned pa_limit_bits(void)
{
	return MIN(hal_pa_bits(), PGT_MAX_PA_BITS);
}

static uint64_t *table_of(uint64_t table_pa)
{
	return hal_phys_to_ptr(table_pa);
}

/* Descriptors are read without the owner's lock by software walks on other CPUs (guest-memory
 * access while a vCPU populates RAM, docs/memory.md): a release store publishes a new table's
 * or block's contents with the entry, and an acquire load sees them. */
static uint64_t pte_read(const uint64_t *ptep)
{
	return __atomic_load_n(ptep, __ATOMIC_ACQUIRE);
}

static void pte_write(uint64_t *ptep, uint64_t desc)
{
	__atomic_store_n(ptep, desc, __ATOMIC_RELEASE);
	hal_dcache_clean_range(ptep, sizeof(*ptep));
}

static bool pte_valid(uint64_t desc)
{
	return (desc & PTE_VALID) != 0;
}

static bool pte_is_table(uint64_t desc, unsigned level)
{
	return level < PGT_LAST_LEVEL && (desc & PTE_TYPE_MASK) == (PTE_TABLE | PTE_VALID);
}

static bool pte_is_leaf(uint64_t desc, unsigned level)
{
	if (level == PGT_LAST_LEVEL)
		return (desc & PTE_TYPE_MASK) == (PTE_PAGE | PTE_VALID);
	return (desc & PTE_TYPE_MASK) == PTE_VALID && level > 0;
}

static uint64_t make_leaf(unsigned level, uint64_t oa, uint64_t attrs)
{
	/* leaf_fits() chose the level; a misaligned output address would map someone else's
	 * memory into the low bits. */
	CHECK(level >= 1 && level <= PGT_LAST_LEVEL && is_aligned(oa, level_size(level)));
	return oa | attrs | PTE_VALID | (level == PGT_LAST_LEVEL ? PTE_PAGE : 0);
}

/* 4 KiB granule: blocks exist at levels 1 and 2 only (level 0 blocks need FEAT_LPA2). */
static bool leaf_fits(unsigned level, uint64_t ia, uint64_t oa)
{
	if (level == PGT_LAST_LEVEL)
		return true;
	return (level == 1 || level == 2) && is_aligned(ia | oa, level_size(level));
}

static void tlb_flush(const struct pgt *pgt, uint64_t ia)
{
	if (pgt->regime == PGT_STAGE2)
		hal_tlb_flush_ipa(pgt->vmid, ia);
	else
		hal_tlb_flush_el2_va(ia);
}

/* Leaf attribute bits for `flags` (already validated for the regime). */
static uint64_t flags_to_attrs(const struct pgt *pgt, unsigned flags)
{
	uint64_t attrs = PTE_AF;

	if (!(flags & PGT_X))
		attrs |= PTE_XN;
	/* Shareability is ignored for Device memory (always Outer Shareable), so leave it 0. */
	if (!(flags & PGT_DEVICE))
		attrs |= PTE_SH_INNER;

	if (pgt->regime == PGT_EL2_STAGE1) {
		uint64_t idx = flags & PGT_DEVICE ? MAIR_IDX_DEVICE_nGnRE : MAIR_IDX_NORMAL_WB;

		attrs |= PTE_S1_AP1_RES1 | (idx << PTE_S1_ATTRINDX_SHIFT);
		if (!(flags & PGT_W))
			attrs |= PTE_S1_AP2_RO;
	} else {
		uint64_t normal =
		    hal_s2_forces_wb() ? S2_MEMATTR_FWB_NORMAL_WB : S2_MEMATTR_NORMAL_WB;
		uint64_t memattr = flags & PGT_DEVICE ? S2_MEMATTR_DEVICE_nGnRE : normal;

		attrs |= memattr << PTE_S2_MEMATTR_SHIFT;
		if (flags & PGT_R)
			attrs |= PTE_S2AP_R;
		if (flags & PGT_W)
			attrs |= PTE_S2AP_W;
	}
	return attrs;
}

static unsigned attrs_to_flags(const struct pgt *pgt, uint64_t desc)
{
	unsigned flags = desc & PTE_XN ? 0 : PGT_X;

	if (pgt->regime == PGT_EL2_STAGE1) {
		uint64_t idx = (desc & PTE_S1_ATTRINDX_MASK) >> PTE_S1_ATTRINDX_SHIFT;

		flags |= PGT_R;
		if (!(desc & PTE_S1_AP2_RO))
			flags |= PGT_W;
		if (idx == MAIR_IDX_DEVICE_nGnRE)
			flags |= PGT_DEVICE;
	} else {
		uint64_t memattr = (desc & PTE_S2_MEMATTR_MASK) >> PTE_S2_MEMATTR_SHIFT;

		if (desc & PTE_S2AP_R)
			flags |= PGT_R;
		if (desc & PTE_S2AP_W)
			flags |= PGT_W;
		if ((memattr & S2_MEMATTR_DEVICE_MASK) == 0)
			flags |= PGT_DEVICE;
	}
	return flags;
}

/* Replace the entry for the region at `ia` with `desc`, break-before-make if it was valid. */
static void pte_set(const struct pgt *pgt, uint64_t *ptep, uint64_t ia, uint64_t desc)
{
	uint64_t old = pte_read(ptep);

	if (old == desc)
		return;
	if (pte_valid(old)) {
		pte_write(ptep, 0);
		tlb_flush(pgt, ia);
	}
	pte_write(ptep, desc);
}

static int table_alloc(struct pgt *pgt, uint64_t *table_pa)
{
	int ret = palloc_alloc_zeroed_page(pgt->alloc, table_pa);

	if (ret != HV_OK)
		return ret;
	/* The walker must see the zeroes before it can see the table. */
	hal_dcache_clean_range(table_of(*table_pa), PAGE_SIZE);
	pgt->table_pages++;
	return HV_OK;
}

static void table_free(struct pgt *pgt, uint64_t table_pa, unsigned pages)
{
	/* Cannot fail for pages this allocator handed out unless its extent table is full; then
	 * the page stays allocated, which is a leak and nothing worse. */
	(void)palloc_free(pgt->alloc, table_pa, (uint64_t)pages * PAGE_SIZE);
	pgt->table_pages -= pages;
}

static bool table_empty(uint64_t table_pa)
{
	const uint64_t *t = table_of(table_pa);

	for (unsigned i = 0; i < PGT_PTES; i++) {
		if (pte_valid(pte_read(&t[i])))
			return false;
	}
	return true;
}

/* Make the entry for the level-`level` region at `ia` invalid. A table below it is emptied
 * leaf by leaf (each leaf's TLB entry is invalidated), unlinked (invalidating walk caches
 * that point to it) and only then freed. */
static void pte_clear(struct pgt *pgt, uint64_t *ptep, unsigned level, uint64_t ia)
{
	uint64_t old = pte_read(ptep);

	if (!pte_valid(old))
		return;
	if (pte_is_table(old, level)) {
		uint64_t *t = table_of(old & PTE_ADDR_MASK);

		for (unsigned i = 0; i < PGT_PTES; i++)
			pte_clear(pgt, &t[i], level + 1, ia + i * level_size(level + 1));
	}
	pte_write(ptep, 0);
	tlb_flush(pgt, ia);
	if (pte_is_table(old, level))
		table_free(pgt, old & PTE_ADDR_MASK, 1);
}

/* Turn the block in *ptep into a table of next-level leaves with the same output addresses
 * and attributes, so that part of it can change. */
static int split_block(struct pgt *pgt, uint64_t *ptep, unsigned level, uint64_t ia)
{
	uint64_t old = pte_read(ptep);
	uint64_t oa = old & PTE_ADDR_MASK, attrs = old & PTE_ATTR_MASK;
	uint64_t table_pa, *t;
	int ret = table_alloc(pgt, &table_pa);

	if (ret != HV_OK)
		return ret;
	t = table_of(table_pa);
	for (unsigned i = 0; i < PGT_PTES; i++)
		t[i] = make_leaf(level + 1, oa + i * level_size(level + 1), attrs);
	hal_dcache_clean_range(t, PAGE_SIZE);
	pte_set(pgt, ptep, ia, table_pa | PTE_TABLE | PTE_VALID);
	return HV_OK;
}

static int walk(struct pgt *pgt, uint64_t table_pa, unsigned level, uint64_t from, uint64_t to,
		const struct pgt_req *req);

/* Apply `req` to [from, to), which lies inside the level-`level` region at `base`. */
static int visit(struct pgt *pgt, uint64_t *ptep, unsigned level, uint64_t base, uint64_t from,
		 uint64_t to, const struct pgt_req *req)
{
	uint64_t old = pte_read(ptep);
	bool whole = from == base && to - base == level_size(level);
	uint64_t child;
	int ret = HV_OK;

	if (whole && (req->op == PGT_OP_UNMAP ||
		      (req->op == PGT_OP_UNMAP_KEEP && !pte_is_table(old, level)))) {
		pte_clear(pgt, ptep, level, base);
		return HV_OK;
	}
	if (req->op == PGT_OP_TABLES && (level == PGT_BLOCK_LEVEL || pte_is_leaf(old, level)))
		return HV_OK;
	if (whole && req->op == PGT_OP_MAP && leaf_fits(level, base, base + req->delta)) {
		if (pte_is_table(old, level))
			pte_clear(pgt, ptep, level, base);
		pte_set(pgt, ptep, base, make_leaf(level, base + req->delta, req->attrs));
		return HV_OK;
	}
	if (pte_is_leaf(old, level)) {
		uint64_t oa = old & PTE_ADDR_MASK;
		bool same_oa = req->op == PGT_OP_PROTECT || oa == base + req->delta;

		if (whole && req->op == PGT_OP_PROTECT) {
			pte_set(pgt, ptep, base, make_leaf(level, oa, req->attrs));
			return HV_OK;
		}
		/* Only part of a block changes: nothing to do if it already says the same. */
		if (req->op != PGT_OP_UNMAP && same_oa && (old & PTE_ATTR_MASK) == req->attrs)
			return HV_OK;
		ret = split_block(pgt, ptep, level, base);
	} else if (!pte_valid(old)) {
		if (req->op != PGT_OP_MAP && req->op != PGT_OP_TABLES)
			return HV_OK;
		ret = table_alloc(pgt, &child);
		if (ret == HV_OK)
			pte_write(ptep, child | PTE_TABLE | PTE_VALID);
	}
	if (ret != HV_OK)
		return ret;

	child = pte_read(ptep) & PTE_ADDR_MASK;
	ret = walk(pgt, child, level + 1, from, to, req);
	/* Unmapping can empty a table; so can a map that ran out of memory half way. */
	if ((req->op == PGT_OP_UNMAP || ret != HV_OK) && table_empty(child))
		pte_clear(pgt, ptep, level, base);
	return ret;
}

static int walk(struct pgt *pgt, uint64_t table_pa, unsigned level, uint64_t from, uint64_t to,
		const struct pgt_req *req)
{
	uint64_t *t = table_of(table_pa);

	while (from < to) {
		uint64_t base = align_down(from, level_size(level));
		uint64_t end = MIN(base + level_size(level), to);
		int ret = visit(pgt, &t[pte_index(pgt, level, base)], level, base, from, end, req);

		if (ret != HV_OK)
			return ret;
		from = end;
	}
	return HV_OK;
}

static bool ia_range_ok(const struct pgt *pgt, uint64_t ia, uint64_t size)
{
	return pgt->root_pa != 0 && size != 0 && is_aligned(ia | size, PAGE_SIZE) &&
	       range_ok(ia, size) && ia + size <= 1ULL << pgt->ia_bits;
}

static bool flags_ok(const struct pgt *pgt, unsigned flags)
{
	if (flags & ~PGT_FLAGS_ALL)
		return false;
	/* Stage 1 at EL2 has no way to say "not readable". */
	return pgt->regime == PGT_STAGE2 || (flags & PGT_R);
}

int pgt_init(struct pgt *pgt, enum pgt_regime regime, unsigned ia_bits, uint16_t vmid,
	     struct palloc *alloc)
{
	uint64_t bytes;
	int ret;

	memset(pgt, 0, sizeof(*pgt));
	if (regime != PGT_EL2_STAGE1 && regime != PGT_STAGE2)
		return HV_EINVAL;
	if (ia_bits < PGT_MIN_IA_BITS || ia_bits > PGT_MAX_IA_BITS)
		return HV_EINVAL;
	/* An IPA space larger than the PA space is not supported by the walk (and a level-0
	 * stage-2 start needs at least 44 PA bits). */
	if (regime == PGT_STAGE2 && ia_bits > pa_limit_bits())
		return HV_EINVAL;

	pgt->regime = regime;
	pgt->ia_bits = ia_bits;
	pgt->vmid = regime == PGT_STAGE2 ? vmid : 0;
	pgt->alloc = alloc;
	/* Stage 1 (Arm ARM D8, "Overview of stage 1 translations, 4KB granule"): IA > 39 bits
	 * needs level 0. Stage 2 resolves up to 43 bits at level 1 with concatenated tables. */
	if (regime == PGT_EL2_STAGE1)
		pgt->start_level = ia_bits > 39 ? 0 : 1;
	else
		pgt->start_level = ia_bits > 43 ? 0 : 1;

	/* Concatenated tables are aligned to their total size. */
	bytes = (uint64_t)root_pages(pgt) * PAGE_SIZE;
	ret = palloc_alloc(alloc, bytes, bytes, &pgt->root_pa);
	if (ret != HV_OK) {
		pgt->root_pa = 0;
		return ret;
	}
	memset(table_of(pgt->root_pa), 0, bytes);
	hal_dcache_clean_range(table_of(pgt->root_pa), bytes);
	pgt->table_pages = root_pages(pgt);
	return HV_OK;
}

int pgt_map(struct pgt *pgt, uint64_t ia, uint64_t pa, uint64_t size, unsigned flags)
{
	struct pgt_req req = {PGT_OP_MAP, pa - ia, 0};

	if (!ia_range_ok(pgt, ia, size) || !flags_ok(pgt, flags) || !is_aligned(pa, PAGE_SIZE) ||
	    !range_ok(pa, size) || pa + size > 1ULL << pa_limit_bits())
		return HV_EINVAL;
	req.attrs = flags_to_attrs(pgt, flags);
	return walk(pgt, pgt->root_pa, pgt->start_level, ia, ia + size, &req);
}

int pgt_prepare_blocks(struct pgt *pgt, uint64_t ia, uint64_t size)
{
	struct pgt_req req = {PGT_OP_TABLES, 0, 0};

	if (!ia_range_ok(pgt, ia, size) || !is_aligned(ia | size, SZ_2M))
		return HV_EINVAL;
	return walk(pgt, pgt->root_pa, pgt->start_level, ia, ia + size, &req);
}

int pgt_unmap(struct pgt *pgt, uint64_t ia, uint64_t size)
{
	struct pgt_req req = {PGT_OP_UNMAP, 0, 0};

	if (!ia_range_ok(pgt, ia, size))
		return HV_EINVAL;
	return walk(pgt, pgt->root_pa, pgt->start_level, ia, ia + size, &req);
}

int pgt_unmap_keep_tables(struct pgt *pgt, uint64_t ia, uint64_t size)
{
	struct pgt_req req = {PGT_OP_UNMAP_KEEP, 0, 0};

	if (!ia_range_ok(pgt, ia, size))
		return HV_EINVAL;
	return walk(pgt, pgt->root_pa, pgt->start_level, ia, ia + size, &req);
}

int pgt_protect(struct pgt *pgt, uint64_t ia, uint64_t size, unsigned flags)
{
	struct pgt_req req = {PGT_OP_PROTECT, 0, 0};

	if (!ia_range_ok(pgt, ia, size) || !flags_ok(pgt, flags))
		return HV_EINVAL;
	req.attrs = flags_to_attrs(pgt, flags);
	return walk(pgt, pgt->root_pa, pgt->start_level, ia, ia + size, &req);
}

bool pgt_lookup(const struct pgt *pgt, uint64_t ia, uint64_t *pa, unsigned *flags)
{
	return pgt_lookup_leaf(pgt, ia, pa, flags, NULL);
}

bool pgt_lookup_leaf(const struct pgt *pgt, uint64_t ia, uint64_t *pa, unsigned *flags,
		     uint64_t *leaf_size)
{
	uint64_t table_pa = pgt->root_pa;

	if (table_pa == 0 || (ia >> pgt->ia_bits) != 0)
		return false;
	for (unsigned level = pgt->start_level; level <= PGT_LAST_LEVEL; level++) {
		uint64_t desc = pte_read(&table_of(table_pa)[pte_index(pgt, level, ia)]);
		uint64_t offset_mask = level_size(level) - 1;

		if (pte_is_table(desc, level)) {
			table_pa = desc & PTE_ADDR_MASK;
			continue;
		}
		if (!pte_is_leaf(desc, level))
			return false;
		if (pa)
			*pa = (desc & PTE_ADDR_MASK & ~offset_mask) | (ia & offset_mask);
		if (flags)
			*flags = attrs_to_flags(pgt, desc);
		if (leaf_size)
			*leaf_size = level_size(level);
		return true;
	}
	return false;
}

static void free_tables_below(struct pgt *pgt, uint64_t table_pa, unsigned level)
{
	const uint64_t *t = table_of(table_pa);

	for (unsigned i = 0; i < table_entries(pgt, level); i++) {
		uint64_t desc = pte_read(&t[i]);

		if (pte_is_table(desc, level)) {
			free_tables_below(pgt, desc & PTE_ADDR_MASK, level + 1);
			table_free(pgt, desc & PTE_ADDR_MASK, 1);
		}
	}
}

void pgt_destroy(struct pgt *pgt)
{
	if (pgt->root_pa == 0)
		return;
	/* The VMID may be reused by the next VM: drop what its TLB entries still remember. */
	if (pgt->regime == PGT_STAGE2)
		hal_tlb_flush_vmid(pgt->vmid);
	free_tables_below(pgt, pgt->root_pa, pgt->start_level);
	table_free(pgt, pgt->root_pa, root_pages(pgt));
	pgt->root_pa = 0;
}

/* TCR_EL2.PS / VTCR_EL2.PS: the largest encoded size not above `pa_bits`, at most 48. */
static uint64_t ps_field(unsigned pa_bits)
{
	static const unsigned char ps_bits[] = {32, 36, 40, 42, 44, 48};
	uint64_t ps = 0;

	for (unsigned i = 0; i < ARRAY_SIZE(ps_bits); i++) {
		if (pa_bits >= ps_bits[i])
			ps = i;
	}
	return ps << TCR_PS_SHIFT;
}

uint64_t pgt_tcr(const struct pgt *pgt, unsigned pa_bits)
{
	uint64_t tcr = ((64ULL - pgt->ia_bits) << TCR_T0SZ_SHIFT) |
		       (TCR_RGN_WBWA << TCR_IRGN0_SHIFT) | (TCR_RGN_WBWA << TCR_ORGN0_SHIFT) |
		       (TCR_SH_INNER << TCR_SH0_SHIFT) | (TCR_TG0_4K << TCR_TG0_SHIFT) |
		       ps_field(pa_bits);

	if (pgt->regime == PGT_EL2_STAGE1)
		return tcr | TCR_EL2_RES1;
	/* SL0 with a 4 KiB granule counts down from level 2: 2 - start level. */
	tcr |= (uint64_t)(2 - pgt->start_level) << VTCR_SL0_SHIFT;
	if (pgt->vmid > 0xff)
		tcr |= VTCR_VS;
	return tcr | VTCR_EL2_RES1;
}

uint64_t pgt_vttbr(const struct pgt *pgt)
{
	if (pgt->regime == PGT_EL2_STAGE1)
		return pgt->root_pa;
	return pgt->root_pa | ((uint64_t)pgt->vmid << VTTBR_VMID_SHIFT);
}

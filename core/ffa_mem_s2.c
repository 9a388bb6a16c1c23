// SPDX-License-Identifier: MIT
/* FF-A memory sharing in stage 2 (core/ffa_mem_s2.h, docs/ffa.md "Memory sharing"): the
 * lender's pages leave its stage 2 for a lend or a donation and come back on reclaim; a
 * borrower's retrieve maps them at their alias in its window and its relinquish unmaps them.
 * The pages are always populated first (docs/memory.md), so what a borrower can read is zero
 * or what the lender wrote. */
#include <core/check.h>
#include <core/err.h>
#include <core/lib.h>
#include <core/log.h>
#include <core/pgtable.h>
#include <core/vm.h>
#include <hal/mem.h>
#include <hal/mmu.h>

#include "ffa_mem_s2.h"

static uint64_t bytes(const struct ffa_mem_range *r)
{
	return (uint64_t)r->pages * FFA_MEM_PAGE_SIZE;
}

/* The physical address of a range of `vm`'s RAM (prepared: inside one region). */
static uint64_t range_pa(const struct vm *vm, const struct ffa_mem_range *r)
{
	const struct vm_ram *ram = vm_ram_find(vm, r->addr);

	CHECK(ram && r->addr + bytes(r) - ram->ipa <= ram->size);
	return ram->pa + (r->addr - ram->ipa);
}

int ffa_mem_s2_prepare(struct vm *vm, const struct ffa_mem_range *r, unsigned n)
{
	for (unsigned i = 0; i < n; i++) {
		const struct vm_ram *ram = vm_ram_find(vm, r[i].addr);
		uint64_t off = r[i].addr - vm->board.ram_base;

		if (!ram || r[i].addr + bytes(&r[i]) - ram->ipa > ram->size ||
		    r[i].addr < vm->board.ram_base || off + bytes(&r[i]) > FFA_MEM_WINDOW_SPAN)
			return HV_EFAULT;
	}
	for (unsigned i = 0; i < n; i++)
		for (uint64_t b = align_down(r[i].addr, SZ_2M); b < r[i].addr + bytes(&r[i]);
		     b += SZ_2M)
			if (vm_ram_populate(vm, b) != HV_OK)
				return HV_EFAULT;
	return HV_OK;
}

void ffa_mem_s2_map_own(struct vm *vm, const struct ffa_mem_range *r, unsigned n)
{
	for (unsigned i = 0; i < n; i++) {
		int ret;

		spin_lock(&vm->ram_lock);
		ret = pgt_map(&vm->s2, r[i].addr, range_pa(vm, &r[i]), bytes(&r[i]), PGT_RWX);
		spin_unlock(&vm->ram_lock);
		/* Only table memory can be short: the pages stay out of its reach, said once. */
		if (ret)
			log_ratelimited(&vm->guest_log, LOG_ERR,
					"%s: FF-A: %u pages at IPA 0x%llx not mapped back: %s",
					vm->name, r[i].pages, (unsigned long long)r[i].addr,
					hv_strerror(ret));
	}
}

int ffa_mem_s2_unmap_own(struct vm *vm, const struct ffa_mem_range *r, unsigned n)
{
	for (unsigned i = 0; i < n; i++) {
		int ret;

		spin_lock(&vm->ram_lock);
		ret = pgt_unmap(&vm->s2, r[i].addr, bytes(&r[i]));
		spin_unlock(&vm->ram_lock);
		if (ret) {
			ffa_mem_s2_map_own(vm, r, i + 1);
			return ret;
		}
	}
	return HV_OK;
}

void ffa_mem_s2_zero(struct vm *lender, const struct ffa_mem_range *r, unsigned n)
{
	for (unsigned i = 0; i < n; i++) {
		void *p = hal_phys_to_ptr(range_pa(lender, &r[i]));

		hal_mem_zero(p, bytes(&r[i]));
		/* As populating does: a borrower with its MMU off reads behind the caches. */
		if (!hal_s2_forces_wb())
			hal_dcache_clean_range(p, bytes(&r[i]));
	}
}

void ffa_mem_s2_alias(const struct vm *lender, const struct ffa_mem_range *r, unsigned n,
		      struct ffa_mem_range *out)
{
	uint64_t window =
	    FFA_MEM_WINDOW_BASE + (uint64_t)(lender->ffa.id - 1) * FFA_MEM_WINDOW_SPAN;

	for (unsigned i = 0; i < n; i++) {
		out[i].addr = window + (r[i].addr - lender->board.ram_base);
		out[i].pages = r[i].pages;
	}
}

static unsigned pgt_flags(uint8_t perm)
{
	unsigned flags = PGT_R;

	if (FFA_PERM_DATA(perm) == FFA_DATA_RW)
		flags |= PGT_W;
	if (FFA_PERM_INSTR(perm) == FFA_INSTR_X)
		flags |= PGT_X;
	return flags;
}

void ffa_mem_s2_unmap_borrowed(struct vm *borrower, struct vm *lender,
			       const struct ffa_mem_range *r, unsigned n)
{
	struct ffa_mem_range alias[FFA_MEM_MAX_RANGES];

	ffa_mem_s2_alias(lender, r, n, alias);
	for (unsigned i = 0; i < n; i++) {
		int ret;

		spin_lock(&borrower->ram_lock);
		/* The exact ranges mapped: whole blocks or pages, never a split. The window's
		 * tables stay for the next retrieve (they go with the VM's stage 2). */
		ret = pgt_unmap_keep_tables(&borrower->s2, alias[i].addr, bytes(&alias[i]));
		spin_unlock(&borrower->ram_lock);
		CHECK(ret == HV_OK);
	}
}

int ffa_mem_s2_map_borrowed(struct vm *borrower, struct vm *lender, const struct ffa_mem_range *r,
			    unsigned n, uint8_t perm)
{
	struct ffa_mem_range alias[FFA_MEM_MAX_RANGES];

	ffa_mem_s2_alias(lender, r, n, alias);
	for (unsigned i = 0; i < n; i++) {
		int ret;

		/* The window is above the borrower's RAM: a board that puts RAM there has none. */
		if (vm_ram_find(borrower, alias[i].addr) ||
		    vm_ram_find(borrower, alias[i].addr + bytes(&alias[i]) - 1)) {
			ffa_mem_s2_unmap_borrowed(borrower, lender, r, i);
			return HV_EBUSY;
		}
		spin_lock(&borrower->ram_lock);
		ret = pgt_map(&borrower->s2, alias[i].addr, range_pa(lender, &r[i]),
			      bytes(&alias[i]), pgt_flags(perm));
		spin_unlock(&borrower->ram_lock);
		if (ret) {
			ffa_mem_s2_unmap_borrowed(borrower, lender, r, i + 1);
			return ret;
		}
	}
	return HV_OK;
}

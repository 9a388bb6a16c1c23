// SPDX-License-Identifier: MIT
/* Guest memory access through the VM's stage-2 table (see core/gmem.h). */
#include <core/err.h>
#include <core/gmem.h>
#include <core/lib.h>
#include <core/pgtable.h>
#include <core/vm.h>
#include <hal/mem.h>
#include <hal/mmu.h>

enum gmem_op { GMEM_READ, GMEM_WRITE, GMEM_CHECK, GMEM_CLEAN };

/* The host pointer behind `ipa` and how many bytes from there the same stage-2 leaf (a page
 * or a block: contiguous memory) maps, or NULL if `ipa` is not mapped as RAM. */
static uint8_t *leaf_ptr(struct vm *vm, uint64_t ipa, uint64_t *room)
{
	uint64_t pa, size;
	unsigned flags;

	if (!pgt_lookup_leaf(&vm->s2, ipa, &pa, &flags, &size) || (flags & PGT_DEVICE))
		return NULL;
	*room = size - (ipa & (size - 1));
	return hal_phys_to_ptr(pa);
}

/* Walk [ipa, ipa+len) a stage-2 leaf (mostly a 2 MiB block) at a time, so checking a huge
 * buffer costs a lookup per block, not per page. A block of RAM not populated yet is what the
 * guest's first touch would find: a write populates it first (docs/memory.md), a read gets
 * the zeros the guest would read there and a check passes, neither populating it. */
static int gmem_copy(struct vm *vm, uint64_t ipa, void *buf, size_t len, enum gmem_op op)
{
	uint8_t *b = buf;

	if (!range_ok(ipa, len))
		return HV_EFAULT;
	while (len) {
		const struct vm_ram *r = vm_ram_find(vm, ipa);
		uint64_t room = SZ_2M - (ipa & (SZ_2M - 1));
		uint8_t *p = NULL;
		size_t chunk;

		if (!r)
			return HV_EFAULT;
		chunk = (size_t)MIN(len, room);
		/* Into a block nothing touched yet: loaded as it is populated, only the rest of
		 * it zeroed (a boot image is written once, not zeroed first). */
		if (op == GMEM_WRITE && !vm_ram_populated(r, ipa)) {
			bool loaded;

			if (vm_ram_populate_load(vm, ipa, b, chunk, &loaded) != HV_OK)
				return HV_EFAULT;
			if (loaded) {
				ipa += chunk;
				b += chunk;
				len -= chunk;
				continue;
			}
		}
		if (op == GMEM_WRITE && vm_ram_populate(vm, ipa) != HV_OK)
			return HV_EFAULT;
		if (vm_ram_populated(r, ipa)) {
			p = leaf_ptr(vm, ipa, &room);
			if (!p)
				return HV_EFAULT;
		}
		chunk = (size_t)MIN(len, room);
		if (op == GMEM_WRITE)
			memcpy(p, b, chunk);
		else if (op == GMEM_READ && p)
			memcpy(b, p, chunk);
		else if (op == GMEM_READ)
			memset(b, 0, chunk);
		else if (op == GMEM_CLEAN && p)
			hal_dcache_clean_range(p, chunk);
		ipa += chunk;
		b = b ? b + chunk : NULL;
		len -= chunk;
	}
	return HV_OK;
}

int gmem_read(struct vm *vm, uint64_t ipa, void *buf, size_t len)
{
	return gmem_copy(vm, ipa, buf, len, GMEM_READ);
}

int gmem_write(struct vm *vm, uint64_t ipa, const void *buf, size_t len)
{
	/* gmem_copy() only reads `buf` in this direction. */
	return gmem_copy(vm, ipa, (void *)(uintptr_t)buf, len, GMEM_WRITE);
}

int gmem_check(struct vm *vm, uint64_t ipa, size_t len)
{
	return gmem_copy(vm, ipa, NULL, len, GMEM_CHECK);
}

int gmem_clean(struct vm *vm, uint64_t ipa, size_t len)
{
	/* Under FEAT_S2FWB the guest's reads are cacheable even with its MMU off. */
	return gmem_copy(vm, ipa, NULL, len, hal_s2_forces_wb() ? GMEM_CHECK : GMEM_CLEAN);
}

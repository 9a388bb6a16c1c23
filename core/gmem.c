// SPDX-License-Identifier: MIT
/* Guest memory access through the VM's stage-2 table (see core/gmem.h). */
#include <core/err.h>
#include <core/gmem.h>
#include <core/lib.h>
#include <core/pgtable.h>
#include <core/vm.h>
#include <hal/mem.h>

/* The host pointer behind `ipa` and how many bytes from there the same stage-2 leaf (a page
 * or a block: contiguous memory) maps, or NULL if `ipa` is not RAM. */
static void *leaf_ptr(struct vm *vm, uint64_t ipa, uint64_t *room)
{
	uint64_t pa, size;
	unsigned flags;

	if (!pgt_lookup_leaf(&vm->s2, ipa, &pa, &flags, &size) || (flags & PGT_DEVICE))
		return NULL;
	*room = size - (ipa & (size - 1));
	return hal_phys_to_ptr(pa);
}

/* Walk [ipa, ipa+len) a stage-2 leaf at a time (guest RAM is mostly 2 MiB blocks, so checking
 * a huge buffer costs a lookup per block, not per page): copy into (to_guest) or out of the
 * guest. */
static int gmem_copy(struct vm *vm, uint64_t ipa, void *buf, size_t len, bool to_guest)
{
	uint8_t *b = buf;

	if (!range_ok(ipa, len))
		return HV_EFAULT;
	while (len) {
		uint64_t room = 0;
		uint8_t *p = leaf_ptr(vm, ipa, &room);
		size_t chunk = (size_t)MIN(len, room);

		if (!p)
			return HV_EFAULT;
		if (to_guest)
			memcpy(p, b, chunk);
		else if (b)
			memcpy(b, p, chunk);
		ipa += chunk;
		b = b ? b + chunk : NULL;
		len -= chunk;
	}
	return HV_OK;
}

int gmem_read(struct vm *vm, uint64_t ipa, void *buf, size_t len)
{
	return gmem_copy(vm, ipa, buf, len, false);
}

int gmem_write(struct vm *vm, uint64_t ipa, const void *buf, size_t len)
{
	/* gmem_copy() only reads `buf` in this direction. */
	return gmem_copy(vm, ipa, (void *)(uintptr_t)buf, len, true);
}

int gmem_check(struct vm *vm, uint64_t ipa, size_t len)
{
	return gmem_copy(vm, ipa, NULL, len, false);
}

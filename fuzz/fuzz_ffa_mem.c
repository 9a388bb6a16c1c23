// SPDX-License-Identifier: MIT
/* libFuzzer harness for FF-A memory transaction descriptors (core/ffa_mem_desc.c, docs/ffa.md
 * "Memory sharing"). The input after its first byte is a descriptor a caller put in its TX
 * buffer; byte 0 picks the call (bits 0-1: retrieve request, share, lend, donate), the
 * caller's version (bit 2: 1.0) and whether the bytes are also read as a relinquish
 * descriptor (bit 3). Whatever the bytes, the parser answers 0 or one of the two statuses it
 * may give, never reads past the buffer (ASan), and what it accepts obeys every rule of the
 * specification it enforces: 1..FFA_MEM_MAX_BORROWERS distinct borrowers, none the sender or
 * the hypervisor, permissions the call allows; page-aligned, non-empty, non-wrapping,
 * disjoint ranges adding up to the total. An accepted descriptor written back as a retrieve
 * response (one borrower) reads back the same.
 * Seeds: fuzz/corpus/ffa_mem/. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <core/ffa.h>
#include <core/lib.h>

#include "../core/ffa_mem_desc.h"
#include "fuzz_check.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_accepted(const struct ffa_mem_desc *d, enum ffa_mem_op op)
{
	uint64_t sum = 0;

	FUZZ_CHECK(d->borrowers >= 1 && d->borrowers <= FFA_MEM_MAX_BORROWERS);
	for (unsigned i = 0; i < d->borrowers; i++) {
		unsigned data = FFA_PERM_DATA(d->access[i].perm);
		unsigned instr = FFA_PERM_INSTR(d->access[i].perm);

		FUZZ_CHECK(d->access[i].id != d->sender && d->access[i].id != FFA_ID_HYPERVISOR);
		FUZZ_CHECK(data != FFA_DATA_RESERVED && instr != FFA_INSTR_RESERVED);
		FUZZ_CHECK(!(d->access[i].perm & FFA_PERM_MBZ));
		for (unsigned j = 0; j < i; j++)
			FUZZ_CHECK(d->access[j].id != d->access[i].id);
		if (op == FFA_MEM_OP_DONATE)
			FUZZ_CHECK(d->access[i].perm == 0 && d->attributes == 0);
		if (op == FFA_MEM_OP_SHARE)
			FUZZ_CHECK(data != FFA_DATA_NOT_SPECIFIED && instr == 0 && d->attributes);
	}
	if (op == FFA_MEM_OP_RETRIEVE) {
		FUZZ_CHECK(d->ranges == 0);
		return;
	}
	FUZZ_CHECK(d->handle == 0);
	FUZZ_CHECK(d->ranges >= 1 && d->ranges <= FFA_MEM_MAX_RANGES);
	for (unsigned i = 0; i < d->ranges; i++) {
		const struct ffa_mem_range *r = &d->range[i];
		uint64_t len = (uint64_t)r->pages * FFA_MEM_PAGE_SIZE;

		FUZZ_CHECK(r->pages && is_aligned(r->addr, FFA_MEM_PAGE_SIZE));
		FUZZ_CHECK(r->addr + len > r->addr);
		for (unsigned j = 0; j < i; j++) {
			const struct ffa_mem_range *o = &d->range[j];

			FUZZ_CHECK(r->addr + len <= o->addr ||
				   o->addr + (uint64_t)o->pages * FFA_MEM_PAGE_SIZE <= r->addr);
		}
		sum += r->pages;
	}
	FUZZ_CHECK(sum == d->total_pages && sum <= FFA_MEM_MAX_PAGES);
}

/* The response the hypervisor would write for the first borrower reads back the same. */
static void check_round_trip(const struct ffa_mem_desc *d, uint32_t version)
{
	static uint8_t out[FFA_MEM_TRANS_SIZE_1_1 + FFA_MEM_ACCESS_SIZE + FFA_MEM_COMPOSITE_SIZE +
			   FFA_MEM_MAX_RANGES * FFA_MEM_CONSTITUENT_SIZE];
	struct ffa_mem_desc one = *d, back;
	size_t len;

	one.borrowers = 1;
	one.handle = 0;
	one.flags = 0;
	one.access[0].perm = FFA_PERM(FFA_DATA_RO, 0);
	one.attributes = FFA_ATTR_NORMAL_WB_INNER;
	len = ffa_mem_desc_write(out, sizeof(out), version, &one);
	FUZZ_CHECK(len > 0);
	FUZZ_CHECK(ffa_mem_desc_parse(out, len, version, FFA_MEM_OP_SHARE, &back) == 0);
	FUZZ_CHECK(back.sender == one.sender && back.tag == one.tag);
	FUZZ_CHECK(back.access[0].id == one.access[0].id);
	FUZZ_CHECK(back.ranges == one.ranges && back.total_pages == one.total_pages);
	FUZZ_CHECK(memcmp(back.range, one.range, one.ranges * sizeof(one.range[0])) == 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	enum ffa_mem_op op;
	uint32_t version;
	struct ffa_mem_desc d;
	uint8_t *copy;
	int ret;

	if (size < 1)
		return 0;
	op = (enum ffa_mem_op)(data[0] & 3);
	version = (data[0] & 4) ? FFA_VERSION_1_0 : FFA_VERSION_1_1;
	/* An exact-size heap copy, so ASan sees any read past the caller's bytes. */
	copy = malloc(size - 1 ? size - 1 : 1);
	FUZZ_CHECK(copy);
	memcpy(copy, data + 1, size - 1);
	ret = ffa_mem_desc_parse(copy, size - 1, version, op, &d);
	FUZZ_CHECK(ret == 0 || ret == FFA_RET_INVALID_PARAMETERS || ret == FFA_RET_NO_MEMORY);
	if (ret == 0) {
		check_accepted(&d, op);
		if (op != FFA_MEM_OP_RETRIEVE)
			check_round_trip(&d, version);
	}
	if (data[0] & 8) {
		uint64_t handle;
		uint32_t flags;
		uint16_t id;

		ret = ffa_mem_relinquish_parse(copy, size - 1, &handle, &id, &flags);
		FUZZ_CHECK(ret == 0 || ret == FFA_RET_INVALID_PARAMETERS);
		FUZZ_CHECK(ret || !(flags & ~FFA_RELINQUISH_FLAG_ZERO));
	}
	free(copy);
	return 0;
}

// SPDX-License-Identifier: MIT
/* FF-A memory transaction descriptors (DEN0077 v1.1 chapter 10, v1.0 chapter 5 for a 1.0
 * caller; docs/ffa.md "Memory sharing"). Every number in a descriptor is the caller's: each
 * offset and count is checked to stay inside the buffer in 64-bit arithmetic before anything
 * is read through it, every reserved field must be zero, and the permissions and attributes
 * must be ones the call allows. See core/ffa_mem_desc.h. */
#include <core/ffa.h>
#include <core/lib.h>

#include "ffa_mem_desc.h"

/* Byte offsets in the memory transaction descriptor. */
#define TRANS_SENDER	   0
#define TRANS_ATTRIBUTES   2
#define TRANS_FLAGS	   4
#define TRANS_HANDLE	   8
#define TRANS_TAG	   16
#define TRANS_ACCESS_SIZE  24 /* v1.1; reserved in v1.0 */
#define TRANS_ACCESS_COUNT 28
#define TRANS_ACCESS_OFF   32 /* v1.1; in v1.0 the array itself starts here */
#define TRANS_RESERVED_1_1 36
/* In an endpoint memory access descriptor. */
#define ACCESS_ID	     0
#define ACCESS_PERM	     2
#define ACCESS_FLAGS	     3
#define ACCESS_COMPOSITE_OFF 4
#define ACCESS_RESERVED	     8
/* In the composite memory region and a constituent. */
#define COMPOSITE_PAGES	   0
#define COMPOSITE_RANGES   4
#define COMPOSITE_RESERVED 8
#define CONSTITUENT_ADDR   0
#define CONSTITUENT_PAGES  8
#define CONSTITUENT_RSVD   12
/* In the relinquish descriptor. */
#define RELINQUISH_HANDLE 0
#define RELINQUISH_FLAGS  8
#define RELINQUISH_COUNT  12
#define RELINQUISH_IDS	  16

static uint64_t get(const uint8_t *p, unsigned n)
{
	uint64_t v = 0;

	for (unsigned i = 0; i < n; i++)
		v |= (uint64_t)p[i] << (8 * i);
	return v;
}

static void put(uint8_t *p, uint64_t v, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static bool all_zero(const uint8_t *p, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		if (p[i])
			return false;
	return true;
}

/* [off, off + size) inside a buffer of `len` bytes; off and size are the caller's 32-bit
 * numbers (or products of them), so 64-bit arithmetic cannot wrap. */
static bool inside(uint64_t off, uint64_t size, size_t len)
{
	return off <= len && size <= len - off;
}

static bool overlap(uint64_t a, uint64_t alen, uint64_t b, uint64_t blen)
{
	return a < b + blen && b < a + alen;
}

/* The attributes a call accepts (DEN0077 v1.1 chapter 10): a donate, or a lend to one borrower,
 * leaves them to the borrower (all zero); a share or a lend to several names Normal memory
 * (only RAM is shared here, so never Device) with a valid cacheability and shareability. A
 * retrieve request may leave them unspecified or name Normal memory the same way. */
static bool attributes_ok(uint16_t a, enum ffa_mem_op op, unsigned borrowers)
{
	unsigned type = (a >> FFA_ATTR_TYPE_SHIFT) & FFA_ATTR_TYPE_MASK;
	unsigned cache = (a >> FFA_ATTR_CACHE_SHIFT) & FFA_ATTR_CACHE_MASK;
	bool unspecified = op == FFA_MEM_OP_DONATE || (op == FFA_MEM_OP_LEND && borrowers == 1);

	if (a & FFA_ATTR_MBZ)
		return false;
	if (unspecified || (op == FFA_MEM_OP_RETRIEVE && type == FFA_ATTR_TYPE_UNSPECIFIED))
		return a == 0;
	return type == FFA_ATTR_TYPE_NORMAL &&
	       (cache == FFA_ATTR_CACHE_NC || cache == FFA_ATTR_CACHE_WB) &&
	       (a & FFA_ATTR_SHARE_MASK) != FFA_ATTR_SHARE_RESERVED;
}

/* The permissions a lender may give (DEN0077 v1.1 chapter 10): a share or a lend names data access
 * (RO or RW); instruction access is the borrower's to ask for, except in a lend to one
 * borrower; a donate names neither (the borrower becomes the owner). A retrieve request may
 * ask for anything not reserved (checked against what was given, core/ffa_mem_state.c). */
static bool perm_ok(uint8_t perm, enum ffa_mem_op op, unsigned borrowers)
{
	unsigned data = FFA_PERM_DATA(perm), instr = FFA_PERM_INSTR(perm);

	if ((perm & FFA_PERM_MBZ) || data == FFA_DATA_RESERVED || instr == FFA_INSTR_RESERVED)
		return false;
	switch (op) {
	case FFA_MEM_OP_SHARE:
		return data != FFA_DATA_NOT_SPECIFIED && instr == FFA_INSTR_NOT_SPECIFIED;
	case FFA_MEM_OP_LEND:
		return data != FFA_DATA_NOT_SPECIFIED &&
		       (instr == FFA_INSTR_NOT_SPECIFIED || borrowers == 1);
	case FFA_MEM_OP_DONATE:
		return data == FFA_DATA_NOT_SPECIFIED && instr == FFA_INSTR_NOT_SPECIFIED;
	case FFA_MEM_OP_RETRIEVE:
		return true;
	}
	return false;
}

static bool flags_ok(uint32_t flags, enum ffa_mem_op op)
{
	switch (op) {
	case FFA_MEM_OP_SHARE:
		return flags == 0; /* the lender keeps access: nothing to zero */
	case FFA_MEM_OP_LEND:
	case FFA_MEM_OP_DONATE:
		return (flags & ~FFA_MEM_FLAG_ZERO) == 0;
	case FFA_MEM_OP_RETRIEVE:
		return (flags & ~FFA_RETRIEVE_FLAG_KNOWN) == 0 &&
		       !(flags & FFA_MEM_FLAG_TIME_SLICE);
	}
	return false;
}

/* The composite memory region at `off`: its ranges into d->range[], each 4 KiB aligned,
 * non-empty, not wrapping, overlapping no other, and adding up to its total page count. */
static int parse_composite(const uint8_t *b, size_t len, uint64_t off, struct ffa_mem_desc *d)
{
	uint64_t ranges, sum = 0;

	if (!is_aligned(off, 8) || !inside(off, FFA_MEM_COMPOSITE_SIZE, len) ||
	    !all_zero(b + off + COMPOSITE_RESERVED, 8))
		return FFA_RET_INVALID_PARAMETERS;
	ranges = get(b + off + COMPOSITE_RANGES, 4);
	if (ranges == 0 ||
	    !inside(off + FFA_MEM_COMPOSITE_SIZE, ranges * FFA_MEM_CONSTITUENT_SIZE, len))
		return FFA_RET_INVALID_PARAMETERS;
	if (ranges > FFA_MEM_MAX_RANGES)
		return FFA_RET_NO_MEMORY;
	d->ranges = (unsigned)ranges;
	for (unsigned i = 0; i < d->ranges; i++) {
		const uint8_t *c = b + off + FFA_MEM_COMPOSITE_SIZE + i * FFA_MEM_CONSTITUENT_SIZE;
		struct ffa_mem_range *r = &d->range[i];

		r->addr = get(c + CONSTITUENT_ADDR, 8);
		r->pages = (uint32_t)get(c + CONSTITUENT_PAGES, 4);
		if (!is_aligned(r->addr, FFA_MEM_PAGE_SIZE) || r->pages == 0 ||
		    !range_ok(r->addr, (uint64_t)r->pages * FFA_MEM_PAGE_SIZE) ||
		    !all_zero(c + CONSTITUENT_RSVD, 4))
			return FFA_RET_INVALID_PARAMETERS;
		for (unsigned j = 0; j < i; j++)
			if (overlap(r->addr, (uint64_t)r->pages * FFA_MEM_PAGE_SIZE,
				    d->range[j].addr,
				    (uint64_t)d->range[j].pages * FFA_MEM_PAGE_SIZE))
				return FFA_RET_INVALID_PARAMETERS;
		sum += r->pages;
	}
	if (sum != get(b + off + COMPOSITE_PAGES, 4))
		return FFA_RET_INVALID_PARAMETERS;
	if (sum > FFA_MEM_MAX_PAGES)
		return FFA_RET_NO_MEMORY;
	d->total_pages = (uint32_t)sum;
	return 0;
}

/* The header's layout by version: where the endpoint array is and how big its entries are. */
static int parse_header(const uint8_t *b, size_t len, uint32_t version, uint64_t *arr,
			uint64_t *count, uint64_t *hdr)
{
	uint64_t esize;

	if (version < FFA_VERSION_1_1) {
		*hdr = FFA_MEM_TRANS_SIZE_1_0;
		if (len < *hdr || !all_zero(b + TRANS_ACCESS_SIZE, 4))
			return FFA_RET_INVALID_PARAMETERS;
		esize = FFA_MEM_ACCESS_SIZE;
		*arr = FFA_MEM_TRANS_SIZE_1_0;
	} else {
		*hdr = FFA_MEM_TRANS_SIZE_1_1;
		if (len < *hdr || !all_zero(b + TRANS_RESERVED_1_1, 12))
			return FFA_RET_INVALID_PARAMETERS;
		esize = get(b + TRANS_ACCESS_SIZE, 4);
		*arr = get(b + TRANS_ACCESS_OFF, 4);
	}
	*count = get(b + TRANS_ACCESS_COUNT, 4);
	/* The array follows the header, 16-byte aligned, of the v1.1 size. */
	if (esize != FFA_MEM_ACCESS_SIZE || *arr < *hdr || !is_aligned(*arr, 16) || *count == 0 ||
	    !inside(*arr, *count * FFA_MEM_ACCESS_SIZE, len))
		return FFA_RET_INVALID_PARAMETERS;
	return *count > FFA_MEM_MAX_BORROWERS ? FFA_RET_NO_MEMORY : 0;
}

int ffa_mem_desc_parse(const void *buf, size_t len, uint32_t version, enum ffa_mem_op op,
		       struct ffa_mem_desc *out)
{
	const uint8_t *b = buf;
	uint64_t arr, count, hdr, composite = 0;
	struct ffa_mem_desc d;
	int ret;

	memset(&d, 0, sizeof(d));
	ret = parse_header(b, len, version, &arr, &count, &hdr);
	if (ret)
		return ret;
	d.sender = (uint16_t)get(b + TRANS_SENDER, 2);
	d.attributes = (uint16_t)get(b + TRANS_ATTRIBUTES, 2);
	d.flags = (uint32_t)get(b + TRANS_FLAGS, 4);
	d.handle = get(b + TRANS_HANDLE, 8);
	d.tag = get(b + TRANS_TAG, 8);
	d.borrowers = (unsigned)count;
	/* A lender's handle is the hypervisor's to allocate. */
	/* A donation has one receiver: ownership cannot go to several. */
	if ((op != FFA_MEM_OP_RETRIEVE && d.handle != 0) || !flags_ok(d.flags, op) ||
	    (op == FFA_MEM_OP_DONATE && d.borrowers != 1) ||
	    !attributes_ok(d.attributes, op, d.borrowers))
		return FFA_RET_INVALID_PARAMETERS;
	for (unsigned i = 0; i < d.borrowers; i++) {
		const uint8_t *e = b + arr + i * FFA_MEM_ACCESS_SIZE;
		uint64_t off = get(e + ACCESS_COMPOSITE_OFF, 4);

		d.access[i].id = (uint16_t)get(e + ACCESS_ID, 2);
		d.access[i].perm = e[ACCESS_PERM];
		/* Flags: bit 0 (v1.1) marks a borrower that never retrieves; not supported. */
		if (e[ACCESS_FLAGS] || !all_zero(e + ACCESS_RESERVED, 8) ||
		    !perm_ok(d.access[i].perm, op, d.borrowers) ||
		    d.access[i].id == FFA_ID_HYPERVISOR || d.access[i].id == d.sender)
			return FFA_RET_INVALID_PARAMETERS;
		for (unsigned j = 0; j < i; j++)
			if (d.access[j].id == d.access[i].id)
				return FFA_RET_INVALID_PARAMETERS;
		/* One composite for all borrowers; a retrieve request names none, the
		 * hypervisor answers with the ranges where it maps them. */
		if (i == 0)
			composite = off;
		if (off != composite || (op == FFA_MEM_OP_RETRIEVE) != (off == 0))
			return FFA_RET_INVALID_PARAMETERS;
	}
	if (op != FFA_MEM_OP_RETRIEVE) {
		/* The composite lies after the header and clear of the endpoint array. */
		if (composite < hdr ||
		    overlap(composite, FFA_MEM_COMPOSITE_SIZE, arr, count * FFA_MEM_ACCESS_SIZE))
			return FFA_RET_INVALID_PARAMETERS;
		ret = parse_composite(b, len, composite, &d);
		if (ret)
			return ret;
		if (overlap(composite, FFA_MEM_COMPOSITE_SIZE + d.ranges * FFA_MEM_CONSTITUENT_SIZE,
			    arr, count * FFA_MEM_ACCESS_SIZE))
			return FFA_RET_INVALID_PARAMETERS;
	}
	*out = d;
	return 0;
}

size_t ffa_mem_desc_write(void *buf, size_t cap, uint32_t version, const struct ffa_mem_desc *d)
{
	uint8_t *b = buf;
	uint64_t arr = version < FFA_VERSION_1_1 ? FFA_MEM_TRANS_SIZE_1_0 : FFA_MEM_TRANS_SIZE_1_1;
	uint64_t composite = arr + FFA_MEM_ACCESS_SIZE;
	uint64_t len =
	    composite + FFA_MEM_COMPOSITE_SIZE + (uint64_t)d->ranges * FFA_MEM_CONSTITUENT_SIZE;

	if (len > cap || d->borrowers != 1)
		return 0;
	memset(b, 0, len);
	put(b + TRANS_SENDER, d->sender, 2);
	put(b + TRANS_ATTRIBUTES, d->attributes, 2);
	put(b + TRANS_FLAGS, d->flags, 4);
	put(b + TRANS_HANDLE, d->handle, 8);
	put(b + TRANS_TAG, d->tag, 8);
	put(b + TRANS_ACCESS_COUNT, 1, 4);
	if (version >= FFA_VERSION_1_1) {
		put(b + TRANS_ACCESS_SIZE, FFA_MEM_ACCESS_SIZE, 4);
		put(b + TRANS_ACCESS_OFF, arr, 4);
	}
	put(b + arr + ACCESS_ID, d->access[0].id, 2);
	b[arr + ACCESS_PERM] = d->access[0].perm;
	put(b + arr + ACCESS_COMPOSITE_OFF, composite, 4);
	put(b + composite + COMPOSITE_PAGES, d->total_pages, 4);
	put(b + composite + COMPOSITE_RANGES, d->ranges, 4);
	for (unsigned i = 0; i < d->ranges; i++) {
		uint8_t *c = b + composite + FFA_MEM_COMPOSITE_SIZE + i * FFA_MEM_CONSTITUENT_SIZE;

		put(c + CONSTITUENT_ADDR, d->range[i].addr, 8);
		put(c + CONSTITUENT_PAGES, d->range[i].pages, 4);
	}
	return (size_t)len;
}

int ffa_mem_relinquish_parse(const void *buf, size_t len, uint64_t *handle, uint16_t *id,
			     uint32_t *flags)
{
	const uint8_t *b = buf;

	if (len < FFA_MEM_RELINQUISH_SIZE + 2 || get(b + RELINQUISH_COUNT, 4) != 1 ||
	    (get(b + RELINQUISH_FLAGS, 4) & ~(uint64_t)FFA_RELINQUISH_FLAG_ZERO))
		return FFA_RET_INVALID_PARAMETERS;
	*handle = get(b + RELINQUISH_HANDLE, 8);
	*flags = (uint32_t)get(b + RELINQUISH_FLAGS, 4);
	*id = (uint16_t)get(b + RELINQUISH_IDS, 2);
	return 0;
}

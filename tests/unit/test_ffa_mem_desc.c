// SPDX-License-Identifier: MIT
/* Tests of core/ffa_mem_desc.c (DEN0077 v1.1 chapter 10, docs/ffa.md "Memory sharing"): a
 * valid descriptor of each call parses to what it says, and every way to get a field wrong
 * (a table of one-field changes to a valid descriptor) is refused with the status the
 * specification gives. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include <core/ffa.h>

#include "../../core/ffa_mem_desc.h"

#define INVAL FFA_RET_INVALID_PARAMETERS
#define NOMEM FFA_RET_NO_MEMORY
#define BASE  0x40100000ULL

/* A valid v1.1 descriptor of `op` from endpoint 1 to `n` borrowers (2, 3, ...) with `m`
 * ranges of 2 pages, 64 KiB apart: header at 0, endpoint array at 48, composite after it. */
static uint8_t buf[4096];

static void put(size_t off, uint64_t v, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		buf[off + i] = (uint8_t)(v >> (8 * i));
}

#define ARR	   48
#define COMP(n)	   (ARR + 16 * (n))
#define CONS(n, k) (COMP(n) + 16 + 16 * (k))

static size_t build(enum ffa_mem_op op, unsigned n, unsigned m)
{
	uint8_t perm = op == FFA_MEM_OP_DONATE	   ? 0
		       : op == FFA_MEM_OP_RETRIEVE ? FFA_PERM(FFA_DATA_RW, FFA_INSTR_NX)
						   : FFA_PERM(FFA_DATA_RW, 0);
	bool attrs = op == FFA_MEM_OP_SHARE || (op == FFA_MEM_OP_LEND && n > 1);

	memset(buf, 0, sizeof(buf));
	put(0, 1, 2);
	put(2, attrs ? FFA_ATTR_NORMAL_WB_INNER : 0, 2);
	put(4, op == FFA_MEM_OP_RETRIEVE ? 1U << FFA_RETRIEVE_FLAG_TYPE_SHIFT : 0, 4);
	put(8, op == FFA_MEM_OP_RETRIEVE ? FFA_HANDLE_ALLOCATOR_HYP | 5 : 0, 8);
	put(16, 0x7a6, 8);
	put(24, 16, 4);
	put(28, n, 4);
	put(32, ARR, 4);
	for (unsigned i = 0; i < n; i++) {
		put(ARR + 16 * i, 2 + i, 2);
		buf[ARR + 16 * i + 2] = perm;
		put(ARR + 16 * i + 4, op == FFA_MEM_OP_RETRIEVE ? 0 : COMP(n), 4);
	}
	if (op == FFA_MEM_OP_RETRIEVE)
		return COMP(n);
	put(COMP(n), 2 * m, 4);
	put(COMP(n) + 4, m, 4);
	for (unsigned k = 0; k < m; k++) {
		put(CONS(n, k), BASE + 0x10000 * k, 8);
		put(CONS(n, k) + 8, 2, 4);
	}
	return CONS(n, m);
}

static void test_ffa_mem_desc_valid_share_parses(void **state)
{
	struct ffa_mem_desc d;
	size_t len = build(FFA_MEM_OP_SHARE, 2, 3);

	assert_int_equal(ffa_mem_desc_parse(buf, len, FFA_VERSION_1_1, FFA_MEM_OP_SHARE, &d), 0);
	assert_int_equal(d.sender, 1);
	assert_int_equal(d.attributes, FFA_ATTR_NORMAL_WB_INNER);
	assert_int_equal(d.tag, 0x7a6);
	assert_int_equal(d.borrowers, 2);
	assert_int_equal(d.access[0].id, 2);
	assert_int_equal(d.access[1].id, 3);
	assert_int_equal(d.access[1].perm, FFA_PERM(FFA_DATA_RW, 0));
	assert_int_equal(d.ranges, 3);
	assert_int_equal(d.total_pages, 6);
	assert_int_equal(d.range[2].addr, BASE + 0x20000);
	assert_int_equal(d.range[2].pages, 2);
}

static void test_ffa_mem_desc_valid_lend_donate_retrieve_parse(void **state)
{
	struct ffa_mem_desc d;
	size_t len;

	len = build(FFA_MEM_OP_LEND, 1, 1);
	assert_int_equal(ffa_mem_desc_parse(buf, len, FFA_VERSION_1_1, FFA_MEM_OP_LEND, &d), 0);
	len = build(FFA_MEM_OP_LEND, 3, 1);
	assert_int_equal(ffa_mem_desc_parse(buf, len, FFA_VERSION_1_1, FFA_MEM_OP_LEND, &d), 0);
	len = build(FFA_MEM_OP_DONATE, 1, 2);
	assert_int_equal(ffa_mem_desc_parse(buf, len, FFA_VERSION_1_1, FFA_MEM_OP_DONATE, &d), 0);
	assert_int_equal(d.total_pages, 4);
	len = build(FFA_MEM_OP_RETRIEVE, 1, 0);
	assert_int_equal(ffa_mem_desc_parse(buf, len, FFA_VERSION_1_1, FFA_MEM_OP_RETRIEVE, &d), 0);
	assert_int_equal(d.handle, FFA_HANDLE_ALLOCATOR_HYP | 5);
	assert_int_equal(d.ranges, 0);
	assert_int_equal(d.access[0].perm, FFA_PERM(FFA_DATA_RW, FFA_INSTR_NX));
}

/* One field changed from the valid descriptor of `op` (n borrowers, m ranges). */
struct change {
	const char *what;
	enum ffa_mem_op op;
	unsigned n, m;
	size_t off;
	unsigned width;
	uint64_t value;
	int want;
};

#define SH  FFA_MEM_OP_SHARE
#define LE  FFA_MEM_OP_LEND
#define DO  FFA_MEM_OP_DONATE
#define RE  FFA_MEM_OP_RETRIEVE
#define NWB FFA_ATTR_NORMAL_WB_INNER

static const struct change changes[] = {
    /* the header */
    {"reserved header bytes", SH, 1, 1, 36, 1, 1, INVAL},
    {"last reserved header byte", SH, 1, 1, 47, 1, 0x80, INVAL},
    {"endpoint descriptor size 32", SH, 1, 1, 24, 4, 32, INVAL},
    {"endpoint descriptor size 0", SH, 1, 1, 24, 4, 0, INVAL},
    {"no endpoints", SH, 1, 1, 28, 4, 0, INVAL},
    {"endpoint count past the buffer", SH, 1, 1, 28, 4, 0x100, INVAL},
    {"endpoint count that overflows 32 bits", SH, 1, 1, 28, 4, 0xffffffff, INVAL},
    {"endpoint array inside the header", SH, 1, 1, 32, 4, 32, INVAL},
    {"endpoint array unaligned", SH, 1, 1, 32, 4, 56, INVAL},
    {"endpoint array past the buffer", SH, 1, 1, 32, 4, 0xfffffff0, INVAL},
    {"share with a handle", SH, 1, 1, 8, 8, FFA_HANDLE_ALLOCATOR_HYP, INVAL},
    {"lend with a handle", LE, 1, 1, 8, 8, 1, INVAL},
    {"share asking to zero", SH, 1, 1, 4, 4, FFA_MEM_FLAG_ZERO, INVAL},
    {"share with time slicing", SH, 1, 1, 4, 4, FFA_MEM_FLAG_TIME_SLICE, INVAL},
    {"lend with time slicing", LE, 1, 1, 4, 4, FFA_MEM_FLAG_TIME_SLICE, INVAL},
    {"lend with a reserved flag", LE, 1, 1, 4, 4, 1U << 2, INVAL},
    {"donate with flag bit 31", DO, 1, 1, 4, 4, 1U << 31, INVAL},
    {"lend asking to zero", LE, 1, 1, 4, 4, FFA_MEM_FLAG_ZERO, 0},
    {"donate asking to zero", DO, 1, 1, 4, 4, FFA_MEM_FLAG_ZERO, 0},
    /* attributes */
    {"share of unspecified memory", SH, 1, 1, 2, 2, 0, INVAL},
    {"share of device memory", SH, 1, 1, 2, 2, 0x14, INVAL},
    {"share with reserved cacheability 0", SH, 1, 1, 2, 2, 0x23, INVAL},
    {"share with reserved cacheability 2", SH, 1, 1, 2, 2, 0x2b, INVAL},
    {"share with reserved shareability", SH, 1, 1, 2, 2, 0x2d, INVAL},
    {"share with the NS bit", SH, 1, 1, 2, 2, NWB | 0x40, INVAL},
    {"share with attribute bit 8", SH, 1, 1, 2, 2, NWB | 0x100, INVAL},
    {"share of reserved memory type", SH, 1, 1, 2, 2, 0x3f, INVAL},
    {"share non-cacheable, outer", SH, 1, 1, 2, 2, 0x26, 0},
    {"lend to one with attributes", LE, 1, 1, 2, 2, NWB, INVAL},
    {"lend to several without attributes", LE, 2, 1, 2, 2, 0, INVAL},
    {"donate with attributes", DO, 1, 1, 2, 2, NWB, INVAL},
    {"donate with a shareability only", DO, 1, 1, 2, 2, 0x3, INVAL},
    /* endpoint memory access descriptors */
    {"endpoint flags (non-retrieval borrower)", SH, 1, 1, ARR + 3, 1, 1, INVAL},
    {"endpoint reserved bytes", SH, 1, 1, ARR + 8, 8, 1ULL << 56, INVAL},
    {"permission bits 7:4", SH, 1, 1, ARR + 2, 1, 0x12, INVAL},
    {"reserved data access", SH, 1, 1, ARR + 2, 1, FFA_PERM(3, 0), INVAL},
    {"reserved instruction access", LE, 1, 1, ARR + 2, 1, FFA_PERM(2, 3), INVAL},
    {"share without data access", SH, 1, 1, ARR + 2, 1, 0, INVAL},
    {"share naming execute", SH, 1, 1, ARR + 2, 1, FFA_PERM(2, FFA_INSTR_X), INVAL},
    {"share naming no-execute", SH, 1, 1, ARR + 2, 1, FFA_PERM(2, FFA_INSTR_NX), INVAL},
    {"share read-only", SH, 1, 1, ARR + 2, 1, FFA_PERM(FFA_DATA_RO, 0), 0},
    {"lend without data access", LE, 1, 1, ARR + 2, 1, FFA_PERM(0, 0), INVAL},
    {"lend to one naming execute", LE, 1, 1, ARR + 2, 1, FFA_PERM(1, FFA_INSTR_X), 0},
    {"lend to several naming execute", LE, 2, 1, ARR + 2, 1, FFA_PERM(2, FFA_INSTR_X), INVAL},
    {"donate to two", DO, 2, 1, 2, 2, 0, INVAL},
    {"donate naming data access", DO, 1, 1, ARR + 2, 1, FFA_PERM(FFA_DATA_RW, 0), INVAL},
    {"donate naming no-execute", DO, 1, 1, ARR + 2, 1, FFA_PERM(0, FFA_INSTR_NX), INVAL},
    {"the hypervisor as borrower", SH, 1, 1, ARR, 2, 0, INVAL},
    {"the sender as borrower", SH, 1, 1, ARR, 2, 1, INVAL},
    {"a borrower twice", SH, 2, 1, ARR + 16, 2, 2, INVAL},
    {"borrowers with different composites", SH, 2, 1, ARR + 16 + 4, 4, COMP(2) + 16, INVAL},
    {"no composite", SH, 1, 1, ARR + 4, 4, 0, INVAL},
    {"composite inside the header", SH, 1, 1, ARR + 4, 4, 16, INVAL},
    {"composite on the endpoint array", SH, 1, 1, ARR + 4, 4, ARR, INVAL},
    {"composite unaligned", SH, 1, 1, ARR + 4, 4, COMP(1) + 4, INVAL},
    {"composite past the buffer", SH, 1, 1, ARR + 4, 4, 0xfffffff8, INVAL},
    {"composite at the buffer's end", SH, 1, 1, ARR + 4, 4, CONS(1, 1), INVAL},
    /* the composite memory region */
    {"composite reserved bytes", SH, 1, 1, COMP(1) + 8, 8, 1, INVAL},
    {"no ranges", SH, 1, 1, COMP(1) + 4, 4, 0, INVAL},
    {"range count past the buffer", SH, 1, 2, COMP(1) + 4, 4, 3, INVAL},
    {"range count that overflows 32 bits", SH, 1, 2, COMP(1) + 4, 4, 0xffffffff, INVAL},
    {"total pages one more", SH, 1, 2, COMP(1), 4, 5, INVAL},
    {"total pages one less", SH, 1, 2, COMP(1), 4, 3, INVAL},
    {"total pages zero", SH, 1, 1, COMP(1), 4, 0, INVAL},
    /* constituents */
    {"range not page aligned", SH, 1, 2, CONS(1, 1), 8, BASE + 0x10800, INVAL},
    {"range of zero pages", SH, 1, 2, CONS(1, 1) + 8, 4, 0, INVAL},
    {"range reserved bytes", SH, 1, 2, CONS(1, 1) + 12, 4, 1, INVAL},
    {"range that wraps", SH, 1, 1, CONS(1, 0), 8, 0xfffffffffffff000ULL, INVAL},
    {"range ending at 2^64", SH, 1, 1, CONS(1, 0), 8, 0xffffffffffffe000ULL, INVAL},
    {"ranges overlapping by a page", SH, 1, 2, CONS(1, 1), 8, BASE + 0x1000, INVAL},
    {"the same range twice", SH, 1, 2, CONS(1, 1), 8, BASE, INVAL},
    {"ranges inside another", SH, 1, 3, CONS(1, 0) + 8, 4, 0x30, INVAL},
    {"adjacent ranges", SH, 1, 2, CONS(1, 1), 8, BASE + 0x2000, 0},
    /* retrieve requests */
    {"retrieve naming a composite", RE, 1, 0, ARR + 4, 4, COMP(1), INVAL},
    {"retrieve with time slicing", RE, 1, 0, 4, 4, FFA_MEM_FLAG_TIME_SLICE, INVAL},
    {"retrieve with an alignment hint", RE, 1, 0, 4, 4, 1U << 9, INVAL},
    {"retrieve with flag bit 10", RE, 1, 0, 4, 4, 1U << 10, INVAL},
    {"retrieve asking to zero, any type", RE, 1, 0, 4, 4, FFA_RETRIEVE_FLAG_ZERO_BEFORE, 0},
    {"retrieve of device memory", RE, 1, 0, 2, 2, 0x14, INVAL},
    {"retrieve naming normal memory", RE, 1, 0, 2, 2, NWB, 0},
    {"retrieve with a reserved permission", RE, 1, 0, ARR + 2, 1, FFA_PERM(3, 1), INVAL},
    {"retrieve naming the hypervisor", RE, 1, 0, ARR, 2, 0, INVAL},
};

static void test_ffa_mem_desc_each_bad_field_is_refused(void **state)
{
	for (unsigned i = 0; i < sizeof(changes) / sizeof(changes[0]); i++) {
		const struct change *c = &changes[i];
		struct ffa_mem_desc d;
		size_t len = build(c->op, c->n, c->m);

		put(c->off, c->value, c->width);
		print_message("%s\n", c->what);
		assert_int_equal(ffa_mem_desc_parse(buf, len, FFA_VERSION_1_1, c->op, &d), c->want);
	}
}

static void test_ffa_mem_desc_truncated_descriptors_are_refused(void **state)
{
	struct ffa_mem_desc d;
	size_t len = build(FFA_MEM_OP_SHARE, 2, 3);

	for (size_t cut = 0; cut < len; cut++)
		assert_int_equal(
		    ffa_mem_desc_parse(buf, cut, FFA_VERSION_1_1, FFA_MEM_OP_SHARE, &d), INVAL);
	assert_int_equal(ffa_mem_desc_parse(buf, len, FFA_VERSION_1_1, FFA_MEM_OP_SHARE, &d), 0);
	/* Trailing bytes are the caller's business. */
	assert_int_equal(ffa_mem_desc_parse(buf, len + 100, FFA_VERSION_1_1, FFA_MEM_OP_SHARE, &d),
			 0);
}

static void test_ffa_mem_desc_more_than_kept_is_no_memory(void **state)
{
	struct ffa_mem_desc d;
	size_t len;

	len = build(FFA_MEM_OP_SHARE, FFA_MEM_MAX_BORROWERS + 1, 1);
	assert_int_equal(ffa_mem_desc_parse(buf, len, FFA_VERSION_1_1, FFA_MEM_OP_SHARE, &d),
			 NOMEM);
	len = build(FFA_MEM_OP_SHARE, FFA_MEM_MAX_BORROWERS, 1);
	assert_int_equal(ffa_mem_desc_parse(buf, len, FFA_VERSION_1_1, FFA_MEM_OP_SHARE, &d), 0);
	len = build(FFA_MEM_OP_SHARE, 1, FFA_MEM_MAX_RANGES + 1);
	assert_int_equal(ffa_mem_desc_parse(buf, len, FFA_VERSION_1_1, FFA_MEM_OP_SHARE, &d),
			 NOMEM);
	len = build(FFA_MEM_OP_SHARE, 1, FFA_MEM_MAX_RANGES);
	assert_int_equal(ffa_mem_desc_parse(buf, len, FFA_VERSION_1_1, FFA_MEM_OP_SHARE, &d), 0);
	/* One range of more pages than a transaction may hold. */
	len = build(FFA_MEM_OP_SHARE, 1, 1);
	put(COMP(1), FFA_MEM_MAX_PAGES + 1, 4);
	put(CONS(1, 0) + 8, FFA_MEM_MAX_PAGES + 1, 4);
	assert_int_equal(ffa_mem_desc_parse(buf, len, FFA_VERSION_1_1, FFA_MEM_OP_SHARE, &d),
			 NOMEM);
	put(COMP(1), FFA_MEM_MAX_PAGES, 4);
	put(CONS(1, 0) + 8, FFA_MEM_MAX_PAGES, 4);
	assert_int_equal(ffa_mem_desc_parse(buf, len, FFA_VERSION_1_1, FFA_MEM_OP_SHARE, &d), 0);
}

/* Two ranges of 2^32 - 1 pages: their sum overflows the 32-bit total, which must not let a
 * total of 2^32 - 2 pass. */
static void test_ffa_mem_desc_page_sum_overflow_is_refused(void **state)
{
	struct ffa_mem_desc d;
	size_t len = build(FFA_MEM_OP_SHARE, 1, 2);

	put(CONS(1, 0), 0, 8);
	put(CONS(1, 0) + 8, 0xffffffff, 4);
	put(CONS(1, 1), 0x100000000000ULL, 8);
	put(CONS(1, 1) + 8, 0xffffffff, 4);
	put(COMP(1), 0xfffffffe, 4);
	assert_int_equal(ffa_mem_desc_parse(buf, len, FFA_VERSION_1_1, FFA_MEM_OP_SHARE, &d),
			 INVAL);
}

/* A v1.0 caller's layout: the endpoint array fixed at 32, bytes 24-27 reserved, the
 * attributes one byte and a reserved one. */
static size_t build_1_0(void)
{
	memset(buf, 0, sizeof(buf));
	put(0, 1, 2);
	put(2, NWB, 1);
	put(28, 1, 4);
	put(32, 2, 2);
	buf[34] = FFA_PERM(FFA_DATA_RO, 0);
	put(36, 48, 4);
	put(48, 1, 4);
	put(52, 1, 4);
	put(64, BASE, 8);
	put(72, 1, 4);
	return 80;
}

static void test_ffa_mem_desc_v1_0_layout(void **state)
{
	struct ffa_mem_desc d;
	size_t len = build_1_0();

	assert_int_equal(ffa_mem_desc_parse(buf, len, FFA_VERSION_1_0, FFA_MEM_OP_SHARE, &d), 0);
	assert_int_equal(d.access[0].id, 2);
	assert_int_equal(d.access[0].perm, FFA_PERM(FFA_DATA_RO, 0));
	assert_int_equal(d.range[0].addr, BASE);
	/* The same bytes read as v1.1 have no endpoint descriptor size. */
	assert_int_equal(ffa_mem_desc_parse(buf, len, FFA_VERSION_1_1, FFA_MEM_OP_SHARE, &d),
			 INVAL);
	build_1_0();
	put(24, 1, 4);
	assert_int_equal(ffa_mem_desc_parse(buf, len, FFA_VERSION_1_0, FFA_MEM_OP_SHARE, &d),
			 INVAL);
	build_1_0();
	put(3, 1, 1);
	assert_int_equal(ffa_mem_desc_parse(buf, len, FFA_VERSION_1_0, FFA_MEM_OP_SHARE, &d),
			 INVAL);
	build_1_0();
	put(36, 16, 4); /* the composite inside the 32-byte header */
	assert_int_equal(ffa_mem_desc_parse(buf, len, FFA_VERSION_1_0, FFA_MEM_OP_SHARE, &d),
			 INVAL);
	assert_int_equal(ffa_mem_desc_parse(buf, 31, FFA_VERSION_1_0, FFA_MEM_OP_SHARE, &d), INVAL);
}

static void test_ffa_mem_desc_write_retrieve_response(void **state)
{
	struct ffa_mem_desc d = {.sender = 1,
				 .attributes = NWB,
				 .flags = 1U << FFA_RETRIEVE_FLAG_TYPE_SHIFT,
				 .handle = FFA_HANDLE_ALLOCATOR_HYP | 7,
				 .tag = 9,
				 .borrowers = 1,
				 .access = {{.id = 2, .perm = FFA_PERM(FFA_DATA_RW, FFA_INSTR_NX)}},
				 .ranges = 2,
				 .total_pages = 3,
				 .range = {{0x80000000, 1}, {0x80010000, 2}}};
	struct ffa_mem_desc back;
	size_t len;

	memset(buf, 0xee, sizeof(buf));
	len = ffa_mem_desc_write(buf, sizeof(buf), FFA_VERSION_1_1, &d);
	assert_int_equal(len, 48 + 16 + 16 + 32);
	/* Read back with a lender's rules, once the fields only a response has are cleared. */
	put(8, 0, 8);
	put(4, 0, 4);
	buf[48 + 2] = FFA_PERM(FFA_DATA_RW, 0);
	assert_int_equal(ffa_mem_desc_parse(buf, len, FFA_VERSION_1_1, FFA_MEM_OP_SHARE, &back), 0);
	assert_int_equal(back.sender, 1);
	assert_int_equal(back.tag, 9);
	assert_int_equal(back.access[0].id, 2);
	assert_int_equal(back.total_pages, 3);
	assert_int_equal(back.range[1].addr, 0x80010000);
	assert_int_equal(back.range[1].pages, 2);

	len = ffa_mem_desc_write(buf, sizeof(buf), FFA_VERSION_1_0, &d);
	assert_int_equal(len, 32 + 16 + 16 + 32);
	assert_int_equal(buf[32], 2);		  /* the borrower at 32 */
	assert_int_equal(buf[36], 48);		  /* its composite at 48 */
	assert_int_equal(buf[64 + 16 + 2], 0x01); /* the second range's address */
	assert_int_equal(ffa_mem_desc_write(buf, 111, FFA_VERSION_1_1, &d), 0); /* too small */
}

static void test_ffa_mem_relinquish_descriptor(void **state)
{
	uint64_t handle;
	uint32_t flags;
	uint16_t id;

	memset(buf, 0, sizeof(buf));
	put(0, FFA_HANDLE_ALLOCATOR_HYP | 3, 8);
	put(12, 1, 4);
	put(16, 2, 2);
	assert_int_equal(ffa_mem_relinquish_parse(buf, 18, &handle, &id, &flags), 0);
	assert_int_equal(handle, FFA_HANDLE_ALLOCATOR_HYP | 3);
	assert_int_equal(id, 2);
	assert_int_equal(flags, 0);
	put(8, FFA_RELINQUISH_FLAG_ZERO, 4);
	assert_int_equal(ffa_mem_relinquish_parse(buf, 18, &handle, &id, &flags), 0);
	assert_int_equal(flags, FFA_RELINQUISH_FLAG_ZERO);
	assert_int_equal(ffa_mem_relinquish_parse(buf, 17, &handle, &id, &flags), INVAL);
	put(8, 2, 4); /* time slicing */
	assert_int_equal(ffa_mem_relinquish_parse(buf, 18, &handle, &id, &flags), INVAL);
	put(8, 0, 4);
	put(12, 0, 4);
	assert_int_equal(ffa_mem_relinquish_parse(buf, 18, &handle, &id, &flags), INVAL);
	put(12, 2, 4);
	assert_int_equal(ffa_mem_relinquish_parse(buf, 20, &handle, &id, &flags), INVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_ffa_mem_desc_valid_share_parses),
	    cmocka_unit_test(test_ffa_mem_desc_valid_lend_donate_retrieve_parse),
	    cmocka_unit_test(test_ffa_mem_desc_each_bad_field_is_refused),
	    cmocka_unit_test(test_ffa_mem_desc_truncated_descriptors_are_refused),
	    cmocka_unit_test(test_ffa_mem_desc_more_than_kept_is_no_memory),
	    cmocka_unit_test(test_ffa_mem_desc_page_sum_overflow_is_refused),
	    cmocka_unit_test(test_ffa_mem_desc_v1_0_layout),
	    cmocka_unit_test(test_ffa_mem_desc_write_retrieve_response),
	    cmocka_unit_test(test_ffa_mem_relinquish_descriptor),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

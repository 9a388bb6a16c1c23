// SPDX-License-Identifier: MIT
/* Tests of core/ffa_mem_state.c (DEN0077 v1.1 chapter 10, docs/ffa.md "Memory sharing"):
 * every transition of the ownership state machine (send, retrieve, relinquish, reclaim, a
 * donation completing, an endpoint stopping) and every refusal, with each page's owner and
 * state checked along the way. Endpoints 1, 2 and 3; addresses are each endpoint's own. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include <core/ffa.h>

#include "../../core/ffa_mem_state.h"

#define INVAL  FFA_RET_INVALID_PARAMETERS
#define DENIED FFA_RET_DENIED
#define A      0x40100000ULL /* two pages */
#define B      0x40200000ULL /* one page */
#define RW     FFA_PERM(FFA_DATA_RW, 0)
#define RO     FFA_PERM(FFA_DATA_RO, 0)
#define TAG    0x77

static struct ffa_mem_table t;

static int setup(void **state)
{
	ffa_mem_state_init(&t);
	return 0;
}

/* A send descriptor from `sender` to borrowers 2 (and 3 if `two`), ranges A and B. */
static struct ffa_mem_desc send_desc(uint16_t sender, uint16_t to, bool two, uint8_t perm)
{
	struct ffa_mem_desc d = {.sender = sender, .tag = TAG, .borrowers = two ? 2 : 1};

	d.access[0].id = to;
	d.access[0].perm = perm;
	d.access[1].id = 3;
	d.access[1].perm = perm;
	d.ranges = 2;
	d.range[0].addr = A;
	d.range[0].pages = 2;
	d.range[1].addr = B;
	d.range[1].pages = 1;
	d.total_pages = 3;
	return d;
}

static uint64_t send_to(uint16_t sender, uint16_t to, enum ffa_mem_op op, bool two, uint8_t perm)
{
	struct ffa_mem_desc d = send_desc(sender, to, two, perm);
	struct ffa_mem_tx *tx;

	/* As the parser lets them through: a share names Normal memory. */
	d.attributes = op == FFA_MEM_OP_SHARE ? FFA_ATTR_NORMAL_WB_INNER : 0;

	assert_int_equal(ffa_mem_state_send(&t, sender, op, &d, &tx), 0);
	assert_true(tx->handle & FFA_HANDLE_ALLOCATOR_HYP);
	return tx->handle;
}

static uint64_t send(uint16_t sender, enum ffa_mem_op op, bool two, uint8_t perm)
{
	return send_to(sender, 2, op, two, perm);
}

static struct ffa_mem_desc req_desc(uint64_t handle, uint16_t lender, uint16_t who, uint8_t perm)
{
	struct ffa_mem_desc r = {.sender = lender, .handle = handle, .tag = TAG, .borrowers = 1};

	r.access[0].id = who;
	r.access[0].perm = perm;
	return r;
}

static int retrieve(uint64_t handle, uint16_t who, uint8_t perm, struct ffa_mem_desc *resp)
{
	struct ffa_mem_desc r = req_desc(handle, 1, who, perm), dummy;
	struct ffa_mem_tx *tx;
	bool zero;

	return ffa_mem_state_retrieve(&t, who, &r, resp ? resp : &dummy, &zero, &tx);
}

static int relinquish(uint64_t handle, uint16_t who)
{
	struct ffa_mem_tx *tx;

	return ffa_mem_state_relinquish(&t, who, handle, 0, &tx);
}

/* A reclaim, and the slot freed as the caller does once the lender has its pages back. */
static int reclaim_tx(uint64_t handle, uint16_t who, uint32_t flags, struct ffa_mem_tx *done,
		      bool *zero)
{
	struct ffa_mem_tx *tx;
	int ret = ffa_mem_state_reclaim(&t, who, handle, flags, &tx, zero);

	if (ret == 0) {
		*done = *tx;
		ffa_mem_state_free(&t, tx);
	}
	return ret;
}

static int reclaim(uint64_t handle, uint16_t who, uint32_t flags)
{
	struct ffa_mem_tx done;
	bool zero;

	return reclaim_tx(handle, who, flags, &done, &zero);
}

static void assert_page(uint16_t id, uint64_t addr, uint16_t owner, enum ffa_mem_page_state st)
{
	uint16_t o;
	enum ffa_mem_page_state s;

	ffa_mem_state_page(&t, id, addr, &o, &s);
	assert_int_equal(o, owner);
	assert_int_equal(s, st);
}

static void test_ffa_mem_state_share_round_trip(void **state)
{
	struct ffa_mem_desc resp;
	uint64_t h;

	assert_page(1, A, 1, FFA_PAGE_EXCLUSIVE);
	h = send(1, FFA_MEM_OP_SHARE, false, RW);
	assert_page(1, A, 1, FFA_PAGE_SHARED);
	assert_page(1, A + 0x1000, 1, FFA_PAGE_SHARED);
	assert_page(1, A + 0x2000, 1, FFA_PAGE_EXCLUSIVE); /* past the range */
	assert_page(1, B, 1, FFA_PAGE_SHARED);
	assert_page(2, A, 2, FFA_PAGE_EXCLUSIVE); /* the borrower's own address A: not this */
	assert_int_equal(retrieve(h, 2, 0, &resp), 0);
	assert_int_equal(resp.sender, 1);
	assert_int_equal(resp.handle, h);
	assert_int_equal(resp.tag, TAG);
	assert_int_equal(resp.flags, FFA_MEM_OP_SHARE << FFA_RETRIEVE_FLAG_TYPE_SHIFT);
	assert_int_equal(resp.attributes, FFA_ATTR_NORMAL_WB_INNER);
	assert_int_equal(resp.borrowers, 1);
	assert_int_equal(resp.access[0].id, 2);
	assert_int_equal(resp.access[0].perm, FFA_PERM(FFA_DATA_RW, FFA_INSTR_NX));
	assert_int_equal(resp.ranges, 2);
	assert_int_equal(resp.total_pages, 3);
	assert_int_equal(resp.range[1].addr, B);
	assert_int_equal(reclaim(h, 1, 0), DENIED); /* still held */
	assert_int_equal(relinquish(h, 2), 0);
	assert_page(1, A, 1, FFA_PAGE_SHARED);
	assert_int_equal(reclaim(h, 1, 0), 0);
	assert_page(1, A, 1, FFA_PAGE_EXCLUSIVE);
	assert_page(1, B, 1, FFA_PAGE_EXCLUSIVE);
	/* The handle is gone with it. */
	assert_int_equal(retrieve(h, 2, 0, NULL), INVAL);
	assert_int_equal(reclaim(h, 1, 0), INVAL);
}

static void test_ffa_mem_state_lend_round_trip_with_less_access(void **state)
{
	struct ffa_mem_desc resp;
	uint64_t h = send(1, FFA_MEM_OP_LEND, false, RW);

	assert_page(1, A, 1, FFA_PAGE_LENT);
	assert_int_equal(retrieve(h, 2, RO, &resp), 0);
	assert_int_equal(resp.access[0].perm, FFA_PERM(FFA_DATA_RO, FFA_INSTR_NX));
	assert_int_equal(resp.flags, FFA_MEM_OP_LEND << FFA_RETRIEVE_FLAG_TYPE_SHIFT);
	assert_int_equal(relinquish(h, 2), 0);
	assert_int_equal(relinquish(h, 2), DENIED); /* not held any more */
	assert_int_equal(reclaim(h, 1, FFA_MEM_FLAG_ZERO), 0);
	assert_page(1, A, 1, FFA_PAGE_EXCLUSIVE);
}

static void test_ffa_mem_state_lend_to_one_may_give_execute(void **state)
{
	struct ffa_mem_desc resp;
	uint64_t h = send(1, FFA_MEM_OP_LEND, false, RW);

	/* The lender left instruction access open: the one borrower may ask for it. */
	assert_int_equal(retrieve(h, 2, FFA_PERM(FFA_DATA_RW, FFA_INSTR_X), &resp), 0);
	assert_int_equal(resp.access[0].perm, FFA_PERM(FFA_DATA_RW, FFA_INSTR_X));
	assert_int_equal(relinquish(h, 2), 0);
	assert_int_equal(reclaim(h, 1, 0), 0);
	/* It named no-execute: never more. */
	h = send(1, FFA_MEM_OP_LEND, false, FFA_PERM(FFA_DATA_RW, FFA_INSTR_NX));
	assert_int_equal(retrieve(h, 2, FFA_PERM(FFA_DATA_RW, FFA_INSTR_X), NULL), DENIED);
	assert_int_equal(retrieve(h, 2, 0, &resp), 0);
	assert_int_equal(resp.access[0].perm, FFA_PERM(FFA_DATA_RW, FFA_INSTR_NX));
}

static void test_ffa_mem_state_donate_transfers_ownership(void **state)
{
	struct ffa_mem_desc resp;
	struct ffa_mem_desc d = send_desc(1, 2, false, 0);
	struct ffa_mem_tx *tx;
	uint64_t h = send(1, FFA_MEM_OP_DONATE, false, 0);

	/* In flight the lender has lost access, and still owns the pages. */
	assert_page(1, A, 1, FFA_PAGE_LENT);
	assert_int_equal(retrieve(h, 2, FFA_PERM(0, FFA_INSTR_X), &resp), 0);
	assert_int_equal(resp.access[0].perm, FFA_PERM(FFA_DATA_RW, FFA_INSTR_X));
	assert_int_equal(resp.flags, FFA_MEM_OP_DONATE << FFA_RETRIEVE_FLAG_TYPE_SHIFT);
	assert_page(1, A, 2, FFA_PAGE_EXCLUSIVE);
	assert_page(1, B, 2, FFA_PAGE_EXCLUSIVE);
	/* The transaction is complete: its handle names nothing. */
	assert_int_equal(relinquish(h, 2), INVAL);
	assert_int_equal(reclaim(h, 1, 0), INVAL);
	assert_int_equal(retrieve(h, 2, 0, NULL), INVAL);
	/* The giver can no longer name the pages. */
	assert_int_equal(ffa_mem_state_send(&t, 1, FFA_MEM_OP_SHARE, &d, &tx), DENIED);
}

static void test_ffa_mem_state_donation_in_flight_can_be_reclaimed(void **state)
{
	uint64_t h = send(1, FFA_MEM_OP_DONATE, false, 0);

	assert_int_equal(reclaim(h, 1, 0), 0);
	assert_page(1, A, 1, FFA_PAGE_EXCLUSIVE);
	assert_int_equal(retrieve(h, 2, 0, NULL), INVAL);
}

static void test_ffa_mem_state_two_borrowers_reclaim_after_both(void **state)
{
	uint64_t h = send(1, FFA_MEM_OP_SHARE, true, RO);

	assert_int_equal(retrieve(h, 2, 0, NULL), 0);
	assert_int_equal(retrieve(h, 3, 0, NULL), 0);
	assert_int_equal(relinquish(h, 3), 0);
	assert_int_equal(reclaim(h, 1, 0), DENIED);
	assert_int_equal(relinquish(h, 2), 0);
	assert_int_equal(reclaim(h, 1, 0), 0);
}

static void test_ffa_mem_state_send_refusals(void **state)
{
	struct ffa_mem_desc d = send_desc(1, 2, false, RW);
	struct ffa_mem_tx *tx;
	uint64_t h;

	/* The sender must be the caller. */
	assert_int_equal(ffa_mem_state_send(&t, 2, FFA_MEM_OP_SHARE, &d, &tx), INVAL);
	assert_int_equal(ffa_mem_state_send(&t, 1, FFA_MEM_OP_RETRIEVE, &d, &tx), INVAL);
	h = send(1, FFA_MEM_OP_SHARE, false, RW);
	/* The same pages, one of them, or one page of a range: already shared. */
	assert_int_equal(ffa_mem_state_send(&t, 1, FFA_MEM_OP_LEND, &d, &tx), DENIED);
	d.ranges = 1;
	d.range[0].addr = A + 0x1000;
	d.range[0].pages = 4;
	assert_int_equal(ffa_mem_state_send(&t, 1, FFA_MEM_OP_SHARE, &d, &tx), DENIED);
	d.range[0].addr = B - 0x1000;
	d.range[0].pages = 2;
	assert_int_equal(ffa_mem_state_send(&t, 1, FFA_MEM_OP_DONATE, &d, &tx), DENIED);
	/* Beside them is fine; so are the same addresses of another endpoint. */
	d.range[0].pages = 1;
	assert_int_equal(ffa_mem_state_send(&t, 1, FFA_MEM_OP_SHARE, &d, &tx), 0);
	d = send_desc(2, 1, false, RW);
	assert_int_equal(ffa_mem_state_send(&t, 2, FFA_MEM_OP_SHARE, &d, &tx), 0);
	/* Reclaimed, the pages may be named again. */
	assert_int_equal(reclaim(h, 1, 0), 0);
	send(1, FFA_MEM_OP_LEND, false, RW);
}

static void test_ffa_mem_state_table_full_is_no_memory(void **state)
{
	struct ffa_mem_desc d = send_desc(1, 2, false, RW);
	struct ffa_mem_tx *tx;
	uint64_t first = 0;

	d.ranges = 1;
	d.total_pages = 1;
	d.range[0].pages = 1;
	for (unsigned i = 0; i < FFA_MEM_MAX_TRANSACTIONS; i++) {
		d.range[0].addr = A + 0x1000ULL * i;
		assert_int_equal(ffa_mem_state_send(&t, 1, FFA_MEM_OP_SHARE, &d, &tx), 0);
		if (i == 0)
			first = tx->handle;
	}
	d.range[0].addr = A + 0x100000;
	assert_int_equal(ffa_mem_state_send(&t, 1, FFA_MEM_OP_SHARE, &d, &tx), FFA_RET_NO_MEMORY);
	/* A freed slot comes back with a new handle; the old one names nothing. */
	assert_int_equal(reclaim(first, 1, 0), 0);
	assert_int_equal(ffa_mem_state_send(&t, 1, FFA_MEM_OP_SHARE, &d, &tx), 0);
	assert_int_not_equal(tx->handle, first);
	assert_int_equal(retrieve(first, 2, 0, NULL), INVAL);
	assert_int_equal(reclaim(first, 1, 0), INVAL);
	assert_int_equal(retrieve(tx->handle, 2, 0, NULL), 0);
}

static void test_ffa_mem_state_retrieve_refusals(void **state)
{
	uint64_t h = send(1, FFA_MEM_OP_SHARE, false, RO);
	struct ffa_mem_desc r, resp;
	struct ffa_mem_tx *tx;
	bool zero;

	/* Unknown handles: not the hypervisor's, a free slot, a slot past the table. */
	assert_int_equal(retrieve(h & ~FFA_HANDLE_ALLOCATOR_HYP, 2, 0, NULL), INVAL);
	assert_int_equal(retrieve(h + 0x100, 2, 0, NULL), INVAL);
	assert_int_equal(retrieve(FFA_HANDLE_ALLOCATOR_HYP | 0xff, 2, 0, NULL), INVAL);
	assert_int_equal(retrieve(FFA_HANDLE_INVALID, 2, 0, NULL), INVAL);
	/* Fields that disagree with the transaction. */
	r = req_desc(h, 3, 2, 0);
	assert_int_equal(ffa_mem_state_retrieve(&t, 2, &r, &resp, &zero, &tx), INVAL);
	r = req_desc(h, 1, 2, 0);
	r.tag = TAG + 1;
	assert_int_equal(ffa_mem_state_retrieve(&t, 2, &r, &resp, &zero, &tx), INVAL);
	r = req_desc(h, 1, 2, 0);
	r.flags = FFA_MEM_OP_LEND << FFA_RETRIEVE_FLAG_TYPE_SHIFT;
	assert_int_equal(ffa_mem_state_retrieve(&t, 2, &r, &resp, &zero, &tx), INVAL);
	r.flags = FFA_RETRIEVE_FLAG_ZERO_BEFORE; /* a share's lender keeps access */
	assert_int_equal(ffa_mem_state_retrieve(&t, 2, &r, &resp, &zero, &tx), INVAL);
	r.flags = FFA_RETRIEVE_FLAG_ZERO_AFTER;
	assert_int_equal(ffa_mem_state_retrieve(&t, 2, &r, &resp, &zero, &tx), INVAL);
	r = req_desc(h, 1, 2, 0);
	r.attributes = 0x26; /* Normal non-cacheable: not what the lender gave */
	assert_int_equal(ffa_mem_state_retrieve(&t, 2, &r, &resp, &zero, &tx), INVAL);
	/* For another endpoint, or several. */
	r = req_desc(h, 1, 3, 0);
	assert_int_equal(ffa_mem_state_retrieve(&t, 2, &r, &resp, &zero, &tx), INVAL);
	r = req_desc(h, 1, 2, 0);
	r.borrowers = 2;
	r.access[1].id = 3;
	assert_int_equal(ffa_mem_state_retrieve(&t, 2, &r, &resp, &zero, &tx), INVAL);
	/* Not a borrower, the lender itself, more than given. */
	assert_int_equal(retrieve(h, 3, 0, NULL), DENIED);
	r = req_desc(h, 1, 1, 0);
	assert_int_equal(ffa_mem_state_retrieve(&t, 1, &r, &resp, &zero, &tx), DENIED);
	assert_int_equal(retrieve(h, 2, RW, NULL), DENIED);
	assert_int_equal(retrieve(h, 2, FFA_PERM(FFA_DATA_RO, FFA_INSTR_X), NULL), DENIED);
	/* The matching attributes are fine; then a second retrieve is refused. */
	r = req_desc(h, 1, 2, RO);
	r.attributes = FFA_ATTR_NORMAL_WB_INNER;
	r.flags = FFA_MEM_OP_SHARE << FFA_RETRIEVE_FLAG_TYPE_SHIFT;
	assert_int_equal(ffa_mem_state_retrieve(&t, 2, &r, &resp, &zero, &tx), 0);
	assert_false(zero);
	assert_int_equal(retrieve(h, 2, 0, NULL), DENIED);
}

static void test_ffa_mem_state_execute_refused_on_share_and_lend_to_several(void **state)
{
	uint64_t h = send(1, FFA_MEM_OP_LEND, true, RW);

	assert_int_equal(retrieve(h, 2, FFA_PERM(0, FFA_INSTR_X), NULL), DENIED);
	assert_int_equal(retrieve(h, 3, FFA_PERM(0, FFA_INSTR_NX), NULL), 0);
	assert_int_equal(retrieve(h, 2, 0, NULL), 0);
}

static void test_ffa_mem_state_zeroing_requests(void **state)
{
	struct ffa_mem_desc d = send_desc(1, 2, false, RW), r, resp;
	struct ffa_mem_tx *tx;
	struct ffa_mem_tx done;
	bool zero;
	uint64_t h;

	/* The lender's zero flag: the borrower's retrieve zeroes, and the response says so. */
	d.flags = FFA_MEM_FLAG_ZERO;
	assert_int_equal(ffa_mem_state_send(&t, 1, FFA_MEM_OP_LEND, &d, &tx), 0);
	h = tx->handle;
	r = req_desc(h, 1, 2, 0);
	assert_int_equal(ffa_mem_state_retrieve(&t, 2, &r, &resp, &zero, &tx), 0);
	assert_true(zero);
	assert_true(resp.flags & FFA_RETRIEVE_FLAG_ZERO_BEFORE);
	/* A lend's relinquish and reclaim may ask to zero; a share's cannot. */
	assert_int_equal(ffa_mem_state_relinquish(&t, 2, h, FFA_RELINQUISH_FLAG_ZERO, &tx), 0);
	assert_int_equal(reclaim_tx(h, 1, FFA_MEM_FLAG_ZERO, &done, &zero), 0);
	assert_true(zero);
	h = send(1, FFA_MEM_OP_SHARE, false, RW);
	assert_int_equal(retrieve(h, 2, 0, NULL), 0);
	assert_int_equal(ffa_mem_state_relinquish(&t, 2, h, FFA_RELINQUISH_FLAG_ZERO, &tx), INVAL);
	assert_int_equal(relinquish(h, 2), 0);
	assert_int_equal(reclaim_tx(h, 1, FFA_MEM_FLAG_ZERO, &done, &zero), INVAL);
	assert_int_equal(reclaim_tx(h, 1, 2, &done, &zero), INVAL);
	assert_int_equal(reclaim_tx(h, 1, 1U << 31, &done, &zero), INVAL);
	assert_int_equal(reclaim_tx(h, 1, 0, &done, &zero), 0);
	assert_false(zero);
	assert_int_equal(done.handle, h);
	assert_int_equal(done.ranges, 2);
}

static void test_ffa_mem_state_relinquish_and_reclaim_refusals(void **state)
{
	uint64_t h = send(1, FFA_MEM_OP_LEND, false, RW);

	assert_int_equal(relinquish(h ^ 0x100, 2), INVAL);
	assert_int_equal(relinquish(h, 2), DENIED); /* not retrieved */
	assert_int_equal(relinquish(h, 3), DENIED); /* not a borrower */
	assert_int_equal(retrieve(h, 2, 0, NULL), 0);
	assert_int_equal(relinquish(h, 1), DENIED); /* the lender */
	assert_int_equal(reclaim(h, 2, 0), DENIED); /* the borrower */
	assert_int_equal(reclaim(h, 3, 0), DENIED);
	assert_int_equal(reclaim(h, 1, 0), DENIED); /* held */
	assert_int_equal(reclaim(h ^ 0x100, 1, 0), INVAL);
	ffa_mem_state_unretrieve(&t.tx[h & 0xff], 2); /* as if the mapping had failed */
	assert_int_equal(relinquish(h, 2), DENIED);
	assert_int_equal(reclaim(h, 1, 0), 0);
}

static void test_ffa_mem_state_lender_gone_takes_pages_from_borrowers(void **state)
{
	uint64_t h = send(1, FFA_MEM_OP_SHARE, true, RW);
	uint64_t other = send_to(2, 3, FFA_MEM_OP_LEND, false, RW);
	struct ffa_mem_tx done;
	bool returned;

	(void)other;
	assert_int_equal(retrieve(h, 3, 0, NULL), 0);
	assert_true(ffa_mem_state_vm_gone(&t, 1, &done, &returned));
	assert_false(returned);
	assert_int_equal(done.handle, h);
	assert_int_equal(done.lender, 1);
	assert_false(done.b[0].retrieved); /* 2 never retrieved: nothing to take */
	assert_true(done.b[1].retrieved);  /* 3 maps the pages: the caller unmaps them */
	assert_false(ffa_mem_state_vm_gone(&t, 1, &done, &returned));
	assert_int_equal(retrieve(h, 3, 0, NULL), INVAL);
	assert_page(1, A, 1, FFA_PAGE_EXCLUSIVE);
	assert_page(2, A, 2, FFA_PAGE_LENT); /* another lender's transaction stays */
}

static void test_ffa_mem_state_borrower_gone_relinquishes(void **state)
{
	uint64_t h = send(1, FFA_MEM_OP_LEND, true, RW);
	struct ffa_mem_tx done;
	bool returned;

	assert_int_equal(retrieve(h, 2, 0, NULL), 0);
	assert_int_equal(retrieve(h, 3, 0, NULL), 0);
	assert_true(ffa_mem_state_vm_gone(&t, 2, &done, &returned));
	assert_false(returned);
	assert_false(ffa_mem_state_vm_gone(&t, 2, &done, &returned));
	/* Its next life is no borrower of it. */
	assert_int_equal(retrieve(h, 2, 0, NULL), DENIED);
	assert_int_equal(reclaim(h, 1, 0), DENIED); /* 3 still holds it */
	assert_int_equal(relinquish(h, 3), 0);
	assert_int_equal(reclaim(h, 1, 0), 0);
}

static void test_ffa_mem_state_receiver_gone_returns_a_donation(void **state)
{
	uint64_t h = send(1, FFA_MEM_OP_DONATE, false, 0);
	struct ffa_mem_tx done;
	bool returned;

	assert_int_equal(retrieve(h, 2, 0, NULL), 0);
	assert_page(1, A, 2, FFA_PAGE_EXCLUSIVE);
	assert_true(ffa_mem_state_vm_gone(&t, 2, &done, &returned));
	assert_true(returned);
	assert_int_equal(done.lender, 1);
	assert_int_equal(done.ranges, 2);
	assert_page(1, A, 1, FFA_PAGE_EXCLUSIVE);
	send(1, FFA_MEM_OP_SHARE, false, RW); /* the giver's to name again */
}

static void test_ffa_mem_state_giver_gone_takes_a_donation(void **state)
{
	uint64_t h = send(1, FFA_MEM_OP_DONATE, false, 0);
	struct ffa_mem_tx done;
	bool returned;

	assert_int_equal(retrieve(h, 2, 0, NULL), 0);
	assert_true(ffa_mem_state_vm_gone(&t, 1, &done, &returned));
	assert_false(returned);
	assert_true(done.b[0].retrieved); /* the receiver maps memory that is going away */
	assert_false(ffa_mem_state_vm_gone(&t, 2, &done, &returned));
}

static void test_ffa_mem_state_reserved_handle_for_fragments(void **state)
{
	struct ffa_mem_desc d = send_desc(1, 2, false, RW);
	struct ffa_mem_tx *tx, *other;
	struct ffa_mem_tx done;
	bool returned;
	uint64_t h;

	assert_int_equal(ffa_mem_state_reserve(&t, 1, &tx), 0);
	h = tx->handle;
	assert_true(h & FFA_HANDLE_ALLOCATOR_HYP);
	/* Reserved, it names no pages and no call can use its handle yet. */
	assert_page(1, A, 1, FFA_PAGE_EXCLUSIVE);
	assert_int_equal(retrieve(h, 2, 0, NULL), INVAL);
	assert_int_equal(reclaim(h, 1, 0), INVAL);
	/* Filled: the same handle, pages lent; the overlap rule still holds. */
	assert_int_equal(ffa_mem_state_send_reserved(&t, 1, FFA_MEM_OP_LEND, &d, tx), 0);
	assert_int_equal(tx->handle, h);
	assert_page(1, A, 1, FFA_PAGE_LENT);
	assert_int_equal(ffa_mem_state_reserve(&t, 1, &other), 0);
	assert_int_not_equal(other->handle, h);
	assert_int_equal(ffa_mem_state_send_reserved(&t, 1, FFA_MEM_OP_SHARE, &d, other), DENIED);
	d.sender = 2;
	assert_int_equal(ffa_mem_state_send_reserved(&t, 1, FFA_MEM_OP_SHARE, &d, other), INVAL);
	assert_int_equal(retrieve(h, 2, 0, NULL), 0);
	/* The sender stopping frees a reservation with the rest. */
	while (ffa_mem_state_vm_gone(&t, 1, &done, &returned))
		;
	for (unsigned i = 0; i < FFA_MEM_MAX_TRANSACTIONS; i++)
		assert_int_equal(t.tx[i].state, FFA_TX_FREE);
	/* A full table has no slot to reserve. */
	for (unsigned i = 0; i < FFA_MEM_MAX_TRANSACTIONS; i++)
		assert_int_equal(ffa_mem_state_reserve(&t, 1, &tx), 0);
	assert_int_equal(ffa_mem_state_reserve(&t, 1, &tx), FFA_RET_NO_MEMORY);
}

#define T(fn) cmocka_unit_test_setup(fn, setup)

int main(void)
{
	const struct CMUnitTest tests[] = {
	    T(test_ffa_mem_state_share_round_trip),
	    T(test_ffa_mem_state_lend_round_trip_with_less_access),
	    T(test_ffa_mem_state_lend_to_one_may_give_execute),
	    T(test_ffa_mem_state_donate_transfers_ownership),
	    T(test_ffa_mem_state_donation_in_flight_can_be_reclaimed),
	    T(test_ffa_mem_state_two_borrowers_reclaim_after_both),
	    T(test_ffa_mem_state_send_refusals),
	    T(test_ffa_mem_state_table_full_is_no_memory),
	    T(test_ffa_mem_state_retrieve_refusals),
	    T(test_ffa_mem_state_execute_refused_on_share_and_lend_to_several),
	    T(test_ffa_mem_state_zeroing_requests),
	    T(test_ffa_mem_state_relinquish_and_reclaim_refusals),
	    T(test_ffa_mem_state_lender_gone_takes_pages_from_borrowers),
	    T(test_ffa_mem_state_borrower_gone_relinquishes),
	    T(test_ffa_mem_state_receiver_gone_returns_a_donation),
	    T(test_ffa_mem_state_giver_gone_takes_a_donation),
	    T(test_ffa_mem_state_reserved_handle_for_fragments),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

// SPDX-License-Identifier: MIT
/* The FF-A memory ownership state machine (DEN0077 v1.1 chapter 10; the table of states and
 * transitions is in docs/ffa.md, "Memory sharing"). A page belongs to the endpoint whose
 * memory it is, exclusive, until a transaction names it: then it is shared (SHARE, the owner
 * keeps access) or lent (LEND, and DONATE until the receiver retrieves it, the owner loses
 * access) until the lender reclaims it once no borrower holds it; a retrieved donation makes
 * the receiver its owner for good. The transactions are the only record: a page's state is
 * derived from the transactions that name it, so there is no per-page array to keep in step. */
#include <core/check.h>
#include <core/ffa.h>
#include <core/lib.h>

#include "ffa_mem_state.h"

/* Handles (DEN0077 v1.1 chapter 10): bit 63 the allocator (the hypervisor), [39:8] a sequence number
 * so that a stale handle never names the transaction that later takes its slot, [7:0] the
 * slot. */
#define HANDLE_SEQ_SHIFT 8
#define HANDLE_SLOT_MASK 0xffU

void ffa_mem_state_init(struct ffa_mem_table *t)
{
	memset(t, 0, sizeof(*t));
}

static uint64_t range_end(const struct ffa_mem_range *r)
{
	return r->addr + (uint64_t)r->pages * FFA_MEM_PAGE_SIZE;
}

static bool ranges_overlap(const struct ffa_mem_tx *tx, const struct ffa_mem_desc *d)
{
	for (unsigned i = 0; i < tx->ranges; i++)
		for (unsigned j = 0; j < d->ranges; j++)
			if (tx->range[i].addr < range_end(&d->range[j]) &&
			    d->range[j].addr < range_end(&tx->range[i]))
				return true;
	return false;
}

static struct ffa_mem_tx *find(struct ffa_mem_table *t, uint64_t handle)
{
	uint64_t slot = handle & HANDLE_SLOT_MASK;

	if (!(handle & FFA_HANDLE_ALLOCATOR_HYP) || slot >= FFA_MEM_MAX_TRANSACTIONS ||
	    t->tx[slot].state != FFA_TX_PENDING || t->tx[slot].handle != handle)
		return NULL;
	return &t->tx[slot];
}

static struct ffa_mem_borrower *borrower(struct ffa_mem_tx *tx, uint16_t id)
{
	for (unsigned i = 0; i < tx->borrowers; i++)
		if (tx->b[i].id == id)
			return &tx->b[i];
	return NULL;
}

static bool any_retrieved(const struct ffa_mem_tx *tx)
{
	for (unsigned i = 0; i < tx->borrowers; i++)
		if (tx->b[i].retrieved)
			return true;
	return false;
}

/* Memory already in a transaction of the caller cannot be named again: it is shared or
 * lent, or (a retrieved donation) no longer the caller's. */
static bool already_named(const struct ffa_mem_table *t, uint16_t caller,
			  const struct ffa_mem_desc *d)
{
	for (unsigned i = 0; i < FFA_MEM_MAX_TRANSACTIONS; i++)
		if (t->tx[i].state != FFA_TX_FREE && t->tx[i].lender == caller &&
		    ranges_overlap(&t->tx[i], d))
			return true;
	return false;
}

static struct ffa_mem_tx *take_slot(struct ffa_mem_table *t, uint16_t caller,
				    enum ffa_mem_tx_state state)
{
	for (unsigned i = 0; i < FFA_MEM_MAX_TRANSACTIONS; i++) {
		struct ffa_mem_tx *tx = &t->tx[i];

		if (tx->state != FFA_TX_FREE)
			continue;
		memset(tx, 0, sizeof(*tx));
		tx->state = state;
		tx->handle = FFA_HANDLE_ALLOCATOR_HYP | (uint64_t)++t->seq << HANDLE_SEQ_SHIFT | i;
		tx->lender = caller;
		return tx;
	}
	return NULL;
}

static void fill(struct ffa_mem_tx *tx, enum ffa_mem_op op, const struct ffa_mem_desc *d)
{
	tx->state = FFA_TX_PENDING;
	tx->op = op;
	tx->attributes = d->attributes;
	tx->flags = d->flags;
	tx->tag = d->tag;
	tx->borrowers = d->borrowers;
	for (unsigned i = 0; i < d->borrowers; i++) {
		tx->b[i].id = d->access[i].id;
		tx->b[i].perm = d->access[i].perm;
	}
	tx->ranges = d->ranges;
	tx->total_pages = d->total_pages;
	memcpy(tx->range, d->range, d->ranges * sizeof(d->range[0]));
}

int ffa_mem_state_send(struct ffa_mem_table *t, uint16_t caller, enum ffa_mem_op op,
		       const struct ffa_mem_desc *d, struct ffa_mem_tx **out)
{
	struct ffa_mem_tx *tx;

	if (d->sender != caller || op == FFA_MEM_OP_RETRIEVE)
		return FFA_RET_INVALID_PARAMETERS;
	if (already_named(t, caller, d))
		return FFA_RET_DENIED;
	tx = take_slot(t, caller, FFA_TX_PENDING);
	if (!tx)
		return FFA_RET_NO_MEMORY;
	fill(tx, op, d);
	*out = tx;
	return 0;
}

int ffa_mem_state_reserve(struct ffa_mem_table *t, uint16_t caller, struct ffa_mem_tx **out)
{
	*out = take_slot(t, caller, FFA_TX_RESERVED);
	return *out ? 0 : FFA_RET_NO_MEMORY;
}

int ffa_mem_state_send_reserved(struct ffa_mem_table *t, uint16_t caller, enum ffa_mem_op op,
				const struct ffa_mem_desc *d, struct ffa_mem_tx *tx)
{
	CHECK(tx->state == FFA_TX_RESERVED && tx->lender == caller);
	if (d->sender != caller || op == FFA_MEM_OP_RETRIEVE)
		return FFA_RET_INVALID_PARAMETERS;
	if (already_named(t, caller, d))
		return FFA_RET_DENIED;
	fill(tx, op, d);
	return 0;
}

void ffa_mem_state_free(struct ffa_mem_table *t, struct ffa_mem_tx *tx)
{
	(void)t;
	memset(tx, 0, sizeof(*tx));
}

/* What the borrower gets (DEN0077 v1.1 chapter 10): data access as given unless it asks for less
 * (read-only of read-write); instruction access only where the lender could give it, a lend
 * to one borrower (or a donation: the receiver owns it), and never more than given. False if
 * it asks for more. */
static bool grant(const struct ffa_mem_tx *tx, const struct ffa_mem_borrower *b, uint8_t asked,
		  uint8_t *granted)
{
	unsigned given_d = FFA_PERM_DATA(b->perm), given_i = FFA_PERM_INSTR(b->perm);
	unsigned want_d = FFA_PERM_DATA(asked), want_i = FFA_PERM_INSTR(asked);
	bool x_ok =
	    tx->op == FFA_MEM_OP_DONATE || given_i == FFA_INSTR_X ||
	    (tx->op == FFA_MEM_OP_LEND && tx->borrowers == 1 && given_i == FFA_INSTR_NOT_SPECIFIED);

	if (given_d == FFA_DATA_NOT_SPECIFIED)
		given_d = FFA_DATA_RW; /* a donation */
	if (want_d == FFA_DATA_NOT_SPECIFIED)
		want_d = given_d;
	if (want_i == FFA_INSTR_NOT_SPECIFIED)
		want_i = FFA_INSTR_NX;
	if ((want_d == FFA_DATA_RW && given_d == FFA_DATA_RO) || (want_i == FFA_INSTR_X && !x_ok))
		return false;
	*granted = FFA_PERM(want_d, want_i);
	return true;
}

int ffa_mem_state_retrieve(struct ffa_mem_table *t, uint16_t caller, const struct ffa_mem_desc *req,
			   struct ffa_mem_desc *resp, bool *zero, struct ffa_mem_tx **out)
{
	struct ffa_mem_tx *tx = find(t, req->handle);
	unsigned type = (req->flags >> FFA_RETRIEVE_FLAG_TYPE_SHIFT) & FFA_RETRIEVE_FLAG_TYPE_MASK;
	struct ffa_mem_borrower *b;
	uint8_t granted;
	uint16_t attrs;

	if (!tx || req->sender != tx->lender || req->tag != tx->tag || (type && type != tx->op) ||
	    req->borrowers != 1 || req->access[0].id != caller)
		return FFA_RET_INVALID_PARAMETERS;
	/* Zeroing is for memory the lender gave up; zeroing after relinquish is not
	 * supported here (the lender's reclaim may ask instead). */
	if ((req->flags & FFA_RETRIEVE_FLAG_ZERO_AFTER) ||
	    ((req->flags & FFA_RETRIEVE_FLAG_ZERO_BEFORE) && tx->op == FFA_MEM_OP_SHARE))
		return FFA_RET_INVALID_PARAMETERS;
	/* Attributes: the lender's, or the borrower's where the lender left them open. */
	attrs = tx->attributes;
	if (req->attributes && attrs && req->attributes != attrs)
		return FFA_RET_INVALID_PARAMETERS;
	if (!attrs)
		attrs = req->attributes ? req->attributes : FFA_ATTR_NORMAL_WB_INNER;
	b = borrower(tx, caller);
	if (!b || b->retrieved || !grant(tx, b, req->access[0].perm, &granted))
		return FFA_RET_DENIED;
	b->retrieved = true;
	b->granted = granted;
	memset(resp, 0, sizeof(*resp));
	resp->sender = tx->lender;
	resp->attributes = attrs;
	resp->flags = (uint32_t)tx->op << FFA_RETRIEVE_FLAG_TYPE_SHIFT;
	resp->handle = tx->handle;
	resp->tag = tx->tag;
	resp->borrowers = 1;
	resp->access[0].id = caller;
	resp->access[0].perm = granted;
	resp->ranges = tx->ranges;
	resp->total_pages = tx->total_pages;
	memcpy(resp->range, tx->range, tx->ranges * sizeof(tx->range[0]));
	*zero = (tx->flags & FFA_MEM_FLAG_ZERO) || (req->flags & FFA_RETRIEVE_FLAG_ZERO_BEFORE);
	if (*zero)
		resp->flags |= FFA_RETRIEVE_FLAG_ZERO_BEFORE; /* the response's "zeroed" bit */
	/* A donation is complete once retrieved: the handle is no more. */
	if (tx->op == FFA_MEM_OP_DONATE)
		tx->state = FFA_TX_DONATED;
	*out = tx;
	return 0;
}

void ffa_mem_state_unretrieve(struct ffa_mem_tx *tx, uint16_t caller)
{
	struct ffa_mem_borrower *b = borrower(tx, caller);

	if (b)
		b->retrieved = false;
	if (tx->op == FFA_MEM_OP_DONATE)
		tx->state = FFA_TX_PENDING;
}

int ffa_mem_state_relinquish(struct ffa_mem_table *t, uint16_t caller, uint64_t handle,
			     uint32_t flags, struct ffa_mem_tx **out)
{
	struct ffa_mem_tx *tx = find(t, handle);
	struct ffa_mem_borrower *b;

	if (!tx || (tx->op == FFA_MEM_OP_SHARE && (flags & FFA_RELINQUISH_FLAG_ZERO)))
		return FFA_RET_INVALID_PARAMETERS;
	b = borrower(tx, caller);
	if (!b || !b->retrieved)
		return FFA_RET_DENIED;
	b->retrieved = false;
	*out = tx;
	return 0;
}

int ffa_mem_state_reclaim(struct ffa_mem_table *t, uint16_t caller, uint64_t handle, uint32_t flags,
			  struct ffa_mem_tx **out, bool *zero)
{
	struct ffa_mem_tx *tx = find(t, handle);

	/* w3: bit 0 zero the memory (not for a share, never lost), bit 1 time slicing (not
	 * supported), [31:2] MBZ (DEN0077 v1.1, FFA_MEM_RECLAIM). */
	if (!tx || (flags & ~FFA_MEM_FLAG_ZERO) ||
	    (tx->op == FFA_MEM_OP_SHARE && (flags & FFA_MEM_FLAG_ZERO)))
		return FFA_RET_INVALID_PARAMETERS;
	if (tx->lender != caller || any_retrieved(tx))
		return FFA_RET_DENIED;
	*out = tx;
	*zero = flags & FFA_MEM_FLAG_ZERO;
	return 0;
}

bool ffa_mem_state_vm_gone(struct ffa_mem_table *t, uint16_t id, struct ffa_mem_tx *done,
			   bool *returned)
{
	for (unsigned i = 0; i < FFA_MEM_MAX_TRANSACTIONS; i++) {
		struct ffa_mem_tx *tx = &t->tx[i];
		struct ffa_mem_borrower *b;

		if (tx->state == FFA_TX_FREE)
			continue;
		*returned = false;
		if (tx->lender == id) {
			*done = *tx;
			memset(tx, 0, sizeof(*tx));
			return true;
		}
		b = borrower(tx, id);
		if (!b)
			continue;
		*done = *tx;
		if (tx->state == FFA_TX_DONATED) {
			/* The receiver's pages go back to the giver, exclusive again. */
			*returned = true;
			memset(tx, 0, sizeof(*tx));
			return true;
		}
		*b = tx->b[--tx->borrowers];
		memset(&tx->b[tx->borrowers], 0, sizeof(tx->b[0]));
		return true;
	}
	return false;
}

void ffa_mem_state_page(const struct ffa_mem_table *t, uint16_t id, uint64_t addr, uint16_t *owner,
			enum ffa_mem_page_state *state)
{
	*owner = id;
	*state = FFA_PAGE_EXCLUSIVE;
	for (unsigned i = 0; i < FFA_MEM_MAX_TRANSACTIONS; i++) {
		const struct ffa_mem_tx *tx = &t->tx[i];

		if (tx->state == FFA_TX_FREE || tx->lender != id)
			continue;
		for (unsigned r = 0; r < tx->ranges; r++) {
			if (addr < tx->range[r].addr || addr >= range_end(&tx->range[r]))
				continue;
			if (tx->state == FFA_TX_DONATED)
				*owner = tx->b[0].id;
			else
				*state =
				    tx->op == FFA_MEM_OP_SHARE ? FFA_PAGE_SHARED : FFA_PAGE_LENT;
			return;
		}
	}
}

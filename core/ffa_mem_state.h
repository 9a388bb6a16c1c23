/* SPDX-License-Identifier: MIT */
#ifndef CORE_FFA_MEM_STATE_H
#define CORE_FFA_MEM_STATE_H

/* The FF-A memory ownership state machine (DEN0077 v1.1 chapter 10, docs/ffa.md "Memory
 * sharing"): transactions with their handles, who lent what to whom, who retrieved and
 * relinquished, and from that every page's owner and state. It knows endpoint ids and the
 * addresses the lender named, nothing of VMs or stage 2, so a secure partition manager can
 * reuse it: the caller checks that the named pages are the lender's own memory, and applies
 * each answer to the address spaces (core/ffa_mem.c, core/ffa_mem_s2.c).
 *
 * Not locked: the caller serialises every call on one table (core/ffa_mem.c holds its lock
 * around a call and the stage-2 changes it implies, docs/locking.md). */

#include <stdbool.h>
#include <stdint.h>

#include "ffa_mem_desc.h"

#define FFA_MEM_MAX_TRANSACTIONS 32

/* A page's state, as seen by its owner (DEN0077 v1.1 chapter 10). */
enum ffa_mem_page_state {
	FFA_PAGE_EXCLUSIVE, /* only its owner has access */
	FFA_PAGE_SHARED,    /* its owner and one or more borrowers (a share) */
	FFA_PAGE_LENT,	    /* one or more borrowers, not its owner (a lend, or a donation in
			       flight, whose owner is still the lender until retrieved) */
};

enum ffa_mem_tx_state {
	FFA_TX_FREE,
	FFA_TX_PENDING,	 /* sent; borrowers may retrieve, the lender may reclaim when none holds */
	FFA_TX_DONATED,	 /* a donation retrieved: the pages are the receiver's, the handle gone */
	FFA_TX_RESERVED, /* a handle given to a sender whose descriptor is still in fragments */
};

struct ffa_mem_borrower {
	uint16_t id;
	uint8_t perm;	 /* what the lender gave (FFA_PERM) */
	uint8_t granted; /* what it retrieved with, while `retrieved` */
	bool retrieved;
};

struct ffa_mem_tx {
	enum ffa_mem_tx_state state;
	enum ffa_mem_op op;
	uint64_t handle;
	uint16_t lender;
	uint16_t attributes;
	uint32_t flags;
	uint64_t tag;
	unsigned borrowers;
	struct ffa_mem_borrower b[FFA_MEM_MAX_BORROWERS];
	unsigned ranges;
	uint32_t total_pages;
	struct ffa_mem_range range[FFA_MEM_MAX_RANGES]; /* in the lender's address space */
};

struct ffa_mem_table {
	struct ffa_mem_tx tx[FFA_MEM_MAX_TRANSACTIONS];
	uint32_t seq; /* makes each handle unique over the table's life */
};

void ffa_mem_state_init(struct ffa_mem_table *t);

/* FFA_MEM_SHARE/LEND/DONATE from `caller` with the parsed descriptor `d` (its borrowers are
 * endpoints, its ranges the caller's own memory: the caller of this function checked both).
 * 0 and the new transaction in *tx (its handle in (*tx)->handle), or INVALID_PARAMETERS if
 * the sender is not the caller, DENIED if a page is already in a transaction of the caller
 * (shared, lent, or donated away), NO_MEMORY if the table is full. */
int ffa_mem_state_send(struct ffa_mem_table *t, uint16_t caller, enum ffa_mem_op op,
		       const struct ffa_mem_desc *d, struct ffa_mem_tx **tx);

/* A slot and its handle for a send whose descriptor comes in fragments (FFA_MEM_FRAG_TX):
 * 0 and *tx, reserved for `caller` and naming no pages, until ffa_mem_state_send_reserved()
 * fills it or ffa_mem_state_free() drops it; NO_MEMORY if the table is full. */
int ffa_mem_state_reserve(struct ffa_mem_table *t, uint16_t caller, struct ffa_mem_tx **tx);

/* ffa_mem_state_send() into the slot `tx` reserved for `caller`, keeping its handle. */
int ffa_mem_state_send_reserved(struct ffa_mem_table *t, uint16_t caller, enum ffa_mem_op op,
				const struct ffa_mem_desc *d, struct ffa_mem_tx *tx);

/* Free a transaction's slot: one just sent whose stage-2 change failed (as if never sent), or
 * one ffa_mem_state_reclaim() allowed, once the lender has its pages back. */
void ffa_mem_state_free(struct ffa_mem_table *t, struct ffa_mem_tx *tx);

/* FFA_MEM_RETRIEVE_REQ from `caller` with the parsed request `req`: 0 and *resp the retrieve
 * response (one borrower, the caller, with the permissions granted; the ranges in the
 * lender's address space, for the caller to translate), *zero whether the pages must be
 * zeroed before the borrower sees them, *tx the transaction. INVALID_PARAMETERS for a handle
 * that names no pending transaction, a sender, tag, type or attributes that do not match it,
 * a request for another endpoint or several, a flag the transaction does not allow; DENIED
 * if the caller is not one of its borrowers, has it retrieved already, or asks for more
 * access than it was given. A donation retrieved becomes the receiver's: the handle is gone. */
int ffa_mem_state_retrieve(struct ffa_mem_table *t, uint16_t caller, const struct ffa_mem_desc *req,
			   struct ffa_mem_desc *resp, bool *zero, struct ffa_mem_tx **tx);

/* Undo the retrieve just answered (its stage-2 change failed). Not for a donation. */
void ffa_mem_state_unretrieve(struct ffa_mem_tx *tx, uint16_t caller);

/* FFA_MEM_RELINQUISH of `handle` by `caller` (`flags` from its descriptor): 0 and *tx, the
 * caller no longer holds it. INVALID_PARAMETERS for an unknown handle or the zero flag on a
 * share (the lender never lost access); DENIED if the caller does not hold it retrieved. */
int ffa_mem_state_relinquish(struct ffa_mem_table *t, uint16_t caller, uint64_t handle,
			     uint32_t flags, struct ffa_mem_tx **tx);

/* FFA_MEM_RECLAIM of `handle` by `caller` with w3's `flags` (bit 0: zero the memory): 0 and
 * the transaction in *tx, to give back to the lender and then free (ffa_mem_state_free());
 * *zero whether to zero first. INVALID_PARAMETERS for an unknown handle or bad flags; DENIED
 * if the caller is not its lender or a borrower still holds it. */
int ffa_mem_state_reclaim(struct ffa_mem_table *t, uint16_t caller, uint64_t handle, uint32_t flags,
			  struct ffa_mem_tx **tx, bool *zero);

/* Endpoint `id` stopped. One step at a time: true and a copy of one transaction it was part
 * of in *done, with what the caller must undo, until false:
 * - it was the lender (or a donation's giver): every borrower in `done` marked retrieved
 *   still maps the pages and must lose them; the transaction is gone.
 * - it was a borrower: it is removed from the transaction (as if it had relinquished; its
 *   address space goes with it); if it was a donation's receiver, the pages go back to the
 *   giver, whose access the caller restores (*returned true).
 * The table holds nothing of `id` afterwards. */
bool ffa_mem_state_vm_gone(struct ffa_mem_table *t, uint16_t id, struct ffa_mem_tx *done,
			   bool *returned);

/* Owner and state of the page at `addr` of endpoint `id`'s own memory. */
void ffa_mem_state_page(const struct ffa_mem_table *t, uint16_t id, uint64_t addr, uint16_t *owner,
			enum ffa_mem_page_state *state);

#endif

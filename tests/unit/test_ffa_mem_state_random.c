// SPDX-License-Identifier: MIT
/* Model-based random test of core/ffa_mem_state.c (docs/ffa.md "Memory sharing"): three
 * endpoints with 8 pages each send, retrieve, relinquish, reclaim and stop at random, with
 * handles old and new; a small model of the rules predicts every answer, and after every step
 * each page's owner and state must be the model's. Seed printed; TEST_SEED=<n> replays. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include <core/ffa.h>

#include "../../core/ffa_mem_state.h"
#include "rng.h"

#define IDS	3
#define PAGES	8
#define BASE	0x40000000ULL
#define STEPS	20000
#define HANDLES 256

struct model_tx {
	uint64_t handle;
	enum ffa_mem_op op;
	bool live, donated;
	uint16_t lender;
	unsigned first, count; /* pages */
	unsigned borrowers;    /* bit per id */
	unsigned retrieved;    /* bit per id */
};

static struct ffa_mem_table t;
static struct model_tx model[HANDLES];
static unsigned nmodel;
static uint64_t rng;
static unsigned succeeded[4]; /* send, retrieve, relinquish, reclaim */

static unsigned live_count(void)
{
	unsigned n = 0;

	for (unsigned i = 0; i < nmodel; i++)
		n += model[i].live;
	return n;
}

static struct model_tx *pending(uint64_t handle)
{
	for (unsigned i = 0; i < nmodel; i++)
		if (model[i].handle == handle && model[i].live && !model[i].donated)
			return &model[i];
	return NULL;
}

static void step_send(void)
{
	uint16_t lender = 1 + (uint16_t)rng_below(&rng, IDS);
	enum ffa_mem_op op = (enum ffa_mem_op)(1 + rng_below(&rng, 3));
	unsigned first = (unsigned)rng_below(&rng, PAGES), count = 1 + (unsigned)rng_below(&rng, 3);
	struct ffa_mem_desc d = {.sender = lender, .borrowers = 1, .ranges = 1};
	struct ffa_mem_tx *tx;
	int want = 0, got;

	if (nmodel == HANDLES) { /* forget the dead, keep the live */
		unsigned n = 0;

		for (unsigned i = 0; i < nmodel; i++)
			if (model[i].live)
				model[n++] = model[i];
		nmodel = n;
	}
	if (first + count > PAGES)
		count = PAGES - first;
	d.access[0].id = (uint16_t)(1 + (lender + rng_below(&rng, IDS - 1)) % IDS);
	if (op != FFA_MEM_OP_DONATE && rng_below(&rng, 2)) {
		d.borrowers = 2;
		d.access[1].id = (uint16_t)(6 - lender - d.access[0].id); /* the third */
	}
	d.access[0].perm = d.access[1].perm = op == FFA_MEM_OP_DONATE ? 0 : FFA_PERM(2, 0);
	d.range[0].addr = BASE + 0x1000ULL * first;
	d.range[0].pages = count;
	d.total_pages = count;
	for (unsigned i = 0; i < nmodel; i++)
		if (model[i].live && model[i].lender == lender &&
		    first < model[i].first + model[i].count && model[i].first < first + count)
			want = FFA_RET_DENIED;
	if (!want && live_count() == FFA_MEM_MAX_TRANSACTIONS)
		want = FFA_RET_NO_MEMORY;
	got = ffa_mem_state_send(&t, lender, op, &d, &tx);
	assert_int_equal(got, want);
	if (got)
		return;
	succeeded[0]++;
	model[nmodel] = (struct model_tx){.handle = tx->handle,
					  .op = op,
					  .live = true,
					  .lender = lender,
					  .first = first,
					  .count = count};
	for (unsigned i = 0; i < d.borrowers; i++)
		model[nmodel].borrowers |= 1U << d.access[i].id;
	nmodel++;
}

/* Mostly a live transaction's handle; else an old one, or one never given. */
static uint64_t any_handle(void)
{
	unsigned pick;

	if (!nmodel || rng_below(&rng, 16) == 0)
		return FFA_HANDLE_ALLOCATOR_HYP | rng_below(&rng, 64);
	pick = (unsigned)rng_below(&rng, nmodel);
	for (unsigned i = 0; i < nmodel && rng_below(&rng, 4); i++)
		if (model[(pick + i) % nmodel].live)
			return model[(pick + i) % nmodel].handle;
	return model[pick].handle;
}

/* Mostly an endpoint the call makes sense for: a borrower, or the lender for a reclaim. */
static uint16_t any_caller(const struct model_tx *m, unsigned kind)
{
	if (m && rng_below(&rng, 4)) {
		if (kind == 2)
			return m->lender;
		for (uint16_t id = 1; id <= IDS; id++)
			if (m->borrowers & (1U << id) && rng_below(&rng, 2))
				return id;
	}
	return 1 + (uint16_t)rng_below(&rng, IDS);
}

static void step_call(unsigned kind)
{
	uint64_t handle = any_handle();
	struct model_tx *m = pending(handle);
	uint16_t who = any_caller(m, kind);
	struct ffa_mem_desc req = {.handle = handle, .borrowers = 1}, resp;
	struct ffa_mem_tx *tx;
	int want = 0, got;
	bool zero;

	req.sender = m ? m->lender : 1;
	req.access[0].id = who;
	switch (kind) {
	case 0:
		if (!m)
			want = FFA_RET_INVALID_PARAMETERS;
		else if (!(m->borrowers & (1U << who)) || (m->retrieved & (1U << who)))
			want = FFA_RET_DENIED;
		got = ffa_mem_state_retrieve(&t, who, &req, &resp, &zero, &tx);
		if (!got) {
			m->retrieved |= 1U << who;
			m->donated = m->op == FFA_MEM_OP_DONATE;
		}
		break;
	case 1:
		if (!m)
			want = FFA_RET_INVALID_PARAMETERS;
		else if (!(m->retrieved & (1U << who)))
			want = FFA_RET_DENIED;
		got = ffa_mem_state_relinquish(&t, who, handle, 0, &tx);
		if (!got)
			m->retrieved &= ~(1U << who);
		break;
	default:
		if (!m)
			want = FFA_RET_INVALID_PARAMETERS;
		else if (m->lender != who || m->retrieved)
			want = FFA_RET_DENIED;
		got = ffa_mem_state_reclaim(&t, who, handle, 0, &tx, &zero);
		if (!got) {
			ffa_mem_state_free(&t, tx);
			m->live = false;
		}
		break;
	}
	assert_int_equal(got, want);
	succeeded[1 + kind] += !got;
}

static void step_gone(void)
{
	uint16_t id = 1 + (uint16_t)rng_below(&rng, IDS);
	struct ffa_mem_tx done;
	bool returned;
	unsigned steps = 0;

	while (ffa_mem_state_vm_gone(&t, id, &done, &returned))
		assert_true(++steps <= FFA_MEM_MAX_TRANSACTIONS);
	for (unsigned i = 0; i < nmodel; i++) {
		struct model_tx *m = &model[i];

		if (!m->live)
			continue;
		if (m->lender == id || (m->donated && (m->borrowers & (1U << id))))
			m->live = false;
		m->borrowers &= ~(1U << id);
		m->retrieved &= ~(1U << id);
	}
}

static void check_pages(void)
{
	for (uint16_t id = 1; id <= IDS; id++) {
		for (unsigned p = 0; p < PAGES; p++) {
			uint16_t owner, want_owner = id;
			enum ffa_mem_page_state st, want = FFA_PAGE_EXCLUSIVE;

			for (unsigned i = 0; i < nmodel; i++) {
				const struct model_tx *m = &model[i];

				if (!m->live || m->lender != id || p < m->first ||
				    p >= m->first + m->count)
					continue;
				if (m->donated)
					want_owner = (uint16_t)__builtin_ctz(m->borrowers);
				else
					want = m->op == FFA_MEM_OP_SHARE ? FFA_PAGE_SHARED
									 : FFA_PAGE_LENT;
			}
			ffa_mem_state_page(&t, id, BASE + 0x1000ULL * p, &owner, &st);
			assert_int_equal(owner, want_owner);
			assert_int_equal(st, want);
		}
	}
}

static void test_ffa_mem_state_random_against_model(void **state)
{
	rng = rng_seed(__func__, 0xf0a0e3);
	ffa_mem_state_init(&t);
	for (unsigned s = 0; s < STEPS; s++) {
		unsigned what = (unsigned)rng_below(&rng, 100);

		if (what < 20)
			step_send();
		else if (what < 55)
			step_call(0);
		else if (what < 80)
			step_call(1);
		else if (what < 99)
			step_call(2);
		else
			step_gone();
		check_pages();
	}
	/* The run reached every transition many times, not only refusals. */
	print_message("succeeded: %u sends, %u retrieves, %u relinquishes, %u reclaims\n",
		      succeeded[0], succeeded[1], succeeded[2], succeeded[3]);
	for (unsigned i = 0; i < 4; i++)
		assert_true(succeeded[i] >= 50);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_ffa_mem_state_random_against_model),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

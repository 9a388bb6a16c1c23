// SPDX-License-Identifier: MIT
/* FF-A memory sharing between two VMs (docs/ffa.md, "Memory sharing"): run by both VMs of
 * tests/qemu/configs/ffa-mem.dts. Endpoint 1 lends: it shares, lends and donates pages of its
 * own RAM to endpoint 2 and, through direct requests, has the borrower retrieve, check, write
 * and relinquish them; it checks the data on its side, that its own access to lent or donated
 * memory is a data abort, that reclaim waits for the relinquish, and that hostile descriptors
 * get FF-A errors. Endpoint 2 serves: each request names a handle and what to do with it.
 * Finally the lender asks the borrower to stop in the middle of a request, holding a donated
 * page and a lent one: both come back to the lender. Under `-icount shift=0` the lender prints
 * "bench: ffa-mem <rounds> <share> <retrieve+relinquish> <reclaim> <cntfrq>" (counter ticks
 * of all rounds) for tools/bench_ffa.py. */
#include <stddef.h>
#include <stdint.h>

#include "check.h"
#include "exception.h"
#include "printf.h"
#include "smccc.h"
#include "sysreg.h"

const char guest_name[] = "ffa_mem";

#define FFA_ERROR		    0x84000060U
#define FFA_SUCCESS_32		    0x84000061U
#define FFA_VERSION		    0x84000063U
#define FFA_RX_RELEASE		    0x84000065U
#define FFA_RXTX_MAP_64		    0xc4000066U
#define FFA_ID_GET		    0x84000069U
#define FFA_MSG_WAIT		    0x8400006bU
#define FFA_YIELD		    0x8400006cU
#define FFA_MSG_SEND_DIRECT_REQ_64  0xc400006fU
#define FFA_MSG_SEND_DIRECT_RESP_64 0xc4000070U
#define FFA_MEM_DONATE_32	    0x84000071U
#define FFA_MEM_LEND_32		    0x84000072U
#define FFA_MEM_SHARE_32	    0x84000073U
#define FFA_MEM_RETRIEVE_REQ_32	    0x84000074U
#define FFA_MEM_RETRIEVE_RESP	    0x84000075U
#define FFA_MEM_RELINQUISH	    0x84000076U
#define FFA_MEM_RECLAIM		    0x84000077U
#define FFA_MEM_FRAG_RX		    0x8400007aU
#define FFA_MEM_FRAG_TX		    0x8400007bU

#define NOT_SUPPORTED	   0xffffffffU
#define INVALID_PARAMETERS 0xfffffffeU
#define NO_MEMORY	   0xfffffffdU
#define BUSY		   0xfffffffcU
#define DENIED		   0xfffffffaU
#define ABORTED		   0xfffffff8U

#define LENDER		1
#define BORROWER	2
#define SHARE		1 /* the transaction types, as the retrieve flags [4:3] name them */
#define LEND		2
#define DONATE		3
#define RW		0x2 /* data access read-write, instruction access not specified */
#define NORMAL_WB_INNER 0x2f
#define WINDOW		0x8000000000ULL /* where endpoint 2 sees endpoint 1's RAM (docs/ffa.md) */
#define RAM_BASE	0x40000000ULL
#define RAM_END		(RAM_BASE + (16ULL << 20)) /* memory-mib in configs/ffa-mem.dts */
#define BENCH_ROUNDS	20

/* Requests to the borrower: x3 the command, x4 the handle, x5 the type, x6 flags. */
#define CMD_RETRIEVE   1 /* retrieve, read word 0, write word 1; x6 bit 0: relinquish after */
#define CMD_RELINQUISH 2
#define CMD_HOSTILE    3 /* the borrower's own hostile calls against handle x4 */
#define CMD_BENCH      4 /* retrieve and relinquish, timed */
#define CMD_STOP       5
#define KEEP	       0
#define GIVE_BACK      1

struct ffa_res {
	uint64_t x[8];
};

static struct ffa_res ffa(uint32_t fid, uint64_t a1, uint64_t a2, uint64_t a3, uint64_t a4,
			  uint64_t a5, uint64_t a6, uint64_t a7)
{
	register uint64_t x0 asm("x0") = fid;
	register uint64_t x1 asm("x1") = a1;
	register uint64_t x2 asm("x2") = a2;
	register uint64_t x3 asm("x3") = a3;
	register uint64_t x4 asm("x4") = a4;
	register uint64_t x5 asm("x5") = a5;
	register uint64_t x6 asm("x6") = a6;
	register uint64_t x7 asm("x7") = a7;

	asm volatile(
	    "hvc #0"
	    : "+r"(x0), "+r"(x1), "+r"(x2), "+r"(x3), "+r"(x4), "+r"(x5), "+r"(x6), "+r"(x7)
	    :
	    : "x8", "x9", "x10", "x11", "x12", "x13", "x14", "x15", "x16", "x17", "memory");
	return (struct ffa_res){{x0, x1, x2, x3, x4, x5, x6, x7}};
}

static uint32_t status(struct ffa_res r)
{
	return r.x[0] == FFA_ERROR ? (uint32_t)r.x[2] : 0;
}

/* The mailbox and the lender's pages: its own RAM, in the image's BSS. */
static uint8_t tx[4096] __attribute__((aligned(4096)));
static uint8_t rx[4096] __attribute__((aligned(4096)));
static volatile uint64_t pages[4][512] __attribute__((aligned(4096)));

/* The MMU is off: guest memory is Device memory, so bytes go one at a time. */
static void put(size_t off, uint64_t v, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		tx[off + i] = (uint8_t)(v >> (8 * i));
}

static uint64_t get(const uint8_t *p, unsigned n)
{
	uint64_t v = 0;

	for (unsigned i = 0; i < n; i++)
		v |= (uint64_t)p[i] << (8 * i);
	return v;
}

static void clear_tx(size_t len)
{
	for (size_t i = 0; i < len; i++)
		tx[i] = 0;
}

/* A v1.1 memory transaction descriptor in the TX: from `sender` to `to`, one range. */
static size_t send_desc(uint16_t sender, uint16_t to, unsigned type, uint64_t addr, uint32_t count,
			uint32_t flags)
{
	clear_tx(96);
	put(0, sender, 2);
	put(2, type == SHARE ? NORMAL_WB_INNER : 0, 2);
	put(4, flags, 4);
	put(24, 16, 4);
	put(28, 1, 4);
	put(32, 48, 4);
	put(48, to, 2);
	put(50, type == DONATE ? 0 : RW, 1);
	put(52, 64, 4);
	put(64, count, 4);
	put(68, 1, 4);
	put(80, addr, 8);
	put(88, count, 4);
	return 96;
}

static const uint32_t send_fid[] = {0, FFA_MEM_SHARE_32, FFA_MEM_LEND_32, FFA_MEM_DONATE_32};

static struct ffa_res send(unsigned type, uint64_t addr, uint32_t count, uint32_t flags)
{
	size_t len = send_desc(LENDER, BORROWER, type, addr, count, flags);

	return ffa(send_fid[type], len, len, 0, 0, 0, 0, 0);
}

static uint64_t handle_of(struct ffa_res r)
{
	return (uint32_t)r.x[2] | r.x[3] << 32;
}

/* --- the borrower --- */

static size_t retrieve_desc(uint64_t handle, unsigned type)
{
	clear_tx(64);
	put(0, LENDER, 2);
	put(4, type << 3, 4);
	put(8, handle, 8);
	put(24, 16, 4);
	put(28, 1, 4);
	put(32, 48, 4);
	put(48, BORROWER, 2);
	return 64;
}

static struct ffa_res retrieve(uint64_t handle, unsigned type)
{
	size_t len = retrieve_desc(handle, type);

	return ffa(FFA_MEM_RETRIEVE_REQ_32, len, len, 0, 0, 0, 0, 0);
}

static uint32_t relinquish(uint64_t handle)
{
	clear_tx(18);
	put(0, handle, 8);
	put(12, 1, 4);
	put(16, BORROWER, 2);
	return status(ffa(FFA_MEM_RELINQUISH, 0, 0, 0, 0, 0, 0, 0));
}

/* CMD_RETRIEVE: answers x3 the status, x4 word 0 as read, x5 where the page is mapped. */
static void do_retrieve(uint64_t handle, unsigned type, unsigned after, uint64_t out[3])
{
	struct ffa_res r = retrieve(handle, type);
	volatile uint64_t *p;

	out[0] = status(r);
	if (r.x[0] != FFA_MEM_RETRIEVE_RESP) {
		out[0] = out[0] ? out[0] : 1;
		return;
	}
	/* The response in the RX: one borrower, the composite at 64, its one range at 80. */
	p = (volatile uint64_t *)get(rx + 80, 8);
	out[0] =
	    get(rx + 64, 4) == 1 && get(rx + 68, 4) == 1 && get(rx + 48, 2) == BORROWER ? 0 : 2;
	out[1] = p[0];
	out[2] = (uint64_t)p;
	p[1] = 0xb0b0b0b0b0b0b0b0ULL ^ handle;
	ffa(FFA_RX_RELEASE, 0, 0, 0, 0, 0, 0, 0);
	if (after == GIVE_BACK && !out[0])
		out[0] = relinquish(handle);
}

/* CMD_HOSTILE: what the borrower must be refused; answers x3 the number refused rightly. */
static uint64_t do_hostile(uint64_t handle, uint64_t alias)
{
	uint64_t good = 0;
	size_t len;

	/* A handle never given, the wrong type, a handle held already (a lend's). */
	good += status(retrieve(handle ^ 0x100, 0)) == INVALID_PARAMETERS;
	good += status(retrieve(handle, SHARE)) == INVALID_PARAMETERS;
	good += status(retrieve(handle, LEND)) == DENIED;
	/* Relinquish for another endpoint, or of a handle it does not hold. */
	good += relinquish(handle ^ 0x100) == INVALID_PARAMETERS;
	/* The lender's pages as seen here are not the borrower's to pass on. */
	len = send_desc(BORROWER, LENDER, SHARE, alias, 1, 0);
	good += status(ffa(FFA_MEM_SHARE_32, len, len, 0, 0, 0, 0, 0)) == DENIED;
	/* Reclaiming the lender's handle. */
	good +=
	    status(ffa(FFA_MEM_RECLAIM, (uint32_t)handle, handle >> 32, 0, 0, 0, 0, 0)) == DENIED;
	return good;
}

static void serve(void)
{
	struct ffa_res r = ffa(FFA_MSG_WAIT, 0, 0, 0, 0, 0, 0, 0);

	for (;;) {
		uint64_t out[3] = {0, 0, 0}, t0;

		if (r.x[0] != FFA_MSG_SEND_DIRECT_REQ_64) {
			r = ffa(FFA_MSG_WAIT, 0, 0, 0, 0, 0, 0, 0);
			continue;
		}
		switch (r.x[3]) {
		case CMD_RETRIEVE:
			do_retrieve(r.x[4], (unsigned)r.x[5], (unsigned)r.x[6], out);
			break;
		case CMD_RELINQUISH:
			out[0] = relinquish(r.x[4]);
			break;
		case CMD_HOSTILE:
			out[0] = do_hostile(r.x[4], r.x[5]);
			break;
		case CMD_BENCH:
			t0 = read_sysreg(cntvct_el0);
			out[0] = retrieve(r.x[4], SHARE).x[0] != FFA_MEM_RETRIEVE_RESP;
			ffa(FFA_RX_RELEASE, 0, 0, 0, 0, 0, 0, 0);
			out[0] |= relinquish(r.x[4]);
			out[1] = read_sysreg(cntvct_el0) - t0;
			break;
		default:
			/* CMD_STOP: stop holding the request, with a donated and a lent page. */
			guest_finish();
		}
		r = ffa(FFA_MSG_SEND_DIRECT_RESP_64, BORROWER << 16 | LENDER, 0, out[0], out[1],
			out[2], 0, 0);
	}
}

/* --- the lender --- */

/* A request to the borrower; BUSY (it does not wait yet) is retried after a yield. */
static struct ffa_res ask(uint64_t cmd, uint64_t a, uint64_t b, uint64_t c)
{
	struct ffa_res r;

	for (unsigned tries = 0;; tries++) {
		r = ffa(FFA_MSG_SEND_DIRECT_REQ_64, LENDER << 16 | BORROWER, 0, cmd, a, b, c, 0);
		if (status(r) != BUSY || tries == 100000)
			return r;
		ffa(FFA_YIELD, 0, 0, 0, 0, 0, 0, 0);
	}
}

/* A load from a page the lender gave up: a data abort (docs/ffa.md), resumed after it. */
static bool load_aborts(volatile uint64_t *p)
{
	bool ok;

	exc_expect(EXC_RESUME_DEFAULT);
	(void)p[0];
	ok = exc_seen.count == 1 && ESR_EC(exc_seen.esr) == ESR_EC_DABT_CUR &&
	     exc_seen.far == (uint64_t)p;
	exc_expect_none();
	return ok;
}

static uint64_t alias(volatile uint64_t *p)
{
	return WINDOW + ((uint64_t)p - RAM_BASE);
}

static void share_round_trip(void)
{
	struct ffa_res r;
	uint64_t h;

	pages[0][0] = 0x5a5a0001;
	r = send(SHARE, (uint64_t)pages[0], 1, 0);
	h = handle_of(r);
	check(r.x[0] == FFA_SUCCESS_32 && (h >> 63), "FFA_MEM_SHARE: a handle 0x%lx",
	      (unsigned long)h);
	r = ask(CMD_RETRIEVE, h, SHARE, GIVE_BACK);
	check(r.x[3] == 0 && r.x[4] == 0x5a5a0001 && r.x[5] == alias(pages[0]),
	      "share: the borrower read 0x%lx at 0x%lx (status %d)", (unsigned long)r.x[4],
	      (unsigned long)r.x[5], (int)r.x[3]);
	check_eq(pages[0][1], 0xb0b0b0b0b0b0b0b0ULL ^ h, "share: the borrower's write seen here");
	check_eq(status(ffa(FFA_MEM_RECLAIM, (uint32_t)h, h >> 32, 0, 0, 0, 0, 0)), 0,
		 "share: reclaimed after the relinquish");
	check_eq(status(ffa(FFA_MEM_RECLAIM, (uint32_t)h, h >> 32, 0, 0, 0, 0, 0)),
		 INVALID_PARAMETERS, "share: the handle is gone");
	/* The handle of a transaction that ended: the borrower cannot retrieve it again. */
	r = ask(CMD_RETRIEVE, h, SHARE, GIVE_BACK);
	check_eq(r.x[3], INVALID_PARAMETERS, "share: a stale handle is refused");
}

static void lend_round_trip(void)
{
	struct ffa_res r;
	uint64_t h;

	pages[1][0] = 0x5a5a0002;
	r = send(LEND, (uint64_t)pages[1], 1, 0);
	h = handle_of(r);
	check_eq(r.x[0], FFA_SUCCESS_32, "FFA_MEM_LEND");
	check(load_aborts(pages[1]), "lend: the lender's own load is a data abort, FAR the page");
	check(!load_aborts(pages[0]), "lend: the page beside it is still the lender's");
	r = ask(CMD_RETRIEVE, h, 0, KEEP);
	check(r.x[3] == 0 && r.x[4] == 0x5a5a0002, "lend: the borrower read 0x%lx",
	      (unsigned long)r.x[4]);
	check_eq(status(ffa(FFA_MEM_RECLAIM, (uint32_t)h, h >> 32, 0, 0, 0, 0, 0)), DENIED,
		 "lend: no reclaim while the borrower holds it");
	check_eq(ask(CMD_HOSTILE, h, r.x[5], 0).x[3], 6, "the borrower's hostile calls refused");
	check_eq(ask(CMD_RELINQUISH, h, 0, 0).x[3], 0, "lend: relinquished");
	check_eq(status(ffa(FFA_MEM_RECLAIM, (uint32_t)h, h >> 32, 0, 0, 0, 0, 0)), 0,
		 "lend: reclaimed");
	check(!load_aborts(pages[1]) && pages[1][1] == (0xb0b0b0b0b0b0b0b0ULL ^ h),
	      "lend: the page is the lender's again, with the borrower's write");
}

static void zeroed_lend(void)
{
	struct ffa_res r;
	uint64_t h;

	pages[2][0] = 0x5ec7e7;
	r = send(LEND, (uint64_t)pages[2], 1, 1 /* zero before retrieve */);
	h = handle_of(r);
	r = ask(CMD_RETRIEVE, h, LEND, GIVE_BACK);
	check(r.x[3] == 0 && r.x[4] == 0, "lend with the zero flag: the borrower read zeros");
	ffa(FFA_MEM_RECLAIM, (uint32_t)h, h >> 32, 0, 0, 0, 0, 0);
	check_eq(pages[2][0], 0, "lend with the zero flag: zeroed for the lender too");
}

static void hostile_lender(void)
{
	size_t len;

	/* Overlapping ranges: two constituents on the same pages. */
	len = send_desc(LENDER, BORROWER, SHARE, (uint64_t)pages[0], 2, 0);
	put(64, 4, 4);
	put(68, 2, 4);
	put(96, (uint64_t)pages[1], 8);
	put(104, 2, 4);
	check_eq(status(ffa(FFA_MEM_SHARE_32, len + 16, len + 16, 0, 0, 0, 0, 0)),
		 INVALID_PARAMETERS, "hostile: overlapping ranges");
	check_eq(status(send(LEND, 0x09000000, 1, 0)), DENIED, "hostile: a device's page");
	check_eq(status(send(SHARE, RAM_BASE - 0x1000, 1, 0)), DENIED,
		 "hostile: a page below its RAM");
	check_eq(status(send(SHARE, RAM_END - 0x1000, 2, 0)), DENIED,
		 "hostile: pages past the end of its RAM");
	check_eq(status(send(SHARE, WINDOW, 1, 0)), DENIED,
		 "hostile: another VM's pages (the window)");
	check_eq(status(send(SHARE, (uint64_t)rx, 1, 0)), DENIED, "hostile: its own RX buffer");
	check_eq(status(send(SHARE, (uint64_t)pages[0], 0x7fffffff, 0)), NO_MEMORY,
		 "hostile: a huge page count");
	len = send_desc(LENDER, BORROWER, SHARE, (uint64_t)pages[0], 1, 0);
	put(28, 0xffffffff, 4);
	check_eq(status(ffa(FFA_MEM_SHARE_32, len, len, 0, 0, 0, 0, 0)), INVALID_PARAMETERS,
		 "hostile: a huge endpoint count");
	len = send_desc(LENDER, 7, SHARE, (uint64_t)pages[0], 1, 0);
	check_eq(status(ffa(FFA_MEM_SHARE_32, len, len, 0, 0, 0, 0, 0)), INVALID_PARAMETERS,
		 "hostile: a borrower that is no partition");
	check_eq(status(ffa(FFA_MEM_RECLAIM, 0x100, 1U << 31, 0, 0, 0, 0, 0)), INVALID_PARAMETERS,
		 "hostile: reclaim of a handle never given");
}

/* A descriptor in two fragments (FFA_MEM_FRAG_TX): the handle comes with the first. */
static void fragments(void)
{
	size_t len = send_desc(LENDER, BORROWER, SHARE, (uint64_t)pages[0], 1, 0);
	struct ffa_res r = ffa(FFA_MEM_SHARE_32, len, 48, 0, 0, 0, 0, 0);
	uint64_t h = (uint32_t)r.x[1] | r.x[2] << 32;

	check(r.x[0] == FFA_MEM_FRAG_RX && r.x[3] == 48 && (h >> 63),
	      "fragments: FFA_MEM_FRAG_RX with the handle after the first 48 bytes");
	check_eq(status(ffa(FFA_MEM_FRAG_TX, (uint32_t)h ^ 1, h >> 32, 48, 0, 0, 0, 0)),
		 INVALID_PARAMETERS, "fragments: FFA_MEM_FRAG_TX of another handle");
	for (size_t i = 48; i < len; i++)
		tx[i - 48] = tx[i];
	r = ffa(FFA_MEM_FRAG_TX, (uint32_t)h, h >> 32, len - 48, 0, 0, 0, 0);
	check(r.x[0] == FFA_SUCCESS_32 && ((uint32_t)r.x[2] | r.x[3] << 32) == h,
	      "fragments: the last one completes the share, with the same handle");
	r = ask(CMD_RETRIEVE, h, SHARE, GIVE_BACK);
	check(r.x[3] == 0 && r.x[5] == alias(pages[0]) &&
		  status(ffa(FFA_MEM_RECLAIM, (uint32_t)h, h >> 32, 0, 0, 0, 0, 0)) == 0,
	      "fragments: retrieved, relinquished and reclaimed");
}

static void donate_and_stop(void)
{
	struct ffa_res r;
	uint64_t h, lent;
	unsigned tries;
	size_t len;

	pages[3][0] = 0x5a5a0004;
	r = send(DONATE, (uint64_t)pages[3], 1, 0);
	h = handle_of(r);
	check_eq(r.x[0], FFA_SUCCESS_32, "FFA_MEM_DONATE");
	r = ask(CMD_RETRIEVE, h, DONATE, KEEP);
	check(r.x[3] == 0 && r.x[4] == 0x5a5a0004, "donate: the receiver read 0x%lx",
	      (unsigned long)r.x[4]);
	check(load_aborts(pages[3]), "donate: the giver's own load is a data abort");
	check_eq(status(ffa(FFA_MEM_RECLAIM, (uint32_t)h, h >> 32, 0, 0, 0, 0, 0)),
		 INVALID_PARAMETERS, "donate: nothing to reclaim, the handle is gone");
	check_eq(status(send(SHARE, (uint64_t)pages[3], 1, 0)), DENIED,
		 "donate: the giver cannot name the page any more");
	/* A page lent and held too; then the borrower stops in the middle of a request. */
	lent = handle_of(send(LEND, (uint64_t)pages[1], 1, 0));
	check_eq(ask(CMD_RETRIEVE, lent, LEND, KEEP).x[3], 0, "lend: held by the borrower");
	r = ask(CMD_STOP, 0, 0, 0);
	check_eq(status(r), ABORTED, "the borrower stopped mid-request: ABORTED");
	/* The VM manager lets the stopped VM go between turns: until then it holds the lent page
	 * (DENIED); then the lend is reclaimable and the donation the giver's again, at once. */
	for (tries = 0; tries < 100000; tries++) {
		r = ffa(FFA_MEM_RECLAIM, (uint32_t)lent, lent >> 32, 0, 0, 0, 0, 0);
		if (status(r) != DENIED)
			break;
		ffa(FFA_YIELD, 0, 0, 0, 0, 0, 0, 0);
	}
	check(r.x[0] == FFA_SUCCESS_32, "the lent page is reclaimed once its borrower is gone");
	check(!load_aborts(pages[3]) && pages[3][1] == (0xb0b0b0b0b0b0b0b0ULL ^ h),
	      "the donated page is back, as the receiver left it");
	len = send_desc(LENDER, BORROWER, SHARE, (uint64_t)pages[3], 1, 0);
	check_eq(status(ffa(FFA_MEM_SHARE_32, len, len, 0, 0, 0, 0, 0)), 0,
		 "the returned page can be shared again");
}

static void bench(void)
{
	uint64_t share = 0, borrow = 0, reclaim = 0, t0, bad = 0;

	for (unsigned n = 0; n < BENCH_ROUNDS; n++) {
		struct ffa_res r;
		uint64_t h;

		t0 = read_sysreg(cntvct_el0);
		r = send(SHARE, (uint64_t)pages[0], 1, 0);
		share += read_sysreg(cntvct_el0) - t0;
		h = handle_of(r);
		r = ask(CMD_BENCH, h, 0, 0);
		bad += r.x[3];
		borrow += r.x[4];
		t0 = read_sysreg(cntvct_el0);
		bad += status(ffa(FFA_MEM_RECLAIM, (uint32_t)h, h >> 32, 0, 0, 0, 0, 0));
		reclaim += read_sysreg(cntvct_el0) - t0;
	}
	check_eq(bad, 0, "%u timed share/retrieve/relinquish/reclaim rounds", BENCH_ROUNDS);
	printf("bench: ffa-mem %u %lu %lu %lu %lu\n", BENCH_ROUNDS, (unsigned long)share,
	       (unsigned long)borrow, (unsigned long)reclaim,
	       (unsigned long)read_sysreg(cntfrq_el0));
}

int main(void)
{
	struct ffa_res r;

	check_eq(ffa(FFA_VERSION, 0x10001, 0, 0, 0, 0, 0, 0).x[0], 0x10001, "FFA_VERSION 1.1");
	r = ffa(FFA_ID_GET, 0, 0, 0, 0, 0, 0, 0);
	check(r.x[0] == FFA_SUCCESS_32 && (r.x[2] == LENDER || r.x[2] == BORROWER),
	      "FFA_ID_GET: %lu", (unsigned long)r.x[2]);
	check_eq(ffa(FFA_RXTX_MAP_64, (uint64_t)tx, (uint64_t)rx, 1, 0, 0, 0, 0).x[0],
		 FFA_SUCCESS_32, "FFA_RXTX_MAP");
	if (r.x[2] == BORROWER)
		serve();
	share_round_trip();
	lend_round_trip();
	zeroed_lend();
	hostile_lender();
	fragments();
	bench();
	donate_and_stop();
	guest_finish();
}

// SPDX-License-Identifier: MIT
/* FF-A direct messages between two VMs (docs/ffa.md): run by both VMs of
 * tests/qemu/configs/ffa-msg-one.dts (one pCPU) and ffa-msg-two.dts (a pCPU each). Endpoint 2
 * serves: it waits (FFA_MSG_WAIT) and answers each request with its payload transformed.
 * Endpoint 1 asks: it waits for the server to wait (its first requests are BUSY: it yields
 * meanwhile), checks the answers of PING_ROUNDS requests of each width both ways, the error
 * cases a guest reaches, then asks the server to stop in the middle of a request: its own call
 * must return FFA_ERROR ABORTED. The server checks every request it gets, and that a request
 * to the asker, which never waits, is BUSY. Under `-icount shift=0` the counter ticks every 16
 * instructions: the asker prints "bench: ffa-roundtrip <round trips> <ticks> <cntfrq>" for
 * tools/bench_ffa.py, both sides making the timed calls in registers (bench_call()). */
#include <stddef.h>
#include <stdint.h>

#include "check.h"
#include "printf.h"
#include "smccc.h"
#include "sysreg.h"

const char guest_name[] = "ffa_msg";

#define FFA_ERROR		    0x84000060U
#define FFA_SUCCESS_32		    0x84000061U
#define FFA_VERSION		    0x84000063U
#define FFA_ID_GET		    0x84000069U
#define FFA_MSG_WAIT		    0x8400006bU
#define FFA_YIELD		    0x8400006cU
#define FFA_RUN			    0x8400006dU
#define FFA_MSG_SEND_DIRECT_REQ_32  0x8400006fU
#define FFA_MSG_SEND_DIRECT_REQ_64  0xc400006fU
#define FFA_MSG_SEND_DIRECT_RESP_32 0x84000070U
#define FFA_MSG_SEND_DIRECT_RESP_64 0xc4000070U
#define FFA_RX_RELEASE		    0x84000065U
#define FFA_RXTX_MAP_64		    0xc4000066U
#define FFA_MSG_SEND2		    0x84000086U

#define INVALID_PARAMETERS 0xfffffffeU
#define BUSY		   0xfffffffcU
#define DENIED		   0xfffffffaU
#define ABORTED		   0xfffffff8U

#define ASKER	     1
#define SERVER	     2
#define PING_ROUNDS  100
#define BENCH_ROUNDS 200
#define BUSY_LIMIT   100000
#define CMD_STOP     0x5707U /* x3 of the request after which the server stops mid-call */
#define CMD_BENCH    0xbe9cU /* x3 of the timed requests: answered as they are */
#define BASE	     0x1122334455667788ULL
#define INDIRECT     20 /* indirect messages */
#define MSG_WORDS    16 /* of each payload */
#define HDR_LEN	     20
#define PAGE	     4096

/* The RX/TX pair: with the MMU off it is Device memory, accessed 32 bits at a time. */
static volatile uint32_t tx[PAGE / 4] __attribute__((aligned(PAGE)));
static volatile uint32_t rx[PAGE / 4] __attribute__((aligned(PAGE)));

struct ffa_res {
	uint64_t x[8];
};

/* SMCCC 1.2: arguments and results in x0-x7. */
static struct ffa_res ffa(uint32_t fid, uint64_t a1, uint64_t a2, const uint64_t pay[5])
{
	register uint64_t x0 asm("x0") = fid;
	register uint64_t x1 asm("x1") = a1;
	register uint64_t x2 asm("x2") = a2;
	register uint64_t x3 asm("x3") = pay ? pay[0] : 0;
	register uint64_t x4 asm("x4") = pay ? pay[1] : 0;
	register uint64_t x5 asm("x5") = pay ? pay[2] : 0;
	register uint64_t x6 asm("x6") = pay ? pay[3] : 0;
	register uint64_t x7 asm("x7") = pay ? pay[4] : 0;

	asm volatile(
	    "hvc #0"
	    : "+r"(x0), "+r"(x1), "+r"(x2), "+r"(x3), "+r"(x4), "+r"(x5), "+r"(x6), "+r"(x7)
	    :
	    : "x8", "x9", "x10", "x11", "x12", "x13", "x14", "x15", "x16", "x17", "memory");
	return (struct ffa_res){{x0, x1, x2, x3, x4, x5, x6, x7}};
}

static uint32_t ids(uint32_t from, uint32_t to)
{
	return from << 16 | to;
}

/* A direct message of the timed loop (make bench) straight in registers: x0-x7 in and out of
 * `r`'s words without a struct returned and copied (this library's memcpy goes byte by byte:
 * 400 instructions per round trip that are the guest's, not the round trip's). */
static void bench_call(uint64_t x[8])
{
	register uint64_t x0 asm("x0") = x[0];
	register uint64_t x1 asm("x1") = x[1];
	register uint64_t x2 asm("x2") = x[2];
	register uint64_t x3 asm("x3") = x[3];
	register uint64_t x4 asm("x4") = x[4];
	register uint64_t x5 asm("x5") = x[5];
	register uint64_t x6 asm("x6") = x[6];
	register uint64_t x7 asm("x7") = x[7];

	asm volatile(
	    "hvc #0"
	    : "+r"(x0), "+r"(x1), "+r"(x2), "+r"(x3), "+r"(x4), "+r"(x5), "+r"(x6), "+r"(x7)
	    :
	    : "x8", "x9", "x10", "x11", "x12", "x13", "x14", "x15", "x16", "x17", "memory");
	x[0] = x0;
	x[1] = x1;
	x[2] = x2;
	x[3] = x3;
	x[4] = x4;
	x[5] = x5;
	x[6] = x6;
	x[7] = x7;
}

static bool is_error(struct ffa_res r, uint32_t status)
{
	return r.x[0] == FFA_ERROR && (uint32_t)r.x[2] == status;
}

/* The payload of request n, and what the server answers: each word + n, the 32-bit form
 * keeping the low halves. */
static void payload(uint64_t n, bool wide, uint64_t out[5])
{
	for (unsigned i = 0; i < 5; i++) {
		uint64_t v = BASE * (i + 1) ^ n << 8;

		out[i] = wide ? v : (uint32_t)v;
	}
}

static bool answer_ok(struct ffa_res r, uint64_t n, bool wide)
{
	uint64_t want[5];

	payload(n, wide, want);
	if (r.x[0] != (wide ? FFA_MSG_SEND_DIRECT_RESP_64 : FFA_MSG_SEND_DIRECT_RESP_32) ||
	    r.x[1] != ids(SERVER, ASKER) || r.x[2] != 0)
		return false;
	for (unsigned i = 0; i < 5; i++) {
		uint64_t v = want[i] + n;

		if (r.x[3 + i] != (wide ? v : (uint32_t)v))
			return false;
	}
	return true;
}

static void serve(void)
{
	unsigned good = 0, bad = 0, bench = 0, runs = 0, messages = 0, intact = 0, released = 0;
	struct ffa_res r;

	/* The asker never waits: a request to it is BUSY. */
	r = ffa(FFA_MSG_SEND_DIRECT_REQ_32, ids(SERVER, ASKER), 0, NULL);
	check(is_error(r, BUSY), "request to an endpoint not waiting: BUSY (got 0x%lx %d)",
	      (unsigned long)r.x[0], (int)(uint32_t)r.x[2]);
	r = ffa(FFA_MSG_SEND_DIRECT_RESP_32, ids(SERVER, ASKER), 0, NULL);
	check(is_error(r, DENIED), "response with no request: DENIED");
	r = ffa(FFA_MSG_WAIT, 0, 0, NULL);
	for (;;) {
		bool wide = r.x[0] == FFA_MSG_SEND_DIRECT_REQ_64;
		uint64_t pay[5], want[5];
		unsigned n;

		if (r.x[0] == FFA_RUN && r.x[1] == ids(SERVER, 0)) {
			if (rx[3] == ids(ASKER, SERVER)) {
				/* An indirect message: header and payload as sent. */
				bool ok = rx[0] == 0 && rx[2] == HDR_LEN && rx[4] == 4 * MSG_WORDS;

				for (unsigned i = 0; i < MSG_WORDS; i++)
					ok &= rx[HDR_LEN / 4 + i] == (messages << 8 | i);
				intact += ok;
				messages++;
				rx[3] = 0;
				/* Every other one released here, the rest by the next wait. */
				if (messages & 1)
					released +=
					    ffa(FFA_RX_RELEASE, 0, 0, NULL).x[0] == FFA_SUCCESS_32;
			} else {
				runs++; /* the asker's FFA_RUN: wait again */
			}
			r = ffa(FFA_MSG_WAIT, 0, 0, NULL);
			continue;
		}
		if ((r.x[0] != FFA_MSG_SEND_DIRECT_REQ_32 && !wide) ||
		    r.x[1] != ids(ASKER, SERVER)) {
			bad++;
			r = ffa(FFA_MSG_WAIT, 0, 0, NULL);
			continue;
		}
		if (r.x[3] == CMD_STOP) {
			/* Stop holding the request: the asker's call must end ABORTED. */
			check(bad == 0 && good == 2 * PING_ROUNDS + 1,
			      "served %u requests with the payload asked, %u bad", good, bad);
			check(bench == BENCH_ROUNDS + 1 && runs == 1,
			      "served %u timed requests, woken %u time(s) by FFA_RUN", bench, runs);
			check(messages == INDIRECT && intact == INDIRECT &&
				  released == INDIRECT / 2,
			      "%u indirect messages received, %u intact, %u released", messages,
			      intact, released);
			guest_finish();
		}
		if (r.x[3] == CMD_BENCH) {
			/* Timed requests, answered as they are, in registers until another comes. */
			do {
				bench++;
				r.x[0] = FFA_MSG_SEND_DIRECT_RESP_32;
				r.x[1] = ids(SERVER, ASKER);
				r.x[2] = 0;
				bench_call(r.x);
			} while (r.x[0] == FFA_MSG_SEND_DIRECT_REQ_32 &&
				 r.x[1] == ids(ASKER, SERVER) && r.x[3] == CMD_BENCH);
			continue;
		}
		/* x3 is payload word 0 of request n: n from it, then all five compared. */
		n = (unsigned)(((r.x[3] ^ (wide ? BASE : (uint32_t)BASE)) >> 8) & 0xffff);
		payload(n, wide, want);
		for (unsigned i = 0; i < 5; i++) {
			if (r.x[3 + i] != want[i])
				bad++;
			pay[i] = want[i] + n;
		}
		good++;
		r = ffa(wide ? FFA_MSG_SEND_DIRECT_RESP_64 : FFA_MSG_SEND_DIRECT_RESP_32,
			ids(SERVER, ASKER), 0, pay);
	}
}

/* A request the server may not be waiting for yet (it was just woken by FFA_RUN, on another
 * pCPU): BUSY is retried after a yield. */
static unsigned late;

static struct ffa_res request(uint32_t fid, const uint64_t pay[5])
{
	struct ffa_res r;

	for (;;) {
		r = ffa(fid, ids(ASKER, SERVER), 0, pay);
		if (!is_error(r, BUSY))
			return r;
		late++;
		ffa(FFA_YIELD, 0, 0, NULL);
	}
}

static void ask(void)
{
	unsigned busy = 0, good = 0, sent = 0, full = 0;
	uint64_t pay[5], bench_pay[5] = {CMD_BENCH}, t0, t1;
	struct ffa_res r;

	/* Until the server waits: BUSY, and the turn goes to it. */
	payload(0, false, pay);
	for (;;) {
		r = ffa(FFA_MSG_SEND_DIRECT_REQ_32, ids(ASKER, SERVER), 0, pay);
		if (!is_error(r, BUSY) || ++busy == BUSY_LIMIT)
			break;
		ffa(FFA_YIELD, 0, 0, NULL);
	}
	check(answer_ok(r, 0, false), "first request answered after %u BUSY", busy);
	for (unsigned n = 1; n <= PING_ROUNDS; n++) {
		payload(n, false, pay);
		good += answer_ok(ffa(FFA_MSG_SEND_DIRECT_REQ_32, ids(ASKER, SERVER), 0, pay), n,
				  false);
		payload(n, true, pay);
		good +=
		    answer_ok(ffa(FFA_MSG_SEND_DIRECT_REQ_64, ids(ASKER, SERVER), 0, pay), n, true);
	}
	check(good == 2 * PING_ROUNDS, "%u of %u answers carry the payload asked for", good,
	      2 * PING_ROUNDS);
	/* Timed round trips (make bench), while the server surely waits after each answer. */
	t0 = read_sysreg(cntvct_el0);
	for (unsigned n = 0; n < BENCH_ROUNDS; n++) {
		uint64_t x[8] = {FFA_MSG_SEND_DIRECT_REQ_32, ids(ASKER, SERVER), 0, CMD_BENCH};

		bench_call(x);
		if (x[0] == FFA_ERROR && (uint32_t)x[2] == BUSY) { /* as request() does */
			late++;
			ffa(FFA_YIELD, 0, 0, NULL);
			n--;
		}
	}
	t1 = read_sysreg(cntvct_el0);
	printf("bench: ffa-roundtrip %u %lu %lu (%u BUSY)\n", BENCH_ROUNDS,
	       (unsigned long)(t1 - t0), (unsigned long)read_sysreg(cntfrq_el0), late);

	/* Indirect messages: each waits in the server's RX until it has read it. */
	for (unsigned n = 0; n < INDIRECT; n++) {
		tx[0] = 0;
		tx[1] = 0;
		tx[2] = HDR_LEN;
		tx[3] = ids(ASKER, SERVER);
		tx[4] = 4 * MSG_WORDS;
		for (unsigned i = 0; i < MSG_WORDS; i++)
			tx[HDR_LEN / 4 + i] = n << 8 | i;
		while (is_error(r = ffa(FFA_MSG_SEND2, 0, 0, NULL), BUSY)) {
			full++;
			ffa(FFA_YIELD, 0, 0, NULL);
		}
		sent += r.x[0] == FFA_SUCCESS_32;
	}
	check(sent == INDIRECT, "%u of %u indirect messages sent (%u BUSY meanwhile)", sent,
	      INDIRECT, full);
	/* Error cases. */
	check(is_error(ffa(FFA_MSG_SEND_DIRECT_REQ_32, ids(ASKER, ASKER), 0, NULL),
		       INVALID_PARAMETERS),
	      "request to itself: INVALID_PARAMETERS");
	check(is_error(ffa(FFA_MSG_SEND_DIRECT_REQ_32, ids(ASKER, 7), 0, NULL), INVALID_PARAMETERS),
	      "request to an unknown id: INVALID_PARAMETERS");
	check(is_error(ffa(FFA_MSG_SEND_DIRECT_REQ_32, ids(SERVER, SERVER), 0, NULL),
		       INVALID_PARAMETERS),
	      "request in another's name: INVALID_PARAMETERS");
	check(is_error(ffa(FFA_MSG_SEND_DIRECT_REQ_32, ids(ASKER, SERVER), 1U << 31, NULL),
		       INVALID_PARAMETERS),
	      "framework message: INVALID_PARAMETERS");
	check(is_error(ffa(FFA_MSG_SEND_DIRECT_RESP_32, ids(ASKER, SERVER), 0, NULL), DENIED),
	      "response with no request: DENIED");
	check(is_error(ffa(FFA_RUN, ids(9, 0), 0, NULL), INVALID_PARAMETERS),
	      "FFA_RUN of an unknown id: INVALID_PARAMETERS");
	/* A request answered: the server surely waits again (it may still have been reading the
	 * last indirect message), so FFA_RUN ends its wait. */
	request(FFA_MSG_SEND_DIRECT_REQ_32, bench_pay);
	check(ffa(FFA_RUN, ids(SERVER, 0), 0, NULL).x[0] == FFA_SUCCESS_32,
	      "FFA_RUN of the server: SUCCESS");
	/* The server, woken by FFA_RUN, waits again at its next FFA_MSG_WAIT: not counted. */
	check(ffa(FFA_YIELD, 0, 0, NULL).x[0] == FFA_SUCCESS_32, "FFA_YIELD: SUCCESS");

	pay[0] = CMD_STOP;
	r = request(FFA_MSG_SEND_DIRECT_REQ_32, pay);
	check(is_error(r, ABORTED), "the server stopped mid-request: ABORTED (got 0x%lx %d)",
	      (unsigned long)r.x[0], (int)(uint32_t)r.x[2]);
	guest_finish();
}

int main(void)
{
	const uint64_t one[5] = {1}; /* x3: one page each */
	struct ffa_res r;

	check_eq(ffa(FFA_VERSION, 0x10001, 0, NULL).x[0], 0x10001, "FFA_VERSION 1.1");
	r = ffa(FFA_ID_GET, 0, 0, NULL);
	check(r.x[0] == FFA_SUCCESS_32 && (r.x[2] == ASKER || r.x[2] == SERVER), "FFA_ID_GET: %lu",
	      (unsigned long)r.x[2]);
	check(ffa(FFA_RXTX_MAP_64, (uintptr_t)tx, (uintptr_t)rx, one).x[0] == FFA_SUCCESS_32,
	      "FFA_RXTX_MAP");
	if (r.x[2] == SERVER)
		serve();
	else
		ask();
	return 0;
}

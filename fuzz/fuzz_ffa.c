// SPDX-License-Identifier: MIT
/* libFuzzer harness for the FF-A call surface (core/ffa*.c, docs/ffa.md): a VM (endpoint 1 of
 * a two-VM configuration) makes a sequence of FF-A calls with arbitrary x0-x17, from an
 * arbitrary starting RX/TX state. After every call the answer must be well formed (FFA_SUCCESS
 * or FFA_ERROR with a known status and MBZ registers zero, or FFA_VERSION's w0), x8-x17 must
 * be kept, and the VM's RX/TX state must be one the specification allows (page-aligned,
 * non-overlapping buffers inside its RAM). The other VM's RAM must never change.
 *
 * Messages: the other VM (endpoint 2, two vCPUs) takes part too. A step may be made by any of
 * the three vCPUs (but the other VM maps no RX/TX pair); one blocked in a call (FFA_MSG_WAIT, a direct request or response) instead
 * returns if its answer is ready (or, `interrupted`, from a wait), which must then be one its
 * call can return; or its VM "stops" (ffa_msg_vcpu_gone()). After every step the messaging
 * state must be consistent: a vCPU awaiting a response is blocked and served by its receiver,
 * a vCPU serving a request is awaited by its sender, nobody waits for a request while awaiting
 * a response, and a blocked vCPU has a reason to be.
 *
 * Input: byte 0 picks the starting state (bits 0-1 version, 2 a pair mapped, 3 its RX full,
 * 4-6 its page count - 1), then 40-byte steps (zero-padded when short):
 *   [0]    the function: < 0xc0 one of FF-A's ids (a table), else owner 4 number 0x60 + low
 *          bits, bit 6 the SMC64 form
 *   [1]    bit 0/1: x1/x2 made a page of RAM (offset from the value), bit 2: x3 taken as 0-127,
 *          bits 3-4: the vCPU (0, 1: endpoint 1's; 2, 3: endpoint 2's vCPU 0, 1), bit 5: that
 *          vCPU's VM stops instead, bit 6: w2-w7 zero, bit 7: w1 two ids of 0-3
 *   [2]    x5 (the partition info flags); bit 0 also: a blocked vCPU is interrupted
 *   [3, 8) seed of x6-x17
 *   [8,40) x1..x4
 * Seeds: fuzz/corpus/ffa/. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <core/err.h>
#include <core/ffa.h>
#include <core/lib.h>
#include <core/smccc.h>
#include <core/vm.h>
#include <core/vmconfig.h>
#include <hal-sim/sim_hal.h>
#include <sim/sim.h>

#include "fuzz_check.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define RAM_SIZE  (4ULL << 20)
#define STEP_SIZE 40
#define MAX_STEPS 256
#define PAGE	  FFA_RXTX_PAGE_SIZE

static const uint32_t fids[] = {
    FFA_VERSION,
    FFA_FEATURES,
    FFA_RX_RELEASE,
    FFA_RXTX_MAP_32,
    FFA_RXTX_MAP_64,
    FFA_RXTX_UNMAP,
    FFA_PARTITION_INFO_GET,
    FFA_ID_GET,
    FFA_SPM_ID_GET,
    FFA_ERROR,
    FFA_SUCCESS_32,
    FFA_MSG_SEND_DIRECT_REQ_32,
    FFA_MSG_SEND_DIRECT_REQ_64,
    FFA_MSG_SEND_DIRECT_RESP_32,
    FFA_MSG_SEND_DIRECT_RESP_64,
    FFA_MSG_WAIT,
    FFA_RUN,
    FFA_YIELD,
    FFA_MSG_SEND2,
};

static struct sim_machine m, other;
static struct vcpu *vcpus[4]; /* a step's caller, by bits 3-4 of its byte 1 */
static struct vmconfig cfg;
static uint8_t *other_snapshot;

static uint64_t le(const uint8_t *p, unsigned n)
{
	uint64_t v = 0;

	for (unsigned i = 0; i < n; i++)
		v |= (uint64_t)p[i] << (8 * i);
	return v;
}

static void machines_up(void)
{
	static bool up;
	const struct sim_config sc = {.ram_size = RAM_SIZE};

	if (up)
		return;
	up = true;
	sim_hal_reset();
	FUZZ_CHECK(sim_machine_init(&m, &sc) == HV_OK);
	FUZZ_CHECK(sim_machine_init(&other, &sc) == HV_OK);
	FUZZ_CHECK(vm_add_vcpu(m.vm, VM_RAM_BASE, 0, &m.vcpu) == HV_OK);
	FUZZ_CHECK(vm_add_vcpu(other.vm, VM_RAM_BASE, 0, &other.vcpu) == HV_OK);
	FUZZ_CHECK(vm_add_vcpu(other.vm, VM_RAM_BASE, 0, &vcpus[3]) == HV_OK);
	vcpus[0] = vcpus[1] = m.vcpu;
	vcpus[2] = other.vcpu;
	cfg.count = 2;
	cfg.vm[0].vcpus = 1;
	cfg.vm[0].ffa_props = FFA_PART_PROP_MESSAGING;
	cfg.vm[0].ffa_uuid[0] = 0x42;
	cfg.vm[1].vcpus = 2;
	cfg.vm[1].ffa_props = FFA_PART_PROP_MESSAGING;
	ffa_part_init(&cfg);
	ffa_part_attach(m.vm, 1);
	ffa_part_attach(other.vm, 2);
	memset(sim_ram_ptr(&other, VM_RAM_BASE), 0x3c, RAM_SIZE);
	other_snapshot = malloc(RAM_SIZE);
	FUZZ_CHECK(other_snapshot);
	memcpy(other_snapshot, sim_ram_ptr(&other, VM_RAM_BASE), RAM_SIZE);
}

static void start_state(uint8_t b)
{
	static const uint32_t versions[4] = {0, FFA_VERSION_1_0, FFA_VERSION_1_1, 0x10005};
	struct ffa_vm *f = &m.vm->ffa;
	unsigned pages = 1 + ((b >> 4) & 7);

	/* No memory-sharing transaction from an earlier input (pages a lend took from endpoint
	 * 1's stage 2 stay out of it: its TX there reads as ABORTED). */
	ffa_mem_vm_gone(m.vm);
	ffa_mem_vm_gone(other.vm);
	ffa_mem_init();
	ffa_mem_vm_start(m.vm);
	ffa_mem_vm_start(other.vm);
	f->id = 1;
	f->version = versions[b & 3] > FFA_VERSION_1_1 ? FFA_VERSION_1_1 : versions[b & 3];
	f->pages = 0;
	f->rx_full = false;
	f->rx_unseen = false;
	if (b & 4) {
		f->tx = VM_RAM_BASE;
		f->rx = VM_RAM_BASE + RAM_SIZE - pages * PAGE;
		f->pages = pages;
		f->rx_full = b & 8;
	}
}

static bool known_status(uint32_t w2)
{
	int32_t s = (int32_t)w2;

	return s <= FFA_RET_NOT_SUPPORTED && s >= FFA_RET_NO_DATA;
}

static void check_answer(const uint64_t x[FFA_REGS], const uint64_t kept[FFA_REGS], uint32_t fid)
{
	for (unsigned i = 8; i < FFA_REGS; i++)
		FUZZ_CHECK(x[i] == kept[i]);
	if (fid == FFA_VERSION && x[0] != FFA_ERROR) {
		FUZZ_CHECK(x[0] == FFA_VERSION_1_1 || x[0] == (uint32_t)FFA_RET_NOT_SUPPORTED);
		return;
	}
	if (x[0] == FFA_MEM_FRAG_RX) { /* the next fragment of a send: w1/w2 its handle */
		FUZZ_CHECK(x[1] >> 32 == 0 && x[2] >> 31 == 1 && x[3] > 0 && x[3] >> 32 == 0);
		for (unsigned i = 4; i < 8; i++)
			FUZZ_CHECK(x[i] == 0);
		return;
	}
	if (x[0] == FFA_MEM_RETRIEVE_RESP) {
		FUZZ_CHECK(x[1] > 0 && x[1] == x[2]);
		for (unsigned i = 3; i < 8; i++)
			FUZZ_CHECK(x[i] == 0);
		return;
	}
	FUZZ_CHECK(x[0] == FFA_SUCCESS_32 || x[0] == FFA_ERROR);
	FUZZ_CHECK(x[1] == 0);
	for (unsigned i = 4; i < 8; i++)
		FUZZ_CHECK(x[i] == 0);
	if (x[0] == FFA_ERROR) {
		FUZZ_CHECK(known_status((uint32_t)x[2]) && x[3] == 0);
		return;
	}
	FUZZ_CHECK(x[2] >> 32 == 0 && x[3] >> 32 == 0);
	if (fid == FFA_PARTITION_INFO_GET)
		FUZZ_CHECK(x[2] >= 1 && x[2] <= cfg.count);
}

/* What a blocked call of `v` may return with (x0-x7 in its context). */
static void check_returned(const struct vcpu *v)
{
	const uint64_t *x = v->ctx.x;
	uint32_t w0 = (uint32_t)x[0];

	if (w0 == FFA_ERROR) {
		FUZZ_CHECK(x[2] == (uint32_t)FFA_RET_ABORTED ||
			   x[2] == (uint32_t)FFA_RET_INTERRUPTED);
		return;
	}
	FUZZ_CHECK(w0 == FFA_MSG_SEND_DIRECT_REQ_32 || w0 == FFA_MSG_SEND_DIRECT_REQ_64 ||
		   w0 == FFA_MSG_SEND_DIRECT_RESP_32 || w0 == FFA_MSG_SEND_DIRECT_RESP_64 ||
		   w0 == FFA_RUN);
	FUZZ_CHECK(x[2] == 0);
	if (w0 == FFA_RUN) {
		FUZZ_CHECK(x[1] == ((uint64_t)v->vm->ffa.id << 16 | v->id));
		return;
	}
	/* Between the two endpoints, never to or from itself. */
	FUZZ_CHECK(x[1] == (1U << 16 | 2U) || x[1] == (2U << 16 | 1U));
	FUZZ_CHECK((x[1] & 0xffff) == v->vm->ffa.id); /* the receiver of either */
	if (!(w0 & SMCCC_SMC64)) {
		for (unsigned i = 3; i < 8; i++)
			FUZZ_CHECK(x[i] >> 32 == 0);
	}
}

/* The messaging state of every vCPU (core/ffa_msg.c). */
static void check_messages(void)
{
	for (unsigned i = 1; i < 4; i++) {
		const struct vcpu *v = vcpus[i];
		const struct ffa_vcpu *f = &v->ffa;

		FUZZ_CHECK(!(f->waiting && f->awaiting));
		if (f->awaiting)
			FUZZ_CHECK(f->awaiting->ffa.serving == v && v->sched.ffa_wait);
		if (f->serving)
			FUZZ_CHECK(f->serving->ffa.awaiting == v && !f->requester_gone);
		if (f->ready)
			FUZZ_CHECK(v->sched.ffa_wait);
		if (v->sched.ffa_wait)
			FUZZ_CHECK(v->state == VCPU_BLOCKED &&
				   (f->waiting || f->awaiting || f->ready));
	}
}

/* One step of a vCPU blocked in a call: it returns (its answer checked) or stays blocked. */
static void blocked_step(struct vcpu *v, bool interrupted)
{
	if (!ffa_msg_resume(v, interrupted))
		return;
	FUZZ_CHECK(!v->sched.ffa_wait);
	check_returned(v);
	v->state = VCPU_RUNNING;
}

/* Every vCPU's VM stops: nothing of this input's messages is left for the next. */
static void all_gone(void)
{
	for (unsigned i = 1; i < 4; i++) {
		ffa_msg_vcpu_gone(vcpus[i]);
		vcpus[i]->state = VCPU_RUNNING;
	}
	for (unsigned i = 1; i < 4; i++)
		FUZZ_CHECK(!vcpus[i]->sched.ffa_wait && !vcpus[i]->ffa.ready);
}

/* What the specification allows a VM's mailbox to be. */
static void check_state(void)
{
	const struct ffa_vm *f = &m.vm->ffa;
	uint64_t len = (uint64_t)f->pages * PAGE, end = VM_RAM_BASE + RAM_SIZE;

	FUZZ_CHECK(f->id == 1);
	FUZZ_CHECK(f->version == 0 || f->version == FFA_VERSION_1_0 ||
		   f->version == FFA_VERSION_1_1);
	FUZZ_CHECK(f->pages <= FFA_RXTX_PAGE_COUNT_MASK);
	FUZZ_CHECK(!f->rx_unseen || f->rx_full);
	if (!f->pages) {
		FUZZ_CHECK(!f->rx_full);
		return;
	}
	FUZZ_CHECK(f->tx % PAGE == 0 && f->rx % PAGE == 0);
	FUZZ_CHECK(f->tx >= VM_RAM_BASE && f->tx + len <= end);
	FUZZ_CHECK(f->rx >= VM_RAM_BASE && f->rx + len <= end);
	FUZZ_CHECK(f->tx + len <= f->rx || f->rx + len <= f->tx);
}

static uint64_t ram_page(uint64_t v)
{
	return VM_RAM_BASE + (v % (RAM_SIZE / PAGE)) * PAGE;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint64_t x[FFA_REGS], kept[FFA_REGS];
	struct vcpu *caller;

	machines_up();
	if (size < 1)
		return 0;
	start_state(data[0]);
	data++;
	size--;
	for (unsigned n = 0; n < MAX_STEPS && size > 0; n++) {
		uint8_t s[STEP_SIZE] = {0};
		uint32_t fid;
		uint64_t seed;

		memcpy(s, data, size < STEP_SIZE ? size : STEP_SIZE);
		data += size < STEP_SIZE ? size : STEP_SIZE;
		size -= size < STEP_SIZE ? size : STEP_SIZE;
		if (s[0] < 0xc0)
			fid = fids[s[0] % ARRAY_SIZE(fids)];
		else
			fid = 0x84000000U | (FFA_FN_FIRST + (s[0] & 0x3f)) |
			      ((s[0] & 0x40) ? SMCCC_SMC64 : 0);
		seed = le(s + 3, 5);
		x[0] = (uint64_t)le(s + 3, 4) << 32 | fid; /* the upper half is ignored */
		for (unsigned i = 1; i <= 4; i++)
			x[i] = le(s + 8 * i, 8);
		if (s[1] & 1)
			x[1] = ram_page(x[1]);
		if (s[1] & 2)
			x[2] = ram_page(x[2]);
		if (s[1] & 4)
			x[3] &= 0x7f;
		x[5] = s[2];
		for (unsigned i = 6; i < FFA_REGS; i++)
			x[i] = seed * 0x9e3779b97f4a7c15ULL + i;
		if (s[1] & 0x40) {
			for (unsigned i = 2; i < 8; i++)
				x[i] &= ~0xffffffffULL;
		}
		if (s[1] & 0x80)
			x[1] = (x[1] & 0x30000) | (x[1] >> 8 & 3);
		caller = vcpus[(s[1] >> 3) & 3];
		/* The other VM never maps a pair: then nothing may write its RAM (checked at the
		 * end), while its vCPUs still send, wait and answer. */
		if (caller->vm == other.vm && (fid & ~SMCCC_SMC64) == FFA_RXTX_MAP_32)
			continue;
		/* Nor does it make memory-sharing calls: lending populates (zeroes) its RAM, and
		 * a retrieve would need an RX (tests/unit/test_ffa_mem.c covers retrieving). */
		if (caller->vm == other.vm && (fid & FFA_FN_MASK) >= (FFA_MEM_DONATE_32 & 0xff) &&
		    (fid & FFA_FN_MASK) <= (FFA_MEM_FRAG_TX & 0xff))
			x[0] = fid = FFA_ID_GET;
		if (s[1] & 0x20) {
			ffa_msg_vcpu_gone(caller);
			caller->state = VCPU_RUNNING;
		} else if (caller->sched.ffa_wait) {
			blocked_step(caller, s[2] & 1);
		} else {
			memcpy(kept, x, sizeof(x));
			FUZZ_CHECK(ffa_handle(caller, x));
			if (!caller->sched.ffa_wait)
				check_answer(x, kept, fid);
			else
				FUZZ_CHECK((fid & ~SMCCC_SMC64) == FFA_MSG_WAIT ||
					   (fid & ~SMCCC_SMC64) == FFA_MSG_SEND_DIRECT_REQ_32 ||
					   (fid & ~SMCCC_SMC64) == FFA_MSG_SEND_DIRECT_RESP_32);
		}
		check_messages();
		check_state();
	}
	all_gone();
	FUZZ_CHECK(memcmp(other_snapshot, sim_ram_ptr(&other, VM_RAM_BASE), RAM_SIZE) == 0);
	return 0;
}

// SPDX-License-Identifier: MIT
/* Tests of FF-A indirect messages (core/ffa_msg_send2.c, docs/ffa.md; DEN0077 v1.1 7.2 and
 * 13.12): FFA_MSG_SEND2 copies the header and payload from the sender's TX into the receiver's
 * RX, which the receiver then owns; BUSY while it does; each malformed header, register or
 * missing property; a receiver in FFA_MSG_WAIT woken with FFA_RUN, one not waiting told by its
 * next FFA_MSG_WAIT, and a v1.1 FFA_MSG_WAIT giving the RX back. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include <core/err.h>
#include <core/ffa.h>
#include <core/lib.h>
#include <core/vmconfig.h>
#include <hal-sim/sim_hal.h>
#include <sim/sim.h>

#include "fixture.h"

#define TX   (VM_RAM_BASE + 0x100000)
#define RX   (VM_RAM_BASE + 0x104000)
#define PAGE FFA_RXTX_PAGE_SIZE
#define A_B  (1U << 16 | 2U)
#define HDR  20

static struct sim_machine ma, mb;
static struct vmconfig cfg;
static struct vcpu *a, *b;
static uint64_t x[FFA_REGS];

static void call(struct vcpu *v, uint32_t fid, uint64_t a1, uint64_t a2, uint64_t a3)
{
	memset(x, 0, sizeof(x));
	x[0] = fid;
	x[1] = a1;
	x[2] = a2;
	x[3] = a3;
	assert_true(ffa_handle(v, x));
}

static void assert_success(void)
{
	assert_int_equal(x[0], FFA_SUCCESS_32);
}

static void assert_error(int32_t status)
{
	assert_int_equal(x[0], FFA_ERROR);
	assert_int_equal(x[2], (uint32_t)status);
}

static int setup(void **state)
{
	static const uint32_t prog[] = {SIM_A64_HVC0};

	sim_hal_reset();
	assert_int_equal(sim_machine_init(&ma, NULL), HV_OK);
	assert_int_equal(sim_machine_load_program(&ma, prog, 1), HV_OK);
	assert_int_equal(sim_machine_init(&mb, NULL), HV_OK);
	assert_int_equal(sim_machine_load_program(&mb, prog, 1), HV_OK);
	memset(&cfg, 0, sizeof(cfg));
	cfg.count = 2;
	cfg.vm[0].vcpus = cfg.vm[1].vcpus = 1;
	cfg.vm[0].ffa_props = cfg.vm[1].ffa_props = FFA_PART_PROP_INDIRECT;
	ffa_part_init(&cfg);
	ffa_part_attach(ma.vm, 1);
	ffa_part_attach(mb.vm, 2);
	a = ma.vcpu;
	b = mb.vcpu;
	call(a, FFA_RXTX_MAP_64, TX, RX, 1);
	assert_success();
	call(b, FFA_RXTX_MAP_64, TX, RX, 1);
	assert_success();
	return 0;
}

static int teardown(void **state)
{
	ffa_part_init(NULL);
	sim_machine_destroy(&ma);
	sim_machine_destroy(&mb);
	return 0;
}

static void put32(uint8_t *p, uint32_t v)
{
	memcpy(p, &v, 4); /* the host is little endian, as the guest */
}

static uint32_t get32(const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, 4);
	return v;
}

/* A message in a's TX: the header with `ids`, the payload `size` bytes of 0x40 + i at `offset`. */
static void compose(uint32_t ids, uint32_t offset, uint32_t size)
{
	uint8_t *tx = sim_ram_ptr(&ma, TX);

	memset(tx, 0xee, PAGE);
	put32(tx + 0, 0);
	put32(tx + 4, 0);
	put32(tx + 8, offset);
	put32(tx + 12, ids);
	put32(tx + 16, size);
	for (uint32_t i = 0; i < size && offset + i < PAGE; i++)
		tx[offset + i] = (uint8_t)(0x40 + i);
}

static void send(void)
{
	call(a, FFA_MSG_SEND2, 0, 0, 0);
}

static void test_ffa_send2_copies_header_and_payload_into_the_receivers_rx(void **state)
{
	const uint8_t *rx = sim_ram_ptr(&mb, RX);

	memset(sim_ram_ptr(&mb, RX), 0, PAGE);
	compose(A_B, 32, 300);
	send();
	assert_success();
	assert_int_equal(get32(rx + 0), 0);
	assert_int_equal(get32(rx + 8), 32);
	assert_int_equal(get32(rx + 12), A_B);
	assert_int_equal(get32(rx + 16), 300);
	for (unsigned i = 20; i < 32; i++)
		assert_int_equal(rx[i], 0); /* nothing of the sender's between */
	for (unsigned i = 0; i < 300; i++)
		assert_int_equal(rx[32 + i], (uint8_t)(0x40 + i));
	assert_int_equal(rx[332], 0);
	/* The RX is b's now: a second message is BUSY until it releases it. */
	send();
	assert_error(FFA_RET_BUSY);
	call(b, FFA_RX_RELEASE, 0, 0, 0);
	assert_success();
	compose(A_B, HDR, PAGE - HDR); /* the largest that fits */
	send();
	assert_success();
	assert_int_equal(rx[PAGE - 1], (uint8_t)(0x40 + PAGE - HDR - 1));
}

static void test_ffa_send2_without_buffers(void **state)
{
	compose(A_B, HDR, 4);
	call(b, FFA_RXTX_UNMAP, 0, 0, 0);
	send();
	assert_error(FFA_RET_BUSY); /* the receiver has no RX */
	call(a, FFA_RXTX_UNMAP, 0, 0, 0);
	send();
	assert_error(FFA_RET_DENIED); /* the sender has no TX */
}

static void test_ffa_send2_malformed_messages_are_invalid_parameters(void **state)
{
	static const struct {
		uint32_t ids, offset, size;
	} bad[] = {
	    {A_B, HDR - 1, 4},		/* payload over the header */
	    {A_B, HDR, PAGE - HDR + 1}, /* past the end of the TX */
	    {A_B, 0xfffffff0U, 0x20},	/* wrapping */
	    {2U << 16 | 2U, HDR, 4},	/* in another's name */
	    {1U << 16 | 1U, HDR, 4},	/* to itself */
	    {1U << 16 | 5U, HDR, 4},	/* to nobody */
	    {1U << 16 | 0U, HDR, 4},	/* to the hypervisor */
	};
	uint8_t *tx = sim_ram_ptr(&ma, TX);

	for (unsigned i = 0; i < ARRAY_SIZE(bad); i++) {
		compose(bad[i].ids, bad[i].offset, bad[i].size);
		send();
		assert_error(FFA_RET_INVALID_PARAMETERS);
	}
	compose(A_B, HDR, 4);
	put32(tx + 0, 1); /* flags MBZ */
	send();
	assert_error(FFA_RET_INVALID_PARAMETERS);
	compose(A_B, HDR, 4);
	put32(tx + 4, 1); /* reserved MBZ */
	send();
	assert_error(FFA_RET_INVALID_PARAMETERS);
	/* The registers: w1 MBZ from a VM, w2 only bit 1, w3-w7 MBZ. */
	compose(A_B, HDR, 4);
	call(a, FFA_MSG_SEND2, 1U << 16, 0, 0);
	assert_error(FFA_RET_INVALID_PARAMETERS);
	call(a, FFA_MSG_SEND2, 0, 1, 0);
	assert_error(FFA_RET_INVALID_PARAMETERS);
	call(a, FFA_MSG_SEND2, 0, 0, 1);
	assert_error(FFA_RET_INVALID_PARAMETERS);
	call(a, FFA_MSG_SEND2, 0, 2, 0); /* delay the schedule receiver interrupt: allowed */
	assert_success();
}

static void test_ffa_send2_needs_the_indirect_property_at_both_ends(void **state)
{
	compose(A_B, HDR, 4);
	cfg.vm[0].ffa_props = FFA_PART_PROP_DIRECT_SEND;
	send();
	assert_error(FFA_RET_DENIED);
	cfg.vm[0].ffa_props = FFA_PART_PROP_INDIRECT;
	cfg.vm[1].ffa_props = FFA_PART_PROP_DIRECT_RECV;
	send();
	assert_error(FFA_RET_DENIED);
}

static void test_ffa_send2_to_a_stopped_vm_is_busy(void **state)
{
	compose(A_B, HDR, 4);
	mb.vm->state = VM_STOPPED;
	send();
	assert_error(FFA_RET_BUSY);
	mb.vm->state = VM_CREATED;
}

static void test_ffa_send2_wakes_a_waiting_receiver_with_ffa_run(void **state)
{
	call(b, FFA_MSG_WAIT, 0, 0, 0);
	assert_true(b->sched.ffa_wait);
	compose(A_B, HDR, 4);
	send();
	assert_success();
	assert_true(ffa_msg_resume(b, false));
	assert_int_equal(b->ctx.x[0], FFA_RUN);
	assert_int_equal(b->ctx.x[1], 2U << 16 | 0);
	b->state = VCPU_RUNNING;
	/* Told: its next wait gives the RX back and blocks. */
	call(b, FFA_MSG_WAIT, 0, 0, 0);
	assert_true(b->sched.ffa_wait);
	assert_false(mb.vm->ffa.rx_full);
}

static void test_ffa_msg_wait_returns_at_once_for_a_message_not_told(void **state)
{
	compose(A_B, HDR, 4);
	send();
	assert_success();
	/* b was running: its wait returns FFA_RUN at once, the RX still its own. */
	call(b, FFA_MSG_WAIT, 0, 0, 0);
	assert_false(b->sched.ffa_wait);
	assert_int_equal(x[0], FFA_RUN);
	assert_int_equal(x[1], 2U << 16 | 0);
	assert_true(mb.vm->ffa.rx_full);
	/* The next gives it back (v1.1): the RX is free for the next message. */
	call(b, FFA_MSG_WAIT, 0, 0, 0);
	assert_true(b->sched.ffa_wait);
	call(b, FFA_RX_RELEASE, 0, 0, 0);
	assert_error(FFA_RET_DENIED);
	send();
	assert_success();
}

static void test_ffa_msg_wait_of_a_1_0_caller_keeps_its_rx(void **state)
{
	call(b, FFA_VERSION, FFA_VERSION_1_0, 0, 0);
	call(b, FFA_PARTITION_INFO_GET, 0, 0, 0); /* fills its RX */
	assert_success();
	call(b, FFA_MSG_WAIT, 0, 0, 0);
	assert_true(b->sched.ffa_wait);
	assert_true(mb.vm->ffa.rx_full);
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
	const struct CMUnitTest tests[] = {
	    T(test_ffa_send2_copies_header_and_payload_into_the_receivers_rx),
	    T(test_ffa_send2_without_buffers),
	    T(test_ffa_send2_malformed_messages_are_invalid_parameters),
	    T(test_ffa_send2_needs_the_indirect_property_at_both_ends),
	    T(test_ffa_send2_to_a_stopped_vm_is_busy),
	    T(test_ffa_send2_wakes_a_waiting_receiver_with_ffa_run),
	    T(test_ffa_msg_wait_returns_at_once_for_a_message_not_told),
	    T(test_ffa_msg_wait_of_a_1_0_caller_keeps_its_rx),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

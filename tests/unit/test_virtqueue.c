// SPDX-License-Identifier: MIT
/* Tests of vdev/virtqueue.c, split virtqueues on the device side (virtio 1.2, 2.7), on a VM
 * with real guest RAM: enabling, taking chains (direct, indirect, mixed) and their byte
 * streams, the used ring, interrupt suppression with and without VIRTIO_RING_F_EVENT_IDX;
 * hostile rings (heads and next indices out of range, loops, buffers outside RAM, at host or
 * another VM's memory, wrapping, huge, indirect-table abuse, readable-after-writable, idx
 * jumps, RAM that goes away) each break the queue without touching memory; and a model-based
 * random test of publish/pop/push/interrupt across the 16-bit index wrap. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <core/err.h>
#include <core/lib.h>
#include <core/pgtable.h>
#include <hal-sim/sim_hal.h>
#include <sim/sim.h>
#include <vdev/virtqueue.h>

#include "rng.h"
#include "virtio_driver.h"

#define NUM	   8
#define IND	   (VD_RING_BASE + 0x4000) /* indirect tables */
#define IND2	   (VD_RING_BASE + 0x5000)
#define BUF(n)	   (VD_DATA + 0x1000ULL * (n))
#define RAM_END	   (VM_RAM_BASE + SIM_RAM_SIZE)
#define RAND_ITERS 600000

static struct sim_machine m, other;
static struct virtq q;
static struct virtq_chain chain;
static struct vdrv drv;
static uint8_t *other_snapshot;

static int setup(void **state)
{
	sim_hal_reset();
	assert_int_equal(sim_machine_init(&m, NULL), HV_OK);
	assert_int_equal(sim_machine_init(&other, NULL), HV_OK);
	other_snapshot = malloc(SIM_RAM_SIZE);
	assert_non_null(other_snapshot);
	g_read(other.vm, VM_RAM_BASE, other_snapshot, SIM_RAM_SIZE);
	g_fill(m.vm, VD_RING_BASE, 0, 0x10000);
	memset(&drv, 0, sizeof(drv));
	drv.vm = m.vm;
	drv.num = NUM;
	drv.desc = VD_DESC;
	drv.avail = VD_AVAIL;
	drv.used = VD_USED;
	virtq_reset(&q);
	q.num = NUM;
	q.desc = VD_DESC;
	q.avail = VD_AVAIL;
	q.used = VD_USED;
	assert_int_equal(virtq_enable(m.vm, &q, VIRTQ_MAX_SIZE, false, true), HV_OK);
	return 0;
}

/* Every test: the other VM's RAM is as it was. */
static int teardown(void **state)
{
	uint8_t *now = malloc(SIM_RAM_SIZE);

	assert_non_null(now);
	g_read(other.vm, VM_RAM_BASE, now, SIM_RAM_SIZE);
	assert_memory_equal(now, other_snapshot, SIM_RAM_SIZE);
	free(now);
	free(other_snapshot);
	sim_machine_destroy(&other);
	sim_machine_destroy(&m);
	return 0;
}

static void enable(bool event_idx, bool indirect)
{
	assert_int_equal(virtq_enable(m.vm, &q, VIRTQ_MAX_SIZE, event_idx, indirect), HV_OK);
}

/* Publish `head` and expect the queue to break with `why`, having written nothing. */
static void expect_broken(uint16_t head, const char *why)
{
	uint8_t used[8 * NUM + 6];

	g_read(m.vm, VD_USED, used, sizeof(used));
	vdrv_publish(&drv, head);
	assert_int_equal(virtq_pop(m.vm, &q, &chain), HV_EINVAL);
	assert_true(q.broken);
	assert_string_equal(q.error, why);
	/* Broken stays broken. */
	assert_int_equal(virtq_pop(m.vm, &q, &chain), HV_EINVAL);
	assert_int_equal(virtq_push(m.vm, &q, 0, 0), HV_EINVAL);
	for (unsigned i = 0; i < sizeof(used); i++)
		assert_int_equal(g_byte(m.vm, VD_USED + i), used[i]);
}

static void test_virtqueue_enable_starts_at_index_zero_not_broken(void **state)
{
	q.broken = true;
	q.error = "old";
	q.last_avail = q.used_idx = 5;
	enable(true, false);
	assert_true(q.ready && q.event_idx && !q.indirect && !q.broken);
	assert_null(q.error);
	assert_int_equal(q.last_avail, 0);
	assert_int_equal(q.used_idx, 0);
	virtq_reset(&q);
	assert_false(q.ready);
	assert_int_equal(q.num, 0);
	assert_int_equal(virtq_pop(m.vm, &q, &chain), HV_EINVAL); /* not ready */
	assert_int_equal(virtq_push(m.vm, &q, 0, 0), HV_EINVAL);
}

static void test_virtqueue_enable_refuses_what_it_cannot_use(void **state)
{
	virtq_reset(&q);
	q.num = 16;
	q.desc = VD_DESC;
	q.avail = VD_AVAIL;
	q.used = VD_USED;
	assert_int_equal(virtq_enable(m.vm, &q, 8, false, false), HV_EINVAL);
	assert_string_equal(q.error, "queue size is not a power of two up to QueueNumMax");
	assert_false(q.ready);
	q.num = 8;
	q.used = RAM_END - 68; /* 70 bytes: avail_event is past RAM */
	assert_int_equal(virtq_enable(m.vm, &q, 8, false, false), HV_EINVAL);
	assert_string_equal(q.error, "ring outside the VM's RAM");
	q.used = RAM_END - 72;
	assert_int_equal(virtq_enable(m.vm, &q, 8, false, false), HV_OK);
	/* The largest queue: 256 entries. */
	q.num = VIRTQ_MAX_SIZE;
	q.used = VD_USED;
	assert_int_equal(virtq_enable(m.vm, &q, VIRTQ_MAX_SIZE, false, false), HV_OK);
}

static void test_virtqueue_empty_ring_gives_nothing(void **state)
{
	assert_int_equal(virtq_pop(m.vm, &q, &chain), 0);
	assert_int_equal(virtq_pop(m.vm, &q, &chain), 0);
	assert_false(virtq_should_interrupt(m.vm, &q)); /* nothing was pushed */
}

static void test_virtqueue_chain_is_flattened_readable_then_writable(void **state)
{
	static const char hdr[] = "0123456789abcdef", more[] = "XYZ";
	uint8_t got[32];

	g_write(m.vm, BUF(0), hdr, 16);
	g_write(m.vm, BUF(1) + 100, more, 3);
	vdrv_desc(&drv, VD_DESC, 3, BUF(0), 16, D_NEXT, 5);
	vdrv_desc(&drv, VD_DESC, 5, BUF(1) + 100, 3, D_NEXT, 0);
	vdrv_desc(&drv, VD_DESC, 0, BUF(2), 0, D_NEXT | D_WRITE, 7); /* zero length: fine */
	vdrv_desc(&drv, VD_DESC, 7, BUF(3), 10, D_NEXT | D_WRITE, 1);
	vdrv_desc(&drv, VD_DESC, 1, BUF(4), 1, D_WRITE, 6); /* no NEXT: next is ignored */
	vdrv_publish(&drv, 3);
	assert_int_equal(virtq_pop(m.vm, &q, &chain), 1);
	assert_int_equal(chain.head, 3);
	assert_int_equal(chain.count, 5);
	assert_int_equal(chain.nr_readable, 2);
	assert_int_equal(chain.readable, 19);
	assert_int_equal(chain.writable, 11);
	/* The readable stream crosses buffers. */
	assert_int_equal(virtq_chain_read(m.vm, &chain, 14, got, 5), HV_OK);
	assert_memory_equal(got, "efXYZ", 5);
	assert_int_equal(virtq_chain_read(m.vm, &chain, 0, got, 19), HV_OK);
	assert_int_equal(virtq_chain_read(m.vm, &chain, 0, got, 20), HV_ERANGE);
	assert_int_equal(virtq_chain_read(m.vm, &chain, 20, got, 0), HV_ERANGE);
	/* So does the writable one, skipping the empty buffer. */
	assert_int_equal(virtq_chain_write(m.vm, &chain, 8, "abc", 3), HV_OK);
	assert_int_equal(g_byte(m.vm, BUF(3) + 8), 'a');
	assert_int_equal(g_byte(m.vm, BUF(3) + 9), 'b');
	assert_int_equal(g_byte(m.vm, BUF(4)), 'c');
	assert_int_equal(virtq_chain_write(m.vm, &chain, 10, "de", 2), HV_ERANGE);
	assert_int_equal(virtq_pop(m.vm, &q, &chain), 0);
}

static void test_virtqueue_push_writes_the_element_then_the_index(void **state)
{
	uint32_t id, len;

	for (uint16_t i = 0; i < 2 * NUM + 3; i++) {
		vdrv_desc(&drv, VD_DESC, i % NUM, BUF(0), 4, D_WRITE, 0);
		vdrv_publish(&drv, i % NUM);
		assert_int_equal(virtq_pop(m.vm, &q, &chain), 1);
		assert_int_equal(virtq_push(m.vm, &q, chain.head, 100 + i), HV_OK);
		assert_int_equal(vdrv_used_idx(&drv), i + 1);
		vdrv_used_elem(&drv, i, &id, &len);
		assert_int_equal(id, i % NUM);
		assert_int_equal(len, 100 + i);
	}
}

static void test_virtqueue_pop_sees_buffers_published_meanwhile(void **state)
{
	vdrv_desc(&drv, VD_DESC, 0, BUF(0), 4, 0, 0);
	vdrv_publish(&drv, 0);
	vdrv_publish(&drv, 0);
	assert_int_equal(virtq_pop(m.vm, &q, &chain), 1);
	vdrv_publish(&drv, 0);
	assert_int_equal(virtq_pop(m.vm, &q, &chain), 1);
	assert_int_equal(virtq_pop(m.vm, &q, &chain), 1);
	assert_int_equal(virtq_pop(m.vm, &q, &chain), 0);
}

static void test_virtqueue_indirect_table_is_walked(void **state)
{
	uint8_t got[4];

	g_write(m.vm, BUF(1), "abcd", 4);
	/* A direct readable buffer, then the table (its WRITE flag is ignored). */
	vdrv_desc(&drv, VD_DESC, 2, BUF(1), 2, D_NEXT, 4);
	vdrv_desc(&drv, VD_DESC, 4, IND, 3 * 16, D_INDIRECT | D_WRITE, 0);
	vdrv_desc(&drv, IND, 0, BUF(1) + 2, 2, D_NEXT, 2);
	vdrv_desc(&drv, IND, 2, BUF(2), 64, D_NEXT | D_WRITE, 1);
	vdrv_desc(&drv, IND, 1, BUF(3), 1, D_WRITE, 0);
	vdrv_publish(&drv, 2);
	assert_int_equal(virtq_pop(m.vm, &q, &chain), 1);
	assert_int_equal(chain.head, 2);
	assert_int_equal(chain.count, 4);
	assert_int_equal(chain.readable, 4);
	assert_int_equal(chain.writable, 65);
	assert_int_equal(virtq_chain_read(m.vm, &chain, 0, got, 4), HV_OK);
	assert_memory_equal(got, "abcd", 4);
}

static void test_virtqueue_full_indirect_table_is_accepted(void **state)
{
	vdrv_desc(&drv, VD_DESC, 0, IND, 16 * VIRTQ_CHAIN_MAX, D_INDIRECT, 0);
	for (uint16_t i = 0; i < VIRTQ_CHAIN_MAX; i++)
		vdrv_desc(&drv, IND, i, BUF(0) + i, 1, i + 1 < VIRTQ_CHAIN_MAX ? D_NEXT : 0, i + 1);
	vdrv_publish(&drv, 0);
	assert_int_equal(virtq_pop(m.vm, &q, &chain), 1);
	assert_int_equal(chain.count, VIRTQ_CHAIN_MAX);
	assert_int_equal(chain.readable, VIRTQ_CHAIN_MAX);
}

/* --- hostile rings --- */

static void test_virtqueue_head_beyond_the_queue_breaks_it(void **state)
{
	expect_broken(NUM, "available ring names a descriptor beyond the queue size");
}

static void test_virtqueue_avail_idx_jump_breaks_it(void **state)
{
	vdrv_desc(&drv, VD_DESC, 0, BUF(0), 4, 0, 0);
	vdrv_set_avail_idx(&drv, NUM); /* a full ring is fine */
	for (unsigned i = 0; i < NUM; i++)
		assert_int_equal(virtq_pop(m.vm, &q, &chain), 1);
	assert_int_equal(virtq_pop(m.vm, &q, &chain), 0);
	vdrv_set_avail_idx(&drv, 2 * NUM + 1);
	assert_int_equal(virtq_pop(m.vm, &q, &chain), HV_EINVAL);
	assert_string_equal(q.error, "available idx is more than the queue size ahead");
	/* Going backwards is a jump of almost 65536. */
	enable(false, false);
	vdrv_set_avail_idx(&drv, 0xffff);
	assert_int_equal(virtq_pop(m.vm, &q, &chain), HV_EINVAL);
}

static void test_virtqueue_loops_end_in_an_error(void **state)
{
	vdrv_desc(&drv, VD_DESC, 1, BUF(0), 4, D_NEXT, 1); /* itself */
	expect_broken(1, "descriptor chain loops");
	enable(false, false);
	drv.avail_idx = 0;
	vdrv_desc(&drv, VD_DESC, 1, BUF(0), 4, D_NEXT, 6);
	vdrv_desc(&drv, VD_DESC, 6, BUF(0), 4, D_NEXT | D_WRITE, 3);
	vdrv_desc(&drv, VD_DESC, 3, BUF(0), 4, D_NEXT | D_WRITE, 6);
	expect_broken(1, "descriptor chain loops");
	/* In an indirect table. */
	enable(false, true);
	drv.avail_idx = 0;
	vdrv_desc(&drv, VD_DESC, 0, IND, 4 * 16, D_INDIRECT, 0);
	vdrv_desc(&drv, IND, 0, BUF(0), 4, D_NEXT, 3);
	vdrv_desc(&drv, IND, 3, BUF(0), 4, D_NEXT, 0);
	expect_broken(0, "descriptor chain loops");
}

static void test_virtqueue_next_out_of_range_breaks_it(void **state)
{
	vdrv_desc(&drv, VD_DESC, 0, BUF(0), 4, D_NEXT, NUM);
	expect_broken(0, "next descriptor out of the table");
	enable(false, true);
	drv.avail_idx = 0;
	/* A table of 2: index 2 is outside it, though inside the ring's table. */
	vdrv_desc(&drv, VD_DESC, 0, IND, 2 * 16, D_INDIRECT, 0);
	vdrv_desc(&drv, IND, 0, BUF(0), 4, D_NEXT, 2);
	expect_broken(0, "next descriptor out of the table");
}

/* Buffers anywhere but this VM's RAM: nothing is read or written. */
static void test_virtqueue_buffers_outside_ram_break_it(void **state)
{
	static uint8_t hv_memory[64];
	const struct {
		uint64_t addr;
		uint32_t len;
	} bad[] = {
	    {VM_RAM_BASE - 16, 16},		  /* below RAM */
	    {RAM_END - 8, 16},			  /* runs past the end */
	    {RAM_END, 1},			  /* just past */
	    {VM_PL011_BASE, 4},			  /* a device */
	    {0, 4},				  /* nothing */
	    {(uint64_t)(uintptr_t)hv_memory, 64}, /* hypervisor memory, by host address */
	    {(uint64_t)(uintptr_t)sim_ram_ptr(&other, VD_DATA), 64}, /* the other VM's RAM */
	    {0xfffffffffffffff0ULL, 0x20},			     /* wraps */
	    {VM_RAM_BASE, 0xffffffff - 16}, /* huge: the chain is exactly 4 GiB - 1 */
	};

	memset(hv_memory, 0x77, sizeof(hv_memory));
	for (unsigned i = 0; i < ARRAY_SIZE(bad); i++) {
		enable(false, false);
		drv.avail_idx = 0;
		vdrv_desc(&drv, VD_DESC, 0, BUF(0), 16, D_NEXT, 1);
		vdrv_desc(&drv, VD_DESC, 1, bad[i].addr, bad[i].len, D_WRITE, 0);
		expect_broken(0, "buffer outside the VM's RAM");
	}
	for (unsigned i = 0; i < sizeof(hv_memory); i++)
		assert_int_equal(hv_memory[i], 0x77);
}

static void test_virtqueue_readable_after_writable_breaks_it(void **state)
{
	vdrv_desc(&drv, VD_DESC, 0, BUF(0), 16, D_NEXT | D_WRITE, 1);
	vdrv_desc(&drv, VD_DESC, 1, BUF(1), 16, 0, 0);
	expect_broken(0, "device-readable buffer after a writable one");
	/* Even when the writable one is empty, and across an indirect table. */
	enable(false, true);
	drv.avail_idx = 0;
	vdrv_desc(&drv, VD_DESC, 0, BUF(0), 0, D_NEXT | D_WRITE, 1);
	vdrv_desc(&drv, VD_DESC, 1, IND, 16, D_INDIRECT, 0);
	vdrv_desc(&drv, IND, 0, BUF(1), 16, 0, 0);
	expect_broken(0, "device-readable buffer after a writable one");
}

struct bad_indirect {
	uint64_t addr;
	uint32_t len;
	uint16_t flags;
	const char *why;
};

static void test_virtqueue_bad_indirect_descriptors_break_it(void **state)
{
	static const struct bad_indirect cases[] = {
	    {IND, 0, D_INDIRECT, "indirect table length is not 16 to 16 * VIRTQ_CHAIN_MAX by 16"},
	    {IND, 24, D_INDIRECT, "indirect table length is not 16 to 16 * VIRTQ_CHAIN_MAX by 16"},
	    {IND, 16 * (VIRTQ_CHAIN_MAX + 1), D_INDIRECT,
	     "indirect table length is not 16 to 16 * VIRTQ_CHAIN_MAX by 16"},
	    {IND, 0xfffffff0, D_INDIRECT,
	     "indirect table length is not 16 to 16 * VIRTQ_CHAIN_MAX by 16"},
	    {IND, 32, D_INDIRECT | D_NEXT, "indirect descriptor with NEXT"},
	    {RAM_END - 16, 32, D_INDIRECT, "indirect table outside the VM's RAM"},
	    {0xfffffffffffffff0ULL, 32, D_INDIRECT, "indirect table outside the VM's RAM"},
	    {VM_PL011_BASE, 32, D_INDIRECT, "indirect table outside the VM's RAM"},
	};

	for (unsigned i = 0; i < ARRAY_SIZE(cases); i++) {
		enable(false, true);
		drv.avail_idx = 0;
		vdrv_desc(&drv, VD_DESC, 0, cases[i].addr, cases[i].len, cases[i].flags, 1);
		vdrv_desc(&drv, IND, 0, BUF(0), 4, 0, 0);
		expect_broken(0, cases[i].why);
	}
}

static void test_virtqueue_indirect_needs_the_feature(void **state)
{
	enable(false, false);
	vdrv_desc(&drv, VD_DESC, 0, IND, 16, D_INDIRECT, 0);
	vdrv_desc(&drv, IND, 0, BUF(0), 4, 0, 0);
	expect_broken(0, "indirect descriptor without VIRTIO_RING_F_INDIRECT_DESC");
}

static void test_virtqueue_indirect_inside_indirect_breaks_it(void **state)
{
	vdrv_desc(&drv, VD_DESC, 0, IND, 32, D_INDIRECT, 0);
	vdrv_desc(&drv, IND, 0, BUF(0), 4, D_NEXT, 1);
	vdrv_desc(&drv, IND, 1, IND2, 16, D_INDIRECT, 0);
	vdrv_desc(&drv, IND2, 0, BUF(1), 4, 0, 0);
	expect_broken(0, "indirect descriptor inside an indirect table");
}

static void test_virtqueue_chain_longer_than_the_limit_breaks_it(void **state)
{
	vdrv_desc(&drv, VD_DESC, 0, BUF(0), 1, D_NEXT, 1);
	vdrv_desc(&drv, VD_DESC, 1, IND, 16 * VIRTQ_CHAIN_MAX, D_INDIRECT, 0);
	for (uint16_t i = 0; i < VIRTQ_CHAIN_MAX; i++)
		vdrv_desc(&drv, IND, i, BUF(1), 1, i + 1 < VIRTQ_CHAIN_MAX ? D_NEXT : 0, i + 1);
	expect_broken(0, "descriptor chain longer than VIRTQ_CHAIN_MAX");
}

/* An indirect table of 255 buffers each covering all of RAM (4080 MiB), then `last`. */
static void aliased_chain(uint64_t last_addr, uint32_t last_len)
{
	enable(false, true);
	drv.avail_idx = 0;
	vdrv_desc(&drv, VD_DESC, 0, IND, 16 * VIRTQ_CHAIN_MAX, D_INDIRECT, 0);
	for (uint16_t i = 0; i + 1 < VIRTQ_CHAIN_MAX; i++)
		vdrv_desc(&drv, IND, i, VM_RAM_BASE, SIM_RAM_SIZE, D_NEXT | D_WRITE, i + 1);
	vdrv_desc(&drv, IND, VIRTQ_CHAIN_MAX - 1, last_addr, last_len, D_WRITE, 0);
}

/* Aliased buffers describe terabytes cheaply: what lies past 4 GiB in all is not checked (the
 * device refuses such a chain by its length), so checking a chain costs at most 4 GiB of
 * lookups; a device access to an unchecked buffer still fails cleanly. */
static void test_virtqueue_buffers_past_4gib_in_all_are_left_to_the_device(void **state)
{
	const uint64_t aliased = (VIRTQ_CHAIN_MAX - 1) * (uint64_t)SIM_RAM_SIZE;

	aliased_chain(0, 16); /* ends at 4080 MiB + 16: checked */
	expect_broken(0, "buffer outside the VM's RAM");

	aliased_chain(0, SIM_RAM_SIZE + 1); /* ends past 4 GiB: left alone */
	vdrv_publish(&drv, 0);
	assert_int_equal(virtq_pop(m.vm, &q, &chain), 1);
	assert_false(q.broken);
	assert_int_equal(chain.writable, aliased + SIM_RAM_SIZE + 1);
	assert_int_equal(virtq_chain_write(m.vm, &chain, aliased, "x", 1), HV_EFAULT);
}

static void test_virtqueue_descriptor_table_in_the_used_ring_is_just_guest_memory(void **state)
{
	/* An indirect table placed over the used ring: read at pop time, so later used
	 * writes cannot change the chain being served. */
	vdrv_desc(&drv, VD_DESC, 0, VD_USED + 8, 16, D_INDIRECT, 0);
	vdrv_desc(&drv, VD_USED + 8, 0, BUF(0), 16, D_WRITE, 0);
	vdrv_publish(&drv, 0);
	assert_int_equal(virtq_pop(m.vm, &q, &chain), 1);
	assert_int_equal(virtq_push(m.vm, &q, 0, 0), HV_OK);
	assert_int_equal(chain.writable, 16);
	assert_int_equal(virtq_chain_write(m.vm, &chain, 0, "0123456789abcdef", 16), HV_OK);
	assert_int_equal(g_byte(m.vm, BUF(0) + 15), 'f');
}

/* Guest RAM that vanishes from stage 2 under the queue (it cannot today; the code must still
 * fail cleanly if it ever does). */
static void test_virtqueue_ram_that_goes_away_breaks_it(void **state)
{
	vdrv_desc(&drv, VD_DESC, 0, BUF(0), 16, D_WRITE, 0);
	vdrv_publish(&drv, 0);
	assert_int_equal(virtq_pop(m.vm, &q, &chain), 1);
	assert_int_equal(pgt_unmap(&m.vm->s2, BUF(0), PAGE_SIZE), HV_OK);
	assert_int_equal(virtq_chain_write(m.vm, &chain, 0, "x", 1), HV_EFAULT);
	assert_int_equal(pgt_unmap(&m.vm->s2, VD_USED, PAGE_SIZE), HV_OK);
	assert_int_equal(virtq_push(m.vm, &q, 0, 1), HV_EINVAL);
	assert_string_equal(q.error, "used ring left RAM");
	q.broken = false;
	q.used_idx = 1;
	assert_true(virtq_should_interrupt(m.vm, &q));
	/* The driver's flags or used_event unreadable: interrupt anyway. */
	assert_int_equal(pgt_unmap(&m.vm->s2, VD_AVAIL, PAGE_SIZE), HV_OK);
	q.used_idx = 2;
	assert_true(virtq_should_interrupt(m.vm, &q));
	q.event_idx = true;
	q.used_idx = 3;
	assert_true(virtq_should_interrupt(m.vm, &q));
	assert_int_equal(virtq_pop(m.vm, &q, &chain), HV_EINVAL);
	assert_string_equal(q.error, "available ring left RAM");
}

static void test_virtqueue_ring_entry_or_table_that_goes_away_breaks_it(void **state)
{
	/* The avail idx page stays, the entries' page goes: a ring of 256 spans two pages. */
	virtq_reset(&q);
	q.num = VIRTQ_MAX_SIZE;
	q.desc = VD_DESC;
	q.avail = VD_AVAIL + PAGE_SIZE - 4;
	q.used = VD_USED + PAGE_SIZE;
	enable(false, false);
	drv.num = VIRTQ_MAX_SIZE;
	drv.avail = q.avail;
	drv.used = q.used;
	vdrv_desc(&drv, VD_DESC, 0, BUF(0), 16, 0, 0);
	vdrv_publish(&drv, 0);
	vdrv_publish(&drv, 0);
	assert_int_equal(virtq_pop(m.vm, &q, &chain), 1);
	assert_int_equal(pgt_unmap(&m.vm->s2, VD_AVAIL + PAGE_SIZE, PAGE_SIZE), HV_OK);
	assert_int_equal(virtq_pop(m.vm, &q, &chain), HV_EINVAL);
	assert_string_equal(q.error, "available ring left RAM");
	/* The descriptor table. */
	q.avail = VD_AVAIL;
	enable(false, false);
	drv.avail = VD_AVAIL;
	drv.avail_idx = 0;
	assert_int_equal(pgt_unmap(&m.vm->s2, VD_DESC, PAGE_SIZE), HV_OK);
	vdrv_publish(&drv, 0);
	assert_int_equal(virtq_pop(m.vm, &q, &chain), HV_EINVAL);
	assert_string_equal(q.error, "descriptor table left RAM");
}

static void test_virtqueue_used_idx_that_goes_away_breaks_it(void **state)
{
	virtq_reset(&q);
	q.num = NUM;
	q.desc = VD_DESC;
	q.avail = VD_AVAIL;
	q.used = VD_USED + PAGE_SIZE - 4; /* idx on this page, the elements on the next */
	enable(false, false);
	assert_int_equal(pgt_unmap(&m.vm->s2, VD_USED, PAGE_SIZE), HV_OK);
	assert_int_equal(virtq_push(m.vm, &q, 0, 1), HV_EINVAL);
	assert_string_equal(q.error, "used ring left RAM");
	assert_int_equal(q.used_idx, 0);
}

static void test_virtqueue_avail_event_unwritable_breaks_it(void **state)
{
	virtq_reset(&q);
	q.num = NUM;
	q.desc = VD_DESC;
	q.avail = VD_AVAIL;
	q.used = VD_USED + PAGE_SIZE - 4 - 8 * NUM; /* avail_event on the next page */
	enable(true, false);
	assert_int_equal(pgt_unmap(&m.vm->s2, VD_USED + PAGE_SIZE, PAGE_SIZE), HV_OK);
	assert_int_equal(virtq_pop(m.vm, &q, &chain), HV_EINVAL);
	assert_string_equal(q.error, "used ring left RAM");
}

/* --- interrupt suppression --- */

static void use_one(void)
{
	vdrv_desc(&drv, VD_DESC, 0, BUF(0), 4, D_WRITE, 0);
	vdrv_publish(&drv, 0);
	assert_int_equal(virtq_pop(m.vm, &q, &chain), 1);
	assert_int_equal(virtq_push(m.vm, &q, 0, 4), HV_OK);
}

static void test_virtqueue_no_interrupt_flag_suppresses_without_event_idx(void **state)
{
	use_one();
	assert_true(virtq_should_interrupt(m.vm, &q));
	assert_false(virtq_should_interrupt(m.vm, &q)); /* nothing new */
	vdrv_set_avail_flags(&drv, 1);
	use_one();
	assert_false(virtq_should_interrupt(m.vm, &q));
	vdrv_set_avail_flags(&drv, 0);
	use_one();
	assert_true(virtq_should_interrupt(m.vm, &q));
	/* used_event means nothing without the feature. */
	vdrv_set_used_event(&drv, 100);
	use_one();
	assert_true(virtq_should_interrupt(m.vm, &q));
}

static void test_virtqueue_event_idx_interrupts_when_used_passes_used_event(void **state)
{
	enable(true, false);
	vdrv_set_avail_flags(&drv, 1); /* ignored with event idx */
	vdrv_set_used_event(&drv, 0);
	use_one(); /* used 0 -> 1: crosses 0 */
	assert_true(virtq_should_interrupt(m.vm, &q));
	vdrv_set_used_event(&drv, 3);
	use_one(); /* 1 -> 2 */
	assert_false(virtq_should_interrupt(m.vm, &q));
	use_one(); /* 2 -> 3 */
	assert_false(virtq_should_interrupt(m.vm, &q));
	use_one();
	use_one(); /* 3 -> 5, in one batch: crosses 3 */
	assert_true(virtq_should_interrupt(m.vm, &q));
	vdrv_set_used_event(&drv, 4); /* behind: no interrupt until it wraps round */
	use_one();
	assert_false(virtq_should_interrupt(m.vm, &q));
}

static void test_virtqueue_event_idx_writes_avail_event_when_empty(void **state)
{
	enable(true, false);
	g_fill(m.vm, VD_USED + 4 + 8 * NUM, 0xee, 2);
	assert_int_equal(virtq_pop(m.vm, &q, &chain), 0);
	assert_int_equal(vdrv_avail_event(&drv), 0);
	use_one();
	use_one();
	assert_int_equal(vdrv_avail_event(&drv), 0); /* not while there was work */
	assert_int_equal(virtq_pop(m.vm, &q, &chain), 0);
	assert_int_equal(vdrv_avail_event(&drv), 2);
	/* Without the feature it is left alone. */
	enable(false, false);
	vdrv_set_avail_idx(&drv, 0);
	g_fill(m.vm, VD_USED + 4 + 8 * NUM, 0xee, 2);
	assert_int_equal(virtq_pop(m.vm, &q, &chain), 0);
	assert_int_equal(vdrv_avail_event(&drv), 0xeeee);
}

/* --- model-based random test --- */

#define SLOTS (NUM / 2) /* each chain owns two descriptors: head and head + 1 */

static uint16_t pub_heads[65536];

/* The driver publishes chains (direct, or one indirect table) of one readable and one writable
 * buffer of random lengths, the device pops and pushes at random moments, the driver moves
 * used_event / the flags and reaps the used ring; everything the device reports is checked
 * against what the driver did, through more than one 16-bit index wrap. */
static void test_virtqueue_random_traffic_matches_the_driver_model(void **state)
{
	uint64_t seed = rng_seed(__func__, 2706);
	uint16_t pub_r[NUM], pub_w[NUM];
	uint16_t pub = 0, popped = 0, used_seen = 0, last_signal = 0;
	unsigned wraps = 0;
	bool event_idx = rng_below(&seed, 2);

	enable(event_idx, true);
	for (unsigned it = 0; it < RAND_ITERS; it++) {
		switch (rng_below(&seed, 5) % 4) {
		case 0: { /* publish, if a slot is free (reaped) */
			uint16_t head = 2 * (pub % SLOTS), r = (uint16_t)rng_below(&seed, 64),
				 w = (uint16_t)rng_below(&seed, 64);

			if ((uint16_t)(pub - used_seen) >= SLOTS)
				break;
			if (rng_below(&seed, 3) == 0) {
				uint64_t t = IND + 32ULL * head;

				vdrv_desc(&drv, VD_DESC, head, t, 32, D_INDIRECT, 0);
				vdrv_desc(&drv, t, 0, BUF(1), r, D_NEXT, 1);
				vdrv_desc(&drv, t, 1, BUF(2), w, D_WRITE, 0);
			} else {
				vdrv_desc(&drv, VD_DESC, head, BUF(1), r, D_NEXT, head + 1);
				vdrv_desc(&drv, VD_DESC, head + 1, BUF(2), w, D_WRITE, 0);
			}
			pub_heads[pub] = head;
			pub_r[head] = r;
			pub_w[head] = w;
			vdrv_publish(&drv, head);
			pub++;
			wraps += pub == 0;
			break;
		}
		case 1: { /* the device takes one and returns it at once */
			int got = virtq_pop(m.vm, &q, &chain);

			assert_int_equal(got, pub != popped);
			if (!got)
				break;
			assert_int_equal(chain.head, pub_heads[popped]);
			assert_int_equal(chain.readable, pub_r[chain.head]);
			assert_int_equal(chain.writable, pub_w[chain.head]);
			assert_int_equal(virtq_push(m.vm, &q, chain.head, pub_w[chain.head]),
					 HV_OK);
			popped++;
			break;
		}
		case 2: { /* the interrupt decision: virtio 1.2, 2.7.7 and 2.7.10 */
			uint16_t ev = (uint16_t)(used_seen + rng_below(&seed, 2 * NUM) - NUM / 2);
			uint16_t flags = (uint16_t)rng_below(&seed, 2);
			bool want = popped != last_signal;

			if (event_idx)
				want = want && (uint16_t)(popped - ev - 1) <
						   (uint16_t)(popped - last_signal);
			else
				want = want && !flags;
			vdrv_set_used_event(&drv, ev);
			vdrv_set_avail_flags(&drv, flags);
			assert_int_equal(virtq_should_interrupt(m.vm, &q), want);
			last_signal = popped;
			break;
		}
		default: { /* the driver reaps the used ring */
			uint32_t id, len;

			assert_int_equal(vdrv_used_idx(&drv), popped);
			for (; used_seen != popped; used_seen++) {
				vdrv_used_elem(&drv, used_seen, &id, &len);
				assert_int_equal(id, pub_heads[used_seen]);
				assert_int_equal(len, pub_w[id]);
			}
			break;
		}
		}
		assert_false(q.broken);
	}
	print_message("published %u (+%u wraps)\n", pub, wraps);
	assert_true(wraps >= 1);
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
	const struct CMUnitTest tests[] = {
	    T(test_virtqueue_enable_starts_at_index_zero_not_broken),
	    T(test_virtqueue_enable_refuses_what_it_cannot_use),
	    T(test_virtqueue_empty_ring_gives_nothing),
	    T(test_virtqueue_chain_is_flattened_readable_then_writable),
	    T(test_virtqueue_push_writes_the_element_then_the_index),
	    T(test_virtqueue_pop_sees_buffers_published_meanwhile),
	    T(test_virtqueue_indirect_table_is_walked),
	    T(test_virtqueue_full_indirect_table_is_accepted),
	    T(test_virtqueue_head_beyond_the_queue_breaks_it),
	    T(test_virtqueue_avail_idx_jump_breaks_it),
	    T(test_virtqueue_loops_end_in_an_error),
	    T(test_virtqueue_next_out_of_range_breaks_it),
	    T(test_virtqueue_buffers_outside_ram_break_it),
	    T(test_virtqueue_readable_after_writable_breaks_it),
	    T(test_virtqueue_bad_indirect_descriptors_break_it),
	    T(test_virtqueue_indirect_needs_the_feature),
	    T(test_virtqueue_indirect_inside_indirect_breaks_it),
	    T(test_virtqueue_chain_longer_than_the_limit_breaks_it),
	    T(test_virtqueue_buffers_past_4gib_in_all_are_left_to_the_device),
	    T(test_virtqueue_descriptor_table_in_the_used_ring_is_just_guest_memory),
	    T(test_virtqueue_ram_that_goes_away_breaks_it),
	    T(test_virtqueue_ring_entry_or_table_that_goes_away_breaks_it),
	    T(test_virtqueue_used_idx_that_goes_away_breaks_it),
	    T(test_virtqueue_avail_event_unwritable_breaks_it),
	    T(test_virtqueue_no_interrupt_flag_suppresses_without_event_idx),
	    T(test_virtqueue_event_idx_interrupts_when_used_passes_used_event),
	    T(test_virtqueue_event_idx_writes_avail_event_when_empty),
	    T(test_virtqueue_random_traffic_matches_the_driver_model),
	};
#undef T

	return cmocka_run_group_tests_name("virtqueue", tests, NULL, NULL);
}

// SPDX-License-Identifier: MIT
/* Tests of vdev/virtio_blk.c under load and failure: backend errors become IOERR, a notify
 * does one exit's budget of work (a guest that keeps refilling, aliased whole-disk requests)
 * and the rest on later entries, a reset drops the request in flight, and guest memory that
 * goes away mid-request leaves no status or needs a reset. */
#include "virtio_blk_harness.h"

static bool fail_io;
static unsigned io_calls;

static int flaky_read(struct blk_backend *b, uint64_t sector, void *buf, uint32_t count)
{
	io_calls++;
	memset(buf, 0x42, count * 512ULL);
	return fail_io ? HV_ENOTSUP : HV_OK;
}

static int flaky_write(struct blk_backend *b, uint64_t sector, const void *buf, uint32_t count)
{
	io_calls++;
	return fail_io ? HV_ENOTSUP : HV_OK;
}

static int flaky_flush(struct blk_backend *b)
{
	io_calls++;
	return fail_io ? HV_ENOTSUP : HV_OK;
}

static int feeding_read(struct blk_backend *b, uint64_t sector, void *buf, uint32_t count)
{
	io_calls++;
	vdrv_publish(&drv, 0);
	return HV_OK;
}

static void test_virtio_blk_backend_errors_become_ioerr(void **state)
{
	uint32_t used;

	disk.read = flaky_read;
	disk.write = flaky_write;
	disk.flush = flaky_flush;
	up(F_BLK_ALL);
	fail_io = true;
	assert_int_equal(rq(0, 0, DATA, 8192, true, &used), 1);
	assert_int_equal(used, 1); /* nothing was written */
	assert_int_equal(rq(1, 0, DATA, 512, false, NULL), 1);
	assert_int_equal(rq(4, 0, 0, 0, false, NULL), 1);
	fail_io = false;
	io_calls = 0;
	assert_int_equal(rq(0, 0, DATA, 2 * VIRTIO_BLK_BOUNCE, true, &used), 0);
	assert_int_equal(io_calls, 2);
	assert_int_equal(g_byte(m.vm, DATA + 2 * VIRTIO_BLK_BOUNCE - 1), 0x42);
	disk.flush = NULL; /* no flush op: nothing to flush */
	assert_int_equal(rq(4, 0, 0, 0, false, NULL), 0);
}

static void test_virtio_blk_notify_budget_stops_a_guest_that_keeps_refilling(void **state)
{
	up(F_VERSION_1);
	disk.read = feeding_read;
	io_calls = 0;
	header(0, 0);
	vdrv_desc(&drv, VD_DESC, 0, HDR, 16, D_NEXT, 1);
	vdrv_desc(&drv, VD_DESC, 1, DATA, 512, D_NEXT | D_WRITE, 2);
	vdrv_desc(&drv, VD_DESC, 2, STS, 1, D_WRITE, 0);
	vdrv_publish(&drv, 0);
	vdrv_notify(&drv, 0);
	/* One exit's budget of requests (each costs at least REQUEST_COST bytes of it), then the
	 * rest is deferred to the VM's next entries, one budget each. */
	assert_in_range(io_calls, 1, VIRTIO_BLK_EXIT_BYTES / 0x1000);
	assert_int_equal(vdrv_used_idx(&drv), io_calls);
	assert_true(vm_has_deferred(m.vm));
	for (unsigned i = 0; i < 10; i++) {
		unsigned before = io_calls;

		vm_resume_deferred(m.vm);
		assert_in_range(io_calls - before, 1, VIRTIO_BLK_EXIT_BYTES / 0x1000);
		assert_int_equal(vdrv_used_idx(&drv), io_calls);
	}
	/* The driver stops refilling: the deferred work ends with the ring. */
	disk.read = flaky_read;
	resume_all();
	assert_int_equal(vdrv_used_idx(&drv), drv.avail_idx);
	assert_false(vm_has_deferred(m.vm));
	assert_int_equal(vdrv_rd(&drv, VR_STATUS) & S_NEEDS_RESET, 0);
}

/* Bytes the backend moved, and the most in one exit's budget. */
static uint64_t bytes_moved, max_per_budget;

static int counting_read(struct blk_backend *b, uint64_t sector, void *buf, uint32_t count)
{
	bytes_moved += count * 512ULL;
	memset(buf, 0x42, count * 512ULL);
	return HV_OK;
}

static void count_budget(uint64_t *before)
{
	max_per_budget = MAX(max_per_budget, bytes_moved - *before);
	*before = bytes_moved;
}

static void test_virtio_blk_aliased_requests_move_one_budget_per_exit(void **state)
{
	/* Two requests whose data buffers all alias one 256 KiB buffer: each reads the whole
	 * disk (3 bounces), 6 bounces in all, more than one exit may move. */
	uint32_t per = VIRTIO_BLK_BOUNCE, id, len;
	uint64_t before = 0;
	unsigned budgets = 0;

	up(F_VERSION_1);
	disk.read = counting_read;
	bytes_moved = max_per_budget = 0;
	header(0, 0);
	for (uint16_t r = 0; r < 2; r++) {
		uint16_t d = (uint16_t)(r * 5);

		vdrv_desc(&drv, VD_DESC, d, HDR, 16, D_NEXT, (uint16_t)(d + 1));
		for (uint16_t k = 1; k <= 3; k++)
			vdrv_desc(&drv, VD_DESC, (uint16_t)(d + k), DATA, per, D_NEXT | D_WRITE,
				  (uint16_t)(d + k + 1));
		vdrv_desc(&drv, VD_DESC, (uint16_t)(d + 4), STS + r, 1, D_WRITE, 0);
		vdrv_publish(&drv, d);
	}
	vdrv_notify(&drv, 0);
	count_budget(&before);
	assert_true(vm_has_deferred(m.vm));
	assert_true(vdrv_used_idx(&drv) < 2); /* 1.5 MiB: more than one budget */
	while (vm_has_deferred(m.vm)) {
		vm_resume_deferred(m.vm);
		count_budget(&before);
		budgets++;
	}
	assert_int_equal(bytes_moved, 6 * per);
	assert_true(max_per_budget < VIRTIO_BLK_EXIT_BYTES + VIRTIO_BLK_BOUNCE);
	assert_true(budgets >= 6 * per / (VIRTIO_BLK_EXIT_BYTES + VIRTIO_BLK_BOUNCE));
	assert_int_equal(vdrv_used_idx(&drv), 2);
	vdrv_used_elem(&drv, 1, &id, &len);
	assert_int_equal(id, 5);
	assert_int_equal(len, 3 * per + 1);
	assert_int_equal(g_byte(m.vm, STS + 1), 0);
	assert_true(line());
}

static void test_virtio_blk_reset_drops_a_request_in_flight(void **state)
{
	up(F_VERSION_1);
	disk.read = flaky_read;
	io_calls = 0;
	header(0, 0);
	vdrv_desc(&drv, VD_DESC, 0, HDR, 16, D_NEXT, 1);
	for (uint16_t k = 1; k <= 6; k++)
		vdrv_desc(&drv, VD_DESC, k, DATA, VIRTIO_BLK_BOUNCE / 2, D_NEXT | D_WRITE,
			  (uint16_t)(k + 1));
	vdrv_desc(&drv, VD_DESC, 7, STS, 1, D_WRITE, 0);
	vdrv_publish(&drv, 0);
	vdrv_publish(&drv, 0); /* the same chain twice: 6 bounces in all */
	vdrv_notify(&drv, 0);
	while (vdrv_used_idx(&drv) == 0)
		vm_resume_deferred(m.vm);
	assert_true(vm_has_deferred(m.vm)); /* the second is in flight */
	assert_int_equal(vdrv_used_idx(&drv), 1);
	vdrv_wr(&drv, VR_STATUS, 0); /* reset while the second is half done */
	io_calls = 0;
	resume_all();
	assert_int_equal(io_calls, 0);
	assert_int_equal(vdrv_used_idx(&drv), 1);
	/* The device works again after the driver sets it up anew. */
	up(F_VERSION_1);
	assert_int_equal(rq(0, 0, DATA, 512, true, NULL), 0);
	assert_false(vm_has_deferred(m.vm));
}

/* Guest RAM that vanishes from stage 2 while a request is served (it cannot today; the device
 * must still fail cleanly if it ever does): the backend's read takes the page away. */
static uint64_t unmap_at;

static int unmapping_read(struct blk_backend *b, uint64_t sector, void *buf, uint32_t count)
{
	assert_int_equal(pgt_unmap(&m.vm->s2, unmap_at, PAGE_SIZE), HV_OK);
	return HV_OK;
}

static void test_virtio_blk_status_page_that_goes_away_leaves_no_status(void **state)
{
	up(F_BLK_ALL);
	disk.read = unmapping_read;
	unmap_at = STS & ~(PAGE_SIZE - 1);
	header(0, 0);
	/* The data (in another page) arrived, the status byte could not be written. */
	assert_int_equal(
	    submit((struct seg[]){{HDR, 16, false}, {DATA, 512, true}, {STS, 1, true}}, 3, false),
	    512);
	assert_int_equal(vdrv_rd(&drv, VR_STATUS) & S_NEEDS_RESET, 0);
}

static void test_virtio_blk_used_ring_that_goes_away_needs_reset(void **state)
{
	up(F_BLK_ALL);
	disk.read = unmapping_read;
	unmap_at = VD_USED;
	header(0, 0);
	vdrv_desc(&drv, VD_DESC, 0, HDR, 16, D_NEXT, 1);
	vdrv_desc(&drv, VD_DESC, 1, DATA, 512, D_NEXT | D_WRITE, 2);
	vdrv_desc(&drv, VD_DESC, 2, STS, 1, D_WRITE, 0);
	vdrv_publish(&drv, 0);
	vdrv_notify(&drv, 0);
	assert_int_equal(g_byte(m.vm, STS), 0);
	assert_int_equal(vdrv_rd(&drv, VR_STATUS) & S_NEEDS_RESET, S_NEEDS_RESET);
	assert_true(console_has_line("warning: sim: virtio-blk@0xa000000: used ring left RAM; "
				     "device needs reset"));
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
	const struct CMUnitTest tests[] = {
	    T(test_virtio_blk_backend_errors_become_ioerr),
	    T(test_virtio_blk_notify_budget_stops_a_guest_that_keeps_refilling),
	    T(test_virtio_blk_aliased_requests_move_one_budget_per_exit),
	    T(test_virtio_blk_reset_drops_a_request_in_flight),
	    T(test_virtio_blk_status_page_that_goes_away_leaves_no_status),
	    T(test_virtio_blk_used_ring_that_goes_away_needs_reset),
	};

#undef T

	return cmocka_run_group_tests_name("virtio_blk_budget", tests, NULL, NULL);
}

// SPDX-License-Identifier: MIT
/* Tests of vdev/hostblk.c, the driver of the host's own virtio-blk disk, against the simulated
 * device of hal-sim (sim_virtio_blk.h) on QEMU virt's 32 virtio-mmio transports: probing,
 * reads, writes and flushes that reach the RAM disk, and every way a device can be absent,
 * refuse, or break, each ending in an error code and one clear line, never a crash. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <core/err.h>
#include <core/hwinfo.h>
#include <core/lib.h>
#include <core/palloc.h>
#include <hal-sim/sim_hal.h>
#include <hal-sim/sim_virtio_blk.h>
#include <hal/io.h>
#include <vdev/hostblk.h>

#include "fixture.h"
#include "host_mem.h"
#include "rng.h"

#define NR_TRANSPORTS 32
#define VIRTIO_BASE   0x0a000000ULL
#define TOP	      (NR_TRANSPORTS - 1) /* QEMU puts the first -device here */
#define DISK_SECTORS  2048		  /* 1 MiB */
#define ARENA_PAGES   8
#define SECTOR	      512

static struct hw_info hw;
static struct sim_vblk dev[NR_TRANSPORTS];
static uint8_t *disk;
static void *arena;
static struct palloc alloc;
static struct hostblk hb;

static uint64_t transport_base(unsigned n)
{
	return VIRTIO_BASE + 0x200 * n;
}

/* QEMU virt with `-device virtio-blk-device` and force-legacy=false: 32 transports, all empty
 * but the highest, which holds a 1 MiB disk filled with a pattern. */
static int setup(void **state)
{
	sim_hal_reset();
	memset(&hw, 0, sizeof(hw));
	memset(&hb, 0, sizeof(hb));
	disk = malloc(DISK_SECTORS * SECTOR);
	assert_non_null(disk);
	for (size_t i = 0; i < DISK_SECTORS * SECTOR; i++)
		disk[i] = (uint8_t)(i * 7 + i / SECTOR);
	for (unsigned n = 0; n < NR_TRANSPORTS; n++) {
		hw.virtio[n] = (struct hw_virtio_mmio){{transport_base(n), 0x200}, 48 + n, true};
		sim_vblk_init(&dev[n], disk, DISK_SECTORS);
		dev[n].device_id = n == TOP ? 2 : 0;
		sim_vblk_attach(&dev[n], transport_base(n));
	}
	hw.virtio_count = NR_TRANSPORTS;
	arena = host_mem_alloc(ARENA_PAGES * PAGE_SIZE, PAGE_SIZE);
	palloc_init(&alloc);
	assert_int_equal(palloc_add(&alloc, host_mem_pa(arena), ARENA_PAGES * PAGE_SIZE), HV_OK);
	return 0;
}

static int teardown(void **state)
{
	host_mem_free(arena);
	free(disk);
	return 0;
}

static void assert_one_line(const char *line)
{
	if (console_line_count() != 1 || !console_has_line(line))
		fail_msg("expected the single line\n  %s\nconsole:\n%s", line, sim_hal.console);
}

static void probe_ok(void)
{
	assert_int_equal(hostblk_probe(&hb, &hw, 0, &alloc), HV_OK);
	sim_console_clear();
}

/* --- probing --- */

static void test_hostblk_probe_brings_up_the_disk_on_the_highest_transport(void **state)
{
	struct sim_vblk *d = &dev[TOP];

	assert_int_equal(hostblk_probe(&hb, &hw, 0, &alloc), HV_OK);
	assert_string_equal(hb.backend.name, "hostblk@0xa003e00");
	assert_int_equal(hb.backend.sectors, DISK_SECTORS);
	assert_false(hb.backend.read_only);
	assert_ptr_equal(hb.backend.priv, &hb);
	assert_int_equal(d->status, SIM_VBLK_S_ACKNOWLEDGE | SIM_VBLK_S_DRIVER |
					SIM_VBLK_S_FEATURES_OK | SIM_VBLK_S_DRIVER_OK);
	/* Only what the driver uses: not SEG_MAX or BLK_SIZE, which the device also offers. */
	assert_int_equal(d->driver_features, SIM_VBLK_F_VERSION_1 | SIM_VBLK_F_FLUSH);
	assert_true(d->queue_ready);
	assert_int_equal(d->queue_num, 8);
	assert_int_equal(d->resets, 1);
	assert_int_equal(d->bad_requests, 0);
	assert_int_equal(palloc_free_bytes(&alloc), (ARENA_PAGES - 1) * PAGE_SIZE);
	assert_one_line("hostblk@0xa003e00: virtio-blk, 2048 sectors (1 MiB), read-write, flush");
}

static void test_hostblk_index_counts_disks_from_the_highest_transport_down(void **state)
{
	static const unsigned disks[] = {TOP, TOP - 1, 0};

	dev[TOP - 1].device_id = 2;
	dev[0].device_id = 2;
	dev[5].device_id = 1; /* a network card: not counted */
	for (unsigned i = 0; i < ARRAY_SIZE(disks); i++) {
		struct hostblk b;

		assert_int_equal(hostblk_probe(&b, &hw, i, &alloc), HV_OK);
		assert_int_equal(b.regs, transport_base(disks[i]));
		assert_int_equal(dev[disks[i]].status & SIM_VBLK_S_DRIVER_OK, SIM_VBLK_S_DRIVER_OK);
	}
	sim_console_clear();
	assert_int_equal(hostblk_probe(&hb, &hw, 3, &alloc), HV_ENOENT);
	assert_int_equal(sim_hal.console_len, 0);
}

static void test_hostblk_no_disk_is_enoent_and_silent(void **state)
{
	dev[TOP].device_id = 0;
	assert_int_equal(hostblk_probe(&hb, &hw, 0, &alloc), HV_ENOENT);
	hw.virtio_count = 0;
	assert_int_equal(hostblk_probe(&hb, &hw, 0, &alloc), HV_ENOENT);
	assert_int_equal(sim_hal.console_len, 0);
	assert_int_equal(palloc_free_bytes(&alloc), ARENA_PAGES * PAGE_SIZE);
	/* Empty transports are only looked at, never written. */
	for (unsigned n = 0; n < NR_TRANSPORTS; n++)
		assert_int_equal(dev[n].resets, 0);
}

static void test_hostblk_skips_a_transport_without_the_virtio_magic(void **state)
{
	dev[TOP].magic = 0xffffffff;
	dev[TOP - 1].device_id = 2;
	assert_int_equal(hostblk_probe(&hb, &hw, 0, &alloc), HV_OK);
	assert_int_equal(hb.regs, transport_base(TOP - 1));
	assert_true(console_has_line("warning: hostblk: virtio-mmio@0xa003e00: magic 0xffffffff is "
				     "not \"virt\"; skipped"));
	assert_int_equal(dev[TOP].resets, 0);
}

static void test_hostblk_skips_a_transport_with_too_few_registers(void **state)
{
	hw.virtio[TOP].reg.size = 0x100;
	assert_int_equal(hostblk_probe(&hb, &hw, 0, &alloc), HV_ENOENT);
	assert_one_line("warning: hostblk: virtio-mmio@0xa003e00: 0x100 bytes of registers are "
			"too few; skipped");
}

/* One way for probing to fail: how to break the device, what the driver answers and says. */
struct probe_failure {
	const char *what;
	void (*breaks)(struct sim_vblk *d);
	int err;
	const char *line;
	bool says_failed; /* the driver sets FAILED in the device status */
};

static void legacy(struct sim_vblk *d)
{
	d->version = 1;
}
static void version_3(struct sim_vblk *d)
{
	d->version = 3;
}
static void not_coherent(struct sim_vblk *d)
{
	hw.virtio[TOP].dma_coherent = false;
}
static void stuck_in_reset(struct sim_vblk *d)
{
	d->stuck_in_reset = true;
	d->status = SIM_VBLK_S_ACKNOWLEDGE; /* left over from an earlier driver */
	sim_hal.counter_step = sim_hal.counter_freq;
}
static void no_version_1(struct sim_vblk *d)
{
	d->features &= ~SIM_VBLK_F_VERSION_1;
}
static void refuses_features(struct sim_vblk *d)
{
	d->refuse_features = true;
}
static void config_unstable(struct sim_vblk *d)
{
	d->config_unstable = true;
}
static void capacity_0(struct sim_vblk *d)
{
	d->sectors = 0;
}
static void tiny_size_max(struct sim_vblk *d)
{
	d->features |= SIM_VBLK_F_SIZE_MAX;
	d->size_max = 511;
}
static void queue_ready_after_reset(struct sim_vblk *d)
{
	d->queue_stays_ready = true;
}
static void no_queue(struct sim_vblk *d)
{
	d->queue_num_max = 0;
}
static void queue_of_3(struct sim_vblk *d)
{
	d->queue_num_max = 3;
}
static void no_memory(struct sim_vblk *d)
{
	uint64_t pa;

	while (palloc_alloc(&alloc, PAGE_SIZE, 0, &pa) == HV_OK)
		;
}

static const struct probe_failure probe_failures[] = {
    {"legacy transport", legacy, HV_ENOTSUP,
     "error: hostblk@0xa003e00: virtio-mmio version 1 is not supported, only 2 (QEMU: -global "
     "virtio-mmio.force-legacy=false)",
     false},
    {"unknown transport version", version_3, HV_ENOTSUP,
     "error: hostblk@0xa003e00: virtio-mmio version 3 is not supported, only 2", false},
    {"not dma-coherent", not_coherent, HV_ENOTSUP,
     "error: hostblk@0xa003e00: not dma-coherent, and this driver does no cache maintenance",
     false},
    {"stuck in reset", stuck_in_reset, HV_EIO,
     "error: hostblk@0xa003e00: virtio-blk device does not come out of reset", false},
    {"no VERSION_1", no_version_1, HV_ENOTSUP,
     "error: hostblk@0xa003e00: virtio-blk device does not offer VIRTIO_F_VERSION_1 (not "
     "supported)",
     true},
    {"refuses FEATURES_OK", refuses_features, HV_EIO,
     "error: hostblk@0xa003e00: virtio-blk device refuses the features (FEATURES_OK not set) "
     "(I/O error)",
     true},
    {"unstable configuration", config_unstable, HV_EIO,
     "error: hostblk@0xa003e00: virtio-blk device keeps changing its configuration (I/O error)",
     true},
    {"capacity 0", capacity_0, HV_EIO,
     "error: hostblk@0xa003e00: virtio-blk device has a capacity of 0 sectors (I/O error)", true},
    {"size_max below a sector", tiny_size_max, HV_ENOTSUP,
     "error: hostblk@0xa003e00: virtio-blk device limits a segment to less than a sector "
     "(size_max) (not supported)",
     true},
    {"queue ready after reset", queue_ready_after_reset, HV_EIO,
     "error: hostblk@0xa003e00: virtio-blk device still has queue 0 ready after a reset (I/O "
     "error)",
     true},
    {"no queue 0", no_queue, HV_EIO,
     "error: hostblk@0xa003e00: virtio-blk device has no queue 0 (I/O error)", true},
    {"queue of 3", queue_of_3, HV_ENOTSUP,
     "error: hostblk@0xa003e00: virtio-blk device has a queue of fewer than 4 entries (not "
     "supported)",
     true},
    {"no page", no_memory, HV_ENOMEM,
     "error: hostblk@0xa003e00: virtio-blk device gets no page for its virtqueue (out of "
     "memory)",
     true},
};

static void test_hostblk_probe_failures_are_one_line_and_leave_nothing_behind(void **state)
{
	for (unsigned i = 0; i < ARRAY_SIZE(probe_failures); i++) {
		const struct probe_failure *f = &probe_failures[i];
		struct sim_vblk *d = &dev[TOP];
		uint64_t free_before;
		int ret;

		teardown(state);
		setup(state);
		f->breaks(d);
		free_before = palloc_free_bytes(&alloc);
		ret = hostblk_probe(&hb, &hw, 0, &alloc);
		if (ret != f->err || console_line_count() != 1 || !console_has_line(f->line))
			fail_msg("%s: returned %d (want %d), console:\n%s", f->what, ret, f->err,
				 sim_hal.console);
		assert_int_equal(palloc_free_bytes(&alloc), free_before);
		assert_int_equal(!!(d->status & SIM_VBLK_S_FAILED), f->says_failed);
		assert_int_equal(d->status & SIM_VBLK_S_DRIVER_OK, 0);
		assert_int_equal(d->bad_requests, 0);
		assert_null(hb.ring);
	}
}

static void test_hostblk_queue_size_follows_the_device_maximum(void **state)
{
	static const struct {
		uint32_t num_max;
		uint32_t want;
	} cases[] = {{4, 4}, {5, 4}, {7, 4}, {8, 8}, {256, 8}, {32768, 8}};

	for (unsigned i = 0; i < ARRAY_SIZE(cases); i++) {
		teardown(state);
		setup(state);
		dev[TOP].queue_num_max = cases[i].num_max;
		probe_ok();
		assert_int_equal(dev[TOP].queue_num, cases[i].want);
	}
}

static void test_hostblk_offered_ro_makes_a_read_only_backend(void **state)
{
	uint8_t buf[SECTOR] = {0};

	dev[TOP].features |= SIM_VBLK_F_RO;
	probe_ok();
	assert_true(hb.backend.read_only);
	assert_int_equal(dev[TOP].driver_features & SIM_VBLK_F_RO, SIM_VBLK_F_RO);
	assert_int_equal(hb.backend.write(&hb.backend, 0, buf, 1), HV_ENOTSUP);
	assert_int_equal(dev[TOP].notifies, 0);
	assert_int_equal(hb.backend.read(&hb.backend, 0, buf, 1), HV_OK);
	assert_memory_equal(buf, disk, SECTOR);
}

/* --- requests --- */

static void test_hostblk_writes_reach_the_disk_and_reads_come_back(void **state)
{
	uint8_t out[4 * SECTOR], in[4 * SECTOR];

	probe_ok();
	for (size_t i = 0; i < sizeof(out); i++)
		out[i] = (uint8_t)(0x5a ^ i);
	assert_int_equal(hb.backend.write(&hb.backend, 10, out, 4), HV_OK);
	assert_memory_equal(disk + 10 * SECTOR, out, sizeof(out));
	assert_int_equal(dev[TOP].writes, 1);
	assert_int_equal(dev[TOP].last_nr_desc, 3);
	assert_int_equal(dev[TOP].last_sector, 10);
	assert_int_equal(dev[TOP].last_len, sizeof(out));

	memset(in, 0, sizeof(in));
	assert_int_equal(hb.backend.read(&hb.backend, 10, in, 4), HV_OK);
	assert_memory_equal(in, out, sizeof(in));
	assert_int_equal(hb.backend.read(&hb.backend, DISK_SECTORS - 1, in, 1), HV_OK);
	assert_memory_equal(in, disk + (DISK_SECTORS - 1) * SECTOR, SECTOR);
	assert_int_equal(dev[TOP].reads, 2);
	assert_int_equal(dev[TOP].bad_requests, 0);
	/* Polled: the driver acknowledges each completion, so no interrupt stays asserted. */
	assert_int_equal(dev[TOP].interrupt_status, 0);
	/* Each request publishes its chain before the index, and reads after the index. */
	assert_true(sim_hal.mmio.dma_wmbs >= 3);
	assert_true(sim_hal.mmio.dma_rmbs >= 3);
	assert_int_equal(sim_hal.console_len, 0);
}

static void test_hostblk_flush_is_a_request_only_when_the_device_offers_it(void **state)
{
	probe_ok();
	assert_int_equal(hb.backend.flush(&hb.backend), HV_OK);
	assert_int_equal(dev[TOP].flushes, 1);
	assert_int_equal(dev[TOP].last_nr_desc, 2); /* header and status, no data */

	teardown(state);
	setup(state);
	dev[TOP].features &= ~SIM_VBLK_F_FLUSH;
	probe_ok();
	assert_int_equal(hb.backend.flush(&hb.backend), HV_OK);
	assert_int_equal(dev[TOP].notifies, 0);
}

static void test_hostblk_splits_transfers_at_the_device_size_max(void **state)
{
	uint8_t *buf = malloc(20 * SECTOR);

	dev[TOP].features |= SIM_VBLK_F_SIZE_MAX;
	dev[TOP].size_max = 4096 + 100; /* rounded down to whole sectors */
	probe_ok();
	assert_int_equal(hb.backend.read(&hb.backend, 100, buf, 20), HV_OK);
	assert_memory_equal(buf, disk + 100 * SECTOR, 20 * SECTOR);
	assert_int_equal(dev[TOP].reads, 3); /* 8 + 8 + 4 sectors */
	assert_int_equal(dev[TOP].last_sector, 116);
	assert_int_equal(dev[TOP].last_len, 4 * SECTOR);
	assert_int_equal(dev[TOP].bad_requests, 0);
	free(buf);
}

static void test_hostblk_splits_transfers_above_1_mib(void **state)
{
	uint32_t count = 2 * 2048 + 5;
	uint8_t *big = malloc(8192 * SECTOR), *buf = malloc((size_t)count * SECTOR);

	for (size_t i = 0; i < 8192 * SECTOR; i++)
		big[i] = (uint8_t)(i >> 9);
	dev[TOP].disk = big;
	dev[TOP].sectors = 8192;
	probe_ok();
	assert_int_equal(hb.backend.read(&hb.backend, 1, buf, count), HV_OK);
	assert_memory_equal(buf, big + SECTOR, (size_t)count * SECTOR);
	assert_int_equal(dev[TOP].reads, 3);
	assert_int_equal(dev[TOP].last_len, 5 * SECTOR);
	free(buf);
	free(big);
}

static void test_hostblk_refuses_ranges_beyond_the_capacity(void **state)
{
	uint8_t buf[2 * SECTOR];

	probe_ok();
	assert_int_equal(hb.backend.read(&hb.backend, DISK_SECTORS - 1, buf, 2), HV_ERANGE);
	assert_int_equal(hb.backend.write(&hb.backend, DISK_SECTORS + 1, buf, 0), HV_ERANGE);
	assert_int_equal(hb.backend.read(&hb.backend, UINT64_MAX, buf, 1), HV_ERANGE);
	assert_int_equal(hb.backend.read(&hb.backend, DISK_SECTORS, buf, 0), HV_OK);
	assert_int_equal(dev[TOP].notifies, 0);
}

static void test_hostblk_device_io_error_is_hv_eio_and_the_disk_stays_online(void **state)
{
	uint8_t buf[SECTOR];

	probe_ok();
	dev[TOP].ioerr = true;
	assert_int_equal(hb.backend.read(&hb.backend, 7, buf, 1), HV_EIO);
	assert_one_line("warning: hostblk@0xa003e00: I/O error at sector 7");
	dev[TOP].ioerr = false;
	assert_int_equal(hb.backend.read(&hb.backend, 7, buf, 1), HV_OK);
	assert_false(hb.broken);
}

static void test_hostblk_device_errors_are_logged_rate_limited(void **state)
{
	uint8_t buf[SECTOR];

	probe_ok();
	dev[TOP].ioerr = true;
	for (unsigned i = 0; i < 50; i++)
		assert_int_equal(hb.backend.write(&hb.backend, i, buf, 1), HV_EIO);
	assert_int_equal(console_line_count(), 5);
}

static void test_hostblk_unsupported_request_is_hv_enotsup(void **state)
{
	probe_ok();
	dev[TOP].unsupp = true;
	assert_int_equal(hb.backend.flush(&hb.backend), HV_ENOTSUP);
	assert_one_line("warning: hostblk@0xa003e00: request type 4 unsupported");
	assert_false(hb.broken);
}

/* A device that breaks the protocol: the driver resets it, and the disk stays offline. */
static void assert_offline_after(const char *line)
{
	uint8_t buf[SECTOR];
	unsigned notifies;

	assert_true(hb.broken);
	assert_one_line(line);
	assert_int_equal(dev[TOP].status, 0);
	assert_int_equal(dev[TOP].resets, 2); /* probe, then the driver giving up */
	notifies = dev[TOP].notifies;
	assert_int_equal(hb.backend.read(&hb.backend, 0, buf, 1), HV_EIO);
	assert_int_equal(hb.backend.write(&hb.backend, 0, buf, 1), HV_EIO);
	assert_int_equal(hb.backend.flush(&hb.backend), HV_EIO);
	assert_int_equal(dev[TOP].notifies, notifies);
}

static void test_hostblk_timeout_resets_the_device_and_takes_the_disk_offline(void **state)
{
	uint8_t buf[SECTOR];

	probe_ok();
	dev[TOP].hang = true;
	sim_hal.counter_step = sim_hal.counter_freq; /* a second per counter read */
	assert_int_equal(hb.backend.read(&hb.backend, 3, buf, 1), HV_EIO);
	assert_offline_after("error: hostblk@0xa003e00: request timed out (device status 0xf); "
			     "device reset, disk offline");
}

static void test_hostblk_unknown_used_id_takes_the_disk_offline(void **state)
{
	uint8_t buf[SECTOR];

	probe_ok();
	dev[TOP].bad_used_id = true;
	assert_int_equal(hb.backend.write(&hb.backend, 3, buf, 1), HV_EIO);
	assert_offline_after("error: hostblk@0xa003e00: used ring returns a descriptor never "
			     "posted (device status 0xf); device reset, disk offline");
}

static void test_hostblk_missing_status_byte_takes_the_disk_offline(void **state)
{
	probe_ok();
	dev[TOP].no_status = true;
	assert_int_equal(hb.backend.flush(&hb.backend), HV_EIO);
	assert_offline_after("error: hostblk@0xa003e00: request completed without a valid status "
			     "(device status 0xf); device reset, disk offline");
}

static void test_hostblk_ring_indices_wrap_at_16_bits(void **state)
{
	uint8_t buf[SECTOR];

	dev[TOP].queue_num_max = 4;
	probe_ok();
	/* Both sides agree on where the indices are, a few requests short of wrapping. */
	hb.next_avail = 65530;
	dev[TOP].last_avail = dev[TOP].used_idx = 65530;
	for (unsigned i = 0; i < 12; i++) {
		memset(buf, (int)i, sizeof(buf));
		assert_int_equal(hb.backend.write(&hb.backend, i, buf, 1), HV_OK);
		assert_int_equal(disk[i * SECTOR], i);
	}
	assert_int_equal(hb.next_avail, 6);
	assert_int_equal(dev[TOP].bad_requests, 0);
}

static void test_hostblk_release_resets_the_device_and_returns_the_page(void **state)
{
	uint8_t buf[SECTOR];

	probe_ok();
	hostblk_release(&hb, &alloc);
	assert_int_equal(dev[TOP].status, 0);
	assert_false(dev[TOP].queue_ready);
	assert_int_equal(palloc_free_bytes(&alloc), ARENA_PAGES * PAGE_SIZE);
	assert_int_equal(hb.backend.read(&hb.backend, 0, buf, 1), HV_EIO);
	hostblk_release(&hb, &alloc); /* nothing left to release */
	assert_int_equal(palloc_free_bytes(&alloc), ARENA_PAGES * PAGE_SIZE);
	assert_int_equal(sim_hal.console_len, 0);
}

static void test_hostblk_release_keeps_the_page_of_a_device_that_will_not_reset(void **state)
{
	probe_ok();
	dev[TOP].stuck_in_reset = true;
	sim_hal.counter_step = sim_hal.counter_freq;
	hostblk_release(&hb, &alloc);
	assert_one_line("error: hostblk@0xa003e00: device does not come out of reset; its page is "
			"kept");
	assert_int_equal(palloc_free_bytes(&alloc), (ARENA_PAGES - 1) * PAGE_SIZE);
}

static void test_hostblk_release_reports_a_page_it_cannot_return(void **state)
{
	probe_ok();
	/* A hypervisor bug elsewhere already gave the page back. */
	assert_int_equal(palloc_free(&alloc, hb.ring_pa, PAGE_SIZE), HV_OK);
	hostblk_release(&hb, &alloc);
	assert_one_line("error: hostblk@0xa003e00: returning the virtqueue page failed");
}

/* Model-based: random reads, writes and flushes of random ranges against a shadow copy of the
 * disk, on a small queue with a small size_max so requests split and the ring wraps often. */
static void test_hostblk_random_requests_match_a_shadow_disk(void **state)
{
	uint64_t rng = rng_seed(__func__, 20241126);
	uint8_t *shadow = malloc(DISK_SECTORS * SECTOR), *buf = malloc(64 * SECTOR);

	memcpy(shadow, disk, DISK_SECTORS * SECTOR);
	dev[TOP].queue_num_max = 4;
	dev[TOP].features |= SIM_VBLK_F_SIZE_MAX;
	dev[TOP].size_max = 8 * SECTOR;
	probe_ok();
	for (unsigned op = 0; op < 3000; op++) {
		uint32_t count = (uint32_t)rng_below(&rng, 64) + 1;
		uint64_t sector = rng_below(&rng, DISK_SECTORS - count + 1);

		switch (rng_below(&rng, 5)) {
		case 0:
			assert_int_equal(hb.backend.flush(&hb.backend), HV_OK);
			break;
		case 1:
		case 2:
			for (size_t i = 0; i < (size_t)count * SECTOR; i++)
				buf[i] = (uint8_t)rng_next(&rng);
			assert_int_equal(hb.backend.write(&hb.backend, sector, buf, count), HV_OK);
			memcpy(shadow + sector * SECTOR, buf, (size_t)count * SECTOR);
			break;
		default:
			assert_int_equal(hb.backend.read(&hb.backend, sector, buf, count), HV_OK);
			if (memcmp(buf, shadow + sector * SECTOR, (size_t)count * SECTOR) != 0)
				fail_msg("op %u: read of %u at %llu differs", op, count,
					 (unsigned long long)sector);
		}
	}
	assert_memory_equal(disk, shadow, DISK_SECTORS * SECTOR);
	assert_int_equal(dev[TOP].bad_requests, 0);
	free(buf);
	free(shadow);
}

/* --- the pieces around the driver --- */

static void test_hv_eio_has_a_name(void **state)
{
	assert_string_equal(hv_strerror(HV_EIO), "I/O error");
}

static void test_sim_mmio_access_nobody_claims_ends_the_run(void **state)
{
	jmp_buf jmp;

	sim_hal.exit_jmp = &jmp;
	if (setjmp(jmp) == 0) {
		(void)hal_mmio_read32(VIRTIO_BASE - 4);
		fail_msg("the access returned");
	}
	assert_string_equal(sim_hal.exit_reason, "mmio: access to an address no simulated device "
						 "claims");
	sim_hal.exit_jmp = NULL;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
	    T(test_hostblk_probe_brings_up_the_disk_on_the_highest_transport),
	    T(test_hostblk_index_counts_disks_from_the_highest_transport_down),
	    T(test_hostblk_no_disk_is_enoent_and_silent),
	    T(test_hostblk_skips_a_transport_without_the_virtio_magic),
	    T(test_hostblk_skips_a_transport_with_too_few_registers),
	    T(test_hostblk_probe_failures_are_one_line_and_leave_nothing_behind),
	    T(test_hostblk_queue_size_follows_the_device_maximum),
	    T(test_hostblk_offered_ro_makes_a_read_only_backend),
	    T(test_hostblk_writes_reach_the_disk_and_reads_come_back),
	    T(test_hostblk_flush_is_a_request_only_when_the_device_offers_it),
	    T(test_hostblk_splits_transfers_at_the_device_size_max),
	    T(test_hostblk_splits_transfers_above_1_mib),
	    T(test_hostblk_refuses_ranges_beyond_the_capacity),
	    T(test_hostblk_device_io_error_is_hv_eio_and_the_disk_stays_online),
	    T(test_hostblk_device_errors_are_logged_rate_limited),
	    T(test_hostblk_unsupported_request_is_hv_enotsup),
	    T(test_hostblk_timeout_resets_the_device_and_takes_the_disk_offline),
	    T(test_hostblk_unknown_used_id_takes_the_disk_offline),
	    T(test_hostblk_missing_status_byte_takes_the_disk_offline),
	    T(test_hostblk_ring_indices_wrap_at_16_bits),
	    T(test_hostblk_release_resets_the_device_and_returns_the_page),
	    T(test_hostblk_release_keeps_the_page_of_a_device_that_will_not_reset),
	    T(test_hostblk_release_reports_a_page_it_cannot_return),
	    T(test_hostblk_random_requests_match_a_shadow_disk),
	    T(test_hv_eio_has_a_name),
	    T(test_sim_mmio_access_nobody_claims_ends_the_run),
#undef T
	};

	return cmocka_run_group_tests_name("hostblk", tests, NULL, NULL);
}

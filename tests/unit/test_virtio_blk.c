// SPDX-License-Identifier: MIT
/* Tests of vdev/virtio_blk.c and vdev/blk_mem.c: a virtio-blk device on a VM with real guest
 * RAM, over an in-memory disk, driven as a guest driver would through the transport. Reads,
 * writes, flush and GET_ID round-trip (data split anywhere, direct and indirect, across the
 * bounce buffer); bad requests get their status byte (IOERR past the end or on a read-only
 * disk, UNSUPP for other types); hostile chains pointing at hypervisor memory or another VM's
 * RAM set DEVICE_NEEDS_RESET and change nothing; the configuration space, features, event
 * index, the device pool (the notify budget: test_virtio_blk_budget.c); and a model-based random test of requests
 * against a reference copy of the disk. */
#include "virtio_blk_harness.h"

static void test_virtio_blk_offers_its_features_and_configuration(void **state)
{
	assert_int_equal(vdrv_rd(&drv, VR_DEVICE_ID), 2);
	assert_int_equal(vdrv_device_features(&drv), F_BLK_ALL);
	assert_int_equal(vdrv_rd_size(&drv, VR_CONFIG, 8), SECTORS);  /* capacity */
	assert_int_equal(vdrv_rd(&drv, VR_CONFIG + 0x0c), 254);	      /* seg_max */
	assert_int_equal(vdrv_rd(&drv, VR_CONFIG + 0x14), 512);	      /* blk_size */
	assert_int_equal(vdrv_rd_size(&drv, VR_CONFIG + 0x15, 1), 2); /* any width */
	assert_int_equal(vdrv_rd(&drv, VR_CONFIG + 0x08), 0);	      /* size_max: not offered */
	assert_int_equal(vdrv_rd(&drv, VR_CONFIG + 0x20), 0);
	assert_int_equal(vdrv_rd(&drv, VR_CONFIG + 0x24), 0);
	vdrv_wr(&drv, VR_QUEUE_SEL, 0);
	assert_int_equal(vdrv_rd(&drv, VR_QUEUE_NUM_MAX), 256);
	vdrv_wr(&drv, VR_QUEUE_SEL, 1);
	assert_int_equal(vdrv_rd(&drv, VR_QUEUE_NUM_MAX), 0);
	/* Writes to the configuration are ignored. */
	vdrv_wr(&drv, VR_CONFIG, 0);
	assert_int_equal(vdrv_rd(&drv, VR_CONFIG), SECTORS);
}

static void test_virtio_blk_read_returns_the_disk_and_interrupts(void **state)
{
	uint8_t buf[1024];
	uint32_t used;

	up(F_BLK_ALL);
	assert_int_equal(rq(0, 3, DATA, sizeof(buf), true, &used), 0);
	assert_int_equal(used, sizeof(buf) + 1);
	g_read(m.vm, DATA, buf, sizeof(buf));
	assert_memory_equal(buf, image + 3 * 512, sizeof(buf));
	assert_int_equal(vdrv_rd(&drv, VR_INT_STATUS), 1);
	assert_true(line());
	vdrv_wr(&drv, VR_INT_ACK, 1);
	assert_false(line());
	assert_int_equal(console_line_count(), 0);
}

static void test_virtio_blk_write_reaches_the_disk_and_reads_back(void **state)
{
	uint8_t buf[2048], back[2048];
	uint32_t used;

	up(F_VERSION_1);
	for (unsigned i = 0; i < sizeof(buf); i++)
		buf[i] = (uint8_t)(i * 31 + 5);
	g_write(m.vm, DATA, buf, sizeof(buf));
	assert_int_equal(rq(1, SECTORS - 4, DATA, sizeof(buf), false, &used), 0);
	assert_int_equal(used, 1);
	assert_memory_equal(image + (SECTORS - 4) * 512, buf, sizeof(buf));
	g_fill(m.vm, DATA + 0x1000, 0, sizeof(back));
	assert_int_equal(rq(0, SECTORS - 4, DATA + 0x1000, sizeof(back), true, NULL), 0);
	g_read(m.vm, DATA + 0x1000, back, sizeof(back));
	assert_memory_equal(back, buf, sizeof(back));
}

/* Data split at odd places, over several bounce-buffer chunks, through an indirect table. */
static void test_virtio_blk_data_split_anywhere_moves_through_the_bounce_buffer(void **state)
{
	static uint8_t want[5 * 4096];
	const struct seg segs[] = {
	    {HDR, 7, false},	      {HDR + 7, 9, false},
	    {DATA, 1, true},	      {DATA + 0x100, 4999, true},
	    {DATA + 0x3000, 0, true}, {DATA + 0x4000, 15480, true},
	    {STS, 1, true},
	};
	uint8_t got[5 * 4096];
	size_t at = 0;

	up(F_BLK_ALL);
	header(0, 10);
	assert_int_equal(submit(segs, ARRAY_SIZE(segs), true), 1 + 4999 + 15480 + 1);
	assert_int_equal(g_byte(m.vm, STS), 0);
	for (unsigned i = 2; i < 6; i++) {
		g_read(m.vm, segs[i].addr, got + at, segs[i].len);
		at += segs[i].len;
	}
	assert_int_equal(at, 40 * 512);
	assert_memory_equal(got, image + 10 * 512, at);
	/* And back out, one byte shifted, as a write. */
	memcpy(want, image + 11 * 512, sizeof(want));
	header(1, 50);
	g_write(m.vm, DATA + 0x8000, want, sizeof(want));
	assert_int_equal(submit((struct seg[]){{HDR, 16, false},
					       {DATA + 0x8000, 3, false},
					       {DATA + 0x8003, sizeof(want) - 3, false},
					       {STS, 1, true}},
				4, false),
			 1);
	assert_int_equal(g_byte(m.vm, STS), 0);
	assert_memory_equal(image + 50 * 512, want, sizeof(want));
}

static void test_virtio_blk_flush_and_get_id(void **state)
{
	char id[24];
	uint32_t used;

	up(F_BLK_ALL);
	assert_int_equal(rq(4, 0, 0, 0, false, &used), 0);
	assert_int_equal(used, 1);
	g_fill(m.vm, DATA, 'x', sizeof(id));
	assert_int_equal(rq(8, 0, DATA, 20, true, &used), 0);
	assert_int_equal(used, 21);
	g_read(m.vm, DATA, id, sizeof(id));
	assert_memory_equal(id, "mem\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0xxxx", sizeof(id));
	/* A long name is cut to 20 bytes without NUL; a short buffer gets what fits. */
	disk.name = "a-disk-name-of-25-chars!!";
	assert_int_equal(rq(8, 0, DATA, 20, true, &used), 0);
	g_read(m.vm, DATA, id, sizeof(id));
	assert_memory_equal(id, "a-disk-name-of-25-chxxxx", sizeof(id));
	assert_int_equal(rq(8, 0, DATA + 0x100, 6, true, &used), 0);
	assert_int_equal(used, 7);
	assert_int_equal(g_byte(m.vm, DATA + 0x100 + 5), 'k');
	disk.name = NULL;
	assert_int_equal(rq(8, 0, DATA, 20, true, &used), 0);
	assert_int_equal(g_byte(m.vm, DATA), 0);
}

static void test_virtio_blk_other_request_types_are_unsupported(void **state)
{
	static const uint32_t types[] = {2, 3, 10, 11, 13, 14, 0xffffffff};
	uint32_t used;

	up(F_BLK_ALL);
	for (unsigned i = 0; i < ARRAY_SIZE(types); i++) {
		assert_int_equal(rq(types[i], 0, DATA, 512, true, &used), 2);
		assert_int_equal(used, 1);
	}
	assert_int_equal(console_line_count(), 0);
}

static void test_virtio_blk_bad_requests_get_ioerr_and_change_nothing(void **state)
{
	char want[128];
	static const struct {
		uint32_t type;
		uint64_t sector;
		uint32_t len;
	} bad[] = {
	    {0, SECTORS, 512},
	    {1, SECTORS, 512},
	    {0, SECTORS - 1, 1024},
	    {1, SECTORS - 1, 1024},
	    {0, UINT64_MAX, 512},
	    {1, UINT64_MAX - 1, 1024},
	    {0, 1ULL << 55, 512},
	    {0, 0, 511},
	    {1, 0, 513},
	    {0, 0, 100},
	    {1, 2, 512 * (SECTORS + 1)},
	};
	uint8_t *copy = malloc(DISK_BYTES);
	uint32_t used;

	assert_non_null(copy);
	memcpy(copy, image, DISK_BYTES);
	up(F_BLK_ALL);
	g_fill(m.vm, DATA, 0x3c, 512 * (SECTORS + 1));
	for (unsigned i = 0; i < ARRAY_SIZE(bad); i++) {
		assert_int_equal(
		    rq(bad[i].type, bad[i].sector, DATA, bad[i].len, !bad[i].type, &used), 1);
		assert_int_equal(used, 1);
		assert_int_equal(g_byte(m.vm, DATA), 0x3c);
	}
	assert_memory_equal(image, copy, DISK_BYTES);
	snprintf(
	    want, sizeof(want),
	    "warning: sim: virtio-blk@0xa000000: beyond the end of the disk (sector %u); IOERR",
	    SECTORS);
	assert_true(console_has_prefix(want));
	/* The last sector itself is fine. */
	assert_int_equal(rq(0, SECTORS - 1, DATA, 512, true, &used), 0);
	free(copy);
}

static void test_virtio_blk_short_header_or_no_status_byte(void **state)
{
	uint32_t used;

	up(F_BLK_ALL);
	header(0, 0);
	assert_int_equal(submit((struct seg[]){{HDR, 15, false}, {STS, 1, true}}, 2, false), 1);
	assert_int_equal(g_byte(m.vm, STS), 1);
	/* Nowhere to put a status: returned with nothing written. */
	header(0, 0);
	assert_int_equal(submit((struct seg[]){{HDR, 16, false}, {DATA, 512, false}}, 2, false), 0);
	assert_int_equal(g_byte(m.vm, STS), 0xff);
	assert_true(console_has_prefix(
	    "warning: sim: virtio-blk@0xa000000: request without a status byte"));
	/* The status goes to the last writable byte, wherever the buffers end. */
	header(4, 0);
	assert_int_equal(submit((struct seg[]){{HDR, 16, false}, {DATA, 9, true}}, 2, false), 1);
	assert_int_equal(g_byte(m.vm, DATA + 8), 0);
	assert_int_equal(rq(0, 0, DATA, 512, true, &used), 0);
}

static void test_virtio_blk_read_only_disk_refuses_writes(void **state)
{
	struct blk_backend ro;
	uint8_t before[512];
	struct vdrv d2;

	memcpy(before, image, sizeof(before));
	assert_int_equal(blk_mem_init(&ro, image, DISK_BYTES, true), HV_OK);
	ro.write = NULL; /* a read-only backend need not write */
	assert_int_equal(virtio_blk_attach(m.vm, BASE + 0x200, INTID + 1, &ro), HV_OK);
	vdrv_init(&d2, m.vm, BASE + 0x200);
	assert_int_equal(vdrv_device_features(&d2), F_BLK_ALL | F_RO);
	drv = d2;
	up(F_BLK_ALL | F_RO);
	g_fill(m.vm, DATA, 0x11, 512);
	assert_int_equal(rq(1, 0, DATA, 512, false, NULL), 1);
	assert_memory_equal(image, before, sizeof(before));
	assert_int_equal(rq(0, 0, DATA, 512, true, NULL), 0);
	assert_int_equal(rq(4, 0, 0, 0, false, NULL), 0); /* flush: fine */
	/* The memory backend refuses too, should anyone ask it. */
	assert_int_equal(blk_mem_init(&ro, image, DISK_BYTES, true), HV_OK);
	assert_int_equal(ro.write(&ro, 0, before, 1), HV_ENOTSUP);
}

/* A backend that fails on demand, and one that republishes the request it is serving. */
/* --- hostile guests --- */

static void expect_needs_reset(const uint8_t *disk_before)
{
	assert_int_equal(vdrv_rd(&drv, VR_STATUS) & S_NEEDS_RESET, S_NEEDS_RESET);
	assert_int_equal(vdrv_rd(&drv, VR_INT_STATUS) & 2, 2);
	assert_true(line());
	assert_int_equal(vdrv_used_idx(&drv), 0);
	assert_int_equal(g_byte(m.vm, STS), 0xff);
	assert_memory_equal(image, disk_before, DISK_BYTES);
}

static void test_virtio_blk_chains_into_foreign_memory_need_reset(void **state)
{
	static uint8_t hv_memory[4096];
	uint8_t *copy = malloc(DISK_BYTES);
	const uint64_t targets[] = {
	    (uint64_t)(uintptr_t)image,				   /* the disk itself */
	    (uint64_t)(uintptr_t)hv_memory,			   /* hypervisor data */
	    (uint64_t)(uintptr_t)sim_ram_ptr(&other, VM_RAM_BASE), /* the other VM */
	    (uint64_t)(uintptr_t)other.arena,
	    VM_RAM_BASE + SIM_RAM_SIZE - 256, /* runs off the end of RAM */
	    0xfffffffffffffe00ULL,	      /* wraps */
	};

	assert_non_null(copy);
	memcpy(copy, image, DISK_BYTES);
	memset(hv_memory, 0x5e, sizeof(hv_memory));
	for (unsigned i = 0; i < ARRAY_SIZE(targets); i++) {
		for (unsigned dir = 0; dir < 2; dir++) {
			struct seg s[3] = {
			    {HDR, 16, false}, {targets[i], 512, !dir}, {STS, 1, true}};

			up(F_BLK_ALL);
			header(dir, 0);
			for (unsigned k = 0; k < 3; k++)
				vdrv_desc(
				    &drv, VD_DESC, (uint16_t)k, s[k].addr, s[k].len,
				    (uint16_t)((k < 2 ? D_NEXT : 0) | (s[k].write ? D_WRITE : 0)),
				    (uint16_t)(k + 1));
			vdrv_publish(&drv, 0);
			vdrv_notify(&drv, 0);
			expect_needs_reset(copy);
			/* Ignored from now on, until a reset. */
			vdrv_notify(&drv, 0);
			assert_int_equal(vdrv_used_idx(&drv), 0);
		}
	}
	for (unsigned i = 0; i < sizeof(hv_memory); i++)
		assert_int_equal(hv_memory[i], 0x5e);
	/* After a reset the device serves again. */
	up(F_BLK_ALL);
	assert_int_equal(rq(0, 1, DATA, 512, true, NULL), 0);
	free(copy);
}

static void test_virtio_blk_malformed_queue_stops_mid_batch(void **state)
{
	uint8_t *copy = malloc(DISK_BYTES);

	assert_non_null(copy);
	up(F_BLK_ALL);
	g_write(m.vm, DATA, "good", 4);
	header(1, 5);
	vdrv_desc(&drv, VD_DESC, 0, HDR, 16, D_NEXT, 1);
	vdrv_desc(&drv, VD_DESC, 1, DATA, 512, D_NEXT, 2);
	vdrv_desc(&drv, VD_DESC, 2, STS, 1, D_WRITE, 0);
	vdrv_desc(&drv, VD_DESC, 5, HDR, 16, D_NEXT, 5); /* loops */
	vdrv_publish(&drv, 0);
	vdrv_publish(&drv, 5);
	vdrv_publish(&drv, 0);
	vdrv_notify(&drv, 0);
	/* The first request was served and announced, then the queue broke. */
	assert_memory_equal(image + 5 * 512, "good", 4);
	assert_int_equal(vdrv_used_idx(&drv), 1);
	assert_int_equal(vdrv_rd(&drv, VR_INT_STATUS), 3);
	assert_int_equal(vdrv_rd(&drv, VR_STATUS) & S_NEEDS_RESET, S_NEEDS_RESET);
	assert_true(console_has_line("warning: sim: virtio-blk@0xa000000: descriptor chain "
				     "loops; device needs reset"));
	memcpy(copy, image, DISK_BYTES);
	vdrv_notify(&drv, 0);
	assert_memory_equal(image, copy, DISK_BYTES);
	free(copy);
}

static void test_virtio_blk_event_idx_suppresses_interrupts(void **state)
{
	up(F_BLK_ALL);
	vdrv_set_used_event(&drv, 2); /* interrupt when the third buffer is used */
	assert_int_equal(rq(0, 0, DATA, 512, true, NULL), 0);
	assert_false(line());
	assert_int_equal(vdrv_avail_event(&drv), 1); /* notify me at the next one */
	assert_int_equal(rq(0, 0, DATA, 512, true, NULL), 0);
	assert_false(line());
	assert_int_equal(rq(0, 0, DATA, 512, true, NULL), 0);
	assert_true(line());
	assert_int_equal(vdrv_avail_event(&drv), 3);
}

static void test_virtio_blk_devices_of_two_vms_serve_their_own_disks(void **state)
{
	uint8_t *image2 = calloc(1, DISK_BYTES);
	struct blk_backend disk2;
	struct vdrv mine = drv;
	uint8_t got[512];

	assert_non_null(image2);
	memset(image2, 0x99, DISK_BYTES);
	assert_int_equal(blk_mem_init(&disk2, image2, DISK_BYTES, false), HV_OK);
	vgic_init(other.vm, 64);
	assert_int_equal(virtio_blk_attach(other.vm, BASE, INTID, &disk2), HV_OK);
	vdrv_init(&drv, other.vm, BASE);
	vdrv_setup(&drv, F_BLK_ALL, NUM);
	/* other.vm's RAM is the test's to change now: not the thing checked here. */
	assert_int_equal(vdrv_rd(&drv, VR_STATUS) & S_NEEDS_RESET, 0);
	drv = mine;
	up(F_BLK_ALL);
	assert_int_equal(rq(0, 0, DATA, 512, true, NULL), 0);
	g_read(m.vm, DATA, got, sizeof(got));
	assert_memory_equal(got, image, sizeof(got));
	assert_false(vdrv_line(other.vm, INTID));
	g_read(other.vm, VM_RAM_BASE, other_snapshot, SIM_RAM_SIZE);
	free(image2);
}

static void test_virtio_blk_attach_refuses_bad_backends_and_runs_out(void **state)
{
	struct blk_backend b[VIRTIO_BLK_MAX], bad = disk;
	unsigned i;

	assert_int_equal(virtio_blk_attach(m.vm, BASE + 0x200, INTID, NULL), HV_EINVAL);
	bad.sectors = 0;
	assert_int_equal(virtio_blk_attach(m.vm, BASE + 0x200, INTID, &bad), HV_EINVAL);
	bad = disk;
	bad.read = NULL;
	assert_int_equal(virtio_blk_attach(m.vm, BASE + 0x200, INTID, &bad), HV_EINVAL);
	bad = disk;
	bad.write = NULL;
	assert_int_equal(virtio_blk_attach(m.vm, BASE + 0x200, INTID, &bad), HV_EINVAL);
	assert_int_equal(virtio_blk_attach(m.vm, BASE + 0x200, 16, &disk), HV_EINVAL);
	assert_int_equal(virtio_blk_attach(m.vm, BASE, INTID, &disk), HV_EBUSY);
	/* One device is in use (setup's): the pool has VIRTIO_BLK_MAX - 1 more. */
	for (i = 1; i < VIRTIO_BLK_MAX; i++) {
		b[i] = disk;
		assert_int_equal(
		    virtio_blk_attach(i % 2 ? other.vm : m.vm, BASE + 0x200 * i, INTID + i, &b[i]),
		    HV_OK);
	}
	assert_int_equal(virtio_blk_attach(m.vm, BASE + 0x200 * i, INTID, &disk), HV_ENOMEM);
	/* Destroying a VM frees its devices. */
	sim_machine_destroy(&other);
	assert_int_equal(virtio_blk_attach(m.vm, BASE + 0x200 * i, INTID, &disk), HV_OK);
	assert_int_equal(sim_machine_init(&other, NULL), HV_OK);
	g_read(other.vm, VM_RAM_BASE, other_snapshot, SIM_RAM_SIZE);
}

static void test_blk_mem_init_checks_the_image_size(void **state)
{
	struct blk_backend b;

	assert_int_equal(blk_mem_init(&b, image, 0, false), HV_EINVAL);
	assert_int_equal(blk_mem_init(&b, image, 511, false), HV_EINVAL);
	assert_int_equal(blk_mem_init(&b, image, 1000, false), HV_EINVAL);
	assert_int_equal(blk_mem_init(&b, NULL, 512, false), HV_EINVAL);
	assert_int_equal(blk_mem_init(&b, image, 1024, true), HV_OK);
	assert_int_equal(b.sectors, 2);
	assert_true(b.read_only);
	assert_string_equal(b.name, "mem");
	assert_ptr_equal(b.priv, image);
	assert_int_equal(b.flush(&b), HV_OK);
}

/* --- model-based random test --- */

/* Random reads and writes (random sector, length and split of the data into buffers, direct or
 * indirect, in batches of several per notify) against a reference copy of the disk. */
static void test_virtio_blk_random_requests_match_a_reference_disk(void **state)
{
	uint64_t seed = rng_seed(__func__, 5202);
	uint8_t *ref = malloc(DISK_BYTES), *buf = malloc(64 * 512);

	assert_non_null(ref);
	assert_non_null(buf);
	memcpy(ref, image, DISK_BYTES);
	up(F_BLK_ALL);
	for (unsigned it = 0; it < RAND_ITERS; it++) {
		bool out = rng_below(&seed, 2), indirect = rng_below(&seed, 2);
		uint32_t sectors = 1 + (uint32_t)rng_below(&seed, 64), len = sectors * 512;
		uint64_t sector = rng_below(&seed, SECTORS + 8);
		bool fits = sector + sectors <= SECTORS;
		struct seg s[8] = {{HDR, 16, false}};
		unsigned n = 1, splits = (unsigned)rng_below(&seed, 6);
		uint32_t at = 0;

		for (unsigned i = 0; i < len; i++)
			buf[i] = (uint8_t)rng_next(&seed);
		/* Data buffers 0x100 apart in guest RAM, split at random points. */
		for (unsigned k = 0; k <= splits; k++) {
			uint32_t piece =
			    k == splits ? len - at : (uint32_t)rng_below(&seed, len - at + 1);

			s[n++] = (struct seg){DATA + at + 0x100 * k, piece, !out};
			if (out)
				g_write(m.vm, DATA + at + 0x100 * k, buf + at, piece);
			at += piece;
		}
		s[n++] = (struct seg){STS, 1, true};
		header(out, sector);
		assert_int_equal(submit(s, n, indirect), fits && !out ? len + 1 : 1);
		assert_int_equal(g_byte(m.vm, STS), fits ? 0 : 1);
		if (!fits)
			continue;
		if (out) {
			memcpy(ref + sector * 512, buf, len);
			continue;
		}
		for (unsigned k = 1, off = 0; k + 1 < n; off += s[k].len, k++) {
			g_read(m.vm, s[k].addr, buf + off, s[k].len);
		}
		assert_memory_equal(buf, ref + sector * 512, len);
	}
	assert_memory_equal(image, ref, DISK_BYTES);
	free(ref);
	free(buf);
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
	const struct CMUnitTest tests[] = {
	    T(test_virtio_blk_offers_its_features_and_configuration),
	    T(test_virtio_blk_read_returns_the_disk_and_interrupts),
	    T(test_virtio_blk_write_reaches_the_disk_and_reads_back),
	    T(test_virtio_blk_data_split_anywhere_moves_through_the_bounce_buffer),
	    T(test_virtio_blk_flush_and_get_id),
	    T(test_virtio_blk_other_request_types_are_unsupported),
	    T(test_virtio_blk_bad_requests_get_ioerr_and_change_nothing),
	    T(test_virtio_blk_short_header_or_no_status_byte),
	    T(test_virtio_blk_read_only_disk_refuses_writes),
	    T(test_virtio_blk_chains_into_foreign_memory_need_reset),
	    T(test_virtio_blk_malformed_queue_stops_mid_batch),
	    T(test_virtio_blk_event_idx_suppresses_interrupts),
	    T(test_virtio_blk_devices_of_two_vms_serve_their_own_disks),
	    T(test_virtio_blk_attach_refuses_bad_backends_and_runs_out),
	    T(test_blk_mem_init_checks_the_image_size),
	    T(test_virtio_blk_random_requests_match_a_reference_disk),
	};

#undef T

	return cmocka_run_group_tests_name("virtio_blk", tests, NULL, NULL);
}

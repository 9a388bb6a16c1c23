/* SPDX-License-Identifier: MIT */
#ifndef TESTS_UNIT_VIRTIO_BLK_HARNESS_H
#define TESTS_UNIT_VIRTIO_BLK_HARNESS_H

/* The machine the virtio-blk tests (test_virtio_blk.c, test_virtio_blk_budget.c) run on: a
 * virtio-blk device on a VM with real guest RAM over an in-memory disk, driven through the
 * transport as a guest driver would, beside a second VM whose RAM must never change. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <core/err.h>
#include <core/lib.h>
#include <core/pgtable.h>
#include <core/vgic.h>
#include <hal-sim/sim_hal.h>
#include <sim/sim.h>
#include <vdev/blk_mem.h>
#include <vdev/virtio_blk.h>

#include "fixture.h"
#include "rng.h"
#include "virtio_driver.h"

#define BASE	   0x0a000000ULL
#define INTID	   48
#define SECTORS	   (3 * VIRTIO_BLK_BOUNCE / 512) /* room for requests of several bounces */
#define DISK_BYTES (SECTORS * 512)
#define NUM	   16
#define HDR	   (VD_DATA)
#define STS	   (VD_DATA + 0x100)
#define IND	   (VD_DATA + 0x1000)
#define DATA	   (VD_DATA + 0x10000) /* data buffers: to the end of RAM */
#define RAND_ITERS 400

#define F_SEG_MAX  (1ULL << 2)
#define F_RO	   (1ULL << 5)
#define F_BLK_SIZE (1ULL << 6)
#define F_FLUSH	   (1ULL << 9)
#define F_BLK_ALL  (F_VERSION_1 | F_SEG_MAX | F_BLK_SIZE | F_FLUSH | F_EVENT_IDX | F_INDIRECT)

static struct sim_machine m, other;
static struct blk_backend disk;
static uint8_t *image, *other_snapshot;
static struct vdrv drv;

static int setup(void **state)
{
	sim_hal_reset();
	sim_hal.counter_step = sim_hal.counter_freq; /* no log line is rate-limited away */
	assert_int_equal(sim_machine_init(&m, NULL), HV_OK);
	assert_int_equal(sim_machine_init(&other, NULL), HV_OK);
	vgic_init(m.vm, 64);
	other_snapshot = malloc(SIM_RAM_SIZE);
	assert_non_null(other_snapshot);
	g_read(other.vm, VM_RAM_BASE, other_snapshot, SIM_RAM_SIZE);
	image = malloc(DISK_BYTES); /* exactly: ASan sees any access past the disk */
	assert_non_null(image);
	for (unsigned i = 0; i < DISK_BYTES; i++)
		image[i] = (uint8_t)(i / 512 * 7 + i);
	assert_int_equal(blk_mem_init(&disk, image, DISK_BYTES, false), HV_OK);
	assert_int_equal(virtio_blk_attach(m.vm, BASE, INTID, &disk), HV_OK);
	vdrv_init(&drv, m.vm, BASE);
	return 0;
}

static int teardown(void **state)
{
	uint8_t *now = malloc(SIM_RAM_SIZE);

	assert_non_null(now);
	g_read(other.vm, VM_RAM_BASE, now, SIM_RAM_SIZE);
	assert_memory_equal(now, other_snapshot, SIM_RAM_SIZE);
	free(now);
	free(other_snapshot);
	free(image);
	sim_machine_destroy(&other);
	sim_machine_destroy(&m);
	return 0;
}

struct seg {
	uint64_t addr;
	uint32_t len;
	bool write;
};

/* Resume the VM's deferred device work until none is left; returns how many budgets it took. */
static inline unsigned resume_all(void)
{
	unsigned n = 0;

	while (vm_has_deferred(m.vm)) {
		vm_resume_deferred(m.vm);
		assert_true(++n < 100000);
	}
	return n;
}

/* Publish a chain of `segs` from descriptor 0 (or through an indirect table), notify, and
 * return the length the device reported in its used element. */
static inline uint32_t submit(const struct seg *segs, unsigned n, bool indirect)
{
	uint64_t table = indirect ? IND : VD_DESC;
	uint16_t before = vdrv_used_idx(&drv);
	uint32_t id, len;

	if (indirect)
		vdrv_desc(&drv, VD_DESC, 0, IND, 16 * n, D_INDIRECT, 0);
	for (unsigned i = 0; i < n; i++)
		vdrv_desc(&drv, table, (uint16_t)i, segs[i].addr, segs[i].len,
			  (uint16_t)((i + 1 < n ? D_NEXT : 0) | (segs[i].write ? D_WRITE : 0)),
			  (uint16_t)(i + 1));
	vdrv_publish(&drv, 0);
	vdrv_notify(&drv, 0);
	resume_all(); /* what the VM's next entries do for a request over one exit's budget */
	assert_int_equal(vdrv_used_idx(&drv), (uint16_t)(before + 1));
	vdrv_used_elem(&drv, before, &id, &len);
	assert_int_equal(id, 0);
	return len;
}

static inline void header(uint32_t type, uint64_t sector)
{
	uint8_t h[16] = {0};

	for (unsigned i = 0; i < 4; i++)
		h[i] = (uint8_t)(type >> (8 * i));
	for (unsigned i = 0; i < 8; i++)
		h[8 + i] = (uint8_t)(sector >> (8 * i));
	g_write(m.vm, HDR, h, sizeof(h));
	g_fill(m.vm, STS, 0xff, 1);
}

/* A request with one data buffer (none if len is 0); returns the status byte. */
static inline uint8_t rq(uint32_t type, uint64_t sector, uint64_t data, uint32_t len,
			 bool dev_writes, uint32_t *used)
{
	struct seg s[3] = {{HDR, 16, false}, {data, len, dev_writes}, {STS, 1, true}};
	uint32_t u;

	header(type, sector);
	if (len)
		u = submit(s, 3, false);
	else
		u = submit((struct seg[]){s[0], s[2]}, 2, false);
	if (used)
		*used = u;
	return g_byte(m.vm, STS);
}

static inline void up(uint64_t features)
{
	vdrv_setup(&drv, features, NUM);
}

static inline bool line(void)
{
	return vdrv_line(m.vm, INTID);
}

#endif

// SPDX-License-Identifier: MIT
/* Tests of vdev/virtio_mmio.c, the virtio-mmio transport (virtio 1.2, 4.2.2), driven through
 * its MMIO bus entry with a fake device type behind it: identification, feature negotiation,
 * the device status state machine and its misuse, queue registers, the interrupt line as the
 * vGIC sees it, register widths and offsets, the configuration space, attach errors; and a
 * model-based random test of Status and DriverFeatures writes against the rules of 3.1.1. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <core/err.h>
#include <core/lib.h>
#include <core/vgic.h>
#include <hal-sim/sim_hal.h>
#include <sim/sim.h>
#include <vdev/virtio_mmio.h>

#include "fixture.h"
#include "rng.h"
#include "virtio_driver.h"

#define BASE	   0x0a000000ULL
#define INTID	   48
#define NUM_MAX	   64
#define F_TEST_LO  (1ULL << 0)
#define F_TEST_HI  (1ULL << 40)
#define OFFERED	   (F_VERSION_1 | F_TEST_LO | F_TEST_HI | F_EVENT_IDX | F_INDIRECT)
#define RAND_ITERS 20000
#define ALL_UP	   (S_ACK | S_DRIVER | S_FEATURES_OK | S_DRIVER_OK)

enum notify_action { RECORD, USE, BREAK, DEFER };

/* The fake device: a 12-byte configuration space and counters. */
static struct {
	struct virtio_mmio t;
	uint8_t config[12];
	unsigned notifies, last_notify, resets, config_writes, resumes;
	unsigned work_left; /* DEFER: budgets of work a notify leaves */
	enum notify_action action;
} fake;

static void fake_config_read(struct virtio_mmio *t, uint32_t off, uint8_t *buf, unsigned len)
{
	assert_true(off + len <= sizeof(fake.config));
	memcpy(buf, fake.config + off, len);
}

static void fake_config_write(struct virtio_mmio *t, uint32_t off, const uint8_t *buf, unsigned len)
{
	assert_true(off + len <= sizeof(fake.config));
	memcpy(fake.config + off, buf, len);
	fake.config_writes++;
}

static bool fake_notify(struct virtio_mmio *t, unsigned index)
{
	assert_ptr_equal(t->priv, &fake);
	fake.notifies++;
	fake.last_notify = index;
	if (fake.action == USE)
		virtio_mmio_used(t);
	else if (fake.action == BREAK)
		virtio_mmio_needs_reset(t, "the test broke it");
	return fake.action == DEFER && fake.work_left;
}

static bool fake_resume(struct virtio_mmio *t)
{
	assert_ptr_equal(t->priv, &fake);
	fake.resumes++;
	return --fake.work_left != 0;
}

static void fake_reset(struct virtio_mmio *t)
{
	fake.resets++;
}

static const struct virtio_device_ops fake_ops = {
    .name = "virtio-test",
    .device_id = 42,
    .num_queues = 2,
    .queue_num_max = NUM_MAX,
    .config_size = sizeof(fake.config),
    .config_read = fake_config_read,
    .config_write = fake_config_write,
    .queue_notify = fake_notify,
    .resume = fake_resume,
    .reset = fake_reset,
};

/* The same with a read-only configuration space and no reset hook. */
static const struct virtio_device_ops plain_ops = {
    .name = "virtio-plain",
    .device_id = 7,
    .num_queues = 1,
    .queue_num_max = 8,
    .config_size = 4,
    .config_read = fake_config_read,
    .queue_notify = fake_notify,
};

static struct sim_machine m;
static struct vdrv drv;

static int setup(void **state)
{
	sim_hal_reset();
	/* A second passes between log lines: the guest log's rate limit never hides one. */
	sim_hal.counter_step = sim_hal.counter_freq;
	assert_int_equal(sim_machine_init(&m, NULL), HV_OK);
	vgic_init(m.vm, 64);
	memset(&fake, 0, sizeof(fake));
	for (unsigned i = 0; i < sizeof(fake.config); i++)
		fake.config[i] = (uint8_t)(0x10 + i);
	assert_int_equal(virtio_mmio_attach(&fake.t, m.vm, BASE, INTID, &fake_ops, OFFERED, &fake),
			 HV_OK);
	vdrv_init(&drv, m.vm, BASE);
	return 0;
}

static int teardown(void **state)
{
	sim_machine_destroy(&m);
	return 0;
}

static bool line(void)
{
	return vdrv_line(m.vm, INTID);
}

/* Lines of the console that contain `s`. */
static unsigned console_count(const char *s)
{
	unsigned n = 0;

	for (const char *p = sim_hal.console; (p = strstr(p, s)) != NULL; p++)
		n++;
	return n;
}

static void ready_queue(unsigned index)
{
	assert_int_equal(vdrv_queue(&drv, index, 8, VD_DESC, VD_AVAIL, VD_USED), 1);
}

static void all_up(void)
{
	assert_int_equal(vdrv_negotiate(&drv, F_VERSION_1), S_ACK | S_DRIVER | S_FEATURES_OK);
	ready_queue(0);
	vdrv_wr(&drv, VR_STATUS, ALL_UP);
	assert_int_equal(vdrv_rd(&drv, VR_STATUS), ALL_UP);
}

static void test_virtio_mmio_identifies_a_version_2_device(void **state)
{
	assert_int_equal(drv.dev->size, 0x200);
	assert_string_equal(drv.dev->name, "virtio-test");
	assert_int_equal(vdrv_rd(&drv, VR_MAGIC), 0x74726976);
	assert_int_equal(vdrv_rd(&drv, VR_VERSION), 2);
	assert_int_equal(vdrv_rd(&drv, VR_DEVICE_ID), 42);
	assert_int_equal(vdrv_rd(&drv, VR_VENDOR_ID), 0x5648);
	assert_int_equal(vdrv_rd(&drv, VR_STATUS), 0);
	assert_int_equal(vdrv_rd(&drv, VR_CONFIG_GEN), 0);
	assert_int_equal(vdrv_rd(&drv, VR_INT_STATUS), 0);
	assert_false(line());
}

static void test_virtio_mmio_device_features_are_read_by_selector(void **state)
{
	assert_int_equal(vdrv_device_features(&drv), OFFERED);
	vdrv_wr(&drv, VR_DEV_FEATURES_SEL, 2);
	assert_int_equal(vdrv_rd(&drv, VR_DEV_FEATURES), 0);
	vdrv_wr(&drv, VR_DEV_FEATURES_SEL, 0xffffffff);
	assert_int_equal(vdrv_rd(&drv, VR_DEV_FEATURES), 0);
}

static void test_virtio_mmio_initialisation_reaches_driver_ok_and_notifies(void **state)
{
	assert_int_equal(vdrv_negotiate(&drv, OFFERED), S_ACK | S_DRIVER | S_FEATURES_OK);
	assert_true(virtio_mmio_has_feature(&fake.t, 40));
	assert_true(virtio_mmio_has_feature(&fake.t, 29));
	assert_false(virtio_mmio_has_feature(&fake.t, 1));
	assert_false(virtio_mmio_has_feature(&fake.t, 64));
	vdrv_wr(&drv, VR_QUEUE_SEL, 1);
	assert_int_equal(vdrv_rd(&drv, VR_QUEUE_NUM_MAX), NUM_MAX);
	assert_int_equal(vdrv_rd(&drv, VR_QUEUE_READY), 0);
	assert_int_equal(vdrv_queue(&drv, 1, 8, VD_DESC, VD_AVAIL, VD_USED), 1);
	assert_true(fake.t.queues[1].event_idx && fake.t.queues[1].indirect);
	vdrv_wr(&drv, VR_STATUS, ALL_UP);
	assert_int_equal(vdrv_rd(&drv, VR_STATUS), ALL_UP);
	vdrv_notify(&drv, 1);
	assert_int_equal(fake.notifies, 1);
	assert_int_equal(fake.last_notify, 1);
	assert_int_equal(console_line_count(), 0); /* nothing was misuse */
}

static void test_virtio_mmio_features_ok_needs_version_1(void **state)
{
	assert_int_equal(vdrv_negotiate(&drv, F_TEST_LO | F_TEST_HI), S_ACK | S_DRIVER);
	assert_true(console_has_prefix("warning: sim: virtio-test@0xa000000: FEATURES_OK refused"));
	/* The driver may try again with a better set. */
	vdrv_wr(&drv, VR_DRV_FEATURES_SEL, 1);
	vdrv_wr(&drv, VR_DRV_FEATURES, 1);
	vdrv_wr(&drv, VR_STATUS, S_ACK | S_DRIVER | S_FEATURES_OK);
	assert_int_equal(vdrv_rd(&drv, VR_STATUS), S_ACK | S_DRIVER | S_FEATURES_OK);
}

static void test_virtio_mmio_features_ok_refuses_features_not_offered(void **state)
{
	static const uint64_t bad[] = {F_VERSION_1 | (1ULL << 1), F_VERSION_1 | (1ULL << 33),
				       F_VERSION_1 | (1ULL << 63), F_VERSION_1 | OFFERED << 1};

	for (unsigned i = 0; i < ARRAY_SIZE(bad); i++)
		assert_int_equal(vdrv_negotiate(&drv, bad[i]), S_ACK | S_DRIVER);
	/* Bits above 63 (selector 2 and up) were never offered either. */
	vdrv_negotiate(&drv, 0);
	vdrv_wr(&drv, VR_DRV_FEATURES_SEL, 1);
	vdrv_wr(&drv, VR_DRV_FEATURES, 1);
	vdrv_wr(&drv, VR_DRV_FEATURES_SEL, 2);
	vdrv_wr(&drv, VR_DRV_FEATURES, 0); /* zero is fine */
	vdrv_wr(&drv, VR_STATUS, S_ACK | S_DRIVER | S_FEATURES_OK);
	assert_int_equal(vdrv_rd(&drv, VR_STATUS), S_ACK | S_DRIVER | S_FEATURES_OK);
	vdrv_negotiate(&drv, F_VERSION_1);
	vdrv_wr(&drv, VR_STATUS, 0);
	vdrv_wr(&drv, VR_STATUS, S_ACK | S_DRIVER);
	vdrv_wr(&drv, VR_DRV_FEATURES_SEL, 1);
	vdrv_wr(&drv, VR_DRV_FEATURES, 1);
	vdrv_wr(&drv, VR_DRV_FEATURES_SEL, 5);
	vdrv_wr(&drv, VR_DRV_FEATURES, 0x100);
	vdrv_wr(&drv, VR_STATUS, S_ACK | S_DRIVER | S_FEATURES_OK);
	assert_int_equal(vdrv_rd(&drv, VR_STATUS), S_ACK | S_DRIVER);
}

static void test_virtio_mmio_status_steps_cannot_be_skipped(void **state)
{
	vdrv_wr(&drv, VR_STATUS, S_DRIVER);
	assert_int_equal(vdrv_rd(&drv, VR_STATUS), 0);
	vdrv_wr(&drv, VR_STATUS, S_ACK | S_FEATURES_OK | S_DRIVER_OK);
	assert_int_equal(vdrv_rd(&drv, VR_STATUS), S_ACK);
	vdrv_wr(&drv, VR_STATUS, S_ACK | S_DRIVER | S_DRIVER_OK);
	assert_int_equal(vdrv_rd(&drv, VR_STATUS), S_ACK | S_DRIVER);
	/* FAILED goes in at any time; the device's own bit and unknown bits are not the
	 * driver's to write. */
	vdrv_wr(&drv, VR_STATUS, S_ACK | S_DRIVER | S_FAILED | S_NEEDS_RESET | 0x30);
	assert_int_equal(vdrv_rd(&drv, VR_STATUS), S_ACK | S_DRIVER | S_FAILED);
}

static void test_virtio_mmio_status_bits_clear_only_by_reset(void **state)
{
	all_up();
	vdrv_wr(&drv, VR_STATUS, S_ACK | S_DRIVER);
	assert_int_equal(vdrv_rd(&drv, VR_STATUS), ALL_UP);
	assert_true(console_has_prefix("warning: sim: virtio-test@0xa000000: Status write clears "
				       "bits (only writing 0 resets); ignored"));
	vdrv_notify(&drv, 0);
	assert_int_equal(fake.notifies, 1);
}

static void test_virtio_mmio_writing_status_0_resets_everything(void **state)
{
	unsigned resets;

	all_up();
	resets = fake.resets;
	fake.action = BREAK;
	vdrv_notify(&drv, 0);
	assert_true(line());
	vdrv_wr(&drv, VR_QUEUE_SEL, 1);
	vdrv_wr(&drv, VR_DEV_FEATURES_SEL, 1);
	vdrv_wr(&drv, VR_STATUS, 0);
	assert_int_equal(fake.resets, resets + 1);
	assert_int_equal(vdrv_rd(&drv, VR_STATUS), 0);
	assert_int_equal(vdrv_rd(&drv, VR_INT_STATUS), 0);
	assert_false(line());
	assert_int_equal(vdrv_rd(&drv, VR_DEV_FEATURES), (uint32_t)OFFERED); /* selector 0 */
	assert_int_equal(vdrv_rd(&drv, VR_QUEUE_READY), 0);		     /* queue 0 */
	assert_int_equal(fake.t.driver_features, 0);
	assert_int_equal(fake.t.queues[0].num, 0);
	assert_int_equal(fake.t.queues[0].desc, 0);
	/* And it comes up again. */
	fake.action = RECORD;
	all_up();
	vdrv_notify(&drv, 0);
	assert_int_equal(fake.notifies, 2);
}

static void test_virtio_mmio_driver_features_only_between_driver_and_features_ok(void **state)
{
	vdrv_wr(&drv, VR_STATUS, S_ACK);
	vdrv_wr(&drv, VR_DRV_FEATURES, 1);
	assert_int_equal(fake.t.driver_features, 0);
	assert_int_equal(vdrv_negotiate(&drv, F_VERSION_1), S_ACK | S_DRIVER | S_FEATURES_OK);
	vdrv_wr(&drv, VR_DRV_FEATURES_SEL, 0);
	vdrv_wr(&drv, VR_DRV_FEATURES, 1);
	assert_int_equal(fake.t.driver_features, F_VERSION_1);
	assert_true(
	    console_has_prefix("warning: sim: virtio-test@0xa000000: DriverFeatures written "
			       "outside DRIVER before FEATURES_OK; ignored"));
}

static void test_virtio_mmio_queue_ready_before_features_ok_is_ignored(void **state)
{
	vdrv_wr(&drv, VR_STATUS, S_ACK | S_DRIVER);
	assert_int_equal(vdrv_queue(&drv, 0, 8, VD_DESC, VD_AVAIL, VD_USED), 0);
	assert_int_equal(fake.t.queues[0].num, 0);
	assert_int_equal(fake.t.queues[0].desc, 0);
	assert_int_equal(vdrv_rd(&drv, VR_STATUS), S_ACK | S_DRIVER); /* no DEVICE_NEEDS_RESET */
	assert_true(console_has_prefix("warning: sim: virtio-test@0xa000000: queue set up before "
				       "FEATURES_OK"));
	/* After FAILED, too. */
	vdrv_negotiate(&drv, F_VERSION_1);
	vdrv_wr(&drv, VR_STATUS, S_ACK | S_DRIVER | S_FEATURES_OK | S_FAILED);
	assert_int_equal(vdrv_queue(&drv, 0, 8, VD_DESC, VD_AVAIL, VD_USED), 0);
}

static void test_virtio_mmio_queue_registers_are_frozen_while_ready(void **state)
{
	all_up();
	vdrv_wr(&drv, VR_QUEUE_NUM, 4);
	vdrv_wr(&drv, VR_QUEUE_DESC_LO, 0x1000);
	vdrv_wr(&drv, VR_QUEUE_USED_HI, 1);
	assert_int_equal(fake.t.queues[0].num, 8);
	assert_int_equal(fake.t.queues[0].desc, VD_DESC);
	assert_int_equal(fake.t.queues[0].used, VD_USED);
	vdrv_wr(&drv, VR_QUEUE_READY, 1); /* again: nothing changes */
	assert_int_equal(vdrv_rd(&drv, VR_QUEUE_READY), 1);
	/* Taking it down works at any time, and then it can be set up again. */
	vdrv_wr(&drv, VR_QUEUE_READY, 0);
	assert_int_equal(vdrv_rd(&drv, VR_QUEUE_READY), 0);
	vdrv_notify(&drv, 0);
	assert_int_equal(fake.notifies, 0);
	ready_queue(0);
	vdrv_notify(&drv, 0);
	assert_int_equal(fake.notifies, 1);
}

static void test_virtio_mmio_queues_beyond_the_device_do_not_exist(void **state)
{
	vdrv_negotiate(&drv, F_VERSION_1);
	vdrv_wr(&drv, VR_QUEUE_SEL, 2);
	assert_int_equal(vdrv_rd(&drv, VR_QUEUE_NUM_MAX), 0);
	assert_int_equal(vdrv_rd(&drv, VR_QUEUE_READY), 0);
	assert_int_equal(vdrv_queue(&drv, 2, 8, VD_DESC, VD_AVAIL, VD_USED), 0);
	vdrv_wr(&drv, VR_QUEUE_READY, 0);
	vdrv_wr(&drv, VR_QUEUE_SEL, 0xffffffff);
	assert_int_equal(vdrv_rd(&drv, VR_QUEUE_NUM_MAX), 0);
	for (unsigned i = 2; i < VIRTIO_MMIO_MAX_QUEUES; i++)
		assert_int_equal(fake.t.queues[i].num, 0);
	vdrv_wr(&drv, VR_STATUS, ALL_UP);
	vdrv_notify(&drv, 2);
	vdrv_notify(&drv, 0x10000);
	assert_int_equal(fake.notifies, 0);
	assert_true(console_has_prefix("warning: sim: virtio-test@0xa000000: notify of a queue the "
				       "device does not have; ignored"));
}

/* A configuration the queue cannot run with: the device asks for a reset. */
struct bad_queue {
	const char *what;
	uint32_t num;
	uint64_t desc, avail, used;
};

static void test_virtio_mmio_unusable_queue_needs_reset(void **state)
{
	static const struct bad_queue cases[] = {
	    {"size 0", 0, VD_DESC, VD_AVAIL, VD_USED},
	    {"size not a power of two", 12, VD_DESC, VD_AVAIL, VD_USED},
	    {"size over QueueNumMax", 2 * NUM_MAX, VD_DESC, VD_AVAIL, VD_USED},
	    {"size way over", 0x80000000u, VD_DESC, VD_AVAIL, VD_USED},
	    {"descriptors misaligned", 8, VD_DESC + 8, VD_AVAIL, VD_USED},
	    {"avail misaligned", 8, VD_DESC, VD_AVAIL + 1, VD_USED},
	    {"used misaligned", 8, VD_DESC, VD_AVAIL, VD_USED + 2},
	    {"descriptors below RAM", 8, 0x3ffffff0, VD_AVAIL, VD_USED},
	    {"used ring runs past RAM", 8, VD_DESC, VD_AVAIL, 0x40fffff0},
	    {"avail at the UART", 8, VD_DESC, 0x09000000, VD_USED},
	    {"descriptors at a host pointer", 8, 0, VD_AVAIL, VD_USED},
	    {"used wraps", 8, VD_DESC, VD_AVAIL, 0xfffffffffffffff0ULL},
	    {"avail overlaps descriptors", 8, VD_DESC, VD_DESC + 0x70, VD_USED},
	    {"used overlaps descriptors", 8, VD_DESC, VD_AVAIL, VD_DESC + 0x10},
	    {"used overlaps avail", 8, VD_DESC, VD_AVAIL, VD_AVAIL + 0x10},
	};

	for (unsigned i = 0; i < ARRAY_SIZE(cases); i++) {
		const struct bad_queue *c = &cases[i];
		uint64_t desc = c->desc ? c->desc : (uint64_t)(uintptr_t)&fake;

		print_message("%s\n", c->what);
		vdrv_negotiate(&drv, F_VERSION_1);
		assert_false(line());
		assert_int_equal(vdrv_queue(&drv, 0, (uint16_t)c->num, desc, c->avail, c->used), 0);
		if (c->num > UINT16_MAX) { /* vdrv_queue() writes 16 bits: this one by hand */
			vdrv_wr(&drv, VR_STATUS, 0);
			vdrv_negotiate(&drv, F_VERSION_1);
			vdrv_wr(&drv, VR_QUEUE_NUM, c->num);
			vdrv_wr(&drv, VR_QUEUE_READY, 1);
			assert_int_equal(vdrv_rd(&drv, VR_QUEUE_READY), 0);
		}
		assert_int_equal(vdrv_rd(&drv, VR_STATUS),
				 S_ACK | S_DRIVER | S_FEATURES_OK | S_NEEDS_RESET);
		assert_int_equal(vdrv_rd(&drv, VR_INT_STATUS), 2);
		assert_true(line());
		/* Nothing more is set up until the driver resets the device. */
		assert_int_equal(vdrv_queue(&drv, 0, 8, VD_DESC, VD_AVAIL, VD_USED), 0);
		vdrv_wr(&drv, VR_STATUS, ALL_UP);
		vdrv_notify(&drv, 0);
		assert_int_equal(fake.notifies, 0);
		vdrv_wr(&drv, VR_STATUS, 0);
		assert_false(line());
	}
	assert_true(console_has_prefix("warning: sim: virtio-test@0xa000000: rings overlap; device "
				       "needs reset"));
}

static void test_virtio_mmio_notify_needs_driver_ok_and_a_ready_queue(void **state)
{
	vdrv_negotiate(&drv, F_VERSION_1);
	ready_queue(0);
	vdrv_notify(&drv, 0); /* before DRIVER_OK */
	vdrv_wr(&drv, VR_STATUS, ALL_UP);
	vdrv_notify(&drv, 1); /* queue 1 is not ready */
	assert_int_equal(fake.notifies, 0);
	vdrv_wr(&drv, VR_STATUS, ALL_UP | S_FAILED);
	vdrv_notify(&drv, 0);
	assert_int_equal(fake.notifies, 0);
	vdrv_wr(&drv, VR_STATUS, 0);
	all_up();
	fake.action = BREAK;
	vdrv_notify(&drv, 0);
	vdrv_notify(&drv, 0); /* after DEVICE_NEEDS_RESET */
	assert_int_equal(fake.notifies, 1);
	assert_int_equal(console_count("the test broke it; device needs reset"), 1);
}

static void test_virtio_mmio_work_left_by_a_notify_is_resumed_by_the_vm(void **state)
{
	all_up();
	fake.action = DEFER;
	fake.work_left = 2;
	vdrv_notify(&drv, 0);
	assert_true(vm_has_deferred(m.vm));
	vm_resume_deferred(m.vm);
	assert_int_equal(fake.resumes, 1);
	assert_true(vm_has_deferred(m.vm));
	vm_resume_deferred(m.vm);
	assert_int_equal(fake.resumes, 2);
	assert_false(vm_has_deferred(m.vm)); /* the last budget finished it */
	vm_resume_deferred(m.vm);
	assert_int_equal(fake.resumes, 2);
}

static void test_virtio_mmio_deferred_work_stops_at_reset_or_failure(void **state)
{
	all_up();
	fake.action = DEFER;
	fake.work_left = 5;
	vdrv_notify(&drv, 0);
	vdrv_wr(&drv, VR_STATUS, 0);
	vm_resume_deferred(m.vm);
	assert_int_equal(fake.resumes, 0);
	assert_false(vm_has_deferred(m.vm));
	all_up();
	vdrv_notify(&drv, 0);
	vdrv_wr(&drv, VR_STATUS, ALL_UP | S_FAILED);
	vm_resume_deferred(m.vm);
	assert_int_equal(fake.resumes, 0);
	assert_false(vm_has_deferred(m.vm));
}

static void test_virtio_mmio_interrupt_line_follows_interrupt_status(void **state)
{
	all_up();
	fake.action = USE;
	vdrv_notify(&drv, 0);
	assert_int_equal(vdrv_rd(&drv, VR_INT_STATUS), 1);
	assert_true(line());
	fake.action = BREAK;
	vdrv_notify(&drv, 0);
	assert_int_equal(vdrv_rd(&drv, VR_INT_STATUS), 3);
	vdrv_wr(&drv, VR_INT_ACK, 1);
	assert_int_equal(vdrv_rd(&drv, VR_INT_STATUS), 2);
	assert_true(line());
	vdrv_wr(&drv, VR_INT_ACK, 0xfffffffc); /* no such bits: nothing changes */
	assert_true(line());
	vdrv_wr(&drv, VR_INT_ACK, 2);
	assert_int_equal(vdrv_rd(&drv, VR_INT_STATUS), 0);
	assert_false(line());
	/* The status bit stays until reset; the interrupt was acknowledged. */
	assert_int_equal(vdrv_rd(&drv, VR_STATUS), ALL_UP | S_NEEDS_RESET);
}

static void test_virtio_mmio_other_widths_read_zero_ignore_writes_log_once(void **state)
{
	static const uint64_t regs[] = {VR_MAGIC, VR_STATUS, VR_QUEUE_SEL, VR_INT_ACK};
	static const unsigned sizes[] = {1, 2, 8};

	for (unsigned r = 0; r < ARRAY_SIZE(regs); r++) {
		for (unsigned s = 0; s < ARRAY_SIZE(sizes); s++) {
			assert_int_equal(vdrv_rd_size(&drv, regs[r], sizes[s]), 0);
			vdrv_wr_size(&drv, regs[r], sizes[s], S_ACK);
		}
	}
	assert_int_equal(vdrv_rd_size(&drv, VR_MAGIC + 2, 2), 0);
	assert_int_equal(vdrv_rd(&drv, VR_STATUS), 0);
	assert_int_equal(fake.t.queue_sel, 0);
	assert_int_equal(console_count("is not a register access"), 1);
	assert_true(console_has_line("warning: sim: virtio-test@0xa000000: 1-byte read at offset "
				     "0x0 is not a register access; RAZ/WI (reported once)"));
}

static void test_virtio_mmio_reserved_and_wrong_direction_offsets_are_razwi(void **state)
{
	/* Reserved offsets, the write-only registers (reads), the read-only ones (writes). */
	static const uint64_t reserved[] = {0x018, 0x01c, 0x028, 0x03c, 0x040, 0x048, 0x04c,
					    0x054, 0x068, 0x074, 0x088, 0x08c, 0x098, 0x09c,
					    0x0a8, 0x0ac, 0x0b0, 0x0c0, 0x0f8};
	static const uint64_t write_only[] = {
	    VR_DEV_FEATURES_SEL, VR_DRV_FEATURES, VR_DRV_FEATURES_SEL, VR_QUEUE_SEL,
	    VR_QUEUE_NUM,	 VR_QUEUE_NOTIFY, VR_INT_ACK,	       VR_QUEUE_DESC_LO,
	    VR_QUEUE_DESC_HI,	 VR_QUEUE_USED_HI};
	static const uint64_t read_only[] = {VR_MAGIC,	    VR_VERSION,	     VR_DEVICE_ID,
					     VR_VENDOR_ID,  VR_DEV_FEATURES, VR_QUEUE_NUM_MAX,
					     VR_INT_STATUS, VR_CONFIG_GEN};

	all_up();
	for (unsigned i = 0; i < ARRAY_SIZE(reserved); i++) {
		vdrv_wr(&drv, reserved[i], 0xffffffff);
		assert_int_equal(vdrv_rd(&drv, reserved[i]), 0);
	}
	for (unsigned i = 0; i < ARRAY_SIZE(write_only); i++)
		assert_int_equal(vdrv_rd(&drv, write_only[i]), 0);
	for (unsigned i = 0; i < ARRAY_SIZE(read_only); i++)
		vdrv_wr(&drv, read_only[i], 0);
	assert_int_equal(vdrv_rd(&drv, VR_MAGIC), 0x74726976);
	assert_int_equal(vdrv_rd(&drv, VR_DEVICE_ID), 42);
	assert_int_equal(vdrv_rd(&drv, VR_STATUS), ALL_UP);
	assert_int_equal(console_count("is not a register access"), 1);
}

static void test_virtio_mmio_config_space_reads_any_width_zero_beyond(void **state)
{
	assert_int_equal(vdrv_rd_size(&drv, VR_CONFIG, 1), 0x10);
	assert_int_equal(vdrv_rd_size(&drv, VR_CONFIG + 3, 1), 0x13);
	assert_int_equal(vdrv_rd_size(&drv, VR_CONFIG + 2, 2), 0x1312);
	assert_int_equal(vdrv_rd_size(&drv, VR_CONFIG + 4, 4), 0x17161514);
	assert_int_equal(vdrv_rd_size(&drv, VR_CONFIG, 8), 0x1716151413121110ULL);
	/* Straddling the end of the device's 12 bytes, and past it. */
	assert_int_equal(vdrv_rd_size(&drv, VR_CONFIG + 8, 8), 0x1b1a1918);
	assert_int_equal(vdrv_rd_size(&drv, VR_CONFIG + 16, 4), 0);
	assert_int_equal(vdrv_rd_size(&drv, 0x1ff, 1), 0);
	assert_int_equal(console_line_count(), 0);
}

static void test_virtio_mmio_config_space_writes_reach_the_device(void **state)
{
	vdrv_wr_size(&drv, VR_CONFIG + 1, 1, 0xab);
	vdrv_wr_size(&drv, VR_CONFIG + 8, 8, 0x8877665544332211ULL);
	vdrv_wr_size(&drv, VR_CONFIG + 0x80, 4, 0xffffffff); /* beyond: dropped */
	assert_int_equal(fake.config_writes, 2);
	assert_int_equal(vdrv_rd_size(&drv, VR_CONFIG, 2), 0xab10);
	assert_int_equal(vdrv_rd_size(&drv, VR_CONFIG + 8, 4), 0x44332211);
}

static void test_virtio_mmio_read_only_config_space_ignores_writes(void **state)
{
	static struct virtio_mmio plain;
	struct vdrv p;

	assert_int_equal(virtio_mmio_attach(&plain, m.vm, BASE + 0x200, INTID + 1, &plain_ops,
					    F_VERSION_1, &fake),
			 HV_OK);
	vdrv_init(&p, m.vm, BASE + 0x200);
	vdrv_wr_size(&p, VR_CONFIG, 4, 0);
	assert_int_equal(vdrv_rd_size(&p, VR_CONFIG, 8), 0x13121110);
	assert_true(console_has_line("warning: sim: virtio-plain@0xa000200: 4-byte write at offset "
				     "0x100 is not a register access; RAZ/WI (reported once)"));
	/* A device without a reset hook resets all the same. */
	vdrv_negotiate(&p, F_VERSION_1);
	vdrv_wr(&p, VR_STATUS, 0);
	assert_int_equal(vdrv_rd(&p, VR_STATUS), 0);
	assert_int_equal(fake.resets, 0);
}

static void test_virtio_mmio_attach_refuses_bad_arguments(void **state)
{
	static struct virtio_mmio t;
	struct virtio_device_ops many = fake_ops, big = fake_ops;

	many.num_queues = VIRTIO_MMIO_MAX_QUEUES + 1;
	big.config_size = 0x101;
	memset(&t, 0x5a, sizeof(t));
	assert_int_equal(virtio_mmio_attach(&t, m.vm, BASE + 0x400, 31, &fake_ops, OFFERED, NULL),
			 HV_EINVAL);
	assert_int_equal(virtio_mmio_attach(&t, m.vm, BASE + 0x400, 128, &fake_ops, OFFERED, NULL),
			 HV_EINVAL);
	assert_int_equal(virtio_mmio_attach(&t, m.vm, BASE + 0x400, INTID, &many, OFFERED, NULL),
			 HV_EINVAL);
	assert_int_equal(virtio_mmio_attach(&t, m.vm, BASE + 0x400, INTID, &big, OFFERED, NULL),
			 HV_EINVAL);
	assert_int_equal(virtio_mmio_attach(&t, m.vm, BASE + 0x400, INTID, &fake_ops, 1, NULL),
			 HV_EINVAL);
	assert_int_equal(
	    virtio_mmio_attach(&t, m.vm, BASE + 0x100, INTID, &fake_ops, OFFERED, NULL), HV_EBUSY);
	assert_int_equal(virtio_mmio_attach(&t, m.vm, VM_RAM_BASE, INTID, &fake_ops, OFFERED, NULL),
			 HV_EBUSY);
	for (unsigned i = 0; i < sizeof(t); i++) /* untouched */
		assert_int_equal(((uint8_t *)&t)[i], 0x5a);
	assert_ptr_equal(vm_find_mmio(m.vm, BASE)->priv, &fake.t);
}

/* --- model-based random test of the status machine --- */

/* The rules of virtio 1.2, 3.1.1 restated: the next status after writing `val`. */
static uint32_t ref_status(uint32_t status, uint32_t val, uint64_t features, bool high)
{
	const uint32_t mine = S_ACK | S_DRIVER | S_FEATURES_OK | S_DRIVER_OK | S_FAILED;
	uint32_t want = val & mine;
	bool features_ok = (features & F_VERSION_1) && !(features & ~OFFERED) && !high;

	if (!val)
		return 0;
	if (status & mine & ~want)
		return status;
	if (!(status & S_DRIVER) && (want & S_DRIVER) && !(want & S_ACK))
		want &= ~S_DRIVER;
	if (!(status & S_FEATURES_OK) && (want & S_FEATURES_OK) &&
	    (!(want & S_DRIVER) || !features_ok))
		want &= ~S_FEATURES_OK;
	if (!(status & S_DRIVER_OK) && (want & S_DRIVER_OK) && !(want & S_FEATURES_OK))
		want &= ~S_DRIVER_OK;
	return (status & S_NEEDS_RESET) | want;
}

static void test_virtio_mmio_random_status_writes_follow_the_spec(void **state)
{
	static const uint64_t choices[] = {F_VERSION_1, OFFERED, F_TEST_LO, 1ULL << 50,
					   F_VERSION_1 | 2};
	uint64_t seed = rng_seed(__func__, 4221), features = 0;
	uint32_t status = 0, sel = 0;
	bool high = false;

	for (unsigned it = 0; it < RAND_ITERS; it++) {
		uint32_t val;

		switch (rng_below(&seed, 4)) {
		case 0: /* a step forward, most of the time */
			val = status | (uint32_t)(1u << rng_below(&seed, 8));
			break;
		case 1:
			val = (uint32_t)rng_next(&seed) & 0xff;
			if (rng_below(&seed, 4) == 0)
				val = 0;
			break;
		case 2:
			sel = (uint32_t)rng_below(&seed, 3);
			vdrv_wr(&drv, VR_DRV_FEATURES_SEL, sel);
			continue;
		default: {
			uint64_t f = choices[rng_below(&seed, ARRAY_SIZE(choices))];
			uint32_t word = sel < 2 ? (uint32_t)(f >> (32 * sel)) : (uint32_t)f;

			vdrv_wr(&drv, VR_DRV_FEATURES, word);
			if ((status & (S_DRIVER | S_FEATURES_OK)) == S_DRIVER) {
				if (sel < 2)
					features = (features & ~(0xffffffffULL << (32 * sel))) |
						   (uint64_t)word << (32 * sel);
				else
					high |= word != 0;
			}
			continue;
		}
		}
		vdrv_wr(&drv, VR_STATUS, val);
		status = ref_status(status, val, features, high);
		if (!val) {
			features = 0;
			high = false;
			sel = 0;
		}
		if (vdrv_rd(&drv, VR_STATUS) != status)
			fail_msg("iteration %u: wrote 0x%x, status 0x%x, model 0x%x", it, val,
				 vdrv_rd(&drv, VR_STATUS), status);
		sim_console_clear();
	}
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
	const struct CMUnitTest tests[] = {
	    T(test_virtio_mmio_identifies_a_version_2_device),
	    T(test_virtio_mmio_device_features_are_read_by_selector),
	    T(test_virtio_mmio_initialisation_reaches_driver_ok_and_notifies),
	    T(test_virtio_mmio_features_ok_needs_version_1),
	    T(test_virtio_mmio_features_ok_refuses_features_not_offered),
	    T(test_virtio_mmio_status_steps_cannot_be_skipped),
	    T(test_virtio_mmio_status_bits_clear_only_by_reset),
	    T(test_virtio_mmio_writing_status_0_resets_everything),
	    T(test_virtio_mmio_driver_features_only_between_driver_and_features_ok),
	    T(test_virtio_mmio_queue_ready_before_features_ok_is_ignored),
	    T(test_virtio_mmio_queue_registers_are_frozen_while_ready),
	    T(test_virtio_mmio_queues_beyond_the_device_do_not_exist),
	    T(test_virtio_mmio_unusable_queue_needs_reset),
	    T(test_virtio_mmio_notify_needs_driver_ok_and_a_ready_queue),
	    T(test_virtio_mmio_work_left_by_a_notify_is_resumed_by_the_vm),
	    T(test_virtio_mmio_deferred_work_stops_at_reset_or_failure),
	    T(test_virtio_mmio_interrupt_line_follows_interrupt_status),
	    T(test_virtio_mmio_other_widths_read_zero_ignore_writes_log_once),
	    T(test_virtio_mmio_reserved_and_wrong_direction_offsets_are_razwi),
	    T(test_virtio_mmio_config_space_reads_any_width_zero_beyond),
	    T(test_virtio_mmio_config_space_writes_reach_the_device),
	    T(test_virtio_mmio_read_only_config_space_ignores_writes),
	    T(test_virtio_mmio_attach_refuses_bad_arguments),
	    T(test_virtio_mmio_random_status_writes_follow_the_spec),
	};
#undef T

	return cmocka_run_group_tests_name("virtio_mmio", tests, NULL, NULL);
}

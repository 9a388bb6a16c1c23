// SPDX-License-Identifier: MIT
/* Tests of vdev/virtio_mmio_empty.c: every free slot of a VM's virtio-mmio window answers as
 * a QEMU virt transport without a device (MagicValue, Version 2, VendorID, DeviceID 0, the
 * rest 0, writes ignored) instead of being a hole that aborts, and the devices already there
 * keep their slots. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include <core/err.h>
#include <core/lib.h>
#include <core/vgic.h>
#include <core/vm.h>
#include <hal-sim/sim_hal.h>
#include <sim/sim.h>
#include <vdev/virtio_mmio.h>

#include "fixture.h"

static struct sim_machine m;

static int setup(void **state)
{
	sim_hal_reset();
	assert_int_equal(sim_machine_init(&m, NULL), HV_OK);
	vgic_init(m.vm, 64);
	return 0;
}

static int teardown(void **state)
{
	sim_machine_destroy(&m);
	return 0;
}

static uint64_t slot_base(unsigned n)
{
	return VM_VIRTIO_BASE + (uint64_t)n * VM_VIRTIO_STRIDE;
}

/* A guest's read of `size` bytes at `ipa`, through the bus as the trap path does it. */
static uint64_t rd(uint64_t ipa, unsigned size)
{
	struct mmio_device *dev = vm_find_mmio(m.vm, ipa);
	uint64_t val = 0xdeadbeef;

	assert_non_null(dev);
	assert_int_equal(dev->ops->read(dev, &m.vm->vcpus[0], ipa - dev->base, size, &val), HV_OK);
	return val;
}

static void wr(uint64_t ipa, unsigned size, uint64_t val)
{
	struct mmio_device *dev = vm_find_mmio(m.vm, ipa);

	assert_non_null(dev);
	assert_int_equal(dev->ops->write(dev, &m.vm->vcpus[0], ipa - dev->base, size, val), HV_OK);
}

static void assert_empty_slot(unsigned n)
{
	uint64_t b = slot_base(n);

	assert_int_equal(rd(b + VIRTIO_MMIO_MAGIC_VALUE, 4), VIRTIO_MMIO_MAGIC);
	assert_int_equal(rd(b + VIRTIO_MMIO_VERSION, 4), 2);
	assert_int_equal(rd(b + VIRTIO_MMIO_DEVICE_ID, 4), 0);
	assert_int_equal(rd(b + VIRTIO_MMIO_VENDOR, 4), VIRTIO_MMIO_VENDOR_ID);
	assert_int_equal(rd(b + VIRTIO_MMIO_DEVICE_FEATURES, 4), 0);
	assert_int_equal(rd(b + VIRTIO_MMIO_QUEUE_NUM_MAX, 4), 0);
	assert_int_equal(rd(b + VIRTIO_MMIO_STATUS, 4), 0);
	assert_int_equal(rd(b + VIRTIO_MMIO_CONFIG, 4), 0);
	assert_int_equal(rd(b + VIRTIO_MMIO_SIZE - 4, 4), 0);
}

static void test_virtio_mmio_empty_fills_all_32_slots_of_an_empty_window(void **state)
{
	unsigned before = m.vm->mmio_count; /* the simulated machine's own devices */

	assert_null(vm_find_mmio(m.vm, slot_base(7)));
	assert_int_equal(virtio_mmio_fill_slots(m.vm, VM_VIRTIO_BASE, VM_VIRTIO_SLOTS), HV_OK);
	for (unsigned n = 0; n < VM_VIRTIO_SLOTS; n++)
		assert_empty_slot(n);
	/* One bus entry for the run, and nothing beyond the window. */
	assert_int_equal(m.vm->mmio_count, before + 1);
	assert_null(vm_find_mmio(m.vm, slot_base(VM_VIRTIO_SLOTS)));
	assert_null(vm_find_mmio(m.vm, VM_VIRTIO_BASE - 4));
}

static void test_virtio_mmio_empty_keeps_the_devices_in_their_slots(void **state)
{
	static struct virtio_mmio dev0, dev5;
	static const struct virtio_device_ops ops = {
	    .name = "virtio-test", .device_id = 42, .num_queues = 1, .queue_num_max = 8};
	unsigned before = m.vm->mmio_count;

	assert_int_equal(virtio_mmio_attach(&dev0, m.vm, slot_base(0), VM_VIRTIO_INTID(0), &ops,
					    1ULL << VIRTIO_F_VERSION_1, NULL),
			 HV_OK);
	assert_int_equal(virtio_mmio_attach(&dev5, m.vm, slot_base(5), VM_VIRTIO_INTID(5), &ops,
					    1ULL << VIRTIO_F_VERSION_1, NULL),
			 HV_OK);
	assert_int_equal(virtio_mmio_fill_slots(m.vm, VM_VIRTIO_BASE, VM_VIRTIO_SLOTS), HV_OK);
	assert_int_equal(rd(slot_base(0) + VIRTIO_MMIO_DEVICE_ID, 4), 42);
	assert_int_equal(rd(slot_base(5) + VIRTIO_MMIO_DEVICE_ID, 4), 42);
	for (unsigned n = 0; n < VM_VIRTIO_SLOTS; n++) {
		if (n != 0 && n != 5)
			assert_empty_slot(n);
	}
	/* The two devices and two runs of free slots (1-4, 6-31). */
	assert_int_equal(m.vm->mmio_count, before + 4);
}

static void test_virtio_mmio_empty_ignores_writes_and_odd_widths(void **state)
{
	uint64_t b = slot_base(3);

	assert_int_equal(virtio_mmio_fill_slots(m.vm, VM_VIRTIO_BASE, VM_VIRTIO_SLOTS), HV_OK);
	wr(b + VIRTIO_MMIO_STATUS, 4, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER);
	wr(b + VIRTIO_MMIO_QUEUE_SEL, 4, 0);
	wr(b + VIRTIO_MMIO_QUEUE_NUM, 4, 8);
	wr(b + VIRTIO_MMIO_QUEUE_READY, 4, 1);
	wr(b + VIRTIO_MMIO_QUEUE_NOTIFY, 4, 0);
	wr(b + VIRTIO_MMIO_MAGIC_VALUE, 1, 0xff);
	assert_empty_slot(3);
	/* Only 32-bit reads say anything, as on QEMU. */
	assert_int_equal(rd(b + VIRTIO_MMIO_MAGIC_VALUE, 1), 0);
	assert_int_equal(rd(b + VIRTIO_MMIO_MAGIC_VALUE, 2), 0);
	assert_int_equal(rd(b + VIRTIO_MMIO_MAGIC_VALUE, 8), 0);
}

static void test_virtio_mmio_empty_a_later_device_in_a_filled_slot_is_refused(void **state)
{
	static struct virtio_mmio dev;
	static const struct virtio_device_ops ops = {
	    .name = "virtio-test", .device_id = 42, .num_queues = 1, .queue_num_max = 8};

	assert_int_equal(virtio_mmio_fill_slots(m.vm, VM_VIRTIO_BASE, VM_VIRTIO_SLOTS), HV_OK);
	assert_int_equal(virtio_mmio_attach(&dev, m.vm, slot_base(2), VM_VIRTIO_INTID(2), &ops,
					    1ULL << VIRTIO_F_VERSION_1, NULL),
			 HV_EBUSY);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(
		test_virtio_mmio_empty_fills_all_32_slots_of_an_empty_window, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_virtio_mmio_empty_keeps_the_devices_in_their_slots,
					    setup, teardown),
	    cmocka_unit_test_setup_teardown(test_virtio_mmio_empty_ignores_writes_and_odd_widths,
					    setup, teardown),
	    cmocka_unit_test_setup_teardown(
		test_virtio_mmio_empty_a_later_device_in_a_filled_slot_is_refused, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

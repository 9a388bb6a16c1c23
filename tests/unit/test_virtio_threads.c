// SPDX-License-Identifier: MIT
/* One virtio-blk device (memory backend) driven by two vCPUs on two pCPUs at once, each a host
 * thread (sim/mp.c): both queue requests on the same virtqueue and notify the device from
 * their own pCPU while the other's requests complete and the device's interrupt is
 * acknowledged on vCPU 0. Every request must complete exactly once, with its data on the
 * disk. */
#include <pthread.h>
#include <stdlib.h>

#include <vdev/blk_mem.h>
#include <vdev/virtio_blk.h>

#include "mp_harness.h"
#include "virtio_driver.h"

#define BASE	    0x0a000000ULL
#define VIRTIO_SPI  48
#define NUM	    16
#define REQUESTS    150 /* per vCPU */
#define SECTOR	    512
#define DISK_BYTES  (2 * REQUESTS * SECTOR)
#define CHAIN	    3				/* header, data, status */
#define AREA(k)	    (VD_DATA + 0x1000ULL * (k)) /* vCPU k's request: header, data, status */
#define HDR_OFF	    0
#define DATA_OFF    0x200
#define STATUS_OFF  0x800
#define STATUS_NONE 0xff

/* The guest's driver: the queue and what it reaped from the used ring, under the guest's own
 * lock, which a vCPU holds from filling the ring across its notify exit (as a simple driver
 * that kicks under its lock), and while it reaps. */
static pthread_mutex_t guest_lock = PTHREAD_MUTEX_INITIALIZER;
static struct vdrv drv;
static uint16_t reaped;		 /* used-ring entries seen */
static unsigned done[2], bad[2]; /* completions by owner; with a wrong id, length or status */
static struct blk_backend disk;
static uint8_t *image;

static uint8_t pattern(unsigned k, unsigned n, unsigned i)
{
	return (uint8_t)(k * 131 + n * 7 + i);
}

/* Queue vCPU k's request n: write one sector (k * REQUESTS + n) of its pattern. */
static void queue_request(unsigned k, unsigned n)
{
	uint8_t hdr[16] = {VIRTIO_BLK_T_OUT}, data[SECTOR], status = STATUS_NONE;
	uint64_t sector = (uint64_t)k * REQUESTS + n;
	uint16_t head = (uint16_t)(CHAIN * k);

	for (unsigned i = 0; i < 8; i++)
		hdr[8 + i] = (uint8_t)(sector >> (8 * i));
	for (unsigned i = 0; i < SECTOR; i++)
		data[i] = pattern(k, n, i);
	g_write(vm, AREA(k) + HDR_OFF, hdr, sizeof(hdr));
	g_write(vm, AREA(k) + DATA_OFF, data, sizeof(data));
	g_write(vm, AREA(k) + STATUS_OFF, &status, 1);
	vdrv_desc(&drv, VD_DESC, head, AREA(k) + HDR_OFF, sizeof(hdr), D_NEXT, head + 1);
	vdrv_desc(&drv, VD_DESC, head + 1, AREA(k) + DATA_OFF, SECTOR, D_NEXT, head + 2);
	vdrv_desc(&drv, VD_DESC, head + 2, AREA(k) + STATUS_OFF, 1, D_WRITE, 0);
	vdrv_publish(&drv, head);
}

/* Take every new used-ring entry (guest lock held). */
static void reap(void)
{
	uint16_t now = vdrv_used_idx(&drv);

	for (; reaped != now; reaped++) {
		uint32_t id, len;
		unsigned owner;

		vdrv_used_elem(&drv, reaped, &id, &len);
		owner = id / CHAIN;
		if (owner > 1 || id % CHAIN != 0) {
			bad[0]++;
			continue;
		}
		if (g_byte(vm, AREA(owner) + STATUS_OFF) != VIRTIO_BLK_S_OK || len < 1)
			bad[owner]++;
		done[owner]++;
	}
}

/* state[0]: the phase, state[1]: requests queued, state[2]: device interrupts acknowledged. */
static struct sim_step driver(unsigned k, struct sim_mp_vcpu *v)
{
	uint64_t *phase = &v->state[0], *queued = &v->state[1];
	unsigned mine;

	/* vCPU 0 takes the device's interrupt: the handler acknowledges it at the device. */
	if (k == 0 && v->seen[VIRTIO_SPI] > v->state[2]) {
		v->state[2] = v->seen[VIRTIO_SPI];
		return mp_mmio_write(BASE + VR_INT_ACK, 4, 1);
	}
	if (*phase == 1) {
		/* Back from the notify exit. */
		pthread_mutex_unlock(&guest_lock);
		*phase = 2;
	}
	if (*phase == 0) {
		pthread_mutex_lock(&guest_lock);
		queue_request(k, (unsigned)(*queued)++);
		*phase = 1;
		return mp_mmio_write(BASE + VR_QUEUE_NOTIFY, 4, 0);
	}
	pthread_mutex_lock(&guest_lock);
	reap();
	mine = done[k];
	pthread_mutex_unlock(&guest_lock);
	if (mine < *queued)
		return mp_busy();
	if (*queued < REQUESTS) {
		*phase = 0;
		return driver(k, v);
	}
	if (k == 1)
		return mp_wfi(); /* done: vCPU 0 ends the run */
	pthread_mutex_lock(&guest_lock);
	mine = done[1];
	pthread_mutex_unlock(&guest_lock);
	return mine == REQUESTS ? mp_exit(0) : mp_busy();
}

static void test_virtio_blk_notifies_from_two_pcpus_complete_every_request_once(void **state)
{
	struct vgic_locked l;
	struct vgic_irq *spi;

	mp_machine(2, 2, driver);
	image = calloc(1, DISK_BYTES);
	assert_non_null(image);
	assert_int_equal(blk_mem_init(&disk, image, DISK_BYTES, false), HV_OK);
	assert_int_equal(virtio_blk_attach(vm, BASE, VIRTIO_SPI, &disk), HV_OK);
	vdrv_init(&drv, vm, BASE);
	vdrv_setup(&drv, F_VERSION_1, NUM);
	reaped = 0;
	done[0] = done[1] = bad[0] = bad[1] = 0;
	l = vgic_lock(vm);
	spi = vgic_irq(l, NULL, VIRTIO_SPI);
	vgic_set_priority(l, spi, MP_PRIO);
	vgic_set_route(l, spi, 0);
	vgic_set_enabled(l, spi, true);
	vgic_unlock(&l);

	assert_int_equal(sim_mp_run(), 0);
	for (unsigned k = 0; k < 2; k++) {
		assert_int_equal(sim_mp.vcpu[k].state[1], REQUESTS);
		assert_int_equal(done[k], REQUESTS);
		assert_int_equal(bad[k], 0);
		for (unsigned n = 0; n < REQUESTS; n++) {
			const uint8_t *sector = image + ((size_t)k * REQUESTS + n) * SECTOR;

			for (unsigned i = 0; i < SECTOR; i++)
				assert_int_equal(sector[i], pattern(k, n, i));
		}
	}
	assert_int_equal(reaped, 2 * REQUESTS); /* no request completed twice */
	/* The device interrupted vCPU 0 (at most once per completion) and never vCPU 1. */
	assert_true(sim_mp.vcpu[0].seen[VIRTIO_SPI] >= 1);
	assert_true(sim_mp.vcpu[0].seen[VIRTIO_SPI] <= 2 * REQUESTS);
	assert_int_equal(sim_mp.vcpu[1].seen[VIRTIO_SPI], 0);
}

static int teardown(void **state)
{
	mp_teardown(state);
	free(image);
	image = NULL;
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_teardown(
		test_virtio_blk_notifies_from_two_pcpus_complete_every_request_once, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

// SPDX-License-Identifier: MIT
/* The unit tests' virtio driver: see virtio_driver.h. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include <core/err.h>
#include <core/gmem.h>
#include <core/vm.h>

#include "virtio_driver.h"

void g_write(struct vm *vm, uint64_t ipa, const void *buf, size_t len)
{
	assert_int_equal(gmem_write(vm, ipa, buf, len), HV_OK);
}

void g_read(struct vm *vm, uint64_t ipa, void *buf, size_t len)
{
	assert_int_equal(gmem_read(vm, ipa, buf, len), HV_OK);
}

void g_fill(struct vm *vm, uint64_t ipa, uint8_t byte, size_t len)
{
	uint8_t chunk[256];

	memset(chunk, byte, sizeof(chunk));
	while (len) {
		size_t n = len < sizeof(chunk) ? len : sizeof(chunk);

		g_write(vm, ipa, chunk, n);
		ipa += n;
		len -= n;
	}
}

uint8_t g_byte(struct vm *vm, uint64_t ipa)
{
	uint8_t b;

	g_read(vm, ipa, &b, 1);
	return b;
}

static void g_put16(struct vm *vm, uint64_t ipa, uint16_t v)
{
	uint8_t b[2] = {(uint8_t)v, (uint8_t)(v >> 8)};

	g_write(vm, ipa, b, sizeof(b));
}

static uint16_t g_get16(struct vm *vm, uint64_t ipa)
{
	uint8_t b[2];

	g_read(vm, ipa, b, sizeof(b));
	return (uint16_t)(b[0] | b[1] << 8);
}

static uint32_t g_get32(struct vm *vm, uint64_t ipa)
{
	return g_get16(vm, ipa) | (uint32_t)g_get16(vm, ipa + 2) << 16;
}

void vdrv_init(struct vdrv *d, struct vm *vm, uint64_t base)
{
	memset(d, 0, sizeof(*d));
	d->vm = vm;
	d->dev = vm_find_mmio(vm, base);
	assert_non_null(d->dev);
	assert_int_equal(d->dev->base, base);
}

uint64_t vdrv_rd_size(struct vdrv *d, uint64_t off, unsigned size)
{
	uint64_t val = 0xdeadbeefdeadbeefULL;

	assert_int_equal(d->dev->ops->read(d->dev, NULL, off, size, &val), HV_OK);
	return val;
}

void vdrv_wr_size(struct vdrv *d, uint64_t off, unsigned size, uint64_t val)
{
	assert_int_equal(d->dev->ops->write(d->dev, NULL, off, size, val), HV_OK);
}

uint32_t vdrv_rd(struct vdrv *d, uint64_t off)
{
	uint64_t val = vdrv_rd_size(d, off, 4);

	assert_true(val <= UINT32_MAX);
	return (uint32_t)val;
}

void vdrv_wr(struct vdrv *d, uint64_t off, uint32_t val)
{
	vdrv_wr_size(d, off, 4, val);
}

uint64_t vdrv_device_features(struct vdrv *d)
{
	uint64_t lo, hi;

	vdrv_wr(d, VR_DEV_FEATURES_SEL, 0);
	lo = vdrv_rd(d, VR_DEV_FEATURES);
	vdrv_wr(d, VR_DEV_FEATURES_SEL, 1);
	hi = vdrv_rd(d, VR_DEV_FEATURES);
	return lo | hi << 32;
}

uint32_t vdrv_negotiate(struct vdrv *d, uint64_t features)
{
	vdrv_wr(d, VR_STATUS, 0);
	vdrv_wr(d, VR_STATUS, S_ACK);
	vdrv_wr(d, VR_STATUS, S_ACK | S_DRIVER);
	vdrv_wr(d, VR_DRV_FEATURES_SEL, 0);
	vdrv_wr(d, VR_DRV_FEATURES, (uint32_t)features);
	vdrv_wr(d, VR_DRV_FEATURES_SEL, 1);
	vdrv_wr(d, VR_DRV_FEATURES, (uint32_t)(features >> 32));
	vdrv_wr(d, VR_STATUS, S_ACK | S_DRIVER | S_FEATURES_OK);
	return vdrv_rd(d, VR_STATUS);
}

uint32_t vdrv_queue(struct vdrv *d, unsigned index, uint16_t num, uint64_t desc, uint64_t avail,
		    uint64_t used)
{
	vdrv_wr(d, VR_QUEUE_SEL, index);
	vdrv_wr(d, VR_QUEUE_NUM, num);
	vdrv_wr(d, VR_QUEUE_DESC_LO, (uint32_t)desc);
	vdrv_wr(d, VR_QUEUE_DESC_HI, (uint32_t)(desc >> 32));
	vdrv_wr(d, VR_QUEUE_AVAIL_LO, (uint32_t)avail);
	vdrv_wr(d, VR_QUEUE_AVAIL_HI, (uint32_t)(avail >> 32));
	vdrv_wr(d, VR_QUEUE_USED_LO, (uint32_t)used);
	vdrv_wr(d, VR_QUEUE_USED_HI, (uint32_t)(used >> 32));
	vdrv_wr(d, VR_QUEUE_READY, 1);
	d->num = num;
	d->desc = desc;
	d->avail = avail;
	d->used = used;
	d->avail_idx = 0;
	return vdrv_rd(d, VR_QUEUE_READY);
}

void vdrv_setup(struct vdrv *d, uint64_t features, uint16_t num)
{
	/* A fresh driver zeroes its rings. */
	g_fill(d->vm, VD_RING_BASE, 0, 0x3000);
	assert_int_equal(vdrv_negotiate(d, features), S_ACK | S_DRIVER | S_FEATURES_OK);
	assert_int_equal(vdrv_queue(d, 0, num, VD_DESC, VD_AVAIL, VD_USED), 1);
	vdrv_wr(d, VR_STATUS, S_ACK | S_DRIVER | S_FEATURES_OK | S_DRIVER_OK);
	assert_int_equal(vdrv_rd(d, VR_STATUS), S_ACK | S_DRIVER | S_FEATURES_OK | S_DRIVER_OK);
}

void vdrv_desc(struct vdrv *d, uint64_t table, uint16_t i, uint64_t addr, uint32_t len,
	       uint16_t flags, uint16_t next)
{
	uint8_t b[16];

	for (unsigned k = 0; k < 8; k++)
		b[k] = (uint8_t)(addr >> (8 * k));
	for (unsigned k = 0; k < 4; k++)
		b[8 + k] = (uint8_t)(len >> (8 * k));
	b[12] = (uint8_t)flags;
	b[13] = (uint8_t)(flags >> 8);
	b[14] = (uint8_t)next;
	b[15] = (uint8_t)(next >> 8);
	g_write(d->vm, table + 16ULL * i, b, sizeof(b));
}

void vdrv_publish(struct vdrv *d, uint16_t head)
{
	g_put16(d->vm, d->avail + 4 + 2ULL * (d->avail_idx % d->num), head);
	d->avail_idx++;
	g_put16(d->vm, d->avail + 2, d->avail_idx);
}

void vdrv_set_avail_idx(struct vdrv *d, uint16_t idx)
{
	g_put16(d->vm, d->avail + 2, idx);
}

void vdrv_set_avail_flags(struct vdrv *d, uint16_t flags)
{
	g_put16(d->vm, d->avail, flags);
}

void vdrv_set_used_event(struct vdrv *d, uint16_t event)
{
	g_put16(d->vm, d->avail + 4 + 2ULL * d->num, event);
}

uint16_t vdrv_avail_event(struct vdrv *d)
{
	return g_get16(d->vm, d->used + 4 + 8ULL * d->num);
}

void vdrv_notify(struct vdrv *d, unsigned index)
{
	vdrv_wr(d, VR_QUEUE_NOTIFY, index);
}

uint16_t vdrv_used_idx(struct vdrv *d)
{
	return g_get16(d->vm, d->used + 2);
}

void vdrv_used_elem(struct vdrv *d, uint16_t n, uint32_t *id, uint32_t *len)
{
	uint64_t at = d->used + 4 + 8ULL * (n % d->num);

	*id = g_get32(d->vm, at);
	*len = g_get32(d->vm, at + 4);
}

bool vdrv_line(struct vm *vm, uint32_t intid)
{
	return vm->vgic.spis[intid - 32].line;
}

/* SPDX-License-Identifier: MIT */
#ifndef TESTS_UNIT_VIRTIO_DRIVER_H
#define TESTS_UNIT_VIRTIO_DRIVER_H

/* The guest's side of virtio-mmio for the unit tests: register accesses through the device's
 * MMIO bus entry (as trap_abort.c makes them) and split rings written into the VM's RAM with
 * gmem, written from the virtio 1.2 specification rather than from vdev/'s headers, so the
 * tests check the device against the spec. Every helper fails the test on an unexpected
 * error. */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct vm;
struct mmio_device;

/* Transport registers (virtio 1.2, 4.2.2). */
#define VR_MAGIC	    0x000
#define VR_VERSION	    0x004
#define VR_DEVICE_ID	    0x008
#define VR_VENDOR_ID	    0x00c
#define VR_DEV_FEATURES	    0x010
#define VR_DEV_FEATURES_SEL 0x014
#define VR_DRV_FEATURES	    0x020
#define VR_DRV_FEATURES_SEL 0x024
#define VR_QUEUE_SEL	    0x030
#define VR_QUEUE_NUM_MAX    0x034
#define VR_QUEUE_NUM	    0x038
#define VR_QUEUE_READY	    0x044
#define VR_QUEUE_NOTIFY	    0x050
#define VR_INT_STATUS	    0x060
#define VR_INT_ACK	    0x064
#define VR_STATUS	    0x070
#define VR_QUEUE_DESC_LO    0x080
#define VR_QUEUE_DESC_HI    0x084
#define VR_QUEUE_AVAIL_LO   0x090
#define VR_QUEUE_AVAIL_HI   0x094
#define VR_QUEUE_USED_LO    0x0a0
#define VR_QUEUE_USED_HI    0x0a4
#define VR_CONFIG_GEN	    0x0fc
#define VR_CONFIG	    0x100

#define S_ACK	      1
#define S_DRIVER      2
#define S_DRIVER_OK   4
#define S_FEATURES_OK 8
#define S_NEEDS_RESET 64
#define S_FAILED      128

#define F_INDIRECT  (1ULL << 28)
#define F_EVENT_IDX (1ULL << 29)
#define F_VERSION_1 (1ULL << 32)

#define D_NEXT	   1
#define D_WRITE	   2
#define D_INDIRECT 4

/* A standard queue layout in guest RAM: descriptors, available ring, used ring. */
#define VD_RING_BASE 0x40100000ULL
#define VD_DESC	     VD_RING_BASE
#define VD_AVAIL     (VD_RING_BASE + 0x1000)
#define VD_USED	     (VD_RING_BASE + 0x2000)
#define VD_DATA	     (VD_RING_BASE + 0x10000) /* buffers from here */

struct vdrv {
	struct vm *vm;
	struct mmio_device *dev;
	uint64_t desc, avail, used;
	uint16_t num;
	uint16_t avail_idx; /* the next available-ring entry the driver fills */
};

/* The driver of the device at `base` of `vm`. */
void vdrv_init(struct vdrv *d, struct vm *vm, uint64_t base);

uint32_t vdrv_rd(struct vdrv *d, uint64_t off);
void vdrv_wr(struct vdrv *d, uint64_t off, uint32_t val);
/* Any width (for the configuration space and width tests). */
uint64_t vdrv_rd_size(struct vdrv *d, uint64_t off, unsigned size);
void vdrv_wr_size(struct vdrv *d, uint64_t off, unsigned size, uint64_t val);

uint64_t vdrv_device_features(struct vdrv *d);
/* Reset, ACKNOWLEDGE, DRIVER, write `features`, FEATURES_OK; returns Status read back. */
uint32_t vdrv_negotiate(struct vdrv *d, uint64_t features);
/* Program queue `index` (size num, ring addresses) and write QueueReady = 1; returns
 * QueueReady read back. Remembers the rings for the helpers below. */
uint32_t vdrv_queue(struct vdrv *d, unsigned index, uint16_t num, uint64_t desc, uint64_t avail,
		    uint64_t used);
/* vdrv_negotiate(features) + vdrv_queue(0, num, the VD_* layout) + DRIVER_OK. */
void vdrv_setup(struct vdrv *d, uint64_t features, uint16_t num);

/* Descriptor `i` of the table at `table`. */
void vdrv_desc(struct vdrv *d, uint64_t table, uint16_t i, uint64_t addr, uint32_t len,
	       uint16_t flags, uint16_t next);
/* Put `head` in the available ring and advance its idx. */
void vdrv_publish(struct vdrv *d, uint16_t head);
void vdrv_set_avail_idx(struct vdrv *d, uint16_t idx);
void vdrv_set_avail_flags(struct vdrv *d, uint16_t flags);
void vdrv_set_used_event(struct vdrv *d, uint16_t event);
uint16_t vdrv_avail_event(struct vdrv *d);
void vdrv_notify(struct vdrv *d, unsigned index);
uint16_t vdrv_used_idx(struct vdrv *d);
/* Used-ring element `n` (taken modulo the queue size). */
void vdrv_used_elem(struct vdrv *d, uint16_t n, uint32_t *id, uint32_t *len);

/* Guest memory, through the VM's stage 2. */
void g_write(struct vm *vm, uint64_t ipa, const void *buf, size_t len);
void g_read(struct vm *vm, uint64_t ipa, void *buf, size_t len);
void g_fill(struct vm *vm, uint64_t ipa, uint8_t byte, size_t len);
uint8_t g_byte(struct vm *vm, uint64_t ipa);

/* The level of SPI `intid` as the device drives it into the VM's vGIC. */
bool vdrv_line(struct vm *vm, uint32_t intid);

#endif

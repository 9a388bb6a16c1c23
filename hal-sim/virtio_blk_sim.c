// SPDX-License-Identifier: MIT
/* The simulated virtio-blk device of sim_virtio_blk.h: a modern virtio-mmio transport whose
 * one queue is served from a RAM disk, written from the virtio 1.2 specification. */
#include <string.h>

#include <hal-sim/sim_hal.h>
#include <hal-sim/sim_virtio_blk.h>
#include <hal/mem.h>
#include <hal/virtio_spec.h>

/* Register offsets, flags and request numbers are the specification's (hal/virtio_spec.h). */
#define CONFIG_SIZE	0x3c	   /* virtio_blk_config up to write_zeroes_may_unmap */
#define SIM_VBLK_VENDOR 0x554d4551 /* "QEMU", as QEMU reports */
#define MAX_CHAIN	16

struct desc {
	uint64_t addr;
	uint32_t len;
	uint16_t flags;
	uint16_t next;
};

void sim_vblk_init(struct sim_vblk *d, uint8_t *disk, uint64_t sectors)
{
	memset(d, 0, sizeof(*d));
	d->magic = VIRTIO_MMIO_MAGIC;
	d->version = 2;
	d->device_id = 2;
	d->features =
	    SIM_VBLK_F_VERSION_1 | SIM_VBLK_F_FLUSH | SIM_VBLK_F_SEG_MAX | SIM_VBLK_F_BLK_SIZE;
	d->queue_num_max = 256;
	d->disk = disk;
	d->sectors = sectors;
}

static void device_reset(struct sim_vblk *d)
{
	d->resets++;
	if (!d->stuck_in_reset)
		d->status = 0;
	d->driver_features = 0;
	d->dev_features_sel = d->drv_features_sel = d->queue_sel = 0;
	d->queue_num = 0;
	d->queue_ready = d->queue_stays_ready;
	d->desc = d->avail = d->used = 0;
	d->last_avail = d->used_idx = 0;
	d->interrupt_status = 0;
}

static uint32_t config_read(struct sim_vblk *d, uint64_t off)
{
	uint8_t cfg[CONFIG_SIZE] = {0};
	uint32_t seg_max = d->queue_num_max > 2 ? d->queue_num_max - 2 : 1;
	uint32_t blk_size = SIM_VBLK_SECTOR, v;

	memcpy(cfg + VIRTIO_BLK_CFG_CAPACITY, &d->sectors, 8);
	memcpy(cfg + VIRTIO_BLK_CFG_SIZE_MAX, &d->size_max, 4);
	memcpy(cfg + VIRTIO_BLK_CFG_SEG_MAX, &seg_max, 4);
	memcpy(cfg + VIRTIO_BLK_CFG_BLK_SIZE, &blk_size, 4);
	if (off + 4 > CONFIG_SIZE)
		return 0;
	memcpy(&v, cfg + off, 4);
	return v;
}

static uint32_t vblk_read(void *dev, uint64_t off)
{
	struct sim_vblk *d = dev;

	if (off >= VIRTIO_MMIO_CONFIG)
		return d->device_id ? config_read(d, off - VIRTIO_MMIO_CONFIG) : 0;
	switch (off) {
	case VIRTIO_MMIO_MAGIC_VALUE:
		return d->magic;
	case VIRTIO_MMIO_VERSION:
		return d->version;
	case VIRTIO_MMIO_DEVICE_ID:
		return d->device_id;
	case VIRTIO_MMIO_VENDOR:
		return SIM_VBLK_VENDOR;
	case VIRTIO_MMIO_DEVICE_FEATURES:
		return d->dev_features_sel < 2
			   ? (uint32_t)(d->features >> (32 * d->dev_features_sel))
			   : 0;
	case VIRTIO_MMIO_QUEUE_NUM_MAX:
		return d->queue_sel == 0 ? d->queue_num_max : 0;
	case VIRTIO_MMIO_QUEUE_READY:
		return d->queue_sel == 0 && d->queue_ready;
	case VIRTIO_MMIO_INTERRUPT_STATUS:
		return d->interrupt_status;
	case VIRTIO_MMIO_STATUS:
		return d->status;
	case VIRTIO_MMIO_CONFIG_GENERATION:
		return d->config_unstable ? d->generation++ : d->generation;
	default:
		return 0;
	}
}

/* 3.1.1 step 5-6: FEATURES_OK sticks only for a subset of the offer that includes VERSION_1. */
static void status_write(struct sim_vblk *d, uint32_t val)
{
	if (val == 0) {
		device_reset(d);
		return;
	}
	if ((val & SIM_VBLK_S_FEATURES_OK) && !(d->status & SIM_VBLK_S_FEATURES_OK) &&
	    (d->refuse_features || (d->driver_features & ~d->features) ||
	     !(d->driver_features & SIM_VBLK_F_VERSION_1)))
		val &= ~SIM_VBLK_S_FEATURES_OK;
	d->status = val;
}

static void set_half(uint64_t *reg, bool high, uint32_t val)
{
	if (high)
		*reg = (*reg & 0xffffffffULL) | (uint64_t)val << 32;
	else
		*reg = (*reg & ~0xffffffffULL) | val;
}

static bool ring_ok(const struct sim_vblk *d)
{
	uint32_t n = d->queue_num;

	return n && n <= d->queue_num_max && (n & (n - 1)) == 0 && d->desc && !(d->desc & 15) &&
	       d->avail && !(d->avail & 1) && d->used && !(d->used & 3);
}

static void *ptr(uint64_t pa)
{
	return hal_phys_to_ptr(pa);
}

static uint16_t load16(uint64_t pa)
{
	return __atomic_load_n((uint16_t *)ptr(pa), __ATOMIC_ACQUIRE);
}

/* Serve one chain. Returns the status to write, or -1 when the chain is too broken to have a
 * status byte. *written: bytes put into device-writable buffers. */
static int serve(struct sim_vblk *d, uint16_t head, uint8_t **status, uint32_t *written)
{
	struct desc chain[MAX_CHAIN];
	unsigned n = 0, first_data, nr_data;
	uint16_t i = head;
	uint32_t type, data_len = 0;
	uint64_t sector;
	bool rw_ok;

	for (;;) {
		if (i >= d->queue_num || n == MAX_CHAIN)
			return -1;
		memcpy(&chain[n], ptr(d->desc + 16ULL * i), sizeof(chain[n]));
		if (chain[n].flags & VIRTQ_DESC_F_INDIRECT)
			return -1; /* not negotiated */
		if (!(chain[n++].flags & VIRTQ_DESC_F_NEXT))
			break;
		i = chain[n - 1].next;
	}
	/* 5.2.6: header (readable), data, status byte (writable, last). */
	if (n < 2 || chain[0].len < VIRTIO_BLK_HDR_SIZE || (chain[0].flags & VIRTQ_DESC_F_WRITE) ||
	    !(chain[n - 1].flags & VIRTQ_DESC_F_WRITE) || chain[n - 1].len < 1)
		return -1;
	*status = ptr(chain[n - 1].addr + chain[n - 1].len - 1);
	memcpy(&type, ptr(chain[0].addr), 4);
	memcpy(&sector, ptr(chain[0].addr + 8), 8);
	first_data = 1;
	nr_data = n - 2;
	d->last_nr_desc = n;
	for (unsigned k = first_data; k < first_data + nr_data; k++)
		data_len += chain[k].len;
	d->last_sector = sector;
	d->last_len = data_len;
	if (d->ioerr)
		return VIRTIO_BLK_S_IOERR;
	if (d->unsupp)
		return VIRTIO_BLK_S_UNSUPP;
	switch (type) {
	case VIRTIO_BLK_T_FLUSH:
		if (!(d->driver_features & SIM_VBLK_F_FLUSH) || nr_data) {
			d->bad_requests++;
			return VIRTIO_BLK_S_UNSUPP;
		}
		d->flushes++;
		return VIRTIO_BLK_S_OK;
	case VIRTIO_BLK_T_IN:
	case VIRTIO_BLK_T_OUT:
		break;
	default:
		d->bad_requests++;
		return VIRTIO_BLK_S_UNSUPP;
	}
	rw_ok = nr_data > 0 && data_len % SIM_VBLK_SECTOR == 0 && sector <= d->sectors &&
		data_len / SIM_VBLK_SECTOR <= d->sectors - sector;
	for (unsigned k = first_data; rw_ok && k < first_data + nr_data; k++)
		rw_ok = !(chain[k].flags & VIRTQ_DESC_F_WRITE) == (type == VIRTIO_BLK_T_OUT);
	if ((d->features & SIM_VBLK_F_SIZE_MAX) && d->size_max) {
		for (unsigned k = first_data; rw_ok && k < first_data + nr_data; k++)
			rw_ok = chain[k].len <= d->size_max;
	}
	if (!rw_ok) {
		d->bad_requests++;
		return VIRTIO_BLK_S_IOERR;
	}
	if (type == VIRTIO_BLK_T_OUT && (d->features & SIM_VBLK_F_RO))
		return VIRTIO_BLK_S_IOERR; /* 5.2.6.2: never write a read-only disk */
	{
		uint8_t *disk = d->disk + sector * SIM_VBLK_SECTOR;

		for (unsigned k = first_data; k < first_data + nr_data; k++) {
			if (type == VIRTIO_BLK_T_IN)
				memcpy(ptr(chain[k].addr), disk, chain[k].len);
			else
				memcpy(disk, ptr(chain[k].addr), chain[k].len);
			disk += chain[k].len;
		}
	}
	if (type == VIRTIO_BLK_T_IN) {
		d->reads++;
		*written = data_len;
	} else {
		d->writes++;
	}
	return VIRTIO_BLK_S_OK;
}

static void notify(struct sim_vblk *d)
{
	uint64_t used_ring = d->used + 4;

	d->notifies++;
	if (d->hang || !(d->status & SIM_VBLK_S_DRIVER_OK) || !d->queue_ready)
		return;
	while (d->last_avail != load16(d->avail + 2)) {
		uint16_t head = load16(d->avail + 4 + 2ULL * (d->last_avail % d->queue_num));
		uint8_t *status = NULL;
		uint32_t written = 0, elem[2];
		int st = serve(d, head, &status, &written);

		d->last_avail++;
		if (st < 0) {
			d->bad_requests++;
		} else if (!d->no_status) {
			*status = (uint8_t)st;
			written++;
		}
		elem[0] = d->bad_used_id ? head + 1u : head;
		elem[1] = written;
		memcpy(ptr(used_ring + 8ULL * (d->used_idx % d->queue_num)), elem, sizeof(elem));
		d->used_idx++;
		/* The element and the data before the index that publishes them (2.7.8). */
		__atomic_store_n((uint16_t *)ptr(d->used + 2), d->used_idx, __ATOMIC_RELEASE);
		d->interrupt_status |= 1;
	}
}

static void vblk_write(void *dev, uint64_t off, uint32_t val)
{
	struct sim_vblk *d = dev;

	switch (off) {
	case VIRTIO_MMIO_DEVICE_FEATURES_SEL:
		d->dev_features_sel = val;
		break;
	case VIRTIO_MMIO_DRIVER_FEATURES_SEL:
		d->drv_features_sel = val;
		break;
	case VIRTIO_MMIO_DRIVER_FEATURES:
		if (d->drv_features_sel < 2 && !(d->status & SIM_VBLK_S_FEATURES_OK))
			set_half(&d->driver_features, d->drv_features_sel, val);
		break;
	case VIRTIO_MMIO_QUEUE_SEL:
		d->queue_sel = val;
		break;
	case VIRTIO_MMIO_QUEUE_NUM:
		if (d->queue_sel == 0 && !d->queue_ready)
			d->queue_num = val;
		break;
	case VIRTIO_MMIO_QUEUE_READY:
		if (d->queue_sel != 0)
			break;
		if (val == 1 && !ring_ok(d))
			d->bad_requests++;
		else
			d->queue_ready = val == 1;
		break;
	case VIRTIO_MMIO_QUEUE_NOTIFY:
		if (val != 0)
			d->bad_requests++;
		else
			notify(d);
		break;
	case VIRTIO_MMIO_INTERRUPT_ACK:
		d->interrupt_status &= ~val;
		break;
	case VIRTIO_MMIO_STATUS:
		status_write(d, val);
		break;
	case VIRTIO_MMIO_QUEUE_DESC_LOW:
	case VIRTIO_MMIO_QUEUE_DESC_HIGH:
		set_half(&d->desc, off == VIRTIO_MMIO_QUEUE_DESC_HIGH, val);
		break;
	case VIRTIO_MMIO_QUEUE_DRIVER_LOW:
	case VIRTIO_MMIO_QUEUE_DRIVER_HIGH:
		set_half(&d->avail, off == VIRTIO_MMIO_QUEUE_DRIVER_HIGH, val);
		break;
	case VIRTIO_MMIO_QUEUE_DEVICE_LOW:
	case VIRTIO_MMIO_QUEUE_DEVICE_HIGH:
		set_half(&d->used, off == VIRTIO_MMIO_QUEUE_DEVICE_HIGH, val);
		break;
	default:
		d->bad_requests++; /* read-only or unknown register */
		break;
	}
}

void sim_vblk_attach(struct sim_vblk *d, uint64_t base)
{
	sim_mmio_attach(base, SIM_VBLK_REG_SIZE, vblk_read, vblk_write, d);
}

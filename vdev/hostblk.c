// SPDX-License-Identifier: MIT
/* A polled driver for a virtio-blk device behind a modern virtio-mmio transport (virtio 1.2,
 * 4.2 and 5.2), exported as a struct blk_backend: see hostblk.h. */
#include <core/err.h>
#include <core/lib.h>
#include <core/log.h>
#include <core/palloc.h>
#include <core/print.h>
#include <hal/io.h>
#include <hal/mem.h>
#include <hal/time.h>
#include <vdev/hostblk.h>
#include <vdev/virtio_spec.h>

#define HOSTBLK_FEATURES                                                            \
	(BIT(VIRTIO_F_VERSION_1) | BIT(VIRTIO_BLK_F_RO) | BIT(VIRTIO_BLK_F_FLUSH) | \
	 BIT(VIRTIO_BLK_F_SIZE_MAX))

/* virtio-blk configuration (5.2.4): capacity in 512-byte sectors (64 bits), size_max (32). */
#define HOSTBLK_MIN_REG_SIZE (VIRTIO_MMIO_CONFIG + VIRTIO_BLK_CFG_SIZE_MAX + 4)

/* Only one request is ever in flight, so a few entries are plenty; the device's maximum may
 * be lower, down to the smallest power of two that holds a request's 3 descriptors. */
#define HOSTBLK_QSIZE_MAX 8
#define HOSTBLK_QSIZE_MIN 4

/* A larger transfer is split: a descriptor's length is 32 bits, and a pCPU spinning on one
 * request should not spin for long. */
#define HOSTBLK_MAX_REQ_SECTORS 2048 /* 1 MiB */

#define CONFIG_GENERATION_TRIES 16

_Static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__,
	       "virtio 1.x structures are little-endian and are used here as they are");

struct virtq_desc {
	uint64_t addr;
	uint32_t len;
	uint16_t flags;
	uint16_t next;
};

/* Sized for HOSTBLK_QSIZE_MAX; with a smaller queue the device uses the first entries. The
 * event-index fields are not negotiated, so not declared. */
struct virtq_avail {
	uint16_t flags;
	uint16_t idx;
	uint16_t ring[HOSTBLK_QSIZE_MAX];
};

struct virtq_used {
	uint16_t flags;
	uint16_t idx;
	struct {
		uint32_t id;
		uint32_t len;
	} ring[HOSTBLK_QSIZE_MAX];
};

struct virtio_blk_req_hdr {
	uint32_t type;
	uint32_t reserved;
	uint64_t sector;
};

/* The page shared with the device, in the alignments 2.7 requires (16, 2 and 4 bytes). */
struct hostblk_ring {
	struct virtq_desc desc[HOSTBLK_QSIZE_MAX] __attribute__((aligned(16)));
	struct virtq_avail avail __attribute__((aligned(2)));
	struct virtq_used used __attribute__((aligned(4)));
	struct virtio_blk_req_hdr hdr;
	uint8_t status;
};
_Static_assert(sizeof(struct hostblk_ring) <= PAGE_SIZE, "the ring fits its page");

/* The three descriptors every request uses (a flush skips the data). */
enum { DESC_HDR, DESC_DATA, DESC_STATUS };

static uint32_t reg_read(const struct hostblk *hb, uint32_t off)
{
	return hal_mmio_read32(hb->regs + off);
}

static void reg_write(const struct hostblk *hb, uint32_t off, uint32_t val)
{
	hal_mmio_write32(hb->regs + off, val);
}

static void reg_write64(const struct hostblk *hb, uint32_t low, uint64_t val)
{
	reg_write(hb, low, (uint32_t)val);
	reg_write(hb, low + 4, (uint32_t)(val >> 32));
}

static uint64_t deadline_after(uint64_t seconds)
{
	return hal_counter_now() + seconds * hal_counter_freq();
}

/* 2.1.2: after writing 0 the driver waits for Status to read 0 before using the device. */
static int device_reset(struct hostblk *hb)
{
	uint64_t deadline = deadline_after(HOSTBLK_TIMEOUT_SECONDS);

	reg_write(hb, VIRTIO_MMIO_STATUS, 0);
	while (reg_read(hb, VIRTIO_MMIO_STATUS) != 0) {
		if (hal_counter_now() > deadline)
			return HV_ETIMEDOUT;
		hal_cpu_relax();
	}
	return HV_OK;
}

/* --- bring-up: 3.1.1 with the MMIO details of 4.2.3 --- */

static uint64_t device_features(struct hostblk *hb)
{
	uint64_t f;

	reg_write(hb, VIRTIO_MMIO_DEVICE_FEATURES_SEL, 1);
	f = (uint64_t)reg_read(hb, VIRTIO_MMIO_DEVICE_FEATURES) << 32;
	reg_write(hb, VIRTIO_MMIO_DEVICE_FEATURES_SEL, 0);
	return f | reg_read(hb, VIRTIO_MMIO_DEVICE_FEATURES);
}

/* A 64-bit configuration field, read as two 32-bit halves (4.2.2.2) and read again if the
 * device changed its configuration in between (2.5.1: ConfigGeneration). */
static int config_read64(struct hostblk *hb, uint32_t off, uint64_t *val)
{
	for (unsigned i = 0; i < CONFIG_GENERATION_TRIES; i++) {
		uint32_t gen = reg_read(hb, VIRTIO_MMIO_CONFIG_GENERATION);
		uint32_t lo = reg_read(hb, VIRTIO_MMIO_CONFIG + off);
		uint32_t hi = reg_read(hb, VIRTIO_MMIO_CONFIG + off + 4);

		if (reg_read(hb, VIRTIO_MMIO_CONFIG_GENERATION) == gen) {
			*val = (uint64_t)hi << 32 | lo;
			return HV_OK;
		}
	}
	return HV_EIO;
}

/* The steps below fail with the reason in *why, which the caller logs. */

static int negotiate(struct hostblk *hb, const char **why)
{
	uint64_t offered = device_features(hb);

	if (!(offered & BIT(VIRTIO_F_VERSION_1))) {
		*why = "does not offer VIRTIO_F_VERSION_1";
		return HV_ENOTSUP;
	}
	hb->features = offered & HOSTBLK_FEATURES;
	reg_write(hb, VIRTIO_MMIO_DRIVER_FEATURES_SEL, 1);
	reg_write(hb, VIRTIO_MMIO_DRIVER_FEATURES, (uint32_t)(hb->features >> 32));
	reg_write(hb, VIRTIO_MMIO_DRIVER_FEATURES_SEL, 0);
	reg_write(hb, VIRTIO_MMIO_DRIVER_FEATURES, (uint32_t)hb->features);
	reg_write(hb, VIRTIO_MMIO_STATUS,
		  VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER | VIRTIO_STATUS_FEATURES_OK);
	/* 3.1.1 step 6: a device that cannot work with these features clears the bit. */
	if (!(reg_read(hb, VIRTIO_MMIO_STATUS) & VIRTIO_STATUS_FEATURES_OK)) {
		*why = "refuses the features (FEATURES_OK not set)";
		return HV_EIO;
	}
	return HV_OK;
}

static int read_config(struct hostblk *hb, const char **why)
{
	uint64_t sectors;

	if (config_read64(hb, VIRTIO_BLK_CFG_CAPACITY, &sectors) < 0) {
		*why = "keeps changing its configuration";
		return HV_EIO;
	}
	if (sectors == 0) {
		*why = "has a capacity of 0 sectors";
		return HV_EIO;
	}
	hb->backend.sectors = sectors;
	hb->backend.read_only = hb->features & BIT(VIRTIO_BLK_F_RO);
	hb->max_sectors = HOSTBLK_MAX_REQ_SECTORS;
	if (hb->features & BIT(VIRTIO_BLK_F_SIZE_MAX)) {
		/* One 32-bit access is atomic: no generation check needed. */
		uint32_t size_max = reg_read(hb, VIRTIO_MMIO_CONFIG + VIRTIO_BLK_CFG_SIZE_MAX);

		if (size_max < VIRTIO_BLK_SECTOR) {
			*why = "limits a segment to less than a sector (size_max)";
			return HV_ENOTSUP;
		}
		hb->max_sectors = MIN(size_max / VIRTIO_BLK_SECTOR, HOSTBLK_MAX_REQ_SECTORS);
	}
	return HV_OK;
}

/* The largest power of two not above the device's maximum and ours. */
static uint16_t queue_size(uint32_t num_max)
{
	uint16_t n = HOSTBLK_QSIZE_MAX;

	while (n > num_max)
		n /= 2;
	return n;
}

static int setup_queue(struct hostblk *hb, struct palloc *alloc, const char **why)
{
	uint32_t num_max;
	int ret;

	reg_write(hb, VIRTIO_MMIO_QUEUE_SEL, 0);
	if (reg_read(hb, VIRTIO_MMIO_QUEUE_READY) != 0) {
		*why = "still has queue 0 ready after a reset";
		return HV_EIO;
	}
	num_max = reg_read(hb, VIRTIO_MMIO_QUEUE_NUM_MAX);
	if (num_max == 0) {
		*why = "has no queue 0";
		return HV_EIO;
	}
	hb->qsize = queue_size(num_max);
	if (hb->qsize < HOSTBLK_QSIZE_MIN) {
		*why = "has a queue of fewer than 4 entries";
		return HV_ENOTSUP;
	}
	ret = palloc_alloc_zeroed_page(alloc, &hb->ring_pa);
	if (ret < 0) {
		*why = "gets no page for its virtqueue";
		return ret;
	}
	hb->ring = hal_phys_to_ptr(hb->ring_pa);
	/* Completions are polled: the device need not interrupt (only a hint, 2.7.7). */
	hb->ring->avail.flags = VIRTQ_AVAIL_F_NO_INTERRUPT;
	reg_write(hb, VIRTIO_MMIO_QUEUE_NUM, hb->qsize);
	reg_write64(hb, VIRTIO_MMIO_QUEUE_DESC_LOW,
		    hb->ring_pa + offsetof(struct hostblk_ring, desc));
	reg_write64(hb, VIRTIO_MMIO_QUEUE_DRIVER_LOW,
		    hb->ring_pa + offsetof(struct hostblk_ring, avail));
	reg_write64(hb, VIRTIO_MMIO_QUEUE_DEVICE_LOW,
		    hb->ring_pa + offsetof(struct hostblk_ring, used));
	reg_write(hb, VIRTIO_MMIO_QUEUE_READY, 1);
	return HV_OK;
}

static int hostblk_read(struct blk_backend *b, uint64_t sector, void *buf, uint32_t count);
static int hostblk_write(struct blk_backend *b, uint64_t sector, const void *buf, uint32_t count);
static int hostblk_flush(struct blk_backend *b);

/* Bring up the virtio-blk device behind `t`. */
static int bring_up(struct hostblk *hb, const struct hw_virtio_mmio *t, uint32_t version,
		    struct palloc *alloc)
{
	const char *why = NULL;
	int ret;

	memset(hb, 0, sizeof(*hb));
	hb->regs = t->reg.base;
	format(hb->name, sizeof(hb->name), "hostblk@0x%llx", (unsigned long long)t->reg.base);
	if (version != VIRTIO_MMIO_VERSION_2) {
		log_err("%s: virtio-mmio version %u is not supported, only 2%s", hb->name, version,
			version == 1 ? " (QEMU: -global virtio-mmio.force-legacy=false)" : "");
		return HV_ENOTSUP;
	}
	if (!t->dma_coherent) {
		log_err("%s: not dma-coherent, and this driver does no cache maintenance",
			hb->name);
		return HV_ENOTSUP;
	}
	if (device_reset(hb) < 0) {
		log_err("%s: virtio-blk device does not come out of reset", hb->name);
		return HV_EIO;
	}
	reg_write(hb, VIRTIO_MMIO_STATUS, VIRTIO_STATUS_ACKNOWLEDGE);
	reg_write(hb, VIRTIO_MMIO_STATUS, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER);
	ret = negotiate(hb, &why);
	if (ret == 0)
		ret = read_config(hb, &why);
	if (ret == 0)
		ret = setup_queue(hb, alloc, &why);
	if (ret < 0) {
		/* 3.1.1: a driver that gives up says so; the device waits for a reset. */
		reg_write(hb, VIRTIO_MMIO_STATUS,
			  reg_read(hb, VIRTIO_MMIO_STATUS) | VIRTIO_STATUS_FAILED);
		log_err("%s: virtio-blk device %s (%s)", hb->name, why, hv_strerror(ret));
		return ret;
	}
	reg_write(hb, VIRTIO_MMIO_STATUS,
		  VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER | VIRTIO_STATUS_FEATURES_OK |
		      VIRTIO_STATUS_DRIVER_OK);

	hb->backend.name = hb->name;
	hb->backend.read = hostblk_read;
	hb->backend.write = hostblk_write;
	hb->backend.flush = hostblk_flush;
	hb->backend.priv = hb;
	log_info("%s: virtio-blk, %llu sectors (%llu MiB), %s%s", hb->name,
		 (unsigned long long)hb->backend.sectors,
		 (unsigned long long)(hb->backend.sectors >> 11),
		 hb->backend.read_only ? "read-only" : "read-write",
		 hb->features & BIT(VIRTIO_BLK_F_FLUSH) ? ", flush" : "");
	return HV_OK;
}

int hostblk_probe(struct hostblk *hb, const struct hw_info *hw, unsigned index,
		  struct palloc *alloc)
{
	unsigned found = 0;

	for (unsigned i = hw->virtio_count; i-- > 0;) {
		const struct hw_virtio_mmio *t = &hw->virtio[i];
		uint32_t magic, version;

		if (t->reg.size < HOSTBLK_MIN_REG_SIZE) {
			log_warn("hostblk: virtio-mmio@0x%llx: 0x%llx bytes of registers are too "
				 "few; skipped",
				 (unsigned long long)t->reg.base, (unsigned long long)t->reg.size);
			continue;
		}
		magic = hal_mmio_read32(t->reg.base + VIRTIO_MMIO_MAGIC_VALUE);
		if (magic != VIRTIO_MMIO_MAGIC) {
			log_warn("hostblk: virtio-mmio@0x%llx: magic 0x%x is not \"virt\"; skipped",
				 (unsigned long long)t->reg.base, magic);
			continue;
		}
		/* DeviceID sits at the same offset in every version, legacy included. */
		version = hal_mmio_read32(t->reg.base + VIRTIO_MMIO_VERSION);
		if (hal_mmio_read32(t->reg.base + VIRTIO_MMIO_DEVICE_ID) != VIRTIO_ID_BLOCK ||
		    found++ != index)
			continue;
		return bring_up(hb, t, version, alloc);
	}
	return HV_ENOENT;
}

void hostblk_release(struct hostblk *hb, struct palloc *alloc)
{
	if (!hb->ring)
		return;
	if (device_reset(hb) < 0)
		log_err("%s: device does not come out of reset; its page is kept", hb->name);
	else if (palloc_free(alloc, hb->ring_pa, PAGE_SIZE) < 0)
		log_err("%s: returning the virtqueue page failed", hb->name);
	hb->ring = NULL;
	hb->broken = true;
}

/* --- requests --- */

static uint16_t used_idx(const struct hostblk *hb)
{
	return *(const volatile uint16_t *)&hb->ring->used.idx;
}

/* What only a broken device does: log it, and reset the device so it never touches the ring
 * again. The disk stays offline. */
static int give_up(struct hostblk *hb, const char *what)
{
	uint32_t status = reg_read(hb, VIRTIO_MMIO_STATUS);

	log_err("%s: %s (device status 0x%x); device reset, disk offline", hb->name, what, status);
	hb->broken = true;
	(void)device_reset(hb);
	return HV_EIO;
}

/* Post one request and wait for it. `len` bytes at `data_pa` (none for a flush) are read by
 * the device, or written by it when `to_memory`. Called with the lock held. */
static int do_request(struct hostblk *hb, uint32_t type, uint64_t sector, uint64_t data_pa,
		      uint32_t len, bool to_memory)
{
	struct hostblk_ring *r = hb->ring;
	uint16_t slot = hb->next_avail & (hb->qsize - 1);
	uint16_t want = (uint16_t)(hb->next_avail + 1);
	uint64_t deadline;

	r->hdr = (struct virtio_blk_req_hdr){.type = type, .sector = sector};
	r->status = 0xff; /* no VIRTIO_BLK_S_*: a device that never writes it is caught */
	r->desc[DESC_HDR] = (struct virtq_desc){
	    .addr = hb->ring_pa + offsetof(struct hostblk_ring, hdr),
	    .len = sizeof(r->hdr),
	    .flags = VIRTQ_DESC_F_NEXT,
	    .next = len ? DESC_DATA : DESC_STATUS,
	};
	r->desc[DESC_DATA] = (struct virtq_desc){
	    .addr = data_pa,
	    .len = len,
	    .flags = VIRTQ_DESC_F_NEXT | (to_memory ? VIRTQ_DESC_F_WRITE : 0),
	    .next = DESC_STATUS,
	};
	r->desc[DESC_STATUS] = (struct virtq_desc){
	    .addr = hb->ring_pa + offsetof(struct hostblk_ring, status),
	    .len = 1,
	    .flags = VIRTQ_DESC_F_WRITE,
	};
	r->avail.ring[slot] = DESC_HDR;
	/* The chain before the index that publishes it (2.7.13); hal_mmio_write32() orders the
	 * index before the notification. */
	hal_dma_wmb();
	*(volatile uint16_t *)&r->avail.idx = want;
	hb->next_avail = want;
	reg_write(hb, VIRTIO_MMIO_QUEUE_NOTIFY, 0);

	deadline = deadline_after(HOSTBLK_TIMEOUT_SECONDS);
	while (used_idx(hb) != want) {
		if (hal_counter_now() > deadline)
			return give_up(hb, "request timed out");
		hal_cpu_relax();
	}
	/* The used element, status and data only after the index that covers them. */
	hal_dma_rmb();
	reg_write(hb, VIRTIO_MMIO_INTERRUPT_ACK, VIRTIO_MMIO_INT_VRING);
	if (r->used.ring[slot].id != DESC_HDR)
		return give_up(hb, "used ring returns a descriptor never posted");
	switch (r->status) {
	case VIRTIO_BLK_S_OK:
		return HV_OK;
	case VIRTIO_BLK_S_UNSUPP:
		log_ratelimited(&hb->errlog, LOG_WARN, "%s: request type %u unsupported", hb->name,
				type);
		return HV_ENOTSUP;
	case VIRTIO_BLK_S_IOERR:
		log_ratelimited(&hb->errlog, LOG_WARN, "%s: I/O error at sector %llu", hb->name,
				(unsigned long long)sector);
		return HV_EIO;
	default:
		return give_up(hb, "request completed without a valid status");
	}
}

/* A read or write of `count` sectors at `pa`, split into requests the device accepts. */
static int transfer(struct hostblk *hb, uint32_t type, uint64_t sector, uint64_t pa, uint32_t count)
{
	int ret = HV_OK;

	if (sector > hb->backend.sectors || count > hb->backend.sectors - sector)
		return HV_ERANGE;
	spin_lock(&hb->lock);
	if (hb->broken)
		ret = HV_EIO;
	while (ret == HV_OK && count) {
		uint32_t n = MIN(count, hb->max_sectors);

		ret = do_request(hb, type, sector, pa, n * VIRTIO_BLK_SECTOR,
				 type == VIRTIO_BLK_T_IN);
		sector += n;
		pa += (uint64_t)n * VIRTIO_BLK_SECTOR;
		count -= n;
	}
	spin_unlock(&hb->lock);
	return ret;
}

static int hostblk_read(struct blk_backend *b, uint64_t sector, void *buf, uint32_t count)
{
	return transfer(b->priv, VIRTIO_BLK_T_IN, sector, hal_ptr_to_phys(buf), count);
}

static int hostblk_write(struct blk_backend *b, uint64_t sector, const void *buf, uint32_t count)
{
	if (b->read_only)
		return HV_ENOTSUP;
	return transfer(b->priv, VIRTIO_BLK_T_OUT, sector, hal_ptr_to_phys(buf), count);
}

/* Without VIRTIO_BLK_F_FLUSH there is no flush request to send: such a device is taken to
 * write through, completing a write only once it is stored. */
static int hostblk_flush(struct blk_backend *b)
{
	struct hostblk *hb = b->priv;
	int ret = HV_OK;

	spin_lock(&hb->lock);
	if (hb->broken)
		ret = HV_EIO;
	else if (hb->features & BIT(VIRTIO_BLK_F_FLUSH))
		ret = do_request(hb, VIRTIO_BLK_T_FLUSH, 0, 0, 0, false);
	spin_unlock(&hb->lock);
	return ret;
}

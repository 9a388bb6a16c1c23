// SPDX-License-Identifier: MIT
/* virtio-blk over virtio-mmio (see vdev/virtio_blk.h and docs/guest-abi.md). */
#include <core/err.h>
#include <core/lib.h>
#include <core/log.h>
#include <core/spinlock.h>
#include <core/vm.h>
#include <vdev/blk_backend.h>
#include <vdev/virtio_blk.h>
#include <vdev/virtio_mmio.h>
#include <vdev/virtqueue.h>

#define SECTOR_SIZE  512
#define REQ_HDR_SIZE 16 /* le32 type, le32 reserved, le64 sector */

/* struct virtio_blk_config (5.2.4), up to num_queues; the rest reads 0. */
#define CFG_CAPACITY 0x00
#define CFG_SEG_MAX  0x0c
#define CFG_BLK_SIZE 0x14
#define CFG_SIZE     0x24

/* Data buffers per request: the chain also holds the header and the status byte. */
#define BLK_SEG_MAX (VIRTQ_CHAIN_MAX - 2)

/* What one budget may do (docs/trap-path.md): VIRTIO_BLK_EXIT_BYTES of work, where taking a
 * chain off the ring costs REQUEST_COST plus LEAF_COST per 2 MiB stage-2 leaf its buffers may
 * span (virtq_pop() checks each, up to 4 GiB: vdev/virtqueue.c) plus one per descriptor, and
 * data costs what it moves, in whole pieces of VIRTIO_BLK_BOUNCE (no new piece starts once the
 * budget is spent). Every budget takes at least one chain or moves at least one piece, so the
 * work always progresses. */
#define REQUEST_COST 0x1000
#define LEAF_COST    0x400
#define LEAF_SIZE    0x200000
#define CHECKED_MAX  0x100000000ULL

/* The largest transfer: its byte count plus the status byte must fit the used length. */
#define MAX_TRANSFER (UINT32_MAX - SECTOR_SIZE)

/* The request being served, kept across exits while its data moves budget by budget. */
struct blk_request {
	bool busy;	  /* d->chain is taken off the ring and not yet returned */
	bool moving;	  /* its data is still moving (IN or OUT) */
	bool out;	  /* OUT: guest -> disk */
	bool answer;	  /* the chain has a status byte to write */
	uint8_t status;	  /* VIRTIO_BLK_S_* so far */
	uint64_t sector;  /* of the transfer's first byte */
	uint64_t len;	  /* data bytes of the transfer */
	uint64_t done;	  /* bytes moved so far */
	uint32_t written; /* bytes written into the chain's writable buffers */
};

struct virtio_blk {
	struct virtio_mmio t;
	struct blk_backend *backend;
	struct virtq_chain chain; /* the request being served */
	struct blk_request req;
	bool notified;	 /* the ring may hold requests we have not taken yet */
	uint32_t vm_gen; /* vm_generation() of t.vm when the slot was claimed (blks_lock) */
	_Alignas(64) uint8_t bounce[VIRTIO_BLK_BOUNCE];
};

static struct virtio_blk blks[VIRTIO_BLK_MAX];
static struct spinlock blks_lock = SPINLOCK_INIT; /* claiming a slot */

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static void put32(uint8_t *p, uint32_t v)
{
	for (unsigned i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static uint8_t request_error(struct virtio_blk *d, const char *why, uint64_t sector)
{
	log_ratelimited(&d->t.vm->guest_log, LOG_WARN,
			"%s: virtio-blk@0x%llx: %s (sector %llu); IOERR", d->t.vm->name,
			(unsigned long long)d->t.base, why, (unsigned long long)sector);
	return VIRTIO_BLK_S_IOERR;
}

/* IN (out == false) or OUT: the data is the writable stream before the status byte, or the
 * readable stream after the header. Checks the request; the data moves in step(). */
static uint8_t transfer_begin(struct virtio_blk *d, uint64_t sector, bool out)
{
	const struct virtq_chain *c = &d->chain;
	struct blk_backend *b = d->backend;
	uint64_t len = out ? c->readable - REQ_HDR_SIZE : c->writable - 1;

	if (out && b->read_only)
		return request_error(d, "write to a read-only disk", sector);
	if (len % SECTOR_SIZE || len > MAX_TRANSFER)
		return request_error(d, "data length not a multiple of 512 or over 4 GiB", sector);
	if (sector > b->sectors || len / SECTOR_SIZE > b->sectors - sector)
		return request_error(d, "beyond the end of the disk", sector);
	d->req.moving = len != 0;
	d->req.out = out;
	d->req.sector = sector;
	d->req.len = len;
	d->req.done = 0;
	return VIRTIO_BLK_S_OK;
}

/* Move the transfer on through the bounce buffer, one whole piece of VIRTIO_BLK_BOUNCE bytes at
 * a time (one backend call each), starting no new piece once `budget` bytes moved; returns the
 * bytes moved (less than budget + VIRTIO_BLK_BOUNCE). An error ends the transfer with IOERR. */
static uint64_t step(struct virtio_blk *d, uint64_t budget)
{
	const struct virtq_chain *c = &d->chain;
	struct blk_request *r = &d->req;
	struct blk_backend *b = d->backend;
	struct vm *vm = d->t.vm;
	uint64_t moved = 0;
	uint32_t n;

	for (; r->done < r->len && moved < budget; r->done += n, moved += n) {
		uint64_t at = r->sector + r->done / SECTOR_SIZE;

		n = (uint32_t)MIN(r->len - r->done, VIRTIO_BLK_BOUNCE);
		if (r->out) {
			if (virtq_chain_read(vm, c, REQ_HDR_SIZE + r->done, d->bounce, n) ||
			    b->write(b, at, d->bounce, n / SECTOR_SIZE)) {
				r->status = request_error(d, "write failed", at);
				break;
			}
		} else {
			if (b->read(b, at, d->bounce, n / SECTOR_SIZE) ||
			    virtq_chain_write(vm, c, r->done, d->bounce, n)) {
				r->status = request_error(d, "read failed", at);
				break;
			}
			r->written += n;
		}
	}
	if (r->status != VIRTIO_BLK_S_OK || r->done == r->len)
		r->moving = false;
	return moved;
}

/* GET_ID: the serial, NUL-padded to 20 bytes (no NUL when it is 20 long), cut to the room the
 * driver gave. */
static uint8_t get_id(struct virtio_blk *d)
{
	const char *name = d->backend->name ? d->backend->name : "";
	uint8_t id[VIRTIO_BLK_ID_BYTES] = {0};
	uint32_t n = (uint32_t)MIN(d->chain.writable - 1, sizeof(id));

	memcpy(id, name, strnlen(name, sizeof(id)));
	if (virtq_chain_write(d->t.vm, &d->chain, 0, id, n))
		return request_error(d, "GET_ID buffer failed", 0);
	d->req.written = n;
	return VIRTIO_BLK_S_OK;
}

static uint8_t dispatch(struct virtio_blk *d, const uint8_t *hdr)
{
	struct blk_backend *b = d->backend;
	uint64_t sector = get32(hdr + 8) | (uint64_t)get32(hdr + 12) << 32;

	switch (get32(hdr)) {
	case VIRTIO_BLK_T_IN:
		return transfer_begin(d, sector, false);
	case VIRTIO_BLK_T_OUT:
		return transfer_begin(d, sector, true);
	case VIRTIO_BLK_T_FLUSH:
		if (b->flush && b->flush(b))
			return request_error(d, "flush failed", 0);
		return VIRTIO_BLK_S_OK;
	case VIRTIO_BLK_T_GET_ID:
		return get_id(d);
	default:
		return VIRTIO_BLK_S_UNSUPP;
	}
}

/* Start the request just taken into d->chain: answer it at once, or set up its transfer. */
static void begin(struct virtio_blk *d)
{
	const struct virtq_chain *c = &d->chain;
	struct blk_request *r = &d->req;
	uint8_t hdr[REQ_HDR_SIZE];

	*r = (struct blk_request){.busy = true, .answer = c->writable != 0};
	if (!r->answer) {
		log_ratelimited(&d->t.vm->guest_log, LOG_WARN,
				"%s: virtio-blk@0x%llx: request without a status byte; returned "
				"unanswered",
				d->t.vm->name, (unsigned long long)d->t.base);
		return;
	}
	if (virtq_chain_read(d->t.vm, c, 0, hdr, sizeof(hdr)))
		r->status = request_error(d, "request header shorter than 16 bytes", 0);
	else
		r->status = dispatch(d, hdr);
}

/* The request is over: its status byte (the last writable byte, after any data), then the
 * used ring. 0 or HV_EINVAL (the queue broke). */
static int finish(struct virtio_blk *d, struct virtq *q)
{
	const struct virtq_chain *c = &d->chain;
	struct blk_request *r = &d->req;
	uint32_t len = r->written;

	r->busy = false;
	if (r->answer && !virtq_chain_write(d->t.vm, c, c->writable - 1, &r->status, 1))
		len++;
	return virtq_push(d->t.vm, q, c->head, len);
}

/* What taking this chain cost (see REQUEST_COST). */
static uint64_t chain_cost(const struct virtq_chain *c)
{
	uint64_t checked = MIN(c->readable + c->writable, CHECKED_MAX);

	return REQUEST_COST + (checked / LEAF_SIZE + c->count) * LEAF_COST;
}

/* One exit's budget of work on the request queue: the request in flight, then new ones while
 * the driver has published some. True if work is left. */
static bool work(struct virtio_blk *d)
{
	struct virtio_mmio *t = &d->t;
	struct virtq *q = &t->queues[0];
	uint64_t budget = VIRTIO_BLK_EXIT_BYTES;
	int ret = 0;

	if (!q->ready) {
		/* The driver took the queue down: what was in flight is dropped with it. */
		d->req.busy = d->notified = false;
		return false;
	}
	while (budget > 0) {
		if (!d->req.busy) {
			if (!d->notified)
				break;
			ret = virtq_pop(t->vm, q, &d->chain);
			if (ret <= 0) {
				d->notified = false;
				break;
			}
			budget -= MIN(budget, chain_cost(&d->chain));
			begin(d);
		}
		if (d->req.moving) {
			uint64_t moved = step(d, budget); /* not inside MIN(): it runs once */

			budget -= MIN(budget, moved);
		}
		if (d->req.moving)
			break;
		ret = finish(d, q);
		if (ret)
			break;
	}
	if (ret < 0) {
		d->req.busy = d->notified = false;
		virtio_mmio_needs_reset(t, q->error);
	}
	if (virtq_should_interrupt(t->vm, q))
		virtio_mmio_used(t);
	return d->req.busy || d->notified;
}

static bool blk_queue_notify(struct virtio_mmio *t, unsigned index)
{
	struct virtio_blk *d = t->priv;

	d->notified = true;
	return work(d);
}

static bool blk_resume(struct virtio_mmio *t)
{
	return work(t->priv);
}

static void blk_reset(struct virtio_mmio *t)
{
	struct virtio_blk *d = t->priv;

	d->req.busy = d->notified = false;
}

static void blk_config_read(struct virtio_mmio *t, uint32_t off, uint8_t *buf, unsigned len)
{
	struct virtio_blk *d = t->priv;
	uint8_t cfg[CFG_SIZE] = {0};

	put32(cfg + CFG_CAPACITY, (uint32_t)d->backend->sectors);
	put32(cfg + CFG_CAPACITY + 4, (uint32_t)(d->backend->sectors >> 32));
	put32(cfg + CFG_SEG_MAX, BLK_SEG_MAX);
	put32(cfg + CFG_BLK_SIZE, SECTOR_SIZE);
	memcpy(buf, cfg + off, len);
}

static const struct virtio_device_ops blk_ops = {
    .name = "virtio-blk",
    .device_id = VIRTIO_ID_BLOCK,
    .num_queues = 1,
    .queue_num_max = VIRTQ_MAX_SIZE,
    .config_size = CFG_SIZE,
    .config_read = blk_config_read,
    .queue_notify = blk_queue_notify,
    .resume = blk_resume,
    .reset = blk_reset,
};

/* A slot is taken while the VM it was attached to lives (devices are never taken off a live
 * VM's bus): destroying the VM, or its slot's next life, frees it. Only the VM's generation
 * is read, an atomic: its bus and state may be changing on another pCPU. blks_lock held. */
static bool in_use(const struct virtio_blk *d)
{
	return d->t.vm && d->vm_gen == vm_generation(d->t.vm);
}

int virtio_blk_attach(struct vm *vm, uint64_t base, uint32_t intid, struct blk_backend *backend)
{
	uint64_t features = BIT(VIRTIO_F_VERSION_1) | BIT(VIRTIO_BLK_F_SEG_MAX) |
			    BIT(VIRTIO_BLK_F_BLK_SIZE) | BIT(VIRTIO_BLK_F_FLUSH) |
			    BIT(VIRTIO_RING_F_EVENT_IDX) | BIT(VIRTIO_RING_F_INDIRECT_DESC);
	struct virtio_blk *d = NULL;
	int ret;

	if (!backend || !backend->sectors || !backend->read ||
	    (!backend->write && !backend->read_only))
		return HV_EINVAL;
	if (backend->read_only)
		features |= BIT(VIRTIO_BLK_F_RO);
	spin_lock(&blks_lock);
	for (unsigned i = 0; i < VIRTIO_BLK_MAX && !d; i++)
		d = in_use(&blks[i]) ? NULL : &blks[i];
	ret = d ? virtio_mmio_attach(&d->t, vm, base, intid, &blk_ops, features, d) : HV_ENOMEM;
	if (!ret) {
		d->backend = backend;
		d->vm_gen = vm_generation(vm);
	} else if (d) {
		d->t.vm = NULL; /* still free */
	}
	spin_unlock(&blks_lock);
	return ret;
}

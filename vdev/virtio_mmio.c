// SPDX-License-Identifier: MIT
/* The virtio-mmio transport, version 2 (see vdev/virtio_mmio.h and docs/guest-abi.md). */
#include <core/err.h>
#include <core/lib.h>
#include <core/log.h>
#include <core/vgic.h>
#include <core/vm.h>
#include <vdev/virtio_mmio.h>

/* Register offsets (virtio 1.2, 4.2.2). */
/* The status bits the driver writes; DEVICE_NEEDS_RESET is the device's own. */
#define STATUS_DRIVER_BITS                                                              \
	(VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER | VIRTIO_STATUS_FEATURES_OK | \
	 VIRTIO_STATUS_DRIVER_OK | VIRTIO_STATUS_FAILED)

static void update_line(struct virtio_mmio *t)
{
	bool level = t->interrupt_status != 0;

	if (level != t->line) {
		t->line = level;
		vgic_set_line(t->vm, NULL, t->intid, level);
	}
}

/* A width or offset that is no register: the first one per device is logged. */
static void bad_access(struct virtio_mmio *t, uint64_t off, unsigned size, bool write)
{
	if (t->warned)
		return;
	t->warned = true;
	log_ratelimited(&t->vm->guest_log, LOG_WARN,
			"%s: %s@0x%llx: %u-byte %s at offset 0x%llx is not a register access; "
			"RAZ/WI (reported once)",
			t->vm->name, t->ops->name, (unsigned long long)t->base, size,
			write ? "write" : "read", (unsigned long long)off);
}

/* A write the state machine does not allow now. */
static void misuse(struct virtio_mmio *t, const char *what)
{
	log_ratelimited(&t->vm->guest_log, LOG_WARN, "%s: %s@0x%llx: %s; ignored", t->vm->name,
			t->ops->name, (unsigned long long)t->base, what);
}

static struct virtq *selected_queue(struct virtio_mmio *t)
{
	return t->queue_sel < t->ops->num_queues ? &t->queues[t->queue_sel] : NULL;
}

/* Whether the device may use buffers (virtio 1.2, 3.1.1: not before DRIVER_OK, nor once it
 * failed or needs a reset). */
static bool device_live(const struct virtio_mmio *t)
{
	return (t->status & (VIRTIO_STATUS_DRIVER_OK | VIRTIO_STATUS_FAILED |
			     VIRTIO_STATUS_DEVICE_NEEDS_RESET)) == VIRTIO_STATUS_DRIVER_OK;
}

static void reset(struct virtio_mmio *t)
{
	t->driver_features = 0;
	t->driver_features_high = false;
	t->device_features_sel = t->driver_features_sel = t->queue_sel = 0;
	t->status = 0;
	t->interrupt_status = 0;
	for (unsigned i = 0; i < VIRTIO_MMIO_MAX_QUEUES; i++)
		virtq_reset(&t->queues[i]);
	update_line(t);
	if (t->ops->reset)
		t->ops->reset(t);
}

bool virtio_mmio_has_feature(const struct virtio_mmio *t, unsigned bit)
{
	return bit < 64 && (t->driver_features & BIT(bit));
}

/* FEATURES_OK is refused unless the driver took VIRTIO_F_VERSION_1 (a legacy driver cannot
 * use this transport) and nothing we did not offer (virtio 1.2, 2.2.1 and 3.1.1). */
static bool features_acceptable(const struct virtio_mmio *t)
{
	return virtio_mmio_has_feature(t, VIRTIO_F_VERSION_1) &&
	       !(t->driver_features & ~t->device_features) && !t->driver_features_high;
}

/* Status writes follow the initialisation order of virtio 1.2, 3.1.1: ACKNOWLEDGE, DRIVER,
 * FEATURES_OK, DRIVER_OK, each only on top of the previous; bits are never cleared except by
 * writing 0, which resets the device. FAILED may be set at any time. */
static void status_write(struct virtio_mmio *t, uint32_t val)
{
	uint32_t old = t->status & STATUS_DRIVER_BITS, want = val & STATUS_DRIVER_BITS, add;

	if (!val) {
		reset(t);
		return;
	}
	if (old & ~want) {
		misuse(t, "Status write clears bits (only writing 0 resets)");
		return;
	}
	add = want & ~old;
	if ((add & VIRTIO_STATUS_DRIVER) && !(want & VIRTIO_STATUS_ACKNOWLEDGE)) {
		misuse(t, "DRIVER without ACKNOWLEDGE");
		want &= ~VIRTIO_STATUS_DRIVER;
	}
	if ((add & VIRTIO_STATUS_FEATURES_OK) &&
	    (!(want & VIRTIO_STATUS_DRIVER) || !features_acceptable(t))) {
		/* The driver reads Status back and sees FEATURES_OK clear: refused. */
		misuse(t, "FEATURES_OK refused: no DRIVER, no VIRTIO_F_VERSION_1 or a feature "
			  "that was not offered");
		want &= ~VIRTIO_STATUS_FEATURES_OK;
	}
	if ((add & VIRTIO_STATUS_DRIVER_OK) && !(want & VIRTIO_STATUS_FEATURES_OK)) {
		misuse(t, "DRIVER_OK without FEATURES_OK");
		want &= ~VIRTIO_STATUS_DRIVER_OK;
	}
	t->status = (t->status & VIRTIO_STATUS_DEVICE_NEEDS_RESET) | want;
}

/* Feature bits are chosen between DRIVER and FEATURES_OK only. */
static void driver_features_write(struct virtio_mmio *t, uint32_t val)
{
	if ((t->status & (VIRTIO_STATUS_DRIVER | VIRTIO_STATUS_FEATURES_OK)) !=
	    VIRTIO_STATUS_DRIVER) {
		misuse(t, "DriverFeatures written outside DRIVER before FEATURES_OK");
		return;
	}
	if (t->driver_features_sel == 0)
		t->driver_features = (t->driver_features & GENMASK(63, 32)) | val;
	else if (t->driver_features_sel == 1)
		t->driver_features = (t->driver_features & GENMASK(31, 0)) | (uint64_t)val << 32;
	else if (val)
		t->driver_features_high = true; /* until reset */
}

/* Queue registers take writes once features are settled, while the queue is not ready, and
 * not in a device that failed or needs a reset. */
static bool queue_writable(struct virtio_mmio *t, struct virtq *q)
{
	if (!q) {
		misuse(t, "queue register of a queue the device does not have");
		return false;
	}
	if ((t->status & (VIRTIO_STATUS_FEATURES_OK | VIRTIO_STATUS_FAILED |
			  VIRTIO_STATUS_DEVICE_NEEDS_RESET)) != VIRTIO_STATUS_FEATURES_OK) {
		misuse(t, "queue set up before FEATURES_OK or after FAILED / DEVICE_NEEDS_RESET");
		return false;
	}
	if (q->ready) {
		misuse(t, "queue register written while the queue is ready");
		return false;
	}
	return true;
}

/* QueueDesc, QueueDriver (available ring), QueueDevice (used ring): low word, high word. */
static void queue_addr_write(struct virtio_mmio *t, uint64_t off, uint32_t val)
{
	struct virtq *q = selected_queue(t);
	uint64_t *addr;

	if (!queue_writable(t, q))
		return;
	addr = off < VIRTIO_MMIO_QUEUE_DRIVER_LOW   ? &q->desc
	       : off < VIRTIO_MMIO_QUEUE_DEVICE_LOW ? &q->avail
						    : &q->used;
	if (off & 4)
		*addr = (*addr & GENMASK(31, 0)) | (uint64_t)val << 32;
	else
		*addr = (*addr & GENMASK(63, 32)) | val;
}

static void queue_ready_write(struct virtio_mmio *t, uint32_t val)
{
	struct virtq *q = selected_queue(t);

	if (!(val & 1) && q) {
		q->ready = false; /* the driver takes a queue down (e.g. before freeing it) */
		return;
	}
	if (!queue_writable(t, q))
		return;
	if (virtq_enable(t->vm, q, t->ops->queue_num_max,
			 virtio_mmio_has_feature(t, VIRTIO_RING_F_EVENT_IDX),
			 virtio_mmio_has_feature(t, VIRTIO_RING_F_INDIRECT_DESC)))
		virtio_mmio_needs_reset(t, q->error);
}

/* The device has work left: vCPU `by` resumes it on its next entries (virtio_mmio_resume()). */
static void defer(struct virtio_mmio *t, const struct vcpu *by)
{
	struct mmio_device *dev = vm_find_mmio(t->vm, t->base);

	if (dev)
		vm_defer(t->vm, dev, by);
}

static void queue_notify_write(struct virtio_mmio *t, uint32_t index, const struct vcpu *by)
{
	if (index >= t->ops->num_queues) {
		misuse(t, "notify of a queue the device does not have");
		return;
	}
	/* The device uses no buffer before DRIVER_OK (virtio 1.2, 3.1.1) nor after it failed. */
	if (!device_live(t) || !t->queues[index].ready) {
		misuse(t, "notify before DRIVER_OK, after FAILED / DEVICE_NEEDS_RESET or of a "
			  "queue that is not ready");
		return;
	}
	if (t->ops->queue_notify(t, index))
		defer(t, by);
}

static bool read_reg(struct virtio_mmio *t, uint64_t off, uint32_t *val)
{
	struct virtq *q = selected_queue(t);

	switch (off) {
	case VIRTIO_MMIO_MAGIC_VALUE:
		*val = VIRTIO_MMIO_MAGIC;
		return true;
	case VIRTIO_MMIO_VERSION:
		*val = VIRTIO_MMIO_VERSION_2;
		return true;
	case VIRTIO_MMIO_DEVICE_ID:
		*val = t->ops->device_id;
		return true;
	case VIRTIO_MMIO_VENDOR:
		*val = VIRTIO_MMIO_VENDOR_ID;
		return true;
	case VIRTIO_MMIO_DEVICE_FEATURES:
		*val = t->device_features_sel < 2
			   ? (uint32_t)(t->device_features >> (32 * t->device_features_sel))
			   : 0;
		return true;
	case VIRTIO_MMIO_QUEUE_NUM_MAX:
		*val = q ? t->ops->queue_num_max : 0; /* 0: no such queue */
		return true;
	case VIRTIO_MMIO_QUEUE_READY:
		*val = q && q->ready;
		return true;
	case VIRTIO_MMIO_INTERRUPT_STATUS:
		*val = t->interrupt_status;
		return true;
	case VIRTIO_MMIO_STATUS:
		*val = t->status;
		return true;
	case VIRTIO_MMIO_CONFIG_GENERATION:
		*val = 0; /* the configuration never changes while the device lives */
		return true;
	default:
		/* Reserved, and the write-only registers. */
		return false;
	}
}

static bool write_reg(struct virtio_mmio *t, uint64_t off, uint32_t val, const struct vcpu *vcpu)
{
	struct virtq *q = selected_queue(t);

	switch (off) {
	case VIRTIO_MMIO_DEVICE_FEATURES_SEL:
		t->device_features_sel = val;
		return true;
	case VIRTIO_MMIO_DRIVER_FEATURES:
		driver_features_write(t, val);
		return true;
	case VIRTIO_MMIO_DRIVER_FEATURES_SEL:
		t->driver_features_sel = val;
		return true;
	case VIRTIO_MMIO_QUEUE_SEL:
		t->queue_sel = val;
		return true;
	case VIRTIO_MMIO_QUEUE_NUM:
		if (queue_writable(t, q))
			q->num = val;
		return true;
	case VIRTIO_MMIO_QUEUE_READY:
		queue_ready_write(t, val);
		return true;
	case VIRTIO_MMIO_QUEUE_NOTIFY:
		queue_notify_write(t, val, vcpu);
		return true;
	case VIRTIO_MMIO_INTERRUPT_ACK:
		t->interrupt_status &= ~val;
		update_line(t);
		return true;
	case VIRTIO_MMIO_STATUS:
		status_write(t, val);
		return true;
	default:
		break;
	}
	/* The six address registers: 0x10 apart, each a low and a high word. */
	if (off >= VIRTIO_MMIO_QUEUE_DESC_LOW && off <= VIRTIO_MMIO_QUEUE_DEVICE_HIGH &&
	    !(off & 8)) {
		queue_addr_write(t, off, val);
		return true;
	}
	/* Reserved, and the read-only registers. */
	return false;
}

/* The configuration space: any width, bytes past the device's config_size read 0. */
static uint64_t config_read(struct virtio_mmio *t, uint64_t off, unsigned size)
{
	uint8_t b[8] = {0};
	uint64_t val = 0;

	if (off < t->ops->config_size)
		t->ops->config_read(t, (uint32_t)off, b,
				    (unsigned)MIN(size, t->ops->config_size - off));
	for (unsigned i = 0; i < size; i++)
		val |= (uint64_t)b[i] << (8 * i);
	return val;
}

static void config_write(struct virtio_mmio *t, uint64_t off, unsigned size, uint64_t val)
{
	uint8_t b[8];

	if (!t->ops->config_write) {
		bad_access(t, VIRTIO_MMIO_CONFIG + off, size, true);
		return;
	}
	for (unsigned i = 0; i < size; i++)
		b[i] = (uint8_t)(val >> (8 * i));
	if (off < t->ops->config_size)
		t->ops->config_write(t, (uint32_t)off, b,
				     (unsigned)MIN(size, t->ops->config_size - off));
}

static int virtio_mmio_read(struct mmio_device *dev, struct vcpu *vcpu, uint64_t off, unsigned size,
			    uint64_t *val)
{
	struct virtio_mmio *t = dev->priv;
	uint32_t v = 0;

	spin_lock(&t->lock);
	if (off >= VIRTIO_MMIO_CONFIG) {
		*val = config_read(t, off - VIRTIO_MMIO_CONFIG, size);
	} else if (size != 4 || !read_reg(t, off, &v)) {
		bad_access(t, off, size, false);
		*val = 0;
	} else {
		*val = v;
	}
	spin_unlock(&t->lock);
	return HV_OK;
}

static int virtio_mmio_write(struct mmio_device *dev, struct vcpu *vcpu, uint64_t off,
			     unsigned size, uint64_t val)
{
	struct virtio_mmio *t = dev->priv;

	spin_lock(&t->lock);
	if (off >= VIRTIO_MMIO_CONFIG)
		config_write(t, off - VIRTIO_MMIO_CONFIG, size, val);
	else if (size != 4 || !write_reg(t, off, (uint32_t)val, vcpu))
		bad_access(t, off, size, true);
	spin_unlock(&t->lock);
	return HV_OK;
}

/* Deferred work (vm_defer()): one more budget, under the transport's lock like any access,
 * unless the driver reset the device or it failed meanwhile (its reset op dropped the work). */
static void virtio_mmio_resume(struct mmio_device *dev, struct vcpu *by)
{
	struct virtio_mmio *t = dev->priv;
	bool left = false;

	spin_lock(&t->lock);
	if (device_live(t) && t->ops->resume)
		left = t->ops->resume(t);
	spin_unlock(&t->lock);
	if (left)
		vm_defer(t->vm, dev, by);
}

static const struct mmio_ops virtio_mmio_ops = {
    .read = virtio_mmio_read, .write = virtio_mmio_write, .resume = virtio_mmio_resume};

int virtio_mmio_attach(struct virtio_mmio *t, struct vm *vm, uint64_t base, uint32_t intid,
		       const struct virtio_device_ops *ops, uint64_t features, void *priv)
{
	struct mmio_device dev = {.name = ops->name,
				  .base = base,
				  .size = VIRTIO_MMIO_SIZE,
				  .ops = &virtio_mmio_ops,
				  .priv = t};
	int ret;

	if (intid < VGIC_NR_PRIVATE || intid >= VGIC_MAX_INTID ||
	    ops->num_queues > VIRTIO_MMIO_MAX_QUEUES ||
	    ops->config_size > VIRTIO_MMIO_SIZE - VIRTIO_MMIO_CONFIG ||
	    !(features & BIT(VIRTIO_F_VERSION_1)))
		return HV_EINVAL;
	ret = vm_add_mmio(vm, &dev);
	if (ret)
		return ret;
	memset(t, 0, sizeof(*t));
	t->vm = vm;
	t->ops = ops;
	t->priv = priv;
	t->base = base;
	t->intid = intid;
	t->device_features = features;
	return HV_OK;
}

void virtio_mmio_used(struct virtio_mmio *t)
{
	t->interrupt_status |= VIRTIO_MMIO_INT_VRING;
	update_line(t);
}

void virtio_mmio_needs_reset(struct virtio_mmio *t, const char *why)
{
	if (!(t->status & VIRTIO_STATUS_DEVICE_NEEDS_RESET))
		log_ratelimited(&t->vm->guest_log, LOG_WARN,
				"%s: %s@0x%llx: %s; device needs reset", t->vm->name, t->ops->name,
				(unsigned long long)t->base, why);
	t->status |= VIRTIO_STATUS_DEVICE_NEEDS_RESET;
	t->interrupt_status |= VIRTIO_MMIO_INT_CONFIG;
	update_line(t);
}

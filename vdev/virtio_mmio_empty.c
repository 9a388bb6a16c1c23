// SPDX-License-Identifier: MIT
/* virtio-mmio transports with no device behind them, so that every slot of a VM's virtio-mmio
 * window answers as on QEMU's virt board: QEMU creates all 32 transports, and one without a
 * backend reads MagicValue, Version and VendorID, DeviceID 0 ("no device", virtio 1.2 4.2.2)
 * and 0 for everything else, and ignores writes. A driver probing a free slot learns that
 * there is nothing there instead of taking an external abort. */
#include <core/err.h>
#include <core/lib.h>
#include <core/vm.h>
#include <vdev/virtio_mmio.h>

static int empty_read(struct mmio_device *dev, struct vcpu *vcpu, uint64_t off, unsigned size,
		      uint64_t *val)
{
	uint64_t reg = off % VIRTIO_MMIO_SIZE;

	*val = 0;
	/* The transport's registers are 32-bit; QEMU reads other widths as 0 too. */
	if (size != 4)
		return HV_OK;
	switch (reg) {
	case VIRTIO_MMIO_MAGIC_VALUE:
		*val = VIRTIO_MMIO_MAGIC;
		break;
	case VIRTIO_MMIO_VERSION:
		*val = VIRTIO_MMIO_VERSION_2;
		break;
	case VIRTIO_MMIO_VENDOR:
		*val = VIRTIO_MMIO_VENDOR_ID;
		break;
	default: /* DeviceID 0 and every other register */
		break;
	}
	return HV_OK;
}

static int empty_write(struct mmio_device *dev, struct vcpu *vcpu, uint64_t off, unsigned size,
		       uint64_t val)
{
	return HV_OK;
}

static const struct mmio_ops empty_ops = {.read = empty_read, .write = empty_write};

/* One bus entry per run of free slots keeps the bus small (VM_MAX_MMIO). */
static int add_run(struct vm *vm, uint64_t base, unsigned first, unsigned end)
{
	struct mmio_device dev = {
	    .name = "virtio-mmio (empty)",
	    .base = base + (uint64_t)first * VIRTIO_MMIO_SIZE,
	    .size = (uint64_t)(end - first) * VIRTIO_MMIO_SIZE,
	    .ops = &empty_ops,
	};

	return first < end ? vm_add_mmio(vm, &dev) : HV_OK;
}

int virtio_mmio_fill_slots(struct vm *vm, uint64_t base, unsigned slots)
{
	unsigned first = 0;
	int ret;

	for (unsigned n = 0; n < slots; n++) {
		if (!vm_find_mmio(vm, base + (uint64_t)n * VIRTIO_MMIO_SIZE))
			continue;
		ret = add_run(vm, base, first, n);
		if (ret != HV_OK)
			return ret;
		first = n + 1;
	}
	return add_run(vm, base, first, slots);
}

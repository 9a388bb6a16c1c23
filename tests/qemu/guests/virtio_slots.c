// SPDX-License-Identifier: MIT
/* Every slot of the board's virtio-mmio window answers as on QEMU virt (docs/guest-abi.md,
 * "virtio-mmio devices"): run without disks, each of the 32 transports reads MagicValue
 * "virt", Version 2, the hypervisor's VendorID and DeviceID 0 (no device), and ignores a
 * driver's writes; before, a free slot was a hole and the probe took an external abort. The
 * same image passes on plain QEMU with `-global virtio-mmio.force-legacy=false` (its VendorID
 * is "QEMU", which is not checked). */
#include "check.h"
#include "printf.h"
#include "virtio.h"

const char guest_name[] = "virtio_slots";

#define SLOTS 32

static uint32_t rd(unsigned slot, uint32_t off)
{
	return *(volatile uint32_t *)(VIRTIO_MMIO_SLOT_BASE(slot) + off);
}

int main(void)
{
	for (unsigned n = 0; n < SLOTS; n++)
		check(rd(n, VIRTIO_MMIO_MAGIC_VALUE) == VIRTIO_MMIO_MAGIC &&
			  rd(n, VIRTIO_MMIO_VERSION) == 2 && rd(n, VIRTIO_MMIO_DEVICE_ID) == 0 &&
			  rd(n, VIRTIO_MMIO_VENDOR) != 0 && rd(n, VIRTIO_MMIO_STATUS) == 0,
		      "virtio_slots: slot %u at 0x%lx: an empty transport (DeviceID 0)", n,
		      (unsigned long)VIRTIO_MMIO_SLOT_BASE(n));

	/* A driver that does not look at DeviceID goes on: nothing happens. */
	*(volatile uint32_t *)(VIRTIO_MMIO_SLOT_BASE(7) + VIRTIO_MMIO_STATUS) =
	    VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER;
	*(volatile uint32_t *)(VIRTIO_MMIO_SLOT_BASE(7) + VIRTIO_MMIO_QUEUE_NOTIFY) = 0;
	check(rd(7, VIRTIO_MMIO_STATUS) == 0 && rd(7, VIRTIO_MMIO_DEVICE_ID) == 0,
	      "virtio_slots: writes to an empty transport are ignored");
	return 0;
}

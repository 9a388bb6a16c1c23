// SPDX-License-Identifier: MIT
/* PSCI SYSTEM_RESET restarts only this VM, from its pristine images (docs/boot.md,
 * "Lifecycle"): the VM counts its boots on its memory disk, which keeps what a VM writes
 * across a reset as a disk would. Boot 1 finds the image's own bytes in sector 0, writes a
 * mark there and resets; boot 2 finds the mark, checks that its RAM came back zeroed (nothing
 * of boot 1 survives in memory), and powers off with PSCI SYSTEM_OFF (status 0). */
#include "check.h"
#include "entry.h"
#include "irq.h"
#include "printf.h"
#include "smccc.h"
#include "virtio_test.h"

const char guest_name[] = "psci_reset";

#define MARK_SECTOR 0
#define MARK	    0x32746f6f62ULL /* "boot2" */
/* A RAM word no image, stack or arena byte covers: boot 1 writes it, boot 2 must find 0. */
#define RAM_PROBE (GUEST_RAM_END - 0x200000UL - 0x1000UL)

static uint64_t read_mark(void)
{
	struct outcome o = read_at(MARK_SECTOR, data[0], SECTOR);

	check(answered(&o, 0, SECTOR + 1, 0, VIRTIO_BLK_S_OK), "psci_reset: sector 0 read");
	return *(volatile uint64_t *)data[0];
}

static void write_mark(void)
{
	struct outcome o;

	*(volatile uint64_t *)data[0] = MARK;
	chain_rw(vq.desc, 0, 0, VIRTIO_BLK_T_OUT, MARK_SECTOR, data[0], SECTOR);
	virtq_publish(&vq, 0);
	o = kick();
	check(answered(&o, 0, 1, 0, VIRTIO_BLK_S_OK), "psci_reset: the mark written");
}

int main(void)
{
	int64_t ret;

	if (!check(virtio_test_init(), "psci_reset: GIC up") ||
	    !check(dev_up(TAKEN), "psci_reset: virtio-blk up"))
		return 0;
	if (read_mark() == MARK) {
		printf("psci_reset: boot 2\n");
		check_eq(*(volatile uint64_t *)RAM_PROBE, 0,
			 "psci_reset: RAM boot 1 wrote reads zero after the reset");
		irq_check_clean();
		printf("psci_reset: calling PSCI SYSTEM_OFF\n");
		hvc_call(PSCI_SYSTEM_OFF, 0, 0, 0);
		printf("psci_reset: SYSTEM_OFF returned\n");
		guest_exit(1);
	}
	printf("psci_reset: boot 1\n");
	*(volatile uint64_t *)RAM_PROBE = 0x5a5a5a5a5a5a5a5aULL;
	write_mark();
	printf("psci_reset: calling PSCI SYSTEM_RESET\n");
	ret = hvc_call(PSCI_SYSTEM_RESET, 0, 0, 0);
	/* Only reached if the call returned: the QEMU case forbids this line. */
	printf("psci_reset: SYSTEM_RESET returned %ld\n", ret);
	guest_exit(1);
}

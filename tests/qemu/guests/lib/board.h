/* SPDX-License-Identifier: MIT */
#ifndef GUEST_BOARD_H
#define GUEST_BOARD_H

/* The board a test guest sees (docs/guest-abi.md, "Board"). Shared by C and assembly. */

#define GUEST_RAM_BASE	  0x40000000UL
#define GUEST_RAM_SIZE	  0x08000000UL /* the hypervisor's default; plain QEMU may have more */
#define GUEST_RAM_END	  (GUEST_RAM_BASE + GUEST_RAM_SIZE)
#define GUEST_TEXT_OFFSET 0x80000 /* the image runs at GUEST_RAM_BASE + this */
#define GUEST_STACK_SIZE  0x4000

#define GUEST_UART_BASE	 0x09000000UL /* PL011: the vPL011 under the hypervisor */
#define GUEST_UART_INTID 33	      /* SPI 1, level */

/* GICv3: distributor, and the redistributor of vCPU 0 (RD_base; SGI_base 64 KiB above). */
#define GUEST_GICD_BASE 0x08000000UL
#define GUEST_GICR_BASE 0x080a0000UL

/* Generic timer: the virtual timer's PPI, and the counter frequency of both boards. */
#define GUEST_VTIMER_INTID 27
#define GUEST_PTIMER_INTID 30 /* the EL1 physical timer */
#define GUEST_CNTFRQ	   62500000UL

/* SPIs with no device behind them on either board (the virtio-mmio slots; only the virtio guests'
 * runs attach a virtio device, in slot 0), so tests can pend them by software only. They exist
 * whenever GICD_TYPER.ITLinesNumber >= 1. */
#define GUEST_FREE_SPI_BASE  48
#define GUEST_FREE_SPI_COUNT 16

/* An IPA with nothing behind it under the hypervisor (inside QEMU's PCIe window on plain
 * QEMU, so no abort there). */
#define GUEST_HOLE 0x20000000UL

#endif

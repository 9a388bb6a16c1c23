/* SPDX-License-Identifier: MIT */
#ifndef CORE_VM_BOARD_H
#define CORE_VM_BOARD_H

#include <stdint.h>

/* Where a VM sees its RAM and devices: the QEMU virt layout by default (vm_board_default()),
 * each a property of the VM node to override (docs/config.md). Every VM carries its own
 * (struct vm.board): devices are attached, and its DTB written, from it. */
struct vm_board {
	uint64_t ram_base;
	uint64_t gicd_base, gicr_base; /* a VM_GICR_STRIDE frame pair per vCPU from gicr_base */
	uint64_t uart_base;
	unsigned uart_intid;
	uint64_t rtc_base; /* 0: no vPL031 */
	unsigned rtc_intid;
	uint64_t virtio_base; /* slot n at virtio_base + n * VM_VIRTIO_STRIDE, INTID + n */
	unsigned virtio_intid, virtio_slots;
};

/* The default board, QEMU virt's (docs/guest-abi.md, Board). Only vm_board_default() builds a
 * board from these; host tests and simulated machines use them to name the default places. */
#define VM_RAM_BASE	   0x40000000ULL
#define VM_PL011_BASE	   0x09000000ULL
#define VM_PL011_INTID	   33
#define VM_PL031_BASE	   0x09010000ULL
#define VM_PL031_INTID	   34
#define VM_GICD_BASE	   0x08000000ULL
#define VM_GICR_BASE	   0x080a0000ULL
#define VM_VIRTIO_BASE	   0x0a000000ULL
#define VM_VIRTIO_SLOTS	   32
#define VM_VIRTIO_INTID(n) (48 + (n))

void vm_board_default(struct vm_board *board);

#endif

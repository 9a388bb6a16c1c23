// SPDX-License-Identifier: MIT
/* The board a VM sees unless its configuration says otherwise (core/vm_board.h). */
#include <core/vm_board.h>

void vm_board_default(struct vm_board *board)
{
	*board = (struct vm_board){
	    .ram_base = VM_RAM_BASE,
	    .gicd_base = VM_GICD_BASE,
	    .gicr_base = VM_GICR_BASE,
	    .uart_base = VM_PL011_BASE,
	    .uart_intid = VM_PL011_INTID,
	    .rtc_base = VM_PL031_BASE,
	    .rtc_intid = VM_PL031_INTID,
	    .virtio_base = VM_VIRTIO_BASE,
	    .virtio_intid = VM_VIRTIO_INTID(0),
	    .virtio_slots = VM_VIRTIO_SLOTS,
	};
}

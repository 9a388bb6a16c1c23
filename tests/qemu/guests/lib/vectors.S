/* SPDX-License-Identifier: MIT */
/* EL1 exception vectors of the test guests: every entry saves x0-x30, ELR and SPSR in a
 * struct exc_frame (exception.h) on the stack and calls exc_handle(frame, kind); the handler
 * may change the frame (ELR to resume elsewhere), which is restored before the eret. */

#define FRAME_SIZE	272	/* sizeof(struct exc_frame), a multiple of 16 */
#define FRAME_ELR	248
#define FRAME_SPSR	256

	.macro	vector kind
	.balign	0x80
	sub	sp, sp, #FRAME_SIZE
	stp	x0, x1, [sp]
	mov	x1, #\kind
	b	exc_entry
	.endm

	.section .text.vectors, "ax"
	.balign	2048
	.globl	exc_vectors
exc_vectors:
	/* kind = 4 * source + type; source: EL1 with SP_EL0, EL1 with SP_EL1, lower EL AArch64,
	 * lower EL AArch32; type: sync, IRQ, FIQ, SError (Arm ARM D1.10.2). */
	.irp	kind, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15
	vector	\kind
	.endr

exc_entry:
	stp	x2, x3, [sp, #16]
	stp	x4, x5, [sp, #32]
	stp	x6, x7, [sp, #48]
	stp	x8, x9, [sp, #64]
	stp	x10, x11, [sp, #80]
	stp	x12, x13, [sp, #96]
	stp	x14, x15, [sp, #112]
	stp	x16, x17, [sp, #128]
	stp	x18, x19, [sp, #144]
	stp	x20, x21, [sp, #160]
	stp	x22, x23, [sp, #176]
	stp	x24, x25, [sp, #192]
	stp	x26, x27, [sp, #208]
	stp	x28, x29, [sp, #224]
	mrs	x2, elr_el1
	mrs	x3, spsr_el1
	stp	x30, x2, [sp, #240]
	str	x3, [sp, #FRAME_SPSR]

	mov	x0, sp
	bl	exc_handle

	ldr	x2, [sp, #FRAME_ELR]
	ldr	x3, [sp, #FRAME_SPSR]
	msr	elr_el1, x2
	msr	spsr_el1, x3
	ldp	x2, x3, [sp, #16]
	ldp	x4, x5, [sp, #32]
	ldp	x6, x7, [sp, #48]
	ldp	x8, x9, [sp, #64]
	ldp	x10, x11, [sp, #80]
	ldp	x12, x13, [sp, #96]
	ldp	x14, x15, [sp, #112]
	ldp	x16, x17, [sp, #128]
	ldp	x18, x19, [sp, #144]
	ldp	x20, x21, [sp, #160]
	ldp	x22, x23, [sp, #176]
	ldp	x24, x25, [sp, #192]
	ldp	x26, x27, [sp, #208]
	ldp	x28, x29, [sp, #224]
	ldr	x30, [sp, #240]
	ldp	x0, x1, [sp]
	add	sp, sp, #FRAME_SIZE
	eret

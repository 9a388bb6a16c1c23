/* SPDX-License-Identifier: MIT */
/* EL2 exception vectors. An exception from EL2 itself is unexpected: it saves the full
 * register frame and calls el2_exception(frame, kind). One from a guest (lower EL) is a vCPU
 * exit and goes to the world switch (hal/aarch64/world_switch.S). */
#include "layout.h"

/* kind: (vector group << 2) | type, with type 0 sync, 1 IRQ, 2 FIQ, 3 SError and group
 * 0 current EL with SP_EL0, 1 current EL with SP_ELx, 2 lower EL AArch64, 3 lower EL AArch32. */
.macro vector kind
	.balign	0x80
	sub	sp, sp, #FRAME_SIZE
	stp	x0, x1, [sp, #(FRAME_X0 * 8)]
	mov	x1, #\kind
	b	save_frame
.endm

/* From a guest: hand the exit to the world switch with x1 = enum hal_exit_kind. */
.macro guest_vector type
	.balign	0x80
	stp	x0, x1, [sp, #-16]!
	mov	x1, #\type
	b	guest_exit
.endm

	.section .text.vectors, "ax"
	.balign	0x800
	.globl	el2_vectors
el2_vectors:
	vector	0
	vector	1
	vector	2
	vector	3
	vector	4
	vector	5
	vector	6
	vector	7
	guest_vector 0
	guest_vector 1
	guest_vector 2
	guest_vector 3
	guest_vector 0
	guest_vector 1
	guest_vector 2
	guest_vector 3

save_frame:
	stp	x2, x3, [sp, #(2 * 8)]
	stp	x4, x5, [sp, #(4 * 8)]
	stp	x6, x7, [sp, #(6 * 8)]
	stp	x8, x9, [sp, #(8 * 8)]
	stp	x10, x11, [sp, #(10 * 8)]
	stp	x12, x13, [sp, #(12 * 8)]
	stp	x14, x15, [sp, #(14 * 8)]
	stp	x16, x17, [sp, #(16 * 8)]
	stp	x18, x19, [sp, #(18 * 8)]
	stp	x20, x21, [sp, #(20 * 8)]
	stp	x22, x23, [sp, #(22 * 8)]
	stp	x24, x25, [sp, #(24 * 8)]
	stp	x26, x27, [sp, #(26 * 8)]
	stp	x28, x29, [sp, #(28 * 8)]
	add	x2, sp, #FRAME_SIZE
	stp	x30, x2, [sp, #(30 * 8)]
	mrs	x2, elr_el2
	mrs	x3, spsr_el2
	stp	x2, x3, [sp, #(FRAME_ELR * 8)]
	mrs	x2, esr_el2
	mrs	x3, far_el2
	stp	x2, x3, [sp, #(FRAME_ESR * 8)]
	mov	x0, sp
	bl	el2_exception
	/* el2_exception() does not return for the exceptions that exist today. */
	msr	daifset, #0xf
1:	wfi
	b	1b

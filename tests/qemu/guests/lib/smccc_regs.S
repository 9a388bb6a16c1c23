/* SPDX-License-Identifier: MIT */
/* uint64_t smccc_clobbered_regs(uint64_t fid, enum smccc_conduit conduit): SMCCC 1.1 says a
 * call preserves x18-x30 and SP. Fill them with known values, make the call (x1-x3 = 0), and
 * return a mask of those that changed (bit n: xn, bit 31: SP). */

/* A value no call would produce by accident, distinct per register. */
	.macro	pattern reg, n
	movz	\reg, #0xa5c3, lsl #48
	movk	\reg, #0x5a3c, lsl #32
	movk	\reg, #\n
	.endm

	.text
	.globl	smccc_clobbered_regs
smccc_clobbered_regs:
	stp	x29, x30, [sp, #-112]!
	stp	x18, x19, [sp, #16]
	stp	x20, x21, [sp, #32]
	stp	x22, x23, [sp, #48]
	stp	x24, x25, [sp, #64]
	stp	x26, x27, [sp, #80]
	str	x28, [sp, #96]
	adrp	x9, saved_sp
	mov	x10, sp
	str	x10, [x9, :lo12:saved_sp]

	mov	x9, x1			/* conduit */
	mov	x1, xzr
	mov	x2, xzr
	mov	x3, xzr
	.irp	n, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30
	pattern	x\n, \n
	.endr
	cbnz	x9, 1f
	hvc	#0
	b	2f
1:	smc	#0
2:
	mov	x0, xzr
	.irp	n, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30
	pattern	x1, \n
	cmp	x\n, x1
	b.eq	3f
	orr	x0, x0, #(1 << \n)
3:
	.endr
	adrp	x9, saved_sp
	ldr	x9, [x9, :lo12:saved_sp]
	mov	x10, sp
	cmp	x10, x9
	b.eq	4f
	orr	x0, x0, #(1 << 31)
	mov	sp, x9			/* unwind from the frame we know is right */
4:
	ldp	x18, x19, [sp, #16]
	ldp	x20, x21, [sp, #32]
	ldp	x22, x23, [sp, #48]
	ldp	x24, x25, [sp, #64]
	ldp	x26, x27, [sp, #80]
	ldr	x28, [sp, #96]
	ldp	x29, x30, [sp], #112
	ret

	.bss
	.balign	8
saved_sp:
	.quad	0

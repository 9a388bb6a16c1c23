/* SPDX-License-Identifier: MIT */
/* el0_enter() / el0_leave() (el0.h): the EL1 side of a call to EL0. el0_enter saves the
 * callee-saved registers, SP and DAIF, and ERETs; el0_leave, called from the exception handler
 * on the way back (its frame is dropped), restores them and returns from el0_enter. */

#define CTX_X19		0
#define CTX_SP		96	/* after x19-x30 */
#define CTX_DAIF	104
#define CTX_SIZE	112

	.section .bss.el0_ctx, "aw", %nobits
	.balign	16
el0_ctx:
	.space	CTX_SIZE

	.section .text.el0_entry, "ax"
	.globl	el0_enter
el0_enter:
	adrp	x9, el0_ctx
	add	x9, x9, :lo12:el0_ctx
	stp	x19, x20, [x9, #CTX_X19]
	stp	x21, x22, [x9, #CTX_X19 + 16]
	stp	x23, x24, [x9, #CTX_X19 + 32]
	stp	x25, x26, [x9, #CTX_X19 + 48]
	stp	x27, x28, [x9, #CTX_X19 + 64]
	stp	x29, x30, [x9, #CTX_X19 + 80]
	mov	x10, sp
	mrs	x11, daif
	stp	x10, x11, [x9, #CTX_SP]

	msr	sp_el0, x3
	msr	elr_el1, x0
	msr	spsr_el1, x2
	mov	x0, x1
	adr	x30, el0_return	/* fn's return: its result is in x0 */
	mov	x29, xzr
	isb
	eret

	/* Runs at EL0. */
el0_return:
	svc	#0		/* EL0_SVC_EXIT */
	b	el0_return

	.globl	el0_leave
el0_leave:
	adrp	x9, el0_ctx
	add	x9, x9, :lo12:el0_ctx
	ldp	x19, x20, [x9, #CTX_X19]
	ldp	x21, x22, [x9, #CTX_X19 + 16]
	ldp	x23, x24, [x9, #CTX_X19 + 32]
	ldp	x25, x26, [x9, #CTX_X19 + 48]
	ldp	x27, x28, [x9, #CTX_X19 + 64]
	ldp	x29, x30, [x9, #CTX_X19 + 80]
	ldp	x10, x11, [x9, #CTX_SP]
	mov	sp, x10
	msr	daif, x11
	isb
	ret

/* SPDX-License-Identifier: MIT */
/* Secondary vCPU entries of the hostile suite and the instruction runner (see hostile.h). */

	.text
/* PSCI CPU_ON entry of the victim: x0 = the top of its stack (the context argument). */
	.globl	victim_entry
victim_entry:
	msr	daifset, #0xf
	msr	SPSel, #1
	mov	sp, x0
	adrp	x1, exc_vectors
	add	x1, x1, :lo12:exc_vectors
	msr	vbar_el1, x1
	isb
	mov	x29, xzr
	mov	x30, xzr
	bl	victim_main
1:	wfi
	b	1b

/* CPU_ON entry of the storm vCPU: turn itself off at once (PSCI CPU_OFF), no stack needed. */
	.globl	storm_entry
storm_entry:
	movz	x0, #0x0002
	movk	x0, #0x8400, lsl #16
	hvc	#0
2:	wfi
	b	2b

/* void hostile_exec(const uint32_t *stub, uint64_t regs[4]): x0-x3 from regs, call the stub,
 * regs from x0-x3 afterwards. A fault in the stub resumes at the return address (x30), which
 * lib/exception.c's default rule does for faults outside the image's text. */
	.globl	hostile_exec
hostile_exec:
	stp	x29, x30, [sp, #-32]!
	mov	x29, sp
	str	x19, [sp, #16]
	mov	x19, x1
	mov	x9, x0
	ldp	x0, x1, [x19]
	ldp	x2, x3, [x19, #16]
	blr	x9
	stp	x0, x1, [x19]
	stp	x2, x3, [x19, #16]
	ldr	x19, [sp, #16]
	ldp	x29, x30, [sp], #32
	ret

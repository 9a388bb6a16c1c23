/* SPDX-License-Identifier: MIT */
/* Where a guest's sibling vCPU starts from PSCI CPU_ON (entry.h): EL1h, MMU off, x0 = the top
 * of its stack. It takes the guest's exception vectors and calls the guest's sibling_main(),
 * then waits in WFI for good. sibling_main is weak: guests without siblings link without it. */
	.weak	sibling_main
	.section .text.sibling_start, "ax"
	.globl	sibling_start
sibling_start:
	msr	daifset, #0xf
	msr	spsel, #1
	mov	sp, x0
	adrp	x1, exc_vectors
	add	x1, x1, :lo12:exc_vectors
	msr	vbar_el1, x1
	isb
	bl	sibling_main
1:	wfi
	b	1b

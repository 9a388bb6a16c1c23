/* SPDX-License-Identifier: MIT */
/* Image header and the first instructions of every CPU at EL2, before any C code. */
#include "layout.h"

	.section .text.head, "ax"
	.globl	_start
/* arm64 Linux boot protocol header (Documentation/arch/arm64/booting.rst): loaders that
 * accept a kernel `Image` accept the hypervisor. */
_start:
	b	primary_entry		/* code0 */
	.long	0			/* code1 */
	.quad	TARGET_TEXT_OFFSET	/* text_offset: load offset from a 2 MiB-aligned RAM base */
	.quad	_image_size		/* image_size: bytes to reserve, bss included */
	.quad	0x2			/* flags: little endian, 4 KiB pages, near the RAM base */
	.quad	0, 0, 0			/* res2..res4 */
	.ascii	"ARM\x64"		/* magic */
	.long	0			/* res5 */

/* Boot CPU: x0 = physical address of the host DTB, MMU and caches off. */
primary_entry:
	mov	x19, x0
	mrs	x1, CurrentEL
	cmp	x1, #(2 << 2)
	b.ne	wrong_el

	/* Zero .bss (which holds the stacks) before anything lives there. */
	adrp	x1, __bss_start
	add	x1, x1, :lo12:__bss_start
	adrp	x2, __bss_end
	add	x2, x2, :lo12:__bss_end
1:	cmp	x1, x2
	b.hs	2f
	str	xzr, [x1], #8
	b	1b
2:
	mov	x0, #0
	bl	cpu_setup
	mov	x29, xzr		/* end of the frame chain for debuggers */
	mov	x0, x19
	bl	hv_main
	b	halt

/* Secondary CPUs, started by PSCI CPU_ON: x0 = the context id = our pCPU index. */
	.globl	secondary_entry
secondary_entry:
	mov	x19, x0
	cmp	x19, #TARGET_MAX_CPUS
	b.hs	halt
	bl	cpu_setup
	mov	x29, xzr
	mov	x0, x19
	bl	secondary_main
	b	halt

/* cpu_setup(x0 = pCPU index): TPIDR_EL2 = index, SP = top of the CPU's stack, EL2 vectors. */
cpu_setup:
	msr	tpidr_el2, x0
	adrp	x1, pcpu_stacks
	add	x1, x1, :lo12:pcpu_stacks
	add	x2, x0, #1
	mov	x3, #TARGET_STACK_SIZE
	madd	x1, x2, x3, x1
	mov	sp, x1
	adrp	x1, el2_vectors
	add	x1, x1, :lo12:el2_vectors
	msr	vbar_el2, x1
	isb
	ret

/* Not at EL2: there is nothing a hypervisor can do; stop quietly. */
wrong_el:
halt:
	msr	daifset, #0xf
3:	wfi
	b	3b

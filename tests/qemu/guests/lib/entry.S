/* SPDX-License-Identifier: MIT */
/* Image header and entry of every test guest: save the boot state, stack, bss, vectors, then
 * main() and guest_finish(). Entered at EL1h with the MMU off (docs/guest-abi.md, "Board"). */
#include "board.h"

	.section .text.head, "ax"
	.globl	_start
/* arm64 Linux boot protocol header (Documentation/arch/arm64/booting.rst): the hypervisor and
 * plain QEMU -kernel both place the image at a 2 MiB-aligned RAM base + text_offset, which is
 * the link address. */
_start:
	b	entry			/* code0 */
	.long	0			/* code1 */
	.quad	GUEST_TEXT_OFFSET	/* text_offset */
	.quad	_image_size		/* image_size: bytes to reserve, bss included */
	.quad	0x2			/* flags: little endian, 4 KiB pages, near the RAM base */
	.quad	0, 0, 0			/* res2..res4 */
	.ascii	"ARM\x64"		/* magic */
	.long	0			/* res5 */

entry:
	/* struct boot_state (entry.h) lives in .data, so zeroing bss below keeps it. */
	adrp	x9, boot_state
	add	x9, x9, :lo12:boot_state
	stp	x0, x1, [x9]
	stp	x2, x3, [x9, #16]
	mrs	x10, daif
	mrs	x11, CurrentEL
	stp	x10, x11, [x9, #32]
	mrs	x10, SPSel
	mrs	x11, sctlr_el1
	stp	x10, x11, [x9, #48]
	adr	x10, _start
	str	x10, [x9, #64]

	msr	daifset, #0xf
	msr	SPSel, #1
	adrp	x1, guest_stack
	add	x1, x1, :lo12:guest_stack
	add	sp, x1, #GUEST_STACK_SIZE

	adrp	x1, __bss_start
	add	x1, x1, :lo12:__bss_start
	adrp	x2, __bss_end
	add	x2, x2, :lo12:__bss_end
1:	cmp	x1, x2
	b.hs	2f
	str	xzr, [x1], #8
	b	1b
2:
	adrp	x1, exc_vectors
	add	x1, x1, :lo12:exc_vectors
	msr	vbar_el1, x1
	isb

	mov	x29, xzr		/* end of the frame chain for debuggers */
	mov	x30, xzr
	bl	main
	bl	guest_finish		/* does not return */
3:	wfi
	b	3b

	.section .data.boot_state, "aw"
	.balign	8
	.globl	boot_state
boot_state:
	.fill	9, 8, 0

/* guest.ld puts this section last in .data: the final word of the loaded image. */
	.section .image_end, "aw"
	.balign	8
	.globl	image_end_marker
image_end_marker:
	.quad	0x1e5c0de5e7a11ed5	/* IMAGE_END_MAGIC (entry.h) */

	.section .bss.stack, "aw", %nobits
	.balign	16
guest_stack:
	.space	GUEST_STACK_SIZE

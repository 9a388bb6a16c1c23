/* SPDX-License-Identifier: MIT */
/* The world switch (hal/vcpu.h): hal_vcpu_enter() loads a vCPU's general-purpose registers,
 * PC and PSTATE and ERETs to it; the lower-EL vectors (target/vectors.S) come back through
 * guest_exit, which saves them and returns to hal_vcpu_enter()'s caller. EL1 system registers
 * are not touched here (hal/aarch64/vcpu.c loads them once per vCPU switch). */

/* VCPU_CTX_*: offsets in struct hal_vcpu_ctx, generated from the struct (offsets.c). */
#include "hal_offsets.h"

/* Register xN of the context. */
#define CTX_X(n) (VCPU_CTX_X + (n) * 8)

/* Host frame below the context pointer: x19..x30 (callee-saved) and the ctx pointer. */
#define HOST_FRAME 112

	.text
/* enum hal_exit_kind hal_vcpu_enter(struct hal_vcpu_ctx *ctx) */
	.globl	hal_vcpu_enter
hal_vcpu_enter:
	sub	sp, sp, #HOST_FRAME
	stp	x19, x20, [sp, #0]
	stp	x21, x22, [sp, #16]
	stp	x23, x24, [sp, #32]
	stp	x25, x26, [sp, #48]
	stp	x27, x28, [sp, #64]
	stp	x29, x30, [sp, #80]
	/* The exit path finds the context at the top of the EL2 stack. */
	str	x0, [sp, #96]

	ldp	x1, x2, [x0, #VCPU_CTX_PC]
	msr	elr_el2, x1
	msr	spsr_el2, x2
	ldp	x2, x3, [x0, #CTX_X(2)]
	ldp	x4, x5, [x0, #CTX_X(4)]
	ldp	x6, x7, [x0, #CTX_X(6)]
	ldp	x8, x9, [x0, #CTX_X(8)]
	ldp	x10, x11, [x0, #CTX_X(10)]
	ldp	x12, x13, [x0, #CTX_X(12)]
	ldp	x14, x15, [x0, #CTX_X(14)]
	ldp	x16, x17, [x0, #CTX_X(16)]
	ldp	x18, x19, [x0, #CTX_X(18)]
	ldp	x20, x21, [x0, #CTX_X(20)]
	ldp	x22, x23, [x0, #CTX_X(22)]
	ldp	x24, x25, [x0, #CTX_X(24)]
	ldp	x26, x27, [x0, #CTX_X(26)]
	ldp	x28, x29, [x0, #CTX_X(28)]
	ldr	x30, [x0, #CTX_X(30)]
	ldp	x0, x1, [x0, #CTX_X(0)]
	eret
	/* Never reached: stop straight-line speculation past the ERET. */
	dsb	nsh
	isb

/* Entered from a lower-EL vector with the guest's x0 and x1 pushed on the EL2 stack and
 * x1 = exit kind. SP is back where hal_vcpu_enter() left it, minus those 16 bytes. */
	.globl	guest_exit
guest_exit:
	ldr	x0, [sp, #(16 + 96)]		/* ctx */
	stp	x2, x3, [x0, #CTX_X(2)]
	stp	x4, x5, [x0, #CTX_X(4)]
	stp	x6, x7, [x0, #CTX_X(6)]
	stp	x8, x9, [x0, #CTX_X(8)]
	stp	x10, x11, [x0, #CTX_X(10)]
	stp	x12, x13, [x0, #CTX_X(12)]
	stp	x14, x15, [x0, #CTX_X(14)]
	stp	x16, x17, [x0, #CTX_X(16)]
	stp	x18, x19, [x0, #CTX_X(18)]
	stp	x20, x21, [x0, #CTX_X(20)]
	stp	x22, x23, [x0, #CTX_X(22)]
	stp	x24, x25, [x0, #CTX_X(24)]
	stp	x26, x27, [x0, #CTX_X(26)]
	stp	x28, x29, [x0, #CTX_X(28)]
	str	x30, [x0, #CTX_X(30)]
	ldp	x2, x3, [sp], #16		/* guest x0, x1 */
	stp	x2, x3, [x0, #CTX_X(0)]
	mrs	x2, elr_el2
	mrs	x3, spsr_el2
	stp	x2, x3, [x0, #VCPU_CTX_PC]
	mrs	x2, esr_el2
	mrs	x3, far_el2
	stp	x2, x3, [x0, #VCPU_CTX_ESR]
	mrs	x2, hpfar_el2
	str	x2, [x0, #VCPU_CTX_HPFAR]

	mov	x0, x1				/* return the exit kind */
	ldp	x19, x20, [sp, #0]
	ldp	x21, x22, [sp, #16]
	ldp	x23, x24, [sp, #32]
	ldp	x25, x26, [sp, #48]
	ldp	x27, x28, [sp, #64]
	ldp	x29, x30, [sp, #80]
	add	sp, sp, #HOST_FRAME
	ret

/* SPDX-License-Identifier: MIT */
/* The world switch (hal/vcpu.h): hal_vcpu_enter() loads a vCPU's general-purpose registers, PC and PSTATE
 * and ERETs to it; the lower-EL vectors (target/vectors.S) come back through guest_exit,
 * which saves them and returns to hal_vcpu_enter()'s caller. EL1 system registers are not
 * touched here (hal/aarch64/vcpu.c loads them once per vCPU switch). */

/* struct hal_vcpu_ctx (hal/vcpu.h): x0..x30, pc, pstate, esr, far, hpfar. */
#define CTX_PC (31 * 8)
#define CTX_PSTATE (32 * 8)
#define CTX_ESR (33 * 8)
#define CTX_FAR (34 * 8)
#define CTX_HPFAR (35 * 8)

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

	ldp	x1, x2, [x0, #CTX_PC]
	msr	elr_el2, x1
	msr	spsr_el2, x2
	ldp	x2, x3, [x0, #16]
	ldp	x4, x5, [x0, #32]
	ldp	x6, x7, [x0, #48]
	ldp	x8, x9, [x0, #64]
	ldp	x10, x11, [x0, #80]
	ldp	x12, x13, [x0, #96]
	ldp	x14, x15, [x0, #112]
	ldp	x16, x17, [x0, #128]
	ldp	x18, x19, [x0, #144]
	ldp	x20, x21, [x0, #160]
	ldp	x22, x23, [x0, #176]
	ldp	x24, x25, [x0, #192]
	ldp	x26, x27, [x0, #208]
	ldp	x28, x29, [x0, #224]
	ldr	x30, [x0, #240]
	ldp	x0, x1, [x0, #0]
	eret
	/* Never reached: stop straight-line speculation past the ERET. */
	dsb	nsh
	isb

/* Entered from a lower-EL vector with the guest's x0 and x1 pushed on the EL2 stack and
 * x1 = exit kind. SP is back where hal_vcpu_enter() left it, minus those 16 bytes. */
	.globl	guest_exit
guest_exit:
	ldr	x0, [sp, #(16 + 96)]		/* ctx */
	stp	x2, x3, [x0, #16]
	stp	x4, x5, [x0, #32]
	stp	x6, x7, [x0, #48]
	stp	x8, x9, [x0, #64]
	stp	x10, x11, [x0, #80]
	stp	x12, x13, [x0, #96]
	stp	x14, x15, [x0, #112]
	stp	x16, x17, [x0, #128]
	stp	x18, x19, [x0, #144]
	stp	x20, x21, [x0, #160]
	stp	x22, x23, [x0, #176]
	stp	x24, x25, [x0, #192]
	stp	x26, x27, [x0, #208]
	stp	x28, x29, [x0, #224]
	str	x30, [x0, #240]
	ldp	x2, x3, [sp], #16		/* guest x0, x1 */
	stp	x2, x3, [x0, #0]
	mrs	x2, elr_el2
	mrs	x3, spsr_el2
	stp	x2, x3, [x0, #CTX_PC]
	mrs	x2, esr_el2
	mrs	x3, far_el2
	stp	x2, x3, [x0, #CTX_ESR]
	mrs	x2, hpfar_el2
	str	x2, [x0, #CTX_HPFAR]

	mov	x0, x1				/* return the exit kind */
	ldp	x19, x20, [sp, #0]
	ldp	x21, x22, [sp, #16]
	ldp	x23, x24, [sp, #32]
	ldp	x25, x26, [sp, #48]
	ldp	x27, x28, [sp, #64]
	ldp	x29, x30, [sp, #80]
	add	sp, sp, #HOST_FRAME
	ret

/* SPDX-License-Identifier: MIT */
/* SVE state of a vCPU (struct hal_sve, hal/include/hal/vcpu.h): FPSR, FPCR and ZCR_EL1 at 0, 8
 * and 16, Z0-Z31 from 32 one vector length (VL) apart, then P0-P15 and FFR one VL/8 apart from
 * 32 + 32 * HAL_SVE_MAX_VL. The VL is the one ZCR_EL2 gives EL2, which is the largest any
 * guest can have (hal/aarch64/vcpu_fp.c). Called with CPTR_EL2.TZ and TFP clear. Only these
 * routines and fpsimd.S touch these registers at EL2 (tools/check-no-fp.sh). */
	.arch	armv8.2-a+sve
	.text

#define SVE_Z	32
#define SVE_P	(32 + 32 * 64)	/* HAL_SVE_MAX_VL = 64 bytes */

/* void hal_sve_save(struct hal_sve *st) */
	.globl	hal_sve_save
hal_sve_save:
	mrs	x1, fpsr
	mrs	x2, fpcr
	mrs	x3, S3_0_C1_C2_0		/* ZCR_EL1 */
	stp	x1, x2, [x0]
	str	x3, [x0, #16]
	add	x1, x0, #SVE_Z
	.irp	n,0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
	str	z\n, [x1, #\n, MUL VL]
	.endr
	add	x1, x0, #SVE_P
	.irp	n,0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15
	str	p\n, [x1, #\n, MUL VL]
	.endr
	rdffr	p0.b
	str	p0, [x1, #16, MUL VL]
	/* The registers keep holding this vCPU's values (the pCPU may hand them back without a
	 * load): P0 again, not FFR. */
	ldr	p0, [x1, #0, MUL VL]
	ret

/* void hal_sve_load(const struct hal_sve *st) */
	.globl	hal_sve_load
hal_sve_load:
	ldp	x1, x2, [x0]
	ldr	x3, [x0, #16]
	msr	fpsr, x1
	msr	fpcr, x2
	msr	S3_0_C1_C2_0, x3		/* ZCR_EL1 */
	add	x1, x0, #SVE_P
	ldr	p0, [x1, #16, MUL VL]
	wrffr	p0.b
	.irp	n,0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15
	ldr	p\n, [x1, #\n, MUL VL]
	.endr
	add	x1, x0, #SVE_Z
	.irp	n,0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
	ldr	z\n, [x1, #\n, MUL VL]
	.endr
	ret

/* uint64_t hal_sve_set_vl(uint64_t len): ZCR_EL2.LEN = len; the VL in bytes that gives EL2
 * (and every guest's upper bound): the largest the CPU implements up to (len + 1) * 16. */
	.globl	hal_sve_set_vl
hal_sve_set_vl:
	msr	S3_4_C1_C2_0, x0		/* ZCR_EL2 */
	isb
	rdvl	x0, #1
	ret

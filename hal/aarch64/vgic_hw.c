// SPDX-License-Identifier: MIT
/* The GICv3 virtual CPU interface registers (ICH_*_EL2, GICv3 spec 12.4): live access for the
 * loaded vCPU and save/restore at vCPU switch. Encodings are spelled out (op0_op1_Cn_Cm_op2)
 * because not every assembler knows the names. */
#include <hal/gicv3_regs.h>
#include <hal/vcpu.h>

#include "sysreg.h"
#include "vgic_hw.h"

#define LR_CASE(n, crm, op2) \
	case n:              \
		return read_sysreg(S3_4_C12_##crm##_##op2);
#define LR_WCASE(n, crm, op2)                              \
	case n:                                            \
		write_sysreg(S3_4_C12_##crm##_##op2, val); \
		break;
/* clang-format off */
/* ICH_LR<n>_EL2 = S3_4_C12_C12_<n> for n < 8, S3_4_C12_C13_<n-8> above. */
#define ALL_LRS(X)                                                                         \
	X(0, C12, 0) X(1, C12, 1) X(2, C12, 2) X(3, C12, 3)                                \
	X(4, C12, 4) X(5, C12, 5) X(6, C12, 6) X(7, C12, 7)                                \
	X(8, C13, 0) X(9, C13, 1) X(10, C13, 2) X(11, C13, 3)                              \
	X(12, C13, 4) X(13, C13, 5) X(14, C13, 6) X(15, C13, 7)
/* clang-format on */

static uint64_t lr_get(unsigned n)
{
	switch (n) {
		ALL_LRS(LR_CASE)
	default:
		return 0;
	}
}

static void lr_set(unsigned n, uint64_t val)
{
	switch (n) {
		ALL_LRS(LR_WCASE)
	default:
		break;
	}
}

#define AP_CASE(n, crm) \
	case n:         \
		return read_sysreg(S3_4_C12_##crm##_##n);
#define AP_WCASE(n, crm)                                 \
	case n:                                          \
		write_sysreg(S3_4_C12_##crm##_##n, val); \
		break;

/* ICH_AP0R<n>_EL2 = S3_4_C12_C8_<n>, ICH_AP1R<n>_EL2 = S3_4_C12_C9_<n>. */
static uint64_t ap_get(unsigned group, unsigned n)
{
	if (group == 0) {
		switch (n) {
			AP_CASE(0, C8) AP_CASE(1, C8) AP_CASE(2, C8) AP_CASE(3, C8)
		}
	} else {
		switch (n) {
			AP_CASE(0, C9) AP_CASE(1, C9) AP_CASE(2, C9) AP_CASE(3, C9)
		}
	}
	return 0;
}

static void ap_set(unsigned group, unsigned n, uint64_t val)
{
	if (group == 0) {
		switch (n) {
			AP_WCASE(0, C8) AP_WCASE(1, C8) AP_WCASE(2, C8) AP_WCASE(3, C8)
		}
	} else {
		switch (n) {
			AP_WCASE(0, C9) AP_WCASE(1, C9) AP_WCASE(2, C9) AP_WCASE(3, C9)
		}
	}
}

unsigned hal_vgic_nr_lrs(void)
{
	return (unsigned)(read_sysreg(S3_4_C12_C11_1) & ICH_VTR_LISTREGS_MASK) + 1;
}

bool hal_vgic_can_trap_dir(void)
{
	return read_sysreg(S3_4_C12_C11_1) & ICH_VTR_TDS;
}

unsigned hal_vgic_pri_bits(void)
{
	return (unsigned)((read_sysreg(S3_4_C12_C11_1) >> ICH_VTR_PRIBITS_SHIFT) &
			  ICH_VTR_PRIBITS_MASK) +
	       1;
}

/* Active priority registers: one per 32 preemption levels (GICv3 12.4.1). */
static unsigned nr_apr(void)
{
	unsigned bits = hal_vgic_pri_bits();

	return bits >= 7 ? 4 : bits == 6 ? 2 : 1;
}

uint64_t hal_vgic_lr_read(struct hal_vcpu_ctx *ctx, unsigned n)
{
	return lr_get(n);
}

void hal_vgic_lr_write(struct hal_vcpu_ctx *ctx, unsigned n, uint64_t val)
{
	lr_set(n, val);
}

uint64_t hal_vgic_hcr_read(struct hal_vcpu_ctx *ctx)
{
	return read_sysreg(S3_4_C12_C11_0);
}

void hal_vgic_hcr_write(struct hal_vcpu_ctx *ctx, uint64_t val)
{
	write_sysreg(S3_4_C12_C11_0, val);
}

uint64_t hal_vgic_vmcr(struct hal_vcpu_ctx *ctx)
{
	return read_sysreg(S3_4_C12_C11_7);
}

uint64_t hal_vgic_misr(struct hal_vcpu_ctx *ctx)
{
	return read_sysreg(S3_4_C12_C11_2);
}

uint64_t hal_vgic_eisr(struct hal_vcpu_ctx *ctx)
{
	return read_sysreg(S3_4_C12_C11_3);
}

uint64_t hal_vgic_elrsr(struct hal_vcpu_ctx *ctx)
{
	return read_sysreg(S3_4_C12_C11_5);
}

/* Straight-line save and load of the first `lrs` list registers: a vCPU switch touches each LR
 * with one instruction, where a loop over lr_get()/lr_set() paid a jump table per register
 * (docs/trap-path.md). Cases fall through from the highest LR down. */
#define LR_SAVE_CASE(n, crm, op2)                               \
	case n + 1:                                             \
		r->lr[n] = read_sysreg(S3_4_C12_##crm##_##op2); \
		__attribute__((fallthrough));
#define LR_LOAD_CASE(n, crm, op2)                               \
	case n + 1:                                             \
		write_sysreg(S3_4_C12_##crm##_##op2, r->lr[n]); \
		__attribute__((fallthrough));
/* clang-format off */
#define ALL_LRS_DOWN(X)                                                                    \
	X(15, C13, 7) X(14, C13, 6) X(13, C13, 5) X(12, C13, 4)                            \
	X(11, C13, 3) X(10, C13, 2) X(9, C13, 1) X(8, C13, 0)                              \
	X(7, C12, 7) X(6, C12, 6) X(5, C12, 5) X(4, C12, 4)                                \
	X(3, C12, 3) X(2, C12, 2) X(1, C12, 1) X(0, C12, 0)
/* clang-format on */

/* nr_apr() is at most 4; said again so the compiler knows the arrays are not overrun. */
#define MIN_APRS(n) ((n) < 4 ? (n) : 4u)

/* The LR and APR counts, read from ICH_VTR_EL2 once: every CPU of the machine is the same. */
static unsigned lrs_cached, aprs_cached;

static __attribute__((noinline)) void counts_read(void)
{
	aprs_cached = nr_apr();
	lrs_cached = hal_vgic_nr_lrs();
}

/* Inline: asked twice per vCPU switch. */
static inline void counts(unsigned *lrs, unsigned *aprs)
{
	if (!lrs_cached)
		counts_read();
	*lrs = lrs_cached;
	*aprs = aprs_cached;
}

void hal_vgic_load(const struct hal_vgic_regs *r)
{
	unsigned lrs, aprs;

	counts(&lrs, &aprs);
	switch (lrs) {
		ALL_LRS_DOWN(LR_LOAD_CASE)
	default:
		break;
	}
	for (unsigned n = 0; n < MIN_APRS(aprs); n++) {
		ap_set(0, n, r->ap0r[n]);
		ap_set(1, n, r->ap1r[n]);
	}
	write_sysreg(S3_4_C12_C11_7, r->vmcr);
	write_sysreg(S3_4_C12_C11_0, r->hcr);
}

void hal_vgic_save(struct hal_vgic_regs *r)
{
	unsigned lrs, aprs;

	counts(&lrs, &aprs);
	r->hcr = read_sysreg(S3_4_C12_C11_0);
	r->vmcr = read_sysreg(S3_4_C12_C11_7);
	switch (lrs) {
		ALL_LRS_DOWN(LR_SAVE_CASE)
	default:
		break;
	}
	for (unsigned n = 0; n < MIN_APRS(aprs); n++) {
		r->ap0r[n] = ap_get(0, n);
		r->ap1r[n] = ap_get(1, n);
	}
	/* No virtual interrupt may reach whatever runs next at EL1: with ICH_HCR_EL2.En clear the
	 * virtual CPU interface signals nothing, whatever the LRs still hold (the next vCPU's load
	 * writes every one of them). */
	write_sysreg(S3_4_C12_C11_0, 0);
}

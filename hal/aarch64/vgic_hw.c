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

/* Always inline: the live accessors below must stay one jump table and one MRS/MSR. */
static inline __attribute__((always_inline)) uint64_t lr_get(unsigned n)
{
	switch (n) {
		ALL_LRS(LR_CASE)
	default:
		return 0;
	}
}

static inline __attribute__((always_inline)) void lr_set(unsigned n, uint64_t val)
{
	switch (n) {
		ALL_LRS(LR_WCASE)
	default:
		break;
	}
}

#define AP_WCASE(n, crm)                                 \
	case n:                                          \
		write_sysreg(S3_4_C12_##crm##_##n, val); \
		break;

/* ICH_AP0R<n>_EL2 = S3_4_C12_C8_<n>, ICH_AP1R<n>_EL2 = S3_4_C12_C9_<n>. */
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

/* ICH_ELRSR_EL2 (S3_4_C12_C11_5): bit n set when LR<n> holds no state and can raise nothing
 * (State 0b00, and HW 1 or EOI 0; GICv3 12.4.6). */
static inline uint64_t lrs_holding_state(unsigned lrs)
{
	return ~read_sysreg(S3_4_C12_C11_5) & ((1ULL << lrs) - 1);
}

/* Between two vCPUs every list register of the pCPU holds no state: cleared once at boot
 * (hal_vgic_cpu_reset()) and again by each save for the ones it kept. So a switch moves only
 * the list registers that hold state, `live`, and a vCPU switched out with none (the core
 * folds them back into its interrupt state at every exit, core/vgic_lr.c) moves none. A list
 * register without state is architecturally inert (the guest cannot read list registers):
 * it comes back as 0. Out of line: the common switch never gets here. */
static __attribute__((noinline)) void save_live(struct hal_vgic_regs *r, uint64_t live)
{
	for (; live; live &= live - 1) {
		unsigned n = (unsigned)__builtin_ctzll(live);

		r->lr[n] = lr_get(n);
		lr_set(n, 0);
	}
}

static __attribute__((noinline)) void load_live(const struct hal_vgic_regs *r)
{
	for (uint64_t live = r->lr_live; live; live &= live - 1) {
		unsigned n = (unsigned)__builtin_ctzll(live);

		lr_set(n, r->lr[n]);
	}
}

/* Active priority registers, straight line: 1, 2 or 4 of each group (nr_apr()). */
#define AP_SAVE(n)                                 \
	r->ap0r[n] = read_sysreg(S3_4_C12_C8_##n); \
	r->ap1r[n] = read_sysreg(S3_4_C12_C9_##n);
#define AP_LOAD(n)                                 \
	write_sysreg(S3_4_C12_C8_##n, r->ap0r[n]); \
	write_sysreg(S3_4_C12_C9_##n, r->ap1r[n]);

void hal_vgic_cpu_reset(void)
{
	unsigned lrs, aprs;

	counts(&lrs, &aprs);
	write_sysreg(S3_4_C12_C11_0, 0);
	for (unsigned n = 0; n < lrs; n++)
		lr_set(n, 0);
	for (unsigned n = 0; n < MIN_APRS(aprs); n++) {
		ap_set(0, n, 0);
		ap_set(1, n, 0);
	}
}

void hal_vgic_load(const struct hal_vgic_regs *r)
{
	unsigned lrs, aprs;

	counts(&lrs, &aprs);
	if (r->lr_live)
		load_live(r);
	switch (aprs) {
	case 4:
		AP_LOAD(3)
		AP_LOAD(2)
		__attribute__((fallthrough));
	case 2:
		AP_LOAD(1)
		__attribute__((fallthrough));
	default:
		AP_LOAD(0)
	}
	write_sysreg(S3_4_C12_C11_7, r->vmcr);
	write_sysreg(S3_4_C12_C11_0, r->hcr);
}

void hal_vgic_save(struct hal_vgic_regs *r)
{
	unsigned lrs, aprs;
	uint64_t live;

	counts(&lrs, &aprs);
	r->hcr = read_sysreg(S3_4_C12_C11_0);
	r->vmcr = read_sysreg(S3_4_C12_C11_7);
	live = lrs_holding_state(lrs);
	r->lr_live = live;
	if (live)
		save_live(r, live);
	switch (aprs) {
	case 4:
		AP_SAVE(3)
		AP_SAVE(2)
		__attribute__((fallthrough));
	case 2:
		AP_SAVE(1)
		__attribute__((fallthrough));
	default:
		AP_SAVE(0)
	}
	/* No virtual interrupt may reach whatever runs next at EL1: with ICH_HCR_EL2.En clear the
	 * virtual CPU interface signals nothing (and the list registers hold no state now). */
	write_sysreg(S3_4_C12_C11_0, 0);
}

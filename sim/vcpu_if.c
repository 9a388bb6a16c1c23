// SPDX-License-Identifier: MIT
/* The GICv3 virtual CPU interface as the hardware implements it over a vCPU's ICH_* registers:
 * what the guest's ICC_* accesses do once HCR_EL2.IMO/FMO route them to ICV_* (GICv3 IHI 0069,
 * chapter 12, pseudocode HighestPriorityVirtualInterrupt, CanSignalVirtualInt,
 * VirtualReadIAR, VirtualWriteEOIR, VirtualWriteDIR). See sim/include/sim/sim.h. */
#include <core/gicv3.h>
#include <core/lib.h>
#include <core/vgic.h>
#include <hal-sim/sim_hal.h>
#include <hal/gic.h>
#include <sim/sim.h>

#define LR_STATE_MASK 3ULL
#define PRIORITY_IDLE 0xff
#define NR_APRS	      4	    /* ICH_AP0R<n>/AP1R<n>_EL2, 32 bits each */
#define INTID_SPECIAL 1020u /* 1020-1023 are never acknowledged, EOId or deactivated */

static unsigned lr_state(uint64_t lr)
{
	return (unsigned)((lr >> ICH_LR_STATE_SHIFT) & LR_STATE_MASK);
}

static uint8_t lr_priority(uint64_t lr)
{
	return (uint8_t)(lr >> ICH_LR_PRIORITY_SHIFT);
}

static unsigned lr_group(uint64_t lr)
{
	return (lr & ICH_LR_GROUP) ? 1 : 0;
}

static uint32_t lr_vintid(uint64_t lr)
{
	return (uint32_t)(lr & ICH_LR_VINTID_MASK);
}

/* Active-priority bits per group priority: at most 7 preemption bits fit in four 32-bit
 * APRs; with the binary points at their minimum the implemented priority bits (up to 7) are
 * all group priority. */
static unsigned pre_bits(const struct sim_vif *vif)
{
	return MIN(vif->pri_bits, 7u);
}

static uint8_t group_priority(const struct sim_vif *vif, uint8_t priority)
{
	return (uint8_t)(priority & (0xff << (8 - pre_bits(vif))));
}

static uint64_t *aprs(const struct sim_vif *vif, unsigned group)
{
	return group ? vif->ctx->vgic.ap1r : vif->ctx->vgic.ap0r;
}

void sim_vif_init(struct sim_vif *vif, struct hal_vcpu_ctx *ctx)
{
	*vif = (struct sim_vif){.ctx = ctx};
	vif->nr_lrs = MIN(sim_hal.vgic_nr_lrs, (unsigned)HAL_VGIC_MAX_LRS);
	vif->pri_bits = sim_hal.vgic_pri_bits;
}

void sim_vif_set_pmr(struct sim_vif *vif, uint8_t pmr)
{
	uint64_t *vmcr = &vif->ctx->vgic.vmcr;
	uint8_t kept = (uint8_t)(pmr & (0xff << (8 - vif->pri_bits)));

	*vmcr &= ~(ICH_VMCR_VPMR_MASK << ICH_VMCR_VPMR_SHIFT);
	*vmcr |= (uint64_t)kept << ICH_VMCR_VPMR_SHIFT;
}

void sim_vif_set_grpen(struct sim_vif *vif, unsigned group, bool enable)
{
	uint64_t bit = group ? ICH_VMCR_VENG1 : ICH_VMCR_VENG0;

	if (enable)
		vif->ctx->vgic.vmcr |= bit;
	else
		vif->ctx->vgic.vmcr &= ~bit;
}

void sim_vif_set_eoimode(struct sim_vif *vif, bool split)
{
	if (split)
		vif->ctx->vgic.vmcr |= ICH_VMCR_VEOIM;
	else
		vif->ctx->vgic.vmcr &= ~ICH_VMCR_VEOIM;
}

static uint8_t vpmr(const struct sim_vif *vif)
{
	return (uint8_t)((vif->ctx->vgic.vmcr >> ICH_VMCR_VPMR_SHIFT) & ICH_VMCR_VPMR_MASK);
}

uint8_t sim_icv_rpr(const struct sim_vif *vif)
{
	for (unsigned i = 0; i < NR_APRS; i++) {
		uint32_t bits = (uint32_t)(vif->ctx->vgic.ap0r[i] | vif->ctx->vgic.ap1r[i]);

		if (bits)
			return (uint8_t)((i * 32 + (unsigned)__builtin_ctz(bits))
					 << (8 - pre_bits(vif)));
	}
	return PRIORITY_IDLE;
}

/* HighestPriorityVirtualInterrupt: the pending list register of the highest priority whose
 * group the guest enabled; the lowest-numbered one among equals (priority 0xff never wins). */
static int hppvi(const struct sim_vif *vif)
{
	uint64_t vmcr = vif->ctx->vgic.vmcr;
	uint8_t best = PRIORITY_IDLE;
	int idx = -1;

	for (unsigned n = 0; n < vif->nr_lrs; n++) {
		uint64_t lr = vif->ctx->vgic.lr[n];

		if (lr_state(lr) != ICH_LR_STATE_PENDING)
			continue;
		if (!(vmcr & (lr_group(lr) ? ICH_VMCR_VENG1 : ICH_VMCR_VENG0)))
			continue;
		if (lr_priority(lr) < best) {
			best = lr_priority(lr);
			idx = (int)n;
		}
	}
	return idx;
}

/* CanSignalVirtualInt: the interface is on, the priority is under the mask, and its group
 * priority beats the running priority. */
static bool can_signal(const struct sim_vif *vif, uint64_t lr)
{
	uint8_t rpr = sim_icv_rpr(vif);

	if (!(vif->ctx->vgic.hcr & ICH_HCR_EN) || lr_priority(lr) >= vpmr(vif))
		return false;
	return rpr == PRIORITY_IDLE || group_priority(vif, lr_priority(lr)) < rpr;
}

bool sim_vif_irq_signalled(const struct sim_vif *vif)
{
	int idx = hppvi(vif);

	return idx >= 0 && can_signal(vif, vif->ctx->vgic.lr[idx]);
}

bool sim_vif_maintenance(const struct sim_vif *vif)
{
	return (vif->ctx->vgic.hcr & ICH_HCR_EN) && hal_vgic_misr(vif->ctx) != 0;
}

uint32_t sim_icv_hppir(const struct sim_vif *vif, unsigned group)
{
	int idx = hppvi(vif);

	if (idx < 0 || lr_group(vif->ctx->vgic.lr[idx]) != group)
		return VGIC_SPURIOUS;
	return lr_vintid(vif->ctx->vgic.lr[idx]);
}

uint32_t sim_icv_iar(struct sim_vif *vif, unsigned group)
{
	int idx = hppvi(vif);
	uint64_t *lr;
	unsigned bit;

	if (idx < 0)
		return VGIC_SPURIOUS;
	lr = &vif->ctx->vgic.lr[idx];
	/* IAR1 does not acknowledge a Group 0 interrupt that is the highest, nor IAR0 a Group 1
	 * one: the guest reads the spurious INTID. */
	if (lr_group(*lr) != group || !can_signal(vif, *lr))
		return VGIC_SPURIOUS;
	if (lr_vintid(*lr) >= INTID_SPECIAL) {
		vif->unpredictable++; /* a hypervisor bug: nothing to take */
		return VGIC_SPURIOUS;
	}
	*lr &= ~(LR_STATE_MASK << ICH_LR_STATE_SHIFT);
	*lr |= ICH_LR_STATE_ACTIVE << ICH_LR_STATE_SHIFT;
	bit = group_priority(vif, lr_priority(*lr)) >> (8 - pre_bits(vif));
	aprs(vif, group)[bit / 32] |= BIT(bit % 32);
	return lr_vintid(*lr);
}

/* VPriorityDrop: clear the highest active priority (Group 0 first among equals) and return it,
 * or PRIORITY_IDLE if nothing was active. */
static uint8_t drop_priority(struct sim_vif *vif)
{
	for (unsigned i = 0; i < NR_APRS; i++) {
		uint64_t *a0 = &vif->ctx->vgic.ap0r[i], *a1 = &vif->ctx->vgic.ap1r[i];
		uint32_t b0 = (uint32_t)*a0, b1 = (uint32_t)*a1;
		unsigned c0 = b0 ? (unsigned)__builtin_ctz(b0) : 32;
		unsigned c1 = b1 ? (unsigned)__builtin_ctz(b1) : 32;

		if (!b0 && !b1)
			continue;
		if (c0 <= c1)
			*a0 &= *a0 - 1;
		else
			*a1 &= *a1 - 1;
		return (uint8_t)((i * 32 + MIN(c0, c1)) << (8 - pre_bits(vif)));
	}
	return PRIORITY_IDLE;
}

/* FindActiveVirtualInterrupt. */
static int find_active(const struct sim_vif *vif, uint32_t intid)
{
	for (unsigned n = 0; n < vif->nr_lrs; n++) {
		uint64_t lr = vif->ctx->vgic.lr[n];

		if ((lr_state(lr) & ICH_LR_STATE_ACTIVE) && lr_vintid(lr) == intid)
			return (int)n;
	}
	return -1;
}

/* ICH_HCR_EL2.EOIcount: "incremented whenever a successful write to a virtual EOIR or DIR
 * register would have resulted in a virtual interrupt deactivation" but found no list
 * register; it wraps at 32. */
static void count_eoi(struct sim_vif *vif)
{
	uint64_t *hcr = &vif->ctx->vgic.hcr;
	uint64_t count = (*hcr >> ICH_HCR_EOICOUNT_SHIFT) + 1;

	*hcr &= ~(ICH_HCR_EOICOUNT_MASK << ICH_HCR_EOICOUNT_SHIFT);
	*hcr |= (count & ICH_HCR_EOICOUNT_MASK) << ICH_HCR_EOICOUNT_SHIFT;
}

/* Active -> inactive, pending+active -> pending; HW=1 also ends the physical interrupt. */
static void deactivate(struct sim_vif *vif, unsigned n)
{
	uint64_t *lr = &vif->ctx->vgic.lr[n];

	if (*lr & ICH_LR_HW) {
		uint32_t pintid = (uint32_t)((*lr >> ICH_LR_PINTID_SHIFT) & ICH_LR_PINTID_MASK);

		if (vif->nr_hw_deactivated < SIM_VIF_LOG)
			vif->hw_deactivated[vif->nr_hw_deactivated] = pintid;
		vif->nr_hw_deactivated++;
		hal_gic_deactivate(pintid);
	}
	*lr &= ~(ICH_LR_STATE_ACTIVE << ICH_LR_STATE_SHIFT);
}

void sim_icv_eoir(struct sim_vif *vif, unsigned group, uint32_t intid)
{
	bool split = vif->ctx->vgic.vmcr & ICH_VMCR_VEOIM;
	uint8_t dropped;
	int n;

	if (intid >= INTID_SPECIAL)
		return;
	dropped = drop_priority(vif);
	if (dropped == PRIORITY_IDLE) {
		vif->unpredictable++; /* CONSTRAINED UNPREDICTABLE: the LRs are left alone */
		return;
	}
	n = find_active(vif, intid);
	if (n < 0) {
		/* Only a deactivating EOI counts, unless the model plays QEMU. */
		if (!split || vif->split_eoi_counts)
			count_eoi(vif);
		return;
	}
	/* EOImode 1: a priority drop, nothing else (QEMU compares the list register with the
	 * dropped priority only to decide on a deactivation it would not make). */
	if (split)
		return;
	/* Not the interrupt whose priority was dropped: UNPREDICTABLE; the hardware (and QEMU)
	 * then leaves the list register active. */
	if (lr_group(vif->ctx->vgic.lr[n]) != group ||
	    group_priority(vif, lr_priority(vif->ctx->vgic.lr[n])) != dropped) {
		vif->unpredictable++;
		return;
	}
	deactivate(vif, (unsigned)n);
}

bool sim_icv_dir(struct sim_vif *vif, uint32_t intid)
{
	int n;

	/* ICH_HCR_EL2.TDIR: the write traps to EL2 before it does anything. */
	if (vif->ctx->vgic.hcr & ICH_HCR_TDIR)
		return false;
	if (intid >= INTID_SPECIAL)
		return true;
	if (!(vif->ctx->vgic.vmcr & ICH_VMCR_VEOIM)) {
		vif->unpredictable++; /* DIR with EOImode 0 */
		return true;
	}
	n = find_active(vif, intid);
	if (n < 0)
		count_eoi(vif);
	else
		deactivate(vif, (unsigned)n);
	return true;
}

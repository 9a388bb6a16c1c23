// SPDX-License-Identifier: MIT
/* The physical GICv3 as the hypervisor alone programs it (hal/gic.h): affinity routing, every
 * interrupt Group 1 Non-secure, the CPU interface through the ICC_* system registers with
 * EOImode = 1. Register names and rules are those of the GICv3/v4 architecture specification
 * (Arm IHI 0069); quoted section titles are from it. */
#include <stdatomic.h>

#include <hal/cpu.h>
#include <hal/err.h>
#include <hal/gic.h>
#include <hal/mem.h>
#include <hal/time.h>

#include "gic_regs.h"
#include "sysreg.h"
#include "vgic_hw.h"

/* How long the GIC may take to finish a write (RWP) or to wake a redistributor. */
#define GIC_POLL_TIMEOUT_US 10000

static struct {
	uintptr_t dist;
	unsigned nr_intids; /* one past the highest SPI INTID */
	struct {
		uint64_t base, size;
	} region[HAL_GIC_MAX_REDIST_REGIONS];
	unsigned regions;
	/* RD_base of each pCPU's redistributor, set by that pCPU in hal_gic_cpu_init() before it
	 * reports online (so readers on other pCPUs see it after the pcpu online handshake). */
	uintptr_t rdist[HAL_MAX_CPUS];
	/* GIC*_ICFGR pack 16 INTIDs per register: a change is a read-modify-write. Trigger
	 * changes are rare (device setup), so a test-and-set flag is lock enough. */
	atomic_flag cfg_lock;
} gic = {.cfg_lock = ATOMIC_FLAG_INIT};

/* MMIO at a frame base (an identity-mapped Device-nGnRE address) plus a register offset. */
static inline uint32_t rd32(uintptr_t base, uint32_t off)
{
	return *(volatile uint32_t *)(base + off);
}

static inline void wr32(uintptr_t base, uint32_t off, uint32_t val)
{
	*(volatile uint32_t *)(base + off) = val;
}

static inline uint64_t rd64(uintptr_t base, uint32_t off)
{
	return *(volatile uint64_t *)(base + off);
}

static inline void wr64(uintptr_t base, uint32_t off, uint64_t val)
{
	*(volatile uint64_t *)(base + off) = val;
}

static inline void wr8(uintptr_t base, uint32_t off, uint8_t val)
{
	*(volatile uint8_t *)(base + off) = val;
}

static uintptr_t mmio(uint64_t pa)
{
	return (uintptr_t)hal_phys_to_ptr(pa);
}

static bool poll_clear(uintptr_t base, uint32_t off, uint32_t bits)
{
	uint64_t end = hal_counter_now() + hal_counter_freq() / 1000000 * GIC_POLL_TIMEOUT_US;

	while (rd32(base, off) & bits) {
		if (hal_counter_now() > end)
			return false;
		hal_cpu_relax();
	}
	return true;
}

/* GICD_CTLR.RWP covers writes to GICD_CTLR and GICD_ICENABLER<n>: until it reads 0 their
 * effect (a disabled group or interrupt no longer forwarded) is not guaranteed. */
static bool dist_wait_rwp(void)
{
	return poll_clear(gic.dist, GICD_CTLR, GICD_CTLR_RWP);
}

/* GICR_CTLR.RWP does the same for GICR_ICENABLER0. */
static bool rdist_wait_rwp(uintptr_t rd)
{
	return poll_clear(rd, GICR_CTLR, GICR_CTLR_RWP);
}

static bool archrev_ok(uintptr_t frame)
{
	uint32_t rev =
	    (rd32(frame, GICD_PIDR2) >> GIC_PIDR2_ARCHREV_SHIFT) & GIC_PIDR2_ARCHREV_MASK;

	return rev == GIC_PIDR2_ARCHREV_GICV3 || rev == GIC_PIDR2_ARCHREV_GICV4;
}

/* MPIDR_EL1 affinity as GICD_IROUTER<n> wants it (Aff3 moved up, IRM = 0: this PE only). */
static uint64_t mpidr_to_irouter(uint64_t mpidr)
{
	return (mpidr & MPIDR_AFF012_MASK) | ((mpidr >> MPIDR_AFF3_SHIFT) & MPIDR_AFF_FIELD)
						 << GICD_IROUTER_AFF3_SHIFT;
}

/* MPIDR_EL1 affinity as GICR_TYPER.Affinity_Value packs it: Aff3.Aff2.Aff1.Aff0. */
static uint32_t mpidr_to_typer_aff(uint64_t mpidr)
{
	return (uint32_t)((mpidr >> MPIDR_AFF3_SHIFT) & MPIDR_AFF_FIELD)
		   << GIC_AFFINITY_AFF3_SHIFT |
	       (uint32_t)(mpidr & MPIDR_AFF012_MASK);
}

int hal_gic_init(uint64_t gicd_pa, const uint64_t *gicr_pa, const uint64_t *gicr_size,
		 unsigned gicr_count)
{
	uint64_t boot = mpidr_to_irouter(hal_cpu_mpidr());
	unsigned n;

	if (gicr_count == 0 || gicr_count > HAL_GIC_MAX_REDIST_REGIONS)
		return HV_EINVAL;
	gic.dist = mmio(gicd_pa);
	if (!archrev_ok(gic.dist))
		return HV_ENOTSUP;

	/* Groups off before ARE changes ("Changing affinity routing enables"). An ARE_NS that
	 * firmware already set is kept: affinity routing is never turned off here. */
	wr32(gic.dist, GICD_CTLR, rd32(gic.dist, GICD_CTLR) & GICD_CTLR_ARE);
	if (!dist_wait_rwp())
		return HV_ETIMEDOUT;
	wr32(gic.dist, GICD_CTLR, GICD_CTLR_ARE);
	if (!dist_wait_rwp())
		return HV_ETIMEDOUT;

	n = 32 * ((rd32(gic.dist, GICD_TYPER) & GICD_TYPER_ITLINES_MASK) + 1);
	gic.nr_intids = n < GIC_MAX_INTID ? n : GIC_MAX_INTID;

	/* SPIs only: the first register of each bank is the redistributor's (banked per PE). */
	for (unsigned i = GIC_NR_PRIVATE; i < gic.nr_intids; i += 32) {
		uint32_t word = i / 32 * 4;

		wr32(gic.dist, GICD_ICENABLER + word, ~0u);
		wr32(gic.dist, GICD_ICPENDR + word, ~0u);
		wr32(gic.dist, GICD_ICACTIVER + word, ~0u);
		wr32(gic.dist, GICD_IGROUPR + word, ~0u);
		/* Group 1 Non-secure is IGROUPR = 1, IGRPMODR = 0. IGRPMODR is RAZ/WI to a
		 * Non-secure access and when DS == 1: writing 0 states the intent and costs
		 * nothing where it is ignored. */
		wr32(gic.dist, GICD_IGRPMODR + word, 0);
	}
	for (unsigned i = GIC_NR_PRIVATE; i < gic.nr_intids; i += 4)
		wr32(gic.dist, GICD_IPRIORITYR + i, GIC_PRIORITY_DEFAULT_4);
	for (unsigned i = GIC_NR_PRIVATE; i < gic.nr_intids; i += 16)
		wr32(gic.dist, GICD_ICFGR + i / 16 * 4, 0); /* level-sensitive */
	for (unsigned i = GIC_NR_PRIVATE; i < gic.nr_intids; i++)
		wr64(gic.dist, GICD_IROUTER + i * 8, boot);
	if (!dist_wait_rwp())
		return HV_ETIMEDOUT;

	wr32(gic.dist, GICD_CTLR, GICD_CTLR_ARE | GICD_CTLR_ENABLE_GRP1);
	if (!dist_wait_rwp())
		return HV_ETIMEDOUT;

	for (unsigned i = 0; i < gicr_count; i++) {
		gic.region[i].base = gicr_pa[i];
		gic.region[i].size = gicr_size[i];
	}
	gic.regions = gicr_count;
	return HV_OK;
}

/* Walk each region's redistributors (RD_base + SGI_base, plus two VLPI frames when
 * GICR_TYPER.VLPIS) until GICR_TYPER.Last, looking for this PE's affinity. */
static uintptr_t find_rdist(uint64_t mpidr)
{
	uint32_t aff = mpidr_to_typer_aff(mpidr);

	for (unsigned r = 0; r < gic.regions; r++) {
		uint64_t stride = GICR_STRIDE;

		if (gic.region[r].size < GICR_STRIDE || !archrev_ok(mmio(gic.region[r].base)))
			continue;
		for (uint64_t off = 0; off + GICR_STRIDE <= gic.region[r].size; off += stride) {
			uintptr_t rd = mmio(gic.region[r].base + off);
			uint64_t typer = rd64(rd, GICR_TYPER);

			if ((uint32_t)(typer >> GICR_TYPER_AFFINITY_SHIFT) == aff)
				return rd;
			if (typer & GICR_TYPER_LAST)
				break;
			stride = typer & GICR_TYPER_VLPIS ? GICR_STRIDE_VLPI : GICR_STRIDE;
		}
	}
	return 0;
}

static int cpu_interface_init(void)
{
	/* SRE: this hypervisor drives the CPU interface through system registers only;
	 * Enable: EL1 may program ICC_SRE_EL1 (a guest's accesses reach ICV_* anyway). */
	write_sysreg(icc_sre_el2, read_sysreg(icc_sre_el2) | ICC_SRE_EL2_SRE | ICC_SRE_EL2_ENABLE);
	isb();
	if (!(read_sysreg(icc_sre_el2) & ICC_SRE_EL2_SRE))
		return HV_ENOTSUP;

	write_sysreg(icc_pmr_el1, ICC_PMR_OPEN);
	/* Finest preemption: group priority is priority[7:1], or the CPU interface's minimum
	 * binary point, which a smaller write is raised to. */
	write_sysreg(icc_bpr1_el1, 0);
	write_sysreg(icc_ctlr_el1, read_sysreg(icc_ctlr_el1) | ICC_CTLR_EOIMODE);
	write_sysreg(icc_igrpen1_el1, ICC_IGRPEN1_ENABLE);
	isb();
	/* Handing interrupts to guests with HW=1 depends on the split; EL3 could forbid it. */
	if (!(read_sysreg(icc_ctlr_el1) & ICC_CTLR_EOIMODE))
		return HV_ENOTSUP;
	hal_vgic_cpu_reset();
	return HV_OK;
}

int hal_gic_cpu_init(void)
{
	unsigned cpu = hal_cpu_id();
	uintptr_t rd, sgi;

	if (cpu >= HAL_MAX_CPUS)
		return HV_ERANGE;
	rd = find_rdist(hal_cpu_mpidr());
	if (!rd)
		return HV_ENOENT;

	/* Power management: the interface to this PE is quiescent until ProcessorSleep is
	 * cleared, and usable once ChildrenAsleep reads 0. (RAZ/WI to Non-secure accesses when
	 * firmware owns it: then it is already awake and the wait ends at once.) */
	wr32(rd, GICR_WAKER, rd32(rd, GICR_WAKER) & ~GICR_WAKER_PROCESSOR_SLEEP);
	if (!poll_clear(rd, GICR_WAKER, GICR_WAKER_CHILDREN_ASLEEP))
		return HV_ETIMEDOUT;

	sgi = rd + GICR_SGI_BASE;
	wr32(sgi, GICR_ICENABLER0, ~0u);
	if (!rdist_wait_rwp(rd))
		return HV_ETIMEDOUT;
	wr32(sgi, GICR_ICPENDR0, ~0u);
	wr32(sgi, GICR_ICACTIVER0, ~0u);
	wr32(sgi, GICR_IGROUPR0, ~0u);
	wr32(sgi, GICR_IGRPMODR0, 0);
	for (unsigned i = 0; i < GIC_NR_PRIVATE; i += 4)
		wr32(sgi, GICR_IPRIORITYR0 + i, GIC_PRIORITY_DEFAULT_4);

	gic.rdist[cpu] = rd;
	return cpu_interface_init();
}

unsigned hal_gic_max_intid(void)
{
	return gic.nr_intids;
}

/* The frame holding INTID's per-interrupt registers: SGI_base of this PE's redistributor
 * for SGIs and PPIs, which repeats the Distributor's layout for INTIDs 0-31, or the
 * Distributor for SPIs. 0 for an INTID that does not exist (or a PE without its GIC set
 * up), so a wrong number never becomes a wild MMIO access. */
static uintptr_t regs_for(uint32_t intid)
{
	if (intid < GIC_NR_PRIVATE) {
		unsigned cpu = hal_cpu_id();
		uintptr_t rd = cpu < HAL_MAX_CPUS ? gic.rdist[cpu] : 0;

		return rd ? rd + GICR_SGI_BASE : 0;
	}
	return intid < gic.nr_intids ? gic.dist : 0;
}

void hal_gic_enable(uint32_t intid, bool enable)
{
	uintptr_t regs = regs_for(intid);
	uint32_t word = intid / 32 * 4, bit = 1u << (intid % 32);

	if (!regs)
		return;
	if (enable) {
		wr32(regs, GICD_ISENABLER + word, bit);
		return;
	}
	wr32(regs, GICD_ICENABLER + word, bit);
	/* Return only once the interrupt is no longer forwarded ("Enabling the distribution
	 * of interrupts"). A timeout leaves nothing better to do than go on. */
	if (intid < GIC_NR_PRIVATE)
		(void)rdist_wait_rwp(regs - GICR_SGI_BASE);
	else
		(void)dist_wait_rwp();
}

bool hal_gic_active(uint32_t intid)
{
	uintptr_t regs = regs_for(intid);

	return regs && (rd32(regs, GICD_ISACTIVER + intid / 32 * 4) & (1u << (intid % 32)));
}

void hal_gic_set_priority(uint32_t intid, uint8_t priority)
{
	uintptr_t regs = regs_for(intid);

	/* GIC*_IPRIORITYR<n> are byte-accessible: no read-modify-write, no lock. */
	if (regs)
		wr8(regs, GICD_IPRIORITYR + intid, priority);
}

void hal_gic_set_edge(uint32_t intid, bool edge)
{
	uintptr_t regs = regs_for(intid);
	uint32_t off = GICD_ICFGR + intid / 16 * 4, bit = GIC_ICFGR_EDGE << (intid % 16 * 2);
	uint32_t cfg;

	/* SGIs are always edge-triggered (GICR_ICFGR0 is read-only). */
	if (!regs || intid < HAL_GIC_SGI_COUNT)
		return;
	while (atomic_flag_test_and_set_explicit(&gic.cfg_lock, memory_order_acquire))
		hal_cpu_relax();
	cfg = rd32(regs, off);
	wr32(regs, off, edge ? cfg | bit : cfg & ~bit);
	atomic_flag_clear_explicit(&gic.cfg_lock, memory_order_release);
}

void hal_gic_route(uint32_t intid, uint64_t mpidr)
{
	if (intid < GIC_NR_PRIVATE || intid >= gic.nr_intids)
		return;
	wr64(gic.dist, GICD_IROUTER + intid * 8, mpidr_to_irouter(mpidr));
}

uint32_t hal_gic_ack(void)
{
	uint32_t intid = (uint32_t)(read_sysreg(icc_iar1_el1) & ICC_INTID_MASK);

	/* Memory the interrupt's source wrote before signalling it (an SGI sender's message)
	 * must not be read ahead of the acknowledge: the MRS does not order later loads. */
	dsb(sy);
	/* 1020-1023 are special INTIDs, never acknowledged ("Special INTIDs"). */
	return intid >= GIC_MAX_INTID ? HAL_GIC_SPURIOUS : intid;
}

void hal_gic_eoi(uint32_t intid)
{
	write_sysreg(icc_eoir1_el1, intid);
	/* The priority drop must be in force before the next ICC_IAR1_EL1 read. */
	isb();
}

void hal_gic_deactivate(uint32_t intid)
{
	write_sysreg(icc_dir_el1, intid);
	isb();
}

void hal_gic_send_sgi(uint64_t mpidr, unsigned sgi)
{
	uint64_t aff0 = (mpidr >> MPIDR_AFF0_SHIFT) & MPIDR_AFF_FIELD;
	uint64_t val;

	if (sgi >= HAL_GIC_SGI_COUNT)
		return;
	/* TargetList holds 16 Aff0 values; RS selects which 16. RS != 0 needs
	 * ICC_CTLR_EL1.RSS, which any system with an Aff0 above 15 must implement. */
	val = ((mpidr >> MPIDR_AFF3_SHIFT) & MPIDR_AFF_FIELD) << ICC_SGIR_AFF3_SHIFT |
	      (aff0 / ICC_SGIR_AFF0_PER_RS) << ICC_SGIR_RS_SHIFT |
	      ((mpidr >> MPIDR_AFF2_SHIFT) & MPIDR_AFF_FIELD) << ICC_SGIR_AFF2_SHIFT |
	      (uint64_t)sgi << ICC_SGIR_INTID_SHIFT |
	      ((mpidr >> MPIDR_AFF1_SHIFT) & MPIDR_AFF_FIELD) << ICC_SGIR_AFF1_SHIFT |
	      1ULL << (aff0 % ICC_SGIR_AFF0_PER_RS);

	/* A system register write is not ordered after earlier stores: the DSB makes what
	 * the target will read visible before the SGI can reach it; the ISB sends the SGI
	 * before whatever comes next (a WFI, a wait for the target's answer). */
	dsb(ishst);
	write_sysreg(icc_sgi1r_el1, val);
	isb();
}

/* For the target's GIC self-checks (gic_regs.h), not part of the HAL. */
uint64_t gic_dist_pa(void)
{
	return gic.dist ? hal_ptr_to_phys((const void *)gic.dist) : 0;
}

uint64_t gic_rdist_pa(unsigned cpu)
{
	return cpu < HAL_MAX_CPUS && gic.rdist[cpu] ? hal_ptr_to_phys((const void *)gic.rdist[cpu])
						    : 0;
}

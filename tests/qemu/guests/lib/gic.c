// SPDX-License-Identifier: MIT
/* GICv3 distributor and redistributor programming for the test guests (gic.h). */
#include "gic.h"

#include "sysreg.h"
#include "timer.h"

#define HANDSHAKE_TIMEOUT_US 100000 /* RWP, WAKER: far longer than any GIC needs */

static bool wait_clear(uint64_t addr, uint32_t bits)
{
	uint64_t deadline = counter_read() + timer_us_to_ticks(HANDSHAKE_TIMEOUT_US);

	while (*(volatile uint32_t *)addr & bits)
		if (counter_read() > deadline)
			return false;
	return true;
}

bool gicd_wait_rwp(void)
{
	return wait_clear(GUEST_GICD_BASE + GICD_CTLR, GICD_CTLR_RWP);
}

bool gicr_wait_rwp(void)
{
	return wait_clear(GUEST_GICR_BASE + GICR_CTLR, GICR_CTLR_RWP);
}

bool gicr_wake(void)
{
	gicr_write(GICR_WAKER, gicr_read(GICR_WAKER) & ~GICR_WAKER_PROCESSOR_SLEEP);
	return wait_clear(GUEST_GICR_BASE + GICR_WAKER, GICR_WAKER_CHILDREN_ASLEEP);
}

uint32_t gic_nr_irqs(void)
{
	uint32_t n = 32 * (GICD_TYPER_ITLINES(gicd_read(GICD_TYPER)) + 1);

	return n > GIC_MAX_INTID ? GIC_MAX_INTID : n;
}

uint64_t gic_cpu_affinity(void)
{
	return read_sysreg(mpidr_el1) & GICD_IROUTER_AFF_MASK;
}

uint64_t gic_sgi1r_self(uint32_t intid)
{
	uint64_t mpidr = read_sysreg(mpidr_el1);

	/* The target list holds Aff0 values 16 * RS .. 16 * RS + 15 (ICC_CTLR_EL1.RSS). */
	return (MPIDR_AFF3(mpidr) << ICC_SGIR_AFF3_SHIFT) |
	       (MPIDR_AFF2(mpidr) << ICC_SGIR_AFF2_SHIFT) |
	       (MPIDR_AFF1(mpidr) << ICC_SGIR_AFF1_SHIFT) |
	       ((MPIDR_AFF0(mpidr) >> 4) << ICC_SGIR_RS_SHIFT) |
	       ((uint64_t)(intid & 0xf) << ICC_SGIR_INTID_SHIFT) |
	       (1UL << (MPIDR_AFF0(mpidr) & 0xf));
}

uint8_t gic_cpuif_prio_mask(void)
{
	unsigned int bits = ICC_CTLR_PRIBITS(gic_read_ctlr());

	return (uint8_t)(0xff << (8 - bits));
}

/* One bit per interrupt: the bitmap register `off` (GICD_ISENABLER...), word for `intid`. The
 * GICR_*0 registers sit at the same offsets in SGI_base as GICD_* in the distributor. */
static void bit_write(uint32_t off, uint32_t intid)
{
	uint32_t bit = 1U << (intid % 32);

	if (intid < GIC_NR_PRIVATE)
		gicr_sgi_write(off, bit);
	else
		gicd_write(off + 4 * (intid / 32), bit);
}

static bool bit_read(uint32_t off, uint32_t intid)
{
	uint32_t word =
	    intid < GIC_NR_PRIVATE ? gicr_sgi_read(off) : gicd_read(off + 4 * (intid / 32));

	return word & (1U << (intid % 32));
}

static void wait_rwp(uint32_t intid)
{
	if (intid < GIC_NR_PRIVATE)
		gicr_wait_rwp();
	else
		gicd_wait_rwp();
}

void gic_enable(uint32_t intid)
{
	bit_write(GICD_ISENABLER, intid);
	wait_rwp(intid);
}

void gic_disable(uint32_t intid)
{
	bit_write(GICD_ICENABLER, intid);
	wait_rwp(intid);
}

bool gic_is_enabled(uint32_t intid)
{
	return bit_read(GICD_ISENABLER, intid);
}

void gic_set_pending(uint32_t intid)
{
	bit_write(GICD_ISPENDR, intid);
}

void gic_clear_pending(uint32_t intid)
{
	bit_write(GICD_ICPENDR, intid);
}

bool gic_is_pending(uint32_t intid)
{
	return bit_read(GICD_ISPENDR, intid);
}

void gic_set_active(uint32_t intid)
{
	bit_write(GICD_ISACTIVER, intid);
}

void gic_clear_active(uint32_t intid)
{
	bit_write(GICD_ICACTIVER, intid);
}

bool gic_is_active(uint32_t intid)
{
	return bit_read(GICD_ISACTIVER, intid);
}

void gic_set_group1(uint32_t intid, bool group1)
{
	uint32_t off = GICD_IGROUPR + 4 * (intid / 32);
	uint32_t bit = 1U << (intid % 32);
	uint32_t val = intid < GIC_NR_PRIVATE ? gicr_sgi_read(GICR_IGROUPR0) : gicd_read(off);

	val = group1 ? val | bit : val & ~bit;
	if (intid < GIC_NR_PRIVATE)
		gicr_sgi_write(GICR_IGROUPR0, val);
	else
		gicd_write(off, val);
}

static volatile uint8_t *priority_byte(uint32_t intid)
{
	if (intid < GIC_NR_PRIVATE)
		return (volatile uint8_t *)(GUEST_GICR_BASE + GICR_SGI_BASE + GICR_IPRIORITYR0 +
					    intid);
	return (volatile uint8_t *)(GUEST_GICD_BASE + GICD_IPRIORITYR + intid);
}

void gic_set_priority(uint32_t intid, uint8_t prio)
{
	*priority_byte(intid) = prio;
}

uint8_t gic_priority(uint32_t intid)
{
	return *priority_byte(intid);
}

void gic_set_edge(uint32_t intid, bool edge)
{
	uint32_t off = GICD_ICFGR + 4 * (intid / 16);
	uint32_t shift = 2 * (intid % 16);
	uint32_t val;

	if (intid < GIC_NR_PRIVATE) {
		val = gicr_sgi_read(off);
		val = (val & ~(3U << shift)) | ((edge ? GIC_ICFGR_EDGE : 0) << shift);
		gicr_sgi_write(off, val);
		return;
	}
	val = gicd_read(off);
	val = (val & ~(3U << shift)) | ((edge ? GIC_ICFGR_EDGE : 0) << shift);
	gicd_write(off, val);
}

bool gic_is_edge(uint32_t intid)
{
	uint32_t off = GICD_ICFGR + 4 * (intid / 16);
	uint32_t val = intid < GIC_NR_PRIVATE ? gicr_sgi_read(off) : gicd_read(off);

	return (val >> (2 * (intid % 16))) & GIC_ICFGR_EDGE;
}

void gic_route_here(uint32_t intid)
{
	gicd_write64(GICD_IROUTER + 8 * intid, gic_cpu_affinity());
}

void gic_irq_setup(uint32_t intid, uint8_t prio, bool edge)
{
	gic_disable(intid);
	gic_set_group1(intid, true);
	gic_set_priority(intid, prio);
	if (intid >= GIC_NR_SGIS)
		gic_set_edge(intid, edge);
	if (intid >= GIC_NR_PRIVATE)
		gic_route_here(intid);
	gic_clear_active(intid);
	gic_clear_pending(intid);
	gic_enable(intid);
}

static void init_distributor(void)
{
	uint32_t nr = gic_nr_irqs();
	uint32_t prio4 = GIC_PRIO_DEFAULT * 0x01010101U;

	for (uint32_t i = GIC_NR_PRIVATE; i < nr; i += 32) {
		gicd_write(GICD_IGROUPR + i / 8, ~0U);
		gicd_write(GICD_ICENABLER + i / 8, ~0U);
		gicd_write(GICD_ICPENDR + i / 8, ~0U);
		gicd_write(GICD_ICACTIVER + i / 8, ~0U);
	}
	for (uint32_t i = GIC_NR_PRIVATE; i < nr; i += 4)
		gicd_write(GICD_IPRIORITYR + i, prio4);
	for (uint32_t i = GIC_NR_PRIVATE; i < nr; i++)
		gicd_write64(GICD_IROUTER + 8 * i, gic_cpu_affinity());
}

static void init_redistributor(void)
{
	uint32_t prio4 = GIC_PRIO_DEFAULT * 0x01010101U;

	gicr_sgi_write(GICR_IGROUPR0, ~0U);
	gicr_sgi_write(GICR_ICENABLER0, ~0U);
	gicr_sgi_write(GICR_ICPENDR0, ~0U);
	gicr_sgi_write(GICR_ICACTIVER0, ~0U);
	for (uint32_t i = 0; i < GIC_NR_PRIVATE; i += 4)
		gicr_sgi_write(GICR_IPRIORITYR0 + i, prio4);
}

bool gic_init(void)
{
	bool ok = gicr_wake();

	/* Changing ARE with a group enabled is UNPREDICTABLE (12.9.4): disable, then ARE. */
	gicd_write(GICD_CTLR, 0);
	ok &= gicd_wait_rwp();
	gicd_write(GICD_CTLR, GICD_CTLR_ARE);
	ok &= gicd_wait_rwp();
	init_distributor();
	ok &= gicd_wait_rwp();
	init_redistributor();
	ok &= gicr_wait_rwp();
	gicd_write(GICD_CTLR, GICD_CTLR_ARE | GICD_CTLR_ENABLE_GRP1);
	ok &= gicd_wait_rwp();

	gic_write_pmr(GIC_PRIO_IDLE);
	gic_write_bpr1(0); /* reads back as the smallest binary point implemented */
	gic_write_ctlr(0); /* EOImode 0: EOIR drops the priority and deactivates */
	gic_write_grpen1(ICC_IGRPEN1_ENABLE);
	return ok;
}

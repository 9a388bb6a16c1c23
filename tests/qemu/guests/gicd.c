// SPDX-License-Identifier: MIT
/* The distributor and redistributor registers a kernel probes and relies on: GICD_CTLR,
 * GICD_TYPER (ITLinesNumber against the SPIs that exist, IDbits), GICD_IIDR, PIDR2 ArchRev,
 * GICR_TYPER (Last, affinity = MPIDR_EL1), the GICR_WAKER handshake, IPRIORITYR byte access
 * with the implemented bits, ICFGR of SGIs (edge, read-only), IROUTER, the registers that
 * are RAZ/WI with affinity routing or reserved, and accesses of unsupported widths (they
 * must neither stop the guest nor disturb the GIC). */
#include "check.h"
#include "exception.h"
#include "gic.h"
#include "irq.h"
#include "printf.h"
#include "smccc.h"
#include "sysreg.h"
#include "timer.h"

const char guest_name[] = "gicd";

#define SPI_A		 GUEST_FREE_SPI_BASE /* a free SPI to play with */
#define SGI_A		 3
#define WAKER_TIMEOUT_US 100000

static bool under_hypervisor(void)
{
	return hvc_call(HV_CALL_VERSION, 0, 0, 0) == 0x10000;
}

static void check_distributor_id(void)
{
	uint32_t ctlr = gicd_read(GICD_CTLR);
	uint32_t typer = gicd_read(GICD_TYPER);
	uint32_t iidr = gicd_read(GICD_IIDR);
	uint32_t idbits = GICD_TYPER_IDBITS(typer);

	printf("# gicd: GICD_CTLR 0x%x TYPER 0x%x IIDR 0x%x PIDR2 0x%x\n", ctlr, typer, iidr,
	       gicd_read(GICD_PIDR2));
	check((ctlr & (GICD_CTLR_ARE | GICD_CTLR_ENABLE_GRP1)) ==
		      (GICD_CTLR_ARE | GICD_CTLR_ENABLE_GRP1) &&
		  !(ctlr & GICD_CTLR_RWP),
	      "gicd: GICD_CTLR has ARE and EnableGrp1 set, RWP clear (0x%x)", ctlr);
	check((ctlr & GICD_CTLR_DS) && !(typer & GICD_TYPER_SECURITYEXTN),
	      "gicd: one security state: GICD_CTLR.DS = 1, GICD_TYPER.SecurityExtn = 0");
	check(idbits >= 9 && idbits <= 23, "gicd: GICD_TYPER.IDbits %u: INTIDs of 10 to 24 bits",
	      idbits);
	check(GICD_IIDR_IMPLEMENTER(iidr) != 0, "gicd: GICD_IIDR names an implementer (0x%x)",
	      GICD_IIDR_IMPLEMENTER(iidr));
	check_eq(GIC_PIDR2_ARCHREV(gicd_read(GICD_PIDR2)), 3, "gicd: GICD_PIDR2.ArchRev is 3");
	gicd_write(GICD_TYPER, ~typer);
	check_eq(gicd_read(GICD_TYPER), typer, "gicd: GICD_TYPER ignores writes");
}

static bool enable_sticks(uint32_t intid)
{
	gic_enable(intid);
	bool on = gic_is_enabled(intid);

	gic_disable(intid);
	return on && !gic_is_enabled(intid);
}

/* ITLinesNumber = N: INTIDs up to 32(N+1)-1 (at most 1019) exist, those above are
 * reserved, so RAZ/WI. */
static void check_itlines(void)
{
	uint32_t nr = gic_nr_irqs();
	uint32_t last = nr - 1;
	uint32_t beyond = nr;

	check(nr > GUEST_FREE_SPI_BASE + GUEST_FREE_SPI_COUNT - 1,
	      "gicd: ITLinesNumber %u covers the UART SPI and INTIDs up to %u",
	      GICD_TYPER_ITLINES(gicd_read(GICD_TYPER)),
	      GUEST_FREE_SPI_BASE + GUEST_FREE_SPI_COUNT - 1);
	check(enable_sticks(GUEST_UART_INTID) && enable_sticks(last),
	      "gicd: the UART SPI and the last SPI (INTID %u) can be enabled and disabled", last);
	if (beyond >= GIC_MAX_INTID) {
		check_skip("1020 INTIDs: none beyond",
			   "gicd: SPIs beyond ITLinesNumber are RAZ/WI");
		return;
	}
	gicd_write(GICD_ISENABLER + 4 * (beyond / 32), ~0U);
	uint32_t word = gicd_read(GICD_ISENABLER + 4 * (beyond / 32));

	gicd_write(GICD_ICENABLER + 4 * (beyond / 32), ~0U);
	if (word && !under_hypervisor()) {
		/* QEMU 7.2's GICv3 reports ITLinesNumber one lower than the SPIs it models. */
		check_skip("QEMU's own GIC models 32 SPIs more than ITLinesNumber says",
			   "gicd: SPIs beyond ITLinesNumber (from INTID %u) are RAZ/WI", beyond);
		return;
	}
	check_eq(word, 0, "gicd: SPIs beyond ITLinesNumber (from INTID %u) are RAZ/WI", beyond);
}

static void check_redistributor_id(void)
{
	uint64_t typer = gicr_read64(GICR_TYPER);
	uint64_t mpidr = read_sysreg(mpidr_el1);
	uint64_t aff = MPIDR_AFF3(mpidr) << 24 | MPIDR_AFF2(mpidr) << 16 | MPIDR_AFF1(mpidr) << 8 |
		       MPIDR_AFF0(mpidr);
	uint64_t halves = (uint64_t)gicr_read(GICR_TYPER + 4) << 32 | gicr_read(GICR_TYPER);

	printf("# gicd: GICR_TYPER 0x%lx IIDR 0x%x PIDR2 0x%x MPIDR_EL1 0x%lx\n", typer,
	       gicr_read(GICR_IIDR), gicr_read(GICR_PIDR2), mpidr);
	check(typer & GICR_TYPER_LAST, "gicd: GICR_TYPER.Last: the only redistributor");
	check_eq(GICR_TYPER_AFFINITY(typer), aff,
		 "gicd: GICR_TYPER.Affinity_Value is this vCPU's MPIDR_EL1 affinity");
	check_eq(GICR_TYPER_PROC_NUM(typer), 0, "gicd: GICR_TYPER.Processor_Number is 0");
	check_eq(halves, typer, "gicd: GICR_TYPER read as two 32-bit halves matches");
	check_eq(GIC_PIDR2_ARCHREV(gicr_read(GICR_PIDR2)), 3, "gicd: GICR_PIDR2.ArchRev is 3");
}

static bool waker_children_asleep(bool asleep)
{
	uint64_t deadline = counter_read() + timer_us_to_ticks(WAKER_TIMEOUT_US);

	while (!!(gicr_read(GICR_WAKER) & GICR_WAKER_CHILDREN_ASLEEP) != asleep)
		if (counter_read() > deadline)
			return false;
	return true;
}

static void check_waker(void)
{
	uint32_t awake = gicr_read(GICR_WAKER);

	check_eq(awake & (GICR_WAKER_PROCESSOR_SLEEP | GICR_WAKER_CHILDREN_ASLEEP), 0,
		 "gicd: after the handshake GICR_WAKER shows ProcessorSleep 0, ChildrenAsleep 0");
	irq_disable();
	gicr_write(GICR_WAKER, awake | GICR_WAKER_PROCESSOR_SLEEP);
	bool slept = waker_children_asleep(true);

	gicr_write(GICR_WAKER, awake & ~GICR_WAKER_PROCESSOR_SLEEP);
	bool woke = waker_children_asleep(false);

	irq_enable();
	check(slept, "gicd: GICR_WAKER.ProcessorSleep = 1 leads to ChildrenAsleep = 1");
	check(woke, "gicd: ProcessorSleep = 0 leads back to ChildrenAsleep = 0");
}

static bool is_top_bits_mask(uint8_t m)
{
	uint8_t low = (uint8_t)~m;

	return (low & (low + 1)) == 0 && m >= 0xf0; /* at least 16 levels */
}

static void check_priority_bytes(void)
{
	volatile uint8_t *spi = (volatile uint8_t *)(GUEST_GICD_BASE + GICD_IPRIORITYR);
	volatile uint8_t *sgi =
	    (volatile uint8_t *)(GUEST_GICR_BASE + GICR_SGI_BASE + GICR_IPRIORITYR0);
	uint32_t base = SPI_A & ~3U;

	spi[SPI_A] = 0xff;
	uint8_t mask = spi[SPI_A];

	spi[SPI_A] = 0xa5;
	uint8_t a5 = spi[SPI_A];

	printf("# gicd: IPRIORITYR implements mask 0x%x; CPU interface 0x%x\n", mask,
	       gic_cpuif_prio_mask());
	check(is_top_bits_mask(mask),
	      "gicd: GICD_IPRIORITYR byte 0xff reads back the implemented bits (0x%x)", mask);
	check_eq(a5, 0xa5 & mask, "gicd: ... 0xa5 reads back 0x%x", 0xa5 & mask);

	for (uint32_t i = 0; i < 4; i++)
		spi[base + i] = (uint8_t)(0x10 * (i + 1) + 0x08);
	check_eq(gicd_read(GICD_IPRIORITYR + base), 0x48382818U & (mask * 0x01010101U),
		 "gicd: four byte writes land in their own bytes of the GICD_IPRIORITYR word");
	gicd_write(GICD_IPRIORITYR + base, 0x80604020U);
	check_eq(spi[base + 2], 0x60 & mask, "gicd: a word write reads back byte by byte");

	sgi[SGI_A] = 0xff;
	uint8_t sgi_mask = sgi[SGI_A];

	sgi[SGI_A] = 0x5a;
	check(is_top_bits_mask(sgi_mask) && sgi[SGI_A] == (0x5a & sgi_mask),
	      "gicd: GICR_IPRIORITYR byte writes for SGI %u read back the same way (0x%x)", SGI_A,
	      sgi_mask);
	sgi[SGI_A] = GIC_PRIO_DEFAULT;
	gicd_write(GICD_IPRIORITYR + base, GIC_PRIO_DEFAULT * 0x01010101U);
}

static void check_config_and_routing(void)
{
	uint32_t icfgr0 = gicr_sgi_read(GICR_ICFGR0);

	check_eq(icfgr0, 0xaaaaaaaaU, "gicd: GICR_ICFGR0: every SGI is edge-triggered");
	gicr_sgi_write(GICR_ICFGR0, 0);
	check_eq(gicr_sgi_read(GICR_ICFGR0), 0xaaaaaaaaU, "gicd: ... and read-only");

	uint64_t aff = gic_cpu_affinity();

	gicd_write64(GICD_IROUTER + 8 * SPI_A, aff);
	uint64_t halves = (uint64_t)gicd_read(GICD_IROUTER + 8 * SPI_A + 4) << 32 |
			  gicd_read(GICD_IROUTER + 8 * SPI_A);

	check(gicd_read64(GICD_IROUTER + 8 * SPI_A) == aff && halves == aff,
	      "gicd: GICD_IROUTER holds this vCPU's affinity 0x%lx (64-bit and 32-bit reads)", aff);
	check_eq(gicd_read(GICD_IGROUPR + 4), ~0U, "gicd: GICD_IGROUPR1 reads back Group 1");
}

/* With affinity routing the distributor's view of SGIs and PPIs, the GICv2 SGI registers
 * and ITARGETSR are RAZ/WI; so are reserved offsets. */
static void check_raz_wi(void)
{
	uint32_t gicr_en = gicr_sgi_read(GICR_ISENABLER0);

	gicd_write(GICD_ISENABLER, ~0U);
	check(gicd_read(GICD_ISENABLER) == 0 && gicr_sgi_read(GICR_ISENABLER0) == gicr_en,
	      "gicd: GICD_ISENABLER0 is RAZ/WI with ARE (GICR_ISENABLER0 untouched)");

	volatile uint8_t *dprio = (volatile uint8_t *)(GUEST_GICD_BASE + GICD_IPRIORITYR);
	uint8_t sgi_prio = gic_priority(SGI_A);

	dprio[SGI_A] = 0x10;
	check(dprio[SGI_A] == 0 && gic_priority(SGI_A) == sgi_prio,
	      "gicd: GICD_IPRIORITYR of an SGI is RAZ/WI with ARE (GICR's untouched)");

	gicd_write64(GICD_IROUTER + 8 * SGI_A, ~0UL);
	check_eq(gicd_read64(GICD_IROUTER + 8 * SGI_A), 0,
		 "gicd: GICD_IROUTER<n> for n < 32 is RAZ/WI");

	gicd_write(GICD_ITARGETSR + SPI_A, 0x01010101U);
	check_eq(gicd_read(GICD_ITARGETSR + SPI_A), 0, "gicd: GICD_ITARGETSR is RAZ/WI with ARE");

	/* GICv2 SGIR: TargetListFilter 0b10 = this CPU, SGI 2. */
	gicd_write(GICD_SGIR, (2U << 24) | 2U);
	gicd_write(GICD_SPENDSGIR, 0x01010101U);
	check(!gic_is_pending(2) && !gic_is_pending(0) && gicd_read(GICD_SPENDSGIR) == 0,
	      "gicd: GICD_SGIR and GICD_SPENDSGIR pend nothing with ARE");
	gicr_sgi_write(GICR_ICPENDR0, 0xffff);

	static const uint32_t gicd_reserved[] = {0x0014, 0x005c, 0x0f30, 0x0f7c};
	static const uint32_t gicr_reserved[] = {0x0020, 0x003c};
	static const uint32_t sgi_reserved[] = {0x0000, 0x0c08};
	uint32_t seen = 0;

	for (unsigned int i = 0; i < sizeof(gicd_reserved) / sizeof(gicd_reserved[0]); i++) {
		gicd_write(gicd_reserved[i], ~0U);
		seen |= gicd_read(gicd_reserved[i]);
	}
	for (unsigned int i = 0; i < sizeof(gicr_reserved) / sizeof(gicr_reserved[0]); i++) {
		gicr_write(gicr_reserved[i], ~0U);
		seen |= gicr_read(gicr_reserved[i]);
	}
	for (unsigned int i = 0; i < sizeof(sgi_reserved) / sizeof(sgi_reserved[0]); i++) {
		gicr_sgi_write(sgi_reserved[i], ~0U);
		seen |= gicr_sgi_read(sgi_reserved[i]);
	}
	check_eq(seen, 0, "gicd: reserved GICD, RD_base and SGI_base offsets are RAZ/WI");
}

/* Accesses of widths a register does not support are UNPREDICTABLE or reserved: what may
 * happen is a value (often 0) or an external abort, and the GIC must be as before. */
struct odd_access {
	const char *what;
	uint64_t addr;
	unsigned int size;
	bool write;
};

static const struct odd_access odd_accesses[] = {
    {"byte read of GICD_CTLR", GUEST_GICD_BASE + GICD_CTLR, 1, false},
    {"halfword read of GICD_TYPER", GUEST_GICD_BASE + GICD_TYPER, 2, false},
    {"64-bit read of GICD_ISENABLER1-2", GUEST_GICD_BASE + GICD_ISENABLER + 8, 8, false},
    {"byte write of 0 to GICD_ISENABLER1", GUEST_GICD_BASE + GICD_ISENABLER + 4, 1, true},
    {"halfword write of 0 to GICD_ICFGR2", GUEST_GICD_BASE + GICD_ICFGR + 8, 2, true},
    {"byte read of GICR_TYPER", GUEST_GICR_BASE + GICR_TYPER, 1, false},
    {"64-bit read of GICR_STATUSR+WAKER", GUEST_GICR_BASE + GICR_STATUSR, 8, false},
    {"halfword read of GICR_ISENABLER0", GUEST_GICR_BASE + GICR_SGI_BASE + GICR_ISENABLER0, 2,
     false},
};

static void odd_access(const struct odd_access *a)
{
	switch (a->size) {
	case 1:
		if (a->write)
			*(volatile uint8_t *)a->addr = 0;
		else
			(void)*(volatile uint8_t *)a->addr;
		break;
	case 2:
		if (a->write)
			*(volatile uint16_t *)a->addr = 0;
		else
			(void)*(volatile uint16_t *)a->addr;
		break;
	default:
		if (a->write)
			*(volatile uint64_t *)a->addr = 0;
		else
			(void)*(volatile uint64_t *)a->addr;
		break;
	}
}

static void check_odd_widths(void)
{
	uint32_t ctlr = gicd_read(GICD_CTLR);
	uint32_t enabled1 = gicd_read(GICD_ISENABLER + 4);
	uint32_t icfgr2 = gicd_read(GICD_ICFGR + 8);
	uint64_t typer = gicr_read64(GICR_TYPER);

	for (unsigned int i = 0; i < sizeof(odd_accesses) / sizeof(odd_accesses[0]); i++) {
		const struct odd_access *a = &odd_accesses[i];

		exc_expect(EXC_RESUME_DEFAULT);
		odd_access(a);
		exc_expect_none();
		bool aborted = exc_seen.count > 0;
		bool sea = ESR_EC(exc_seen.esr) == ESR_EC_DABT_CUR &&
			   (exc_seen.esr & ESR_FSC_MASK) == ESR_FSC_SEA;

		check(!aborted || (exc_seen.count == 1 && sea),
		      "gicd: %s completes or takes an external abort (%s)", a->what,
		      aborted ? "aborted" : "completed");
	}
	check(gicd_read(GICD_CTLR) == ctlr && gicd_read(GICD_ISENABLER + 4) == enabled1 &&
		  gicd_read(GICD_ICFGR + 8) == icfgr2 && gicr_read64(GICR_TYPER) == typer,
	      "gicd: ... and GICD_CTLR, ISENABLER1, ICFGR2 and GICR_TYPER are unchanged");
}

static void check_cpu_interface(void)
{
	uint64_t ctlr = gic_read_ctlr();

	check(gic_read_sre() & 1, "gicd: ICC_SRE_EL1.SRE is 1: system register interface");
	check(ICC_CTLR_PRIBITS(ctlr) >= 4 && gic_read_pmr() == gic_cpuif_prio_mask(),
	      "gicd: ICC_CTLR_EL1.PRIbits %u; ICC_PMR_EL1 0xff reads back those bits (0x%x)",
	      ICC_CTLR_PRIBITS(ctlr), gic_read_pmr());
}

int main(void)
{
	check(irq_init(), "gicd: GIC up (GICR_WAKER and RWP handshakes done)");
	irq_enable();

	check_distributor_id();
	check_itlines();
	check_redistributor_id();
	check_waker();
	check_priority_bytes();
	check_config_and_routing();
	check_raz_wi();
	check_odd_widths();
	check_cpu_interface();

	irq_disable();
	irq_check_clean();
	return 0;
}

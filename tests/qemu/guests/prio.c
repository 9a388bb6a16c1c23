// SPDX-License-Identifier: MIT
/* Priorities end to end, with more interrupts in play than the hypervisor's 4 list registers:
 * 8 and 12 pending SGIs and SPIs of distinct priorities are taken highest first, through the
 * IRQ vector and by polling ICC_HPPIR1_EL1/ICC_IAR1_EL1; ICC_RPR_EL1 is the running priority;
 * a higher priority interrupt preempts a handler that unmasks IRQs, an equal or lower one
 * does not; handlers nest 6 deep, each pending the next higher priority, and after each EOI
 * the running priority drops back to the interrupted handler's. */
#include "check.h"
#include "gic.h"
#include "irq.h"
#include "irq_log.h"
#include "printf.h"
#include "timer.h"
#include "wait.h"

const char guest_name[] = "prio";

#define DELIVERY_US 100000
#define QUIET_US    2000
#define SPI(n)	    (GUEST_FREE_SPI_BASE + (n))

struct source {
	uint32_t intid;
	uint8_t prio;
};

static uint8_t cpuif_mask; /* priority bits the CPU interface implements */

static uint32_t running(uint8_t prio)
{
	return prio & cpuif_mask;
}

/* 12 interrupts, SGIs and SPIs alternating; priorities 0x10..0xc0 assigned out of INTID order
 * ((5 * i) mod n is a permutation for n coprime with 5). */
#define ORDER_MAX 12
static struct source order_src[ORDER_MAX];

static void make_order_sources(unsigned int n)
{
	for (unsigned int i = 0; i < n; i++) {
		order_src[i].intid = i % 2 ? SPI(i / 2) : i / 2;
		order_src[i].prio = (uint8_t)(0x10 + 0x10 * ((5 * i) % n));
		irq_register(order_src[i].intid, irq_log_handler);
		gic_irq_setup(order_src[i].intid, order_src[i].prio, true);
	}
}

static uint8_t prio_of(uint32_t intid, const struct source *src, unsigned int n)
{
	for (unsigned int i = 0; i < n; i++)
		if (src[i].intid == intid)
			return src[i].prio;
	return GIC_PRIO_IDLE;
}

static uint64_t intid_set(const struct source *src, unsigned int n)
{
	uint64_t set = 0;

	for (unsigned int i = 0; i < n; i++)
		set |= 1UL << src[i].intid;
	return set;
}

static void disable_all(const struct source *src, unsigned int n)
{
	for (unsigned int i = 0; i < n; i++)
		gic_disable(src[i].intid);
}

/* n pending at once with IRQs masked (GICD_ISPENDR / GICR_ISPENDR0), then taken through the
 * IRQ vector one by one. */
static void check_order(unsigned int n)
{
	bool all_pending = true, in_order = true, rpr_ok = true;

	make_order_sources(n);
	irq_log_reset();
	irq_disable();
	for (unsigned int i = 0; i < n; i++)
		gic_set_pending(order_src[i].intid);
	for (unsigned int i = 0; i < n; i++)
		all_pending &= gic_is_pending(order_src[i].intid);
	irq_enable();
	wait_for(irq_log.n >= n, DELIVERY_US);
	wait_us(QUIET_US);
	irq_disable();

	for (unsigned int k = 0; k < irq_log.n && k < IRQ_LOG_MAX; k++) {
		uint8_t prio = prio_of(irq_log.e[k].intid, order_src, n);

		if (k > 0 && prio <= prio_of(irq_log.e[k - 1].intid, order_src, n))
			in_order = false;
		if (irq_log.e[k].rpr != running(prio))
			rpr_ok = false;
	}
	check(all_pending, "prio: %u SGIs and SPIs set pending with IRQs masked read back pending",
	      n);
	check(irq_log_each_once(intid_set(order_src, n)),
	      "prio: ... each of the %u delivered exactly once (%u deliveries)", n, irq_log.n);
	check(in_order, "prio: ... highest priority first");
	check(rpr_ok, "prio: ... ICC_RPR_EL1 in each handler is its priority");
	if (!in_order || !rpr_ok)
		for (unsigned int k = 0; k < irq_log.n && k < IRQ_LOG_MAX; k++)
			printf("#   delivery %u: INTID %u priority 0x%x RPR 0x%x\n", k,
			       irq_log.e[k].intid, prio_of(irq_log.e[k].intid, order_src, n),
			       irq_log.e[k].rpr);
	disable_all(order_src, n);
}

/* Poll an ICC register until it shows an interrupt: after an EOI the next one may take a
 * moment to be presented (on hardware, or while a hypervisor refills list registers). */
static uint32_t poll_intid(bool ack)
{
	uint64_t deadline = counter_read() + timer_us_to_ticks(QUIET_US);
	uint32_t intid;

	do
		intid = ack ? gic_read_iar1() : gic_read_hppir1();
	while (intid == GIC_INTID_SPURIOUS && counter_read() < deadline);
	return intid;
}

/* The same 12 acknowledged by hand with IRQs masked: HPPIR names each one before IAR takes
 * it, in priority order, with RPR = its priority until its EOI. */
static void check_polled(void)
{
	const unsigned int n = ORDER_MAX;
	bool hppir_ok = true, in_order = true, rpr_ok = true;
	uint8_t last = 0;
	unsigned int taken = 0;

	make_order_sources(n);
	irq_disable();
	for (unsigned int i = 0; i < n; i++)
		gic_set_pending(order_src[i].intid);
	for (unsigned int i = 0; i < n; i++) {
		uint32_t hppir = poll_intid(false);
		uint32_t intid = poll_intid(true);

		if (intid >= GIC_MAX_INTID)
			break;
		taken++;
		uint8_t prio = prio_of(intid, order_src, n);

		hppir_ok &= hppir == intid;
		in_order &= i == 0 || prio > last;
		rpr_ok &= gic_read_rpr() == running(prio);
		last = prio;
		gic_write_eoir1(intid);
	}
	uint32_t extra = gic_read_iar1();
	uint32_t rpr = gic_read_rpr();

	irq_enable();
	check(taken == n && extra == GIC_INTID_SPURIOUS,
	      "prio: %u pending acknowledged by polling ICC_IAR1_EL1, then 1023 (%u, %u)", n, taken,
	      extra);
	check(hppir_ok, "prio: ... ICC_HPPIR1_EL1 named each one before it was acknowledged");
	check(in_order && rpr_ok, "prio: ... highest priority first, RPR = its priority until EOI");
	check_eq(rpr, GIC_PRIO_IDLE,
		 "prio: ... and the running priority is idle after the last EOI");
	disable_all(order_src, n);
}

/* Six levels, each handler pending the next higher priority (SPIs by GICD_ISPENDR, SGIs by
 * ICC_SGI1R_EL1) and unmasking IRQs: six active at once, more than 4 list registers. */
#define NEST_LEVELS 6
static const struct source nest_src[NEST_LEVELS] = {
    {SPI(8), 0xc0}, {8, 0xa0}, {SPI(9), 0x80}, {9, 0x60}, {SPI(10), 0x40}, {10, 0x20},
};

static volatile unsigned int depth, max_depth;
static volatile bool nest_entered[NEST_LEVELS], nest_done[NEST_LEVELS];
static volatile uint32_t nest_rpr[NEST_LEVELS], nest_rpr_after[NEST_LEVELS];
static volatile unsigned int nest_outer[NEST_LEVELS]; /* depth when entered: who it preempted */

static unsigned int nest_level(uint32_t intid)
{
	for (unsigned int l = 0; l < NEST_LEVELS; l++)
		if (nest_src[l].intid == intid)
			return l;
	return NEST_LEVELS;
}

static void nest_handler(uint32_t intid)
{
	unsigned int l = nest_level(intid);

	if (l >= NEST_LEVELS || nest_entered[l])
		return;
	nest_entered[l] = true;
	nest_outer[l] = depth;
	nest_rpr[l] = gic_read_rpr();
	if (++depth > max_depth)
		max_depth = depth;
	if (l + 1 < NEST_LEVELS) {
		uint32_t next = nest_src[l + 1].intid;

		if (next < GIC_NR_SGIS)
			gic_send_sgi_self(next);
		else
			gic_set_pending(next);
		irq_enable();
		wait_for(nest_done[l + 1], DELIVERY_US);
		irq_disable();
		nest_rpr_after[l] = gic_read_rpr();
	}
	depth--;
	nest_done[l] = true;
}

static void check_nesting(void)
{
	for (unsigned int l = 0; l < NEST_LEVELS; l++) {
		irq_register(nest_src[l].intid, nest_handler);
		gic_irq_setup(nest_src[l].intid, nest_src[l].prio, true);
	}
	irq_enable();
	gic_set_pending(nest_src[0].intid);
	wait_for(nest_done[0], DELIVERY_US);
	irq_disable();

	check_eq(max_depth, NEST_LEVELS, "prio: handlers nested %u deep", NEST_LEVELS);
	check(nest_entered[0] && nest_rpr[0] == running(nest_src[0].prio),
	      "prio: level 0 (INTID %u, priority 0x%x) runs at RPR 0x%x", nest_src[0].intid,
	      nest_src[0].prio, nest_rpr[0]);
	for (unsigned int l = 1; l < NEST_LEVELS; l++)
		check(nest_entered[l] && nest_outer[l] == l &&
			  nest_rpr[l] == running(nest_src[l].prio),
		      "prio: level %u (INTID %u, priority 0x%x) preempts level %u, RPR 0x%x", l,
		      nest_src[l].intid, nest_src[l].prio, l - 1, nest_rpr[l]);
	for (unsigned int l = 0; l + 1 < NEST_LEVELS; l++)
		check_eq(nest_rpr_after[l], running(nest_src[l].prio),
			 "prio: after level %u's EOI the running priority is level %u's again",
			 l + 1, l);

	bool any_active = false;

	for (unsigned int l = 0; l < NEST_LEVELS; l++)
		any_active |= gic_is_active(nest_src[l].intid);
	check(gic_read_rpr() == GIC_PRIO_IDLE && !any_active,
	      "prio: all %u EOIed: running priority idle, none active", NEST_LEVELS);
	disable_all(nest_src, NEST_LEVELS);
}

/* A handler at 0x80 with IRQs unmasked: an equal (0x80) and a lower (0xa0) priority interrupt
 * wait, a higher one (0x60) preempts; after the EOI the two waiting ones come, equal first. */
static const struct source pre_src[] = {
    {SPI(11), 0x80}, /* the handler */
    {11, 0x80},	     /* equal */
    {SPI(12), 0xa0}, /* lower */
    {12, 0x60},	     /* higher */
};
#define PRE_N (sizeof(pre_src) / sizeof(pre_src[0]))

static volatile unsigned int inside_equal_lower, inside_higher;
static volatile uint32_t inside_hppir;

static void preempt_handler(uint32_t intid)
{
	irq_log_handler(intid);
	gic_set_pending(pre_src[1].intid);
	gic_set_pending(pre_src[2].intid);
	irq_enable();
	wait_us(QUIET_US);
	irq_disable();
	inside_equal_lower = irq_log.n - 1;
	inside_hppir = gic_read_hppir1();
	gic_send_sgi_self(pre_src[3].intid);
	irq_enable();
	wait_for(irq_log_count(pre_src[3].intid) > 0, DELIVERY_US);
	irq_disable();
	inside_higher = irq_log_count(pre_src[3].intid);
}

static void check_preemption(void)
{
	irq_register(pre_src[0].intid, preempt_handler);
	gic_irq_setup(pre_src[0].intid, pre_src[0].prio, true);
	for (unsigned int i = 1; i < PRE_N; i++) {
		irq_register(pre_src[i].intid, irq_log_handler);
		gic_irq_setup(pre_src[i].intid, pre_src[i].prio, true);
	}
	irq_log_reset();
	irq_enable();
	gic_set_pending(pre_src[0].intid);
	wait_for(irq_log.n >= PRE_N, DELIVERY_US);
	wait_us(QUIET_US);
	irq_disable();

	check_eq(inside_equal_lower, 0,
		 "prio: in a 0x80 handler with IRQs unmasked, equal 0x80 and lower 0xa0 wait");
	check_eq(inside_hppir, pre_src[1].intid,
		 "prio: ... ICC_HPPIR1_EL1 there names the equal one (INTID %u)", pre_src[1].intid);
	check_eq(inside_higher, 1, "prio: ... a higher 0x60 SGI preempts it");
	check(irq_log.n == PRE_N && irq_log.e[1].intid == pre_src[3].intid &&
		  irq_log.e[1].rpr == running(pre_src[3].prio),
	      "prio: ... running at RPR 0x%x", irq_log.n > 1 ? irq_log.e[1].rpr : 0);
	check(irq_log.n == PRE_N && irq_log.e[2].intid == pre_src[1].intid &&
		  irq_log.e[3].intid == pre_src[2].intid,
	      "prio: after the handler's EOI the equal one, then the lower one (%u deliveries)",
	      irq_log.n);
	disable_all(pre_src, PRE_N);
}

int main(void)
{
	check(irq_init(), "prio: GIC up (GICR_WAKER and RWP handshakes done)");
	cpuif_mask = gic_cpuif_prio_mask();
	printf("# prio: CPU interface priority mask 0x%x, ICC_BPR1_EL1 %u\n", cpuif_mask,
	       gic_read_bpr1());
	/* Levels 0x20 apart must be distinct group priorities: binary point at most 4. */
	check(gic_read_bpr1() <= 4 && (cpuif_mask & 0xf0) == 0xf0,
	      "prio: at least 16 preemption levels (BPR1 %u, priority mask 0x%x)", gic_read_bpr1(),
	      cpuif_mask);
	irq_enable();

	check_order(8);
	check_order(ORDER_MAX);
	check_polled();
	check_nesting();
	check_preemption();

	irq_disable();
	irq_check_clean();
	return 0;
}

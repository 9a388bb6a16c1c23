// SPDX-License-Identifier: MIT
/* Far more pending interrupts than the hypervisor's 4 list registers: 20 SGIs and SPIs
 * pending at once are each delivered exactly once, none lost, highest priority first; then
 * the same 20 at one priority are each delivered once, in any order. */
#include "check.h"
#include "gic.h"
#include "irq.h"
#include "irq_log.h"
#include "printf.h"
#include "wait.h"

const char guest_name[] = "lr_overflow";

#define NR_SOURCES  20
#define NR_SGIS	    10
#define EQUAL_PRIO  0x80
#define DELIVERY_US 200000
#define QUIET_US    2000

static uint32_t intid[NR_SOURCES];
static uint8_t prio[NR_SOURCES];
static uint64_t all; /* bitmap of the 20 INTIDs */

static uint8_t prio_of(uint32_t id)
{
	for (unsigned int i = 0; i < NR_SOURCES; i++)
		if (intid[i] == id)
			return prio[i];
	return GIC_PRIO_IDLE;
}

/* SGIs 0-9 and SPIs 48-57, interleaved. With `distinct`, priorities one implemented step
 * apart (0x08 on a 5-bit interface), assigned out of INTID order ((7 * i) mod 20 is a
 * permutation); otherwise all the same. */
static void setup(bool distinct)
{
	uint8_t mask = gic_cpuif_prio_mask();
	uint8_t step = (uint8_t)(~mask + 1);

	all = 0;
	for (unsigned int i = 0; i < NR_SOURCES; i++) {
		intid[i] = i % 2 ? GUEST_FREE_SPI_BASE + i / 2 : i / 2;
		prio[i] =
		    distinct ? (uint8_t)((step * (1 + (7 * i) % NR_SOURCES)) & mask) : EQUAL_PRIO;
		all |= 1UL << intid[i];
		irq_register(intid[i], irq_log_handler);
		gic_irq_setup(intid[i], prio[i], true);
	}
}

/* Pend all 20 with IRQs masked (SPIs through GICD_ISPENDR, SGIs through ICC_SGI1R_EL1), then
 * unmask and let them come. Returns whether all read back pending before. */
static bool pend_and_deliver(void)
{
	bool all_pending = true;

	irq_log_reset();
	irq_disable();
	for (unsigned int i = 0; i < NR_SOURCES; i++)
		if (intid[i] < GIC_NR_SGIS)
			gic_send_sgi_self(intid[i]);
		else
			gic_set_pending(intid[i]);
	for (unsigned int i = 0; i < NR_SOURCES; i++)
		all_pending &= gic_is_pending(intid[i]);
	irq_enable();
	wait_for(irq_log.n >= NR_SOURCES, DELIVERY_US);
	wait_us(QUIET_US);
	irq_disable();
	return all_pending;
}

static bool none_left(void)
{
	for (unsigned int i = 0; i < NR_SOURCES; i++)
		if (gic_is_pending(intid[i]) || gic_is_active(intid[i]))
			return false;
	return gic_read_rpr() == GIC_PRIO_IDLE;
}

static void dump_log(void)
{
	for (unsigned int k = 0; k < irq_log.n && k < IRQ_LOG_MAX; k++)
		printf("#   delivery %u: INTID %u priority 0x%x RPR 0x%x\n", k, irq_log.e[k].intid,
		       prio_of(irq_log.e[k].intid), irq_log.e[k].rpr);
}

static void check_distinct(void)
{
	uint8_t mask = gic_cpuif_prio_mask();
	bool in_order = true, rpr_ok = true;

	setup(true);
	bool all_pending = pend_and_deliver();

	for (unsigned int k = 0; k < irq_log.n && k < IRQ_LOG_MAX; k++) {
		uint8_t p = prio_of(irq_log.e[k].intid);

		/* Non-decreasing: on an interface with fewer than 5 bits some priorities tie. */
		if (k > 0 && p < prio_of(irq_log.e[k - 1].intid))
			in_order = false;
		rpr_ok &= irq_log.e[k].rpr == (p & mask);
	}
	check(all_pending,
	      "lr_overflow: %u SGIs and SPIs, distinct priorities, read back pending together",
	      NR_SOURCES);
	check(irq_log_each_once(all),
	      "lr_overflow: ... each delivered exactly once (%u deliveries)", irq_log.n);
	check(in_order, "lr_overflow: ... highest priority first");
	check(rpr_ok, "lr_overflow: ... ICC_RPR_EL1 in each handler is its priority");
	check(none_left(), "lr_overflow: ... none left pending or active, running priority idle");
	if (!in_order || !rpr_ok || irq_log.n != NR_SOURCES)
		dump_log();
}

static void check_equal(void)
{
	setup(false);
	bool all_pending = pend_and_deliver();

	check(all_pending,
	      "lr_overflow: %u SGIs and SPIs at priority 0x%x read back pending together",
	      NR_SOURCES, EQUAL_PRIO);
	check(irq_log_each_once(all),
	      "lr_overflow: ... each delivered exactly once (%u deliveries)", irq_log.n);
	check(none_left(), "lr_overflow: ... none left pending or active, running priority idle");
	if (irq_log.n != NR_SOURCES)
		dump_log();
}

int main(void)
{
	check(irq_init(), "lr_overflow: GIC up (GICR_WAKER and RWP handshakes done)");
	check_distinct();
	check_equal();
	irq_check_clean();
	return 0;
}

// SPDX-License-Identifier: MIT
/* EOImode 1 nested deeper than the list registers (docs/interrupts.md): six SPIs taken and
 * priority-dropped, so six are active at once on a CPU interface with four list registers, then
 * deactivated with ICC_DIR_EL1 out of order. The hypervisor keeps the two that do not fit in
 * software and traps DIR while it does (ICH_HCR_EL2.TDIR): each DIR must end the interrupt it
 * names and no other. Interrupts are taken by polling IAR with PSTATE.I set. */
#include "check.h"
#include "gic.h"
#include "irq.h"
#include "timer.h"

const char guest_name[] = "eoimode1";

#define NR_SPIS 6
#define SPI(n)	(GUEST_FREE_SPI_BASE + (n))

static uint32_t poll_iar(void)
{
	uint64_t deadline = counter_read() + timer_us_to_ticks(2000);
	uint32_t intid;

	do
		intid = gic_read_iar1();
	while (intid == GIC_INTID_SPURIOUS && counter_read() < deadline);
	return intid;
}

/* Take one pending interrupt and drop its priority (EOImode 1: it stays active). */
static uint32_t take(void)
{
	uint32_t intid = poll_iar();

	if (intid != GIC_INTID_SPURIOUS)
		gic_write_eoir1(intid);
	return intid;
}

/* Bit n set: SPI(n) is active. */
static unsigned active_set(void)
{
	unsigned set = 0;

	for (unsigned n = 0; n < NR_SPIS; n++)
		set |= (unsigned)gic_is_active(SPI(n)) << n;
	return set;
}

int main(void)
{
	/* SPI(0) has the lowest priority, SPI(5) the highest: each newcomer preempts. */
	static const unsigned order[NR_SPIS] = {0, 3, 1, 5, 2, 4};
	unsigned expect = (1u << NR_SPIS) - 1;
	bool taken_in_order = true;

	check(irq_init(), "eoimode1: GIC up");
	irq_disable();
	irq_set_eoimode(true);
	for (unsigned n = 0; n < NR_SPIS; n++)
		gic_irq_setup(SPI(n), (uint8_t)(0x60 - 0x10 * n), true);
	for (unsigned n = 0; n < NR_SPIS; n++) {
		gic_set_pending(SPI(n));
		taken_in_order &= take() == SPI(n);
	}
	check(taken_in_order, "eoimode1: six SPIs taken, each preempting the one before");
	check_eq(active_set(), expect, "eoimode1: all six active after their priority drops");
	check_eq(gic_read_rpr(), GIC_PRIO_IDLE, "eoimode1: running priority back to idle");

	for (unsigned i = 0; i < NR_SPIS; i++) {
		gic_write_dir(SPI(order[i]));
		expect &= ~(1u << order[i]);
		check_eq(active_set(), expect, "eoimode1: DIR of SPI %u ends it and only it",
			 SPI(order[i]));
	}

	/* Everything is back to normal: the two lowest are taken again, highest first. */
	gic_set_pending(SPI(0));
	gic_set_pending(SPI(1));
	check_eq(take(), SPI(1), "eoimode1: SPI %u taken again", SPI(1));
	gic_write_dir(SPI(1));
	check_eq(take(), SPI(0), "eoimode1: SPI %u taken again", SPI(0));
	gic_write_dir(SPI(0));
	check_eq(active_set(), 0u, "eoimode1: nothing left active");
	irq_check_clean();
	return 0;
}

// SPDX-License-Identifier: MIT
/* The interrupt dispatcher and handler registry (irq.h). */
#include "irq.h"

#include "check.h"
#include "entry.h"
#include "gic.h"
#include "printf.h"
#include "wait.h"

volatile struct irq_stats irq_stats;

static irq_handler_t handlers[GIC_MAX_INTID];
static bool eoi_split;

void irq_register(uint32_t intid, irq_handler_t fn)
{
	if (intid < GIC_MAX_INTID)
		handlers[intid] = fn;
}

bool irq_init(void)
{
	bool ok = gic_init();

	eoi_split = false;
	wait_watchdog(true);
	return ok;
}

void irq_set_eoimode(bool split)
{
	uint64_t ctlr = gic_read_ctlr() & ~ICC_CTLR_EOIMODE;

	gic_write_ctlr(split ? ctlr | ICC_CTLR_EOIMODE : ctlr);
	eoi_split = split;
}

void irq_handle(bool fiq)
{
	uint32_t intid = fiq ? gic_read_iar0() : gic_read_iar1();
	irq_handler_t fn;

	if (intid >= GIC_MAX_INTID) {
		irq_stats.spurious++;
		return;
	}
	if (fiq)
		irq_stats.fiqs++;
	else
		irq_stats.irqs++;
	fn = handlers[intid];
	if (fn) {
		fn(intid);
	} else {
		/* Nobody wants it: disable it so a level source cannot storm. */
		irq_stats.unhandled++;
		irq_stats.last_unhandled = intid;
		gic_disable(intid);
	}
	/* The handler may have unmasked IRQs; ELR/SPSR are about to be restored from the frame,
	 * and a nested IRQ after the EOI would clobber them. */
	irq_disable();
	if (fiq)
		gic_write_eoir0(intid);
	else
		gic_write_eoir1(intid);
	if (eoi_split)
		gic_write_dir(intid);
}

void irq_check_clean(void)
{
	check(irq_stats.unhandled == 0 && irq_stats.fiqs == 0,
	      "%s: no unexpected interrupt (unhandled %u, last INTID %u; FIQs %u)", guest_name,
	      irq_stats.unhandled, irq_stats.last_unhandled, irq_stats.fiqs);
	printf("# %s: %u IRQs, %u spurious\n", guest_name, irq_stats.irqs, irq_stats.spurious);
}

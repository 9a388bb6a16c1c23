// SPDX-License-Identifier: MIT
/* SGIs to self on a one-vCPU VM: all 16 exist and arrive once each with their INTID through
 * ICC_SGI1R_EL1 (target list = own Aff0); IRM=1 ("all but self") and a target list without
 * this vCPU deliver nothing; SGIs sent while masked (PSTATE, PMR, disabled) wait, read back
 * as pending in GICR_ISPENDR0, and arrive once each when unmasked; GICR_ISPENDR0, ICPENDR0,
 * ISACTIVER0 and ICACTIVER0 show and change the true state. */
#include "check.h"
#include "gic.h"
#include "irq.h"
#include "irq_log.h"
#include "printf.h"
#include "wait.h"

const char guest_name[] = "sgi";

#define SGI_PRIO    0x80
#define ALL_SGIS    0xffffUL
#define DELIVERY_US 100000 /* an SGI that has not arrived by then is lost */
#define QUIET_US    2000   /* a window in which no (further) delivery may happen */

static void send_all(void)
{
	for (uint32_t i = 0; i < GIC_NR_SGIS; i++)
		gic_send_sgi_self(i);
}

static uint32_t pending_sgis(void)
{
	return gicr_sgi_read(GICR_ISPENDR0) & ALL_SGIS;
}

/* Wait for `want` deliveries, then a quiet window to catch duplicates. */
static void settle(unsigned int want)
{
	wait_for(irq_log.n >= want, DELIVERY_US);
	wait_us(QUIET_US);
}

static void check_each_to_self(void)
{
	uint64_t target = gic_sgi1r_self(0) & ICC_SGIR_TARGETLIST_MASK;

	for (uint32_t i = 0; i < GIC_NR_SGIS; i++) {
		irq_log_reset();
		gic_send_sgi_self(i);
		settle(1);
		check(irq_log.n == 1 && irq_log.e[0].intid == i,
		      "sgi: SGI %u to self (target list 0x%lx) comes once, its INTID (%u, %u)", i,
		      target, irq_log.n, irq_log.n ? irq_log.e[0].intid : GIC_INTID_SPURIOUS);
	}
}

static void check_not_to_self(void)
{
	uint64_t self = gic_sgi1r_self(0);
	uint64_t other = (self & ~ICC_SGIR_TARGETLIST_MASK) |
			 (((self & ICC_SGIR_TARGETLIST_MASK) << 1) & ICC_SGIR_TARGETLIST_MASK);

	if (!(other & ICC_SGIR_TARGETLIST_MASK))
		other |= 1; /* own Aff0 was 15: target Aff0 0 of the same group of 16 instead */

	irq_log_reset();
	for (uint32_t i = 0; i < GIC_NR_SGIS; i++)
		gic_write_sgi1r(ICC_SGIR_IRM | ((uint64_t)i << ICC_SGIR_INTID_SHIFT));
	wait_us(QUIET_US);
	check_eq(irq_log.n, 0, "sgi: IRM=1 (all but self) delivers none of the 16 SGIs here");
	check_eq(pending_sgis(), 0, "sgi: ... and leaves none pending");

	irq_log_reset();
	for (uint32_t i = 0; i < GIC_NR_SGIS; i++)
		gic_write_sgi1r(other | ((uint64_t)i << ICC_SGIR_INTID_SHIFT));
	wait_us(QUIET_US);
	check(irq_log.n == 0 && pending_sgis() == 0,
	      "sgi: a target list without this vCPU (0x%lx) delivers nothing, pends nothing",
	      (unsigned long)(other & ICC_SGIR_TARGETLIST_MASK));
}

static void check_masked_by_pstate(void)
{
	irq_log_reset();
	irq_disable();
	send_all();
	uint32_t pending = pending_sgis();
	unsigned int early = irq_log.n;

	irq_enable();
	settle(GIC_NR_SGIS);
	check(pending == ALL_SGIS && early == 0,
	      "sgi: 16 SGIs sent with PSTATE.I set read back pending (GICR_ISPENDR0 0x%x)",
	      pending);
	check(irq_log_each_once(ALL_SGIS) && pending_sgis() == 0,
	      "sgi: ... and arrive once each when unmasked (%u deliveries)", irq_log.n);
}

static void check_masked_by_pmr(void)
{
	irq_log_reset();
	gic_write_pmr(SGI_PRIO); /* only priorities higher (lower values) than this pass */
	send_all();
	wait_us(QUIET_US);
	unsigned int early = irq_log.n;
	uint32_t pending = pending_sgis();

	gic_write_pmr(GIC_PRIO_IDLE);
	settle(GIC_NR_SGIS);
	check(early == 0 && pending == ALL_SGIS,
	      "sgi: with ICC_PMR_EL1 at their priority 16 SGIs wait pending (%u, 0x%x)", early,
	      pending);
	check(irq_log_each_once(ALL_SGIS), "sgi: ... and arrive once each when PMR opens (%u)",
	      irq_log.n);
}

static void check_masked_by_disable(void)
{
	irq_log_reset();
	gicr_sgi_write(GICR_ICENABLER0, ALL_SGIS);
	gicr_wait_rwp();
	send_all();
	wait_us(QUIET_US);
	unsigned int early = irq_log.n;
	uint32_t pending = pending_sgis();

	check_eq(gicr_sgi_read(GICR_ISENABLER0) & ALL_SGIS, 0,
		 "sgi: GICR_ICENABLER0 disables all 16 SGIs");
	gicr_sgi_write(GICR_ISENABLER0, ALL_SGIS);
	settle(GIC_NR_SGIS);
	check(early == 0 && pending == ALL_SGIS,
	      "sgi: SGIs sent while disabled wait, pending (%u delivered, GICR_ISPENDR0 0x%x)",
	      early, pending);
	check(irq_log_each_once(ALL_SGIS), "sgi: ... and arrive once each when enabled (%u)",
	      irq_log.n);
}

static void check_pending_register(void)
{
	irq_log_reset();
	irq_disable();
	gic_send_sgi_self(4);
	gic_send_sgi_self(4);
	irq_enable();
	settle(1);
	check_eq(irq_log_count(4), 1, "sgi: SGI 4 sent twice while masked arrives once");

	irq_log_reset();
	irq_disable();
	gic_send_sgi_self(6);
	bool was_pending = gic_is_pending(6);

	gicr_sgi_write(GICR_ICPENDR0, 1U << 6);
	bool still_pending = gic_is_pending(6);

	irq_enable();
	wait_us(QUIET_US);
	check(was_pending && !still_pending && irq_log.n == 0,
	      "sgi: GICR_ICPENDR0 withdraws a pending SGI (pending %d, after %d, delivered %u)",
	      was_pending, still_pending, irq_log.n);

	irq_log_reset();
	gicr_sgi_write(GICR_ISPENDR0, 1U << 7);
	settle(1);
	check(irq_log.n == 1 && irq_log_count(7) == 1,
	      "sgi: a write of GICR_ISPENDR0 pends SGI 7: delivered once (%u)", irq_log.n);
}

static volatile bool resent_pending, resent_active;

/* Sends itself again while active: pending and active at once, taken again after EOI. */
static void resend_handler(uint32_t intid)
{
	irq_log_handler(intid);
	if (irq_log.n == 1) {
		gic_send_sgi_self(intid);
		resent_pending = gic_is_pending(intid);
		resent_active = gic_is_active(intid);
	}
}

static void check_resend_while_active(void)
{
	irq_log_reset();
	irq_register(5, resend_handler);
	gic_send_sgi_self(5);
	settle(2);
	irq_register(5, irq_log_handler);
	check(resent_pending && resent_active,
	      "sgi: SGI 5 sent from its own handler reads back pending and active (%d, %d)",
	      resent_pending, resent_active);
	check_eq(irq_log_count(5), 2, "sgi: ... and is taken again after the EOI");
}

/* Acknowledge by hand with IRQs masked: active, not pending, until GICR_ICACTIVER0. EOImode
 * 1, so that the EOI is only the priority drop and ICACTIVER0 the only deactivation. */
static void check_active_register(void)
{
	irq_disable();
	irq_set_eoimode(true);
	gic_send_sgi_self(9);
	uint32_t intid = gic_read_iar1();
	bool active = gic_is_active(9), pending = gic_is_pending(9);

	gicr_sgi_write(GICR_ICACTIVER0, 1U << 9);
	bool cleared = !gic_is_active(9);
	uint32_t rpr = gic_read_rpr();

	gic_write_eoir1(intid);
	uint32_t rpr_after = gic_read_rpr();

	irq_set_eoimode(false);
	irq_enable();
	check_eq(intid, 9, "sgi: ICC_IAR1_EL1 acknowledges SGI 9 with IRQs masked");
	check(active && !pending,
	      "sgi: acknowledged, not EOIed: GICR_ISACTIVER0 set, ISPENDR0 clear (%d, %d)", active,
	      pending);
	check(cleared && rpr == SGI_PRIO,
	      "sgi: GICR_ICACTIVER0 deactivates it; running priority stays 0x%x until EOIR (0x%x)",
	      SGI_PRIO, rpr);
	check_eq(rpr_after, GIC_PRIO_IDLE,
		 "sgi: after EOIR (EOImode 1) the running priority is idle");
}

int main(void)
{
	check(irq_init(), "sgi: GIC up (GICR_WAKER and RWP handshakes done)");
	printf("# sgi: MPIDR_EL1 0x%lx\n", read_sysreg(mpidr_el1));
	for (uint32_t i = 0; i < GIC_NR_SGIS; i++) {
		irq_register(i, irq_log_handler);
		gic_irq_setup(i, SGI_PRIO, true);
	}
	irq_enable();

	check_each_to_self();
	check_not_to_self();
	check_masked_by_pstate();
	check_masked_by_pmr();
	check_masked_by_disable();
	check_pending_register();
	check_resend_while_active();
	check_active_register();

	irq_disable();
	irq_check_clean();
	return 0;
}

/* SPDX-License-Identifier: MIT */
#ifndef HAL_GIC_H
#define HAL_GIC_H

#include <stdbool.h>
#include <stdint.h>

#include <hal/err.h>

/* The physical GICv3 (distributor, redistributors, CPU interface) as the hypervisor alone
 * programs it: affinity routing, every interrupt Group 1 Non-secure, EOImode = 1 (priority
 * drop and deactivation are separate, so an interrupt handed to a guest with HW=1 is
 * deactivated by the guest's own EOI). Register-level knowledge stays in hal/aarch64/gic*.c.
 *
 * Interrupts are never taken as exceptions at EL2 (PSTATE.I stays masked there): a pCPU sees
 * them as a guest exit of kind HAL_EXIT_IRQ, or wakes from hal_wait_for_interrupt(), and then
 * calls hal_gic_ack() until it returns HAL_GIC_SPURIOUS. */

#define HAL_GIC_SPURIOUS  1023u
#define HAL_GIC_SGI_COUNT 16u
/* Most redistributor regions hal_gic_init() accepts (a DTB's GICv3 node lists them in reg). */
#define HAL_GIC_MAX_REDIST_REGIONS 8

/* Boot CPU, MMU on: take over the distributor at `gicd_pa` (groups off, ARE_NS, every SPI
 * Group 1 NS, disabled, inactive, not pending, priority 0xa0, level-sensitive, routed to the
 * calling CPU; then Group 1 on) and remember the redistributor regions (the arrays are
 * copied). HV_EINVAL for no region or more than HAL_GIC_MAX_REDIST_REGIONS, HV_ENOTSUP if it is not a
 * GICv3/v4, HV_ETIMEDOUT if a write never completes (GICD_CTLR.RWP). */
int hal_gic_init(uint64_t gicd_pa, const uint64_t *gicr_pa, const uint64_t *gicr_size,
		 unsigned gicr_count);

/* Every CPU, the boot CPU included, after hal_gic_init(): find and wake this CPU's
 * redistributor, set up its SGIs and PPIs (disabled, Group 1 NS, priority 0xa0) and its CPU
 * interface (SRE, PMR open, EOImode = 1, Group 1 on). HV_ENOENT if no redistributor has this
 * CPU's affinity. */
int hal_gic_cpu_init(void);

/* One past the highest INTID the distributor implements: 32 * (GICD_TYPER.ITLinesNumber + 1),
 * at most 1020. SPIs are 32 .. hal_gic_max_intid() - 1. */
unsigned hal_gic_max_intid(void);

/* Per-interrupt control. SGIs/PPIs (INTID < 32) act on the calling CPU's redistributor; an
 * INTID that does not exist is ignored. Disabling returns once the interrupt is no longer
 * forwarded. Change the trigger only while the interrupt is disabled. The CPU interface may
 * implement fewer priority bits than the 8 stored (QEMU 7.2: 5, so use multiples of 8). */
void hal_gic_enable(uint32_t intid, bool enable);
void hal_gic_set_priority(uint32_t intid, uint8_t priority);
void hal_gic_set_edge(uint32_t intid, bool edge);
/* SPIs: route to the pCPU with `mpidr` (affinity fields). */
void hal_gic_route(uint32_t intid, uint64_t mpidr);

/* Acknowledge the highest-priority pending interrupt (ICC_IAR1_EL1): its INTID or
 * HAL_GIC_SPURIOUS. Then hal_gic_eoi() drops the priority and, unless a guest will do it
 * (HW=1 in a list register), hal_gic_deactivate() ends it. Until then it stays active: the
 * same INTID is not acknowledged again. */
uint32_t hal_gic_ack(void);
void hal_gic_eoi(uint32_t intid);
void hal_gic_deactivate(uint32_t intid);

/* True if `intid` is active (acknowledged, not deactivated) on the calling pCPU. */
bool hal_gic_active(uint32_t intid);

/* Send SGI `sgi` (0..15) to the pCPU with `mpidr`. What the caller wrote to memory before is
 * visible to the target by the time it acknowledges the SGI. */
void hal_gic_send_sgi(uint64_t mpidr, unsigned sgi);

/* --- The EL2 hypervisor timer (CNTHP, PPI 26 = INTID 26): the hypervisor's own tick. --- */
/* Fire when the system counter reaches `deadline` (absolute); replaces any earlier one. The
 * interrupt is a level that stays asserted once the deadline has passed: re-arm or cancel
 * before hal_gic_deactivate(), or it is taken again at once. */
void hal_hyp_timer_arm(uint64_t deadline);
void hal_hyp_timer_cancel(void);

#endif

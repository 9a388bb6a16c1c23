/* SPDX-License-Identifier: MIT */
#ifndef GUEST_GIC_H
#define GUEST_GIC_H

/* Programming the GICv3 distributor and this vCPU's redistributor as on real hardware. Per
 * interrupt helpers take an INTID and use the redistributor's SGI_base frame for SGIs and
 * PPIs (INTID < 32, affinity routing on) and the distributor for SPIs. None of them waits
 * for an interrupt or touches PSTATE. */

#include <stdbool.h>
#include <stdint.h>

#include "board.h"
#include "gic_cpuif.h"
#include "gic_regs.h"

#define GIC_PRIO_DEFAULT 0xa0 /* what gic_init() gives every interrupt */

/* 32-bit (and 64-bit) accesses to a distributor, RD_base or SGI_base register. */
static inline uint32_t gicd_read(uint32_t off)
{
	return *(volatile uint32_t *)(GUEST_GICD_BASE + off);
}

static inline void gicd_write(uint32_t off, uint32_t val)
{
	*(volatile uint32_t *)(GUEST_GICD_BASE + off) = val;
}

static inline uint64_t gicd_read64(uint32_t off)
{
	return *(volatile uint64_t *)(GUEST_GICD_BASE + off);
}

static inline void gicd_write64(uint32_t off, uint64_t val)
{
	*(volatile uint64_t *)(GUEST_GICD_BASE + off) = val;
}

static inline uint32_t gicr_read(uint32_t off)
{
	return *(volatile uint32_t *)(GUEST_GICR_BASE + off);
}

static inline void gicr_write(uint32_t off, uint32_t val)
{
	*(volatile uint32_t *)(GUEST_GICR_BASE + off) = val;
}

static inline uint64_t gicr_read64(uint32_t off)
{
	return *(volatile uint64_t *)(GUEST_GICR_BASE + off);
}

static inline uint32_t gicr_sgi_read(uint32_t off)
{
	return *(volatile uint32_t *)(GUEST_GICR_BASE + GICR_SGI_BASE + off);
}

static inline void gicr_sgi_write(uint32_t off, uint32_t val)
{
	*(volatile uint32_t *)(GUEST_GICR_BASE + GICR_SGI_BASE + off) = val;
}

/* Wait (bounded) for GICD_CTLR.RWP / GICR_CTLR.RWP to clear: false if it never did. */
bool gicd_wait_rwp(void);
bool gicr_wait_rwp(void);

/* GICR_WAKER handshake: clear ProcessorSleep, wait for ChildrenAsleep to clear. */
bool gicr_wake(void);

/* Interrupts the distributor implements: 32 * (ITLinesNumber + 1), at most 1020. */
uint32_t gic_nr_irqs(void);

/* This vCPU's affinity as GICD_IROUTER wants it (MPIDR_EL1 Aff3.Aff2.Aff1.Aff0). */
uint64_t gic_cpu_affinity(void);

/* Bring the GIC up as a kernel does: redistributor awake, distributor with affinity routing
 * and Group 1 enabled, every interrupt Group 1, disabled, inactive, not pending, priority
 * GIC_PRIO_DEFAULT, SPIs routed here; CPU interface with PMR open, the smallest binary
 * point, EOImode 0 and Group 1 enabled. False if a handshake timed out. */
bool gic_init(void);

/* Per-interrupt state. Enable/disable wait for RWP, as a later check relies on them. */
void gic_enable(uint32_t intid);
void gic_disable(uint32_t intid);
bool gic_is_enabled(uint32_t intid);
void gic_set_pending(uint32_t intid);
void gic_clear_pending(uint32_t intid);
bool gic_is_pending(uint32_t intid);
void gic_set_active(uint32_t intid);
void gic_clear_active(uint32_t intid);
bool gic_is_active(uint32_t intid);
void gic_set_group1(uint32_t intid, bool group1);
/* IPRIORITYR byte access: the value reads back with unimplemented low bits as 0. */
void gic_set_priority(uint32_t intid, uint8_t prio);
uint8_t gic_priority(uint32_t intid);
/* ICFGR: edge-triggered or level-sensitive (read-only for SGIs). */
void gic_set_edge(uint32_t intid, bool edge);
bool gic_is_edge(uint32_t intid);
/* Route an SPI to this vCPU (GICD_IROUTER). */
void gic_route_here(uint32_t intid);

/* The usual setup of one interrupt: Group 1, priority, trigger (not for SGIs), routed here
 * (SPIs), inactive, not pending, then enabled. */
void gic_irq_setup(uint32_t intid, uint8_t prio, bool edge);

/* The priority bits the CPU interface implements, as a mask of the 8-bit field (0xf8 for 5). */
uint8_t gic_cpuif_prio_mask(void);

/* ICC_SGI1R_EL1 value sending SGI `intid` to this vCPU alone (target list = own Aff0). */
uint64_t gic_sgi1r_self(uint32_t intid);

static inline void gic_send_sgi_self(uint32_t intid)
{
	gic_write_sgi1r(gic_sgi1r_self(intid));
}

#endif

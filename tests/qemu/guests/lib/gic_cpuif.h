/* SPDX-License-Identifier: MIT */
#ifndef GUEST_GIC_CPUIF_H
#define GUEST_GIC_CPUIF_H

/* The GICv3 CPU interface system registers, Group 1 (ICC_*_EL1). Under the hypervisor these
 * are the virtual interface (ICV_*): the same instructions, no trap except ICC_SGI1R_EL1.
 * Writes that change what the interface signals are followed by an isb, so the next
 * instruction sees the new state (as Linux's arch_gicv3.h does). */

#include <stdint.h>

#include "gic_regs.h"
#include "sysreg.h"

/* Acknowledge: the INTID of the highest priority pending interrupt, now active, or 1023. */
static inline uint32_t gic_read_iar1(void)
{
	return (uint32_t)(read_sysreg(icc_iar1_el1) & ICC_INTID_MASK);
}

/* Group 0 acknowledge: only reached through the FIQ vector. */
static inline uint32_t gic_read_iar0(void)
{
	return (uint32_t)(read_sysreg(icc_iar0_el1) & ICC_INTID_MASK);
}

/* Priority drop, and deactivation too unless ICC_CTLR_EL1.EOImode is 1. */
static inline void gic_write_eoir1(uint32_t intid)
{
	write_sysreg(icc_eoir1_el1, intid);
	isb();
}

static inline void gic_write_eoir0(uint32_t intid)
{
	write_sysreg(icc_eoir0_el1, intid);
	isb();
}

/* Deactivation when EOImode is 1. */
static inline void gic_write_dir(uint32_t intid)
{
	write_sysreg(icc_dir_el1, intid);
	isb();
}

/* The highest priority pending Group 1 interrupt, without acknowledging it. */
static inline uint32_t gic_read_hppir1(void)
{
	return (uint32_t)(read_sysreg(icc_hppir1_el1) & ICC_INTID_MASK);
}

/* Running priority: of the highest priority active interrupt, GIC_PRIO_IDLE if none. */
static inline uint32_t gic_read_rpr(void)
{
	return (uint32_t)(read_sysreg(icc_rpr_el1) & 0xff);
}

static inline void gic_write_pmr(uint32_t prio)
{
	write_sysreg(icc_pmr_el1, prio);
	isb();
}

static inline uint32_t gic_read_pmr(void)
{
	return (uint32_t)(read_sysreg(icc_pmr_el1) & 0xff);
}

static inline void gic_write_bpr1(uint32_t bpr)
{
	write_sysreg(icc_bpr1_el1, bpr);
	isb();
}

static inline uint32_t gic_read_bpr1(void)
{
	return (uint32_t)(read_sysreg(icc_bpr1_el1) & 0x7);
}

static inline void gic_write_ctlr(uint64_t ctlr)
{
	write_sysreg(icc_ctlr_el1, ctlr);
	isb();
}

static inline uint64_t gic_read_ctlr(void)
{
	return read_sysreg(icc_ctlr_el1);
}

static inline void gic_write_grpen1(uint64_t enable)
{
	write_sysreg(icc_igrpen1_el1, enable);
	isb();
}

static inline uint64_t gic_read_grpen1(void)
{
	return read_sysreg(icc_igrpen1_el1);
}

static inline uint64_t gic_read_sre(void)
{
	return read_sysreg(icc_sre_el1);
}

/* Generate SGIs (12.2.23); the dsb orders earlier stores before the SGI is seen. */
static inline void gic_write_sgi1r(uint64_t val)
{
	asm volatile("dsb ishst" : : : "memory");
	write_sysreg(icc_sgi1r_el1, val);
	isb();
}

#endif

/* SPDX-License-Identifier: MIT */
#ifndef GUEST_TIMER_H
#define GUEST_TIMER_H

/* The EL1 virtual timer (CNTV_*_EL0) and the virtual counter; the EL1 physical timer
 * (CNTP_*_EL0, emulated by the hypervisor: ptimer.c tests it) and the physical counter. */

#include <stdint.h>

#include "sysreg.h"

/* CNTV_CTL_EL0 (Arm ARM D23.10.17). */
#define CNTV_CTL_ENABLE	 (1UL << 0)
#define CNTV_CTL_IMASK	 (1UL << 1)
#define CNTV_CTL_ISTATUS (1UL << 2) /* read-only: CNTVCT >= CVAL, whatever IMASK says */

static inline uint64_t timer_freq(void)
{
	return read_sysreg(cntfrq_el0);
}

static inline uint64_t timer_us_to_ticks(uint64_t us)
{
	return us * timer_freq() / 1000000;
}

static inline uint64_t timer_ticks_to_us(uint64_t ticks)
{
	return ticks * 1000000 / timer_freq();
}

static inline void vtimer_write_ctl(uint64_t ctl)
{
	write_sysreg(cntv_ctl_el0, ctl);
	isb();
}

static inline uint64_t vtimer_read_ctl(void)
{
	isb();
	return read_sysreg(cntv_ctl_el0);
}

static inline void vtimer_write_cval(uint64_t cval)
{
	write_sysreg(cntv_cval_el0, cval);
	isb();
}

static inline uint64_t vtimer_read_cval(void)
{
	return read_sysreg(cntv_cval_el0);
}

/* TVAL is a signed 32-bit view of CVAL - CNTVCT; writing it sets CVAL = CNTVCT + TVAL. */
static inline void vtimer_write_tval(int32_t tval)
{
	write_sysreg(cntv_tval_el0, (uint64_t)(int64_t)tval);
	isb();
}

static inline int32_t vtimer_read_tval(void)
{
	isb();
	return (int32_t)read_sysreg(cntv_tval_el0);
}

/* The EL1 physical timer: the same layout as the virtual one, on CNTPCT_EL0. */
static inline uint64_t pcounter_read(void)
{
	isb();
	return read_sysreg(cntpct_el0);
}

static inline void ptimer_write_ctl(uint64_t ctl)
{
	write_sysreg(cntp_ctl_el0, ctl);
	isb();
}

static inline uint64_t ptimer_read_ctl(void)
{
	isb();
	return read_sysreg(cntp_ctl_el0);
}

static inline void ptimer_write_cval(uint64_t cval)
{
	write_sysreg(cntp_cval_el0, cval);
	isb();
}

static inline uint64_t ptimer_read_cval(void)
{
	return read_sysreg(cntp_cval_el0);
}

static inline void ptimer_write_tval(int32_t tval)
{
	write_sysreg(cntp_tval_el0, (uint64_t)(int64_t)tval);
	isb();
}

static inline int32_t ptimer_read_tval(void)
{
	isb();
	return (int32_t)read_sysreg(cntp_tval_el0);
}

#endif

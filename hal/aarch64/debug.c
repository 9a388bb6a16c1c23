// SPDX-License-Identifier: MIT
/* A guest's self-hosted debug state in the hardware while it runs: its breakpoints,
 * watchpoints and MDSCR_EL1 (core/trap_debug.c decides when: only for a vCPU whose state
 * enables any of them). Debug exceptions then reach the guest's EL1 directly
 * (MDCR_EL2.TDE = 0, HCR_EL2.TGE = 0); at EL2 none can fire (they never target a lower EL). */
#include <hal/vcpu.h>

#include "sysreg.h"

/* ID_AA64DFR0_EL1.BRPs [15:12] and WRPs [23:20]: how many, minus one. */
static unsigned nr_brps(void)
{
	return ((read_sysreg(id_aa64dfr0_el1) >> 12) & 0xf) + 1;
}

static unsigned nr_wrps(void)
{
	return ((read_sysreg(id_aa64dfr0_el1) >> 20) & 0xf) + 1;
}

/* clang-format off */
#define DBG_N(X) X(0) X(1) X(2) X(3) X(4) X(5) X(6) X(7) X(8) X(9) X(10) X(11) X(12) X(13) X(14) X(15)
/* clang-format on */

static void write_bp(unsigned n, uint64_t bvr, uint64_t bcr)
{
	switch (n) {
#define BP(i)                                       \
	case i:                                     \
		write_sysreg(dbgbvr##i##_el1, bvr); \
		write_sysreg(dbgbcr##i##_el1, bcr); \
		break;
		DBG_N(BP)
#undef BP
	default:
		break;
	}
}

static void write_wp(unsigned n, uint64_t wvr, uint64_t wcr)
{
	switch (n) {
#define WP(i)                                       \
	case i:                                     \
		write_sysreg(dbgwvr##i##_el1, wvr); \
		write_sysreg(dbgwcr##i##_el1, wcr); \
		break;
		DBG_N(WP)
#undef WP
	default:
		break;
	}
}

void hal_debug_load(const struct hal_debug_regs *d)
{
	unsigned brps = nr_brps(), wrps = nr_wrps();

	for (unsigned n = 0; n < brps && n < HAL_DEBUG_MAX_BP; n++)
		write_bp(n, d->bvr[n], d->bcr[n]);
	for (unsigned n = 0; n < wrps && n < HAL_DEBUG_MAX_BP; n++)
		write_wp(n, d->wvr[n], d->wcr[n]);
	write_sysreg(mdscr_el1, d->mdscr);
	/* The OS lock (locked from cold reset) would hold every debug exception back; the
	 * guest's own lock is emulated, and a vCPU whose lock is set is never loaded here. */
	write_sysreg(oslar_el1, 0);
	isb();
}

void hal_debug_clear(void)
{
	unsigned brps = nr_brps(), wrps = nr_wrps();

	write_sysreg(mdscr_el1, 0);
	for (unsigned n = 0; n < brps && n < HAL_DEBUG_MAX_BP; n++)
		write_bp(n, 0, 0);
	for (unsigned n = 0; n < wrps && n < HAL_DEBUG_MAX_BP; n++)
		write_wp(n, 0, 0);
	isb();
}

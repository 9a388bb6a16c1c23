/* SPDX-License-Identifier: MIT */
#ifndef CORE_SYSREG_H
#define CORE_SYSREG_H

#include <stdbool.h>
#include <stdint.h>

#include <hal/vcpu.h>

/* System registers that trap to EL2 and that the hypervisor emulates, named by their
 * op0:op1:CRn:CRm:op2 encoding (Arm ARM C5.3). */

#define SYSREG(op0, op1, crn, crm, op2)                                         \
	((uint32_t)(op0) << 14 | (uint32_t)(op1) << 11 | (uint32_t)(crn) << 7 | \
	 (uint32_t)(crm) << 3 | (uint32_t)(op2))
#define SYSREG_OP0(r) (((r) >> 14) & 3)
#define SYSREG_OP1(r) (((r) >> 11) & 7)
#define SYSREG_CRN(r) (((r) >> 7) & 15)
#define SYSREG_CRM(r) (((r) >> 3) & 15)
#define SYSREG_OP2(r) ((r)&7)

#define SYSREG_ACTLR_EL1 SYSREG(3, 0, 1, 0, 1)
/* DC ISW / CSW / CISW: set/way maintenance (HCR_EL2.TSW). */
#define SYSREG_DC_ISW  SYSREG(1, 0, 7, 6, 2)
#define SYSREG_DC_CSW  SYSREG(1, 0, 7, 10, 2)
#define SYSREG_DC_CISW SYSREG(1, 0, 7, 14, 2)

/* GICv3 SGI generation: write-only, trapped by HCR_EL2.IMO/FMO (GICv3 12.2.21). */
#define SYSREG_ICC_SGI1R_EL1  SYSREG(3, 0, 12, 11, 5)
#define SYSREG_ICC_ASGI1R_EL1 SYSREG(3, 0, 12, 11, 6)
#define SYSREG_ICC_SGI0R_EL1  SYSREG(3, 0, 12, 11, 7)
/* Deactivation, trapped while the vGIC holds active interrupts outside the list registers
 * (ICH_HCR_EL2.TDIR). */
#define SYSREG_ICC_DIR_EL1 SYSREG(3, 0, 12, 11, 1)

/* The EL1 physical timer and counter (CNTHCTL_EL2.EL1PCEN, EL1PCTEN; core/ptimer.c).
 * CNTPCTSS_EL0 is FEAT_ECV's self-synchronised form of CNTPCT_EL0. */
#define SYSREG_CNTPCT_EL0    SYSREG(3, 3, 14, 0, 1)
#define SYSREG_CNTPCTSS_EL0  SYSREG(3, 3, 14, 0, 5)
#define SYSREG_CNTP_TVAL_EL0 SYSREG(3, 3, 14, 2, 0)
#define SYSREG_CNTP_CTL_EL0  SYSREG(3, 3, 14, 2, 1)
#define SYSREG_CNTP_CVAL_EL0 SYSREG(3, 3, 14, 2, 2)

/* Debug registers (MDCR_EL2.TDA/TDOSA/TDRA). */
#define SYSREG_MDCCINT_EL1	 SYSREG(2, 0, 0, 2, 0)
#define SYSREG_MDSCR_EL1	 SYSREG(2, 0, 0, 2, 2)
#define SYSREG_MDRAR_EL1	 SYSREG(2, 0, 1, 0, 0)
#define SYSREG_OSLAR_EL1	 SYSREG(2, 0, 1, 0, 4)
#define SYSREG_OSLSR_EL1	 SYSREG(2, 0, 1, 1, 4)
#define SYSREG_OSDLR_EL1	 SYSREG(2, 0, 1, 3, 4)
#define SYSREG_DBGPRCR_EL1	 SYSREG(2, 0, 1, 4, 4)
#define SYSREG_DBGCLAIMSET_EL1	 SYSREG(2, 0, 7, 8, 6)
#define SYSREG_DBGCLAIMCLR_EL1	 SYSREG(2, 0, 7, 9, 6)
#define SYSREG_DBGAUTHSTATUS_EL1 SYSREG(2, 0, 7, 14, 6)
#define SYSREG_MDCCSR_EL0	 SYSREG(2, 3, 0, 1, 0)
/* The EL0 view of the debug communications channel: MDCCSR_EL0, DBGDTR_EL0, DBGDTRRX/TX_EL0. */
#define SYSREG_DBGDTR_EL0   SYSREG(2, 3, 0, 4, 0)
#define SYSREG_DBGDTRRX_EL0 SYSREG(2, 3, 0, 5, 0)
/* MDSCR_EL1.TDCC: EL0 accesses to the communications channel trap to EL1. */
#define MDSCR_EL1_TDCC (1ULL << 12)

struct vcpu;

/* The feature ID register space HCR_EL2.TID3 traps: op0=3, op1=0, CRn=0, CRm=1..7. */
static inline bool sysreg_is_id_reg(uint32_t reg)
{
	return SYSREG_OP0(reg) == 3 && SYSREG_OP1(reg) == 0 && SYSREG_CRN(reg) == 0 &&
	       SYSREG_CRM(reg) >= 1;
}

/* What the guest reads from ID register (crm, op2): the CPU's value, sanitised (core/id_regs.c). */
uint64_t id_reg_guest_value(unsigned crm, unsigned op2);

/* A vCPU's self-hosted debug registers (16 breakpoints and watchpoints at most). */
struct vcpu_debug_regs {
	struct hal_debug_regs hw; /* breakpoints, watchpoints, MDSCR_EL1 */
	uint64_t mdccint, osdlr, dbgprcr, claim;
	bool oslk;
	/* `hw` enables something (and the OS lock is clear): it is in the hardware while the
	 * vCPU is loaded (vcpu_load() calls hal_debug_load()), and taken out at put. */
	bool in_hw;
};

void debug_regs_reset(struct vcpu_debug_regs *d);

/* Emulate a trapped debug register access (core/trap_debug.c). For a write *val is the value;
 * for a read the result goes to *val. False if `reg` is not one this emulates. */
bool debug_reg_access(struct vcpu *vcpu, uint32_t reg, bool read, uint64_t *val);

#endif

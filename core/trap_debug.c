// SPDX-License-Identifier: MIT
/* Debug system registers, trapped by MDCR_EL2.{TDA,TDOSA,TDRA}. Self-hosted debug state is
 * kept per vCPU, so every access is answered from this copy; a vCPU whose breakpoints,
 * watchpoints or MDSCR_EL1 enable anything (and whose OS lock is clear) also has them in the
 * hardware while it runs (hal_debug_load()), so they fire and the guest's EL1 takes the
 * exceptions; other vCPUs cost nothing at a switch. The debug communications channel
 * (DBGDTR*) is not provided. */
#include <core/sysreg.h>
#include <core/vm.h>

#define OSLSR_OSLM_IMPLEMENTED 0x8ULL /* OSLM = 0b10: the OS lock exists */
#define OSLSR_OSLK	       (1ULL << 1)
#define OSLAR_OSLK	       (1ULL << 0)
#define MDSCR_SS	       (1ULL << 0)
#define MDSCR_KDE	       (1ULL << 13)
#define MDSCR_MDE	       (1ULL << 15)
#define DBGxCR_E	       (1ULL << 0)

/* Anything for the hardware to do: a breakpoint or watchpoint enabled, or MDSCR_EL1 enabling
 * debug exceptions or software step, and the guest's OS lock clear. */
static bool wants_hw(const struct vcpu_debug_regs *d)
{
	if (d->oslk)
		return false;
	if (d->hw.mdscr & (MDSCR_SS | MDSCR_KDE | MDSCR_MDE))
		return true;
	for (unsigned n = 0; n < HAL_DEBUG_MAX_BP; n++) {
		if ((d->hw.bcr[n] | d->hw.wcr[n]) & DBGxCR_E)
			return true;
	}
	return false;
}

/* After a write, with the vCPU loaded: the hardware follows the copy. */
static void debug_sync(struct vcpu *vcpu)
{
	struct vcpu_debug_regs *d = &vcpu->debug;
	bool want = wants_hw(d);

	if (want)
		hal_debug_load(&d->hw);
	else if (d->in_hw)
		hal_debug_clear();
	d->in_hw = want;
}

void debug_regs_reset(struct vcpu_debug_regs *d)
{
	*d = (struct vcpu_debug_regs){0};
	d->oslk = true; /* the OS lock is locked from cold reset */
}

static bool breakpoint_reg(struct vcpu_debug_regs *d, uint32_t reg, uint64_t **slot)
{
	unsigned crm = SYSREG_CRM(reg), op2 = SYSREG_OP2(reg);

	if (SYSREG_OP0(reg) != 2 || SYSREG_OP1(reg) != 0 || SYSREG_CRN(reg) != 0)
		return false;
	switch (op2) {
	case 4:
		*slot = &d->hw.bvr[crm];
		return true;
	case 5:
		*slot = &d->hw.bcr[crm];
		return true;
	case 6:
		*slot = &d->hw.wvr[crm];
		return true;
	case 7:
		*slot = &d->hw.wcr[crm];
		return true;
	default:
		return false;
	}
}

bool debug_reg_access(struct vcpu *vcpu, uint32_t reg, bool read, uint64_t *val)
{
	struct vcpu_debug_regs *d = &vcpu->debug;
	uint64_t *slot = NULL;

	switch (reg) {
	case SYSREG_MDSCR_EL1:
		slot = &d->hw.mdscr;
		break;
	case SYSREG_MDCCINT_EL1:
		slot = &d->mdccint;
		break;
	case SYSREG_OSDLR_EL1:
		slot = &d->osdlr;
		break;
	case SYSREG_DBGPRCR_EL1:
		slot = &d->dbgprcr;
		break;
	case SYSREG_DBGCLAIMSET_EL1:
		if (read)
			*val = 0xff; /* RAO: says which tags exist; DBGCLAIMCLR reads them */
		else
			d->claim |= *val & 0xff;
		return true;
	case SYSREG_DBGCLAIMCLR_EL1:
		if (read)
			*val = d->claim;
		else
			d->claim &= ~(*val & 0xff);
		return true;
	case SYSREG_OSLAR_EL1:
		if (read)
			return false; /* write-only: a read is UNDEFINED */
		d->oslk = *val & OSLAR_OSLK;
		debug_sync(vcpu);
		return true;
	case SYSREG_OSLSR_EL1:
		if (!read)
			return false;
		*val = OSLSR_OSLM_IMPLEMENTED | (d->oslk ? OSLSR_OSLK : 0);
		return true;
	case SYSREG_MDRAR_EL1:
	case SYSREG_MDCCSR_EL0:
	case SYSREG_DBGAUTHSTATUS_EL1:
		/* No debug ROM, nothing in the comms channel, no external debug allowed. */
		if (!read)
			return false;
		*val = 0;
		return true;
	default:
		if (!breakpoint_reg(d, reg, &slot))
			return false;
		break;
	}
	if (read) {
		*val = *slot;
	} else {
		*slot = *val;
		debug_sync(vcpu);
	}
	return true;
}

// SPDX-License-Identifier: MIT
/* Trapped MSR/MRS (EC 0x18). HCR_EL2.TACR/TIDCP/TSW/IMO/FMO, ICH_HCR_EL2.TDIR and
 * MDCR_EL2.TDA/TDOSA/TDRA make some accesses trap; those the hypervisor emulates are listed
 * here and in core/trap_debug.c, every other one is UNDEFINED for the guest, which is what
 * hardware without the register gives. */
#include <core/arch.h>
#include <core/log.h>
#include <core/ptimer.h>
#include <core/sysreg.h>
#include <core/trap.h>
#include <core/vgic.h>
#include <core/vm.h>
#include <hal/vcpu.h>

static inline uint32_t iss_field(uint64_t esr, unsigned shift, unsigned bits)
{
	return (uint32_t)(esr >> shift) & ((1u << bits) - 1);
}

static inline __attribute__((always_inline)) uint32_t iss_sysreg(uint64_t esr)
{
	return SYSREG(
	    iss_field(esr, ESR_ISS_SYS_OP0_SHIFT, 2), iss_field(esr, ESR_ISS_SYS_OP1_SHIFT, 3),
	    iss_field(esr, ESR_ISS_SYS_CRN_SHIFT, 4), iss_field(esr, ESR_ISS_SYS_CRM_SHIFT, 4),
	    iss_field(esr, ESR_ISS_SYS_OP2_SHIFT, 3));
}

/* Emulate the access; false if the register is not one we provide. */
static bool emulate(struct vcpu *vcpu, uint32_t reg, bool read, uint64_t *val)
{
	if (sysreg_is_id_reg(reg)) {
		/* Read-only: a write to an ID register is UNDEFINED. */
		if (read)
			*val = id_reg_guest_value(SYSREG_CRM(reg), SYSREG_OP2(reg));
		return read;
	}
	switch (reg) {
	case SYSREG_ACTLR_EL1:
		/* IMPLEMENTATION DEFINED controls a guest must not reach: reads as zero, writes
		 * are ignored. */
		if (read)
			*val = 0;
		return true;
	case SYSREG_DC_ISW:
	case SYSREG_DC_CSW:
	case SYSREG_DC_CISW:
		if (read)
			return false; /* write-only */
		setway_emulate(vcpu);
		return true;
	case SYSREG_ICC_SGI1R_EL1:
	case SYSREG_ICC_ASGI1R_EL1:
	case SYSREG_ICC_SGI0R_EL1:
		if (read)
			return false; /* write-only */
		vgic_send_sgi(vcpu, *val, reg == SYSREG_ICC_SGI0R_EL1 ? 0 : 1);
		return true;
	case SYSREG_ICC_DIR_EL1:
		if (read)
			return false; /* write-only */
		vgic_emulate_dir(vcpu, *val);
		return true;
	case SYSREG_CNTPCT_EL0:
	case SYSREG_CNTPCTSS_EL0:
	case SYSREG_CNTP_CTL_EL0:
	case SYSREG_CNTP_CVAL_EL0:
	case SYSREG_CNTP_TVAL_EL0:
		return ptimer_access(vcpu, reg, read, val);
	default:
		if (vpmu_is_reg(reg))
			return vpmu_access(vcpu, reg, read, val);
		return debug_reg_access(vcpu, reg, read, val);
	}
}

/* MDSCR_EL1.TDCC makes the guest's EL0 accesses to the communications channel trap to its
 * own EL1 (Arm ARM D19.3). The hardware's MDSCR_EL1 does not hold the guest's value (it is
 * emulated, core/trap_debug.c), so MDCR_EL2.TDA brought the access here instead: pass it on
 * to EL1 as the guest configured. */
static bool dcc_trapped_to_el1(const struct vcpu *vcpu, uint32_t reg)
{
	bool dcc =
	    reg == SYSREG_MDCCSR_EL0 || reg == SYSREG_DBGDTR_EL0 || reg == SYSREG_DBGDTRRX_EL0;
	bool el0 =
	    !(vcpu->ctx.pstate & PSTATE_NRW) && (vcpu->ctx.pstate & PSTATE_M_MASK) == PSTATE_M_EL0T;

	return dcc && el0 && (vcpu->debug.hw.mdscr & MDSCR_EL1_TDCC);
}

/* Every trapped register but the SGI write (trap_sysreg()). */
static __attribute__((noinline)) void sysreg_other(struct vcpu *vcpu, uint64_t esr)
{
	bool read = esr & ESR_ISS_SYS_DIR_READ;
	unsigned rt = iss_field(esr, ESR_ISS_SYS_RT_SHIFT, 5);
	uint32_t reg = iss_sysreg(esr);
	uint64_t val = rt == 31 ? 0 : vcpu->ctx.x[rt];

	vcpu->stats.sysreg++;
	if (dcc_trapped_to_el1(vcpu, reg)) {
		inject_sysreg_trap(vcpu, esr);
		return;
	}
	if (!emulate(vcpu, reg, read, &val)) {
		/* A pointer-authentication key of a vCPU that has not used them yet: given to it
		 * lazily, and the access runs again (hal_vcpu_pauth_trap()). */
		if (hal_vcpu_pauth_trap(&vcpu->ctx))
			return;
		log_ratelimited(
		    &vcpu->vm->guest_log, LOG_WARN,
		    "%s: vcpu %u: %s of unknown system register S%u_%u_C%u_C%u_%u at pc "
		    "0x%llx: UNDEFINED",
		    vcpu->vm->name, vcpu->id, read ? "read" : "write", reg >> 14, (reg >> 11) & 7,
		    (reg >> 7) & 15, (reg >> 3) & 15, reg & 7, (unsigned long long)vcpu->ctx.pc);
		inject_undef(vcpu);
		return;
	}
	if (read && rt != 31)
		vcpu->ctx.x[rt] = val;
	vcpu_skip_insn(vcpu);
}

void trap_sysreg(struct vcpu *vcpu, uint64_t esr)
{
	unsigned rt;

	/* A guest's IPI, the one trapped register written once per interrupt sent (Linux's
	 * cross-calls, the SGI round trip of docs/trap-path.md): straight to the vGIC, without
	 * the stack frame and the lookups the other registers need. */
	if (iss_sysreg(esr) != SYSREG_ICC_SGI1R_EL1 || (esr & ESR_ISS_SYS_DIR_READ)) {
		sysreg_other(vcpu, esr);
		return;
	}
	rt = iss_field(esr, ESR_ISS_SYS_RT_SHIFT, 5);
	vcpu->stats.sysreg++;
	vgic_send_sgi(vcpu, rt == 31 ? 0 : vcpu->ctx.x[rt], 1);
	vcpu_skip_insn(vcpu);
}

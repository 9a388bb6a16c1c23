// SPDX-License-Identifier: MIT
/* Injecting synchronous exceptions into a guest at EL1, as the hardware would take them
 * (Arm ARM D1.10 "Exception entry"). */
#include <core/arch.h>
#include <core/log.h>
#include <core/trap.h>
#include <core/vm.h>

/* The emulated instruction completed: if the guest was stepping it (PSTATE.SS was set when it
 * trapped), the step is over and its EL1 takes the step exception before the next
 * instruction, as after any other stepped instruction (Arm ARM D2.12, "Software Step"). */
void vcpu_skip_insn(struct vcpu *vcpu)
{
	vcpu->ctx.pc += A64_INSN_SIZE;
	vcpu->ctx.pstate &= ~PSTATE_SS;
}

/* The vector group an exception taken to EL1 from the guest's current mode uses. */
static uint64_t vector_offset(uint64_t pstate)
{
	if (pstate & PSTATE_NRW)
		return VECTOR_LOWER_A32;
	switch (pstate & PSTATE_M_MASK) {
	case PSTATE_M_EL1H:
		return VECTOR_CUR_SPX;
	case PSTATE_M_EL1T:
		return VECTOR_CUR_SP0;
	default:
		return VECTOR_LOWER_A64;
	}
}

static bool from_el0(uint64_t pstate)
{
	return (pstate & PSTATE_NRW) || (pstate & PSTATE_M_MASK) == PSTATE_M_EL0T;
}

/* The exception faulted on the first instruction of the very vector it would be taken to (a
 * vector outside RAM, or whose first access faults): taking it again faults again, forever.
 * Hardware would hang there silently; the VM is stopped with a message and a status that says
 * so (docs/guest-abi.md). */
static bool recursive_fault(struct vcpu *vcpu, uint64_t vector, uint64_t esr)
{
	if (vcpu->ctx.pc != vector)
		return false;
	log_err("%s: vcpu %u: exception (esr 0x%llx) at its own exception vector 0x%llx "
		"(VBAR_EL1 0x%llx): the guest cannot take exceptions; VM stopped",
		vcpu->vm->name, vcpu->id, (unsigned long long)esr, (unsigned long long)vector,
		(unsigned long long)hal_vcpu_el1_read(&vcpu->ctx, HAL_VBAR_EL1));
	vm_stop(vcpu->vm, VM_STATUS_RECURSIVE_FAULT);
	return true;
}

/* Take an exception with syndrome `esr` (and `far` when it has one) to EL1h; false (and the
 * VM stopped) if it cannot be taken. */
static bool take_exception(struct vcpu *vcpu, uint64_t esr, uint64_t far, bool far_valid)
{
	struct hal_vcpu_ctx *ctx = &vcpu->ctx;
	uint64_t old = ctx->pstate;
	uint64_t sctlr = hal_vcpu_el1_read(ctx, HAL_SCTLR_EL1);
	uint64_t vector = hal_vcpu_el1_read(ctx, HAL_VBAR_EL1) + vector_offset(old);
	/* Condition flags and DIT carry over into the handler (Arm ARM D1.10.1). */
	uint64_t pstate = PSTATE_M_EL1H | PSTATE_DAIF | (old & (PSTATE_NZCV | PSTATE_DIT));

	if (recursive_fault(vcpu, vector, esr))
		return false;

	/* PAN is set on entry unless SCTLR_EL1.SPAN says keep it; SSBS takes SCTLR_EL1.DSSBS. */
	if (!(sctlr & SCTLR_EL1_SPAN))
		pstate |= PSTATE_PAN;
	else
		pstate |= old & PSTATE_PAN;
	if (sctlr & SCTLR_EL1_DSSBS)
		pstate |= PSTATE_SSBS;

	hal_vcpu_el1_write(ctx, HAL_ELR_EL1, ctx->pc);
	hal_vcpu_el1_write(ctx, HAL_SPSR_EL1, old);
	hal_vcpu_el1_write(ctx, HAL_ESR_EL1, esr);
	if (far_valid)
		hal_vcpu_el1_write(ctx, HAL_FAR_EL1, far);
	ctx->pc = vector;
	ctx->pstate = pstate;
	return true;
}

void inject_undef(struct vcpu *vcpu)
{
	/* EC 0 "unknown reason" is what an unimplemented instruction raises; IL: 32-bit. */
	if (take_exception(vcpu, (uint64_t)ESR_EC_UNKNOWN << ESR_EC_SHIFT | ESR_IL, 0, false))
		vcpu->stats.undef_injected++;
}

void inject_sysreg_trap(struct vcpu *vcpu, uint64_t esr)
{
	/* The syndrome EL2 got is the one EL1 gets: EC 0x18, the access described by the ISS. */
	(void)take_exception(
	    vcpu, (esr & ESR_ISS_MASK) | (uint64_t)ESR_EC_SYS64 << ESR_EC_SHIFT | ESR_IL, 0, false);
}

void inject_data_abort(struct vcpu *vcpu, uint64_t va, bool write)
{
	unsigned ec = from_el0(vcpu->ctx.pstate) ? ESR_EC_DABT_LOW : ESR_EC_DABT_CUR;
	uint64_t iss = ESR_ISS_FSC_SEA | (write ? ESR_ISS_DABT_WNR : 0);

	if (take_exception(vcpu, (uint64_t)ec << ESR_EC_SHIFT | ESR_IL | iss, va, true))
		vcpu->stats.abort_injected++;
}

void inject_walk_abort(struct vcpu *vcpu, uint64_t va, bool write, bool insn, int level)
{
	bool el0 = from_el0(vcpu->ctx.pstate);
	unsigned ec = insn ? (el0 ? ESR_EC_IABT_LOW : ESR_EC_IABT_CUR)
			   : (el0 ? ESR_EC_DABT_LOW : ESR_EC_DABT_CUR);
	/* FSC 0b0101xx: external abort on a translation table walk, xx = the level. */
	uint64_t iss = (ESR_ISS_FSC_SEA_WALK + (unsigned)(level & 3)) |
		       (!insn && write ? ESR_ISS_DABT_WNR : 0);

	if (take_exception(vcpu, (uint64_t)ec << ESR_EC_SHIFT | ESR_IL | iss, va, true))
		vcpu->stats.abort_injected++;
}

void inject_insn_abort(struct vcpu *vcpu, uint64_t va)
{
	unsigned ec = from_el0(vcpu->ctx.pstate) ? ESR_EC_IABT_LOW : ESR_EC_IABT_CUR;

	if (take_exception(vcpu, (uint64_t)ec << ESR_EC_SHIFT | ESR_IL | ESR_ISS_FSC_SEA, va, true))
		vcpu->stats.abort_injected++;
}

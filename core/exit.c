// SPDX-License-Identifier: MIT
/* The exit dispatcher and the run loop of a vCPU. */
#include <core/arch.h>
#include <core/check.h>
#include <core/console.h>
#include <core/ffa.h>
#include <core/irq.h>
#include <core/log.h>
#include <core/sched.h>
#include <core/spinlock.h>
#include <core/trap.h>
#include <core/vgic.h>
#include <core/vm.h>
#include <core/vsve.h>
#include <core/vtimer.h>
#include <hal/cpu.h>
#include <hal/vcpu.h>

/* AArch32 is not offered (ID_AA64PFR0_EL1.EL0 = 1, docs/guest-abi.md), but a guest can still
 * ERET to it on a CPU that has it. Nothing of A32/T32 is decoded or stepped here (16-bit
 * instructions, ITSTATE): an abort stays an external abort, any other trap is UNDEFINED. Only
 * the first touch of a RAM block is served as from AArch64: RAM is RAM in either state
 * (docs/memory.md). */
static void aarch32_exit(struct vcpu *vcpu, unsigned ec)
{
	if ((ec == ESR_EC_DABT_LOW || ec == ESR_EC_IABT_LOW) &&
	    trap_ram_first_touch(vcpu, vcpu->ctx.esr))
		return;
	log_ratelimited(&vcpu->vm->guest_log, LOG_WARN,
			"%s: vcpu %u: exit EC 0x%02x from AArch32 at pc 0x%llx: not supported",
			vcpu->vm->name, vcpu->id, ec, (unsigned long long)vcpu->ctx.pc);
	if (ec == ESR_EC_DABT_LOW)
		inject_data_abort(vcpu, vcpu->ctx.far, vcpu->ctx.esr & ESR_ISS_DABT_WNR);
	else if (ec == ESR_EC_IABT_LOW)
		inject_insn_abort(vcpu, vcpu->ctx.far);
	else
		inject_undef(vcpu);
}

/* A physical SError taken while the guest ran (HCR_EL2.AMO): an asynchronous external abort,
 * most likely of the guest's own access. It goes back to that guest as a virtual SError with
 * the same syndrome, which its kernel handles (or dies of) as on hardware; the hypervisor and
 * the other VMs carry on. */
static void exit_serror(struct vcpu *vcpu, uint64_t esr)
{
	log_ratelimited(&vcpu->vm->guest_log, LOG_WARN,
			"%s: vcpu %u: SError (esr 0x%llx) at pc 0x%llx: virtual SError injected",
			vcpu->vm->name, vcpu->id, (unsigned long long)esr,
			(unsigned long long)vcpu->ctx.pc);
	hal_vcpu_inject_vserror(&vcpu->ctx, esr & ESR_ISS_MASK);
	vcpu->stats.serror++;
}

/* Traps for features we do not give guests (SVE, SME, ...): UNDEFINED, as on a CPU without
 * them. */
static void exit_undefined(struct vcpu *vcpu, unsigned ec, uint64_t esr)
{
	log_ratelimited(
	    &vcpu->vm->guest_log, LOG_WARN,
	    "%s: vcpu %u: unhandled exit EC 0x%02x (esr 0x%llx) at pc 0x%llx: UNDEFINED",
	    vcpu->vm->name, vcpu->id, ec, (unsigned long long)esr,
	    (unsigned long long)vcpu->ctx.pc);
	inject_undef(vcpu);
}

void exit_handle(struct vcpu *vcpu, enum hal_exit_kind kind)
{
	uint64_t esr = vcpu->ctx.esr;
	unsigned ec = esr_ec(esr);

	vcpu->stats.exits++;
	/* FF-A direct messages before the general dispatch (docs/ffa.md, "What a direct message
	 * costs"): the class and the function id tested inline, and the call is made. An HVC from
	 * AArch32 has a class of its own, so the execution state needs no look. */
	if (kind == HAL_EXIT_SYNC && ec == ESR_EC_HVC64 &&
	    ffa_is_direct_msg((uint32_t)vcpu->ctx.x[0]) &&
	    ffa_direct_call(vcpu, (uint32_t)vcpu->ctx.x[0])) {
		vcpu->stats.hvc++;
		return;
	}
	if (kind == HAL_EXIT_SERROR) {
		exit_serror(vcpu, esr);
		return;
	}
	if (kind == HAL_EXIT_FIQ) {
		/* The hypervisor's interrupts are Group 1 (IRQ): a FIQ is a Group 0 or secure
		 * interrupt nobody here owns. Said, not acted on. */
		log_ratelimited(&vcpu->vm->guest_log, LOG_WARN,
				"%s: vcpu %u: physical FIQ while it ran: ignored", vcpu->vm->name,
				vcpu->id);
		return;
	}
	if (kind != HAL_EXIT_SYNC) {
		/* A physical interrupt (or SError) arrived while the guest ran. */
		vcpu->stats.irq++;
		sched_physical_irq(true);
		irq_handle_physical(vcpu);
		sched_physical_irq(false);
		return;
	}
	if (vcpu->ctx.pstate & PSTATE_NRW) {
		aarch32_exit(vcpu, ec);
		return;
	}
	switch (ec) {
	case ESR_EC_HVC64:
		vcpu->stats.hvc++;
		trap_hvc_smc(vcpu, false);
		break;
	case ESR_EC_SMC64:
		vcpu->stats.smc++;
		trap_hvc_smc(vcpu, true);
		break;
	case ESR_EC_WFX:
		trap_wfx(vcpu, esr);
		break;
	case ESR_EC_SYS64:
		trap_sysreg(vcpu, esr);
		break;
	case ESR_EC_DABT_LOW:
		trap_data_abort(vcpu, esr);
		break;
	case ESR_EC_IABT_LOW:
		trap_insn_abort(vcpu, esr);
		break;
	default:
		/* An FP/SIMD or SVE trap is the vCPU's first use of them since its load: the
		 * registers are given to it lazily and the instruction runs again
		 * (docs/trap-path.md, "FP/SIMD and SVE"; with SVE hidden its trap is UNDEFINED),
		 * and a PAC instruction's trap its first use of pointer authentication since its
		 * reset (hal_vcpu_pauth_trap()). Tested here, not as a case: the compare chain the
		 * hypercall and MMIO exits go through stays as short as it was. */
		if ((ec == ESR_EC_FP_ASIMD && hal_vcpu_fpsimd_trap(&vcpu->ctx)) ||
		    (ec == ESR_EC_SVE && vsve_vl() && hal_vcpu_sve_trap(&vcpu->ctx)))
			vcpu->stats.fp_loads++;
		else if (!(ec == ESR_EC_PAC && hal_vcpu_pauth_trap(&vcpu->ctx)))
			exit_undefined(vcpu, ec, esr);
		break;
	}
}

/* After `vcpu`'s registers were loaded here: its timers and PMU, and the TLB maintenance
 * between two vCPUs of one VM. Inline: once in each switch. */
static inline void load_rest(struct vcpu *vcpu)
{
	struct vm *vm = vcpu->vm;

	vtimer_load(vcpu);
	/* Tested here, not in the call: the switch of a guest without it stays as it was. */
	if (vcpu->ptimer.used)
		ptimer_load(vcpu);
	if (vcpu->pmu.used)
		vpmu_load(vcpu);
	if (vm->last_vcpu_on[vcpu->pcpu] != vcpu->id + 1) {
		if (vm->last_vcpu_on[vcpu->pcpu])
			hal_vcpu_flush_local_tlb(&vcpu->ctx);
		vm->last_vcpu_on[vcpu->pcpu] = (uint8_t)(vcpu->id + 1);
	}
}

/* Before `vcpu`'s registers are put. */
static inline void put_rest(struct vcpu *vcpu)
{
	/* Tested here, not in the call: only with a HW=1 timer interrupt in flight is there
	 * anything to release. */
	if (vcpu->vtimer_hw)
		vtimer_put(vcpu);
	if (vcpu->ptimer.used)
		ptimer_put(vcpu);
	if (vcpu->pmu.used)
		vpmu_put(vcpu);
}

/* After they were put. */
static inline void settle(struct vcpu *vcpu)
{
	/* OFF only now that its context is put: another pCPU's CPU_ON may reset it from here
	 * on (docs/scheduling.md, "Several pCPUs"). */
	if (!vm_alive(vcpu->vm) || vcpu->state == VCPU_OFF_PENDING)
		vcpu_set_state(vcpu, VCPU_OFF);
	else if (vcpu->state == VCPU_RUNNING)
		vcpu_set_state(vcpu, VCPU_RUNNABLE);
}

/* Run `vcpu` until its turn ends, loading it first unless it is still loaded here (parked).
 * The turn may go on with another vCPU, switched to without leaving this loop
 * (sched_next_in_turn()): returns the vCPU that ran last, still loaded. */
static struct vcpu *run_loaded(struct vcpu *vcpu)
{
	for (;;) {
		struct vm *vm = vcpu->vm;
		struct vcpu *next;

		/* The VM's first turn makes it running. Looked at unlocked first: only vm_stop()
		 * changes a created or running VM's state, under the lock, and every later turn
		 * finds it running (or stopped) without taking the lock. */
		if (__atomic_load_n(&vm->state, __ATOMIC_ACQUIRE) == VM_CREATED) {
			spin_lock(&vm->lock);
			/* Stored atomically: vm_running()/vm_alive() read it without the lock, on
			 * any pCPU. */
			if (vm->state == VM_CREATED)
				__atomic_store_n(&vm->state, VM_RUNNING, __ATOMIC_RELEASE);
			spin_unlock(&vm->lock);
		}

		vcpu_set_state(vcpu, VCPU_RUNNING);
		if (!vcpu_loaded_here(vcpu)) {
			vcpu_load(vcpu);
			load_rest(vcpu);
		}
		while (vm_running(vm) && vcpu->state == VCPU_RUNNING && !sched_should_yield()) {
			enum hal_exit_kind kind;

			/* Guest console output of the last exit goes out here, with no lock held. */
			console_drain(CONSOLE_EXIT_BYTES);
			/* Before the flush: finishing deferred work may raise the device's
			 * interrupt. */
			if (vm_has_deferred(vm))
				vm_resume_deferred_by(vm, vcpu);
			vgic_flush(vcpu);
			/* No lock crosses the world switch (docs/locking.md). */
			CHECK(spin_held_here() == 0);
			kind = hal_vcpu_enter(&vcpu->ctx);
			/* Fold first, so every handler sees the true interrupt state. */
			vgic_fold(vcpu);
			vtimer_sync(vcpu);
			exit_handle(vcpu, kind);
		}
		next = sched_next_in_turn(vcpu);
		if (!next)
			return vcpu;
		vcpu = next;
	}
}

void vcpu_unload(struct vcpu *vcpu)
{
	put_rest(vcpu);
	vcpu_put(vcpu);
	settle(vcpu);
}

void vcpu_switch(struct vcpu *from, struct vcpu *to)
{
	put_rest(from);
	vcpu_put_load(from, to);
	settle(from);
	load_rest(to);
}

struct vcpu *vcpu_run_slice(struct vcpu *vcpu)
{
	vcpu = run_loaded(vcpu);
	vcpu_unload(vcpu);
	return vcpu;
}

bool vcpu_run_slice_may_park(struct vcpu *vcpu)
{
	vcpu = run_loaded(vcpu);
	/* Blocked, its VM alive: it stays loaded while its pCPU idles (its state is folded:
	 * ICH_HCR_EL2 has no maintenance enabled, so nothing fires at EL2 but its own timer). */
	if (vcpu->state == VCPU_BLOCKED && vm_alive(vcpu->vm))
		return true;
	vcpu_unload(vcpu);
	return false;
}

void vcpu_run(struct vcpu *vcpu)
{
	sched_run_one(vcpu);
}

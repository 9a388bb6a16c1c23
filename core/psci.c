// SPDX-License-Identifier: MIT
/* PSCI 1.1 for guests (Arm DEN0022): the vCPUs of a VM are its "cores". */
#include <core/arch.h>
#include <core/check.h>
#include <core/cpu_msg.h>
#include <core/err.h>
#include <core/ffa.h>
#include <core/gmem.h>
#include <core/lib.h>
#include <core/log.h>
#include <core/sched.h>
#include <core/smccc.h>
#include <core/trap.h>
#include <core/vgic.h>
#include <core/vm.h>
#include <core/vm_ctl.h>
#include <hal/cpu.h>
#include <hal/gicv3_regs.h> /* MPIDR_AFF_MASK: the affinity fields a caller may name */

static bool smc64(uint32_t fid)
{
	return fid & SMCCC_SMC64;
}

/* The 32-bit calling convention passes 32-bit arguments. */
static uint64_t arg(struct vcpu *vcpu, uint32_t fid, unsigned n)
{
	uint64_t v = vcpu->ctx.x[n];

	return smc64(fid) ? v : (uint32_t)v;
}

static struct vcpu *vcpu_by_mpidr(struct vm *vm, uint64_t mpidr)
{
	if (mpidr & ~MPIDR_AFF_MASK)
		return NULL;
	for (unsigned i = 0; i < vm->vcpu_count; i++) {
		if ((vm->vcpus[i].ctx.vmpidr & MPIDR_AFF_MASK) == mpidr)
			return &vm->vcpus[i];
	}
	return NULL;
}

/* CPU_ON: the target starts at `entry` in EL1h with x0 = `context`, MMU off, like a cold boot
 * (PSCI 6.4.3). Its other registers are reset so nothing leaks from an earlier life.
 *
 * Only the target's own pCPU writes its context (docs/scheduling.md, "Several pCPUs"): the
 * caller claims the target (OFF -> ON_PENDING, a compare-and-swap: of two callers one wins),
 * records the request and, if the target lives on another pCPU, sends that pCPU
 * CPU_MSG_VCPU_ON; psci_vcpu_on_here() does the reset there. A target that called CPU_OFF
 * but is still loaded (OFF_PENDING) is still on: ALREADY_ON, as DEN0022 has it for a core
 * whose power-down has not completed (AFFINITY_INFO says ON until then, which is what a
 * caller waits for before CPU_ON); one already claimed is ON_PENDING. */
static int64_t cpu_on(struct vcpu *caller, uint64_t mpidr, uint64_t entry, uint64_t context)
{
	struct vcpu *t = vcpu_by_mpidr(caller->vm, mpidr);
	enum vcpu_state seen;

	if (!t)
		return PSCI_RET_INVALID_PARAMETERS;
	seen = t->state;
	if (seen != VCPU_OFF)
		return seen == VCPU_ON_PENDING ? PSCI_RET_ON_PENDING : PSCI_RET_ALREADY_ON;
	if ((entry & 3) || gmem_check(caller->vm, entry, A64_INSN_SIZE) != 0)
		return PSCI_RET_INVALID_ADDRESS;
	if (!atomic_compare_exchange_strong(&t->state, &seen, VCPU_ON_PENDING))
		return seen == VCPU_ON_PENDING ? PSCI_RET_ON_PENDING : PSCI_RET_ALREADY_ON;
	t->on_entry = entry;
	t->on_context = context;
	if (t->pcpu == hal_cpu_id()) {
		psci_vcpu_on_here(t);
	} else if (cpu_msg_send(t->pcpu, CPU_MSG_VCPU_ON, t) != HV_OK) {
		t->state = VCPU_OFF; /* its pCPU does not exist: it cannot run */
		return PSCI_RET_INTERNAL_FAILURE;
	}
	return PSCI_RET_SUCCESS;
}

void psci_vcpu_on_here(struct vcpu *t)
{
	/* The reset writes the context hal_vcpu_put() wrote when the vCPU went off: both on
	 * this pCPU, in that order. A message of an earlier life of the VM's slot (stopped,
	 * destroyed and made again, the vCPU now maybe on another pCPU) finds it not pending
	 * here, and is dropped. */
	if (t->state != VCPU_ON_PENDING || t->pcpu != hal_cpu_id())
		return; /* its VM stopped meanwhile, and its run queue turned it off */
	vcpu_reset(t, t->on_entry, t->on_context);
	vgic_vcpu_reset(t);
	t->state = VCPU_RUNNABLE;
	sched_kick(t);
}

static int64_t affinity_info(struct vcpu *caller, uint64_t mpidr, uint64_t level)
{
	struct vcpu *t;

	/* Only level 0 (a single core) is meaningful for vCPUs. */
	if (level != 0)
		return PSCI_RET_INVALID_PARAMETERS;
	t = vcpu_by_mpidr(caller->vm, mpidr);
	if (!t)
		return PSCI_RET_INVALID_PARAMETERS;
	/* OFF only once its pCPU has put it (OFF_PENDING is still ON); a suspended (blocked)
	 * vCPU is ON as well. */
	switch (vcpu_state_remote(t)) {
	case VCPU_OFF:
		return PSCI_AFFINITY_OFF;
	case VCPU_ON_PENDING:
		return PSCI_AFFINITY_ON_PENDING;
	default:
		return PSCI_AFFINITY_ON;
	}
}

/* Only this VM stops; the VM manager makes it again for a reset (core/vm_ctl.h). The request
 * is recorded before the stop, so the manager never sees the VM ended for good meanwhile. A VM
 * of no manager (a host test's) just stops. */
static void system_off_or_reset(struct vm *vm, bool reset)
{
	int index = vm_ctl_index_of(vm);

	if (index >= 0 && vm_ctl_request((unsigned)index, reset ? VM_CTL_RESET : VM_CTL_STOP))
		log_warn("%s: a lifecycle request is still being carried out", vm->name);
	vm_stop(vm, 0);
}

static bool implemented(uint32_t fid)
{
	switch (fid) {
	case SMCCC_VERSION: /* SMCCC 1.1: how a caller learns SMCCC_VERSION exists */
	case PSCI_VERSION:
	case PSCI_FEATURES:
	case PSCI_CPU_SUSPEND_32:
	case PSCI_CPU_SUSPEND_64:
	case PSCI_CPU_OFF:
	case PSCI_CPU_ON_32:
	case PSCI_CPU_ON_64:
	case PSCI_AFFINITY_INFO_32:
	case PSCI_AFFINITY_INFO_64:
	case PSCI_SYSTEM_OFF:
	case PSCI_SYSTEM_RESET:
		return true;
	default:
		return false;
	}
}

bool psci_call(struct vcpu *vcpu, uint32_t fid, int64_t *ret)
{
	switch (fid) {
	case PSCI_VERSION:
		*ret = PSCI_VERSION_1_1;
		return true;
	case PSCI_FEATURES:
		*ret = implemented((uint32_t)vcpu->ctx.x[1]) ? PSCI_RET_SUCCESS
							     : PSCI_RET_NOT_SUPPORTED;
		return true;
	case PSCI_CPU_ON_32:
	case PSCI_CPU_ON_64:
		*ret = cpu_on(vcpu, arg(vcpu, fid, 1), arg(vcpu, fid, 2), arg(vcpu, fid, 3));
		return true;
	case PSCI_CPU_OFF:
		/* Never returns to the caller on success: the vCPU is off until a CPU_ON. It is
		 * still loaded: OFF once its pCPU has put it (vcpu_run_slice()). A request it
		 * was serving will never be answered: its sender gets ABORTED now, as when the
		 * VM stops, instead of waiting until then. */
		ffa_msg_vcpu_gone(vcpu);
		vcpu->state = VCPU_OFF_PENDING;
		*ret = PSCI_RET_SUCCESS;
		return true;
	case PSCI_CPU_SUSPEND_32:
	case PSCI_CPU_SUSPEND_64:
		/* Every power state is a standby here: wait like WFI and return success, which
		 * PSCI allows for any state (6.4.2.2: a powerdown may be demoted to standby). */
		vcpu_wait_for_interrupt(vcpu);
		*ret = PSCI_RET_SUCCESS;
		return true;
	case PSCI_AFFINITY_INFO_32:
	case PSCI_AFFINITY_INFO_64:
		*ret = affinity_info(vcpu, arg(vcpu, fid, 1), arg(vcpu, fid, 2));
		return true;
	case PSCI_SYSTEM_OFF:
	case PSCI_SYSTEM_RESET:
		log_info("%s: PSCI %s", vcpu->vm->name,
			 fid == PSCI_SYSTEM_OFF ? "SYSTEM_OFF" : "SYSTEM_RESET");
		system_off_or_reset(vcpu->vm, fid == PSCI_SYSTEM_RESET);
		*ret = PSCI_RET_SUCCESS;
		return true;
	default:
		return false;
	}
}

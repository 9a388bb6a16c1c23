// SPDX-License-Identifier: MIT
/* PSCI 1.1 for guests (Arm DEN0022): the vCPUs of a VM are its "cores". */
#include <core/arch.h>
#include <core/gmem.h>
#include <core/lib.h>
#include <core/log.h>
#include <core/sched.h>
#include <core/smccc.h>
#include <core/trap.h>
#include <core/vgic.h>
#include <core/vm.h>
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
 * (PSCI 6.4.3). Its other registers are reset so nothing leaks from an earlier life. */
static int64_t cpu_on(struct vcpu *caller, uint64_t mpidr, uint64_t entry, uint64_t context)
{
	struct vcpu *t = vcpu_by_mpidr(caller->vm, mpidr);

	if (!t)
		return PSCI_RET_INVALID_PARAMETERS;
	if (t->state != VCPU_OFF)
		return PSCI_RET_ALREADY_ON;
	if ((entry & 3) || gmem_check(caller->vm, entry, A64_INSN_SIZE) != 0)
		return PSCI_RET_INVALID_ADDRESS;
	vcpu_reset(t, entry, context);
	vgic_vcpu_reset(t);
	t->state = VCPU_RUNNABLE;
	sched_kick(t);
	return PSCI_RET_SUCCESS;
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
	return t->state == VCPU_OFF ? PSCI_AFFINITY_OFF : PSCI_AFFINITY_ON;
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
		/* Never returns to the caller on success: the vCPU is off until a CPU_ON. */
		vcpu->state = VCPU_OFF;
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
		vm_stop(vcpu->vm, 0);
		*ret = PSCI_RET_SUCCESS;
		return true;
	default:
		return false;
	}
}

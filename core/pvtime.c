// SPDX-License-Identifier: MIT
/* Stolen time for guests (core/include/core/pvtime.h, Arm DEN0057). */
#include <core/err.h>
#include <core/lib.h>
#include <core/palloc.h>
#include <core/pgtable.h>
#include <core/pvtime.h>
#include <core/smccc.h>
#include <core/vm.h>
#include <hal/mem.h>
#include <hal/time.h>

/* DEN0057 section 3.3, "Stolen time shared structure": little endian, 64 bytes per vCPU. */
struct pvtime_record {
	uint32_t revision;   /* 0 */
	uint32_t attributes; /* 0 */
	uint64_t stolen_ns;
	uint8_t padding[48];
};

_Static_assert(sizeof(struct pvtime_record) == 64, "DEN0057 record size");
_Static_assert(VM_MAX_VCPUS * sizeof(struct pvtime_record) <= PAGE_SIZE, "one page per VM");

int pvtime_init(struct vm *vm)
{
	uint64_t pa;
	int ret;

	if (vm_find_mmio(vm, VM_PVTIME_BASE))
		return HV_EBUSY;
	ret = palloc_alloc_zeroed_page(vm->alloc, &pa);
	if (ret != HV_OK)
		return ret;
	/* Read-only and never executable for the guest: the hypervisor alone writes it. */
	ret = pgt_map(&vm->s2, VM_PVTIME_BASE, pa, PAGE_SIZE, PGT_R);
	if (ret != HV_OK) {
		pgt_unmap(&vm->s2, VM_PVTIME_BASE, PAGE_SIZE);
		palloc_free(vm->alloc, pa, PAGE_SIZE);
		return ret;
	}
	vm->pvtime_pa = pa;
	return HV_OK;
}

void pvtime_release(struct vm *vm)
{
	if (!vm->pvtime_pa)
		return;
	pgt_unmap(&vm->s2, VM_PVTIME_BASE, PAGE_SIZE);
	palloc_free(vm->alloc, vm->pvtime_pa, PAGE_SIZE);
	vm->pvtime_pa = 0;
}

static uint64_t ticks_to_ns(uint64_t ticks)
{
	uint64_t freq = hal_counter_freq();

	/* In two parts, so years of stolen time do not overflow. */
	return freq ? ticks / freq * 1000000000ULL + ticks % freq * 1000000000ULL / freq : 0;
}

void pvtime_update(struct vcpu *vcpu)
{
	struct pvtime_record *rec;

	if (!vcpu->vm->pvtime_pa)
		return;
	rec = (struct pvtime_record *)hal_phys_to_ptr(vcpu->vm->pvtime_pa) + vcpu->id;
	/* A single 64-bit store: the guest reads it with one load (and may do so from another
	 * vCPU, while this one runs). The hypervisor and the guest are little endian. */
	__atomic_store_n(&rec->stolen_ns, ticks_to_ns(vcpu->sched.stolen), __ATOMIC_RELEASE);
}

int64_t pvtime_arch_features(const struct vm *vm)
{
	return vm->pvtime_pa ? SMCCC_RET_SUCCESS : SMCCC_RET_NOT_SUPPORTED;
}

bool pvtime_call(struct vcpu *vcpu, uint32_t fid, int64_t *ret)
{
	struct vm *vm = vcpu->vm;

	switch (fid) {
	case PV_TIME_FEATURES: {
		uint32_t which = (uint32_t)vcpu->ctx.x[1];

		*ret = (which == PV_TIME_FEATURES || which == PV_TIME_ST) && vm->pvtime_pa
			   ? SMCCC_RET_SUCCESS
			   : SMCCC_RET_NOT_SUPPORTED;
		return true;
	}
	case PV_TIME_ST:
		/* The IPA of the calling vCPU's record (DEN0057 section 3.2). */
		*ret = vm->pvtime_pa
			   ? (int64_t)(VM_PVTIME_BASE + vcpu->id * sizeof(struct pvtime_record))
			   : SMCCC_RET_NOT_SUPPORTED;
		if (vm->pvtime_pa)
			pvtime_update(vcpu);
		return true;
	default:
		return false;
	}
}

// SPDX-License-Identifier: MIT
/* VM slots: creation, RAM, the MMIO bus, vCPUs, stop and teardown. */
#include <core/arch.h>
#include <core/check.h>
#include <core/err.h>
#include <core/lib.h>
#include <core/palloc.h>
#include <core/print.h>
#include <core/vm.h>
#include <core/vmid.h>
#include <hal/cpu.h>
#include <hal/mem.h>
#include <hal/time.h>

static struct vm vms[VM_MAX];
static struct spinlock vms_lock = SPINLOCK_INIT;

int vm_create(struct vm **out, const char *name, unsigned ipa_bits, unsigned pa_bits,
	      struct palloc *alloc)
{
	struct vm *vm = NULL;
	uint16_t vmid;
	int ret;

	spin_lock(&vms_lock);
	for (unsigned i = 0; i < VM_MAX; i++) {
		if (vms[i].state == VM_FREE) {
			vm = &vms[i];
			memset(vm, 0, sizeof(*vm));
			vm->id = i;
			vm->state = VM_CREATED;
			break;
		}
	}
	spin_unlock(&vms_lock);
	if (!vm)
		return HV_ENOMEM;

	format(vm->name, sizeof(vm->name), "%s", name);
	vm->alloc = alloc;
	ret = vmid_alloc(&vmid);
	if (ret == HV_OK) {
		ret = pgt_init(&vm->s2, PGT_STAGE2, ipa_bits, vmid, alloc);
		if (ret != HV_OK)
			vmid_free(vmid);
	}
	if (ret != HV_OK) {
		vm->state = VM_FREE;
		return ret;
	}
	vm->pa_bits = pa_bits;
	vm->cntvoff = hal_counter_now();
	*out = vm;
	return HV_OK;
}

static bool overlaps(uint64_t a, uint64_t asize, uint64_t b, uint64_t bsize)
{
	return a < b + bsize && b < a + asize;
}

static bool range_taken(const struct vm *vm, uint64_t base, uint64_t size)
{
	for (unsigned i = 0; i < vm->ram_count; i++) {
		if (overlaps(base, size, vm->ram[i].ipa, vm->ram[i].size))
			return true;
	}
	for (unsigned i = 0; i < vm->mmio_count; i++) {
		if (overlaps(base, size, vm->mmio[i].base, vm->mmio[i].size))
			return true;
	}
	return false;
}

int vm_add_ram(struct vm *vm, uint64_t ipa, uint64_t size)
{
	uint64_t pa;
	int ret;

	if (size == 0 || !is_aligned(ipa | size, SZ_2M) || !range_ok(ipa, size) ||
	    ipa + size > (1ULL << vm->s2.ia_bits))
		return HV_EINVAL;
	if (vm->ram_count == VM_MAX_RAM)
		return HV_ENOMEM;
	if (range_taken(vm, ipa, size))
		return HV_EBUSY;
	ret = palloc_alloc(vm->alloc, size, SZ_2M, &pa);
	if (ret != HV_OK)
		return ret;
	/* A guest must never see what the memory held before. */
	memset(hal_phys_to_ptr(pa), 0, size);
	ret = pgt_map(&vm->s2, ipa, pa, size, PGT_RWX);
	if (ret != HV_OK) {
		pgt_unmap(&vm->s2, ipa, size);
		palloc_free(vm->alloc, pa, size);
		return ret;
	}
	vm->ram[vm->ram_count++] = (struct vm_ram){ipa, pa, size};
	return HV_OK;
}

int vm_add_mmio(struct vm *vm, const struct mmio_device *dev)
{
	unsigned i;

	if (dev->size == 0 || !range_ok(dev->base, dev->size) || !dev->ops)
		return HV_EINVAL;
	if (vm->mmio_count == VM_MAX_MMIO)
		return HV_ENOMEM;
	if (range_taken(vm, dev->base, dev->size))
		return HV_EBUSY;
	for (i = vm->mmio_count; i > 0 && vm->mmio[i - 1].base > dev->base; i--)
		vm->mmio[i] = vm->mmio[i - 1];
	vm->mmio[i] = *dev;
	vm->mmio_count++;
	return HV_OK;
}

struct mmio_device *vm_find_mmio(struct vm *vm, uint64_t ipa)
{
	unsigned lo = 0, hi = vm->mmio_count;

	/* Binary search of the sorted, disjoint device ranges. */
	while (lo < hi) {
		unsigned mid = lo + (hi - lo) / 2;
		struct mmio_device *d = &vm->mmio[mid];

		if (ipa < d->base)
			hi = mid;
		else if (ipa - d->base >= d->size)
			lo = mid + 1;
		else
			return d;
	}
	return NULL;
}

_Static_assert(VM_MAX_MMIO <= 32, "struct vm.deferred has a bit per MMIO device");

void vm_defer(struct vm *vm, const struct mmio_device *dev)
{
	unsigned n = (unsigned)(dev - vm->mmio);

	CHECK(dev >= vm->mmio && n < vm->mmio_count); /* a device of this VM's bus */
	atomic_fetch_or_explicit(&vm->deferred, 1U << n, memory_order_release);
}

bool vm_has_deferred(struct vm *vm)
{
	return atomic_load_explicit(&vm->deferred, memory_order_relaxed) != 0;
}

void vm_resume_deferred(struct vm *vm)
{
	/* Each device's bit is cleared before it resumes: work it leaves over sets it again, so
	 * nothing deferred meanwhile (from another pCPU) is lost. */
	uint32_t todo = atomic_exchange_explicit(&vm->deferred, 0, memory_order_acquire);

	for (unsigned n = 0; todo; n++, todo >>= 1) {
		if (todo & 1)
			vm->mmio[n].ops->resume(&vm->mmio[n]);
	}
}

int vm_add_vcpu(struct vm *vm, uint64_t entry, uint64_t arg, struct vcpu **out)
{
	struct vcpu *v;

	if (vm->vcpu_count == VM_MAX_VCPUS)
		return HV_ENOMEM;
	v = &vm->vcpus[vm->vcpu_count];
	memset(v, 0, sizeof(*v));
	v->id = vm->vcpu_count;
	v->vm = vm;
	v->ctx.vttbr = pgt_vttbr(&vm->s2);
	v->ctx.vtcr = pgt_tcr(&vm->s2, vm->pa_bits);
	/* Aff0 numbers vCPUs, 16 per cluster as QEMU virt does (GICv3 targets 16 per Aff1). */
	v->ctx.vmpidr = (v->id % 16) | (uint64_t)(v->id / 16) << 8;
	v->ctx.cntvoff = vm->cntvoff;
	vcpu_reset(v, entry, arg);
	v->state = VCPU_RUNNABLE;
	vm->vcpu_count++;
	*out = v;
	return HV_OK;
}

void vcpu_reset(struct vcpu *v, uint64_t entry, uint64_t arg)
{
	memset(v->ctx.x, 0, sizeof(v->ctx.x));
	memset(v->ctx.el1, 0, sizeof(v->ctx.el1));
	v->ctx.pc = entry;
	v->ctx.x[0] = arg;
	/* Linux boot protocol and PSCI CPU_ON alike: EL1h, all exceptions masked, MMU off. */
	v->ctx.pstate = PSTATE_M_EL1H | PSTATE_DAIF;
	v->ctx.el1[HAL_SCTLR_EL1] = SCTLR_EL1_RESET;
	debug_regs_reset(&v->debug);
}

void vm_stop(struct vm *vm, int status)
{
	spin_lock(&vm->lock);
	if (vm->state == VM_RUNNING || vm->state == VM_CREATED) {
		vm->state = VM_STOPPED;
		vm->exit_status = status;
	}
	spin_unlock(&vm->lock);
}

bool vm_running(struct vm *vm)
{
	return __atomic_load_n(&vm->state, __ATOMIC_ACQUIRE) == VM_RUNNING;
}

bool vm_alive(struct vm *vm)
{
	enum vm_state state = __atomic_load_n(&vm->state, __ATOMIC_ACQUIRE);

	return state == VM_CREATED || state == VM_RUNNING;
}

void vm_destroy(struct vm *vm)
{
	uint16_t vmid = vm->s2.vmid;

	for (unsigned i = 0; i < vm->ram_count; i++) {
		pgt_unmap(&vm->s2, vm->ram[i].ipa, vm->ram[i].size);
		palloc_free(vm->alloc, vm->ram[i].pa, vm->ram[i].size);
	}
	pgt_destroy(&vm->s2);
	vmid_free(vmid);
	spin_lock(&vms_lock);
	vm->state = VM_FREE;
	spin_unlock(&vms_lock);
}

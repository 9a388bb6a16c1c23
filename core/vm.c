// SPDX-License-Identifier: MIT
/* VM slots: creation, RAM, the MMIO bus, vCPUs, stop and teardown. */
#include <core/arch.h>
#include <core/check.h>
#include <core/cpu_msg.h>
#include <core/err.h>
#include <core/lib.h>
#include <core/palloc.h>
#include <core/print.h>
#include <core/pvtime.h>
#include <core/sched.h>
#include <core/sysreg.h>
#include <core/vm.h>
#include <core/vmid.h>
#include <core/vsve.h>
#include <hal/cpu.h>
#include <hal/mem.h>
#include <hal/mmu.h>
#include <hal/time.h>

static struct vm vms[VM_MAX];
static struct spinlock vms_lock = SPINLOCK_INIT;
/* Bumped (under vms_lock) whenever a slot is taken or freed, outside struct vm so that the
 * memset of a slot being taken does not race with vm_generation() on another pCPU. */
static _Atomic uint32_t generations[VM_MAX];

uint32_t vm_generation(const struct vm *vm)
{
	return atomic_load_explicit(&generations[vm - vms], memory_order_acquire);
}

static void new_generation(struct vm *vm)
{
	atomic_fetch_add_explicit(&generations[vm - vms], 1, memory_order_release);
}

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
			new_generation(vm);
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
		spin_lock(&vms_lock);
		new_generation(vm);
		vm->state = VM_FREE;
		spin_unlock(&vms_lock);
		return ret;
	}
	vm->pa_bits = pa_bits;
	vm_board_default(&vm->board);
	vm->weight = VM_DEFAULT_WEIGHT;
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

/* One bit per 2 MiB block of a region: set once the block is zeroed and mapped. */
static uint64_t bitmap_bytes(uint64_t size)
{
	return align_up((size / SZ_2M + 63) / 64 * sizeof(uint64_t), PAGE_SIZE);
}

int vm_add_ram(struct vm *vm, uint64_t ipa, uint64_t size)
{
	uint64_t pa, bitmap_pa = 0;
	int ret;

	if (size == 0 || !is_aligned(ipa | size, SZ_2M) || !range_ok(ipa, size) ||
	    ipa + size > (1ULL << vm->s2.ia_bits))
		return HV_EINVAL;
	if (vm->ram_count == VM_MAX_RAM)
		return HV_ENOMEM;
	if (range_taken(vm, ipa, size))
		return HV_EBUSY;
	/* The reservation: the VM can never hold more than this, and a machine short of memory
	 * fails here, at creation, never at a guest's first touch. Nothing is zeroed or mapped
	 * yet (vm_ram_populate()); the tables are, so populating never allocates. */
	ret = palloc_alloc(vm->alloc, size, SZ_2M, &pa);
	if (ret != HV_OK)
		return ret;
	ret = palloc_alloc(vm->alloc, bitmap_bytes(size), PAGE_SIZE, &bitmap_pa);
	if (ret == HV_OK)
		ret = pgt_prepare_blocks(&vm->s2, ipa, size);
	if (ret != HV_OK) {
		pgt_unmap(&vm->s2, ipa, size);
		if (bitmap_pa)
			palloc_free(vm->alloc, bitmap_pa, bitmap_bytes(size));
		palloc_free(vm->alloc, pa, size);
		return ret;
	}
	memset(hal_phys_to_ptr(bitmap_pa), 0, bitmap_bytes(size));
	/* Regions are added before any vCPU runs; the release pairs with vm_ram_find(). */
	vm->ram[vm->ram_count] = (struct vm_ram){ipa, pa, size, hal_phys_to_ptr(bitmap_pa)};
	__atomic_store_n(&vm->ram_count, vm->ram_count + 1, __ATOMIC_RELEASE);
	return HV_OK;
}

const struct vm_ram *vm_ram_find(const struct vm *vm, uint64_t ipa)
{
	unsigned count = __atomic_load_n(&vm->ram_count, __ATOMIC_ACQUIRE);

	for (unsigned i = 0; i < count; i++) {
		if (ipa >= vm->ram[i].ipa && ipa - vm->ram[i].ipa < vm->ram[i].size)
			return &vm->ram[i];
	}
	return NULL;
}

bool vm_ram_populated(const struct vm_ram *r, uint64_t ipa)
{
	uint64_t n = (ipa - r->ipa) / SZ_2M;

	/* Acquire: a set bit means the zeroes and the mapping are visible too. */
	return __atomic_load_n(&r->populated[n / 64], __ATOMIC_ACQUIRE) & (1ULL << (n % 64));
}

/* 8 bytes of `q` as one little-endian word, `q` aligned or not (-mstrict-align on the target). */
static uint64_t word_at(const uint8_t *q)
{
	uint64_t v = 0;

	if (is_aligned((uintptr_t)q, sizeof(v)))
		return *(const uint64_t *)(const void *)q;
	for (unsigned i = sizeof(v); i > 0; i--)
		v = v << 8 | q[i - 1];
	return v;
}

/* One sample word at each end of every page of a block about to be mapped: cheap next to the
 * zeroing, and enough to catch a zeroing routine that skips or misaligns its stores. A word
 * inside [from, to), where `src` was loaded, must be what was loaded; one across either edge
 * is not sampled. */
static bool block_looks_right(const uint8_t *p, uint64_t from, uint64_t to, const uint8_t *src)
{
	const uint64_t w = sizeof(uint64_t);

	for (uint64_t page = 0; page < SZ_2M; page += PAGE_SIZE) {
		const uint64_t at[2] = {page, page + PAGE_SIZE - w};

		for (unsigned i = 0; i < 2; i++) {
			uint64_t v = *(const uint64_t *)(const void *)(p + at[i]);

			if ((at[i] + w <= from || at[i] >= to) && v != 0)
				return false;
			if (at[i] >= from && at[i] + w <= to && v != word_at(src + (at[i] - from)))
				return false;
		}
	}
	return true;
}

/* Zero [from, to) of a block: hal_mem_zero() for the aligned middle, stores at the edges. */
static void zero_part(uint8_t *p, uint64_t from, uint64_t to)
{
	uint64_t a = align_up(from, HAL_MEM_ZERO_ALIGN), b = align_down(to, HAL_MEM_ZERO_ALIGN);

	if (from >= to)
		return;
	if (a >= b) {
		memset(p + from, 0, to - from);
		return;
	}
	memset(p + from, 0, a - from);
	hal_mem_zero(p + a, b - a);
	memset(p + b, 0, to - b);
}

/* Populate the block holding `ipa`, with `len` bytes of `src` at `ipa` (none: `src` NULL) and
 * zeros everywhere else; *loaded (optional) says whether this call did it. */
static int populate(struct vm *vm, uint64_t ipa, const void *src, size_t len, bool *loaded)
{
	const struct vm_ram *r = vm_ram_find(vm, ipa);
	uint64_t block = align_down(ipa, SZ_2M), from = len ? ipa - block : 0, to = from + len;
	uint64_t pa, n;
	uint8_t *p;
	int ret;

	if (loaded)
		*loaded = false;
	if (!r)
		return HV_EFAULT;
	CHECK(to <= SZ_2M); /* the caller splits a load at block ends */
	if (vm_ram_populated(r, ipa))
		return HV_OK;
	/* Two vCPUs (or a vCPU and a device's DMA) may fault on the same block: the lock makes
	 * one of them populate it and the others find it populated. */
	spin_lock(&vm->ram_lock);
	if (vm_ram_populated(r, ipa)) {
		spin_unlock(&vm->ram_lock);
		return HV_OK;
	}
	pa = r->pa + (block - r->ipa);
	p = hal_phys_to_ptr(pa);
	/* docs/memory.md: whatever the memory held before (another VM's data, a boot module) is
	 * gone before the guest can reach it, and cleaned to the point of coherency, since a
	 * guest with its MMU off reads it non-cacheable, behind the caches; unless stage 2
	 * forces its accesses write-back (FEAT_S2FWB), and then the caches are all it sees.
	 * What is loaded is written once, not zeroed first. */
	zero_part(p, 0, from);
	if (len)
		memcpy(p + from, src, len);
	zero_part(p, to, SZ_2M);
	if (!hal_s2_forces_wb())
		hal_dcache_clean_range(p, SZ_2M);
	CHECK(is_aligned(pa, SZ_2M) && block - r->ipa + SZ_2M <= r->size);
	CHECK(!pgt_lookup(&vm->s2, block, NULL, NULL));
	CHECK(block_looks_right(p, from, to, src));
	/* The entry was invalid, so no TLB holds it (Arm ARM D8.14.1: translation faults are
	 * not cached) and no break-before-make is needed; the tables exist (vm_add_ram()). */
	ret = pgt_map(&vm->s2, block, pa, SZ_2M, PGT_RWX);
	CHECK(ret == HV_OK);
	n = (block - r->ipa) / SZ_2M;
	__atomic_fetch_or(&r->populated[n / 64], 1ULL << (n % 64), __ATOMIC_RELEASE);
	vm->ram_blocks++;
	spin_unlock(&vm->ram_lock);
	if (loaded)
		*loaded = true;
	return HV_OK;
}

int vm_ram_populate(struct vm *vm, uint64_t ipa)
{
	return populate(vm, ipa, NULL, 0, NULL);
}

int vm_ram_populate_load(struct vm *vm, uint64_t ipa, const void *src, size_t len, bool *loaded)
{
	return populate(vm, ipa, src, len, loaded);
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
	unsigned last = atomic_load_explicit(&vm->mmio_last, memory_order_relaxed);

	/* The device found last first: drivers talk to one device many times in a row (the
	 * console's FR and DR for every character). Whatever the slot holds now, the range
	 * check alone decides. */
	if (last < hi && ipa - vm->mmio[last].base < vm->mmio[last].size)
		return &vm->mmio[last];
	/* Binary search of the sorted, disjoint device ranges. */
	while (lo < hi) {
		unsigned mid = lo + (hi - lo) / 2;
		struct mmio_device *d = &vm->mmio[mid];

		if (ipa < d->base) {
			hi = mid;
		} else if (ipa - d->base >= d->size) {
			lo = mid + 1;
		} else {
			atomic_store_explicit(&vm->mmio_last, mid, memory_order_relaxed);
			return d;
		}
	}
	return NULL;
}

_Static_assert(VM_MAX_MMIO <= 32, "struct vm.deferred has a bit per MMIO device");

void vm_defer(struct vm *vm, const struct mmio_device *dev, const struct vcpu *by)
{
	unsigned n = (unsigned)(dev - vm->mmio);

	CHECK(dev >= vm->mmio && n < vm->mmio_count); /* a device of this VM's bus */
	CHECK(!by || by->vm == vm);
	atomic_store_explicit(&vm->deferred_by[n], (uint8_t)(by ? by->id + 1 : 0),
			      memory_order_relaxed);
	atomic_fetch_or_explicit(&vm->deferred, 1U << n, memory_order_release);
}

bool vm_has_deferred_for(struct vm *vm, const struct vcpu *vcpu)
{
	uint32_t todo = atomic_load_explicit(&vm->deferred, memory_order_relaxed);

	for (unsigned n = 0; todo; n++, todo >>= 1) {
		unsigned by;

		if (!(todo & 1))
			continue;
		by = atomic_load_explicit(&vm->deferred_by[n], memory_order_relaxed);
		if (!by || by == vcpu->id + 1)
			return true;
	}
	return false;
}

static void resume(struct vm *vm, unsigned n)
{
	unsigned by = atomic_load_explicit(&vm->deferred_by[n], memory_order_relaxed);

	vm->mmio[n].ops->resume(&vm->mmio[n], by ? &vm->vcpus[by - 1] : NULL);
}

void vm_resume_deferred(struct vm *vm)
{
	/* Each device's bit is cleared before it resumes: work it leaves over sets it again, so
	 * nothing deferred meanwhile (from another pCPU) is lost. */
	uint32_t todo = atomic_exchange_explicit(&vm->deferred, 0, memory_order_acquire);

	for (unsigned n = 0; todo; n++, todo >>= 1) {
		if (todo & 1)
			resume(vm, n);
	}
}

void vm_resume_deferred_by(struct vm *vm, const struct vcpu *vcpu)
{
	uint32_t todo = atomic_load_explicit(&vm->deferred, memory_order_acquire);

	for (unsigned n = 0; todo; n++, todo >>= 1) {
		unsigned by;

		if (!(todo & 1))
			continue;
		by = atomic_load_explicit(&vm->deferred_by[n], memory_order_relaxed);
		if (by && by != vcpu->id + 1)
			continue;
		/* Take the bit; if another pCPU took it first, the work is in its hands. */
		if (atomic_fetch_and_explicit(&vm->deferred, ~(1U << n), memory_order_acquire) &
		    (1U << n))
			resume(vm, n);
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
	v->ctx.sve = vsve_state(vcpu_index(v));
	vcpu_reset(v, entry, arg);
	v->state = VCPU_RUNNABLE;
	vm->vcpu_count++;
	*out = v;
	return HV_OK;
}

/* The vCPU whose registers each pCPU holds (NULL: none); written by that pCPU only. Loading
 * over another would lose its state: a parked vCPU (docs/scheduling.md) must be put first. */
static struct vcpu *loaded_on_pcpu[HV_MAX_CPUS];

void vcpu_load(struct vcpu *vcpu)
{
	unsigned here = hal_cpu_id();

	CHECK(!loaded_on_pcpu[here]);
	loaded_on_pcpu[here] = vcpu;
	hal_vcpu_load(&vcpu->ctx);
	/* Its debug registers only if they enable anything (core/trap_debug.c). */
	if (vcpu->debug.in_hw)
		hal_debug_load(&vcpu->debug.hw);
	atomic_store_explicit(&vcpu->loaded_on, here + 1, memory_order_release);
}

void vcpu_put(struct vcpu *vcpu)
{
	CHECK(vcpu_loaded_here(vcpu));
	if (vcpu->debug.in_hw)
		hal_debug_clear();
	hal_vcpu_put(&vcpu->ctx);
	atomic_store_explicit(&vcpu->loaded_on, 0, memory_order_release);
	loaded_on_pcpu[hal_cpu_id()] = NULL;
}

void vcpu_put_load(struct vcpu *from, struct vcpu *to)
{
	unsigned here = hal_cpu_id();

	CHECK(loaded_on_pcpu[here] == from && vcpu_loaded_here(from));
	if (from->debug.in_hw)
		hal_debug_clear();
	hal_vcpu_switch(&from->ctx, &to->ctx);
	atomic_store_explicit(&from->loaded_on, 0, memory_order_release);
	loaded_on_pcpu[here] = to;
	if (to->debug.in_hw)
		hal_debug_load(&to->debug.hw);
	atomic_store_explicit(&to->loaded_on, here + 1, memory_order_release);
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
	ptimer_reset(v);
	vpmu_reset(v);
	/* FP/SIMD registers and the PAuth keys are UNKNOWN after a reset: zero, so nothing of an
	 * earlier life shows (its keys would let the new one forge its old pointers). The GIC's
	 * CPU interface is reset by vgic_vcpu_reset(). */
	memset(&v->ctx.fpsimd, 0, sizeof(v->ctx.fpsimd));
	if (v->ctx.sve)
		memset(v->ctx.sve, 0, sizeof(*v->ctx.sve));
	v->ctx.sve_used = false; /* its first SVE use widens its FP/SIMD state again */
	memset(v->ctx.pauth_keys, 0, sizeof(v->ctx.pauth_keys));
	v->ctx.pauth_used = false; /* switched lazily again, from its first use */
	v->ctx.vserror_pending = 0;
}

struct vcpu *vcpu_by_index(unsigned index)
{
	CHECK(index < VCPU_INDEX_MAX);
	return &vms[index / VM_MAX_VCPUS].vcpus[index % VM_MAX_VCPUS];
}

void vm_stop(struct vm *vm, int status)
{
	bool stopped = false;

	spin_lock(&vm->lock);
	if (vm->state == VM_RUNNING || vm->state == VM_CREATED) {
		vm->exit_status = status;
		/* Last, with release: whoever sees it stopped (vm_alive(), unlocked) sees why. */
		__atomic_store_n(&vm->state, VM_STOPPED, __ATOMIC_RELEASE);
		stopped = true;
	}
	spin_unlock(&vm->lock);
	if (stopped)
		sched_note_vm_stopped();
	/* Its vCPUs on other pCPUs stop now, not at their next exit (an idle pCPU might sleep
	 * in WFI for good). Repeats for one pCPU coalesce in its mailbox. */
	for (unsigned i = 0; stopped && i < vm->vcpu_count; i++) {
		if (vm->vcpus[i].pcpu != hal_cpu_id())
			cpu_msg_send(vm->vcpus[i].pcpu, CPU_MSG_VM_STOP, vm);
	}
	/* The VM manager reaps it (core/vm_ctl.c) once its vCPUs have left their queues. */
	if (stopped)
		sched_manage_wake();
}

void vm_destroy(struct vm *vm)
{
	uint16_t vmid = vm->s2.vmid;

	pvtime_release(vm);
	/* The memory goes back as the guest left it: whoever gets it next zeroes each block
	 * before mapping it (vm_ram_populate()). */
	for (unsigned i = 0; i < vm->ram_count; i++) {
		pgt_unmap(&vm->s2, vm->ram[i].ipa, vm->ram[i].size);
		palloc_free(vm->alloc, hal_ptr_to_phys(vm->ram[i].populated),
			    bitmap_bytes(vm->ram[i].size));
		palloc_free(vm->alloc, vm->ram[i].pa, vm->ram[i].size);
	}
	pgt_destroy(&vm->s2);
	vmid_free(vmid);
	spin_lock(&vms_lock);
	new_generation(vm);
	vm->state = VM_FREE;
	spin_unlock(&vms_lock);
}

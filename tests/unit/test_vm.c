// SPDX-License-Identifier: MIT
/* Tests of core/vm.c: VM slots and their VMIDs, RAM (reserved at creation, each block zeroed
 * and mapped RWX at its IPA on first touch, docs/memory.md), the MMIO
 * bus (overlap refusal, sort order, lookup at every edge), vCPU reset state, stop, and a
 * teardown that gives every page back to the allocator. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include <core/arch.h>
#include <core/err.h>
#include <core/lib.h>
#include <core/palloc.h>
#include <core/pgtable.h>
#include <core/vm.h>
#include <hal-sim/sim_hal.h>

#include "host_mem.h"
#include "rng.h"

#define ARENA_SIZE (24 * SZ_2M)
#define IPA_BITS   40

static struct palloc alloc;
static void *arena;
static struct vm *vms[VM_MAX];

static int dummy_read(struct mmio_device *dev, struct vcpu *vcpu, uint64_t off, unsigned size,
		      uint64_t *val)
{
	*val = 0;
	return HV_OK;
}

static int dummy_write(struct mmio_device *dev, struct vcpu *vcpu, uint64_t off, unsigned size,
		       uint64_t val)
{
	return HV_OK;
}

static const struct mmio_ops dummy_ops = {.read = dummy_read, .write = dummy_write};

static struct mmio_device dev(uint64_t base, uint64_t size)
{
	return (struct mmio_device){.name = "dummy", .base = base, .size = size, .ops = &dummy_ops};
}

static int setup(void **state)
{
	sim_hal_reset();
	sim_hal.pa_bits = 48; /* host pointers are the physical addresses */
	palloc_init(&alloc);
	arena = host_mem_alloc(ARENA_SIZE, SZ_2M);
	assert_int_equal(palloc_add(&alloc, host_mem_pa(arena), ARENA_SIZE), HV_OK);
	memset(vms, 0, sizeof(vms));
	return 0;
}

static int teardown(void **state)
{
	for (unsigned i = 0; i < VM_MAX; i++) {
		if (vms[i])
			vm_destroy(vms[i]);
	}
	host_mem_free(arena);
	return 0;
}

static struct vm *make(unsigned i)
{
	assert_int_equal(vm_create(&vms[i], "vm", IPA_BITS, 48, &alloc), HV_OK);
	return vms[i];
}

static void drop(unsigned i)
{
	vm_destroy(vms[i]);
	vms[i] = NULL;
}

/* --- slots and VMIDs --- */

static void test_vm_create_fills_slots_in_order_then_refuses(void **state)
{
	struct vm *extra = NULL;

	for (unsigned i = 0; i < VM_MAX; i++) {
		struct vm *vm = make(i);

		assert_int_equal(vm->id, i);
		assert_int_equal(vm->state, VM_CREATED);
		assert_string_equal(vm->name, "vm");
		assert_ptr_equal(vm->alloc, &alloc);
		assert_int_equal(vm->pa_bits, 48);
		assert_int_equal(vm->s2.regime, PGT_STAGE2);
		assert_int_equal(vm->s2.ia_bits, IPA_BITS);
	}
	assert_int_equal(vm_create(&extra, "extra", IPA_BITS, 48, &alloc), HV_ENOMEM);
	assert_null(extra);
}

static void test_vm_vmids_are_unique_and_never_zero(void **state)
{
	for (unsigned i = 0; i < VM_MAX; i++) {
		make(i);
		assert_int_not_equal(vms[i]->s2.vmid, 0);
		for (unsigned j = 0; j < i; j++)
			assert_int_not_equal(vms[i]->s2.vmid, vms[j]->s2.vmid);
	}
}

static void test_vm_destroyed_slot_and_vmid_are_reused_after_a_tlb_flush(void **state)
{
	uint16_t vmid;

	for (unsigned i = 0; i < VM_MAX; i++)
		make(i);
	vmid = vms[3]->s2.vmid;
	sim_hal.tlb_flush_vmid = 0;
	drop(3);
	/* The next owner of the VMID must not find the old VM's TLB entries. */
	assert_true(sim_hal.tlb_flush_vmid >= 1);
	assert_int_equal(sim_hal.last_flush_vmid, vmid);
	make(3);
	assert_int_equal(vms[3]->id, 3);
	assert_int_equal(vms[3]->s2.vmid, vmid);
	assert_int_equal(vms[3]->state, VM_CREATED);
	assert_int_equal(vms[3]->ram_count, 0);
	assert_int_equal(vms[3]->mmio_count, 0);
}

static void test_vm_create_failure_gives_back_slot_and_vmid(void **state)
{
	struct palloc empty;
	struct vm *vm = NULL;

	/* More IPA bits than the PA size allows: pgt_init() refuses. */
	assert_int_equal(vm_create(&vm, "bad", 49, 48, &alloc), HV_EINVAL);
	palloc_init(&empty);
	assert_int_equal(vm_create(&vm, "bad", IPA_BITS, 48, &empty), HV_ENOMEM);
	assert_null(vm);
	/* Neither failure leaked a slot or a VMID. */
	for (unsigned i = 0; i < VM_MAX; i++)
		assert_int_equal(make(i)->id, i);
	assert_int_equal(vms[0]->s2.vmid, 1);
}

static void test_vm_name_is_cut_to_fit(void **state)
{
	char name[2 * VM_NAME_MAX];

	memset(name, 'n', sizeof(name) - 1);
	name[sizeof(name) - 1] = '\0';
	assert_int_equal(vm_create(&vms[0], name, IPA_BITS, 48, &alloc), HV_OK);
	assert_int_equal(strlen(vms[0]->name), VM_NAME_MAX - 1);
}

/* --- RAM --- */

static void assert_zero(const uint8_t *p, uint64_t len, const char *what)
{
	for (uint64_t i = 0; i < len; i++) {
		if (p[i])
			fail_msg("%s: byte 0x%llx is 0x%02x", what, (unsigned long long)i, p[i]);
	}
}

static void test_vm_add_ram_reserves_memory_but_zeroes_and_maps_nothing(void **state)
{
	struct vm *vm = make(0);
	uint64_t free0 = palloc_free_bytes(&alloc);
	const uint8_t *p;

	assert_int_equal(vm_add_ram(vm, VM_RAM_BASE, 2 * SZ_2M), HV_OK);
	assert_int_equal(vm->ram_count, 1);
	assert_int_equal(vm->ram[0].ipa, VM_RAM_BASE);
	assert_int_equal(vm->ram[0].size, 2 * SZ_2M);
	assert_true(is_aligned(vm->ram[0].pa, SZ_2M));
	/* Reserved: the RAM, its populated bitmap and the stage-2 tables are taken now. */
	assert_true(palloc_free_bytes(&alloc) <= free0 - 2 * SZ_2M - PAGE_SIZE);
	for (uint64_t off = 0; off < 2 * SZ_2M; off += PAGE_SIZE)
		assert_false(pgt_lookup(&vm->s2, VM_RAM_BASE + off, NULL, NULL));
	assert_int_equal(sim_hal.zero_calls, 0);
	assert_int_equal(vm->ram_blocks, 0);
	/* The arena's poison is still there: nothing was cleared up front. */
	p = (const uint8_t *)(uintptr_t)vm->ram[0].pa;
	assert_int_not_equal(p[0], 0);
	assert_int_not_equal(p[2 * SZ_2M - 1], 0);
	assert_true(vm_ram_find(vm, VM_RAM_BASE + 2 * SZ_2M - 1) == &vm->ram[0]);
	assert_null(vm_ram_find(vm, VM_RAM_BASE + 2 * SZ_2M));
	assert_null(vm_ram_find(vm, VM_RAM_BASE - 1));
}

static void test_vm_ram_populate_zeroes_cleans_and_maps_one_block_rwx_once(void **state)
{
	struct vm *vm = make(0);
	uint64_t pa, block1;
	unsigned flags;

	assert_int_equal(vm_add_ram(vm, VM_RAM_BASE, 3 * SZ_2M), HV_OK);
	block1 = VM_RAM_BASE + SZ_2M;
	assert_int_equal(vm_ram_populate(vm, block1 + 0x1234), HV_OK);
	for (uint64_t off = 0; off < SZ_2M; off += PAGE_SIZE) {
		assert_true(pgt_lookup(&vm->s2, block1 + off, &pa, &flags));
		assert_int_equal(pa, vm->ram[0].pa + SZ_2M + off);
		assert_int_equal(flags, PGT_RWX);
	}
	assert_false(pgt_lookup(&vm->s2, block1 - 1, NULL, NULL));
	assert_false(pgt_lookup(&vm->s2, block1 + SZ_2M, NULL, NULL));
	assert_zero((const uint8_t *)(uintptr_t)(vm->ram[0].pa + SZ_2M), SZ_2M, "block 1");
	/* Block 0 keeps its poison: only the touched block was zeroed. */
	assert_int_not_equal(*(const uint8_t *)(uintptr_t)vm->ram[0].pa, 0);
	assert_int_equal(sim_hal.zero_calls, 1);
	assert_int_equal(sim_hal.zeroed_bytes, SZ_2M);
	assert_true(sim_hal.cleaned_bytes >= SZ_2M);
	assert_true(vm_ram_populated(&vm->ram[0], block1));
	assert_false(vm_ram_populated(&vm->ram[0], VM_RAM_BASE));

	/* Populated once: data written since survives a second touch. */
	*(uint8_t *)(uintptr_t)(vm->ram[0].pa + SZ_2M + 7) = 0x5a;
	assert_int_equal(vm_ram_populate(vm, block1 + SZ_2M - 1), HV_OK);
	assert_int_equal(*(uint8_t *)(uintptr_t)(vm->ram[0].pa + SZ_2M + 7), 0x5a);
	assert_int_equal(sim_hal.zero_calls, 1);
	assert_int_equal(vm->ram_blocks, 1);
	/* With stage 2 forcing write-back (FEAT_S2FWB) there is nothing to clean. */
	sim_hal.s2_forces_wb = true;
	sim_hal.cleaned_bytes = 0;
	assert_int_equal(vm_ram_populate(vm, VM_RAM_BASE + 2 * SZ_2M), HV_OK);
	assert_true(sim_hal.cleaned_bytes < PAGE_SIZE); /* the descriptor's line only */
	assert_zero((const uint8_t *)(uintptr_t)(vm->ram[0].pa + 2 * SZ_2M), SZ_2M, "block 2");
	assert_int_equal(vm->ram_blocks, 2);
	/* Not RAM. */
	assert_int_equal(vm_ram_populate(vm, VM_RAM_BASE - 1), HV_EFAULT);
	assert_int_equal(vm_ram_populate(vm, VM_RAM_BASE + 3 * SZ_2M), HV_EFAULT);
	assert_int_equal(vm->ram_blocks, 2);
}

/* Populating happens at a guest's first touch, where there is no clean way to fail: it must
 * need no memory at all, even when the machine has none left. */
/* The CHECK before a loaded block is mapped: a byte gone wrong after zeroing and loading (a
 * zeroing routine that skipped a page, a copy that missed) stops the hypervisor; the clean
 * hook runs between the two and breaks one byte of the block. */
static jmp_buf stopped;
static uint64_t spoil_at;

static void spoil(const void *ptr, size_t len)
{
	if (len == SZ_2M)
		((uint8_t *)(uintptr_t)ptr)[spoil_at] ^= 0x5a;
}

static void test_vm_ram_populate_load_checks_zeros_and_data_before_mapping(void **state)
{
	/* A word of the zeros before the data, the first and last of the data, one after it. */
	static const uint64_t spoiled[] = {5 * PAGE_SIZE, 0x100000, 0x100fff, 0x101000, SZ_2M - 1};
	static uint8_t data[0x1000];
	struct vm *vm = make(0);
	bool loaded = false;

	memset(data, 0x3c, sizeof(data));
	assert_int_equal(vm_add_ram(vm, VM_RAM_BASE, 8 * SZ_2M), HV_OK);
	/* Unspoiled: loaded, mapped, zeros around the data. */
	assert_int_equal(
	    vm_ram_populate_load(vm, VM_RAM_BASE + 0x100000, data, sizeof(data), &loaded), HV_OK);
	assert_true(loaded);
	assert_true(pgt_lookup(&vm->s2, VM_RAM_BASE, NULL, NULL));
	assert_zero((const uint8_t *)(uintptr_t)vm->ram[0].pa, 0x100000, "before the data");
	/* Populated already: nothing written, the caller copies. */
	assert_int_equal(vm_ram_populate_load(vm, VM_RAM_BASE, data, 16, &loaded), HV_OK);
	assert_false(loaded);
	sim_hal.clean_hook = spoil;
	for (unsigned i = 0; i < ARRAY_SIZE(spoiled); i++) {
		uint64_t block = VM_RAM_BASE + (i + 1) * SZ_2M;

		spoil_at = spoiled[i];
		sim_hal.exit_jmp = &stopped;
		if (setjmp(stopped) == 0) {
			vm_ram_populate_load(vm, block + 0x100000, data, sizeof(data), &loaded);
			fail_msg("byte 0x%llx spoiled and still mapped",
				 (unsigned long long)spoil_at);
		}
		sim_hal.exit_jmp = NULL;
		assert_non_null(strstr(sim_hal.console, "CHECK failed at"));
		assert_false(pgt_lookup(&vm->s2, block, NULL, NULL));
		/* The stopped pCPU held the lock: give it back for the next round. */
		spin_unlock(&vm->ram_lock);
		sim_hal.console[0] = '\0';
		sim_hal.console_len = 0;
	}
	sim_hal.clean_hook = NULL;
}

static void test_vm_ram_populate_needs_no_memory(void **state)
{
	struct vm *vm = make(0);
	uint64_t pa, far = 0x8000000000ULL - 0x40000000;

	assert_int_equal(vm_add_ram(vm, VM_RAM_BASE, 4 * SZ_2M), HV_OK);
	assert_int_equal(vm_add_ram(vm, far, 2 * SZ_2M), HV_OK);
	while (palloc_alloc(&alloc, PAGE_SIZE, 0, &pa) == HV_OK)
		;
	assert_int_equal(palloc_free_bytes(&alloc), 0);
	for (uint64_t off = 0; off < 4 * SZ_2M; off += SZ_2M)
		assert_int_equal(vm_ram_populate(vm, VM_RAM_BASE + off), HV_OK);
	for (uint64_t off = 0; off < 2 * SZ_2M; off += SZ_2M)
		assert_int_equal(vm_ram_populate(vm, far + off), HV_OK);
	assert_int_equal(vm->ram_blocks, 6);
	assert_true(pgt_lookup(&vm->s2, far + 2 * SZ_2M - 1, NULL, NULL));
}

/* A stopped VM's memory goes back with its data in it; the next VM given the same memory
 * must read zeros, in every block. */
static void test_vm_memory_of_a_destroyed_vm_is_zeroed_before_another_maps_it(void **state)
{
	struct vm *vm = make(0);
	uint64_t pa_first;

	assert_int_equal(vm_add_ram(vm, VM_RAM_BASE, 4 * SZ_2M), HV_OK);
	pa_first = vm->ram[0].pa;
	for (uint64_t off = 0; off < 4 * SZ_2M; off += SZ_2M)
		assert_int_equal(vm_ram_populate(vm, VM_RAM_BASE + off), HV_OK);
	memset((void *)(uintptr_t)pa_first, 0xa5, 4 * SZ_2M);
	drop(0);

	vm = make(1);
	assert_int_equal(vm_add_ram(vm, VM_RAM_BASE, 4 * SZ_2M), HV_OK);
	assert_int_equal(vm->ram[0].pa, pa_first); /* first fit: the same memory */
	assert_int_equal(*(const uint8_t *)(uintptr_t)pa_first, 0xa5);
	for (uint64_t off = 0; off < 4 * SZ_2M; off += SZ_2M) {
		assert_int_equal(vm_ram_populate(vm, VM_RAM_BASE + off + 0x800), HV_OK);
		assert_zero((const uint8_t *)(uintptr_t)(pa_first + off), SZ_2M, "reused block");
	}
}

static void test_vm_add_ram_refuses_bad_ranges(void **state)
{
	struct vm *vm = make(0);
	uint64_t free0 = palloc_free_bytes(&alloc);

	assert_int_equal(vm_add_ram(vm, VM_RAM_BASE, 0), HV_EINVAL);
	assert_int_equal(vm_add_ram(vm, VM_RAM_BASE + PAGE_SIZE, SZ_2M), HV_EINVAL);
	assert_int_equal(vm_add_ram(vm, VM_RAM_BASE, SZ_2M + PAGE_SIZE), HV_EINVAL);
	assert_int_equal(vm_add_ram(vm, 0xffffffffffe00000ULL, 2 * SZ_2M), HV_EINVAL);
	assert_int_equal(vm_add_ram(vm, (1ULL << IPA_BITS) - SZ_2M, 2 * SZ_2M), HV_EINVAL);
	assert_int_equal(vm->ram_count, 0);
	assert_int_equal(palloc_free_bytes(&alloc), free0);
	/* The last 2 MiB of the IPA space is fine. */
	assert_int_equal(vm_add_ram(vm, (1ULL << IPA_BITS) - SZ_2M, SZ_2M), HV_OK);
}

static void test_vm_add_ram_refuses_overlap_with_ram_and_mmio(void **state)
{
	struct vm *vm = make(0);
	struct mmio_device d = dev(VM_RAM_BASE + 8 * SZ_2M + 0x1000, 0x1000);

	assert_int_equal(vm_add_ram(vm, VM_RAM_BASE, 2 * SZ_2M), HV_OK);
	assert_int_equal(vm_add_mmio(vm, &d), HV_OK);
	assert_int_equal(vm_add_ram(vm, VM_RAM_BASE + SZ_2M, 2 * SZ_2M), HV_EBUSY);
	assert_int_equal(vm_add_ram(vm, VM_RAM_BASE - SZ_2M, 2 * SZ_2M), HV_EBUSY);
	assert_int_equal(vm_add_ram(vm, VM_RAM_BASE + 8 * SZ_2M, SZ_2M), HV_EBUSY);
	/* Touching is not overlapping. */
	assert_int_equal(vm_add_ram(vm, VM_RAM_BASE + 2 * SZ_2M, SZ_2M), HV_OK);
	assert_int_equal(vm_add_ram(vm, VM_RAM_BASE - SZ_2M, SZ_2M), HV_OK);
	assert_int_equal(vm->ram_count, 3);
}

static void test_vm_add_ram_holds_at_most_vm_max_ram_regions(void **state)
{
	struct vm *vm = make(0);

	for (unsigned i = 0; i < VM_MAX_RAM; i++)
		assert_int_equal(vm_add_ram(vm, VM_RAM_BASE + 2 * i * SZ_2M, SZ_2M), HV_OK);
	assert_int_equal(vm_add_ram(vm, VM_RAM_BASE + 2 * VM_MAX_RAM * SZ_2M, SZ_2M), HV_ENOMEM);
}

static void test_vm_add_ram_without_memory_changes_nothing(void **state)
{
	struct vm *vm = make(0);
	uint64_t free0 = palloc_free_bytes(&alloc);

	assert_int_equal(vm_add_ram(vm, VM_RAM_BASE, ARENA_SIZE), HV_ENOMEM);
	assert_int_equal(vm->ram_count, 0);
	assert_int_equal(palloc_free_bytes(&alloc), free0);
}

/* RAM memory is found but the table page to map it is not: the RAM goes back. */
static void test_vm_add_ram_gives_memory_back_when_tables_run_out(void **state)
{
	struct vm *vm = make(0);
	uint64_t pa, chunk = 0, taken = 0;

	/* Take every free page, then give back exactly one aligned 2 MiB chunk. */
	while (palloc_alloc(&alloc, PAGE_SIZE, 0, &pa) == HV_OK) {
		if (!chunk && is_aligned(pa, SZ_2M))
			chunk = pa;
		taken++;
	}
	assert_int_not_equal(chunk, 0);
	assert_int_equal(palloc_free(&alloc, chunk, SZ_2M), HV_OK);
	assert_int_equal(palloc_free_bytes(&alloc), SZ_2M);

	assert_int_equal(vm_add_ram(vm, VM_RAM_BASE, SZ_2M), HV_ENOMEM);
	assert_int_equal(vm->ram_count, 0);
	assert_int_equal(palloc_free_bytes(&alloc), SZ_2M);
	assert_false(pgt_lookup(&vm->s2, VM_RAM_BASE, NULL, NULL));
	assert_true(taken > 0);
}

/* --- MMIO bus --- */

static void test_vm_add_mmio_refuses_overlap_with_ram_and_devices(void **state)
{
	struct vm *vm = make(0);
	struct mmio_device a = dev(0x09000000, 0x1000);

	assert_int_equal(vm_add_ram(vm, VM_RAM_BASE, SZ_2M), HV_OK);
	assert_int_equal(vm_add_mmio(vm, &a), HV_OK);
	a = dev(0x09000800, 0x1000);
	assert_int_equal(vm_add_mmio(vm, &a), HV_EBUSY);
	a = dev(0x08fff000, 0x1001);
	assert_int_equal(vm_add_mmio(vm, &a), HV_EBUSY);
	a = dev(VM_RAM_BASE + SZ_2M - 4, 8);
	assert_int_equal(vm_add_mmio(vm, &a), HV_EBUSY);
	/* Neighbours on both sides are fine. */
	a = dev(0x08fff000, 0x1000);
	assert_int_equal(vm_add_mmio(vm, &a), HV_OK);
	a = dev(0x09001000, 0x1000);
	assert_int_equal(vm_add_mmio(vm, &a), HV_OK);
	a = dev(VM_RAM_BASE + SZ_2M, 0x1000);
	assert_int_equal(vm_add_mmio(vm, &a), HV_OK);
	assert_int_equal(vm->mmio_count, 4);
}

static void test_vm_add_mmio_refuses_malformed_devices(void **state)
{
	struct vm *vm = make(0);
	struct mmio_device a = dev(0x09000000, 0);

	assert_int_equal(vm_add_mmio(vm, &a), HV_EINVAL);
	a = dev(0xfffffffffffff000ULL, 0x2000);
	assert_int_equal(vm_add_mmio(vm, &a), HV_EINVAL);
	a = dev(0x09000000, 0x1000);
	a.ops = NULL;
	assert_int_equal(vm_add_mmio(vm, &a), HV_EINVAL);
	assert_int_equal(vm->mmio_count, 0);
}

static void test_vm_add_mmio_holds_at_most_vm_max_mmio_devices(void **state)
{
	struct vm *vm = make(0);
	struct mmio_device a;

	for (unsigned i = 0; i < VM_MAX_MMIO; i++) {
		a = dev(0x0a000000 + i * 0x200, 0x200);
		assert_int_equal(vm_add_mmio(vm, &a), HV_OK);
	}
	a = dev(0x0b000000, 0x200);
	assert_int_equal(vm_add_mmio(vm, &a), HV_ENOMEM);
}

static void test_vm_mmio_bus_is_sorted_whatever_the_insertion_order(void **state)
{
	static const uint64_t bases[] = {0x5000, 0x1000, 0x9000, 0x3000, 0x7000, 0x0};
	static const uint64_t sorted[] = {0x0, 0x1000, 0x3000, 0x5000, 0x7000, 0x9000};
	struct vm *vm = make(0);

	for (unsigned i = 0; i < ARRAY_SIZE(bases); i++) {
		struct mmio_device a = dev(bases[i], 0x800);

		a.priv = (void *)(uintptr_t)bases[i];
		assert_int_equal(vm_add_mmio(vm, &a), HV_OK);
	}
	assert_int_equal(vm->mmio_count, ARRAY_SIZE(sorted));
	for (unsigned i = 0; i < ARRAY_SIZE(sorted); i++) {
		assert_int_equal(vm->mmio[i].base, sorted[i]);
		/* Whole entries move, not just the bases. */
		assert_ptr_equal(vm->mmio[i].priv, (void *)(uintptr_t)sorted[i]);
	}
}

static void test_vm_find_mmio_finds_every_edge_of_every_device(void **state)
{
	struct mmio_device lo = dev(0, 0x10), hi = dev(UINT64_MAX - 0xfff, 0xfff);
	struct vm *vm = make(0);

	assert_null(vm_find_mmio(vm, 0)); /* empty bus */
	/* Devices of odd sizes with gaps, plus one at 0 and one at the very top. */
	for (unsigned i = 0; i < VM_MAX_MMIO - 2; i++) {
		struct mmio_device a = dev(0x100000 + i * 0x10000, 0x1000 + i * 0x100);

		assert_int_equal(vm_add_mmio(vm, &a), HV_OK);
	}
	assert_int_equal(vm_add_mmio(vm, &hi), HV_OK);
	assert_int_equal(vm_add_mmio(vm, &lo), HV_OK);
	for (unsigned i = 0; i < vm->mmio_count; i++) {
		struct mmio_device *d = &vm->mmio[i];

		assert_ptr_equal(vm_find_mmio(vm, d->base), d);
		assert_ptr_equal(vm_find_mmio(vm, d->base + d->size / 2), d);
		assert_ptr_equal(vm_find_mmio(vm, d->base + d->size - 1), d);
		if (d->base)
			assert_null(vm_find_mmio(vm, d->base - 1));
		if (d->base + d->size != 0)
			assert_null(vm_find_mmio(vm, d->base + d->size));
	}
	assert_null(vm_find_mmio(vm, UINT64_MAX));
}

static void test_vm_find_mmio_agrees_with_a_linear_search(void **state)
{
	uint64_t seed = rng_seed(__func__, 7);
	struct vm *vm = make(0);

	for (unsigned i = 0; i < VM_MAX_MMIO; i++) {
		struct mmio_device a =
		    dev(rng_below(&seed, 1ULL << 20) << 12, 1 + rng_below(&seed, 0x3000));

		(void)vm_add_mmio(vm, &a); /* overlapping ones are refused: fine */
	}
	for (unsigned it = 0; it < 100000; it++) {
		uint64_t ipa = rng_below(&seed, 1ULL << 32);
		struct mmio_device *want = NULL;

		if (it & 1) { /* near an edge */
			struct mmio_device *d = &vm->mmio[rng_below(&seed, vm->mmio_count)];

			ipa = d->base + d->size - 2 + rng_below(&seed, 4);
		}
		for (unsigned i = 0; i < vm->mmio_count; i++) {
			if (ipa >= vm->mmio[i].base && ipa - vm->mmio[i].base < vm->mmio[i].size)
				want = &vm->mmio[i];
		}
		assert_ptr_equal(vm_find_mmio(vm, ipa), want);
	}
}

/* vm_find_mmio() looks at the slot of its last hit first: a hit elsewhere, a miss, or a device
 * added in front (which moves every slot after it) still gives the right answer. */
static void test_vm_find_mmio_last_hit_never_answers_for_another_address(void **state)
{
	struct mmio_device a = dev(0x9000000, 0x1000), b = dev(0x9010000, 0x1000),
			   front = dev(0x8000000, 0x1000);
	struct vm *vm = make(0);

	assert_int_equal(vm_add_mmio(vm, &a), HV_OK);
	assert_int_equal(vm_add_mmio(vm, &b), HV_OK);
	assert_int_equal(vm_find_mmio(vm, 0x9000018)->base, 0x9000000);
	assert_int_equal(vm_find_mmio(vm, 0x9000fe0)->base, 0x9000000);
	assert_null(vm_find_mmio(vm, 0x9001000));
	assert_null(vm_find_mmio(vm, 0x8ffffff));
	assert_int_equal(vm_find_mmio(vm, 0x9010000)->base, 0x9010000);
	assert_int_equal(vm_find_mmio(vm, 0x9000000)->base, 0x9000000);
	/* Slot 0 held a and was hit last; now it holds `front`. */
	assert_int_equal(vm_add_mmio(vm, &front), HV_OK);
	assert_int_equal(vm_find_mmio(vm, 0x9000004)->base, 0x9000000);
	assert_int_equal(vm_find_mmio(vm, 0x8000004)->base, 0x8000000);
	assert_null(vm_find_mmio(vm, 0x8001000));
}

/* --- vCPUs, stop, destroy --- */

static void test_vm_vcpu_starts_at_entry_in_el1h_with_everything_masked(void **state)
{
	struct vm *vm = make(0);
	struct vcpu *v = NULL;

	assert_int_equal(vm_add_vcpu(vm, VM_RAM_BASE + 0x80000, 0x48000000, &v), HV_OK);
	assert_ptr_equal(v, &vm->vcpus[0]);
	assert_int_equal(v->id, 0);
	assert_ptr_equal(v->vm, vm);
	assert_int_equal(v->state, VCPU_RUNNABLE);
	assert_int_equal(v->ctx.pc, VM_RAM_BASE + 0x80000);
	assert_int_equal(v->ctx.x[0], 0x48000000);
	for (unsigned i = 1; i < 31; i++)
		assert_int_equal(v->ctx.x[i], 0);
	assert_int_equal(v->ctx.pstate, PSTATE_M_EL1H | PSTATE_DAIF);
	assert_int_equal(v->ctx.pstate, 0x3c5);
	assert_int_equal(v->ctx.el1[HAL_SCTLR_EL1], SCTLR_EL1_RESET);
	assert_int_equal(v->ctx.vttbr, pgt_vttbr(&vm->s2));
	assert_int_equal(v->ctx.vttbr >> 48, vm->s2.vmid);
	assert_int_equal(v->ctx.vtcr, pgt_tcr(&vm->s2, 48));
	assert_int_equal(v->ctx.vmpidr, 0);
	assert_int_equal(v->stats.exits, 0);
}

static void test_vm_holds_at_most_vm_max_vcpus_numbered_in_order(void **state)
{
	struct vm *vm = make(0);
	struct vcpu *v;

	for (unsigned i = 0; i < VM_MAX_VCPUS; i++) {
		assert_int_equal(vm_add_vcpu(vm, 0x1000 * i, i, &v), HV_OK);
		assert_int_equal(v->id, i);
		assert_int_equal(v->ctx.vmpidr, i);
	}
	assert_int_equal(vm_add_vcpu(vm, 0, 0, &v), HV_ENOMEM);
	assert_int_equal(vm->vcpu_count, VM_MAX_VCPUS);
}

static void test_vm_stop_records_the_first_status_only(void **state)
{
	struct vm *vm = make(0);

	assert_false(vm_running(vm)); /* created, not yet run */
	vm->state = VM_RUNNING;
	assert_true(vm_running(vm));
	vm_stop(vm, 3);
	assert_int_equal(vm->state, VM_STOPPED);
	assert_int_equal(vm->exit_status, 3);
	assert_false(vm_running(vm));
	vm_stop(vm, 5);
	assert_int_equal(vm->exit_status, 3);
}

static void test_vm_stop_before_running_stops_it(void **state)
{
	struct vm *vm = make(0);

	vm_stop(vm, 9);
	assert_int_equal(vm->state, VM_STOPPED);
	assert_int_equal(vm->exit_status, 9);
}

static void test_vm_destroy_returns_every_page_to_the_allocator(void **state)
{
	uint64_t free0 = palloc_free_bytes(&alloc);
	struct mmio_device d = dev(VM_PL011_BASE, VM_PL011_SIZE);
	struct vcpu *v;

	for (unsigned round = 0; round < 3; round++) {
		for (unsigned i = 0; i < 3; i++) {
			struct vm *vm = make(i);

			assert_int_equal(vm_add_ram(vm, VM_RAM_BASE, 2 * SZ_2M), HV_OK);
			/* Far apart, so each needs tables of its own. */
			assert_int_equal(vm_add_ram(vm, 0x8000000000ULL - 0x40000000, SZ_2M),
					 HV_OK);
			assert_int_equal(vm_add_mmio(vm, &d), HV_OK);
			assert_int_equal(vm_add_vcpu(vm, VM_RAM_BASE, 0, &v), HV_OK);
		}
		assert_true(palloc_free_bytes(&alloc) < free0 - 9 * SZ_2M);
		for (unsigned i = 0; i < 3; i++)
			drop(i);
		assert_int_equal(palloc_free_bytes(&alloc), free0);
	}
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
	const struct CMUnitTest tests[] = {
	    T(test_vm_create_fills_slots_in_order_then_refuses),
	    T(test_vm_vmids_are_unique_and_never_zero),
	    T(test_vm_destroyed_slot_and_vmid_are_reused_after_a_tlb_flush),
	    T(test_vm_create_failure_gives_back_slot_and_vmid),
	    T(test_vm_name_is_cut_to_fit),
	    T(test_vm_add_ram_reserves_memory_but_zeroes_and_maps_nothing),
	    T(test_vm_ram_populate_zeroes_cleans_and_maps_one_block_rwx_once),
	    T(test_vm_ram_populate_load_checks_zeros_and_data_before_mapping),
	    T(test_vm_ram_populate_needs_no_memory),
	    T(test_vm_memory_of_a_destroyed_vm_is_zeroed_before_another_maps_it),
	    T(test_vm_add_ram_refuses_bad_ranges),
	    T(test_vm_add_ram_refuses_overlap_with_ram_and_mmio),
	    T(test_vm_add_ram_holds_at_most_vm_max_ram_regions),
	    T(test_vm_add_ram_without_memory_changes_nothing),
	    T(test_vm_add_ram_gives_memory_back_when_tables_run_out),
	    T(test_vm_add_mmio_refuses_overlap_with_ram_and_devices),
	    T(test_vm_add_mmio_refuses_malformed_devices),
	    T(test_vm_add_mmio_holds_at_most_vm_max_mmio_devices),
	    T(test_vm_mmio_bus_is_sorted_whatever_the_insertion_order),
	    T(test_vm_find_mmio_finds_every_edge_of_every_device),
	    T(test_vm_find_mmio_agrees_with_a_linear_search),
	    T(test_vm_find_mmio_last_hit_never_answers_for_another_address),
	    T(test_vm_vcpu_starts_at_entry_in_el1h_with_everything_masked),
	    T(test_vm_holds_at_most_vm_max_vcpus_numbered_in_order),
	    T(test_vm_stop_records_the_first_status_only),
	    T(test_vm_stop_before_running_stops_it),
	    T(test_vm_destroy_returns_every_page_to_the_allocator),
	};
#undef T

	return cmocka_run_group_tests_name("vm", tests, NULL, NULL);
}

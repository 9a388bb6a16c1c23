// SPDX-License-Identifier: MIT
/* Set/way cache maintenance from a guest: DC ISW, DC CSW and DC CISW (HCR_EL2.TSW traps them,
 * core/trap_sysreg.c). docs/memory.md, "Caches".
 *
 * A set/way operation works on one line of one cache of the physical CPU, chosen by position.
 * A guest cannot know which lines hold its data, and other VMs' data share the caches, so the
 * operations cannot be passed on. An OS uses them for one thing: making memory and caches agree
 * around switching its MMU or caches on or off, because with them off its accesses go to memory
 * behind the caches. That effect is what the guest gets: every block of its RAM populated so
 * far is cleaned and invalidated to the point of coherency (unpopulated blocks are not mapped,
 * so no cache holds them for this VM).
 *
 * A guest cleans a cache with one operation per set and way, thousands in a loop, and each one
 * traps. Only the first of a run of consecutive set/way exits of a vCPU flushes; the rest of the
 * run find the work done. (An interrupt taken in the middle of the loop starts a new run: one
 * flush more, never one less.)
 *
 * With FEAT_S2FWB in use (hal_s2_forces_wb()), stage 2 makes guest RAM write-back cacheable
 * even with the guest's MMU off, so caches and memory never disagree for the guest and the
 * operations have nothing to do. */
#include <core/lib.h>
#include <core/trap.h>
#include <core/vm.h>
#include <hal/mem.h>
#include <hal/mmu.h>

static void clean_inval_populated(struct vm *vm)
{
	for (unsigned i = 0; i < vm->ram_count; i++) {
		const struct vm_ram *r = &vm->ram[i];

		for (uint64_t off = 0; off < r->size; off += SZ_2M) {
			if (vm_ram_populated(r, r->ipa + off))
				hal_dcache_clean_inval_range(hal_phys_to_ptr(r->pa + off), SZ_2M);
		}
	}
}

void setway_emulate(struct vcpu *vcpu)
{
	/* stats.exits counts this exit already (so it is at least 1): the previous exit was a
	 * set/way operation too if it is the one just before. */
	bool same_run = vcpu->setway_exit && vcpu->setway_exit + 1 == vcpu->stats.exits;

	vcpu->setway_exit = vcpu->stats.exits;
	if (same_run || hal_s2_forces_wb())
		return;
	vcpu->stats.setway_flush++;
	clean_inval_populated(vcpu->vm);
}

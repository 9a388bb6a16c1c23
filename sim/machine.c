// SPDX-License-Identifier: MIT
/* The simulated machine: a host arena as physical memory, and one VM on the standard board
 * built with the same calls target/main.c makes for vm0. */
#include <stdlib.h>
#include <string.h>

#include <core/err.h>
#include <core/lib.h>
#include <core/pgtable.h>
#include <hal-sim/sim_hal.h>
#include <hal/mem.h>
#include <hal/mmu.h>
#include <sim/sim.h>
#include <vdev/vpl011.h>

int sim_machine_init(struct sim_machine *m, const struct sim_config *cfg)
{
	static const struct sim_config defaults;
	uint64_t ram, arena;
	int ret;

	if (!cfg)
		cfg = &defaults;
	memset(m, 0, sizeof(*m));
	ram = cfg->no_ram ? 0 : cfg->ram_size ? cfg->ram_size : SIM_RAM_SIZE;
	arena = cfg->arena_size ? cfg->arena_size : ram + SIM_TABLE_ROOM;
	if (!is_aligned(arena, SZ_2M))
		return HV_EINVAL;
	/* The arena's "physical" addresses are host pointers, which need up to 47 bits. */
	if (sim_hal.pa_bits < SIM_PA_BITS)
		sim_hal.pa_bits = SIM_PA_BITS;

	/* 2 MiB alignment lets RAM be mapped with blocks, as on the target. */
	m->arena = aligned_alloc(SZ_2M, arena);
	if (!m->arena)
		return HV_ENOMEM;
	memset(m->arena, SIM_POISON, arena);
	m->arena_size = arena;
	palloc_init(&m->alloc);
	ret = palloc_add(&m->alloc, (uint64_t)(uintptr_t)m->arena, arena);
	if (ret == HV_OK)
		ret = vm_create(&m->vm, "sim", cfg->ipa_bits ? cfg->ipa_bits : SIM_IPA_BITS,
				hal_pa_bits(), &m->alloc);
	if (ret == HV_OK && ram) {
		ret = vm_add_ram(m->vm, VM_RAM_BASE, ram);
		m->ram_size = ram;
	}
	if (ret == HV_OK && !cfg->no_uart)
		ret = vpl011_attach(m->vm, VM_PL011_BASE);
	if (ret != HV_OK)
		sim_machine_destroy(m);
	return ret;
}

void sim_machine_destroy(struct sim_machine *m)
{
	/* A scripted guest must not outlive the machine it plays on. */
	if (sim_guest.m == m) {
		sim_guest.m = NULL;
		sim_hal.vcpu_enter_hook = NULL;
	}
	if (sim_mp.m == m) {
		sim_mp.m = NULL;
		sim_hal.vcpu_enter_hook = NULL;
	}
	if (m->vm)
		vm_destroy(m->vm);
	free(m->arena);
	memset(m, 0, sizeof(*m));
}

int sim_machine_load(struct sim_machine *m, const void *image, size_t size, struct image_info *info)
{
	int ret = image_load(m->vm, image, size, VM_RAM_BASE, m->ram_size, info);

	if (ret != HV_OK)
		return ret;
	return vm_add_vcpu(m->vm, info->load_ipa, 0, &m->vcpu);
}

int sim_machine_load_program(struct sim_machine *m, const uint32_t *insns, size_t count)
{
	struct image_info info;

	/* A raw image (no `Image` header): the words are the program. */
	return sim_machine_load(m, insns, count * sizeof(*insns), &info);
}

void *sim_ram_ptr(struct sim_machine *m, uint64_t ipa)
{
	uint64_t pa;
	unsigned flags;

	/* The test's guest touches this memory: populate it as that first touch would. */
	if (vm_ram_populate(m->vm, ipa) != HV_OK)
		return NULL;
	if (!pgt_lookup(&m->vm->s2, ipa, &pa, &flags) || (flags & PGT_DEVICE))
		return NULL;
	return hal_phys_to_ptr(pa);
}

/* CNTV_CTL_EL0 (Arm ARM D23.10.17). */
#define CNTV_CTL_ENABLE (1ULL << 0)
#define CNTV_CTL_IMASK	(1ULL << 1)

int sim_vcpu_index(const struct vm *vm, const struct hal_vcpu_ctx *ctx)
{
	for (unsigned i = 0; i < vm->vcpu_count; i++) {
		if (&vm->vcpus[i].ctx == ctx)
			return (int)i;
	}
	return -1;
}

bool sim_vtimer_level(const struct hal_vcpu_ctx *ctx, uint64_t now)
{
	uint64_t ctl = ctx->el1[HAL_CNTV_CTL_EL0];

	return (ctl & CNTV_CTL_ENABLE) && !(ctl & CNTV_CTL_IMASK) &&
	       now - ctx->cntvoff >= ctx->el1[HAL_CNTV_CVAL_EL0];
}

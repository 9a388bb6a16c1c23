// SPDX-License-Identifier: MIT
/* Tests of core/psci.c: PSCI 1.1 as a guest with four vCPUs sees it (vCPU 0 running, 1..3 off
 * as core/vm_boot.c leaves them). CPU_ON of an off vCPU starts it like a cold boot (entry,
 * context id, EL1h with DAIF masked, SCTLR_EL1 at reset, nothing left of an earlier life),
 * every error code of CPU_ON and AFFINITY_INFO, the 32-bit calls' use of only the low halves
 * of their arguments, CPU_OFF and a second CPU_ON, CPU_SUSPEND as a WFI, PSCI_FEATURES, and
 * SYSTEM_OFF/RESET; then the same calls end to end under the scheduler (sim/smp.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include <core/arch.h>
#include <core/err.h>
#include <core/gicv3.h>
#include <core/irq.h>
#include <core/lib.h>
#include <core/smccc.h>
#include <core/sysreg.h>
#include <core/trap.h>
#include <core/vgic.h>
#include <core/vm.h>
#include <hal-sim/sim_hal.h>
#include <hal/gic.h>
#include <sim/sim.h>

#include "fixture.h"

#define ENTRY	     (VM_RAM_BASE + IMAGE_RAW_OFFSET)
#define SECONDARY    (VM_RAM_BASE + 0x200000) /* where the secondaries start */
#define NR_VCPUS     4
#define WAKE_SGI     1
#define SIM_RAM_END  (VM_RAM_BASE + SIM_RAM_SIZE)
#define NOT_AFFINITY (~0xff00ffffffULL)

static struct sim_machine m;
static struct vm *vm;

static struct vcpu *cpu(unsigned n)
{
	return &vm->vcpus[n];
}

/* The board of core/vm_boot.c on the simulated machine: vCPU 0 at the program, vCPUs 1..3
 * created and off, the vGIC up with Group 1 enabled and every CPU interface's mask open. */
static int setup(void **state)
{
	static const uint32_t prog[] = {SIM_A64_HVC0, SIM_A64_HVC0};

	sim_hal_reset();
	assert_int_equal(sim_machine_init(&m, NULL), HV_OK);
	assert_int_equal(sim_machine_load_program(&m, prog, ARRAY_SIZE(prog)), HV_OK);
	vm = m.vm;
	for (unsigned i = 1; i < NR_VCPUS; i++) {
		struct vcpu *v;

		assert_int_equal(vm_add_vcpu(vm, ENTRY, 0, &v), HV_OK);
		v->state = VCPU_OFF;
	}
	vgic_init(vm, 64);
	vm->vgic.enable_grp1 = true;
	for (unsigned i = 0; i < NR_VCPUS; i++)
		cpu(i)->ctx.vgic.vmcr = ICH_VMCR_VENG1 | ICH_VMCR_VPMR_MASK << ICH_VMCR_VPMR_SHIFT;
	cpu(0)->state = VCPU_RUNNING; /* the caller of every direct call below */
	return 0;
}

static int teardown(void **state)
{
	sim_hal.vcpu_enter_hook = NULL;
	sim_machine_destroy(&m);
	return 0;
}

/* `hvc #0` from vCPU `n` with x0..x3; returns x0 afterwards. */
static int64_t call_from(unsigned n, uint64_t x0, uint64_t x1, uint64_t x2, uint64_t x3)
{
	struct hal_vcpu_ctx *ctx = &cpu(n)->ctx;

	ctx->x[0] = x0;
	ctx->x[1] = x1;
	ctx->x[2] = x2;
	ctx->x[3] = x3;
	ctx->pc = ENTRY + 4;
	trap_hvc_smc(cpu(n), false);
	assert_int_equal(ctx->pc, ENTRY + 4);
	return (int64_t)ctx->x[0];
}

static int64_t call(uint64_t x0, uint64_t x1, uint64_t x2, uint64_t x3)
{
	return call_from(0, x0, x1, x2, x3);
}

/* Give vCPU `n` the leftovers of an earlier life: registers, EL1 state, debug state. */
static void dirty(unsigned n)
{
	struct vcpu *v = cpu(n);

	for (unsigned r = 0; r < 31; r++)
		v->ctx.x[r] = 0x1111111111111111ULL * (r % 15 + 1);
	for (unsigned r = 0; r < HAL_EL1_NR; r++)
		v->ctx.el1[r] = 0xdead0000ULL + r;
	v->ctx.pstate = PSTATE_M_EL0T | PSTATE_NZCV;
	v->ctx.pc = 0x1234;
	v->debug.hw.mdscr = 0x8000;
	v->debug.hw.bvr[3] = 0x4000;
}

/* What CPU_ON leaves in vCPU `n`: a cold boot at `entry` with x0 = `context`. */
static void assert_cold_boot(unsigned n, uint64_t entry, uint64_t context)
{
	const struct vcpu *v = cpu(n);

	assert_int_equal(v->state, VCPU_RUNNABLE);
	assert_int_equal(v->ctx.pc, entry);
	assert_int_equal(v->ctx.x[0], context);
	for (unsigned r = 1; r < 31; r++)
		assert_int_equal(v->ctx.x[r], 0);
	assert_int_equal(v->ctx.pstate, PSTATE_M_EL1H | PSTATE_DAIF);
	assert_int_equal(v->ctx.el1[HAL_SCTLR_EL1], SCTLR_EL1_RESET);
	for (unsigned r = 0; r < HAL_EL1_NR; r++) {
		if (r != HAL_SCTLR_EL1)
			assert_int_equal(v->ctx.el1[r], 0);
	}
	assert_int_equal(v->debug.hw.mdscr, 0);
	assert_int_equal(v->debug.hw.bvr[3], 0);
	/* Its identity is not part of the reset. */
	assert_int_equal(v->ctx.vmpidr, n);
	assert_int_equal(v->ctx.cntvoff, vm->cntvoff);
}

/* --- CPU_ON ------------------------------------------------------------------------------ */

static void test_psci_cpu_on_64_starts_an_off_vcpu_like_a_cold_boot(void **state)
{
	dirty(2);
	assert_int_equal(call(PSCI_CPU_ON_64, 2, SECONDARY, 0xfeedfacecafe0001ULL), 0);
	assert_cold_boot(2, SECONDARY, 0xfeedfacecafe0001ULL);
	/* Only the target changed. */
	assert_int_equal(cpu(1)->state, VCPU_OFF);
	assert_int_equal(cpu(3)->state, VCPU_OFF);
	assert_int_equal(cpu(0)->state, VCPU_RUNNING);
}

static void test_psci_cpu_on_32_starts_an_off_vcpu_like_a_cold_boot(void **state)
{
	dirty(3);
	assert_int_equal(call(PSCI_CPU_ON_32, 3, SECONDARY + 0x40, 0x55), 0);
	assert_cold_boot(3, SECONDARY + 0x40, 0x55);
}

static void test_psci_cpu_on_32_uses_only_the_low_half_of_each_argument(void **state)
{
	/* SMC32: the upper halves of x1..x3 are not arguments (SMCCC 2.6). */
	assert_int_equal(call(PSCI_CPU_ON_32, 0xffffffff00000001ULL,
			      0xabcd000000000000ULL | SECONDARY, 0x1234567800000077ULL),
			 0);
	assert_cold_boot(1, SECONDARY, 0x77);
}

static void test_psci_cpu_on_64_uses_the_whole_arguments(void **state)
{
	/* The same values as SMC64: an MPIDR with non-affinity bits, an entry outside RAM. */
	assert_int_equal(call(PSCI_CPU_ON_64, 0xffffffff00000001ULL, SECONDARY, 0),
			 PSCI_RET_INVALID_PARAMETERS);
	assert_int_equal(call(PSCI_CPU_ON_64, 1, 0xabcd000000000000ULL | SECONDARY, 0),
			 PSCI_RET_INVALID_ADDRESS);
	assert_int_equal(cpu(1)->state, VCPU_OFF);
}

static void test_psci_cpu_on_of_an_unknown_mpidr_is_invalid_parameters(void **state)
{
	/* vCPUs are Aff0 = 0..3 of cluster 0: another Aff0, another cluster, another Aff2/Aff3. */
	static const uint64_t unknown[] = {
	    4, 15, 0x100, 0x101, 0x10000, 0x100000000ULL, 0xff00ffffffULL};

	for (unsigned i = 0; i < ARRAY_SIZE(unknown); i++) {
		assert_int_equal(call(PSCI_CPU_ON_64, unknown[i], SECONDARY, 0),
				 PSCI_RET_INVALID_PARAMETERS);
		if (unknown[i] <= UINT32_MAX)
			assert_int_equal(call(PSCI_CPU_ON_32, unknown[i], SECONDARY, 0),
					 PSCI_RET_INVALID_PARAMETERS);
	}
	for (unsigned i = 1; i < NR_VCPUS; i++)
		assert_int_equal(cpu(i)->state, VCPU_OFF);
}

static void test_psci_cpu_on_of_an_mpidr_with_non_affinity_bits_is_invalid_parameters(void **state)
{
	/* PSCI 5.1.4: bits [31:24] and [63:40] of target_cpu must be zero, even if the affinity
	 * fields name a vCPU; a raw MPIDR_EL1 (bit 31 RES1, U, MT) is not a target_cpu. */
	static const uint64_t bad[] = {1ULL << 31 | 1, 1ULL << 30 | 1,
				       1ULL << 24 | 1, 0x80000001ULL | 1ULL << 24,
				       1ULL << 40 | 1, 1ULL << 63 | 1};

	for (unsigned i = 0; i < ARRAY_SIZE(bad); i++)
		assert_int_equal(call(PSCI_CPU_ON_64, bad[i], SECONDARY, 0),
				 PSCI_RET_INVALID_PARAMETERS);
	assert_int_equal(call(PSCI_CPU_ON_32, 0x80000001ULL, SECONDARY, 0),
			 PSCI_RET_INVALID_PARAMETERS);
	assert_int_equal(cpu(1)->state, VCPU_OFF);
}

static void test_psci_cpu_on_of_a_vcpu_that_is_on_is_already_on(void **state)
{
	/* The caller itself, a vCPU started a moment ago, one blocked in WFI. */
	assert_int_equal(call(PSCI_CPU_ON_64, 0, SECONDARY, 0), PSCI_RET_ALREADY_ON);
	assert_int_equal(call(PSCI_CPU_ON_64, 1, SECONDARY, 0x11), 0);
	assert_int_equal(call(PSCI_CPU_ON_64, 1, SECONDARY + 0x1000, 0x22), PSCI_RET_ALREADY_ON);
	assert_int_equal(call(PSCI_CPU_ON_32, 1, SECONDARY + 0x1000, 0x22), PSCI_RET_ALREADY_ON);
	/* The running vCPU was not restarted. */
	assert_int_equal(cpu(1)->ctx.pc, SECONDARY);
	assert_int_equal(cpu(1)->ctx.x[0], 0x11);
	cpu(2)->state = VCPU_BLOCKED;
	assert_int_equal(call(PSCI_CPU_ON_64, 2, SECONDARY, 0), PSCI_RET_ALREADY_ON);
	assert_int_equal(cpu(2)->state, VCPU_BLOCKED);
}

static void
test_psci_cpu_on_with_an_entry_outside_ram_or_misaligned_is_invalid_address(void **state)
{
	static const uint64_t bad[] = {
	    0,
	    VM_RAM_BASE - 4,
	    SIM_RAM_END,     /* just past RAM */
	    SIM_RAM_END - 2, /* misaligned, straddles the end */
	    VM_PL011_BASE,   /* a device, not RAM */
	    VM_GICD_BASE,
	    SECONDARY + 1, /* misaligned */
	    SECONDARY + 2,
	    SECONDARY + 3,
	    0xfffffffffffffffcULL, /* wraps */
	};

	for (unsigned i = 0; i < ARRAY_SIZE(bad); i++) {
		assert_int_equal(call(PSCI_CPU_ON_64, 1, bad[i], 0), PSCI_RET_INVALID_ADDRESS);
		assert_int_equal(cpu(1)->state, VCPU_OFF);
	}
	/* The first and the last word of RAM are fine. */
	assert_int_equal(call(PSCI_CPU_ON_64, 1, VM_RAM_BASE, 0), 0);
	assert_int_equal(call(PSCI_CPU_ON_64, 2, SIM_RAM_END - 4, 0), 0);
	assert_int_equal(cpu(2)->ctx.pc, SIM_RAM_END - 4);
}

static void test_psci_cpu_on_checks_the_target_before_the_address(void **state)
{
	/* An unknown or running target is the error, whatever the entry point. */
	assert_int_equal(call(PSCI_CPU_ON_64, 9, 0, 0), PSCI_RET_INVALID_PARAMETERS);
	assert_int_equal(call(PSCI_CPU_ON_64, 0, 1, 0), PSCI_RET_ALREADY_ON);
}

/* --- AFFINITY_INFO ------------------------------------------------------------------------- */

static void test_psci_affinity_info_says_on_for_started_vcpus_and_off_for_the_others(void **state)
{
	static const uint32_t fids[] = {PSCI_AFFINITY_INFO_32, PSCI_AFFINITY_INFO_64};

	for (unsigned f = 0; f < ARRAY_SIZE(fids); f++) {
		assert_int_equal(call(fids[f], 0, 0, 0), PSCI_AFFINITY_ON);
		for (unsigned i = 1; i < NR_VCPUS; i++)
			assert_int_equal(call(fids[f], i, 0, 0), PSCI_AFFINITY_OFF);
	}
	assert_int_equal(call(PSCI_CPU_ON_64, 1, SECONDARY, 0), 0);
	cpu(2)->state = VCPU_BLOCKED; /* in WFI: still on */
	for (unsigned f = 0; f < ARRAY_SIZE(fids); f++) {
		assert_int_equal(call(fids[f], 1, 0, 0), PSCI_AFFINITY_ON);
		assert_int_equal(call(fids[f], 2, 0, 0), PSCI_AFFINITY_ON);
		assert_int_equal(call(fids[f], 3, 0, 0), PSCI_AFFINITY_OFF);
	}
	/* Any vCPU may ask about any other, itself included. */
	cpu(1)->state = VCPU_RUNNING;
	cpu(0)->state = VCPU_RUNNABLE;
	assert_int_equal(call_from(1, PSCI_AFFINITY_INFO_64, 1, 0, 0), PSCI_AFFINITY_ON);
	assert_int_equal(call_from(1, PSCI_AFFINITY_INFO_64, 0, 0, 0), PSCI_AFFINITY_ON);
	assert_int_equal(call_from(1, PSCI_AFFINITY_INFO_64, 3, 0, 0), PSCI_AFFINITY_OFF);
}

static void test_psci_affinity_info_above_level_0_is_invalid_parameters(void **state)
{
	for (uint64_t level = 1; level <= 3; level++) {
		assert_int_equal(call(PSCI_AFFINITY_INFO_64, 0, level, 0),
				 PSCI_RET_INVALID_PARAMETERS);
		assert_int_equal(call(PSCI_AFFINITY_INFO_32, 1, level, 0),
				 PSCI_RET_INVALID_PARAMETERS);
	}
	assert_int_equal(call(PSCI_AFFINITY_INFO_64, 0, 1ULL << 32, 0),
			 PSCI_RET_INVALID_PARAMETERS);
}

static void test_psci_affinity_info_of_an_unknown_mpidr_is_invalid_parameters(void **state)
{
	static const uint64_t bad[] = {4, 0x100, 0x10000, 1ULL << 32, 1ULL << 31 | 1, 1ULL << 40};

	for (unsigned i = 0; i < ARRAY_SIZE(bad); i++)
		assert_int_equal(call(PSCI_AFFINITY_INFO_64, bad[i], 0, 0),
				 PSCI_RET_INVALID_PARAMETERS);
}

static void test_psci_affinity_info_32_uses_only_the_low_half_of_each_argument(void **state)
{
	assert_int_equal(
	    call(PSCI_AFFINITY_INFO_32, 0xffffffff00000001ULL, 0xffffffff00000000ULL, 0),
	    PSCI_AFFINITY_OFF);
	assert_int_equal(call(PSCI_AFFINITY_INFO_32, 0x1200000000ULL, 0x500000000ULL, 0),
			 PSCI_AFFINITY_ON);
	assert_int_equal(call(PSCI_AFFINITY_INFO_64, 0xffffffff00000001ULL, 0, 0),
			 PSCI_RET_INVALID_PARAMETERS);
}

/* --- CPU_OFF ------------------------------------------------------------------------------- */

static void test_psci_cpu_off_turns_the_caller_off_and_cpu_on_starts_it_again(void **state)
{
	assert_int_equal(call(PSCI_CPU_ON_64, 1, SECONDARY, 0x11), 0);
	cpu(1)->state = VCPU_RUNNING;
	cpu(0)->state = VCPU_RUNNABLE;
	call_from(1, PSCI_CPU_OFF, 0, 0, 0);
	/* Still loaded on its pCPU: on, until that pCPU has put it. */
	assert_int_equal(cpu(1)->state, VCPU_OFF_PENDING);
	assert_int_equal(cpu(0)->state, VCPU_RUNNABLE);
	cpu(0)->state = VCPU_RUNNING;
	assert_int_equal(call(PSCI_AFFINITY_INFO_64, 1, 0, 0), PSCI_AFFINITY_ON);
	assert_int_equal(call(PSCI_CPU_ON_64, 1, SECONDARY, 0), PSCI_RET_ALREADY_ON);
	cpu(1)->state = VCPU_OFF; /* what vcpu_run_slice() does after hal_vcpu_put() */

	assert_int_equal(call(PSCI_AFFINITY_INFO_64, 1, 0, 0), PSCI_AFFINITY_OFF);
	dirty(1);
	assert_int_equal(call(PSCI_CPU_ON_32, 1, SECONDARY + 0x800, 0x22), 0);
	assert_cold_boot(1, SECONDARY + 0x800, 0x22);
	assert_int_equal(call(PSCI_AFFINITY_INFO_64, 1, 0, 0), PSCI_AFFINITY_ON);
}

/* Issue #11 item 7: what CPU_ON resets beyond the registers. The vCPU went off in an
 * interrupt handler, with SGI 3 active at priority 0x40 (ICH_AP1R0 bit, running priority),
 * its mask and group enables set in ICH_VMCR, secrets in its FP/SIMD registers and PAuth
 * keys. Its next life starts with none of it. */
static void test_psci_cpu_on_resets_the_cpu_interface_fp_simd_and_pauth_keys(void **state)
{
	struct vcpu *v = cpu(1);
	struct vgic_irq *sgi = &v->vgic.private_irqs[3];

	v->ctx.vgic.vmcr = ICH_VMCR_VENG1 | ICH_VMCR_VPMR_MASK << ICH_VMCR_VPMR_SHIFT;
	v->ctx.vgic.ap1r[0] = 1u << (0x40 >> 3);
	v->ctx.vgic.ap0r[2] = 0x10;
	v->vgic.running[0] = 3;
	v->vgic.nr_running = 1;
	sgi->group = 1;
	sgi->priority = 0x40;
	sgi->enabled = true;
	sgi->active = true;
	sgi->active_priority = 0x40;
	v->vgic.interesting[0] |= 1u << 3;
	v->ctx.fpsimd.v[7] = 0x5ec2e7;
	v->ctx.fpsimd.fpcr = 0x3000000;
	v->ctx.fpsimd.held_by = 1;
	v->ctx.sve_used = true;
	v->ctx.sve->z[100] = 0x5e;
	v->ctx.sve->zcr_el1 = 3;
	v->ctx.pauth_keys[4] = 0xfeedface;

	assert_int_equal(call(PSCI_CPU_ON_64, 1, SECONDARY, 0), 0);
	assert_int_equal(v->ctx.vgic.vmcr, 0);
	assert_int_equal(v->ctx.vgic.ap1r[0], 0);
	assert_int_equal(v->ctx.vgic.ap0r[2], 0);
	assert_int_equal(v->ctx.vgic.hcr, ICH_HCR_EN);
	assert_int_equal(v->vgic.nr_running, 0);
	assert_false(sgi->active);
	assert_true(sgi->enabled); /* the redistributor's configuration stays */
	assert_int_equal(v->vgic.interesting[0] & (1u << 3), 0);
	assert_int_equal(v->ctx.fpsimd.v[7], 0);
	assert_int_equal(v->ctx.fpsimd.fpcr, 0);
	/* No pCPU holds its values any more, and its first SVE use starts SVE afresh. */
	assert_int_equal(v->ctx.fpsimd.held_by, 0);
	assert_false(v->ctx.sve_used);
	assert_int_equal(v->ctx.sve->z[100], 0);
	assert_int_equal(v->ctx.sve->zcr_el1, 0);
	assert_int_equal(v->ctx.pauth_keys[4], 0);
	assert_cold_boot(1, SECONDARY, 0);
}

static void test_psci_cpu_off_of_the_boot_vcpu_lets_a_secondary_restart_it(void **state)
{
	assert_int_equal(call(PSCI_CPU_ON_64, 3, SECONDARY, 0), 0);
	call(PSCI_CPU_OFF, 0, 0, 0);
	assert_int_equal(cpu(0)->state, VCPU_OFF_PENDING);
	cpu(0)->state = VCPU_OFF; /* its pCPU put it */
	cpu(3)->state = VCPU_RUNNING;
	assert_int_equal(call_from(3, PSCI_AFFINITY_INFO_32, 0, 0, 0), PSCI_AFFINITY_OFF);
	assert_int_equal(call_from(3, PSCI_CPU_ON_64, 0, ENTRY, 0x33), 0);
	assert_cold_boot(0, ENTRY, 0x33);
}

/* --- CPU_SUSPEND --------------------------------------------------------------------------- */

static void pend_wake_sgi(unsigned n)
{
	struct vgic_irq *irq = &cpu(n)->vgic.private_irqs[WAKE_SGI];

	irq->group = 1;
	irq->enabled = true;
	vgic_pulse(vm, cpu(n), WAKE_SGI);
}

static void test_psci_cpu_suspend_with_nothing_pending_blocks_and_returns_success(void **state)
{
	static const uint32_t fids[] = {PSCI_CPU_SUSPEND_32, PSCI_CPU_SUSPEND_64};

	for (unsigned f = 0; f < ARRAY_SIZE(fids); f++) {
		cpu(0)->state = VCPU_RUNNING;
		/* A powerdown state with an entry point and a context id: still a standby. */
		assert_int_equal(call(fids[f], 0x10000, SECONDARY, 0x99), PSCI_RET_SUCCESS);
		assert_int_equal(cpu(0)->state, VCPU_BLOCKED);
		assert_int_equal(cpu(0)->ctx.x[1], 0x10000);
	}
}

static void test_psci_cpu_suspend_with_an_interrupt_pending_returns_at_once(void **state)
{
	pend_wake_sgi(0);
	assert_int_equal(call(PSCI_CPU_SUSPEND_64, 0, 0, 0), PSCI_RET_SUCCESS);
	assert_int_equal(cpu(0)->state, VCPU_RUNNING);
}

static void test_psci_cpu_suspend_through_a_trapped_smc_returns_past_the_smc(void **state)
{
	struct hal_vcpu_ctx *ctx = &cpu(0)->ctx;

	pend_wake_sgi(0);
	ctx->x[0] = PSCI_CPU_SUSPEND_32;
	ctx->pc = ENTRY;
	trap_hvc_smc(cpu(0), true);
	assert_int_equal(ctx->x[0], PSCI_RET_SUCCESS);
	assert_int_equal(ctx->pc, ENTRY + 4);
	assert_int_equal(cpu(0)->state, VCPU_RUNNING);
}

/* --- PSCI_FEATURES, VERSION, SYSTEM_OFF/RESET ---------------------------------------------- */

static void test_psci_features_is_0_for_each_implemented_call_and_minus_1_otherwise(void **state)
{
	static const uint32_t yes[] = {
	    PSCI_VERSION,    PSCI_CPU_SUSPEND_32, PSCI_CPU_SUSPEND_64,	 PSCI_CPU_OFF,
	    PSCI_CPU_ON_32,  PSCI_CPU_ON_64,	  PSCI_AFFINITY_INFO_32, PSCI_AFFINITY_INFO_64,
	    PSCI_SYSTEM_OFF, PSCI_SYSTEM_RESET,	  PSCI_FEATURES,	 SMCCC_VERSION};
	/* MIGRATE*, CPU_FREEZE, CPU_DEFAULT_SUSPEND, NODE_HW_STATE, SYSTEM_SUSPEND,
	 * PSCI_SET_SUSPEND_MODE, PSCI_STAT_*, SYSTEM_RESET2, MEM_PROTECT*, the SMC64 forms of
	 * 32-bit-only calls, other owners. */
	static const uint32_t no[] = {
	    0x84000005, 0xc4000005,	 0x84000006,	      0x84000007, 0xc4000007, 0x8400000b,
	    0x8400000c, 0xc400000c,	 0x8400000d,	      0xc400000d, 0x8400000e, 0xc400000e,
	    0x8400000f, 0x84000010,	 0xc4000010,	      0x84000011, 0xc4000011, 0x84000012,
	    0xc4000012, 0x84000013,	 0xc4000013,	      0x84000014, 0x84000015, 0xc4000015,
	    0xc4000000, 0xc4000002,	 0xc4000008,	      0xc4000009, 0xc400000a, 0x04000000,
	    0x04000003, HV_CALL_VERSION, SMCCC_ARCH_FEATURES, 0xffffffff};

	for (unsigned i = 0; i < ARRAY_SIZE(yes); i++) {
		assert_int_equal(call(PSCI_FEATURES, yes[i], 0, 0), PSCI_RET_SUCCESS);
		/* The argument is a 32-bit function id: the upper half is not looked at. */
		assert_int_equal(call(PSCI_FEATURES, 0xdead000000000000ULL | yes[i], 0, 0),
				 PSCI_RET_SUCCESS);
	}
	for (unsigned i = 0; i < ARRAY_SIZE(no); i++)
		assert_int_equal(call(PSCI_FEATURES, no[i], 0, 0), PSCI_RET_NOT_SUPPORTED);
}

static void test_psci_version_is_1_1(void **state)
{
	assert_int_equal(call(PSCI_VERSION, 0, 0, 0), 0x10001);
}

static void test_psci_system_off_and_reset_stop_the_vm_with_status_0(void **state)
{
	static const uint32_t fids[] = {PSCI_SYSTEM_OFF, PSCI_SYSTEM_RESET};

	for (unsigned f = 0; f < ARRAY_SIZE(fids); f++) {
		vm->state = VM_RUNNING;
		vm->exit_status = 77;
		cpu(2)->state = VCPU_RUNNING;
		call_from(2, fids[f], 0, 0, 0);
		assert_int_equal(vm->state, VM_STOPPED);
		assert_int_equal(vm->exit_status, 0);
	}
	assert_true(console_has_line("sim: PSCI SYSTEM_OFF"));
	assert_true(console_has_line("sim: PSCI SYSTEM_RESET"));
}

/* --- end to end, under the scheduler ------------------------------------------------------- */

static struct sim_step *set_x(struct sim_step *s, unsigned n, uint64_t val)
{
	s->x_set |= SIM_X(n);
	s->x[n] = val;
	return s;
}

static void psci_step(unsigned n, uint64_t fid, uint64_t a1, uint64_t a2, uint64_t a3)
{
	set_x(sim_smp_push(n, sim_step_hvc(fid, a1, a2)), 3, a3);
}

/* Physical interrupts as target/main.c sets them up, and the scripted vCPUs attached. */
static void run_setup(void)
{
	static const struct irq_config cfg = {
	    .maintenance = VGIC_PPI_MAINTENANCE, .vtimer = VGIC_PPI_VTIMER, .hyp_timer = 26};

	assert_int_equal(hal_gic_cpu_init(), 0);
	irq_init(&cfg);
	irq_cpu_init();
	cpu(0)->state = VCPU_RUNNABLE;
	/* IRQs unmasked, as a kernel calls CPU_ON: with them masked the scheduler would let the
	 * caller finish what may be a critical section first (docs/scheduling.md). */
	for (unsigned i = 0; i < m.vm->vcpu_count; i++)
		m.vm->vcpus[i].ctx.pstate = PSTATE_M_EL1H;
	sim_smp_attach(&m);
}

static void test_psci_cpu_on_runs_the_secondary_at_once_with_its_context(void **state)
{
	run_setup();
	psci_step(0, PSCI_CPU_ON_64, 1, SECONDARY, 0xc0ffee);
	for (unsigned i = 0; i < 4; i++)
		psci_step(0, PSCI_VERSION, 0, 0, 0);
	psci_step(1, HV_CALL_EXIT, 9, 0, 0);
	assert_int_equal(sim_smp_run(), 9);

	/* The boot vCPU's slice ends at the CPU_ON: the new vCPU is entered next. */
	assert_int_equal(sim_smp.order[0], 0);
	assert_int_equal(sim_smp.order[1], 1);
	assert_int_equal(cpu(0)->ctx.x[0], PSCI_RET_SUCCESS); /* CPU_ON's answer */
	assert_int_equal(sim_smp_seen(1, 0)->pc, SECONDARY);
	assert_int_equal(sim_smp_seen(1, 0)->x[0], 0xc0ffee);
	assert_int_equal(sim_smp_seen(1, 0)->pstate, PSTATE_M_EL1H | PSTATE_DAIF);
	assert_int_equal(sim_smp_seen(1, 0)->el1[HAL_SCTLR_EL1], SCTLR_EL1_RESET);
	assert_false(sim_smp.ran_out);
	for (unsigned i = 0; i < NR_VCPUS; i++)
		assert_int_equal(cpu(i)->state, VCPU_OFF);
}

/* Linux's CPU hotplug: the dying vCPU calls CPU_OFF, the boot vCPU polls AFFINITY_INFO until
 * it reads OFF, then brings it back with CPU_ON at a new entry point. */
static void test_psci_cpu_off_and_on_again_end_to_end(void **state)
{
	run_setup();
	psci_step(0, PSCI_CPU_ON_64, 2, SECONDARY, 1);
	psci_step(0, PSCI_AFFINITY_INFO_64, 2, 0, 0);
	psci_step(0, PSCI_CPU_ON_64, 2, SECONDARY + 0x100, 2);
	psci_step(0, PSCI_AFFINITY_INFO_64, 2, 0, 0);
	psci_step(2, PSCI_CPU_OFF, 0, 0, 0);
	psci_step(2, HV_CALL_EXIT, 0x42, 0, 0);
	assert_int_equal(sim_smp_run(), 0x42);

	/* 0: CPU_ON; 2: first life ends with CPU_OFF; 0: AFFINITY_INFO = OFF, CPU_ON; 2 again. */
	assert_int_equal(sim_smp.order[0], 0);
	assert_int_equal(sim_smp.order[1], 2);
	assert_int_equal(sim_smp_seen(0, 2)->x[0], PSCI_AFFINITY_OFF);
	assert_int_equal(cpu(0)->ctx.x[0], PSCI_RET_SUCCESS);
	assert_int_equal(sim_smp_seen(2, 0)->pc, SECONDARY);
	assert_int_equal(sim_smp_seen(2, 0)->x[0], 1);
	assert_int_equal(sim_smp_seen(2, 1)->pc, SECONDARY + 0x100);
	assert_int_equal(sim_smp_seen(2, 1)->x[0], 2);
	assert_false(sim_smp.ran_out);
}

static void wake_vcpu0(void)
{
	pend_wake_sgi(0);
}

static void test_psci_cpu_suspend_blocks_until_an_interrupt_end_to_end(void **state)
{
	run_setup();
	sim_hal.wfi_hook = wake_vcpu0;
	psci_step(0, PSCI_CPU_SUSPEND_64, 0, 0, 0);
	psci_step(0, HV_CALL_EXIT, 3, 0, 0);
	assert_int_equal(sim_smp_run(), 3);
	/* Blocked: the pCPU idled once, then the vCPU came back with success in x0; the only
	 * vCPU on, it stayed loaded meanwhile (parked). */
	assert_int_equal(sim_hal.wfi_count, 1);
	assert_int_equal(sim_smp_seen(0, 1)->x[0], PSCI_RET_SUCCESS);
	assert_int_equal(sim_hal.vcpu_loads, 1);
}

static void test_psci_system_reset_from_a_secondary_stops_every_vcpu(void **state)
{
	run_setup();
	for (unsigned i = 1; i < NR_VCPUS; i++)
		psci_step(0, PSCI_CPU_ON_64, i, SECONDARY, 0);
	psci_step(0, PSCI_VERSION, 0, 0, 0);
	sim_smp_push(1, sim_step_wfx(false)); /* 1 and 2 wait for an interrupt that never comes */
	sim_smp_push(2, sim_step_wfx(false));
	psci_step(3, PSCI_SYSTEM_RESET, 0, 0, 0);
	assert_int_equal(sim_smp_run(), 0);
	assert_int_equal(vm->state, VM_STOPPED);
	assert_false(sim_smp.ran_out);
	/* Each CPU_ON handed the pCPU to the new vCPU at once. */
	assert_int_equal(sim_smp.entries, 6);
	for (unsigned i = 0; i < 6; i++)
		assert_int_equal(sim_smp.order[i], i % 2 ? i / 2 + 1 : 0);
	for (unsigned i = 0; i < NR_VCPUS; i++)
		assert_int_equal(cpu(i)->state, VCPU_OFF);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_psci_cpu_on_64_starts_an_off_vcpu_like_a_cold_boot,
					    setup, teardown),
	    cmocka_unit_test_setup_teardown(test_psci_cpu_on_32_starts_an_off_vcpu_like_a_cold_boot,
					    setup, teardown),
	    cmocka_unit_test_setup_teardown(
		test_psci_cpu_on_32_uses_only_the_low_half_of_each_argument, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_psci_cpu_on_64_uses_the_whole_arguments, setup,
					    teardown),
	    cmocka_unit_test_setup_teardown(
		test_psci_cpu_on_of_an_unknown_mpidr_is_invalid_parameters, setup, teardown),
	    cmocka_unit_test_setup_teardown(
		test_psci_cpu_on_of_an_mpidr_with_non_affinity_bits_is_invalid_parameters, setup,
		teardown),
	    cmocka_unit_test_setup_teardown(test_psci_cpu_on_of_a_vcpu_that_is_on_is_already_on,
					    setup, teardown),
	    cmocka_unit_test_setup_teardown(
		test_psci_cpu_on_with_an_entry_outside_ram_or_misaligned_is_invalid_address, setup,
		teardown),
	    cmocka_unit_test_setup_teardown(test_psci_cpu_on_checks_the_target_before_the_address,
					    setup, teardown),
	    cmocka_unit_test_setup_teardown(
		test_psci_affinity_info_says_on_for_started_vcpus_and_off_for_the_others, setup,
		teardown),
	    cmocka_unit_test_setup_teardown(
		test_psci_affinity_info_above_level_0_is_invalid_parameters, setup, teardown),
	    cmocka_unit_test_setup_teardown(
		test_psci_affinity_info_of_an_unknown_mpidr_is_invalid_parameters, setup, teardown),
	    cmocka_unit_test_setup_teardown(
		test_psci_affinity_info_32_uses_only_the_low_half_of_each_argument, setup,
		teardown),
	    cmocka_unit_test_setup_teardown(
		test_psci_cpu_off_turns_the_caller_off_and_cpu_on_starts_it_again, setup, teardown),
	    cmocka_unit_test_setup_teardown(
		test_psci_cpu_on_resets_the_cpu_interface_fp_simd_and_pauth_keys, setup, teardown),
	    cmocka_unit_test_setup_teardown(
		test_psci_cpu_off_of_the_boot_vcpu_lets_a_secondary_restart_it, setup, teardown),
	    cmocka_unit_test_setup_teardown(
		test_psci_cpu_suspend_with_nothing_pending_blocks_and_returns_success, setup,
		teardown),
	    cmocka_unit_test_setup_teardown(
		test_psci_cpu_suspend_with_an_interrupt_pending_returns_at_once, setup, teardown),
	    cmocka_unit_test_setup_teardown(
		test_psci_cpu_suspend_through_a_trapped_smc_returns_past_the_smc, setup, teardown),
	    cmocka_unit_test_setup_teardown(
		test_psci_features_is_0_for_each_implemented_call_and_minus_1_otherwise, setup,
		teardown),
	    cmocka_unit_test_setup_teardown(test_psci_version_is_1_1, setup, teardown),
	    cmocka_unit_test_setup_teardown(
		test_psci_system_off_and_reset_stop_the_vm_with_status_0, setup, teardown),
	    cmocka_unit_test_setup_teardown(
		test_psci_cpu_on_runs_the_secondary_at_once_with_its_context, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_psci_cpu_off_and_on_again_end_to_end, setup,
					    teardown),
	    cmocka_unit_test_setup_teardown(
		test_psci_cpu_suspend_blocks_until_an_interrupt_end_to_end, setup, teardown),
	    cmocka_unit_test_setup_teardown(
		test_psci_system_reset_from_a_secondary_stops_every_vcpu, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

// SPDX-License-Identifier: MIT
/* Tests of core/psci.c across pCPUs: the power-state protocol of docs/scheduling.md ("Several
 * pCPUs"). Only a vCPU's own pCPU writes its context: CPU_ON of a vCPU elsewhere leaves it
 * ON_PENDING until that pCPU takes the message; a vCPU that called CPU_OFF is ON (OFF_PENDING)
 * until its pCPU has put it. The pCPUs' steps are interleaved by hand: sim_hal.cpu_id (and the
 * MPIDR SGIs arrive at) says which pCPU runs, and hal_vcpu_put()'s hook opens the window
 * between a vCPU's CPU_OFF and its put. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include <core/arch.h>
#include <core/cpu_msg.h>
#include <core/err.h>
#include <core/gicv3.h>
#include <core/hwinfo.h>
#include <core/irq.h>
#include <core/pcpu.h>
#include <core/smccc.h>
#include <core/trap.h>
#include <core/vgic.h>
#include <core/vm.h>
#include <hal-sim/sim_hal.h>
#include <hal/gic.h>
#include <sim/sim.h>

#include "fixture.h"

#define NR_PCPUS  FIXTURE_PCPUS
#define MPIDR(n)  FIXTURE_MPIDR(n)
#define ENTRY	  (VM_RAM_BASE + IMAGE_RAW_OFFSET)
#define SECONDARY (VM_RAM_BASE + 0x200000)
#define WAKE_SGI  1

static struct sim_machine m;
static struct vm *vm;

static struct vcpu *cpu(unsigned n)
{
	return &vm->vcpus[n];
}

/* fixture_pcpus_machine(): 4 pCPUs; a VM of four vCPUs, vCPU n on pCPU n; vCPU 0 runs, the
 * others are off (as core/vm_boot.c leaves them). Group 1 on, as the guests turn it on. */
static int setup(void **state)
{
	vm = fixture_pcpus_machine(&m);
	vm->vgic.enable_grp1 = true;
	return 0;
}

static int teardown(void **state)
{
	sim_hal.vcpu_enter_hook = NULL;
	sim_hal.vcpu_put_hook = NULL;
	sim_machine_destroy(&m);
	return 0;
}

/* vCPU `n` calls PSCI `fid` on its own pCPU; returns x0 afterwards. */
static int64_t psci_from(unsigned n, uint64_t fid, uint64_t a1, uint64_t a2, uint64_t a3)
{
	unsigned was = sim_hal.cpu_id;
	struct hal_vcpu_ctx *ctx = &cpu(n)->ctx;

	fixture_on_pcpu(cpu(n)->pcpu);
	ctx->x[0] = fid;
	ctx->x[1] = a1;
	ctx->x[2] = a2;
	ctx->x[3] = a3;
	trap_hvc_smc(cpu(n), false);
	fixture_on_pcpu(was);
	return (int64_t)ctx->x[0];
}

/* pCPU `p` takes the message SGI, as its GIC delivers it. */
static void pcpu_takes_sgi(unsigned p)
{
	unsigned was = sim_hal.cpu_id;

	fixture_on_pcpu(p);
	sim_gic_raise(IRQ_KICK_SGI);
	irq_handle_physical(NULL);
	assert_int_equal(sim_hal.gic.deactivate_errors, 0);
	fixture_on_pcpu(was);
}

static void dirty(unsigned n)
{
	cpu(n)->ctx.pc = 0xbad0;
	cpu(n)->ctx.x[5] = 0x5555;
	cpu(n)->ctx.el1[HAL_SCTLR_EL1] = 0xdead;
}

static void assert_untouched(unsigned n)
{
	assert_int_equal(cpu(n)->ctx.pc, 0xbad0);
	assert_int_equal(cpu(n)->ctx.x[5], 0x5555);
	assert_int_equal(cpu(n)->ctx.el1[HAL_SCTLR_EL1], 0xdead);
}

static void assert_started(unsigned n, uint64_t entry, uint64_t context)
{
	assert_int_equal(cpu(n)->state, VCPU_RUNNABLE);
	assert_int_equal(cpu(n)->ctx.pc, entry);
	assert_int_equal(cpu(n)->ctx.x[0], context);
	assert_int_equal(cpu(n)->ctx.x[5], 0);
	assert_int_equal(cpu(n)->ctx.el1[HAL_SCTLR_EL1], SCTLR_EL1_RESET);
}

/* CPU_ON from pCPU 0 for vCPU 2 on pCPU 2: accepted, but only pCPU 2 resets and starts it;
 * meanwhile it is ON_PENDING, and a second CPU_ON (another entry point) is told so and
 * changes nothing. */
static void test_psci_smp_cpu_on_is_pending_until_the_targets_pcpu_starts_it(void **state)
{
	dirty(2);
	assert_int_equal(psci_from(0, PSCI_CPU_ON_64, 2, SECONDARY, 0x21), PSCI_RET_SUCCESS);
	assert_int_equal(cpu(2)->state, VCPU_ON_PENDING);
	assert_untouched(2);
	assert_int_equal(sim_hal.gic.sgis_sent, 1);
	assert_int_equal(sim_hal.gic.sgi[0].mpidr, MPIDR(2));
	assert_int_equal(psci_from(0, PSCI_AFFINITY_INFO_64, 2, 0, 0), PSCI_AFFINITY_ON_PENDING);
	assert_int_equal(psci_from(0, PSCI_CPU_ON_64, 2, SECONDARY + 0x80, 0x22),
			 PSCI_RET_ON_PENDING);
	assert_untouched(2);

	pcpu_takes_sgi(2);
	assert_started(2, SECONDARY, 0x21);
	assert_int_equal(psci_from(0, PSCI_AFFINITY_INFO_64, 2, 0, 0), PSCI_AFFINITY_ON);
	assert_int_equal(psci_from(0, PSCI_CPU_ON_64, 2, SECONDARY, 0), PSCI_RET_ALREADY_ON);
}

/* The target's pCPU plays one guest exit: HVC with x0 = PSCI_CPU_OFF. */
static enum hal_exit_kind cpu_off_exit(struct hal_vcpu_ctx *ctx)
{
	ctx->x[0] = PSCI_CPU_OFF;
	ctx->esr = sim_esr_hvc(0);
	ctx->pc += A64_INSN_SIZE; /* an HVC's return address is past it */
	return HAL_EXIT_SYNC;
}

static int64_t on_in_window, info_in_window;
static enum vcpu_state state_in_window;

/* In vCPU 1's put (pCPU 1): vCPU 0 on pCPU 0 tries to start it again at once. */
static void cpu_on_from_pcpu_0(struct hal_vcpu_ctx *ctx)
{
	assert_ptr_equal(ctx, &cpu(1)->ctx);
	state_in_window = cpu(1)->state;
	info_in_window = psci_from(0, PSCI_AFFINITY_INFO_64, 1, 0, 0);
	on_in_window = psci_from(0, PSCI_CPU_ON_64, 1, SECONDARY + 0x100, 0x33);
	assert_int_equal(ctx->pc, SECONDARY + 4); /* the context is still the old life's */
}

/* Issue #13 item 3: vCPU 1 (pCPU 1) calls CPU_OFF, and vCPU 0 (pCPU 0) calls CPU_ON for it
 * before pCPU 1 has put it. The CPU_ON must not reset a loaded context: ALREADY_ON, with
 * AFFINITY_INFO saying ON, until the put; then OFF, and a CPU_ON starts it on pCPU 1. */
static void test_psci_smp_cpu_on_racing_the_targets_cpu_off_waits_for_its_put(void **state)
{
	assert_int_equal(psci_from(0, PSCI_CPU_ON_64, 1, SECONDARY, 0x11), PSCI_RET_SUCCESS);
	pcpu_takes_sgi(1);
	assert_started(1, SECONDARY, 0x11);

	fixture_on_pcpu(1);
	sim_hal.vcpu_enter_hook = cpu_off_exit;
	sim_hal.vcpu_put_hook = cpu_on_from_pcpu_0;
	vcpu_run_slice(cpu(1));
	sim_hal.vcpu_put_hook = NULL;
	fixture_on_pcpu(0);
	assert_int_equal(state_in_window, VCPU_OFF_PENDING);
	assert_int_equal(info_in_window, PSCI_AFFINITY_ON);
	assert_int_equal(on_in_window, PSCI_RET_ALREADY_ON);
	assert_int_equal(sim_hal.vcpu_puts, 1);

	/* Put: off. Linux's CPU_ON comes after AFFINITY_INFO said so. */
	assert_int_equal(cpu(1)->state, VCPU_OFF);
	assert_int_equal(psci_from(0, PSCI_AFFINITY_INFO_64, 1, 0, 0), PSCI_AFFINITY_OFF);
	assert_int_equal(psci_from(0, PSCI_CPU_ON_64, 1, SECONDARY + 0x200, 0x44),
			 PSCI_RET_SUCCESS);
	assert_int_equal(cpu(1)->ctx.pc, SECONDARY + 4);
	pcpu_takes_sgi(1);
	assert_started(1, SECONDARY + 0x200, 0x44);
}

/* Two vCPUs on two pCPUs start the same vCPU: the first wins, the second hears ON_PENDING,
 * and the vCPU starts where the first asked. */
static void test_psci_smp_two_callers_of_cpu_on_one_wins(void **state)
{
	assert_int_equal(psci_from(0, PSCI_CPU_ON_64, 2, SECONDARY, 0x21), PSCI_RET_SUCCESS);
	pcpu_takes_sgi(2);
	cpu(2)->state = VCPU_RUNNING; /* vCPU 2 runs on pCPU 2 */

	assert_int_equal(psci_from(0, PSCI_CPU_ON_64, 3, SECONDARY + 0x300, 3), PSCI_RET_SUCCESS);
	assert_int_equal(psci_from(2, PSCI_CPU_ON_64, 3, SECONDARY + 0x600, 6),
			 PSCI_RET_ON_PENDING);
	pcpu_takes_sgi(3);
	assert_started(3, SECONDARY + 0x300, 3);
}

/* A CPU_ON whose vCPU its pCPU no longer holds ON_PENDING when the message arrives (its VM
 * stopped, and the run queue turned every vCPU off) changes nothing. */
static void test_psci_smp_a_late_cpu_on_message_for_a_stopped_vm_changes_nothing(void **state)
{
	dirty(3);
	assert_int_equal(psci_from(0, PSCI_CPU_ON_64, 3, SECONDARY, 0), PSCI_RET_SUCCESS);
	vm_stop(vm, 0);
	cpu(3)->state = VCPU_OFF; /* what sched_run() does once its VMs stopped */
	pcpu_takes_sgi(3);
	assert_int_equal(cpu(3)->state, VCPU_OFF);
	assert_untouched(3);
}

/* A vCPU suspended on its pCPU (CPU_SUSPEND: blocked) is ON for the others, and an SGI from
 * another pCPU reaches its pCPU as a kick. */
static void test_psci_smp_a_suspended_vcpu_is_on_and_is_kicked_across_pcpus(void **state)
{
	struct vgic_irq *sgi = &cpu(1)->vgic.private_irqs[WAKE_SGI];
	struct cpu_msg msg;

	assert_int_equal(psci_from(0, PSCI_CPU_ON_64, 1, SECONDARY, 0), PSCI_RET_SUCCESS);
	pcpu_takes_sgi(1);
	cpu(1)->state = VCPU_RUNNING;
	cpu(1)->ctx.vgic.vmcr = ICH_VMCR_VENG1 | ICH_VMCR_VPMR_MASK << ICH_VMCR_VPMR_SHIFT;
	sgi->group = 1;
	sgi->priority = 0xa0;
	sgi->enabled = true;
	assert_int_equal(psci_from(1, PSCI_CPU_SUSPEND_64, 0, 0, 0), PSCI_RET_SUCCESS);
	assert_int_equal(cpu(1)->state, VCPU_BLOCKED);
	assert_int_equal(psci_from(0, PSCI_AFFINITY_INFO_64, 1, 0, 0), PSCI_AFFINITY_ON);

	vgic_pulse(vm, cpu(1), WAKE_SGI);
	assert_int_equal(cpu_msg_peek(1, &msg, 1), 1);
	assert_int_equal(msg.kind, CPU_MSG_KICK);
	assert_ptr_equal(msg.arg, cpu(1));
	assert_int_equal(sim_hal.gic.sgi[sim_hal.gic.sgis_sent - 1].mpidr, MPIDR(1));
	assert_true(vgic_wants_wakeup(cpu(1)));
}

int main(void)
{
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
	const struct CMUnitTest tests[] = {
	    T(test_psci_smp_cpu_on_is_pending_until_the_targets_pcpu_starts_it),
	    T(test_psci_smp_cpu_on_racing_the_targets_cpu_off_waits_for_its_put),
	    T(test_psci_smp_two_callers_of_cpu_on_one_wins),
	    T(test_psci_smp_a_late_cpu_on_message_for_a_stopped_vm_changes_nothing),
	    T(test_psci_smp_a_suspended_vcpu_is_on_and_is_kicked_across_pcpus),
	};
#undef T
	return cmocka_run_group_tests(tests, NULL, NULL);
}

// SPDX-License-Identifier: MIT
/* Tests of core/exit.c: dispatch of every exception class (unknown ones become UNDEFINED for
 * the guest), the per-VM rate limit on what a guest can make the hypervisor print, the
 * vcpu_run() loop, and a hostile-sequence test: random syndromes, addresses, registers and
 * instruction words through exit_handle() must never upset ASan/UBSan and must leave the PC
 * where hardware would: past the instruction, unchanged (HVC, interrupts) or at a vector. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include <core/arch.h>
#include <core/err.h>
#include <core/gmem.h>
#include <core/mmio.h>
#include <core/smccc.h>
#include <core/trap.h>
#include <core/vsve.h>
#include <hal-sim/sim_hal.h>
#include <sim/sim.h>

#include "fixture.h"
#include "rng.h"

#define ENTRY	      (VM_RAM_BASE + IMAGE_RAW_OFFSET)
#define VBAR	      (VM_RAM_BASE + 0x1000)
#define HOSTILE_ITERS 50000

static struct sim_machine m;
static struct vcpu *v;
static struct vcpu *expect_by; /* whose deferred work slow_resume() expects; NULL: v */

static int setup(void **state)
{
	static const uint32_t prog[] = {SIM_A64_NOP, SIM_A64_NOP};

	sim_hal_reset();
	expect_by = NULL;
	assert_int_equal(sim_machine_init(&m, NULL), HV_OK);
	assert_int_equal(sim_machine_load_program(&m, prog, 2), HV_OK);
	v = m.vcpu;
	v->ctx.el1[HAL_VBAR_EL1] = VBAR;
	return 0;
}

static int teardown(void **state)
{
	sim_machine_destroy(&m);
	return 0;
}

static void exit_with(uint64_t esr, uint64_t far)
{
	v->ctx.esr = esr;
	v->ctx.far = far;
	v->ctx.hpfar = sim_hpfar(far);
	exit_handle(v, HAL_EXIT_SYNC);
	console_settle();
}

/* --- dispatch --- */

/* The hostile test's WFI: stop the VM if a wait ever happens. */
static void stop_vm_on_wait(void)
{
	vm_stop(m.vm, 0);
}

static void test_exit_wfe_completes_at_once_and_wfi_blocks(void **state)
{
	v->state = VCPU_RUNNING;
	exit_with(sim_esr_wfx(true), 0);
	assert_int_equal(v->ctx.pc, ENTRY + 4);
	assert_int_equal(v->state, VCPU_RUNNING);

	/* Nothing pending: the vCPU blocks, past the WFI, until the scheduler wakes it. */
	exit_with(sim_esr_wfx(false), 0);
	assert_int_equal(v->ctx.pc, ENTRY + 8);
	assert_int_equal(v->state, VCPU_BLOCKED);
	assert_int_equal(v->stats.wfx, 2);
	assert_int_equal(v->stats.exits, 2);
}

/* Issue #11 item 8: AArch32 is hidden, but a guest can ERET to AArch32 EL0 anyway. Its exits
 * are never decoded as A64 nor stepped by 4: an ISV=0 data abort on the vPL011 (here over a
 * word that would be an A64 store to it) is an external abort, a WFI is UNDEFINED; both are
 * taken to the lower-EL AArch32 vector. */
#define PSTATE_A32_USR (PSTATE_NRW | 0x10)

static void test_exit_aarch32_exits_are_never_emulated(void **state)
{
	uint32_t a64_str = sim_a64_ldst_uimm(false, 2, 1, 2, 0); /* str w1, [x2] */

	assert_int_equal(gmem_write(m.vm, ENTRY, &a64_str, sizeof(a64_str)), HV_OK);
	v->state = VCPU_RUNNING;
	v->ctx.x[2] = VM_PL011_BASE;
	v->ctx.pstate = PSTATE_A32_USR;
	exit_with(sim_esr_dabt(true), VM_PL011_BASE);
	assert_int_equal(v->stats.mmio, 0);
	assert_int_equal(v->stats.abort_injected, 1);
	assert_int_equal(v->ctx.pc, VBAR + VECTOR_LOWER_A32);
	assert_int_equal(v->ctx.el1[HAL_ELR_EL1], ENTRY);
	assert_int_equal(v->ctx.el1[HAL_ESR_EL1] >> ESR_EC_SHIFT, ESR_EC_DABT_LOW);

	v->ctx.pc = ENTRY;
	v->ctx.pstate = PSTATE_A32_USR;
	exit_with(sim_esr_wfx(false), 0);
	assert_int_equal(v->state, VCPU_RUNNING);
	assert_int_equal(v->stats.undef_injected, 1);
	assert_int_equal(v->ctx.pc, VBAR + VECTOR_LOWER_A32);
	assert_int_equal(v->ctx.el1[HAL_ELR_EL1], ENTRY);
}

static void test_exit_hvc_is_answered_without_moving_the_pc(void **state)
{
	v->ctx.pc = ENTRY + 4;
	v->ctx.x[0] = SMCCC_VERSION;
	exit_with(sim_esr_hvc(0), 0);
	assert_int_equal(v->ctx.x[0], 0x10002);
	assert_int_equal(v->ctx.pc, ENTRY + 4);
	assert_int_equal(v->stats.hvc, 1);
	assert_int_equal(v->stats.smc, 0);
}

/* A stepped instruction the hypervisor emulates completes there: PSTATE.SS is cleared with
 * the PC moved past it, so the guest takes its step exception before the next instruction
 * instead of running one more. */
static void test_exit_emulated_instruction_ends_a_software_step(void **state)
{
	v->ctx.pstate = PSTATE_M_EL1H | PSTATE_SS;
	exit_with(sim_esr_dabt_isv(4, true, 3, false, false), VM_PL011_BASE);
	assert_int_equal(v->ctx.pc, ENTRY + 4);
	assert_int_equal(v->ctx.pstate, PSTATE_M_EL1H);
}

static void test_exit_trapped_smc_is_answered_and_skipped(void **state)
{
	v->ctx.x[0] = PSCI_VERSION;
	exit_with(sim_esr_smc(0), 0);
	assert_int_equal(v->ctx.x[0], 0x10001);
	assert_int_equal(v->ctx.pc, ENTRY + 4);
	assert_int_equal(v->stats.smc, 1);
	assert_int_equal(v->stats.hvc, 0);
}

static void test_exit_sysreg_trap_goes_to_the_sysreg_handler(void **state)
{
	v->ctx.x[5] = 0x1234;
	exit_with(sim_esr_sysreg(3, 0, 1, 0, 1, 5, true), 0); /* mrs x5, actlr_el1 */
	assert_int_equal(v->ctx.x[5], 0);
	assert_int_equal(v->ctx.pc, ENTRY + 4);
	assert_int_equal(v->stats.sysreg, 1);
}

static void test_exit_data_abort_goes_to_mmio_emulation(void **state)
{
	v->ctx.x[1] = 'Z';
	exit_with(sim_esr_dabt_isv(1, true, 1, false, false), VM_PL011_BASE);
	assert_string_equal(sim_hal.console, "Z");
	assert_int_equal(v->ctx.pc, ENTRY + 4);
	assert_int_equal(v->stats.mmio, 1);
}

static void test_exit_instruction_abort_is_injected(void **state)
{
	v->ctx.pc = 0x80000000;
	exit_with(sim_esr_iabt(), 0x80000000);
	assert_int_equal(v->ctx.pc, VBAR + 0x200);
	assert_int_equal(v->ctx.el1[HAL_ESR_EL1], 0x86000010);
	assert_int_equal(v->ctx.el1[HAL_FAR_EL1], 0x80000000);
	assert_int_equal(v->stats.abort_injected, 1);
}

static bool ec_is_handled(unsigned ec)
{
	return ec == ESR_EC_WFX || ec == ESR_EC_HVC64 || ec == ESR_EC_SMC64 || ec == ESR_EC_SYS64 ||
	       ec == ESR_EC_DABT_LOW || ec == ESR_EC_IABT_LOW || ec == ESR_EC_FP_ASIMD;
}

/* The first FP/SIMD use of a load traps (lazy switching, hal_vcpu_fpsimd_trap()): the vCPU is
 * given its registers and runs the same instruction again, with no exception of its own. A
 * second such trap in the same load cannot be the lazy switch's: UNDEFINED. After a put and
 * load the next use traps again. */
static void test_exit_fp_simd_trap_gives_the_registers_once_per_load(void **state)
{
	v->ctx.pstate = PSTATE_M_EL1H;
	exit_with(sim_esr(ESR_EC_FP_ASIMD, 0x1e00000), 0);
	assert_int_equal(v->ctx.pc, ENTRY);
	assert_int_equal(v->stats.fp_loads, 1);
	assert_int_equal(v->stats.undef_injected, 0);
	assert_true(v->ctx.fp_live);

	exit_with(sim_esr(ESR_EC_FP_ASIMD, 0x1e00000), 0);
	assert_int_equal(v->ctx.pc, VBAR + 0x200);
	assert_int_equal(v->ctx.el1[HAL_ESR_EL1], 0x02000000);
	assert_int_equal(v->stats.undef_injected, 1);
	assert_int_equal(v->stats.fp_loads, 1);

	hal_vcpu_put(&v->ctx);
	hal_vcpu_load(&v->ctx);
	v->ctx.pc = ENTRY;
	exit_with(sim_esr(ESR_EC_FP_ASIMD, 0x1e00000), 0);
	assert_int_equal(v->ctx.pc, ENTRY);
	assert_int_equal(v->stats.fp_loads, 2);
	assert_int_equal(sim_hal.fpsimd_traps, 3);
}

/* Pointer authentication is switched lazily (hal_vcpu_pauth_trap()): a vCPU's first PAC
 * instruction (EC 0x09) or key register access (EC 0x18) since its reset traps, gives it its
 * keys and runs again, with no exception of its own. From then on nothing of it traps, so such
 * a trap is UNDEFINED, across put and load too, until a reset makes the switch lazy again. A
 * trapped register that is not a key stays UNDEFINED. */
static void test_exit_pauth_first_use_gives_the_keys_once_until_a_reset(void **state)
{
	sim_hal.pauth = true;
	v->ctx.pstate = PSTATE_M_EL1H;
	exit_with(sim_esr_sysreg(3, 0, 2, 4, 0, 1, false), 0); /* not a key: S3_0_C2_C4_0 */
	assert_int_equal(v->ctx.pc, VBAR + 0x200);
	assert_false(v->ctx.pauth_used);

	v->ctx.pc = ENTRY;
	v->ctx.pstate = PSTATE_M_EL1H;
	exit_with(sim_esr(ESR_EC_PAC, 0), 0);
	assert_int_equal(v->ctx.pc, ENTRY);
	assert_true(v->ctx.pauth_used);
	assert_int_equal(sim_hal.pauth_traps, 1);
	assert_int_equal(v->stats.undef_injected, 1);

	hal_vcpu_put(&v->ctx);
	hal_vcpu_load(&v->ctx);
	exit_with(sim_esr(ESR_EC_PAC, 0), 0);
	assert_int_equal(v->ctx.pc, VBAR + 0x200);
	assert_int_equal(v->stats.undef_injected, 2);

	/* After a reset (PSCI CPU_ON) its first key write traps and is given them again. */
	hal_vcpu_put(&v->ctx);
	vcpu_reset(v, ENTRY, 0);
	hal_vcpu_load(&v->ctx);
	assert_false(v->ctx.pauth_used);
	exit_with(sim_esr_sysreg(3, 0, 2, 1, 0, 1, false), 0); /* msr APIAKeyLo_EL1, x1 */
	assert_int_equal(v->ctx.pc, ENTRY);
	assert_true(v->ctx.pauth_used);
	assert_int_equal(sim_hal.pauth_traps, 2);
	assert_int_equal(v->stats.undef_injected, 2);
}

/* A CPU without pointer authentication: its instructions' and registers' traps are UNDEFINED. */
static void test_exit_pauth_trap_without_pauth_is_undefined(void **state)
{
	v->ctx.pstate = PSTATE_M_EL1H;
	exit_with(sim_esr_sysreg(3, 0, 2, 3, 1, 1, true), 0); /* mrs x1, APGAKeyHi_EL1 */
	assert_int_equal(v->ctx.pc, VBAR + 0x200);
	assert_false(v->ctx.pauth_used);
	assert_int_equal(sim_hal.pauth_traps, 0);
}

/* SVE given to guests (core/vsve.c): the first SVE use of a load traps (EC 0x19, also for
 * ZCR_EL1) and is given the state, the instruction runs again; a second such trap in the same
 * load is UNDEFINED. With SVE hidden the trap is UNDEFINED from the start. */
static void test_exit_sve_trap_gives_the_state_only_while_sve_is_given(void **state)
{
	v->ctx.pstate = PSTATE_M_EL1H;
	sim_hal.sve_cpu_vl = 64;
	vsve_init(false);
	exit_with(sim_esr(ESR_EC_SVE, 0), 0);
	assert_int_equal(v->ctx.pc, ENTRY);
	assert_true(v->ctx.sve_used && v->ctx.fp_live);
	assert_int_equal(v->stats.fp_loads, 1);
	/* Given SVE, it has FP/SIMD too: a trap of either now cannot be the lazy switch's. */
	exit_with(sim_esr(ESR_EC_FP_ASIMD, 0x1e00000), 0);
	assert_int_equal(v->ctx.pc, VBAR + 0x200);
	v->ctx.pc = ENTRY;
	v->ctx.pstate = PSTATE_M_EL1H;
	exit_with(sim_esr(ESR_EC_SVE, 0), 0);
	assert_int_equal(v->ctx.pc, VBAR + 0x200);
	assert_int_equal(v->stats.undef_injected, 2);

	/* Put and loaded again: its SVE state comes back on its first FP/SIMD use. */
	hal_vcpu_put(&v->ctx);
	hal_vcpu_load(&v->ctx);
	v->ctx.pc = ENTRY;
	exit_with(sim_esr(ESR_EC_FP_ASIMD, 0x1e00000), 0);
	assert_int_equal(v->ctx.pc, ENTRY);
	assert_int_equal(v->stats.fp_loads, 2);

	vsve_init(true);
	hal_vcpu_put(&v->ctx);
	hal_vcpu_load(&v->ctx);
	v->ctx.sve_used = false;
	exit_with(sim_esr(ESR_EC_SVE, 0), 0);
	assert_int_equal(v->ctx.pc, VBAR + 0x200);
	assert_int_equal(v->stats.undef_injected, 3);
	assert_false(v->ctx.sve_used);
}

/* Every other class (PAC, SVE, illegal state, alignment, BRK, EL2's own classes,
 * unallocated ones...) is UNDEFINED for the guest, at the instruction. */
static void test_exit_every_unhandled_ec_injects_undef(void **state)
{
	unsigned undefs = 0;

	for (unsigned ec = 0; ec <= ESR_EC_MASK; ec++) {
		if (ec_is_handled(ec))
			continue;
		v->ctx.pc = ENTRY;
		v->ctx.pstate = PSTATE_M_EL1H;
		exit_with(sim_esr(ec, 0x1ffffff), 0);
		assert_int_equal(v->ctx.pc, VBAR + 0x200);
		assert_int_equal(v->ctx.el1[HAL_ELR_EL1], ENTRY);
		assert_int_equal(v->ctx.el1[HAL_ESR_EL1], 0x02000000);
		undefs++;
		assert_int_equal(v->stats.undef_injected, undefs);
	}
	assert_int_equal(undefs, 64 - 7);
	assert_int_equal(v->stats.exits, undefs);
	assert_int_equal(v->stats.hvc + v->stats.smc + v->stats.wfx + v->stats.sysreg +
			     v->stats.mmio + v->stats.abort_injected,
			 0);
}

static void test_exit_unhandled_ec_logs_one_line_naming_it(void **state)
{
	exit_with(sim_esr(ESR_EC_SVE, 0), 0);
	assert_true(console_has_line("warning: sim: vcpu 0: unhandled exit EC 0x19 (esr "
				     "0x66000000) at pc 0x40080000: UNDEFINED"));
	assert_int_equal(console_line_count(), 1);
}

static void test_exit_interrupts_change_nothing_but_the_count(void **state)
{
	struct hal_vcpu_ctx before = v->ctx;

	for (unsigned i = 0; i < 3; i++) {
		v->ctx.esr = sim_esr_smc(0); /* stale: must not be looked at */
		before.esr = v->ctx.esr;
		exit_handle(v, HAL_EXIT_IRQ);
		assert_memory_equal(&v->ctx, &before, sizeof(before));
	}
	assert_int_equal(v->stats.irq, 3);
	assert_int_equal(v->stats.exits, 3);
	assert_int_equal(v->stats.smc, 0);
	assert_int_equal(sim_hal.console_len, 0);
}

/* Issue #11 item 11: a physical SError taken while the guest ran goes back to it as a virtual
 * SError with the same syndrome (ISS), and is said once; the guest's registers and PC are the
 * hardware's business from there (it takes the SError when PSTATE.A allows). */
static void test_exit_serror_is_injected_back_as_a_virtual_serror(void **state)
{
	const uint64_t esr = (uint64_t)ESR_EC_SERROR << ESR_EC_SHIFT | ESR_IL | 0x1234;
	struct hal_vcpu_ctx before = v->ctx;

	v->ctx.esr = before.esr = esr;
	exit_handle(v, HAL_EXIT_SERROR);
	assert_int_equal(v->ctx.vserror_pending, 1);
	assert_int_equal(v->ctx.vsesr, esr & ESR_ISS_MASK);
	assert_int_equal(v->stats.serror, 1);
	assert_int_equal(v->stats.irq, 0);
	assert_int_equal(v->ctx.pc, before.pc);
	assert_memory_equal(v->ctx.x, before.x, sizeof(before.x));
	assert_true(console_has_line("warning: sim: vcpu 0: SError (esr 0xbe001234) at pc "
				     "0x40080000: virtual SError injected"));
}

/* A physical FIQ (Group 0: nothing of the hypervisor's) is said, not dropped silently. */
static void test_exit_fiq_is_reported_and_changes_nothing(void **state)
{
	struct hal_vcpu_ctx before = v->ctx;

	exit_handle(v, HAL_EXIT_FIQ);
	assert_memory_equal(&v->ctx, &before, sizeof(before));
	assert_true(console_has_line("warning: sim: vcpu 0: physical FIQ while it ran: ignored"));
}

/* A guest must not be able to flood the console: one budget per VM, whatever the mistake. */
static void test_exit_100_bad_accesses_print_at_most_5_lines(void **state)
{
	for (unsigned i = 0; i < 100; i++) {
		v->ctx.pc = ENTRY;
		switch (i % 3) {
		case 0:
			exit_with(sim_esr(ESR_EC_PAC, 0), 0);
			break;
		case 1:
			exit_with(sim_esr_sysreg(3, 7, 15, 15, 7, 0, true), 0);
			break;
		default:
			exit_with(sim_esr_dabt(false), 0x10000000); /* no RAM, no device */
			break;
		}
	}
	assert_int_equal(console_line_count(), 5);
	assert_int_equal(v->stats.undef_injected + v->stats.abort_injected, 100);

	/* A second later the count of what was dropped comes out with the next line. */
	sim_hal.counter += sim_hal.counter_freq;
	v->ctx.pc = ENTRY;
	exit_with(sim_esr(ESR_EC_PAC, 0), 0);
	assert_true(console_has_line("warning: 95 similar message(s) suppressed"));
	assert_int_equal(console_line_count(), 7);
}

/* --- the run loop --- */

static void test_exit_vcpu_run_loops_until_the_vm_stops(void **state)
{
	sim_guest_attach(&m);
	sim_machine_wfi_wakes(&m);
	sim_guest_push(sim_step_wfx(false));
	sim_guest_push(sim_step_hvc(HV_CALL_PUTC, 'k', 0));
	sim_guest_push(sim_step_hvc(HV_CALL_EXIT, 4, 0));
	assert_int_equal(sim_guest_run(), 4);
	assert_false(sim_guest.ran_out);
	assert_int_equal(sim_hal.vcpu_entries, 3);
	/* The WFI blocked the vCPU, alone on its pCPU: it stayed loaded (parked) through the idle
	 * wait (the SGI) and ran again without a switch; put once, when the VM stopped. */
	assert_int_equal(sim_hal.vcpu_loads, 1);
	assert_int_equal(sim_hal.vcpu_puts, 1);
	assert_int_equal(sim_hal.wfi_count, 1);
	assert_null(sim_hal.loaded_vcpu);
	assert_int_equal(v->state, VCPU_OFF);
	assert_int_equal(m.vm->state, VM_STOPPED);
	assert_int_equal(v->stats.exits, 3);
	/* PUTC's "k", then the hypervisor's own line. */
	assert_string_equal(sim_hal.console, "ksim: exit with status 4\n");
}

/* A device whose work takes `left` more budgets after the exit that started it. */
static unsigned left, resumes, entries_at_resume[4];

static void slow_resume(struct mmio_device *dev, struct vcpu *by)
{
	assert_ptr_equal(by, expect_by ? expect_by : v);
	entries_at_resume[resumes++ % 4] = sim_hal.vcpu_entries;
	if (--left)
		vm_defer(dev->priv, dev, by);
}

static const struct mmio_ops slow_ops = {.resume = slow_resume};

static void test_exit_deferred_work_runs_one_budget_per_entry_and_wfi_waits_for_it(void **state)
{
	struct mmio_device d = {
	    .name = "slow", .base = 0x0c000000, .size = 0x1000, .ops = &slow_ops, .priv = m.vm};

	assert_int_equal(vm_add_mmio(m.vm, &d), HV_OK);
	sim_guest_attach(&m);
	sim_machine_wfi_wakes(&m);
	left = 3;
	vm_defer(m.vm, vm_find_mmio(m.vm, d.base), v);
	/* The guest waits (WFI) with nothing pending, as a driver waiting for its disk. */
	sim_guest_push(sim_step_wfx(false));
	sim_guest_push(sim_step_wfx(false));
	sim_guest_push(sim_step_hvc(HV_CALL_EXIT, 0, 0));
	assert_int_equal(sim_guest_run(), 0);
	/* One budget before each entry; the WFIs did not block while work waited for this vCPU
	 * (no idle sleep, loaded once). */
	assert_int_equal(resumes, 3);
	assert_int_equal(entries_at_resume[0], 0);
	assert_int_equal(entries_at_resume[1], 1);
	assert_int_equal(entries_at_resume[2], 2);
	assert_int_equal(sim_hal.wfi_count, 0);
	assert_int_equal(sim_hal.vcpu_loads, 1);
	assert_false(vm_has_deferred(m.vm));
}

static void test_exit_idle_loop_does_deferred_work_before_sleeping(void **state)
{
	struct mmio_device d = {
	    .name = "slow", .base = 0x0c000000, .size = 0x1000, .ops = &slow_ops, .priv = m.vm};
	struct vcpu *other;

	assert_int_equal(vm_add_mmio(m.vm, &d), HV_OK);
	assert_int_equal(vm_add_vcpu(m.vm, ENTRY, 0, &other), HV_OK);
	sim_guest_attach(&m);
	sim_machine_wfi_wakes(&m);
	left = 3;
	resumes = 0;
	expect_by = other; /* work of a vCPU that is off: only an idle pCPU does it */
	vm_defer(m.vm, vm_find_mmio(m.vm, d.base), other);
	sim_guest_push(sim_step_wfx(false));
	sim_guest_push(sim_step_hvc(HV_CALL_EXIT, 0, 0));
	assert_int_equal(sim_guest_run(), 0);
	assert_int_equal(resumes, 3);
	for (unsigned i = 0; i < 3; i++)
		assert_int_equal(entries_at_resume[i], 1); /* after the WFI, before the sleep */
	assert_int_equal(sim_hal.wfi_count, 1);
	assert_false(vm_has_deferred(m.vm));
}

static void test_exit_deferred_work_stays_with_the_vcpu_that_asked(void **state)
{
	struct mmio_device d = {
	    .name = "slow", .base = 0x0c000000, .size = 0x1000, .ops = &slow_ops, .priv = m.vm};
	struct vcpu *other;

	assert_int_equal(vm_add_mmio(m.vm, &d), HV_OK);
	assert_int_equal(vm_add_vcpu(m.vm, ENTRY, 0, &other), HV_OK);
	left = 3;
	resumes = 0;
	vm_defer(m.vm, vm_find_mmio(m.vm, d.base), v);
	/* Another vCPU's entries leave it alone: its time is not spent on v's device. */
	vm_resume_deferred_by(m.vm, other);
	assert_int_equal(resumes, 0);
	vm_resume_deferred_by(m.vm, v);
	assert_int_equal(resumes, 1);
	/* The idle loop does anyone's. */
	vm_resume_deferred(m.vm);
	assert_int_equal(resumes, 2);
	vm_resume_deferred_by(m.vm, v);
	assert_int_equal(resumes, 3);
	assert_false(vm_has_deferred(m.vm));
}

/* A device handler that returns with a lock held (a bug): the next entry would carry it into
 * the guest, where every other pCPU wanting it spins until the vCPU exits. The run loop stops
 * there instead, before entering. */
static struct spinlock leaked = SPINLOCK_INIT;

static int leaky_write(struct mmio_device *dev, struct vcpu *vcpu, uint64_t off, unsigned size,
		       uint64_t val)
{
	spin_lock(&leaked);
	return HV_OK;
}

static const struct mmio_ops leaky_ops = {.write = leaky_write};

static void test_exit_no_lock_is_held_across_a_guest_entry(void **state)
{
	const struct mmio_device dev = {
	    .name = "leaky", .base = 0x0c000000, .size = 0x1000, .ops = &leaky_ops};
	jmp_buf stopped;

	assert_int_equal(vm_add_mmio(m.vm, &dev), HV_OK);
	sim_guest_attach(&m);
	sim_guest_push(sim_step_mmio(dev.base, 4, true, 1, false));
	sim_guest_push(sim_step_hvc(HV_CALL_EXIT, 0, 0));
	sim_hal.exit_jmp = &stopped;
	/* The halt leaves the run loop by longjmp, its queue still the pCPU's active one: on a
	 * pCPU of its own, so that no later test's exit finds that dead queue. */
	sim_smp_fresh_pcpu();
	if (setjmp(stopped)) {
		sim_hal.exit_jmp = NULL;
		spin_unlock(&leaked);
		assert_string_equal(sim_hal.exit_reason, "halt");
		assert_non_null(strstr(sim_hal.console, "CHECK failed at core/exit.c"));
		assert_int_equal(sim_hal.vcpu_entries, 1); /* the MMIO exit's, not the next */
		return;
	}
	sim_guest_run();
	fail_msg("entered the guest with a lock held");
}

static void test_exit_vcpu_run_of_a_stopped_vm_never_enters(void **state)
{
	sim_guest_attach(&m);
	vm_stop(m.vm, 6);
	assert_int_equal(sim_guest_run(), 6);
	assert_int_equal(sim_hal.vcpu_entries, 0);
	assert_int_equal(v->state, VCPU_OFF);
	assert_int_equal(m.vm->state, VM_STOPPED);
}

/* --- hostile sequences --- */

static unsigned count_of(const char *text, const char *what)
{
	unsigned n = 0;

	for (const char *p = strstr(text, what); p; p = strstr(p + 1, what))
		n++;
	return n;
}

static uint64_t pick_addr(uint64_t *seed)
{
	switch (rng_below(seed, 6)) {
	case 0:
		return VM_PL011_BASE + rng_below(seed, VM_PL011_SIZE + 16) - 8;
	case 1:
		return VM_RAM_BASE + rng_below(seed, m.ram_size + 0x2000) - 0x1000;
	case 2:
		return rng_below(seed, 1ULL << 40);
	case 3:
		return UINT64_MAX - rng_below(seed, 0x2000);
	default:
		return rng_next(seed);
	}
}

/* Mostly load/store encodings (where the decoder lives), with random fields. */
static uint32_t pick_insn(uint64_t *seed)
{
	static const uint32_t classes[][2] = {
	    {0x3b000000, 0x39000000}, /* unsigned immediate */
	    {0x3b000000, 0x38000000}, /* imm9 / register offset / atomics */
	    {0x3a000000, 0x28000000}, /* pairs */
	    {0x3f000000, 0x08000000}, /* exclusive / ordered */
	    {0x3f200c00, 0x19000000}, /* LDAPUR/STLUR */
	};
	uint32_t r = (uint32_t)rng_next(seed);
	unsigned c = (unsigned)rng_below(seed, 7);

	if (c >= 5)
		return r;
	return (r & ~classes[c][0]) | classes[c][1];
}

static uint64_t pick_esr(uint64_t *seed)
{
	static const unsigned ecs[] = {ESR_EC_DABT_LOW, ESR_EC_DABT_LOW, ESR_EC_DABT_LOW,
				       ESR_EC_HVC64,	ESR_EC_SMC64,	 ESR_EC_SYS64,
				       ESR_EC_WFX,	ESR_EC_IABT_LOW};
	unsigned ec = rng_below(seed, 4) ? ecs[rng_below(seed, 8)] : (unsigned)rng_below(seed, 64);
	uint64_t esr = sim_esr(ec, rng_next(seed));

	if (rng_below(seed, 4) == 0)
		esr = rng_next(seed); /* even RES0 bits and IL may be anything */
	return esr;
}

static uint64_t pick_x0(uint64_t *seed)
{
	static const uint32_t fids[] = {SMCCC_VERSION, SMCCC_ARCH_FEATURES,    PSCI_VERSION,
					PSCI_FEATURES, HV_CALL_VERSION,	       HV_CALL_PUTC,
					HV_CALL_PUTS,  SMCCC_ARCH_WORKAROUND_1};

	return rng_below(seed, 2) ? fids[rng_below(seed, 8)] : rng_next(seed);
}

/* A stage-2 translation fault on RAM is a first touch: populated and retried (docs/memory.md). */
static bool is_ram_first_touch(uint64_t esr, const struct hal_vcpu_ctx *ctx)
{
	uint64_t ipa = (ctx->hpfar & HPFAR_FIPA_MASK) << HPFAR_FIPA_SHIFT | (ctx->far & 0xfff);
	unsigned ec = esr_ec(esr);

	return (ec == ESR_EC_DABT_LOW || ec == ESR_EC_IABT_LOW) &&
	       (esr & ESR_ISS_FSC_TYPE_MASK) == ESR_ISS_FSC_TRANS && vm_ram_find(m.vm, ipa);
}

static void test_exit_hostile_sequences_leave_a_legal_pc(void **state)
{
	static const uint64_t modes[] = {PSTATE_M_EL1H, PSTATE_M_EL1T, PSTATE_M_EL0T,
					 PSTATE_NRW | 0x10};
	uint64_t seed = rng_seed(__func__, 0xdecaf);
	struct hal_vcpu_ctx *ctx = &v->ctx;

	/* A WFI would wait for an interrupt that never comes: the wait ends the VM instead. */
	sim_hal.wfi_hook = stop_vm_on_wait;
	for (unsigned it = 0; it < HOSTILE_ITERS; it++) {
		m.vm->state = VM_RUNNING;
		enum hal_exit_kind kind = rng_below(&seed, 20) ? HAL_EXIT_SYNC : HAL_EXIT_IRQ;
		uint64_t pc, old_pstate, vector, esr, injected, fp_loads;
		uint32_t insn = pick_insn(&seed);

		for (unsigned r = 0; r < 31; r++)
			ctx->x[r] = rng_below(&seed, 2) ? pick_addr(&seed) : rng_below(&seed, 256);
		ctx->x[0] = pick_x0(&seed);
		ctx->el1[HAL_SP_EL0] = pick_addr(&seed);
		ctx->el1[HAL_SP_EL1] = pick_addr(&seed);
		ctx->el1[HAL_VBAR_EL1] = rng_below(&seed, 4) ? VBAR : rng_next(&seed) & ~0x7ffULL;
		ctx->el1[HAL_SCTLR_EL1] = rng_next(&seed);
		ctx->pstate = modes[rng_below(&seed, 4)] | (rng_next(&seed) & ~0x1fULL);
		ctx->pc = rng_below(&seed, 4) ? VM_RAM_BASE + 4 * rng_below(&seed, 0x1000)
					      : pick_addr(&seed);
		ctx->far = pick_addr(&seed);
		ctx->hpfar = rng_below(&seed, 4) ? sim_hpfar(ctx->far) : rng_next(&seed);
		ctx->esr = esr = pick_esr(&seed);
		if (rng_below(&seed, 3) == 0) { /* a plausible MMIO exit, to reach the device */
			unsigned size = 1u << rng_below(&seed, 4);

			esr = rng_below(&seed, 2)
				  ? sim_esr_dabt(rng_below(&seed, 2))
				  : sim_esr_dabt_isv(size, rng_below(&seed, 2),
						     (unsigned)rng_below(&seed, 32),
						     rng_below(&seed, 2), rng_below(&seed, 2));
			ctx->esr = esr;
			ctx->far =
			    VM_PL011_BASE + (rng_below(&seed, VM_PL011_SIZE) & ~(size - 1ULL));
			ctx->hpfar = sim_hpfar(ctx->far);
		}
		sim_hal.va_to_ipa_fails = rng_below(&seed, 16) == 0;
		(void)gmem_write(m.vm, ctx->pc, &insn, sizeof(insn));

		pc = ctx->pc;
		old_pstate = ctx->pstate;
		vector = ctx->el1[HAL_VBAR_EL1] +
			 (old_pstate & PSTATE_NRW			  ? 0x600
			  : (old_pstate & PSTATE_M_MASK) == PSTATE_M_EL1H ? 0x200
			  : (old_pstate & PSTATE_M_MASK) == PSTATE_M_EL1T ? 0
									  : 0x400);
		injected = v->stats.undef_injected + v->stats.abort_injected;
		fp_loads = v->stats.fp_loads;
		exit_handle(v, kind);
		injected = v->stats.undef_injected + v->stats.abort_injected - injected;

		/* (An AArch32 exit is never answered as HVC: it is UNDEFINED, item 8.) */
		if (kind != HAL_EXIT_SYNC ||
		    (esr_ec(esr) == ESR_EC_HVC64 && !(old_pstate & PSTATE_NRW)) ||
		    is_ram_first_touch(esr, ctx) || v->stats.fp_loads != fp_loads) {
			assert_int_equal(injected, 0);
			assert_int_equal(ctx->pc, pc);
			assert_int_equal(ctx->pstate, old_pstate);
		} else if (injected) {
			assert_int_equal(injected, 1);
			assert_int_equal(ctx->pc, vector);
			assert_int_equal(ctx->el1[HAL_ELR_EL1], pc);
			assert_int_equal(ctx->el1[HAL_SPSR_EL1], old_pstate);
			assert_int_equal(ctx->pstate & (PSTATE_M_MASK | PSTATE_NRW | PSTATE_DAIF),
					 PSTATE_M_EL1H | PSTATE_DAIF);
		} else if (pc == vector && m.vm->state == VM_STOPPED &&
			   m.vm->exit_status == VM_STATUS_RECURSIVE_FAULT) {
			/* An exception at its own vector: never taken, the VM stopped (item 20). */
			assert_int_equal(ctx->pc, pc);
		} else if (ctx->pc != pc + 4 || ctx->pstate != (old_pstate & ~PSTATE_SS)) {
			fail_msg("iteration %u: esr 0x%llx moved pc 0x%llx to 0x%llx", it,
				 (unsigned long long)esr, (unsigned long long)pc,
				 (unsigned long long)ctx->pc);
		}
	}
	assert_int_equal(v->stats.exits, HOSTILE_ITERS);
	assert_true(v->stats.mmio > HOSTILE_ITERS / 50); /* the device was reached */
	/* The console budget held (the counter never moved: one window). */
	assert_true(count_of(sim_hal.console, "warning: sim: ") <= 5);
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
	const struct CMUnitTest tests[] = {
	    T(test_exit_wfe_completes_at_once_and_wfi_blocks),
	    T(test_exit_deferred_work_runs_one_budget_per_entry_and_wfi_waits_for_it),
	    T(test_exit_idle_loop_does_deferred_work_before_sleeping),
	    T(test_exit_deferred_work_stays_with_the_vcpu_that_asked),
	    T(test_exit_aarch32_exits_are_never_emulated),
	    T(test_exit_hvc_is_answered_without_moving_the_pc),
	    T(test_exit_trapped_smc_is_answered_and_skipped),
	    T(test_exit_sysreg_trap_goes_to_the_sysreg_handler),
	    T(test_exit_data_abort_goes_to_mmio_emulation),
	    T(test_exit_instruction_abort_is_injected),
	    T(test_exit_emulated_instruction_ends_a_software_step),
	    T(test_exit_fp_simd_trap_gives_the_registers_once_per_load),
	    T(test_exit_pauth_first_use_gives_the_keys_once_until_a_reset),
	    T(test_exit_pauth_trap_without_pauth_is_undefined),
	    T(test_exit_sve_trap_gives_the_state_only_while_sve_is_given),
	    T(test_exit_every_unhandled_ec_injects_undef),
	    T(test_exit_unhandled_ec_logs_one_line_naming_it),
	    T(test_exit_interrupts_change_nothing_but_the_count),
	    T(test_exit_serror_is_injected_back_as_a_virtual_serror),
	    T(test_exit_fiq_is_reported_and_changes_nothing),
	    T(test_exit_100_bad_accesses_print_at_most_5_lines),
	    T(test_exit_vcpu_run_loops_until_the_vm_stops),
	    T(test_exit_vcpu_run_of_a_stopped_vm_never_enters),
	    T(test_exit_no_lock_is_held_across_a_guest_entry),
	    T(test_exit_hostile_sequences_leave_a_legal_pc),
	};
#undef T

	return cmocka_run_group_tests_name("exit", tests, NULL, NULL);
}

// SPDX-License-Identifier: MIT
/* Whole-mechanism scenarios on the simulated machine (sim/): a guest image loaded into a VM,
 * then a scripted guest run by vcpu_run() through the real exit dispatch, SMCCC, MMIO
 * emulation (both syndrome kinds) on the vPL011, sysreg traps and exception injection, until
 * it calls HV_CALL_EXIT. Every answer the guest got is checked at its next entry, and the
 * vCPU's exit counters at the end. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include <core/arch.h>
#include <core/err.h>
#include <core/gmem.h>
#include <core/smccc.h>
#include <hal-sim/sim_hal.h>
#include <sim/sim.h>

#include "fixture.h"

#define ENTRY	  (VM_RAM_BASE + IMAGE_RAW_OFFSET)
#define DATA	  (ENTRY + 0x100) /* the image's strings */
#define VBAR	  (VM_RAM_BASE + 0x10000)
#define HANDLER	  (VBAR + 0x200) /* current EL with SP_ELx, synchronous */
#define UART	  VM_PL011_BASE
#define PERIPHID0 (UART + 0xfe0)
#define HOLE	  0x10000000ULL

/* Instructions of the image that the scenario names (aarch64-linux-gnu-as). */
#define MRS_X8_ACTLR_EL1 0xd5381028u
#define MRS_X9_IMPDEF	 0xd538f209u /* mrs x9, s3_0_c15_c2_0 */
#define STRB_W1_X2	 0x39000041u
#define LDR_W9_X10	 0xb9400149u
#define WFE		 0xd503205fu

static struct sim_machine m;

static int setup(void **state)
{
	sim_hal_reset();
	assert_int_equal(sim_machine_init(&m, NULL), HV_OK);
	sim_guest_attach(&m);
	return 0;
}

static int teardown(void **state)
{
	sim_machine_destroy(&m);
	return 0;
}

static const struct hal_vcpu_ctx *seen(unsigned n)
{
	const struct hal_vcpu_ctx *c = sim_guest_seen(n);

	assert_non_null(c);
	return c;
}

static struct sim_step *set_x(struct sim_step *s, unsigned n, uint64_t val)
{
	s->x_set |= SIM_X(n);
	s->x[n] = val;
	return s;
}

/* The main line of the image: what each slot holds (the scripted exits play them). */
static const uint32_t main_line[] = {
    SIM_A64_HVC0,  SIM_A64_HVC0, SIM_A64_HVC0, SIM_A64_HVC0, SIM_A64_SMC0,
    SIM_A64_HVC0,  SIM_A64_HVC0, STRB_W1_X2,   0xb8004483,   0xb9401485,
    SIM_A64_HVC0,  0x29401c66,	 SIM_A64_WFI,  WFE,	     MRS_X8_ACTLR_EL1,
    MRS_X9_IMPDEF, SIM_A64_NOP,	 LDR_W9_X10,   0x885f7c41, /* ldxr w1, [x2] */
};

static void load_image(void)
{
	static const uint32_t hvc = SIM_A64_HVC0;
	uint8_t image[0x120] = {0};
	struct image_info info;

	memcpy(image, main_line, sizeof(main_line));
	memcpy(image + 0x100, "ello \0rld\n", 10);
	assert_int_equal(sim_machine_load(&m, image, sizeof(image), &info), HV_OK);
	assert_int_equal(m.vcpu->ctx.pc, ENTRY);
	/* The exception handler: report, then return past the faulting instruction. */
	assert_int_equal(gmem_write(m.vm, HANDLER, &hvc, sizeof(hvc)), HV_OK);
}

static void test_sim_guest_runs_a_twenty_two_exit_scenario_to_hv_call_exit(void **state)
{
	struct sim_step *s;
	const struct vcpu_stats *st;

	load_image();
	sim_machine_wfi_wakes(&m); /* the WFI at step 12 is woken by an SGI */
	/* 0-4: versions and features, by HVC and by a trapped SMC. The guest has set VBAR. */
	s = sim_guest_push(sim_step_hvc(HV_CALL_VERSION, 0, 0));
	s->el1_set = SIM_X(HAL_VBAR_EL1);
	s->el1[HAL_VBAR_EL1] = VBAR;
	sim_guest_push(sim_step_hvc(SMCCC_VERSION, 0, 0));
	sim_guest_push(sim_step_hvc(PSCI_VERSION, 0, 0));
	sim_guest_push(sim_step_hvc(PSCI_FEATURES, SMCCC_VERSION, 0));
	sim_guest_push(sim_step_smc(PSCI_VERSION, 0, 0));
	/* 5-10: "hello world\n" by PUTC, PUTS, an ISV=1 byte store, an ISV=0 post-index store,
	 * an ISV=0 load of FR through the written-back base, PUTS again. */
	sim_guest_push(sim_step_hvc(HV_CALL_PUTC, 'h', 0));
	sim_guest_push(sim_step_hvc(HV_CALL_PUTS, DATA, 5));
	s = sim_guest_push(sim_step_mmio(UART, 1, true, 1, false));
	set_x(set_x(s, 1, 'w'), 2, UART);
	s = sim_guest_push(sim_step_mmio_insn(UART, main_line[8], true)); /* str w3, [x4], #4 */
	set_x(set_x(s, 3, 'o'), 4, UART);
	sim_guest_push(
	    sim_step_mmio_insn(UART + 0x18, main_line[9], false)); /* ldr w5, [x4, #20] */
	sim_guest_push(sim_step_hvc(HV_CALL_PUTS, DATA + 6, 4));
	/* 11: ldp w6, w7, [x3] over PeriphID0/1. */
	s = sim_guest_push(sim_step_mmio_insn(PERIPHID0, main_line[11], false));
	set_x(s, 3, PERIPHID0);
	/* 12-15: WFI, WFE, an emulated and an unknown system register. */
	sim_guest_push(sim_step_wfx(false));
	sim_guest_push(sim_step_wfx(true));
	sim_guest_push(sim_step_sysreg(3, 0, 1, 0, 1, 8, true));
	sim_guest_push(sim_step_sysreg(3, 0, 15, 2, 0, 9, true));
	/* 16: the UNDEF handler reports and returns past it; 17: an interrupt arrives there,
	 * then the NOP runs and the load at slot 17 traps. */
	sim_guest_push(sim_step_hvc(HV_CALL_PUTC, '!', 0));
	s = sim_guest_push(sim_step_irq());
	s->at = ENTRY + 16 * 4;
	/* 18-19: a load from nowhere; the handler reports. */
	s = sim_guest_push(sim_step_mmio(HOLE, 4, false, 9, false));
	s->at = ENTRY + 17 * 4;
	set_x(s, 10, HOLE);
	sim_guest_push(sim_step_hvc(HV_CALL_PUTC, '?', 0));
	/* 20-21: an exclusive load from the UART; the handler gives up. */
	s = sim_guest_push(sim_step_mmio_insn(UART, main_line[18], false));
	s->at = ENTRY + 18 * 4;
	sim_guest_push(sim_step_hvc(HV_CALL_EXIT, 42, 0));

	assert_int_equal(sim_guest_run(), 42);
	assert_false(sim_guest.ran_out);
	assert_int_equal(sim_guest.entries, 22);

	/* Entry n shows the answer to exit n-1. */
	assert_int_equal(seen(0)->pc, ENTRY);
	assert_int_equal(seen(0)->pstate, PSTATE_M_EL1H | PSTATE_DAIF);
	assert_int_equal(seen(1)->x[0], 0x10000);
	assert_int_equal(seen(1)->pc, ENTRY + 4);
	assert_int_equal(seen(2)->x[0], 0x10002);
	assert_int_equal(seen(3)->x[0], 0x10001);
	assert_int_equal(seen(4)->x[0], 0);
	assert_int_equal(seen(5)->x[0], 0x10001);
	assert_int_equal(seen(5)->pc, ENTRY + 5 * 4); /* past the SMC */
	assert_int_equal(seen(7)->x[0], 0);	      /* PUTS succeeded */
	assert_int_equal(seen(9)->x[4], UART + 4);    /* post-index writeback */
	assert_int_equal(seen(10)->x[5], 0x90);	      /* FR */
	assert_int_equal(seen(12)->x[6], 0x11);
	assert_int_equal(seen(12)->x[7], 0x10);
	assert_int_equal(seen(14)->pc, ENTRY + 14 * 4);
	assert_int_equal(seen(15)->x[8], 0);
	assert_int_equal(seen(16)->pc, HANDLER);
	assert_int_equal(seen(16)->el1[HAL_ESR_EL1], 0x02000000);
	assert_int_equal(seen(16)->el1[HAL_ELR_EL1], ENTRY + 15 * 4);
	assert_int_equal(seen(18)->pc, ENTRY + 16 * 4); /* the interrupt moved nothing */
	assert_int_equal(seen(19)->pc, HANDLER);
	assert_int_equal(seen(19)->el1[HAL_ESR_EL1], 0x96000010);
	assert_int_equal(seen(19)->el1[HAL_FAR_EL1], HOLE);
	assert_int_equal(seen(19)->el1[HAL_ELR_EL1], ENTRY + 17 * 4);
	assert_int_equal(seen(19)->x[9], 0); /* the failed load wrote nothing */
	assert_int_equal(seen(21)->pc, HANDLER);
	assert_int_equal(seen(21)->el1[HAL_FAR_EL1], UART);
	assert_int_equal(seen(21)->el1[HAL_ELR_EL1], ENTRY + 18 * 4);

	st = &m.vcpu->stats;
	assert_int_equal(st->exits, 22);
	assert_int_equal(st->hvc, 10);
	assert_int_equal(st->smc, 1);
	assert_int_equal(st->mmio, 4);
	assert_int_equal(st->wfx, 2);
	assert_int_equal(st->sysreg, 2);
	assert_int_equal(st->undef_injected, 1);
	assert_int_equal(st->abort_injected, 2);
	assert_int_equal(st->irq, 1);
	assert_int_equal(m.vcpu->state, VCPU_OFF);
	assert_int_equal(m.vm->state, VM_STOPPED);

	/* The guest's text and the hypervisor's lines, in order. */
	assert_string_equal(
	    sim_hal.console,
	    "hello world\n"
	    "warning: sim: vcpu 0: read of unknown system register S3_0_C15_C2_0 at "
	    "pc 0x4008003c: UNDEFINED\n"
	    "!warning: sim: vcpu 0: read at IPA 0x10000000 (pc 0x40080044, esr "
	    "0x93890007): no RAM or device; external abort\n"
	    "?warning: sim: vcpu 0: read at IPA 0x9000000 (pc 0x40080048, esr "
	    "0x92000007): instruction cannot be emulated; external abort\n"
	    "sim: exit with status 42\n");
}

static void test_sim_guest_that_runs_out_of_script_is_stopped(void **state)
{
	static const uint32_t prog[] = {SIM_A64_WFI};

	assert_int_equal(sim_machine_load_program(&m, prog, 1), HV_OK);
	sim_guest_push(sim_step_wfx(false));
	sim_machine_wfi_wakes(&m);
	assert_int_equal(sim_guest_run(), SIM_GUEST_RAN_OUT);
	assert_true(sim_guest.ran_out);
	assert_int_equal(sim_guest.entries, 2);
	assert_int_equal(m.vcpu->stats.wfx, 1);
}

static void test_sim_guest_system_off_ends_the_run_with_status_0(void **state)
{
	static const uint32_t prog[] = {SIM_A64_HVC0};

	assert_int_equal(sim_machine_load_program(&m, prog, 1), HV_OK);
	sim_guest_push(sim_step_hvc(PSCI_SYSTEM_OFF, 0, 0));
	sim_guest_push(sim_step_hvc(HV_CALL_EXIT, 9, 0)); /* never reached */
	assert_int_equal(sim_guest_run(), 0);
	assert_false(sim_guest.ran_out);
	assert_int_equal(sim_guest.entries, 1);
	assert_true(console_has_line("sim: PSCI SYSTEM_OFF"));
}

static void test_sim_guest_kernel_image_starts_at_text_offset(void **state)
{
	uint8_t image[0x1000] = {0};
	const uint64_t text_offset = 0x200000, image_size = 0x400000;
	struct image_info info;

	/* arm64 Image header (booting.rst): text_offset at 8, image_size at 16, magic at 56. */
	memcpy(image + 8, &text_offset, 8);
	memcpy(image + 16, &image_size, 8);
	memcpy(image + 56, "ARM\x64", 4);
	assert_int_equal(sim_machine_load(&m, image, sizeof(image), &info), HV_OK);
	assert_true(info.has_header);
	sim_guest_push(sim_step_hvc(HV_CALL_EXIT, 0, 0));
	assert_int_equal(sim_guest_run(), 0);
	assert_int_equal(seen(0)->pc, VM_RAM_BASE + text_offset);
	assert_int_equal(seen(0)->x[0], 0);
	assert_int_equal(seen(0)->pstate, 0x3c5);
	assert_int_equal(seen(0)->el1[HAL_SCTLR_EL1], SCTLR_EL1_RESET);
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
	const struct CMUnitTest tests[] = {
	    T(test_sim_guest_runs_a_twenty_two_exit_scenario_to_hv_call_exit),
	    T(test_sim_guest_that_runs_out_of_script_is_stopped),
	    T(test_sim_guest_system_off_ends_the_run_with_status_0),
	    T(test_sim_guest_kernel_image_starts_at_text_offset),
	};
#undef T

	return cmocka_run_group_tests_name("sim_guest", tests, NULL, NULL);
}

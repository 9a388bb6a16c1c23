// SPDX-License-Identifier: MIT
/* Tests of core/inject.c: exceptions delivered to a guest's EL1 as the Arm ARM's
 * AArch64.TakeException() delivers them: ESR_EL1, FAR_EL1, ELR_EL1, SPSR_EL1, the vector the
 * interrupted mode selects, and the new PSTATE (EL1h, DAIF masked, PAN and SSBS from
 * SCTLR_EL1). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <core/arch.h>
#include <core/err.h>
#include <core/trap.h>
#include <hal-sim/sim_hal.h>
#include <sim/sim.h>

#include "fixture.h"

#define VBAR	 0x40001000ULL
#define PC	 0x40080124ULL
#define FAR_OLD	 0x5a5a5a5aULL
#define M_USR32	 0x10ULL /* AArch32 User mode */
#define PSTATE_N (1ULL << 31)
#define PSTATE_Z (1ULL << 30)
#define PSTATE_C (1ULL << 29)
#define PSTATE_V (1ULL << 28)
#define NZCV	 (PSTATE_N | PSTATE_Z | PSTATE_C | PSTATE_V)
#define DIT	 (1ULL << 24)
#define SS	 (1ULL << 21)
#define IL	 (1ULL << 20)

static struct sim_machine m;
static struct vcpu *v;

static int setup(void **state)
{
	v = fixture_nop_machine(&m);
	v->ctx.el1[HAL_VBAR_EL1] = VBAR;
	v->ctx.el1[HAL_FAR_EL1] = FAR_OLD;
	v->ctx.pc = PC;
	return 0;
}

static int teardown(void **state)
{
	sim_machine_destroy(&m);
	return 0;
}

static uint64_t el1(enum hal_el1_reg r)
{
	return v->ctx.el1[r];
}

static void test_inject_undef_from_el1h_takes_the_current_spx_vector(void **state)
{
	/* Interrupts unmasked; SCTLR_EL1 as at reset, whose SPAN bit is set (RES1 before
	 * FEAT_PAN), so PAN stays clear. */
	v->ctx.pstate = PSTATE_M_EL1H;
	inject_undef(v);
	assert_int_equal(el1(HAL_ESR_EL1), 0x02000000); /* EC 0, IL */
	assert_int_equal(el1(HAL_ELR_EL1), PC);
	assert_int_equal(el1(HAL_SPSR_EL1), PSTATE_M_EL1H);
	assert_int_equal(el1(HAL_FAR_EL1), FAR_OLD); /* UNDEF has no address */
	assert_int_equal(v->ctx.pc, VBAR + 0x200);
	assert_int_equal(v->ctx.pstate, PSTATE_M_EL1H | PSTATE_DAIF);
	assert_int_equal(v->stats.undef_injected, 1);
	assert_int_equal(v->stats.abort_injected, 0);
}

static void test_inject_vector_follows_the_interrupted_mode(void **state)
{
	static const struct {
		uint64_t pstate, vector;
	} cases[] = {
	    {PSTATE_M_EL1H, VECTOR_CUR_SPX},	      {PSTATE_M_EL1H | PSTATE_DAIF, 0x200},
	    {PSTATE_M_EL1T, VECTOR_CUR_SP0},	      {PSTATE_M_EL1T, 0x000},
	    {PSTATE_M_EL0T, VECTOR_LOWER_A64},	      {PSTATE_M_EL0T, 0x400},
	    {PSTATE_NRW | M_USR32, VECTOR_LOWER_A32}, {PSTATE_NRW | M_USR32, 0x600},
	};

	for (unsigned i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		v->ctx.pc = PC;
		v->ctx.pstate = cases[i].pstate;
		inject_undef(v);
		assert_int_equal(v->ctx.pc, VBAR + cases[i].vector);
		assert_int_equal(el1(HAL_SPSR_EL1), cases[i].pstate);
		/* Always taken to EL1 with SP_EL1. */
		assert_int_equal(v->ctx.pstate & (PSTATE_M_MASK | PSTATE_NRW), PSTATE_M_EL1H);
	}
}

static void test_inject_data_abort_from_el1_is_ec_0x25_with_far(void **state)
{
	v->ctx.pstate = PSTATE_M_EL1H;
	inject_data_abort(v, 0x09001000, false);
	assert_int_equal(el1(HAL_ESR_EL1), 0x96000010); /* EC 0x25, IL, FSC SEA */
	assert_int_equal(el1(HAL_FAR_EL1), 0x09001000);
	assert_int_equal(el1(HAL_ELR_EL1), PC);
	assert_int_equal(v->ctx.pc, VBAR + 0x200);
	assert_int_equal(v->stats.abort_injected, 1);
	assert_int_equal(v->stats.undef_injected, 0);

	v->ctx.pc = PC;
	v->ctx.pstate = PSTATE_M_EL1T;
	inject_data_abort(v, 0xfffffffffffff000ULL, true);
	assert_int_equal(el1(HAL_ESR_EL1), 0x96000050); /* and WnR */
	assert_int_equal(el1(HAL_FAR_EL1), 0xfffffffffffff000ULL);
	assert_int_equal(v->ctx.pc, VBAR);
}

static void test_inject_data_abort_from_el0_is_ec_0x24(void **state)
{
	v->ctx.pstate = PSTATE_M_EL0T;
	inject_data_abort(v, 0x1234, true);
	assert_int_equal(el1(HAL_ESR_EL1), 0x92000050);
	assert_int_equal(el1(HAL_FAR_EL1), 0x1234);
	assert_int_equal(v->ctx.pc, VBAR + 0x400);

	v->ctx.pstate = PSTATE_NRW | M_USR32;
	inject_data_abort(v, 0x5678, false);
	assert_int_equal(el1(HAL_ESR_EL1), 0x92000010);
	assert_int_equal(v->ctx.pc, VBAR + 0x600);
}

static void test_inject_insn_abort_from_el1_and_el0(void **state)
{
	v->ctx.pstate = PSTATE_M_EL1H;
	inject_insn_abort(v, 0x80000000);
	assert_int_equal(el1(HAL_ESR_EL1), 0x86000010); /* EC 0x21 */
	assert_int_equal(el1(HAL_FAR_EL1), 0x80000000);
	assert_int_equal(v->ctx.pc, VBAR + 0x200);

	v->ctx.pc = PC;
	v->ctx.pstate = PSTATE_M_EL0T;
	inject_insn_abort(v, 0x4000);
	assert_int_equal(el1(HAL_ESR_EL1), 0x82000010); /* EC 0x20 */
	assert_int_equal(el1(HAL_FAR_EL1), 0x4000);
	assert_int_equal(el1(HAL_ELR_EL1), PC);
	assert_int_equal(v->ctx.pc, VBAR + 0x400);
	assert_int_equal(v->stats.abort_injected, 2);
}

static void test_inject_spsr_keeps_the_whole_interrupted_pstate(void **state)
{
	uint64_t old = NZCV | DIT | PSTATE_PAN | SS | IL | PSTATE_SSBS | PSTATE_A | PSTATE_M_EL1T;

	v->ctx.pstate = old;
	inject_data_abort(v, 0, false);
	assert_int_equal(el1(HAL_SPSR_EL1), old);
}

static void test_inject_masks_daif_and_clears_ss_and_il(void **state)
{
	v->ctx.pstate = PSTATE_M_EL0T | SS | IL;
	inject_undef(v);
	assert_int_equal(v->ctx.pstate & PSTATE_DAIF, PSTATE_DAIF);
	assert_int_equal(v->ctx.pstate & (SS | IL), 0);
}

/* PAN (D1.10.2 / AArch64.TakeException): set on entry to EL1 when SCTLR_EL1.SPAN is 0,
 * otherwise unchanged. */
static void test_inject_pan_rule_follows_sctlr_span(void **state)
{
	static const struct {
		bool span, old_pan, new_pan;
	} cases[] = {
	    {false, false, true},
	    {false, true, true},
	    {true, false, false},
	    {true, true, true},
	};

	for (unsigned i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		v->ctx.el1[HAL_SCTLR_EL1] =
		    (SCTLR_EL1_RESET & ~SCTLR_EL1_SPAN) | (cases[i].span ? SCTLR_EL1_SPAN : 0);
		v->ctx.pstate = PSTATE_M_EL0T | (cases[i].old_pan ? PSTATE_PAN : 0);
		inject_undef(v);
		assert_int_equal(!!(v->ctx.pstate & PSTATE_PAN), cases[i].new_pan);
	}
}

static void test_inject_ssbs_comes_from_sctlr_dssbs(void **state)
{
	v->ctx.el1[HAL_SCTLR_EL1] = SCTLR_EL1_RESET | SCTLR_EL1_DSSBS;
	v->ctx.pstate = PSTATE_M_EL1H;
	inject_undef(v);
	assert_true(v->ctx.pstate & PSTATE_SSBS);

	v->ctx.el1[HAL_SCTLR_EL1] = SCTLR_EL1_RESET;
	v->ctx.pstate = PSTATE_M_EL1H | PSTATE_SSBS;
	v->ctx.pc = PC; /* not at the vector the first one went to */
	inject_undef(v);
	assert_false(v->ctx.pstate & PSTATE_SSBS);
}

/* AArch64.TakeException() changes only the PSTATE fields it names; the condition flags and
 * DIT (FEAT_DIT, which -cpu max has) are kept. KVM's enter_exception64() does the same. */
static void test_inject_keeps_nzcv_and_dit_of_the_interrupted_context(void **state)
{
	v->ctx.pstate = PSTATE_M_EL1H | NZCV | DIT;
	inject_undef(v);
	assert_int_equal(v->ctx.pstate & (NZCV | DIT), NZCV | DIT);
}

/* Issue #11 item 20: an exception raised by the first instruction of the vector it would be
 * taken to (a vector outside RAM: the fetch faults) would be taken there again forever. The
 * VM is stopped with a non-zero status and one line saying why; the vCPU is left as it was. */
static void test_inject_exception_at_its_own_vector_stops_the_vm(void **state)
{
	v->ctx.pstate = PSTATE_M_EL1H;
	v->ctx.pc = VBAR + 0x200; /* where an exception from EL1h goes */
	v->ctx.el1[HAL_ELR_EL1] = 0x1234;
	inject_insn_abort(v, VBAR + 0x200);
	assert_int_equal(m.vm->state, VM_STOPPED);
	assert_int_equal(m.vm->exit_status, VM_STATUS_RECURSIVE_FAULT);
	assert_int_not_equal(VM_STATUS_RECURSIVE_FAULT, 0);
	assert_int_equal(v->ctx.pc, VBAR + 0x200);
	assert_int_equal(v->ctx.el1[HAL_ELR_EL1], 0x1234);
	assert_int_equal(v->stats.abort_injected, 0);
	assert_non_null(strstr(sim_hal.console, "at its own exception vector 0x40001200"));
}

/* The same instruction when the exception goes elsewhere (from EL0 to VBAR + 0x400) is an
 * ordinary exception. */
static void test_inject_exception_at_another_vector_is_taken(void **state)
{
	v->ctx.pstate = PSTATE_M_EL0T;
	v->ctx.pc = VBAR + 0x200;
	inject_undef(v);
	assert_int_equal(v->ctx.pc, VBAR + 0x400);
	assert_int_not_equal(m.vm->state, VM_STOPPED);
	assert_int_equal(v->stats.undef_injected, 1);
}

static void test_inject_skip_insn_moves_pc_by_4(void **state)
{
	vcpu_skip_insn(v);
	assert_int_equal(v->ctx.pc, PC + 4);
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
	const struct CMUnitTest tests[] = {
	    T(test_inject_undef_from_el1h_takes_the_current_spx_vector),
	    T(test_inject_vector_follows_the_interrupted_mode),
	    T(test_inject_data_abort_from_el1_is_ec_0x25_with_far),
	    T(test_inject_data_abort_from_el0_is_ec_0x24),
	    T(test_inject_insn_abort_from_el1_and_el0),
	    T(test_inject_spsr_keeps_the_whole_interrupted_pstate),
	    T(test_inject_masks_daif_and_clears_ss_and_il),
	    T(test_inject_pan_rule_follows_sctlr_span),
	    T(test_inject_ssbs_comes_from_sctlr_dssbs),
	    T(test_inject_keeps_nzcv_and_dit_of_the_interrupted_context),
	    T(test_inject_skip_insn_moves_pc_by_4),
	    T(test_inject_exception_at_its_own_vector_stops_the_vm),
	    T(test_inject_exception_at_another_vector_is_taken),
	};
#undef T

	return cmocka_run_group_tests_name("inject", tests, NULL, NULL);
}

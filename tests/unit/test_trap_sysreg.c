// SPDX-License-Identifier: MIT
/* Tests of core/trap_sysreg.c: trapped MSR/MRS and system instructions (EC 0x18). The few
 * emulated ones complete and step past the instruction; every other one is UNDEFINED for the
 * guest with one rate-limited line naming the register. The self-hosted debug registers
 * (core/trap_debug.c) are reached through the same trap and tested here as the guest sees
 * them (docs/guest-abi.md, "Traps"). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include <core/arch.h>
#include <core/err.h>
#include <core/lib.h>
#include <core/trap.h>
#include <hal-sim/sim_hal.h>
#include <sim/sim.h>

#include "fixture.h"

#define ENTRY (VM_RAM_BASE + IMAGE_RAW_OFFSET)
#define VBAR  (VM_RAM_BASE + 0x1000)

static struct sim_machine m;
static struct vcpu *v;

static int setup(void **state)
{
	v = fixture_nop_machine(&m);
	v->ctx.el1[HAL_VBAR_EL1] = VBAR;
	for (unsigned r = 0; r < 31; r++)
		v->ctx.x[r] = 0x1000 + r;
	return 0;
}

static int teardown(void **state)
{
	sim_machine_destroy(&m);
	return 0;
}

static void sysreg(unsigned op0, unsigned op1, unsigned crn, unsigned crm, unsigned op2,
		   unsigned rt, bool read)
{
	trap_sysreg(v, sim_esr_sysreg(op0, op1, crn, crm, op2, rt, read));
}

static void assert_undef_at(uint64_t pc)
{
	assert_int_equal(v->ctx.pc, VBAR + 0x200);
	assert_int_equal(v->ctx.el1[HAL_ELR_EL1], pc);
	assert_int_equal(v->ctx.el1[HAL_ESR_EL1], 0x02000000);
}

static void test_trap_sysreg_actlr_el1_reads_as_zero(void **state)
{
	sysreg(3, 0, 1, 0, 1, 7, true); /* mrs x7, actlr_el1 */
	assert_int_equal(v->ctx.x[7], 0);
	assert_int_equal(v->ctx.x[6], 0x1006);
	assert_int_equal(v->ctx.pc, ENTRY + 4);
	assert_int_equal(v->stats.sysreg, 1);
	assert_int_equal(v->stats.undef_injected, 0);
}

static void test_trap_sysreg_actlr_el1_write_is_ignored(void **state)
{
	sysreg(3, 0, 1, 0, 1, 7, false); /* msr actlr_el1, x7 */
	assert_int_equal(v->ctx.x[7], 0x1007);
	assert_int_equal(v->ctx.pc, ENTRY + 4);
	sysreg(3, 0, 1, 0, 1, 7, true);
	assert_int_equal(v->ctx.x[7], 0);
}

static void test_trap_sysreg_read_into_xzr_writes_no_register(void **state)
{
	struct hal_vcpu_ctx before = v->ctx;

	sysreg(3, 0, 1, 0, 1, 31, true); /* mrs xzr, actlr_el1 */
	assert_memory_equal(v->ctx.x, before.x, sizeof(before.x));
	assert_int_equal(v->ctx.pc, ENTRY + 4);
	assert_int_equal(v->ctx.pstate, before.pstate);
}

static void test_trap_sysreg_set_way_cache_maintenance_completes(void **state)
{
	sysreg(1, 0, 7, 6, 2, 3, false);   /* dc isw, x3 */
	sysreg(1, 0, 7, 10, 2, 3, false);  /* dc csw, x3 */
	sysreg(1, 0, 7, 14, 2, 31, false); /* dc cisw, xzr */
	assert_int_equal(v->ctx.pc, ENTRY + 12);
	assert_int_equal(v->stats.sysreg, 3);
	assert_int_equal(v->stats.undef_injected, 0);
}

static void test_trap_sysreg_set_way_as_a_read_is_undefined(void **state)
{
	/* No such instruction exists (a system instruction has no read form here). */
	sysreg(1, 0, 7, 6, 2, 3, true);
	assert_undef_at(ENTRY);
	assert_int_equal(v->ctx.x[3], 0x1003);
}

static void test_trap_sysreg_unknown_register_is_undefined_and_named(void **state)
{
	sysreg(3, 0, 15, 2, 0, 4, true); /* an IMPLEMENTATION DEFINED register */
	assert_undef_at(ENTRY);
	assert_int_equal(v->ctx.x[4], 0x1004);
	assert_int_equal(v->stats.sysreg, 1);
	assert_int_equal(v->stats.undef_injected, 1);
	assert_true(console_has_line("warning: sim: vcpu 0: read of unknown system register "
				     "S3_0_C15_C2_0 at pc 0x40080000: UNDEFINED"));

	v->ctx.pc = ENTRY;
	sysreg(3, 7, 11, 13, 7, 0, false);
	assert_undef_at(ENTRY);
	assert_true(console_has_line("warning: sim: vcpu 0: write of unknown system register "
				     "S3_7_C11_C13_7 at pc 0x40080000: UNDEFINED"));
}

static void test_trap_sysreg_every_field_takes_part_in_the_match(void **state)
{
	/* ACTLR_EL1 is S3_0_C1_C0_1: changing any one field must not match it. */
	static const unsigned near[][5] = {
	    {2, 0, 1, 0, 1}, {3, 1, 1, 0, 1}, {3, 0, 0, 0, 1}, {3, 0, 1, 1, 1}, {3, 0, 1, 0, 0},
	};

	for (unsigned i = 0; i < sizeof(near) / sizeof(near[0]); i++) {
		v->ctx.pc = ENTRY;
		sysreg(near[i][0], near[i][1], near[i][2], near[i][3], near[i][4], 2, true);
		assert_int_equal(v->ctx.pc, VBAR + 0x200);
		assert_int_equal(v->ctx.x[2], 0x1002);
	}
	assert_int_equal(v->stats.undef_injected, 5);
}

/* --- self-hosted debug registers (core/trap_debug.c), reached through the same trap --- */

static uint64_t dbg_read(unsigned op1, unsigned crn, unsigned crm, unsigned op2)
{
	v->ctx.x[20] = 0xbad;
	sysreg(2, op1, crn, crm, op2, 20, true);
	return v->ctx.x[20];
}

static void dbg_write(unsigned op1, unsigned crn, unsigned crm, unsigned op2, uint64_t val)
{
	v->ctx.x[21] = val;
	sysreg(2, op1, crn, crm, op2, 21, false);
}

static void test_trap_sysreg_debug_control_registers_keep_what_is_written(void **state)
{
	static const unsigned regs[][4] = {
	    {0, 0, 2, 2}, /* MDSCR_EL1 */
	    {0, 0, 2, 0}, /* MDCCINT_EL1 */
	    {0, 1, 3, 4}, /* OSDLR_EL1 */
	    {0, 1, 4, 4}, /* DBGPRCR_EL1 */
	};

	for (unsigned i = 0; i < sizeof(regs) / sizeof(regs[0]); i++) {
		assert_int_equal(dbg_read(regs[i][0], regs[i][1], regs[i][2], regs[i][3]), 0);
		dbg_write(regs[i][0], regs[i][1], regs[i][2], regs[i][3], 0x8000 + i);
		assert_int_equal(dbg_read(regs[i][0], regs[i][1], regs[i][2], regs[i][3]),
				 0x8000 + i);
	}
	assert_int_equal(v->stats.undef_injected, 0);
	assert_int_equal(v->ctx.pc, ENTRY + 4 * 12);
}

static void test_trap_sysreg_breakpoints_and_watchpoints_are_kept_apart(void **state)
{
	for (unsigned n = 0; n < 16; n++) {
		for (unsigned op2 = 4; op2 <= 7; op2++)
			dbg_write(0, 0, n, op2, (uint64_t)op2 << 8 | n); /* DBGBVR/BCR/WVR/WCR<n> */
	}
	for (unsigned n = 0; n < 16; n++) {
		for (unsigned op2 = 4; op2 <= 7; op2++)
			assert_int_equal(dbg_read(0, 0, n, op2), (uint64_t)op2 << 8 | n);
	}
	assert_int_equal(v->stats.undef_injected, 0);
}

static void test_trap_sysreg_os_lock_is_locked_at_reset_and_follows_oslar(void **state)
{
	assert_int_equal(dbg_read(0, 1, 1, 4), 0xa); /* OSLSR_EL1: OSLM=0b10, OSLK */
	dbg_write(0, 1, 0, 4, 0);		     /* OSLAR_EL1: unlock, as Linux does */
	assert_int_equal(dbg_read(0, 1, 1, 4), 0x8);
	dbg_write(0, 1, 0, 4, 1);
	assert_int_equal(dbg_read(0, 1, 1, 4), 0xa);
	assert_int_equal(v->stats.undef_injected, 0);
}

static void test_trap_sysreg_claim_tags_set_and_clear(void **state)
{
	dbg_write(0, 7, 8, 6, 0x105); /* DBGCLAIMSET_EL1: bits above 7 do not exist */
	assert_int_equal(dbg_read(0, 7, 9, 6), 0x05); /* DBGCLAIMCLR_EL1 reads the tags */
	dbg_write(0, 7, 9, 6, 0x1);
	assert_int_equal(dbg_read(0, 7, 9, 6), 0x04);
}

/* Arm ARM, DBGCLAIMSET_EL1.CLAIM: "RAO" - a read says which tags exist, not which are set. */
static void test_trap_sysreg_dbgclaimset_reads_as_all_tags_implemented(void **state)
{
	assert_int_equal(dbg_read(0, 7, 8, 6), 0xff);
	dbg_write(0, 7, 9, 6, 0xff);
	assert_int_equal(dbg_read(0, 7, 8, 6), 0xff);
}

static void test_trap_sysreg_read_only_debug_registers_read_zero(void **state)
{
	assert_int_equal(dbg_read(0, 1, 0, 0), 0);  /* MDRAR_EL1 */
	assert_int_equal(dbg_read(3, 0, 1, 0), 0);  /* MDCCSR_EL0 */
	assert_int_equal(dbg_read(0, 7, 14, 6), 0); /* DBGAUTHSTATUS_EL1 */
	assert_int_equal(v->stats.undef_injected, 0);
}

static void test_trap_sysreg_wrong_direction_on_debug_registers_is_undefined(void **state)
{
	static const unsigned ro[][4] = {{0, 1, 0, 0}, {3, 0, 1, 0}, {0, 7, 14, 6}, {0, 1, 1, 4}};

	for (unsigned i = 0; i < sizeof(ro) / sizeof(ro[0]); i++) {
		v->ctx.pc = ENTRY;
		dbg_write(ro[i][0], ro[i][1], ro[i][2], ro[i][3], 1);
		assert_undef_at(ENTRY);
	}
	v->ctx.pc = ENTRY;
	assert_int_equal(dbg_read(0, 1, 0, 4), 0xbad); /* OSLAR_EL1 is write-only */
	assert_undef_at(ENTRY);
	assert_int_equal(v->stats.undef_injected, 5);
}

static void test_trap_sysreg_unknown_debug_registers_are_undefined(void **state)
{
	static const unsigned regs[][4] = {
	    {0, 0, 0, 2}, /* OSDTRRX_EL1: no debug communications channel */
	    {0, 0, 6, 2}, /* OSECCR_EL1 */
	    {0, 0, 5, 3}, /* op2 3 next to the breakpoints */
	    {1, 0, 0, 4}, /* op1 1 */
	    {0, 2, 0, 4}, /* CRn 2 */
	};

	for (unsigned i = 0; i < sizeof(regs) / sizeof(regs[0]); i++) {
		v->ctx.pc = ENTRY;
		dbg_read(regs[i][0], regs[i][1], regs[i][2], regs[i][3]);
		assert_undef_at(ENTRY);
	}
}

/* Issue #11 item 11: with MDSCR_EL1.TDCC set, EL0 reaching the communications channel traps to
 * the guest's EL1 (EC 0x18, the same ISS) instead of being answered; EL1 is not affected, and
 * without TDCC EL0 gets the answers EL1 gets. */
static void test_trap_sysreg_el0_dcc_access_honours_mdscr_tdcc(void **state)
{
	static const unsigned dcc[][2] = {
	    {1, 0} /* MDCCSR_EL0 */, {4, 0} /* DBGDTR_EL0 */, {5, 0} /* DBGDTRRX/TX_EL0 */};

	dbg_write(0, 0, 2, 2, 1u << 12); /* MDSCR_EL1.TDCC */
	for (unsigned i = 0; i < ARRAY_SIZE(dcc); i++) {
		uint64_t esr = sim_esr_sysreg(2, 3, 0, dcc[i][0], dcc[i][1], 4, true);

		v->ctx.pc = ENTRY;
		v->ctx.pstate = PSTATE_M_EL0T;
		v->ctx.x[4] = 0x1004;
		trap_sysreg(v, esr);
		assert_int_equal(v->ctx.pc, VBAR + 0x400); /* lower EL, AArch64 */
		assert_int_equal(v->ctx.el1[HAL_ELR_EL1], ENTRY);
		assert_int_equal(v->ctx.el1[HAL_ESR_EL1],
				 0x18ULL << 26 | 1ULL << 25 | (esr & 0x1ffffff));
		assert_int_equal(v->ctx.x[4], 0x1004);
	}
	assert_int_equal(v->stats.undef_injected, 0);

	/* From EL1 the channel is answered as before (MDCCSR_EL0 reads 0). */
	v->ctx.pc = ENTRY;
	v->ctx.pstate = PSTATE_M_EL1H;
	assert_int_equal(dbg_read(3, 0, 1, 0), 0);
	/* Without TDCC, EL0 is answered too. */
	dbg_write(0, 0, 2, 2, 0);
	v->ctx.pc = ENTRY;
	v->ctx.pstate = PSTATE_M_EL0T;
	sysreg(2, 3, 0, 1, 0, 4, true);
	assert_int_equal(v->ctx.pc, ENTRY + 4);
	assert_int_equal(v->ctx.x[4], 0);
}

static void test_trap_sysreg_debug_registers_belong_to_each_vcpu(void **state)
{
	struct vcpu *other;

	dbg_write(0, 0, 2, 2, 0x1234); /* MDSCR_EL1 of vCPU 0 */
	dbg_write(0, 1, 0, 4, 0);      /* and its OS lock */
	assert_int_equal(vm_add_vcpu(m.vm, ENTRY, 0, &other), HV_OK);
	other->ctx.x[1] = 0xbad;
	trap_sysreg(other, sim_esr_sysreg(2, 0, 0, 2, 2, 1, true));
	assert_int_equal(other->ctx.x[1], 0);
	trap_sysreg(other, sim_esr_sysreg(2, 0, 1, 1, 4, 1, true));
	assert_int_equal(other->ctx.x[1], 0xa);
}

/* Issue #16 item 2: a vCPU whose debug registers enable something (and whose OS lock is clear)
 * has them in the hardware while loaded, so they fire for its EL1; taken out at put and back
 * at load. A vCPU that enables nothing never costs a hardware write. */
static void test_trap_sysreg_enabled_debug_state_is_in_the_hardware_while_loaded(void **state)
{
	struct vcpu *other;

	vcpu_load(v);
	dbg_write(0, 0, 0, 5, 0x1e7); /* DBGBCR0_EL1: BAS 0xf, PMC 0b11, E */
	dbg_write(0, 0, 0, 4, 0x40081000);
	assert_false(sim_hal.debug_in_hw); /* the OS lock is locked from reset */
	dbg_write(0, 1, 0, 4, 0);	   /* OSLAR_EL1: unlock */
	assert_true(sim_hal.debug_in_hw);
	assert_int_equal(sim_hal.debug_hw.bcr[0], 0x1e7);
	assert_int_equal(sim_hal.debug_hw.bvr[0], 0x40081000);
	dbg_write(0, 0, 2, 2, 1u << 15); /* MDSCR_EL1.MDE */
	assert_int_equal(sim_hal.debug_hw.mdscr, 1u << 15);

	vcpu_put(v);
	assert_false(sim_hal.debug_in_hw);
	vcpu_load(v);
	assert_true(sim_hal.debug_in_hw);
	assert_int_equal(sim_hal.debug_hw.bcr[0], 0x1e7);

	/* Everything off again: out of the hardware, and no more loads at a switch. */
	dbg_write(0, 0, 0, 5, 0);
	dbg_write(0, 0, 2, 2, 0);
	assert_false(sim_hal.debug_in_hw);
	vcpu_put(v);
	unsigned loads = sim_hal.debug_loads, clears = sim_hal.debug_clears;

	assert_int_equal(vm_add_vcpu(m.vm, ENTRY, 0, &other), HV_OK);
	vcpu_load(other);
	vcpu_put(other);
	vcpu_load(v);
	vcpu_put(v);
	assert_int_equal(sim_hal.debug_loads, loads);
	assert_int_equal(sim_hal.debug_clears, clears);
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
	const struct CMUnitTest tests[] = {
	    T(test_trap_sysreg_actlr_el1_reads_as_zero),
	    T(test_trap_sysreg_actlr_el1_write_is_ignored),
	    T(test_trap_sysreg_read_into_xzr_writes_no_register),
	    T(test_trap_sysreg_set_way_cache_maintenance_completes),
	    T(test_trap_sysreg_set_way_as_a_read_is_undefined),
	    T(test_trap_sysreg_unknown_register_is_undefined_and_named),
	    T(test_trap_sysreg_every_field_takes_part_in_the_match),
	    T(test_trap_sysreg_debug_control_registers_keep_what_is_written),
	    T(test_trap_sysreg_breakpoints_and_watchpoints_are_kept_apart),
	    T(test_trap_sysreg_os_lock_is_locked_at_reset_and_follows_oslar),
	    T(test_trap_sysreg_claim_tags_set_and_clear),
	    T(test_trap_sysreg_dbgclaimset_reads_as_all_tags_implemented),
	    T(test_trap_sysreg_read_only_debug_registers_read_zero),
	    T(test_trap_sysreg_wrong_direction_on_debug_registers_is_undefined),
	    T(test_trap_sysreg_unknown_debug_registers_are_undefined),
	    T(test_trap_sysreg_debug_registers_belong_to_each_vcpu),
	    T(test_trap_sysreg_enabled_debug_state_is_in_the_hardware_while_loaded),
	    T(test_trap_sysreg_el0_dcc_access_honours_mdscr_tdcc),
	};
#undef T

	return cmocka_run_group_tests_name("trap_sysreg", tests, NULL, NULL);
}

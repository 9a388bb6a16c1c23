// SPDX-License-Identifier: MIT
/* Tests of core/setway.c: a guest's set/way cache maintenance (DC ISW/CSW/CISW, trapped by
 * HCR_EL2.TSW) cleans and invalidates the VM's populated RAM to the point of coherency, once
 * per run of consecutive set/way exits, and not at all where stage 2 forces write-back
 * (docs/memory.md, "Caches"). */
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
#include <core/vm.h>
#include <hal-sim/sim_hal.h>
#include <sim/sim.h>

#include "fixture.h"

#define ENTRY (VM_RAM_BASE + IMAGE_RAW_OFFSET)

static struct sim_machine m;
static struct vcpu *v;

static int setup(void **state)
{
	v = fixture_nop_machine(&m);
	return 0;
}

static int teardown(void **state)
{
	sim_machine_destroy(&m);
	return 0;
}

/* One exit of `v` for `dc <op>sw, x3`, numbered as exit_handle() numbers exits. */
static void setway_exit(unsigned crm)
{
	v->stats.exits++;
	trap_sysreg(v, sim_esr_sysreg(1, 0, 7, crm, 2, 3, false));
}
#define DC_ISW	6
#define DC_CSW	10
#define DC_CISW 14

static unsigned populated_blocks(void)
{
	unsigned n = 0;

	for (uint64_t off = 0; off < m.vm->ram[0].size; off += SZ_2M)
		n += vm_ram_populated(&m.vm->ram[0], m.vm->ram[0].ipa + off);
	return n;
}

static void test_setway_cleans_and_invalidates_every_populated_block(void **state)
{
	/* The program's block is populated; populate two more, one far away. */
	assert_int_equal(vm_ram_populate(m.vm, VM_RAM_BASE + 3 * SZ_2M + 8), HV_OK);
	assert_int_equal(vm_ram_populate(m.vm, VM_RAM_BASE + 7 * SZ_2M), HV_OK);
	assert_int_equal(populated_blocks(), 3);

	setway_exit(DC_CISW);
	assert_int_equal(sim_hal.clean_inval_bytes, 3 * SZ_2M);
	assert_int_equal(v->stats.setway_flush, 1);
	assert_int_equal(v->ctx.pc, ENTRY + 4);
	assert_int_equal(v->stats.undef_injected, 0);
}

static void test_setway_loop_over_sets_and_ways_flushes_once(void **state)
{
	for (unsigned i = 0; i < 1000; i++)
		setway_exit(i % 2 ? DC_CSW : DC_ISW);
	assert_int_equal(v->stats.setway_flush, 1);
	assert_int_equal(sim_hal.clean_inval_bytes, populated_blocks() * SZ_2M);
	assert_int_equal(v->ctx.pc, ENTRY + 4000);
}

static void test_setway_after_another_exit_flushes_again(void **state)
{
	setway_exit(DC_CISW);
	setway_exit(DC_CISW);
	v->stats.exits++; /* an interrupt, a hypercall: the loop is over */
	setway_exit(DC_CISW);
	assert_int_equal(v->stats.setway_flush, 2);
	assert_int_equal(sim_hal.clean_inval_bytes, 2 * populated_blocks() * SZ_2M);
}

static void test_setway_on_the_first_exit_of_a_vcpu_flushes(void **state)
{
	/* exits counts from 1: the first exit must not look like the tail of an earlier run. */
	assert_int_equal(v->stats.exits, 0);
	setway_exit(DC_ISW);
	assert_int_equal(v->stats.setway_flush, 1);
}

static void test_setway_does_nothing_when_stage2_forces_write_back(void **state)
{
	sim_hal.s2_forces_wb = true;
	setway_exit(DC_CISW);
	assert_int_equal(v->stats.setway_flush, 0);
	assert_int_equal(sim_hal.clean_inval_bytes, 0);
	assert_int_equal(v->ctx.pc, ENTRY + 4); /* still completes */
}

static void test_setway_flush_leaves_every_vcpu_its_own_run(void **state)
{
	struct vcpu *w;

	assert_int_equal(vm_add_vcpu(m.vm, ENTRY, 0, &w), HV_OK);
	setway_exit(DC_CISW);
	/* Another vCPU's set/way operation starts its own run. */
	w->stats.exits = v->stats.exits + 1;
	trap_sysreg(w, sim_esr_sysreg(1, 0, 7, DC_CISW, 2, 3, false));
	assert_int_equal(v->stats.setway_flush, 1);
	assert_int_equal(w->stats.setway_flush, 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(
		test_setway_cleans_and_invalidates_every_populated_block, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_setway_loop_over_sets_and_ways_flushes_once, setup,
					    teardown),
	    cmocka_unit_test_setup_teardown(test_setway_after_another_exit_flushes_again, setup,
					    teardown),
	    cmocka_unit_test_setup_teardown(test_setway_on_the_first_exit_of_a_vcpu_flushes, setup,
					    teardown),
	    cmocka_unit_test_setup_teardown(test_setway_does_nothing_when_stage2_forces_write_back,
					    setup, teardown),
	    cmocka_unit_test_setup_teardown(test_setway_flush_leaves_every_vcpu_its_own_run, setup,
					    teardown),
	};

	return cmocka_run_group_tests_name("setway", tests, NULL, NULL);
}

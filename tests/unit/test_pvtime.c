// SPDX-License-Identifier: MIT
/* Tests of core/pvtime.c: stolen time for guests (Arm DEN0057) as Linux discovers and reads
 * it: SMCCC_ARCH_FEATURES(PV_TIME_FEATURES), PV_TIME_FEATURES(PV_TIME_ST), PV_TIME_ST giving
 * each vCPU its own 64-byte record in a read-only page, and the record following the time a
 * vCPU waited for its pCPU. */
#include "sched_harness.h"

#include <core/palloc.h>
#include <core/pvtime.h>
#include <core/trap.h>
#include <hal/mem.h>

static int64_t call(unsigned n, uint32_t fid, uint64_t a1)
{
	cpu(n)->ctx.x[0] = fid;
	cpu(n)->ctx.x[1] = a1;
	trap_hvc_smc(cpu(n), false);
	return (int64_t)cpu(n)->ctx.x[0];
}

struct record {
	uint32_t revision, attributes;
	uint64_t stolen_ns;
};

static const struct record *record_at(uint64_t ipa)
{
	uint64_t pa;

	assert_true(pgt_lookup(&vm->s2, ipa, &pa, NULL));
	return hal_phys_to_ptr(pa);
}

static void test_pvtime_is_not_offered_to_a_vm_without_the_page(void **state)
{
	assert_int_equal(call(0, SMCCC_ARCH_FEATURES, PV_TIME_FEATURES), SMCCC_RET_NOT_SUPPORTED);
	assert_int_equal(call(0, PV_TIME_FEATURES, PV_TIME_ST), SMCCC_RET_NOT_SUPPORTED);
	assert_int_equal(call(0, PV_TIME_ST, 0), SMCCC_RET_NOT_SUPPORTED);
}

static void test_pvtime_discovery_as_linux_does_it(void **state)
{
	assert_int_equal(pvtime_init(vm), HV_OK);
	assert_int_equal(call(0, SMCCC_ARCH_FEATURES, PV_TIME_FEATURES), SMCCC_RET_SUCCESS);
	assert_int_equal(call(0, PV_TIME_FEATURES, PV_TIME_ST), SMCCC_RET_SUCCESS);
	assert_int_equal(call(0, PV_TIME_FEATURES, PV_TIME_FEATURES), SMCCC_RET_SUCCESS);
	/* DEN0057: any other function id is NOT_SUPPORTED (PV_TIME_LPT is not offered). */
	assert_int_equal(call(0, PV_TIME_FEATURES, 0xc5000022), SMCCC_RET_NOT_SUPPORTED);
	assert_int_equal(call(0, PV_TIME_FEATURES, 0), SMCCC_RET_NOT_SUPPORTED);
}

static void test_pvtime_st_gives_each_vcpu_its_own_read_only_record(void **state)
{
	unsigned flags = 0;
	uint64_t pa;
	const struct record *r;

	assert_int_equal(pvtime_init(vm), HV_OK);
	assert_int_equal(call(0, PV_TIME_ST, 0), VM_PVTIME_BASE);
	assert_int_equal(call(1, PV_TIME_ST, 0), VM_PVTIME_BASE + 64);
	assert_int_equal(call(3, PV_TIME_ST, 0), VM_PVTIME_BASE + 3 * 64);
	/* Normal memory the guest may read but neither write nor execute. */
	assert_true(pgt_lookup(&vm->s2, VM_PVTIME_BASE, &pa, &flags));
	assert_int_equal(flags, PGT_R);
	r = record_at(VM_PVTIME_BASE + 64);
	assert_int_equal(r->revision, 0);
	assert_int_equal(r->attributes, 0);
	assert_int_equal(r->stolen_ns, 0);
}

static void test_pvtime_record_holds_the_time_the_vcpu_waited_in_nanoseconds(void **state)
{
	const struct record *r;

	assert_int_equal(pvtime_init(vm), HV_OK);
	/* Two computing vCPUs, 1 ms per exit: vCPU 1 waits vCPU 0's 10 ms slice, then runs. */
	sim_smp.ticks_per_entry = FREQ / 1000;
	busy(0, 12);
	busy(1, 1);
	exit_step(1, 0);
	assert_int_equal(sim_smp_run(), 0);
	r = record_at(VM_PVTIME_BASE + 64);
	assert_true(cpu(1)->sched.stolen >= SLICE);
	/* Written when vCPU 1 was given the pCPU: 16 ns per tick of the 62.5 MHz counter. */
	assert_int_equal(r->stolen_ns, cpu(1)->sched.stolen * 16);
	assert_int_equal(record_at(VM_PVTIME_BASE)->stolen_ns, 0);
}

static void test_pvtime_release_gives_the_page_back(void **state)
{
	uint64_t before = palloc_free_bytes(vm->alloc);

	assert_int_equal(pvtime_init(vm), HV_OK);
	assert_true(palloc_free_bytes(vm->alloc) < before);
	pvtime_release(vm);
	assert_false(pgt_lookup(&vm->s2, VM_PVTIME_BASE, NULL, NULL));
	assert_int_equal(call(0, PV_TIME_ST, 0), SMCCC_RET_NOT_SUPPORTED);
	pvtime_release(vm); /* twice is harmless */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_pvtime_is_not_offered_to_a_vm_without_the_page,
					    setup4, teardown),
	    cmocka_unit_test_setup_teardown(test_pvtime_discovery_as_linux_does_it, setup4,
					    teardown),
	    cmocka_unit_test_setup_teardown(test_pvtime_st_gives_each_vcpu_its_own_read_only_record,
					    setup4, teardown),
	    cmocka_unit_test_setup_teardown(
		test_pvtime_record_holds_the_time_the_vcpu_waited_in_nanoseconds, setup2, teardown),
	    cmocka_unit_test_setup_teardown(test_pvtime_release_gives_the_page_back, setup2,
					    teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

// SPDX-License-Identifier: MIT
/* Tests of core/placement.c: which pCPU runs each vCPU, from hv.pcpus= / hv.affinity=. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <core/err.h>
#include <core/placement.h>

static const bool four_online[4] = {true, true, true, true};

static int parse(const char *args, unsigned vcpus, unsigned *out, const char **why)
{
	return placement_parse(args, vcpus, four_online, 4, out, why);
}

static void test_placement_default_is_every_vcpu_on_pcpu_0(void **state)
{
	unsigned out[4] = {9, 9, 9, 9};

	assert_int_equal(parse("hv.vcpus=4", 4, out, NULL), HV_OK);
	for (unsigned i = 0; i < 4; i++)
		assert_int_equal(out[i], 0);
	assert_int_equal(placement_pcpus_used(out, 4), 1);
}

static void test_placement_pcpus_spreads_round_robin(void **state)
{
	unsigned out[8];

	assert_int_equal(parse("hv.pcpus=4", 4, out, NULL), HV_OK);
	for (unsigned i = 0; i < 4; i++)
		assert_int_equal(out[i], i);
	assert_int_equal(placement_pcpus_used(out, 4), 4);
	/* 8 vCPUs on 4 pCPUs: two per pCPU; 4 on 2: two per pCPU. */
	assert_int_equal(parse("hv.pcpus=4", 8, out, NULL), HV_OK);
	assert_int_equal(out[5], 1);
	assert_int_equal(out[7], 3);
	assert_int_equal(parse("x hv.pcpus=2 y", 4, out, NULL), HV_OK);
	assert_int_equal(out[2], 0);
	assert_int_equal(out[3], 1);
	assert_int_equal(placement_pcpus_used(out, 4), 2);
}

static void test_placement_affinity_list_is_taken_as_given(void **state)
{
	unsigned out[4];

	assert_int_equal(parse("hv.affinity=3,3,0,1 quiet", 4, out, NULL), HV_OK);
	assert_int_equal(out[0], 3);
	assert_int_equal(out[1], 3);
	assert_int_equal(out[2], 0);
	assert_int_equal(out[3], 1);
	assert_int_equal(placement_pcpus_used(out, 4), 3);
}

static void test_placement_malformed_values_are_einval_with_a_reason(void **state)
{
	const char *bad[] = {
	    "hv.affinity=",
	    "hv.affinity=1,,2,3",
	    "hv.affinity=1,2,3,x",
	    "hv.affinity=a",
	    "hv.affinity=1,2,3,4,5",
	    "hv.affinity=0,1,2",
	    "hv.affinity=0,1,2,3,",
	    "hv.pcpus=0",
	    "hv.pcpus=two",
	    "hv.pcpus=2 hv.affinity=0,0,0,0",
	    "hv.affinity=00000,0,0,0",
	};
	unsigned out[4];

	for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		const char *why = NULL;

		assert_int_equal(parse(bad[i], 4, out, &why), HV_EINVAL);
		assert_non_null(why);
	}
}

static void test_placement_absent_or_offline_pcpu_is_enoent(void **state)
{
	const bool two_of_four[4] = {true, false, true, true};
	unsigned out[4];
	const char *why = NULL;

	assert_int_equal(parse("hv.pcpus=5", 4, out, &why), HV_ENOENT);
	assert_non_null(why);
	assert_int_equal(parse("hv.affinity=0,1,2,4", 4, out, NULL), HV_ENOENT);
	assert_int_equal(placement_parse("hv.affinity=0,1,2,3", 4, two_of_four, 4, out, NULL),
			 HV_ENOENT);
	assert_int_equal(placement_parse("hv.pcpus=2", 4, two_of_four, 4, out, NULL), HV_ENOENT);
	assert_int_equal(placement_parse("hv.affinity=0,2,3,3", 4, two_of_four, 4, out, NULL),
			 HV_OK);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_placement_default_is_every_vcpu_on_pcpu_0),
	    cmocka_unit_test(test_placement_pcpus_spreads_round_robin),
	    cmocka_unit_test(test_placement_affinity_list_is_taken_as_given),
	    cmocka_unit_test(test_placement_malformed_values_are_einval_with_a_reason),
	    cmocka_unit_test(test_placement_absent_or_offline_pcpu_is_enoent),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

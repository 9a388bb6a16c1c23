// SPDX-License-Identifier: MIT
/* Tests of core/bootmod_layout.c: a boot-module layout that leaves RAM or covers the
 * hypervisor's image, its stacks, the DTB, a /memreserve/ range or another module is refused
 * with one line naming the module and what it runs into; a sound layout passes. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include <core/bootmod.h>
#include <core/err.h>
#include <hal-sim/sim_hal.h>

#include "fixture.h"

/* QEMU virt with -m 1G split in two banks with a hole, as a board with two DRAM banks. */
static const struct hw_range ram[] = {
    {0x40000000, 0x20000000}, /* 0x40000000-0x60000000 */
    {0x80000000, 0x20000000}, /* 0x80000000-0xa0000000 */
};

/* What target/bootmod_check.c passes on QEMU virt. */
static const struct bootmod_area owned[] = {
    {"the hypervisor's text and read-only data", 0x40200000, 0x40000},
    {"the hypervisor's data, bss and stacks", 0x40240000, 0x180000},
    {"the host DTB", 0x48000000, 0x100000},
    {"a /memreserve/ range", 0x5f000000, 0x10000},
};

static struct bootmod_list list;

static int setup(void **state)
{
	sim_hal_reset();
	memset(&list, 0, sizeof(list));
	return 0;
}

static void add(const char *node, uint64_t base, uint64_t size)
{
	struct bootmod *m = &list.mod[list.count++];

	m->kind = BOOTMOD_KERNEL;
	m->base = base;
	m->size = size;
	snprintf(m->node, sizeof(m->node), "%s", node);
}

static int check(void)
{
	return bootmod_check_layout(&list, ram, 2, owned, 4);
}

static void test_bootmod_layout_accepts_modules_in_free_ram(void **state)
{
	add("/chosen/module@50000000", 0x50000000, 0x3a0123);
	add("/chosen/module@54000000", 0x54000000, 0x100000);
	add("/chosen/module@80000000", 0x80000000, 0x20000000); /* a whole bank */
	assert_int_equal(check(), HV_OK);
	assert_int_equal(console_line_count(), 0);
}

static void test_bootmod_layout_accepts_modules_sharing_no_page(void **state)
{
	add("/chosen/module@50000000", 0x50000000, 0x1000);
	add("/chosen/module@50001000", 0x50001000, 0x1000);
	assert_int_equal(check(), HV_OK);
}

static void test_bootmod_layout_accepts_no_modules(void **state)
{
	assert_int_equal(check(), HV_OK);
}

static void test_bootmod_layout_refuses_a_module_outside_ram(void **state)
{
	add("/chosen/module@10000000", 0x10000000, 0x1000);
	assert_int_equal(check(), HV_ERANGE);
	assert_true(console_has_line("error: bootmod: /chosen/module@10000000 "
				     "[0x10000000-0x10001000) is not inside RAM: boot refused"));
	assert_int_equal(console_line_count(), 1);
}

static void test_bootmod_layout_refuses_a_module_past_the_end_of_ram(void **state)
{
	add("/chosen/module@9ffff000", 0x9ffff000, 0x2000);
	assert_int_equal(check(), HV_ERANGE);
	assert_true(console_has_line("error: bootmod: /chosen/module@9ffff000 "
				     "[0x9ffff000-0xa0001000) is not inside RAM: boot refused"));
}

static void test_bootmod_layout_refuses_a_module_across_the_hole_between_banks(void **state)
{
	add("/chosen/module@5ff00000", 0x5ff00000, 0x20200000);
	assert_int_equal(check(), HV_ERANGE);
}

static void test_bootmod_layout_refuses_a_module_over_the_hypervisor_text(void **state)
{
	add("/chosen/module@40000000", 0x40000000, 0x200001);
	assert_int_equal(check(), HV_EBUSY);
	assert_true(console_has_line(
	    "error: bootmod: /chosen/module@40000000 [0x40000000-0x40200001) overlaps the "
	    "hypervisor's text and read-only data [0x40200000-0x40240000): boot refused"));
	assert_int_equal(console_line_count(), 1);
}

static void test_bootmod_layout_refuses_a_module_over_the_hypervisor_stacks(void **state)
{
	add("/chosen/module@40300000", 0x40300000, 0x1000);
	assert_int_equal(check(), HV_EBUSY);
	assert_true(console_has_line("error: bootmod: /chosen/module@40300000 "
				     "[0x40300000-0x40301000) overlaps the hypervisor's data, bss "
				     "and stacks [0x40240000-0x403c0000): boot refused"));
}

static void test_bootmod_layout_refuses_a_module_over_the_dtb(void **state)
{
	add("/chosen/module@47ff0000", 0x47ff0000, 0x10010);
	assert_int_equal(check(), HV_EBUSY);
	assert_true(console_has_line("error: bootmod: /chosen/module@47ff0000 "
				     "[0x47ff0000-0x48000010) overlaps the host DTB "
				     "[0x48000000-0x48100000): boot refused"));
}

static void test_bootmod_layout_refuses_a_module_over_a_memreserve_range(void **state)
{
	add("/chosen/module@5f00f000", 0x5f00f000, 0x1000);
	assert_int_equal(check(), HV_EBUSY);
	assert_true(console_has_line("error: bootmod: /chosen/module@5f00f000 "
				     "[0x5f00f000-0x5f010000) overlaps a /memreserve/ range "
				     "[0x5f000000-0x5f010000): boot refused"));
}

static void test_bootmod_layout_refuses_overlapping_modules_naming_both(void **state)
{
	add("/chosen/module@50000000", 0x50000000, 0x200000);
	add("/chosen/module@54000000", 0x54000000, 0x1000);
	add("/chosen/module@501ff000", 0x501ff000, 0x2000);
	assert_int_equal(check(), HV_EBUSY);
	assert_true(console_has_line("error: bootmod: /chosen/module@501ff000 "
				     "[0x501ff000-0x50201000) overlaps /chosen/module@50000000 "
				     "[0x50000000-0x50200000): boot refused"));
	assert_int_equal(console_line_count(), 1);
}

/* palloc_reserve() widens to pages, so two modules in one page would share it. */
static void test_bootmod_layout_refuses_modules_sharing_a_page(void **state)
{
	add("/chosen/module@50000000", 0x50000000, 0x800);
	add("/chosen/module@50000900", 0x50000900, 0x100);
	assert_int_equal(check(), HV_EBUSY);
}

static void test_bootmod_layout_refuses_a_module_sharing_a_page_with_the_image(void **state)
{
	add("/chosen/module@401ff000", 0x401ff000, 0x800);
	assert_int_equal(check(), HV_OK);
	list.mod[0].size = 0x1001;
	assert_int_equal(check(), HV_EBUSY);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup(test_bootmod_layout_accepts_modules_in_free_ram, setup),
	    cmocka_unit_test_setup(test_bootmod_layout_accepts_modules_sharing_no_page, setup),
	    cmocka_unit_test_setup(test_bootmod_layout_accepts_no_modules, setup),
	    cmocka_unit_test_setup(test_bootmod_layout_refuses_a_module_outside_ram, setup),
	    cmocka_unit_test_setup(test_bootmod_layout_refuses_a_module_past_the_end_of_ram, setup),
	    cmocka_unit_test_setup(
		test_bootmod_layout_refuses_a_module_across_the_hole_between_banks, setup),
	    cmocka_unit_test_setup(test_bootmod_layout_refuses_a_module_over_the_hypervisor_text,
				   setup),
	    cmocka_unit_test_setup(test_bootmod_layout_refuses_a_module_over_the_hypervisor_stacks,
				   setup),
	    cmocka_unit_test_setup(test_bootmod_layout_refuses_a_module_over_the_dtb, setup),
	    cmocka_unit_test_setup(test_bootmod_layout_refuses_a_module_over_a_memreserve_range,
				   setup),
	    cmocka_unit_test_setup(test_bootmod_layout_refuses_overlapping_modules_naming_both,
				   setup),
	    cmocka_unit_test_setup(test_bootmod_layout_refuses_modules_sharing_a_page, setup),
	    cmocka_unit_test_setup(
		test_bootmod_layout_refuses_a_module_sharing_a_page_with_the_image, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

// SPDX-License-Identifier: MIT
/* Tests of core/bootmod.c: boot modules from /chosen (multiboot binding) as QEMU's
 * guest-loader and other loaders write them, and every malformed module refused with a log
 * line naming the node. DTS fixtures for real-world trees, the FDT builder for broken ones. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <core/bootmod.h>
#include <core/err.h>
#include <hal-sim/sim_hal.h>

#include "fixture.h"

static struct bootmod_list list;

static int setup(void **state)
{
	sim_hal_reset();
	memset(&list, 0x5a, sizeof(list)); /* the list must be fully written */
	return 0;
}

static int discover_fixture(const char *name)
{
	size_t size;
	uint8_t *blob = fixture_load(name, &size);
	int ret = bootmod_discover(blob, size, &list);

	free(blob);
	return ret;
}

/* A tree whose /chosen holds `modules` written by `fn` (root cells 2/2). */
static int discover_built(void (*fn)(struct fdtb *b))
{
	struct fdtb *b = fdtb_new();
	uint8_t *blob;
	size_t size;
	int ret;

	fdtb_begin_node(b, "");
	fdtb_prop_u32(b, "#address-cells", 2);
	fdtb_prop_u32(b, "#size-cells", 2);
	fdtb_begin_node(b, "chosen");
	fn(b);
	fdtb_end_node(b);
	fdtb_end_node(b);
	blob = fdtb_finish(b, true, &size);
	ret = bootmod_discover(blob, size, &list);
	free(blob);
	return ret;
}

/* Opens a kernel module node; the caller adds properties and closes it. */
static void module(struct fdtb *b, const char *name, uint64_t base, uint64_t size)
{
	static const char compat[] = "multiboot,module\0multiboot,kernel";

	fdtb_begin_node(b, name);
	fdtb_prop(b, "compatible", compat, sizeof(compat));
	FDTB_CELLS(b, "reg", (uint32_t)(base >> 32), (uint32_t)base, (uint32_t)(size >> 32),
		   (uint32_t)size);
}

static void test_bootmod_reads_guest_loader_modules_with_root_cells(void **state)
{
	assert_int_equal(discover_fixture("bootmod_guest_loader.dtb"), HV_OK);
	assert_int_equal(list.count, 4);

	assert_int_equal(list.mod[0].kind, BOOTMOD_KERNEL);
	assert_int_equal(list.mod[0].base, 0x50000000);
	assert_int_equal(list.mod[0].size, 0x3a000);
	assert_string_equal(list.mod[0].args, "console=ttyAMA0 earlycon");
	assert_string_equal(list.mod[0].node, "/chosen/module@0x50000000");

	assert_int_equal(list.mod[1].kind, BOOTMOD_RAMDISK);
	assert_int_equal(list.mod[1].base, 0x58000000);
	assert_int_equal(list.mod[1].size, 0x100000);
	assert_string_equal(list.mod[1].args, "");

	assert_int_equal(list.mod[2].kind, BOOTMOD_OTHER);
	assert_int_equal(list.mod[2].base, 0x100000000ULL);
	assert_int_equal(list.mod[2].size, 0x2000);

	assert_int_equal(list.mod[3].kind, BOOTMOD_KERNEL);
	assert_string_equal(list.mod[3].args, "");
	assert_int_equal(sim_hal.console_len, 0);
}

static void test_bootmod_uses_chosen_cells_when_chosen_states_them(void **state)
{
	assert_int_equal(discover_fixture("bootmod_chosen_cells.dtb"), HV_OK);
	assert_int_equal(list.count, 2);
	assert_int_equal(list.mod[0].kind, BOOTMOD_KERNEL);
	assert_int_equal(list.mod[0].base, 0x48000000);
	assert_int_equal(list.mod[0].size, 0x200000);
	assert_string_equal(list.mod[0].args, "root=/dev/vda");
	assert_int_equal(list.mod[1].kind, BOOTMOD_RAMDISK);
	assert_int_equal(list.mod[1].base, 0x49000000);
	assert_int_equal(list.mod[1].size, 0x80000);
}

static void test_bootmod_malformed_reg_fixture_names_the_node(void **state)
{
	assert_int_equal(discover_fixture("bootmod_bad_reg.dtb"), HV_EINVAL);
	assert_true(console_has_line("error: bootmod: /chosen/module@50000000: property 'reg' is "
				     "missing or malformed (invalid argument)"));
	assert_int_equal(console_line_count(), 1);
}

static void test_bootmod_no_chosen_is_an_empty_list(void **state)
{
	size_t size;
	uint8_t *blob = fixture_load("hw_psci_hvc.dtb", &size);

	assert_int_equal(bootmod_discover(blob, size, &list), HV_OK);
	assert_int_equal(list.count, 0);
	free(blob);
}

static void no_modules(struct fdtb *b)
{
	fdtb_prop_str(b, "bootargs", "quiet");
	fdtb_begin_node(b, "other");
	fdtb_end_node(b);
}

static void test_bootmod_chosen_without_modules_is_an_empty_list(void **state)
{
	assert_int_equal(discover_built(no_modules), HV_OK);
	assert_int_equal(list.count, 0);
	assert_int_equal(sim_hal.console_len, 0);
}

static void test_bootmod_malformed_dtb_is_refused(void **state)
{
	uint8_t junk[64] = {0xde, 0xad};

	assert_int_equal(bootmod_discover(junk, sizeof(junk), &list), HV_EINVAL);
	assert_int_equal(list.count, 0);
	assert_true(console_has_prefix("error: bootmod: the DTB is malformed"));
}

static void no_reg(struct fdtb *b)
{
	fdtb_begin_node(b, "module@1000");
	fdtb_prop_str(b, "compatible", "multiboot,module");
	fdtb_end_node(b);
}

static void test_bootmod_module_without_reg_is_refused(void **state)
{
	assert_int_equal(discover_built(no_reg), HV_ENOENT);
	assert_true(console_has_line("error: bootmod: /chosen/module@1000: property 'reg' is "
				     "missing or malformed (not found)"));
}

static void empty_module(struct fdtb *b)
{
	module(b, "module@50000000", 0x50000000, 0);
	fdtb_end_node(b);
}

static void test_bootmod_empty_module_is_refused(void **state)
{
	assert_int_equal(discover_built(empty_module), HV_EINVAL);
	assert_true(console_has_line("error: bootmod: /chosen/module@50000000: property 'reg': "
				     "empty module (invalid argument)"));
}

static void wrapping_module(struct fdtb *b)
{
	module(b, "module@ffffffffffff0000", 0xffffffffffff0000ULL, 0x20000);
	fdtb_end_node(b);
}

static void test_bootmod_module_wrapping_the_address_space_is_refused(void **state)
{
	assert_int_equal(discover_built(wrapping_module), HV_ERANGE);
	assert_true(console_has_prefix("error: bootmod: /chosen/module@ffffffffffff0000: "
				       "property 'reg' is missing or malformed"));
}

static void bad_bootargs(struct fdtb *b)
{
	module(b, "module@50000000", 0x50000000, 0x1000);
	fdtb_prop(b, "bootargs", "no-nul", 6);
	fdtb_end_node(b);
}

static void test_bootmod_bootargs_that_are_not_a_string_are_refused(void **state)
{
	assert_int_equal(discover_built(bad_bootargs), HV_EINVAL);
	assert_true(console_has_line("error: bootmod: /chosen/module@50000000: property 'bootargs' "
				     "is not a string (invalid argument)"));
}

static char long_args[BOOTMOD_ARGS_MAX + 1];

static void args_of_len(struct fdtb *b)
{
	module(b, "module@50000000", 0x50000000, 0x1000);
	fdtb_prop_str(b, "bootargs", long_args);
	fdtb_end_node(b);
}

static void test_bootmod_bootargs_up_to_the_limit_are_kept(void **state)
{
	memset(long_args, 'a', BOOTMOD_ARGS_MAX - 1);
	long_args[BOOTMOD_ARGS_MAX - 1] = '\0';
	assert_int_equal(discover_built(args_of_len), HV_OK);
	assert_int_equal(strlen(list.mod[0].args), BOOTMOD_ARGS_MAX - 1);
}

static void test_bootmod_bootargs_too_long_are_refused(void **state)
{
	memset(long_args, 'a', BOOTMOD_ARGS_MAX);
	long_args[BOOTMOD_ARGS_MAX] = '\0';
	assert_int_equal(discover_built(args_of_len), HV_ERANGE);
	assert_true(console_has_line("error: bootmod: /chosen/module@50000000: property 'bootargs' "
				     "is too long (out of range)"));
}

static unsigned module_count;

static void many_modules(struct fdtb *b)
{
	char name[32];

	for (unsigned i = 0; i < module_count; i++) {
		snprintf(name, sizeof(name), "module@%x", 0x50000000 + i * 0x1000);
		module(b, name, 0x50000000 + i * 0x1000, 0x1000);
		fdtb_end_node(b);
	}
}

static void test_bootmod_holds_exactly_bootmod_max_modules(void **state)
{
	module_count = BOOTMOD_MAX;
	assert_int_equal(discover_built(many_modules), HV_OK);
	assert_int_equal(list.count, BOOTMOD_MAX);
	assert_int_equal(list.mod[BOOTMOD_MAX - 1].base, 0x50000000 + (BOOTMOD_MAX - 1) * 0x1000);
}

static void test_bootmod_one_module_too_many_is_refused_naming_it(void **state)
{
	module_count = BOOTMOD_MAX + 1;
	assert_int_equal(discover_built(many_modules), HV_ENOMEM);
	assert_true(console_has_line("error: bootmod: /chosen/module@50008000: too many boot "
				     "modules (out of memory)"));
}

static void bad_chosen_cells(struct fdtb *b)
{
	fdtb_prop(b, "#address-cells", "\0\1", 2);
	module(b, "module@50000000", 0x50000000, 0x1000);
	fdtb_end_node(b);
}

static void test_bootmod_malformed_chosen_cells_are_refused(void **state)
{
	assert_int_equal(discover_built(bad_chosen_cells), HV_EINVAL);
	assert_true(console_has_prefix("error: bootmod: /chosen/module@50000000: property 'reg'"));
}

static void three_address_cells(struct fdtb *b)
{
	fdtb_prop_u32(b, "#address-cells", 3);
	fdtb_begin_node(b, "module@0");
	fdtb_prop_str(b, "compatible", "multiboot,module");
	FDTB_CELLS(b, "reg", 0, 0, 0x1000, 0x1000);
	fdtb_end_node(b);
}

static void test_bootmod_chosen_cells_beyond_64_bits_are_refused(void **state)
{
	assert_int_equal(discover_built(three_address_cells), HV_EINVAL);
}

static void test_bootmod_find_returns_modules_of_a_kind_in_order(void **state)
{
	assert_int_equal(discover_fixture("bootmod_guest_loader.dtb"), HV_OK);
	assert_ptr_equal(bootmod_find(&list, BOOTMOD_KERNEL, 0), &list.mod[0]);
	assert_ptr_equal(bootmod_find(&list, BOOTMOD_KERNEL, 1), &list.mod[3]);
	assert_null(bootmod_find(&list, BOOTMOD_KERNEL, 4));
	assert_ptr_equal(bootmod_find(&list, BOOTMOD_RAMDISK, 0), &list.mod[1]);
	assert_null(bootmod_find(&list, BOOTMOD_RAMDISK, 2));
	assert_ptr_equal(bootmod_find(&list, BOOTMOD_OTHER, 0), &list.mod[2]);
	assert_null(bootmod_find(&list, BOOTMOD_KERNEL, 100));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup(test_bootmod_reads_guest_loader_modules_with_root_cells, setup),
	    cmocka_unit_test_setup(test_bootmod_uses_chosen_cells_when_chosen_states_them, setup),
	    cmocka_unit_test_setup(test_bootmod_malformed_reg_fixture_names_the_node, setup),
	    cmocka_unit_test_setup(test_bootmod_no_chosen_is_an_empty_list, setup),
	    cmocka_unit_test_setup(test_bootmod_chosen_without_modules_is_an_empty_list, setup),
	    cmocka_unit_test_setup(test_bootmod_malformed_dtb_is_refused, setup),
	    cmocka_unit_test_setup(test_bootmod_module_without_reg_is_refused, setup),
	    cmocka_unit_test_setup(test_bootmod_empty_module_is_refused, setup),
	    cmocka_unit_test_setup(test_bootmod_module_wrapping_the_address_space_is_refused,
				   setup),
	    cmocka_unit_test_setup(test_bootmod_bootargs_that_are_not_a_string_are_refused, setup),
	    cmocka_unit_test_setup(test_bootmod_bootargs_up_to_the_limit_are_kept, setup),
	    cmocka_unit_test_setup(test_bootmod_bootargs_too_long_are_refused, setup),
	    cmocka_unit_test_setup(test_bootmod_holds_exactly_bootmod_max_modules, setup),
	    cmocka_unit_test_setup(test_bootmod_one_module_too_many_is_refused_naming_it, setup),
	    cmocka_unit_test_setup(test_bootmod_malformed_chosen_cells_are_refused, setup),
	    cmocka_unit_test_setup(test_bootmod_chosen_cells_beyond_64_bits_are_refused, setup),
	    cmocka_unit_test_setup(test_bootmod_find_returns_modules_of_a_kind_in_order, setup),
	};

	return cmocka_run_group_tests_name("bootmod", tests, NULL, NULL);
}

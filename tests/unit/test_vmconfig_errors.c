// SPDX-License-Identifier: MIT
/* Tests of core/vmconfig.c and core/vmconfig_check.c: every invalid configuration is refused
 * with exactly one log line naming the node and the property, and nothing half-read is left
 * in the output. Trees are built with the FDT builder (some, such as two VMs of one name, no
 * dtc would write); the classes issue 14 names have DTS fixtures in test_vmconfig.c. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <core/err.h>
#include <core/lib.h>
#include <core/vmconfig.h>
#include <hal-sim/sim_hal.h>

#include "fixture.h"

#define KERNEL_AT 0x50000000u
#define IMAGE_AT  0x51000000u
#define ODD_AT	  0x52000000u

static const bool online[4] = {true, true, true, true};
static struct bootmod_list mods;
static struct vmconfig_machine machine;
static struct vmconfig cfg;

static int setup(void **state)
{
	sim_hal_reset();
	mods = (struct bootmod_list){.count = 3};
	mods.mod[0] = (struct bootmod){.kind = BOOTMOD_KERNEL, .base = KERNEL_AT, .size = 0x1000};
	mods.mod[1] = (struct bootmod){.kind = BOOTMOD_RAMDISK, .base = IMAGE_AT, .size = 0x2000};
	mods.mod[2] = (struct bootmod){.kind = BOOTMOD_RAMDISK, .base = ODD_AT, .size = 1000};
	machine = (struct vmconfig_machine){
	    .pcpu_online = online, .pcpu_count = 4, .free_bytes = 1ULL << 30, .modules = &mods};
	memset(&cfg, 0x5a, sizeof(cfg));
	return 0;
}

/* A VM node with its kernel; the caller adds properties and closes it. */
static void vm_begin(struct fdtb *b, const char *name)
{
	fdtb_begin_node(b, name);
	fdtb_prop_str(b, "kernel", "guest.bin");
	FDTB_CELLS(b, "kernel-module", 0, KERNEL_AT);
}

static void vm(struct fdtb *b, const char *name)
{
	vm_begin(b, name);
	fdtb_end_node(b);
}

static void flag(struct fdtb *b, const char *name)
{
	fdtb_prop(b, name, NULL, 0);
}

/* A configuration whose /vms `body` writes; root_extra (may be NULL) adds to the root. */
static int parse_built(void (*body)(struct fdtb *b), void (*root_extra)(struct fdtb *b))
{
	struct fdtb *b = fdtb_new();
	uint8_t *blob;
	size_t size;
	int ret;

	fdtb_begin_node(b, "");
	fdtb_prop_str(b, "compatible", "hv,config");
	if (root_extra)
		root_extra(b);
	if (body) {
		fdtb_begin_node(b, "vms");
		body(b);
		fdtb_end_node(b);
	}
	fdtb_end_node(b);
	blob = fdtb_finish(b, true, &size);
	ret = vmconfig_parse(blob, size, &machine, &cfg);
	free(blob);
	return ret;
}

static void assert_refused(int ret, const char *line)
{
	assert_true(ret < 0);
	assert_int_equal(cfg.count, 0);
	assert_int_equal(console_line_count(), 1);
	if (!console_has_line(line))
		fail_msg("expected the line \"%s\", the console says:\n%s", line, sim_hal.console);
}

/* --- one VM with one property too many or wrong: table-driven ------------------------- */

struct prop_case {
	const char *prop;
	const void *val;
	size_t len;
	const char *line;
};

#define BE32(v)	 (uint8_t)((v) >> 24), (uint8_t)((v) >> 16), (uint8_t)((v) >> 8), (uint8_t)(v)
#define VAL(...) (const uint8_t[]){__VA_ARGS__}, sizeof((const uint8_t[]){__VA_ARGS__})
#define STR(s)	 s, sizeof(s)

static const struct prop_case prop_cases[] = {
    {"memory-mib", VAL(BE32(0), BE32(512)),
     "error: config: /vms/vm0: memory-mib: must be one 32-bit cell, <n>"},
    {"memory-mib", VAL(BE32(3)),
     "error: config: /vms/vm0: memory-mib: 3 MiB is not a multiple of 2 MiB (guest RAM is "
     "mapped in 2 MiB blocks)"},
    {"memory-mib", VAL(BE32(0)),
     "error: config: /vms/vm0: memory-mib: 0 MiB; 2 to 1048576 "
     "are allowed"},
    {"vcpus", VAL(BE32(0)), "error: config: /vms/vm0: vcpus: 0 vCPUs; 1 to 8 are allowed"},
    {"console", VAL(BE32(1)), "error: config: /vms/vm0: console: is a flag and takes no value"},
    {"bootargs", VAL(BE32(1)), "error: config: /vms/vm0: bootargs: must be one string, \"...\""},
    {"bootargs", STR("a\0b"), "error: config: /vms/vm0: bootargs: must be one string, \"...\""},
    {"ram-base", VAL(1, 2, 3), "error: config: /vms/vm0: ram-base: must be an address, <hi lo>"},
    {"affinity", VAL(1, 2),
     "error: config: /vms/vm0: affinity: must be a list of 32-bit cells, "
     "<a b ...>"},
    {"affinity", VAL(BE32(0), BE32(1)),
     "error: config: /vms/vm0: affinity: names 2 pCPUs for 1 vCPUs (one per vCPU)"},
    {"weight", VAL(BE32(0)), "error: config: /vms/vm0: weight: 0; 1 to 65536 are allowed"},
    {"colour", STR("blue"), "error: config: /vms/vm0: colour: unknown property"},
    {"ffa-uuid", VAL(BE32(1)), "error: config: /vms/vm0: ffa-uuid: must be one string, \"...\""},
    {"ffa-peers", VAL(BE32(1)),
     "error: config: /vms/vm0: ffa-peers: must be a list of strings, \"a\", \"b\", ..."},
    {"ffa-peers", STR("vm0\0nobody"),
     "error: config: /vms/vm0: ffa-peers: no VM called \"nobody\""},
    {"ffa-uuid", STR("12345678-9abc-def0-0102-0304050607"),
     "error: config: /vms/vm0: ffa-uuid: \"12345678-9abc-def0-0102-0304050607\" is not a UUID "
     "(xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx)"},
    {"ffa-uuid", STR("12345678-9abc-def0-0102-03040506070g"),
     "error: config: /vms/vm0: ffa-uuid: \"12345678-9abc-def0-0102-03040506070g\" is not a UUID "
     "(xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx)"},
    {"ffa-uuid", STR("12345678_9abc-def0-0102-030405060708"),
     "error: config: /vms/vm0: ffa-uuid: \"12345678_9abc-def0-0102-030405060708\" is not a UUID "
     "(xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx)"},
    {"ffa-uuid", STR("123456789-abc-def0-0102-030405060708"),
     "error: config: /vms/vm0: ffa-uuid: \"123456789-abc-def0-0102-030405060708\" is not a UUID "
     "(xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx)"},
    {"ffa-direct-receiver", VAL(BE32(1)),
     "error: config: /vms/vm0: ffa-direct-receiver: is a flag and takes no value"},
    {"ffa-indirect-messages", STR("yes"),
     "error: config: /vms/vm0: ffa-indirect-messages: is a flag and takes no value"},
    {"ram-base", VAL(BE32(0), BE32(0x40100000)),
     "error: config: /vms/vm0: ram-base: 0x40100000: the RAM must be 0x200000-aligned"},
    {"ram-base", VAL(BE32(0xff), BE32(0xffe00000)),
     "error: config: /vms/vm0: ram-base: the RAM [0xffffe00000-0x10007e00000) ends beyond the "
     "guest's 40-bit address space"},
    {"gicd-base", VAL(BE32(0), BE32(0x08001000)),
     "error: config: /vms/vm0: gicd-base: 0x8001000: the GIC distributor must be "
     "0x10000-aligned"},
    {"uart-base", VAL(BE32(0), BE32(0x08000000)),
     "error: config: /vms/vm0: uart-base: the UART [0x8000000-0x8001000) overlaps the GIC "
     "distributor at 0x8000000"},
    {"rtc-base", VAL(BE32(0), BE32(0x090a0000)),
     "error: config: /vms/vm0: rtc-base: the stolen-time page [0x90a0000-0x90a1000) overlaps "
     "the RTC at 0x90a0000"},
    {"uart-intid", VAL(BE32(200)),
     "error: config: /vms/vm0: uart-intid: INTID 200 (1 of them): a VM has SPIs 32 to 95"},
    {"virtio-intid", VAL(BE32(30)),
     "error: config: /vms/vm0: virtio-intid: INTID 30 (32 of them): a VM has SPIs 32 to 95"},
    {"rtc-intid", VAL(BE32(33)),
     "error: config: /vms/vm0: rtc-intid: INTID 33 is also "
     "uart-intid's"},
    {"virtio-slots", VAL(BE32(33)),
     "error: config: /vms/vm0: virtio-slots: 33; at most 32 are allowed"},
    {"initrd-module", VAL(BE32(0), BE32(IMAGE_AT)),
     "error: config: /vms/vm0: initrd-module: given without initrd"},
    {"initrd", STR("initramfs.cpio.gz"),
     "error: config: /vms/vm0: initrd-module: missing for initrd (was the configuration built "
     "by tools/hvconfig.py?)"},
};

static const struct prop_case *current_case;

static void vm_with_case(struct fdtb *b)
{
	vm_begin(b, "vm0");
	fdtb_prop(b, current_case->prop, current_case->val, current_case->len);
	fdtb_end_node(b);
}

static void test_vmconfig_refuses_each_bad_property_with_its_name(void **state)
{
	for (size_t i = 0; i < ARRAY_SIZE(prop_cases); i++) {
		setup(state);
		current_case = &prop_cases[i];
		print_message("case %zu: %s\n", i, current_case->prop);
		assert_refused(parse_built(vm_with_case, NULL), current_case->line);
	}
}

/* --- whole-tree cases ---------------------------------------------------------------- */

static void two_vms_one_name(struct fdtb *b)
{
	vm(b, "twin");
	vm(b, "twin");
}

static void test_vmconfig_refuses_two_vms_of_one_name(void **state)
{
	assert_refused(parse_built(two_vms_one_name, NULL),
		       "error: config: /vms/twin: a second VM called \"twin\"");
}

static void no_vms(struct fdtb *b)
{
}

static void test_vmconfig_refuses_a_configuration_without_vms(void **state)
{
	assert_refused(parse_built(no_vms, NULL),
		       "error: config: /vms: no VM nodes: nothing to run");
	setup(state);
	assert_refused(parse_built(NULL, NULL), "error: config: /vms: missing: no VMs to run");
}

static void five_vms(struct fdtb *b)
{
	static const char *const names[] = {"v0", "v1", "v2", "v3", "v4"};

	for (size_t i = 0; i < ARRAY_SIZE(names); i++)
		vm(b, names[i]);
}

static void test_vmconfig_refuses_too_many_vms(void **state)
{
	assert_refused(parse_built(five_vms, NULL),
		       "error: config: /vms/v4: more than 4 VMs in one configuration");
}

static void chosen_node(struct fdtb *b)
{
	fdtb_begin_node(b, "chosen");
	fdtb_end_node(b);
}

static void root_pcpus_zero(struct fdtb *b)
{
	fdtb_prop_u32(b, "pcpus", 0);
}

static void one_vm(struct fdtb *b)
{
	vm(b, "vm0");
}

static void test_vmconfig_refuses_unknown_root_content(void **state)
{
	assert_refused(parse_built(one_vm, chosen_node),
		       "error: config: /chosen: unknown node (the root holds /vms only)");
	setup(state);
	assert_refused(parse_built(one_vm, root_pcpus_zero),
		       "error: config: /: pcpus: 0; 1 to 64 are allowed");
}

static void test_vmconfig_refuses_what_is_not_a_configuration(void **state)
{
	size_t size;
	uint8_t *host = fixture_load("hw_qemu_virt_1cpu.dtb", &size);
	uint8_t junk[16] = {1, 2, 3};

	int ret = vmconfig_parse(host, size, &machine, &cfg);

	free(host);
	assert_refused(ret, "error: config: /: compatible: must be \"hv,config\"");
	setup(state);
	assert_true(vmconfig_parse(junk, sizeof(junk), &machine, &cfg) < 0);
	assert_true(console_has_prefix("error: config: /: not a device tree"));
}

static void bad_names(struct fdtb *b)
{
	vm(b, "vm.1");
}

static void long_name(struct fdtb *b)
{
	vm(b, "a-name-of-thirty-two-characters!");
}

static void test_vmconfig_refuses_names_the_console_cannot_take(void **state)
{
	assert_refused(
	    parse_built(bad_names, NULL),
	    "error: config: /vms/vm.1: a VM's name may hold letters, digits, '-' and '_' "
	    "only");
	setup(state);
	assert_refused(parse_built(long_name, NULL),
		       "error: config: /vms/a-name-of-thirty-two-characters!: a VM's name is its "
		       "node name, 1 to 31 characters");
}

static void kernel_without_module(struct fdtb *b)
{
	fdtb_begin_node(b, "vm0");
	fdtb_prop_str(b, "kernel", "guest.bin");
	fdtb_end_node(b);
}

static void test_vmconfig_refuses_a_kernel_not_resolved_by_the_tool(void **state)
{
	assert_refused(parse_built(kernel_without_module, NULL),
		       "error: config: /vms/vm0: kernel-module: missing for kernel (was the "
		       "configuration built by tools/hvconfig.py?)");
}

static void two_consoles(struct fdtb *b)
{
	vm_begin(b, "a");
	flag(b, "console");
	fdtb_end_node(b);
	vm_begin(b, "b");
	flag(b, "console");
	fdtb_end_node(b);
}

static void test_vmconfig_refuses_two_console_vms(void **state)
{
	assert_refused(parse_built(two_consoles, NULL),
		       "error: config: /vms/b: console: also given by /vms/a: one VM gets console "
		       "input first");
}

static void long_bootargs(struct fdtb *b)
{
	char args[BOOTMOD_ARGS_MAX + 1];

	memset(args, 'x', sizeof(args) - 1);
	args[sizeof(args) - 1] = '\0';
	vm_begin(b, "vm0");
	fdtb_prop_str(b, "bootargs", args);
	fdtb_end_node(b);
}

static void test_vmconfig_refuses_bootargs_too_long(void **state)
{
	assert_refused(parse_built(long_bootargs, NULL),
		       "error: config: /vms/vm0: bootargs: 256 characters; at most 255");
}

/* --- disks --------------------------------------------------------------------------- */

enum disk_shape { HOST0, HOST0_SHARED, MEM, MEM_ODD, BOTH, NEITHER, SHARED_RW, HOST_NO_INDEX };

static void disk(struct fdtb *b, const char *name, enum disk_shape s)
{
	fdtb_begin_node(b, name);
	if (s == HOST0 || s == HOST0_SHARED || s == BOTH || s == SHARED_RW || s == HOST_NO_INDEX)
		fdtb_prop_str(b, "host-file", "disk.img");
	if (s == HOST0 || s == HOST0_SHARED || s == BOTH || s == SHARED_RW)
		fdtb_prop_u32(b, "host-index", 0);
	if (s == MEM || s == BOTH) {
		fdtb_prop_str(b, "memory-image", "mem.img");
		FDTB_CELLS(b, "image-module", 0, IMAGE_AT);
	}
	if (s == MEM_ODD) {
		fdtb_prop_str(b, "memory-image", "odd.img");
		FDTB_CELLS(b, "image-module", 0, ODD_AT);
	}
	if (s == HOST0_SHARED)
		flag(b, "read-only");
	if (s == HOST0_SHARED || s == SHARED_RW)
		flag(b, "shared");
	fdtb_end_node(b);
}

static enum disk_shape shape;

static void vm_with_disk(struct fdtb *b)
{
	vm_begin(b, "vm0");
	disk(b, "disk-0", shape);
	fdtb_end_node(b);
}

static void test_vmconfig_refuses_malformed_disks(void **state)
{
	static const struct {
		enum disk_shape shape;
		const char *line;
	} cases[] = {
	    {BOTH, "error: config: /vms/vm0/disk-0: memory-image: a disk is either host-file or "
		   "memory-image, not both"},
	    {NEITHER, "error: config: /vms/vm0/disk-0: host-file: a disk is either host-file or "
		      "memory-image, one is needed"},
	    {SHARED_RW, "error: config: /vms/vm0/disk-0: shared: only a read-only disk may be "
			"shared"},
	    {HOST_NO_INDEX, "error: config: /vms/vm0/disk-0: host-index: missing for host-file "
			    "(was the configuration built by tools/hvconfig.py?)"},
	    {MEM_ODD, "error: config: /vms/vm0/disk-0: image-module: the image is 1000 bytes, not "
		      "a multiple of 512"},
	};

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		setup(state);
		shape = cases[i].shape;
		assert_refused(parse_built(vm_with_disk, NULL), cases[i].line);
	}
}

static void one_disk_twice(struct fdtb *b)
{
	vm_begin(b, "vm0");
	disk(b, "disk-0", MEM);
	disk(b, "disk-1", MEM);
	fdtb_end_node(b);
}

static void five_disks(struct fdtb *b)
{
	static const char *const names[] = {"disk-0", "disk-1", "disk-2", "disk-3", "disk-4"};

	vm_begin(b, "vm0");
	for (uint32_t i = 0; i < ARRAY_SIZE(names); i++) {
		fdtb_begin_node(b, names[i]);
		fdtb_prop_str(b, "host-file", "d.img");
		fdtb_prop_u32(b, "host-index", i);
		fdtb_end_node(b);
	}
	fdtb_end_node(b);
}

static void memory_disk_in_two_vms(struct fdtb *b)
{
	vm_begin(b, "a");
	disk(b, "disk-0", MEM);
	fdtb_end_node(b);
	vm_begin(b, "b");
	disk(b, "disk-0", MEM);
	fdtb_end_node(b);
}

static void shared_disk_in_two_vms(struct fdtb *b)
{
	vm_begin(b, "a");
	disk(b, "disk-0", HOST0_SHARED);
	fdtb_end_node(b);
	vm_begin(b, "b");
	disk(b, "disk-0", HOST0_SHARED);
	fdtb_end_node(b);
}

static void vm_with_other_node(struct fdtb *b)
{
	vm_begin(b, "vm0");
	fdtb_begin_node(b, "uart");
	fdtb_end_node(b);
	fdtb_end_node(b);
}

static void test_vmconfig_refuses_disk_backends_used_twice(void **state)
{
	assert_refused(parse_built(one_disk_twice, NULL),
		       "error: config: /vms/vm0/disk-1: image-module: the same backend as this "
		       "VM's disk 0");
	setup(state);
	assert_refused(parse_built(memory_disk_in_two_vms, NULL),
		       "error: config: /vms/b/disk-0: image-module: the same backend as /vms/a's "
		       "disk 0; two VMs share a disk only if both say read-only and shared");
	setup(state);
	assert_int_equal(parse_built(shared_disk_in_two_vms, NULL), HV_OK);
	assert_int_equal(cfg.count, 2);
}

static void test_vmconfig_refuses_too_many_disks_and_other_nodes(void **state)
{
	assert_refused(parse_built(five_disks, NULL),
		       "error: config: /vms/vm0/disk-4: more than 4 disks");
	setup(state);
	assert_refused(parse_built(vm_with_other_node, NULL),
		       "error: config: /vms/vm0/uart: unknown node (a VM node holds disk-N nodes "
		       "only)");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup(test_vmconfig_refuses_each_bad_property_with_its_name, setup),
	    cmocka_unit_test_setup(test_vmconfig_refuses_two_vms_of_one_name, setup),
	    cmocka_unit_test_setup(test_vmconfig_refuses_a_configuration_without_vms, setup),
	    cmocka_unit_test_setup(test_vmconfig_refuses_too_many_vms, setup),
	    cmocka_unit_test_setup(test_vmconfig_refuses_unknown_root_content, setup),
	    cmocka_unit_test_setup(test_vmconfig_refuses_what_is_not_a_configuration, setup),
	    cmocka_unit_test_setup(test_vmconfig_refuses_names_the_console_cannot_take, setup),
	    cmocka_unit_test_setup(test_vmconfig_refuses_a_kernel_not_resolved_by_the_tool, setup),
	    cmocka_unit_test_setup(test_vmconfig_refuses_two_console_vms, setup),
	    cmocka_unit_test_setup(test_vmconfig_refuses_bootargs_too_long, setup),
	    cmocka_unit_test_setup(test_vmconfig_refuses_malformed_disks, setup),
	    cmocka_unit_test_setup(test_vmconfig_refuses_disk_backends_used_twice, setup),
	    cmocka_unit_test_setup(test_vmconfig_refuses_too_many_disks_and_other_nodes, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

// SPDX-License-Identifier: MIT
/* Tests of core/vmconfig_args.c: the one VM "vm0" that the hv.* boot arguments describe when
 * the machine has no configuration module: its vCPUs, RAM, placement, disks, kernel,
 * initramfs (never the memory disk's module) and bootargs, the defaults, and each refusal
 * with its message. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include <core/err.h>
#include <core/vmconfig.h>
#include <hal-sim/sim_hal.h>

#include "fixture.h"

#define KERNEL_ADDR  0x48000000ULL
#define INITRD_ADDR  0x49000000ULL
#define MEMDISK_ADDR 0x58000000ULL

static const bool online[4] = {true, true, true, false};
static struct bootmod_list mods;
static struct vmconfig cfg;

static const struct vmconfig_machine machine = {
    .pcpu_online = online,
    .pcpu_count = 4,
    .free_bytes = 1ULL << 30,
    .modules = &mods,
};

static void add_module(enum bootmod_kind kind, uint64_t base, uint64_t size, const char *args)
{
	struct bootmod *m = &mods.mod[mods.count++];

	*m = (struct bootmod){.kind = kind, .base = base, .size = size};
	strcpy(m->args, args);
}

static int setup(void **state)
{
	sim_hal_reset();
	memset(&mods, 0, sizeof(mods));
	memset(&cfg, 0xee, sizeof(cfg));
	add_module(BOOTMOD_KERNEL, KERNEL_ADDR, 0x10000, "console=ttyAMA0");
	return 0;
}

static int parse(const char *args)
{
	return vmconfig_from_bootargs(args, &machine, &cfg);
}

static void test_vmconfig_args_defaults_are_one_vcpu_128_mib_on_pcpu_0(void **state)
{
	struct vm_board def;

	assert_int_equal(parse(""), HV_OK);
	assert_int_equal(cfg.count, 1);
	assert_string_equal(cfg.vm[0].name, "vm0");
	assert_int_equal(cfg.vm[0].vcpus, 1);
	assert_int_equal(cfg.vm[0].pcpu_of[0], 0);
	assert_int_equal(cfg.vm[0].ram_size, 128ULL << 20);
	assert_int_equal(cfg.vm[0].kernel.base, KERNEL_ADDR);
	assert_int_equal(cfg.vm[0].kernel.size, 0x10000);
	assert_int_equal(cfg.vm[0].initrd.size, 0);
	assert_string_equal(cfg.vm[0].bootargs, "console=ttyAMA0");
	assert_int_equal(cfg.vm[0].disk_count, 0);
	assert_int_equal(cfg.vm[0].weight, VMCONFIG_DEFAULT_WEIGHT);
	assert_true(cfg.vm[0].console);
	vm_board_default(&def);
	assert_int_equal(cfg.vm[0].board.ram_base, def.ram_base);
	assert_int_equal(cfg.vm[0].board.gicd_base, def.gicd_base);
	assert_int_equal(cfg.vm[0].board.gicr_base, def.gicr_base);
	assert_int_equal(cfg.vm[0].board.uart_base, def.uart_base);
	assert_int_equal(cfg.vm[0].board.uart_intid, def.uart_intid);
	assert_int_equal(cfg.vm[0].board.rtc_base, def.rtc_base);
	assert_int_equal(cfg.vm[0].board.virtio_base, def.virtio_base);
	assert_int_equal(cfg.vm[0].board.virtio_slots, def.virtio_slots);
	assert_int_equal(def.ram_base, VM_RAM_BASE);
	assert_int_equal(def.uart_base, VM_PL011_BASE);
}

static void test_vmconfig_args_vcpus_ram_and_placement_are_taken(void **state)
{
	assert_int_equal(parse("hv.vcpus=4 hv.guest_mem=3 hv.pcpus=2"), HV_OK);
	assert_int_equal(cfg.vm[0].vcpus, 4);
	/* 3 MiB rounds up to whole 2 MiB blocks. */
	assert_int_equal(cfg.vm[0].ram_size, 4ULL << 20);
	for (unsigned i = 0; i < 4; i++)
		assert_int_equal(cfg.vm[0].pcpu_of[i], i % 2);
	assert_int_equal(parse("hv.vcpus=3 hv.affinity=2,0,1"), HV_OK);
	assert_int_equal(cfg.vm[0].pcpu_of[0], 2);
	assert_int_equal(cfg.vm[0].pcpu_of[1], 0);
	assert_int_equal(cfg.vm[0].pcpu_of[2], 1);
}

static void test_vmconfig_args_without_a_kernel_there_is_no_vm(void **state)
{
	mods.count = 0;
	add_module(BOOTMOD_RAMDISK, INITRD_ADDR, 0x1000, "");
	assert_int_equal(parse("hv.vcpus=2"), HV_OK);
	assert_int_equal(cfg.count, 0);
}

static void test_vmconfig_args_disks_host_then_memory_and_the_initrd_is_another_module(void **state)
{
	add_module(BOOTMOD_RAMDISK, MEMDISK_ADDR, 0x100000, "");
	add_module(BOOTMOD_RAMDISK, INITRD_ADDR, 0x2000, "");
	assert_int_equal(parse("hv.disk=host hv.memdisk=0x58000000 hv.memdisk.ro"), HV_OK);
	assert_int_equal(cfg.vm[0].disk_count, 2);
	assert_int_equal(cfg.vm[0].disks[0].kind, VMCONFIG_DISK_HOST);
	assert_int_equal(cfg.vm[0].disks[0].host_index, 0);
	assert_false(cfg.vm[0].disks[0].read_only);
	assert_int_equal(cfg.vm[0].disks[1].kind, VMCONFIG_DISK_MEMORY);
	assert_int_equal(cfg.vm[0].disks[1].image.base, MEMDISK_ADDR);
	assert_int_equal(cfg.vm[0].disks[1].image.size, 0x100000);
	assert_true(cfg.vm[0].disks[1].read_only);
	/* The memory disk's module comes first, but is never the initramfs. */
	assert_int_equal(cfg.vm[0].initrd.base, INITRD_ADDR);
	assert_int_equal(cfg.vm[0].initrd.size, 0x2000);

	assert_int_equal(parse("hv.memdisk=0x58000000"), HV_OK);
	assert_int_equal(cfg.vm[0].disk_count, 1);
	assert_false(cfg.vm[0].disks[0].read_only);
	/* Without hv.memdisk the first ramdisk is the initramfs. */
	assert_int_equal(parse(""), HV_OK);
	assert_int_equal(cfg.vm[0].initrd.base, MEMDISK_ADDR);
}

static void test_vmconfig_args_refusals_name_the_argument(void **state)
{
	assert_int_equal(parse("hv.vcpus=0"), HV_EINVAL);
	assert_true(console_has_line("error: boot: hv.vcpus= must be between 1 and 8"));
	assert_int_equal(parse("hv.vcpus=9"), HV_EINVAL);
	assert_int_equal(parse("hv.vcpus=x"), HV_EINVAL);
	assert_int_equal(parse("hv.guest_mem=0"), HV_EINVAL);
	assert_true(console_has_prefix("error: boot: hv.guest_mem= must be a size in MiB"));
	assert_int_equal(parse("hv.guest_mem=1048577"), HV_EINVAL);
	assert_int_equal(parse("hv.vcpus=2 hv.affinity=0,3"), HV_ENOENT);
	assert_true(console_has_prefix("error: vm0: vCPU placement: a vCPU is placed on a pCPU"));
	assert_int_equal(parse("hv.pcpus=5"), HV_ENOENT);
	assert_int_equal(parse("hv.memdisk=0x12345000"), HV_EINVAL);
	assert_true(
	    console_has_line("error: boot: hv.memdisk=0x12345000: no ramdisk module there"));
	assert_int_equal(parse("hv.memdisk=zz"), HV_EINVAL);
	assert_true(
	    console_has_line("error: boot: hv.memdisk= must be the address of a ramdisk module"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup(test_vmconfig_args_defaults_are_one_vcpu_128_mib_on_pcpu_0,
				   setup),
	    cmocka_unit_test_setup(test_vmconfig_args_vcpus_ram_and_placement_are_taken, setup),
	    cmocka_unit_test_setup(test_vmconfig_args_without_a_kernel_there_is_no_vm, setup),
	    cmocka_unit_test_setup(
		test_vmconfig_args_disks_host_then_memory_and_the_initrd_is_another_module, setup),
	    cmocka_unit_test_setup(test_vmconfig_args_refusals_name_the_argument, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

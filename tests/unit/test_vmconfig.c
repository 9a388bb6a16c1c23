// SPDX-License-Identifier: MIT
/* Tests of core/vmconfig.c and core/vmconfig_check.c: configurations as tools/hvconfig.py
 * compiles them (DTS fixtures vmconfig_*.dts) read into struct vmconfig, the defaults, the
 * configuration module found among the boot modules, and each class of invalid configuration
 * the issue names refused with one line naming the node and the property. The remaining
 * error cases, built with the FDT builder, are in test_vmconfig_errors.c. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <core/err.h>
#include <core/ffa.h>
#include <core/vmconfig.h>
#include <hal-sim/sim_hal.h>

#include "fixture.h"

/* The machine every fixture is checked against: 4 pCPUs of which pCPU 3 is offline, 2 GiB
 * free, boot modules where the fixtures say tools/hvconfig.py put them. */
static const bool online[4] = {true, true, true, false};
static struct bootmod_list mods;
static struct vmconfig_machine machine;
static struct vmconfig cfg;

static void add_module(enum bootmod_kind kind, uint64_t base, uint64_t size)
{
	mods.mod[mods.count++] = (struct bootmod){.kind = kind, .base = base, .size = size};
}

static int setup(void **state)
{
	sim_hal_reset();
	memset(&mods, 0, sizeof(mods));
	add_module(BOOTMOD_KERNEL, 0x50000000, 0x500000);
	add_module(BOOTMOD_RAMDISK, 0x50800000, 0xf1000);
	add_module(BOOTMOD_RAMDISK, 0x51000000, 0x100000);
	machine = (struct vmconfig_machine){
	    .pcpu_online = online, .pcpu_count = 4, .free_bytes = 2ULL << 30, .modules = &mods};
	memset(&cfg, 0x5a, sizeof(cfg)); /* everything must be written */
	return 0;
}

static int parse_fixture(const char *name)
{
	size_t size;
	uint8_t *blob = fixture_load(name, &size);
	int ret = vmconfig_parse(blob, size, &machine, &cfg);

	free(blob);
	return ret;
}

/* A refused configuration leaves nothing half-read behind and says why in one line. */
static void assert_refused(int ret, const char *line)
{
	assert_true(ret < 0);
	assert_int_equal(cfg.count, 0);
	assert_int_equal(console_line_count(), 1);
	if (!console_has_line(line))
		fail_msg("expected the line \"%s\", the console says:\n%s", line, sim_hal.console);
}

static void test_vmconfig_reads_every_property_of_a_vm(void **state)
{
	const struct vm_config *c = &cfg.vm[0];

	assert_int_equal(parse_fixture("vmconfig_one.dtb"), HV_OK);
	assert_int_equal(cfg.count, 1);
	assert_string_equal(c->name, "linux0");
	assert_string_equal(c->node, "/vms/linux0");
	assert_int_equal(c->vcpus, 4);
	assert_int_equal(c->pcpu_of[0], 0);
	assert_int_equal(c->pcpu_of[1], 1);
	assert_int_equal(c->pcpu_of[2], 2);
	assert_int_equal(c->pcpu_of[3], 0);
	assert_int_equal(c->ram_size, 512ULL << 20);
	assert_int_equal(c->board.ram_base, 0x80000000);
	/* Module sizes come from the boot module list, found by address. */
	assert_int_equal(c->kernel.base, 0x50000000);
	assert_int_equal(c->kernel.size, 0x500000);
	assert_int_equal(c->initrd.base, 0x50800000);
	assert_int_equal(c->initrd.size, 0xf1000);
	assert_string_equal(c->bootargs, "console=ttyAMA0 rdinit=/init");
	assert_int_equal(c->weight, 512);
	assert_true(c->console);
	assert_int_equal(c->disk_count, 2);
	assert_int_equal(c->disks[0].kind, VMCONFIG_DISK_HOST);
	assert_int_equal(c->disks[0].host_index, 0);
	assert_false(c->disks[0].read_only);
	assert_int_equal(c->disks[1].kind, VMCONFIG_DISK_MEMORY);
	assert_int_equal(c->disks[1].image.base, 0x51000000);
	assert_int_equal(c->disks[1].image.size, 0x100000);
	assert_true(c->disks[1].read_only);
	assert_false(c->disks[1].shared);
	assert_int_equal(console_line_count(), 0);
}

static void test_vmconfig_reads_ffa_uuids_and_messaging_flags(void **state)
{
	static const uint8_t a[16] = {0x12, 0x34, 0x56, 0x78, 0x9a, 0xbc, 0xde, 0xf0,
				      0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08};
	static const uint8_t b[16] = {0xb0, 0xb1, 0xb2, 0xb3, 0xb4, 0xb5, 0xb6, 0xb7,
				      0xb8, 0xb9, 0xba, 0xbb, 0xbc, 0xbd, 0xbe, 0xbf};

	assert_int_equal(parse_fixture("vmconfig_ffa.dtb"), HV_OK);
	assert_int_equal(cfg.count, 3);
	assert_memory_equal(cfg.vm[0].ffa_uuid, a, 16);
	assert_int_equal(cfg.vm[0].ffa_props, FFA_PART_PROP_DIRECT_RECV |
						  FFA_PART_PROP_DIRECT_SEND |
						  FFA_PART_PROP_INDIRECT);
	assert_memory_equal(cfg.vm[1].ffa_uuid, b, 16);
	assert_int_equal(cfg.vm[1].ffa_props, FFA_PART_PROP_DIRECT_RECV);
	assert_memory_equal(cfg.vm[2].ffa_uuid, (uint8_t[16]){0}, 16); /* the nil UUID */
	assert_int_equal(cfg.vm[2].ffa_props, 0);
	/* sp-a sees sp-b and itself, not plain; the others, without a list, see every VM. */
	assert_int_equal(cfg.vm[0].ffa_hidden, 1U << 2);
	assert_int_equal(cfg.vm[1].ffa_hidden, 0);
	assert_int_equal(cfg.vm[2].ffa_hidden, 0);
	assert_int_equal(console_line_count(), 0);
}

static void test_vmconfig_a_vm_with_only_a_kernel_gets_the_defaults(void **state)
{
	const struct vm_config *c = &cfg.vm[0];
	struct vm_board board;

	assert_int_equal(parse_fixture("vmconfig_defaults.dtb"), HV_OK);
	assert_int_equal(cfg.count, 1);
	assert_string_equal(c->name, "tiny");
	assert_int_equal(c->vcpus, 1);
	assert_int_equal(c->pcpu_of[0], 0);
	assert_int_equal(c->ram_size, 128ULL << 20);
	assert_int_equal(c->initrd.size, 0);
	assert_string_equal(c->bootargs, "");
	assert_int_equal(c->weight, VMCONFIG_DEFAULT_WEIGHT);
	assert_true(c->console); /* the only VM has the console */
	assert_int_equal(c->disk_count, 0);
	assert_memory_equal(c->ffa_uuid, (uint8_t[16]){0}, 16); /* an endpoint, nil UUID */
	assert_int_equal(c->ffa_props, 0);
	vm_board_default(&board);
	assert_int_equal(c->board.ram_base, board.ram_base);
	assert_int_equal(c->board.gicd_base, board.gicd_base);
	assert_int_equal(c->board.gicr_base, board.gicr_base);
	assert_int_equal(c->board.uart_base, board.uart_base);
	assert_int_equal(c->board.uart_intid, board.uart_intid);
	assert_int_equal(c->board.rtc_base, board.rtc_base);
	assert_int_equal(c->board.rtc_intid, board.rtc_intid);
	assert_int_equal(c->board.virtio_base, board.virtio_base);
	assert_int_equal(c->board.virtio_intid, board.virtio_intid);
	assert_int_equal(c->board.virtio_slots, board.virtio_slots);
}

static void test_vmconfig_default_board_is_the_qemu_virt_layout(void **state)
{
	struct vm_board b;

	memset(&b, 0x5a, sizeof(b));
	vm_board_default(&b);
	assert_int_equal(b.ram_base, 0x40000000);
	assert_int_equal(b.gicd_base, 0x08000000);
	assert_int_equal(b.gicr_base, 0x080a0000);
	assert_int_equal(b.uart_base, 0x09000000);
	assert_int_equal(b.uart_intid, 33);
	assert_int_equal(b.rtc_base, 0x09010000);
	assert_int_equal(b.rtc_intid, 34);
	assert_int_equal(b.virtio_base, 0x0a000000);
	assert_int_equal(b.virtio_intid, 48);
	assert_int_equal(b.virtio_slots, 32);
}

static void test_vmconfig_two_vms_may_share_a_read_only_shared_disk(void **state)
{
	assert_int_equal(parse_fixture("vmconfig_multi.dtb"), HV_OK);
	assert_int_equal(cfg.count, 2);
	assert_string_equal(cfg.vm[0].name, "vm-a");
	assert_string_equal(cfg.vm[1].name, "vm_b");
	assert_int_equal(cfg.vm[0].vcpus, 4);
	assert_int_equal(cfg.vm[1].vcpus, 1);
	assert_int_equal(cfg.vm[0].disks[0].host_index, 0);
	assert_int_equal(cfg.vm[1].disks[0].host_index, 1);
	assert_true(cfg.vm[0].disks[1].shared && cfg.vm[1].disks[1].shared);
	assert_int_equal(cfg.vm[0].disks[1].image.base, cfg.vm[1].disks[1].image.base);
	/* The one that asks for the console gets it, and only it. */
	assert_false(cfg.vm[0].console);
	assert_true(cfg.vm[1].console);
}

static void test_vmconfig_reads_a_moved_board(void **state)
{
	const struct vm_board *b = &cfg.vm[0].board;

	assert_int_equal(parse_fixture("vmconfig_board.dtb"), HV_OK);
	assert_int_equal(b->ram_base, 0x100000000ULL);
	assert_int_equal(b->gicd_base, 0x20000000);
	assert_int_equal(b->gicr_base, 0x20100000);
	assert_int_equal(b->uart_base, 0x21000000);
	assert_int_equal(b->uart_intid, 40);
	assert_int_equal(b->rtc_base, 0); /* no RTC */
	assert_int_equal(b->virtio_base, 0x22000000);
	assert_int_equal(b->virtio_intid, 64);
	assert_int_equal(b->virtio_slots, 4);
}

/* --- the classes of invalid configuration issue 14 names ------------------------------- */

static void test_vmconfig_refuses_a_vm_without_a_kernel(void **state)
{
	assert_refused(parse_fixture("vmconfig_err_no_kernel.dtb"),
		       "error: config: /vms/nokernel: kernel: missing: every VM needs a kernel "
		       "image");
}

static void test_vmconfig_refuses_ram_overlapping_a_device(void **state)
{
	assert_refused(parse_fixture("vmconfig_err_ram_overlap.dtb"),
		       "error: config: /vms/clash: ram-base: RAM [0x8000000-0x18000000) overlaps "
		       "the GIC distributor [0x8000000-0x8010000)");
}

static void test_vmconfig_refuses_more_vcpus_than_allowed(void **state)
{
	assert_refused(parse_fixture("vmconfig_err_vcpus.dtb"),
		       "error: config: /vms/big: vcpus: 9 vCPUs; 1 to 8 are allowed");
}

static void test_vmconfig_refuses_affinity_to_an_absent_pcpu(void **state)
{
	assert_refused(parse_fixture("vmconfig_err_affinity.dtb"),
		       "error: config: /vms/far: affinity: vCPU 1 on pCPU 7, but the machine has "
		       "4 pCPU(s)");
}

static void test_vmconfig_refuses_more_ram_than_is_free(void **state)
{
	assert_refused(parse_fixture("vmconfig_err_memory.dtb"),
		       "error: config: /vms/b: memory-mib: 1536 MiB more makes 2560 MiB of guest "
		       "RAM in all, but 2048 MiB are free");
}

static void test_vmconfig_refuses_two_vms_on_one_disk_backend(void **state)
{
	assert_refused(parse_fixture("vmconfig_err_disk.dtb"),
		       "error: config: /vms/b/disk-0: host-index: the same backend as /vms/a's "
		       "disk 0; two VMs share a disk only if both say read-only and shared");
}

static void test_vmconfig_refuses_an_unknown_property(void **state)
{
	assert_refused(parse_fixture("vmconfig_err_unknown.dtb"),
		       "error: config: /vms/typo: memory-mb: unknown property");
}

static void test_vmconfig_refuses_a_property_of_the_wrong_type(void **state)
{
	assert_refused(parse_fixture("vmconfig_err_type.dtb"),
		       "error: config: /vms/words: vcpus: must be one 32-bit cell, <n>");
}

static void test_vmconfig_refuses_affinity_to_an_offline_pcpu(void **state)
{
	size_t size;
	uint8_t *blob = fixture_load("vmconfig_one.dtb", &size);
	static const bool three_of_four[4] = {true, true, false, true};

	machine.pcpu_online = three_of_four; /* linux0 puts vCPU 2 on pCPU 2 */
	assert_refused(
	    vmconfig_parse(blob, size, &machine, &cfg),
	    "error: config: /vms/linux0: affinity: vCPU 2 on pCPU 2, which is not online "
	    "(3 pCPU(s) are)");
	free(blob);
}

static void test_vmconfig_refuses_a_kernel_module_that_is_not_there(void **state)
{
	mods.count = 0; /* as if booted without tools/hvconfig.py's modules */
	assert_refused(parse_fixture("vmconfig_defaults.dtb"),
		       "error: config: /vms/tiny: kernel-module: no boot module at 0x50000000 "
		       "(was the configuration built by tools/hvconfig.py?)");
}

/* --- the configuration module ---------------------------------------------------------- */

static struct bootmod module_at(enum bootmod_kind kind, const void *bytes, size_t size)
{
	return (struct bootmod){.kind = kind, .base = (uintptr_t)bytes, .size = size};
}

static void test_vmconfig_finds_the_config_among_the_modules(void **state)
{
	size_t cfg_size, other_size;
	uint8_t *config = fixture_load("vmconfig_one.dtb", &cfg_size);
	uint8_t *other = fixture_load("hw_qemu_virt_1cpu.dtb", &other_size);
	uint8_t junk[64] = {0xd0, 0x0d, 0xfe, 0xed}; /* an FDT magic, then nothing valid */
	struct bootmod_list l = {0};

	l.mod[l.count++] = module_at(BOOTMOD_RAMDISK, junk, sizeof(junk));
	l.mod[l.count++] = module_at(BOOTMOD_RAMDISK, other, other_size);
	/* The right bytes as a kernel module are a kernel, not the configuration. */
	l.mod[l.count++] = module_at(BOOTMOD_KERNEL, config, cfg_size);
	assert_null(vmconfig_find_module(&l));

	l.mod[l.count++] = module_at(BOOTMOD_RAMDISK, config, cfg_size);
	assert_ptr_equal(vmconfig_find_module(&l), &l.mod[3]);

	l.count = 0;
	assert_null(vmconfig_find_module(&l));
	free(config);
	free(other);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup(test_vmconfig_reads_every_property_of_a_vm, setup),
	    cmocka_unit_test_setup(test_vmconfig_a_vm_with_only_a_kernel_gets_the_defaults, setup),
	    cmocka_unit_test_setup(test_vmconfig_reads_ffa_uuids_and_messaging_flags, setup),
	    cmocka_unit_test_setup(test_vmconfig_default_board_is_the_qemu_virt_layout, setup),
	    cmocka_unit_test_setup(test_vmconfig_two_vms_may_share_a_read_only_shared_disk, setup),
	    cmocka_unit_test_setup(test_vmconfig_reads_a_moved_board, setup),
	    cmocka_unit_test_setup(test_vmconfig_refuses_a_vm_without_a_kernel, setup),
	    cmocka_unit_test_setup(test_vmconfig_refuses_ram_overlapping_a_device, setup),
	    cmocka_unit_test_setup(test_vmconfig_refuses_more_vcpus_than_allowed, setup),
	    cmocka_unit_test_setup(test_vmconfig_refuses_affinity_to_an_absent_pcpu, setup),
	    cmocka_unit_test_setup(test_vmconfig_refuses_more_ram_than_is_free, setup),
	    cmocka_unit_test_setup(test_vmconfig_refuses_two_vms_on_one_disk_backend, setup),
	    cmocka_unit_test_setup(test_vmconfig_refuses_an_unknown_property, setup),
	    cmocka_unit_test_setup(test_vmconfig_refuses_a_property_of_the_wrong_type, setup),
	    cmocka_unit_test_setup(test_vmconfig_refuses_affinity_to_an_offline_pcpu, setup),
	    cmocka_unit_test_setup(test_vmconfig_refuses_a_kernel_module_that_is_not_there, setup),
	    cmocka_unit_test_setup(test_vmconfig_finds_the_config_among_the_modules, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

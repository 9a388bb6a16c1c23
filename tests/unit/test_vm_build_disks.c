// SPDX-License-Identifier: MIT
/* Tests of the host disks of vdev/vm_build.c: a VM that names the machine's virtio-blk disk n
 * gets it (brought up once, then kept for every later life), and one that names a disk the
 * machine lacks, or one past what the hypervisor serves, is not made and says why. The machine
 * has two virtio-mmio transports: an empty one and, at the higher address (where QEMU puts the
 * first -device), a 1 MiB disk. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <core/err.h>
#include <core/hwinfo.h>
#include <core/lib.h>
#include <core/palloc.h>
#include <core/vm.h>
#include <core/vmconfig.h>
#include <hal-sim/sim_hal.h>
#include <hal-sim/sim_virtio_blk.h>
#include <sim/sim.h>
#include <vdev/vm_build.h>

#include "fixture.h"
#include "host_mem.h"

#define ARENA_SIZE   (16ULL << 20)
#define GUEST_RAM    (4ULL << 20)
#define KERNEL_SIZE  0x1000
#define HOST_VIRTIO  0x1a000000ULL /* the machine's transports, not a guest's */
#define DISK_SECTORS 2048
#define SECTOR	     512

static struct sim_vblk transports[2];
static uint8_t *disk;
static void *arena, *kernel;
static struct palloc alloc;
static struct hw_info hw;
static struct vm_config cfg;
static struct vm_build_env env;

static int setup(void **state)
{
	sim_hal_reset();
	sim_hal.pa_bits = SIM_PA_BITS;
	disk = calloc(DISK_SECTORS, SECTOR);
	assert_non_null(disk);
	memset(&hw, 0, sizeof(hw));
	for (unsigned n = 0; n < 2; n++) {
		uint64_t base = HOST_VIRTIO + 0x200 * n;

		hw.virtio[n] = (struct hw_virtio_mmio){{base, 0x200}, 48 + n, true};
		sim_vblk_init(&transports[n], disk, DISK_SECTORS);
		transports[n].device_id = n == 1 ? 2 : 0;
		sim_vblk_attach(&transports[n], base);
	}
	hw.virtio_count = 2;
	arena = host_mem_alloc(ARENA_SIZE, SZ_2M);
	kernel = host_mem_alloc(KERNEL_SIZE, PAGE_SIZE);
	memset(kernel, 0x1f, KERNEL_SIZE);
	palloc_init(&alloc);
	assert_int_equal(palloc_add(&alloc, host_mem_pa(arena), ARENA_SIZE), HV_OK);
	env = (struct vm_build_env){.alloc = &alloc,
				    .hw = &hw,
				    .ipa_bits = SIM_IPA_BITS,
				    .pa_bits = SIM_PA_BITS,
				    .nr_spis = 64};
	memset(&cfg, 0, sizeof(cfg));
	strcpy(cfg.name, "gamma");
	cfg.vcpus = 1;
	cfg.ram_size = GUEST_RAM;
	cfg.kernel = (struct vmconfig_span){host_mem_pa(kernel), KERNEL_SIZE};
	cfg.weight = VMCONFIG_DEFAULT_WEIGHT;
	vm_board_default(&cfg.board);
	cfg.disks[0] = (struct vmconfig_disk){.kind = VMCONFIG_DISK_HOST};
	cfg.disk_count = 1;
	return 0;
}

static int teardown(void **state)
{
	host_mem_free(kernel);
	host_mem_free(arena);
	free(disk);
	return 0;
}

static unsigned occurrences(const char *text)
{
	unsigned n = 0;

	for (const char *at = sim_hal.console; (at = strstr(at, text)) != NULL; at++)
		n++;
	return n;
}

/* One test: the disks brought up stay up for the binary's life (vm_build.c keeps them). */
static void test_vm_build_host_disks(void **state)
{
	uint64_t free_before = palloc_free_bytes(&alloc);
	struct vm *vm;

	cfg.disks[0].host_index = 1; /* the machine has one disk: number 0 */
	assert_int_equal(vm_build(&cfg, &env, &vm), HV_ENOENT);
	assert_true(console_has_line("error: gamma: host disk 1: the machine has no such "
				     "virtio-blk disk"));
	assert_int_equal(palloc_free_bytes(&alloc), free_before);

	cfg.disks[0].host_index = 8;
	assert_int_equal(vm_build(&cfg, &env, &vm), HV_EINVAL);
	assert_true(
	    console_has_line("error: gamma: host disk 8: the hypervisor serves disks 0..7"));
	assert_int_equal(palloc_free_bytes(&alloc), free_before);

	/* Disk 0, in two lives of the VM: brought up by the first, kept for the second. */
	cfg.disks[0].host_index = 0;
	for (unsigned life = 0; life < 2; life++) {
		assert_int_equal(vm_build(&cfg, &env, &vm), HV_OK);
		assert_non_null(vm_find_mmio(vm, cfg.board.virtio_base));
		vm_destroy(vm);
	}
	assert_true(console_has_line("gamma: disk vda: hostblk@0x1a000200, 1 MiB (virtio-mmio "
				     "0xa000000, INTID 48)"));
	assert_int_equal(occurrences("hostblk@0x1a000200: virtio-blk, 2048 sectors"), 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_vm_build_host_disks, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

// SPDX-License-Identifier: MIT
/* Tests of the VM lifecycle: vdev/vm_build.c (a VM from its struct vm_config, at its board's
 * addresses, its DTB listing only its own RAM, CPUs and devices), core/vm_ctl.c (the VM manager:
 * requests, a stopped VM freed only once its vCPUs left every run queue, a reset making it
 * again from its images with nothing leaked and its RAM zeroed, how the run ends) and the run
 * queues VMs join and leave (core/sched.c). Two VMs: "alpha" (2 vCPUs on pCPU 0, a board of
 * its own, a memory disk) and "beta" (1 vCPU on pCPU 1, the default board), on a simulated
 * machine whose pCPU 1 never runs: beta keeps "running" while alpha lives and dies. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <core/console_vm.h>
#include <core/err.h>
#include <core/gmem.h>
#include <core/hwinfo.h>
#include <core/irq.h>
#include <core/lib.h>
#include <core/palloc.h>
#include <core/sched.h>
#include <core/smccc.h>
#include <core/vm.h>
#include <core/vm_ctl.h>
#include <core/vmconfig.h>
#include <hal-sim/sim_hal.h>
#include <sim/sim.h>
#include <vdev/virtio_blk.h>
#include <vdev/vm_build.h>

#include "fixture.h"
#include "host_mem.h"

#define ARENA_SIZE   (64ULL << 20)
#define ALPHA_RAM    (8ULL << 20)
#define BETA_RAM     (4ULL << 20)
#define ALPHA_BASE   0x80000000ULL
#define ALPHA_UART   0x1c090000ULL
#define ALPHA_INTID  37
#define KERNEL_SIZE  0x4000
#define DISK_SIZE    0x10000
#define PROBE_OFFSET (1ULL << 20) /* a RAM byte no image covers */
#define LIVES	     20 /* more than VM_MAX slots and VIRTIO_BLK_MAX disks: a leak shows */

static void *arena, *kernel, *disk;
static struct palloc alloc;
static struct vmconfig config;
static struct vm_build_env env;

static int build(const struct vm_config *cfg, struct vm **out)
{
	return vm_build(cfg, &env, out);
}

static void config_vm(struct vm_config *c, const char *name, unsigned vcpus, unsigned pcpu,
		      uint64_t ram)
{
	memset(c, 0, sizeof(*c));
	strcpy(c->name, name);
	c->vcpus = vcpus;
	for (unsigned i = 0; i < vcpus; i++)
		c->pcpu_of[i] = pcpu;
	c->ram_size = ram;
	c->kernel = (struct vmconfig_span){host_mem_pa(kernel), KERNEL_SIZE};
	strcpy(c->bootargs, "console=ttyAMA0");
	c->weight = 100;
	c->console = true;
	vm_board_default(&c->board);
}

static int setup(void **state)
{
	struct vm_config *alpha = &config.vm[0];

	sim_hal_reset();
	sim_hal.pa_bits = SIM_PA_BITS;
	arena = host_mem_alloc(ARENA_SIZE, SZ_2M);
	kernel = host_mem_alloc(KERNEL_SIZE, PAGE_SIZE);
	disk = host_mem_alloc(DISK_SIZE, PAGE_SIZE);
	memset(kernel, 0x1f, KERNEL_SIZE); /* a raw image: no arm64 header */
	palloc_init(&alloc);
	assert_int_equal(palloc_add(&alloc, host_mem_pa(arena), ARENA_SIZE), HV_OK);
	env = (struct vm_build_env){
	    .alloc = &alloc, .ipa_bits = SIM_IPA_BITS, .pa_bits = SIM_PA_BITS, .nr_spis = 64};

	config_vm(alpha, "alpha", 2, 0, ALPHA_RAM);
	alpha->board.ram_base = ALPHA_BASE;
	alpha->board.uart_base = ALPHA_UART;
	alpha->board.uart_intid = ALPHA_INTID;
	alpha->board.rtc_base = 0; /* no vPL031 */
	alpha->weight = 300;
	alpha->disks[0] = (struct vmconfig_disk){.kind = VMCONFIG_DISK_MEMORY,
						 .image = {host_mem_pa(disk), DISK_SIZE}};
	alpha->disk_count = 1;
	config_vm(&config.vm[1], "beta", 1, 1, BETA_RAM);
	config.vm[1].console = false; /* alpha has the input first */
	config.count = 2;
	return 0;
}

/* Play pCPU `pcpu` and run its queue: the vCPUs of stopped VMs leave it. Only for queues whose
 * VMs have all stopped (nothing here runs a guest). */
static void leave_queue_of(unsigned pcpu)
{
	unsigned was = sim_hal.cpu_id;

	sim_hal.cpu_id = pcpu;
	sched_run();
	sim_hal.cpu_id = was;
}

static int teardown(void **state)
{
	/* Stop whatever lives (a pending reset makes one more life: stop that too). */
	for (unsigned round = 0; round < 4; round++) {
		for (unsigned i = 0; i < config.count; i++) {
			struct vm *vm = vm_ctl_vm(i);

			if (vm)
				vm_stop(vm, 0);
		}
		leave_queue_of(0);
		leave_queue_of(1);
		if (vm_ctl_manage_step() == HV_ENOENT)
			break;
	}
	irq_set_console_focus(NULL);
	host_mem_free(disk);
	host_mem_free(kernel);
	host_mem_free(arena);
	return 0;
}

static void test_vm_build_puts_ram_and_devices_where_its_board_says(void **state)
{
	struct vm *vm;
	struct hw_info hw;
	uint64_t dtb_ipa = ALPHA_BASE + ALPHA_RAM - SZ_2M;
	uint8_t *blob = malloc(0x8000);

	assert_int_equal(vm_build(&config.vm[0], &env, &vm), HV_OK);
	assert_int_equal(vm->ram_count, 1);
	assert_int_equal(vm->ram[0].ipa, ALPHA_BASE);
	assert_int_equal(vm->ram[0].size, ALPHA_RAM);
	assert_int_equal(vm->weight, 300);
	assert_string_equal(vm_find_mmio(vm, ALPHA_UART)->name, "pl011");
	assert_null(vm_find_mmio(vm, VM_PL011_BASE));
	assert_null(vm_find_mmio(vm, VM_PL031_BASE));
	assert_non_null(vm_find_mmio(vm, VM_GICD_BASE));
	assert_non_null(vm_find_mmio(vm, VM_VIRTIO_BASE));
	assert_int_equal(vm->vcpus[0].state, VCPU_RUNNABLE);
	assert_int_equal(vm->vcpus[1].state, VCPU_OFF);
	assert_int_equal(vm->vcpus[0].ctx.pc, ALPHA_BASE + 0x80000); /* a raw image's place */

	/* Its DTB, read as its kernel would: its own RAM, CPUs and UART, and its disk. */
	assert_int_equal(gmem_read(vm, dtb_ipa, blob, 0x8000), HV_OK);
	assert_int_equal(hw_discover(blob, 0x8000, &hw), HV_OK);
	assert_int_equal(hw.mem_count, 1);
	assert_int_equal(hw.mem[0].base, ALPHA_BASE);
	assert_int_equal(hw.mem[0].size, ALPHA_RAM);
	assert_int_equal(hw.cpu_count, 2);
	assert_int_equal(hw.uart.reg.base, ALPHA_UART);
	assert_int_equal(hw.uart.intid, ALPHA_INTID);
	assert_false(hw.rtc.present);
	assert_int_equal(hw.virtio_count, VM_VIRTIO_SLOTS);
	assert_int_equal(hw.virtio[0].reg.base, VM_VIRTIO_BASE);
	free(blob);

	assert_true(sched_vm_gone(vm)); /* made, not queued: the manager queues it */
	vm_destroy(vm);
}

static void test_vm_build_that_fails_leaves_nothing_behind(void **state)
{
	uint64_t free_before = palloc_free_bytes(&alloc);
	struct vm *vm;

	config.vm[0].ram_size = ARENA_SIZE; /* more than is free */
	assert_int_equal(vm_build(&config.vm[0], &env, &vm), HV_ENOMEM);
	assert_true(console_has_prefix("error: alpha: no room for 64 MiB of guest RAM: only "));
	/* Nothing allocated, no vCPU queued. */
	assert_int_equal(palloc_free_bytes(&alloc), free_before);
	config.vm[0].ram_size = ALPHA_RAM;
	config.vm[0].pcpu_of[1] = HV_MAX_CPUS; /* no such pCPU: placement is checked last */
	assert_int_equal(vm_build(&config.vm[0], &env, &vm), HV_EINVAL);
	assert_int_equal(palloc_free_bytes(&alloc), free_before);
}

/* A VM whose vCPUs find no room on their run queues is not made (the manager gives up). */
static void test_vm_ctl_a_vm_without_room_on_its_queues_is_not_made(void **state)
{
	uint64_t free_before = palloc_free_bytes(&alloc);
	struct vm *filler;

	config.count = 1;
	assert_int_equal(vm_build(&config.vm[1], &env, &filler), HV_OK);
	for (unsigned i = 0; i < SCHED_MAX_VCPUS - 1; i++) /* pCPU 0 has room for one */
		assert_int_equal(sched_assign(&filler->vcpus[0], 0), HV_OK);
	assert_int_equal(vm_ctl_init(&config, build, false), HV_ENOMEM);
	assert_true(console_has_line(
	    "error: alpha: vCPU placement: a run queue has no room for its vCPUs"));
	assert_null(vm_ctl_vm(0));
	vm_stop(filler, 0);
	leave_queue_of(0);
	assert_true(sched_vm_gone(filler));
	vm_destroy(filler);
	assert_int_equal(palloc_free_bytes(&alloc), free_before);
}

static void test_vm_ctl_finds_vms_by_name_and_takes_one_request_at_a_time(void **state)
{
	assert_int_equal(vm_ctl_init(&config, build, false), HV_OK);
	assert_int_equal(vm_ctl_find("alpha"), 0);
	assert_int_equal(vm_ctl_find("beta"), 1);
	assert_int_equal(vm_ctl_find("gamma"), -1);
	assert_int_equal(vm_ctl_index_of(vm_ctl_vm(1)), 1);
	/* Each is an FF-A endpoint, id 1 + its index (docs/ffa.md). */
	assert_int_equal(vm_ctl_vm(0)->ffa.id, 1);
	assert_int_equal(vm_ctl_vm(1)->ffa.id, 2);
	assert_int_equal(vm_ctl_request(2, VM_CTL_STOP), HV_EINVAL);
	/* START of a running VM changes nothing, and is done with: the next request is taken. */
	assert_int_equal(vm_ctl_request(0, VM_CTL_START), HV_OK);
	assert_int_equal(vm_ctl_manage_step(), HV_OK);
	assert_true(vm_alive(vm_ctl_vm(0)));
	assert_int_equal(vm_ctl_request(0, VM_CTL_RESET), HV_OK);
	assert_int_equal(vm_ctl_request(0, VM_CTL_STOP), HV_EBUSY);
	/* The VMs are on the console, in the order they were made. */
	assert_ptr_equal(console_vm_next(NULL), vm_ctl_vm(0));
	assert_ptr_equal(console_vm_next(vm_ctl_vm(0)), vm_ctl_vm(1));
}

static void test_vm_ctl_frees_a_stopped_vm_only_once_its_vcpus_left_every_queue(void **state)
{
	struct vm *alpha;

	assert_int_equal(vm_ctl_init(&config, build, false), HV_OK);
	alpha = vm_ctl_vm(0);
	assert_int_equal(vm_ctl_request(0, VM_CTL_STOP), HV_OK);
	assert_int_equal(vm_ctl_manage_step(), HV_OK);
	/* Stopped, but its vCPUs are still on pCPU 0's queue: not freed yet. */
	assert_false(vm_alive(alpha));
	assert_false(sched_vm_gone(alpha));
	assert_ptr_equal(vm_ctl_vm(0), alpha);
	assert_int_equal(vm_ctl_manage_step(), HV_OK);
	assert_int_not_equal(alpha->state, VM_FREE);

	leave_queue_of(0);
	assert_true(sched_vm_gone(alpha));
	assert_int_equal(alpha->vcpus[0].state, VCPU_OFF);
	assert_int_equal(vm_ctl_manage_step(), HV_OK); /* beta still runs */
	assert_null(vm_ctl_vm(0));
	assert_int_equal(alpha->state, VM_FREE);
	assert_true(console_has_prefix("alpha: stopped with status 0 after "));
	/* It left the console; a START makes it again, and puts it back (last). */
	assert_ptr_equal(console_vm_next(NULL), vm_ctl_vm(1));
	assert_null(console_vm_next(vm_ctl_vm(1)));
	assert_int_equal(vm_ctl_request(0, VM_CTL_START), HV_OK);
	assert_int_equal(vm_ctl_manage_step(), HV_OK);
	assert_non_null(vm_ctl_vm(0));
	assert_true(vm_alive(vm_ctl_vm(0)));
	assert_ptr_equal(console_vm_next(vm_ctl_vm(1)), vm_ctl_vm(0));
}

/* A reset, LIVES times: each life is a new VM from the same images, its RAM zeroed where the
 * last one wrote, every page, VMID, VM slot and virtio-blk device of the old life given back,
 * and the other VM untouched. */
static void test_vm_ctl_reset_makes_the_vm_again_and_leaks_nothing(void **state)
{
	static const uint8_t secret[8] = "alpha#1";
	struct vm *beta;
	uint64_t free_bytes;
	uint32_t beta_gen;

	assert_int_equal(vm_ctl_init(&config, build, false), HV_OK);
	beta = vm_ctl_vm(1);
	beta_gen = vm_generation(beta);
	free_bytes = palloc_free_bytes(&alloc);
	for (unsigned life = 1; life <= LIVES; life++) {
		struct vm *alpha = vm_ctl_vm(0), *again;
		uint32_t gen = vm_generation(alpha);
		uint8_t seen[8];

		assert_non_null(alpha);
		assert_int_equal(gmem_write(alpha, ALPHA_BASE + PROBE_OFFSET, secret, 8), HV_OK);
		alpha->ffa.pages = 1; /* an FF-A RX/TX pair mapped, its RX full */
		alpha->ffa.rx_full = true;
		assert_int_equal(vm_ctl_request(0, VM_CTL_RESET), HV_OK);
		assert_int_equal(vm_ctl_manage_step(), HV_OK);
		assert_false(vm_alive(alpha));
		leave_queue_of(0);
		assert_int_equal(vm_ctl_manage_step(), HV_OK);

		again = vm_ctl_vm(0);
		assert_non_null(again);
		assert_true(vm_alive(again));
		assert_int_not_equal(vm_generation(again), gen);
		assert_int_equal(palloc_free_bytes(&alloc), free_bytes);
		assert_int_equal(gmem_read(again, ALPHA_BASE + PROBE_OFFSET, seen, 8), HV_OK);
		assert_memory_equal(seen, (uint8_t[8]){0}, 8);
		/* The same endpoint id, no RX/TX pair and the FF-A version not negotiated. */
		assert_int_equal(again->ffa.id, 1);
		assert_int_equal(again->ffa.pages, 0);
		assert_false(again->ffa.rx_full);
		assert_int_equal(again->vcpus[0].state, VCPU_RUNNABLE);
		assert_int_equal(again->vcpus[1].state, VCPU_OFF);
		assert_ptr_equal(vm_ctl_vm(1), beta);
		assert_true(vm_alive(beta));
	}
	assert_int_equal(vm_generation(beta), beta_gen);
	assert_true(console_has_line("alpha: reset: starting again from its images"));
}

/* Reset `index` and let the manager make it again. */
static void reset_and_remake(unsigned index, unsigned pcpu)
{
	assert_int_equal(vm_ctl_request(index, VM_CTL_RESET), HV_OK);
	assert_int_equal(vm_ctl_manage_step(), HV_OK);
	leave_queue_of(pcpu);
	assert_int_equal(vm_ctl_manage_step(), HV_OK);
	assert_non_null(vm_ctl_vm(index));
}

/* Who typed `reboot` into a VM gets its shell back: a VM that resets keeps the input focus if it
 * had it, and takes it from nobody otherwise. Lines stay tagged even while the one VM left
 * running is between two lives. */
static void test_vm_ctl_a_vm_that_resets_keeps_its_console(void **state)
{
	assert_int_equal(vm_ctl_init(&config, build, false), HV_OK);
	assert_true(console_vm_tagging());
	assert_true(irq_console_focus_is(vm_ctl_vm(0)));

	reset_and_remake(1, 1); /* beta, without the focus */
	assert_true(irq_console_focus_is(vm_ctl_vm(0)));

	vm_stop(vm_ctl_vm(1), 0); /* beta off for good: alpha runs alone */
	leave_queue_of(1);
	assert_int_equal(vm_ctl_manage_step(), HV_OK);
	reset_and_remake(0, 0);
	assert_true(irq_console_focus_is(vm_ctl_vm(0)));
	assert_true(console_vm_tagging());
}

static void test_vm_ctl_the_run_ends_with_the_first_non_zero_status(void **state)
{
	assert_int_equal(vm_ctl_init(&config, build, false), HV_OK);
	vm_stop(vm_ctl_vm(0), 0); /* as PSCI SYSTEM_OFF */
	leave_queue_of(0);
	assert_int_equal(vm_ctl_manage_step(), HV_OK);
	assert_int_equal(vm_ctl_exit_status(), 0);
	vm_stop(vm_ctl_vm(1), VM_STATUS_RECURSIVE_FAULT); /* a VM that faulted for good */
	leave_queue_of(1);
	assert_int_equal(vm_ctl_manage_step(), HV_ENOENT);
	assert_int_equal(vm_ctl_exit_status(), VM_STATUS_RECURSIVE_FAULT);
	assert_true(console_has_prefix("beta: stopped with status 126 after "));
}

/* A VM joins all of its queues or none: a full queue refuses the whole VM. */
static void test_sched_assign_vm_is_all_or_nothing(void **state)
{
	const unsigned pcpu_of[2] = {2, 2};
	struct vm *vm;

	assert_int_equal(vm_build(&config.vm[1], &env, &vm), HV_OK);
	assert_int_equal(sched_assign_vm(vm, config.vm[1].pcpu_of, 0, 1), HV_OK); /* pCPU 1 */
	for (unsigned i = 0; i < SCHED_MAX_VCPUS - 1; i++)
		assert_int_equal(sched_assign(&vm->vcpus[0], 2), HV_OK);
	assert_int_equal(sched_assign_vm(vm, pcpu_of, 0, 2), HV_ENOMEM);
	/* Nothing of the refused VM joined: one more still fits, then the queue is full. */
	assert_int_equal(sched_assign(&vm->vcpus[0], 2), HV_OK);
	assert_int_equal(sched_assign(&vm->vcpus[0], 2), HV_ENOMEM);
	assert_int_equal(sched_assign(&vm->vcpus[0], HV_MAX_CPUS), HV_EINVAL);
	vm_stop(vm, 0);
	leave_queue_of(2);
	assert_false(sched_vm_gone(vm)); /* still on pCPU 1 */
	leave_queue_of(1);
	assert_true(sched_vm_gone(vm));
	vm_destroy(vm);
}

/* A CPU_ON message of an earlier life of a VM slot, for a vCPU that lives on another pCPU now,
 * is dropped, not a broken invariant. */
static void test_psci_vcpu_on_message_of_an_earlier_life_is_dropped(void **state)
{
	struct vm *vm;

	assert_int_equal(vm_build(&config.vm[0], &env, &vm), HV_OK);
	vm->vcpus[1].state = VCPU_ON_PENDING; /* this life's CPU_ON, for pCPU 1 */
	vm->vcpus[1].pcpu = 1;
	vm->vcpus[1].on_entry = 0x1234;
	sim_hal.cpu_id = 0; /* the old life's message reaches pCPU 0 */
	psci_vcpu_on_here(&vm->vcpus[1]);
	assert_int_equal(vm->vcpus[1].state, VCPU_ON_PENDING);
	assert_int_not_equal(vm->vcpus[1].ctx.pc, 0x1234);
	vm_destroy(vm);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_vm_build_puts_ram_and_devices_where_its_board_says,
					    setup, teardown),
	    cmocka_unit_test_setup_teardown(test_vm_build_that_fails_leaves_nothing_behind, setup,
					    teardown),
	    cmocka_unit_test_setup_teardown(test_vm_ctl_a_vm_without_room_on_its_queues_is_not_made,
					    setup, teardown),
	    cmocka_unit_test_setup_teardown(
		test_vm_ctl_finds_vms_by_name_and_takes_one_request_at_a_time, setup, teardown),
	    cmocka_unit_test_setup_teardown(
		test_vm_ctl_frees_a_stopped_vm_only_once_its_vcpus_left_every_queue, setup,
		teardown),
	    cmocka_unit_test_setup_teardown(test_vm_ctl_reset_makes_the_vm_again_and_leaks_nothing,
					    setup, teardown),
	    cmocka_unit_test_setup_teardown(test_vm_ctl_a_vm_that_resets_keeps_its_console, setup,
					    teardown),
	    cmocka_unit_test_setup_teardown(test_vm_ctl_the_run_ends_with_the_first_non_zero_status,
					    setup, teardown),
	    cmocka_unit_test_setup_teardown(test_sched_assign_vm_is_all_or_nothing, setup,
					    teardown),
	    cmocka_unit_test_setup_teardown(test_psci_vcpu_on_message_of_an_earlier_life_is_dropped,
					    setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

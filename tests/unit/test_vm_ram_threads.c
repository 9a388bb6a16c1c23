// SPDX-License-Identifier: MIT
/* Tests of core/vm.c populating guest RAM from several CPUs at once (docs/memory.md): threads
 * play vCPUs faulting on the same blocks and a device writing into them through core/gmem.c.
 * Every block must be zeroed and mapped exactly once, and nothing written into a block may be
 * wiped by a late populate. Built twice: with ASan+UBSan in `make test-host`, and with
 * ThreadSanitizer in `make test-tsan`. */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include <core/err.h>
#include <core/gmem.h>
#include <core/lib.h>
#include <core/palloc.h>
#include <core/pgtable.h>
#include <core/vm.h>
#include <hal-sim/sim_hal.h>

#include "host_mem.h"

#define BLOCKS	   16
#define RAM_SIZE   (BLOCKS * SZ_2M)
#define ARENA_SIZE (RAM_SIZE + 4 * SZ_2M)
#define THREADS	   4
#define ROUNDS	   8

static struct palloc alloc;
static void *arena;

struct worker {
	pthread_t thread;
	unsigned id;
	struct vm *vm;
	pthread_barrier_t *start;
	unsigned errors; /* cmocka's asserts are for the main thread: count, check after */
};

/* Where thread `id` writes its marker in each block: its own 8 bytes, never the first page's
 * first word, so the zero checks below have something else to look at. */
static uint64_t marker_ipa(unsigned block, unsigned id)
{
	return VM_RAM_BASE + (uint64_t)block * SZ_2M + PAGE_SIZE + 8ULL * id;
}

static uint64_t marker(unsigned block, unsigned id)
{
	return 0x1000000000000000ULL | (uint64_t)block << 8 | id;
}

/* Even threads are vCPUs taking first-touch faults; odd ones are a device's DMA. Each starts
 * at a different block and walks all of them, so every block is contended. */
static void *work(void *arg)
{
	struct worker *w = arg;

	pthread_barrier_wait(w->start);
	for (unsigned i = 0; i < BLOCKS; i++) {
		unsigned block = (i + w->id * BLOCKS / THREADS) % BLOCKS;
		uint64_t ipa = VM_RAM_BASE + (uint64_t)block * SZ_2M + 0x40 * w->id;
		uint64_t val = marker(block, w->id), back = 0;

		if (w->id % 2 == 0) {
			if (vm_ram_populate(w->vm, ipa) != HV_OK ||
			    !pgt_lookup(&w->vm->s2, ipa, NULL, NULL))
				w->errors++;
		}
		if (gmem_write(w->vm, marker_ipa(block, w->id), &val, sizeof(val)) != HV_OK)
			w->errors++;
		if (gmem_read(w->vm, marker_ipa(block, w->id), &back, sizeof(back)) != HV_OK ||
		    back != val)
			w->errors++;
	}
	return NULL;
}

static int setup(void **state)
{
	sim_hal_reset();
	sim_hal.pa_bits = 48; /* host pointers are the physical addresses */
	palloc_init(&alloc);
	arena = host_mem_alloc(ARENA_SIZE, SZ_2M);
	assert_int_equal(palloc_add(&alloc, host_mem_pa(arena), ARENA_SIZE), HV_OK);
	return 0;
}

static int teardown(void **state)
{
	host_mem_free(arena);
	return 0;
}

static void run_round(unsigned round)
{
	struct worker workers[THREADS];
	pthread_barrier_t start;
	struct vm *vm;
	const uint8_t *ram;
	unsigned zero_calls = sim_hal.zero_calls;

	assert_int_equal(vm_create(&vm, "threads", 40, 48, &alloc), HV_OK);
	assert_int_equal(vm_add_ram(vm, VM_RAM_BASE, RAM_SIZE), HV_OK);
	ram = (const uint8_t *)(uintptr_t)vm->ram[0].pa;
	/* What the previous round's VM left in this memory must not show through. */
	memset((void *)(uintptr_t)vm->ram[0].pa, 0x5a + round, RAM_SIZE);

	assert_int_equal(pthread_barrier_init(&start, NULL, THREADS), 0);
	for (unsigned t = 0; t < THREADS; t++) {
		workers[t] = (struct worker){.id = t, .vm = vm, .start = &start};
		assert_int_equal(pthread_create(&workers[t].thread, NULL, work, &workers[t]), 0);
	}
	for (unsigned t = 0; t < THREADS; t++) {
		assert_int_equal(pthread_join(workers[t].thread, NULL), 0);
		assert_int_equal(workers[t].errors, 0);
	}
	pthread_barrier_destroy(&start);

	/* Each block populated exactly once, and every marker survived. */
	assert_int_equal(vm->ram_blocks, BLOCKS);
	/* A block a DMA thread loads first is zeroed in two parts, around its marker. */
	assert_in_range(sim_hal.zero_calls - zero_calls, BLOCKS, 2 * BLOCKS);
	for (unsigned b = 0; b < BLOCKS; b++) {
		const uint8_t *block = ram + (uint64_t)b * SZ_2M;

		for (unsigned t = 0; t < THREADS; t++) {
			uint64_t got;

			memcpy(&got, block + PAGE_SIZE + 8 * t, sizeof(got));
			assert_int_equal(got, marker(b, t));
		}
		for (uint64_t i = 0; i < SZ_2M; i++) {
			if ((i < PAGE_SIZE || i >= PAGE_SIZE + 8 * THREADS) && block[i])
				fail_msg("round %u block %u byte 0x%llx is 0x%02x", round, b,
					 (unsigned long long)i, block[i]);
		}
	}
	vm_destroy(vm);
}

static void test_vm_ram_threads_populate_each_block_once_and_keep_every_write(void **state)
{
	for (unsigned round = 0; round < ROUNDS; round++)
		run_round(round);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(
		test_vm_ram_threads_populate_each_block_once_and_keep_every_write, setup, teardown),
	};

	return cmocka_run_group_tests_name("vm_ram_threads", tests, NULL, NULL);
}

// SPDX-License-Identifier: MIT
/* Tests of core/gmem.c: guest-memory access through a VM's stage 2 (RAM populated on first
 * write, zeros read from blocks nothing touched yet), on a simulated machine
 * whose RAM is three 2 MiB regions, two adjacent and one after a hole:
 *
 *   0x4000_0000 A | 0x4020_0000 B | 0x4040_0000 hole | 0x4060_0000 C | 0x4080_0000 device page
 *
 * Every region has its own host allocation, so a copy that crosses a region boundary must
 * switch host pointers, and the device page is mapped in stage 2 as Device memory. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <core/err.h>
#include <core/gmem.h>
#include <core/lib.h>
#include <core/pgtable.h>
#include <hal-sim/sim_hal.h>
#include <sim/sim.h>

#include "rng.h"

#define A	   0x40000000ULL
#define B	   0x40200000ULL
#define HOLE	   0x40400000ULL
#define C	   0x40600000ULL
#define DEV	   0x40800000ULL
#define SPAN_END   (DEV + PAGE_SIZE)
#define P	   PAGE_SIZE
#define RAND_ITERS 20000

static struct sim_machine m;
static uint64_t dev_pa;

static int setup(void **state)
{
	const struct sim_config cfg = {.no_ram = true, .arena_size = 5 * SZ_2M};

	sim_hal_reset();
	assert_int_equal(sim_machine_init(&m, &cfg), HV_OK);
	assert_int_equal(vm_add_ram(m.vm, A, SZ_2M), HV_OK);
	assert_int_equal(vm_add_ram(m.vm, C, SZ_2M), HV_OK);
	assert_int_equal(vm_add_ram(m.vm, B, SZ_2M), HV_OK);
	assert_int_equal(palloc_alloc(&m.alloc, P, 0, &dev_pa), HV_OK);
	assert_int_equal(pgt_map(&m.vm->s2, DEV, dev_pa, P, PGT_RW | PGT_DEVICE), HV_OK);
	return 0;
}

static int teardown(void **state)
{
	sim_machine_destroy(&m);
	return 0;
}

static uint8_t *host(uint64_t ipa)
{
	uint8_t *p = sim_ram_ptr(&m, ipa);

	assert_non_null(p);
	return p;
}

static void pattern(uint8_t *buf, size_t len, uint8_t seed)
{
	for (size_t i = 0; i < len; i++)
		buf[i] = (uint8_t)(seed + i * 13);
}

/* --- RAM populated on first touch (docs/memory.md) --- */

static void assert_all_zero(const uint8_t *p, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		if (p[i])
			fail_msg("byte 0x%zx is 0x%02x", i, p[i]);
	}
}

/* The arena under the RAM is poisoned: what the guest or a device reads before anything was
 * written must still be zeros, in every block, and reading populates nothing. */
static void test_gmem_read_before_write_gives_zeros_in_every_block(void **state)
{
	static uint8_t buf[SZ_2M];
	static const uint64_t blocks[] = {A, B, C};

	for (unsigned i = 0; i < 3; i++) {
		memset(buf, 0xee, sizeof(buf));
		assert_int_equal(gmem_read(m.vm, blocks[i], buf, sizeof(buf)), HV_OK);
		assert_all_zero(buf, sizeof(buf));
		assert_int_equal(gmem_check(m.vm, blocks[i], SZ_2M), HV_OK);
	}
	assert_int_equal(m.vm->ram_blocks, 0);
	assert_int_equal(sim_hal.zero_calls, 0);
	/* Across two untouched regions too. */
	memset(buf, 0xee, 64);
	assert_int_equal(gmem_read(m.vm, B - 32, buf, 64), HV_OK);
	assert_all_zero(buf, 64);
	/* And the guest's own first touch of each block reads zeros as well. */
	for (unsigned i = 0; i < 3; i++) {
		assert_all_zero(host(blocks[i]), P);
		assert_all_zero(host(blocks[i] + SZ_2M - P), P);
	}
	assert_int_equal(m.vm->ram_blocks, 3);
}

/* A device (virtio-blk DMA) writing into a block the guest never touched: the block is
 * populated first, so the bytes around the data are zeros, not the memory's old contents. */
static void test_gmem_dma_into_an_untouched_block_populates_it_first(void **state)
{
	static uint8_t back[SZ_2M];
	uint8_t data[512];

	pattern(data, sizeof(data), 9);
	assert_int_equal(gmem_write(m.vm, C + 0x10000, data, sizeof(data)), HV_OK);
	assert_int_equal(m.vm->ram_blocks, 1);
	assert_true(vm_ram_populated(vm_ram_find(m.vm, C), C));
	assert_int_equal(gmem_read(m.vm, C, back, SZ_2M), HV_OK);
	assert_all_zero(back, 0x10000);
	assert_memory_equal(back + 0x10000, data, sizeof(data));
	assert_all_zero(back + 0x10000 + sizeof(data), SZ_2M - 0x10000 - sizeof(data));
	/* A second write keeps the first. */
	assert_int_equal(gmem_write(m.vm, C + 0x20000, data, 16), HV_OK);
	assert_int_equal(gmem_read(m.vm, C + 0x10000, back, sizeof(data)), HV_OK);
	assert_memory_equal(back, data, sizeof(data));
	assert_int_equal(m.vm->ram_blocks, 1);
	/* Zeroed around the data, once: what it writes is not zeroed first. */
	assert_int_equal(sim_hal.zero_calls, 2);
	assert_int_equal(sim_hal.zeroed_bytes, SZ_2M - sizeof(data));
}

/* The hypervisor loading into blocks nothing touched yet (a kernel, an initramfs, a DTB, DMA):
 * each block holds the data and zeros everywhere else, never the arena's poison, whatever
 * the data's offset and length (the edges around it are zeroed apart from the aligned middle)
 * and also when it crosses into the next block. Only what the data does not cover is zeroed. */
static void test_gmem_load_into_untouched_blocks_zeroes_only_around_the_data(void **state)
{
	static const struct {
		uint64_t ipa;
		size_t len;
	} cases[] = {
	    {A, 1},
	    {A + 1, 62},
	    {A + 63, 130},
	    {A + 64, 64},
	    {A + P, P},
	    {A + 0x12345, 0x54321},
	    {A + SZ_2M - 5, 5},
	    {B - 100, 300}, /* A's last bytes and B's first */
	    {A + 0x1000, 2 * SZ_2M - 0x1000},
	};
	static uint8_t data[2 * SZ_2M], back[2 * SZ_2M];

	for (unsigned i = 0; i < ARRAY_SIZE(cases); i++) {
		uint64_t ipa = cases[i].ipa, off = ipa - A;
		size_t len = cases[i].len;

		teardown(state);
		setup(state);
		pattern(data, len, (uint8_t)(i + 3));
		assert_int_equal(gmem_write(m.vm, ipa, data, len), HV_OK);
		/* Read from the host memory behind both blocks, not through gmem. */
		memcpy(back, host(A), SZ_2M);
		if (off + len > SZ_2M)
			memcpy(back + SZ_2M, host(B), SZ_2M);
		else
			memset(back + SZ_2M, 0, SZ_2M);
		assert_all_zero(back, off);
		assert_memory_equal(back + off, data, len);
		assert_all_zero(back + off + len, 2 * SZ_2M - off - len);
		assert_int_equal(m.vm->ram_blocks, off + len > SZ_2M ? 2 : 1);
		assert_true(sim_hal.zeroed_bytes <= (off + len > SZ_2M ? 2 : 1) * SZ_2M - len);
	}
}

/* A whole block written by the hypervisor is copied once and never zeroed. */
static void test_gmem_load_of_a_whole_block_zeroes_nothing(void **state)
{
	static uint8_t data[SZ_2M];

	pattern(data, sizeof(data), 5);
	assert_int_equal(gmem_write(m.vm, B, data, sizeof(data)), HV_OK);
	assert_memory_equal(host(B), data, sizeof(data));
	assert_int_equal(sim_hal.zero_calls, 0);
	assert_int_equal(sim_hal.zeroed_bytes, 0);
	assert_int_equal(m.vm->ram_blocks, 1);
	assert_true(vm_ram_populated(vm_ram_find(m.vm, B), B));
}

static void test_gmem_round_trip_inside_one_page(void **state)
{
	uint8_t out[64], in[64];

	pattern(out, sizeof(out), 1);
	assert_int_equal(gmem_write(m.vm, A + 0x100, out, sizeof(out)), HV_OK);
	assert_memory_equal(host(A + 0x100), out, sizeof(out));
	assert_int_equal(gmem_read(m.vm, A + 0x100, in, sizeof(in)), HV_OK);
	assert_memory_equal(in, out, sizeof(out));
}

static void test_gmem_write_crossing_pages_lands_in_both(void **state)
{
	uint8_t out[3 * P + 0x40], in[sizeof(out)];

	pattern(out, sizeof(out), 2);
	assert_int_equal(gmem_write(m.vm, A + P - 0x20, out, sizeof(out)), HV_OK);
	assert_memory_equal(host(A + P - 0x20), out, 0x20);
	assert_memory_equal(host(A + P), out + 0x20, P);
	assert_memory_equal(host(A + 4 * P), out + 0x20 + 3 * P, 0x20);
	assert_int_equal(gmem_read(m.vm, A + P - 0x20, in, sizeof(in)), HV_OK);
	assert_memory_equal(in, out, sizeof(out));
}

static void test_gmem_crosses_adjacent_ram_regions(void **state)
{
	uint8_t out[0x40], in[0x40];

	pattern(out, sizeof(out), 3);
	assert_int_equal(gmem_write(m.vm, B - 0x20, out, sizeof(out)), HV_OK);
	/* Two separate host allocations behind one contiguous IPA range. */
	assert_memory_equal(host(B - 0x20), out, 0x20);
	assert_memory_equal(host(B), out + 0x20, 0x20);
	assert_int_equal(gmem_read(m.vm, B - 0x20, in, sizeof(in)), HV_OK);
	assert_memory_equal(in, out, sizeof(out));
	assert_int_equal(gmem_check(m.vm, A, 2 * SZ_2M), HV_OK);
}

static void test_gmem_write_into_a_hole_faults_and_writes_nothing_past_it(void **state)
{
	size_t len = (size_t)(C + 0x800 - (HOLE - 0x800));
	uint8_t *out = malloc(len), zero[0x800] = {0};

	assert_non_null(out);
	memset(out, 0xee, len);
	assert_int_equal(gmem_write(m.vm, HOLE - 0x800, out, len), HV_EFAULT);
	/* C lies beyond the first bad page: untouched. */
	assert_memory_equal(host(C), zero, sizeof(zero));
	free(out);
}

static void test_gmem_read_into_a_hole_faults_and_fills_nothing_past_it(void **state)
{
	uint8_t in[0x1000];

	pattern(host(HOLE - 0x800), 0x800, 4);
	memset(in, 0xcc, sizeof(in));
	assert_int_equal(gmem_read(m.vm, HOLE - 0x800, in, sizeof(in)), HV_EFAULT);
	for (unsigned i = 0x800; i < sizeof(in); i++)
		assert_int_equal(in[i], 0xcc);
}

static void test_gmem_check_covers_every_byte(void **state)
{
	assert_int_equal(gmem_check(m.vm, A, 1), HV_OK);
	assert_int_equal(gmem_check(m.vm, HOLE - 1, 1), HV_OK);
	assert_int_equal(gmem_check(m.vm, HOLE - 1, 2), HV_EFAULT);
	assert_int_equal(gmem_check(m.vm, HOLE, 1), HV_EFAULT);
	assert_int_equal(gmem_check(m.vm, C - 1, 1), HV_EFAULT);
	assert_int_equal(gmem_check(m.vm, C, SZ_2M), HV_OK);
	assert_int_equal(gmem_check(m.vm, C, SZ_2M + 1), HV_EFAULT);
	assert_int_equal(gmem_check(m.vm, A - 1, 2), HV_EFAULT);
	assert_int_equal(gmem_check(m.vm, 0, 1), HV_EFAULT);
}

static void test_gmem_zero_length_touches_nothing_and_succeeds(void **state)
{
	uint8_t b = 0x77;

	assert_int_equal(gmem_check(m.vm, A, 0), HV_OK);
	assert_int_equal(gmem_read(m.vm, A, &b, 0), HV_OK);
	assert_int_equal(b, 0x77);
	assert_int_equal(gmem_write(m.vm, A, &b, 0), HV_OK);
	assert_int_equal(*host(A), 0);
}

static void test_gmem_refuses_device_memory(void **state)
{
	uint8_t b = 1;

	/* Mapped in stage 2, but as Device: never guest RAM. */
	assert_int_equal(gmem_read(m.vm, DEV, &b, 1), HV_EFAULT);
	assert_int_equal(gmem_write(m.vm, DEV, &b, 1), HV_EFAULT);
	assert_int_equal(gmem_check(m.vm, DEV, 1), HV_EFAULT);
	/* Emulated devices are not mapped at all. */
	assert_int_equal(gmem_read(m.vm, VM_PL011_BASE, &b, 1), HV_EFAULT);
	assert_int_equal(gmem_write(m.vm, VM_PL011_BASE, &b, 1), HV_EFAULT);
}

static void test_gmem_refuses_wrapping_and_out_of_space_ranges(void **state)
{
	uint8_t buf[0x20] = {0};

	assert_int_equal(gmem_read(m.vm, UINT64_MAX - 0xf, buf, sizeof(buf)), HV_EFAULT);
	assert_int_equal(gmem_write(m.vm, UINT64_MAX - 0xf, buf, sizeof(buf)), HV_EFAULT);
	assert_int_equal(gmem_check(m.vm, A, SIZE_MAX), HV_EFAULT);
	assert_int_equal(gmem_check(m.vm, 0xfffffffffffff000ULL, P), HV_EFAULT);
	/* Beyond the VM's 40-bit IPA space, and beyond 2^48. */
	assert_int_equal(gmem_check(m.vm, 1ULL << 40, 1), HV_EFAULT);
	assert_int_equal(gmem_check(m.vm, A | 1ULL << 48, 1), HV_EFAULT);
}

/* Random accesses over [A - 2 pages, SPAN_END) against a byte model of RAM: a fault happens
 * exactly when some byte is not RAM; a faulting write changes nothing from the first bad page
 * on; a faulting read fills nothing from there on. */
static bool is_ram(uint64_t ipa)
{
	return (ipa >= A && ipa < HOLE) || (ipa >= C && ipa < DEV);
}

static void test_gmem_random_accesses_match_a_byte_model(void **state)
{
	const uint64_t lo = A - 2 * P, span = SPAN_END - lo;
	uint64_t seed = rng_seed(__func__, 20240611);
	uint8_t *model = calloc(1, span), buf[3 * P + 16];

	assert_non_null(model);
	for (unsigned it = 0; it < RAND_ITERS; it++) {
		uint64_t ipa = lo + rng_below(&seed, span);
		size_t len = (size_t)rng_below(&seed, sizeof(buf) + 1), i;
		bool write = rng_below(&seed, 2), fault = false;
		uint64_t bad = UINT64_MAX;
		int ret;

		/* Bias towards region edges, where the bugs live. */
		if (rng_below(&seed, 3) == 0) {
			static const uint64_t edges[] = {A, B, HOLE, C, DEV};

			ipa = edges[rng_below(&seed, 5)] - rng_below(&seed, 64);
		}
		if (ipa + len > lo + span)
			len = (size_t)(lo + span - ipa);
		for (i = 0; i < len && !fault; i++) {
			if (!is_ram(ipa + i)) {
				fault = true;
				bad = align_down(ipa + i, P);
			}
		}
		if (write) {
			pattern(buf, len, (uint8_t)it);
			ret = gmem_write(m.vm, ipa, buf, len);
		} else {
			memset(buf, 0xcc, sizeof(buf));
			ret = gmem_read(m.vm, ipa, buf, len);
		}
		assert_int_equal(ret, fault ? HV_EFAULT : HV_OK);
		for (i = 0; i < len; i++) {
			uint64_t a = ipa + i;
			bool past_bad = a >= bad;

			if (!is_ram(a)) {
				if (!write)
					assert_int_equal(buf[i], 0xcc);
				continue;
			}
			if (write) {
				uint8_t now = *host(a), before = model[a - lo];

				if (!fault)
					assert_int_equal(now, buf[i]);
				else if (past_bad)
					assert_int_equal(now, before);
				else /* before the bad page: either is allowed */
					assert_true(now == buf[i] || now == before);
				model[a - lo] = now;
			} else if (!fault) {
				assert_int_equal(buf[i], model[a - lo]);
			} else if (past_bad) {
				assert_int_equal(buf[i], 0xcc);
			}
		}
	}
	free(model);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_gmem_read_before_write_gives_zeros_in_every_block,
					    setup, teardown),
	    cmocka_unit_test_setup_teardown(
		test_gmem_dma_into_an_untouched_block_populates_it_first, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_gmem_round_trip_inside_one_page, setup, teardown),
	    cmocka_unit_test_setup_teardown(
		test_gmem_load_into_untouched_blocks_zeroes_only_around_the_data, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_gmem_load_of_a_whole_block_zeroes_nothing, setup,
					    teardown),
	    cmocka_unit_test_setup_teardown(test_gmem_write_crossing_pages_lands_in_both, setup,
					    teardown),
	    cmocka_unit_test_setup_teardown(test_gmem_crosses_adjacent_ram_regions, setup,
					    teardown),
	    cmocka_unit_test_setup_teardown(
		test_gmem_write_into_a_hole_faults_and_writes_nothing_past_it, setup, teardown),
	    cmocka_unit_test_setup_teardown(
		test_gmem_read_into_a_hole_faults_and_fills_nothing_past_it, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_gmem_check_covers_every_byte, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_gmem_zero_length_touches_nothing_and_succeeds,
					    setup, teardown),
	    cmocka_unit_test_setup_teardown(test_gmem_refuses_device_memory, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_gmem_refuses_wrapping_and_out_of_space_ranges,
					    setup, teardown),
	    cmocka_unit_test_setup_teardown(test_gmem_random_accesses_match_a_byte_model, setup,
					    teardown),
	};

	return cmocka_run_group_tests_name("gmem", tests, NULL, NULL);
}

// SPDX-License-Identifier: MIT
/* Tests of core/el2map.c: the hypervisor's identity map gives each region the permissions
 * and memory type it must have, and refuses layouts it cannot map. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include <core/el2map.h>
#include <core/err.h>
#include <core/lib.h>
#include <core/palloc.h>
#include <hal-sim/sim_hal.h>

#include "host_mem.h"

#define ARENA_SIZE (64 * PAGE_SIZE)
#define RAM_BASE   0x40000000ULL
#define IMG_BASE   0x40200000ULL

static struct palloc alloc;
static void *arena;
static struct hw_info hw;
static struct el2_image img;
static struct pgt pgt;

/* A QEMU-virt-like machine with 1 GiB of RAM; the image has 3 pages of text, 1 of rodata and
 * 4 of data. Table pages come from a host arena (their addresses are never in the map). */
static int setup(void **state)
{
	sim_hal_reset();
	arena = host_mem_alloc(ARENA_SIZE, PAGE_SIZE);
	palloc_init(&alloc);
	assert_int_equal(palloc_add(&alloc, host_mem_pa(arena), ARENA_SIZE), HV_OK);

	memset(&hw, 0, sizeof(hw));
	hw.mem[0] = (struct hw_range){RAM_BASE, SZ_1G};
	hw.mem_count = 1;
	hw.gicd = (struct hw_range){0x08000000, 0x10000};
	hw.gicr[0] = (struct hw_range){0x080a0000, 0xf60000};
	hw.gicr_count = 1;
	hw.uart.present = true;
	hw.uart.reg = (struct hw_range){0x09000000, 0x1000};
	img = (struct el2_image){IMG_BASE, IMG_BASE + 3 * PAGE_SIZE, IMG_BASE + 4 * PAGE_SIZE,
				 IMG_BASE + 8 * PAGE_SIZE};
	return 0;
}

static int teardown(void **state)
{
	host_mem_free(arena);
	return 0;
}

static void expect_identity(uint64_t va, unsigned want_flags)
{
	uint64_t pa = 0;
	unsigned flags = 0;

	assert_true(pgt_lookup(&pgt, va, &pa, &flags));
	assert_int_equal(pa, va);
	assert_int_equal(flags, want_flags);
}

static void expect_unmapped(uint64_t va)
{
	assert_false(pgt_lookup(&pgt, va, NULL, NULL));
}

static void test_el2map_image_sections_get_their_permissions(void **state)
{
	assert_int_equal(el2map_build(&pgt, &alloc, &hw, &img, 40), HV_OK);
	expect_identity(IMG_BASE, PGT_R | PGT_X);
	expect_identity(IMG_BASE + 2 * PAGE_SIZE + 0x10, PGT_R | PGT_X);
	expect_identity(IMG_BASE + 3 * PAGE_SIZE, PGT_R);
	expect_identity(IMG_BASE + 4 * PAGE_SIZE, PGT_RW);
	expect_identity(IMG_BASE + 7 * PAGE_SIZE, PGT_RW);
	pgt_destroy(&pgt);
}

static void test_el2map_ram_is_writable_never_executable(void **state)
{
	assert_int_equal(el2map_build(&pgt, &alloc, &hw, &img, 40), HV_OK);
	expect_identity(RAM_BASE, PGT_RW);
	expect_identity(IMG_BASE - PAGE_SIZE, PGT_RW);
	expect_identity(IMG_BASE + 8 * PAGE_SIZE, PGT_RW);
	expect_identity(RAM_BASE + SZ_1G - PAGE_SIZE, PGT_RW);
	expect_unmapped(RAM_BASE + SZ_1G);
	pgt_destroy(&pgt);
}

static void test_el2map_devices_are_device_memory_and_nothing_else_is_mapped(void **state)
{
	assert_int_equal(el2map_build(&pgt, &alloc, &hw, &img, 40), HV_OK);
	expect_identity(0x08000000, PGT_RW | PGT_DEVICE);
	expect_identity(0x0800f000, PGT_RW | PGT_DEVICE);
	expect_identity(0x080a0000, PGT_RW | PGT_DEVICE);
	expect_identity(0x08fff000, PGT_RW | PGT_DEVICE);
	expect_identity(0x09000000, PGT_RW | PGT_DEVICE);
	expect_unmapped(0);
	expect_unmapped(0x08010000);
	expect_unmapped(0x09001000);
	expect_unmapped(0x0a000000);
	assert_int_equal(pgt.ia_bits, 32);
	pgt_destroy(&pgt);
}

static void test_el2map_device_smaller_than_a_page_is_widened(void **state)
{
	hw.uart.reg = (struct hw_range){0x09000100, 0x20};
	assert_int_equal(el2map_build(&pgt, &alloc, &hw, &img, 40), HV_OK);
	expect_identity(0x09000000, PGT_RW | PGT_DEVICE);
	pgt_destroy(&pgt);
}

static void add_qemu_virtio_transports(void)
{
	for (unsigned i = 0; i < 32; i++)
		hw.virtio[i] =
		    (struct hw_virtio_mmio){{0x0a000000 + 0x200 * i, 0x200}, 48 + i, true};
	hw.virtio_count = 32;
}

static void test_el2map_virtio_transports_are_device_memory(void **state)
{
	add_qemu_virtio_transports();
	assert_int_equal(el2map_build(&pgt, &alloc, &hw, &img, 40), HV_OK);
	for (uint64_t pa = 0x0a000000; pa < 0x0a004000; pa += PAGE_SIZE)
		expect_identity(pa, PGT_RW | PGT_DEVICE);
	expect_unmapped(0x0a000000 - PAGE_SIZE);
	expect_unmapped(0x0a004000);
	pgt_destroy(&pgt);
}

static void test_el2map_virtio_transports_apart_are_mapped_apart(void **state)
{
	hw.virtio[0] = (struct hw_virtio_mmio){{0x0a000000, 0x200}, 48, true};
	hw.virtio[1] = (struct hw_virtio_mmio){{0x0a000e00, 0x400}, 49, true}; /* crosses a page */
	hw.virtio[2] = (struct hw_virtio_mmio){{0x1c130000, 0x1000}, 74, true};
	hw.virtio_count = 3;
	assert_int_equal(el2map_build(&pgt, &alloc, &hw, &img, 40), HV_OK);
	expect_identity(0x0a000000, PGT_RW | PGT_DEVICE);
	expect_identity(0x0a001000, PGT_RW | PGT_DEVICE);
	expect_unmapped(0x0a002000);
	expect_identity(0x1c130000, PGT_RW | PGT_DEVICE);
	expect_unmapped(0x1c12f000);
	expect_unmapped(0x1c131000);
	pgt_destroy(&pgt);
}

static void test_el2map_input_bits_cover_a_high_virtio_transport(void **state)
{
	hw.virtio[0] = (struct hw_virtio_mmio){{0x1000000000ULL, 0x200}, 0, true};
	hw.virtio_count = 1;
	assert_int_equal(el2map_build(&pgt, &alloc, &hw, &img, 40), HV_OK);
	assert_int_equal(pgt.ia_bits, 37);
	expect_identity(0x1000000000ULL, PGT_RW | PGT_DEVICE);
	pgt_destroy(&pgt);
}

static void test_el2map_input_bits_cover_high_ram(void **state)
{
	hw.mem[1] = (struct hw_range){0x8000000000ULL, SZ_2M};
	hw.mem_count = 2;
	assert_int_equal(el2map_build(&pgt, &alloc, &hw, &img, 48), HV_OK);
	assert_int_equal(pgt.ia_bits, 40);
	expect_identity(0x8000000000ULL, PGT_RW);
	pgt_destroy(&pgt);
}

static void test_el2map_rejects_ram_beyond_pa_size(void **state)
{
	uint64_t before = palloc_free_bytes(&alloc);

	hw.mem[1] = (struct hw_range){0x8000000000ULL, SZ_2M};
	hw.mem_count = 2;
	assert_int_equal(el2map_build(&pgt, &alloc, &hw, &img, 36), HV_ERANGE);
	assert_int_equal(palloc_free_bytes(&alloc), before);
}

static void test_el2map_rejects_unaligned_or_misplaced_image(void **state)
{
	uint64_t before = palloc_free_bytes(&alloc);
	struct el2_image good = img;

	img.text_end += 8;
	assert_int_equal(el2map_build(&pgt, &alloc, &hw, &img, 40), HV_EINVAL);
	img = good;
	img.text_start = img.text_end; /* no text at all */
	assert_int_equal(el2map_build(&pgt, &alloc, &hw, &img, 40), HV_EINVAL);
	img = (struct el2_image){0x1000, 0x2000, 0x3000, 0x4000}; /* not in RAM */
	assert_int_equal(el2map_build(&pgt, &alloc, &hw, &img, 40), HV_EINVAL);
	img = good;
	img.end = RAM_BASE + SZ_1G + PAGE_SIZE; /* runs off the end of RAM */
	assert_int_equal(el2map_build(&pgt, &alloc, &hw, &img, 40), HV_EINVAL);
	assert_int_equal(palloc_free_bytes(&alloc), before);
	assert_non_null(strstr(sim_hal.console, "el2map: image"));
}

static void test_el2map_out_of_table_memory_fails_cleanly(void **state)
{
	uint64_t page, before;

	/* Leave the allocator a single page: the root fits, the next table does not. */
	while (palloc_free_bytes(&alloc) > PAGE_SIZE)
		assert_int_equal(palloc_alloc(&alloc, PAGE_SIZE, 0, &page), HV_OK);
	before = palloc_free_bytes(&alloc);
	assert_int_equal(el2map_build(&pgt, &alloc, &hw, &img, 40), HV_ENOMEM);
	assert_int_equal(palloc_free_bytes(&alloc), before);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
	    T(test_el2map_image_sections_get_their_permissions),
	    T(test_el2map_ram_is_writable_never_executable),
	    T(test_el2map_devices_are_device_memory_and_nothing_else_is_mapped),
	    T(test_el2map_device_smaller_than_a_page_is_widened),
	    T(test_el2map_virtio_transports_are_device_memory),
	    T(test_el2map_virtio_transports_apart_are_mapped_apart),
	    T(test_el2map_input_bits_cover_a_high_virtio_transport),
	    T(test_el2map_input_bits_cover_high_ram),
	    T(test_el2map_rejects_ram_beyond_pa_size),
	    T(test_el2map_rejects_unaligned_or_misplaced_image),
	    T(test_el2map_out_of_table_memory_fails_cleanly),
#undef T
	};

	return cmocka_run_group_tests_name("el2map", tests, NULL, NULL);
}

// SPDX-License-Identifier: MIT
/* Tests of core/image.c: where an arm64 `Image` (header) or a raw image goes in a VM's RAM,
 * every header field that is refused, the fit checks at the edges, and the copy into guest
 * RAM through a simulated machine. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <core/err.h>
#include <core/gmem.h>
#include <core/image.h>
#include <core/lib.h>
#include <hal-sim/sim_hal.h>
#include <sim/sim.h>

#define RAM_BASE 0x40000000ULL
#define RAM_SIZE (64ULL << 20)

/* booting.rst: code0/1, text_offset, image_size, flags, res2-4, magic "ARM\x64", res5. */
struct arm64_hdr {
	uint32_t code0, code1;
	uint64_t text_offset, image_size, flags, res2, res3, res4;
	uint32_t magic, res5;
};
_Static_assert(sizeof(struct arm64_hdr) == 64, "header layout");

#define MAGIC 0x644d5241u

static uint8_t img[0x4000];
static struct image_info info;

static int setup(void **state)
{
	sim_hal_reset();
	memset(img, 0x11, sizeof(img));
	memset(&info, 0, sizeof(info));
	return 0;
}

/* The host is little endian, like the header. */
static void header(uint64_t text_offset, uint64_t image_size, uint64_t flags)
{
	struct arm64_hdr h = {
	    .code0 = 0x91005a4d, /* "MZ" + add: what an EFI-stub kernel starts with */
	    .code1 = 0x14000000,
	    .text_offset = text_offset,
	    .image_size = image_size,
	    .flags = flags,
	    .magic = MAGIC,
	};

	memcpy(img, &h, sizeof(h));
}

static int place(size_t size, uint64_t ram_size)
{
	return image_place(img, size, RAM_BASE, ram_size, &info);
}

static void test_image_with_header_goes_to_text_offset_and_reserves_image_size(void **state)
{
	header(0x200000, 0x300000, 0xa); /* 4 KiB pages, anywhere in RAM: both accepted */
	assert_int_equal(place(sizeof(img), RAM_SIZE), HV_OK);
	assert_true(info.has_header);
	assert_int_equal(info.load_ipa, RAM_BASE + 0x200000);
	assert_int_equal(info.size, sizeof(img));
	assert_int_equal(info.reserve, 0x300000);
}

static void test_image_header_text_offset_zero_loads_at_ram_base(void **state)
{
	header(0, 0x10000, 0);
	assert_int_equal(place(sizeof(img), RAM_SIZE), HV_OK);
	assert_int_equal(info.load_ipa, RAM_BASE);
}

static void test_image_reserve_is_at_least_the_file_size(void **state)
{
	header(0x80000, 0x100, 0); /* image_size smaller than the file: the file counts */
	assert_int_equal(place(sizeof(img), RAM_SIZE), HV_OK);
	assert_int_equal(info.reserve, sizeof(img));
}

static void test_image_legacy_header_with_image_size_zero_loads_at_0x80000(void **state)
{
	/* Before Linux 3.17 text_offset had no defined endianness: it is ignored. */
	header(0x12345678, 0, 0);
	assert_int_equal(place(sizeof(img), RAM_SIZE), HV_OK);
	assert_true(info.has_header);
	assert_int_equal(info.load_ipa, RAM_BASE + 0x80000);
	assert_int_equal(info.reserve, sizeof(img));
}

static void test_image_big_endian_kernel_is_refused(void **state)
{
	header(0x80000, 0x100000, 1);
	assert_int_equal(place(sizeof(img), RAM_SIZE), HV_EINVAL);
	header(0, 0, 1); /* legacy header or not */
	assert_int_equal(place(sizeof(img), RAM_SIZE), HV_EINVAL);
}

static void test_image_text_offset_not_4k_aligned_is_refused(void **state)
{
	header(0x80800, 0x100000, 0);
	assert_int_equal(place(sizeof(img), RAM_SIZE), HV_EINVAL);
	header(0x81000, 0x100000, 0);
	assert_int_equal(place(sizeof(img), RAM_SIZE), HV_OK);
	assert_int_equal(info.load_ipa, RAM_BASE + 0x81000);
}

static void test_image_raw_goes_to_0x80000_and_reserves_its_size(void **state)
{
	assert_int_equal(place(sizeof(img), RAM_SIZE), HV_OK);
	assert_false(info.has_header);
	assert_int_equal(info.load_ipa, RAM_BASE + IMAGE_RAW_OFFSET);
	assert_int_equal(info.reserve, sizeof(img));
}

static void test_image_shorter_than_a_header_is_raw(void **state)
{
	header(0, 0x100000, 1); /* magic at 56 lies outside 60 bytes */
	assert_int_equal(place(60, RAM_SIZE), HV_OK);
	assert_false(info.has_header);
	assert_int_equal(info.load_ipa, RAM_BASE + IMAGE_RAW_OFFSET);
}

static void test_image_empty_is_refused(void **state)
{
	assert_int_equal(place(0, RAM_SIZE), HV_ERANGE);
}

static void test_image_that_fills_ram_exactly_fits_one_byte_more_does_not(void **state)
{
	uint64_t ram = 0x200000;

	header(0x100000, 0x100000, 0);
	assert_int_equal(place(sizeof(img), ram), HV_OK);
	header(0x100000, 0x100001, 0);
	assert_int_equal(place(sizeof(img), ram), HV_ERANGE);
	/* Raw: 0x80000 + size must fit. */
	memset(img, 0, 64);
	assert_int_equal(place(sizeof(img), IMAGE_RAW_OFFSET + sizeof(img)), HV_OK);
	assert_int_equal(place(sizeof(img), IMAGE_RAW_OFFSET + sizeof(img) - 1), HV_ERANGE);
}

static void test_image_offset_at_or_beyond_ram_does_not_fit(void **state)
{
	header(RAM_SIZE, 0x1000, 0);
	assert_int_equal(place(sizeof(img), RAM_SIZE), HV_ERANGE);
	/* Huge fields must not wrap into a "fit". */
	header(0xfffffffffffff000ULL, 0x2000, 0);
	assert_int_equal(place(sizeof(img), RAM_SIZE), HV_ERANGE);
	header(0x1000, UINT64_MAX, 0);
	assert_int_equal(place(sizeof(img), RAM_SIZE), HV_ERANGE);
	/* RAM smaller than the raw offset. */
	assert_int_equal(place(16, IMAGE_RAW_OFFSET), HV_ERANGE);
}

static void test_image_load_copies_the_image_into_guest_ram(void **state)
{
	struct sim_machine m;
	uint8_t back[sizeof(img)];

	assert_int_equal(sim_machine_init(&m, NULL), HV_OK);
	header(0x200000, 0x400000, 0);
	for (unsigned i = 64; i < sizeof(img); i++)
		img[i] = (uint8_t)(i * 7);
	assert_int_equal(image_load(m.vm, img, sizeof(img), RAM_BASE, m.ram_size, &info), HV_OK);
	assert_int_equal(info.load_ipa, RAM_BASE + 0x200000);
	assert_int_equal(gmem_read(m.vm, info.load_ipa, back, sizeof(back)), HV_OK);
	assert_memory_equal(back, img, sizeof(img));
	/* The rest of RAM stays as vm_add_ram() left it: zero. */
	assert_int_equal(*(uint8_t *)sim_ram_ptr(&m, info.load_ipa + sizeof(img)), 0);
	sim_machine_destroy(&m);
}

static void test_image_load_that_does_not_fit_writes_nothing(void **state)
{
	struct sim_machine m;
	const uint8_t *ram;

	assert_int_equal(sim_machine_init(&m, NULL), HV_OK);
	header(m.ram_size - 0x1000, 0x100000, 0);
	assert_int_equal(image_load(m.vm, img, sizeof(img), RAM_BASE, m.ram_size, &info),
			 HV_ERANGE);
	ram = sim_ram_ptr(&m, RAM_BASE + m.ram_size - 0x1000);
	assert_int_equal(ram[0], 0);
	sim_machine_destroy(&m);
}

static void test_image_load_outside_the_vms_ram_faults(void **state)
{
	struct sim_machine m;

	assert_int_equal(sim_machine_init(&m, NULL), HV_OK);
	/* The caller claims more RAM than the VM has: the copy, not the placement, fails. */
	header(m.ram_size, 0x1000, 0);
	assert_int_equal(image_load(m.vm, img, sizeof(img), RAM_BASE, 2 * m.ram_size, &info),
			 HV_EFAULT);
	sim_machine_destroy(&m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup(
		test_image_with_header_goes_to_text_offset_and_reserves_image_size, setup),
	    cmocka_unit_test_setup(test_image_header_text_offset_zero_loads_at_ram_base, setup),
	    cmocka_unit_test_setup(test_image_reserve_is_at_least_the_file_size, setup),
	    cmocka_unit_test_setup(test_image_legacy_header_with_image_size_zero_loads_at_0x80000,
				   setup),
	    cmocka_unit_test_setup(test_image_big_endian_kernel_is_refused, setup),
	    cmocka_unit_test_setup(test_image_text_offset_not_4k_aligned_is_refused, setup),
	    cmocka_unit_test_setup(test_image_raw_goes_to_0x80000_and_reserves_its_size, setup),
	    cmocka_unit_test_setup(test_image_shorter_than_a_header_is_raw, setup),
	    cmocka_unit_test_setup(test_image_empty_is_refused, setup),
	    cmocka_unit_test_setup(test_image_that_fills_ram_exactly_fits_one_byte_more_does_not,
				   setup),
	    cmocka_unit_test_setup(test_image_offset_at_or_beyond_ram_does_not_fit, setup),
	    cmocka_unit_test_setup(test_image_load_copies_the_image_into_guest_ram, setup),
	    cmocka_unit_test_setup(test_image_load_that_does_not_fit_writes_nothing, setup),
	    cmocka_unit_test_setup(test_image_load_outside_the_vms_ram_faults, setup),
	};

	return cmocka_run_group_tests_name("image", tests, NULL, NULL);
}

// SPDX-License-Identifier: MIT
/* arm64 Image header parsing and guest image placement (core/image.h). */
#include <core/err.h>
#include <core/gmem.h>
#include <core/image.h>
#include <core/lib.h>

/* The 64-byte header (booting.rst): little-endian fields at these offsets. */
#define IMAGE_HDR_SIZE	  64
#define IMAGE_TEXT_OFFSET 8
#define IMAGE_IMAGE_SIZE  16
#define IMAGE_FLAGS	  24
#define IMAGE_MAGIC	  56
#define IMAGE_MAGIC_VALUE 0x644d5241U /* "ARM\x64" */
#define IMAGE_FLAG_BE	  (1ULL << 0)
/* Before Linux 3.17 image_size was 0 and text_offset meant 0x80000. */
#define IMAGE_LEGACY_TEXT_OFFSET 0x80000ULL

static uint64_t le_at(const uint8_t *p, unsigned bytes)
{
	uint64_t v = 0;

	for (unsigned i = bytes; i > 0; i--)
		v = v << 8 | p[i - 1];
	return v;
}

int image_place(const void *img, size_t size, uint64_t ram_base, uint64_t ram_size,
		struct image_info *info)
{
	const uint8_t *h = img;
	uint64_t offset = IMAGE_RAW_OFFSET, reserve = size;

	info->has_header = size >= IMAGE_HDR_SIZE && le_at(h + IMAGE_MAGIC, 4) == IMAGE_MAGIC_VALUE;
	if (info->has_header) {
		uint64_t image_size = le_at(h + IMAGE_IMAGE_SIZE, 8);

		if (le_at(h + IMAGE_FLAGS, 8) & IMAGE_FLAG_BE)
			return HV_EINVAL;
		offset = image_size ? le_at(h + IMAGE_TEXT_OFFSET, 8) : IMAGE_LEGACY_TEXT_OFFSET;
		if (!is_aligned(offset, 4096))
			return HV_EINVAL;
		reserve = MAX(image_size, (uint64_t)size);
	}
	if (size == 0 || offset >= ram_size || reserve > ram_size - offset)
		return HV_ERANGE;
	info->load_ipa = ram_base + offset;
	info->size = size;
	info->reserve = reserve;
	return HV_OK;
}

int image_load(struct vm *vm, const void *img, size_t size, uint64_t ram_base, uint64_t ram_size,
	       struct image_info *info)
{
	int ret = image_place(img, size, ram_base, ram_size, info);

	if (ret != HV_OK)
		return ret;
	return gmem_write(vm, info->load_ipa, img, size);
}

// SPDX-License-Identifier: MIT
/* The hypervisor's own identity map, with permissions per region (see el2map.h). */
#include <core/el2map.h>
#include <core/err.h>
#include <core/lib.h>
#include <core/log.h>

#define EL2_MIN_VA_BITS 32
#define EL2_MAX_VA_BITS 48

static unsigned bits_to_cover(uint64_t end)
{
	unsigned bits = EL2_MIN_VA_BITS;

	while (bits < 64 && end > (1ULL << bits))
		bits++;
	return bits;
}

static bool image_valid(const struct hw_info *hw, const struct el2_image *img)
{
	if (!is_aligned(img->text_start | img->text_end | img->rodata_end | img->end, PAGE_SIZE))
		return false;
	if (!(img->text_start < img->text_end && img->text_end <= img->rodata_end &&
	      img->rodata_end < img->end))
		return false;
	for (unsigned i = 0; i < hw->mem_count; i++) {
		const struct hw_range *m = &hw->mem[i];

		if (img->text_start >= m->base && img->end <= m->base + m->size)
			return true;
	}
	return false;
}

/* Device ranges are widened to whole pages; devices smaller than a page share nothing else. */
static int map_device(struct pgt *pgt, const struct hw_range *r)
{
	uint64_t base = align_down(r->base, PAGE_SIZE);
	uint64_t end = align_up(r->base + r->size, PAGE_SIZE);

	if (r->size == 0)
		return HV_OK;
	return pgt_map(pgt, base, base, end - base, PGT_RW | PGT_DEVICE);
}

static int map_all(struct pgt *pgt, const struct hw_info *hw, const struct el2_image *img)
{
	int ret;

	for (unsigned i = 0; i < hw->mem_count; i++) {
		uint64_t base = align_up(hw->mem[i].base, PAGE_SIZE);
		uint64_t end = align_down(hw->mem[i].base + hw->mem[i].size, PAGE_SIZE);

		if (end > base) {
			ret = pgt_map(pgt, base, base, end - base, PGT_RW);
			if (ret)
				return ret;
		}
	}
	/* The image overrides the RAM mapping it sits in. */
	ret = pgt_map(pgt, img->text_start, img->text_start, img->text_end - img->text_start,
		      PGT_R | PGT_X);
	if (!ret && img->rodata_end > img->text_end)
		ret = pgt_map(pgt, img->text_end, img->text_end, img->rodata_end - img->text_end,
			      PGT_R);
	if (!ret)
		ret = pgt_map(pgt, img->rodata_end, img->rodata_end, img->end - img->rodata_end,
			      PGT_RW);
	if (!ret)
		ret = map_device(pgt, &hw->gicd);
	for (unsigned i = 0; !ret && i < hw->gicr_count; i++)
		ret = map_device(pgt, &hw->gicr[i]);
	if (!ret && hw->uart.present)
		ret = map_device(pgt, &hw->uart.reg);
	if (!ret && hw->rtc.present)
		ret = map_device(pgt, &hw->rtc.reg);
	/* QEMU packs eight transports into a page: mapping it again rewrites identical entries,
	 * which the table builder skips. */
	for (unsigned i = 0; !ret && i < hw->virtio_count; i++)
		ret = map_device(pgt, &hw->virtio[i].reg);
	return ret;
}

int el2map_build(struct pgt *pgt, struct palloc *alloc, const struct hw_info *hw,
		 const struct el2_image *img, unsigned pa_bits)
{
	uint64_t top = 0;
	unsigned bits;
	int ret;

	if (!image_valid(hw, img)) {
		log_err("el2map: image 0x%llx-0x%llx is not page aligned inside RAM",
			(unsigned long long)img->text_start, (unsigned long long)img->end);
		return HV_EINVAL;
	}
	for (unsigned i = 0; i < hw->mem_count; i++)
		top = MAX(top, hw->mem[i].base + hw->mem[i].size);
	top = MAX(top, hw->gicd.base + hw->gicd.size);
	for (unsigned i = 0; i < hw->gicr_count; i++)
		top = MAX(top, hw->gicr[i].base + hw->gicr[i].size);
	if (hw->uart.present)
		top = MAX(top, hw->uart.reg.base + hw->uart.reg.size);
	if (hw->rtc.present)
		top = MAX(top, hw->rtc.reg.base + hw->rtc.reg.size);
	for (unsigned i = 0; i < hw->virtio_count; i++)
		top = MAX(top, hw->virtio[i].reg.base + hw->virtio[i].reg.size);

	bits = bits_to_cover(top);
	if (bits > pa_bits || bits > EL2_MAX_VA_BITS) {
		log_err("el2map: address 0x%llx is beyond the %u-bit physical address space",
			(unsigned long long)(top - 1), pa_bits);
		return HV_ERANGE;
	}
	ret = pgt_init(pgt, PGT_EL2_STAGE1, bits, 0, alloc);
	if (ret)
		return ret;
	ret = map_all(pgt, hw, img);
	if (ret) {
		log_err("el2map: building the map failed: %s", hv_strerror(ret));
		pgt_destroy(pgt);
	}
	return ret;
}

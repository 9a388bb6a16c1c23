/* SPDX-License-Identifier: MIT */
#ifndef CORE_EL2MAP_H
#define CORE_EL2MAP_H

#include <stdint.h>

#include <core/hwinfo.h>
#include <core/pgtable.h>

/* The hypervisor's own EL2 stage-1 map: an identity map (VA == PA) of
 *   - every RAM bank: read/write, never executable;
 *   - the image: text read-only + executable, rodata read-only, data and bss read/write;
 *   - the devices the hypervisor drives (GIC distributor and redistributors, UART, every
 *     virtio-mmio transport): Device-nGnRE, read/write, never executable.
 * Nothing else is mapped, so a stray pointer faults instead of touching a device. */

struct el2_image {
	uint64_t text_start; /* all page aligned: [text_start, text_end) is code */
	uint64_t text_end;   /* [text_end, rodata_end) is read-only data */
	uint64_t rodata_end; /* [rodata_end, end) is data, bss and stacks */
	uint64_t end;
};

/* Build the map into `pgt` (set up here, tables from `alloc`). Input address bits are the
 * fewest (at least 32) that cover every mapped range. HV_EINVAL for an image that is not page
 * aligned, ordered and inside a RAM bank; HV_ERANGE for an address beyond `pa_bits`. */
int el2map_build(struct pgt *pgt, struct palloc *alloc, const struct hw_info *hw,
		 const struct el2_image *img, unsigned pa_bits);

#endif

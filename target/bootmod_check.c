// SPDX-License-Identifier: MIT
/* The memory of this board that boot modules may not cover: the image's sections as the
 * linker laid them out, the host DTB and firmware's /memreserve/ ranges. The check itself is
 * core/bootmod_layout.c. */
#include <core/bootmod.h>
#include <core/err.h>
#include <core/fdt.h>
#include <hal/mem.h>

#include "target.h"

/* Linker script symbols (target/linker.ld). */
extern char _start_image[], _erodata[], _end[];

/* The image's two parts, the DTB and at most this many /memreserve/ ranges. */
#define MEMRESERVE_MAX 8
#define AREAS_MAX      (3 + MEMRESERVE_MAX)

int target_bootmod_check(const struct bootmod_list *list, const struct hw_info *hw, const void *dtb,
			 uint64_t dtb_pa, size_t dtb_size)
{
	uint64_t image = hal_ptr_to_phys(_start_image), data = hal_ptr_to_phys(_erodata);
	struct bootmod_area area[AREAS_MAX] = {
	    {"the hypervisor's text and read-only data", image, data - image},
	    /* .bss holds every pCPU's stack; there is no heap besides the page allocator,
	     * which hands out nothing before the modules are reserved. */
	    {"the hypervisor's data, bss and stacks", data, hal_ptr_to_phys(_end) - data},
	    {"the host DTB", dtb_pa, dtb_size},
	};
	unsigned count = 3;
	struct fdt f;

	if (fdt_open(&f, dtb, dtb_size) == HV_OK) {
		for (unsigned i = 0; count < AREAS_MAX && fdt_mem_rsv(&f, i, &area[count].base,
								      &area[count].size) == HV_OK;
		     i++) {
			area[count].name = "a /memreserve/ range";
			count++;
		}
	}
	return bootmod_check_layout(list, hw->mem, hw->mem_count, area, count);
}

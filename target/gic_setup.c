// SPDX-License-Identifier: MIT
/* The physical GIC of this board: hal_gic_init() over the host DTB's GICv3, and each pCPU's
 * share of it. */
#include <core/err.h>
#include <core/hwinfo.h>
#include <core/log.h>
#include <hal/cpu.h>
#include <hal/gic.h>

#include "gic_setup.h"

static struct gic_board board;

const struct gic_board *target_gic_board(void)
{
	return &board;
}

int target_gic_init(const struct hw_info *hw)
{
	uint64_t base[HW_MAX_GICR_REGIONS], size[HW_MAX_GICR_REGIONS];
	unsigned count =
	    hw->gicr_count < HW_MAX_GICR_REGIONS ? hw->gicr_count : HW_MAX_GICR_REGIONS;
	int ret;

	for (unsigned i = 0; i < count; i++) {
		base[i] = hw->gicr[i].base;
		size[i] = hw->gicr[i].size;
	}
	ret = hal_gic_init(hw->gicd.base, base, size, count);
	if (ret) {
		log_err("gic: distributor at 0x%llx: %s", (unsigned long long)hw->gicd.base,
			hv_strerror(ret));
		return ret;
	}
	board.hyp_timer = hw->timer.hyp_phys;
	board.phys_timer = hw->timer.phys;
	board.uart = hw->uart.present ? hw->uart.intid : 0;
	ret = target_gic_cpu_init();
	if (!ret)
		log_info("gic: GICv3 with %u INTIDs, %u redistributor region(s), EOImode 1",
			 hal_gic_max_intid(), count);
	return ret;
}

int target_gic_cpu_init(void)
{
	int ret = hal_gic_cpu_init();

	if (ret)
		log_err("gic: cpu %u (MPIDR 0x%llx): redistributor and CPU interface: %s",
			hal_cpu_id(), (unsigned long long)hal_cpu_mpidr(), hv_strerror(ret));
	return ret;
}

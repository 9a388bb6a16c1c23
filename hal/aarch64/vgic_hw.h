/* SPDX-License-Identifier: MIT */
#ifndef HAL_AARCH64_VGIC_HW_H
#define HAL_AARCH64_VGIC_HW_H

#include <hal/vcpu.h>

/* Called by hal_vcpu_load()/hal_vcpu_put(): the whole virtual CPU interface state. */
void hal_vgic_load(const struct hal_vgic_regs *r);
void hal_vgic_save(struct hal_vgic_regs *r);
/* Once per pCPU at boot, before its first hal_vgic_load(): no list register holds state and
 * nothing is signalled (their reset values are UNKNOWN). */
void hal_vgic_cpu_reset(void);

#endif

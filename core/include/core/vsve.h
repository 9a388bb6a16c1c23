/* SPDX-License-Identifier: MIT */
#ifndef CORE_VSVE_H
#define CORE_VSVE_H

#include <stdbool.h>

#include <hal/vcpu.h>

/* SVE for guests (docs/guest-abi.md, "SVE"; the state switch is the HAL's, lazily with
 * FP/SIMD: docs/trap-path.md, "FP/SIMD and SVE"). */

/* The longest vector length (bytes) the hypervisor gives guests: 512 bits. */
#define VSVE_MAX_VL 64

/* Once at boot, before any VM runs: give guests SVE with the longest vector length the CPU
 * implements up to VSVE_MAX_VL, unless `hidden` (hv.sve=off) or the CPU lacks SVE. */
void vsve_init(bool hidden);

/* The vector length (bytes) guests get; 0 while SVE is hidden from them. */
unsigned vsve_vl(void);

/* Where the vCPU of vcpu_index() `index` keeps its SVE state (struct hal_vcpu_ctx.sve). */
struct hal_sve *vsve_state(unsigned index);

#endif

/* SPDX-License-Identifier: MIT */
#ifndef CORE_FFA_INTERNAL_H
#define CORE_FFA_INTERNAL_H

/* Shared by the FF-A files: core/ffa.c (the dispatcher and the small calls), core/ffa_rxtx.c
 * (the RX/TX buffer pair), core/ffa_part.c (the partition table) and the SPMC variant
 * (core/ffa_spmc_*.c, include/core/ffa_spmc.h). */

#include <core/ffa.h>
#include <stddef.h>

/* Answers (DEN0077 13.2): FFA_SUCCESS_32 with w2, w3; FFA_ERROR with the status in w2. Every
 * other register of x1-x7 is zero (MBZ). */
void ffa_success(uint64_t x[FFA_REGS], uint32_t w2, uint32_t w3);
void ffa_error(uint64_t x[FFA_REGS], int32_t status);
/* FFA_ERROR with `status`, or (0) an FFA_SUCCESS that carries nothing. */
void ffa_answer(uint64_t x[FFA_REGS], int32_t status);

/* The version `vm` negotiated, 1.1 until it called FFA_VERSION. */
uint32_t ffa_version_of(const struct vm *vm);

void ffa_rxtx_map(struct vm *vm, uint64_t x[FFA_REGS], bool smc64);
void ffa_rxtx_unmap(struct vm *vm, uint64_t x[FFA_REGS]);
void ffa_rx_release(struct vm *vm, uint64_t x[FFA_REGS]);

/* Write `len` bytes into `vm`'s RX buffer, which the VM then owns until FFA_RX_RELEASE.
 * FFA_RET_BUSY without a mapped, free RX buffer; FFA_RET_NO_MEMORY when `len` does not fit;
 * 0 when written. */
int ffa_rx_deliver(struct vm *vm, const void *buf, size_t len);

void ffa_partition_info_get(struct vm *vm, uint64_t x[FFA_REGS]);

#endif

/* SPDX-License-Identifier: MIT */
#ifndef CORE_FFA_INTERNAL_H
#define CORE_FFA_INTERNAL_H

/* Shared by the FF-A files: core/ffa.c (the dispatcher and the small calls), core/ffa_rxtx.c
 * (the RX/TX buffer pair), core/ffa_part.c (the partition table) and the SPMC variant
 * (core/ffa_spmc_*.c, include/core/ffa_spmc.h). */

#include <core/ffa.h>
#include <stddef.h>

struct vcpu;

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

/* The memory management calls (core/ffa_mem.c): FFA_MEM_SHARE/LEND/DONATE, RETRIEVE_REQ,
 * RELINQUISH and RECLAIM, `fid` one of their ids. */
void ffa_mem_call(struct vm *vm, uint64_t x[FFA_REGS], uint32_t fid);

/* The partition table (core/ffa_part.c), by endpoint id. */
/* Whether partition `from` may see and message partition `to`: both configured, and each in
 * the other's visibility list (docs/config.md, `ffa-peers`). */
bool ffa_part_visible(uint16_t from, uint16_t to);
uint32_t ffa_part_props(uint16_t id); /* FFA_PART_PROP_*; 0 for an unknown id */
unsigned ffa_part_vcpus(uint16_t id); /* its configured vCPU count; 0 for an unknown id */
/* The live VM of partition `id`; NULL while it is stopped (or for an unknown id). */
struct vm *ffa_part_vm(uint16_t id);
/* Whether `from` may send `to` a direct request: 0 with `to`'s live VM in *vm (NULL while it
 * is stopped); INVALID_PARAMETERS if either is unknown, they are the same or one does not see
 * the other; DENIED without the direct messaging properties (sender, receiver). */
int ffa_part_direct(uint16_t from, uint16_t to, struct vm **vm);

/* Messages (core/ffa_msg.c, core/ffa_msg_send2.c), each call on its caller's vCPU. */
void ffa_msg_wait(struct vcpu *vcpu, uint64_t x[FFA_REGS]);
void ffa_direct_req(struct vcpu *vcpu, uint64_t x[FFA_REGS], bool is64);
void ffa_direct_resp(struct vcpu *vcpu, uint64_t x[FFA_REGS], bool is64);
void ffa_run(struct vcpu *vcpu, uint64_t x[FFA_REGS]);
void ffa_yield(struct vcpu *vcpu, uint64_t x[FFA_REGS]);
void ffa_msg_send2(struct vcpu *vcpu, uint64_t x[FFA_REGS]);
/* FFA_RUN as the answer of `vcpu`'s FFA_MSG_WAIT, in x0-x7: w1 its id and vCPU index. */
void ffa_run_answer(struct vcpu *vcpu, uint64_t x[8]);
/* End the FFA_MSG_WAIT of a vCPU of `vm` (`only`, or the first waiting) with FFA_RUN. False if
 * none was waiting. Takes the messaging lock, which nests inside vm->ffa.lock. */
bool ffa_msg_wake_waiting(struct vm *vm, struct vcpu *only);

#endif

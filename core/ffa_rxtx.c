// SPDX-License-Identifier: MIT
/* A VM's FF-A RX/TX buffer pair (DEN0077 13.5-13.7, docs/ffa.md): two ranges of its own RAM
 * the hypervisor writes answers into (RX) and will read requests from (TX). They are not
 * mapped anywhere: every access goes through core/gmem.h, which checks the range again. What is
 * written is cleaned to the point of coherency, for a VM that reads it with its MMU off. */
#include <core/ffa.h>
#include <core/gmem.h>
#include <core/vm.h>

#include "ffa_internal.h"

static bool overlap(uint64_t a, uint64_t b, uint64_t len)
{
	return a < b + len && b < a + len;
}

/* w1 TX, w2 RX (x1, x2 in the 64-bit form), w3 [5:0] the page count of each. */
void ffa_rxtx_map(struct vm *vm, uint64_t x[FFA_REGS], bool smc64)
{
	uint64_t tx = smc64 ? x[1] : (uint32_t)x[1];
	uint64_t rx = smc64 ? x[2] : (uint32_t)x[2];
	uint32_t w3 = (uint32_t)x[3];
	unsigned pages = w3 & FFA_RXTX_PAGE_COUNT_MASK;
	uint64_t len = (uint64_t)pages * FFA_RXTX_PAGE_SIZE;
	int status = 0;

	if ((w3 & ~FFA_RXTX_PAGE_COUNT_MASK) || pages == 0 || (tx | rx) % FFA_RXTX_PAGE_SIZE ||
	    overlap(tx, rx, len) || gmem_check(vm, tx, len) || gmem_check(vm, rx, len)) {
		ffa_error(x, FFA_RET_INVALID_PARAMETERS);
		return;
	}
	spin_lock(&vm->ffa.lock);
	if (vm->ffa.pages) {
		status = FFA_RET_DENIED; /* a pair is mapped already */
	} else {
		vm->ffa.tx = tx;
		vm->ffa.rx = rx;
		vm->ffa.pages = pages;
		vm->ffa.rx_full = false;
	}
	spin_unlock(&vm->ffa.lock);
	ffa_answer(x, status);
}

/* w1 [31:16]: the endpoint whose pair goes; a VM names itself or leaves it 0. */
static bool names_caller(const struct vm *vm, uint32_t id)
{
	return id == 0 || id == vm->ffa.id;
}

void ffa_rxtx_unmap(struct vm *vm, uint64_t x[FFA_REGS])
{
	uint32_t w1 = (uint32_t)x[1];
	int status = 0;

	if ((w1 & 0xffffU) || !names_caller(vm, w1 >> FFA_RXTX_UNMAP_ID_SHIFT)) {
		ffa_error(x, FFA_RET_INVALID_PARAMETERS);
		return;
	}
	spin_lock(&vm->ffa.lock);
	if (!vm->ffa.pages)
		status = FFA_RET_INVALID_PARAMETERS; /* no pair to unmap */
	vm->ffa.pages = 0;
	vm->ffa.rx_full = false;
	vm->ffa.rx_unseen = false;
	spin_unlock(&vm->ffa.lock);
	ffa_answer(x, status);
}

/* w1 [15:0]: the endpoint releasing its RX; a VM names itself or leaves it 0. */
void ffa_rx_release(struct vm *vm, uint64_t x[FFA_REGS])
{
	uint32_t w1 = (uint32_t)x[1];
	int status = 0;

	if ((w1 >> 16) || !names_caller(vm, w1)) {
		ffa_error(x, FFA_RET_INVALID_PARAMETERS);
		return;
	}
	spin_lock(&vm->ffa.lock);
	if (!vm->ffa.pages || !vm->ffa.rx_full)
		status = FFA_RET_DENIED; /* the caller does not own its RX buffer */
	vm->ffa.rx_full = false;
	vm->ffa.rx_unseen = false;
	spin_unlock(&vm->ffa.lock);
	ffa_answer(x, status);
}

int ffa_rx_deliver(struct vm *vm, const void *buf, size_t len)
{
	int status = 0;

	spin_lock(&vm->ffa.lock);
	if (!vm->ffa.pages || vm->ffa.rx_full)
		status = FFA_RET_BUSY;
	else if (len > (size_t)vm->ffa.pages * FFA_RXTX_PAGE_SIZE)
		status = FFA_RET_NO_MEMORY;
	else if (gmem_write(vm, vm->ffa.rx, buf, len) || gmem_clean(vm, vm->ffa.rx, len))
		status = FFA_RET_ABORTED; /* cannot happen: RAM regions never go */
	else
		vm->ffa.rx_full = true;
	spin_unlock(&vm->ffa.lock);
	return status;
}

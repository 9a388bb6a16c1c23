// SPDX-License-Identifier: MIT
/* FF-A indirect messages (DEN0077 v1.1, 7.2 and 13.12 FFA_MSG_SEND2; docs/ffa.md): the sender
 * writes a message (a header, then its payload) into its TX buffer; the hypervisor copies it
 * into the receiver's RX buffer, which the receiver then owns until FFA_RX_RELEASE (or its next
 * FFA_MSG_WAIT, v1.1). A receiving vCPU in FFA_MSG_WAIT wakes with FFA_RUN; one that is not
 * waiting gets FFA_RUN from its next FFA_MSG_WAIT, at once (core/ffa_msg.c). Both buffers are
 * reached only through core/gmem.h, which checks every range against the VM's RAM again. */
#include <core/ffa.h>
#include <core/gmem.h>
#include <core/lib.h>
#include <core/vm.h>

#include "ffa_internal.h"

/* The message header (DEN0077 v1.1 table 7.1): 32-bit little-endian words. */
#define HDR_FLAGS    0	/* MBZ in v1.1 */
#define HDR_RESERVED 4	/* MBZ */
#define HDR_OFFSET   8	/* where the payload starts, from the header's start */
#define HDR_IDS	     12 /* [31:16] the sender, [15:0] the receiver */
#define HDR_SIZE     16 /* the payload's size in bytes */
#define HDR_LEN	     20
#define COPY_CHUNK   256 /* bytes copied per step, on the stack */
/* FFA_MSG_SEND2's w2: bit 1 asks to delay the receiver's schedule interrupt (a notification:
 * there are none, so it changes nothing); the rest MBZ. */
#define SEND2_FLAG_DELAY_SRI (1U << 1)

static uint32_t word(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static void put_word(uint8_t *p, uint32_t v)
{
	for (unsigned i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

/* The sender's TX buffer: its IPA and length; false without a pair. */
static bool tx_of(struct vm *vm, uint64_t *tx, uint64_t *len)
{
	bool mapped;

	spin_lock(&vm->ffa.lock);
	mapped = vm->ffa.pages != 0;
	*tx = vm->ffa.tx;
	*len = (uint64_t)vm->ffa.pages * FFA_RXTX_PAGE_SIZE;
	spin_unlock(&vm->ffa.lock);
	return mapped;
}

/* Copy the message into `to`'s RX: under its lock, since the RX must be free and is then the
 * receiver's. The payload goes chunk by chunk from the sender's TX. */
static int deliver(struct vm *from, uint64_t tx, struct vm *to, const uint8_t hdr[HDR_LEN],
		   uint32_t offset, uint32_t size)
{
	uint8_t buf[COPY_CHUNK];
	uint64_t rx, done = 0;
	int status = 0;

	spin_lock(&to->ffa.lock);
	rx = to->ffa.rx;
	if (!to->ffa.pages || to->ffa.rx_full)
		status = FFA_RET_BUSY;
	else if ((uint64_t)offset + size > (uint64_t)to->ffa.pages * FFA_RXTX_PAGE_SIZE)
		status = FFA_RET_NO_MEMORY;
	else if (gmem_write(to, rx, hdr, HDR_LEN))
		status = FFA_RET_ABORTED; /* cannot happen: RAM regions never go */
	while (!status && done < size) {
		size_t n = MIN((uint64_t)COPY_CHUNK, size - done);

		if (gmem_read(from, tx + offset + done, buf, n) ||
		    gmem_write(to, rx + offset + done, buf, n))
			status = FFA_RET_ABORTED;
		done += n;
	}
	if (!status && gmem_clean(to, rx, (size_t)offset + size))
		status = FFA_RET_ABORTED;
	if (!status) {
		/* A vCPU of the receiver in FFA_MSG_WAIT is told now; else its next
		 * FFA_MSG_WAIT tells (decided under the lock that call takes too). */
		to->ffa.rx_full = true;
		to->ffa.rx_unseen = !ffa_msg_wake_waiting(to, NULL);
	}
	spin_unlock(&to->ffa.lock);
	return status;
}

void ffa_msg_send2(struct vcpu *vcpu, uint64_t x[FFA_REGS])
{
	struct vm *vm = vcpu->vm, *rvm;
	uint8_t hdr[HDR_LEN];
	uint64_t tx, tx_len;
	uint32_t offset, size, ids;
	uint16_t from, to;
	int status;

	/* w1: a sender id only a hypervisor passes on (MBZ from a VM); w2 flags; w3-w7 MBZ. */
	for (unsigned i = 3; i <= 7; i++) {
		if ((uint32_t)x[i])
			goto invalid;
	}
	if ((uint32_t)x[1] || ((uint32_t)x[2] & ~SEND2_FLAG_DELAY_SRI))
		goto invalid;
	if (!tx_of(vm, &tx, &tx_len)) {
		ffa_error(x, FFA_RET_DENIED); /* no TX buffer to send from */
		return;
	}
	if (gmem_read(vm, tx, hdr, HDR_LEN))
		goto invalid;
	offset = word(hdr + HDR_OFFSET);
	size = word(hdr + HDR_SIZE);
	ids = word(hdr + HDR_IDS);
	from = (uint16_t)(ids >> FFA_MSG_ID_SHIFT);
	to = (uint16_t)(ids & FFA_MSG_ID_MASK);
	/* The header as DEN0077 7.2 has it: flags and reserved MBZ, the payload after the header
	 * and inside the TX buffer, the caller as sender, a partition it sees as receiver. */
	if (word(hdr + HDR_FLAGS) || word(hdr + HDR_RESERVED) || offset < HDR_LEN ||
	    (uint64_t)offset + size > tx_len || from != vm->ffa.id || to == from ||
	    !ffa_part_visible(from, to))
		goto invalid;
	if (!(ffa_part_props(from) & FFA_PART_PROP_INDIRECT) ||
	    !(ffa_part_props(to) & FFA_PART_PROP_INDIRECT)) {
		ffa_error(x, FFA_RET_DENIED);
		return;
	}
	rvm = ffa_part_vm(to);
	if (!rvm) {
		ffa_error(x, FFA_RET_BUSY); /* stopped: it has no RX buffer */
		return;
	}
	/* What the receiver reads: the header as checked and the payload; nothing else of the
	 * sender's (bytes between the two keep what the receiver's RX held). */
	memset(hdr, 0, sizeof(hdr));
	put_word(hdr + HDR_OFFSET, offset);
	put_word(hdr + HDR_IDS, ids);
	put_word(hdr + HDR_SIZE, size);
	status = deliver(vm, tx, rvm, hdr, offset, size);
	if (status) {
		ffa_error(x, status);
		return;
	}
	ffa_success(x, 0, 0);
	return;
invalid:
	ffa_error(x, FFA_RET_INVALID_PARAMETERS);
}

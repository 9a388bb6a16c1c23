// SPDX-License-Identifier: MIT
/* FF-A memory sharing calls (DEN0077 v1.1 chapter 10, docs/ffa.md "Memory sharing"):
 * FFA_MEM_SHARE/LEND/DONATE (with FFA_MEM_FRAG_TX for a descriptor in fragments),
 * FFA_MEM_RETRIEVE_REQ, FFA_MEM_RELINQUISH, FFA_MEM_RECLAIM. Each
 * call reads its descriptor from the caller's TX buffer into one hypervisor buffer, has it
 * parsed (core/ffa_mem_desc.c), checks what only a VM can say (the pages are the caller's own
 * RAM, not its RX/TX pair; the borrowers are partitions it sees), moves the state machine
 * (core/ffa_mem_state.c) and applies the result to stage 2 (core/ffa_mem_s2.c). One lock
 * serialises all of it (`mem_lock`, docs/locking.md): transactions span VMs. */
#include <core/check.h>
#include <core/err.h>
#include <core/ffa.h>
#include <core/gmem.h>
#include <core/lib.h>
#include <core/log.h>
#include <core/smccc.h>
#include <core/vm.h>
#include <core/vmconfig.h>

#include "ffa_internal.h"
#include "ffa_mem_desc.h"
#include "ffa_mem_s2.h"
#include "ffa_mem_state.h"

/* The longest descriptor taken: more than the most the parser keeps (FFA_MEM_MAX_*), so a
 * longer one is refused as too big for us (NO_MEMORY), not read. */
#define FFA_MEM_DESC_MAX 4096U

static struct spinlock mem_lock;
static struct ffa_mem_table table;
/* Each endpoint's current life, from ffa_mem_vm_start() to ffa_mem_vm_gone(): every VM a
 * transaction names is here, stopped or not, until it leaves. */
static struct vm *endpoint[VMCONFIG_MAX_VMS + 1];
static uint8_t desc[FFA_MEM_DESC_MAX]; /* under mem_lock */
/* A send whose descriptor comes in fragments (FFA_MEM_FRAG_TX), one per VM at a time: its
 * handle is reserved with the first fragment, the descriptor put together here. */
struct frag {
	struct ffa_mem_tx *tx; /* reserved; NULL: none in progress */
	enum ffa_mem_op op;
	uint32_t total, got;
	uint8_t buf[FFA_MEM_DESC_MAX];
};
static struct frag frags[VMCONFIG_MAX_VMS + 1]; /* under mem_lock */

void ffa_mem_init(void)
{
	ffa_mem_state_init(&table);
	memset(endpoint, 0, sizeof(endpoint));
	memset(frags, 0, sizeof(frags));
}

void ffa_mem_vm_start(struct vm *vm)
{
	if (vm->ffa.id == 0 || vm->ffa.id > VMCONFIG_MAX_VMS)
		return;
	spin_lock(&mem_lock);
	endpoint[vm->ffa.id] = vm;
	spin_unlock(&mem_lock);
}

static struct vm *endpoint_vm(uint16_t id)
{
	return id && id <= VMCONFIG_MAX_VMS ? endpoint[id] : NULL;
}

/* w1 the total length, w2 this fragment's, w3/x3 and w4 a buffer other than the TX (address
 * and page count; 0: the TX, the only one supported: FFA_FEATURES says so). */
static int read_args(const uint64_t x[FFA_REGS], bool smc64, uint32_t *total, uint32_t *frag)
{
	uint64_t addr = smc64 ? x[3] : (uint32_t)x[3];

	*total = (uint32_t)x[1];
	*frag = (uint32_t)x[2];
	if (addr || (uint32_t)x[4] || *frag == 0 || *frag > *total)
		return FFA_RET_INVALID_PARAMETERS;
	return 0;
}

/* The first `len` bytes of the caller's TX into `dst`, part of a descriptor of `total`. */
static int copy_tx(struct vm *vm, uint8_t *dst, size_t len, size_t total)
{
	int status = 0;

	spin_lock(&vm->ffa.lock);
	if (!vm->ffa.pages)
		status = FFA_RET_DENIED; /* no TX buffer */
	else if (len > (uint64_t)vm->ffa.pages * FFA_RXTX_PAGE_SIZE)
		status = FFA_RET_INVALID_PARAMETERS;
	else if (total > FFA_MEM_DESC_MAX)
		status = FFA_RET_NO_MEMORY;
	else if (gmem_read(vm, vm->ffa.tx, dst, len))
		status = FFA_RET_ABORTED; /* the TX is lent away: it cannot be read */
	spin_unlock(&vm->ffa.lock);
	return status;
}

/* w1 the total length, w2 this fragment's: the whole descriptor into desc[]. */
static int read_tx(struct vm *vm, const uint64_t x[FFA_REGS], bool smc64, size_t *len)
{
	uint32_t total, frag;
	int ret = read_args(x, smc64, &total, &frag);

	if (ret)
		return ret;
	if (frag != total)
		return FFA_RET_NOT_SUPPORTED; /* a retrieve request in fragments */
	*len = total;
	return copy_tx(vm, desc, total, total);
}

/* A range naming the caller's RX/TX pair: the hypervisor writes the RX and reads the TX, which
 * must stay the caller's alone. */
static bool names_mailbox(struct vm *vm, const struct ffa_mem_desc *d)
{
	bool hit = false;

	spin_lock(&vm->ffa.lock);
	for (unsigned i = 0; vm->ffa.pages && i < d->ranges; i++) {
		uint64_t a = d->range[i].addr, end = a + (uint64_t)d->range[i].pages * PAGE_SIZE;
		uint64_t len = (uint64_t)vm->ffa.pages * FFA_RXTX_PAGE_SIZE;

		hit |= (a < vm->ffa.tx + len && vm->ffa.tx < end) ||
		       (a < vm->ffa.rx + len && vm->ffa.rx < end);
	}
	spin_unlock(&vm->ffa.lock);
	return hit;
}

/* The whole descriptor in buf[0, len): parsed, checked, the transaction made (in the slot
 * `reserved` if not NULL) and the lender's stage 2 changed. On failure nothing is left, the
 * reserved slot freed. */
static int finish_send(struct vm *vm, enum ffa_mem_op op, const uint8_t *buf, size_t len,
		       struct ffa_mem_tx *reserved, uint64_t *handle)
{
	struct ffa_mem_tx *tx = reserved;
	struct ffa_mem_desc d;
	int ret = ffa_mem_desc_parse(buf, len, ffa_version_of(vm), op, &d);

	for (unsigned i = 0; !ret && i < d.borrowers; i++)
		if (!ffa_part_visible(vm->ffa.id, d.access[i].id))
			ret = FFA_RET_INVALID_PARAMETERS;
	/* Only the caller's own RAM, never a device, the hypervisor's or another VM's memory
	 * (its IPAs cannot name any other), nor what it borrowed. */
	if (!ret && (names_mailbox(vm, &d) || ffa_mem_s2_prepare(vm, d.range, d.ranges)))
		ret = FFA_RET_DENIED;
	if (!ret)
		ret = reserved ? ffa_mem_state_send_reserved(&table, vm->ffa.id, op, &d, reserved)
			       : ffa_mem_state_send(&table, vm->ffa.id, op, &d, &tx);
	if (!ret && op != FFA_MEM_OP_SHARE && ffa_mem_s2_unmap_own(vm, d.range, d.ranges))
		ret = FFA_RET_NO_MEMORY;
	if (ret) {
		if (tx)
			ffa_mem_state_free(&table, tx);
		return ret;
	}
	*handle = tx->handle;
	return 0;
}

/* FFA_MEM_SHARE/LEND/DONATE: 0 and the handle, with *more set if the descriptor is to come in
 * fragments (answered FFA_MEM_FRAG_RX, *offset the bytes taken). */
static int send(struct vm *vm, uint64_t x[FFA_REGS], enum ffa_mem_op op, bool smc64,
		uint64_t *handle, uint32_t *offset)
{
	struct frag *f = &frags[vm->ffa.id];
	uint32_t total, frag;
	int ret = read_args(x, smc64, &total, &frag);

	if (ret)
		return ret;
	if (f->tx)
		return FFA_RET_BUSY; /* its fragmented send is not complete */
	if (frag == total) {
		ret = copy_tx(vm, desc, total, total);
		return ret ? ret : finish_send(vm, op, desc, total, NULL, handle);
	}
	ret = copy_tx(vm, f->buf, frag, total);
	if (ret || (ret = ffa_mem_state_reserve(&table, vm->ffa.id, &f->tx)))
		return ret;
	f->op = op;
	f->total = total;
	f->got = frag;
	*handle = f->tx->handle;
	*offset = frag;
	return 0;
}

/* FFA_MEM_FRAG_TX: w1/w2 the handle, w3 this fragment's length, w4 [31:16] the sender (0 or
 * the caller), [15:0] MBZ. Any mistake drops the whole transaction. */
static int frag_tx(struct vm *vm, const uint64_t x[FFA_REGS], uint64_t *handle, uint32_t *offset)
{
	struct frag *f = &frags[vm->ffa.id];
	uint64_t h = (uint32_t)x[1] | (uint64_t)(uint32_t)x[2] << 32;
	uint32_t len = (uint32_t)x[3], w4 = (uint32_t)x[4];
	int ret;

	if (!f->tx || f->tx->handle != h)
		return FFA_RET_INVALID_PARAMETERS;
	if ((w4 & 0xffffU) || ((w4 >> 16) && (w4 >> 16) != vm->ffa.id) || len == 0 ||
	    len > f->total - f->got)
		ret = FFA_RET_INVALID_PARAMETERS;
	else
		ret = copy_tx(vm, f->buf + f->got, len, f->total);
	if (!ret) {
		f->got += len;
		*handle = h;
		*offset = f->got;
		if (f->got < f->total)
			return 0;
		*offset = 0;
		ret = finish_send(vm, f->op, f->buf, f->total, f->tx, handle);
		f->tx = NULL;
		return ret;
	}
	ffa_mem_state_free(&table, f->tx);
	f->tx = NULL;
	return ret;
}

static uint8_t resp_buf[FFA_MEM_TRANS_SIZE_1_1 + FFA_MEM_ACCESS_SIZE + FFA_MEM_COMPOSITE_SIZE +
			FFA_MEM_MAX_RANGES * FFA_MEM_CONSTITUENT_SIZE]; /* under mem_lock */

static int retrieve(struct vm *vm, uint64_t x[FFA_REGS], bool smc64, size_t *resp_len)
{
	struct ffa_mem_desc req, resp;
	struct ffa_mem_tx *tx;
	struct vm *lender;
	bool zero;
	size_t len;
	int ret = read_tx(vm, x, smc64, &len);

	if (ret ||
	    (ret = ffa_mem_desc_parse(desc, len, ffa_version_of(vm), FFA_MEM_OP_RETRIEVE, &req)) ||
	    (ret = ffa_mem_state_retrieve(&table, vm->ffa.id, &req, &resp, &zero, &tx)))
		return ret;
	lender = endpoint_vm(tx->lender);
	CHECK(lender); /* a lender leaves only through ffa_mem_vm_gone(), with its transactions */
	if (zero)
		ffa_mem_s2_zero(lender, tx->range, tx->ranges);
	ret = ffa_mem_s2_map_borrowed(vm, lender, tx->range, tx->ranges, resp.access[0].perm);
	if (ret) {
		ffa_mem_state_unretrieve(tx, vm->ffa.id);
		return ret == HV_ENOMEM ? FFA_RET_NO_MEMORY : FFA_RET_DENIED;
	}
	ffa_mem_s2_alias(lender, tx->range, tx->ranges, resp.range);
	*resp_len = ffa_mem_desc_write(resp_buf, sizeof(resp_buf), ffa_version_of(vm), &resp);
	CHECK(*resp_len);
	ret = ffa_rx_deliver(vm, resp_buf, *resp_len);
	if (ret) {
		ffa_mem_s2_unmap_borrowed(vm, lender, tx->range, tx->ranges);
		ffa_mem_state_unretrieve(tx, vm->ffa.id);
	}
	return ret;
}

/* The relinquish descriptor is in the TX; no register arguments. */
static int relinquish(struct vm *vm)
{
	uint8_t buf[FFA_MEM_RELINQUISH_SIZE + 2];
	struct ffa_mem_tx *tx;
	struct vm *lender;
	uint64_t handle;
	uint32_t flags;
	uint16_t id;
	int ret = 0;

	spin_lock(&vm->ffa.lock);
	if (!vm->ffa.pages)
		ret = FFA_RET_DENIED;
	else if (gmem_read(vm, vm->ffa.tx, buf, sizeof(buf)))
		ret = FFA_RET_ABORTED;
	spin_unlock(&vm->ffa.lock);
	if (ret || (ret = ffa_mem_relinquish_parse(buf, sizeof(buf), &handle, &id, &flags)))
		return ret;
	if (id != vm->ffa.id)
		return FFA_RET_INVALID_PARAMETERS; /* a VM relinquishes for itself only */
	ret = ffa_mem_state_relinquish(&table, vm->ffa.id, handle, flags, &tx);
	if (ret)
		return ret;
	lender = endpoint_vm(tx->lender);
	CHECK(lender);
	ffa_mem_s2_unmap_borrowed(vm, lender, tx->range, tx->ranges);
	if (flags & FFA_RELINQUISH_FLAG_ZERO)
		ffa_mem_s2_zero(lender, tx->range, tx->ranges);
	return 0;
}

/* w1, w2 the handle's low and high halves, w3 the flags. */
static int reclaim(struct vm *vm, const uint64_t x[FFA_REGS])
{
	uint64_t handle = (uint32_t)x[1] | (uint64_t)(uint32_t)x[2] << 32;
	struct ffa_mem_tx *tx;
	bool zero;
	int ret = ffa_mem_state_reclaim(&table, vm->ffa.id, handle, (uint32_t)x[3], &tx, &zero);

	if (ret)
		return ret;
	if (zero)
		ffa_mem_s2_zero(vm, tx->range, tx->ranges);
	if (tx->op != FFA_MEM_OP_SHARE)
		ffa_mem_s2_map_own(vm, tx->range, tx->ranges);
	ffa_mem_state_free(&table, tx);
	return 0;
}

void ffa_mem_call(struct vm *vm, uint64_t x[FFA_REGS], uint32_t fid)
{
	bool smc64 = fid & SMCCC_SMC64;
	uint64_t handle = 0;
	uint32_t offset = 0;
	size_t len = 0;
	int ret;

	spin_lock(&mem_lock);
	switch (fid) {
	case FFA_MEM_SHARE_32:
	case FFA_MEM_SHARE_64:
		ret = send(vm, x, FFA_MEM_OP_SHARE, smc64, &handle, &offset);
		break;
	case FFA_MEM_LEND_32:
	case FFA_MEM_LEND_64:
		ret = send(vm, x, FFA_MEM_OP_LEND, smc64, &handle, &offset);
		break;
	case FFA_MEM_DONATE_32:
	case FFA_MEM_DONATE_64:
		ret = send(vm, x, FFA_MEM_OP_DONATE, smc64, &handle, &offset);
		break;
	case FFA_MEM_FRAG_TX:
		ret = frag_tx(vm, x, &handle, &offset);
		break;
	case FFA_MEM_FRAG_RX:
		/* A borrower's next fragment of a retrieve response: there is none, every
		 * response fits in the RX in one piece. */
		ret = FFA_RET_INVALID_PARAMETERS;
		break;
	case FFA_MEM_RETRIEVE_REQ_32:
	case FFA_MEM_RETRIEVE_REQ_64:
		ret = retrieve(vm, x, smc64, &len);
		break;
	case FFA_MEM_RELINQUISH:
		ret = relinquish(vm);
		break;
	default: /* FFA_MEM_RECLAIM */
		ret = reclaim(vm, x);
		break;
	}
	spin_unlock(&mem_lock);
	if (ret) {
		log_ratelimited(&vm->guest_log, LOG_INFO, "%s: FF-A call 0x%x refused: %d",
				vm->name, fid, ret);
		ffa_error(x, ret);
	} else if (len) {
		/* DEN0077: FFA_MEM_RETRIEVE_RESP, w1 the total length, w2 this fragment's. */
		ffa_success(x, (uint32_t)len, 0);
		x[0] = FFA_MEM_RETRIEVE_RESP;
		x[1] = len;
		x[2] = len;
	} else if (offset) {
		/* DEN0077: FFA_MEM_FRAG_RX asks for the next fragment: w1/w2 the handle, w3 the
		 * bytes taken so far. */
		ffa_success(x, (uint32_t)(handle >> 32), (uint32_t)offset);
		x[0] = FFA_MEM_FRAG_RX;
		x[1] = (uint32_t)handle;
	} else {
		/* The handle in w2 (low) and w3 (high); 0 for the calls that return none. */
		ffa_success(x, (uint32_t)handle, (uint32_t)(handle >> 32));
	}
}

void ffa_mem_vm_gone(struct vm *vm)
{
	struct ffa_mem_tx done;
	bool returned;
	uint16_t id = vm->ffa.id;

	if (id == 0 || id > VMCONFIG_MAX_VMS)
		return;
	spin_lock(&mem_lock);
	while (ffa_mem_state_vm_gone(&table, id, &done, &returned)) {
		if (done.lender == id) {
			/* Its memory is about to be freed: no borrower may keep a mapping. */
			for (unsigned i = 0; i < done.borrowers; i++) {
				struct vm *b = endpoint_vm(done.b[i].id);

				if (done.b[i].retrieved && b)
					ffa_mem_s2_unmap_borrowed(b, vm, done.range, done.ranges);
			}
		} else if (returned) {
			/* A donation it received: the giver (still here, or the record would
			 * be gone with it) owns the pages again. */
			CHECK(endpoint_vm(done.lender));
			ffa_mem_s2_map_own(endpoint_vm(done.lender), done.range, done.ranges);
		}
	}
	frags[id].tx = NULL; /* a reserved slot went with its transactions */
	if (endpoint[id] == vm)
		endpoint[id] = NULL;
	spin_unlock(&mem_lock);
}

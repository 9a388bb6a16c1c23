// SPDX-License-Identifier: MIT
/* FF-A calls from VMs (DEN0077 v1.1, hypervisor role, docs/ffa.md): the dispatcher and the
 * calls that only report (version, features, ids). Buffers are core/ffa_rxtx.c, partitions
 * core/ffa_part.c, the secure world the variant behind core/ffa_spmc.h. */
#include <core/ffa.h>
#include <core/ffa_spmc.h>
#include <core/lib.h>
#include <core/smccc.h>
#include <core/vm.h>

#include "ffa_internal.h"

void ffa_success(uint64_t x[FFA_REGS], uint32_t w2, uint32_t w3)
{
	memset(x, 0, 8 * sizeof(x[0]));
	x[0] = FFA_SUCCESS_32;
	x[2] = w2;
	x[3] = w3;
}

void ffa_error(uint64_t x[FFA_REGS], int32_t status)
{
	memset(x, 0, 8 * sizeof(x[0]));
	x[0] = FFA_ERROR;
	x[2] = (uint32_t)status;
}

void ffa_answer(uint64_t x[FFA_REGS], int32_t status)
{
	if (status)
		ffa_error(x, status);
	else
		ffa_success(x, 0, 0);
}

uint32_t ffa_version_of(const struct vm *vm)
{
	return vm->ffa.version ? vm->ffa.version : FFA_VERSION_IMPLEMENTED;
}

/* DEN0077 13.2: the answer is our version in w0 (not an FFA_SUCCESS), or NOT_SUPPORTED in w0
 * for a version we cannot serve. A caller of the same major version gets the behaviour of the
 * lower of its version and ours (1.0: 8-byte partition descriptors, no count-only flag). */
static void version(struct vm *vm, uint64_t x[FFA_REGS])
{
	uint32_t asked = (uint32_t)x[1];
	uint32_t major = (asked >> FFA_VERSION_MAJOR_SHIFT) & FFA_VERSION_MAJOR_MASK;

	if ((asked & FFA_VERSION_MBZ) ||
	    major != (FFA_VERSION_IMPLEMENTED >> FFA_VERSION_MAJOR_SHIFT)) {
		x[0] = (uint32_t)FFA_RET_NOT_SUPPORTED;
		return;
	}
	spin_lock(&vm->ffa.lock);
	vm->ffa.version = asked < FFA_VERSION_IMPLEMENTED ? asked : FFA_VERSION_IMPLEMENTED;
	spin_unlock(&vm->ffa.lock);
	x[0] = FFA_VERSION_IMPLEMENTED;
}

/* The calls a VM may make, as FFA_FEATURES reports them. */
static const uint32_t implemented[] = {
    FFA_VERSION,
    FFA_FEATURES,
    FFA_RX_RELEASE,
    FFA_RXTX_MAP_32,
    FFA_RXTX_MAP_64,
    FFA_RXTX_UNMAP,
    FFA_PARTITION_INFO_GET,
    FFA_ID_GET,
    FFA_MSG_WAIT,
    FFA_YIELD,
    FFA_RUN,
    FFA_MSG_SEND_DIRECT_REQ_32,
    FFA_MSG_SEND_DIRECT_REQ_64,
    FFA_MSG_SEND_DIRECT_RESP_32,
    FFA_MSG_SEND_DIRECT_RESP_64,
    FFA_MSG_SEND2,
    FFA_MEM_SHARE_32,
    FFA_MEM_SHARE_64,
    FFA_MEM_LEND_32,
    FFA_MEM_LEND_64,
    FFA_MEM_DONATE_32,
    FFA_MEM_DONATE_64,
    FFA_MEM_RETRIEVE_REQ_32,
    FFA_MEM_RETRIEVE_REQ_64,
    FFA_MEM_RELINQUISH,
    FFA_MEM_RECLAIM,
    FFA_MEM_FRAG_RX,
    FFA_MEM_FRAG_TX,
};

/* DEN0077 13.3: w1 names a function (bit 31 set) or a feature (interrupt ids: none here). */
static void features(uint64_t x[FFA_REGS])
{
	uint32_t id = (uint32_t)x[1];

	for (unsigned i = 0; (id & FFA_FEATURES_FUNCTION) && i < ARRAY_SIZE(implemented); i++) {
		if (implemented[i] == id) {
			/* Only FFA_RXTX_MAP has properties: 4 KiB buffers, 4 KiB aligned. */
			ffa_success(x,
				    (id == FFA_RXTX_MAP_32 || id == FFA_RXTX_MAP_64)
					? FFA_RXTX_MAP_MIN_4K
					: 0,
				    0);
			return;
		}
	}
	ffa_error(x, FFA_RET_NOT_SUPPORTED);
}

static void spm_id_get(uint64_t x[FFA_REGS])
{
	uint16_t id;
	int ret = ffa_spmc_id(&id);

	if (ret)
		ffa_error(x, ret);
	else
		ffa_success(x, id, 0);
}

static bool is_ffa(uint32_t fid)
{
	uint32_t fn = fid & FFA_FN_MASK;

	return ((fid >> SMCCC_OWNER_SHIFT) & SMCCC_OWNER_MASK) == SMCCC_OWNER_STD &&
	       (fid & SMCCC_FAST_CALL) && !(fid & 0x00ff0000U) && fn >= FFA_FN_FIRST &&
	       fn <= FFA_FN_LAST;
}

bool ffa_handle(struct vcpu *vcpu, uint64_t x[FFA_REGS])
{
	struct vm *vm = vcpu->vm;
	uint32_t fid = (uint32_t)x[0];

	if (!is_ffa(fid))
		return false;
	/* A VM that no configuration made an endpoint has no FF-A at all; FFA_VERSION says so
	 * in w0, as it answers (DEN0077 13.2). */
	if (vm->ffa.id == 0) {
		if (fid == FFA_VERSION)
			x[0] = (uint32_t)FFA_RET_NOT_SUPPORTED;
		else
			ffa_error(x, FFA_RET_NOT_SUPPORTED);
		return true;
	}
	switch (fid) {
	case FFA_VERSION:
		version(vm, x);
		break;
	case FFA_FEATURES:
		features(x);
		break;
	case FFA_ID_GET:
		ffa_success(x, vm->ffa.id, 0);
		break;
	case FFA_SPM_ID_GET:
		spm_id_get(x);
		break;
	case FFA_RXTX_MAP_32:
	case FFA_RXTX_MAP_64:
		ffa_rxtx_map(vm, x, fid == FFA_RXTX_MAP_64);
		break;
	case FFA_RXTX_UNMAP:
		ffa_rxtx_unmap(vm, x);
		break;
	case FFA_RX_RELEASE:
		ffa_rx_release(vm, x);
		break;
	case FFA_PARTITION_INFO_GET:
		ffa_partition_info_get(vm, x);
		break;
	case FFA_MSG_WAIT:
		ffa_msg_wait(vcpu, x);
		break;
	case FFA_YIELD:
		ffa_yield(vcpu, x);
		break;
	case FFA_RUN:
		ffa_run(vcpu, x);
		break;
	case FFA_MSG_SEND_DIRECT_REQ_32:
	case FFA_MSG_SEND_DIRECT_REQ_64:
		ffa_direct_req(vcpu, x, fid == FFA_MSG_SEND_DIRECT_REQ_64);
		break;
	case FFA_MSG_SEND_DIRECT_RESP_32:
	case FFA_MSG_SEND_DIRECT_RESP_64:
		ffa_direct_resp(vcpu, x, fid == FFA_MSG_SEND_DIRECT_RESP_64);
		break;
	case FFA_MSG_SEND2:
		ffa_msg_send2(vcpu, x);
		break;
	case FFA_MEM_SHARE_32:
	case FFA_MEM_SHARE_64:
	case FFA_MEM_LEND_32:
	case FFA_MEM_LEND_64:
	case FFA_MEM_DONATE_32:
	case FFA_MEM_DONATE_64:
	case FFA_MEM_RETRIEVE_REQ_32:
	case FFA_MEM_RETRIEVE_REQ_64:
	case FFA_MEM_RELINQUISH:
	case FFA_MEM_RECLAIM:
	case FFA_MEM_FRAG_RX:
	case FFA_MEM_FRAG_TX:
		ffa_mem_call(vm, x, fid);
		break;
	default:
		/* Indirect messages, notifications: not yet (docs/ffa.md). */
		ffa_error(x, FFA_RET_NOT_SUPPORTED);
		break;
	}
	return true;
}

bool ffa_call(struct vcpu *vcpu, uint32_t fid, int64_t *ret)
{
	uint64_t x[FFA_REGS];

	/* The direct messages (an SMC, or an HVC the exit's early look did not take) work on the
	 * vCPU's registers in place, as there (ffa_direct_call()); the other calls get a copy,
	 * so x8-x17 are kept whatever they write. */
	if (ffa_direct_call(vcpu, fid)) {
		*ret = (int64_t)vcpu->ctx.x[0];
		return true;
	}
	memcpy(x, vcpu->ctx.x, sizeof(x));
	x[0] = fid;
	if (!ffa_handle(vcpu, x))
		return false;
	memcpy(&vcpu->ctx.x[1], &x[1], 7 * sizeof(x[0]));
	*ret = (int64_t)x[0];
	return true;
}

/* SPDX-License-Identifier: MIT */
#ifndef CORE_FFA_H
#define CORE_FFA_H

/* Arm Firmware Framework for A-profile (DEN0077, v1.1) in the "hypervisor" role: the
 * partition manager of the normal world, every VM an endpoint (docs/ffa.md). Function ids,
 * status codes and the descriptors a caller reads are the specification's (DEN0077 chapter 13
 * and 6). */

#include <core/smccc.h>
#include <core/spinlock.h>
#include <stdbool.h>
#include <stdint.h>

/* Function ids (DEN0077 table 13.1): SMCCC owner 4 (standard secure service), fast calls. */
#define FFA_ERROR		    0x84000060U
#define FFA_SUCCESS_32		    0x84000061U
#define FFA_SUCCESS_64		    0xc4000061U
#define FFA_VERSION		    0x84000063U
#define FFA_FEATURES		    0x84000064U
#define FFA_RX_RELEASE		    0x84000065U
#define FFA_RXTX_MAP_32		    0x84000066U
#define FFA_RXTX_MAP_64		    0xc4000066U
#define FFA_RXTX_UNMAP		    0x84000067U
#define FFA_PARTITION_INFO_GET	    0x84000068U
#define FFA_ID_GET		    0x84000069U
#define FFA_MSG_WAIT		    0x8400006bU
#define FFA_YIELD		    0x8400006cU
#define FFA_RUN			    0x8400006dU
#define FFA_MSG_SEND_DIRECT_REQ_32  0x8400006fU
#define FFA_MSG_SEND_DIRECT_REQ_64  0xc400006fU
#define FFA_MSG_SEND_DIRECT_RESP_32 0x84000070U
#define FFA_MSG_SEND_DIRECT_RESP_64 0xc4000070U
#define FFA_SPM_ID_GET		    0x84000085U
#define FFA_MSG_SEND2		    0x84000086U
/* The function numbers FF-A owns within owner 4 (DEN0077 13.1; PSCI keeps 0x00-0x1f). */
#define FFA_FN_FIRST 0x60U
#define FFA_FN_LAST  0xffU
#define FFA_FN_MASK  0xffffU

/* Memory management (DEN0077 v1.1 chapter 10 and its ABI chapter, docs/ffa.md "Memory
 * sharing"): the 64-bit forms differ only in reading x3 (a buffer address, unsupported). */
#define FFA_MEM_DONATE_32	0x84000071U
#define FFA_MEM_DONATE_64	0xc4000071U
#define FFA_MEM_LEND_32		0x84000072U
#define FFA_MEM_LEND_64		0xc4000072U
#define FFA_MEM_SHARE_32	0x84000073U
#define FFA_MEM_SHARE_64	0xc4000073U
#define FFA_MEM_RETRIEVE_REQ_32 0x84000074U
#define FFA_MEM_RETRIEVE_REQ_64 0xc4000074U
#define FFA_MEM_RETRIEVE_RESP	0x84000075U
#define FFA_MEM_RELINQUISH	0x84000076U
#define FFA_MEM_RECLAIM		0x84000077U
#define FFA_MEM_FRAG_RX		0x8400007aU
#define FFA_MEM_FRAG_TX		0x8400007bU

/* Status codes in w2 of FFA_ERROR (DEN0077 table 13.2). */
#define FFA_RET_NOT_SUPPORTED	   (-1)
#define FFA_RET_INVALID_PARAMETERS (-2)
#define FFA_RET_NO_MEMORY	   (-3)
#define FFA_RET_BUSY		   (-4)
#define FFA_RET_INTERRUPTED	   (-5)
#define FFA_RET_DENIED		   (-6)
#define FFA_RET_RETRY		   (-7)
#define FFA_RET_ABORTED		   (-8)
#define FFA_RET_NO_DATA		   (-9)

/* Versions (DEN0077 13.2.1): bit 31 MBZ, major in [30:16], minor in [15:0]. */
#define FFA_VERSION_MBZ		(1U << 31)
#define FFA_VERSION_MAJOR_SHIFT 16
#define FFA_VERSION_MAJOR_MASK	0x7fffU
#define FFA_VERSION_MINOR_MASK	0xffffU
#define FFA_VERSION_1_0		0x10000U
#define FFA_VERSION_1_1		0x10001U
#define FFA_VERSION_IMPLEMENTED FFA_VERSION_1_1

/* FFA_FEATURES: w1 bit 31 set names a function, clear a feature (DEN0077 13.3). */
#define FFA_FEATURES_FUNCTION (1U << 31)
/* FFA_RXTX_MAP's properties in w2: [1:0] the minimum buffer size and alignment, 0 = 4 KiB. */
#define FFA_RXTX_MAP_MIN_4K 0

/* FFA_RXTX_MAP (DEN0077 13.5): w3 [5:0] the page count of each buffer, [31:6] MBZ. */
#define FFA_RXTX_PAGE_SIZE	 4096U
#define FFA_RXTX_PAGE_COUNT_MASK 0x3fU
/* FFA_RXTX_UNMAP / FFA_RX_RELEASE: the endpoint id a hypervisor would pass on, in w1. */
#define FFA_RXTX_UNMAP_ID_SHIFT 16

/* FFA_PARTITION_INFO_GET (DEN0077 13.8): w5 bit 0 asks for the count only (v1.1). */
#define FFA_PARTITION_INFO_COUNT_ONLY 1U
/* Partition properties (DEN0077 table 6.2): what a descriptor and the configuration carry. */
#define FFA_PART_PROP_DIRECT_RECV (1U << 0)
#define FFA_PART_PROP_DIRECT_SEND (1U << 1)
#define FFA_PART_PROP_INDIRECT	  (1U << 2)
#define FFA_PART_PROP_MESSAGING \
	(FFA_PART_PROP_DIRECT_RECV | FFA_PART_PROP_DIRECT_SEND | FFA_PART_PROP_INDIRECT)
#define FFA_PART_PROP_AARCH64 (1U << 8) /* v1.1: the execution state */
/* Descriptor sizes: v1.0 id, context count, properties; v1.1 adds the 16-byte UUID. */
#define FFA_PART_DESC_SIZE_1_0 8U
#define FFA_PART_DESC_SIZE_1_1 24U

/* The hypervisor's own id; a VM's is 1 + its index in the configuration. */
#define FFA_ID_HYPERVISOR 0

/* Direct messages (DEN0077 13.10-13.11): w1 [31:16] the sender, [15:0] the receiver; w2 the
 * flags (bit 31 a framework message: none are implemented, so w2 is MBZ); x3-x7 the payload
 * (w3-w7 in the 32-bit forms). FFA_RUN's w1: [31:16] the endpoint, [15:0] its vCPU. */
#define FFA_MSG_ID_SHIFT  16
#define FFA_MSG_ID_MASK	  0xffffU
#define FFA_MSG_FIRST_ARG 3
#define FFA_MSG_LAST_ARG  7

/* x0-x17: what an FF-A call reads and may answer in (SMCCC 1.2). Answers use x0-x7; x8-x17
 * are kept. */
#define FFA_REGS 18

/* A VM's FF-A state (in struct vm, cleared with each of its lives). */
struct ffa_vm {
	uint16_t id;	      /* 0: not an endpoint (no configuration gave it one) */
	uint32_t version;     /* negotiated by FFA_VERSION; 0 until then (1.1 behaviour) */
	struct spinlock lock; /* the mailbox, against the VM's other vCPUs */
	uint64_t tx, rx;      /* IPAs, valid while pages > 0 */
	unsigned pages;	      /* of each buffer; 0: no pair mapped */
	bool rx_full;	      /* the RX holds an answer the VM has not released */
	bool rx_unseen;	      /* ... an indirect message no FFA_MSG_WAIT has returned for */
};

/* A vCPU's part in FF-A messages (in struct vcpu, zero with each life; core/ffa_msg.c). Under
 * the messaging lock, but `ready`, which the vCPU's own pCPU reads lock-free at each choice
 * while the vCPU is blocked in a call (sched.ffa_wait). */
struct ffa_vcpu {
	bool waiting;	       /* in FFA_MSG_WAIT (or after a response): direct requests reach it */
	struct vcpu *serving;  /* took a direct request from this vCPU, has not answered yet */
	bool requester_gone;   /* ... whose VM stopped meanwhile: its response goes nowhere */
	struct vcpu *awaiting; /* sent a direct request to this vCPU, blocked until it answers */
	_Atomic bool ready;    /* `answer` waits to be written into x0-x7 (the call returns) */
	uint64_t answer[8];
};

struct vm;
struct vcpu;
struct vmconfig;

/* One FF-A call from `vcpu` with x0-x17 in `x` (x[0]'s low 32 bits the function id): the
 * answer is written into x[0]-x[7]. False, nothing written, if the id is not FF-A's. */
bool ffa_handle(struct vcpu *vcpu, uint64_t x[FFA_REGS]);

/* From the SMCCC dispatcher (core/smccc.c): as ffa_handle() on `vcpu`'s registers, with x0's
 * answer in *ret and x1-x7 written. */
bool ffa_call(struct vcpu *vcpu, uint32_t fid, int64_t *ret);

/* The early look of the exit (core/exit.c) and of ffa_call(): if `fid` (`vcpu`'s w0) is a
 * direct message (FFA_MSG_SEND_DIRECT_REQ or _RESP, 32 or 64) and its VM an endpoint, the call
 * is made on its registers in place, answered as ffa_handle() answers it, and true is
 * returned; else false and nothing is done. */
bool ffa_direct_call(struct vcpu *vcpu, uint32_t fid);

/* Whether `fid` is FFA_MSG_SEND_DIRECT_REQ or _RESP (32 or 64): the 64-bit forms differ in
 * SMCCC's bit 30 only (DEN0028 2.5). Inline, for the exit's early look. */
static inline bool ffa_is_direct_msg(uint32_t fid)
{
	uint32_t f = fid & ~SMCCC_SMC64;

	return f == FFA_MSG_SEND_DIRECT_REQ_32 || f == FFA_MSG_SEND_DIRECT_RESP_32;
}

/* FF-A memory sharing (core/ffa_mem.c) over the lives of VMs: a VM that got its endpoint id
 * joins; one that stopped leaves before it is destroyed, giving back what it borrowed and
 * taking what it lent from its borrowers (docs/ffa.md "Memory sharing"). */
void ffa_mem_vm_start(struct vm *vm);
void ffa_mem_vm_gone(struct vm *vm);
/* Forget every transaction and VM (host tests; at boot all is empty already). */
void ffa_mem_init(void);

/* The partitions are the VMs of `config` (kept by the caller for good), in its order. */
void ffa_part_init(const struct vmconfig *config);
/* `vm` is the current life of the partition with endpoint id `id` (1 + its configuration
 * index): sets vm->ffa.id, and messages to `id` reach it while it lives. */
void ffa_part_attach(struct vm *vm, uint16_t id);

/* The scheduler's side of a vCPU blocked in an FF-A call (sched.ffa_wait; core/ffa_msg.c), all
 * on the vCPU's own pCPU. */
/* Whether its wait ends on an interrupt or its timer (FFA_MSG_WAIT does; a direct request
 * waits for its response only). */
bool ffa_msg_interruptible(const struct vcpu *vcpu);
/* Whether the call returns now: its answer is written into x0-x7 (or, `interrupted` and
 * waiting for a message, FFA_ERROR INTERRUPTED); false: it stays blocked. */
bool ffa_msg_resume(struct vcpu *vcpu, bool interrupted);
/* Its VM stopped and it leaves its run queue, or it called PSCI CPU_OFF: the peer of a call it
 * was in gets its answer (FFA_ERROR ABORTED for a request it served; a response it owes goes
 * nowhere), and its next life starts with no FF-A state. */
void ffa_msg_vcpu_gone(struct vcpu *vcpu);

#endif

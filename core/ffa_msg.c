// SPDX-License-Identifier: MIT
/* FF-A direct messages between VMs (DEN0077 v1.1, 13.10-13.11 and 13.13-13.16, docs/ffa.md):
 * FFA_MSG_SEND_DIRECT_REQ / RESP (32 and 64), FFA_MSG_WAIT, FFA_RUN, FFA_YIELD.
 *
 * A vCPU in FFA_MSG_WAIT is waiting: a direct request reaches it. The sender's vCPU blocks in
 * its call (sched.ffa_wait: not runnable, nothing but its answer wakes it) until the receiver
 * answers with a response, which returns the sender's call; the receiver is then waiting again
 * and its response call returns with the next request. When the peer takes the pCPU from the
 * caller at the end of this very exit (sched_switch_to(), the fast path on one pCPU), the call
 * writes the answer into the peer's x0-x7 itself: the peer is blocked, not loaded, and this
 * pCPU is its own. Otherwise neither writes the other's registers: the answer waits in the
 * blocked vCPU's struct ffa_vcpu, and its own pCPU writes it into x0-x7 when it wakes it
 * (ffa_msg_resume(), from the scheduler's choice), after a kick (sched_kick(): on another
 * pCPU a CPU_MSG_KICK). Every state change between two vCPUs is made
 * under one lock, `msg_lock` (it takes no other lock, kicks are sent after it; FFA_MSG_SEND2
 * and FFA_MSG_WAIT take it inside the receiver's vm->ffa.lock: docs/locking.md). */
#include <core/ffa.h>
#include <core/lib.h>
#include <core/sched.h>
#include <core/spinlock.h>
#include <core/vgic.h>
#include <core/vm.h>

#include "ffa_internal.h"

static struct spinlock msg_lock;

/* The answer a blocked `v` returns with, written into its x0-x7 when it wakes. */
static void post(struct vcpu *v, const uint64_t answer[8])
{
	memcpy(v->ffa.answer, answer, sizeof(v->ffa.answer));
	atomic_store_explicit(&v->ffa.ready, true, memory_order_release);
}

static void post_error(struct vcpu *v, int32_t status)
{
	uint64_t a[8] = {FFA_ERROR, 0, (uint32_t)status};

	post(v, a);
}

/* A direct message's eight words: the call, w1, w2 zero and the payload x3-x7 (their low
 * halves in the 32-bit forms). Written out, not a loop: it is on every round trip. */
static inline void message(uint64_t out[8], uint64_t fid, uint32_t w1, const uint64_t x[FFA_REGS],
			   bool is64)
{
	uint64_t mask = is64 ? UINT64_MAX : UINT32_MAX;

	_Static_assert(FFA_MSG_FIRST_ARG == 3 && FFA_MSG_LAST_ARG == 7, "the payload is x3-x7");
	out[0] = fid;
	out[1] = w1;
	out[2] = 0;
	out[3] = x[3] & mask;
	out[4] = x[4] & mask;
	out[5] = x[5] & mask;
	out[6] = x[6] & mask;
	out[7] = x[7] & mask;
}

/* `v`, blocked in its call, gets the direct message `fid` of `from`, the caller, which has
 * just blocked (under msg_lock): written into its x0-x7 at once if it takes the pCPU from
 * `from` at the end of this exit (sched_switch_to(): the fast path, true), else posted for
 * its pCPU. */
static inline bool deliver(struct vcpu *from, struct vcpu *v, uint64_t fid, uint32_t w1,
			   const uint64_t x[FFA_REGS], bool is64)
{
	if (sched_switch_to(from, v)) {
		message(v->ctx.x, fid, w1, x, is64);
		v->sched.ffa_wait = false;
		return true;
	}
	message(v->ffa.answer, fid, w1, x, is64);
	atomic_store_explicit(&v->ffa.ready, true, memory_order_release);
	return false;
}

/* The caller blocks in its call: its answer comes later (ffa_msg_resume()); what its handler
 * leaves in x0-x7 meanwhile is overwritten then. */
static void block(struct vcpu *v)
{
	v->sched.ffa_wait = true;
	vcpu_set_state(v, VCPU_BLOCKED);
}

/* ffa.waiting changes under msg_lock, on any pCPU (a request takes its receiver out of the
 * wait), and the vCPU's own pCPU also reads it without the lock (ffa_msg_interruptible(), from
 * pick() and core/sched_alone.c's parked loop): so it is stored whole, and read whole there. */
static void set_waiting(struct vcpu *v, bool waiting)
{
	__atomic_store_n(&v->ffa.waiting, waiting, __ATOMIC_RELAXED);
}

bool ffa_msg_interruptible(const struct vcpu *vcpu)
{
	/* A stale answer costs one more look: the change comes with a kick (or the posted
	 * answer, which ffa_msg_resume() takes first). */
	return __atomic_load_n(&vcpu->ffa.waiting, __ATOMIC_RELAXED);
}

bool ffa_msg_resume(struct vcpu *vcpu, bool interrupted)
{
	bool ret = false;

	if (!interrupted && !atomic_load_explicit(&vcpu->ffa.ready, memory_order_acquire))
		return false;
	spin_lock(&msg_lock);
	if (atomic_load_explicit(&vcpu->ffa.ready, memory_order_relaxed)) {
		memcpy(vcpu->ctx.x, vcpu->ffa.answer, sizeof(vcpu->ffa.answer));
		atomic_store_explicit(&vcpu->ffa.ready, false, memory_order_relaxed);
		ret = true;
	} else if (interrupted && vcpu->ffa.waiting) {
		/* DEN0077 13.13: a wait an interrupt ends answers INTERRUPTED; the vCPU takes
		 * the interrupt and calls FFA_MSG_WAIT again to receive. */
		set_waiting(vcpu, false);
		memset(vcpu->ctx.x, 0, 8 * sizeof(vcpu->ctx.x[0]));
		vcpu->ctx.x[0] = FFA_ERROR;
		vcpu->ctx.x[2] = (uint32_t)FFA_RET_INTERRUPTED;
		ret = true;
	}
	if (ret)
		vcpu->sched.ffa_wait = false;
	spin_unlock(&msg_lock);
	return ret;
}

void ffa_msg_vcpu_gone(struct vcpu *vcpu)
{
	struct vcpu *kick = NULL;

	spin_lock(&msg_lock);
	if (vcpu->ffa.awaiting && vcpu->ffa.awaiting->ffa.serving == vcpu) {
		/* Its request is being served: the response will go nowhere. */
		vcpu->ffa.awaiting->ffa.serving = NULL;
		vcpu->ffa.awaiting->ffa.requester_gone = true;
	}
	if (vcpu->ffa.serving && vcpu->ffa.serving->ffa.awaiting == vcpu) {
		/* It served a request: the sender must not wait for ever. */
		kick = vcpu->ffa.serving;
		kick->ffa.awaiting = NULL;
		post_error(kick, FFA_RET_ABORTED);
	}
	memset(&vcpu->ffa, 0, sizeof(vcpu->ffa));
	vcpu->sched.ffa_wait = false;
	spin_unlock(&msg_lock);
	if (kick)
		sched_kick(kick);
}

/* Whether w1-w7 (the low halves: these are 32-bit calls) are all zero, as DEN0077 asks of the
 * reserved registers of FFA_MSG_WAIT and FFA_YIELD's w1. */
static bool mbz(const uint64_t x[FFA_REGS], unsigned from, unsigned to)
{
	for (unsigned i = from; i <= to; i++) {
		if ((uint32_t)x[i])
			return false;
	}
	return true;
}

void ffa_msg_wait(struct vcpu *vcpu, uint64_t x[FFA_REGS])
{
	struct vm *vm = vcpu->vm;
	int status = 0;

	if (!mbz(x, 1, 7)) {
		ffa_error(x, FFA_RET_INVALID_PARAMETERS);
		return;
	}
	sched_clear_kicked(vcpu);
	spin_lock(&msg_lock);
	if (vcpu->ffa.serving || vcpu->ffa.requester_gone)
		status = FFA_RET_DENIED; /* it owes a response first (DEN0077 13.13) */
	else if (vgic_wants_wakeup(vcpu))
		status = FFA_RET_INTERRUPTED;
	spin_unlock(&msg_lock);
	if (status) {
		ffa_error(x, status);
		return;
	}
	/* Under the mailbox's lock, which FFA_MSG_SEND2 holds from its copy to its wake-up (or
	 * marking the message not told): a message is either told here, or finds this vCPU
	 * waiting. */
	spin_lock(&vm->ffa.lock);
	if (vm->ffa.rx_full && vm->ffa.rx_unseen) {
		/* A message it was not told about: at once, the RX still its own (v1.1 gives the
		 * RX back at this call, which would drop it unread). */
		vm->ffa.rx_unseen = false;
		spin_unlock(&vm->ffa.lock);
		ffa_run_answer(vcpu, x);
		return;
	}
	/* v1.1 (DEN0077 13.13): the caller gives its RX buffer back. */
	if (ffa_version_of(vm) >= FFA_VERSION_1_1)
		vm->ffa.rx_full = false;
	spin_lock(&msg_lock);
	set_waiting(vcpu, true);
	block(vcpu);
	spin_unlock(&msg_lock);
	spin_unlock(&vm->ffa.lock);
}

/* The receiving vCPU of a direct message to a VM of `vcpus` from the sender's vCPU `index`:
 * a VM of one vCPU takes every request on it, one of several on the vCPU of the sender's
 * index (as Hafnium does for MP partitions). */
static bool receiver_index(unsigned vcpus, unsigned index, unsigned *out)
{
	*out = vcpus == 1 ? 0 : index;
	return *out < vcpus;
}

static inline void direct_req(struct vcpu *vcpu, uint64_t x[FFA_REGS], bool is64)
{
	uint32_t w1 = (uint32_t)x[1];
	uint16_t from = (uint16_t)(w1 >> FFA_MSG_ID_SHIFT), to = (uint16_t)(w1 & FFA_MSG_ID_MASK);
	struct vm *rvm;
	struct vcpu *r;
	unsigned index;
	bool switched = false;
	int status;

	/* w2 MBZ: no framework messages. The sender names itself, and a partition it sees. */
	if ((uint32_t)x[2] || from != vcpu->vm->ffa.id) {
		ffa_error(x, FFA_RET_INVALID_PARAMETERS);
		return;
	}
	status = ffa_part_direct(from, to, &rvm);
	if (!status && !rvm)
		status = FFA_RET_BUSY; /* stopped: nobody waits there */
	else if (!status && !receiver_index(rvm->vcpu_count, vcpu->id, &index))
		status = FFA_RET_INVALID_PARAMETERS;
	if (status) {
		ffa_error(x, status);
		return;
	}
	r = &rvm->vcpus[index];
	spin_lock(&msg_lock);
	/* Only a waiting receiver takes it, and only if nothing else woke it meanwhile. The
	 * VM is looked at again under the lock: once it stopped its vCPUs leave (and
	 * ffa_msg_vcpu_gone() takes this lock), so a request it took is always answered. */
	if (!vm_alive(rvm) || !r->ffa.waiting ||
	    atomic_load_explicit(&r->ffa.ready, memory_order_relaxed)) {
		status = FFA_RET_BUSY;
	} else {
		set_waiting(r, false);
		r->ffa.serving = vcpu;
		r->ffa.requester_gone = false;
		vcpu->ffa.awaiting = r;
		block(vcpu);
		switched =
		    deliver(vcpu, r, is64 ? FFA_MSG_SEND_DIRECT_REQ_64 : FFA_MSG_SEND_DIRECT_REQ_32,
			    w1, x, is64);
	}
	spin_unlock(&msg_lock);
	if (status) {
		ffa_error(x, status);
		return;
	}
	if (!switched && !sched_post_here(r))
		sched_kick(r);
}

static inline void direct_resp(struct vcpu *vcpu, uint64_t x[FFA_REGS], bool is64)
{
	uint32_t w1 = (uint32_t)x[1];
	uint16_t from = (uint16_t)(w1 >> FFA_MSG_ID_SHIFT), to = (uint16_t)(w1 & FFA_MSG_ID_MASK);
	bool switched = false;
	struct vcpu *s;
	int status = 0;

	if ((uint32_t)x[2] || from != vcpu->vm->ffa.id) {
		ffa_error(x, FFA_RET_INVALID_PARAMETERS);
		return;
	}
	spin_lock(&msg_lock);
	s = vcpu->ffa.serving;
	if (vcpu->ffa.requester_gone) {
		/* The sender's VM stopped while this vCPU served it. */
		vcpu->ffa.requester_gone = false;
		status = FFA_RET_ABORTED;
	} else if (!s) {
		status = FFA_RET_DENIED; /* it answers nobody */
	} else if (s->vm->ffa.id != to) {
		status = FFA_RET_INVALID_PARAMETERS;
	} else {
		vcpu->ffa.serving = NULL;
		s->ffa.awaiting = NULL;
		/* Waiting again: its call returns with the next request (DEN0077 13.11). */
		set_waiting(vcpu, true);
		block(vcpu);
		switched = deliver(vcpu, s,
				   is64 ? FFA_MSG_SEND_DIRECT_RESP_64 : FFA_MSG_SEND_DIRECT_RESP_32,
				   w1, x, is64);
	}
	spin_unlock(&msg_lock);
	if (status) {
		ffa_error(x, status);
		return;
	}
	if (!switched && !sched_post_here(s))
		sched_kick(s);
}

void ffa_direct_req(struct vcpu *vcpu, uint64_t x[FFA_REGS], bool is64)
{
	direct_req(vcpu, x, is64);
}

void ffa_direct_resp(struct vcpu *vcpu, uint64_t x[FFA_REGS], bool is64)
{
	direct_resp(vcpu, x, is64);
}

bool ffa_direct_call(struct vcpu *vcpu, uint32_t fid)
{
	/* Not an endpoint: no FF-A at all, which ffa_handle() answers. */
	if (!ffa_is_direct_msg(fid) || !vcpu->vm->ffa.id)
		return false;
	/* The calls' bodies inline here: this is the path of every round trip. */
	if ((fid & ~SMCCC_SMC64) == FFA_MSG_SEND_DIRECT_REQ_32)
		direct_req(vcpu, vcpu->ctx.x, fid & SMCCC_SMC64);
	else
		direct_resp(vcpu, vcpu->ctx.x, fid & SMCCC_SMC64);
	return true;
}

void ffa_run_answer(struct vcpu *vcpu, uint64_t x[8])
{
	memset(x, 0, 8 * sizeof(x[0]));
	x[0] = FFA_RUN;
	x[1] = (uint32_t)vcpu->vm->ffa.id << FFA_MSG_ID_SHIFT | vcpu->id;
}

bool ffa_msg_wake_waiting(struct vm *vm, struct vcpu *only)
{
	struct vcpu *woken = NULL;
	uint64_t a[8];

	spin_lock(&msg_lock);
	for (unsigned i = 0; i < vm->vcpu_count; i++) {
		struct vcpu *v = &vm->vcpus[i];

		if ((only && v != only) || !v->ffa.waiting ||
		    atomic_load_explicit(&v->ffa.ready, memory_order_relaxed))
			continue;
		woken = v;
		break;
	}
	if (woken) {
		ffa_run_answer(woken, a);
		set_waiting(woken, false);
		post(woken, a);
	}
	spin_unlock(&msg_lock);
	if (woken)
		sched_kick(woken);
	return woken != NULL;
}

/* w1 [31:16] the endpoint, [15:0] its vCPU. The hypervisor schedules every vCPU itself (no VM
 * is the scheduler), so cycles need not be given: what FFA_RUN still does is end a target's
 * FFA_MSG_WAIT, which returns FFA_RUN (DEN0077 13.15), e.g. for it to look at its RX buffer. */
void ffa_run(struct vcpu *vcpu, uint64_t x[FFA_REGS])
{
	uint32_t w1 = (uint32_t)x[1];
	uint16_t id = (uint16_t)(w1 >> FFA_MSG_ID_SHIFT), from = vcpu->vm->ffa.id;
	unsigned index = w1 & FFA_MSG_ID_MASK;
	struct vm *tvm;

	if (id == from || !ffa_part_visible(from, id) || index >= ffa_part_vcpus(id)) {
		ffa_error(x, FFA_RET_INVALID_PARAMETERS);
		return;
	}
	tvm = ffa_part_vm(id);
	if (!tvm || index >= tvm->vcpu_count) {
		ffa_error(x, FFA_RET_DENIED); /* not running */
		return;
	}
	ffa_msg_wake_waiting(tvm, &tvm->vcpus[index]);
	ffa_success(x, 0, 0);
}

/* w1 MBZ, w2/w3 a timeout (v1.1) the hypervisor need not honour: it gives the rest of the
 * caller's turn away, and the call returns FFA_SUCCESS when the caller runs again. */
void ffa_yield(struct vcpu *vcpu, uint64_t x[FFA_REGS])
{
	if ((uint32_t)x[1]) {
		ffa_error(x, FFA_RET_INVALID_PARAMETERS);
		return;
	}
	sched_end_turn(vcpu);
	ffa_success(x, 0, 0);
}

// SPDX-License-Identifier: MIT
/* Several simulated pCPUs as host threads: the per-CPU "hardware" each thread sees through a
 * thread-local pointer, the lock that makes each access to the shared GIC model atomic, and
 * the WFI of a thread that is a pCPU (see hal-sim/sim_hal.h and sim/README.md). */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <hal-sim/sim_hal.h>

/* Under ThreadSanitizer the model must be invisible: its lock stands for the hardware making
 * each register access atomic, which orders no memory accesses of the code under test, so the
 * lock must not hide that code's races from TSan (nor the model's own accesses show up as
 * races once its lock no longer synchronises). The one ordering the HAL promises is its own:
 * what a pCPU wrote before hal_gic_send_sgi() is visible to the target once it acknowledges
 * the SGI (hal/gic.h), modelled with TSan's release/acquire. */
#ifdef __SANITIZE_THREAD__
void AnnotateIgnoreSyncBegin(const char *file, int line);
void AnnotateIgnoreSyncEnd(const char *file, int line);
void AnnotateIgnoreReadsBegin(const char *file, int line);
void AnnotateIgnoreReadsEnd(const char *file, int line);
void AnnotateIgnoreWritesBegin(const char *file, int line);
void AnnotateIgnoreWritesEnd(const char *file, int line);
void __tsan_acquire(void *addr);
void __tsan_release(void *addr);

static void model_begin(void)
{
	AnnotateIgnoreSyncBegin(__FILE__, __LINE__);
	AnnotateIgnoreReadsBegin(__FILE__, __LINE__);
	AnnotateIgnoreWritesBegin(__FILE__, __LINE__);
}

static void model_end(void)
{
	AnnotateIgnoreWritesEnd(__FILE__, __LINE__);
	AnnotateIgnoreReadsEnd(__FILE__, __LINE__);
	AnnotateIgnoreSyncEnd(__FILE__, __LINE__);
}

static void sync_acquire(void *addr)
{
	__tsan_acquire(addr);
}

static void sync_release(void *addr)
{
	__tsan_release(addr);
}
#else
static void model_begin(void)
{
}
static void model_end(void)
{
}
static void sync_acquire(void *addr)
{
}
static void sync_release(void *addr)
{
}
#endif

/* What the SGI edges synchronise on: one object per target pCPU and SGI. */
static char sgi_sync[SIM_MAX_PCPUS][16];

static struct sim_pcpu pcpus[SIM_MAX_PCPUS];
static _Thread_local struct sim_pcpu *self;
static pthread_mutex_t hw_lock = PTHREAD_MUTEX_INITIALIZER;
/* Broadcast whenever an interrupt may have become pending for some pCPU: each waiter checks
 * its own state again. Few pCPUs, so one condition for all is simple and cheap enough. */
static pthread_cond_t hw_changed = PTHREAD_COND_INITIALIZER;

void sim_hw_lock(void)
{
	model_begin();
	pthread_mutex_lock(&hw_lock);
}

void sim_hw_unlock(void)
{
	pthread_mutex_unlock(&hw_lock);
	model_end();
}

void sim_hw_sgi_sent(uint64_t mpidr, unsigned sgi)
{
	if (mpidr < SIM_MAX_PCPUS && sgi < 16)
		sync_release(&sgi_sync[mpidr][sgi]);
}

void sim_hw_sgi_taken(unsigned sgi)
{
	if (self && sgi < 16)
		sync_acquire(&sgi_sync[self->id][sgi]);
}

void sim_hw_notify(void)
{
	pthread_cond_broadcast(&hw_changed);
}

struct sim_pcpu *sim_pcpu_self(void)
{
	return self;
}

struct sim_pcpu *sim_pcpu_get(unsigned n)
{
	if (n >= SIM_MAX_PCPUS) {
		fprintf(stderr, "sim: no pCPU %u\n", n);
		abort();
	}
	return &pcpus[n];
}

void sim_pcpu_enter(unsigned n)
{
	struct sim_pcpu *p = sim_pcpu_get(n);

	sim_hw_lock();
	memset(p, 0, sizeof(*p));
	p->id = n;
	p->mpidr = SIM_PCPU_MPIDR(n);
	sim_hw_unlock();
	self = p;
}

void sim_pcpu_leave(void)
{
	self = NULL;
}

void sim_pcpu_poke(unsigned n)
{
	struct sim_pcpu *p = sim_pcpu_get(n);

	sim_hw_lock();
	p->poked = true;
	sim_hw_notify();
	sim_hw_unlock();
}

/* Let the counter reach `when` (other pCPUs may move it further meanwhile). */
static void counter_advance_to(uint64_t when)
{
	uint64_t now = __atomic_load_n(&sim_hal.counter, __ATOMIC_RELAXED);

	while (now < when && !__atomic_compare_exchange_n(&sim_hal.counter, &now, when, false,
							  __ATOMIC_RELAXED, __ATOMIC_RELAXED))
		;
}

/* CNTV_CTL_EL0 (Arm ARM D23.10.17). */
#define CNTV_CTL_ENABLE (1ULL << 0)
#define CNTV_CTL_IMASK	(1ULL << 1)

/* When the virtual timer of the vCPU still loaded on `p` (parked: blocked while its pCPU idles)
 * raises its PPI: its compare value in counter time, or UINT64_MAX. */
static uint64_t parked_vtimer_at(const struct sim_pcpu *p)
{
	const struct hal_vcpu_ctx *ctx = p->loaded_vcpu;
	uint64_t cval;

	if (!ctx ||
	    (ctx->el1[HAL_CNTV_CTL_EL0] & (CNTV_CTL_ENABLE | CNTV_CTL_IMASK)) != CNTV_CTL_ENABLE)
		return UINT64_MAX;
	cval = ctx->el1[HAL_CNTV_CVAL_EL0];
	return cval > UINT64_MAX - ctx->cntvoff ? UINT64_MAX : cval + ctx->cntvoff;
}

void sim_pcpu_wait(struct sim_pcpu *p)
{
	struct timespec limit;

	clock_gettime(CLOCK_REALTIME, &limit);
	limit.tv_sec += SIM_PCPU_WFI_TIMEOUT_S;
	sim_hw_lock();
	p->wfi_count++;
	while (!p->poked && !sim_gic_signalled_locked()) {
		uint64_t vtimer_at = parked_vtimer_at(p);
		uint64_t hyp_at = p->gic.hyp_timer_armed ? p->gic.hyp_timer_deadline : UINT64_MAX;

		/* A vCPU left loaded here has its virtual timer live, as on the hardware: its PPI
		 * rises at its deadline, unless an earlier one is still pending or active. */
		if (vtimer_at <= hyp_at && vtimer_at != UINT64_MAX &&
		    !p->gic.pending[SIM_GIC_VTIMER_INTID] && !p->gic.active[SIM_GIC_VTIMER_INTID]) {
			counter_advance_to(vtimer_at);
			p->gic.pending[SIM_GIC_VTIMER_INTID] = true;
			continue;
		}
		/* Idle with the EL2 timer armed: nothing runs here until it fires, so simulated
		 * time passes up to its deadline. */
		if (hyp_at != UINT64_MAX &&
		    __atomic_load_n(&sim_hal.counter, __ATOMIC_RELAXED) < hyp_at) {
			counter_advance_to(hyp_at);
			continue;
		}
		if (pthread_cond_timedwait(&hw_changed, &hw_lock, &limit) == ETIMEDOUT) {
			fprintf(stderr,
				"sim: pCPU %u waited %d s in WFI: a lost wake-up (nothing pending, "
				"no timer armed)\n",
				p->id, SIM_PCPU_WFI_TIMEOUT_S);
			abort();
		}
	}
	p->poked = false;
	sim_hw_unlock();
}

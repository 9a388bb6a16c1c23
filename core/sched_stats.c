// SPDX-License-Identifier: MIT
/* The scheduler's measurements: per vCPU, how long each turn on the pCPU lasted and why it
 * ended, how long it waited for the pCPU, and who woke it. They are what the scheduling rules
 * of docs/scheduling.md were chosen from; `hv.schedstats` on the command line keeps the
 * histograms of turns and waits too and prints them when a VM stops. */
#include <core/hwinfo.h>
#include <core/lib.h>
#include <core/log.h>
#include <core/print.h>
#include <core/sched.h>
#include <core/vm.h>
#include <hal/cpu.h>
#include <hal/time.h>

static struct sched_pcpu_stats pcpu_stats[HV_MAX_CPUS];
/* The histograms (sched_stats_set_detail()): a bucket per turn and per wait showed in the
 * switch's cost (docs/trap-path.md), and only `hv.schedstats` prints them. */
static bool keep_histograms;

void sched_stats_set_detail(bool on)
{
	keep_histograms = on;
}

static uint64_t ticks_to_us(uint64_t ticks)
{
	uint64_t freq = hal_counter_freq();

	return freq ? ticks / freq * 1000000 + ticks % freq * 1000000 / freq : 0;
}

/* Microseconds per counter tick in 32.32 fixed point, worked out once (every turn is counted:
 * a division and a call for the frequency per count showed in the switch's cost). */
static uint64_t us_per_tick_fp;

static __attribute__((noinline)) uint64_t us_per_tick_init(void)
{
	uint64_t freq = hal_counter_freq();
	/* Rounded up: a turn of exactly 2 us is 2, not 1.99999. */
	uint64_t fp = freq ? ((1000000ULL << 32) + freq - 1) / freq : 1;

	/* Any pCPU may be first: each works out the same value (relaxed atomics, no lock). */
	__atomic_store_n(&us_per_tick_fp, fp, __ATOMIC_RELAXED);
	return fp;
}

/* Inline: twice per turn. */
static inline unsigned bucket(uint64_t ticks)
{
	uint64_t fp = __atomic_load_n(&us_per_tick_fp, __ATOMIC_RELAXED), us;
	unsigned b;

	if (!fp)
		fp = us_per_tick_init();
	/* Exact enough for a histogram; ticks of 2^31 and more (34 s at 62.5 MHz) are in the last
	 * bucket anyway. */
	us = ticks < (1ULL << 31) ? (ticks * fp) >> 32 : UINT64_MAX;
	b = us < 2 ? 0 : 63 - (unsigned)__builtin_clzll(us);
	return MIN(b, SCHED_HIST_BUCKETS - 1);
}

void sched_stats_run(struct vcpu *vcpu, uint64_t from, uint64_t to, enum sched_end why)
{
	struct sched_stats *st = &vcpu->sched.stats;
	struct sched_pcpu_stats *ps = &pcpu_stats[hal_cpu_id()];
	uint64_t ticks = to > from ? to - from : 0;

	if (keep_histograms)
		st->run_hist[bucket(ticks)]++;
	st->run_ticks += ticks;
	st->ends[why]++;
	ps->turn_ticks += ticks;
	ps->turns++;
}

void sched_stats_queue(bool start, uint64_t now)
{
	struct sched_pcpu_stats *ps = &pcpu_stats[hal_cpu_id()];

	if (start) {
		ps->queued = now;
	} else if (ps->queued) {
		ps->total += now > ps->queued ? now - ps->queued : 0;
		ps->queued = 0;
	}
}

void sched_stats_idle(uint64_t from, uint64_t to)
{
	struct sched_pcpu_stats *ps = &pcpu_stats[hal_cpu_id()];

	ps->idle_ticks += to > from ? to - from : 0;
	ps->sleeps++;
}

const struct sched_pcpu_stats *sched_stats_pcpu(unsigned pcpu)
{
	return pcpu < HV_MAX_CPUS ? &pcpu_stats[pcpu] : NULL;
}

/* Share of `part` in `whole`, in whole percent. */
static unsigned percent(uint64_t part, uint64_t whole)
{
	return whole ? (unsigned)(part * 100 / whole) : 0;
}

void sched_stats_pcpu_log(bool detail)
{
	for (unsigned i = 0; i < HV_MAX_CPUS; i++) {
		const struct sched_pcpu_stats *ps = &pcpu_stats[i];
		uint64_t busy = ps->turn_ticks + ps->idle_ticks;
		uint64_t el2 = ps->total > busy ? ps->total - busy : 0;

		if (!ps->total)
			continue;
		log_info("hv: pCPU %u: vCPU turns %llu us (%u%%), idle %llu us (%u%%), EL2 between "
			 "turns %llu us, of %llu us",
			 i, (unsigned long long)ticks_to_us(ps->turn_ticks),
			 percent(ps->turn_ticks, ps->total),
			 (unsigned long long)ticks_to_us(ps->idle_ticks),
			 percent(ps->idle_ticks, ps->total), (unsigned long long)ticks_to_us(el2),
			 (unsigned long long)ticks_to_us(ps->total));
		if (detail)
			log_info("hv: pCPU %u: %llu turns, %llu idle sleeps", i,
				 (unsigned long long)ps->turns, (unsigned long long)ps->sleeps);
	}
}

void sched_stats_wait(struct vcpu *vcpu, uint64_t from, uint64_t to)
{
	struct sched_stats *st = &vcpu->sched.stats;
	uint64_t ticks = to > from ? to - from : 0;

	if (keep_histograms)
		st->wait_hist[bucket(ticks)]++;
	st->wait_ticks += ticks;
}

/* Append to the line in `buf` (format() says how long the output would have been: keep
 * `len` inside the buffer when it is cut). */
static size_t append(char *buf, size_t size, size_t len, int added)
{
	len += added > 0 ? (size_t)added : 0;
	return MIN(len, size - 1);
}

/* "name n n n ..." of a histogram into `buf`. */
static void hist_line(char *buf, size_t size, const char *name, const uint32_t *hist)
{
	size_t len = append(buf, size, 0, format(buf, size, "%s", name));

	for (unsigned i = 0; i < SCHED_HIST_BUCKETS; i++)
		len =
		    append(buf, size, len, format(buf + len, size - len, " %u", (unsigned)hist[i]));
}

void sched_stats_log(const struct vm *vm)
{
	char line[LOG_LINE_MAX];

	log_info("%s: sched: per vCPU turns (us), waits (us), turn ends, wakers; histograms are "
		 "counts in buckets <2, 2-4, 4-8, ... us",
		 vm->name);
	for (unsigned i = 0; i < vm->vcpu_count; i++) {
		const struct sched_stats *st = &vm->vcpus[i].sched.stats;
		size_t len;

		log_info("%s: sched: vcpu %u ran %llu us, waited %llu us, stolen %llu us; ends: "
			 "block %llu slice %llu wake %llu yield %llu other %llu spin %llu",
			 vm->name, i, (unsigned long long)ticks_to_us(st->run_ticks),
			 (unsigned long long)ticks_to_us(st->wait_ticks),
			 (unsigned long long)ticks_to_us(vm->vcpus[i].sched.stolen),
			 (unsigned long long)st->ends[SCHED_END_BLOCK],
			 (unsigned long long)st->ends[SCHED_END_SLICE],
			 (unsigned long long)st->ends[SCHED_END_WAKE],
			 (unsigned long long)st->ends[SCHED_END_YIELD],
			 (unsigned long long)st->ends[SCHED_END_OTHER],
			 (unsigned long long)st->ends[SCHED_END_SPIN]);
		hist_line(line, sizeof(line), "run", st->run_hist);
		log_info("%s: sched: vcpu %u %s", vm->name, i, line);
		hist_line(line, sizeof(line), "wait", st->wait_hist);
		log_info("%s: sched: vcpu %u %s", vm->name, i, line);
		len = append(line, sizeof(line), 0, format(line, sizeof(line), "woken by"));
		for (unsigned w = 0; w < SCHED_WAKERS_VCPUS && w < vm->vcpu_count; w++)
			len = append(line, sizeof(line), len,
				     format(line + len, sizeof(line) - len, " vcpu%u:%llu", w,
					    (unsigned long long)st->woken_by[w]));
		format(line + len, sizeof(line) - len, " timer:%llu other:%llu",
		       (unsigned long long)st->woken_by[SCHED_WAKER_TIMER],
		       (unsigned long long)st->woken_by[SCHED_WAKER_OTHER]);
		log_info("%s: sched: vcpu %u %s", vm->name, i, line);
	}
}

// SPDX-License-Identifier: MIT
/* A CPU-bound guest for the CPU-share rows of `make bench` (tools/bench_share.py;
 * docs/scheduling.md, "Several VMs on one pCPU"). vCPU 0 starts its siblings with PSCI CPU_ON
 * (vCPU 1, 2, ... until one is refused: the VM's vCPU count). Every vCPU then runs chunks of
 * SPIN_CHUNK loop iterations and counts the chunks that end inside one window of the VM's
 * virtual counter, SPIN_SETTLE_MS after vCPU 0 started (time for every sibling to start: each
 * CPU_ON hands the pCPU to a sibling that then spins, so on a shared pCPU a start can take a
 * few turns) and SPIN_WINDOW_MS long, and goes on
 * spinning SPIN_TAIL_MS past it, so that VMs sharing the pCPU stay busy until every one's
 * window has ended. Under `-icount shift=0` a chunk is a fixed number of instructions: the
 * count is the CPU time the VM got in the window, deterministic run to run. Prints
 * "bench: spin <vcpus> <chunks> <window ticks> <cntfrq>". */
#include "check.h"
#include "printf.h"
#include "smccc.h"
#include "sysreg.h"
#include "timer.h"
#include "wait.h"

const char guest_name[] = "spin";

#define MAX_VCPUS      8
#define SPIN_CHUNK     1000
#define SPIN_SETTLE_MS 300
#define SPIN_WINDOW_MS 2000
#define SPIN_TAIL_MS   200
#define PSCI_CPU_ON_64 0xc4000003U
#define STARTUP_US     1000000
#define SIBLING_STACK  4096

static volatile uint64_t window_from, window_to, spin_end;
static volatile uint64_t chunks[MAX_VCPUS];
static volatile uint32_t online[MAX_VCPUS], done[MAX_VCPUS];
static uint8_t stacks[MAX_VCPUS][SIBLING_STACK] __attribute__((aligned(16)));

/* A sibling starts here from PSCI CPU_ON at EL1h, MMU off, with x0 = its stack top. */
void spin_sibling_start(void);
void spin_sibling_main(void);
__asm__(".pushsection .text\n"
	".globl spin_sibling_start\n"
	"spin_sibling_start:\n"
	"	msr	daifset, #0xf\n"
	"	msr	spsel, #1\n"
	"	mov	sp, x0\n"
	"	adrp	x1, exc_vectors\n"
	"	add	x1, x1, :lo12:exc_vectors\n"
	"	msr	vbar_el1, x1\n"
	"	isb\n"
	"	bl	spin_sibling_main\n"
	"1:	wfi\n"
	"	b	1b\n"
	".popsection\n");

static unsigned self(void)
{
	return (unsigned)(read_sysreg(mpidr_el1) & 0xff);
}

/* Chunks until the spin's end; those ending inside the window are counted in chunks[me]. */
static void spin(unsigned me)
{
	uint64_t counted = 0, now;

	do {
		for (unsigned i = 0; i < SPIN_CHUNK; i++)
			__asm__ volatile("" ::: "memory");
		now = counter_read();
		if (now >= window_from && now < window_to)
			counted++;
	} while (now < spin_end);
	chunks[me] = counted;
	done[me] = 1;
}

void spin_sibling_main(void)
{
	unsigned me = self();

	online[me] = 1;
	spin(me);
	for (;;)
		__asm__ volatile("wfi" ::: "memory");
}

/* Siblings 1, 2, ... until CPU_ON refuses one; the number of vCPUs running, vCPU 0 included,
 * once each has come online (0 if one never did). */
static unsigned start_siblings(void)
{
	unsigned n = 1;

	while (n < MAX_VCPUS && hvc_call(PSCI_CPU_ON_64, n, (uint64_t)spin_sibling_start,
					 (uint64_t)&stacks[n][SIBLING_STACK]) == 0)
		n++;
	for (unsigned cpu = 1; cpu < n; cpu++) {
		if (!wait_for(online[cpu], STARTUP_US))
			return 0;
	}
	return n;
}

int main(void)
{
	uint64_t freq = timer_freq(), start = counter_read(), total = 0;
	unsigned vcpus;

	window_from = start + SPIN_SETTLE_MS * freq / 1000;
	window_to = window_from + SPIN_WINDOW_MS * freq / 1000;
	spin_end = window_to + SPIN_TAIL_MS * freq / 1000;
	vcpus = start_siblings();
	check(vcpus > 0, "every vCPU started (%u)", vcpus);
	check(counter_read() < window_from, "the siblings were running before the window opened");
	spin(0);
	for (unsigned cpu = 1; cpu < vcpus; cpu++)
		wait_for(done[cpu], STARTUP_US);
	for (unsigned cpu = 0; cpu < vcpus; cpu++)
		total += done[cpu] ? chunks[cpu] : 0;
	check(total > 0, "chunks counted in the window: %lu", total);
	printf("bench: spin %u %lu %lu %lu\n", vcpus, total, window_to - window_from, freq);
	return 0;
}

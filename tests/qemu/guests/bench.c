// SPDX-License-Identifier: MIT
/* Exit costs for `make bench`: a null hypercall, an emulated MMIO read, and the empty loop
 * they are measured against, each timed over BENCH_ITERATIONS with CNTVCT_EL0. Under
 * `-icount shift=0` a tick is one instruction (docs/peers.md). Prints
 * "bench: <name> <iterations> <ticks> <cntfrq>" per measurement. */
#include "board.h"
#include "check.h"
#include "printf.h"
#include "sysreg.h"

const char guest_name[] = "bench";

#ifndef BENCH_ITERATIONS
#define BENCH_ITERATIONS 100000U
#endif

#define BENCH_UNKNOWN_FID 0x87654321UL		    /* answered NOT_SUPPORTED */
#define BENCH_MMIO_REG	  (GUEST_UART_BASE + 0xfe0) /* vPL011 PeriphID0 */

static void report(const char *name, uint64_t start, uint64_t end)
{
	printf("bench: %s %u %lu %lu\n", name, BENCH_ITERATIONS, end - start,
	       read_sysreg(cntfrq_el0));
}

static void bench_null_hvc(void)
{
	uint64_t start = counter_read();

	for (unsigned int i = 0; i < BENCH_ITERATIONS; i++) {
		register uint64_t x0 asm("x0") = BENCH_UNKNOWN_FID;

		asm volatile("hvc #0"
			     : "+r"(x0)
			     :
			     : "x1", "x2", "x3", "x4", "x5", "x6", "x7", "x8", "x9", "x10", "x11",
			       "x12", "x13", "x14", "x15", "x16", "x17", "memory");
	}
	report("hvc-null", start, counter_read());
}

static void bench_mmio_read(void)
{
	uint64_t start = counter_read();

	for (unsigned int i = 0; i < BENCH_ITERATIONS; i++) {
		uint32_t val;

		asm volatile("ldr %w0, [%1]" : "=r"(val) : "r"(BENCH_MMIO_REG) : "memory");
	}
	report("mmio-read", start, counter_read());
}

static void bench_empty_loop(void)
{
	uint64_t start = counter_read();

	for (unsigned int i = 0; i < BENCH_ITERATIONS; i++)
		asm volatile("" : : : "memory");
	report("loop", start, counter_read());
}

int main(void)
{
	bench_null_hvc();
	bench_mmio_read();
	bench_empty_loop();
	return 0;
}

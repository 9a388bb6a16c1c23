// SPDX-License-Identifier: MIT
/* Exit costs for `make bench`: a null hypercall, an emulated MMIO read, a write of the
 * console's data register, a console character as Linux writes it, the first touch of a RAM
 * block, and the empty loop they are measured against, each timed over BENCH_ITERATIONS with
 * CNTVCT_EL0; and the virtual timer's interrupt latency. Under `-icount shift=0` a tick
 * is one instruction (docs/peers.md). Prints "bench: <name> <iterations> <ticks> <cntfrq>"
 * per measurement. */
#include "board.h"
#include "check.h"
#include "gic.h"
#include "irq.h"
#include "printf.h"
#include "sysreg.h"
#include "timer.h"

const char guest_name[] = "bench";

#ifndef BENCH_ITERATIONS
#define BENCH_ITERATIONS 100000U
#endif

#define BENCH_UNKNOWN_FID 0x87654321UL		    /* answered NOT_SUPPORTED */
#define BENCH_MMIO_REG	  (GUEST_UART_BASE + 0xfe0) /* vPL011 PeriphID0 */
#define BENCH_UART_DR	  (GUEST_UART_BASE + 0x000)
#define BENCH_UART_FR	  (GUEST_UART_BASE + 0x018)
#define BENCH_UART_TXFF	  (1U << 5)
/* What the console rows write: a NUL, which terminals ignore; the report after them starts a
 * line of its own. */
#define BENCH_CHAR 0

static void report_n(const char *name, unsigned int iterations, uint64_t start, uint64_t end)
{
	printf("bench: %s %u %lu %lu\n", name, iterations, end - start, read_sysreg(cntfrq_el0));
}

static void report(const char *name, uint64_t start, uint64_t end)
{
	report_n(name, BENCH_ITERATIONS, start, end);
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

/* A write of the vPL011's data register: one byte for the console (docs/console.md). */
static void bench_mmio_write(void)
{
	uint64_t start = counter_read(), end;

	for (unsigned int i = 0; i < BENCH_ITERATIONS; i++)
		asm volatile("str %w0, [%1]" : : "r"(BENCH_CHAR), "r"(BENCH_UART_DR) : "memory");
	end = counter_read();
	printf("\n");
	report("mmio-write", start, end);
}

/* One console character as Linux's PL011 driver writes it (pl011_console_putchar()): FR read
 * until TXFF is clear, then DR written; two exits when the console has room. */
static void bench_console_char(void)
{
	uint64_t start = counter_read(), end;

	for (unsigned int i = 0; i < BENCH_ITERATIONS; i++) {
		uint32_t fr;

		do
			asm volatile("ldr %w0, [%1]" : "=r"(fr) : "r"(BENCH_UART_FR) : "memory");
		while (fr & BENCH_UART_TXFF);
		asm volatile("str %w0, [%1]" : : "r"(BENCH_CHAR), "r"(BENCH_UART_DR) : "memory");
	}
	end = counter_read();
	printf("\n");
	report("console-char", start, end);
}

static void bench_empty_loop(void)
{
	uint64_t start = counter_read();

	for (unsigned int i = 0; i < BENCH_ITERATIONS; i++)
		asm volatile("" : : : "memory");
	report("loop", start, counter_read());
}

/* The first load from each of 32 blocks nothing has touched: under the hypervisor each is a
 * stage-2 fault that zeroes, cleans and maps 2 MiB (docs/memory.md). Blocks 8..39 of the
 * default 128 MiB: clear of the image (block 0) and the DTB (the top block). */
#define BENCH_TOUCH_FIRST  8U
#define BENCH_TOUCH_BLOCKS 32U
#define BENCH_BLOCK	   0x200000UL

static void bench_ram_first_touch(void)
{
	uint64_t start = counter_read();

	for (unsigned int i = 0; i < BENCH_TOUCH_BLOCKS; i++)
		(void)*(volatile const uint64_t *)(GUEST_RAM_BASE +
						   (BENCH_TOUCH_FIRST + i) * BENCH_BLOCK);
	report_n("ram-first-touch", BENCH_TOUCH_BLOCKS, start, counter_read());
}

/* Timer interrupt latency: the guest arms its virtual timer TIMER_AHEAD ticks ahead and
 * spins with IRQs unmasked; its handler reads the counter first thing. The ticks from the
 * deadline to that read are the hypervisor's delivery (the physical PPI taken at EL2, the
 * virtual one injected) plus the guest's own vector and acknowledge. */
#define TIMER_ROUNDS 1000U
#define TIMER_AHEAD  2000U /* ticks: 32 us, far beyond the arming itself */
#define TIMER_PRIO   0x80

static volatile uint64_t timer_entry;

static void timer_latency_handler(uint32_t intid)
{
	timer_entry = counter_read();
	vtimer_write_ctl(0); /* the level drops: one interrupt per deadline */
}

static void bench_timer_latency(void)
{
	uint64_t total = 0;
	unsigned int late = 0;

	if (!irq_init()) {
		printf("bench: timer-latency: GIC did not come up\n");
		return;
	}
	vtimer_write_ctl(0);
	irq_register(GUEST_VTIMER_INTID, timer_latency_handler);
	gic_irq_setup(GUEST_VTIMER_INTID, TIMER_PRIO, false);
	irq_enable();
	for (unsigned int i = 0; i < TIMER_ROUNDS; i++) {
		uint64_t deadline = counter_read() + TIMER_AHEAD;

		timer_entry = 0;
		vtimer_write_cval(deadline);
		vtimer_write_ctl(CNTV_CTL_ENABLE);
		while (!timer_entry)
			asm volatile("" : : : "memory");
		if (timer_entry < deadline)
			late++; /* early, in fact: would be a hypervisor bug */
		else
			total += timer_entry - deadline;
	}
	irq_disable();
	vtimer_write_ctl(0);
	check_eq(late, 0, "bench: no timer interrupt arrived before its deadline");
	report_n("timer-latency", TIMER_ROUNDS, 0, total);
}

int main(void)
{
	bench_ram_first_touch();
	bench_null_hvc();
	bench_mmio_read();
	bench_mmio_write();
	bench_console_char();
	bench_empty_loop();
	bench_timer_latency();
	return 0;
}

// SPDX-License-Identifier: MIT
/* cntvct: prints the virtual counter and its frequency as the guest sees them,
 *   cntvct: count=<CNTVCT_EL0> freq=<CNTFRQ_EL0>
 * guests/linux/init runs it at the shell marker when the kernel command line has
 * guest.stamp=1: under QEMU's -icount shift=0 the count is virtual time, so make bench gets a
 * deterministic "instructions to the shell" without the kernel's own log (tools/bench_boot.py).
 * Linux lets EL0 read both registers (CNTKCTL_EL1.EL0VCTEN). Static, without a C library. */
#include <stdint.h>

#define SYS_WRITE 64
#define SYS_EXIT  93

static long syscall3(long nr, long a, long b, long c)
{
	register long x8 __asm__("x8") = nr;
	register long x0 __asm__("x0") = a;
	register long x1 __asm__("x1") = b;
	register long x2 __asm__("x2") = c;

	__asm__ volatile("svc #0" : "+r"(x0) : "r"(x8), "r"(x1), "r"(x2) : "memory");
	return x0;
}

static void put(const char *s)
{
	long n = 0;

	while (s[n])
		n++;
	syscall3(SYS_WRITE, 1, (long)s, n);
}

static void put_u64(uint64_t v)
{
	char buf[21];
	int i = sizeof(buf) - 1;

	buf[i] = '\0';
	do {
		buf[--i] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	put(&buf[i]);
}

void _start(void);
void _start(void)
{
	uint64_t count, freq;

	__asm__ volatile("isb; mrs %0, cntvct_el0" : "=r"(count));
	__asm__ volatile("mrs %0, cntfrq_el0" : "=r"(freq));
	put("cntvct: count=");
	put_u64(count);
	put(" freq=");
	put_u64(freq);
	put("\n");
	syscall3(SYS_EXIT, 0, 0, 0);
	for (;;)
		;
}

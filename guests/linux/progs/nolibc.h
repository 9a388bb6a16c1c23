/* SPDX-License-Identifier: MIT */
/* What the guest's small static programs share (the .c files beside it, built by
 * guests/linux/build-initramfs.sh with -static -nostdlib): Linux arm64 system calls, and
 * output a line at a time. put() collects text and writes it with one write(2) at each
 * newline, so the lines of programs running at once never interleave. */
#ifndef GUEST_PROGS_NOLIBC_H
#define GUEST_PROGS_NOLIBC_H

#include <stdint.h>

#define SYS_IOCTL	    29
#define SYS_READ	    63
#define SYS_WRITE	    64
#define SYS_EXIT	    93
#define SYS_GETPID	    172
#define SYS_PERF_EVENT_OPEN 241

static inline long syscall5(long nr, long a, long b, long c, long d, long e)
{
	register long x8 __asm__("x8") = nr;
	register long x0 __asm__("x0") = a;
	register long x1 __asm__("x1") = b;
	register long x2 __asm__("x2") = c;
	register long x3 __asm__("x3") = d;
	register long x4 __asm__("x4") = e;

	__asm__ volatile("svc #0"
			 : "+r"(x0)
			 : "r"(x8), "r"(x1), "r"(x2), "r"(x3), "r"(x4)
			 : "memory");
	return x0;
}

static char out_line[160];
static long out_len;

static inline void put(const char *s)
{
	for (long n = 0; s[n]; n++) {
		if (out_len < (long)sizeof(out_line))
			out_line[out_len++] = s[n];
		if (s[n] == '\n') {
			syscall5(SYS_WRITE, 1, (long)out_line, out_len, 0, 0);
			out_len = 0;
		}
	}
}

static inline void put_u64(uint64_t v)
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

static inline __attribute__((noreturn)) void exit_with(long status)
{
	syscall5(SYS_EXIT, status, 0, 0, 0, 0);
	for (;;)
		;
}

#endif

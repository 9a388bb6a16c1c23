// SPDX-License-Identifier: MIT
/* cntvct: prints the virtual counter and its frequency as the guest sees them,
 *   cntvct: count=<CNTVCT_EL0> freq=<CNTFRQ_EL0>
 * guests/linux/init runs it at the shell marker when the kernel command line has
 * guest.stamp=1: under QEMU's -icount shift=0 the count is virtual time, so make bench gets a
 * deterministic "instructions to the shell" without the kernel's own log (tools/bench_boot.py).
 * Linux lets EL0 read both registers (CNTKCTL_EL1.EL0VCTEN). Static, without a C library. */
#include "nolibc.h"

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
	exit_with(0);
}

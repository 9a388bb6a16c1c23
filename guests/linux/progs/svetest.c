// SPDX-License-Identifier: MIT
/* svetest: fills Z0-Z31 with values of its own (from its process id, so two copies differ),
 * then spins for ROUNDS rounds of 100000 loop iterations without a system call (a syscall
 * would let Linux discard SVE state), checking all 32 registers over the whole vector length
 * after each round. Run on two vCPUs sharing a pCPU, the hypervisor switches the vCPUs many
 * times meanwhile, so each copy sees its own values only if the SVE state moves with its vCPU.
 * Prints "svetest: pid=<p> vl=<bytes> rounds=<n> cntvct=<start>..<end> ok" (or "... corrupted
 * in round <r>"; the virtual counter shows when it ran) and exits with 0 when intact. Static,
 * without a C library (guests/linux/progs/nolibc.h). */
#include "nolibc.h"

#define ROUNDS 500

#define ZREGS \
	"0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31"

/* 0 if every Z register still held its value after each round, else the round that found one
 * changed (1-based). Zn holds seed + n in every 64-bit element. */
static uint64_t run(uint64_t seed, uint64_t rounds)
{
	uint64_t buf[256 / 8]; /* one Z register at the largest vector length, 2048 bits */
	uint64_t bad_round;

	__asm__ volatile(".arch_extension sve\n"
			 "	mov	x9, %[seed]\n"
			 "	.irp	n," ZREGS "\n"
			 "	dup	z\\n\\().d, x9\n"
			 "	add	x9, x9, #1\n"
			 "	.endr\n"
			 "	mov	x10, #0\n"
			 "1:	add	x10, x10, #1\n"
			 "	mov	x11, #0x10000\n"
			 "2:	subs	x11, x11, #1\n"
			 "	b.ne	2b\n"
			 "	mov	x9, %[seed]\n"
			 "	.irp	n," ZREGS "\n"
			 "	str	z\\n, [%[buf]]\n"
			 "	rdvl	x13, #1\n"
			 "	mov	x14, %[buf]\n"
			 "3:	ldr	x15, [x14], #8\n"
			 "	cmp	x15, x9\n"
			 "	b.ne	9f\n"
			 "	subs	x13, x13, #8\n"
			 "	b.ne	3b\n"
			 "	add	x9, x9, #1\n"
			 "	.endr\n"
			 "	cmp	x10, %[rounds]\n"
			 "	b.lo	1b\n"
			 "	mov	x10, #0\n"
			 "9:	mov	%[bad], x10\n"
			 : [bad] "=r"(bad_round)
			 : [seed] "r"(seed), [rounds] "r"(rounds), [buf] "r"(buf)
			 : "x9", "x10", "x11", "x13", "x14", "x15", "cc", "memory");
	return bad_round;
}

static uint64_t counter(void)
{
	uint64_t c;

	__asm__ volatile("isb\n\tmrs %0, cntvct_el0" : "=r"(c));
	return c;
}

static uint64_t vector_bytes(void)
{
	uint64_t vl;

	__asm__ volatile(".arch_extension sve\n\trdvl %0, #1" : "=r"(vl));
	return vl;
}

void _start(void);
void _start(void)
{
	uint64_t pid = (uint64_t)syscall5(SYS_GETPID, 0, 0, 0, 0, 0);
	uint64_t start = counter();
	uint64_t bad = run(pid << 32, ROUNDS);
	uint64_t end = counter();

	put("svetest: pid=");
	put_u64(pid);
	put(" vl=");
	put_u64(vector_bytes());
	put(" rounds=");
	put_u64(ROUNDS);
	put(" cntvct=");
	put_u64(start);
	put("..");
	put_u64(end);
	if (bad) {
		put(" corrupted in round ");
		put_u64(bad);
		put("\n");
	} else {
		put(" ok\n");
	}
	exit_with(bad ? 1 : 0);
}

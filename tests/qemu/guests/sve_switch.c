// SPDX-License-Identifier: MIT
/* SVE for guests (docs/guest-abi.md, "SVE"), two vCPUs on one pCPU (hv.vcpus=2). The ID
 * registers show SVE; the vector length is the hypervisor's choice (512 bits on QEMU's max
 * CPU, its cap), which a guest can shorten with ZCR_EL1. Then the two vCPUs take turns as in
 * fp_switch.c: in each turn a vCPU reads back all its Z, P and FFR registers and FPCR, compares
 * them with what it left in its last turn, and fills them with new values of its own. vCPU 1
 * uses only FP/SIMD (one FPCR read) in every other turn: that must not cut its Z registers to
 * the 128 bits of V. Before its first fill vCPU 1 must find its registers clear. */
#include "check.h"
#include "printf.h"
#include "smccc.h"
#include "sysreg.h"

const char guest_name[] = "sve_switch";

#define PSCI_CPU_ON_64 0xc4000003U
#define ROUNDS	       32
#define CPACR_FPEN     (3UL << 20)
#define CPACR_ZEN      (3UL << 16)
#define TURN_US	       2000000
#define MAX_VL	       256 /* bytes: the architecture's longest vector */
#define ZCR_LEN_MAX    0xfUL

/* Z0-Z31 one VL apart from 0, P0-P15 and FFR one VL/8 apart from 8192, then FPCR (sve_fill,
 * sve_dump). */
struct sve_file {
	uint8_t z[32 * MAX_VL];
	uint8_t p[17 * MAX_VL / 8];
	uint64_t fpcr;
} __attribute__((aligned(16)));

void sve_fill(const struct sve_file *f);
void sve_dump(struct sve_file *f);
uint64_t sve_rdvl(void);
__asm__(".pushsection .text\n"
	".arch_extension sve\n"
	".globl sve_rdvl\n"
	"sve_rdvl:\n"
	"	rdvl	x0, #1\n"
	"	ret\n"
	".globl sve_fill\n"
	"sve_fill:\n"
	"	ldr	x2, [x0, #" /* fpcr */ "8192 + 544]\n"
	"	msr	fpcr, x2\n"
	"	add	x1, x0, #8192\n"
	"	ldr	p0, [x1, #16, MUL VL]\n"
	"	wrffr	p0.b\n"
	"	.irp n,0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15\n"
	"	ldr	p\\n, [x1, #\\n, MUL VL]\n"
	"	.endr\n"
	"	.irp n,0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,"
	"27,28,29,30,31\n"
	"	ldr	z\\n, [x0, #\\n, MUL VL]\n"
	"	.endr\n"
	"	ret\n"
	".globl sve_dump\n"
	"sve_dump:\n"
	"	mrs	x2, fpcr\n"
	"	str	x2, [x0, #8192 + 544]\n"
	"	add	x1, x0, #8192\n"
	"	.irp n,0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,"
	"27,28,29,30,31\n"
	"	str	z\\n, [x0, #\\n, MUL VL]\n"
	"	.endr\n"
	"	.irp n,0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15\n"
	"	str	p\\n, [x1, #\\n, MUL VL]\n"
	"	.endr\n"
	"	rdffr	p0.b\n"
	"	str	p0, [x1, #16, MUL VL]\n"
	"	ldr	p0, [x1, #0, MUL VL]\n"
	"	ret\n"
	".popsection\n");

_Static_assert(__builtin_offsetof(struct sve_file, p) == 8192 &&
		   __builtin_offsetof(struct sve_file, fpcr) == 8192 + 544,
	       "sve_fill's layout");

static volatile uint32_t turn, started, lost;
static volatile uint32_t done[2], wrong_z[2], wrong_p[2], wrong_ctl[2], checked[2];
static volatile uint32_t clear_at_start;
static struct sve_file want[2], got[2];
static uint64_t vl; /* bytes */
static uint8_t sibling_stack[4096] __attribute__((aligned(16)));

/* vCPU `me`'s values for round `r`: every byte of Z and P its own; FFR a prefix of true bits
 * (WRFFR of anything else is CONSTRAINED UNPREDICTABLE); FPCR RMode and FZ. */
static void make_values(struct sve_file *f, unsigned me, unsigned r)
{
	unsigned pl = (unsigned)vl / 8, ffr_bits = (r * 7 + me * 13) % (unsigned)vl + 1;

	for (unsigned i = 0; i < 32 * vl; i++)
		f->z[i] = (uint8_t)(i * 31 + r * 7 + me * 101 + 1);
	for (unsigned i = 0; i < 16 * pl; i++)
		f->p[i] = (uint8_t)(i * 13 + r * 3 + me * 57 + 5);
	for (unsigned i = 0; i < pl; i++) {
		unsigned bits = ffr_bits > i * 8 ? ffr_bits - i * 8 : 0;

		f->p[16 * pl + i] = bits >= 8 ? 0xff : (uint8_t)((1U << bits) - 1);
	}
	f->fpcr = (uint64_t)(r % 4) << 22 | (uint64_t)me << 24;
}

static bool wait_turn(unsigned me)
{
	uint64_t limit = TURN_US * (read_sysreg(cntfrq_el0) / 1000000);
	uint64_t start = counter_read();

	while (turn != me) {
		if (counter_read() - start > limit)
			return false;
		__asm__ volatile("wfe" ::: "memory");
	}
	return true;
}

static void pass_turn(unsigned me)
{
	turn = !me;
	__asm__ volatile("dsb ish\n\tsev" ::: "memory");
}

static void compare(unsigned me)
{
	unsigned pl = (unsigned)vl / 8;

	for (unsigned i = 0; i < 32 * vl; i++)
		wrong_z[me] += got[me].z[i] != want[me].z[i];
	for (unsigned i = 0; i < 17 * pl; i++)
		wrong_p[me] += got[me].p[i] != want[me].p[i];
	wrong_ctl[me] += got[me].fpcr != want[me].fpcr;
	checked[me]++;
}

static bool all_clear(const struct sve_file *f)
{
	bool clear = f->fpcr == 0;

	for (unsigned i = 0; i < 32 * vl; i++)
		clear &= f->z[i] == 0;
	for (unsigned i = 0; i < 16 * vl / 8; i++)
		clear &= f->p[i] == 0;
	return clear;
}

static void take_turns(unsigned me)
{
	for (unsigned r = 0; r < ROUNDS; r++) {
		if (!wait_turn(me)) {
			lost = 1;
			return;
		}
		if (me == 1 && r % 2) {
			uint64_t fpcr;

			/* FP/SIMD only: must bring back all of its SVE state, not just V. */
			__asm__ volatile(".arch_extension fp\n\tmrs %0, fpcr" : "=r"(fpcr));
			(void)fpcr;
		} else {
			sve_dump(&got[me]);
			if (me == 1 && r == 0)
				clear_at_start = all_clear(&got[me]);
			else if (r > 0)
				compare(me);
			make_values(&want[me], me, r);
			sve_fill(&want[me]);
		}
		done[me] = r + 1;
		pass_turn(me);
	}
}

/* A sibling starts at sibling_start (lib/sibling_entry.S), which calls sibling_main(). */
void sibling_start(void);
void sibling_main(void);

static void enable_sve(void)
{
	write_sysreg(cpacr_el1, read_sysreg(cpacr_el1) | CPACR_FPEN | CPACR_ZEN);
	__asm__ volatile("isb");
	write_sysreg(S3_0_C1_C2_0, ZCR_LEN_MAX); /* ZCR_EL1: the longest it may have */
	__asm__ volatile("isb");
}

void sibling_main(void)
{
	enable_sve();
	started = 1;
	take_turns(1);
}

static void check_vector_length(void)
{
	enable_sve();
	vl = sve_rdvl();
	check_eq(vl * 8, 512, "sve_switch: the vector length is the hypervisor's cap, 512 bits");
	write_sysreg(S3_0_C1_C2_0, 0);
	__asm__ volatile("isb");
	check_eq(sve_rdvl(), 16, "sve_switch: ZCR_EL1.LEN = 0 shortens it to 128 bits");
	check_eq(read_sysreg(S3_0_C1_C2_0), 0, "sve_switch: ZCR_EL1 reads back");
	write_sysreg(S3_0_C1_C2_0, ZCR_LEN_MAX);
	__asm__ volatile("isb");
}

int main(void)
{
	int64_t on;

	check_eq((read_sysreg(id_aa64pfr0_el1) >> 32) & 0xf, 1,
		 "sve_switch: ID_AA64PFR0_EL1.SVE shows SVE");
	check((read_sysreg(S3_0_C0_C4_4) & 0xf) <= 2,
	      "sve_switch: ID_AA64ZFR0_EL1 reads (SVEver %lu)", read_sysreg(S3_0_C0_C4_4) & 0xf);
	check_vector_length();
	turn = 0;
	on = hvc_call(PSCI_CPU_ON_64, 1, (uint64_t)sibling_start,
		      (uint64_t)&sibling_stack[sizeof(sibling_stack)]);
	check_eq(on, 0, "sve_switch: CPU_ON starts vCPU 1");
	take_turns(0);
	if (!lost)
		wait_turn(0);
	check(started && !lost && done[0] == ROUNDS && done[1] == ROUNDS,
	      "sve_switch: %u turns each, taken in turn (%u and %u)", ROUNDS, done[0], done[1]);
	check(clear_at_start, "sve_switch: vCPU 1's Z, P and FPCR start clear, not vCPU 0's");
	check(checked[0] == ROUNDS - 1 && wrong_z[0] == 0,
	      "sve_switch: vCPU 0's Z0-Z31 hold its values after every switch (%u bytes wrong)",
	      wrong_z[0]);
	check_eq(wrong_p[0], 0, "sve_switch: vCPU 0's P0-P15 and FFR hold its values");
	check(checked[1] == ROUNDS / 2 - 1 && wrong_z[1] == 0,
	      "sve_switch: vCPU 1's Z0-Z31 hold its values, whole, also over its FP/SIMD-only "
	      "turns (%u bytes wrong)",
	      wrong_z[1]);
	check_eq(wrong_p[1], 0, "sve_switch: vCPU 1's P0-P15 and FFR hold its values");
	check_eq(wrong_ctl[0] + wrong_ctl[1], 0, "sve_switch: each vCPU's FPCR holds its values");
	return 0;
}

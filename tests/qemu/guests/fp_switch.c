// SPDX-License-Identifier: MIT
/* FP/SIMD state of two vCPUs sharing a pCPU (hv.vcpus=2; docs/trap-path.md, "FP/SIMD"). The
 * hypervisor gives a vCPU its V0-V31, FPCR and FPSR lazily, on its first use after a switch,
 * and not at all when the pCPU still holds them. The two vCPUs take turns (WFE traps while
 * they share the pCPU, so each turn is a switch): in each turn a vCPU reads its registers
 * back, compares them with what it left there in its last turn, and fills them with new
 * values of its own. vCPU 1 leaves them alone in every other turn (a turn without FP/SIMD
 * must cost it nothing and lose nothing), and before its first fill must find them clear
 * (PSCI CPU_ON resets them), never holding vCPU 0's values. */
#include "check.h"
#include "printf.h"
#include "smccc.h"
#include "sysreg.h"

const char guest_name[] = "fp_switch";

#define PSCI_CPU_ON_64 0xc4000003U
#define ROUNDS	       64
#define CPACR_FPEN     (3UL << 20)
#define TURN_US	       2000000 /* a turn that never comes: the other vCPU is lost */

/* Each vCPU's register file as fp_dump() stores it: V0-V31 (two halves each), FPCR, FPSR. */
struct fp_file {
	uint64_t v[64];
	uint64_t fpcr, fpsr;
} __attribute__((aligned(16)));

void fp_fill(const struct fp_file *f);
void fp_dump(struct fp_file *f);
__asm__(".pushsection .text\n"
	".arch_extension fp\n"
	".arch_extension simd\n"
	".globl fp_fill\n"
	"fp_fill:\n"
	"	.irp n,0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,"
	"27,28,29,30,31\n"
	"	ldr	q\\n, [x0, #16 * \\n]\n"
	"	.endr\n"
	"	ldr	x1, [x0, #512]\n"
	"	ldr	x2, [x0, #520]\n"
	"	msr	fpcr, x1\n"
	"	msr	fpsr, x2\n"
	"	ret\n"
	".globl fp_dump\n"
	"fp_dump:\n"
	"	.irp n,0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,"
	"27,28,29,30,31\n"
	"	str	q\\n, [x0, #16 * \\n]\n"
	"	.endr\n"
	"	mrs	x1, fpcr\n"
	"	mrs	x2, fpsr\n"
	"	str	x1, [x0, #512]\n"
	"	str	x2, [x0, #520]\n"
	"	ret\n"
	".popsection\n");

static volatile uint32_t turn;	  /* whose turn it is: 0 or 1 */
static volatile uint32_t started; /* vCPU 1 runs */
static volatile uint32_t done[2]; /* turns taken */
static volatile uint32_t wrong[2], wrong_ctl[2], checked[2];
static volatile uint32_t clear_at_start, lost;
static struct fp_file want[2], got[2];
static uint8_t sibling_stack[4096] __attribute__((aligned(16)));

/* vCPU `me`'s values for round `r`: distinct per vCPU, round and register. FPCR: RMode and
 * FZ; FPSR: the cumulative flags and QC. */
static void make_values(struct fp_file *f, unsigned me, unsigned r)
{
	for (unsigned i = 0; i < 64; i++)
		f->v[i] = 0xf000000000000000UL | (uint64_t)(me + 1) << 40 | (uint64_t)r << 16 | i;
	f->fpcr = (uint64_t)(r % 4) << 22 | (uint64_t)me << 24;
	f->fpsr = (r & 0x1fUL) | (uint64_t)me << 27;
}

static bool wait_turn(unsigned me)
{
	uint64_t limit = TURN_US * (read_sysreg(cntfrq_el0) / 1000000);
	uint64_t start = counter_read();

	while (turn != me) {
		if (counter_read() - start > limit)
			return false;
		/* Traps while the vCPUs share the pCPU: the other one runs. */
		__asm__ volatile("wfe" ::: "memory");
	}
	return true;
}

static void pass_turn(unsigned me)
{
	turn = !me;
	__asm__ volatile("dsb ish\n\tsev" ::: "memory");
}

static void take_turns(unsigned me)
{
	for (unsigned r = 0; r < ROUNDS; r++) {
		if (!wait_turn(me)) {
			lost = 1;
			return;
		}
		bool uses_fp = me == 0 || r % 2 == 0;

		if (uses_fp) {
			fp_dump(&got[me]);
			if (me == 1 && r == 0) {
				bool clear = true;

				for (unsigned i = 0; i < 64; i++)
					clear &= got[me].v[i] == 0;
				clear_at_start = clear && got[me].fpcr == 0 && got[me].fpsr == 0;
			} else if (r > 0) {
				for (unsigned i = 0; i < 64; i++)
					wrong[me] += got[me].v[i] != want[me].v[i];
				wrong_ctl[me] +=
				    got[me].fpcr != want[me].fpcr || got[me].fpsr != want[me].fpsr;
				checked[me]++;
			}
			make_values(&want[me], me, r);
			fp_fill(&want[me]);
		}
		done[me] = r + 1;
		pass_turn(me);
	}
}

/* A sibling starts at sibling_start (lib/sibling_entry.S), which calls sibling_main(). */
void sibling_start(void);
void sibling_main(void);
void sibling_main(void)
{
	write_sysreg(cpacr_el1, read_sysreg(cpacr_el1) | CPACR_FPEN);
	__asm__ volatile("isb");
	started = 1;
	take_turns(1);
}

int main(void)
{
	int64_t on;

	write_sysreg(cpacr_el1, read_sysreg(cpacr_el1) | CPACR_FPEN);
	__asm__ volatile("isb");
	turn = 0;
	on = hvc_call(PSCI_CPU_ON_64, 1, (uint64_t)sibling_start,
		      (uint64_t)&sibling_stack[sizeof(sibling_stack)]);
	check_eq(on, 0, "fp_switch: CPU_ON starts vCPU 1");
	take_turns(0);
	/* vCPU 1's last turn follows vCPU 0's. */
	if (!lost)
		wait_turn(0);
	check(started && !lost && done[0] == ROUNDS && done[1] == ROUNDS,
	      "fp_switch: %u turns each, taken in turn (%u and %u)", ROUNDS, done[0], done[1]);
	check(clear_at_start, "fp_switch: vCPU 1's FP/SIMD registers start clear, not vCPU 0's");
	check(checked[0] == ROUNDS - 1 && wrong[0] == 0,
	      "fp_switch: vCPU 0's V0-V31 hold its values after every switch (%u wrong of %u)",
	      wrong[0], checked[0] * 64);
	check_eq(wrong_ctl[0], 0, "fp_switch: vCPU 0's FPCR and FPSR hold its values");
	check(checked[1] == ROUNDS / 2 - 1 && wrong[1] == 0,
	      "fp_switch: vCPU 1's V0-V31 hold its values, also over turns it did not use them "
	      "(%u wrong of %u)",
	      wrong[1], checked[1] * 64);
	check_eq(wrong_ctl[1], 0, "fp_switch: vCPU 1's FPCR and FPSR hold its values");
	return 0;
}

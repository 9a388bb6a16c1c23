// SPDX-License-Identifier: MIT
/* Aborts that need the guest's own MMU on (issue #11 items 10 and 11), with a small stage 1
 * of its own: 4 KiB granule, 39-bit VAs (the walk starts at level 1), RAM and devices mapped
 * flat, and two windows:
 *  - VA 0x8000_0000: one page of RAM, then the vPL011's page. An LDP across the boundary
 *    starts in RAM and faults on its second element in the device: an external abort with
 *    FAR = the second element, never an emulation of the wrong registers. An LDP wholly in
 *    the device page is emulated.
 *  - VA 0xC000_0000: a level-1 table descriptor whose level-2 table is at an IPA with no RAM:
 *    the guest's own table walk faults, and it gets an external abort on the translation
 *    table walk at level 2 (FSC 0x16), not a plain external abort (FSC 0x10).
 *  - VA 0x8000_2000: a page of code run at EL0. With MDSCR_EL1.TDCC set, its read of
 *    MDCCSR_EL0 is taken to EL1 as a trapped system-register access (EC 0x18); without, it
 *    completes and the SVC after it is what reaches EL1. */
#include "board.h"
#include "check.h"
#include "exception.h"
#include "printf.h"
#include "sysreg.h"

const char guest_name[] = "mmu";

#define PAGE		 4096UL
#define DESC_TABLE	 3UL /* level 0-2 table, level 3 page */
#define DESC_BLOCK	 1UL
#define DESC_AF		 (1UL << 10)
#define DESC_SH_INNER	 (3UL << 8)
#define DESC_ATTR(n)	 ((uint64_t)(n) << 2)
#define ATTR_DEVICE	 0 /* MAIR attr 0: Device-nGnRnE */
#define ATTR_NORMAL	 1 /* MAIR attr 1: Normal, non-cacheable */
#define MAIR_VALUE	 0x4400UL
#define GIB		 (1UL << 30)
#define TCR_T0SZ_39	 25UL
#define TCR_EPD1	 (1UL << 23)
#define TCR_IPS_40	 (2UL << 32)
#define SCTLR_M		 (1UL << 0)
#define WINDOW		 0x80000000UL /* RAM page, then the vPL011 page */
#define HOLE_WINDOW	 0xc0000000UL /* level-2 table outside RAM */
#define HOLE_IPA	 0x10000000UL /* neither RAM nor a device */
#define FSC_SEA_WALK_L2	 0x16	      /* external abort on a table walk, level 2 */
#define ESR_FSC(e)	 ((e)&ESR_FSC_MASK)
#define EL0_WINDOW	 (WINDOW + 2 * PAGE)
#define DESC_AP_EL0	 (1UL << 6)  /* AP[1]: EL0 may access */
#define DESC_PXN	 (1UL << 53) /* EL1 may not execute */
#define MDSCR_TDCC	 (1UL << 12)
#define SPSR_EL0T_MASKED 0x3c0UL
#define ESR_EC_SYS64	 0x18
#define ESR_EC_SVC64	 0x15
#define UARTFR_OFF	 0x18

static uint64_t l1[512] __attribute__((aligned(PAGE)));
static uint64_t l2[512] __attribute__((aligned(PAGE)));
static uint64_t l3[512] __attribute__((aligned(PAGE)));
static uint32_t ram_page[PAGE / 4] __attribute__((aligned(PAGE)));

/* The EL0 page, and a vector table whose lower-EL synchronous entry records ESR_EL1/ELR_EL1
 * in el0_rec[0..1] and returns to EL1h at el0_rec[2]. */
void el0_code(void);
extern const char el0_vectors[];
volatile uint64_t el0_rec[3];

__asm__(".pushsection .text.el0_code, \"ax\"\n"
	".balign 4096\n"
	".globl el0_code\n"
	"el0_code:\n"
	"	mrs	x0, mdccsr_el0\n"
	"	svc	#0\n"
	"1:	b	1b\n"
	".balign 4096\n"
	".popsection\n"
	".pushsection .text.el0_vectors, \"ax\"\n"
	".balign 2048\n"
	".globl el0_vectors\n"
	"el0_vectors:\n"
	".rept 8\n"
	"	.balign 0x80\n"
	"	b	.\n"
	".endr\n"
	"	.balign 0x80\n"
	"	adrp	x10, el0_rec\n"
	"	add	x10, x10, :lo12:el0_rec\n"
	"	mrs	x9, esr_el1\n"
	"	str	x9, [x10]\n"
	"	mrs	x9, elr_el1\n"
	"	str	x9, [x10, #8]\n"
	"	ldr	x9, [x10, #16]\n"
	"	msr	elr_el1, x9\n"
	"	mov	x9, #0x3c5\n"
	"	msr	spsr_el1, x9\n"
	"	eret\n"
	".rept 7\n"
	"	.balign 0x80\n"
	"	b	.\n"
	".endr\n"
	".popsection\n");

/* Run the EL0 page once; ESR and ELR of what it raised at EL1. */
static void run_el0(uint64_t *esr, uint64_t *elr)
{
	uint64_t vbar = read_sysreg(vbar_el1);

	el0_rec[0] = el0_rec[1] = 0;
	write_sysreg(vbar_el1, (uint64_t)el0_vectors);
	__asm__ volatile("isb\n\t"
			 "adr	x9, 2f\n\t"
			 "str	x9, [%0, #16]\n\t"
			 "msr	elr_el1, %1\n\t"
			 "msr	spsr_el1, %2\n\t"
			 "eret\n"
			 "2:"
			 :
			 : "r"(el0_rec), "r"(EL0_WINDOW), "r"(SPSR_EL0T_MASKED)
			 : "x0", "x9", "x10", "memory");
	write_sysreg(vbar_el1, vbar);
	__asm__ volatile("isb");
	*esr = el0_rec[0];
	*elr = el0_rec[1];
}

static void check_el0_dcc_honours_tdcc(void)
{
	uint64_t esr, elr;

	write_sysreg(mdscr_el1, MDSCR_TDCC);
	run_el0(&esr, &elr);
	check(ESR_EC(esr) == ESR_EC_SYS64 && elr == EL0_WINDOW,
	      "mmu: with MDSCR_EL1.TDCC, EL0's MRS of MDCCSR_EL0 traps to EL1 (ESR 0x%lx, ELR "
	      "0x%lx)",
	      esr, elr);
	write_sysreg(mdscr_el1, 0);
	run_el0(&esr, &elr);
	check(ESR_EC(esr) == ESR_EC_SVC64 && elr == EL0_WINDOW + 8,
	      "mmu: without it the read completes and the SVC after it is taken (ESR 0x%lx, ELR "
	      "0x%lx)",
	      esr, elr);
}

static void mmu_on(void)
{
	l1[0] = 0 | DESC_BLOCK | DESC_AF | DESC_ATTR(ATTR_DEVICE); /* devices, flat */
	l1[1] = GIB | DESC_BLOCK | DESC_AF | DESC_SH_INNER | DESC_ATTR(ATTR_NORMAL); /* RAM */
	l1[WINDOW / GIB] = (uint64_t)l2 | DESC_TABLE;
	l2[0] = (uint64_t)l3 | DESC_TABLE;
	l3[0] = (uint64_t)ram_page | DESC_TABLE | DESC_AF | DESC_SH_INNER | DESC_ATTR(ATTR_NORMAL);
	l3[1] = GUEST_UART_BASE | DESC_TABLE | DESC_AF | DESC_ATTR(ATTR_DEVICE);
	l3[2] = (uint64_t)el0_code | DESC_TABLE | DESC_AF | DESC_SH_INNER | DESC_ATTR(ATTR_NORMAL) |
		DESC_AP_EL0 | DESC_PXN;
	l1[HOLE_WINDOW / GIB] = HOLE_IPA | DESC_TABLE;
	ram_page[PAGE / 4 - 1] = 0x600df00d;

	write_sysreg(mair_el1, MAIR_VALUE);
	write_sysreg(tcr_el1, TCR_T0SZ_39 | TCR_EPD1 | TCR_IPS_40);
	write_sysreg(ttbr0_el1, (uint64_t)l1);
	__asm__ volatile("dsb sy\n\ttlbi vmalle1\n\tdsb sy\n\tisb" : : : "memory");
	write_sysreg(sctlr_el1, read_sysreg(sctlr_el1) | SCTLR_M);
	__asm__ volatile("isb" : : : "memory");
}

/* `ldp w1, w2, [addr]` with exceptions expected; its address, the two words loaded (left as
 * 0xdeadbeef when it faulted). */
static uint64_t ldp(uint64_t addr, uint32_t *w1, uint32_t *w2)
{
	uint64_t at, a = 0xdeadbeef, b = 0xdeadbeef;

	exc_expect(EXC_RESUME_DEFAULT);
	__asm__ volatile("mov x1, %1\n\tmov x2, %2\n\tadr %0, 1f\n"
			 "1:\tldp w1, w2, [%3]\n\tmov %1, x1\n\tmov %2, x2"
			 : "=&r"(at), "+r"(a), "+r"(b)
			 : "r"(addr)
			 : "x1", "x2", "memory");
	exc_expect_none();
	*w1 = (uint32_t)a;
	*w2 = (uint32_t)b;
	return at;
}

static void explain(void)
{
	printf("#   exceptions %u ESR 0x%lx ELR 0x%lx FAR 0x%lx\n", exc_seen.count, exc_seen.esr,
	       exc_seen.elr, exc_seen.far);
}

static void check_pair_straddling_into_the_device(void)
{
	uint32_t w1, w2;
	uint64_t at = ldp(WINDOW + PAGE - 4, &w1, &w2);
	bool ok = exc_seen.count == 1 && ESR_EC(exc_seen.esr) == ESR_EC_DABT_CUR &&
		  ESR_FSC(exc_seen.esr) == ESR_FSC_SEA && exc_seen.elr == at &&
		  exc_seen.far == WINDOW + PAGE;

	if (!check(ok,
		   "mmu: LDP from RAM into the vPL011 (VA 0x%lx): external abort, FAR = its "
		   "second element",
		   WINDOW + PAGE - 4))
		explain();
}

static void check_pair_inside_the_device(void)
{
	uint32_t w1, w2;

	ldp(WINDOW + PAGE + UARTFR_OFF, &w1, &w2);
	if (!check(exc_seen.count == 0 &&
		       w1 == *(volatile uint32_t *)(GUEST_UART_BASE + UARTFR_OFF),
		   "mmu: LDP of UARTFR and the next word through the window is emulated (FR 0x%x)",
		   w1))
		explain();
}

static void check_walk_outside_ram(void)
{
	uint64_t at, after;

	exc_expect(EXC_RESUME_DEFAULT);
	__asm__ volatile("mov x0, %2\n\tmov %1, #0\n\tadr %0, 1f\n"
			 "1:\tldr x0, [x0]\n\tmov %1, #1"
			 : "=&r"(at), "=&r"(after)
			 : "r"(HOLE_WINDOW)
			 : "x0", "memory");
	exc_expect_none();
	if (!check(
		exc_seen.count == 1 && ESR_EC(exc_seen.esr) == ESR_EC_DABT_CUR &&
		    ESR_FSC(exc_seen.esr) == FSC_SEA_WALK_L2 && exc_seen.elr == at &&
		    exc_seen.far == HOLE_WINDOW && after == 1,
		"mmu: a load whose level-2 table is outside RAM: external abort on the table walk, "
		"level 2 (FSC 0x16), FAR = the VA"))
		explain();
}

int main(void)
{
	mmu_on();
	check((read_sysreg(sctlr_el1) & SCTLR_M) &&
		  *(volatile uint32_t *)(WINDOW + PAGE - 4) == 0x600df00d,
	      "mmu: stage 1 on, the window's RAM page readable");
	check_pair_straddling_into_the_device();
	check_pair_inside_the_device();
	check_walk_outside_ram();
	check_el0_dcc_honours_tdcc();
	return 0;
}

// SPDX-License-Identifier: MIT
/* The guest's own debug exceptions at EL1 and EL0 (issue #16 item 2, docs/guest-abi.md
 * "Traps"): a hardware breakpoint, a watchpoint, software step and BRK, each taken by the
 * guest's EL1 with its syndrome, never by the hypervisor. The breakpoint and watchpoint registers and
 * MDSCR_EL1 trap to the hypervisor (MDCR_EL2.TDA), which keeps them per vCPU and, while they
 * enable something, has them in the hardware while this vCPU runs. */
#include "check.h"
#include "el0.h"
#include "exception.h"
#include "printf.h"
#include "sysreg.h"

const char guest_name[] = "debug_exc";

#define EC_BREAKPOINT_CUR 0x31
#define EC_STEP_CUR	  0x33
#define EC_WATCHPT_CUR	  0x35
#define EC_BRK64	  0x3c
#define EC_BREAKPOINT_LOW 0x30
#define EC_STEP_LOW	  0x32
#define EC_WATCHPT_LOW	  0x34
#define DBGBCR_EL0_EXEC	  (0xfUL << 5 | 2UL << 1 | 1)		  /* BAS 0xf, PMC EL0 only, E */
#define DBGWCR_EL0_STORE  (0xffUL << 5 | 2UL << 3 | 2UL << 1 | 1) /* ... stores, EL0 only, E */
#define EL0_BP_DONE	  0x51
#define EL0_WP_DONE	  0x52
#define EL0_BRK_DONE	  0x53
#define MDSCR_SS	  (1UL << 0)
#define MDSCR_KDE	  (1UL << 13)
#define MDSCR_MDE	  (1UL << 15)
#define DBGBCR_EL1_EXEC	  (0xfUL << 5 | 3UL << 1 | 1)		  /* BAS 0xf, PMC EL1+EL0, E */
#define DBGWCR_STORE	  (0xffUL << 5 | 2UL << 3 | 3UL << 1 | 1) /* BAS 0xff, stores, EL1+EL0, E */
#define SPSR_EL1H_SS	  (0x1c5UL | 1UL << 21) /* EL1h, A, I, F masked, D clear, SS */
#define PSTATE_D	  (1UL << 9)

void bp_target(void);
void step_once(uint64_t spsr);
extern char step_stepped[], step_next[];
__asm__(".pushsection .text\n"
	".globl bp_target\n"
	"bp_target:\n"
	"	nop\n"
	"	ret\n"
	/* ERET to the next instruction with PSTATE.SS set: one instruction runs, then the
	 * step exception comes with ELR at the one after it. */
	".globl step_once\n"
	"step_once:\n"
	"	adr	x1, step_stepped\n"
	"	msr	elr_el1, x1\n"
	"	msr	spsr_el1, x0\n"
	"	isb\n"
	"	eret\n"
	".globl step_stepped\n"
	"step_stepped:\n"
	"	add	x2, x2, #1\n"
	".globl step_next\n"
	"step_next:\n"
	"	nop\n"
	"	ret\n"
	/* Code run at EL0 by el0_call(): each returns a value of its own once past the
	 * instruction the exception comes at, to show that it resumed there. */
	".globl el0_bp\n"
	"el0_bp:\n"
	"	nop\n"
	"	mov	x0, #0x51\n" /* EL0_BP_DONE */
	"	ret\n"
	".globl el0_store\n"
	"el0_store:\n"
	"	mov	x1, #42\n"
	".globl el0_store_insn\n"
	"el0_store_insn:\n"
	"	str	x1, [x0]\n"
	"	mov	x0, #0x52\n" /* EL0_WP_DONE */
	"	ret\n"
	".globl el0_step\n"
	"el0_step:\n"
	"	add	x0, x0, #1\n"
	".globl el0_step_next\n"
	"el0_step_next:\n"
	"	nop\n"
	"	ret\n"
	".globl el0_brk\n"
	"el0_brk:\n"
	"	brk	#0x43\n"
	"	mov	x0, #0x53\n" /* EL0_BRK_DONE */
	"	ret\n"
	".popsection\n");
uint64_t el0_bp(uint64_t arg);
uint64_t el0_store(uint64_t addr);
uint64_t el0_step(uint64_t arg);
uint64_t el0_brk(uint64_t arg);
extern char el0_store_insn[], el0_step_next[];

static volatile uint64_t wp_var __attribute__((aligned(8)));

static void debug_on(uint64_t mdscr)
{
	write_sysreg(oslar_el1, 0); /* the OS lock is locked from reset */
	write_sysreg(mdscr_el1, mdscr);
	__asm__ volatile("isb\n\tmsr daifclr, #8\n\tisb" ::: "memory");
}

static void debug_off(void)
{
	__asm__ volatile("msr daifset, #8\n\tisb" ::: "memory");
	write_sysreg(dbgbcr0_el1, 0);
	write_sysreg(dbgwcr0_el1, 0);
	write_sysreg(mdscr_el1, 0);
	__asm__ volatile("isb");
}

static void report(unsigned ec, uint64_t elr, const char *what)
{
	if (!check(exc_seen.count == 1 && ESR_EC(exc_seen.esr) == ec && exc_seen.elr == elr,
		   "debug_exc: %s", what))
		printf("#   exceptions %u ESR 0x%lx ELR 0x%lx (want EC 0x%x ELR 0x%lx)\n",
		       exc_seen.count, exc_seen.esr, exc_seen.elr, ec, elr);
}

static void check_breakpoint(void)
{
	write_sysreg(dbgbvr0_el1, (uint64_t)bp_target);
	write_sysreg(dbgbcr0_el1, DBGBCR_EL1_EXEC);
	debug_on(MDSCR_MDE | MDSCR_KDE);
	exc_expect(EXC_RESUME_DEFAULT);
	bp_target();
	exc_expect_none();
	debug_off();
	report(EC_BREAKPOINT_CUR, (uint64_t)bp_target,
	       "a hardware breakpoint at EL1 is taken by the guest at the instruction");
}

static void check_watchpoint(void)
{
	uint64_t at;

	wp_var = 7;
	write_sysreg(dbgwvr0_el1, (uint64_t)&wp_var);
	write_sysreg(dbgwcr0_el1, DBGWCR_STORE);
	debug_on(MDSCR_MDE | MDSCR_KDE);
	exc_expect(EXC_RESUME_DEFAULT); /* resumes past the store: it never happens */
	__asm__ volatile("adr %0, 1f\n1:\tstr %2, [%1]"
			 : "=&r"(at)
			 : "r"(&wp_var), "r"(42UL)
			 : "memory");
	exc_expect_none();
	debug_off();
	report(EC_WATCHPT_CUR, at, "a watchpoint on a store at EL1 is taken by the guest");
	check(exc_seen.far == (uint64_t)&wp_var && wp_var == 7,
	      "debug_exc: ... with FAR at the watched word (0x%lx), which the store did not change",
	      exc_seen.far);
}

/* MDSCR_EL1.SS is set with PSTATE.D masked (with D clear and PSTATE.SS clear the step
 * exception would come at once); step_once's ERET clears D and sets SS. The exception returns
 * with D masked again, past step_next's NOP. */
static void check_single_step(void)
{
	write_sysreg(oslar_el1, 0);
	write_sysreg(mdscr_el1, MDSCR_SS | MDSCR_KDE);
	__asm__ volatile("isb");
	exc_expect_setting(EXC_RESUME_DEFAULT, PSTATE_D);
	step_once(SPSR_EL1H_SS);
	exc_expect_none();
	debug_off();
	report(EC_STEP_CUR, (uint64_t)step_next,
	       "software step at EL1: one instruction, then the step exception to the guest");
}

static void check_brk(void)
{
	uint64_t at, after;

	exc_expect(EXC_RESUME_DEFAULT);
	at = PROBE_INSN("brk #0x42", after);
	exc_expect_none();
	report(EC_BRK64, at, "BRK at EL1 is taken by the guest");
	check(after == 1 && (exc_seen.esr & 0xffff) == 0x42,
	      "debug_exc: ... with its comment 0x42");
}

/* Nothing of it stays behind once switched off: the breakpoint's code runs without an
 * exception. */
static void check_off(void)
{
	exc_expect(EXC_RESUME_DEFAULT);
	bp_target();
	wp_var = 9;
	exc_expect_none();
	check(exc_seen.count == 0 && wp_var == 9,
	      "debug_exc: with everything disabled no debug exception comes");
}

/* The same exceptions from EL0 (lower-EL ECs). The breakpoint and watchpoint match at EL0 only
 * and MDSCR_EL1.KDE stays clear: debug exceptions from EL0 do not depend on EL1's. */
static void report_el0(uint64_t got, uint64_t want, unsigned ec, uint64_t elr, const char *what)
{
	report(ec, elr, what);
	check(got == want, "debug_exc: ... and EL0 resumed as the guest said (0x%lx)", got);
}

static void check_el0_breakpoint(void)
{
	uint64_t got;

	write_sysreg(dbgbvr0_el1, (uint64_t)el0_bp);
	write_sysreg(dbgbcr0_el1, DBGBCR_EL0_EXEC);
	write_sysreg(oslar_el1, 0);
	write_sysreg(mdscr_el1, MDSCR_MDE);
	isb();
	exc_expect(EXC_RESUME_DEFAULT);
	got = el0_call(el0_bp, 0, 0);
	exc_expect_none();
	debug_off();
	report_el0(got, EL0_BP_DONE, EC_BREAKPOINT_LOW, (uint64_t)el0_bp,
		   "a hardware breakpoint at EL0 is taken by the guest's EL1");
}

static void check_el0_watchpoint(void)
{
	uint64_t got;

	wp_var = 7;
	write_sysreg(dbgwvr0_el1, (uint64_t)&wp_var);
	write_sysreg(dbgwcr0_el1, DBGWCR_EL0_STORE);
	write_sysreg(oslar_el1, 0);
	write_sysreg(mdscr_el1, MDSCR_MDE);
	isb();
	exc_expect(EXC_RESUME_DEFAULT);
	got = el0_call(el0_store, (uint64_t)&wp_var, 0);
	exc_expect_none();
	debug_off();
	report_el0(got, EL0_WP_DONE, EC_WATCHPT_LOW, (uint64_t)el0_store_insn,
		   "a watchpoint on a store at EL0 is taken by the guest's EL1");
	check(exc_seen.far == (uint64_t)&wp_var && wp_var == 7,
	      "debug_exc: ... with FAR at the watched word (0x%lx), which the store did not change",
	      exc_seen.far);
}

/* The ERET to EL0 sets PSTATE.SS; with KDE clear EL1 itself is never stepped. The run ends at
 * the step exception: returning to EL0 with SS still set in MDSCR_EL1 would step at once. */
static void check_el0_single_step(void)
{
	uint64_t got;

	write_sysreg(oslar_el1, 0);
	write_sysreg(mdscr_el1, MDSCR_SS);
	isb();
	exc_expect(EXC_RESUME_DEFAULT);
	got = el0_call(el0_step, 0, EL0_STEP | EL0_STOP_AT_EXCEPTION);
	exc_expect_none();
	debug_off();
	report_el0(got, EL0_STOPPED, EC_STEP_LOW, (uint64_t)el0_step_next,
		   "software step at EL0: one instruction, then the step exception to EL1");
}

static void check_el0_brk(void)
{
	uint64_t got;

	exc_expect(EXC_RESUME_DEFAULT);
	got = el0_call(el0_brk, 0, 0);
	exc_expect_none();
	report_el0(got, EL0_BRK_DONE, EC_BRK64, (uint64_t)el0_brk,
		   "BRK at EL0 is taken by the guest's EL1");
	check((exc_seen.esr & 0xffff) == 0x43, "debug_exc: ... with its comment 0x43");
}

int main(void)
{
	check_breakpoint();
	check_watchpoint();
	check_single_step();
	check_brk();
	check_el0_breakpoint();
	check_el0_watchpoint();
	check_el0_single_step();
	check_el0_brk();
	check_off();
	return 0;
}

// SPDX-License-Identifier: MIT
/* Self-hosted debug registers (docs/guest-abi.md, "Traps"): trapped by MDCR_EL2 and kept per
 * vCPU, so what a guest writes reads back; MDRAR_EL1, MDCCSR_EL0 and DBGAUTHSTATUS_EL1 read 0;
 * the debug communications channel (DBGDTR*) is not provided: UNDEFINED. Nothing here enables
 * a breakpoint or watchpoint (E = 0), so the same checks are safe on a real CPU.
 *
 * QEMU 7.2 does not implement DBGPRCR_EL1, DBGCLAIMSET/CLR_EL1 or DBGAUTHSTATUS_EL1: they are
 * UNDEFINED at EL1 before MDCR_EL2 can trap them, so no hypervisor can emulate them there.
 * For those three (IF_CPU_HAS_IT) an UNDEFINED access is reported as skipped. */
#include "check.h"
#include "exception.h"
#include "printf.h"
#include "sysreg.h"

const char guest_name[] = "debug";

#define OSLSR_OSLM_IMPLEMENTED 0x8UL /* OSLM = 0b10: the OS lock is implemented */
#define OSLSR_OSLK	       0x2UL /* the OS lock is locked */
#define MDSCR_TDCC	       (1UL << 12)
#define MDCCINT_TX	       (1UL << 29)
#define DBGBCR_DISABLED	       0x1e6UL	/* BAS 0xf, PMC 0b11, E 0 */
#define DBGWCR_DISABLED	       0x1ffeUL /* BAS 0xff, LSC 0b11, PAC 0b11, E 0 */

/* mrs into a register holding a poison value: a read that writes nothing shows. */
#define READ_OVER_POISON(reg)                               \
	({                                                  \
		uint64_t val_ = 0xdeadbeefdeadbeefUL;       \
		asm volatile("mrs %0, " #reg : "+r"(val_)); \
		val_;                                       \
	})

#define REQUIRED      false
#define IF_CPU_HAS_IT true
#define CPU_LACKS_IT  "UNDEFINED at EL1 before any trap: this CPU lacks it"

/* After an access: was it UNDEFINED where that means the CPU lacks the register? */
static bool cpu_lacks_it(bool may_lack)
{
	return may_lack && exc_seen.count > 0 && exc_seen.esr == ESR_UNDEFINED_A64;
}

static void report(bool may_lack, uint64_t got, uint64_t want, const char *what)
{
	if (cpu_lacks_it(may_lack)) {
		check_skip(CPU_LACKS_IT, "debug: %s", what);
		return;
	}
	if (!check(exc_seen.count == 0 && got == want, "debug: %s", what))
		printf("#   got 0x%lx, want 0x%lx; exceptions %u (ESR 0x%lx)\n", got, want,
		       exc_seen.count, exc_seen.esr);
}

/* Write `val` to `reg`, read it back and put back what was there. A register the CPU lacks
 * must not pass by reading a stale value: any exception fails (or skips) the check. */
#define CHECK_KEPT(reg, val, may_lack, what)           \
	do {                                           \
		exc_expect(EXC_RESUME_DEFAULT);        \
		uint64_t old_ = read_sysreg(reg);      \
		write_sysreg(reg, val);                \
		isb();                                 \
		uint64_t got_ = READ_OVER_POISON(reg); \
		write_sysreg(reg, old_);               \
		exc_expect_none();                     \
		report(may_lack, got_, (val), (what)); \
	} while (0)

#define CHECK_READS(reg, want, may_lack, what)          \
	do {                                            \
		exc_expect(EXC_RESUME_DEFAULT);         \
		uint64_t got_ = READ_OVER_POISON(reg);  \
		exc_expect_none();                      \
		report(may_lack, got_, (want), (what)); \
	} while (0)

/* The OS lock is locked from cold reset and OSLAR_EL1 unlocks it. */
static void check_os_lock(void)
{
	CHECK_READS(oslsr_el1, OSLSR_OSLM_IMPLEMENTED | OSLSR_OSLK, REQUIRED,
		    "OSLSR_EL1 says the OS lock exists and is locked at reset");
	write_sysreg(oslar_el1, 0);
	isb();
	CHECK_READS(oslsr_el1, OSLSR_OSLM_IMPLEMENTED, REQUIRED, "OSLAR_EL1 = 0 unlocks it");
	write_sysreg(oslar_el1, 1);
	isb();
	CHECK_READS(oslsr_el1, OSLSR_OSLM_IMPLEMENTED | OSLSR_OSLK, REQUIRED,
		    "OSLAR_EL1 = 1 locks it again");
}

static void check_kept(void)
{
	CHECK_KEPT(mdscr_el1, MDSCR_TDCC, REQUIRED, "MDSCR_EL1 keeps TDCC");
	CHECK_KEPT(mdccint_el1, MDCCINT_TX, REQUIRED, "MDCCINT_EL1 keeps TX");
	CHECK_KEPT(osdlr_el1, 1UL, REQUIRED, "OSDLR_EL1 keeps DLK");
	CHECK_KEPT(dbgprcr_el1, 1UL, IF_CPU_HAS_IT, "DBGPRCR_EL1 keeps CORENPDRQ");
	CHECK_KEPT(dbgbvr0_el1, 0x40080000UL, REQUIRED, "DBGBVR0_EL1 keeps an address");
	CHECK_KEPT(dbgbcr0_el1, DBGBCR_DISABLED, REQUIRED,
		   "DBGBCR0_EL1 keeps a disabled breakpoint");
	CHECK_KEPT(dbgwvr0_el1, 0x40100000UL, REQUIRED, "DBGWVR0_EL1 keeps an address");
	CHECK_KEPT(dbgwcr0_el1, DBGWCR_DISABLED, REQUIRED,
		   "DBGWCR0_EL1 keeps a disabled watchpoint");
}

/* Claim tags: set through DBGCLAIMSET_EL1, read and cleared through DBGCLAIMCLR_EL1. */
static void check_claim_tags(void)
{
	exc_expect(EXC_RESUME_DEFAULT);
	write_sysreg(dbgclaimclr_el1, 0xffUL);
	write_sysreg(dbgclaimset_el1, 0x5UL);
	isb();
	uint64_t set = READ_OVER_POISON(dbgclaimclr_el1);

	write_sysreg(dbgclaimclr_el1, 0x1UL);
	isb();
	uint64_t cleared = READ_OVER_POISON(dbgclaimclr_el1);

	write_sysreg(dbgclaimclr_el1, 0xffUL);
	exc_expect_none();
	report(IF_CPU_HAS_IT, set, 0x5, "DBGCLAIMSET_EL1 sets claim tags");
	report(IF_CPU_HAS_IT, cleared, 0x4, "DBGCLAIMCLR_EL1 reads and clears them");
}

static void check_read_zero(void)
{
	CHECK_READS(mdrar_el1, 0UL, REQUIRED, "MDRAR_EL1 reads 0");
	CHECK_READS(mdccsr_el0, 0UL, REQUIRED, "MDCCSR_EL0 reads 0");
	CHECK_READS(dbgauthstatus_el1, 0UL, IF_CPU_HAS_IT, "DBGAUTHSTATUS_EL1 reads 0");
}

static void check_no_dcc(void)
{
	uint64_t after, at;

	exc_expect(EXC_RESUME_DEFAULT);
	at = PROBE_INSN("mrs x0, dbgdtr_el0", after);
	exc_expect_none();
	if (!check(exc_seen.count == 1 && exc_seen.esr == ESR_UNDEFINED_A64 && exc_seen.elr == at &&
		       after == 1,
		   "debug: mrs DBGDTR_EL0 is UNDEFINED at the instruction"))
		printf("#   exceptions %u ESR 0x%lx ELR 0x%lx (insn at 0x%lx)\n", exc_seen.count,
		       exc_seen.esr, exc_seen.elr, at);
}

int main(void)
{
	check_os_lock();
	check_kept();
	check_claim_tags();
	check_read_zero();
	check_no_dcc();
	return 0;
}

// SPDX-License-Identifier: MIT
/* Accesses to IPAs with nothing behind them get a synchronous external abort injected
 * (docs/guest-abi.md, "Board"): data aborts (EC 0x25) and instruction aborts (EC 0x21) with
 * FSC 0x10 and FAR_EL1 = the address; the guest resumes. So do loads and stores to the
 * vPL011 that cannot be emulated (exclusives, atomics: "Traps"). */
#include "board.h"
#include "check.h"
#include "exception.h"
#include "printf.h"
#include "sysreg.h"

const char guest_name[] = "abort";

/* One load or store `insn` (%1: data, %2: address) at a known address; returns it. */
#define ACCESS(insn, addr)                             \
	({                                             \
		uint64_t at_, data_ = 0;               \
		asm volatile("adr %0, 1f\n1:\t" insn   \
			     : "=&r"(at_), "+r"(data_) \
			     : "r"(addr)               \
			     : "memory");              \
		at_;                                   \
	})

static bool took_abort(unsigned int ec, uint64_t elr, uint64_t far, bool write)
{
	uint64_t esr = exc_seen.esr;
	bool ok = exc_seen.count == 1 && ESR_EC(esr) == ec && (esr & ESR_FSC_MASK) == ESR_FSC_SEA &&
		  exc_seen.elr == elr && exc_seen.far == far;

	if (ec == ESR_EC_DABT_CUR)
		ok = ok && !!(esr & ESR_DABT_WNR) == write;
	return ok;
}

static void explain(unsigned int ec, uint64_t elr, uint64_t far)
{
	printf(
	    "#   exceptions %u ESR 0x%lx (want EC 0x%x FSC 0x10) ELR 0x%lx (want 0x%lx) FAR 0x%lx "
	    "(want 0x%lx)\n",
	    exc_seen.count, exc_seen.esr, ec, exc_seen.elr, elr, exc_seen.far, far);
}

static void check_data_abort(const char *insn, uint64_t at, uint64_t addr, bool write)
{
	if (!check(took_abort(ESR_EC_DABT_CUR, at, addr, write),
		   "abort: %s at 0x%lx: data abort, FSC 0x10, FAR, %s", insn, addr,
		   write ? "WnR 1" : "WnR 0"))
		explain(ESR_EC_DABT_CUR, at, addr);
}

/* Plain loads and stores of each size. */
static void check_data_aborts_at(uint64_t addr)
{
	uint64_t at;

	exc_expect(EXC_RESUME_DEFAULT);
	at = ACCESS("ldr %w1, [%2]", addr);
	check_data_abort("ldr w", at, addr, false);

	exc_expect(EXC_RESUME_DEFAULT);
	at = ACCESS("ldrb %w1, [%2]", addr);
	check_data_abort("ldrb", at, addr, false);

	exc_expect(EXC_RESUME_DEFAULT);
	at = ACCESS("ldr %1, [%2]", addr);
	check_data_abort("ldr x", at, addr, false);

	exc_expect(EXC_RESUME_DEFAULT);
	at = ACCESS("str %w1, [%2]", addr);
	check_data_abort("str w", at, addr, true);

	exc_expect(EXC_RESUME_DEFAULT);
	at = ACCESS("strh %w1, [%2]", addr);
	check_data_abort("strh", at, addr, true);
	exc_expect_none();
}

/* An aborted access with writeback leaves the base register alone. */
static void check_writeback_not_done(uint64_t addr)
{
	uint64_t at, base = addr, data = 0;

	exc_expect(EXC_RESUME_DEFAULT);
	asm volatile("adr %0, 1f\n1:\tldr %w2, [%1], #4"
		     : "=&r"(at), "+r"(base), "=&r"(data)
		     :
		     : "memory");
	exc_expect_none();
	check_data_abort("ldr w post-index", at, addr, false);
	check_eq(base, addr, "abort: ... and the base register is not written back");

	base = addr - 8;
	exc_expect(EXC_RESUME_DEFAULT);
	asm volatile("adr %0, 1f\n1:\tstp %w2, %w2, [%1, #8]!"
		     : "=&r"(at), "+r"(base)
		     : "r"(data)
		     : "memory");
	exc_expect_none();
	check_data_abort("stp w pre-index", at, addr, true);
	check_eq(base, addr - 8, "abort: ... and the base register is not written back");
}

/* A branch with link to `addr`: the vector resumes at the link register. */
static void check_instruction_abort(uint64_t addr)
{
	uint64_t returned = 0;

	exc_expect(EXC_RESUME_DEFAULT);
	asm volatile("blr %1\n\tmov %0, #1" : "+r"(returned) : "r"(addr) : "x30", "memory");
	exc_expect_none();
	if (!check(took_abort(ESR_EC_IABT_CUR, addr, addr, false) && returned == 1,
		   "abort: fetch from 0x%lx: instruction abort, FSC 0x10, ELR = FAR = 0x%lx", addr,
		   addr))
		explain(ESR_EC_IABT_CUR, addr, addr);
}

/* The vPL011 itself: what the hypervisor cannot emulate is an external abort too. */
static void check_unemulated_mmio(void)
{
	uint64_t reg = GUEST_UART_BASE + 0x24, at;

	exc_expect(EXC_RESUME_DEFAULT);
	at = ACCESS("ldxr %w1, [%2]", reg);
	check_data_abort("ldxr w on the vPL011", at, reg, false);

	exc_expect(EXC_RESUME_DEFAULT);
	at = ACCESS(".arch_extension lse\n\tldadd %w1, %w1, [%2]", reg);
	exc_expect_none();
	/* An atomic both reads and writes: WnR is IMPLEMENTATION DEFINED, only check the rest. */
	bool ok = exc_seen.count == 1 && ESR_EC(exc_seen.esr) == ESR_EC_DABT_CUR &&
		  (exc_seen.esr & ESR_FSC_MASK) == ESR_FSC_SEA && exc_seen.elr == at &&
		  exc_seen.far == reg;

	if (!check(ok, "abort: ldadd on the vPL011 at 0x%lx: data abort, FSC 0x10, FAR", reg))
		explain(ESR_EC_DABT_CUR, at, reg);
}

int main(void)
{
	check_data_aborts_at(GUEST_HOLE);
	check_data_aborts_at(GUEST_RAM_END);
	check_writeback_not_done(GUEST_HOLE);
	check_writeback_not_done(GUEST_RAM_END);
	check_instruction_abort(GUEST_HOLE);
	check_instruction_abort(GUEST_RAM_END);
	check_unemulated_mmio();
	return 0;
}

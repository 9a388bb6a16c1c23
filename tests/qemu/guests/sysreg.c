// SPDX-License-Identifier: MIT
/* System registers (docs/guest-abi.md, "Traps"). Trapped and not emulated: UNDEFINED at the
 * instruction (ESR_EL1 = EC 0, IL 1; ELR_EL1 = its address), then execution continues after
 * it, as on a CPU without them; probed with IMPLEMENTATION DEFINED registers (op0 3, CRn 11
 * and 15; HCR_EL2.TIDCP). Emulated: ACTLR_EL1 reads 0 and ignores writes; DC ISW/CSW/CISW
 * complete. (The debug registers have their own guest.)
 *
 * An IMPDEF access that completes at EL1 without an exception never reached the hypervisor:
 * the CPU implements the register and does not trap it. QEMU 7.2 does not implement
 * HCR_EL2.TIDCP, and its -cpu max has the Cortex-A57 registers (op1 1): those are skipped. */
#include "sysreg.h"
#include "check.h"
#include "exception.h"
#include "printf.h"

const char guest_name[] = "sysreg";

/* One read and one write per register: op1 0-7 of CRn 15, the Cortex-A57 ones (L2ACTLR,
 * CPUACTLR, CPUECTLR, CBAR, L2CTLR, L2ECTLR) and one in CRn 11. */
#define IMPDEF_REGS(X)    \
	X(S3_0_C15_C0_0)  \
	X(S3_1_C15_C0_0)  \
	X(S3_2_C15_C0_0)  \
	X(S3_3_C15_C0_0)  \
	X(S3_4_C15_C0_0)  \
	X(S3_5_C15_C0_0)  \
	X(S3_6_C15_C0_0)  \
	X(S3_7_C15_C0_0)  \
	X(S3_1_C15_C2_0)  \
	X(S3_1_C15_C2_1)  \
	X(S3_1_C15_C3_0)  \
	X(S3_0_C15_C15_7) \
	X(S3_1_C11_C0_2)  \
	X(S3_1_C11_C0_3)  \
	X(S3_0_C11_C0_0)

struct probe {
	const char *insn;
	uint64_t (*run)(uint64_t *after);
};

#define DEFINE_PROBES(reg)                                      \
	static uint64_t read_##reg(uint64_t *after)             \
	{                                                       \
		return PROBE_INSN("mrs x0, " #reg, *after);     \
	}                                                       \
	static uint64_t write_##reg(uint64_t *after)            \
	{                                                       \
		return PROBE_INSN("msr " #reg ", xzr", *after); \
	}
IMPDEF_REGS(DEFINE_PROBES)

#define PROBE_ENTRIES(reg) {"mrs x0, " #reg, read_##reg}, {"msr " #reg ", xzr", write_##reg},
static const struct probe probes[] = {IMPDEF_REGS(PROBE_ENTRIES)};

/* Registers of features the ID registers hide, which must not work whatever the CPU has:
 * RAS ERRIDR/ERRSELR_EL1 (HCR_EL2.TERR), LORID/LORC_EL1 (HCR_EL2.TLOR), TRFCR_EL1
 * (MDCR_EL2.TTRF), PMSIDR_EL1 (SPE, MDCR_EL2.TPMS), AMCR_EL0 (AMU, CPTR_EL2.TAM). QEMU 7.2
 * -cpu max has RAS and LOR: without the traps their registers work at EL1. */
#define HIDDEN_REGS(X)   \
	X(S3_0_C5_C3_0)  \
	X(S3_0_C5_C3_1)  \
	X(S3_0_C10_C4_7) \
	X(S3_0_C10_C4_3) \
	X(S3_0_C1_C2_1)  \
	X(S3_0_C9_C9_7)  \
	X(S3_3_C13_C2_0)
HIDDEN_REGS(DEFINE_PROBES)
static const struct probe hidden[] = {HIDDEN_REGS(PROBE_ENTRIES)};

static void check_undefined(const struct probe *p)
{
	uint64_t after;

	exc_expect(EXC_RESUME_DEFAULT);
	uint64_t at = p->run(&after);

	exc_expect_none();
	if (exc_seen.count == 0 && after == 1) {
		check_skip("completed at EL1: this CPU does not trap it",
			   "sysreg: %s is UNDEFINED at the instruction, then continues", p->insn);
		return;
	}
	bool ok = exc_seen.count == 1 && exc_seen.esr == ESR_UNDEFINED_A64 && exc_seen.elr == at &&
		  after == 1;

	if (!check(ok, "sysreg: %s is UNDEFINED at the instruction, then continues", p->insn))
		printf(
		    "#   exceptions %u ESR 0x%lx ELR 0x%lx (insn at 0x%lx), next insn ran: %lu\n",
		    exc_seen.count, exc_seen.esr, exc_seen.elr, at, after);
}

/* A hidden feature's register: UNDEFINED, whether the CPU lacks it or the hypervisor traps it. */
static void check_hidden(const struct probe *p)
{
	uint64_t after;

	exc_expect(EXC_RESUME_DEFAULT);
	uint64_t at = p->run(&after);

	exc_expect_none();
	if (!check(exc_seen.count == 1 && exc_seen.esr == ESR_UNDEFINED_A64 && exc_seen.elr == at &&
		       after == 1,
		   "sysreg: %s (hidden feature) is UNDEFINED", p->insn))
		printf(
		    "#   exceptions %u ESR 0x%lx ELR 0x%lx (insn at 0x%lx), next insn ran: %lu\n",
		    exc_seen.count, exc_seen.esr, exc_seen.elr, at, after);
}

#define FIELD(val, lsb) (((val) >> (lsb)) & 0xf)

/* The ID registers are an allowlist (docs/guest-abi.md): AArch64 only at EL0 and EL1, no EL2,
 * no RAS, AMU, LOR, MOPS, WFxT, NMI, S1PIE/S1POE, no AArch32 ID registers. */
static void check_id_registers(void)
{
	uint64_t pfr0 = read_sysreg(id_aa64pfr0_el1);
	uint64_t pfr1 = read_sysreg(S3_0_C0_C4_1);
	uint64_t isar2 = read_sysreg(S3_0_C0_C6_2);
	uint64_t mmfr1 = read_sysreg(id_aa64mmfr1_el1);
	uint64_t mmfr3 = read_sysreg(S3_0_C0_C7_3);
	uint64_t pfr0_32 = read_sysreg(S3_0_C0_C1_0);

	check(FIELD(pfr0, 0) == 1 && FIELD(pfr0, 4) == 1,
	      "sysreg: ID_AA64PFR0_EL1 EL0 = EL1 = 1, AArch64 only (0x%lx)", pfr0);
	check(FIELD(pfr0, 8) == 0 && FIELD(pfr0, 28) == 0 && FIELD(pfr0, 44) == 0,
	      "sysreg: ID_AA64PFR0_EL1 shows no EL2, RAS or AMU (0x%lx)", pfr0);
	check(FIELD(pfr1, 36) == 0 && FIELD(isar2, 0) == 0 && FIELD(isar2, 16) == 0,
	      "sysreg: no NMI, WFxT or MOPS (PFR1 0x%lx, ISAR2 0x%lx)", pfr1, isar2);
	check(FIELD(mmfr1, 16) == 0 && mmfr3 == 0,
	      "sysreg: no LOR, ID_AA64MMFR3_EL1 = 0 (MMFR1 0x%lx, MMFR3 0x%lx)", mmfr1, mmfr3);
	check_eq(pfr0_32, 0, "sysreg: ID_PFR0_EL1 (AArch32) reads 0");
}

static void check_actlr(void)
{
	exc_expect(EXC_RESUME_DEFAULT);
	write_sysreg(actlr_el1, 0xffffffffUL);
	uint64_t val = read_sysreg(actlr_el1);

	exc_expect_none();
	check_eq(exc_seen.count, 0, "sysreg: ACTLR_EL1 is accessible");
	check_eq(val, 0, "sysreg: ACTLR_EL1 reads 0 after writing 0xffffffff");
}

/* Set/way cache maintenance has nothing to do for a guest: it completes without an exception. */
static void check_set_way(void)
{
	uint64_t isw, csw, cisw;

	exc_expect(EXC_RESUME_DEFAULT);
	PROBE_INSN("mov x0, xzr\n\tdc isw, x0", isw);
	PROBE_INSN("mov x0, xzr\n\tdc csw, x0", csw);
	PROBE_INSN("mov x0, xzr\n\tdc cisw, x0", cisw);
	exc_expect_none();
	check_eq(exc_seen.count, 0, "sysreg: DC ISW, DC CSW, DC CISW take no exception");
	check(isw && csw && cisw, "sysreg: ... and each is followed by the next instruction");
}

int main(void)
{
	for (unsigned int i = 0; i < sizeof(probes) / sizeof(probes[0]); i++)
		check_undefined(&probes[i]);
	for (unsigned int i = 0; i < sizeof(hidden) / sizeof(hidden[0]); i++)
		check_hidden(&hidden[i]);
	check_id_registers();
	check_actlr();
	check_set_way();
	return 0;
}

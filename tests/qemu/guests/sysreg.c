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
	check_actlr();
	check_set_way();
	return 0;
}

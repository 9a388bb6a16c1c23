// SPDX-License-Identifier: MIT
/* CPU extensions (docs/guest-abi.md, "Traps"): FP/SIMD and pointer authentication are the
 * guest's own, so their registers survive exits to the hypervisor untouched; SVE and SME trap
 * to the hypervisor and are UNDEFINED; the PMU is the virtual one. */
#include "board.h"
#include "check.h"
#include "exception.h"
#include "printf.h"
#include "smccc.h"
#include "sysreg.h"

const char guest_name[] = "extensions";

#define CPACR_ZEN  (3UL << 16) /* SVE not trapped at EL1 */
#define CPACR_FPEN (3UL << 20) /* FP/SIMD not trapped at EL1 */
#define CPACR_SMEN (3UL << 24) /* SME not trapped at EL1 */
#define SCTLR_ENIA (1UL << 31) /* PACIA and friends sign with the A key */

#define FP_FPCR 0x00c00000UL /* RMode = round towards zero */
#define FP_FPSR 0x08000000UL /* QC: cumulative saturation */

/* Pattern in v0-v31 (two 64-bit halves each), kept through a hypercall and an MMIO exit. */
#define FP_PATTERN(i) (0x5eed000000000000UL + (i))

#define FP_ASM ".arch_extension fp\n\t.arch_extension simd\n\t"
#define REGS_0_31 \
	"0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31"

static void check_fp_simd(void)
{
	static uint64_t regs[64] __attribute__((aligned(16)));
	uint64_t fpcr, fpsr;

	exc_expect(EXC_RESUME_DEFAULT);
	asm volatile(FP_ASM "mov x9, %[pattern]\n\t"
			    ".irp n," REGS_0_31 "\n\t"
			    "mov v\\n\\().d[0], x9\n\tadd x9, x9, #1\n\t"
			    "mov v\\n\\().d[1], x9\n\tadd x9, x9, #1\n\t"
			    ".endr\n\t"
			    "msr fpcr, %[fpcr_in]\n\tmsr fpsr, %[fpsr_in]\n\t"
			    "mov x0, %[fid]\n\thvc #0\n\t"
			    "ldr w0, [%[mmio]]\n\t"
			    ".irp n," REGS_0_31 "\n\t"
			    "str q\\n, [%[buf], #16 * \\n]\n\t"
			    ".endr\n\t"
			    "mrs %[fpcr_out], fpcr\n\tmrs %[fpsr_out], fpsr\n\t"
			    "msr fpcr, xzr\n\tmsr fpsr, xzr"
		     : [fpcr_out] "=&r"(fpcr), [fpsr_out] "=&r"(fpsr)
		     : [pattern] "r"(FP_PATTERN(0)), [fpcr_in] "r"(FP_FPCR), [fpsr_in] "r"(FP_FPSR),
		       [fid] "r"((uint64_t)SMCCC_VERSION), [mmio] "r"(GUEST_UART_BASE + 0xfe0),
		       [buf] "r"(regs)
		     : "x0", "x1", "x2", "x3", "x4", "x5", "x6", "x7", "x8", "x9", "x10", "x11",
		       "x12", "x13", "x14", "x15", "x16", "x17", "memory");
	exc_expect_none();
	check_eq(exc_seen.count, 0, "extensions: FP/SIMD instructions take no exception");

	unsigned int wrong = 0;

	for (unsigned int i = 0; i < 64; i++)
		wrong += regs[i] != FP_PATTERN(i);
	check_eq(wrong, 0, "extensions: v0-v31 kept through a hypercall and an MMIO exit");
	check_eq(fpcr, FP_FPCR, "extensions: FPCR kept");
	check_eq(fpsr, FP_FPSR, "extensions: FPSR kept");
}

/* Pointer authentication used first by an instruction, before any key register access: the
 * hypervisor gives a vCPU its keys at its first use (docs/trap-path.md), which for PACIA is a
 * trap of the instruction itself; the guest sees it run, with its keys from reset. */
static void check_pointer_auth_first_use(void)
{
	const uint64_t pointer = 0x40082000UL, modifier = 0x5678;
	uint64_t sctlr = read_sysreg(sctlr_el1);
	uint64_t signed_ptr = pointer, authed;

	exc_expect(EXC_RESUME_DEFAULT);
	write_sysreg(sctlr_el1, sctlr | SCTLR_ENIA);
	isb();
	asm volatile(".arch_extension pauth\n\tpacia %0, %1" : "+r"(signed_ptr) : "r"(modifier));
	authed = signed_ptr;
	asm volatile(".arch_extension pauth\n\tautia %0, %1" : "+r"(authed) : "r"(modifier));
	write_sysreg(sctlr_el1, sctlr);
	isb();
	exc_expect_none();

	check_eq(exc_seen.count, 0,
		 "extensions: PACIA as the first pointer-auth use takes no exception");
	check_eq(authed, pointer, "extensions: AUTIA takes its code off again");
}

/* APIAKey_EL1 as S3_0_C2_C1_{0,1}: the assembler's -march need not know the names. */
static void check_pointer_auth(void)
{
	const uint64_t key_lo = 0x0123456789abcdefUL, key_hi = 0xfedcba9876543210UL;
	const uint64_t pointer = 0x40081000UL, modifier = 0x1234;
	uint64_t sctlr = read_sysreg(sctlr_el1);
	uint64_t signed_ptr = pointer, authed, lo, hi;

	exc_expect(EXC_RESUME_DEFAULT);
	write_sysreg(S3_0_C2_C1_0, key_lo);
	write_sysreg(S3_0_C2_C1_1, key_hi);
	write_sysreg(sctlr_el1, sctlr | SCTLR_ENIA);
	isb();
	asm volatile(".arch_extension pauth\n\tpacia %0, %1" : "+r"(signed_ptr) : "r"(modifier));
	authed = signed_ptr;
	asm volatile(".arch_extension pauth\n\tautia %0, %1" : "+r"(authed) : "r"(modifier));
	hvc_call(SMCCC_VERSION, 0, 0, 0);
	lo = read_sysreg(S3_0_C2_C1_0);
	hi = read_sysreg(S3_0_C2_C1_1);
	write_sysreg(sctlr_el1, sctlr);
	isb();
	exc_expect_none();

	check_eq(exc_seen.count, 0, "extensions: PACIA, AUTIA and APIAKey_EL1 take no exception");
	check(signed_ptr != pointer, "extensions: PACIA adds a code (0x%lx -> 0x%lx)", pointer,
	      signed_ptr);
	check_eq(authed, pointer, "extensions: AUTIA takes it off again");
	check(lo == key_lo && hi == key_hi, "extensions: APIAKey_EL1 kept through a hypercall");
}

static void check_undefined(const char *what, uint64_t at, uint64_t after)
{
	if (!check(exc_seen.count == 1 && exc_seen.esr == ESR_UNDEFINED_A64 && exc_seen.elr == at &&
		       after == 1,
		   "extensions: %s is UNDEFINED at the instruction", what))
		printf("#   exceptions %u ESR 0x%lx ELR 0x%lx (insn at 0x%lx)\n", exc_seen.count,
		       exc_seen.esr, exc_seen.elr, at);
}

/* With EL1's own traps (CPACR_EL1) off, what stops SVE and SME is the hypervisor's. */
static void check_sve_sme(void)
{
	uint64_t cpacr = read_sysreg(cpacr_el1), at, after;

	write_sysreg(cpacr_el1, cpacr | CPACR_FPEN | CPACR_ZEN | CPACR_SMEN);
	isb();
	exc_expect(EXC_RESUME_DEFAULT);
	at = PROBE_INSN(".arch_extension sve\n\trdvl x0, #1", after);
	check_undefined("SVE rdvl", at, after);
	exc_expect(EXC_RESUME_DEFAULT);
	at = PROBE_INSN("mrs x0, S3_0_C1_C2_0", after);
	check_undefined("mrs ZCR_EL1", at, after);
	exc_expect(EXC_RESUME_DEFAULT);
	at = PROBE_INSN(".arch_extension sme\n\trdsvl x0, #1", after);
	check_undefined("SME rdsvl", at, after);
	exc_expect(EXC_RESUME_DEFAULT);
	at = PROBE_INSN("mrs x0, S3_0_C1_C2_6", after);
	check_undefined("mrs SMCR_EL1", at, after);
	exc_expect_none();
	write_sysreg(cpacr_el1, cpacr);
	isb();

	/* The ID registers must not advertise what is UNDEFINED (docs/guest-abi.md), or a
	 * kernel such as Linux reaches for it. Bare QEMU has both: skip there. */
	if (hvc_call(HV_CALL_VERSION, 0, 0, 0) != 0x10000) {
		check_skip("no hypervisor: the CPU really has SVE and SME",
			   "extensions: SVE hidden");
		check_skip("no hypervisor: the CPU really has SVE and SME",
			   "extensions: SME hidden");
		return;
	}
	check_eq((read_sysreg(id_aa64pfr0_el1) >> 32) & 0xf, 0,
		 "extensions: ID_AA64PFR0_EL1.SVE reads 0");
	check_eq((read_sysreg(id_aa64pfr1_el1) >> 24) & 0xf, 0,
		 "extensions: ID_AA64PFR1_EL1.SME reads 0");
	check_eq(read_sysreg(S3_0_C0_C4_4), 0, "extensions: ID_AA64ZFR0_EL1 reads 0");
}

/* The virtual PMU (pmu.c tests it): PMUv3 up to PMUv3p1 in ID_AA64DFR0_EL1.PMUVer, PMCR_EL0
 * readable, a counter past PMCR_EL0.N UNDEFINED. */
static void check_pmu(void)
{
	unsigned ver = (read_sysreg(id_aa64dfr0_el1) >> 8) & 0xf;
	uint64_t at, after;

	if (hvc_call(HV_CALL_VERSION, 0, 0, 0) != 0x10000) {
		check_skip("no hypervisor: the CPU's own PMU", "extensions: PMU shown");
		check_skip("no hypervisor: the CPU's own PMU", "extensions: PMCR_EL0");
		check_skip("no hypervisor: the CPU's own PMU", "extensions: PMEVCNTR30_EL0");
		return;
	}
	check(ver >= 1 && ver <= 4, "extensions: ID_AA64DFR0_EL1.PMUVer shows PMUv3..PMUv3p1 (%u)",
	      ver);
	exc_expect(EXC_RESUME_DEFAULT);
	at = PROBE_INSN("mrs x0, S3_3_C9_C12_0", after);
	check(exc_seen.count == 0 && after == 1, "extensions: mrs PMCR_EL0 completes (N = %lu)",
	      (read_sysreg(pmcr_el0) >> 11) & 0x1f);
	exc_expect(EXC_RESUME_DEFAULT);
	at = PROBE_INSN("mrs x0, S3_3_C14_C11_6", after);
	check_undefined("mrs PMEVCNTR30_EL0 (past PMCR_EL0.N)", at, after);
	exc_expect_none();
}

int main(void)
{
	/* FP/SIMD is the guest's: enable it at EL1 like any kernel does. */
	write_sysreg(cpacr_el1, read_sysreg(cpacr_el1) | CPACR_FPEN);
	isb();
	check_fp_simd();
	check_pointer_auth_first_use();
	check_pointer_auth();
	check_sve_sme();
	check_pmu();
	return 0;
}

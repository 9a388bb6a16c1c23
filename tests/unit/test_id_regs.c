// SPDX-License-Identifier: MIT
/* Tests of core/id_regs.c, reached as a guest reaches it: a trapped MRS (EC 0x18, HCR_EL2.TID3)
 * through exit_handle() and core/trap_sysreg.c. The ID registers are an allowlist: with a CPU
 * whose feature ID registers read as all ones (sim_hal.id_regs) the guest sees exactly the
 * fields known to be virtualised (AArch64-only EL0/EL1, GICv3, debug v8.0 of our own), the
 * CPU's values in them, 0 everywhere else (AArch32 and reserved registers included); writing
 * any of them is UNDEFINED. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <core/arch.h>
#include <core/err.h>
#include <core/lib.h>
#include <core/sysreg.h>
#include <core/trap.h>
#include <core/vm.h>
#include <core/vsve.h>
#include <hal-sim/sim_hal.h>
#include <sim/sim.h>

#include "fixture.h"

/* A test that shows a known bug is skipped unless TEST_KNOWN_BUGS=1 (it then fails until the
 * bug is fixed; remove the guard with the fix). */
#define KNOWN_BUG(what)                                           \
	do {                                                      \
		if (!getenv("TEST_KNOWN_BUGS")) {                 \
			print_message("[  KNOWN   ] %s\n", what); \
			skip();                                   \
		}                                                 \
	} while (0)

#define ENTRY (VM_RAM_BASE + IMAGE_RAW_OFFSET)
#define VBAR  (VM_RAM_BASE + 0x1000)
#define ONES  0xffffffffffffffffULL

#define F(lsb) GENMASK((lsb) + 3, (lsb))

/* What a guest reads from a CPU whose every ID register is all ones: exactly the fields
 * docs/guest-abi.md lists as virtualised, with AArch32 EL0/EL1, GIC and DebugVer given our own
 * values; everything else 0. As CRm/op2 of op0=3, op1=0, CRn=0 (Arm ARM D19.2). */
struct shown {
	const char *name;
	unsigned crm, op2;
	uint64_t value;
};

static const struct shown shown[] = {
    {"ID_AA64PFR0_EL1", 4, 0,
     1ULL << 0 /* EL0: AArch64 only */ | 1ULL << 4 /* EL1: AArch64 only */ | F(12) /* EL3 */ |
	 F(16) /* FP */ | F(20) /* AdvSIMD */ | 1ULL << 24 /* GIC: v3 */ | F(48) /* DIT */ |
	 F(56) /* CSV2 */ | F(60) /* CSV3 */},
    {"ID_AA64PFR1_EL1", 4, 1, F(0) /* BT */ | F(4) /* SSBS */ | F(32) /* CSV2_frac */},
    {"ID_AA64DFR0_EL1", 5, 0,
     6ULL /* DebugVer: v8.0 */ | F(12) /* BRPs */ | F(20) /* WRPs */ | F(28) /* CTX_CMPs */ |
	 F(36) /* DoubleLock */},
    {"ID_AA64ISAR0_EL1", 6, 0, GENMASK(63, 4) & ~F(24) /* all but TME */},
    {"ID_AA64ISAR1_EL1", 6, 1, GENMASK(55, 0) /* all but XS, LS64 */},
    {"ID_AA64ISAR2_EL1", 6, 2,
     F(4) /* RPRES */ | F(8) /* GPA3 */ | F(12) /* APA3 */ | F(20) /* BC */ | F(24) /* PAC_frac */ |
	 F(28) /* CLRBHB */},
    {"ID_AA64MMFR0_EL1", 7, 0, (GENMASK(31, 0) & ~F(12)) /* all but SNSMem */ | F(44) /* ExS */},
    {"ID_AA64MMFR1_EL1", 7, 1,
     F(0) /* HAFDBS */ | F(12) /* HPDS */ | F(20) /* PAN */ | F(36) /* ETS */ | F(44) /* AFP */ |
	 F(48) /* nTLBPA */ | F(60) /* ECBHB */},
    {"ID_AA64MMFR2_EL1", 7, 2, ONES & ~F(24) & ~F(40) & ~F(44) & ~F(56) /* NV, FWB, EVT */},
};

static struct sim_machine m;
static struct vcpu *v;

static int setup(void **state)
{
	v = fixture_nop_machine(&m);
	v->state = VCPU_RUNNING;
	v->ctx.el1[HAL_VBAR_EL1] = VBAR;
	return 0;
}

static int teardown(void **state)
{
	sim_machine_destroy(&m);
	return 0;
}

static void cpu_id_regs(uint64_t (*value)(unsigned crm, unsigned op2))
{
	for (unsigned crm = 0; crm < 8; crm++) {
		for (unsigned op2 = 0; op2 < 8; op2++)
			sim_hal.id_regs[crm][op2] = value(crm, op2);
	}
}

static uint64_t all_ones(unsigned crm, unsigned op2)
{
	return ONES;
}

/* A different value in every register, with every nibble non-zero. */
static uint64_t distinct(unsigned crm, unsigned op2)
{
	return 0x1111111111111111ULL * ((crm * 8 + op2) % 15 + 1) ^ (uint64_t)crm << 60;
}

/* `mrs x<rt>, S3_0_C0_C<crm>_<op2>` trapped to EL2; the value the guest got. */
static uint64_t mrs(unsigned crm, unsigned op2, unsigned rt)
{
	v->ctx.pc = ENTRY;
	v->ctx.x[rt] = 0x5a5a5a5a5a5a5a5aULL;
	v->ctx.esr = sim_esr_sysreg(3, 0, 0, crm, op2, rt, true);
	exit_handle(v, HAL_EXIT_SYNC);
	assert_int_equal(v->ctx.pc, ENTRY + 4);
	return v->ctx.x[rt];
}

static const struct shown *shown_at(unsigned crm, unsigned op2)
{
	for (unsigned i = 0; i < ARRAY_SIZE(shown); i++) {
		if (shown[i].crm == crm && shown[i].op2 == op2)
			return &shown[i];
	}
	return NULL;
}

static void test_id_regs_show_only_the_allowlisted_fields(void **state)
{
	cpu_id_regs(all_ones);
	for (unsigned i = 0; i < ARRAY_SIZE(shown); i++) {
		uint64_t got = mrs(shown[i].crm, shown[i].op2, 3);

		if (got != shown[i].value)
			fail_msg("%s reads 0x%016llx, want 0x%016llx", shown[i].name,
				 (unsigned long long)got, (unsigned long long)shown[i].value);
	}
}

/* A CPU whose registers are all zeros: the fields we set ourselves are still set, nothing else
 * appears. */
static uint64_t zeros(unsigned crm, unsigned op2)
{
	return 0;
}

static void test_id_regs_fixed_fields_do_not_depend_on_the_cpu(void **state)
{
	cpu_id_regs(zeros);
	assert_int_equal(mrs(4, 0, 1), 1ULL << 0 | 1ULL << 4 | 1ULL << 24);
	assert_int_equal(mrs(5, 0, 1), 6);
	assert_int_equal(mrs(6, 0, 1), 0);
}

/* Shown fields keep the CPU's own value, field by field. */
static void test_id_regs_shown_fields_keep_the_cpus_values(void **state)
{
	cpu_id_regs(distinct);
	for (unsigned i = 0; i < ARRAY_SIZE(shown); i++) {
		uint64_t cpu = distinct(shown[i].crm, shown[i].op2);
		uint64_t got = mrs(shown[i].crm, shown[i].op2, 7);

		for (unsigned lsb = 0; lsb < 64; lsb += 4) {
			uint64_t f = F(lsb);

			if ((shown[i].value & f) == f && (got & f) != (cpu & f))
				fail_msg("%s field at bit %u: 0x%llx, CPU 0x%llx", shown[i].name,
					 lsb, (unsigned long long)(got & f),
					 (unsigned long long)(cpu & f));
		}
	}
}

/* Issue #11 item 5: features a denylist let through. AMU and RAS (ID_AA64PFR0_EL1), NMI
 * (PFR1), WFxT and MOPS (ISAR2), S1PIE, S1POE and the other MMFR3 features, LOR (MMFR1), and
 * the EL2 features a guest has no EL2 for. */
static void test_id_regs_hide_amu_ras_wfxt_nmi_mops_s1pie_s1poe_lor_el2(void **state)
{
	cpu_id_regs(all_ones);
	assert_int_equal(mrs(4, 0, 1) & (F(44) | F(28) | F(8) | F(36)), 0); /* AMU RAS EL2 SEL2 */
	assert_int_equal(mrs(4, 1, 1) & F(36), 0);			    /* NMI */
	assert_int_equal(mrs(6, 2, 1) & (F(0) | F(16)), 0);		    /* WFxT MOPS */
	assert_int_equal(mrs(7, 3, 1), 0); /* MMFR3: S1PIE [11:8], S1POE [19:16], ... */
	assert_int_equal(mrs(7, 1, 1) & (F(16) | F(8) | F(4)), 0); /* LO VH VMIDBits */
	assert_int_equal(mrs(7, 2, 1) & F(24), 0);		   /* NV */
}

/* Issue #11 item 8: AArch32 is not offered at EL0 (nor EL1), whatever the CPU supports. */
static void test_id_regs_aarch32_el0_is_hidden(void **state)
{
	cpu_id_regs(all_ones);
	assert_int_equal(mrs(4, 0, 1) & F(0), 1);
	assert_int_equal(mrs(4, 0, 1) & F(4), 1ULL << 4);
	for (unsigned crm = 1; crm <= 3; crm++) {
		for (unsigned op2 = 0; op2 < 8; op2++)
			assert_int_equal(mrs(crm, op2, 2), 0);
	}
}

/* Every register of the TID3 space not in the table (AArch32 ID registers, ZFR0 with SVE
 * hidden, SMFR0,
 * FPFR0, DFR1, AFR0/1, ISAR3, MMFR3/4, reserved encodings) reads 0. */
static void test_id_regs_every_other_id_register_reads_0(void **state)
{
	unsigned checked = 0;

	cpu_id_regs(all_ones);
	for (unsigned crm = 1; crm < 8; crm++) {
		for (unsigned op2 = 0; op2 < 8; op2++) {
			if (shown_at(crm, op2))
				continue;
			if (mrs(crm, op2, (crm + op2) % 31) != 0)
				fail_msg("S3_0_C0_C%u_%u is not 0", crm, op2);
			checked++;
		}
	}
	assert_int_equal(checked, 7 * 8 - ARRAY_SIZE(shown));
	assert_int_equal(v->stats.undef_injected, 0);
}

/* SVE shows only while the hypervisor gives it (core/vsve.c): ID_AA64PFR0_EL1.SVE and
 * ID_AA64ZFR0_EL1's fields, all 0 again with hv.sve=off. */
static void test_id_regs_sve_shows_only_while_given(void **state)
{
	const uint64_t zfr0 = F(0) | F(4) | F(16) | F(20) | F(32) | F(40) | F(44) | F(52) | F(56);

	cpu_id_regs(all_ones);
	assert_int_equal(vsve_vl(), 0);
	assert_int_equal(mrs(4, 0, 1), shown_at(4, 0)->value);
	assert_int_equal(mrs(4, 4, 1), 0);

	sim_hal.sve_cpu_vl = 256; /* a 2048-bit CPU: guests get the cap */
	vsve_init(false);
	assert_int_equal(vsve_vl(), VSVE_MAX_VL);
	assert_int_equal(mrs(4, 0, 1), shown_at(4, 0)->value | F(32));
	assert_int_equal(mrs(4, 4, 2), zfr0);

	vsve_init(true);
	assert_int_equal(vsve_vl(), 0);
	assert_int_equal(mrs(4, 0, 1), shown_at(4, 0)->value);
	assert_int_equal(mrs(4, 4, 1), 0);

	sim_hal.sve_cpu_vl = 0; /* a CPU without SVE: nothing to give */
	vsve_init(false);
	assert_int_equal(vsve_vl(), 0);
	assert_int_equal(mrs(4, 4, 1), 0);
}

static void test_id_regs_read_into_xzr_changes_no_register(void **state)
{
	struct hal_vcpu_ctx before;

	cpu_id_regs(all_ones);
	before = v->ctx;
	v->ctx.esr = sim_esr_sysreg(3, 0, 0, 4, 0, 31, true);
	exit_handle(v, HAL_EXIT_SYNC);
	assert_memory_equal(v->ctx.x, before.x, sizeof(before.x));
	assert_int_equal(v->ctx.pc, before.pc + 4);
}

static void test_id_regs_writes_are_undefined(void **state)
{
	static const unsigned regs[][2] = {{4, 0}, {4, 1}, {4, 4}, {4, 5}, {5, 0},
					   {1, 0}, {6, 0}, {7, 0}, {7, 7}, {3, 2}};

	cpu_id_regs(all_ones);
	for (unsigned i = 0; i < ARRAY_SIZE(regs); i++) {
		v->ctx.pc = ENTRY;
		v->ctx.pstate = PSTATE_M_EL1H;
		v->ctx.x[2] = 0x1234;
		v->ctx.esr = sim_esr_sysreg(3, 0, 0, regs[i][0], regs[i][1], 2, false);
		exit_handle(v, HAL_EXIT_SYNC);
		/* UNDEFINED at the MSR: EC 0 to the current EL's vector, the register kept. */
		assert_int_equal(v->ctx.pc, VBAR + VECTOR_CUR_SPX);
		assert_int_equal(v->ctx.el1[HAL_ELR_EL1], ENTRY);
		assert_int_equal(v->ctx.el1[HAL_ESR_EL1], 0x02000000);
		assert_int_equal(v->ctx.x[2], 0x1234);
		assert_int_equal(v->stats.undef_injected, i + 1);
	}
	/* Nothing changed for the next read. */
	assert_int_equal(mrs(6, 0, 2), shown_at(6, 0)->value);
}

int main(void)
{
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
	const struct CMUnitTest tests[] = {
	    T(test_id_regs_show_only_the_allowlisted_fields),
	    T(test_id_regs_fixed_fields_do_not_depend_on_the_cpu),
	    T(test_id_regs_shown_fields_keep_the_cpus_values),
	    T(test_id_regs_hide_amu_ras_wfxt_nmi_mops_s1pie_s1poe_lor_el2),
	    T(test_id_regs_aarch32_el0_is_hidden),
	    T(test_id_regs_every_other_id_register_reads_0),
	    T(test_id_regs_sve_shows_only_while_given),
	    T(test_id_regs_read_into_xzr_changes_no_register),
	    T(test_id_regs_writes_are_undefined),
	};
#undef T

	return cmocka_run_group_tests(tests, NULL, NULL);
}

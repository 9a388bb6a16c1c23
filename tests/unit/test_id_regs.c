// SPDX-License-Identifier: MIT
/* Tests of core/id_regs.c, reached as a guest reaches it: a trapped MRS (EC 0x18, HCR_EL2.TID3)
 * through exit_handle() and core/trap_sysreg.c. With a CPU whose feature ID registers read as
 * all ones (sim_hal.id_regs), the guest sees ID_AA64PFR0/PFR1/ZFR0/SMFR0/DFR0 without SVE,
 * MPAM, MTE, SME, the PMU, SPE, trace and BRBE and with every other field intact; every other ID register
 * of the TID3 space is the CPU's own; writing any of them is UNDEFINED. */
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

/* The registers that are edited, as CRm/op2 of op0=3, op1=0, CRn=0 (Arm ARM D19.2). */
struct edited {
	const char *name;
	unsigned crm, op2;
	uint64_t hidden; /* the fields a guest must read as 0 */
};

static const struct edited edited[] = {
    {"ID_AA64PFR0_EL1", 4, 0, GENMASK(35, 32) /* SVE */ | GENMASK(43, 40) /* MPAM */},
    {"ID_AA64PFR1_EL1", 4, 1,
     GENMASK(11, 8) /* MTE */ | GENMASK(19, 16) /* MPAM_frac */ | GENMASK(27, 24) /* SME */ |
	 GENMASK(43, 40) /* MTE_frac */ | GENMASK(55, 52) /* MTEX */},
    {"ID_AA64PFR2_EL1", 4, 2, GENMASK(11, 0) /* MTEPERM, MTESTOREONLY, MTEFAR */},
    {"ID_AA64ZFR0_EL1", 4, 4, ONES /* SVE features */},
    {"ID_AA64SMFR0_EL1", 4, 5, ONES /* SME features */},
    {"ID_AA64DFR0_EL1", 5, 0,
     GENMASK(7, 4) /* TraceVer */ | GENMASK(11, 8) /* PMUVer */ |
	 GENMASK(35, 32) /* PMSVer (SPE) */ | GENMASK(43, 40) /* TraceFilt */ |
	 GENMASK(47, 44) /* TraceBuffer */ | GENMASK(55, 52) /* BRBE */ |
	 GENMASK(59, 56) /* ExtTrcBuff */},
};

static struct sim_machine m;
static struct vcpu *v;

static int setup(void **state)
{
	static const uint32_t prog[] = {SIM_A64_NOP};

	sim_hal_reset();
	assert_int_equal(sim_machine_init(&m, NULL), HV_OK);
	assert_int_equal(sim_machine_load_program(&m, prog, 1), HV_OK);
	v = m.vcpu;
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

static const struct edited *edited_at(unsigned crm, unsigned op2)
{
	for (unsigned i = 0; i < ARRAY_SIZE(edited); i++) {
		if (edited[i].crm == crm && edited[i].op2 == op2)
			return &edited[i];
	}
	return NULL;
}

static void test_id_regs_hide_sve_mpam_mte_sme_pmu_spe_trace_and_brbe_fields(void **state)
{
	cpu_id_regs(all_ones);
	for (unsigned i = 0; i < ARRAY_SIZE(edited); i++) {
		uint64_t got = mrs(edited[i].crm, edited[i].op2, 3);

		if (got != (ONES & ~edited[i].hidden))
			fail_msg("%s reads 0x%016llx, want 0x%016llx", edited[i].name,
				 (unsigned long long)got,
				 (unsigned long long)(ONES & ~edited[i].hidden));
		assert_int_equal(got & edited[i].hidden, 0);
	}
}

static void test_id_regs_edited_registers_keep_every_other_field_of_the_cpu(void **state)
{
	cpu_id_regs(distinct);
	for (unsigned i = 0; i < ARRAY_SIZE(edited); i++) {
		uint64_t cpu = distinct(edited[i].crm, edited[i].op2);

		assert_int_equal(mrs(edited[i].crm, edited[i].op2, 7), cpu & ~edited[i].hidden);
	}
}

static void test_id_regs_every_other_id_register_reads_as_the_cpus_own(void **state)
{
	unsigned checked = 0;

	for (unsigned pass = 0; pass < 2; pass++) {
		cpu_id_regs(pass ? distinct : all_ones);
		for (unsigned crm = 1; crm < 8; crm++) {
			for (unsigned op2 = 0; op2 < 8; op2++) {
				uint64_t cpu = sim_hal.id_regs[crm][op2];

				if (edited_at(crm, op2))
					continue;
				if (mrs(crm, op2, (crm + op2) % 31) != cpu)
					fail_msg("S3_0_C0_C%u_%u changed", crm, op2);
				checked++;
			}
		}
	}
	assert_int_equal(checked, 2 * (7 * 8 - ARRAY_SIZE(edited)));
	assert_int_equal(v->stats.sysreg, checked);
	assert_int_equal(v->stats.undef_injected, 0);
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
	assert_int_equal(mrs(1, 0, 2), ONES);
}

/* Fields added to the same registers for MTE and trace extensions (Arm ARM 2023+): they only
 * mean something with the feature they extend, which the guest does not have, and KVM hides
 * them as well. ID_AA64PFR1_EL1.MTEX [55:52]; ID_AA64PFR2_EL1 (CRm 4, op2 2) MTEPERM [3:0],
 * MTESTOREONLY [7:4], MTEFAR [11:8]; ID_AA64DFR0_EL1.ExtTrcBuff [59:56]. */
static void test_id_regs_mte_and_trace_extension_fields_are_hidden_too(void **state)
{
	cpu_id_regs(all_ones);
	assert_int_equal(mrs(4, 1, 1) & GENMASK(55, 52), 0);
	assert_int_equal(mrs(4, 2, 1) & GENMASK(11, 0), 0);
	assert_int_equal(mrs(5, 0, 1) & GENMASK(59, 56), 0);
}

int main(void)
{
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
	const struct CMUnitTest tests[] = {
	    T(test_id_regs_hide_sve_mpam_mte_sme_pmu_spe_trace_and_brbe_fields),
	    T(test_id_regs_edited_registers_keep_every_other_field_of_the_cpu),
	    T(test_id_regs_every_other_id_register_reads_as_the_cpus_own),
	    T(test_id_regs_read_into_xzr_changes_no_register),
	    T(test_id_regs_writes_are_undefined),
	    T(test_id_regs_mte_and_trace_extension_fields_are_hidden_too),
	};
#undef T

	return cmocka_run_group_tests(tests, NULL, NULL);
}

// SPDX-License-Identifier: MIT
/* Tests of core/smccc.c: every function id of docs/guest-abi.md answered in x0, the firmware's
 * own answers for the Spectre workarounds (sim_hal.fw_answer plays the firmware), the PC rule
 * for HVC versus a trapped SMC, and the hypervisor calls' effects: console text, VM stop and
 * exit status. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include <core/console.h>
#include <core/err.h>
#include <core/gmem.h>
#include <core/lib.h>
#include <core/smccc.h>
#include <core/trap.h>
#include <hal-sim/sim_hal.h>
#include <sim/sim.h>

#include "fixture.h"

#define ENTRY (VM_RAM_BASE + IMAGE_RAW_OFFSET)

static struct sim_machine m;

static int setup(void **state)
{
	static const uint32_t prog[] = {SIM_A64_HVC0};

	sim_hal_reset();
	assert_int_equal(sim_machine_init(&m, NULL), HV_OK);
	assert_int_equal(sim_machine_load_program(&m, prog, 1), HV_OK);
	return 0;
}

static int teardown(void **state)
{
	sim_machine_destroy(&m);
	return 0;
}

/* An `hvc #0` with x0..x2; returns x0 afterwards. The exit's PC is past the HVC. */
static int64_t hvc(uint64_t x0, uint64_t x1, uint64_t x2)
{
	struct hal_vcpu_ctx *ctx = &m.vcpu->ctx;

	ctx->x[0] = x0;
	ctx->x[1] = x1;
	ctx->x[2] = x2;
	ctx->pc = ENTRY + 4;
	trap_hvc_smc(m.vcpu, false);
	console_settle();
	assert_int_equal(ctx->pc, ENTRY + 4);
	assert_int_equal(ctx->x[1], x1); /* only x0 is an answer */
	assert_int_equal(ctx->x[2], x2);
	return (int64_t)ctx->x[0];
}

/* --- firmware --- */

static int64_t fw_wa[3];
static bool fw_has_smccc_1_1;

static uint64_t firmware(uint32_t fid, uint64_t a1)
{
	switch (fid) {
	case PSCI_FEATURES:
		return a1 == SMCCC_VERSION && fw_has_smccc_1_1 ? 0 : (uint64_t)-1;
	case SMCCC_VERSION:
		return fw_has_smccc_1_1 ? 0x10002 : 0x10000;
	case SMCCC_ARCH_FEATURES:
		if (a1 == SMCCC_ARCH_WORKAROUND_1)
			return (uint64_t)fw_wa[0];
		if (a1 == SMCCC_ARCH_WORKAROUND_2)
			return (uint64_t)fw_wa[1];
		if (a1 == SMCCC_ARCH_WORKAROUND_3)
			return (uint64_t)fw_wa[2];
		return (uint64_t)-1;
	case SMCCC_ARCH_WORKAROUND_1:
		return 0x1111;
	default:
		return (uint64_t)-1;
	}
}

/* Boot-time probe of a firmware with SMCCC 1.1 and these workaround answers. The answers
 * persist in core/smccc.c, so every test that depends on them probes first. */
static void probe(int64_t wa1, int64_t wa2, int64_t wa3)
{
	fw_has_smccc_1_1 = true;
	fw_wa[0] = wa1;
	fw_wa[1] = wa2;
	fw_wa[2] = wa3;
	sim_hal.fw_answer = firmware;
	smccc_probe_firmware();
	sim_hal.fw_calls = 0;
}

/* --- versions and features --- */

static void test_smccc_version_is_1_2(void **state)
{
	assert_int_equal(hvc(SMCCC_VERSION, 0, 0), 0x10002);
}

/* SMCCC 1.2: a call that answers in x0 only leaves x1-x17 as the caller set them. */
static void test_smccc_non_ffa_calls_preserve_x1_to_x17(void **state)
{
	static const uint32_t fids[] = {SMCCC_VERSION, PSCI_VERSION, HV_CALL_VERSION, 0x8400ffff};
	struct hal_vcpu_ctx *ctx = &m.vcpu->ctx;

	for (unsigned f = 0; f < ARRAY_SIZE(fids); f++) {
		ctx->x[0] = fids[f];
		for (unsigned i = 1; i <= 17; i++)
			ctx->x[i] = 0x1111111111111111ULL * i;
		ctx->pc = ENTRY + 4;
		trap_hvc_smc(m.vcpu, false);
		for (unsigned i = 1; i <= 17; i++)
			assert_int_equal(ctx->x[i], 0x1111111111111111ULL * i);
	}
}

static void test_smccc_psci_version_is_1_1(void **state)
{
	assert_int_equal(hvc(PSCI_VERSION, 0, 0), 0x10001);
}

static void test_smccc_hv_call_version_is_1_0(void **state)
{
	assert_int_equal(hvc(HV_CALL_VERSION, 0, 0), HV_CALL_ABI_VERSION);
	assert_int_equal(hvc(HV_CALL_VERSION, 0, 0), 0x10000);
}

static void test_smccc_function_id_is_w0_upper_half_ignored(void **state)
{
	assert_int_equal(hvc(0xdead000000000000ULL | PSCI_VERSION, 0, 0), 0x10001);
	assert_int_equal(hvc(0xffffffff00000000ULL | SMCCC_VERSION, 0, 0), 0x10002);
}

static void test_smccc_arch_features_reports_what_is_implemented(void **state)
{
	probe(-1, -1, -1);
	assert_int_equal(hvc(SMCCC_ARCH_FEATURES, SMCCC_VERSION, 0), 0);
	assert_int_equal(hvc(SMCCC_ARCH_FEATURES, SMCCC_ARCH_FEATURES, 0), 0);
	assert_int_equal(hvc(SMCCC_ARCH_FEATURES, 0x8000ffff, 0), SMCCC_RET_NOT_SUPPORTED);
	assert_int_equal(hvc(SMCCC_ARCH_FEATURES, 0x12345678, 0), SMCCC_RET_NOT_SUPPORTED);
	/* PSCI and our calls are discovered otherwise (PSCI_FEATURES, HV_CALL_VERSION). */
	assert_int_equal(hvc(SMCCC_ARCH_FEATURES, PSCI_VERSION, 0), SMCCC_RET_NOT_SUPPORTED);
	/* SMC32 call: the argument is w1. */
	assert_int_equal(hvc(SMCCC_ARCH_FEATURES, 0xabcd000000000000ULL | SMCCC_VERSION, 0), 0);
	assert_int_equal(sim_hal.fw_calls, 0);
}

static void test_smccc_arch_features_passes_on_the_firmwares_workaround_answers(void **state)
{
	probe(0, 1, SMCCC_RET_NOT_REQUIRED);
	assert_int_equal(hvc(SMCCC_ARCH_FEATURES, SMCCC_ARCH_WORKAROUND_1, 0), 0);
	assert_int_equal(hvc(SMCCC_ARCH_FEATURES, SMCCC_ARCH_WORKAROUND_3, 0),
			 SMCCC_RET_NOT_REQUIRED);
	/* Answered from the boot-time probe, not by asking the firmware again. */
	assert_int_equal(sim_hal.fw_calls, 0);
}

static void test_smccc_probe_asks_psci_features_then_version_then_each_workaround(void **state)
{
	probe(0, 0, 0);
	fw_has_smccc_1_1 = true;
	smccc_probe_firmware();
	assert_int_equal(sim_hal.fw_calls, 5);
	assert_int_equal(sim_hal.fw_last_fid, SMCCC_ARCH_FEATURES);
}

static void test_smccc_probe_stops_when_firmware_lacks_smccc_version(void **state)
{
	fw_has_smccc_1_1 = false;
	sim_hal.fw_answer = firmware;
	smccc_probe_firmware();
	/* PSCI_FEATURES(SMCCC_VERSION) said no: SMCCC_VERSION itself is never called. */
	assert_int_equal(sim_hal.fw_calls, 1);
	assert_int_equal(sim_hal.fw_last_fid, PSCI_FEATURES);

	sim_hal.fw_answer = NULL; /* a firmware that knows nothing */
	sim_hal.fw_calls = 0;
	smccc_probe_firmware();
	assert_int_equal(sim_hal.fw_calls, 1);
}

static uint64_t smccc_1_0_firmware(uint32_t fid, uint64_t a1)
{
	return fid == SMCCC_VERSION ? 0x10000 : 0; /* says yes to PSCI_FEATURES */
}

static void test_smccc_probe_stops_at_an_smccc_1_0_firmware(void **state)
{
	sim_hal.fw_answer = smccc_1_0_firmware;
	smccc_probe_firmware();
	assert_int_equal(sim_hal.fw_calls, 2);
	assert_int_equal(sim_hal.fw_last_fid, SMCCC_VERSION);
}

static void test_smccc_workaround_is_forwarded_when_the_firmware_has_it(void **state)
{
	probe(0, 0, 0);
	assert_int_equal(hvc(SMCCC_ARCH_WORKAROUND_1, 0, 0), 0x1111);
	assert_int_equal(sim_hal.fw_calls, 1);
	assert_int_equal(sim_hal.fw_last_fid, SMCCC_ARCH_WORKAROUND_1);
	/* The firmware's own x0 comes back, whatever it is. */
	assert_int_equal(hvc(SMCCC_ARCH_WORKAROUND_3, 0, 0), -1);
	assert_int_equal(sim_hal.fw_last_fid, SMCCC_ARCH_WORKAROUND_3);
	assert_int_equal(sim_hal.fw_calls, 2);
}

/* WORKAROUND_1/3 take no argument: whatever the guest left in x1 never reaches firmware. */
static void test_smccc_workaround_1_forwards_no_guest_argument(void **state)
{
	probe(0, 0, 0);
	sim_hal.fw_last_a1 = 0x5a5a;
	hvc(SMCCC_ARCH_WORKAROUND_1, 0xbad, 0);
	assert_int_equal(sim_hal.fw_last_a1, 0);
}

/* DEN0028 7.6: WORKAROUND_2 with x1 = 0 turns the SSB mitigation off for the physical CPU.
 * A guest must never reach the firmware with it, whatever the firmware offers; it is told
 * the call is not required (the mitigation stays on). */
static void test_smccc_workaround_2_is_never_forwarded(void **state)
{
	static const int64_t fw_answers[] = {0, 1, SMCCC_RET_NOT_REQUIRED};

	for (unsigned i = 0; i < ARRAY_SIZE(fw_answers); i++) {
		probe(0, fw_answers[i], 0);
		assert_int_equal(hvc(SMCCC_ARCH_FEATURES, SMCCC_ARCH_WORKAROUND_2, 0),
				 SMCCC_RET_NOT_REQUIRED);
		assert_int_equal(hvc(SMCCC_ARCH_WORKAROUND_2, 0, 0), SMCCC_RET_NOT_REQUIRED);
		assert_int_equal(hvc(SMCCC_ARCH_WORKAROUND_2, 1, 0), SMCCC_RET_NOT_REQUIRED);
		assert_int_equal(sim_hal.fw_calls, 0);
	}
}

/* A firmware without the mitigation: the guest learns its CPU is not protected. */
static void test_smccc_workaround_2_without_firmware_support_is_not_supported(void **state)
{
	probe(0, SMCCC_RET_NOT_SUPPORTED, 0);
	assert_int_equal(hvc(SMCCC_ARCH_FEATURES, SMCCC_ARCH_WORKAROUND_2, 0),
			 SMCCC_RET_NOT_SUPPORTED);
	assert_int_equal(hvc(SMCCC_ARCH_WORKAROUND_2, 0, 0), SMCCC_RET_NOT_SUPPORTED);
	assert_int_equal(sim_hal.fw_calls, 0);
}

static void test_smccc_workaround_the_firmware_lacks_is_not_supported(void **state)
{
	probe(-1, 1, -1);
	assert_int_equal(hvc(SMCCC_ARCH_WORKAROUND_1, 0, 0), SMCCC_RET_NOT_SUPPORTED);
	assert_int_equal(hvc(SMCCC_ARCH_WORKAROUND_3, 0, 0), SMCCC_RET_NOT_SUPPORTED);
	assert_int_equal(sim_hal.fw_calls, 0);
}

static void test_smccc_psci_features_lists_exactly_the_implemented_calls(void **state)
{
	static const uint32_t yes[] = {
	    PSCI_VERSION,	 PSCI_FEATURES,		PSCI_SYSTEM_OFF,      PSCI_SYSTEM_RESET,
	    PSCI_CPU_ON_32,	 PSCI_CPU_ON_64,	PSCI_CPU_OFF,	      PSCI_CPU_SUSPEND_32,
	    PSCI_CPU_SUSPEND_64, PSCI_AFFINITY_INFO_32, PSCI_AFFINITY_INFO_64};
	static const uint32_t no[] = {0x84000005,	   0xc4000008, 0x8400ffff, HV_CALL_VERSION,
				      SMCCC_ARCH_FEATURES, 0x12345678, 0};

	for (unsigned i = 0; i < sizeof(yes) / sizeof(yes[0]); i++)
		assert_int_equal(hvc(PSCI_FEATURES, yes[i], 0), PSCI_RET_SUCCESS);
	for (unsigned i = 0; i < sizeof(no) / sizeof(no[0]); i++)
		assert_int_equal(hvc(PSCI_FEATURES, no[i], 0), PSCI_RET_NOT_SUPPORTED);
}

/* SMCCC 1.1 (DEN0028 7.2.1): SMCCC_VERSION is discovered through PSCI_FEATURES. Linux
 * (psci_init_smccc()) calls SMCCC_VERSION, and so ARCH_FEATURES and the Spectre workarounds,
 * only when PSCI_FEATURES(SMCCC_VERSION) does not say NOT_SUPPORTED; our own probe of the
 * firmware asks exactly this. */
static void test_smccc_psci_features_reports_smccc_version(void **state)
{
	assert_int_equal(hvc(PSCI_FEATURES, SMCCC_VERSION, 0), PSCI_RET_SUCCESS);
}

static void test_smccc_unknown_function_ids_are_not_supported(void **state)
{
	static const uint32_t ids[] = {0x00000000, 0x80000002, 0x8000ffff, 0x84000005,
				       0x84000006, 0xc4000005, 0x8400000b, 0x86000000,
				       0xc6000004, 0xc600ffff, 0xbf000000, 0xffffffff};

	for (unsigned i = 0; i < sizeof(ids) / sizeof(ids[0]); i++)
		assert_int_equal(hvc(ids[i], 1, 2), SMCCC_RET_NOT_SUPPORTED);
	assert_int_equal(m.vm->state, VM_CREATED); /* nothing stopped it */
}

/* --- PC rule --- */

static void test_smccc_trapped_smc_moves_the_pc_past_it_hvc_does_not(void **state)
{
	struct hal_vcpu_ctx *ctx = &m.vcpu->ctx;

	ctx->x[0] = PSCI_VERSION;
	ctx->pc = ENTRY; /* a trapped SMC reports its own address */
	trap_hvc_smc(m.vcpu, true);
	assert_int_equal(ctx->x[0], 0x10001);
	assert_int_equal(ctx->pc, ENTRY + 4);

	ctx->x[0] = PSCI_VERSION;
	ctx->pc = ENTRY + 4; /* HVC already reports the next instruction */
	trap_hvc_smc(m.vcpu, false);
	assert_int_equal(ctx->x[0], 0x10001);
	assert_int_equal(ctx->pc, ENTRY + 4);
}

/* --- console calls --- */

static void test_smccc_putc_writes_the_low_byte_of_x1(void **state)
{
	assert_int_equal(hvc(HV_CALL_PUTC, 'h', 0), 0);
	assert_int_equal(hvc(HV_CALL_PUTC, 0xffffff00 | 'i', 0), 0);
	assert_string_equal(sim_hal.console, "hi");
}

static void test_smccc_puts_prints_a_string_from_guest_ram(void **state)
{
	static const char msg[] = "hello from the guest\n";
	uint64_t at = VM_RAM_BASE + 0x1000;

	assert_int_equal(gmem_write(m.vm, at, msg, sizeof(msg) - 1), HV_OK);
	assert_int_equal(hvc(HV_CALL_PUTS, at, sizeof(msg) - 1), 0);
	assert_string_equal(sim_hal.console, msg);
}

static void test_smccc_puts_of_4096_bytes_across_pages_prints_them_all(void **state)
{
	char text[HV_CALL_PUTS_MAX];
	uint64_t at = VM_RAM_BASE + 0x2800; /* two page boundaries inside */

	for (unsigned i = 0; i < sizeof(text); i++)
		text[i] = (char)('a' + i % 26);
	assert_int_equal(gmem_write(m.vm, at, text, sizeof(text)), HV_OK);
	assert_int_equal(hvc(HV_CALL_PUTS, at, sizeof(text)), 0);
	assert_int_equal(sim_hal.console_len, sizeof(text));
	assert_memory_equal(sim_hal.console, text, sizeof(text));
}

static void test_smccc_puts_refuses_bad_ranges_and_prints_nothing(void **state)
{
	uint64_t end = VM_RAM_BASE + m.ram_size;

	assert_int_equal(hvc(HV_CALL_PUTS, VM_RAM_BASE, HV_CALL_PUTS_MAX + 1),
			 SMCCC_RET_INVALID_PARAMETER);
	assert_int_equal(hvc(HV_CALL_PUTS, 0x1000, 8), SMCCC_RET_INVALID_PARAMETER);
	assert_int_equal(hvc(HV_CALL_PUTS, VM_PL011_BASE, 4), SMCCC_RET_INVALID_PARAMETER);
	/* Straddling the end of RAM: not even the part inside is printed. */
	assert_int_equal(hvc(HV_CALL_PUTS, end - 4, 8), SMCCC_RET_INVALID_PARAMETER);
	assert_int_equal(hvc(HV_CALL_PUTS, VM_RAM_BASE - 4, 8), SMCCC_RET_INVALID_PARAMETER);
	assert_int_equal(hvc(HV_CALL_PUTS, UINT64_MAX - 2, 8), SMCCC_RET_INVALID_PARAMETER);
	assert_int_equal(hvc(HV_CALL_PUTS, VM_RAM_BASE, UINT64_MAX), SMCCC_RET_INVALID_PARAMETER);
	assert_int_equal(sim_hal.console_len, 0);
	/* The last bytes of RAM are fine. */
	assert_int_equal(hvc(HV_CALL_PUTS, end - 4, 4), 0);
	assert_int_equal(sim_hal.console_len, 4);
}

/* A guest that prints faster than the UART takes it: with the console ring full, PUTS and PUTC
 * do nothing and send the guest back to the HVC (PC and registers as they were), so it issues
 * the call again once the run loop drained the ring. */
static void test_smccc_puts_with_the_console_full_is_issued_again(void **state)
{
	static char fill[CONSOLE_RING_SIZE];
	struct hal_vcpu_ctx *ctx = &m.vcpu->ctx;
	static const char msg[] = "later";
	uint64_t at = VM_RAM_BASE + 0x1000;

	assert_int_equal(gmem_write(m.vm, at, msg, 5), HV_OK);
	memset(fill, '.', sizeof(fill));
	assert_true(console_put(fill, sizeof(fill) - 2));
	for (unsigned i = 0; i < 2; i++) {
		uint32_t fid = i ? HV_CALL_PUTC : HV_CALL_PUTS;

		ctx->x[0] = fid;
		ctx->x[1] = i ? 'x' : at;
		ctx->x[2] = 5;
		ctx->pc = ENTRY + 4;
		if (i)
			assert_true(console_put("..", 2)); /* now even PUTC finds no room */
		trap_hvc_smc(m.vcpu, false);
		assert_int_equal(ctx->pc, ENTRY); /* back at the HVC */
		assert_int_equal(ctx->x[0], fid);
	}
	/* The run loop drains; the guest's retry goes through. */
	console_settle();
	sim_hal_reset();
	assert_int_equal(hvc(HV_CALL_PUTS, at, 5), 0);
	assert_string_equal(sim_hal.console, "later");
}

static void test_smccc_puts_of_zero_bytes_prints_nothing(void **state)
{
	assert_int_equal(hvc(HV_CALL_PUTS, VM_RAM_BASE, 0), 0);
	assert_int_equal(sim_hal.console_len, 0);
}

/* --- stopping the VM --- */

static void test_smccc_hv_call_exit_stops_the_vm_with_the_low_byte_of_x1(void **state)
{
	assert_int_equal(hvc(HV_CALL_EXIT, 0x107, 0), 0);
	assert_int_equal(m.vm->state, VM_STOPPED);
	assert_int_equal(m.vm->exit_status, 7);
	assert_true(console_has_line("sim: exit with status 263"));
}

static void test_smccc_hv_call_exit_status_255_is_kept(void **state)
{
	hvc(HV_CALL_EXIT, 255, 0);
	assert_int_equal(m.vm->exit_status, 255);
}

static void test_smccc_system_off_stops_the_vm_with_status_0(void **state)
{
	m.vm->state = VM_RUNNING;
	assert_int_equal(hvc(PSCI_SYSTEM_OFF, 0, 0), PSCI_RET_SUCCESS);
	assert_int_equal(m.vm->state, VM_STOPPED);
	assert_false(vm_running(m.vm));
	assert_int_equal(m.vm->exit_status, 0);
	assert_true(console_has_line("sim: PSCI SYSTEM_OFF"));
}

static void test_smccc_system_reset_stops_the_vm_with_status_0(void **state)
{
	m.vm->state = VM_RUNNING;
	hvc(PSCI_SYSTEM_RESET, 0, 0);
	assert_int_equal(m.vm->state, VM_STOPPED);
	assert_int_equal(m.vm->exit_status, 0);
	assert_true(console_has_line("sim: PSCI SYSTEM_RESET"));
}

static void test_smccc_first_stop_wins(void **state)
{
	hvc(HV_CALL_EXIT, 3, 0);
	hvc(PSCI_SYSTEM_OFF, 0, 0);
	assert_int_equal(m.vm->exit_status, 3);
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
	const struct CMUnitTest tests[] = {
	    T(test_smccc_version_is_1_2),
	    T(test_smccc_non_ffa_calls_preserve_x1_to_x17),
	    T(test_smccc_psci_version_is_1_1),
	    T(test_smccc_hv_call_version_is_1_0),
	    T(test_smccc_function_id_is_w0_upper_half_ignored),
	    T(test_smccc_arch_features_reports_what_is_implemented),
	    T(test_smccc_arch_features_passes_on_the_firmwares_workaround_answers),
	    T(test_smccc_workaround_1_forwards_no_guest_argument),
	    T(test_smccc_workaround_2_is_never_forwarded),
	    T(test_smccc_workaround_2_without_firmware_support_is_not_supported),
	    T(test_smccc_probe_asks_psci_features_then_version_then_each_workaround),
	    T(test_smccc_probe_stops_when_firmware_lacks_smccc_version),
	    T(test_smccc_probe_stops_at_an_smccc_1_0_firmware),
	    T(test_smccc_workaround_is_forwarded_when_the_firmware_has_it),
	    T(test_smccc_workaround_the_firmware_lacks_is_not_supported),
	    T(test_smccc_psci_features_lists_exactly_the_implemented_calls),
	    T(test_smccc_psci_features_reports_smccc_version),
	    T(test_smccc_unknown_function_ids_are_not_supported),
	    T(test_smccc_trapped_smc_moves_the_pc_past_it_hvc_does_not),
	    T(test_smccc_putc_writes_the_low_byte_of_x1),
	    T(test_smccc_puts_prints_a_string_from_guest_ram),
	    T(test_smccc_puts_of_4096_bytes_across_pages_prints_them_all),
	    T(test_smccc_puts_refuses_bad_ranges_and_prints_nothing),
	    T(test_smccc_puts_with_the_console_full_is_issued_again),
	    T(test_smccc_puts_of_zero_bytes_prints_nothing),
	    T(test_smccc_hv_call_exit_stops_the_vm_with_the_low_byte_of_x1),
	    T(test_smccc_hv_call_exit_status_255_is_kept),
	    T(test_smccc_system_off_stops_the_vm_with_status_0),
	    T(test_smccc_system_reset_stops_the_vm_with_status_0),
	    T(test_smccc_first_stop_wins),
	};
#undef T

	return cmocka_run_group_tests_name("smccc", tests, NULL, NULL);
}

// SPDX-License-Identifier: MIT
/* SMCCC, PSCI and HV_CALL answers, checked through hvc #0 or smc #0 (docs/guest-abi.md). */
#include "smccc_suite.h"

#include <stdbool.h>
#include <stddef.h>

#include "board.h"
#include "check.h"
#include "printf.h"

static enum smccc_conduit conduit;
static const char *name; /* "hvc" or "smc" */

static int64_t call(uint32_t fid, uint64_t a1, uint64_t a2)
{
	return smccc_result(fid, smccc_call(conduit, fid, a1, a2, 0).x0);
}

static void check_call(uint32_t fid, uint64_t a1, int64_t want, const char *what)
{
	check_eq(call(fid, a1, 0), want, "%s: %s", name, what);
}

static void check_versions(void)
{
	check_call(SMCCC_VERSION, 0, 0x10002, "SMCCC_VERSION is 1.2");
	check_call(PSCI_VERSION, 0, 0x10001, "PSCI_VERSION is 1.1");
	check_call(HV_CALL_VERSION, 0, 0x10000, "HV_CALL_VERSION is 1.0");
}

static void check_features(void)
{
	static const uint32_t psci_implemented[] = {PSCI_VERSION, PSCI_FEATURES, PSCI_SYSTEM_OFF,
						    PSCI_SYSTEM_RESET};
	static const uint32_t psci_unknown[] = {0x8400ffffU, 0xc4000008U, 0x12345678U,
						HV_CALL_VERSION};

	check_call(SMCCC_ARCH_FEATURES, SMCCC_VERSION, 0, "ARCH_FEATURES(SMCCC_VERSION) is 0");
	check_call(SMCCC_ARCH_FEATURES, SMCCC_ARCH_FEATURES, 0,
		   "ARCH_FEATURES(ARCH_FEATURES) is 0");
	check_call(SMCCC_ARCH_FEATURES, 0x8000ffffU, SMCCC_RET_NOT_SUPPORTED,
		   "ARCH_FEATURES(unknown 0x8000ffff) is NOT_SUPPORTED");
	check_call(SMCCC_ARCH_FEATURES, 0x12345678U, SMCCC_RET_NOT_SUPPORTED,
		   "ARCH_FEATURES(unknown 0x12345678) is NOT_SUPPORTED");
	for (size_t i = 0; i < sizeof(psci_implemented) / sizeof(psci_implemented[0]); i++)
		check_eq(call(PSCI_FEATURES, psci_implemented[i], 0), 0,
			 "%s: PSCI_FEATURES(0x%x) is 0", name, psci_implemented[i]);
	for (size_t i = 0; i < sizeof(psci_unknown) / sizeof(psci_unknown[0]); i++)
		check_eq(call(PSCI_FEATURES, psci_unknown[i], 0), SMCCC_RET_NOT_SUPPORTED,
			 "%s: PSCI_FEATURES(0x%x) is NOT_SUPPORTED", name, psci_unknown[i]);

	/* Linux reads SMCCC_VERSION only when PSCI_FEATURES says it exists (SMCCC 1.1). */
	check_eq(call(PSCI_FEATURES, SMCCC_VERSION, 0), 0, "%s: PSCI_FEATURES(SMCCC_VERSION) is 0",
		 name);
}

/* ARCH_FEATURES(ARCH_WORKAROUND_n) passes on the firmware's answer. The values SMCCC (Arm DEN
 * 0028) allows: -1 (not implemented, or unknown), 0 (implemented: call it), 1 (not needed on
 * this PE); for 2 also -2 (not required). Where it says 0, the call must return. */
static void check_workaround(uint32_t fid, int n, bool allows_not_required)
{
	int64_t answer = call(SMCCC_ARCH_FEATURES, fid, 0);
	bool allowed = answer == 0 || answer == 1 || answer == SMCCC_RET_NOT_SUPPORTED ||
		       (allows_not_required && answer == SMCCC_RET_NOT_REQUIRED);

	if (!check(allowed, "%s: ARCH_FEATURES(ARCH_WORKAROUND_%d) = %ld is a value SMCCC allows",
		   name, n, answer))
		return;
	if (answer != 0) {
		check_skip("not advertised", "%s: ARCH_WORKAROUND_%d returns, registers kept", name,
			   n);
		return;
	}
	check_eq(smccc_clobbered_regs(fid, conduit), 0,
		 "%s: ARCH_WORKAROUND_%d returns, registers kept", name, n);
}

static void check_unknown_ids(void)
{
	static const uint32_t unknown[] = {0x12345678U, 0x87654321U, 0xc600ffffU, 0xc6000004U,
					   0x8400ffffU, 0x8000ffffU, 0xc4000008U, 0x01000000U};

	for (size_t i = 0; i < sizeof(unknown) / sizeof(unknown[0]); i++)
		check_eq(call(unknown[i], 0, 0), SMCCC_RET_NOT_SUPPORTED,
			 "%s: unknown function 0x%x is NOT_SUPPORTED", name, unknown[i]);
}

static void check_putc(void)
{
	char line[] = "xxx: putc marker via HV_CALL_PUTC\n";
	bool all_zero = true;

	line[0] = name[0];
	line[1] = name[1];
	line[2] = name[2];
	for (const char *c = line; *c; c++)
		all_zero &= call(HV_CALL_PUTC, (uint8_t)*c, 0) == 0;
	check(all_zero, "%s: HV_CALL_PUTC returns 0 for each character", name);
}

/* The last 16 bytes of the contract's RAM: the range ends exactly at the last byte. */
static void check_puts_at_ram_end(void)
{
	char *end = (char *)(GUEST_RAM_END - 16);
	const char text[16] = "xxx: ram end ok\n";

	for (int i = 0; i < 16; i++)
		end[i] = i < 3 ? name[i] : text[i];
	check_eq(call(HV_CALL_PUTS, (uint64_t)end, 16), 0,
		 "%s: HV_CALL_PUTS of the last 16 bytes of RAM returns 0", name);
}

static void check_puts(void)
{
	static char marker[64];
	size_t len = 0;

	for (const char *s = name; *s; s++)
		marker[len++] = *s;
	for (const char *s = ": puts marker from guest RAM\n"; *s; s++)
		marker[len++] = *s;
	check_eq(call(HV_CALL_PUTS, (uint64_t)marker, len), 0,
		 "%s: HV_CALL_PUTS of a string in guest RAM returns 0", name);
	check_eq(call(HV_CALL_PUTS, (uint64_t)marker, 0), 0,
		 "%s: HV_CALL_PUTS of 0 bytes returns 0", name);
	check_puts_at_ram_end();
	check_eq(call(HV_CALL_PUTS, GUEST_HOLE, 16), SMCCC_RET_INVALID_PARAMETER,
		 "%s: HV_CALL_PUTS at 0x%lx (not RAM) is INVALID_PARAMETER", name, GUEST_HOLE);
	check_eq(call(HV_CALL_PUTS, GUEST_RAM_END - 8, 16), SMCCC_RET_INVALID_PARAMETER,
		 "%s: HV_CALL_PUTS running past the end of RAM is INVALID_PARAMETER", name);
	check_eq(call(HV_CALL_PUTS, GUEST_RAM_BASE - 1, 2), SMCCC_RET_INVALID_PARAMETER,
		 "%s: HV_CALL_PUTS starting before RAM is INVALID_PARAMETER", name);
	check_eq(call(HV_CALL_PUTS, ~0UL - 3, 8), SMCCC_RET_INVALID_PARAMETER,
		 "%s: HV_CALL_PUTS wrapping around 2^64 is INVALID_PARAMETER", name);
}

static void check_registers_kept(void)
{
	static const uint32_t fids[] = {SMCCC_VERSION, PSCI_VERSION, HV_CALL_VERSION, 0x87654321U};

	for (size_t i = 0; i < sizeof(fids) / sizeof(fids[0]); i++)
		check_eq(smccc_clobbered_regs(fids[i], conduit), 0,
			 "%s: call 0x%x keeps x18-x30 and SP (mask of changed ones)", name,
			 fids[i]);
}

/* The instruction after the call runs exactly once, with the call's result in x0. */
static void check_resumes_once(void)
{
	register uint64_t x0 asm("x0") = SMCCC_VERSION;
	uint64_t after = 0;

	if (conduit == SMCCC_SMC)
		asm volatile("smc #0\n\tadd %1, %1, #1"
			     : "+r"(x0), "+r"(after)
			     :
			     : "x1", "x2", "x3", "x4", "x5", "x6", "x7", "x8", "x9", "x10", "x11",
			       "x12", "x13", "x14", "x15", "x16", "x17", "memory");
	else
		asm volatile("hvc #0\n\tadd %1, %1, #1"
			     : "+r"(x0), "+r"(after)
			     :
			     : "x1", "x2", "x3", "x4", "x5", "x6", "x7", "x8", "x9", "x10", "x11",
			       "x12", "x13", "x14", "x15", "x16", "x17", "memory");
	/* Copy x0 out before any call: a register variable is only pinned for the asm. */
	uint32_t result = (uint32_t)x0;

	check_eq(after, 1, "%s: the instruction after the call runs once", name);
	check_eq(result, 0x10002, "%s: ... with the call's result in x0", name);
}

void smccc_suite(enum smccc_conduit which)
{
	conduit = which;
	name = which == SMCCC_SMC ? "smc" : "hvc";

	check_versions();
	check_features();
	check_workaround(SMCCC_ARCH_WORKAROUND_1, 1, false);
	check_workaround(SMCCC_ARCH_WORKAROUND_2, 2, true);
	check_workaround(SMCCC_ARCH_WORKAROUND_3, 3, false);
	check_unknown_ids();
	check_putc();
	check_puts();
	check_registers_kept();
	check_resumes_once();
}

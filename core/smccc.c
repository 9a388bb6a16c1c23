// SPDX-License-Identifier: MIT
/* HVC and trapped SMC from guests: SMCCC 1.2 architecture calls, PSCI, and the hypervisor's
 * own calls (docs/guest-abi.md). Answers go in x0 (FF-A's in x0-x17, SMCCC 1.2); nothing here
 * trusts a guest argument. */
#include <core/arch.h>
#include <core/console.h>
#include <core/console_vm.h>
#include <core/err.h>
#include <core/ffa.h>
#include <core/gmem.h>
#include <core/lib.h>
#include <core/log.h>
#include <core/pvtime.h>
#include <core/smccc.h>
#include <core/trap.h>
#include <core/vm.h>
#include <hal/firmware.h>

/* What the firmware below us answered at boot (smccc_probe_firmware()). */
static struct {
	bool has_arch_features; /* firmware SMCCC >= 1.1 */
	int64_t workaround[3];	/* ARCH_FEATURES answers for WORKAROUND_1/2/3 */
} fw = {false, {SMCCC_RET_NOT_SUPPORTED, SMCCC_RET_NOT_SUPPORTED, SMCCC_RET_NOT_SUPPORTED}};

static const uint32_t workaround_fid[3] = {SMCCC_ARCH_WORKAROUND_1, SMCCC_ARCH_WORKAROUND_2,
					   SMCCC_ARCH_WORKAROUND_3};

void smccc_probe_firmware(void)
{
	uint64_t res[4];

	for (unsigned i = 0; i < ARRAY_SIZE(fw.workaround); i++)
		fw.workaround[i] = SMCCC_RET_NOT_SUPPORTED;
	/* SMCCC 1.1: PSCI_FEATURES(SMCCC_VERSION) says whether SMCCC_VERSION exists at all;
	 * without it the firmware is SMCCC 1.0 and an SMCCC_VERSION call may not even be safe. */
	hal_firmware_call(PSCI_FEATURES, SMCCC_VERSION, 0, 0, res);
	if ((int64_t)res[0] != PSCI_RET_SUCCESS)
		return;
	hal_firmware_call(SMCCC_VERSION, 0, 0, 0, res);
	if ((int64_t)res[0] < SMCCC_VERSION_1_1)
		return;
	for (unsigned i = 0; i < ARRAY_SIZE(workaround_fid); i++) {
		hal_firmware_call(SMCCC_ARCH_FEATURES, workaround_fid[i], 0, 0, res);
		fw.workaround[i] = (int32_t)res[0];
	}
}

static int workaround_index(uint32_t fid)
{
	for (unsigned i = 0; i < ARRAY_SIZE(workaround_fid); i++) {
		if (workaround_fid[i] == fid)
			return (int)i;
	}
	return -1;
}

/* SMCCC_ARCH_WORKAROUND_2 (DEN0028 7.6) would let the caller switch the Speculative Store
 * Bypass mitigation off for the whole physical CPU, for every VM and the hypervisor that run
 * there after it. Guests never get that switch: the firmware keeps its default (mitigation
 * on) and a guest is told the call is not required. A firmware without the call leaves the
 * guest as exposed as the CPU is, which NOT_SUPPORTED says. */
static int64_t workaround_2_answer(void)
{
	int64_t fw_answer = fw.workaround[1];

	if (fw_answer == SMCCC_RET_SUCCESS || fw_answer == SMCCC_ARCH_WORKAROUND_2_ALWAYS_ON ||
	    fw_answer == SMCCC_RET_NOT_REQUIRED)
		return SMCCC_RET_NOT_REQUIRED;
	return SMCCC_RET_NOT_SUPPORTED;
}

static int64_t arch_features(const struct vm *vm, uint32_t fid)
{
	int w = workaround_index(fid);

	if (fid == SMCCC_ARCH_WORKAROUND_2)
		return workaround_2_answer();
	if (w >= 0)
		return fw.workaround[w];
	if (fid == SMCCC_VERSION || fid == SMCCC_ARCH_FEATURES)
		return SMCCC_RET_SUCCESS;
	if (fid == PV_TIME_FEATURES)
		return pvtime_arch_features(vm);
	return SMCCC_RET_NOT_SUPPORTED;
}

/* Guest console output goes to the console ring (core/console.h; with several VMs through
 * the VM's line buffer, core/console_vm.h), never straight to the UART:
 * an exit costs at most CONSOLE_EXIT_BYTES of UART time, drained by the run loop. When the
 * ring has no room for the whole text, the call is not made: *again asks the caller to have
 * the guest issue it once more, as a driver waits on a full UART FIFO. */

_Static_assert(HV_CALL_PUTS_MAX <= CONSOLE_VM_LINE_MAX, "one HV_CALL_PUTS fits a VM's line buffer");

/* HV_CALL_PUTS: the string is checked and copied out of guest RAM first, so a bad address
 * fails cleanly; it is appended whole or not at all. */
static int64_t hv_puts(struct vcpu *vcpu, uint64_t ipa, uint64_t len, bool *again)
{
	char buf[HV_CALL_PUTS_MAX];

	if (len > HV_CALL_PUTS_MAX || gmem_check(vcpu->vm, ipa, len) != HV_OK ||
	    gmem_read(vcpu->vm, ipa, buf, len) != HV_OK)
		return SMCCC_RET_INVALID_PARAMETER;
	*again = !console_vm_put(vcpu->vm, buf, len);
	return SMCCC_RET_SUCCESS;
}

/* Arm architecture calls (owner 0): SMCCC discovery and the CPU errata workarounds. */
static int64_t arch_call(struct vcpu *vcpu, uint32_t fid)
{
	switch (fid) {
	case SMCCC_VERSION:
		/* 1.2: x0-x17 may carry arguments and results (FF-A, docs/ffa.md); registers a
		 * call does not answer in are preserved, as 1.1 allowed and 1.2 asks. */
		return SMCCC_VERSION_1_2;
	case SMCCC_ARCH_FEATURES:
		return arch_features(vcpu->vm, (uint32_t)vcpu->ctx.x[1]);
	case SMCCC_ARCH_WORKAROUND_2:
		/* Never forwarded: x1 is the guest's wish for the whole pCPU. */
		return workaround_2_answer();
	case SMCCC_ARCH_WORKAROUND_1:
	case SMCCC_ARCH_WORKAROUND_3: {
		uint64_t res[4];

		/* Run the mitigation where it lives, when the firmware has one. These calls take
		 * no argument, so nothing of the guest reaches the firmware. */
		if (fw.workaround[workaround_index(fid)] != SMCCC_RET_SUCCESS)
			return SMCCC_RET_NOT_SUPPORTED;
		hal_firmware_call(fid, 0, 0, 0, res);
		return (int64_t)res[0];
	}
	default:
		return SMCCC_RET_NOT_SUPPORTED;
	}
}

/* This hypervisor's own calls (vendor-specific hypervisor service, owner 6; docs/guest-abi.md). */
static int64_t hv_call(struct vcpu *vcpu, uint32_t fid, bool *again)
{
	uint64_t *x = vcpu->ctx.x;
	char c;

	switch (fid) {
	case HV_CALL_VERSION:
		return HV_CALL_ABI_VERSION;
	case HV_CALL_PUTC:
		c = (char)x[1];
		*again = !console_vm_put(vcpu->vm, &c, 1);
		return SMCCC_RET_SUCCESS;
	case HV_CALL_PUTS:
		return hv_puts(vcpu, x[1], x[2], again);
	case HV_CALL_EXIT:
		log_info("%s: exit with status %llu", vcpu->vm->name, (unsigned long long)x[1]);
		vm_stop(vcpu->vm, (int)(x[1] & 0xff));
		return SMCCC_RET_SUCCESS;
	default:
		return SMCCC_RET_NOT_SUPPORTED;
	}
}

/* Returns the value for x0; *again: the call did nothing and must be issued again. The owner
 * field (SMCCC, DEN0028 2.5) picks the service first, so an id nobody serves costs one switch
 * (the null-hypercall row of make bench, docs/trap-path.md). */
static int64_t smccc_call(struct vcpu *vcpu, uint32_t fid, bool *again)
{
	int64_t ret;

	switch ((fid >> SMCCC_OWNER_SHIFT) & SMCCC_OWNER_MASK) {
	case SMCCC_OWNER_ARCH:
		return arch_call(vcpu, fid);
	case SMCCC_OWNER_STD:
		/* FF-A first: its direct messages are the calls made most often. */
		if (ffa_call(vcpu, fid, &ret) || psci_call(vcpu, fid, &ret))
			return ret;
		return SMCCC_RET_NOT_SUPPORTED;
	case SMCCC_OWNER_STD_HYP:
		return pvtime_call(vcpu, fid, &ret) ? ret : SMCCC_RET_NOT_SUPPORTED;
	case SMCCC_OWNER_VENDOR_HYP:
		return hv_call(vcpu, fid, again);
	default:
		return SMCCC_RET_NOT_SUPPORTED;
	}
}

void trap_hvc_smc(struct vcpu *vcpu, bool smc)
{
	/* SMCCC: the function id is w0; the upper half of x0 is ignored. */
	bool again = false;
	int64_t ret = smccc_call(vcpu, (uint32_t)vcpu->ctx.x[0], &again);

	if (again) {
		/* Back to the call itself, registers untouched (HVC reports the next
		 * instruction, a trapped SMC its own address: Arm ARM D1.10.4). */
		if (!smc)
			vcpu->ctx.pc -= A64_INSN_SIZE;
		return;
	}
	vcpu->ctx.x[0] = (uint64_t)ret;
	/* HVC returns past itself; a trapped SMC reports its own address (Arm ARM D1.10.4). */
	if (smc)
		vcpu_skip_insn(vcpu);
}

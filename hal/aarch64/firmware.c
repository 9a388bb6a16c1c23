// SPDX-License-Identifier: MIT
/* PSCI calls to EL3 firmware and the QEMU semihosting exit. */
#include <stdbool.h>

#include <hal/firmware.h>
#include <hal/mem.h>

#include "sysreg.h"

static enum hal_psci_conduit conduit = HAL_PSCI_SMC;
static bool semihosting_exit;

/* Entry point of secondary CPUs, in target/head.S. */
extern char secondary_entry[];

void hal_psci_set_conduit(enum hal_psci_conduit c)
{
	conduit = c;
}

void hal_firmware_call(uint32_t fid, uint64_t a1, uint64_t a2, uint64_t a3, uint64_t res[4])
{
	register uint64_t x0 __asm__("x0") = fid;
	register uint64_t x1 __asm__("x1") = a1;
	register uint64_t x2 __asm__("x2") = a2;
	register uint64_t x3 __asm__("x3") = a3;

	/* SMCCC: x4-x17 may be clobbered by the callee. */
	if (conduit == HAL_PSCI_HVC)
		__asm__ volatile("hvc #0"
				 : "+r"(x0), "+r"(x1), "+r"(x2), "+r"(x3)
				 :
				 : "x4", "x5", "x6", "x7", "x8", "x9", "x10", "x11", "x12", "x13",
				   "x14", "x15", "x16", "x17", "memory");
	else
		__asm__ volatile("smc #0"
				 : "+r"(x0), "+r"(x1), "+r"(x2), "+r"(x3)
				 :
				 : "x4", "x5", "x6", "x7", "x8", "x9", "x10", "x11", "x12", "x13",
				   "x14", "x15", "x16", "x17", "memory");
	res[0] = x0;
	res[1] = x1;
	res[2] = x2;
	res[3] = x3;
}

static uint64_t psci_call(uint32_t fn, uint64_t a1, uint64_t a2, uint64_t a3)
{
	uint64_t res[4];

	hal_firmware_call(fn, a1, a2, a3, res);
	return res[0];
}

int32_t hal_psci_cpu_on(uint64_t mpidr, unsigned cpu_index)
{
	uint64_t entry = hal_ptr_to_phys(secondary_entry);

	return (int32_t)psci_call(PSCI_0_2_FN64_CPU_ON, mpidr, entry, cpu_index);
}

_Noreturn void hal_system_off(void)
{
	psci_call(PSCI_0_2_FN_SYSTEM_OFF, 0, 0, 0);
	for (;;)
		__asm__ volatile("wfi");
}

_Noreturn void hal_system_reset(void)
{
	psci_call(PSCI_0_2_FN_SYSTEM_RESET, 0, 0, 0);
	for (;;)
		__asm__ volatile("wfi");
}

void hal_debug_exit_enable(void)
{
	semihosting_exit = true;
}

/* Semihosting SYS_EXIT (0x18) with ADP_Stopped_ApplicationExit and a status: the AArch64
 * form takes a pointer to the two-word block (Arm semihosting spec, 2023Q3, 6.5). */
#define SEMIHOSTING_SYS_EXIT	     0x18
#define ADP_STOPPED_APPLICATION_EXIT 0x20026

static void semihosting_sys_exit(int status)
{
	static uint64_t block[2];

	block[0] = ADP_STOPPED_APPLICATION_EXIT;
	block[1] = (uint64_t)(int64_t)status;
	uint64_t block_pa = hal_ptr_to_phys(block);

	/* Register variables hold only at the asm statement: no call may come between. */
	register uint64_t x0 __asm__("x0") = SEMIHOSTING_SYS_EXIT;
	register uint64_t x1 __asm__("x1") = block_pa;

	__asm__ volatile("hlt #0xf000" : "+r"(x0) : "r"(x1) : "memory");
}

_Noreturn void hal_machine_exit(int status)
{
	if (semihosting_exit)
		semihosting_sys_exit(status);
	if (status == 0)
		hal_system_off();
	hal_system_reset();
}

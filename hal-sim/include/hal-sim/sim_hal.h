/* SPDX-License-Identifier: MIT */
#ifndef HAL_SIM_SIM_HAL_H
#define HAL_SIM_SIM_HAL_H

#include <setjmp.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <hal/vcpu.h>

/* The host implementation of the HAL keeps the "hardware" in this plain struct: tests set
 * inputs (CPU id, counter, PA size) and read what the code under test did (console text,
 * TLB invalidations, firmware calls). sim_hal_reset() restores power-on defaults. */

#define SIM_CONSOLE_SIZE 65536
#define SIM_MAX_CPU_ON	 64

struct sim_hal {
	unsigned cpu_id;
	uint64_t cpu_mpidr;    /* returned by hal_cpu_mpidr() */
	uint64_t counter;      /* returned by hal_counter_now(); advanced by tests */
	uint64_t counter_step; /* added to counter after each read, so waits time out */
	uint64_t counter_freq; /* default 62.5 MHz like QEMU virt */
	unsigned pa_bits;      /* default 40 */

	char console[SIM_CONSOLE_SIZE]; /* NUL-terminated; oldest text dropped when full */
	size_t console_len;
	uint64_t console_base;

	unsigned tlb_flush_va, tlb_flush_all, tlb_flush_ipa, tlb_flush_vmid; /* call counts */
	uint64_t last_flush_addr;
	uint64_t el2_root, el2_tcr; /* what hal_el2_mmu_enable() was given */
	bool el2_mmu_on;
	uint16_t last_flush_vmid;

	enum { SIM_PSCI_SMC, SIM_PSCI_HVC } psci_conduit;
	unsigned cpu_on_count;
	uint64_t cpu_on_mpidr[SIM_MAX_CPU_ON];
	int32_t cpu_on_result; /* what hal_psci_cpu_on() returns */
	/* Called by a successful hal_psci_cpu_on(): a test plays the started CPU here. */
	void (*cpu_on_hook)(uint64_t mpidr, unsigned cpu_index);

	/* hal_firmware_call(): how many, the last function id, and the firmware's answer (x0)
	 * to a call; without fw_answer every call gets NOT_SUPPORTED (-1). */
	unsigned fw_calls;
	uint32_t fw_last_fid;
	uint64_t (*fw_answer)(uint32_t fid, uint64_t a1);

	/* vCPUs: hal_vcpu_enter() calls the hook, which plays the guest up to its next exit
	 * (sets ctx->esr/far/hpfar, changes registers) and returns the exit kind. */
	struct hal_vcpu_ctx *loaded_vcpu;
	unsigned vcpu_loads, vcpu_puts, vcpu_entries;
	enum hal_exit_kind (*vcpu_enter_hook)(struct hal_vcpu_ctx *ctx);
	bool va_to_ipa_fails; /* make the guest's stage 1 "not map" the PC */

	/* _Noreturn HAL calls (halt, system off/reset, machine exit) record why and longjmp here
	 * when set; without it they abort() the test. */
	jmp_buf *exit_jmp;
	int exit_status;
	const char *exit_reason;
};

extern struct sim_hal sim_hal;

void sim_hal_reset(void);
void sim_console_clear(void);

#endif

// SPDX-License-Identifier: MIT
/* Calls into EL0 (el0.h). The EL0 code is in the image like everything else: with the stage-1
 * MMU off EL0 may fetch and access all of it (Arm ARM, "The effects of disabling an address
 * translation stage"), so no page tables are needed. */
#include "el0.h"

#include <stdbool.h>

#include "sysreg.h"

#define EL0_STACK_SIZE 4096
#define SPSR_M_EL0T    0x0UL
#define SPSR_SS	       (1UL << 21)
#define DAIF_AIF       (0x7UL << 6) /* PSTATE.{A,I,F} in DAIF and SPSR */
#define ESR_EC_SVC64   0x15
#define ESR_ISS_IMM16  0xffffUL

static uint8_t el0_stack[EL0_STACK_SIZE] __attribute__((aligned(16)));
static bool running;
static bool stop_at_exception;

uint64_t el0_call(uint64_t (*fn)(uint64_t), uint64_t arg, unsigned int flags)
{
	uint64_t spsr = SPSR_M_EL0T | (read_sysreg(daif) & DAIF_AIF);
	uint64_t ret;

	if (flags & EL0_STEP)
		spsr |= SPSR_SS;
	stop_at_exception = flags & EL0_STOP_AT_EXCEPTION;
	running = true;
	ret = el0_enter((uint64_t)fn, arg, spsr, (uint64_t)(el0_stack + EL0_STACK_SIZE));
	running = false;
	return ret;
}

void el0_exit_if_svc(uint64_t esr, uint64_t x0)
{
	if (running && ESR_EC(esr) == ESR_EC_SVC64 && (esr & ESR_ISS_IMM16) == EL0_SVC_EXIT)
		el0_leave(x0);
}

void el0_stop_if_asked(void)
{
	if (running && stop_at_exception)
		el0_leave(EL0_STOPPED);
}

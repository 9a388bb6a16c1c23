// SPDX-License-Identifier: MIT
/* Exceptions taken at EL2 that nothing handles: dump the state and stop this CPU. */
#include <core/lib.h>
#include <core/log.h>
#include <hal/cpu.h>

#include "layout.h"
#include "target.h"

/* ESR_ELx.EC (bits [31:26]), Arm ARM D17.2.37. */
#define ESR_EC_SHIFT 26
#define ESR_EC_MASK  0x3f
#define ESR_ISS_MASK 0x1ffffff

static const char *const kind_group[] = {"EL2 with SP_EL0", "EL2", "lower EL (AArch64)",
					 "lower EL (AArch32)"};
static const char *const kind_type[] = {"synchronous", "IRQ", "FIQ", "SError"};

static const char *ec_name(unsigned ec)
{
	switch (ec) {
	case 0x00:
		return "unknown reason";
	case 0x01:
		return "WFI/WFE";
	case 0x0e:
		return "illegal execution state";
	case 0x15:
		return "SVC";
	case 0x16:
		return "HVC";
	case 0x17:
		return "SMC";
	case 0x18:
		return "system register access";
	case 0x20:
		return "instruction abort, lower EL";
	case 0x21:
		return "instruction abort, same EL";
	case 0x22:
		return "PC alignment";
	case 0x24:
		return "data abort, lower EL";
	case 0x25:
		return "data abort, same EL";
	case 0x26:
		return "SP alignment";
	case 0x2f:
		return "SError";
	case 0x3c:
		return "BRK";
	default:
		return "other";
	}
}

void el2_exception(uint64_t *frame, unsigned kind)
{
	uint64_t esr = frame[FRAME_ESR];
	unsigned ec = (esr >> ESR_EC_SHIFT) & ESR_EC_MASK;

	log_err("PANIC: unexpected %s exception from %s on cpu %u", kind_type[kind & 3],
		kind_group[(kind >> 2) & 3], hal_cpu_id());
	log_err("  ESR 0x%llx (EC 0x%02x %s, ISS 0x%llx)", (unsigned long long)esr, ec, ec_name(ec),
		(unsigned long long)(esr & ESR_ISS_MASK));
	log_err("  ELR 0x%016llx FAR 0x%016llx SPSR 0x%llx", (unsigned long long)frame[FRAME_ELR],
		(unsigned long long)frame[FRAME_FAR], (unsigned long long)frame[FRAME_SPSR]);
	for (unsigned i = 0; i < 30; i += 3)
		log_err("  x%-2u %016llx  x%-2u %016llx  x%-2u %016llx", i,
			(unsigned long long)frame[i], i + 1, (unsigned long long)frame[i + 1],
			i + 2, (unsigned long long)frame[i + 2]);
	log_err("  x30 %016llx  sp  %016llx", (unsigned long long)frame[30],
		(unsigned long long)frame[FRAME_SP]);
	log_err("cpu %u stopped", hal_cpu_id());
	hal_cpu_halt();
}

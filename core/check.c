/* SPDX-License-Identifier: MIT */
#include <core/check.h>
#include <core/log.h>

#include <hal/cpu.h>

_Noreturn void check_failed(const char *file, int line, const char *cond)
{
	log_err("CHECK failed at %s:%d: %s (cpu %u stopped)", file, line, cond, hal_cpu_id());
	hal_cpu_halt();
}

// SPDX-License-Identifier: MIT
/* Counting and printing check results, and ending the run. */
#include "check.h"

#include <stdarg.h>

#include "entry.h"
#include "printf.h"
#include "smccc.h"

static unsigned int passed, failed;

static bool report(bool ok, const char *fmt, va_list ap)
{
	printf("%sok %u - ", ok ? "" : "not ", passed + failed + 1);
	vprintf(fmt, ap);
	printf("\n");
	if (ok)
		passed++;
	else
		failed++;
	return ok;
}

bool check(bool ok, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	report(ok, fmt, ap);
	va_end(ap);
	return ok;
}

bool check_eq_u64(uint64_t got, uint64_t want, const char *fmt, ...)
{
	va_list ap;
	bool ok = got == want;

	va_start(ap, fmt);
	report(ok, fmt, ap);
	va_end(ap);
	if (!ok)
		printf("#   got 0x%lx (%ld), want 0x%lx (%ld)\n", got, (int64_t)got, want,
		       (int64_t)want);
	return ok;
}

void check_skip(const char *why, const char *fmt, ...)
{
	va_list ap;

	printf("ok %u - ", passed + failed + 1);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf(" # SKIP %s\n", why);
	passed++;
}

void guest_exit(unsigned int status)
{
	hvc_call(HV_CALL_EXIT, status, 0, 0);
	hvc_call(PSCI_SYSTEM_OFF, 0, 0, 0);
	for (;;)
		asm volatile("wfi");
}

void guest_finish(void)
{
	printf("1..%u\n", passed + failed);
	printf("guest: %s: %u passed, %u failed\n", guest_name, passed, failed);
	guest_exit(failed ? 1 : 0);
}

// SPDX-License-Identifier: MIT
/* The console log: whole lines through the console ring (core/console.h), level prefixes, rate limiting. */
#include <stdarg.h>

#include <core/console.h>
#include <core/lib.h>
#include <core/log.h>
#include <core/print.h>
#include <hal/time.h>

static enum log_level log_max_level = LOG_INFO;

static const char *const level_prefix[] = {
    [LOG_ERR] = "error: ",
    [LOG_WARN] = "warning: ",
    [LOG_INFO] = "",
    [LOG_DEBUG] = "debug: ",
};

/* Set at boot (hv.loglevel) and by tests; read by every pCPU. */
void log_set_level(enum log_level max_level)
{
	__atomic_store_n(&log_max_level, max_level, __ATOMIC_RELAXED);
}

void log_printf(enum log_level level, const char *fmt, ...)
{
	/* +3: room for the line end and the NUL even when the text is cut. */
	char line[LOG_LINE_MAX + 3];
	const char *prefix;
	size_t len;
	va_list ap;
	int n;

	if (level > __atomic_load_n(&log_max_level, __ATOMIC_RELAXED))
		return;
	prefix = (unsigned)level < ARRAY_SIZE(level_prefix) ? level_prefix[level] : "";
	len = strlen(prefix);
	memcpy(line, prefix, len);
	va_start(ap, fmt);
	n = vformat(line + len, LOG_LINE_MAX + 1 - len, fmt, ap);
	va_end(ap);
	if (len + (size_t)n > LOG_LINE_MAX) {
		len = LOG_LINE_MAX;
		memcpy(line + len - 3, "...", 3);
	} else {
		len += (size_t)n;
	}
	/* The console passes bytes through untouched (guests' output must arrive as written), so
	 * the hypervisor's own lines carry the carriage return a terminal in raw mode needs. */
	line[len++] = '\r';
	line[len++] = '\n';

	console_write(line, len);
}

bool log_ratelimit_allow(struct log_ratelimit *rl, uint32_t burst, uint64_t interval_ticks)
{
	uint64_t now = hal_counter_now();
	uint32_t suppressed = 0;
	bool allow;

	/* interval 0 means one second of the system counter. */
	if (interval_ticks == 0)
		interval_ticks = hal_counter_freq();
	spin_lock(&rl->lock);
	if (rl->printed == 0 || now - rl->window_start >= interval_ticks) {
		suppressed = rl->suppressed;
		rl->window_start = now;
		rl->printed = 0;
		rl->suppressed = 0;
	}
	allow = rl->printed < burst;
	if (allow)
		rl->printed++;
	else
		rl->suppressed++;
	spin_unlock(&rl->lock);
	/* Printed outside the lock: a log line may wait for the UART. */
	if (suppressed)
		log_printf(LOG_WARN, "%u similar message(s) suppressed", suppressed);
	return allow;
}

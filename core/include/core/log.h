/* SPDX-License-Identifier: MIT */
#ifndef CORE_LOG_H
#define CORE_LOG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <core/spinlock.h>

/* The hypervisor's console log. Lines are formatted with core/print.h, appended whole to the
 * console ring (core/console.h: pCPUs never interleave inside a line, and the call returns
 * once the line reached the UART), and prefixed by their level except INFO.
 * Lines longer than LOG_LINE_MAX are cut and end with "...". */
#define LOG_LINE_MAX 256

enum log_level { LOG_ERR, LOG_WARN, LOG_INFO, LOG_DEBUG };

void log_set_level(enum log_level max_level);

void log_printf(enum log_level level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#define log_err(...)   log_printf(LOG_ERR, __VA_ARGS__)
#define log_warn(...)  log_printf(LOG_WARN, __VA_ARGS__)
#define log_info(...)  log_printf(LOG_INFO, __VA_ARGS__)
#define log_debug(...) log_printf(LOG_DEBUG, __VA_ARGS__)

/* Rate limiting for messages a guest can provoke: at most `burst` lines, then silence until
 * `interval` counter ticks have passed since the window opened; the number suppressed is
 * reported with the next line that gets through. One `struct log_ratelimit` per budget:
 * a call site, or a VM whose misbehaviour shares one budget (struct vm.guest_log). Any pCPU
 * may use one (the vCPUs of a VM hit the same budget at once): its lock is held only for the
 * counting, nothing is printed under it, and zero-initialised is ready. */
struct log_ratelimit {
	uint64_t window_start;
	uint32_t printed;
	uint32_t suppressed;
	struct spinlock lock;
};
bool log_ratelimit_allow(struct log_ratelimit *rl, uint32_t burst, uint64_t interval_ticks);

#define log_ratelimited(rl, level, ...)                   \
	do {                                              \
		if (log_ratelimit_allow((rl), 5, 0))      \
			log_printf((level), __VA_ARGS__); \
	} while (0)

#endif

/* SPDX-License-Identifier: MIT */
#ifndef GUEST_PRINTF_H
#define GUEST_PRINTF_H

#include <stdarg.h>

/* A small printf on the console. Conversions: %s %c %d %i %u %x %p %%, with the flags '0'
 * and '#', a field width, and the length modifiers l and ll (z as l). */
__attribute__((format(printf, 1, 2))) void printf(const char *fmt, ...);
__attribute__((format(printf, 1, 0))) void vprintf(const char *fmt, va_list ap);

#endif

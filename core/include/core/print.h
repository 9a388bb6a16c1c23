/* SPDX-License-Identifier: MIT */
#ifndef CORE_PRINT_H
#define CORE_PRINT_H

#include <stdarg.h>
#include <stddef.h>

/* A small snprintf: %d %i %u %x %X %o %c %s %p %%, flags '-' '0' '+' ' ' '#', width and
 * precision (also '*'), length modifiers hh h l ll z t j. Unknown conversions are copied
 * verbatim; a NULL %s prints "(null)". Always NUL-terminates when size > 0 and returns the
 * length the full output would have had (like C's snprintf). */
int vformat(char *buf, size_t size, const char *fmt, va_list ap);
int format(char *buf, size_t size, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

#endif

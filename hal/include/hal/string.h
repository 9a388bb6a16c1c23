/* SPDX-License-Identifier: MIT */
#ifndef HAL_STRING_H
#define HAL_STRING_H

#include <stddef.h>

/* The C string/memory functions core/ and vdev/ may call (through core/lib.h). The host build
 * gets them from libc, so AddressSanitizer checks every call; the target build from
 * hal/aarch64/string.c. */
void *memcpy(void *dst, const void *src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);
size_t strnlen(const char *s, size_t max);
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, size_t n);

#endif

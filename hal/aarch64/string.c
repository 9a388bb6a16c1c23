// SPDX-License-Identifier: MIT
/* The C memory and string functions for the freestanding target build (hal/string.h). Byte
 * loops with aligned 8-byte fast paths: memory may be Device before the MMU is on, and the
 * build uses -mstrict-align, so no unaligned wide access is ever made. */
#include <stdint.h>

#include <hal/string.h>

void *memcpy(void *dst, const void *src, size_t n)
{
	unsigned char *d = dst;
	const unsigned char *s = src;

	if ((((uintptr_t)d | (uintptr_t)s) & 7) == 0) {
		/* Four words per iteration (LDP/STP pairs): loading a guest's kernel is a few
		 * MiB, and VM creation time is mostly this loop (docs/memory.md). */
		for (; n >= 32; n -= 32, d += 32, s += 32) {
			const uint64_t *s8 = (const uint64_t *)(const void *)s;
			uint64_t a = s8[0], b = s8[1], c = s8[2], e = s8[3];
			uint64_t *d8 = (uint64_t *)(void *)d;

			d8[0] = a;
			d8[1] = b;
			d8[2] = c;
			d8[3] = e;
		}
		for (; n >= 8; n -= 8, d += 8, s += 8)
			*(uint64_t *)(void *)d = *(const uint64_t *)(const void *)s;
	}
	while (n--)
		*d++ = *s++;
	return dst;
}

void *memmove(void *dst, const void *src, size_t n)
{
	unsigned char *d = dst;
	const unsigned char *s = src;

	if (d == s || n == 0)
		return dst;
	if (d < s || d >= s + n)
		return memcpy(dst, src, n);
	while (n--)
		d[n] = s[n];
	return dst;
}

void *memset(void *dst, int c, size_t n)
{
	unsigned char *d = dst;
	uint64_t pattern = 0x0101010101010101ULL * (unsigned char)c;

	while (n && ((uintptr_t)d & 7)) {
		*d++ = (unsigned char)c;
		n--;
	}
	for (; n >= 8; n -= 8, d += 8)
		*(uint64_t *)(void *)d = pattern;
	while (n--)
		*d++ = (unsigned char)c;
	return dst;
}

int memcmp(const void *a, const void *b, size_t n)
{
	const unsigned char *x = a, *y = b;

	for (size_t i = 0; i < n; i++) {
		if (x[i] != y[i])
			return x[i] < y[i] ? -1 : 1;
	}
	return 0;
}

size_t strlen(const char *s)
{
	size_t n = 0;

	while (s[n])
		n++;
	return n;
}

size_t strnlen(const char *s, size_t max)
{
	size_t n = 0;

	while (n < max && s[n])
		n++;
	return n;
}

int strcmp(const char *a, const char *b)
{
	while (*a && *a == *b) {
		a++;
		b++;
	}
	return (unsigned char)*a - (unsigned char)*b;
}

int strncmp(const char *a, const char *b, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (a[i] != b[i] || !a[i])
			return (unsigned char)a[i] - (unsigned char)b[i];
	}
	return 0;
}

// SPDX-License-Identifier: MIT
/* The C memory and string functions for the freestanding target build (hal/string.h). Byte
 * loops with aligned 8-byte fast paths: memory may be Device before the MMU is on, and the
 * build uses -mstrict-align, so no unaligned wide access is ever made. */
#include <stdint.h>

#include <hal/string.h>

/* 128 bytes with eight LDP and eight STP (16 words in flight, no FP/SIMD registers at EL2): the
 * per-iteration overhead is four instructions over 128 bytes. Loading a guest's kernel and
 * initramfs (a few MiB) is most of what creating a VM costs (docs/memory.md). */
static void copy_128(uint64_t *d, const uint64_t *s, size_t blocks)
{
	for (; blocks; blocks--, d += 16, s += 16) {
		uint64_t a0 = s[0], a1 = s[1], a2 = s[2], a3 = s[3];
		uint64_t a4 = s[4], a5 = s[5], a6 = s[6], a7 = s[7];

		d[0] = a0;
		d[1] = a1;
		d[2] = a2;
		d[3] = a3;
		d[4] = a4;
		d[5] = a5;
		d[6] = a6;
		d[7] = a7;
		a0 = s[8], a1 = s[9], a2 = s[10], a3 = s[11];
		a4 = s[12], a5 = s[13], a6 = s[14], a7 = s[15];
		d[8] = a0;
		d[9] = a1;
		d[10] = a2;
		d[11] = a3;
		d[12] = a4;
		d[13] = a5;
		d[14] = a6;
		d[15] = a7;
	}
}

void *memcpy(void *dst, const void *src, size_t n)
{
	unsigned char *d = dst;
	const unsigned char *s = src;

	/* Equally misaligned: bytes up to the first word boundary, then words. */
	if (((uintptr_t)d & 7) == ((uintptr_t)s & 7)) {
		while (n && ((uintptr_t)d & 7)) {
			*d++ = *s++;
			n--;
		}
		if (n >= 128) {
			copy_128((uint64_t *)(void *)d, (const uint64_t *)(const void *)s, n / 128);
			d += n & ~(size_t)127;
			s += n & ~(size_t)127;
			n &= 127;
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

// SPDX-License-Identifier: MIT
/* Formatting for the test guests' console output: just what the checks print. */
#include "printf.h"

#include <stdbool.h>
#include <stdint.h>

#include "console.h"

struct spec {
	bool zero_pad;
	bool alt; /* '#': 0x before hex */
	unsigned int width;
};

static void put_padded(const char *digits, unsigned int len, const char *prefix,
		       const struct spec *spec)
{
	unsigned int plen = 0;

	while (prefix[plen])
		plen++;
	unsigned int used = len + plen;
	unsigned int pad = spec->width > used ? spec->width - used : 0;

	if (!spec->zero_pad)
		for (; pad; pad--)
			console_putc(' ');
	console_write(prefix);
	for (; pad; pad--)
		console_putc('0');
	for (unsigned int i = 0; i < len; i++)
		console_putc(digits[i]);
}

static void put_number(uint64_t val, unsigned int base, bool negative, const struct spec *spec)
{
	char buf[24];
	unsigned int pos = sizeof(buf);

	do {
		buf[--pos] = "0123456789abcdef"[val % base];
		val /= base;
	} while (val);
	const char *prefix = negative ? "-" : (spec->alt && base == 16) ? "0x" : "";

	put_padded(buf + pos, sizeof(buf) - pos, prefix, spec);
}

static void put_string(const char *s, const struct spec *spec)
{
	unsigned int len = 0;
	struct spec plain = *spec;

	if (!s)
		s = "(null)";
	while (s[len])
		len++;
	plain.zero_pad = false;
	put_padded(s, len, "", &plain);
}

void vprintf(const char *fmt, va_list ap)
{
	for (; *fmt; fmt++) {
		if (*fmt != '%') {
			console_putc(*fmt);
			continue;
		}
		struct spec spec = {0};
		unsigned int longs = 0;

		for (fmt++;; fmt++) {
			if (*fmt == '0')
				spec.zero_pad = true;
			else if (*fmt == '#')
				spec.alt = true;
			else
				break;
		}
		for (; *fmt >= '0' && *fmt <= '9'; fmt++)
			spec.width = spec.width * 10 + (unsigned int)(*fmt - '0');
		for (; *fmt == 'l' || *fmt == 'z'; fmt++)
			longs++;

		switch (*fmt) {
		case 'd':
		case 'i': {
			int64_t v = longs ? va_arg(ap, int64_t) : va_arg(ap, int);

			put_number(v < 0 ? -(uint64_t)v : (uint64_t)v, 10, v < 0, &spec);
			break;
		}
		case 'u':
		case 'x': {
			uint64_t v = longs ? va_arg(ap, uint64_t) : va_arg(ap, unsigned int);

			put_number(v, *fmt == 'u' ? 10 : 16, false, &spec);
			break;
		}
		case 'p':
			spec.alt = true;
			put_number((uint64_t)va_arg(ap, void *), 16, false, &spec);
			break;
		case 'c':
			console_putc((char)va_arg(ap, int));
			break;
		case 's':
			put_string(va_arg(ap, const char *), &spec);
			break;
		case '%':
			console_putc('%');
			break;
		case '\0':
			return;
		default:
			console_putc('%');
			console_putc(*fmt);
			break;
		}
	}
}

void printf(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
}

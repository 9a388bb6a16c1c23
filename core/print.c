// SPDX-License-Identifier: MIT
/* A small, freestanding vsnprintf for the log and for building strings. */
#include <stdbool.h>
#include <stdint.h>

#include <core/lib.h>
#include <core/print.h>

/* Output cursor: counts every character, stores those that fit (leaving room for the NUL). */
struct out {
	char *buf;
	size_t size;
	size_t len;
};

static void put(struct out *o, char c)
{
	if (o->size && o->len < o->size - 1)
		o->buf[o->len] = c;
	o->len++;
}

static void put_repeat(struct out *o, char c, int n)
{
	while (n-- > 0)
		put(o, c);
}

struct spec {
	bool left, zero, plus, space, alt;
	int width;
	int precision; /* -1: none */
	char length;   /* 'H' hh, 'h', 'l' (also ll/z/t/j, all 64-bit here), 0 int */
};

/* Digits of v in `base`, least significant first; returns the count. */
static int utoa_rev(uint64_t v, unsigned base, bool upper, char *digits)
{
	const char *set = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	int n = 0;

	do {
		digits[n++] = set[v % base];
		v /= base;
	} while (v);
	return n;
}

static void put_number(struct out *o, const struct spec *s, uint64_t v, bool negative,
		       unsigned base, bool upper)
{
	char digits[24];
	int ndig = utoa_rev(v, base, upper, digits);
	const char *prefix = "";
	int zeros = 0;

	/* C: precision 0 with value 0 prints no digits. */
	if (s->precision == 0 && v == 0)
		ndig = 0;
	if (s->precision > ndig)
		zeros = s->precision - ndig;

	if (negative)
		prefix = "-";
	else if (s->plus && base == 10)
		prefix = "+";
	else if (s->space && base == 10)
		prefix = " ";
	else if (s->alt && base == 16 && v)
		prefix = upper ? "0X" : "0x";
	else if (s->alt && base == 8 && zeros == 0 && (v || ndig == 0))
		prefix = "0";

	int plen = (int)strlen(prefix);
	int body = plen + zeros + ndig;
	int pad = s->width > body ? s->width - body : 0;

	if (s->zero && !s->left && s->precision < 0) {
		zeros += pad;
		pad = 0;
	}
	if (!s->left)
		put_repeat(o, ' ', pad);
	for (int i = 0; i < plen; i++)
		put(o, prefix[i]);
	put_repeat(o, '0', zeros);
	while (ndig > 0)
		put(o, digits[--ndig]);
	if (s->left)
		put_repeat(o, ' ', pad);
}

static void put_string(struct out *o, const struct spec *s, const char *str)
{
	if (!str)
		str = "(null)";
	size_t n = s->precision >= 0 ? strnlen(str, (size_t)s->precision) : strlen(str);
	int pad = s->width > (int)n ? s->width - (int)n : 0;

	if (!s->left)
		put_repeat(o, ' ', pad);
	for (size_t i = 0; i < n; i++)
		put(o, str[i]);
	if (s->left)
		put_repeat(o, ' ', pad);
}

static int parse_int(const char **p)
{
	int v = 0;

	while (**p >= '0' && **p <= '9') {
		if (v < 100000)
			v = v * 10 + (**p - '0');
		(*p)++;
	}
	return v;
}

static uint64_t fetch_unsigned(const struct spec *s, va_list *ap)
{
	switch (s->length) {
	case 'H':
		return (unsigned char)va_arg(*ap, unsigned);
	case 'h':
		return (unsigned short)va_arg(*ap, unsigned);
	case 'l':
		return va_arg(*ap, unsigned long long);
	default:
		return va_arg(*ap, unsigned);
	}
}

static int64_t fetch_signed(const struct spec *s, va_list *ap)
{
	switch (s->length) {
	case 'H':
		return (signed char)va_arg(*ap, int);
	case 'h':
		return (short)va_arg(*ap, int);
	case 'l':
		return va_arg(*ap, long long);
	default:
		return va_arg(*ap, int);
	}
}

int vformat(char *buf, size_t size, const char *fmt, va_list ap_in)
{
	struct out o = {buf, size, 0};
	va_list ap;

	va_copy(ap, ap_in);
	for (const char *p = fmt; *p; p++) {
		if (*p != '%') {
			put(&o, *p);
			continue;
		}
		const char *start = p++;
		struct spec s = {.precision = -1};

		for (;; p++) {
			if (*p == '-')
				s.left = true;
			else if (*p == '0')
				s.zero = true;
			else if (*p == '+')
				s.plus = true;
			else if (*p == ' ')
				s.space = true;
			else if (*p == '#')
				s.alt = true;
			else
				break;
		}
		if (*p == '*') {
			s.width = va_arg(ap, int);
			if (s.width < 0) {
				s.left = true;
				s.width = -s.width;
			}
			p++;
		} else {
			s.width = parse_int(&p);
		}
		if (*p == '.') {
			p++;
			if (*p == '*') {
				s.precision = va_arg(ap, int);
				if (s.precision < 0)
					s.precision = -1;
				p++;
			} else {
				s.precision = parse_int(&p);
			}
		}
		if (*p == 'h') {
			s.length = p[1] == 'h' ? 'H' : 'h';
			p += p[1] == 'h' ? 2 : 1;
		} else if (*p == 'l') {
			/* long and long long are both 64-bit on every platform we build for. */
			s.length = 'l';
			p += p[1] == 'l' ? 2 : 1;
		} else if (*p == 'z' || *p == 't' || *p == 'j') {
			s.length = 'l';
			p++;
		}

		switch (*p) {
		case 'd':
		case 'i': {
			int64_t v = fetch_signed(&s, &ap);
			uint64_t mag = v < 0 ? 0 - (uint64_t)v : (uint64_t)v;

			put_number(&o, &s, mag, v < 0, 10, false);
			break;
		}
		case 'u':
			put_number(&o, &s, fetch_unsigned(&s, &ap), false, 10, false);
			break;
		case 'x':
		case 'X':
			put_number(&o, &s, fetch_unsigned(&s, &ap), false, 16, *p == 'X');
			break;
		case 'o':
			put_number(&o, &s, fetch_unsigned(&s, &ap), false, 8, false);
			break;
		case 'p':
			s.alt = true;
			put_number(&o, &s, (uintptr_t)va_arg(ap, void *), false, 16, false);
			break;
		case 'c':
			put_repeat(&o, ' ', s.left ? 0 : s.width - 1);
			put(&o, (char)va_arg(ap, int));
			put_repeat(&o, ' ', s.left ? s.width - 1 : 0);
			break;
		case 's':
			put_string(&o, &s, va_arg(ap, const char *));
			break;
		case '%':
			put(&o, '%');
			break;
		default:
			/* Unknown conversion: copy it as written so the mistake shows. */
			if (!*p)
				p--;
			for (const char *q = start; q <= p; q++)
				put(&o, *q);
			break;
		}
	}
	va_end(ap);
	if (size)
		buf[o.len < size ? o.len : size - 1] = '\0';
	return o.len > INT32_MAX ? INT32_MAX : (int)o.len;
}

int format(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vformat(buf, size, fmt, ap);
	va_end(ap);
	return n;
}

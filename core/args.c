// SPDX-License-Identifier: MIT
#include <core/args.h>
#include <core/err.h>
#include <core/lib.h>

static bool word_end(char c)
{
	return c == ' ' || c == '\0';
}

bool args_has(const char *args, const char *word)
{
	size_t n = strlen(word);

	for (const char *p = args; *p; p++) {
		if ((p == args || p[-1] == ' ') && strncmp(p, word, n) == 0 && word_end(p[n]))
			return true;
	}
	return false;
}

static int parse_u64(const char *p, uint64_t *out)
{
	unsigned base = 10;
	uint64_t v = 0;

	if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X')) {
		base = 16;
		p += 2;
	}
	if (word_end(*p))
		return HV_EINVAL;
	for (; !word_end(*p); p++) {
		unsigned d;

		if (*p >= '0' && *p <= '9')
			d = (unsigned)(*p - '0');
		else if (base == 16 && *p >= 'a' && *p <= 'f')
			d = (unsigned)(*p - 'a' + 10);
		else if (base == 16 && *p >= 'A' && *p <= 'F')
			d = (unsigned)(*p - 'A' + 10);
		else
			return HV_EINVAL;
		if (v > (UINT64_MAX - d) / base)
			return HV_EINVAL;
		v = v * base + d;
	}
	*out = v;
	return HV_OK;
}

int args_get_u64(const char *args, const char *key, uint64_t *out)
{
	size_t n = strlen(key);
	int ret = HV_ENOENT;

	for (const char *p = args; *p; p++) {
		if ((p == args || p[-1] == ' ') && strncmp(p, key, n) == 0 && p[n] == '=')
			ret = parse_u64(p + n + 1, out);
	}
	return ret;
}

// SPDX-License-Identifier: MIT
/* A VM's FF-A partition properties in the configuration (docs/config.md, docs/ffa.md):
 * `ffa-uuid = "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx"` and the flags `ffa-direct-receiver`,
 * `ffa-direct-sender`, `ffa-indirect-messages`. Without them a VM is still an endpoint, with
 * the nil UUID and no messaging property. */
#include <core/fdt.h>
#include <core/ffa.h>
#include <core/lib.h>

#include "vmconfig_internal.h"

#define UUID_TEXT_LEN 36

static int hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* RFC 4122 text: 8-4-4-4-12 hex digits, the bytes in the order written. */
static bool parse_uuid(const char *s, uint8_t out[16])
{
	unsigned n = 0;

	if (strlen(s) != UUID_TEXT_LEN)
		return false;
	for (unsigned i = 0; i < UUID_TEXT_LEN; i++) {
		int hi, lo;

		if (i == 8 || i == 13 || i == 18 || i == 23) {
			if (s[i] != '-')
				return false;
			continue;
		}
		hi = hex_digit(s[i]);
		lo = hex_digit(s[i + 1]);
		if (hi < 0 || lo < 0)
			return false;
		out[n++] = (uint8_t)(hi << 4 | lo);
		i++;
	}
	return n == 16;
}

static const struct {
	const char *name;
	uint32_t bit;
} flags[] = {
    {"ffa-direct-receiver", FFA_PART_PROP_DIRECT_RECV},
    {"ffa-direct-sender", FFA_PART_PROP_DIRECT_SEND},
    {"ffa-indirect-messages", FFA_PART_PROP_INDIRECT},
};

int vmconfig_parse_ffa(const struct fdt *f, int node, struct vm_config *c)
{
	const char *text;
	struct fdt_prop p;

	if (fdt_get_string(f, node, "ffa-uuid", &text) == HV_OK && !parse_uuid(text, c->ffa_uuid))
		return vmconfig_fail(c->node, "ffa-uuid", HV_EINVAL,
				     "\"%s\" is not a UUID (xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx)",
				     text);
	for (unsigned i = 0; i < ARRAY_SIZE(flags); i++) {
		if (fdt_get_prop(f, node, flags[i].name, &p) == HV_OK)
			c->ffa_props |= flags[i].bit;
	}
	return HV_OK;
}

/* The VM of `out` called `name`, as its index; -1 if none. */
static int vm_named(const struct vmconfig *out, const char *name)
{
	for (unsigned i = 0; i < out->count; i++) {
		if (strcmp(out->vm[i].name, name) == 0)
			return (int)i;
	}
	return -1;
}

int vmconfig_ffa_peers(const struct fdt *f, int vms, struct vmconfig *out)
{
	unsigned i = 0;

	for (int node = fdt_first_child(f, vms); node >= 0 && i < out->count;
	     node = fdt_next_sibling(f, node), i++) {
		struct vm_config *c = &out->vm[i];
		struct fdt_strlist it;
		struct fdt_prop p;
		uint32_t seen = 1U << i; /* itself, always */
		const char *name;

		if (fdt_get_prop(f, node, "ffa-peers", &p) != HV_OK)
			continue;
		if (fdt_strlist_init(&it, &p) != HV_OK)
			return vmconfig_fail(c->node, "ffa-peers", HV_EINVAL, "malformed");
		while ((name = fdt_strlist_next(&it))) {
			int peer = vm_named(out, name);

			if (peer < 0)
				return vmconfig_fail(c->node, "ffa-peers", HV_EINVAL,
						     "no VM called \"%s\"", name);
			seen |= 1U << peer;
		}
		c->ffa_hidden = ~seen & ((1U << out->count) - 1);
	}
	return HV_OK;
}

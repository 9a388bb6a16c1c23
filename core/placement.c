// SPDX-License-Identifier: MIT
/* vCPU-to-pCPU placement from the command line (see core/placement.h). */
#include <core/args.h>
#include <core/err.h>
#include <core/lib.h>
#include <core/placement.h>

/* The value of `key=` in `args` (the last one wins), or NULL. */
static const char *value_of(const char *args, const char *key)
{
	size_t n = strlen(key);
	const char *found = NULL;

	for (const char *p = args; *p; p++) {
		if ((p == args || p[-1] == ' ') && strncmp(p, key, n) == 0 && p[n] == '=')
			found = p + n + 1;
	}
	return found;
}

/* A comma-separated list of decimal pCPU indices, ended by a space or the string's end. */
static int parse_list(const char *p, unsigned vcpus, unsigned *out, const char **why)
{
	unsigned count = 0;

	for (;;) {
		unsigned v = 0, digits = 0;

		for (; *p >= '0' && *p <= '9' && digits < 4; p++, digits++)
			v = v * 10 + (unsigned)(*p - '0');
		if (!digits || (*p != ',' && *p != ' ' && *p != '\0')) {
			*why = "hv.affinity= must be a comma-separated list of pCPU numbers";
			return HV_EINVAL;
		}
		if (count == vcpus) {
			*why = "hv.affinity= names more pCPUs than the VM has vCPUs";
			return HV_EINVAL;
		}
		out[count++] = v;
		if (*p != ',')
			break;
		p++;
	}
	if (count != vcpus) {
		*why = "hv.affinity= names fewer pCPUs than the VM has vCPUs";
		return HV_EINVAL;
	}
	return HV_OK;
}

static int spread(const char *args, unsigned vcpus, unsigned pcpus, unsigned *out, const char **why)
{
	uint64_t n;

	if (args_get_u64(args, "hv.pcpus", &n) != HV_OK || n == 0) {
		*why = "hv.pcpus= must be a number of pCPUs, at least 1";
		return HV_EINVAL;
	}
	if (n > pcpus) {
		*why = "hv.pcpus= asks for more pCPUs than the machine has";
		return HV_ENOENT;
	}
	for (unsigned i = 0; i < vcpus; i++)
		out[i] = i % (unsigned)n;
	return HV_OK;
}

int placement_parse(const char *args, unsigned vcpus, const bool *online, unsigned pcpus,
		    unsigned *pcpu_of, const char **why)
{
	const char *affinity = value_of(args, "hv.affinity");
	const char *dummy;
	int ret = HV_OK;

	if (!why)
		why = &dummy;
	if (affinity && value_of(args, "hv.pcpus")) {
		*why = "give either hv.pcpus= or hv.affinity=, not both";
		return HV_EINVAL;
	}
	if (affinity)
		ret = parse_list(affinity, vcpus, pcpu_of, why);
	else if (value_of(args, "hv.pcpus"))
		ret = spread(args, vcpus, pcpus, pcpu_of, why);
	else
		memset(pcpu_of, 0, vcpus * sizeof(*pcpu_of));
	for (unsigned i = 0; !ret && i < vcpus; i++) {
		if (pcpu_of[i] >= pcpus || !online[pcpu_of[i]]) {
			*why = "a vCPU is placed on a pCPU that does not exist or is not online";
			ret = HV_ENOENT;
		}
	}
	return ret;
}

unsigned placement_pcpus_used(const unsigned *pcpu_of, unsigned vcpus)
{
	unsigned used = 0;

	for (unsigned i = 0; i < vcpus; i++) {
		unsigned j = 0;

		while (j < i && pcpu_of[j] != pcpu_of[i])
			j++;
		used += j == i;
	}
	return used;
}

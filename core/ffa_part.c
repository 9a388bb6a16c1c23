// SPDX-License-Identifier: MIT
/* FF-A partitions (docs/ffa.md): the VMs of the configuration, endpoint id 1 + their index,
 * and FFA_PARTITION_INFO_GET over them (DEN0077 13.8): a VM sees itself and every partition
 * that its `ffa-peers` and theirs allow (all without lists). */
#include <core/ffa.h>
#include <core/lib.h>
#include <core/vm.h>
#include <core/vmconfig.h>

#include "ffa_internal.h"

static const struct vmconfig *part_config;
/* The current life of each partition (ffa_part_attach()); a hint, checked against the VM's
 * id and state by every reader. */
static struct vm *part_vm[VMCONFIG_MAX_VMS];

void ffa_part_init(const struct vmconfig *config)
{
	part_config = config;
	for (unsigned i = 0; i < VMCONFIG_MAX_VMS; i++)
		__atomic_store_n(&part_vm[i], NULL, __ATOMIC_RELAXED);
}

void ffa_part_attach(struct vm *vm, uint16_t id)
{
	vm->ffa.id = id;
	if (id >= 1 && id <= VMCONFIG_MAX_VMS)
		__atomic_store_n(&part_vm[id - 1], vm, __ATOMIC_RELEASE);
}

/* The configuration of partition `id`, or NULL. */
static const struct vm_config *part_cfg(uint16_t id)
{
	if (!part_config || id == 0 || id > part_config->count)
		return NULL;
	return &part_config->vm[id - 1];
}

bool ffa_part_visible(uint16_t from, uint16_t to)
{
	const struct vm_config *a = part_cfg(from), *b = part_cfg(to);

	/* Each must let the other see it (`ffa-peers`, docs/config.md). */
	return a && b && !(a->ffa_hidden & 1U << (to - 1)) && !(b->ffa_hidden & 1U << (from - 1));
}

uint32_t ffa_part_props(uint16_t id)
{
	const struct vm_config *cfg = part_cfg(id);

	return cfg ? cfg->ffa_props & FFA_PART_PROP_MESSAGING : 0;
}

unsigned ffa_part_vcpus(uint16_t id)
{
	const struct vm_config *cfg = part_cfg(id);

	return cfg ? cfg->vcpus : 0;
}

struct vm *ffa_part_vm(uint16_t id)
{
	struct vm *vm;

	if (!part_cfg(id))
		return NULL;
	vm = __atomic_load_n(&part_vm[id - 1], __ATOMIC_ACQUIRE);
	return vm && vm->ffa.id == id && vm_alive(vm) ? vm : NULL;
}

int ffa_part_direct(uint16_t from, uint16_t to, struct vm **vm)
{
	const struct vm_config *a = part_cfg(from), *b = part_cfg(to);
	struct vm *live;

	*vm = NULL;
	/* As ffa_part_visible() and ffa_part_props() each ask, with one lookup of each. */
	if (!a || !b || from == to || (a->ffa_hidden & 1U << (to - 1)) ||
	    (b->ffa_hidden & 1U << (from - 1)))
		return FFA_RET_INVALID_PARAMETERS;
	if (!(a->ffa_props & FFA_PART_PROP_DIRECT_SEND) ||
	    !(b->ffa_props & FFA_PART_PROP_DIRECT_RECV))
		return FFA_RET_DENIED;
	/* As ffa_part_vm(), `to` known to be configured. */
	live = __atomic_load_n(&part_vm[to - 1], __ATOMIC_ACQUIRE);
	*vm = live && live->ffa.id == to && vm_alive(live) ? live : NULL;
	return 0;
}

/* The call passes the UUID as four words, each the little-endian value of four bytes of the
 * UUID in string order (as Linux's arm_ffa driver does). */
static void uuid_words(const uint8_t uuid[16], uint32_t w[4])
{
	for (unsigned i = 0; i < 4; i++)
		w[i] = (uint32_t)uuid[4 * i] | (uint32_t)uuid[4 * i + 1] << 8 |
		       (uint32_t)uuid[4 * i + 2] << 16 | (uint32_t)uuid[4 * i + 3] << 24;
}

static bool matches(const struct vm_config *cfg, const uint32_t want[4], bool nil)
{
	uint32_t w[4];

	if (nil)
		return true;
	uuid_words(cfg->ffa_uuid, w);
	return memcmp(w, want, sizeof(w)) == 0;
}

/* One descriptor (DEN0077 table 6.1 for v1.1, 5.1 of v1.0): id, execution context count,
 * properties, and in v1.1 the UUID (only when the caller asked for all, the nil UUID). */
static size_t put_desc(uint8_t *p, uint16_t id, const struct vm_config *cfg, uint32_t version,
		       bool nil)
{
	uint32_t props = cfg->ffa_props & FFA_PART_PROP_MESSAGING;

	if (version >= FFA_VERSION_1_1)
		props |= FFA_PART_PROP_AARCH64;
	p[0] = (uint8_t)id;
	p[1] = (uint8_t)(id >> 8);
	p[2] = (uint8_t)cfg->vcpus;
	p[3] = (uint8_t)(cfg->vcpus >> 8);
	for (unsigned i = 0; i < 4; i++)
		p[4 + i] = (uint8_t)(props >> (8 * i));
	if (version < FFA_VERSION_1_1)
		return FFA_PART_DESC_SIZE_1_0;
	if (nil)
		memcpy(p + 8, cfg->ffa_uuid, 16);
	else
		memset(p + 8, 0, 16);
	return FFA_PART_DESC_SIZE_1_1;
}

/* w1-w4 the UUID (all zero: every partition), w5 flags. */
void ffa_partition_info_get(struct vm *vm, uint64_t x[FFA_REGS])
{
	uint8_t buf[VMCONFIG_MAX_VMS * FFA_PART_DESC_SIZE_1_1];
	uint32_t want[4] = {(uint32_t)x[1], (uint32_t)x[2], (uint32_t)x[3], (uint32_t)x[4]};
	uint32_t flags = (uint32_t)x[5], version = ffa_version_of(vm);
	bool nil = !(want[0] | want[1] | want[2] | want[3]);
	unsigned count = 0, vms = part_config ? part_config->count : 0;
	size_t len = 0, size = 0;
	int status;

	/* The count-only flag is v1.1's; to a 1.0 caller w5 is MBZ. */
	if (flags & ~(version >= FFA_VERSION_1_1 ? FFA_PARTITION_INFO_COUNT_ONLY : 0)) {
		ffa_error(x, FFA_RET_INVALID_PARAMETERS);
		return;
	}
	for (unsigned i = 0; i < vms; i++) {
		const struct vm_config *cfg = &part_config->vm[i];

		if (!matches(cfg, want, nil) || !ffa_part_visible(vm->ffa.id, (uint16_t)(i + 1)))
			continue;
		size = put_desc(buf + len, (uint16_t)(i + 1), cfg, version, nil);
		len += size;
		count++;
	}
	if (count == 0) {
		ffa_error(x, FFA_RET_INVALID_PARAMETERS); /* no partition has that UUID */
		return;
	}
	if (flags & FFA_PARTITION_INFO_COUNT_ONLY) {
		ffa_success(x, count, 0);
		return;
	}
	status = ffa_rx_deliver(vm, buf, len);
	if (status) {
		ffa_error(x, status);
		return;
	}
	/* v1.1 reports the descriptor size in w3; in 1.0 it is MBZ. */
	ffa_success(x, count, version >= FFA_VERSION_1_1 ? FFA_PART_DESC_SIZE_1_1 : 0);
}

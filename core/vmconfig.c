// SPDX-License-Identifier: MIT
/* The configuration tree (docs/config.md): find it among the boot modules, read every VM node
 * into a struct vm_config. Anything the tree says that is not understood is refused with the
 * node and property named; core/vmconfig_check.c checks what was read against the machine. */
#include <stdarg.h>

#include <core/err.h>
#include <core/fdt.h>
#include <core/lib.h>
#include <core/log.h>
#include <core/print.h>
#include <core/vmconfig.h>
#include <hal/mem.h>

#include "vmconfig_internal.h"

#define CONFIG_COMPAT "hv,config"

/* Guest RAM when a VM node gives no memory-mib, as for hv.guest_mem= (docs/config.md). */
#define DEFAULT_MEMORY_MIB 128
/* 1 TiB: more than any machine the hypervisor boots on, small enough not to overflow. */
#define MAX_MEMORY_MIB (1u << 20)
/* Weights are relative; the bound keeps the scheduler's products inside 64 bits. */
#define MAX_WEIGHT 65536u
/* A memory disk is served in sectors. */
#define DISK_SECTOR 512u

int vmconfig_fail(const char *node, const char *prop, int err, const char *fmt, ...)
{
	char why[LOG_LINE_MAX];
	va_list ap;

	va_start(ap, fmt);
	vformat(why, sizeof(why), fmt, ap);
	va_end(ap);
	if (prop)
		log_err("config: %s: %s: %s", node, prop, why);
	else
		log_err("config: %s: %s", node, why);
	return err;
}

static bool is_config_tree(const void *blob, size_t size)
{
	struct fdt f;
	int root;

	if (fdt_open(&f, blob, size) != HV_OK || (root = fdt_root(&f)) < 0)
		return false;
	return fdt_prop_has_string(&f, root, "compatible", CONFIG_COMPAT) == 1;
}

const struct bootmod *vmconfig_find_module(const struct bootmod_list *mods)
{
	for (unsigned i = 0; i < mods->count; i++) {
		const struct bootmod *m = &mods->mod[i];

		if (m->kind == BOOTMOD_RAMDISK && is_config_tree(hal_phys_to_ptr(m->base), m->size))
			return m;
	}
	return NULL;
}

/* --- property types ------------------------------------------------------------------- */

enum ptype {
	P_U32,	   /* <n> */
	P_ADDR,	   /* <hi lo> (or <n>) */
	P_STRING,  /* "text" */
	P_FLAG,	   /* present, no value */
	P_CELLS,   /* <a b c ...>, at least one */
	P_STRLIST, /* "a", "b", ..., at least one */
};

struct pdesc {
	const char *name;
	enum ptype type;
};

static const struct pdesc root_props[] = {
    {"compatible", P_STRING},
    {"model", P_STRING},
    {"pcpus", P_U32},
};

static const struct pdesc vm_props[] = {
    {"vcpus", P_U32},
    {"affinity", P_CELLS},
    {"memory-mib", P_U32},
    {"ram-base", P_ADDR},
    {"kernel", P_STRING},
    {"kernel-module", P_ADDR},
    {"initrd", P_STRING},
    {"initrd-module", P_ADDR},
    {"bootargs", P_STRING},
    {"weight", P_U32},
    {"console", P_FLAG},
    {"gicd-base", P_ADDR},
    {"gicr-base", P_ADDR},
    {"uart-base", P_ADDR},
    {"uart-intid", P_U32},
    {"rtc-base", P_ADDR},
    {"rtc-intid", P_U32},
    {"virtio-base", P_ADDR},
    {"virtio-intid", P_U32},
    {"virtio-slots", P_U32},
    {"ffa-uuid", P_STRING},
    {"ffa-direct-receiver", P_FLAG},
    {"ffa-direct-sender", P_FLAG},
    {"ffa-indirect-messages", P_FLAG},
    {"ffa-peers", P_STRLIST},
};

static const struct pdesc disk_props[] = {
    {"host-file", P_STRING},  {"host-index", P_U32}, {"memory-image", P_STRING},
    {"image-module", P_ADDR}, {"read-only", P_FLAG}, {"shared", P_FLAG},
};

static const char *type_says(enum ptype t)
{
	switch (t) {
	case P_U32:
		return "must be one 32-bit cell, <n>";
	case P_ADDR:
		return "must be an address, <hi lo>";
	case P_STRING:
		return "must be one string, \"...\"";
	case P_FLAG:
		return "is a flag and takes no value";
	case P_CELLS:
		return "must be a list of 32-bit cells, <a b ...>";
	case P_STRLIST:
		return "must be a list of strings, \"a\", \"b\", ...";
	}
	return "has the wrong type";
}

static bool type_fits(enum ptype t, const struct fdt_prop *p)
{
	switch (t) {
	case P_U32:
		return p->len == 4;
	case P_ADDR:
		return p->len == 4 || p->len == 8;
	case P_STRING:
		/* One NUL-terminated string; a list is not a string. */
		return p->len >= 1 && strnlen((const char *)p->val, p->len) == p->len - 1;
	case P_FLAG:
		return p->len == 0;
	case P_CELLS:
		return p->len > 0 && p->len % 4 == 0;
	case P_STRLIST:
		return p->len >= 1 && ((const char *)p->val)[p->len - 1] == '\0';
	}
	return false;
}

/* Every property of `node` is one of `known` and has its type. */
static int check_props(const struct fdt *f, int node, const char *path, const struct pdesc *known,
		       size_t count)
{
	int prop;

	for (prop = fdt_first_prop(f, node); prop >= 0; prop = fdt_next_prop(f, prop)) {
		const struct pdesc *d = NULL;
		struct fdt_prop p;

		if (fdt_prop_read(f, prop, &p) != HV_OK)
			return vmconfig_fail(path, NULL, HV_EINVAL, "malformed property");
		for (size_t i = 0; i < count && !d; i++)
			if (strcmp(known[i].name, p.name) == 0)
				d = &known[i];
		if (!d)
			return vmconfig_fail(path, p.name, HV_EINVAL, "unknown property");
		if (!type_fits(d->type, &p))
			return vmconfig_fail(path, p.name, HV_EINVAL, "%s", type_says(d->type));
	}
	return prop == HV_ENOENT ? HV_OK
				 : vmconfig_fail(path, NULL, HV_EINVAL, "malformed property list");
}

/* A typed read of a property check_props() accepted: false if it is absent. */
static bool get_u32(const struct fdt *f, int node, const char *name, uint32_t *out)
{
	return fdt_get_u32(f, node, name, out) == HV_OK;
}

static bool get_u64(const struct fdt *f, int node, const char *name, uint64_t *out)
{
	return fdt_get_u64(f, node, name, out) == HV_OK;
}

static bool has(const struct fdt *f, int node, const char *name)
{
	struct fdt_prop p;

	return fdt_get_prop(f, node, name, &p) == HV_OK;
}

/* --- boot modules ----------------------------------------------------------------------- */

/* The boot module that `prop` (an address written by tools/hvconfig.py) names, needed because
 * the file property `file_prop` is given. */
static int module_of(const struct fdt *f, int node, const char *path, const char *file_prop,
		     const char *prop, const struct bootmod_list *mods, struct vmconfig_span *out)
{
	uint64_t addr;

	if (!get_u64(f, node, prop, &addr))
		return vmconfig_fail(path, prop, HV_ENOENT,
				     "missing for %s (was the configuration built by "
				     "tools/hvconfig.py?)",
				     file_prop);
	for (unsigned i = 0; mods && i < mods->count; i++) {
		if (mods->mod[i].base == addr) {
			*out = (struct vmconfig_span){addr, mods->mod[i].size};
			return HV_OK;
		}
	}
	return vmconfig_fail(path, prop, HV_ENOENT,
			     "no boot module at 0x%llx (was the configuration built by "
			     "tools/hvconfig.py?)",
			     (unsigned long long)addr);
}

/* A module address without the file it stands for is a hand edit gone wrong. */
static int module_needs_file(const struct fdt *f, int node, const char *path, const char *file_prop,
			     const char *prop)
{
	if (has(f, node, prop) && !has(f, node, file_prop))
		return vmconfig_fail(path, prop, HV_EINVAL, "given without %s", file_prop);
	return HV_OK;
}

/* --- disks ---------------------------------------------------------------------------- */

static int parse_disk(const struct fdt *f, int node, const char *path,
		      const struct vmconfig_machine *m, struct vmconfig_disk *d)
{
	bool host = has(f, node, "host-file"), mem = has(f, node, "memory-image");
	int ret = check_props(f, node, path, disk_props, ARRAY_SIZE(disk_props));

	if (ret)
		return ret;
	if (host == mem)
		return vmconfig_fail(path, host ? "memory-image" : "host-file", HV_EINVAL,
				     "a disk is either host-file or memory-image, %s",
				     host ? "not both" : "one is needed");
	ret = module_needs_file(f, node, path, "host-file", "host-index");
	if (!ret)
		ret = module_needs_file(f, node, path, "memory-image", "image-module");
	if (ret)
		return ret;
	*d = (struct vmconfig_disk){
	    .kind = host ? VMCONFIG_DISK_HOST : VMCONFIG_DISK_MEMORY,
	    .read_only = has(f, node, "read-only"),
	    .shared = has(f, node, "shared"),
	};
	if (d->shared && !d->read_only)
		return vmconfig_fail(path, "shared", HV_EINVAL,
				     "only a read-only disk may be shared");
	if (host) {
		uint32_t idx;

		if (!get_u32(f, node, "host-index", &idx))
			return vmconfig_fail(path, "host-index", HV_ENOENT,
					     "missing for host-file (was the configuration built "
					     "by tools/hvconfig.py?)");
		d->host_index = idx;
		return HV_OK;
	}
	ret = module_of(f, node, path, "memory-image", "image-module", m->modules, &d->image);
	if (!ret && d->image.size % DISK_SECTOR)
		ret = vmconfig_fail(path, "image-module", HV_EINVAL,
				    "the image is %llu bytes, not a multiple of %u",
				    (unsigned long long)d->image.size, DISK_SECTOR);
	return ret;
}

static int parse_children(const struct fdt *f, int node, const struct vmconfig_machine *m,
			  const struct vmconfig *sofar, struct vm_config *c)
{
	int child;

	for (child = fdt_first_child(f, node); child >= 0; child = fdt_next_sibling(f, child)) {
		char path[VMCONFIG_NODE_MAX];
		const char *name = fdt_node_name(f, child, NULL);
		int ret;

		fdt_node_path(f, child, path, sizeof(path));
		if (!name || strncmp(name, "disk", 4) != 0)
			return vmconfig_fail(path, NULL, HV_EINVAL,
					     "unknown node (a VM node holds disk-N nodes only)");
		if (c->disk_count == VMCONFIG_MAX_DISKS)
			return vmconfig_fail(path, NULL, HV_ENOMEM, "more than %u disks",
					     VMCONFIG_MAX_DISKS);
		ret = parse_disk(f, child, path, m, &c->disks[c->disk_count]);
		if (!ret)
			ret = vmconfig_check_disk(sofar, c, &c->disks[c->disk_count], path);
		if (ret)
			return ret;
		c->disk_count++;
	}
	return child == HV_ENOENT ? HV_OK : vmconfig_fail(c->node, NULL, HV_EINVAL, "malformed");
}

/* --- one VM --------------------------------------------------------------------------- */

static int parse_name(const struct fdt *f, int node, struct vm_config *c)
{
	size_t len;
	const char *name = fdt_node_name(f, node, &len);

	if (!name)
		return vmconfig_fail("/vms", NULL, HV_EINVAL, "malformed VM node");
	if (len == 0 || len >= VM_NAME_MAX)
		return vmconfig_fail(c->node, NULL, HV_EINVAL,
				     "a VM's name is its node name, 1 to %u characters",
				     VM_NAME_MAX - 1);
	for (size_t i = 0; i < len; i++) {
		char ch = name[i];

		/* The name is typed at the hypervisor console and tags console lines. */
		if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
		      (ch >= '0' && ch <= '9') || ch == '-' || ch == '_'))
			return vmconfig_fail(c->node, NULL, HV_EINVAL,
					     "a VM's name may hold letters, digits, '-' and '_' "
					     "only");
	}
	memcpy(c->name, name, len + 1);
	return HV_OK;
}

static int parse_placement(const struct fdt *f, int node, struct vm_config *c)
{
	struct fdt_prop p;
	uint32_t n = 1;

	if (get_u32(f, node, "vcpus", &n) && (n == 0 || n > VM_MAX_VCPUS))
		return vmconfig_fail(c->node, "vcpus", HV_ERANGE, "%u vCPUs; 1 to %u are allowed",
				     n, VM_MAX_VCPUS);
	c->vcpus = n;
	if (fdt_get_prop(f, node, "affinity", &p) != HV_OK)
		return HV_OK; /* all on pCPU 0 (zeroed) */
	if (p.len / 4 != n)
		return vmconfig_fail(c->node, "affinity", HV_EINVAL,
				     "names %u pCPUs for %u vCPUs (one per vCPU)", p.len / 4, n);
	for (unsigned i = 0; i < n; i++)
		c->pcpu_of[i] = fdt_be32(p.val + 4 * i);
	return HV_OK;
}

static int parse_memory(const struct fdt *f, int node, struct vm_config *c)
{
	uint32_t mib = DEFAULT_MEMORY_MIB;

	if (get_u32(f, node, "memory-mib", &mib) && (mib == 0 || mib > MAX_MEMORY_MIB))
		return vmconfig_fail(c->node, "memory-mib", HV_ERANGE,
				     "%u MiB; 2 to %u are allowed", mib, MAX_MEMORY_MIB);
	if (mib % (SZ_2M >> 20))
		return vmconfig_fail(c->node, "memory-mib", HV_EINVAL,
				     "%u MiB is not a multiple of 2 MiB (guest RAM is mapped in "
				     "2 MiB blocks)",
				     mib);
	c->ram_size = (uint64_t)mib << 20;
	return HV_OK;
}

/* The board with what the VM node overrides (docs/config.md, "Board"). */
static void parse_board(const struct fdt *f, int node, struct vm_config *c)
{
	struct vm_board *b = &c->board;
	const struct {
		const char *name;
		uint64_t *field;
	} addrs[] = {
	    {"ram-base", &b->ram_base},	  {"gicd-base", &b->gicd_base},
	    {"gicr-base", &b->gicr_base}, {"uart-base", &b->uart_base},
	    {"rtc-base", &b->rtc_base},	  {"virtio-base", &b->virtio_base},
	};
	const struct {
		const char *name;
		unsigned *field;
	} nums[] = {
	    {"uart-intid", &b->uart_intid},
	    {"rtc-intid", &b->rtc_intid},
	    {"virtio-intid", &b->virtio_intid},
	    {"virtio-slots", &b->virtio_slots},
	};

	vm_board_default(b);
	for (size_t i = 0; i < ARRAY_SIZE(addrs); i++)
		get_u64(f, node, addrs[i].name, addrs[i].field);
	for (size_t i = 0; i < ARRAY_SIZE(nums); i++) {
		uint32_t v;

		if (get_u32(f, node, nums[i].name, &v))
			*nums[i].field = v;
	}
}

static int parse_images(const struct fdt *f, int node, const struct vmconfig_machine *m,
			struct vm_config *c)
{
	const char *args;
	int ret;

	if (!has(f, node, "kernel"))
		return vmconfig_fail(c->node, "kernel", HV_ENOENT,
				     "missing: every VM needs a kernel image");
	ret = module_of(f, node, c->node, "kernel", "kernel-module", m->modules, &c->kernel);
	if (!ret)
		ret = module_needs_file(f, node, c->node, "initrd", "initrd-module");
	if (!ret && has(f, node, "initrd"))
		ret =
		    module_of(f, node, c->node, "initrd", "initrd-module", m->modules, &c->initrd);
	if (ret)
		return ret;
	if (fdt_get_string(f, node, "bootargs", &args) == HV_OK) {
		size_t len = strlen(args);

		if (len >= sizeof(c->bootargs))
			return vmconfig_fail(c->node, "bootargs", HV_ERANGE,
					     "%zu characters; at most %zu", len,
					     sizeof(c->bootargs) - 1);
		memcpy(c->bootargs, args, len + 1);
	}
	return HV_OK;
}

static int parse_vm(const struct fdt *f, int node, const struct vmconfig_machine *m,
		    const struct vmconfig *sofar, struct vm_config *c)
{
	uint32_t weight = VMCONFIG_DEFAULT_WEIGHT;
	int ret;

	*c = (struct vm_config){0};
	fdt_node_path(f, node, c->node, sizeof(c->node));
	ret = parse_name(f, node, c);
	if (!ret)
		ret = check_props(f, node, c->node, vm_props, ARRAY_SIZE(vm_props));
	if (!ret)
		ret = parse_placement(f, node, c);
	if (!ret)
		ret = parse_memory(f, node, c);
	if (ret)
		return ret;
	parse_board(f, node, c);
	ret = parse_images(f, node, m, c);
	if (ret)
		return ret;
	if (get_u32(f, node, "weight", &weight) && (weight == 0 || weight > MAX_WEIGHT))
		return vmconfig_fail(c->node, "weight", HV_ERANGE, "%u; 1 to %u are allowed",
				     weight, MAX_WEIGHT);
	c->weight = weight;
	c->console = has(f, node, "console");
	ret = vmconfig_parse_ffa(f, node, c);
	if (!ret)
		ret = parse_children(f, node, m, sofar, c);
	if (!ret)
		ret = vmconfig_check_vm(c, m, has(f, node, "ram-base") ? "ram-base" : "memory-mib");
	return ret;
}

/* --- the tree ------------------------------------------------------------------------- */

static int parse_vms(const struct fdt *f, int vms, const struct vmconfig_machine *m,
		     struct vmconfig *out)
{
	int node, ret = check_props(f, vms, "/vms", NULL, 0);

	if (ret)
		return ret;
	for (node = fdt_first_child(f, vms); node >= 0; node = fdt_next_sibling(f, node)) {
		if (out->count == VMCONFIG_MAX_VMS) {
			char path[VMCONFIG_NODE_MAX];

			fdt_node_path(f, node, path, sizeof(path));
			return vmconfig_fail(path, NULL, HV_ENOMEM,
					     "more than %u VMs in one configuration",
					     VMCONFIG_MAX_VMS);
		}
		ret = parse_vm(f, node, m, out, &out->vm[out->count]);
		if (ret)
			return ret;
		out->count++;
	}
	if (node != HV_ENOENT)
		return vmconfig_fail("/vms", NULL, HV_EINVAL, "malformed");
	if (!out->count)
		return vmconfig_fail("/vms", NULL, HV_ENOENT, "no VM nodes: nothing to run");
	/* Once every VM is known: the ones each may see (FF-A) are named. */
	return vmconfig_ffa_peers(f, vms, out);
}

static int parse_root(const struct fdt *f, int root)
{
	uint32_t pcpus;
	int child, ret;

	/* What the tree is comes first: another tree's properties are no one's typos. */
	if (fdt_prop_has_string(f, root, "compatible", CONFIG_COMPAT) != 1)
		return vmconfig_fail("/", "compatible", HV_EINVAL, "must be \"%s\"", CONFIG_COMPAT);
	ret = check_props(f, root, "/", root_props, ARRAY_SIZE(root_props));
	if (ret)
		return ret;
	if (get_u32(f, root, "pcpus", &pcpus) && (pcpus == 0 || pcpus > HV_MAX_CPUS))
		return vmconfig_fail("/", "pcpus", HV_ERANGE, "%u; 1 to %u are allowed", pcpus,
				     HV_MAX_CPUS);
	for (child = fdt_first_child(f, root); child >= 0; child = fdt_next_sibling(f, child)) {
		char path[VMCONFIG_NODE_MAX];

		if (fdt_node_name_is(f, child, "vms"))
			continue;
		fdt_node_path(f, child, path, sizeof(path));
		return vmconfig_fail(path, NULL, HV_EINVAL,
				     "unknown node (the root holds /vms only)");
	}
	return child == HV_ENOENT ? HV_OK : vmconfig_fail("/", NULL, HV_EINVAL, "malformed");
}

int vmconfig_parse(const void *blob, size_t size, const struct vmconfig_machine *m,
		   struct vmconfig *out)
{
	struct fdt f;
	int root, vms, ret;

	*out = (struct vmconfig){0};
	ret = fdt_open(&f, blob, size);
	if (ret)
		return vmconfig_fail("/", NULL, ret, "not a device tree (%s at byte %u)",
				     f.err_what ? f.err_what : hv_strerror(ret), f.err_off);
	root = fdt_root(&f);
	ret = root < 0 ? vmconfig_fail("/", NULL, root, "no root node") : parse_root(&f, root);
	if (ret)
		return ret;
	vms = fdt_find_path(&f, "/vms");
	if (vms < 0)
		return vmconfig_fail("/vms", NULL, HV_ENOENT, "missing: no VMs to run");
	ret = parse_vms(&f, vms, m, out);
	if (!ret)
		ret = vmconfig_check_all(out, m);
	if (ret)
		*out = (struct vmconfig){0};
	return ret;
}

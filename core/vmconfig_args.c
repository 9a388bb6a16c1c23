// SPDX-License-Identifier: MIT
/* The one VM of the hv.* boot arguments, as a configuration (core/vmconfig.h): what runs when
 * the machine is given no configuration module (docs/boot.md). */
#include <core/args.h>
#include <core/err.h>
#include <core/lib.h>
#include <core/log.h>
#include <core/placement.h>
#include <core/print.h>
#include <core/vmconfig.h>

/* Guest RAM when hv.guest_mem= (MiB) does not say otherwise. */
#define GUEST_MEM_DEFAULT_MIB 128
#define GUEST_MEM_MAX_MIB     (1ULL << 20)

static int vcpus_of(const char *args, unsigned *out)
{
	uint64_t n = 1;
	int ret = args_get_u64(args, "hv.vcpus", &n);

	if (ret == HV_EINVAL || n == 0 || n > VM_MAX_VCPUS) {
		log_err("boot: hv.vcpus= must be between 1 and %u", VM_MAX_VCPUS);
		return HV_EINVAL;
	}
	*out = (unsigned)n;
	return HV_OK;
}

static int ram_of(const char *args, uint64_t *out)
{
	uint64_t mib = GUEST_MEM_DEFAULT_MIB;
	int ret = args_get_u64(args, "hv.guest_mem", &mib);

	if (ret == HV_EINVAL || (ret == HV_OK && (mib == 0 || mib > GUEST_MEM_MAX_MIB))) {
		log_err("boot: hv.guest_mem= must be a size in MiB between 1 and %llu",
			(unsigned long long)GUEST_MEM_MAX_MIB);
		return HV_EINVAL;
	}
	*out = align_up(mib << 20, SZ_2M);
	return HV_OK;
}

static int placement_of(const char *args, const struct vmconfig_machine *m, struct vm_config *vm)
{
	const char *why = NULL;
	int ret =
	    placement_parse(args, vm->vcpus, m->pcpu_online, m->pcpu_count, vm->pcpu_of, &why);

	if (ret)
		log_err("%s: vCPU placement: %s", vm->name, why);
	return ret;
}

/* The ramdisk module at `addr`, or (addr 0) the first one; never the one at `not_addr`. */
static const struct bootmod *ramdisk_module(const struct bootmod_list *mods, uint64_t addr,
					    uint64_t not_addr)
{
	for (unsigned i = 0; mods && i < mods->count; i++) {
		const struct bootmod *b = &mods->mod[i];

		if (b->kind == BOOTMOD_RAMDISK && b->base != not_addr && (!addr || b->base == addr))
			return b;
	}
	return NULL;
}

/* hv.disk=host: the machine's first virtio-blk disk; hv.memdisk=ADDR: the ramdisk module at
 * ADDR served from memory (read-only with hv.memdisk.ro). In that order, from slot 0. */
static int disks_of(const char *args, const struct bootmod_list *mods, uint64_t memdisk,
		    struct vm_config *vm)
{
	if (args_has(args, "hv.disk=host"))
		vm->disks[vm->disk_count++] = (struct vmconfig_disk){.kind = VMCONFIG_DISK_HOST};
	if (memdisk) {
		const struct bootmod *image = ramdisk_module(mods, memdisk, 0);

		if (!image) {
			log_err("boot: hv.memdisk=0x%llx: no ramdisk module there",
				(unsigned long long)memdisk);
			return HV_EINVAL;
		}
		vm->disks[vm->disk_count++] = (struct vmconfig_disk){
		    .kind = VMCONFIG_DISK_MEMORY,
		    .image = {image->base, image->size},
		    .read_only = args_has(args, "hv.memdisk.ro"),
		};
	}
	return HV_OK;
}

int vmconfig_from_bootargs(const char *bootargs, const struct vmconfig_machine *m,
			   struct vmconfig *out)
{
	const char *args = bootargs ? bootargs : "";
	const struct bootmod *kernel =
	    m->modules ? bootmod_find(m->modules, BOOTMOD_KERNEL, 0) : NULL;
	const struct bootmod *initrd;
	struct vm_config *vm = &out->vm[0];
	uint64_t memdisk = 0;
	int ret;

	memset(out, 0, sizeof(*out));
	if (!kernel)
		return HV_OK; /* nothing to run */
	if (args_get_u64(args, "hv.memdisk", &memdisk) == HV_EINVAL) {
		log_err("boot: hv.memdisk= must be the address of a ramdisk module");
		return HV_EINVAL;
	}
	format(vm->name, sizeof(vm->name), "vm0");
	format(vm->node, sizeof(vm->node), "hv.* boot arguments");
	vm->weight = VMCONFIG_DEFAULT_WEIGHT;
	vm->console = true;
	vm_board_default(&vm->board);
	ret = vcpus_of(args, &vm->vcpus);
	if (!ret)
		ret = ram_of(args, &vm->ram_size);
	if (!ret)
		ret = placement_of(args, m, vm);
	if (!ret)
		ret = disks_of(args, m->modules, memdisk, vm);
	if (ret)
		return ret;
	vm->kernel = (struct vmconfig_span){kernel->base, kernel->size};
	/* The first ramdisk that is not the memory disk is the initramfs. */
	initrd = ramdisk_module(m->modules, 0, memdisk);
	if (initrd)
		vm->initrd = (struct vmconfig_span){initrd->base, initrd->size};
	format(vm->bootargs, sizeof(vm->bootargs), "%s", kernel->args);
	out->count = 1;
	return HV_OK;
}

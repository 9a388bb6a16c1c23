// SPDX-License-Identifier: MIT
/* A VM from its struct vm_config: memory, devices at its board's addresses, images, vCPUs on
 * their pCPUs (vdev/vm_build.h). */
#include <core/err.h>
#include <core/lib.h>
#include <core/log.h>
#include <core/palloc.h>
#include <core/placement.h>
#include <core/print.h>
#include <core/spinlock.h>
#include <core/vm.h>
#include <core/vm_boot.h>
#include <hal/mem.h>
#include <hal/time.h>
#include <vdev/blk_mem.h>
#include <vdev/hostblk.h>
#include <vdev/vgic_mmio.h>
#include <vdev/virtio_blk.h>
#include <vdev/virtio_mmio.h>
#include <vdev/vm_build.h>
#include <vdev/vpl011.h>
#include <vdev/vpl031.h>

/* The machine's disks, each brought up once (the first VM that names it) and kept. */
#define HOST_DISKS 8
static struct hostblk host_disks[HOST_DISKS];
static bool host_disk_up[HOST_DISKS];
static struct spinlock host_disk_lock = SPINLOCK_INIT;

/* The memory disks of each VM slot: set up again for each life of the slot. */
static struct blk_backend mem_disks[VM_MAX][VMCONFIG_MAX_DISKS];

static int host_disk(const struct vm_build_env *env, const struct vm_config *cfg, unsigned index,
		     struct blk_backend **out)
{
	int ret = HV_OK;

	if (index >= HOST_DISKS) {
		log_err("%s: host disk %u: the hypervisor serves disks 0..%u", cfg->name, index,
			HOST_DISKS - 1);
		return HV_EINVAL;
	}
	spin_lock(&host_disk_lock);
	if (!host_disk_up[index]) {
		ret = hostblk_probe(&host_disks[index], env->hw, index, env->alloc);
		host_disk_up[index] = ret == HV_OK;
	}
	spin_unlock(&host_disk_lock);
	if (ret == HV_ENOENT)
		log_err("%s: host disk %u: the machine has no such virtio-blk disk", cfg->name,
			index);
	else if (ret)
		log_err("%s: host disk %u: %s", cfg->name, index, hv_strerror(ret));
	*out = &host_disks[index].backend;
	return ret;
}

static int memory_disk(const struct vm *vm, const struct vm_config *cfg, unsigned n,
		       struct blk_backend **out)
{
	const struct vmconfig_disk *d = &cfg->disks[n];
	struct blk_backend *b = &mem_disks[vm->id][n];

	if (blk_mem_init(b, hal_phys_to_ptr(d->image.base), d->image.size, d->read_only)) {
		log_err("%s: the memory disk's size must be a multiple of 512 bytes", cfg->name);
		return HV_EINVAL;
	}
	*out = b;
	return HV_OK;
}

static int attach_disks(struct vm *vm, const struct vm_config *cfg, const struct vm_build_env *env)
{
	const struct vm_board *bd = &vm->board;
	int ret = HV_OK;

	for (unsigned n = 0; !ret && n < cfg->disk_count; n++) {
		const struct vmconfig_disk *d = &cfg->disks[n];
		uint64_t base = bd->virtio_base + n * VM_VIRTIO_STRIDE;
		struct blk_backend *b;

		if (d->kind == VMCONFIG_DISK_HOST)
			ret = host_disk(env, cfg, d->host_index, &b);
		else
			ret = memory_disk(vm, cfg, n, &b);
		if (!ret)
			ret = virtio_blk_attach(vm, base, bd->virtio_intid + n, b);
		if (!ret)
			log_info("%s: disk vd%c: %s, %llu MiB%s (virtio-mmio 0x%llx, INTID %u)",
				 vm->name, 'a' + n, b->name, (unsigned long long)(b->sectors >> 11),
				 b->read_only ? ", read-only" : "", (unsigned long long)base,
				 bd->virtio_intid + n);
	}
	return ret;
}

static int add_ram(struct vm *vm, const struct vm_config *cfg, const struct vm_build_env *env)
{
	int ret = vm_add_ram(vm, vm->board.ram_base, cfg->ram_size);

	if (ret == HV_ENOMEM)
		log_err("%s: no room for %llu MiB of guest RAM: only %llu MiB of memory are free",
			cfg->name, (unsigned long long)(cfg->ram_size >> 20),
			(unsigned long long)(palloc_free_bytes(env->alloc) >> 20));
	return ret;
}

static int devices(struct vm *vm, const struct vm_config *cfg, const struct vm_build_env *env)
{
	const struct vm_board *bd = &vm->board;
	int ret = vpl011_attach(vm, bd->uart_base);

	if (!ret && bd->rtc_base)
		ret = vpl031_attach(vm, bd->rtc_base);
	if (!ret)
		ret = attach_disks(vm, cfg, env);
	if (!ret) /* every other slot answers as an empty transport, as on QEMU virt */
		ret = virtio_mmio_fill_slots(vm, bd->virtio_base, bd->virtio_slots);
	return ret;
}

/* Where its vCPUs will run, stated in the boot log (the VM manager queues them). */
static int check_placement(struct vm *vm, const struct vm_config *cfg)
{
	char line[16 * VM_MAX_VCPUS];
	size_t at = 0;

	for (unsigned i = 0; i < vm->vcpu_count; i++) {
		if (cfg->pcpu_of[i] >= HV_MAX_CPUS) {
			log_err("%s: vCPU %u: no pCPU %u", vm->name, i, cfg->pcpu_of[i]);
			return HV_EINVAL;
		}
		at += (size_t)format(line + at, sizeof(line) - at, "%s%u->%u", i ? " " : "", i,
				     cfg->pcpu_of[i]);
	}
	log_info("%s: placement (vCPU->pCPU): %s, %u pCPU(s)", vm->name, line,
		 placement_pcpus_used(cfg->pcpu_of, vm->vcpu_count));
	return HV_OK;
}

static void log_layout(const struct vm *vm, const struct vm_config *cfg,
		       const struct vm_boot_layout *l)
{
	log_info("%s: %llu MiB RAM at 0x%llx, %u vCPU(s), %s image of %llu bytes at 0x%llx, "
		 "DTB at 0x%llx",
		 vm->name, (unsigned long long)(cfg->ram_size >> 20),
		 (unsigned long long)vm->board.ram_base, vm->vcpu_count,
		 l->kernel_has_header ? "Image" : "raw", (unsigned long long)l->kernel_size,
		 (unsigned long long)l->kernel_ipa, (unsigned long long)l->dtb_ipa);
	if (l->initrd_size)
		log_info("%s: initramfs of %llu bytes at 0x%llx", vm->name,
			 (unsigned long long)l->initrd_size, (unsigned long long)l->initrd_ipa);
}

int vm_build(const struct vm_config *cfg, const struct vm_build_env *env, struct vm **out)
{
	const struct vm_boot_config boot = {
	    .vcpus = cfg->vcpus,
	    .kernel = hal_phys_to_ptr(cfg->kernel.base),
	    .kernel_size = cfg->kernel.size,
	    .initrd = cfg->initrd.size ? hal_phys_to_ptr(cfg->initrd.base) : NULL,
	    .initrd_size = cfg->initrd.size,
	    .bootargs = cfg->bootargs,
	    .nr_spis = env->nr_spis,
	};
	struct vm_boot_layout layout;
	struct vm *vm;
	int ret = vm_create(&vm, cfg->name, env->ipa_bits, env->pa_bits, env->alloc);

	if (ret) {
		log_err("%s: no VM slot or VMID left (%s)", cfg->name, hv_strerror(ret));
		return ret;
	}
	vm->board = cfg->board;
	vm->weight = cfg->weight;
	ret = add_ram(vm, cfg, env);
	if (!ret)
		ret = devices(vm, cfg, env);
	if (!ret)
		ret = vm_boot_prepare(vm, &boot, &layout);
	if (!ret)
		ret = vgic_dist_attach(vm, vm->board.gicd_base);
	if (!ret)
		ret = vgic_redist_attach(vm, vm->board.gicr_base);
	if (!ret)
		ret = check_placement(vm, cfg);
	if (ret) {
		vm_destroy(vm);
		return ret;
	}
	log_layout(vm, cfg, &layout);
	*out = vm;
	return HV_OK;
}

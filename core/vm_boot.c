// SPDX-License-Identifier: MIT
/* Kernel, initramfs and device tree placement for a guest (see core/vm_boot.h). */
#include <core/err.h>
#include <core/gmem.h>
#include <core/guest_dtb.h>
#include <core/image.h>
#include <core/lib.h>
#include <core/log.h>
#include <core/pvtime.h>
#include <core/vgic.h>
#include <core/vm.h>
#include <core/vm_boot.h>

/* Linux wants the DTB 8-byte aligned, at most 2 MiB, not crossing a 2 MiB boundary: the top
 * 2 MiB of RAM is its slot. */
#define DTB_SLOT     SZ_2M
#define DTB_BUF_SIZE 0x8000

/* One buffer for every VM's device tree, too big for an EL2 stack: dtb_lock keeps it from
 * the time it is built to the time it is copied into the guest, since VMs may be set up on
 * several pCPUs at once. */
static uint8_t dtb_buf[DTB_BUF_SIZE];
static struct spinlock dtb_lock = SPINLOCK_INIT;

/* The VM's own board (vm->board): its RAM, its vCPUs, and the devices on its bus. */
static void board_dtb(const struct vm *vm, const struct vm_boot_config *cfg,
		      struct guest_dtb_config *d)
{
	const struct vm_board *bd = &vm->board;
	uint64_t virtio_end = bd->virtio_base + (uint64_t)bd->virtio_slots * VM_VIRTIO_STRIDE;

	memset(d, 0, sizeof(*d));
	d->vcpu_count = vm->vcpu_count;
	for (unsigned i = 0; i < vm->vcpu_count; i++)
		d->mpidr[i] = vm->vcpus[i].ctx.vmpidr;
	d->ram[0] = (struct guest_dtb_range){vm->ram[0].ipa, vm->ram[0].size};
	d->ram_count = 1;
	d->gic.dist = (struct guest_dtb_range){bd->gicd_base, VM_GICD_SIZE};
	d->gic.redist = (struct guest_dtb_range){bd->gicr_base, VM_GICR_STRIDE * vm->vcpu_count};
	d->gic.nr_spis = vm->vgic.nr_spis;
	d->gic.maint_intid = VGIC_PPI_MAINTENANCE;
	d->uart.reg = (struct guest_dtb_range){bd->uart_base, VM_PL011_SIZE};
	d->uart.intid = bd->uart_intid;
	/* The PL031, when one is on the VM's bus at its board address. */
	for (unsigned i = 0; bd->rtc_base && i < vm->mmio_count; i++) {
		if (vm->mmio[i].base == bd->rtc_base) {
			d->rtc.reg = (struct guest_dtb_range){bd->rtc_base, VM_PL031_SIZE};
			d->rtc.intid = bd->rtc_intid;
		}
	}
	d->timer.sec_phys = 29;
	d->timer.phys = 30;
	d->timer.virt = VGIC_PPI_VTIMER;
	d->timer.hyp_phys = 26;
	if (vpmu_version())
		d->pmu_intid = VGIC_PPI_PMU;
	d->bootargs = cfg->bootargs;
	d->psci = GUEST_DTB_PSCI_HVC;
	/* Every virtio-mmio slot that a device on the MMIO bus covers, and only those: a device
	 * or an empty transport (DeviceID 0) of a board filled as QEMU's is. */
	for (unsigned i = 0; i < vm->mmio_count; i++) {
		const struct mmio_device *dev = &vm->mmio[i];

		if (dev->base < bd->virtio_base || dev->base >= virtio_end)
			continue;
		for (uint64_t a = dev->base; a < dev->base + dev->size; a += VM_VIRTIO_STRIDE) {
			uint64_t slot = (a - bd->virtio_base) / VM_VIRTIO_STRIDE;

			if (slot >= bd->virtio_slots || d->virtio_count == GUEST_DTB_MAX_VIRTIO)
				break;
			d->virtio[d->virtio_count++] = (struct guest_dtb_virtio){
			    .reg = {bd->virtio_base + slot * VM_VIRTIO_STRIDE, VM_VIRTIO_STRIDE},
			    .intid = bd->virtio_intid + (unsigned)slot,
			};
		}
	}
}

static int fail(const struct vm *vm, const char *what, int err)
{
	log_err("%s: %s (%s)", vm->name, what, hv_strerror(err));
	return err;
}

int vm_boot_prepare(struct vm *vm, const struct vm_boot_config *cfg, struct vm_boot_layout *out)
{
	uint64_t ram = vm->ram[0].ipa, ram_end = vm->ram[0].ipa + vm->ram[0].size;
	struct guest_dtb_config dtb;
	struct image_info img;
	size_t dtb_size;
	int ret, copied = HV_OK;

	if (vm->ram_count != 1 || cfg->vcpus == 0 || cfg->vcpus > VM_MAX_VCPUS ||
	    vm->ram[0].size <= DTB_SLOT)
		return fail(vm, "needs one RAM region over 2 MiB and 1..8 vCPUs", HV_EINVAL);
	memset(out, 0, sizeof(*out));
	out->dtb_ipa = ram_end - DTB_SLOT;

	ret = image_place(cfg->kernel, cfg->kernel_size, ram, out->dtb_ipa - ram, &img);
	if (ret != HV_OK)
		return fail(vm, "the kernel image does not fit below the DTB", ret);
	out->kernel_ipa = img.load_ipa;
	out->kernel_size = img.size;
	out->kernel_has_header = img.has_header;
	if (cfg->initrd) {
		uint64_t kernel_end = img.load_ipa + img.reserve;

		out->initrd_size = cfg->initrd_size;
		out->initrd_ipa = align_down(out->dtb_ipa - cfg->initrd_size, PAGE_SIZE);
		if (cfg->initrd_size > out->dtb_ipa - ram || out->initrd_ipa < kernel_end)
			return fail(vm, "the initramfs does not fit between kernel and DTB",
				    HV_ERANGE);
	}

	for (unsigned i = 0; i < cfg->vcpus; i++) {
		struct vcpu *v;

		ret = vm_add_vcpu(vm, img.load_ipa, out->dtb_ipa, &v);
		if (ret != HV_OK)
			return fail(vm, "adding vCPUs", ret);
		/* Only the boot vCPU starts; the others wait for PSCI CPU_ON. */
		if (i)
			v->state = VCPU_OFF;
	}
	vgic_init(vm, cfg->nr_spis);
	ret = pvtime_init(vm);
	if (ret != HV_OK)
		return fail(vm, "mapping the stolen-time page", ret);

	board_dtb(vm, cfg, &dtb);
	if (cfg->initrd) {
		dtb.initrd_start = out->initrd_ipa;
		dtb.initrd_end = out->initrd_ipa + out->initrd_size;
	}
	spin_lock(&dtb_lock);
	ret = guest_dtb_build(&dtb, dtb_buf, sizeof(dtb_buf), &dtb_size);
	if (ret == HV_OK)
		copied = gmem_write(vm, out->dtb_ipa, dtb_buf, dtb_size);
	spin_unlock(&dtb_lock);
	if (ret != HV_OK)
		return fail(vm, "writing the device tree", ret);
	out->dtb_size = dtb_size;

	ret = copied;
	if (ret == HV_OK)
		ret = gmem_write(vm, img.load_ipa, cfg->kernel, cfg->kernel_size);
	if (ret == HV_OK && cfg->initrd)
		ret = gmem_write(vm, out->initrd_ipa, cfg->initrd, cfg->initrd_size);
	/* The boot vCPU starts with its MMU off, reading all of this behind the caches (the
	 * Linux arm64 boot protocol asks the loader to clean the image to the PoC). */
	if (ret == HV_OK)
		ret = gmem_clean(vm, img.load_ipa, cfg->kernel_size);
	if (ret == HV_OK && cfg->initrd)
		ret = gmem_clean(vm, out->initrd_ipa, cfg->initrd_size);
	if (ret == HV_OK)
		ret = gmem_clean(vm, out->dtb_ipa, dtb_size);
	if (ret != HV_OK)
		return fail(vm, "copying the boot images", ret);
	return HV_OK;
}

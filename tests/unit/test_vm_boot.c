// SPDX-License-Identifier: MIT
/* Tests of core/vm_boot.c: a guest booted the arm64 Linux way on a 64 MiB simulated VM. The
 * kernel at RAM base + text_offset (a raw image at + 0x80000), the DTB in the last 2 MiB of
 * RAM, read back with the project's FDT reader and with hw_discover() as a guest kernel would
 * (CPUs and their MPIDRs, RAM, bootargs, GIC, timer, UART, PSCI, the initramfs in /chosen), the
 * initramfs page aligned between kernel and DTB, the boot vCPU entering the kernel with
 * x0 = the DTB's address and the others off; and every refusal: a kernel or initramfs that
 * does not fit, 0 or 9 vCPUs, RAM that is missing or too small. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <core/arch.h>
#include <core/err.h>
#include <core/fdt.h>
#include <core/gmem.h>
#include <core/hwinfo.h>
#include <core/image.h>
#include <core/lib.h>
#include <core/vgic.h>
#include <core/vm.h>
#include <core/vm_boot.h>
#include <hal-sim/sim_hal.h>
#include <sim/sim.h>
#include <vdev/virtio_mmio.h>
#include <vdev/vpl031.h>

#include "fixture.h"

#define RAM_SIZE (64ULL << 20)
#define RAM_END	 (VM_RAM_BASE + RAM_SIZE)
#define DTB_IPA	 (RAM_END - SZ_2M)
#define BOOTARGS "console=ttyAMA0 rdinit=/init earlycon"
#define NR_SPIS	 64

/* booting.rst: code0/1, text_offset, image_size, flags, res2-4, magic "ARM\x64", res5. */
struct arm64_hdr {
	uint32_t code0, code1;
	uint64_t text_offset, image_size, flags, res2, res3, res4;
	uint32_t magic, res5;
};
_Static_assert(sizeof(struct arm64_hdr) == 64, "header layout");

static struct sim_machine m;
static struct vm *vm;
static struct vm_boot_layout layout;
static uint8_t *kernel, *initrd;

static int setup(void **state)
{
	const struct sim_config cfg = {.ram_size = RAM_SIZE};

	sim_hal_reset();
	assert_int_equal(sim_machine_init(&m, &cfg), HV_OK);
	vm = m.vm;
	memset(&layout, 0xee, sizeof(layout));
	kernel = initrd = NULL;
	return 0;
}

static int teardown(void **state)
{
	free(kernel);
	free(initrd);
	sim_machine_destroy(&m);
	return 0;
}

/* A kernel of `size` bytes of a pattern; with an `Image` header when image_size != 0. */
static uint8_t *make_kernel(size_t size, uint64_t text_offset, uint64_t image_size)
{
	kernel = malloc(size);
	assert_non_null(kernel);
	for (size_t i = 0; i < size; i++)
		kernel[i] = (uint8_t)(i * 7 + 1);
	if (image_size) {
		struct arm64_hdr h = {
		    .code0 = 0x91005a4d,
		    .code1 = 0x14000000,
		    .text_offset = text_offset,
		    .image_size = image_size,
		    .flags = 0xa,
		    .magic = 0x644d5241u,
		};

		assert_true(size >= sizeof(h));
		memcpy(kernel, &h, sizeof(h));
	}
	return kernel;
}

static uint8_t *make_initrd(size_t size)
{
	initrd = malloc(size);
	assert_non_null(initrd);
	for (size_t i = 0; i < size; i++)
		initrd[i] = (uint8_t)(i * 13 + 5);
	return initrd;
}

static struct vm_boot_config config(unsigned vcpus, size_t kernel_size, size_t initrd_size)
{
	return (struct vm_boot_config){
	    .vcpus = vcpus,
	    .kernel = kernel,
	    .kernel_size = kernel_size,
	    .initrd = initrd_size ? initrd : NULL,
	    .initrd_size = initrd_size,
	    .bootargs = BOOTARGS,
	    .nr_spis = NR_SPIS,
	};
}

static void assert_ram_holds(uint64_t ipa, const void *data, size_t size)
{
	uint8_t *buf = malloc(size);

	assert_non_null(buf);
	assert_int_equal(gmem_read(vm, ipa, buf, size), HV_OK);
	assert_memory_equal(buf, data, size);
	free(buf);
}

/* The DTB as the guest finds it: layout.dtb_size bytes at the DTB's IPA. */
static uint8_t *read_dtb(void)
{
	uint8_t *blob = malloc(layout.dtb_size);

	assert_non_null(blob);
	assert_int_equal(gmem_read(vm, layout.dtb_ipa, blob, layout.dtb_size), HV_OK);
	return blob;
}

static int chosen_u64(const uint8_t *blob, const char *name, uint64_t *val)
{
	struct fdt f;
	int node;

	assert_int_equal(fdt_open(&f, blob, layout.dtb_size), HV_OK);
	node = fdt_find_path(&f, "/chosen");
	assert_true(node >= 0);
	return fdt_get_u64(&f, node, name, val);
}

/* --- placement ----------------------------------------------------------------------------- */

static void test_vm_boot_image_kernel_lands_at_ram_base_plus_text_offset(void **state)
{
	struct vm_boot_config cfg;

	make_kernel(0x3000, 0x200000, 0x600000);
	cfg = config(1, 0x3000, 0);
	assert_int_equal(vm_boot_prepare(vm, &cfg, &layout), HV_OK);
	assert_int_equal(layout.kernel_ipa, VM_RAM_BASE + 0x200000);
	assert_int_equal(layout.kernel_size, 0x3000);
	assert_true(layout.kernel_has_header);
	assert_ram_holds(VM_RAM_BASE + 0x200000, kernel, 0x3000);
	assert_int_equal(vm->vcpus[0].ctx.pc, VM_RAM_BASE + 0x200000);
}

static void test_vm_boot_raw_kernel_lands_at_ram_base_plus_0x80000(void **state)
{
	struct vm_boot_config cfg;

	make_kernel(0x1234, 0, 0);
	cfg = config(1, 0x1234, 0);
	assert_int_equal(vm_boot_prepare(vm, &cfg, &layout), HV_OK);
	assert_int_equal(layout.kernel_ipa, VM_RAM_BASE + IMAGE_RAW_OFFSET);
	assert_int_equal(layout.kernel_size, 0x1234);
	assert_false(layout.kernel_has_header);
	assert_ram_holds(VM_RAM_BASE + IMAGE_RAW_OFFSET, kernel, 0x1234);
	assert_int_equal(vm->vcpus[0].ctx.pc, VM_RAM_BASE + IMAGE_RAW_OFFSET);
}

static void test_vm_boot_dtb_sits_in_the_last_2mib_and_reads_back(void **state)
{
	struct vm_boot_config cfg;
	uint8_t *blob;
	struct fdt f;

	make_kernel(0x1000, 0, 0);
	cfg = config(2, 0x1000, 0);
	assert_int_equal(vm_boot_prepare(vm, &cfg, &layout), HV_OK);
	/* booting.rst: 8-byte aligned, at most 2 MiB, not crossing a 2 MiB boundary. */
	assert_int_equal(layout.dtb_ipa, DTB_IPA);
	assert_true(layout.dtb_size > 0 && layout.dtb_size <= SZ_2M);
	blob = read_dtb();
	assert_int_equal(fdt_open(&f, blob, layout.dtb_size), HV_OK);
	assert_int_equal(f.size, layout.dtb_size);
	assert_int_equal(fixture_get_be32(blob), FDT_MAGIC);
	free(blob);
}

static void test_vm_boot_dtb_describes_the_vm_to_hw_discover(void **state)
{
	struct vm_boot_config cfg;
	struct hw_info hw;
	uint8_t *blob;

	make_kernel(0x1000, 0, 0);
	cfg = config(4, 0x1000, 0);
	assert_int_equal(vm_boot_prepare(vm, &cfg, &layout), HV_OK);
	blob = read_dtb();
	assert_int_equal(hw_discover(blob, layout.dtb_size, &hw), HV_OK);
	assert_int_equal(hw.cpu_count, 4);
	for (unsigned i = 0; i < 4; i++)
		assert_int_equal(hw.cpu_mpidr[i], vm->vcpus[i].ctx.vmpidr);
	assert_int_equal(hw.mem_count, 1);
	assert_int_equal(hw.mem[0].base, VM_RAM_BASE);
	assert_int_equal(hw.mem[0].size, RAM_SIZE);
	assert_string_equal(hw.bootargs, BOOTARGS);
	assert_int_equal(hw.gicd.base, VM_GICD_BASE);
	assert_int_equal(hw.gicd.size, VM_GICD_SIZE);
	assert_int_equal(hw.gicr_count, 1);
	assert_int_equal(hw.gicr[0].base, VM_GICR_BASE);
	assert_int_equal(hw.gicr[0].size, 4 * VM_GICR_STRIDE);
	assert_true(hw.uart.present);
	assert_int_equal(hw.uart.reg.base, VM_PL011_BASE);
	assert_int_equal(hw.uart.intid, VM_PL011_INTID);
	assert_int_equal(hw.timer.virt, VGIC_PPI_VTIMER);
	assert_int_equal(hw.psci, HW_PSCI_HVC);
	free(blob);
}

static int no_access(struct mmio_device *dev, struct vcpu *vcpu, uint64_t offset, unsigned size,
		     uint64_t *val)
{
	return HV_EINVAL;
}

/* Devices in virtio-mmio slots 0 and 5 (and one outside the window): exactly those two slots
 * are in the DTB, each with the board's SPI. */
static void test_vm_boot_dtb_lists_the_virtio_slots_that_have_devices(void **state)
{
	static const struct mmio_ops ops = {.read = no_access};
	const uint64_t bases[] = {VM_VIRTIO_BASE + 5 * VM_VIRTIO_STRIDE, VM_VIRTIO_BASE,
				  VM_VIRTIO_BASE + VM_VIRTIO_SLOTS * VM_VIRTIO_STRIDE};
	struct vm_boot_config cfg;
	struct hw_info hw;
	uint8_t *blob;

	for (unsigned i = 0; i < ARRAY_SIZE(bases); i++) {
		const struct mmio_device dev = {"dev", bases[i], VM_VIRTIO_STRIDE, &ops, NULL};

		assert_int_equal(vm_add_mmio(vm, &dev), HV_OK);
	}
	make_kernel(0x1000, 0, 0);
	cfg = config(1, 0x1000, 0);
	assert_int_equal(vm_boot_prepare(vm, &cfg, &layout), HV_OK);
	blob = read_dtb();
	assert_int_equal(hw_discover(blob, layout.dtb_size, &hw), HV_OK);
	assert_int_equal(hw.virtio_count, 2);
	assert_int_equal(hw.virtio[0].reg.base, VM_VIRTIO_BASE);
	assert_int_equal(hw.virtio[0].reg.size, VM_VIRTIO_STRIDE);
	assert_int_equal(hw.virtio[0].intid, VM_VIRTIO_INTID(0));
	assert_int_equal(hw.virtio[1].reg.base, VM_VIRTIO_BASE + 5 * VM_VIRTIO_STRIDE);
	assert_int_equal(hw.virtio[1].intid, VM_VIRTIO_INTID(5));
	free(blob);
}

/* A window filled as on QEMU virt (vdev/virtio_mmio_empty.c): a device in slot 3 and empty
 * transports elsewhere give all 32 slots in the DTB, each with its own SPI. */
static void test_vm_boot_dtb_lists_every_slot_of_a_filled_window(void **state)
{
	static const struct mmio_ops ops = {.read = no_access};
	const struct mmio_device dev = {"dev", VM_VIRTIO_BASE + 3 * VM_VIRTIO_STRIDE,
					VM_VIRTIO_STRIDE, &ops, NULL};
	struct vm_boot_config cfg;
	struct hw_info hw;
	uint8_t *blob;

	assert_int_equal(vm_add_mmio(vm, &dev), HV_OK);
	assert_int_equal(virtio_mmio_fill_slots(vm, VM_VIRTIO_BASE, VM_VIRTIO_SLOTS), HV_OK);
	make_kernel(0x1000, 0, 0);
	cfg = config(1, 0x1000, 0);
	assert_int_equal(vm_boot_prepare(vm, &cfg, &layout), HV_OK);
	blob = read_dtb();
	assert_int_equal(hw_discover(blob, layout.dtb_size, &hw), HV_OK);
	assert_int_equal(hw.virtio_count, VM_VIRTIO_SLOTS);
	for (unsigned n = 0; n < VM_VIRTIO_SLOTS; n++) {
		assert_int_equal(hw.virtio[n].reg.base, VM_VIRTIO_BASE + n * VM_VIRTIO_STRIDE);
		assert_int_equal(hw.virtio[n].reg.size, VM_VIRTIO_STRIDE);
		assert_int_equal(hw.virtio[n].intid, VM_VIRTIO_INTID(n));
	}
	free(blob);
}

/* A PL031 on the bus at the board's address is in the DTB as QEMU virt describes it; without
 * one, no RTC node. */
static void test_vm_boot_dtb_lists_the_rtc_when_the_vm_has_one(void **state)
{
	struct vm_boot_config cfg;
	struct hw_info hw;
	uint8_t *blob;

	make_kernel(0x1000, 0, 0);
	cfg = config(1, 0x1000, 0);
	assert_int_equal(vm_boot_prepare(vm, &cfg, &layout), HV_OK);
	blob = read_dtb();
	assert_int_equal(hw_discover(blob, layout.dtb_size, &hw), HV_OK);
	assert_false(hw.rtc.present);
	free(blob);

	assert_int_equal(vpl031_attach(vm, VM_PL031_BASE), HV_OK);
	assert_int_equal(vm_boot_prepare(vm, &cfg, &layout), HV_OK);
	blob = read_dtb();
	assert_int_equal(hw_discover(blob, layout.dtb_size, &hw), HV_OK);
	assert_true(hw.rtc.present);
	assert_int_equal(hw.rtc.reg.base, VM_PL031_BASE);
	assert_int_equal(hw.rtc.reg.size, VM_PL031_SIZE);
	free(blob);
}

static void test_vm_boot_eight_vcpus_are_all_in_the_dtb(void **state)
{
	struct vm_boot_config cfg;
	struct hw_info hw;
	uint8_t *blob;

	make_kernel(0x1000, 0, 0);
	cfg = config(VM_MAX_VCPUS, 0x1000, 0);
	assert_int_equal(vm_boot_prepare(vm, &cfg, &layout), HV_OK);
	assert_int_equal(vm->vcpu_count, VM_MAX_VCPUS);
	blob = read_dtb();
	assert_int_equal(hw_discover(blob, layout.dtb_size, &hw), HV_OK);
	assert_int_equal(hw.cpu_count, VM_MAX_VCPUS);
	for (unsigned i = 0; i < VM_MAX_VCPUS; i++)
		assert_int_equal(hw.cpu_mpidr[i], i);
	assert_int_equal(hw.gicr[0].size, VM_MAX_VCPUS * VM_GICR_STRIDE);
	free(blob);
}

static void test_vm_boot_initramfs_sits_page_aligned_between_kernel_and_dtb(void **state)
{
	const size_t isize = 0x12345; /* not a page multiple */
	struct vm_boot_config cfg;
	uint64_t start, end;
	uint8_t *blob;

	make_kernel(0x3000, 0x200000, 0x600000);
	make_initrd(isize);
	cfg = config(2, 0x3000, isize);
	assert_int_equal(vm_boot_prepare(vm, &cfg, &layout), HV_OK);
	assert_int_equal(layout.initrd_size, isize);
	assert_true(is_aligned(layout.initrd_ipa, PAGE_SIZE));
	assert_true(layout.initrd_ipa >= VM_RAM_BASE + 0x200000 + 0x600000);
	assert_true(layout.initrd_ipa + isize <= layout.dtb_ipa);
	assert_ram_holds(layout.initrd_ipa, initrd, isize);

	/* /chosen says where it is: [linux,initrd-start, linux,initrd-end). */
	blob = read_dtb();
	assert_int_equal(chosen_u64(blob, "linux,initrd-start", &start), HV_OK);
	assert_int_equal(chosen_u64(blob, "linux,initrd-end", &end), HV_OK);
	assert_int_equal(start, layout.initrd_ipa);
	assert_int_equal(end, layout.initrd_ipa + isize);
	free(blob);
}

/* What the boot vCPU reads with its MMU off must be in memory, not only in a cache: every
 * byte of kernel, initramfs and DTB is cleaned to the PoC after it is written. */
#define MAX_CLEANS 4096
static struct {
	uintptr_t start, end;
} cleans[MAX_CLEANS];
static unsigned clean_count;

static void record_clean(const void *ptr, size_t len)
{
	if (clean_count < MAX_CLEANS)
		cleans[clean_count++] = (typeof(cleans[0])){(uintptr_t)ptr, (uintptr_t)ptr + len};
}

static void assert_cleaned_after_load(uint64_t ipa, size_t len, unsigned first)
{
	for (size_t off = 0; off < len; off += 64) {
		uintptr_t a = (uintptr_t)sim_ram_ptr(&m, ipa + off);
		bool found = false;

		for (unsigned i = first; i < clean_count && !found; i++)
			found = a >= cleans[i].start && a < cleans[i].end;
		if (!found)
			fail_msg("IPA 0x%llx not cleaned", (unsigned long long)(ipa + off));
	}
}

static void test_vm_boot_images_are_cleaned_to_the_poc(void **state)
{
	const size_t isize = 0x12345;
	struct vm_boot_config cfg;
	unsigned zeroings_done;

	make_kernel(0x3000, 0x200000, 0x600000);
	make_initrd(isize);
	cfg = config(1, 0x3000, isize);
	clean_count = 0;
	sim_hal.clean_hook = record_clean;
	assert_int_equal(vm_boot_prepare(vm, &cfg, &layout), HV_OK);
	sim_hal.clean_hook = NULL;
	/* The cleans that follow the last zeroing are the ones after the copies. */
	zeroings_done = 0;
	for (unsigned i = 0; i < clean_count; i++) {
		if (cleans[i].end - cleans[i].start == SZ_2M)
			zeroings_done = i + 1;
	}
	assert_cleaned_after_load(layout.kernel_ipa, 0x3000, zeroings_done);
	assert_cleaned_after_load(layout.initrd_ipa, isize, zeroings_done);
	assert_cleaned_after_load(layout.dtb_ipa, layout.dtb_size, zeroings_done);
}

static void test_vm_boot_initramfs_may_end_right_at_the_kernels_reservation(void **state)
{
	/* The kernel reserves up to 0x40000000 + 32 MiB; 30 MiB of initrd fill the gap exactly. */
	const uint64_t reserve = 32ULL << 20, isize = RAM_SIZE - SZ_2M - reserve;
	struct vm_boot_config cfg;

	make_kernel(0x2000, 0, reserve);
	make_initrd(isize);
	cfg = config(1, 0x2000, isize);
	assert_int_equal(vm_boot_prepare(vm, &cfg, &layout), HV_OK);
	assert_int_equal(layout.initrd_ipa, VM_RAM_BASE + reserve);
}

static void test_vm_boot_without_initramfs_or_bootargs_leaves_them_out_of_chosen(void **state)
{
	struct vm_boot_config cfg;
	struct hw_info hw;
	uint64_t val;
	uint8_t *blob;

	make_kernel(0x1000, 0, 0);
	cfg = config(1, 0x1000, 0);
	cfg.bootargs = NULL;
	assert_int_equal(vm_boot_prepare(vm, &cfg, &layout), HV_OK);
	assert_int_equal(layout.initrd_ipa, 0);
	assert_int_equal(layout.initrd_size, 0);
	blob = read_dtb();
	assert_int_equal(chosen_u64(blob, "linux,initrd-start", &val), HV_ENOENT);
	assert_int_equal(chosen_u64(blob, "linux,initrd-end", &val), HV_ENOENT);
	assert_int_equal(hw_discover(blob, layout.dtb_size, &hw), HV_OK);
	assert_string_equal(hw.bootargs, "");
	free(blob);
}

/* --- vCPUs and the vGIC -------------------------------------------------------------------- */

static void
test_vm_boot_boot_vcpu_enters_the_kernel_with_x0_the_dtb_and_the_others_are_off(void **state)
{
	struct vm_boot_config cfg;

	make_kernel(0x1000, 0, 0);
	cfg = config(3, 0x1000, 0);
	assert_int_equal(vm_boot_prepare(vm, &cfg, &layout), HV_OK);
	assert_int_equal(vm->vcpu_count, 3);
	assert_int_equal(vm->vcpus[0].state, VCPU_RUNNABLE);
	assert_int_equal(vm->vcpus[0].ctx.pc, layout.kernel_ipa);
	assert_int_equal(vm->vcpus[0].ctx.x[0], DTB_IPA);
	for (unsigned r = 1; r < 4; r++)
		assert_int_equal(vm->vcpus[0].ctx.x[r], 0);
	assert_int_equal(vm->vcpus[0].ctx.pstate, PSTATE_M_EL1H | PSTATE_DAIF);
	assert_int_equal(vm->vcpus[0].ctx.el1[HAL_SCTLR_EL1], SCTLR_EL1_RESET);
	for (unsigned i = 0; i < 3; i++)
		assert_int_equal(vm->vcpus[i].ctx.vmpidr, i);
	assert_int_equal(vm->vcpus[1].state, VCPU_OFF);
	assert_int_equal(vm->vcpus[2].state, VCPU_OFF);
}

static void test_vm_boot_sets_up_the_vgic_for_every_vcpu(void **state)
{
	struct vm_boot_config cfg;

	make_kernel(0x1000, 0, 0);
	cfg = config(2, 0x1000, 0);
	cfg.nr_spis = 40; /* rounded up to 32s */
	assert_int_equal(vm_boot_prepare(vm, &cfg, &layout), HV_OK);
	assert_int_equal(vm->vgic.nr_spis, 64);
	for (unsigned i = 0; i < 2; i++) {
		assert_ptr_equal(vm->vcpus[i].vgic.private_irqs[VGIC_PPI_VTIMER].target,
				 &vm->vcpus[i]);
		assert_true(vm->vcpus[i].vgic.nr_lrs > 0);
	}
}

/* --- refusals ------------------------------------------------------------------------------ */

static void assert_refused(int ret, int want)
{
	assert_int_equal(ret, want);
	assert_int_equal(vm->vcpu_count, 0);
	assert_int_equal(console_line_count(), 1);
	assert_true(console_has_prefix("error: sim: "));
}

static void test_vm_boot_kernel_that_does_not_fit_below_the_dtb_is_refused(void **state)
{
	/* A raw image may use [0x80000, 62 MiB): one byte more reaches the DTB's slot. */
	const size_t fits = RAM_SIZE - SZ_2M - IMAGE_RAW_OFFSET;
	struct vm_boot_config cfg;

	make_kernel(fits + 1, 0, 0);
	cfg = config(1, fits + 1, 0);
	assert_refused(vm_boot_prepare(vm, &cfg, &layout), HV_ERANGE);
	assert_true(console_has_prefix("error: sim: the kernel image does not fit below the DTB"));

	cfg.kernel_size = fits;
	assert_int_equal(vm_boot_prepare(vm, &cfg, &layout), HV_OK);
	assert_int_equal(layout.kernel_size, fits);
}

static void test_vm_boot_kernel_whose_image_size_reaches_the_dtb_is_refused(void **state)
{
	struct vm_boot_config cfg;

	make_kernel(0x1000, 0x200000, RAM_SIZE - SZ_2M - 0x200000 + 0x1000);
	cfg = config(1, 0x1000, 0);
	assert_refused(vm_boot_prepare(vm, &cfg, &layout), HV_ERANGE);
}

static void test_vm_boot_initramfs_that_does_not_fit_is_refused(void **state)
{
	const uint64_t reserve = 32ULL << 20, gap = RAM_SIZE - SZ_2M - reserve;
	struct vm_boot_config cfg;

	/* One byte too many for the gap between the kernel's reservation and the DTB. */
	make_kernel(0x2000, 0, reserve);
	make_initrd(gap + 1);
	cfg = config(1, 0x2000, gap + 1);
	assert_refused(vm_boot_prepare(vm, &cfg, &layout), HV_ERANGE);
	assert_true(
	    console_has_prefix("error: sim: the initramfs does not fit between kernel and DTB"));
}

static void test_vm_boot_initramfs_bigger_than_ram_is_refused(void **state)
{
	struct vm_boot_config cfg;

	make_kernel(0x1000, 0, 0);
	make_initrd(16);
	cfg = config(1, 0x1000, 0);
	cfg.initrd = initrd;
	cfg.initrd_size = RAM_SIZE + 1; /* never read: refused on its size */
	assert_refused(vm_boot_prepare(vm, &cfg, &layout), HV_ERANGE);
	cfg.initrd_size = SIZE_MAX;
	sim_console_clear();
	assert_refused(vm_boot_prepare(vm, &cfg, &layout), HV_ERANGE);
}

static void test_vm_boot_zero_or_nine_vcpus_are_refused(void **state)
{
	struct vm_boot_config cfg;

	make_kernel(0x1000, 0, 0);
	cfg = config(0, 0x1000, 0);
	assert_refused(vm_boot_prepare(vm, &cfg, &layout), HV_EINVAL);
	cfg.vcpus = VM_MAX_VCPUS + 1;
	sim_console_clear();
	assert_refused(vm_boot_prepare(vm, &cfg, &layout), HV_EINVAL);
}

static void test_vm_boot_without_ram_or_with_only_2mib_is_refused(void **state)
{
	const struct sim_config no_ram = {.no_ram = true};
	struct vm_boot_config cfg;

	make_kernel(0x1000, 0, 0);
	cfg = config(1, 0x1000, 0);
	sim_machine_destroy(&m);
	assert_int_equal(sim_machine_init(&m, &no_ram), HV_OK);
	vm = m.vm;
	assert_refused(vm_boot_prepare(vm, &cfg, &layout), HV_EINVAL);
	assert_int_equal(vm_add_ram(vm, VM_RAM_BASE, SZ_2M), HV_OK);
	sim_console_clear();
	assert_refused(vm_boot_prepare(vm, &cfg, &layout), HV_EINVAL);
}

static void test_vm_boot_bad_image_header_is_refused(void **state)
{
	struct vm_boot_config cfg;

	make_kernel(0x1000, 0x80800, 0x10000); /* text_offset not 4 KiB aligned */
	cfg = config(1, 0x1000, 0);
	assert_refused(vm_boot_prepare(vm, &cfg, &layout), HV_EINVAL);
}

static void test_vm_boot_bootargs_too_long_for_the_dtb_are_refused(void **state)
{
	static char args[3000];
	struct vm_boot_config cfg;

	memset(args, 'a', sizeof(args) - 1);
	make_kernel(0x1000, 0, 0);
	cfg = config(1, 0x1000, 0);
	cfg.bootargs = args;
	assert_int_equal(vm_boot_prepare(vm, &cfg, &layout), HV_EINVAL);
	assert_true(console_has_prefix("error: sim: writing the device tree"));
}

static void test_vm_boot_vm_without_room_for_the_vcpus_is_refused(void **state)
{
	struct vm_boot_config cfg;
	struct vcpu *v;

	for (unsigned i = 0; i < VM_MAX_VCPUS - 2; i++)
		assert_int_equal(vm_add_vcpu(vm, VM_RAM_BASE, 0, &v), HV_OK);
	make_kernel(0x1000, 0, 0);
	cfg = config(3, 0x1000, 0);
	assert_int_equal(vm_boot_prepare(vm, &cfg, &layout), HV_ENOMEM);
	assert_true(console_has_prefix("error: sim: adding vCPUs"));
}

int main(void)
{
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
	const struct CMUnitTest tests[] = {
	    T(test_vm_boot_image_kernel_lands_at_ram_base_plus_text_offset),
	    T(test_vm_boot_raw_kernel_lands_at_ram_base_plus_0x80000),
	    T(test_vm_boot_dtb_sits_in_the_last_2mib_and_reads_back),
	    T(test_vm_boot_dtb_describes_the_vm_to_hw_discover),
	    T(test_vm_boot_dtb_lists_the_virtio_slots_that_have_devices),
	    T(test_vm_boot_dtb_lists_every_slot_of_a_filled_window),
	    T(test_vm_boot_dtb_lists_the_rtc_when_the_vm_has_one),
	    T(test_vm_boot_eight_vcpus_are_all_in_the_dtb),
	    T(test_vm_boot_initramfs_sits_page_aligned_between_kernel_and_dtb),
	    T(test_vm_boot_images_are_cleaned_to_the_poc),
	    T(test_vm_boot_initramfs_may_end_right_at_the_kernels_reservation),
	    T(test_vm_boot_without_initramfs_or_bootargs_leaves_them_out_of_chosen),
	    T(test_vm_boot_boot_vcpu_enters_the_kernel_with_x0_the_dtb_and_the_others_are_off),
	    T(test_vm_boot_sets_up_the_vgic_for_every_vcpu),
	    T(test_vm_boot_kernel_that_does_not_fit_below_the_dtb_is_refused),
	    T(test_vm_boot_kernel_whose_image_size_reaches_the_dtb_is_refused),
	    T(test_vm_boot_initramfs_that_does_not_fit_is_refused),
	    T(test_vm_boot_initramfs_bigger_than_ram_is_refused),
	    T(test_vm_boot_zero_or_nine_vcpus_are_refused),
	    T(test_vm_boot_without_ram_or_with_only_2mib_is_refused),
	    T(test_vm_boot_bad_image_header_is_refused),
	    T(test_vm_boot_bootargs_too_long_for_the_dtb_are_refused),
	    T(test_vm_boot_vm_without_room_for_the_vcpus_is_refused),
	};
#undef T

	return cmocka_run_group_tests(tests, NULL, NULL);
}

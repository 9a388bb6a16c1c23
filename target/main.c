// SPDX-License-Identifier: MIT
/* Boot of the EL2 image on QEMU virt: the one place that wires core/ and hal/ together. */
#include <core/args.h>
#include <core/bootmod.h>
#include <core/console_vm.h>
#include <core/el2map.h>
#include <core/err.h>
#include <core/fdt.h>
#include <core/hvconsole.h>
#include <core/hwinfo.h>
#include <core/image.h>
#include <core/irq.h>
#include <core/lib.h>
#include <core/log.h>
#include <core/palloc.h>
#include <core/pcpu.h>
#include <core/pgtable.h>
#include <core/placement.h>
#include <core/print.h>
#include <core/sched.h>
#include <core/trap.h>
#include <core/vgic.h>
#include <core/vm.h>
#include <core/vm_boot.h>
#include <hal/console.h>
#include <hal/cpu.h>
#include <hal/firmware.h>
#include <hal/io.h>
#include <hal/mem.h>
#include <hal/mmu.h>
#include <hal/time.h>
#include <hal/vcpu.h>
#include <vdev/blk_mem.h>
#include <vdev/hostblk.h>
#include <vdev/vgic_mmio.h>
#include <vdev/virtio_blk.h>
#include <vdev/virtio_mmio.h>
#include <vdev/vpl011.h>
#include <vdev/vpl031.h>

#include "gic_setup.h"

#include "layout.h"
#include "target.h"

_Static_assert(TARGET_MAX_CPUS == HV_MAX_CPUS, "target/layout.h and core/hwinfo.h disagree");

/* Stacks of every pCPU; target/head.S points SP at the top of entry [index]. */
uint8_t pcpu_stacks[TARGET_MAX_CPUS][TARGET_STACK_SIZE] __attribute__((aligned(16)));

/* Linker script symbols (target/linker.ld). */
extern char _start_image[], _etext[], _erodata[], _end[];

/* A DTB claiming more than this is refused rather than read (QEMU pads its own to 1 MiB). */
#define HOST_DTB_MAX_SIZE (2u << 20)

/* One second of the counter for a secondary CPU to report in. */
#define CPU_ON_TIMEOUT_SECONDS 1

/* Guest RAM when hv.guest_mem= (MiB) does not say otherwise. */
#define GUEST_MEM_DEFAULT_MIB 128
/* SPIs every VM's distributor has (INTIDs 32-95): the PL011 and room for virtio-mmio. */
#define GUEST_NR_SPIS 64

/* Stage-2 input size of every VM: the board of docs/guest-abi.md fits in 40 bits. */
#define GUEST_IPA_BITS 40

static struct hw_info hw;
static struct bootmod_list modules;
static struct palloc page_alloc;
static struct pgt el2_pgt;

/* What a secondary CPU needs to turn its MMU on. It reads this with its caches off, so the
 * boot CPU cleans it to the point of coherency after writing it. */
static struct {
	uint64_t root_pa;
	uint64_t tcr;
} el2_mmu;

static _Noreturn void boot_fail(const char *what, int err)
{
	log_err("boot: %s failed: %s", what, hv_strerror(err));
	hal_machine_exit(1);
}

static uint32_t be32_at(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* The DTB's own header says how long it is; hw_discover() checks everything inside. */
static size_t host_dtb_size(const void *dtb)
{
	uint32_t size = be32_at((const uint8_t *)dtb + 4);

	return MIN(size, HOST_DTB_MAX_SIZE);
}

static bool bootargs_have(const char *word)
{
	return args_has(hw.bootargs, word);
}

/* How to report the end of the run is decided before anything can fail, so a bad host DTB
 * still ends a test run with a failure status instead of a reset. */
static void exit_method_init(const void *dtb, size_t size)
{
	const char *args;
	struct fdt f;
	int chosen;

	if (fdt_open(&f, dtb, size) == HV_OK && (chosen = fdt_find_path(&f, "/chosen")) >= 0 &&
	    fdt_get_string(&f, chosen, "bootargs", &args) == HV_OK &&
	    args_has(args, "hv.exit=semihosting"))
		hal_debug_exit_enable();
}

/* "hv.fault=<what>" on the command line makes the hypervisor break its own rules on
 * purpose, so a test can watch the MMU stop it and the exception dump that follows. */
static void fault_injection(void)
{
	if (bootargs_have("hv.fault=write-text")) {
		log_info("fault: writing to hypervisor text");
		*(volatile uint32_t *)(void *)_start_image = 0;
	} else if (bootargs_have("hv.fault=exec-data")) {
		static uint32_t ret_insn = 0xd65f03c0; /* RET */

		log_info("fault: executing from hypervisor data");
		((void (*)(void))(void *)&ret_insn)();
	}
}

/* Memory the DTB's /memreserve/ entries set aside (firmware, spin tables) is never handed
 * out. A range outside RAM changes nothing. */
static void reserve_firmware_memory(const void *dtb, size_t dtb_size)
{
	uint64_t base, size;
	struct fdt f;

	if (fdt_open(&f, dtb, dtb_size) != HV_OK)
		return;
	for (unsigned i = 0; fdt_mem_rsv(&f, i, &base, &size) == HV_OK; i++) {
		if (!range_ok(base, size) || palloc_reserve(&page_alloc, base, size) != HV_OK) {
			log_warn("mem: cannot honour /memreserve/ 0x%llx+0x%llx",
				 (unsigned long long)base, (unsigned long long)size);
			continue;
		}
		log_info("mem: reserved 0x%llx+0x%llx (/memreserve/)", (unsigned long long)base,
			 (unsigned long long)size);
	}
}

static void memory_init(const void *dtb, uint64_t dtb_pa, size_t dtb_size)
{
	int ret = 0;

	palloc_init(&page_alloc);
	for (unsigned i = 0; i < hw.mem_count && !ret; i++)
		ret = palloc_add(&page_alloc, hw.mem[i].base, hw.mem[i].size);
	if (!ret)
		ret = palloc_reserve(&page_alloc, hal_ptr_to_phys(_start_image),
				     hal_ptr_to_phys(_end) - hal_ptr_to_phys(_start_image));
	if (!ret)
		ret = palloc_reserve(&page_alloc, dtb_pa, dtb_size);
	if (ret)
		boot_fail("page allocator setup", ret);
	reserve_firmware_memory(dtb, dtb_size);
	/* Boot modules stay where the loader put them until they are copied into a VM, once
	 * they are known not to cover anything else. */
	ret = target_bootmod_check(&modules, &hw, dtb, dtb_pa, dtb_size);
	if (ret)
		boot_fail("boot modules", ret);
	for (unsigned i = 0; i < modules.count; i++) {
		ret = palloc_reserve(&page_alloc, modules.mod[i].base, modules.mod[i].size);
		if (ret)
			boot_fail("reserving boot modules", ret);
	}
}

static void mmu_init(void)
{
	struct el2_image img = {
	    .text_start = hal_ptr_to_phys(_start_image),
	    .text_end = hal_ptr_to_phys(_etext),
	    .rodata_end = hal_ptr_to_phys(_erodata),
	    .end = hal_ptr_to_phys(_end),
	};
	unsigned pa_bits = hal_pa_bits();
	int ret = el2map_build(&el2_pgt, &page_alloc, &hw, &img, pa_bits);

	if (ret)
		boot_fail("EL2 map", ret);
	el2_mmu.root_pa = el2_pgt.root_pa;
	el2_mmu.tcr = pgt_tcr(&el2_pgt, pa_bits);
	hal_dcache_clean_range(&el2_mmu, sizeof(el2_mmu));
	hal_el2_mmu_enable(el2_mmu.root_pa, el2_mmu.tcr, PGT_MAIR_EL2_VALUE);
	log_info("mmu: EL2 stage-1 on, %u-bit identity map, %u table pages", el2_pgt.ia_bits,
		 el2_pgt.table_pages);
	log_info("mmu: stage 2 %s", hal_s2_forces_wb()
					? "forces guest RAM write-back (FEAT_S2FWB)"
					: "leaves cacheability to the guest (no FEAT_S2FWB)");
}

/* The physical GIC, then the interrupts the hypervisor itself takes. */
static void interrupts_init(void)
{
	const struct irq_config cfg = {
	    .maintenance = VGIC_PPI_MAINTENANCE,
	    .vtimer = hw.timer.virt,
	    .hyp_timer = hw.timer.hyp_phys,
	    .uart = hw.uart.present ? hw.uart.intid : 0,
	};
	int ret = target_gic_init(&hw);

	if (ret)
		boot_fail("GIC", ret);
	irq_init(&cfg);
	irq_cpu_init();
	if (!hal_vgic_can_trap_dir())
		log_warn("gic: ICC_DIR_EL1 cannot be trapped (ICH_VTR_EL2.TDS = 0): an EOImode 1 "
			 "guest nesting more than %u interrupts may see the wrong one deactivated",
			 hal_vgic_nr_lrs());
}

static uint64_t guest_mem_bytes(void)
{
	uint64_t mib = GUEST_MEM_DEFAULT_MIB;
	int ret = args_get_u64(hw.bootargs, "hv.guest_mem", &mib);

	if (ret == HV_EINVAL || (ret == HV_OK && (mib == 0 || mib > (1ULL << 20)))) {
		log_err("boot: hv.guest_mem= must be a size in MiB between 1 and 1048576");
		hal_machine_exit(1);
	}
	return align_up(mib << 20, SZ_2M);
}

/* Each vCPU on the pCPU that hv.pcpus= / hv.affinity= gives it (core/placement.h), stated in
 * the boot log. */
static int place_vcpus(struct vm *vm)
{
	bool online[HV_MAX_CPUS];
	unsigned pcpu_of[VM_MAX_VCPUS];
	char line[16 * VM_MAX_VCPUS];
	size_t at = 0;
	const char *why = NULL;
	int ret;

	for (unsigned i = 0; i < HV_MAX_CPUS; i++) {
		const struct pcpu *p = pcpu_get(i);

		online[i] = p && atomic_load(&p->online);
	}
	ret = placement_parse(hw.bootargs, vm->vcpu_count, online, HV_MAX_CPUS, pcpu_of, &why);
	if (ret) {
		log_err("%s: vCPU placement: %s", vm->name, why);
		return ret;
	}
	for (unsigned i = 0; !ret && i < vm->vcpu_count; i++) {
		ret = sched_assign(&vm->vcpus[i], pcpu_of[i]);
		at += (size_t)format(line + at, sizeof(line) - at, "%s%u->%u", i ? " " : "", i,
				     pcpu_of[i]);
	}
	if (!ret)
		log_info("%s: placement (vCPU->pCPU): %s, %u pCPU(s)", vm->name, line,
			 placement_pcpus_used(pcpu_of, vm->vcpu_count));
	return ret;
}

/* Until VMs come from a configuration: the first kernel module runs as vm0 with one vCPU,
 * and the run ends with its status. */
static unsigned guest_vcpus(void)
{
	uint64_t n = 1;
	int ret = args_get_u64(hw.bootargs, "hv.vcpus", &n);

	if (ret == HV_EINVAL || n == 0 || n > VM_MAX_VCPUS) {
		log_err("boot: hv.vcpus= must be between 1 and %u", VM_MAX_VCPUS);
		hal_machine_exit(1);
	}
	return (unsigned)n;
}

/* The disks of vm0, until VMs come from a configuration. Each adds one in the next virtio-mmio
 * slot (/dev/vda, vdb, ...):
 *   hv.disk=host       the machine's first virtio-blk disk (a file on the QEMU host: persistent)
 *   hv.memdisk=ADDR    the ramdisk module loaded at ADDR, served from memory (writes are lost at
 *                      power-off); read-only with the word hv.memdisk.ro */
static struct hostblk host_disk;
static struct blk_backend mem_disk;

/* The ramdisk module at `addr`, or (addr 0) the first one: the initramfs. The memory disk's
 * module is never taken for the initramfs. */
static const struct bootmod *ramdisk_module(uint64_t addr, uint64_t not_addr)
{
	for (unsigned i = 0; i < modules.count; i++) {
		const struct bootmod *m = &modules.mod[i];

		if (m->kind == BOOTMOD_RAMDISK && m->base != not_addr && (!addr || m->base == addr))
			return m;
	}
	return NULL;
}

static uint64_t memdisk_addr(void)
{
	uint64_t addr = 0;

	if (args_get_u64(hw.bootargs, "hv.memdisk", &addr) == HV_EINVAL) {
		log_err("boot: hv.memdisk= must be the address of a ramdisk module");
		hal_machine_exit(1);
	}
	return addr;
}

static struct blk_backend *host_disk_backend(void)
{
	int ret = hostblk_probe(&host_disk, &hw, 0, &page_alloc);

	if (ret == HV_ENOENT)
		log_err("boot: hv.disk=host, but the machine has no virtio-blk disk");
	if (ret)
		boot_fail("host disk", ret);
	return &host_disk.backend;
}

static struct blk_backend *memory_disk_backend(uint64_t addr)
{
	const struct bootmod *image = ramdisk_module(addr, 0);
	int ret;

	if (!image) {
		log_err("boot: hv.memdisk=0x%llx: no ramdisk module there",
			(unsigned long long)addr);
		return NULL;
	}
	ret = blk_mem_init(&mem_disk, hal_phys_to_ptr(image->base), image->size,
			   args_has(hw.bootargs, "hv.memdisk.ro"));
	if (ret) {
		log_err("boot: the memory disk's size must be a multiple of 512 bytes");
		return NULL;
	}
	return &mem_disk;
}

static int attach_disk(struct vm *vm, unsigned slot, struct blk_backend *b)
{
	uint64_t base = VM_VIRTIO_BASE + slot * VM_VIRTIO_STRIDE;
	int ret = virtio_blk_attach(vm, base, VM_VIRTIO_INTID(slot), b);

	if (!ret)
		log_info("%s: disk vd%c: %s, %llu MiB%s (virtio-mmio 0x%llx, INTID %u)", vm->name,
			 'a' + slot, b->name, (unsigned long long)(b->sectors >> 11),
			 b->read_only ? ", read-only" : "", (unsigned long long)base,
			 VM_VIRTIO_INTID(slot));
	return ret;
}

static int attach_disks(struct vm *vm)
{
	uint64_t memdisk = memdisk_addr();
	unsigned slot = 0;
	int ret = HV_OK;

	if (args_has(hw.bootargs, "hv.disk=host"))
		ret = attach_disk(vm, slot++, host_disk_backend());
	if (!ret && memdisk) {
		struct blk_backend *b = memory_disk_backend(memdisk);

		ret = b ? attach_disk(vm, slot++, b) : HV_EINVAL;
	}
	return ret;
}

/* Until VMs come from a configuration: the first kernel module (with the first ramdisk, if any)
 * runs as vm0, all its vCPUs time-sliced on this pCPU, and the run ends with its status. */
static void run_first_guest(void)
{
	const struct bootmod *kernel = bootmod_find(&modules, BOOTMOD_KERNEL, 0);
	const struct bootmod *initrd = ramdisk_module(0, memdisk_addr());
	uint64_t mem = guest_mem_bytes();
	uint64_t t0 = hal_counter_now(), freq = hal_counter_freq();
	struct vm_boot_layout layout;
	struct vm_boot_config cfg;
	struct vm *vm;
	int ret;

	if (!kernel)
		return;
	cfg = (struct vm_boot_config){
	    .vcpus = guest_vcpus(),
	    .kernel = hal_phys_to_ptr(kernel->base),
	    .kernel_size = kernel->size,
	    .initrd = initrd ? hal_phys_to_ptr(initrd->base) : NULL,
	    .initrd_size = initrd ? initrd->size : 0,
	    .bootargs = kernel->args,
	    .nr_spis = GUEST_NR_SPIS,
	};
	sched_set_plain_round_robin(bootargs_have("hv.sched=rr"));
	ret = vm_create(&vm, "vm0", MIN(GUEST_IPA_BITS, hal_pa_bits()), hal_pa_bits(), &page_alloc);
	if (!ret)
		ret = vm_add_ram(vm, VM_RAM_BASE, mem);
	if (ret == HV_ENOMEM)
		log_err("vm0: no room for %llu MiB of guest RAM (hv.guest_mem=): %llu MiB of the "
			"machine's %llu MiB are free",
			(unsigned long long)(mem >> 20),
			(unsigned long long)(palloc_free_bytes(&page_alloc) >> 20),
			(unsigned long long)(hw.mem_total >> 20));
	if (!ret)
		ret = vpl011_attach(vm, VM_PL011_BASE);
	if (!ret)
		ret = vpl031_attach(vm, VM_PL031_BASE);
	if (!ret)
		ret = attach_disks(vm);
	if (!ret) /* every other slot answers as an empty transport, as on QEMU virt */
		ret = virtio_mmio_fill_slots(vm, VM_VIRTIO_BASE, VM_VIRTIO_SLOTS);
	if (!ret)
		ret = vm_boot_prepare(vm, &cfg, &layout);
	if (!ret)
		ret = vgic_dist_attach(vm, VM_GICD_BASE);
	if (!ret)
		ret = vgic_redist_attach(vm, VM_GICR_BASE);
	if (!ret)
		ret = place_vcpus(vm);
	if (ret)
		boot_fail("creating vm0", ret);
	console_vm_added(vm, true);
	log_info("vm0: %llu MiB RAM at 0x%llx, %u vCPU(s), %s image of %llu bytes at 0x%llx, "
		 "DTB at 0x%llx",
		 (unsigned long long)(mem >> 20), (unsigned long long)VM_RAM_BASE, vm->vcpu_count,
		 layout.kernel_has_header ? "Image" : "raw", (unsigned long long)layout.kernel_size,
		 (unsigned long long)layout.kernel_ipa, (unsigned long long)layout.dtb_ipa);
	if (initrd)
		log_info("vm0: initramfs of %llu bytes at 0x%llx",
			 (unsigned long long)layout.initrd_size,
			 (unsigned long long)layout.initrd_ipa);
	/* make bench reads this: creation (RAM reserved, images loaded) and when the guest
	 * starts, on the system counter (under -icount shift=0: instructions since reset). */
	log_info("vm0: created in %llu us, starts %llu us after reset",
		 (unsigned long long)((hal_counter_now() - t0) * 1000000 / freq),
		 (unsigned long long)(hal_counter_now() * 1000000 / freq));

	sched_start();
	sched_run();
	if (!sched_wait_served(vm, CPU_ON_TIMEOUT_SECONDS * freq))
		log_warn("vm0: a pCPU did not leave its vCPUs within %u s of the VM's stop",
			 CPU_ON_TIMEOUT_SECONDS);

	console_vm_removed(vm);
	hvconsole_vm_stopped(vm);
	sched_stats_pcpu_log(bootargs_have("hv.schedstats"));
	if (bootargs_have("hv.schedstats"))
		sched_stats_log(vm);
	hal_machine_exit(vm->exit_status);
}

_Noreturn void hv_main(uint64_t dtb_pa)
{
	const void *dtb = hal_phys_to_ptr(dtb_pa);
	size_t dtb_size;
	int ret;

	log_info("hv: EL2 hypervisor starting (EL%u, DTB at 0x%llx)", hal_current_el(),
		 (unsigned long long)dtb_pa);
	dtb_size = host_dtb_size(dtb);
	exit_method_init(dtb, dtb_size);
	ret = hw_discover(dtb, dtb_size, &hw);
	if (ret)
		boot_fail("host DTB", ret);
	ret = bootmod_discover(dtb, dtb_size, &modules);
	if (ret)
		boot_fail("boot modules", ret);
	hal_psci_set_conduit(hw.psci == HW_PSCI_HVC ? HAL_PSCI_HVC : HAL_PSCI_SMC);
	if (hw.uart.present)
		hal_console_init(hw.uart.reg.base);
	hw_print(&hw);

	memory_init(dtb, dtb_pa, dtb_size);
	mmu_init();
	/* The machine's RTC is read once: guests' clocks run on from it with the counter. */
	if (hw.rtc.present)
		vpl031_set_wall_clock(hal_mmio_read32(hw.rtc.reg.base + PL031_DR),
				      hal_counter_now());

	ret = pcpu_init(&hw, hal_cpu_mpidr());
	if (ret)
		boot_fail("pCPU table", ret);
	interrupts_init();
	pcpu_start_secondaries(CPU_ON_TIMEOUT_SECONDS * hal_counter_freq());
	log_info("smp: %u of %u cpus online", pcpu_online_count(), pcpu_count());

	fault_injection();

	struct selftest_env env = {
	    .alloc = &page_alloc,
	    .el2_pgt = &el2_pgt,
	    .text = hal_ptr_to_phys(_start_image),
	    .rodata = hal_ptr_to_phys(_etext),
	    .data = hal_ptr_to_phys(_erodata),
	    .uart = hw.uart.present ? hw.uart.reg.base : 0,
	};
	unsigned failed = selftest_run(&env) + selftest_gic();

	if (failed) {
		log_err("hv: %u self-check(s) failed", failed);
		hal_machine_exit(1);
	}
	log_info("hv: all self-checks passed");
	smccc_probe_firmware();
	hvconsole_init(NULL, NULL);
	run_first_guest();
	log_info("hv: nothing left to run; powering off");
	hal_machine_exit(0);
}

_Noreturn void secondary_main(unsigned id)
{
	hal_el2_mmu_enable(el2_mmu.root_pa, el2_mmu.tcr, PGT_MAIR_EL2_VALUE);
	if (target_gic_cpu_init() != HV_OK)
		log_err("cpu %u: no redistributor for this CPU; it takes no interrupts", id);
	else
		irq_cpu_init();
	pcpu_report_online(id);
	/* Sleep until the boot pCPU gives this one vCPUs, run them until their VM stops, again. */
	for (;;)
		sched_serve();
}

// SPDX-License-Identifier: MIT
/* Boot of the EL2 image on QEMU virt: the one place that wires core/ and hal/ together. */
#include <core/args.h>
#include <core/bootmod.h>
#include <core/el2map.h>
#include <core/err.h>
#include <core/fdt.h>
#include <core/hvconsole.h>
#include <core/hwinfo.h>
#include <core/irq.h>
#include <core/lib.h>
#include <core/log.h>
#include <core/palloc.h>
#include <core/pcpu.h>
#include <core/pgtable.h>
#include <core/print.h>
#include <core/sched.h>
#include <core/trap.h>
#include <core/vm.h>
#include <core/vm_ctl.h>
#include <core/vmconfig.h>
#include <core/vsve.h>
#include <hal/console.h>
#include <hal/cpu.h>
#include <hal/firmware.h>
#include <hal/io.h>
#include <hal/mem.h>
#include <hal/mmu.h>
#include <hal/time.h>
#include <hal/vcpu.h>
#include <vdev/vm_build.h>
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

/* SPIs every VM's distributor has (INTIDs 32-95): the PL011 and room for virtio-mmio. */
#define GUEST_NR_SPIS 64

/* Stage-2 input size of every VM: the board of docs/guest-abi.md fits in 40 bits. */
#define GUEST_IPA_BITS 40

/* The PMU overflow interrupt: INTID 23, as Arm's Server Base System Architecture recommends
 * and QEMU virt's arm,armv8-pmuv3 node gives (PPI 7). The host DTB's PMU node is not read. */
#define HOST_PMU_INTID 23

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
	    .ptimer = hw.timer.phys,
	    .pmu = HOST_PMU_INTID,
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

/* What the machine runs (docs/boot.md): the VMs of the configuration module, or of the hv.*
 * boot arguments, made and looked after by the VM manager on this pCPU until the last one has
 * stopped. */
static struct vmconfig config;
static struct vm_build_env build_env;
/* The hypervisor console's reset / stop / start go to the VM manager. */
static const struct hvconsole_ctl console_ctl = {.find = vm_ctl_find, .request = vm_ctl_request};

static int build_vm(const struct vm_config *cfg, struct vm **out)
{
	return vm_build(cfg, &build_env, out);
}

static int read_config(void)
{
	const struct bootmod *mod;
	bool online[HV_MAX_CPUS];
	struct vmconfig_machine m = {
	    .pcpu_online = online,
	    .pcpu_count = HV_MAX_CPUS,
	    .free_bytes = palloc_free_bytes(&page_alloc),
	    .modules = &modules,
	};

	for (unsigned i = 0; i < HV_MAX_CPUS; i++) {
		const struct pcpu *p = pcpu_get(i);

		online[i] = p && atomic_load(&p->online);
	}
	/* A configuration module says what runs; without one, the hv.* boot arguments do. */
	mod = vmconfig_find_module(&modules);
	if (mod) {
		log_info("hv: configuration from the module at 0x%llx",
			 (unsigned long long)mod->base);
		return vmconfig_parse(hal_phys_to_ptr(mod->base), mod->size, &m, &config);
	}
	return vmconfig_from_bootargs(hw.bootargs, &m, &config);
}

static _Noreturn void run_vms(void)
{
	bool schedstats = bootargs_have("hv.schedstats");
	int ret = read_config(), status;

	if (ret)
		boot_fail("the VM configuration", ret);
	if (!config.count) {
		log_info("hv: nothing left to run; powering off");
		hal_machine_exit(0);
	}
	build_env = (struct vm_build_env){
	    .alloc = &page_alloc,
	    .hw = &hw,
	    .ipa_bits = MIN(GUEST_IPA_BITS, hal_pa_bits()),
	    .pa_bits = hal_pa_bits(),
	    .nr_spis = GUEST_NR_SPIS,
	};
	sched_set_plain_round_robin(bootargs_have("hv.sched=rr"));
	sched_stats_set_detail(schedstats);
	hvconsole_init(&config, &console_ctl);
	ret = vm_ctl_init(&config, build_vm, schedstats);
	if (ret)
		boot_fail(config.count > 1 ? "creating the VMs" : "creating vm0", ret);
	status = vm_ctl_run();
	sched_stats_pcpu_log(schedstats);
	hal_machine_exit(status);
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
	hal_vcpu_cpu_init();
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
	vsve_init(bootargs_have("hv.sve=off"));
	run_vms();
}

_Noreturn void secondary_main(unsigned id)
{
	hal_el2_mmu_enable(el2_mmu.root_pa, el2_mmu.tcr, PGT_MAIR_EL2_VALUE);
	hal_vcpu_cpu_init();
	if (target_gic_cpu_init() != HV_OK)
		log_err("cpu %u: no redistributor for this CPU; it takes no interrupts", id);
	else
		irq_cpu_init();
	pcpu_report_online(id);
	/* Run the vCPUs that VMs put on this pCPU as they come and go; sleep while there are none. */
	sched_loop(NULL);
	log_err("cpu %u: its run loop ended", id);
	hal_machine_exit(1);
}

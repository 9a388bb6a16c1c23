// SPDX-License-Identifier: MIT
/* Boot of the EL2 image on QEMU virt: the one place that wires core/ and hal/ together. */
#include <core/el2map.h>
#include <core/err.h>
#include <core/fdt.h>
#include <core/hwinfo.h>
#include <core/lib.h>
#include <core/log.h>
#include <core/palloc.h>
#include <core/pcpu.h>
#include <core/pgtable.h>
#include <hal/console.h>
#include <hal/cpu.h>
#include <hal/firmware.h>
#include <hal/mem.h>
#include <hal/mmu.h>
#include <hal/time.h>

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

static struct hw_info hw;
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

/* True if `word` is one of the space-separated words of `args`. */
static bool args_have(const char *args, const char *word)
{
	size_t n = strlen(word);

	for (const char *p = args; *p; p++) {
		if ((p == args || p[-1] == ' ') && strncmp(p, word, n) == 0 &&
		    (p[n] == ' ' || p[n] == '\0'))
			return true;
	}
	return false;
}

static bool bootargs_have(const char *word)
{
	return args_have(hw.bootargs, word);
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
	    args_have(args, "hv.exit=semihosting"))
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
	hal_el2_mmu_enable(el2_mmu.root_pa, el2_mmu.tcr);
	log_info("mmu: EL2 stage-1 on, %u-bit identity map, %u table pages", el2_pgt.ia_bits,
		 el2_pgt.table_pages);
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
	hal_psci_set_conduit(hw.psci == HW_PSCI_HVC ? HAL_PSCI_HVC : HAL_PSCI_SMC);
	if (hw.uart.present)
		hal_console_init(hw.uart.reg.base);
	hw_print(&hw);

	memory_init(dtb, dtb_pa, dtb_size);
	mmu_init();

	ret = pcpu_init(&hw, hal_cpu_mpidr());
	if (ret)
		boot_fail("pCPU table", ret);
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
	unsigned failed = selftest_run(&env);

	if (failed) {
		log_err("hv: %u self-check(s) failed", failed);
		hal_machine_exit(1);
	}
	log_info("hv: all self-checks passed; powering off");
	hal_machine_exit(0);
}

_Noreturn void secondary_main(unsigned id)
{
	hal_el2_mmu_enable(el2_mmu.root_pa, el2_mmu.tcr);
	pcpu_report_online(id);
	/* Nothing to run yet: sleep until the scheduler exists to give this pCPU work. */
	for (;;)
		hal_wait_for_interrupt();
}

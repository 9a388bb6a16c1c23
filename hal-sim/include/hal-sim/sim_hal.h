/* SPDX-License-Identifier: MIT */
#ifndef HAL_SIM_SIM_HAL_H
#define HAL_SIM_SIM_HAL_H

#include <setjmp.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <hal/vcpu.h>

/* The host implementation of the HAL keeps the "hardware" in this plain struct: tests set
 * inputs (CPU id, counter, PA size) and read what the code under test did (console text,
 * TLB invalidations, firmware calls). sim_hal_reset() restores power-on defaults. */

#define SIM_CONSOLE_SIZE 65536
#define SIM_MAX_CPU_ON	 64

/* The physical GIC model (hal-sim/gic_sim.c). */
#define SIM_GIC_MAX_INTIDS	1020 /* SGIs, PPIs and every possible SPI */
#define SIM_GIC_NR_INTIDS	256  /* default hal_gic_max_intid(): what QEMU 7.2 virt reports */
#define SIM_GIC_PRIO_DEFAULT	0xa0 /* what hal_gic_init()/hal_gic_cpu_init() program */
#define SIM_GIC_HYP_TIMER_INTID 26
#define SIM_GIC_VTIMER_INTID	27 /* the loaded vCPU's virtual timer, while a pCPU idles */
#define SIM_GIC_MAX_SGIS	64 /* sent SGIs recorded; sgis_sent keeps counting */
#define SIM_GIC_MAX_RUNNING	16 /* nested acknowledges before an EOI */
#define SIM_CONSOLE_RX_SIZE	4096
#define SIM_MMIO_MAX_REGIONS	64 /* simulated devices behind hal/io.h */

/* A simulated device's registers: hal_mmio_read32()/_write32() at base + off land here. */
struct sim_mmio_region {
	uint64_t base, size;
	uint32_t (*read)(void *dev, uint64_t off);
	void (*write)(void *dev, uint64_t off, uint32_t val);
	void *dev;
};

struct sim_hal {
	unsigned cpu_id;
	/* hal_wait_for_interrupt(): how many, and what a wait does (NULL: nothing; after
	 * 100000 waits the run ends through the exit path below). */
	unsigned long wfi_count;
	void (*wfi_hook)(void);
	uint64_t cpu_mpidr;	/* returned by hal_cpu_mpidr() */
	uint64_t id_regs[8][8]; /* hal_cpu_id_reg(crm, op2): the CPU's feature ID registers */
	uint64_t counter;	/* returned by hal_counter_now(); advanced by tests */
	uint64_t counter_step;	/* added to counter after each read, so waits time out */
	uint64_t counter_freq;	/* default 62.5 MHz like QEMU virt */
	unsigned pa_bits;	/* default 40 */

	/* The console as a terminal shows it: NUL-terminated, each "\r\n" shown as "\n", the
	 * oldest text dropped when full. console_raw: the last bytes exactly as written. */
	char console[SIM_CONSOLE_SIZE];
	size_t console_len;
	char console_raw[SIM_CONSOLE_SIZE];
	size_t console_raw_len;
	uint64_t console_base;

	/* hal_mem_zero() and hal_dcache_clean_range(): bytes and calls, updated atomically. */
	uint64_t zeroed_bytes, cleaned_bytes;
	uint64_t clean_inval_bytes; /* hal_dcache_clean_inval_range() */
	bool s2_forces_wb;	    /* hal_s2_forces_wb(): FEAT_S2FWB in use */
	unsigned zero_calls;
	void (*clean_hook)(const void *ptr, size_t len); /* called by each clean, if set */

	unsigned tlb_flush_va, tlb_flush_all, tlb_flush_ipa, tlb_flush_vmid; /* call counts */
	uint64_t last_flush_addr;
	uint64_t el2_root, el2_tcr, el2_mair; /* what hal_el2_mmu_enable() was given */
	bool el2_mmu_on;
	uint16_t last_flush_vmid;

	enum { SIM_PSCI_SMC, SIM_PSCI_HVC } psci_conduit;
	unsigned cpu_on_count;
	uint64_t cpu_on_mpidr[SIM_MAX_CPU_ON];
	int32_t cpu_on_result; /* what hal_psci_cpu_on() returns */
	/* Called by a successful hal_psci_cpu_on(): a test plays the started CPU here. */
	void (*cpu_on_hook)(uint64_t mpidr, unsigned cpu_index);

	/* hal_firmware_call(): how many, the last function id, and the firmware's answer (x0)
	 * to a call; without fw_answer every call gets NOT_SUPPORTED (-1). */
	unsigned fw_calls;
	uint32_t fw_last_fid;
	uint64_t fw_last_a1;
	uint64_t (*fw_answer)(uint32_t fid, uint64_t a1);

	/* vCPUs: hal_vcpu_enter() calls the hook, which plays the guest up to its next exit
	 * (sets ctx->esr/far/hpfar, changes registers) and returns the exit kind. */
	struct hal_vcpu_ctx *loaded_vcpu;
	unsigned vcpu_loads, vcpu_puts, vcpu_entries;
	unsigned vcpu_switches;	     /* hal_vcpu_switch() calls (each a put and a load too) */
	unsigned vcpu_local_flushes; /* hal_vcpu_flush_local_tlb() calls */
	unsigned fpsimd_traps;	     /* hal_vcpu_fpsimd_trap() calls */
	/* Pointer authentication: whether the CPU has it (default: no), and the traps
	 * hal_vcpu_pauth_trap() took as a vCPU's first use (it gave the vCPU its keys). */
	bool pauth;
	unsigned pauth_traps;
	unsigned sve_traps;  /* hal_vcpu_sve_trap() calls */
	unsigned sve_cpu_vl; /* the CPU's longest SVE vector length (bytes), 0: no SVE */
	unsigned sve_vl;     /* what hal_sve_init() chose */
	/* hal_debug_load()/_clear(): calls, and what the "hardware" holds. */
	unsigned debug_loads, debug_clears;
	bool debug_in_hw;
	struct hal_debug_regs debug_hw;
	enum hal_exit_kind (*vcpu_enter_hook)(struct hal_vcpu_ctx *ctx);
	/* Called by hal_vcpu_put() while `ctx` is still loaded: a test plays another pCPU
	 * in the window between a vCPU's last exit and its put. */
	void (*vcpu_put_hook)(struct hal_vcpu_ctx *ctx);
	bool va_to_ipa_fails;	/* make the guest's stage 1 "not map" the PC */
	unsigned vgic_nr_lrs;	/* ICH_VTR_EL2.ListRegs + 1, default 4 */
	unsigned vgic_pri_bits; /* ICH_VTR_EL2.PRIbits + 1, default 5 */
	/* The hypervisor's list-register accesses (hal_vgic_lr_read/_write calls): the vGIC
	 * promises none for a vCPU with nothing pending or active. The virtual CPU interface
	 * model (sim/vcpu_if.c) plays the hardware and does not count. */
	unsigned vgic_lr_reads, vgic_lr_writes;
	unsigned vgic_hcr_writes; /* hal_vgic_hcr_write() calls: none for one SGI in and out */
	/* Reads of a loaded vCPU's registers (hal_vgic_vmcr(), hal_vcpu_el1_read()): only the pCPU
	 * it is loaded on may make them (core/vm.h vcpu_loaded_here()). */
	unsigned vgic_vmcr_reads, vcpu_el1_reads;

	/* --- Physical GIC, EL2 hyp timer, console input: hal/gic.h and hal_console_getc()
	 * (hal-sim/gic_sim.c). Zero after sim_hal_reset(): every interrupt disabled, nothing
	 * pending, priority 0 until hal_gic_init()/hal_gic_cpu_init() or the test sets it.
	 * INTIDs 0-31 belong to the one pCPU the test plays. An SGI sent to sim_hal.cpu_mpidr
	 * becomes pending here; the hyp timer makes INTID 26 pending while armed and
	 * sim_hal.counter >= its deadline (a level: cancel or re-arm before deactivating). --- */
	struct sim_gic {
		bool dist_ready, cpu_ready; /* hal_gic_init() / hal_gic_cpu_init() ran */
		uint64_t gicd_pa;
		unsigned gicr_count;
		unsigned nr_intids; /* hal_gic_max_intid(); 0 means SIM_GIC_NR_INTIDS */
		bool enabled[SIM_GIC_MAX_INTIDS];
		bool edge[SIM_GIC_MAX_INTIDS];
		bool pending[SIM_GIC_MAX_INTIDS]; /* sim_gic_raise() sets, hal_gic_ack() clears */
		bool active[SIM_GIC_MAX_INTIDS];  /* set by ack, cleared by deactivate */
		uint8_t priority[SIM_GIC_MAX_INTIDS];
		uint64_t route[SIM_GIC_MAX_INTIDS]; /* SPIs: the MPIDR of hal_gic_route() */
		/* Acknowledged, priority not yet dropped (EOI), most recent last. */
		uint32_t running[SIM_GIC_MAX_RUNNING];
		unsigned nr_running;
		unsigned acks, eois, deactivates; /* call counts (acks: non-spurious only) */
		uint32_t last_ack, last_eoi, last_deactivate;
		unsigned eoi_errors;	    /* EOI not of the most recent acknowledge */
		unsigned deactivate_errors; /* deactivate of an interrupt that is not active */
		unsigned active_reads;	    /* hal_gic_active() calls */
		unsigned sgis_sent;
		struct {
			uint64_t mpidr;
			unsigned sgi;
		} sgi[SIM_GIC_MAX_SGIS];
		bool hyp_timer_armed;
		uint64_t hyp_timer_deadline;
		unsigned hyp_timer_arms;
		/* The EL1 physical timer lent to a guest (hal_guest_ptimer_arm()): recorded only,
		 * tests raise its PPI themselves. */
		bool guest_ptimer_armed;
		uint64_t guest_ptimer_deadline;
	} gic;
	struct sim_console_rx {
		char buf[SIM_CONSOLE_RX_SIZE]; /* sim_console_feed() appends, getc() takes */
		size_t head, len;
		bool irq_enabled; /* hal_console_rx_irq() */
	} console_rx;

	/* --- Device registers and DMA ordering: hal/io.h (hal-sim/io_sim.c). An access goes to
	 * the region sim_mmio_attach() registered around its address; an access no region
	 * claims (a wild pointer on real hardware) ends the run through the exit path below. */
	struct sim_mmio {
		struct sim_mmio_region region[SIM_MMIO_MAX_REGIONS];
		unsigned count;
		unsigned reads, writes;	     /* register accesses */
		unsigned dma_wmbs, dma_rmbs; /* hal_dma_wmb() / hal_dma_rmb() calls */
	} mmio;

	/* --- The pCPU's PMU: hal/pmu.h (hal-sim/pmu_sim.c). Registers only; counts move when a
	 * test writes them. Its version is ID_AA64DFR0_EL1.PMUVer of id_regs (0 after
	 * sim_hal_reset(): no PMU); 6 counters, as QEMU's -cpu max has. --- */
	struct sim_pmu {
		unsigned counters;
		uint64_t pmcr, cnten, inten, ovs, userenr, ceid0, ceid1;
		uint64_t count[32], type[32];
	} pmu;

	/* _Noreturn HAL calls (halt, system off/reset, machine exit) record why and longjmp here
	 * when set; without it they abort() the test. */
	jmp_buf *exit_jmp;
	int exit_status;
	const char *exit_reason;
};

extern struct sim_hal sim_hal;

/* --- Several simulated pCPUs as host threads (hal-sim/pcpu_sim.c, sim/README.md) ---------
 * A thread that calls sim_pcpu_enter(n) is pCPU n until sim_pcpu_leave(): what is per
 * physical CPU on the hardware is then its own struct sim_pcpu, found through a thread-local
 * pointer: hal_cpu_id()/hal_cpu_mpidr(), the redistributor and CPU interface (INTIDs 0-31,
 * the running priorities), the EL2 timer, the loaded vCPU, its WFIs. What is machine-wide
 * stays in `sim_hal` and is shared: the distributor's SPIs and their routing (an SPI is
 * signalled to the pCPU whose MPIDR its route names), the counter, memory, the console. Every
 * GIC model access holds one lock, as the hardware makes each register access atomic. A
 * thread that never called sim_pcpu_enter() (every single-threaded test) sees `sim_hal` as
 * before: its own fields are pCPU sim_hal.cpu_id's. */
#define SIM_MAX_PCPUS	       64	       /* HAL_MAX_CPUS */
#define SIM_PCPU_MPIDR(n)      ((uint64_t)(n)) /* Aff0 = n */
#define SIM_PCPU_WFI_TIMEOUT_S 20	       /* a wait this long (wall time) fails the test */

struct sim_pcpu {
	unsigned id;
	uint64_t mpidr;
	/* INTIDs 0-31, the running priorities, the EL2 timer and the call counts of this pCPU's
	 * GIC CPU interface; the entries for SPIs (32 and up) are unused: see sim_hal.gic. */
	struct sim_gic gic;
	struct hal_vcpu_ctx *loaded_vcpu;
	unsigned long wfi_count;
	bool poked;		/* sim_pcpu_poke(): the next (or current) WFI returns */
	void *guest;		/* the scripted guest's state for the vCPU loaded here (sim/) */
	unsigned sgis_received; /* SGIs other pCPUs (or itself) sent here */
};

/* Make the calling thread pCPU `n` (< SIM_MAX_PCPUS, MPIDR SIM_PCPU_MPIDR(n)) with a reset
 * CPU interface; until then (and after sim_pcpu_leave()) it is not a pCPU. */
void sim_pcpu_enter(unsigned n);
void sim_pcpu_leave(void);
/* The calling thread's pCPU, or NULL for the single-threaded machine of `sim_hal`. */
struct sim_pcpu *sim_pcpu_self(void);
/* pCPU n's state (n < SIM_MAX_PCPUS), e.g. for a test to read after its threads ended. */
struct sim_pcpu *sim_pcpu_get(unsigned n);
/* End pCPU n's current or next hal_wait_for_interrupt() once without an interrupt (how a test
 * harness tells idle pCPUs that a run is over). */
void sim_pcpu_poke(unsigned n);
/* Drive a level input of the calling pCPU's GIC (e.g. the virtual timer's PPI as the loaded
 * vCPU's registers make it), then whether the CPU interface signals an interrupt now, by the
 * rules hal_gic_ack() uses: what ends a guest's run in an IRQ exit. */
void sim_gic_set_level(uint32_t intid, bool level);
bool sim_gic_signalled(void);

/* For the hal-sim models only: the lock of the shared "hardware", and the WFI of a thread
 * that is a pCPU (a bounded wait for an interrupt, a poke, the EL2 timer or the virtual timer
 * of a vCPU left loaded there; the counter jumps to the first timer's deadline when nothing
 * else can happen). */
void sim_hw_lock(void);
void sim_hw_unlock(void);
void sim_hw_notify(void); /* something became pending: waiting pCPUs look again */
/* The ordering an SGI gives (hal/gic.h), for TSan: sent (before the lock), taken (after). */
void sim_hw_sgi_sent(uint64_t mpidr, unsigned sgi);
void sim_hw_sgi_taken(unsigned sgi);
bool sim_gic_signalled_locked(void);
void sim_pcpu_wait(struct sim_pcpu *p);

void sim_hal_reset(void);
void sim_console_clear(void);
/* Make `intid` pending at the simulated GIC (an edge, or a level the device drops once
 * serviced); hal_gic_ack() hands it out when enabled and of sufficient priority. */
void sim_gic_raise(uint32_t intid);
/* Queue console input for hal_console_getc(); raising the UART's INTID is the test's job. */
void sim_console_feed(const char *s);
/* Put a device's registers at [base, base+size) for hal/io.h; regions must not overlap and
 * at most SIM_MMIO_MAX_REGIONS exist (both checked: a broken test aborts). */
void sim_mmio_attach(uint64_t base, uint64_t size, uint32_t (*read)(void *dev, uint64_t off),
		     void (*write)(void *dev, uint64_t off, uint32_t val), void *dev);
/* The exit path of the _Noreturn HAL calls, for the other hal-sim models. */
_Noreturn void sim_exit(const char *reason, int status);

#endif

/* SPDX-License-Identifier: MIT */
#ifndef SIM_SIM_H
#define SIM_SIM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <core/gicv3.h>
#include <core/image.h>
#include <core/palloc.h>
#include <core/vm.h>
#include <hal/vcpu.h>

/* A simulated machine for host tests that run the REAL core/ and vdev/ code: a page allocator
 * over a host arena (physical address == host pointer, as hal-sim says), one VM on the standard
 * board (RAM at VM_RAM_BASE, vPL011 at VM_PL011_BASE), a guest image, and a scripted guest that
 * hal_vcpu_enter() plays exit by exit. See sim/README.md. Host only; not thread-safe, except
 * the threaded machine of sim/mp.c (several pCPUs as host threads). */

/* --- The machine (sim/machine.c) ------------------------------------------------------------ */

#define SIM_RAM_SIZE   (8 * SZ_2M) /* default guest RAM */
#define SIM_IPA_BITS   40	   /* what target/main.c gives vm0 */
#define SIM_TABLE_ROOM (2 * SZ_2M) /* arena beyond RAM, for stage-2 tables */
#define SIM_PA_BITS    48	   /* sim_hal.pa_bits at least: host pointers are "physical" */

struct sim_config {
	uint64_t ram_size;   /* 0: SIM_RAM_SIZE; a multiple of 2 MiB */
	uint64_t arena_size; /* 0: ram_size + SIM_TABLE_ROOM; a multiple of 2 MiB */
	unsigned ipa_bits;   /* 0: SIM_IPA_BITS */
	bool no_ram;	     /* create the VM without RAM (tests add their own) */
	bool no_uart;	     /* leave the MMIO bus empty */
};

struct sim_machine {
	struct palloc alloc;
	void *arena; /* 2 MiB aligned, filled with SIM_POISON before use */
	uint64_t arena_size;
	uint64_t ram_size; /* at VM_RAM_BASE, 0 with no_ram */
	struct vm *vm;
	struct vcpu *vcpu; /* vCPU 0, once an image is loaded */
};

/* What the arena holds before the code under test writes it: memory that must be cleared
 * (guest RAM, page tables) shows this if it was not. */
#define SIM_POISON 0xa5

/* Allocate the arena, create the VM ("sim") with its RAM and vPL011. `cfg` may be NULL for
 * the defaults. Returns 0 or the HV_E* of the step that failed (nothing is left allocated).
 * Tests reset sim_hal themselves, before; this raises sim_hal.pa_bits to SIM_PA_BITS. */
int sim_machine_init(struct sim_machine *m, const struct sim_config *cfg);

/* Destroy the VM (if any) and free the arena; a scripted guest attached to `m` is detached.
 * Safe on a zeroed or failed machine. */
void sim_machine_destroy(struct sim_machine *m);

/* image_load() `size` bytes into RAM and add vCPU 0 at its entry point (x0 = 0). */
int sim_machine_load(struct sim_machine *m, const void *image, size_t size,
		     struct image_info *info);

/* sim_machine_load() of a raw image made of `count` instruction words (little endian): it lands
 * at VM_RAM_BASE + IMAGE_RAW_OFFSET, which is the vCPU's PC. */
int sim_machine_load_program(struct sim_machine *m, const uint32_t *insns, size_t count);

/* The host pointer behind guest RAM at `ipa` (through the VM's stage 2), or NULL. The 2 MiB
 * block holding `ipa` is populated first, as the guest's own first touch would do (it reads
 * zeros). Only valid up to the end of the 4 KiB page. */
void *sim_ram_ptr(struct sim_machine *m, uint64_t ipa);

/* The index of the vCPU of `vm` whose context is `ctx`, or -1 (how the simulated hardware,
 * entered with a context, tells which vCPU it runs). */
int sim_vcpu_index(const struct vm *vm, const struct hal_vcpu_ctx *ctx);

/* The virtual timer's output as the hardware computes it from the entered vCPU's registers
 * at physical count `now`: virtual count = `now` - CNTVOFF. */
bool sim_vtimer_level(const struct hal_vcpu_ctx *ctx, uint64_t now);

/* --- The scripted guest (sim/guest.c) ------------------------------------------------------ */

/* One exit of the guest: what it changed while it ran, then the trap. The instruction that
 * traps is at `at` (0: where the vCPU was resumed); the exit's PC is what hardware puts in
 * ELR_EL2: the next instruction for HVC, the instruction itself for everything else. */
struct sim_step {
	enum hal_exit_kind kind; /* HAL_EXIT_SYNC unless set */
	uint64_t esr, far, hpfar;
	uint64_t at;
	uint32_t insn;	/* non-zero: written to guest RAM at `at` first (ISV=0 decoding) */
	uint32_t x_set; /* SIM_X(n): x[n] is set before the trap */
	uint64_t x[31];
	uint32_t el1_set; /* SIM_X(r): el1[r] (enum hal_el1_reg) is set before the trap */
	uint64_t el1[HAL_EL1_NR];
	bool set_pstate;
	uint64_t pstate;
	/* sim/smp.c: the guest loops without a trap until a physical interrupt comes: the counter
	 * moves on to the EL2 timer's deadline and the entry ends in an IRQ exit at `at` (with
	 * `pstate`, if set); the rest of the step is not played. */
	bool spin;
};

#define SIM_X(n) (1u << (n))

#define SIM_GUEST_MAX_STEPS 256
/* When the script runs out the guest calls HV_CALL_EXIT with this status, so vcpu_run()
 * always ends; sim_guest.ran_out tells a test it happened. */
#define SIM_GUEST_RAN_OUT 0xee

/* The step a vCPU plays once its script has run out: HV_CALL_EXIT(SIM_GUEST_RAN_OUT). */
extern const struct sim_step sim_ran_out_step;

/* Play step `s` on the entered context, as if the guest had run up to the trap: registers it
 * changed, the syndrome, ELR_EL2 (and the trapping instruction written into `vm`'s RAM). */
void sim_step_play(struct vm *vm, struct hal_vcpu_ctx *ctx, const struct sim_step *s);

struct sim_guest {
	struct sim_machine *m;
	struct sim_step steps[SIM_GUEST_MAX_STEPS];
	unsigned count, next;
	/* The vCPU context at each entry: entry n shows the hypervisor's answer to exit n-1. */
	struct hal_vcpu_ctx seen[SIM_GUEST_MAX_STEPS + 1];
	unsigned entries;
	bool ran_out;
};

extern struct sim_guest sim_guest;

/* Empty the script and make sim_hal.vcpu_enter_hook play it on `m`. */
void sim_guest_attach(struct sim_machine *m);

/* Append a step (a copy); returns it for further changes. Aborts when the script is full. */
struct sim_step *sim_guest_push(struct sim_step step);

/* vcpu_run() on vCPU 0 until the VM stops; returns its exit status. */
int sim_guest_run(void);

/* The context the guest saw at entry `n` (0 = the first entry); NULL past the last. */
const struct hal_vcpu_ctx *sim_guest_seen(unsigned n);

/* Steps for the common exits. Addresses are guest VAs that are also IPAs (the simulated
 * guest runs with its MMU off). */
struct sim_step sim_step_hvc(uint64_t x0, uint64_t x1, uint64_t x2);
struct sim_step sim_step_smc(uint64_t x0, uint64_t x1, uint64_t x2);
struct sim_step sim_step_wfx(bool wfe);
struct sim_step sim_step_irq(void);
/* A trapped MSR/MRS of op0:op1:CRn:CRm:op2 with register rt. */
struct sim_step sim_step_sysreg(unsigned op0, unsigned op1, unsigned crn, unsigned crm,
				unsigned op2, unsigned rt, bool read);
/* A stage-2 data abort at `addr` with a valid syndrome (ISV=1): `size` bytes, register rt
 * (64-bit when `sf`). */
struct sim_step sim_step_mmio(uint64_t addr, unsigned size, bool write, unsigned rt, bool sf);
/* A stage-2 data abort at `addr` without syndrome (ISV=0), caused by instruction `insn`. */
struct sim_step sim_step_mmio_insn(uint64_t addr, uint32_t insn, bool write);
/* A stage-2 instruction abort fetching from `addr`. */
struct sim_step sim_step_iabt(uint64_t addr);

/* --- Syndromes (sim/syndrome.c) ------------------------------------------------------------ */

/* ESR_EL2 values as the hardware writes them for a trap from EL1/EL0 (IL set: A64). */
uint64_t sim_esr(unsigned ec, uint64_t iss);
uint64_t sim_esr_hvc(uint16_t imm);
uint64_t sim_esr_smc(uint16_t imm);
uint64_t sim_esr_wfx(bool wfe);
uint64_t sim_esr_sysreg(unsigned op0, unsigned op1, unsigned crn, unsigned crm, unsigned op2,
			unsigned rt, bool read);
/* Stage-2 translation fault (level 3) on a data access, no syndrome (ISV=0). */
uint64_t sim_esr_dabt(bool write);
/* The same with a valid instruction syndrome: `size` 1/2/4/8 bytes, register rt, SF, SSE. */
uint64_t sim_esr_dabt_isv(unsigned size, bool write, unsigned rt, bool sf, bool sse);
/* Stage-2 translation fault (level 3) on an instruction fetch. */
uint64_t sim_esr_iabt(void);
/* HPFAR_EL2 for a fault at `ipa`. */
uint64_t sim_hpfar(uint64_t ipa);

/* --- A64 instruction words (sim/a64.c), encodings from the Arm ARM C4.1 -------------------- */

#define SIM_A64_NOP  0xd503201fu
#define SIM_A64_WFI  0xd503207fu
#define SIM_A64_HVC0 0xd4000002u
#define SIM_A64_SMC0 0xd4000003u

enum sim_a64_index { SIM_A64_POST = 1, SIM_A64_PRE = 3 };

/* LDR/STR (immediate, pre/post-index) of 1 << size_log2 bytes, zero-extending; imm9 in
 * -256..255. E.g. `str w3, [x4], #4` = sim_a64_ldst_idx(false, 2, 3, 4, 4, SIM_A64_POST). */
uint32_t sim_a64_ldst_idx(bool load, unsigned size_log2, unsigned rt, unsigned rn, int imm9,
			  enum sim_a64_index idx);
/* LDR/STR (unsigned offset) of 1 << size_log2 bytes; `offset` in bytes, a multiple of it. */
uint32_t sim_a64_ldst_uimm(bool load, unsigned size_log2, unsigned rt, unsigned rn,
			   unsigned offset);
/* LDP/STP of two W (or X when `x64`) registers at signed offset `offset` bytes (no writeback). */
uint32_t sim_a64_ldstp(bool load, bool x64, unsigned rt, unsigned rt2, unsigned rn, int offset);
/* LDXR Wt/Xt, [Xn]: an exclusive load, which MMIO cannot emulate. */
uint32_t sim_a64_ldxr(bool x64, unsigned rt, unsigned rn);

/* --- The GICv3 virtual CPU interface (sim/vcpu_if.c) --------------------------------------- */

/* What the hardware does with a vCPU's ICH_LR<n>_EL2, ICH_AP0R/AP1R<n>_EL2, ICH_VMCR_EL2 and
 * ICH_HCR_EL2 (all in its struct hal_vcpu_ctx) when the guest uses the ICC_* registers that
 * HCR_EL2.IMO/FMO turn into ICV_* (GICv3 IHI 0069, chapter 12; QEMU's GICv3 model, the
 * reference of docs/peers.md, behaves the same, but see split_eoi_counts); ICH_HCR_EL2.TDIR makes DIR trap. A
 * test plays the guest with these between the hypervisor's vgic_flush() and vgic_fold(); they
 * touch the registers directly, never through the HAL, so sim_hal's list-register counters
 * count only the hypervisor's accesses.
 *
 * Simplifications: the binary points stay at their reset minimum (every implemented priority
 * bit is group priority, so any higher priority preempts); no LPIs, no NMIs, no vLPIs. */

#define SIM_VIF_LOG 64

struct sim_vif {
	struct hal_vcpu_ctx *ctx;
	unsigned nr_lrs, pri_bits; /* sim_hal.vgic_nr_lrs / vgic_pri_bits at sim_vif_init() */
	/* Physical INTIDs the guest deactivated through HW=1 list registers, oldest first (each
	 * is also hal_gic_deactivate()d, as the hardware tells the physical GIC). */
	uint32_t hw_deactivated[SIM_VIF_LOG];
	unsigned nr_hw_deactivated;
	/* Guest accesses the specification calls UNPREDICTABLE (EOI with nothing active, EOI of
	 * an interrupt that is not the running one, DIR with EOImode 0): a test expects 0. */
	unsigned unpredictable;
	/* Play QEMU 7.2 (hw/intc/arm_gicv3_cpuif.c): an EOImode 1 EOI that matches no list
	 * register also counts in ICH_HCR_EL2.EOIcount, although it deactivates nothing. */
	bool split_eoi_counts;
};

/* Attach the model to `ctx` (its registers are left as they are). */
void sim_vif_init(struct sim_vif *vif, struct hal_vcpu_ctx *ctx);

/* The guest's configuration writes, none of which traps: ICC_PMR_EL1 (only the implemented
 * bits are kept), ICC_IGRPEN0/1_EL1 and ICC_CTLR_EL1.EOImode, all held in ICH_VMCR_EL2. */
void sim_vif_set_pmr(struct sim_vif *vif, uint8_t pmr);
void sim_vif_set_grpen(struct sim_vif *vif, unsigned group, bool enable);
void sim_vif_set_eoimode(struct sim_vif *vif, bool split);

/* ICV_IAR0/1_EL1: acknowledge the highest-priority pending list register if it is of `group`,
 * under the priority mask and above the running priority: it becomes active and its priority
 * is set in ICH_AP<group>R. Returns its vINTID, or 1023 (VGIC_SPURIOUS). */
uint32_t sim_icv_iar(struct sim_vif *vif, unsigned group);
/* ICV_EOIR0/1_EL1: drop the highest active priority; with EOImode 0 also deactivate `intid`'s
 * list register, or count the EOI in ICH_HCR_EL2.EOIcount if no list register holds it. */
void sim_icv_eoir(struct sim_vif *vif, unsigned group, uint32_t intid);
/* ICV_DIR_EL1 (EOImode 1): deactivate `intid`'s list register, or count it in EOIcount.
 * Returns false, having changed nothing, if ICH_HCR_EL2.TDIR makes the write trap: the caller
 * plays the exit (a trapped MSR ICC_DIR_EL1, see sim_esr_sysreg()). */
bool sim_icv_dir(struct sim_vif *vif, uint32_t intid);
/* ICV_RPR_EL1: the running priority (0xff when idle). */
uint8_t sim_icv_rpr(const struct sim_vif *vif);
/* ICV_HPPIR0/1_EL1: the highest-priority pending vINTID if it is of `group`, else 1023. */
uint32_t sim_icv_hppir(const struct sim_vif *vif, unsigned group);

/* True if the virtual CPU interface signals a virtual IRQ/FIQ to the vCPU now. */
bool sim_vif_irq_signalled(const struct sim_vif *vif);
/* True if the maintenance interrupt is asserted (ICH_HCR_EL2.En and a non-zero ICH_MISR_EL2):
 * on hardware the vCPU exits to EL2 before it executes anything else. */
bool sim_vif_maintenance(const struct sim_vif *vif);

/* Let a WFI in this machine's run end: every wait pends SGI 0 (enabled, Group 1, under an open
 * priority mask) on its vCPU. Sets up the VM's vGIC. */
void sim_machine_wfi_wakes(struct sim_machine *m);

/* --- Scripted guests on several vCPUs (sim/smp.c) ----------------------------------------- */

/* Every vCPU of the machine's VM plays its own script under the real scheduler (core/sched.c);
 * the hook tells them apart by the context it is entered with. As on hardware, an entry ends
 * at once in an IRQ exit, without playing a step, while the simulated GIC would signal a
 * physical interrupt: the EL2 timer past its deadline, a raised INTID, or the virtual timer
 * (PPI 27) of the vCPU being entered, whose level follows CNTV_CTL/CVAL, CNTVOFF and
 * sim_hal.counter. (Each needs its INTID enabled at the GIC, e.g. by irq_cpu_init().) Time
 * passes while a step is played (ticks_per_entry), so an interrupt that fires meanwhile is
 * taken at the next entry. A vCPU whose script runs out calls HV_CALL_EXIT(SIM_GUEST_RAN_OUT),
 * which stops the VM. */

#define SIM_SMP_MAX_STEPS   64 /* per vCPU */
#define SIM_SMP_MAX_VMS	    4
#define SIM_SMP_MAX_ENTRIES 512 /* entries whose vCPU is logged in order[] */

struct sim_smp_vcpu {
	struct sim_step steps[SIM_SMP_MAX_STEPS];
	unsigned count, next;
	/* The context when step n was about to be played: entry n + 1 shows the answer to n. */
	struct hal_vcpu_ctx seen[SIM_SMP_MAX_STEPS + 1];
	unsigned seen_count;
};

struct sim_smp {
	struct sim_machine *m;
	/* The VMs whose vCPUs play: m's, then those sim_smp_add_vm() adds. vcpu[] holds their
	 * vCPUs in that order (VM 0's vCPU 0 first), up to VM_MAX_VCPUS in all. */
	struct vm *vms[SIM_SMP_MAX_VMS];
	unsigned nr_vms;
	struct sim_smp_vcpu vcpu[VM_MAX_VCPUS];
	/* Non-NULL: plays each vCPU's steps in place of the scripts, asked for one at a time. */
	struct sim_step (*program)(unsigned vcpu);
	unsigned order[SIM_SMP_MAX_ENTRIES]; /* the vCPU of each entry, IRQ exits included */
	unsigned entries, irq_exits;
	uint64_t ticks_per_entry; /* sim_hal.counter advances this much per step played */
	/* The entered vCPU's virtual timer raises PPI 27 only this many ticks after its condition
	 * holds, as under QEMU, whose host timer callback lags the counter (0: at once). */
	uint64_t vtimer_lag;
	/* Called when vCPU `vcpu` is about to play its step `n` (not for IRQ exits). */
	void (*on_entry)(unsigned vcpu, unsigned n);
	bool ran_out;
};

extern struct sim_smp sim_smp;

/* Empty every script and make sim_hal.vcpu_enter_hook play them on `m`'s vCPUs. */
void sim_smp_attach(struct sim_machine *m);
/* Another VM whose vCPUs play too (numbered after those of the VMs before it), on the same
 * run queue: several VMs sharing one pCPU. Its vCPUs and vGIC are set up by the test. */
void sim_smp_add_vm(struct vm *vm);
/* Append a step to vCPU `vcpu`'s script; returns it for further changes. */
struct sim_step *sim_smp_push(unsigned vcpu, struct sim_step step);
/* Put every vCPU of the VMs on one run queue and sched_run() it until they stop; returns the
 * first VM's exit status. core/sched.c cannot take vCPUs off a queue, so each run uses a pCPU whose
 * queue is still empty (sim_smp_fresh_pcpu()). */
int sim_smp_run(void);
/* Make sim_hal.cpu_id a pCPU no earlier run in this process used, and return it. */
unsigned sim_smp_fresh_pcpu(void);
/* The context vCPU `vcpu` saw when it was about to play step `n`; NULL if it never got there. */
const struct hal_vcpu_ctx *sim_smp_seen(unsigned vcpu, unsigned n);

/* --- Several pCPUs as host threads (sim/mp.c) ---------------------------------------------- */

/* Each of `nr_pcpus` host threads is a simulated pCPU (hal-sim's sim_pcpu_enter()) that runs
 * its own run queue with sched_run(); vCPU i is on pCPU i % nr_pcpus unless the test sets
 * sim_mp.vcpu[i].pcpu before sim_mp_run(). A guest is a program, called on its pCPU's thread
 * at every entry that is not cut short by a physical interrupt (a kick: IRQ exit): the guest
 * first takes every virtual interrupt its CPU interface signals (unless PSTATE.I masks them;
 * Group 1, EOImode 0; counted in seen[]), then the program returns its next exit. Everything
 * in a struct sim_mp_vcpu belongs to the vCPU's pCPU thread while the run lasts; the test
 * reads it after sim_mp_run(). When the VM stops each pCPU's sched_run() returns (core/ tells
 * the idle ones). Each step played moves the shared counter by ticks_per_entry (default 0), so
 * that slices end while vCPUs share a pCPU. */

#define SIM_MP_MAX_PCPUS 4
#define SIM_MP_MAX_INTID 64 /* virtual INTIDs counted one by one in seen[] */

struct sim_mp_vcpu {
	unsigned pcpu; /* which of the run's pCPUs (0 .. nr_pcpus - 1) */
	struct sim_vif vif;
	unsigned seen[SIM_MP_MAX_INTID]; /* virtual interrupts taken, by INTID */
	unsigned seen_other;		 /* ... with an INTID beyond those */
	unsigned entries, irq_exits, steps;
	uint64_t state[8]; /* the program's own */
	bool steps_done;   /* the program's own */
};

struct sim_mp {
	struct sim_machine *m;
	unsigned nr_pcpus;
	unsigned pcpu_id[SIM_MP_MAX_PCPUS]; /* hal_cpu_id() of each, set by sim_mp_run() */
	struct sim_mp_vcpu vcpu[VM_MAX_VCPUS];
	struct sim_step (*program)(unsigned vcpu, struct sim_mp_vcpu *v);
	uint64_t ticks_per_entry;
};

extern struct sim_mp sim_mp;

/* Make `m`'s vCPUs (their vGIC already initialised) play `program` on `nr_pcpus` pCPUs
 * (1 to SIM_MP_MAX_PCPUS). */
void sim_mp_attach(struct sim_machine *m, unsigned nr_pcpus,
		   struct sim_step (*program)(unsigned vcpu, struct sim_mp_vcpu *v));
/* Start the pCPU threads (fresh run queues, sim_smp_fresh_pcpu()), each running its queue until
 * the VM stops; returns the VM's exit status once every thread has ended. */
int sim_mp_run(void);
/* The same machine brought up as target/main.c does (sim/mp_boot.c): pCPU 0 boots, starts the
 * others with PSCI CPU_ON (each a new thread reporting online, then in sched_serve()), fills
 * the queues, sched_start(), runs its own, sched_wait_served(): *all_served is its answer.
 * Uses pCPUs 0 .. nr_pcpus - 1, so once per process and before any sim_mp_run(). Returns the
 * VM's exit status. */
int sim_mp_run_booted(bool *all_served);
/* The ICC_SGI1R_EL1 value sending SGI `intid` to vCPU `target`, and the guest's trapped MSR of
 * it (the value in x9). */
uint64_t sim_mp_sgi1r(unsigned intid, unsigned target);
struct sim_step sim_mp_send_sgi(unsigned intid, unsigned target);

#endif

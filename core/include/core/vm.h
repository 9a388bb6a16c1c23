/* SPDX-License-Identifier: MIT */
#ifndef CORE_VM_H
#define CORE_VM_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include <core/ffa.h>
#include <core/hwinfo.h>
#include <core/log.h>
#include <core/pgtable.h>
#include <core/ptimer.h>
#include <core/sched.h>
#include <core/spinlock.h>
#include <core/sysreg.h>
#include <core/vgic.h>
#include <core/vm_board.h>
#include <core/vpmu.h>
#include <hal/cpu.h>
#include <hal/vcpu.h>

/* Virtual machines and their vCPUs. Every VM owns its stage-2 table, RAM, MMIO bus and
 * vCPUs; nothing here is global to "the" VM. Lock order: docs/locking.md. */

#define VM_MAX	     8
#define VM_MAX_VCPUS 8
#define VM_MAX_RAM   4
#define VM_MAX_MMIO  16
#define VM_NAME_MAX  32
/* struct vm.weight unless its configuration gives one (docs/scheduling.md). */
#define VM_DEFAULT_WEIGHT 256

/* The size of each device's frame on a VM's board; where the frames are is the VM's
 * struct vm_board (core/vm_board.h). */
#define VM_PL011_SIZE	 0x1000ULL
#define VM_PL031_SIZE	 0x1000ULL
#define VM_GICD_SIZE	 0x10000ULL
#define VM_GICR_STRIDE	 0x20000ULL /* RD_base + SGI_base frames per vCPU */
#define VM_VIRTIO_STRIDE 0x200ULL   /* registers of one virtio-mmio slot */

struct vm;
struct vcpu;

/* A vCPU's state. Its own pCPU moves it between RUNNABLE, RUNNING and BLOCKED, and from
 * OFF_PENDING to OFF; another pCPU changes it only from OFF to ON_PENDING (PSCI CPU_ON, a
 * compare-and-swap), so an atomic is enough (docs/scheduling.md, "Several pCPUs"). */
enum vcpu_state {
	VCPU_OFF,	  /* not started, or off (PSCI CPU_OFF done, its context put) */
	VCPU_RUNNABLE,	  /* wants its pCPU */
	VCPU_RUNNING,	  /* loaded on its pCPU */
	VCPU_BLOCKED,	  /* in WFI (or CPU_SUSPEND) with nothing to take */
	VCPU_OFF_PENDING, /* called CPU_OFF, still loaded: OFF once its pCPU has put it */
	VCPU_ON_PENDING,  /* CPU_ON accepted: its pCPU resets and starts it (psci_vcpu_on_here) */
};

/* Exits counted per vCPU, for `hv: vm0 stopped` lines and benchmarks. */
struct vcpu_stats {
	uint64_t exits;
	uint64_t hvc, smc, mmio, sysreg, wfx, abort_injected, undef_injected, irq;
	uint64_t serror;       /* physical SErrors taken while it ran (each injected back) */
	uint64_t setway_flush; /* set/way operations that cleaned the VM's RAM (core/setway.c) */
	uint64_t fp_loads;     /* FP/SIMD registers loaded on first use (hal_vcpu_fpsimd_trap()) */
};

struct vcpu {
	unsigned id;
	struct vm *vm;
	_Atomic enum vcpu_state state; /* read by any pCPU */
	unsigned pcpu;		       /* the pCPU whose run queue holds it */
	/* PSCI CPU_ON's request, written by the caller while it holds the vCPU ON_PENDING,
	 * read by the vCPU's pCPU after the CPU_MSG_VCPU_ON message (core/psci.c). */
	uint64_t on_entry, on_context;
	struct hal_vcpu_ctx ctx;
	struct vcpu_debug_regs debug;
	struct vgic_cpu vgic;
	/* Where its registers are: 1 + the pCPU whose hardware holds them, between vcpu_load()
	 * and vcpu_put(); 0 while they are in `ctx`. Written by that pCPU only (release), read by
	 * any (acquire): a reader that sees 0 also sees everything the put saved. */
	_Atomic unsigned loaded_on;
	/* Owner pCPU only: a HW=1 timer interrupt may still hold the physical one (core/vtimer.c),
	 * so exits without one skip the vGIC lock. */
	bool vtimer_hw;
	struct vcpu_ptimer ptimer; /* owner pCPU only (core/ptimer.h) */
	struct vcpu_pmu pmu;	   /* owner pCPU only (core/vpmu.h) */
	struct vcpu_stats stats;
	uint64_t setway_exit; /* stats.exits at its last set/way operation (core/setway.c) */
	struct sched_vcpu sched;
	struct ffa_vcpu ffa; /* its FF-A messages in flight (core/ffa.h) */
};

/* An emulated device on a VM's MMIO bus. Handlers get the offset from `base`, an access size
 * of 1, 2, 4 or 8 bytes, naturally aligned, inside [0, size). They return 0, or a negative
 * HV_E* to have the access answered with an external abort. */
struct mmio_device;
struct mmio_ops {
	int (*read)(struct mmio_device *dev, struct vcpu *vcpu, uint64_t offset, unsigned size,
		    uint64_t *val);
	int (*write)(struct mmio_device *dev, struct vcpu *vcpu, uint64_t offset, unsigned size,
		     uint64_t val);
	/* Continue work an access of vCPU `by` (NULL: of no vCPU in particular) left over (see
	 * vm_defer()), at most one exit's budget of it; calls vm_defer() again, for the same
	 * `by`, if some is still left. NULL for devices that never defer. */
	void (*resume)(struct mmio_device *dev, struct vcpu *by);
};

struct mmio_device {
	const char *name;
	uint64_t base, size;
	const struct mmio_ops *ops;
	void *priv;
};

/* A RAM region: [ipa, ipa+size) backed by [pa, pa+size), reserved at creation and mapped a
 * 2 MiB block at a time on first touch (docs/memory.md). */
struct vm_ram {
	uint64_t ipa, pa, size;
	uint64_t *populated; /* bit n: block n zeroed and mapped (set once, under ram_lock) */
};

enum vm_state { VM_FREE, VM_CREATED, VM_RUNNING, VM_STOPPED };

struct vm {
	unsigned id;
	char name[VM_NAME_MAX];
	struct vm_board board; /* where it sees RAM and devices: vm_board_default() at creation */
	unsigned weight;       /* its CPU share relative to other VMs (docs/scheduling.md) */
	enum vm_state state;
	int exit_status; /* valid once VM_STOPPED */

	struct pgt s2;
	unsigned pa_bits;     /* of the CPU, for VTCR_EL2.PS */
	struct palloc *alloc; /* where RAM and tables came from */
	struct vm_ram ram[VM_MAX_RAM];
	unsigned ram_count;	  /* regions are only added, before the VM runs */
	struct spinlock ram_lock; /* populating: stage-2 changes, populated bits, ram_blocks */
	unsigned long ram_blocks; /* 2 MiB blocks populated so far */

	struct mmio_device mmio[VM_MAX_MMIO]; /* sorted by base, never overlapping */
	unsigned mmio_count;
	_Atomic unsigned mmio_last; /* the slot vm_find_mmio() found last, looked at first */
	/* Bit n: mmio[n] has work left over from an exit (vm_defer()), for the vCPU whose id + 1
	 * is deferred_by[n] (0: any vCPU). */
	_Atomic uint32_t deferred;
	_Atomic uint8_t deferred_by[VM_MAX_MMIO];

	struct vcpu vcpus[VM_MAX_VCPUS];
	unsigned vcpu_count;

	struct vgic_dist vgic;
	/* The vCPU of this VM that ran last on each pCPU, + 1 (0: none yet): a different one
	 * next means the pCPU's TLB holds the other's per-CPU view (hal_vcpu_flush_local_tlb). */
	uint8_t last_vcpu_on[HV_MAX_CPUS];
	uint64_t cntvoff;   /* CNTVOFF_EL2 of every vCPU: the virtual counter starts near 0 */
	uint64_t pvtime_pa; /* the stolen-time page (core/pvtime.c), 0 if none */

	/* Console input for this VM (set by the device that takes it, e.g. the vPL011): false if
	 * the device has no room, and then core/irq.c holds input back until the device calls
	 * irq_console_drained(). */
	bool (*console_rx)(struct vm *vm, char c);
	void *console_rx_priv;

	struct ffa_vm ffa; /* its FF-A endpoint id and RX/TX buffers (core/ffa.h) */

	struct log_ratelimit guest_log; /* what this VM's misbehaviour may print */
	struct spinlock lock;		/* state, exit_status */
};

/* Which life of its slot `vm` is in: changes whenever the slot is taken or freed, so that
 * something tied to one VM (a device from a pool, vdev/virtio_blk.c) can tell, from any pCPU
 * and without a lock, that the VM it was given to is gone. */
uint32_t vm_generation(const struct vm *vm);

/* Take a free VM slot and give it a VMID and an empty stage 2 of `ipa_bits`. */
int vm_create(struct vm **out, const char *name, unsigned ipa_bits, unsigned pa_bits,
	      struct palloc *alloc);

/* Give the VM `size` bytes of RAM at `ipa` (2 MiB aligned): the memory is reserved now
 * (HV_ENOMEM when the machine has too little, nothing changed) and each 2 MiB block is zeroed
 * and mapped when first touched (vm_ram_populate()), so the guest reads zeros from any byte
 * it did not write. */
int vm_add_ram(struct vm *vm, uint64_t ipa, uint64_t size);

/* The RAM region holding `ipa`, or NULL. */
const struct vm_ram *vm_ram_find(const struct vm *vm, uint64_t ipa);

/* Whether the 2 MiB block of region `r` holding `ipa` has been populated. Lock-free. */
bool vm_ram_populated(const struct vm_ram *r, uint64_t ipa);

/* Populate the 2 MiB block of RAM holding `ipa` unless it already is: zero it, clean it to the
 * point of coherency, map it in stage 2 and mark it populated. Any CPU may call it at any
 * time (takes vm->ram_lock); a block is populated once in the VM's life. HV_EFAULT if `ipa`
 * is not RAM. */
int vm_ram_populate(struct vm *vm, uint64_t ipa);

/* The same for a block about to be written by the hypervisor (gmem_write()): `len` bytes from
 * `src` land at `ipa` (not past the block's end) and only the rest of the block is zeroed, so
 * a boot image is not zeroed and then copied over. *loaded says whether it was; if the block
 * was populated already nothing is written and the caller copies into its mapping. */
int vm_ram_populate_load(struct vm *vm, uint64_t ipa, const void *src, size_t len, bool *loaded);

/* Put a device on the VM's MMIO bus: HV_EBUSY if it overlaps RAM or another device. The
 * range is not mapped in stage 2, so every access traps. */
int vm_add_mmio(struct vm *vm, const struct mmio_device *dev);

/* The device covering `ipa`, or NULL. */
struct mmio_device *vm_find_mmio(struct vm *vm, uint64_t ipa);

/* Work left over. An exit does a bounded amount of device work (docs/trap-path.md): a device
 * with more to do (a QueueNotify over its byte budget) calls vm_defer() from its handler with
 * the vCPU whose access it was, and that vCPU resumes it, one budget per entry into the guest
 * (vm_resume_deferred_by() in the run loop), until the device stops deferring. Meanwhile the
 * vCPUs run, slices end and other vCPUs get their turn, and no other vCPU does that one's work
 * (its time, and the interrupts the work raises, stay with the vCPU that asked). That vCPU does
 * not block in WFI while work waits for it (WFI may complete early: the Arm ARM allows it), so
 * the work goes on while the driver sleeps until its disk answers; a pCPU with no vCPU to run
 * resumes everyone's work instead of sleeping (vm_resume_deferred(), core/sched.c). Any pCPU
 * may call these; the device serialises its own work under its own lock. */
void vm_defer(struct vm *vm, const struct mmio_device *dev, const struct vcpu *by);
static inline bool vm_has_deferred(struct vm *vm) /* asked on every exit: inline */
{
	return atomic_load_explicit(&vm->deferred, memory_order_relaxed) != 0;
}
/* Whether some device's work waits for `vcpu` (deferred for it, or for any vCPU). */
bool vm_has_deferred_for(struct vm *vm, const struct vcpu *vcpu);
/* One budget of every device's deferred work, whoever it is for. */
void vm_resume_deferred(struct vm *vm);
/* One budget of each device's work deferred for `vcpu` or for any vCPU. */
void vm_resume_deferred_by(struct vm *vm, const struct vcpu *vcpu);

/* Add vCPU number `vm->vcpu_count` starting at `entry` in EL1h with x0 = `arg`. */
int vm_add_vcpu(struct vm *vm, uint64_t entry, uint64_t arg, struct vcpu **out);

/* Every vCPU slot of every VM slot numbered 0..VM_MAX * VM_MAX_VCPUS - 1 (core/cpu_msg.c keeps
 * a bit per vCPU), and back. */
#define VCPU_INDEX_MAX (VM_MAX * VM_MAX_VCPUS)
/* Inline: a kick of a vCPU on another pCPU asks it (core/cpu_msg.c). */
static inline unsigned vcpu_index(const struct vcpu *vcpu)
{
	return vcpu->vm->id * VM_MAX_VCPUS + vcpu->id;
}
struct vcpu *vcpu_by_index(unsigned index);

/* Load `vcpu`'s registers into this pCPU (hal_vcpu_load()) and record that they are here, or
 * save them back (hal_vcpu_put()) and record that they are in its context again. */
void vcpu_load(struct vcpu *vcpu);
void vcpu_put(struct vcpu *vcpu);
/* vcpu_put(from) and vcpu_load(to) in one HAL call (hal_vcpu_switch()): `from` is loaded here
 * and `to` is loaded nowhere. */
void vcpu_put_load(struct vcpu *from, struct vcpu *to);

/* Whether `vcpu`'s registers are in this pCPU's hardware now. Code that reads or writes a
 * vCPU's registers through the HAL (timer, ICH_* and list registers, EL1 state) may do so only
 * then: another pCPU's hardware is out of reach, and this one's holds another vCPU. */
static inline bool vcpu_loaded_here(const struct vcpu *vcpu)
{
	return atomic_load_explicit(&vcpu->loaded_on, memory_order_acquire) == hal_cpu_id() + 1;
}

/* Whether `vcpu` runs on another pCPU: its `ctx` is stale and is rewritten at its put. */
static inline bool vcpu_loaded_elsewhere(const struct vcpu *vcpu)
{
	unsigned on = atomic_load_explicit(&vcpu->loaded_on, memory_order_acquire);

	return on && on != hal_cpu_id() + 1;
}

/* Reset `vcpu` to its power-on state, to start at `entry` in EL1h with x0 = `arg` (the boot
 * vCPU at creation, the others by PSCI CPU_ON). Its state is left to the caller. */
void vcpu_reset(struct vcpu *vcpu, uint64_t entry, uint64_t arg);

/* The status of a VM stopped because it faulted while entering its own exception vector (it
 * could never run again): core/inject.c. */
#define VM_STATUS_RECURSIVE_FAULT 126

/* Stop the VM (from any of its vCPUs): it runs no more, status recorded once. */
void vm_stop(struct vm *vm, int status);
/* A vCPU's state changes on its own pCPU and is read from others (PSCI, sched_kick()): the
 * changes made while it is scheduled are release stores, the remote reads acquire loads (a
 * stale answer is what such a read can give anyway). C11 atomics, as the field is _Atomic
 * (clang takes no __atomic builtins on it). */
static inline void vcpu_set_state(struct vcpu *vcpu, enum vcpu_state state)
{
	atomic_store_explicit(&vcpu->state, state, memory_order_release);
}
static inline enum vcpu_state vcpu_state_remote(struct vcpu *vcpu)
{
	return atomic_load_explicit(&vcpu->state, memory_order_acquire);
}
static inline bool vm_running(struct vm *vm) /* asked on every exit: inline */
{
	return __atomic_load_n(&vm->state, __ATOMIC_ACQUIRE) == VM_RUNNING;
}
/* Created or running: not stopped (yet). Asked for every vCPU at every choice: inline. */
static inline bool vm_alive(struct vm *vm)
{
	enum vm_state state = __atomic_load_n(&vm->state, __ATOMIC_ACQUIRE);

	return state == VM_CREATED || state == VM_RUNNING;
}

/* Free everything the VM holds (RAM, tables, VMID) and its slot. */
void vm_destroy(struct vm *vm);

/* Run `vcpu` on the calling pCPU until its VM stops (a single vCPU, no scheduler). */
void vcpu_run(struct vcpu *vcpu);

/* Load `vcpu` (unless it is still loaded on this pCPU), run it until its slice ends (it blocks
 * in WFI, turns itself off, its VM stops, or the scheduler wants the pCPU back), then put it
 * with vcpu_unload(). The turn may go on with other vCPUs the scheduler switches to on the
 * way (sched_next_in_turn()): returns the one that ran last, the one put. */
struct vcpu *vcpu_run_slice(struct vcpu *vcpu);

/* The same, but a vCPU that blocked stays loaded ("parked": true), so that running it again
 * costs no switch: for a pCPU with no other vCPU (docs/scheduling.md, "Parking"). The pCPU
 * must vcpu_unload() it before it loads anything else. */
bool vcpu_run_slice_may_park(struct vcpu *vcpu);

/* Put `vcpu` (its timer interrupt released, its registers saved) and settle its state: OFF if
 * its VM stopped or it called CPU_OFF, RUNNABLE if it was running. */
void vcpu_unload(struct vcpu *vcpu);

/* vcpu_unload(from) and the load of `to` that its run would make, in one HAL call: `from` is
 * loaded on this pCPU, `to` nowhere (a sibling of the same VM or another VM's vCPU). For the
 * scheduler, when a turn goes on with another vCPU without leaving the run loop. */
void vcpu_switch(struct vcpu *from, struct vcpu *to);

#endif

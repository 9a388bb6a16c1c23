// SPDX-License-Identifier: MIT
/* The HAL on the host: every call reads or records state in `sim_hal`, or, for what is per
 * physical CPU, in the calling thread's struct sim_pcpu when it is a simulated pCPU. Counts
 * several pCPUs may bump are atomic. */
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <hal-sim/sim_hal.h>
#include <hal/console.h>
#include <hal/cpu.h>
#include <hal/firmware.h>
#include <hal/mem.h>
#include <hal/mmu.h>
#include <hal/time.h>
#include <hal/vcpu.h>

struct sim_hal sim_hal;

void sim_hal_reset(void)
{
	memset(&sim_hal, 0, sizeof(sim_hal));
	sim_hal.counter_freq = 62500000;
	sim_hal.pa_bits = 40;
	sim_hal.vgic_nr_lrs = 4; /* QEMU's GICv3 model */
	sim_hal.vgic_pri_bits = 5;
	sim_hal.pmu.counters = 6;
	sim_hal.pmu.ceid0 = 0x7fff0f3fULL;
}

void sim_console_clear(void)
{
	sim_hal.console_len = 0;
	sim_hal.console[0] = '\0';
	sim_hal.console_raw_len = 0;
}

/* Count an event that several pCPU threads may record. */
#define COUNT(field) __atomic_fetch_add(&(field), 1, __ATOMIC_RELAXED)

_Noreturn void sim_exit(const char *reason, int status)
{
	/* The jump buffer is the main thread's: a pCPU thread cannot unwind to it. */
	if (sim_pcpu_self()) {
		fprintf(stderr, "sim: pCPU %u: %s (%d)\n", sim_pcpu_self()->id, reason, status);
		abort();
	}
	sim_hal.exit_reason = reason;
	sim_hal.exit_status = status;
	if (sim_hal.exit_jmp)
		longjmp(*sim_hal.exit_jmp, 1);
	abort();
}

/* --- cpu --- */
unsigned sim_hal_cpu_id(void)
{
	struct sim_pcpu *p = sim_pcpu_self();

	return p ? p->id : sim_hal.cpu_id;
}
uint64_t hal_cpu_mpidr(void)
{
	struct sim_pcpu *p = sim_pcpu_self();

	return p ? p->mpidr : sim_hal.cpu_mpidr;
}
unsigned hal_current_el(void)
{
	return 2;
}
void hal_cpu_relax(void)
{
	/* Tests run more threads than the host has cores: let a lock's holder run. */
	sched_yield();
}
/* A WFI on the host: the test's hook may raise interrupts or stop the VM. With no hook, a long
 * run of waits means nothing will ever wake the caller: fail loudly instead of hanging. */
#define SIM_WFI_LIMIT 100000
void hal_wait_for_interrupt(void)
{
	struct sim_pcpu *p = sim_pcpu_self();

	if (p) {
		/* A pCPU thread sleeps until something is pending for it (bounded: see there). */
		sim_pcpu_wait(p);
		return;
	}
	sim_hal.wfi_count++;
	if (sim_hal.wfi_hook)
		sim_hal.wfi_hook();
	else if (sim_hal.wfi_count > SIM_WFI_LIMIT)
		sim_exit("wfi: nothing will ever wake this pCPU", -1);
}
void hal_memory_barrier(void)
{
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
}
_Noreturn void hal_cpu_halt(void)
{
	sim_exit("halt", -1);
}

/* --- console --- */
void hal_console_init(uint64_t base_pa)
{
	sim_hal.console_base = base_pa;
}

/* Append to a bounded buffer, dropping its oldest bytes when full; room for a NUL kept. */
static void append(char *buf, size_t *used, const char *s, size_t len)
{
	const size_t cap = SIM_CONSOLE_SIZE - 1;

	if (len > cap) {
		s += len - cap;
		len = cap;
	}
	if (*used + len > cap) {
		size_t drop = *used + len - cap;

		memmove(buf, buf + drop, *used - drop);
		*used -= drop;
	}
	memcpy(buf + *used, s, len);
	*used += len;
}

void hal_console_write(const char *s, size_t len)
{
	char shown[256];
	size_t n = 0;

	/* One UART: each write goes out whole, whichever pCPU makes it. */
	sim_hw_lock();
	append(sim_hal.console_raw, &sim_hal.console_raw_len, s, len);
	for (size_t i = 0; i < len; i++) {
		/* "\r\n" shows as "\n", also when a write ends between the two. */
		if (s[i] == '\n' && n && shown[n - 1] == '\r')
			n--;
		else if (s[i] == '\n' && !n && sim_hal.console_len &&
			 sim_hal.console[sim_hal.console_len - 1] == '\r')
			sim_hal.console_len--;
		shown[n++] = s[i];
		if (n == sizeof(shown) || i + 1 == len) {
			/* Keep a trailing '\r' back: the next byte may be its '\n'. */
			size_t keep = shown[n - 1] == '\r' && i + 1 < len;

			append(sim_hal.console, &sim_hal.console_len, shown, n - keep);
			shown[0] = '\r';
			n = keep;
		}
	}
	sim_hal.console[sim_hal.console_len] = '\0';
	sim_hw_unlock();
}

/* --- memory: a physical address is the host address --- */
void *hal_phys_to_ptr(uint64_t pa)
{
	return (void *)(uintptr_t)pa;
}
uint64_t hal_ptr_to_phys(const void *ptr)
{
	return (uint64_t)(uintptr_t)ptr;
}
void hal_mem_zero(void *ptr, size_t len)
{
	memset(ptr, 0, len);
	/* Several test threads may populate guest RAM at once. */
	__atomic_fetch_add(&sim_hal.zeroed_bytes, len, __ATOMIC_RELAXED);
	__atomic_fetch_add(&sim_hal.zero_calls, 1, __ATOMIC_RELAXED);
}
void hal_dcache_clean_range(const void *ptr, size_t len)
{
	__atomic_fetch_add(&sim_hal.cleaned_bytes, len, __ATOMIC_RELAXED);
	if (sim_hal.clean_hook)
		sim_hal.clean_hook(ptr, len);
}

void hal_dcache_clean_inval_range(const void *ptr, size_t len)
{
	__atomic_fetch_add(&sim_hal.clean_inval_bytes, len, __ATOMIC_RELAXED);
}

/* --- translation --- */
bool hal_s2_forces_wb(void)
{
	return sim_hal.s2_forces_wb;
}
unsigned hal_pa_bits(void)
{
	return sim_hal.pa_bits;
}
void hal_el2_mmu_enable(uint64_t root_pa, uint64_t tcr, uint64_t mair)
{
	sim_hal.el2_root = root_pa;
	sim_hal.el2_tcr = tcr;
	sim_hal.el2_mair = mair;
	sim_hal.el2_mmu_on = true;
}
bool hal_el2_mmu_enabled(void)
{
	return sim_hal.el2_mmu_on;
}

/* The host has no MMU to ask; tests read the tables with pgt_lookup() instead. */
bool hal_el2_translate(uint64_t va, bool write, uint64_t *pa, uint8_t *attr)
{
	return false;
}

void hal_tlb_flush_el2_va(uint64_t va)
{
	COUNT(sim_hal.tlb_flush_va);
	__atomic_store_n(&sim_hal.last_flush_addr, va, __ATOMIC_RELAXED);
}
void hal_tlb_flush_el2_all(void)
{
	COUNT(sim_hal.tlb_flush_all);
}

void hal_tlb_flush_ipa(uint16_t vmid, uint64_t ipa)
{
	COUNT(sim_hal.tlb_flush_ipa);
	__atomic_store_n(&sim_hal.last_flush_vmid, vmid, __ATOMIC_RELAXED);
	__atomic_store_n(&sim_hal.last_flush_addr, ipa, __ATOMIC_RELAXED);
}

void hal_tlb_flush_vmid(uint16_t vmid)
{
	COUNT(sim_hal.tlb_flush_vmid);
	__atomic_store_n(&sim_hal.last_flush_vmid, vmid, __ATOMIC_RELAXED);
}

/* --- time --- */
uint64_t hal_counter_now(void)
{
	/* Shared by every pCPU, like the system counter. */
	return __atomic_fetch_add(&sim_hal.counter, sim_hal.counter_step, __ATOMIC_RELAXED);
}
uint64_t hal_counter_freq(void)
{
	return sim_hal.counter_freq;
}

/* --- firmware --- */
void hal_psci_set_conduit(enum hal_psci_conduit conduit)
{
	sim_hal.psci_conduit = conduit == HAL_PSCI_HVC ? SIM_PSCI_HVC : SIM_PSCI_SMC;
}

int32_t hal_psci_cpu_on(uint64_t mpidr, unsigned cpu_index)
{
	if (sim_hal.cpu_on_count < SIM_MAX_CPU_ON)
		sim_hal.cpu_on_mpidr[sim_hal.cpu_on_count] = mpidr;
	sim_hal.cpu_on_count++;
	if (sim_hal.cpu_on_result == 0 && sim_hal.cpu_on_hook)
		sim_hal.cpu_on_hook(mpidr, cpu_index);
	return sim_hal.cpu_on_result;
}

void hal_firmware_call(uint32_t fid, uint64_t a1, uint64_t a2, uint64_t a3, uint64_t res[4])
{
	sim_hal.fw_calls++;
	sim_hal.fw_last_fid = fid;
	sim_hal.fw_last_a1 = a1;
	res[1] = a1;
	res[2] = a2;
	res[3] = a3;
	res[0] = sim_hal.fw_answer ? sim_hal.fw_answer(fid, a1) : (uint64_t)-1;
}

_Noreturn void hal_system_off(void)
{
	sim_exit("system_off", 0);
}
_Noreturn void hal_system_reset(void)
{
	sim_exit("system_reset", 0);
}
void hal_debug_exit_enable(void)
{
}
_Noreturn void hal_machine_exit(int status)
{
	sim_exit("machine_exit", status);
}

/* --- vCPUs: the test plays the guest in sim_hal.vcpu_enter_hook --- */
uint64_t hal_cpu_id_reg(unsigned crm, unsigned op2)
{
	return crm < 8 && op2 < 8 ? sim_hal.id_regs[crm][op2] : 0;
}

uint64_t hal_cpu_midr(void)
{
	return 0x410fd034; /* a Cortex-A53 r0p4 */
}

void hal_vcpu_load(struct hal_vcpu_ctx *ctx)
{
	struct sim_pcpu *p = sim_pcpu_self();

	COUNT(sim_hal.vcpu_loads);
	if (p)
		p->loaded_vcpu = ctx;
	else
		sim_hal.loaded_vcpu = ctx;
}

void hal_vcpu_inject_vserror(struct hal_vcpu_ctx *ctx, uint64_t iss)
{
	ctx->vserror_pending = 1;
	ctx->vsesr = iss & 0x1ffffffULL;
}

void hal_vcpu_flush_local_tlb(struct hal_vcpu_ctx *ctx)
{
	COUNT(sim_hal.vcpu_local_flushes);
}

void hal_vcpu_put(struct hal_vcpu_ctx *ctx)
{
	struct sim_pcpu *p = sim_pcpu_self();

	if (sim_hal.vcpu_put_hook)
		sim_hal.vcpu_put_hook(ctx);
	COUNT(sim_hal.vcpu_puts);
	ctx->fp_live = false;
	if (p)
		p->loaded_vcpu = NULL;
	else
		sim_hal.loaded_vcpu = NULL;
}

/* As a put and a load, counted as both and as a switch. */
void hal_vcpu_switch(struct hal_vcpu_ctx *from, struct hal_vcpu_ctx *to)
{
	COUNT(sim_hal.vcpu_switches);
	hal_vcpu_put(from);
	hal_vcpu_load(to);
}

/* As the hardware: only the first FP/SIMD use of a load traps. */
bool hal_vcpu_fpsimd_trap(struct hal_vcpu_ctx *ctx)
{
	COUNT(sim_hal.fpsimd_traps);
	if (ctx->fp_live)
		return false;
	ctx->fp_live = true;
	return true;
}

/* As the hardware: with HCR_EL2.APK/API clear for a vCPU without its keys, a PAC instruction
 * (EC 0x09) and an access to a key register (EC 0x18, Op0 3, Op1 0, CRn 2, CRm 1-3) trap. */
bool hal_vcpu_pauth_trap(struct hal_vcpu_ctx *ctx)
{
	unsigned ec = (unsigned)(ctx->esr >> 26) & 0x3f;
	unsigned op0 = (unsigned)(ctx->esr >> 20) & 3, op1 = (unsigned)(ctx->esr >> 14) & 7;
	unsigned crn = (unsigned)(ctx->esr >> 10) & 15, crm = (unsigned)(ctx->esr >> 1) & 15;
	bool key = ec == 0x18 && op0 == 3 && op1 == 0 && crn == 2 && crm >= 1 && crm <= 3;

	if (!sim_hal.pauth || ctx->pauth_used || (ec != 0x09 && !key))
		return false;
	COUNT(sim_hal.pauth_traps);
	ctx->pauth_used = true;
	return true;
}

void hal_debug_load(const struct hal_debug_regs *d)
{
	COUNT(sim_hal.debug_loads);
	sim_hal.debug_hw = *d;
	sim_hal.debug_in_hw = true;
}

void hal_debug_clear(void)
{
	COUNT(sim_hal.debug_clears);
	memset(&sim_hal.debug_hw, 0, sizeof(sim_hal.debug_hw));
	sim_hal.debug_in_hw = false;
}

unsigned hal_sve_init(unsigned max_vl)
{
	sim_hal.sve_vl = sim_hal.sve_cpu_vl < max_vl ? sim_hal.sve_cpu_vl : max_vl;
	return sim_hal.sve_vl;
}

/* As the hardware: SVE traps until the vCPU is given it, and it is given with FP/SIMD once
 * used. */
bool hal_vcpu_sve_trap(struct hal_vcpu_ctx *ctx)
{
	COUNT(sim_hal.sve_traps);
	if (!sim_hal.sve_vl || !ctx->sve || (ctx->fp_live && ctx->sve_used))
		return false;
	ctx->sve_used = true;
	ctx->fp_live = true;
	return true;
}

enum hal_exit_kind hal_vcpu_enter(struct hal_vcpu_ctx *ctx)
{
	COUNT(sim_hal.vcpu_entries);
	if (!sim_hal.vcpu_enter_hook)
		sim_exit("vcpu_enter without a hook", -1);
	return sim_hal.vcpu_enter_hook(ctx);
}

uint64_t hal_vcpu_el1_read(struct hal_vcpu_ctx *ctx, enum hal_el1_reg reg)
{
	__atomic_fetch_add(&sim_hal.vcpu_el1_reads, 1, __ATOMIC_RELAXED); /* any thread */
	return reg < HAL_EL1_NR ? ctx->el1[reg] : 0;
}

void hal_vcpu_el1_write(struct hal_vcpu_ctx *ctx, enum hal_el1_reg reg, uint64_t val)
{
	if (reg < HAL_EL1_NR)
		ctx->el1[reg] = val;
}

bool hal_vcpu_va_to_ipa(struct hal_vcpu_ctx *ctx, uint64_t va, uint64_t *ipa)
{
	if (sim_hal.va_to_ipa_fails)
		return false;
	*ipa = va; /* the simulated guest runs with its MMU off */
	return true;
}

/* --- the virtual CPU interface: state in ctx->vgic, status registers modelled here --- */
#define SIM_LR_STATE_SHIFT     62
#define SIM_LR_HW	       (1ULL << 61)
#define SIM_LR_EOI	       (1ULL << 41)
#define SIM_HCR_UIE	       (1ULL << 1)
#define SIM_HCR_LRENPIE	       (1ULL << 2)
#define SIM_HCR_NPIE	       (1ULL << 3)
#define SIM_HCR_VGRP0EIE       (1ULL << 4)
#define SIM_HCR_VGRP0DIE       (1ULL << 5)
#define SIM_HCR_VGRP1EIE       (1ULL << 6)
#define SIM_HCR_VGRP1DIE       (1ULL << 7)
#define SIM_VMCR_VENG0	       (1ULL << 0)
#define SIM_VMCR_VENG1	       (1ULL << 1)
#define SIM_MISR_VGRP0E	       (1ULL << 4)
#define SIM_MISR_VGRP0D	       (1ULL << 5)
#define SIM_MISR_VGRP1E	       (1ULL << 6)
#define SIM_MISR_VGRP1D	       (1ULL << 7)
#define SIM_HCR_EOICOUNT_SHIFT 27
#define SIM_MISR_EOI	       (1ULL << 0)
#define SIM_MISR_U	       (1ULL << 1)
#define SIM_MISR_LRENP	       (1ULL << 2)
#define SIM_MISR_NP	       (1ULL << 3)

unsigned hal_vgic_nr_lrs(void)
{
	return sim_hal.vgic_nr_lrs;
}
unsigned hal_vgic_pri_bits(void)
{
	return sim_hal.vgic_pri_bits;
}

uint64_t hal_vgic_lr_read(struct hal_vcpu_ctx *ctx, unsigned n)
{
	COUNT(sim_hal.vgic_lr_reads); /* counted for the fast-path tests, see sim_hal.h */
	return n < HAL_VGIC_MAX_LRS ? ctx->vgic.lr[n] : 0;
}

void hal_vgic_lr_write(struct hal_vcpu_ctx *ctx, unsigned n, uint64_t val)
{
	COUNT(sim_hal.vgic_lr_writes);
	if (n < HAL_VGIC_MAX_LRS)
		ctx->vgic.lr[n] = val;
}

uint64_t hal_vgic_hcr_read(struct hal_vcpu_ctx *ctx)
{
	return ctx->vgic.hcr;
}
uint64_t hal_vgic_vmcr(struct hal_vcpu_ctx *ctx)
{
	__atomic_fetch_add(&sim_hal.vgic_vmcr_reads, 1, __ATOMIC_RELAXED);
	return ctx->vgic.vmcr;
}
void hal_vgic_hcr_write(struct hal_vcpu_ctx *ctx, uint64_t val)
{
	COUNT(sim_hal.vgic_hcr_writes);
	ctx->vgic.hcr = val;
}

uint64_t hal_vgic_elrsr(struct hal_vcpu_ctx *ctx)
{
	uint64_t mask = 0;

	for (unsigned n = 0; n < sim_hal.vgic_nr_lrs; n++) {
		if ((ctx->vgic.lr[n] >> SIM_LR_STATE_SHIFT) == 0)
			mask |= 1ULL << n;
	}
	return mask;
}

uint64_t hal_vgic_eisr(struct hal_vcpu_ctx *ctx)
{
	uint64_t mask = 0;

	for (unsigned n = 0; n < sim_hal.vgic_nr_lrs; n++) {
		uint64_t lr = ctx->vgic.lr[n];

		if ((lr >> SIM_LR_STATE_SHIFT) == 0 && !(lr & SIM_LR_HW) && (lr & SIM_LR_EOI))
			mask |= 1ULL << n;
	}
	return mask;
}

/* ICH_MISR_EL2 as GICv3 12.4.9 defines it from the LRs and ICH_HCR_EL2. */
uint64_t hal_vgic_misr(struct hal_vcpu_ctx *ctx)
{
	uint64_t hcr = ctx->vgic.hcr, misr = 0;
	unsigned valid = 0, pending = 0;

	for (unsigned n = 0; n < sim_hal.vgic_nr_lrs; n++) {
		uint64_t state = ctx->vgic.lr[n] >> SIM_LR_STATE_SHIFT;

		valid += state != 0;
		pending += state == 1;
	}
	if (hal_vgic_eisr(ctx))
		misr |= SIM_MISR_EOI;
	if ((hcr & SIM_HCR_UIE) && valid <= 1)
		misr |= SIM_MISR_U;
	if ((hcr & SIM_HCR_LRENPIE) && (hcr >> SIM_HCR_EOICOUNT_SHIFT))
		misr |= SIM_MISR_LRENP;
	if ((hcr & SIM_HCR_NPIE) && pending == 0)
		misr |= SIM_MISR_NP;
	if ((hcr & SIM_HCR_VGRP0EIE) && (ctx->vgic.vmcr & SIM_VMCR_VENG0))
		misr |= SIM_MISR_VGRP0E;
	if ((hcr & SIM_HCR_VGRP1EIE) && (ctx->vgic.vmcr & SIM_VMCR_VENG1))
		misr |= SIM_MISR_VGRP1E;
	if ((hcr & SIM_HCR_VGRP0DIE) && !(ctx->vgic.vmcr & SIM_VMCR_VENG0))
		misr |= SIM_MISR_VGRP0D;
	if ((hcr & SIM_HCR_VGRP1DIE) && !(ctx->vgic.vmcr & SIM_VMCR_VENG1))
		misr |= SIM_MISR_VGRP1D;
	return misr;
}

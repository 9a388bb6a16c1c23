// SPDX-License-Identifier: MIT
/* libFuzzer harness for the guest-visible GICv3 registers (vdev/vgic_*.c) and the interrupt
 * state behind them (core/vgic.c). A VM with 4 vCPUs and the vGIC attached; the input drives a
 * sequence of register accesses across GICD and every GICR frame, interleaved with device
 * inputs, SGIs and vCPU runs (list registers filled, changed as a guest would, folded back).
 * After every step the vGIC's invariants must hold; a violation traps.
 *
 * Input: byte 0 picks the machine (bits 0-1 SPI count, 2-3 list registers, 4-6 priority bits,
 * 7 "SMP", see below), then 8-byte steps (zero-padded when short):
 *   [0]  bits 0-2 kind; for accesses: bits 3-4 log2 size, bit 5 write, bits 6-7 accessing vCPU
 *   [1]  frame (0 GICD, 1 + 2n / 2 + 2n: vCPU n's RD_base / SGI_base) or vCPU
 *   [2,4) offset in the frame, or INTID
 *   [4,8) value (both halves of a 64-bit write), or what the guest does to each list register
 * As on one pCPU, a vCPU runs from its flush to its fold (a RUN step), so every vCPU is folded
 * when registers are accessed. With FUZZ_VGIC_SMP defined and bit 7 of byte 0 set, a RUN step
 * with bit 7 of [1] leaves the vCPU running (list registers live) until its next access or run,
 * as on several pCPUs: the others keep accessing registers and raising inputs meanwhile.
 * A second VM must never change. Seeds: fuzz/corpus/vgic_mmio/. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <core/err.h>
#include <core/gicv3.h>
#include <core/lib.h>
#include <core/vgic.h>
#include <core/vm.h>
#include <hal-sim/sim_hal.h>
#include <sim/sim.h>
#include <vdev/vgic_mmio.h>

#include "fuzz_check.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define NR_VCPUS  4
#define STEP_SIZE 8
#define MAX_STEPS 512
#define LR_STATE  (3ULL << ICH_LR_STATE_SHIFT)

enum step_kind { ACCESS, ACCESS2, ACCESS3, LINE, PULSE, RUN, SGI, HW };

/* The invariant checks run after every step: keep libFuzzer's comparison tracing out of them,
 * it would cost most of the run and guide nothing. */
#define NO_COVERAGE __attribute__((no_sanitize("coverage")))

static const uint64_t mpidr[NR_VCPUS] = {0, 1, 0x0000000500020304ULL, 0x100};
static const unsigned nr_spis_choice[4] = {32, 64, 96, 0};
static const unsigned nr_lrs_choice[4] = {4, 1, 2, 16};

static struct sim_machine m, other;
static struct vm other_snapshot;
static bool smp, running[NR_VCPUS];

static void check(const struct vm *vm);

static uint64_t le(const uint8_t *p, unsigned n)
{
	uint64_t v = 0;

	for (unsigned i = 0; i < n; i++)
		v |= (uint64_t)p[i] << (8 * i);
	return v;
}

static void vm_up(struct sim_machine *mm)
{
	const struct sim_config cfg = {.no_ram = true, .no_uart = true};
	struct vcpu *v;

	FUZZ_CHECK(sim_machine_init(mm, &cfg) == HV_OK);
	for (unsigned i = 0; i < NR_VCPUS; i++) {
		FUZZ_CHECK(vm_add_vcpu(mm->vm, VM_RAM_BASE, 0, &v) == HV_OK);
		v->ctx.vmpidr = mpidr[i];
	}
	vgic_init(mm->vm, 64);
	FUZZ_CHECK(vgic_dist_attach(mm->vm, VM_GICD_BASE) == HV_OK);
	FUZZ_CHECK(vgic_redist_attach(mm->vm, VM_GICR_BASE) == HV_OK);
}

/* Once per process: the machine under test, and a second VM that must never change. */
static void machines_up(void)
{
	static bool up;

	if (up)
		return;
	up = true;
	sim_hal_reset();
	vm_up(&m);
	vm_up(&other);
	other_snapshot = *other.vm;
}

/* Whether `v`'s registers are live on this (the only simulated) pCPU. The real run loop loads
 * one vCPU at a time; here several may be "running" at once, each with its list registers in
 * its context (hal-sim's hardware), and flush/fold CHECK that their vCPU is the loaded one. */
static void set_loaded(struct vcpu *v, bool loaded)
{
	atomic_store(&v->loaded_on, loaded ? hal_cpu_id() + 1 : 0);
}

static void reset(uint8_t cfg)
{
	for (unsigned i = 0; i < NR_VCPUS; i++) {
		memset(&m.vm->vcpus[i].ctx.vgic, 0, sizeof(m.vm->vcpus[i].ctx.vgic));
		set_loaded(&m.vm->vcpus[i], false);
	}
	sim_hal.vgic_nr_lrs = nr_lrs_choice[(cfg >> 2) & 3];
	sim_hal.vgic_pri_bits = 4 + (cfg >> 4) % 5;
	sim_console_clear();
	vgic_init(m.vm, nr_spis_choice[cfg & 3]);
	memset(running, 0, sizeof(running));
#ifdef FUZZ_VGIC_SMP
	smp = cfg & 0x80;
#endif
}

/* The guest on `v` traps: its list registers go back to software state. */
static void guest_exit(struct vcpu *v)
{
	if (running[v->id])
		vgic_fold(v);
	running[v->id] = false;
	set_loaded(v, false);
}

static void access(const uint8_t *s)
{
	unsigned size = 1u << ((s[0] >> 3) & 3), frame = s[1] % (1 + 2 * NR_VCPUS);
	struct vcpu *by = &m.vm->vcpus[s[0] >> 6];
	uint64_t off = le(s + 2, 2) & ~(uint64_t)(size - 1), val = le(s + 4, 4);
	uint64_t ipa = frame ? VM_GICR_BASE + (frame - 1) * 0x10000ULL + off : VM_GICD_BASE + off;
	struct mmio_device *dev = vm_find_mmio(m.vm, ipa);
	uint64_t got = 0x5a5a5a5a5a5a5a5aULL;

	FUZZ_CHECK(dev);
	guest_exit(by);
	if (s[0] & 0x20) {
		FUZZ_CHECK(dev->ops->write(dev, by, ipa - dev->base, size, val | val << 32) ==
			   HV_OK);
		return;
	}
	FUZZ_CHECK(dev->ops->read(dev, by, ipa - dev->base, size, &got) == HV_OK);
	FUZZ_CHECK(size == 8 || got >> (8 * size) == 0); /* nothing beyond the access */
}

/* Flush `v`, do to each list register what 2 bits of `guest` say (nothing, acknowledge,
 * deactivate, or deactivate an interrupt that is in none: EOIcount), fold it back unless it
 * stays running. */
static void run(struct vcpu *v, uint32_t guest, bool stay)
{
	uint64_t *lr = v->ctx.vgic.lr;

	guest_exit(v);
	set_loaded(v, true);
	vgic_flush(v);
	check(v->vm);
	for (unsigned n = 0; n < v->vgic.nr_lrs; n++, guest >>= 2) {
		uint64_t state = (lr[n] & LR_STATE) >> ICH_LR_STATE_SHIFT;

		switch (guest & 3) {
		case 1:
			if (state == ICH_LR_STATE_PENDING)
				state = ICH_LR_STATE_ACTIVE;
			break;
		case 2:
			state &= ~ICH_LR_STATE_ACTIVE;
			break;
		case 3:
			v->ctx.vgic.hcr += 1ULL << ICH_HCR_EOICOUNT_SHIFT;
			break;
		default:
			break;
		}
		lr[n] = (lr[n] & ~LR_STATE) | state << ICH_LR_STATE_SHIFT;
	}
	running[v->id] = true;
	if (!stay)
		guest_exit(v);
}

static NO_COVERAGE bool interesting(const struct vcpu *v, unsigned intid)
{
	return v->vgic.interesting[intid / 64] & BIT(intid % 64);
}

static NO_COVERAGE void check_irq(const struct vm *vm, const struct vgic_irq *irq, uint8_t pri_mask)
{
	const struct vcpu *t = irq->target;

	FUZZ_CHECK((irq->priority & ~pri_mask) == 0);
	FUZZ_CHECK(!irq->spilled || (irq->active && t));
	if (irq->lr >= 0) {
		FUZZ_CHECK(t && irq->lr < t->vgic.nr_lrs && (t->vgic.lr_used & BIT(irq->lr)));
		FUZZ_CHECK((t->ctx.vgic.lr[irq->lr] & ICH_LR_VINTID_MASK) == irq->intid);
		return;
	}
	/* The target's set, and no other (private INTIDs are each vCPU's own numbers). */
	for (unsigned i = 0; i < vm->vcpu_count; i++) {
		const struct vcpu *v = &vm->vcpus[i];

		if (v == t)
			FUZZ_CHECK(interesting(v, irq->intid) ==
				   (vgic_irq_pending(irq) || irq->active));
		else if (irq->intid >= VGIC_NR_PRIVATE)
			FUZZ_CHECK(!interesting(v, irq->intid));
	}
}

static NO_COVERAGE void check(const struct vm *vm)
{
	uint8_t pri_mask = (uint8_t)(0xff << (8 - vm->vcpus[0].vgic.pri_bits));

	for (unsigned i = 0; i < vm->vcpu_count; i++) {
		const struct vcpu *v = &vm->vcpus[i];
		unsigned spilled = 0;

		FUZZ_CHECK(v->vgic.lr_used < BIT(v->vgic.nr_lrs));
		for (unsigned n = 0; n < HAL_VGIC_MAX_LRS; n++) {
			uint64_t lr = v->ctx.vgic.lr[n];

			if (!(v->vgic.lr_used & BIT(n))) {
				FUZZ_CHECK(lr == 0);
				continue;
			}
			for (unsigned k = 0; k < n; k++) /* no INTID twice */
				FUZZ_CHECK(!(v->vgic.lr_used & BIT(k)) ||
					   (v->ctx.vgic.lr[k] & ICH_LR_VINTID_MASK) !=
					       (lr & ICH_LR_VINTID_MASK));
		}
		for (unsigned intid = 0; intid < VGIC_NR_PRIVATE; intid++) {
			const struct vgic_irq *irq = &v->vgic.private_irqs[intid];

			FUZZ_CHECK(irq->intid == intid && irq->target == v);
			FUZZ_CHECK(intid >= VGIC_NR_SGIS || irq->edge);
			check_irq(vm, irq, pri_mask);
			spilled += irq->spilled;
		}
		for (unsigned s = 0; s < vm->vgic.nr_spis; s++)
			spilled += vm->vgic.spis[s].spilled && vm->vgic.spis[s].target == v;
		FUZZ_CHECK(v->vgic.nr_spilled == spilled);
		for (unsigned intid = VGIC_NR_PRIVATE + vm->vgic.nr_spis; intid < VGIC_MAX_INTID;
		     intid++)
			FUZZ_CHECK(!interesting(v, intid));
	}
	for (unsigned s = 0; s < VGIC_MAX_SPIS; s++) {
		const struct vgic_irq *irq = &vm->vgic.spis[s];

		FUZZ_CHECK(irq->intid == VGIC_NR_PRIVATE + s);
		if (s < vm->vgic.nr_spis) {
			check_irq(vm, irq, pri_mask);
			continue;
		}
		/* SPIs the VM does not have: untouched since vgic_init(). */
		FUZZ_CHECK(!irq->enabled && !irq->pending_latch && !irq->line && !irq->active);
		FUZZ_CHECK(!irq->group && !irq->priority && !irq->edge && !irq->irouter &&
			   !irq->target);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t steps = size ? (size - 1 + STEP_SIZE - 1) / STEP_SIZE : 0;

	machines_up();
	reset(size ? data[0] : 0);
	if (steps > MAX_STEPS)
		steps = MAX_STEPS;
	for (size_t i = 0; i < steps; i++) {
		uint8_t s[STEP_SIZE] = {0};
		size_t at = 1 + i * STEP_SIZE, n = MIN(size - at, (size_t)STEP_SIZE);
		struct vcpu *v;
		uint32_t intid;

		memcpy(s, data + at, n);
		v = &m.vm->vcpus[s[1] % NR_VCPUS];
		intid = (uint32_t)le(s + 2, 2) % 1100; /* past the last INTID, too */
		switch (s[0] & 7) {
		case LINE:
			vgic_set_line(m.vm, v, intid, s[4] & 1);
			break;
		case PULSE:
			vgic_pulse(m.vm, v, intid);
			break;
		case RUN:
			run(v, (uint32_t)le(s + 4, 4), smp && (s[1] & 0x80));
			break;
		case SGI:
			vgic_send_sgi(v, le(s + 2, 6), s[1] >> 7);
			break;
		case HW:
			vgic_inject_hw(v, VGIC_PPI_VTIMER, VGIC_PPI_VTIMER);
			break;
		default:
			access(s);
			break;
		}
		check(m.vm);
	}
	for (unsigned i = 0; i < NR_VCPUS; i++)
		guest_exit(&m.vm->vcpus[i]);
	check(m.vm);
	FUZZ_CHECK(memcmp(other.vm, &other_snapshot, sizeof(other_snapshot)) == 0);
	return 0;
}

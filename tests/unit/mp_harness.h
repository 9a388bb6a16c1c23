/* SPDX-License-Identifier: MIT */
#ifndef TESTS_UNIT_MP_HARNESS_H
#define TESTS_UNIT_MP_HARNESS_H

/* The machine of the threaded tests (test_*_threads.c): one VM whose vCPUs run on simulated
 * pCPUs that are host threads (sim/mp.c), each pCPU scheduling its own queue over the real
 * core/ and vdev/ code. Built with ASan+UBSan in `make test-host` and with ThreadSanitizer in
 * `make test-tsan`. */
#include <sched.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include <core/arch.h>
#include <core/console.h>
#include <core/err.h>
#include <core/gicv3.h>
#include <core/irq.h>
#include <core/lib.h>
#include <core/smccc.h>
#include <core/vgic.h>
#include <core/vm.h>
#include <hal-sim/sim_hal.h>
#include <hal/gic.h>
#include <sim/sim.h>
#include <vdev/vgic_mmio.h>

#define MP_ENTRY      (VM_RAM_BASE + IMAGE_RAW_OFFSET)
#define MP_BOOT_COUNT 5000000ULL
#define MP_PRIO	      0xa0
#define MP_NR_SPIS    64
#define MP_MMIO_RT    5 /* the register a guest's MMIO write takes its value from */

static struct sim_machine m;
static struct vm *vm;

static inline struct vcpu *cpu(unsigned n)
{
	return &vm->vcpus[n];
}

/* A VM of `nr_vcpus` vCPUs on `nr_pcpus` pCPUs, its vGIC up (Group 1 on, every CPU interface's
 * mask open, every SGI enabled at MP_PRIO on every vCPU, every SPI in Group 1, IRQs unmasked in
 * every guest; distributor and redistributors at VM_GICD_BASE / VM_GICR_BASE), the physical
 * interrupts as target/main.c sets them up, each vCPU playing `program`. */
static inline void mp_machine(unsigned nr_vcpus, unsigned nr_pcpus,
			      struct sim_step (*program)(unsigned vcpu, struct sim_mp_vcpu *v))
{
	static const uint32_t prog[] = {SIM_A64_HVC0, SIM_A64_HVC0};
	static const struct irq_config irqs = {
	    .maintenance = VGIC_PPI_MAINTENANCE, .vtimer = VGIC_PPI_VTIMER, .hyp_timer = 26};

	sim_hal_reset();
	sim_hal.counter = MP_BOOT_COUNT;
	assert_int_equal(sim_machine_init(&m, NULL), HV_OK);
	assert_int_equal(sim_machine_load_program(&m, prog, ARRAY_SIZE(prog)), HV_OK);
	vm = m.vm;
	for (unsigned i = 1; i < nr_vcpus; i++) {
		struct vcpu *v;

		assert_int_equal(vm_add_vcpu(vm, MP_ENTRY, 0, &v), HV_OK);
	}
	vgic_init(vm, MP_NR_SPIS);
	vm->vgic.enable_grp1 = true;
	for (unsigned i = 0; i < nr_vcpus; i++) {
		cpu(i)->ctx.vgic.vmcr = ICH_VMCR_VENG1 | ICH_VMCR_VPMR_MASK << ICH_VMCR_VPMR_SHIFT;
		cpu(i)->ctx.pstate = PSTATE_M_EL1H;
		for (unsigned sgi = 0; sgi < VGIC_NR_SGIS; sgi++) {
			struct vgic_irq *irq = &cpu(i)->vgic.private_irqs[sgi];

			irq->group = 1;
			irq->priority = MP_PRIO;
			irq->enabled = true;
		}
	}
	for (unsigned i = 0; i < vm->vgic.nr_spis; i++)
		vm->vgic.spis[i].group = 1;
	assert_int_equal(vgic_dist_attach(vm, VM_GICD_BASE), HV_OK);
	assert_int_equal(vgic_redist_attach(vm, VM_GICR_BASE), HV_OK);
	assert_int_equal(hal_gic_init(0, NULL, NULL, 0), 0);
	irq_init(&irqs);
	sim_mp_attach(&m, nr_pcpus, program);
}

static inline int mp_teardown(void **state)
{
	sim_machine_destroy(&m);
	return 0;
}

static inline struct sim_step mp_exit(unsigned status)
{
	return sim_step_hvc(HV_CALL_EXIT, status, 0);
}

static inline struct sim_step mp_wfi(void)
{
	return sim_step_wfx(false);
}

/* A guest's 8-, 32- or 64-bit store of `val` to `addr` (a device register: a data abort). */
static inline struct sim_step mp_mmio_write(uint64_t addr, unsigned size, uint64_t val)
{
	struct sim_step s = sim_step_mmio(addr, size, true, MP_MMIO_RT, size == 8);

	s.x_set |= SIM_X(MP_MMIO_RT);
	s.x[MP_MMIO_RT] = val;
	return s;
}

/* Distributor register `reg` plus `off`, and vCPU n's redistributor SGI_base frame. */
static inline uint64_t mp_gicd(uint64_t reg)
{
	return VM_GICD_BASE + reg;
}
static inline uint64_t mp_gicr_sgi(unsigned n, uint64_t reg)
{
	return VM_GICR_BASE + (uint64_t)n * GICR_STRIDE + GICR_SGI_BASE + reg;
}

/* A step that changes nothing: a guest busy at work between two exits. The host thread lets
 * the others run first (the machine has fewer cores than the test has pCPUs). */
static inline struct sim_step mp_busy(void)
{
	sched_yield();
	return sim_step_hvc(PSCI_VERSION, 0, 0);
}

/* Every virtual interrupt vCPU `n` took, whatever its INTID. */
static inline unsigned mp_seen_total(unsigned n)
{
	unsigned total = sim_mp.vcpu[n].seen_other;

	for (unsigned i = 0; i < SIM_MP_MAX_INTID; i++)
		total += sim_mp.vcpu[n].seen[i];
	return total;
}

#endif

/* SPDX-License-Identifier: MIT */
#ifndef TESTS_UNIT_SCHED_HARNESS_H
#define TESTS_UNIT_SCHED_HARNESS_H

/* The machine the scheduler tests (test_sched.c, test_sched_kick.c) run on: a VM of two to
 * four vCPUs playing scripts (sim/smp.c) while sched_run() decides who runs; the simulated GIC
 * interrupts a guest when the EL2 timer (CNTHP) expires, and time moves by sim_hal.counter. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <core/arch.h>
#include <core/err.h>
#include <core/gicv3.h>
#include <core/hwinfo.h>
#include <core/irq.h>
#include <core/lib.h>
#include <core/pcpu.h>
#include <core/sched.h>
#include <core/smccc.h>
#include <core/vgic.h>
#include <core/vm.h>
#include <core/vtimer.h>
#include <hal-sim/sim_hal.h>
#include <hal/gic.h>
#include <sim/sim.h>

#include "fixture.h"

/* A test that shows a known bug is skipped unless TEST_KNOWN_BUGS=1 (it then fails until the
 * bug is fixed; remove the guard with the fix). */
#define KNOWN_BUG(what)                                           \
	do {                                                      \
		if (!getenv("TEST_KNOWN_BUGS")) {                 \
			print_message("[  KNOWN   ] %s\n", what); \
			skip();                                   \
		}                                                 \
	} while (0)

#define ENTRY	   (VM_RAM_BASE + IMAGE_RAW_OFFSET)
#define BOOT_COUNT 5000000ULL /* the counter when the VM is created: its CNTVOFF */
#define FREQ	   62500000ULL
#define SLICE	   (SCHED_SLICE_US * FREQ / 1000000) /* 625000 ticks */
#define HYP_TIMER  26
#define VTIMER	   VGIC_PPI_VTIMER
#define UART_SPI   33 /* the host console's interrupt (QEMU virt: SPI 1) */
#define WAKE_SGI   1
#define CTL_ENABLE 1ULL
#define CTL_IMASK  2ULL

static struct sim_machine m;
static struct vm *vm;

static inline struct vcpu *cpu(unsigned n)
{
	return &vm->vcpus[n];
}

/* Give `vm` (vCPU 0 at the program) vCPUs 1 to `n` - 1 there too and bring its vGIC up. */
static inline void harness_vcpus(struct vm *target, unsigned n)
{
	for (unsigned i = 1; i < n; i++) {
		struct vcpu *v;

		assert_int_equal(vm_add_vcpu(target, ENTRY, 0, &v), HV_OK);
	}
	vgic_init(target, 64);
	target->vgic.enable_grp1 = true;
	for (unsigned i = 0; i < n; i++) {
		struct vcpu *v = &target->vcpus[i];
		struct vgic_irq *sgi = &v->vgic.private_irqs[WAKE_SGI];
		struct vgic_irq *timer = &v->vgic.private_irqs[VTIMER];

		v->ctx.vgic.vmcr = ICH_VMCR_VENG1 | ICH_VMCR_VPMR_MASK << ICH_VMCR_VPMR_SHIFT;
		/* A kernel at work, IRQs unmasked: not in a critical section (docs/scheduling.md). */
		v->ctx.pstate = PSTATE_M_EL1H;
		sgi->group = timer->group = 1;
		sgi->priority = timer->priority = 0xa0;
		sgi->enabled = timer->enabled = true;
	}
}

/* A VM of `n` runnable vCPUs at the program, its vGIC up (Group 1 on, every CPU interface's
 * mask open, SGI 1 and the timer PPI enabled on every vCPU), the physical interrupts as
 * target/main.c sets them up, and the scripts attached. */
static inline void machine(unsigned n)
{
	static const uint32_t prog[] = {SIM_A64_HVC0, SIM_A64_HVC0};
	static const struct irq_config irqs = {.maintenance = VGIC_PPI_MAINTENANCE,
					       .vtimer = VTIMER,
					       .hyp_timer = HYP_TIMER,
					       .uart = UART_SPI};

	sim_hal_reset();
	sim_hal.counter = BOOT_COUNT;
	assert_int_equal(sim_machine_init(&m, NULL), HV_OK);
	assert_int_equal(sim_machine_load_program(&m, prog, ARRAY_SIZE(prog)), HV_OK);
	vm = m.vm;
	harness_vcpus(vm, n);
	assert_int_equal(hal_gic_cpu_init(), 0);
	assert_int_equal(hal_gic_init(0, NULL, NULL, 0), 0);
	irq_init(&irqs);
	irq_cpu_init();
	sim_smp_attach(&m);
}

static inline int setup2(void **state)
{
	machine(2);
	return 0;
}

static inline int setup3(void **state)
{
	machine(3);
	return 0;
}

static inline int setup4(void **state)
{
	machine(4);
	return 0;
}

static inline int teardown(void **state)
{
	irq_set_console_focus(NULL);
	sim_hal.vcpu_enter_hook = NULL;
	sim_machine_destroy(&m);
	return 0;
}

/* --- scripts --- */

static inline struct sim_step *set_x(struct sim_step *s, unsigned n, uint64_t val)
{
	s->x_set |= SIM_X(n);
	s->x[n] = val;
	return s;
}

/* `count` exits that change nothing (PSCI_VERSION calls): a guest that keeps running. */
static inline void busy(unsigned n, unsigned count)
{
	for (unsigned i = 0; i < count; i++)
		sim_smp_push(n, sim_step_hvc(PSCI_VERSION, 0, 0));
}

static inline void exit_step(unsigned n, unsigned status)
{
	sim_smp_push(n, sim_step_hvc(HV_CALL_EXIT, status, 0));
}

static inline void wfi(unsigned n)
{
	sim_smp_push(n, sim_step_wfx(false));
}

/* The guest arms its virtual timer for virtual count `cval` (no trap), then executes WFI. */
static inline void timer_then_wfi(unsigned n, uint64_t ctl, uint64_t cval)
{
	struct sim_step *s = sim_smp_push(n, sim_step_wfx(false));

	s->el1_set = SIM_X(HAL_CNTV_CTL_EL0) | SIM_X(HAL_CNTV_CVAL_EL0);
	s->el1[HAL_CNTV_CTL_EL0] = ctl;
	s->el1[HAL_CNTV_CVAL_EL0] = cval;
}

/* msr icc_sgi1r_el1, x1: SGI `intid` to the vCPUs of cluster 0 in `targets`, sent with IRQs
 * unmasked, as a kernel that then waits for the answer does. */
static inline struct sim_step *sgi_step(unsigned n, unsigned intid, uint16_t targets)
{
	struct sim_step *s = sim_smp_push(n, sim_step_sysreg(3, 0, 12, 11, 5, 1, false));

	set_x(s, 1, (uint64_t)intid << ICC_SGIR_INTID_SHIFT | targets);
	s->set_pstate = true;
	s->pstate = PSTATE_M_EL1H;
	return s;
}

/* The turns of a run: `turn[i]` is the vCPU of the i-th run of consecutive entries. */
static inline unsigned turns(unsigned *turn, unsigned max)
{
	unsigned n = 0;

	for (unsigned i = 0; i < sim_smp.entries && i < SIM_SMP_MAX_ENTRIES; i++) {
		if (n == 0 || turn[n - 1] != sim_smp.order[i]) {
			if (n == max)
				break;
			turn[n++] = sim_smp.order[i];
		}
	}
	return n;
}

static inline void assert_all_off(void)
{
	for (unsigned i = 0; i < vm->vcpu_count; i++)
		assert_int_equal(cpu(i)->state, VCPU_OFF);
}

#endif

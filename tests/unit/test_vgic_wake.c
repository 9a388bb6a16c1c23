// SPDX-License-Identifier: MIT
/* Tests of the wake-ups of core/vgic.c that register writes cause: every distributor or
 * redistributor write that makes an already pending interrupt deliverable (GICD/GICR
 * ISENABLER, IPRIORITYR, IGROUPR, GICD_CTLR's group enables) kicks the interrupt's target,
 * which may be blocked in WFI on another pCPU with no timer armed; writes that make nothing
 * deliverable kick nobody. A kick of a vCPU on another pCPU is the kick SGI to that pCPU
 * (core/sched.c), which is what these tests count. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include <core/cpu_msg.h>
#include <core/err.h>
#include <core/gicv3.h>
#include <core/hwinfo.h>
#include <core/irq.h>
#include <core/pcpu.h>
#include <core/vgic.h>
#include <core/vm.h>
#include <hal-sim/sim_hal.h>

#include "vgic_dist_fixture.h"

#define CTLR_GRP1   0x2 /* GICD_CTLR.EnableGrp1A */
#define SPI	    40
#define SGI	    3
#define TARGET	    2 /* the vCPU that waits, on pCPU REMOTE */
#define REMOTE	    1
#define GICR_SGI    0x10000
#define GICR_STRIDE 0x20000

static struct mmio_device *gicr;

static struct vcpu *cpu(unsigned n)
{
	return &gicdfx_m.vm->vcpus[n];
}

/* pCPU REMOTE takes the SGI and the messages waiting for it; SGIs are counted from here on
 * (a kick while one still waits in its mailbox needs no SGI of its own). */
static void remote_takes_its_messages(void)
{
	sim_hal.cpu_id = REMOTE;
	cpu_msg_handle();
	sim_hal.cpu_id = 0;
	sim_hal.gic.sgis_sent = 0;
}

/* vCPU TARGET sleeps in WFI on pCPU REMOTE; the writer (vCPU 0) runs on pCPU 0. Group 1 is
 * on; SPI and the target's SGI are group 1, pending, and disabled. */
static int setup(void **state)
{
	struct hw_info hw = {.cpu_count = 2, .cpu_mpidr = {0x100, 0x101}};
	struct vgic_locked l;
	struct vm *vm;

	gicdfx_setup(state);
	vm = gicdfx_m.vm;
	assert_int_equal(pcpu_init(&hw, 0x100), HV_OK);
	sim_hal.cpu_id = 0;
	cpu(0)->state = VCPU_RUNNING;
	cpu(TARGET)->pcpu = REMOTE;
	cpu(TARGET)->state = VCPU_BLOCKED;
	atomic_store(&cpu(TARGET)->loaded_on, 0u); /* put when it blocked */
	gicr = vm_find_mmio(vm, VM_GICR_BASE);
	assert_non_null(gicr);
	gicdfx_wr(CTLR, 4, CTLR_GRP1);
	gicdfx_wr(IGROUPR + SPI / 32 * 4, 4, 1u << (SPI % 32));
	gicdfx_wr(IROUTER + 8 * SPI, 8, TARGET);
	gicdfx_wr(ISPENDR + SPI / 32 * 4, 4, 1u << (SPI % 32));
	l = vgic_lock(vm);
	vgic_irq(l, cpu(TARGET), SGI)->group = 1;
	vgic_unlock(&l);
	vgic_pulse(vm, cpu(TARGET), SGI);
	/* Becoming pending while disabled kicked already; count from here. */
	remote_takes_its_messages();
	return 0;
}

static void gicr_wr(unsigned vcpu, uint64_t off, uint64_t val)
{
	assert_int_equal(gicr->ops->write(gicr, cpu(0), (uint64_t)vcpu * GICR_STRIDE + off, 4, val),
			 HV_OK);
}

static void assert_target_kicked(unsigned times)
{
	assert_int_equal(sim_hal.gic.sgis_sent, times);
	if (times) {
		assert_int_equal(sim_hal.gic.sgi[times - 1].mpidr, 0x101);
		assert_int_equal(sim_hal.gic.sgi[times - 1].sgi, IRQ_KICK_SGI);
	}
}

static void test_vgic_wake_gicd_isenabler_of_a_pending_spi_kicks_its_target(void **state)
{
	gicdfx_wr(ISENABLER + SPI / 32 * 4, 4, 1u << (SPI % 32));
	assert_target_kicked(1);
}

static void test_vgic_wake_gicr_isenabler0_of_a_pending_sgi_kicks_its_vcpu(void **state)
{
	gicr_wr(TARGET, GICR_SGI + ISENABLER, 1u << SGI);
	assert_target_kicked(1);
}

static void
test_vgic_wake_enabling_a_group_kicks_the_vcpus_with_deliverable_interrupts(void **state)
{
	gicdfx_wr(ISENABLER + SPI / 32 * 4, 4, 1u << (SPI % 32));
	gicdfx_wr(CTLR, 4, 0);
	remote_takes_its_messages();
	gicdfx_wr(CTLR, 4, CTLR_GRP1);
	assert_target_kicked(1);
	/* Group 1 stays on: nothing changed, nobody kicked. */
	remote_takes_its_messages();
	gicdfx_wr(CTLR, 4, CTLR_GRP1);
	assert_target_kicked(0);
}

static void test_vgic_wake_changing_the_group_to_an_enabled_one_kicks(void **state)
{
	gicdfx_wr(ISENABLER + SPI / 32 * 4, 4, 1u << (SPI % 32));
	gicdfx_wr(IGROUPR + SPI / 32 * 4, 4, 0); /* group 0 is off */
	remote_takes_its_messages();
	gicdfx_wr(IGROUPR + SPI / 32 * 4, 4, 1u << (SPI % 32));
	assert_target_kicked(1);
}

static void test_vgic_wake_raising_the_priority_kicks(void **state)
{
	gicdfx_wr(ISENABLER + SPI / 32 * 4, 4, 1u << (SPI % 32));
	remote_takes_its_messages();
	/* The target's mask may now let it through: vgic_wants_wakeup() decides on its pCPU. */
	gicdfx_wr(IPRIORITYR + SPI, 1, 0x10);
	assert_target_kicked(1);
	remote_takes_its_messages();
	gicr_wr(TARGET, GICR_SGI + IPRIORITYR, 0x10 << (8 * SGI));
	assert_int_equal(sim_hal.gic.sgis_sent, 0); /* the SGI is still disabled */
}

static void test_vgic_wake_writes_that_make_nothing_deliverable_kick_nobody(void **state)
{
	/* Disabling, enabling what is not pending, enabling with the group off. */
	gicdfx_wr(ICENABLER + SPI / 32 * 4, 4, 1u << (SPI % 32));
	gicdfx_wr(ISENABLER + (SPI + 1) / 32 * 4, 4, 1u << ((SPI + 1) % 32));
	gicdfx_wr(CTLR, 4, 0);
	gicdfx_wr(ISENABLER + SPI / 32 * 4, 4, 1u << (SPI % 32));
	gicr_wr(TARGET, GICR_SGI + ISENABLER, 1u << SGI);
	gicdfx_wr(IPRIORITYR + SPI, 1, 0x20);
	assert_int_equal(sim_hal.gic.sgis_sent, 0);
}

int main(void)
{
#define T(name) cmocka_unit_test_setup_teardown(name, setup, gicdfx_teardown)
	const struct CMUnitTest tests[] = {
	    T(test_vgic_wake_gicd_isenabler_of_a_pending_spi_kicks_its_target),
	    T(test_vgic_wake_gicr_isenabler0_of_a_pending_sgi_kicks_its_vcpu),
	    T(test_vgic_wake_enabling_a_group_kicks_the_vcpus_with_deliverable_interrupts),
	    T(test_vgic_wake_changing_the_group_to_an_enabled_one_kicks),
	    T(test_vgic_wake_raising_the_priority_kicks),
	    T(test_vgic_wake_writes_that_make_nothing_deliverable_kick_nobody),
	};
#undef T
	return cmocka_run_group_tests(tests, NULL, NULL);
}

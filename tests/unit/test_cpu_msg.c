// SPDX-License-Identifier: MIT
/* Tests of core/cpu_msg.c, the typed messages between pCPUs: delivery in the order sent,
 * coalescing (the same message or kick twice is one, and one SGI), a full mailbox that loses
 * nothing (kicks take no room; an overflow of the ring is a CHECK), an unknown kind stopping
 * the sender, and dispatch
 * from the SGI's interrupt path on the pCPU hal-sim's SGI record names. Several pCPUs are
 * played by switching sim_hal.cpu_id (and the MPIDR the simulated GIC delivers to). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include <core/cpu_msg.h>
#include <core/err.h>
#include <core/hwinfo.h>
#include <core/irq.h>
#include <core/pcpu.h>
#include <core/sched.h>
#include <core/smccc.h>
#include <core/trap.h>
#include <core/vgic.h>
#include <core/vm.h>
#include <hal-sim/sim_hal.h>
#include <hal/gic.h>
#include <sim/sim.h>

#include "fixture.h"

#define NR_PCPUS FIXTURE_PCPUS
#define MPIDR(n) FIXTURE_MPIDR(n)
#define ENTRY	 (VM_RAM_BASE + IMAGE_RAW_OFFSET)
#define SPARE	 CPU_MSG_SLOTS /* VMs that only serve as VM_STOP arguments */

static struct sim_machine m;
static struct vm *vm;
static struct vm spare[SPARE];
static jmp_buf stopped;

static struct vcpu *cpu(unsigned n)
{
	return &vm->vcpus[n];
}

/* fixture_pcpus_machine(): 4 pCPUs, a VM of four vCPUs, vCPU n on pCPU n, vCPU 0 running; we
 * are pCPU 0. */
static int setup(void **state)
{
	vm = fixture_pcpus_machine(&m);
	return 0;
}

static int teardown(void **state)
{
	sim_hal.exit_jmp = NULL;
	sim_machine_destroy(&m);
	return 0;
}

static void assert_msg(const struct cpu_msg *msg, enum cpu_msg_kind kind, const void *arg)
{
	assert_int_equal(msg->kind, kind);
	assert_ptr_equal(msg->arg, arg);
}

static unsigned waiting_for(unsigned pcpu)
{
	struct cpu_msg msgs[CPU_MSG_SLOTS + 1];

	return cpu_msg_peek(pcpu, msgs, CPU_MSG_SLOTS + 1);
}

/* The ring's messages in the order sent, then the kicks in vCPU order. */
static void test_cpu_msg_messages_are_delivered_in_the_order_sent(void **state)
{
	struct cpu_msg msgs[8];

	assert_int_equal(cpu_msg_send(2, CPU_MSG_VM_STOP, &spare[1]), HV_OK);
	assert_int_equal(cpu_msg_send(2, CPU_MSG_KICK, cpu(3)), HV_OK);
	assert_int_equal(cpu_msg_send(2, CPU_MSG_VM_STOP, vm), HV_OK);
	assert_int_equal(cpu_msg_send(2, CPU_MSG_KICK, cpu(1)), HV_OK);
	assert_int_equal(cpu_msg_send(2, CPU_MSG_VM_STOP, &spare[0]), HV_OK);
	assert_int_equal(cpu_msg_peek(2, msgs, 8), 5);
	assert_msg(&msgs[0], CPU_MSG_VM_STOP, &spare[1]);
	assert_msg(&msgs[1], CPU_MSG_VM_STOP, vm);
	assert_msg(&msgs[2], CPU_MSG_VM_STOP, &spare[0]);
	assert_msg(&msgs[3], CPU_MSG_KICK, cpu(1));
	assert_msg(&msgs[4], CPU_MSG_KICK, cpu(3));
	/* Each pCPU has its own mailbox. */
	assert_int_equal(waiting_for(0), 0);
	assert_int_equal(waiting_for(1), 0);

	fixture_on_pcpu(2);
	assert_int_equal(cpu_msg_handle(), 5);
	assert_int_equal(waiting_for(2), 0);
	assert_int_equal(cpu_msg_handle(), 0);
}

/* A kick, and a ring message, signal the pCPU when they find nothing of theirs waiting; the
 * SGI (not yet taken) covers what is sent after it, and the same message twice is one. */
static void test_cpu_msg_one_sgi_per_drain_and_the_same_message_twice_is_one(void **state)
{
	struct cpu_msg msgs[4];

	cpu_msg_send(1, CPU_MSG_KICK, cpu(1));
	cpu_msg_send(1, CPU_MSG_KICK, cpu(1));
	assert_int_equal(sim_hal.gic.sgis_sent, 1);
	cpu_msg_send(1, CPU_MSG_VM_STOP, vm);
	cpu_msg_send(1, CPU_MSG_VM_STOP, vm);
	cpu_msg_send(1, CPU_MSG_VM_STOP, &spare[0]);
	assert_int_equal(cpu_msg_peek(1, msgs, 4), 3);
	assert_msg(&msgs[0], CPU_MSG_VM_STOP, vm);
	assert_msg(&msgs[1], CPU_MSG_VM_STOP, &spare[0]);
	assert_msg(&msgs[2], CPU_MSG_KICK, cpu(1));
	assert_int_equal(sim_hal.gic.sgis_sent, 2);
	for (unsigned i = 0; i < 2; i++) {
		assert_int_equal(sim_hal.gic.sgi[i].mpidr, MPIDR(1));
		assert_int_equal(sim_hal.gic.sgi[i].sgi, IRQ_KICK_SGI);
	}

	/* Taken: the next message needs an SGI of its own. */
	fixture_on_pcpu(1);
	assert_int_equal(cpu_msg_handle(), 3);
	fixture_on_pcpu(0);
	cpu_msg_send(1, CPU_MSG_KICK, cpu(1));
	assert_int_equal(sim_hal.gic.sgis_sent, 3);
	assert_int_equal(sim_hal.gic.sgi[2].mpidr, MPIDR(1));
}

/* CPU_ON of vCPU 3 (on pCPU 3) from vCPU 0 here. */
static void cpu_on_3(uint64_t context)
{
	cpu(0)->ctx.x[0] = PSCI_CPU_ON_64;
	cpu(0)->ctx.x[1] = 3;
	cpu(0)->ctx.x[2] = ENTRY;
	cpu(0)->ctx.x[3] = context;
	trap_hvc_smc(cpu(0), false);
	assert_int_equal(cpu(0)->ctx.x[0], PSCI_RET_SUCCESS);
}

/* Kicks take no room: with the ring full they all still arrive, and a CPU_ON's request in the
 * ring's last slot too. One ring message more than it holds breaks the rule that bounds them
 * (one per vCPU or VM): a CHECK failure, not a lost message. */
static void test_cpu_msg_full_mailbox_loses_nothing_and_an_overflow_is_a_check(void **state)
{
	struct cpu_msg msgs[CPU_MSG_SLOTS + NR_PCPUS];

	for (unsigned i = 0; i < CPU_MSG_SLOTS - 1; i++)
		assert_int_equal(cpu_msg_send(3, CPU_MSG_VM_STOP, &spare[i]), HV_OK);
	cpu(3)->ctx.pc = 0x1234;
	cpu_on_3(0x77);
	for (unsigned i = 0; i < NR_PCPUS; i++)
		assert_int_equal(cpu_msg_send(3, CPU_MSG_KICK, cpu(i)), HV_OK);
	assert_int_equal(cpu_msg_peek(3, msgs, CPU_MSG_SLOTS + NR_PCPUS), CPU_MSG_SLOTS + NR_PCPUS);
	for (unsigned i = 0; i < CPU_MSG_SLOTS - 1; i++)
		assert_msg(&msgs[i], CPU_MSG_VM_STOP, &spare[i]);
	assert_msg(&msgs[CPU_MSG_SLOTS - 1], CPU_MSG_VCPU_ON, cpu(3));
	for (unsigned i = 0; i < NR_PCPUS; i++)
		assert_msg(&msgs[CPU_MSG_SLOTS + i], CPU_MSG_KICK, cpu(i));
	assert_int_equal(sim_hal.gic.sgis_sent, 1 + NR_PCPUS);

	sim_hal.exit_jmp = &stopped;
	if (setjmp(stopped)) {
		assert_string_equal(sim_hal.exit_reason, "halt");
		assert_non_null(strstr(sim_hal.console, "CHECK failed at"));
		sim_hal.exit_jmp = NULL;
		/* What was queued is still there, and is delivered. */
		fixture_on_pcpu(3);
		assert_int_equal(cpu_msg_handle(), CPU_MSG_SLOTS + NR_PCPUS);
		assert_int_equal(cpu(3)->state, VCPU_RUNNABLE);
		assert_int_equal(cpu(3)->ctx.pc, ENTRY);
		assert_int_equal(cpu(3)->ctx.x[0], 0x77);
		assert_int_equal(waiting_for(3), 0);
		return;
	}
	cpu_msg_send(3, CPU_MSG_VM_STOP, vm);
	fail_msg("a message beyond the ring's room was taken");
}

static void test_cpu_msg_an_unknown_kind_is_a_check_failure(void **state)
{
	sim_hal.exit_jmp = &stopped;
	if (setjmp(stopped)) {
		assert_string_equal(sim_hal.exit_reason, "halt");
		assert_non_null(strstr(sim_hal.console, "CHECK failed at"));
		assert_int_equal(waiting_for(1), 0);
		assert_int_equal(sim_hal.gic.sgis_sent, 0);
		return;
	}
	cpu_msg_send(1, CPU_MSG_NR, cpu(1));
	fail_msg("a message of no known kind was sent");
}

static void test_cpu_msg_to_a_pcpu_that_does_not_exist_is_refused(void **state)
{
	assert_int_equal(cpu_msg_send(NR_PCPUS, CPU_MSG_KICK, cpu(1)), HV_ENOENT);
	assert_int_equal(cpu_msg_send(HV_MAX_CPUS + 5, CPU_MSG_KICK, cpu(1)), HV_ENOENT);
	assert_int_equal(sim_hal.gic.sgis_sent, 0);
	assert_int_equal(waiting_for(NR_PCPUS), 0);
}

/* pCPU 0 starts vCPU 2 of pCPU 2: the SGI goes to pCPU 2's MPIDR, the vCPU is untouched until
 * pCPU 2 takes that SGI in its interrupt path, which resets and starts it there. */
static void test_cpu_msg_is_handled_from_the_sgi_on_the_pcpu_it_was_sent_to(void **state)
{
	cpu(2)->ctx.pc = 0x5678;
	cpu(0)->ctx.x[0] = PSCI_CPU_ON_64;
	cpu(0)->ctx.x[1] = 2;
	cpu(0)->ctx.x[2] = ENTRY + 0x40;
	cpu(0)->ctx.x[3] = 0x99;
	trap_hvc_smc(cpu(0), false);
	assert_int_equal(cpu(0)->ctx.x[0], PSCI_RET_SUCCESS);
	assert_int_equal(sim_hal.gic.sgis_sent, 1);
	assert_int_equal(sim_hal.gic.sgi[0].mpidr, MPIDR(2));
	assert_int_equal(sim_hal.gic.sgi[0].sgi, IRQ_KICK_SGI);
	/* Not for this pCPU: nothing pending here, and nothing happened to the vCPU yet. */
	assert_false(sim_hal.gic.pending[IRQ_KICK_SGI]);
	assert_int_equal(cpu(2)->state, VCPU_ON_PENDING);
	assert_int_equal(cpu(2)->ctx.pc, 0x5678);

	fixture_on_pcpu(2);
	sim_gic_raise(IRQ_KICK_SGI); /* what the GIC does on pCPU 2 */
	irq_handle_physical(NULL);
	assert_int_equal(sim_hal.gic.last_ack, IRQ_KICK_SGI);
	assert_int_equal(sim_hal.gic.deactivate_errors, 0);
	assert_int_equal(cpu(2)->state, VCPU_RUNNABLE);
	assert_int_equal(cpu(2)->ctx.pc, ENTRY + 0x40);
	assert_int_equal(cpu(2)->ctx.x[0], 0x99);
	assert_int_equal(waiting_for(2), 0);
}

/* A message to oneself arrives like any other: through the SGI, at the next look. */
static void test_cpu_msg_to_oneself_comes_back_through_the_sgi(void **state)
{
	fixture_on_pcpu(1);
	assert_int_equal(cpu_msg_send(1, CPU_MSG_KICK, cpu(1)), HV_OK);
	assert_true(sim_hal.gic.pending[IRQ_KICK_SGI]);
	irq_handle_physical(NULL);
	assert_int_equal(waiting_for(1), 0);
	assert_false(sim_hal.gic.pending[IRQ_KICK_SGI]);
}

/* A VM that stops tells the pCPUs holding its other vCPUs, once each. */
static void test_cpu_msg_vm_stop_reaches_every_other_pcpu_of_the_vm(void **state)
{
	struct cpu_msg msg;

	cpu(3)->pcpu = 2; /* pCPU 2 holds two of its vCPUs */
	vm_stop(vm, 5);
	assert_int_equal(sim_hal.gic.sgis_sent, 2);
	assert_int_equal(sim_hal.gic.sgi[0].mpidr, MPIDR(1));
	assert_int_equal(sim_hal.gic.sgi[1].mpidr, MPIDR(2));
	for (unsigned p = 1; p <= 2; p++) {
		assert_int_equal(cpu_msg_peek(p, &msg, 1), 1);
		assert_msg(&msg, CPU_MSG_VM_STOP, vm);
	}
	assert_int_equal(waiting_for(0), 0);
	assert_int_equal(waiting_for(3), 0);
	/* Stopping a stopped VM tells nobody again. */
	vm_stop(vm, 6);
	assert_int_equal(sim_hal.gic.sgis_sent, 2);
}

/* sched_start() releases each online pCPU that has vCPUs with a START message, and only those.
 * (Last in this file: the run queues it fills are not emptied again, and no test here runs
 * them.) */
static void test_cpu_msg_start_goes_to_each_pcpu_with_vcpus(void **state)
{
	struct cpu_msg msg;

	for (unsigned i = 1; i < NR_PCPUS; i++)
		pcpu_report_online(i);
	assert_int_equal(sched_assign(cpu(1), 1), HV_OK);
	assert_int_equal(sched_assign(cpu(2), 1), HV_OK);
	assert_int_equal(sched_assign(cpu(3), 3), HV_OK);
	sched_start();
	assert_int_equal(cpu_msg_peek(1, &msg, 1), 1);
	assert_msg(&msg, CPU_MSG_START, NULL);
	assert_int_equal(cpu_msg_peek(3, &msg, 1), 1);
	assert_msg(&msg, CPU_MSG_START, NULL);
	assert_int_equal(waiting_for(2), 0); /* nothing to run there */
	assert_int_equal(waiting_for(0), 0); /* the boot pCPU runs its own */
	assert_int_equal(sim_hal.gic.sgis_sent, 2);
	/* The message only ends pCPU 1's wait: handling it changes nothing else. */
	fixture_on_pcpu(1);
	assert_int_equal(cpu_msg_handle(), 1);
	assert_int_equal(cpu(1)->state, VCPU_OFF);
}

int main(void)
{
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
	const struct CMUnitTest tests[] = {
	    T(test_cpu_msg_messages_are_delivered_in_the_order_sent),
	    T(test_cpu_msg_one_sgi_per_drain_and_the_same_message_twice_is_one),
	    T(test_cpu_msg_full_mailbox_loses_nothing_and_an_overflow_is_a_check),
	    T(test_cpu_msg_an_unknown_kind_is_a_check_failure),
	    T(test_cpu_msg_to_a_pcpu_that_does_not_exist_is_refused),
	    T(test_cpu_msg_is_handled_from_the_sgi_on_the_pcpu_it_was_sent_to),
	    T(test_cpu_msg_to_oneself_comes_back_through_the_sgi),
	    T(test_cpu_msg_vm_stop_reaches_every_other_pcpu_of_the_vm),
	    T(test_cpu_msg_start_goes_to_each_pcpu_with_vcpus),
	};
#undef T
	return cmocka_run_group_tests(tests, NULL, NULL);
}

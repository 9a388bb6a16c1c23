// SPDX-License-Identifier: MIT
/* Wake-up on enable (issue #11 item 6), with two vCPUs on one pCPU (hv.vcpus=2). SPI 40 is
 * pending, disabled and routed to vCPU 1, which sleeps in WFI with nothing else to wake it (no
 * timer). vCPU 0 then enables the SPI: that write makes a pending interrupt deliverable, which
 * is a wake-up event for its target. The hypervisor kicks vCPU 1 at once, so it has taken the
 * SPI before vCPU 0's next instruction; without the kick it would wait in WFI until vCPU 0's
 * time slice ran out (or for ever, on a pCPU of its own). */
#include "check.h"
#include "gic.h"
#include "gic_cpuif.h"
#include "irq.h"
#include "smccc.h"
#include "wait.h"

const char guest_name[] = "wake";

#define PSCI_CPU_ON_64	0xc4000003U
#define PSCI_CPU_OFF	0x84000002U
#define WAKE_SPI	40
#define SPI_PRIO	0x80
#define VCPU1_AFFINITY	1
#define SECONDARY_STACK 4096
#define SETTLE_US	1000000

/* Shared between the vCPUs: the MMU is off, so every access goes to memory. */
static volatile uint32_t secondary_waiting;
static volatile uint32_t secondary_took; /* the INTID vCPU 1 acknowledged, 0 before */

uint8_t wake_secondary_stack[SECONDARY_STACK] __attribute__((aligned(16)));
void wake_secondary_entry(void);
void wake_secondary_main(void);

/* CPU_ON enters here at EL1h, MMU off, exceptions masked (docs/guest-abi.md). */
__asm__(".pushsection .text.wake_secondary_entry, \"ax\"\n"
	".globl wake_secondary_entry\n"
	"wake_secondary_entry:\n"
	"	adrp	x1, wake_secondary_stack\n"
	"	add	x1, x1, :lo12:wake_secondary_stack\n"
	"	add	sp, x1, #"
	"4096"
	"\n"
	"	bl	wake_secondary_main\n"
	"1:	wfi\n"
	"	b	1b\n"
	".popsection\n");

/* vCPU 1: its CPU interface open for Group 1, then WFI until an interrupt is pending for it.
 * PSTATE.I stays set: WFI wakes for a pending interrupt whether or not it is masked, and the
 * interrupt is acknowledged by hand, so no vector is needed. */
void wake_secondary_main(void)
{
	uint32_t intid;

	gic_write_pmr(GIC_PRIO_IDLE);
	gic_write_grpen1(ICC_IGRPEN1_ENABLE);
	secondary_waiting = 1;
	for (;;) {
		__asm__ volatile("dsb sy\n\twfi" : : : "memory");
		intid = gic_read_iar1();
		if (intid != GIC_INTID_SPURIOUS)
			break;
	}
	gic_write_eoir1(intid);
	secondary_took = intid;
	hvc_call(PSCI_CPU_OFF, 0, 0, 0);
}

int main(void)
{
	int64_t ret;
	uint32_t took_at_once;

	check(gic_init(), "wake: GIC up");
	gic_disable(WAKE_SPI);
	gic_set_group1(WAKE_SPI, true);
	gic_set_priority(WAKE_SPI, SPI_PRIO);
	gic_set_edge(WAKE_SPI, true);
	gicd_write64(GICD_IROUTER + 8 * WAKE_SPI, VCPU1_AFFINITY);
	gic_set_pending(WAKE_SPI);
	check(gic_is_pending(WAKE_SPI) && !gic_is_enabled(WAKE_SPI),
	      "wake: SPI %u pending, disabled, routed to vCPU 1", WAKE_SPI);

	ret = hvc_call(PSCI_CPU_ON_64, VCPU1_AFFINITY, (uint64_t)wake_secondary_entry, 0);
	check_eq(ret, 0, "wake: CPU_ON starts vCPU 1");
	check(wait_for(secondary_waiting, SETTLE_US), "wake: vCPU 1 sleeps in WFI");
	check_eq(secondary_took, 0, "wake: ... and takes nothing while the SPI is disabled");

	/* The write alone, without waiting for RWP: the next load shows what happened. With IRQs
	 * unmasked, as a kernel outside a critical section: with them masked the scheduler lets
	 * the writer run on to its first exit with IRQs unmasked (docs/scheduling.md), and this
	 * guest never unmasks them. Nothing is routed to vCPU 0, so it takes nothing itself. */
	irq_enable();
	gicd_write(GICD_ISENABLER + WAKE_SPI / 32 * 4, 1u << (WAKE_SPI % 32));
	took_at_once = secondary_took;
	irq_disable();
	check(took_at_once == WAKE_SPI,
	      "wake: enabling the pending SPI woke vCPU 1 before vCPU 0's next instruction "
	      "(it had taken INTID %u)",
	      took_at_once);
	check(wait_for(secondary_took != 0, SETTLE_US) && secondary_took == WAKE_SPI,
	      "wake: vCPU 1 took SPI %u", WAKE_SPI);
	return 0;
}

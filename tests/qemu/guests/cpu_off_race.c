// SPDX-License-Identifier: MIT
/* PSCI CPU_ON racing the target's own CPU_OFF (issue #13 item 3), with two vCPUs (hv.vcpus=2;
 * with hv.pcpus=2 they run on two pCPUs at once). vCPU 1 lives ROUNDS times: each life checks
 * that it got its own context id (x0) and nothing of the life before (TPIDR_EL1, which each
 * life sets to a secret just before CPU_OFF), then powers off. vCPU 0 does not wait for
 * AFFINITY_INFO to say OFF: as soon as one life is accepted it calls CPU_ON for the next
 * again and again, while that life runs and powers down, and every answer must be one PSCI
 * allows (ON_PENDING, ALREADY_ON until the power-down has completed, then SUCCESS). A hypervisor that reset the vCPU while
 * its pCPU still held its registers would give a life its predecessor's TPIDR_EL1. */
#include "check.h"
#include "printf.h"
#include "smccc.h"
#include "sysreg.h"

const char guest_name[] = "cpu_off_race";

#define PSCI_CPU_ON_64	     0xc4000003U
#define PSCI_CPU_OFF	     0x84000002U
#define PSCI_AFFINITY_INFO64 0xc4000004U
#define PSCI_SUCCESS	     0
#define PSCI_ALREADY_ON	     (-4)
#define PSCI_ON_PENDING	     (-5)
#define AFFINITY_ON	     0
#define AFFINITY_OFF	     1
#define AFFINITY_ON_PENDING  2
#define VCPU1		     1
#define ROUNDS		     100
#define SECRET(life)	     (0x5ec7e7000000ULL + (life))
#define LIFE_LIMIT_US	     1000000

static volatile uint32_t lived;	      /* the last life of vCPU 1 that reached its CPU_OFF */
static volatile uint32_t bad_context; /* lives whose x0 was not their number */
static volatile uint32_t leaked;      /* lives that found the previous life's TPIDR_EL1 */

uint8_t race_stack[4096] __attribute__((aligned(16)));
void race_entry(void);
void race_main(uint64_t life);

/* CPU_ON enters here (x0 = context: the life's number), EL1h, MMU off. */
__asm__(".pushsection .text.race_entry, \"ax\"\n"
	".globl race_entry\n"
	"race_entry:\n"
	"	adrp	x1, race_stack\n"
	"	add	x1, x1, :lo12:race_stack\n"
	"	add	sp, x1, #4096\n"
	"	bl	race_main\n"
	"1:	wfi\n"
	"	b	1b\n"
	".popsection\n");

void race_main(uint64_t life)
{
	if (life != lived + 1)
		bad_context++;
	if (read_sysreg(tpidr_el1) != 0)
		leaked++;
	write_sysreg(tpidr_el1, SECRET(life));
	__asm__ volatile("dsb sy" ::: "memory");
	lived = (uint32_t)life;
	hvc_call(PSCI_CPU_OFF, 0, 0, 0);
}

static uint64_t deadline(void)
{
	return counter_read() + LIFE_LIMIT_US * (read_sysreg(cntfrq_el0) / 1000000);
}

int main(void)
{
	unsigned odd = 0, already_on = 0, on_pending = 0, info_off = 0, lost = 0;
	uint64_t until;

	for (uint32_t life = 1; life <= ROUNDS && !lost; life++) {
		int64_t ret, info;

		/* No wait for AFFINITY_INFO to say OFF: from the moment the last CPU_ON succeeded,
		 * through that life and its power-down, until this one is accepted. */
		until = deadline();
		while ((ret = hvc_call(PSCI_CPU_ON_64, VCPU1, (uint64_t)race_entry, life)) !=
			   PSCI_SUCCESS &&
		       counter_read() < until) {
			if (ret == PSCI_ALREADY_ON)
				already_on++;
			else if (ret == PSCI_ON_PENDING)
				on_pending++;
			else
				odd++;
			__asm__ volatile("yield");
		}
		if (ret != PSCI_SUCCESS) {
			lost++;
			break;
		}
		/* Accepted: pending or started; OFF only once that life has been and gone. */
		info = hvc_call(PSCI_AFFINITY_INFO64, VCPU1, 0, 0);
		if (info != AFFINITY_ON && info != AFFINITY_ON_PENDING &&
		    !(info == AFFINITY_OFF && lived == life))
			info_off++;
	}
	until = deadline();
	while (lived != ROUNDS && counter_read() < until)
		__asm__ volatile("yield");
	printf("cpu_off_race: CPU_ON answered ALREADY_ON %u times, ON_PENDING %u times\n",
	       already_on, on_pending);
	check(lost == 0 && lived == ROUNDS, "cpu_off_race: vCPU 1 lived %u times", ROUNDS);
	check_eq(odd, 0, "cpu_off_race: CPU_ON answered only SUCCESS, ALREADY_ON or ON_PENDING");
	check_eq(info_off, 0,
		 "cpu_off_race: AFFINITY_INFO after a CPU_ON success: not OFF before "
		 "that life ended");
	check_eq(bad_context, 0, "cpu_off_race: each life got its own context id");
	check_eq(leaked, 0, "cpu_off_race: no life saw the previous life's TPIDR_EL1");
	return 0;
}

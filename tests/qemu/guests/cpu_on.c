// SPDX-License-Identifier: MIT
/* PSCI CPU_ON starts a vCPU as from a cold reset (issue #11 item 7), with two vCPUs
 * (hv.vcpus=2). In its first life vCPU 1 leaves a secret in its FP/SIMD registers and in its
 * APIA pointer-authentication key, opens its priority mask, takes SGI 5 and powers off in the
 * middle of handling it (active, its priority running, an active-priority bit set). Started
 * again, it reads all of that back: none of it may have survived. */
#include "check.h"
#include "gic.h"
#include "gic_cpuif.h"
#include "smccc.h"
#include "sysreg.h"
#include "wait.h"

const char guest_name[] = "cpu_on";

#define PSCI_CPU_ON_64	     0xc4000003U
#define PSCI_CPU_OFF	     0x84000002U
#define PSCI_AFFINITY_INFO64 0xc4000004U
#define PSCI_AFFINITY_OFF    1
#define VCPU1		     1
#define SGI		     5
#define SGI_PRIO	     0x80
#define SECRET		     0x5ec7e75ec7e7ULL
#define SETTLE_US	     1000000
/* vCPU 1's redistributor: the second 128 KiB frame pair (docs/guest-abi.md). */
#define GICR1_SGI_BASE (GUEST_GICR_BASE + 0x20000 + GICR_SGI_BASE)
#define CPACR_FPEN_ALL (3UL << 20)

static volatile uint32_t life;				 /* 1, 2: the life vCPU 1 finished */
static volatile uint64_t took, fp, key, pmr, ap1r0, rpr; /* what the second life read */
static volatile uint32_t active;

uint8_t cpu_on_stack[4096] __attribute__((aligned(16)));
void cpu_on_entry(void);
void cpu_on_main(uint64_t which);

/* CPU_ON enters here (x0 = context: which life), EL1h, MMU off, exceptions masked. */
__asm__(".pushsection .text.cpu_on_entry, \"ax\"\n"
	".globl cpu_on_entry\n"
	"cpu_on_entry:\n"
	"	adrp	x1, cpu_on_stack\n"
	"	add	x1, x1, :lo12:cpu_on_stack\n"
	"	add	sp, x1, #4096\n"
	"	bl	cpu_on_main\n"
	"1:	wfi\n"
	"	b	1b\n"
	".popsection\n");

static void gicr1_write(uint32_t off, uint32_t val)
{
	*(volatile uint32_t *)(GICR1_SGI_BASE + off) = val;
}

static uint32_t gicr1_read(uint32_t off)
{
	return *(volatile uint32_t *)(GICR1_SGI_BASE + off);
}

static void first_life(void)
{
	uint64_t secret = SECRET;

	__asm__ volatile("fmov d0, %0" : : "r"(secret) : "v0");
	write_sysreg(S3_0_C2_C1_0, secret); /* APIAKeyLo_EL1 */
	gicr1_write(GICR_IGROUPR0, ~0U);
	*(volatile uint8_t *)(GICR1_SGI_BASE + GICR_IPRIORITYR0 + SGI) = SGI_PRIO;
	gicr1_write(GICR_ISENABLER0, 1u << SGI);
	gic_write_pmr(GIC_PRIO_IDLE);
	gic_write_grpen1(ICC_IGRPEN1_ENABLE);
	gic_write_sgi1r(gic_sgi1r_self(SGI));
	do {
		__asm__ volatile("dsb sy\n\twfi" : : : "memory");
		took = gic_read_iar1();
	} while (took == GIC_INTID_SPURIOUS);
	/* No EOI: powered off in the middle of its handler. */
}

static void second_life(void)
{
	uint64_t v;

	__asm__ volatile("fmov %0, d0" : "=r"(v));
	fp = v;
	key = read_sysreg(S3_0_C2_C1_0);
	pmr = read_sysreg(icc_pmr_el1);
	ap1r0 = read_sysreg(S3_0_C12_C9_0); /* ICC_AP1R0_EL1 */
	rpr = gic_read_rpr();
	active = gicr1_read(GICR_ISACTIVER0);
}

void cpu_on_main(uint64_t which)
{
	write_sysreg(cpacr_el1, CPACR_FPEN_ALL); /* FP/SIMD usable at EL1 */
	__asm__ volatile("isb");
	if (which == 1)
		first_life();
	else
		second_life();
	life = (uint32_t)which;
	hvc_call(PSCI_CPU_OFF, 0, 0, 0);
}

static bool start_life(uint64_t which)
{
	wait_for(hvc_call(PSCI_AFFINITY_INFO64, VCPU1, 0, 0) == PSCI_AFFINITY_OFF, SETTLE_US);
	return hvc_call(PSCI_CPU_ON_64, VCPU1, (uint64_t)cpu_on_entry, which) == 0 &&
	       wait_for(life == which, SETTLE_US);
}

int main(void)
{
	check(gic_init(), "cpu_on: GIC up");
	check(start_life(1), "cpu_on: vCPU 1 lived once and powered off");
	check_eq(took, SGI, "cpu_on: ... in the middle of handling SGI %u", SGI);
	check(start_life(2), "cpu_on: CPU_ON started vCPU 1 again");
	check_eq(fp, 0, "cpu_on: its FP/SIMD registers start clear");
	check_eq(key, 0, "cpu_on: its pointer-authentication keys start clear");
	check_eq(pmr, 0, "cpu_on: its ICC_PMR_EL1 starts at 0 (ICH_VMCR reset)");
	check_eq(ap1r0, 0, "cpu_on: no active priority is left (ICC_AP1R0_EL1)");
	check_eq(rpr, GIC_PRIO_IDLE, "cpu_on: its running priority is idle (ICC_RPR_EL1)");
	check_eq(active & (1u << SGI), 0, "cpu_on: SGI %u is no longer active", SGI);
	return 0;
}

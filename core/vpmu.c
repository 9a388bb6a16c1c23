// SPDX-License-Identifier: MIT
/* The virtual PMUv3 (core/include/core/vpmu.h; docs/guest-abi.md, "Performance monitors").
 * Register layouts: Arm ARM D13 (the Performance Monitors Extension) and D23.5 (its registers). */
#include <core/arch.h>
#include <core/lib.h>
#include <core/sysreg.h>
#include <core/vgic.h>
#include <core/vm.h>
#include <core/vpmu.h>
#include <hal/pmu.h>

/* The PMU's system registers (op0 3). */
#define PMCR_EL0       SYSREG(3, 3, 9, 12, 0)
#define PMCNTENSET_EL0 SYSREG(3, 3, 9, 12, 1)
#define PMCNTENCLR_EL0 SYSREG(3, 3, 9, 12, 2)
#define PMOVSCLR_EL0   SYSREG(3, 3, 9, 12, 3)
#define PMSWINC_EL0    SYSREG(3, 3, 9, 12, 4)
#define PMSELR_EL0     SYSREG(3, 3, 9, 12, 5)
#define PMCEID0_EL0    SYSREG(3, 3, 9, 12, 6)
#define PMCEID1_EL0    SYSREG(3, 3, 9, 12, 7)
#define PMCCNTR_EL0    SYSREG(3, 3, 9, 13, 0)
#define PMXEVTYPER_EL0 SYSREG(3, 3, 9, 13, 1)
#define PMXEVCNTR_EL0  SYSREG(3, 3, 9, 13, 2)
#define PMUSERENR_EL0  SYSREG(3, 3, 9, 14, 0)
#define PMINTENSET_EL1 SYSREG(3, 0, 9, 14, 1)
#define PMINTENCLR_EL1 SYSREG(3, 0, 9, 14, 2)
#define PMOVSSET_EL0   SYSREG(3, 3, 9, 14, 3)
/* PMEVCNTR<n>_EL0: op1 3, CRn 14, CRm 8 + n / 8, op2 n % 8; PMEVTYPER<n>_EL0 the same from
 * CRm 12, where n = 31 is PMCCFILTR_EL0. */
#define PMEV_CRN      14
#define PMEVCNTR_CRM  8
#define PMEVTYPER_CRM 12

/* PMCR_EL0 (D23.5.5). */
#define PMCR_E	      (1ULL << 0)
#define PMCR_P	      (1ULL << 1)
#define PMCR_C	      (1ULL << 2)
#define PMCR_D	      (1ULL << 3)
#define PMCR_DP	      (1ULL << 5)
#define PMCR_LC	      (1ULL << 6)
#define PMCR_N_SHIFT  11
#define PMCR_IMP_MASK (0xffffULL << 16) /* IMP and IDCODE: the CPU's */
#define PMCR_GUEST_RW (PMCR_E | PMCR_D | PMCR_DP | PMCR_LC)
/* PMEVTYPER<n>_EL0 / PMCCFILTR_EL0: P, U, NSK, NSU and evtCount (16 bits from PMUv3p1, 10
 * before). NSH (EL2) and M (EL3) are RES0 for the guest, which has neither: its counters
 * never count the hypervisor's or the firmware's work. */
#define PMEVTYPER_FILTER (0xfULL << 28)
#define PMEVTYPER_P	 (1ULL << 31) /* not at EL1 */
#define PMEVTYPER_U	 (1ULL << 30) /* not at EL0 */
#define PMEVTYPER_EVT	 0xffffULL
#define EV_SW_INCR	 0x00
#define PMUSERENR_MASK	 0xfULL /* EN, SW, CR, ER */
#define COUNTER32	 0xffffffffULL
#define PMUVER_V3	 1
#define PMUVER_V3P1	 4
#define PMUVER_IMPDEF	 0xf
#define CYCLE		 HAL_PMU_CYCLE

unsigned vpmu_version(void)
{
	unsigned v = hal_pmu_version();

	if (v == 0 || v == PMUVER_IMPDEF)
		return 0;
	return MIN(v, PMUVER_V3P1);
}

static unsigned nr_counters(void)
{
	return MIN(hal_pmu_counters(), HAL_PMU_MAX_EVENTS);
}

/* The counters the guest has: bits 0..N-1 and 31 of the mask registers. */
static uint64_t counter_mask(void)
{
	return ((1ULL << nr_counters()) - 1) | 1ULL << CYCLE;
}

static uint64_t type_mask(unsigned n)
{
	if (n == CYCLE)
		return PMEVTYPER_FILTER;
	return PMEVTYPER_FILTER | (vpmu_version() >= PMUVER_V3P1 ? 0xffffULL : 0x3ffULL);
}

bool vpmu_is_reg(uint32_t reg)
{
	unsigned op1 = SYSREG_OP1(reg), crn = SYSREG_CRN(reg), crm = SYSREG_CRM(reg);

	if (SYSREG_OP0(reg) != 3)
		return false;
	if (crn == 9)
		return (op1 == 3 && crm >= 12 && crm <= 14) || (op1 == 0 && crm == 14);
	return op1 == 3 && crn == PMEV_CRN && crm >= PMEVCNTR_CRM;
}

/* The overflow interrupt follows PMOVSSET & PMINTENSET. While it is up in the guest the
 * hardware's own request is held off: the overflow that raised it would otherwise keep the
 * PPI firing at EL2 until the guest cleared it. */
static void update_irq(struct vcpu *vcpu)
{
	struct vcpu_pmu *p = &vcpu->pmu;
	uint64_t ovs = vcpu_loaded_here(vcpu) ? hal_pmu_read(HAL_PMOVSSET) : p->ovs;
	bool level = (ovs & p->inten) != 0;

	if (level != p->level) {
		p->level = level;
		vgic_set_line(vcpu->vm, vcpu, VGIC_PPI_PMU, level);
	}
	if (!vcpu_loaded_here(vcpu))
		return;
	hal_pmu_write(HAL_PMINTENCLR, level ? counter_mask() : ~p->inten & counter_mask());
	if (!level)
		hal_pmu_write(HAL_PMINTENSET, p->inten);
}

static void load_hw(struct vcpu *vcpu)
{
	struct vcpu_pmu *p = &vcpu->pmu;
	unsigned n, nr = nr_counters();

	hal_pmu_write(HAL_PMCNTENCLR, counter_mask());
	for (n = 0; n < nr; n++) {
		hal_pmu_type_write(n, p->type[n]);
		hal_pmu_counter_write(n, p->count[n]);
	}
	hal_pmu_type_write(CYCLE, p->type[CYCLE]);
	hal_pmu_counter_write(CYCLE, p->count[CYCLE]);
	hal_pmu_write(HAL_PMOVSCLR, counter_mask());
	hal_pmu_write(HAL_PMOVSSET, p->ovs);
	hal_pmu_write(HAL_PMUSERENR, p->userenr);
	hal_pmu_write(HAL_PMCR, p->pmcr);
	hal_pmu_write(HAL_PMCNTENSET, p->cnten);
	update_irq(vcpu);
}

/* The guest's first access: from now on its state moves with it. */
static void first_use(struct vcpu *vcpu)
{
	vcpu->pmu.used = true;
	load_hw(vcpu);
}

static bool access_counter(struct vcpu *vcpu, unsigned n, bool read, uint64_t *val)
{
	/* Event counters are 32 bits (PMUv3p1); the cycle counter 64. */
	uint64_t width = n == CYCLE ? UINT64_MAX : COUNTER32;

	if (read)
		*val = hal_pmu_counter_read(n) & width;
	else
		hal_pmu_counter_write(n, *val & width);
	return true;
}

static bool access_type(struct vcpu *vcpu, unsigned n, bool read, uint64_t *val)
{
	if (read) {
		*val = vcpu->pmu.type[n];
	} else {
		vcpu->pmu.type[n] = *val & type_mask(n);
		hal_pmu_type_write(n, vcpu->pmu.type[n]);
	}
	return true;
}

/* PMXEVTYPER / PMXEVCNTR through PMSELR: a selector naming no counter reads 0 and ignores
 * writes (one of the CONSTRAINED UNPREDICTABLE choices), as does PMXEVCNTR with SEL 31. */
static bool access_selected(struct vcpu *vcpu, bool type, bool read, uint64_t *val)
{
	unsigned n = (unsigned)vcpu->pmu.sel;

	if (n == CYCLE && type)
		return access_type(vcpu, n, read, val);
	if (n >= nr_counters()) {
		if (read)
			*val = 0;
		return true;
	}
	return type ? access_type(vcpu, n, read, val) : access_counter(vcpu, n, read, val);
}

/* PMSWINC_EL0: done here, not by the hardware's PMSWINC, which would count only if counting
 * were permitted at EL2, where the write is made. Each counter set up for SW_INCR, enabled and
 * counting at the guest's exception level steps by one, and sets its overflow flag when it
 * wraps (32 bits). The P and U filters decide for EL1 and EL0; the guest has no EL2 or EL3. */
static void software_increment(struct vcpu *vcpu, uint64_t bits)
{
	struct vcpu_pmu *p = &vcpu->pmu;
	bool at_el0 = (vcpu->ctx.pstate & PSTATE_M_MASK) == PSTATE_M_EL0T;
	uint64_t filter = at_el0 ? PMEVTYPER_U : PMEVTYPER_P, wrapped = 0;
	unsigned n;

	if (!(p->pmcr & PMCR_E))
		return;
	for (n = 0; n < nr_counters(); n++) {
		uint64_t count;

		if (!(bits & p->cnten & (1ULL << n)) ||
		    (p->type[n] & PMEVTYPER_EVT) != EV_SW_INCR || (p->type[n] & filter))
			continue;
		count = (hal_pmu_counter_read(n) + 1) & COUNTER32;
		hal_pmu_counter_write(n, count);
		if (!count)
			wrapped |= 1ULL << n;
	}
	if (wrapped) {
		hal_pmu_write(HAL_PMOVSSET, wrapped);
		update_irq(vcpu);
	}
}

/* PMEVCNTR<n>_EL0 and PMEVTYPER<n>_EL0 / PMCCFILTR_EL0. */
static bool access_pmev(struct vcpu *vcpu, uint32_t reg, bool read, uint64_t *val)
{
	unsigned crm = SYSREG_CRM(reg);
	bool type = crm >= PMEVTYPER_CRM;
	unsigned n = (crm - (type ? PMEVTYPER_CRM : PMEVCNTR_CRM)) * 8 + SYSREG_OP2(reg);

	if (n == CYCLE)
		return type && access_type(vcpu, n, read, val);
	/* Counters past PMCR_EL0.N (MDCR_EL2.HPMN) are UNDEFINED at EL1. */
	if (n >= nr_counters())
		return false;
	return type ? access_type(vcpu, n, read, val) : access_counter(vcpu, n, read, val);
}

/* The registers with a set and a clear view of one mask. */
static bool access_mask(struct vcpu *vcpu, uint32_t reg, bool read, uint64_t *val)
{
	struct vcpu_pmu *p = &vcpu->pmu;
	uint64_t bits = *val & counter_mask();

	switch (reg) {
	case PMCNTENSET_EL0:
	case PMCNTENCLR_EL0:
		if (read) {
			*val = p->cnten;
		} else if (reg == PMCNTENSET_EL0) {
			p->cnten |= bits;
			hal_pmu_write(HAL_PMCNTENSET, bits);
		} else {
			p->cnten &= ~bits;
			hal_pmu_write(HAL_PMCNTENCLR, bits);
		}
		return true;
	case PMINTENSET_EL1:
	case PMINTENCLR_EL1:
		if (read) {
			*val = p->inten;
			return true;
		}
		p->inten = reg == PMINTENSET_EL1 ? p->inten | bits : p->inten & ~bits;
		break;
	default: /* PMOVSSET_EL0, PMOVSCLR_EL0 */
		if (read) {
			*val = hal_pmu_read(HAL_PMOVSSET) & counter_mask();
			return true;
		}
		hal_pmu_write(reg == PMOVSSET_EL0 ? HAL_PMOVSSET : HAL_PMOVSCLR, bits);
		break;
	}
	update_irq(vcpu);
	return true;
}

static bool access_pmcr(struct vcpu *vcpu, bool read, uint64_t *val)
{
	struct vcpu_pmu *p = &vcpu->pmu;

	if (read) {
		*val = (hal_pmu_read(HAL_PMCR) & PMCR_IMP_MASK) |
		       (uint64_t)nr_counters() << PMCR_N_SHIFT | p->pmcr;
		return true;
	}
	p->pmcr = *val & PMCR_GUEST_RW;
	/* C and P reset the counters at the write and read as 0 afterwards. */
	hal_pmu_write(HAL_PMCR, p->pmcr | (*val & (PMCR_C | PMCR_P)));
	return true;
}

bool vpmu_access(struct vcpu *vcpu, uint32_t reg, bool read, uint64_t *val)
{
	if (!vpmu_version())
		return false;
	if (!vcpu->pmu.used)
		first_use(vcpu);
	if (SYSREG_CRN(reg) == PMEV_CRN)
		return access_pmev(vcpu, reg, read, val);
	switch (reg) {
	case PMCR_EL0:
		return access_pmcr(vcpu, read, val);
	case PMCNTENSET_EL0:
	case PMCNTENCLR_EL0:
	case PMINTENSET_EL1:
	case PMINTENCLR_EL1:
	case PMOVSSET_EL0:
	case PMOVSCLR_EL0:
		return access_mask(vcpu, reg, read, val);
	case PMSWINC_EL0:
		if (read)
			return false; /* write-only */
		software_increment(vcpu, *val);
		return true;
	case PMSELR_EL0:
		if (read)
			*val = vcpu->pmu.sel;
		else
			vcpu->pmu.sel = *val & 0x1f;
		return true;
	case PMCEID0_EL0:
	case PMCEID1_EL0:
		/* The common events the CPU implements, as it reports them: read-only. */
		if (read)
			*val = hal_pmu_read(reg == PMCEID0_EL0 ? HAL_PMCEID0 : HAL_PMCEID1);
		return read;
	case PMCCNTR_EL0:
		return access_counter(vcpu, CYCLE, read, val);
	case PMXEVTYPER_EL0:
	case PMXEVCNTR_EL0:
		return access_selected(vcpu, reg == PMXEVTYPER_EL0, read, val);
	case PMUSERENR_EL0:
		if (read) {
			*val = vcpu->pmu.userenr;
		} else {
			vcpu->pmu.userenr = *val & PMUSERENR_MASK;
			hal_pmu_write(HAL_PMUSERENR, vcpu->pmu.userenr);
		}
		return true;
	default:
		return false; /* PMMIR_EL1 and the encodings PMUv3p1 leaves unallocated */
	}
}

void vpmu_load(struct vcpu *vcpu)
{
	if (vcpu->pmu.used)
		load_hw(vcpu);
}

void vpmu_put(struct vcpu *vcpu)
{
	struct vcpu_pmu *p = &vcpu->pmu;
	unsigned n, nr = nr_counters();

	if (!p->used)
		return;
	/* Stop first, then read: the counts are the vCPU's own up to here. */
	hal_pmu_write(HAL_PMCNTENCLR, counter_mask());
	hal_pmu_write(HAL_PMCR, 0);
	for (n = 0; n < nr; n++)
		p->count[n] = hal_pmu_counter_read(n);
	p->count[CYCLE] = hal_pmu_counter_read(CYCLE);
	p->ovs = hal_pmu_read(HAL_PMOVSSET) & counter_mask();
	/* Nothing of it may signal or show while another vCPU runs here. */
	hal_pmu_write(HAL_PMINTENCLR, counter_mask());
	hal_pmu_write(HAL_PMOVSCLR, counter_mask());
	hal_pmu_write(HAL_PMUSERENR, 0);
}

void vpmu_fire(struct vcpu *vcpu)
{
	if (vcpu->pmu.used) {
		update_irq(vcpu);
		return;
	}
	/* Not this vCPU's: nothing of the PMU is set up for it. */
	hal_pmu_write(HAL_PMINTENCLR, counter_mask());
}

void vpmu_reset(struct vcpu *vcpu)
{
	bool level = vcpu->pmu.level;

	memset(&vcpu->pmu, 0, sizeof(vcpu->pmu));
	if (level)
		vgic_set_line(vcpu->vm, vcpu, VGIC_PPI_PMU, false);
}

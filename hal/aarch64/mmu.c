// SPDX-License-Identifier: MIT
/* EL2 stage-1 MMU control and TLB maintenance. */
#include <hal/mmu.h>

#include "sysreg.h"

unsigned hal_pa_bits(void)
{
	static const unsigned bits[] = {32, 36, 40, 42, 44, 48, 52};
	uint64_t range = read_sysreg(id_aa64mmfr0_el1) & ID_AA64MMFR0_PARANGE_MASK;

	/* Descriptors here are the 48-bit-OA format; 52-bit PAs are not used. */
	return range < 6 ? bits[range] : 48;
}

/* ID_AA64MMFR2_EL1.FWB, bits [43:40]: FEAT_S2FWB. Whenever the CPU has it, it is used. */
bool hal_s2_forces_wb(void)
{
	return (read_sysreg(id_aa64mmfr2_el1) >> 40) & 0xf;
}

void hal_el2_mmu_enable(uint64_t root_pa, uint64_t tcr, uint64_t mair)
{
	uint64_t sctlr;

	write_sysreg(mair_el2, mair);
	write_sysreg(tcr_el2, tcr);
	write_sysreg(ttbr0_el2, root_pa);
	/* No stale entries may survive from before the tables existed. */
	dsb(ishst);
	__asm__ volatile("tlbi alle2" : : : "memory");
	dsb(ish);
	isb();

	sctlr = read_sysreg(sctlr_el2);
	sctlr |=
	    SCTLR_EL2_RES1 | SCTLR_EL2_M | SCTLR_EL2_C | SCTLR_EL2_I | SCTLR_EL2_SA | SCTLR_EL2_WXN;
	sctlr &= ~(SCTLR_EL2_A | SCTLR_EL2_EE);
	write_sysreg(sctlr_el2, sctlr);
	isb();
}

bool hal_el2_mmu_enabled(void)
{
	return read_sysreg(sctlr_el2) & SCTLR_EL2_M;
}

bool hal_el2_translate(uint64_t va, bool write, uint64_t *pa, uint8_t *attr)
{
	uint64_t par;

	if (write)
		__asm__ volatile("at s1e2w, %0" : : "r"(va) : "memory");
	else
		__asm__ volatile("at s1e2r, %0" : : "r"(va) : "memory");
	isb();
	par = read_sysreg(par_el1);
	if (par & PAR_EL1_F)
		return false;
	*pa = (par & PAR_EL1_PA_MASK) | (va & 0xfff);
	*attr = (uint8_t)(par >> PAR_EL1_ATTR_SHIFT);
	return true;
}

void hal_tlb_flush_el2_va(uint64_t va)
{
	dsb(ishst);
	__asm__ volatile("tlbi vae2is, %0" : : "r"(va >> 12) : "memory");
	dsb(ish);
	isb();
}

void hal_tlb_flush_el2_all(void)
{
	dsb(ishst);
	__asm__ volatile("tlbi alle2is" : : : "memory");
	dsb(ish);
	isb();
}

/* Stage-2 invalidation applies to the VMID in VTTBR_EL2, so swap it in for the operation. */
static uint64_t vttbr_switch(uint16_t vmid)
{
	uint64_t old = read_sysreg(vttbr_el2);

	write_sysreg(vttbr_el2, (uint64_t)vmid << 48);
	isb();
	return old;
}

void hal_tlb_flush_ipa(uint16_t vmid, uint64_t ipa)
{
	uint64_t old = vttbr_switch(vmid);

	dsb(ishst);
	__asm__ volatile("tlbi ipas2e1is, %0" : : "r"(ipa >> 12) : "memory");
	/* Combined stage-1+2 entries may cache the IPA too (Arm ARM D8.13.6). */
	dsb(ish);
	__asm__ volatile("tlbi vmalle1is" : : : "memory");
	dsb(ish);
	isb();
	write_sysreg(vttbr_el2, old);
	isb();
}

void hal_tlb_flush_vmid(uint16_t vmid)
{
	uint64_t old = vttbr_switch(vmid);

	dsb(ishst);
	__asm__ volatile("tlbi vmalls12e1is" : : : "memory");
	dsb(ish);
	isb();
	write_sysreg(vttbr_el2, old);
	isb();
}

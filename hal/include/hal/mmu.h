/* SPDX-License-Identifier: MIT */
#ifndef HAL_MMU_H
#define HAL_MMU_H

#include <stdint.h>

/* Translation hardware: what core/pgtable.c needs to build tables and keep TLBs honest. */

/* Physical address size the CPU supports, in bits (ID_AA64MMFR0_EL1.PARange). */
unsigned hal_pa_bits(void);

/* Turn on the EL2 stage-1 MMU and caches of the calling CPU with `root_pa` as the level-`start`
 * table for a `va_bits`-bit address space built by core/pgtable.c. */
void hal_el2_mmu_enable(uint64_t root_pa, unsigned va_bits);

/* TLB maintenance after a table change, inner shareable, completed before return. */
void hal_tlb_flush_el2_va(uint64_t va);
void hal_tlb_flush_el2_all(void);
void hal_tlb_flush_ipa(uint16_t vmid, uint64_t ipa);
void hal_tlb_flush_vmid(uint16_t vmid);

#endif

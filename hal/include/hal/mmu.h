/* SPDX-License-Identifier: MIT */
#ifndef HAL_MMU_H
#define HAL_MMU_H

#include <stdbool.h>
#include <stdint.h>

/* Translation hardware: what core/pgtable.c needs to build tables and keep TLBs honest. */

/* Physical address size the CPU supports, in bits (ID_AA64MMFR0_EL1.PARange). */
unsigned hal_pa_bits(void);

/* Turn on the EL2 stage-1 MMU and caches of the calling CPU: MAIR_EL2 = `mair` (the attribute
 * indices the tables use: PGT_MAIR_EL2_VALUE), TCR_EL2 = `tcr` (from pgt_tcr()), TTBR0_EL2 =
 * `root_pa` (a table built by core/pgtable.c). Writable memory is never executable
 * (SCTLR_EL2.WXN). */
void hal_el2_mmu_enable(uint64_t root_pa, uint64_t tcr, uint64_t mair);
bool hal_el2_mmu_enabled(void);

/* Ask the MMU itself how `va` translates for a read or a write at EL2 (AT S1E2R/W): false on a
 * fault (unmapped, or read-only for a write); else the PA and the MAIR attribute byte used. */
bool hal_el2_translate(uint64_t va, bool write, uint64_t *pa, uint8_t *attr);

/* Stage 2 forces guest RAM write-back cacheable (FEAT_S2FWB, which the hypervisor then turns
 * on with HCR_EL2.FWB for every guest): Normal memory is MemAttr 0b0110 in stage-2 entries
 * instead of 0b1111, and a guest's accesses to RAM are cacheable even with its own MMU off, so
 * caches and memory never disagree from its point of view (docs/memory.md). */
bool hal_s2_forces_wb(void);

/* TLB maintenance after a table change, inner shareable, completed before return. */
void hal_tlb_flush_el2_va(uint64_t va);
void hal_tlb_flush_el2_all(void);
void hal_tlb_flush_ipa(uint16_t vmid, uint64_t ipa);
void hal_tlb_flush_vmid(uint16_t vmid);

#endif

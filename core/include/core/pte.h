/* SPDX-License-Identifier: MIT */
#ifndef CORE_PTE_H
#define CORE_PTE_H

#include <core/lib.h>

/* VMSAv8-64 translation table descriptors and the registers that describe a table walk, for
 * the 4 KiB granule and a 48-bit output address (Arm ARM DDI 0487, chapter D8: "Translation
 * table descriptor formats", "Memory access control", "Memory region attributes"; register
 * descriptions TCR_EL2, VTCR_EL2, VTTBR_EL2, MAIR_EL2). Used by core/pgtable.c; tests include it to read raw descriptors. */

/* --- All descriptors: bits[1:0] --- */
#define PTE_VALID     BIT(0)
#define PTE_TABLE     BIT(1) /* levels 0-2: next-level table; clear means block (levels 1-2) */
#define PTE_PAGE      BIT(1) /* level 3: must be set for a page; 0b01 at level 3 is reserved */
#define PTE_TYPE_MASK GENMASK(1, 0)
#define PTE_ADDR_MASK GENMASK(47, 12) /* next-level table or output address, 48-bit OA */

/* Everything a leaf carries besides its type and output address. Block descriptors hold the
 * OA in fewer bits (level 2: [47:21]) but the low OA bits are RES0 and never set here. */
#define PTE_ATTR_MASK (~(PTE_ADDR_MASK | PTE_TYPE_MASK))

/* --- Leaf attributes shared by stage 1 and stage 2 (same positions) --- */
#define PTE_SH_SHIFT 8
#define PTE_SH_MASK  GENMASK(9, 8)
#define PTE_SH_INNER (3ULL << PTE_SH_SHIFT) /* Inner Shareable */
/* Access flag: set by software, so no Access flag fault is ever taken (no FEAT_HAFDBS use). */
#define PTE_AF BIT(10)
/* Execute-never. Stage 1 of a single-EL regime (EL2 non-VHE): XN is bit 54 and PXN (53) is
 * RES0. Stage 2: bit 54 is XN[1]; XN[1:0] = 0b10 is never-execute at EL1 and EL0 both with
 * and without FEAT_XNX (bit 53 stays 0). */
#define PTE_XN BIT(54)

/* --- Stage 1, EL2 regime (HCR_EL2.E2H == 0): lower attributes --- */
#define PTE_S1_ATTRINDX_SHIFT 2 /* index into MAIR_EL2 */
#define PTE_S1_ATTRINDX_MASK  GENMASK(4, 2)
/* AP[2:1]. A regime with one Exception level has no EL0 permission: AP[1] is RES1 and AP[2]
 * alone selects read-only (1) or read/write (0) (Arm ARM D8, "Data access permissions for
 * stage 1 translations that support a single Exception level"). A valid entry is readable. */
#define PTE_S1_AP1_RES1 BIT(6)
#define PTE_S1_AP2_RO	BIT(7)

/* MAIR_EL2 layout this builder assumes (and PGT_MAIR_EL2_VALUE in pgtable.h states). */
#define MAIR_ATTR_SHIFT(idx)   ((idx)*8)
#define MAIR_ATTR_NORMAL_WB    0xffULL /* Normal, Inner/Outer Write-Back non-transient RA WA */
#define MAIR_ATTR_DEVICE_nGnRE 0x04ULL /* Device-nGnRE */
#define MAIR_IDX_NORMAL_WB     0
#define MAIR_IDX_DEVICE_nGnRE  1

/* --- Stage 2 lower attributes --- */
/* MemAttr[3:0], with HCR_EL2.FWB == 0 (Arm ARM D8, "Stage 2 memory type and Cacheability
 * attributes when FEAT_S2FWB is disabled"): [3:2] = 0b00 is Device with [1:0] the Device type; otherwise [3:2] is the
 * Outer and [1:0] the Inner cacheability, 0b11 = Write-Back. */
#define PTE_S2_MEMATTR_SHIFT	2
#define PTE_S2_MEMATTR_MASK	GENMASK(5, 2)
#define S2_MEMATTR_NORMAL_WB	0xfULL /* 0b1111: Outer WB, Inner WB */
#define S2_MEMATTR_DEVICE_nGnRE 0x1ULL /* 0b0001 */
#define S2_MEMATTR_DEVICE_MASK	0xcULL /* MemAttr[3:2] == 0 means Device */
/* With HCR_EL2.FWB (hal_s2_forces_wb()): Normal Write-Back whatever stage 1 says (Arm ARM
 * D8, "Stage 2 memory type and Cacheability attributes when FEAT_S2FWB is enabled").
 * Device nGnRE keeps its encoding, and MemAttr[3:2] == 0 still means Device. */
#define S2_MEMATTR_FWB_NORMAL_WB 0x6ULL /* 0b0110 */
/* S2AP[1:0] at [7:6]: bit 6 allows reads, bit 7 writes; 0b00 is no access. */
#define PTE_S2AP_R BIT(6)
#define PTE_S2AP_W BIT(7)

/* --- TCR_EL2 (E2H == 0) and VTCR_EL2: fields at the same positions --- */
#define TCR_T0SZ_SHIFT	0
#define TCR_T0SZ_MASK	GENMASK(5, 0)
#define TCR_IRGN0_SHIFT 8
#define TCR_ORGN0_SHIFT 10
#define TCR_RGN_WBWA	1ULL /* Normal, Write-Back Read-Allocate Write-Allocate Cacheable */
#define TCR_SH0_SHIFT	12
#define TCR_SH_INNER	3ULL
#define TCR_TG0_SHIFT	14
#define TCR_TG0_4K	0ULL
#define TCR_PS_SHIFT	16 /* TCR_EL2.PS and VTCR_EL2.PS share the encoding */
#define TCR_PS_MASK	GENMASK(18, 16)
#define TCR_EL2_RES1	(BIT(31) | BIT(23))

/* VTCR_EL2.SL0 with TG0 = 4K: 0b00 starts at level 2, 0b01 level 1, 0b10 level 0. */
#define VTCR_SL0_SHIFT 6
#define VTCR_SL0_MASK  GENMASK(7, 6)
#define VTCR_VS	       BIT(19) /* 16-bit VMID (FEAT_VMID16) */
#define VTCR_EL2_RES1  BIT(31)

#define VTTBR_VMID_SHIFT 48

#endif

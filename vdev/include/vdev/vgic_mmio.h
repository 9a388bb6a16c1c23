/* SPDX-License-Identifier: MIT */
#ifndef VDEV_VGIC_MMIO_H
#define VDEV_VGIC_MMIO_H

#include <stdint.h>

struct vm;

/* The guest-visible GICv3 distributor and redistributors (Arm IHI 0069), as MMIO devices on a
 * VM's bus. The interrupt state behind them is core/vgic.h's; these only translate register
 * accesses into it. What a guest sees:
 *
 * - One Security state: GICD_CTLR.DS = 1 reads as 1, so GICD_CTLR has EnableGrp0 (bit 0),
 *   EnableGrp1 (bit 1), ARE (bit 4, always 1) and DS (bit 6); RWP reads 0. As QEMU's GIC
 *   without security extensions, which is what a guest of QEMU virt (secure=off) sees.
 * - GICD_TYPER: ITLinesNumber from the VM's SPI count, IDbits = 15, A3V = 1, No1N = 1 (no
 *   1-of-N routing: GICD_IROUTER.IRM is RAZ/WI), no LPIs, no MBIs, SecurityExtn = 0.
 * - GICD_IIDR = GICR_IIDR = 0x4800043b: Implementer Arm (0x43b), Revision 0, Variant 0,
 *   ProductID 0x48 ('H'). ID registers as QEMU's GICv3 (PIDR2.ArchRev = 3).
 * - IGROUPR: Group 0 or 1 per interrupt. IGRPMODR and NSACR: RAZ/WI (DS = 1).
 * - ICFGR: SPIs programmable; SGIs edge and PPIs level, both read-only.
 * - IPRIORITYR keeps the priority bits the CPU interface implements (ICH_VTR_EL2.PRIbits, the
 *   high bits); the rest read 0.
 * - With ARE = 1 the SGI/PPI words of GICD's per-interrupt registers, ITARGETSR, SGIR,
 *   CPENDSGIR and SPENDSGIR are RAZ/WI, as are SPIs beyond the VM's count.
 * - GICR_TYPER: Affinity_Value from the vCPU's MPIDR, Processor_Number = vCPU id, Last on the
 *   last vCPU's frame, no physical or virtual LPIs. GICR_WAKER: ProcessorSleep (reset 1)
 *   writable, ChildrenAsleep equal to it. GICR_CTLR: all RAZ/WI (no LPIs, nothing pending).
 * - Access sizes: 32-bit to every register; 8- or 32-bit to IPRIORITYR (and the RAZ/WI
 *   ITARGETSR, CPENDSGIR, SPENDSGIR); 64-bit or either 32-bit half to GICD_IROUTER and
 *   GICR_TYPER. Any other size reads 0 and ignores the write (one rate-limited log line);
 *   reserved offsets read 0 and ignore writes. Nothing here answers with an abort. */

/* Put the VM's distributor (64 KiB) at `base` (64 KiB aligned). Call after vgic_init(). */
int vgic_dist_attach(struct vm *vm, uint64_t base);

/* Put one redistributor per vCPU at `base` (64 KiB aligned), 128 KiB each (RD_base, then
 * SGI_base at +64 KiB), contiguous in vCPU order: one bus entry covering all of them. Call
 * after vgic_init(), when the VM has all its vCPUs (HV_EINVAL if it has none). */
int vgic_redist_attach(struct vm *vm, uint64_t base);

#endif

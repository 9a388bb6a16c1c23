/* SPDX-License-Identifier: MIT */
#ifndef VDEV_VPL031_H
#define VDEV_VPL031_H

#include <stdint.h>

struct vm;

/* The guest's PL031 real-time clock (PrimeCell RTC, Arm DDI 0224), as QEMU virt has it at
 * 0x0901_0000: a seconds counter that reads the wall-clock time. The hypervisor reads the
 * machine's own RTC once at boot (vpl031_set_wall_clock()); after that a guest's clock is that
 * time plus the system counter's progress, plus what the guest loaded into RTCLR. Register
 * map and what is not emulated (the match interrupt) are in docs/guest-abi.md. */

/* PL031 registers (offsets in its 4 KiB frame) and identification, one definition for the
 * model and for the boot code reading the machine's RTC. */
#define PL031_DR    0x000 /* data: current seconds (read-only) */
#define PL031_MR    0x004 /* match */
#define PL031_LR    0x008 /* load: sets the seconds counter */
#define PL031_CR    0x00c /* control: bit 0 = started */
#define PL031_IMSC  0x010 /* interrupt mask: bit 0 */
#define PL031_RIS   0x014 /* raw interrupt status: bit 0 = DR reached MR */
#define PL031_MIS   0x018 /* masked interrupt status */
#define PL031_ICR   0x01c /* interrupt clear (write-only) */
#define PL031_ID    0xfe0 /* PeriphID0..3, PCellID0..3: 8 words */
#define PL031_SIZE  0x1000
#define PL031_CR_EN 1u

/* The wall-clock time: `seconds` since 1970 when the system counter read `counter`. Before it
 * is called (a machine without an RTC) guests count from 0. */
void vpl031_set_wall_clock(uint64_t seconds, uint64_t counter);

/* Create the VM's vPL031 at `base` (PL031_SIZE bytes) on its MMIO bus, reading the wall-clock
 * time. One per VM; HV_EBUSY / HV_ENOMEM from the bus. */
int vpl031_attach(struct vm *vm, uint64_t base);

#endif

/* SPDX-License-Identifier: MIT */
#ifndef VDEV_VPL011_H
#define VDEV_VPL011_H

#include <stdint.h>

struct vm;

/* The guest's PL011 UART (PrimeCell UART, Arm DDI 0183), register map and access rules in
 * docs/guest-abi.md. Transmitted characters go to the hypervisor console unchanged. This
 * is the trap-and-emulate-core scope: TX, flags, the control registers and the ID registers;
 * RX and interrupts come with the vGIC. */

/* Create the VM's vPL011 at `base` (4 KiB) on its MMIO bus. One per VM. */
int vpl011_attach(struct vm *vm, uint64_t base);

#endif

/* SPDX-License-Identifier: MIT */
#ifndef CORE_VMID_H
#define CORE_VMID_H

#include <stdint.h>

/* VMIDs tag each VM's stage-2 TLB entries. 8-bit VMIDs are always available; 0 is never
 * handed out, so a stale VTTBR of 0 cannot alias a live VM. Locked internally. */
#define VMID_MAX 255

/* A free VMID in 1..VMID_MAX, or HV_ENOMEM. */
int vmid_alloc(uint16_t *vmid);

/* Return a VMID; its TLB entries are invalidated first so the next owner starts clean. */
void vmid_free(uint16_t vmid);

#endif

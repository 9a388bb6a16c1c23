/* SPDX-License-Identifier: MIT */
#ifndef GUEST_SMCCC_SUITE_H
#define GUEST_SMCCC_SUITE_H

#include "smccc.h"

/* The checks of every call in docs/guest-abi.md "Hypervisor calls" through one conduit: the
 * hvc and smc guests run the same suite and must get the same answers. Descriptions and the
 * console markers start with "hvc: " or "smc: ". */
void smccc_suite(enum smccc_conduit conduit);

#endif

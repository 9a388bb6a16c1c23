/* SPDX-License-Identifier: MIT */
#ifndef CORE_FFA_SPMC_H
#define CORE_FFA_SPMC_H

/* What the FF-A hypervisor role (core/ffa*.c) asks of the secure world's partition manager.
 * The variant is a file the Makefile links (FFA_SPMC=absent: core/ffa_spmc_absent.c), never
 * an #ifdef: an SPMC at S-EL2 behind EL3 would be another file answering the same calls by
 * FF-A calls of its own (docs/ffa.md). */

#include <stdbool.h>
#include <stdint.h>

/* FFA_SPM_ID_GET: 0 with the SPMC's id in *id, or a negative FFA_RET_* (NOT_SUPPORTED when
 * there is none). */
int ffa_spmc_id(uint16_t *id);

#endif

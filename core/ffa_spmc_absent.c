// SPDX-License-Identifier: MIT
/* The FF-A variant without a secure world (docs/ffa.md): no SPMC, no secure partitions. The
 * Makefile links this file for FFA_SPMC=absent, the only variant so far. */
#include <core/ffa.h>
#include <core/ffa_spmc.h>

int ffa_spmc_id(uint16_t *id)
{
	/* DEN0077 13.11: without an SPMC the call is not supported. */
	*id = 0;
	return FFA_RET_NOT_SUPPORTED;
}

// SPDX-License-Identifier: MIT
/* The per-pCPU count of held spinlocks (core/spinlock.h). */
#include <core/spinlock.h>

unsigned spin_held[HAL_MAX_CPUS];

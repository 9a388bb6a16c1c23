// SPDX-License-Identifier: MIT
/* Reading the CPU's feature ID registers by encoding, for the guest's sanitised view. */
#include <hal/cpu.h>

#include "sysreg.h"

#define ID_CASE(crm, op2)     \
	case (crm)*8 + (op2): \
		return read_sysreg(S3_0_C0_C##crm##_##op2);

/* clang-format off */
#define ID_ROW(X, crm) X(crm, 0) X(crm, 1) X(crm, 2) X(crm, 3) X(crm, 4) X(crm, 5) X(crm, 6) X(crm, 7)
/* clang-format on */

uint64_t hal_cpu_id_reg(unsigned crm, unsigned op2)
{
	switch (crm * 8 + op2) {
		ID_ROW(ID_CASE, 1)
		ID_ROW(ID_CASE, 2)
		ID_ROW(ID_CASE, 3)
		ID_ROW(ID_CASE, 4)
		ID_ROW(ID_CASE, 5)
		ID_ROW(ID_CASE, 6)
		ID_ROW(ID_CASE, 7)
	default:
		return 0;
	}
}

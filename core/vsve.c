// SPDX-License-Identifier: MIT
/* Whether guests get SVE, and with which vector length. The hypervisor chooses the length once
 * for the machine (ZCR_EL2 caps what each guest's ZCR_EL1 can ask for); the ID registers show
 * SVE only when it is given (core/id_regs.c), and an SVE instruction or ZCR_EL1 access that
 * traps (CPTR_EL2.TZ) is the vCPU's first use since a switch (core/exit.c) or, with SVE
 * hidden, UNDEFINED. */
#include <core/check.h>
#include <core/log.h>
#include <core/vm.h>
#include <core/vsve.h>
#include <hal/vcpu.h>

static unsigned guest_vl;

/* Out of the vCPU contexts: 2.4 KiB each at the 512-bit cap. */
static struct hal_sve sve_state[VCPU_INDEX_MAX];

void vsve_init(bool hidden)
{
	if (hidden) {
		guest_vl = 0;
		log_info("sve: hidden from guests (hv.sve=off)");
		return;
	}
	guest_vl = hal_sve_init(VSVE_MAX_VL);
	if (guest_vl)
		log_info("sve: guests get SVE, vector length up to %u bits", guest_vl * 8);
}

unsigned vsve_vl(void)
{
	return guest_vl;
}

struct hal_sve *vsve_state(unsigned index)
{
	CHECK(index < VCPU_INDEX_MAX);
	return &sve_state[index];
}

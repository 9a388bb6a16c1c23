// SPDX-License-Identifier: MIT
#include <core/err.h>
#include <core/lib.h>
#include <core/spinlock.h>
#include <core/vmid.h>
#include <hal/mmu.h>

static struct spinlock vmid_lock = SPINLOCK_INIT;
static uint64_t vmid_used[(VMID_MAX + 1 + 63) / 64] = {1}; /* VMID 0 reserved */

int vmid_alloc(uint16_t *vmid)
{
	int ret = HV_ENOMEM;

	spin_lock(&vmid_lock);
	for (unsigned id = 1; id <= VMID_MAX; id++) {
		if (!(vmid_used[id / 64] & BIT(id % 64))) {
			vmid_used[id / 64] |= BIT(id % 64);
			*vmid = (uint16_t)id;
			ret = HV_OK;
			break;
		}
	}
	spin_unlock(&vmid_lock);
	return ret;
}

void vmid_free(uint16_t vmid)
{
	if (vmid == 0 || vmid > VMID_MAX)
		return;
	hal_tlb_flush_vmid(vmid);
	spin_lock(&vmid_lock);
	vmid_used[vmid / 64] &= ~BIT(vmid % 64);
	spin_unlock(&vmid_lock);
}

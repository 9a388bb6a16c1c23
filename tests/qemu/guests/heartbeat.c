// SPDX-License-Identifier: MIT
/* A guest that never ends: prints "heartbeat: N" once a second of its virtual counter and
 * sleeps in WFI in between, so it costs its pCPU next to nothing. configs/quad.dts runs it
 * beside Linux VMs: its beats show a VM still gets its turns while the others boot, and its
 * console lines carry its VM name like everyone else's. */
#include "gic.h"
#include "gic_cpuif.h"
#include "printf.h"
#include "sysreg.h"
#include "timer.h"

const char guest_name[] = "heartbeat";

#define VTIMER_INTID 27

int main(void)
{
	uint64_t next = counter_read();

	if (!gic_init()) {
		printf("heartbeat: no GIC\n");
		return 1;
	}
	gic_irq_setup(VTIMER_INTID, 0x80, false);
	asm volatile("msr daifset, #2" : : : "memory"); /* woken by WFI, acknowledged by polling */
	for (unsigned long beat = 1;; beat++) {
		uint32_t intid;

		next += timer_freq();
		vtimer_write_cval(next);
		vtimer_write_ctl(CNTV_CTL_ENABLE);
		do {
			asm volatile("dsb sy; wfi" : : : "memory");
		} while (counter_read() < next);
		vtimer_write_ctl(0);
		intid = gic_read_iar1();
		if (intid != 1023)
			gic_write_eoir1(intid);
		printf("heartbeat: %lu\n", beat);
	}
}

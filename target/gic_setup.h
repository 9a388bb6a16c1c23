/* SPDX-License-Identifier: MIT */
#ifndef TARGET_GIC_SETUP_H
#define TARGET_GIC_SETUP_H

struct hw_info;

/* Boot CPU, with the MMU on and before any secondary starts: take over the Distributor and
 * the redistributor regions the host DTB names, then set up this CPU's redistributor and CPU
 * interface. Logs one line naming what failed; a negative HV_E* then. `hw` is read only
 * during the call. */
int target_gic_init(const struct hw_info *hw);

/* Each secondary, with its MMU on and before it reports online: its own redistributor and
 * CPU interface. Logs and returns a negative HV_E* when it has none. */
int target_gic_cpu_init(void);

/* What the GIC self-checks need from the host DTB, recorded by target_gic_init(): timer
 * PPIs and the UART's SPI as INTIDs, 0 when absent. */
struct gic_board {
	unsigned hyp_timer, phys_timer, uart;
};
const struct gic_board *target_gic_board(void);

/* The GIC self-checks on the boot CPU, after the secondaries are online: an SGI to self,
 * the CNTHP timer waking a WFI, an SPI set pending, and an SGI to every other CPU. Logs one
 * line each; returns how many failed. */
unsigned selftest_gic(void);

#endif

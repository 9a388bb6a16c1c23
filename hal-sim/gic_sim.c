// SPDX-License-Identifier: MIT
/* The physical GIC, the EL2 hypervisor timer and console input on the host: a small model in
 * sim_hal.gic and sim_hal.console_rx that tests fill (sim_gic_raise(), sim_console_feed())
 * and read (what was enabled, routed, acknowledged, sent). One CPU interface: INTIDs 0-31
 * are those of the pCPU the test plays (sim_hal.cpu_id / cpu_mpidr). */
#include <string.h>

#include <hal-sim/sim_hal.h>
#include <hal/console.h>
#include <hal/gic.h>

#define SIM_GIC_NR_PRIVATE 32u
#define SIM_GIC_PRIO_IDLE  0x100u /* running priority with nothing active */
#define SIM_GIC_PMR	   0xffu  /* hal_gic_cpu_init() opens the mask fully */

static unsigned nr_intids(void)
{
	unsigned n = sim_hal.gic.nr_intids ? sim_hal.gic.nr_intids : SIM_GIC_NR_INTIDS;

	return n < SIM_GIC_MAX_INTIDS ? n : SIM_GIC_MAX_INTIDS;
}

/* An INTID the simulated distributor implements (a macro, so the array bound is in plain
 * sight of cppcheck at every use). */
#define INTID_IMPLEMENTED(intid) ((intid) < SIM_GIC_MAX_INTIDS && (intid) < nr_intids())

/* What hal_gic_init() and hal_gic_cpu_init() leave behind, as on the hardware. */
static void set_defaults(unsigned from, unsigned to)
{
	for (unsigned i = from; i < to; i++) {
		sim_hal.gic.enabled[i] = false;
		sim_hal.gic.pending[i] = false;
		sim_hal.gic.active[i] = false;
		sim_hal.gic.priority[i] = SIM_GIC_PRIO_DEFAULT;
	}
}

int hal_gic_init(uint64_t gicd_pa, const uint64_t *gicr_pa, const uint64_t *gicr_size,
		 unsigned gicr_count)
{
	sim_hal.gic.gicd_pa = gicd_pa;
	sim_hal.gic.gicr_count = gicr_count;
	set_defaults(SIM_GIC_NR_PRIVATE, nr_intids());
	for (unsigned i = SIM_GIC_NR_PRIVATE; i < nr_intids(); i++) {
		sim_hal.gic.edge[i] = false;
		sim_hal.gic.route[i] = sim_hal.cpu_mpidr;
	}
	sim_hal.gic.dist_ready = true;
	return 0;
}

int hal_gic_cpu_init(void)
{
	set_defaults(0, SIM_GIC_NR_PRIVATE);
	sim_hal.gic.nr_running = 0;
	sim_hal.gic.cpu_ready = true;
	return 0;
}

unsigned hal_gic_max_intid(void)
{
	return nr_intids();
}

void hal_gic_enable(uint32_t intid, bool enable)
{
	if (INTID_IMPLEMENTED(intid))
		sim_hal.gic.enabled[intid] = enable;
}

void hal_gic_set_priority(uint32_t intid, uint8_t priority)
{
	if (INTID_IMPLEMENTED(intid))
		sim_hal.gic.priority[intid] = priority;
}

void hal_gic_set_edge(uint32_t intid, bool edge)
{
	/* SGIs are always edge-triggered. */
	if (intid < HAL_GIC_SGI_COUNT || !INTID_IMPLEMENTED(intid))
		return;
	sim_hal.gic.edge[intid] = edge;
}

void hal_gic_route(uint32_t intid, uint64_t mpidr)
{
	if (intid < SIM_GIC_NR_PRIVATE || !INTID_IMPLEMENTED(intid))
		return;
	sim_hal.gic.route[intid] = mpidr;
}

/* The CNTHP output is a level: while the timer is armed and expired INTID 26 is pending,
 * also while it is active, so it comes back as soon as it is deactivated unless the handler
 * re-armed or cancelled the timer first, exactly as on hardware. */
static void hyp_timer_line(void)
{
	if (sim_hal.gic.hyp_timer_armed && sim_hal.counter >= sim_hal.gic.hyp_timer_deadline)
		sim_hal.gic.pending[SIM_GIC_HYP_TIMER_INTID] = true;
}

uint32_t hal_gic_ack(void)
{
	unsigned rpr = SIM_GIC_PRIO_IDLE;
	uint32_t best = HAL_GIC_SPURIOUS;

	hyp_timer_line();
	if (sim_hal.gic.nr_running)
		rpr = sim_hal.gic.priority[sim_hal.gic.running[sim_hal.gic.nr_running - 1]];
	/* Highest priority (lowest value) wins; among equals the lowest INTID. It must beat the
	 * running priority and the priority mask to be signalled at all. */
	for (uint32_t i = 0; i < nr_intids(); i++) {
		const struct sim_gic *g = &sim_hal.gic;

		if (!g->pending[i] || !g->enabled[i] || g->active[i] || g->priority[i] >= rpr ||
		    g->priority[i] >= SIM_GIC_PMR)
			continue;
		if (best == HAL_GIC_SPURIOUS || g->priority[i] < g->priority[best])
			best = i;
	}
	if (best == HAL_GIC_SPURIOUS || sim_hal.gic.nr_running == SIM_GIC_MAX_RUNNING)
		return HAL_GIC_SPURIOUS;
	sim_hal.gic.pending[best] = false;
	sim_hal.gic.active[best] = true;
	sim_hal.gic.running[sim_hal.gic.nr_running++] = best;
	sim_hal.gic.acks++;
	sim_hal.gic.last_ack = best;
	return best;
}

void hal_gic_eoi(uint32_t intid)
{
	sim_hal.gic.eois++;
	sim_hal.gic.last_eoi = intid;
	/* EOImode 1: the priority drop is of the most recent acknowledge; anything else is
	 * UNPREDICTABLE on hardware, so it is counted for tests to catch. */
	if (sim_hal.gic.nr_running && sim_hal.gic.running[sim_hal.gic.nr_running - 1] == intid)
		sim_hal.gic.nr_running--;
	else
		sim_hal.gic.eoi_errors++;
}

void hal_gic_deactivate(uint32_t intid)
{
	sim_hal.gic.deactivates++;
	sim_hal.gic.last_deactivate = intid;
	if (INTID_IMPLEMENTED(intid) && sim_hal.gic.active[intid])
		sim_hal.gic.active[intid] = false;
	else
		sim_hal.gic.deactivate_errors++;
}

void hal_gic_send_sgi(uint64_t mpidr, unsigned sgi)
{
	if (sgi >= HAL_GIC_SGI_COUNT)
		return;
	if (sim_hal.gic.sgis_sent < SIM_GIC_MAX_SGIS) {
		sim_hal.gic.sgi[sim_hal.gic.sgis_sent].mpidr = mpidr;
		sim_hal.gic.sgi[sim_hal.gic.sgis_sent].sgi = sgi;
	}
	sim_hal.gic.sgis_sent++;
	/* An SGI to oneself arrives like any other. */
	if (mpidr == sim_hal.cpu_mpidr)
		sim_hal.gic.pending[sgi] = true;
}

void hal_hyp_timer_arm(uint64_t deadline)
{
	sim_hal.gic.hyp_timer_armed = true;
	sim_hal.gic.hyp_timer_deadline = deadline;
	sim_hal.gic.hyp_timer_arms++;
}

void hal_hyp_timer_cancel(void)
{
	sim_hal.gic.hyp_timer_armed = false;
	/* The level drops: a pending but not yet acknowledged tick goes with it. */
	sim_hal.gic.pending[SIM_GIC_HYP_TIMER_INTID] = false;
}

void sim_gic_raise(uint32_t intid)
{
	if (INTID_IMPLEMENTED(intid))
		sim_hal.gic.pending[intid] = true;
}

/* --- console input --- */
int hal_console_getc(void)
{
	struct sim_console_rx *rx = &sim_hal.console_rx;

	if (rx->head == rx->len) {
		rx->head = rx->len = 0;
		return -1;
	}
	return (unsigned char)rx->buf[rx->head++];
}

void hal_console_rx_irq(bool enable)
{
	sim_hal.console_rx.irq_enabled = enable;
}

void sim_console_feed(const char *s)
{
	struct sim_console_rx *rx = &sim_hal.console_rx;
	size_t n = strlen(s);

	if (n > SIM_CONSOLE_RX_SIZE - rx->len)
		n = SIM_CONSOLE_RX_SIZE - rx->len; /* a full FIFO drops input, like a UART */
	memcpy(rx->buf + rx->len, s, n);
	rx->len += n;
}

bool hal_gic_active(uint32_t intid)
{
	return INTID_IMPLEMENTED(intid) && sim_hal.gic.active[intid];
}

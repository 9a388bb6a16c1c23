// SPDX-License-Identifier: MIT
/* The physical GIC, the EL2 hypervisor timer and console input on the host: a small model in
 * sim_hal.gic and sim_hal.console_rx that tests fill (sim_gic_raise(), sim_console_feed())
 * and read (what was enabled, routed, acknowledged, sent). Single-threaded, one CPU interface:
 * INTIDs 0-31 are those of the pCPU the test plays (sim_hal.cpu_id / cpu_mpidr). A thread that
 * is a simulated pCPU (sim_pcpu_enter()) has its own INTIDs 0-31, running priorities and EL2
 * timer in its struct sim_pcpu; SPIs stay in sim_hal.gic. Every access holds the hardware
 * lock. */
#include <string.h>

#include <hal-sim/sim_hal.h>
#include <hal/console.h>
#include <hal/gic.h>
#include <hal/time.h>

#define SIM_GIC_NR_PRIVATE 32u
#define SIM_GIC_PRIO_IDLE  0x100u /* running priority with nothing active */
#define SIM_GIC_PMR	   0xffu  /* hal_gic_cpu_init() opens the mask fully */

static unsigned nr_intids(void)
{
	unsigned n = sim_hal.gic.nr_intids ? sim_hal.gic.nr_intids : SIM_GIC_NR_INTIDS;

	return n < SIM_GIC_MAX_INTIDS ? n : SIM_GIC_MAX_INTIDS;
}

/* The CPU interface and redistributor of the calling pCPU. */
static struct sim_gic *cpu_gic(void)
{
	struct sim_pcpu *p = sim_pcpu_self();

	return p ? &p->gic : &sim_hal.gic;
}

/* Where `intid`'s state lives: the calling pCPU's for SGIs and PPIs, the distributor's for
 * SPIs. */
static struct sim_gic *gic_of(uint32_t intid)
{
	return intid < SIM_GIC_NR_PRIVATE ? cpu_gic() : &sim_hal.gic;
}

static uint64_t my_mpidr(void)
{
	struct sim_pcpu *p = sim_pcpu_self();

	return p ? p->mpidr : sim_hal.cpu_mpidr;
}

/* An INTID the simulated distributor implements (a macro, so the array bound is in plain
 * sight of cppcheck at every use). */
#define INTID_IMPLEMENTED(intid) ((intid) < SIM_GIC_MAX_INTIDS && (intid) < nr_intids())

/* What hal_gic_init() and hal_gic_cpu_init() leave behind, as on the hardware. */
static void set_defaults(struct sim_gic *g, unsigned from, unsigned to)
{
	for (unsigned i = from; i < to; i++) {
		g->enabled[i] = false;
		g->pending[i] = false;
		g->active[i] = false;
		g->priority[i] = SIM_GIC_PRIO_DEFAULT;
	}
}

int hal_gic_init(uint64_t gicd_pa, const uint64_t *gicr_pa, const uint64_t *gicr_size,
		 unsigned gicr_count)
{
	sim_hw_lock();
	sim_hal.gic.gicd_pa = gicd_pa;
	sim_hal.gic.gicr_count = gicr_count;
	set_defaults(&sim_hal.gic, SIM_GIC_NR_PRIVATE, nr_intids());
	for (unsigned i = SIM_GIC_NR_PRIVATE; i < nr_intids(); i++) {
		sim_hal.gic.edge[i] = false;
		sim_hal.gic.route[i] = my_mpidr();
	}
	sim_hal.gic.dist_ready = true;
	sim_hw_unlock();
	return 0;
}

int hal_gic_cpu_init(void)
{
	struct sim_gic *g;

	sim_hw_lock();
	g = cpu_gic();
	set_defaults(g, 0, SIM_GIC_NR_PRIVATE);
	g->nr_running = 0;
	g->cpu_ready = true;
	sim_hw_unlock();
	return 0;
}

unsigned hal_gic_max_intid(void)
{
	return nr_intids();
}

void hal_gic_enable(uint32_t intid, bool enable)
{
	sim_hw_lock();
	if (INTID_IMPLEMENTED(intid))
		gic_of(intid)->enabled[intid] = enable;
	sim_hw_notify();
	sim_hw_unlock();
}

void hal_gic_set_priority(uint32_t intid, uint8_t priority)
{
	sim_hw_lock();
	if (INTID_IMPLEMENTED(intid))
		gic_of(intid)->priority[intid] = priority;
	sim_hw_unlock();
}

void hal_gic_set_edge(uint32_t intid, bool edge)
{
	/* SGIs are always edge-triggered. */
	if (intid < HAL_GIC_SGI_COUNT || !INTID_IMPLEMENTED(intid))
		return;
	sim_hw_lock();
	gic_of(intid)->edge[intid] = edge;
	sim_hw_unlock();
}

void hal_gic_route(uint32_t intid, uint64_t mpidr)
{
	if (intid < SIM_GIC_NR_PRIVATE || !INTID_IMPLEMENTED(intid))
		return;
	sim_hw_lock();
	sim_hal.gic.route[intid] = mpidr;
	sim_hw_notify();
	sim_hw_unlock();
}

/* The CNTHP output is a level: while the timer is armed and expired INTID 26 is pending,
 * also while it is active, so it comes back as soon as it is deactivated unless the handler
 * re-armed or cancelled the timer first, exactly as on hardware. */
static void hyp_timer_line(void)
{
	struct sim_gic *g = cpu_gic();

	if (g->hyp_timer_armed &&
	    __atomic_load_n(&sim_hal.counter, __ATOMIC_RELAXED) >= g->hyp_timer_deadline)
		g->pending[SIM_GIC_HYP_TIMER_INTID] = true;
}

/* The interrupt the calling pCPU's CPU interface would hand out now, or HAL_GIC_SPURIOUS.
 * Highest priority (lowest value) wins; among equals the lowest INTID. It must beat the
 * running priority and the priority mask to be signalled at all. Threaded, an SPI is
 * signalled only to the pCPU its route names. */
static uint32_t best_pending(void)
{
	const struct sim_gic *me = cpu_gic();
	unsigned rpr = SIM_GIC_PRIO_IDLE;
	uint32_t best = HAL_GIC_SPURIOUS;
	bool threaded = sim_pcpu_self() != NULL;

	hyp_timer_line();
	if (me->nr_running)
		rpr = gic_of(me->running[me->nr_running - 1])
			  ->priority[me->running[me->nr_running - 1]];
	for (uint32_t i = 0; i < nr_intids(); i++) {
		const struct sim_gic *g = gic_of(i);

		if (!g->pending[i] || !g->enabled[i] || g->active[i] || g->priority[i] >= rpr ||
		    g->priority[i] >= SIM_GIC_PMR)
			continue;
		if (threaded && i >= SIM_GIC_NR_PRIVATE && g->route[i] != my_mpidr())
			continue;
		if (best == HAL_GIC_SPURIOUS || g->priority[i] < gic_of(best)->priority[best])
			best = i;
	}
	if (me->nr_running == SIM_GIC_MAX_RUNNING)
		return HAL_GIC_SPURIOUS;
	return best;
}

bool sim_gic_signalled_locked(void)
{
	return best_pending() != HAL_GIC_SPURIOUS;
}

bool sim_gic_signalled(void)
{
	bool any;

	sim_hw_lock();
	any = sim_gic_signalled_locked();
	sim_hw_unlock();
	return any;
}

void sim_gic_set_level(uint32_t intid, bool level)
{
	sim_hw_lock();
	if (INTID_IMPLEMENTED(intid))
		gic_of(intid)->pending[intid] = level;
	sim_hw_notify();
	sim_hw_unlock();
}

uint32_t hal_gic_ack(void)
{
	struct sim_gic *me;
	uint32_t best;

	sim_hw_lock();
	me = cpu_gic();
	best = best_pending();
	if (best != HAL_GIC_SPURIOUS) {
		gic_of(best)->pending[best] = false;
		gic_of(best)->active[best] = true;
		me->running[me->nr_running++] = best;
		me->acks++;
		me->last_ack = best;
	}
	sim_hw_unlock();
	if (best < HAL_GIC_SGI_COUNT)
		sim_hw_sgi_taken(best);
	return best;
}

void hal_gic_eoi(uint32_t intid)
{
	struct sim_gic *me;

	sim_hw_lock();
	me = cpu_gic();
	me->eois++;
	me->last_eoi = intid;
	/* EOImode 1: the priority drop is of the most recent acknowledge; anything else is
	 * UNPREDICTABLE on hardware, so it is counted for tests to catch. */
	if (me->nr_running && me->running[me->nr_running - 1] == intid)
		me->nr_running--;
	else
		me->eoi_errors++;
	sim_hw_notify();
	sim_hw_unlock();
}

void hal_gic_deactivate(uint32_t intid)
{
	struct sim_gic *me;

	sim_hw_lock();
	me = cpu_gic();
	me->deactivates++;
	me->last_deactivate = intid;
	if (INTID_IMPLEMENTED(intid) && gic_of(intid)->active[intid])
		gic_of(intid)->active[intid] = false;
	else
		me->deactivate_errors++;
	sim_hw_notify();
	sim_hw_unlock();
}

void hal_gic_send_sgi(uint64_t mpidr, unsigned sgi)
{
	if (sgi >= HAL_GIC_SGI_COUNT)
		return;
	sim_hw_sgi_sent(mpidr, sgi);
	sim_hw_lock();
	if (sim_hal.gic.sgis_sent < SIM_GIC_MAX_SGIS) {
		sim_hal.gic.sgi[sim_hal.gic.sgis_sent].mpidr = mpidr;
		sim_hal.gic.sgi[sim_hal.gic.sgis_sent].sgi = sgi;
	}
	sim_hal.gic.sgis_sent++;
	if (sim_pcpu_self()) {
		/* Threaded: the pCPU with that MPIDR (itself included) gets it; its WFI ends. */
		for (unsigned n = 0; n < SIM_MAX_PCPUS; n++) {
			struct sim_pcpu *p = sim_pcpu_get(n);

			if (p->mpidr == mpidr && p->gic.cpu_ready) {
				p->gic.pending[sgi] = true;
				p->sgis_received++;
			}
		}
		sim_hw_notify();
	} else if (mpidr == sim_hal.cpu_mpidr) {
		/* An SGI to oneself arrives like any other. */
		sim_hal.gic.pending[sgi] = true;
	}
	sim_hw_unlock();
}

void hal_hyp_timer_arm(uint64_t deadline)
{
	struct sim_gic *me;

	sim_hw_lock();
	me = cpu_gic();
	me->hyp_timer_armed = true;
	me->hyp_timer_deadline = deadline;
	me->hyp_timer_arms++;
	sim_hw_unlock();
}

void hal_hyp_timer_cancel(void)
{
	struct sim_gic *me;

	sim_hw_lock();
	me = cpu_gic();
	me->hyp_timer_armed = false;
	/* The level drops: a pending but not yet acknowledged tick goes with it. */
	me->pending[SIM_GIC_HYP_TIMER_INTID] = false;
	sim_hw_unlock();
}

void hal_guest_ptimer_arm(uint64_t deadline)
{
	struct sim_gic *me;

	sim_hw_lock();
	me = cpu_gic();
	me->guest_ptimer_armed = true;
	me->guest_ptimer_deadline = deadline;
	sim_hw_unlock();
}

void hal_guest_ptimer_cancel(void)
{
	struct sim_gic *me;

	sim_hw_lock();
	me = cpu_gic();
	me->guest_ptimer_armed = false;
	sim_hw_unlock();
}

void sim_gic_raise(uint32_t intid)
{
	sim_hw_lock();
	if (INTID_IMPLEMENTED(intid))
		gic_of(intid)->pending[intid] = true;
	sim_hw_notify();
	sim_hw_unlock();
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
	bool active;

	sim_hw_lock();
	cpu_gic()->active_reads++;
	active = INTID_IMPLEMENTED(intid) && gic_of(intid)->active[intid];
	sim_hw_unlock();
	return active;
}

// SPDX-License-Identifier: MIT
/* Self-checks of the physical GIC on the real CPU, run on the boot CPU once the secondaries
 * are online: each drives one path of hal/gic.h end to end and checks what the hardware
 * acknowledges. Interrupts stay masked at EL2 (PSTATE.I): they are seen by polling
 * ICC_IAR1_EL1 or after a WFI wakes, as the hypervisor will see them. */
#include <stdatomic.h>

#include <core/log.h>
#include <core/pcpu.h>
#include <hal/cpu.h>
#include <hal/gic.h>
#include <hal/mem.h>
#include <hal/time.h>

#include "gic_regs.h"
#include "gic_setup.h"
#include "sysreg.h"

/* Reserved for the self-checks: check (d) needs it disabled on every other CPU. */
#define SELFTEST_SGI 15u
/* The CNTHP PPI when the DTB does not say (Arm's recommended INTID, QEMU virt's). */
#define CNTHP_INTID_DEFAULT 26u
/* How long an interrupt may take to arrive, and the CNTHP test's deadline and watchdog. */
#define ARRIVAL_US	  10000u
#define NOT_ARRIVED_US	  1000u
#define TIMER_DELAY_US	  1000u
#define TIMER_WATCHDOG_US 1000000u
/* CNTP_CTL_EL0.ENABLE: the EL1 physical timer, the watchdog of the CNTHP check. */
#define CNTP_CTL_ENABLE 1ULL

static unsigned failures;

static void check(bool ok, const char *what)
{
	log_info("selftest: %-44s %s", what, ok ? "ok" : "FAILED");
	if (!ok)
		failures++;
}

/* A 32-bit GIC register by physical address (identity-mapped Device memory). */
static volatile uint32_t *reg32(uint64_t pa)
{
	return hal_phys_to_ptr(pa);
}

static uint64_t us_to_ticks(uint64_t us)
{
	return hal_counter_freq() * us / 1000000;
}

static uint64_t frame_of(unsigned cpu, uint32_t intid)
{
	return intid < 32 ? gic_rdist_pa(cpu) + GICR_SGI_BASE : gic_dist_pa();
}

/* One bit of a GIC*_IS{ENABLE,PEND,ACTIVE}R<n> of this CPU, straight from the hardware. */
static bool state(uint32_t set_reg, uint32_t intid)
{
	return *reg32(frame_of(hal_cpu_id(), intid) + set_reg + intid / 32 * 4) &
	       1u << (intid % 32);
}

/* Neither pending nor active: the interrupt's life cycle is over. */
static bool idle(uint32_t intid)
{
	return !state(GICD_ISPENDR, intid) && !state(GICD_ISACTIVER, intid);
}

static void complete(uint32_t intid)
{
	hal_gic_eoi(intid);
	hal_gic_deactivate(intid);
}

/* Poll the CPU interface for up to `us` microseconds until `want` is acknowledged; it is
 * left active with its priority not dropped. Anything else acknowledged meanwhile (a key
 * pressed on the console) is ended and logged, not held against the check. */
static bool arrives(uint32_t want, uint64_t us)
{
	uint64_t end = hal_counter_now() + us_to_ticks(us);

	do {
		uint32_t intid = hal_gic_ack();

		if (intid == want)
			return true;
		if (intid != HAL_GIC_SPURIOUS) {
			log_warn("selftest: INTID %u arrived unasked; ended", intid);
			complete(intid);
		}
		hal_cpu_relax();
	} while (hal_counter_now() < end);
	return false;
}

/* (a) An SGI to this CPU is acknowledged; with EOImode 1 it stays active after the priority
 * drop, so a second one waits for the deactivation; then its life cycle is over. */
static void check_sgi_to_self(void)
{
	uint64_t self = hal_cpu_mpidr();
	bool was_enabled = state(GICD_ISENABLER, SELFTEST_SGI);
	bool first, while_active, second, done;

	hal_gic_enable(SELFTEST_SGI, true);
	hal_gic_send_sgi(self, SELFTEST_SGI);
	first = arrives(SELFTEST_SGI, ARRIVAL_US);
	if (first)
		hal_gic_eoi(SELFTEST_SGI);
	hal_gic_send_sgi(self, SELFTEST_SGI);
	while_active = arrives(SELFTEST_SGI, NOT_ARRIVED_US);
	if (while_active)
		complete(SELFTEST_SGI);
	if (first)
		hal_gic_deactivate(SELFTEST_SGI);
	second = arrives(SELFTEST_SGI, ARRIVAL_US);
	if (second)
		complete(SELFTEST_SGI);
	done = idle(SELFTEST_SGI);
	hal_gic_enable(SELFTEST_SGI, was_enabled);

	bool ok = first && !while_active && second && done;

	if (!ok)
		log_err("selftest: SGI %u to self: acked %d, again while active %d, after "
			"deactivation %d, idle at the end %d",
			SELFTEST_SGI, first, while_active, second, done);
	check(ok, "SGI to self: ack, EOI, deactivate");
}

static void watchdog(uint32_t intid, bool on, bool restore)
{
	if (!intid)
		return;
	if (on) {
		write_sysreg(cntp_cval_el0, hal_counter_now() + us_to_ticks(TIMER_WATCHDOG_US));
		write_sysreg(cntp_ctl_el0, CNTP_CTL_ENABLE);
	} else {
		write_sysreg(cntp_ctl_el0, 0);
	}
	isb();
	hal_gic_enable(intid, on || restore);
}

/* (b) CNTHP armed 1 ms ahead wakes a WFI and is acknowledged as its PPI, not before its
 * deadline. The EL1 physical timer, armed 1 s ahead, ends the WFI if CNTHP never fires. */
static void check_hyp_timer(void)
{
	const struct gic_board *b = target_gic_board();
	uint32_t hyp = b->hyp_timer ? b->hyp_timer : CNTHP_INTID_DEFAULT, wd = b->phys_timer;
	bool hyp_enabled = state(GICD_ISENABLER, hyp), wd_enabled = wd && state(GICD_ISENABLER, wd);
	uint64_t deadline, woke;
	uint32_t intid;

	hal_gic_enable(hyp, true);
	deadline = hal_counter_now() + us_to_ticks(TIMER_DELAY_US);
	hal_hyp_timer_arm(deadline);
	/* Armed after CNTHP, so its deadline is always the later one, however long the host
	 * stalls QEMU in between (it once did for over 100 ms, and the watchdog won). */
	watchdog(wd, true, wd_enabled);
	for (;;) {
		hal_wait_for_interrupt();
		intid = hal_gic_ack();
		if (intid == hyp || (wd && intid == wd))
			break;
		if (intid != HAL_GIC_SPURIOUS) {
			log_warn("selftest: INTID %u arrived unasked; ended", intid);
			complete(intid);
		}
	}
	woke = hal_counter_now();
	/* The timer output is a level: drop it before deactivating. */
	hal_hyp_timer_cancel();
	watchdog(wd, false, wd_enabled);
	complete(intid);
	hal_gic_enable(hyp, hyp_enabled);

	bool ok = intid == hyp && woke >= deadline && idle(hyp);

	if (!ok)
		log_err("selftest: CNTHP (INTID %u): woke with INTID %u, %s its deadline", hyp,
			intid, woke >= deadline ? "after" : "before");
	check(ok, "CNTHP timer wakes WFI as its PPI");
}

/* (c) An SPI routed here and made pending by software in GICD_ISPENDR is acknowledged.
 * The last SPI the distributor implements: QEMU virt wires nothing to it. */
static void check_spi(void)
{
	const struct gic_board *b = target_gic_board();
	uint32_t spi = hal_gic_max_intid() - 1;
	bool was_enabled, acked, done;

	if (!gic_dist_pa() || spi < 32) {
		check(false, "SPI set pending in GICD_ISPENDR is acked");
		return;
	}
	if (spi == b->uart)
		spi--;
	was_enabled = state(GICD_ISENABLER, spi);
	hal_gic_route(spi, hal_cpu_mpidr());
	hal_gic_enable(spi, true);
	*reg32(gic_dist_pa() + GICD_ISPENDR + spi / 32 * 4) = 1u << (spi % 32);
	acked = arrives(spi, ARRIVAL_US);
	if (acked)
		complete(spi);
	done = idle(spi);
	hal_gic_enable(spi, was_enabled);

	bool ok = acked && done;

	if (!ok)
		log_err("selftest: SPI %u: acked %d, idle after EOI and deactivation %d", spi,
			acked, done);
	check(ok, "SPI set pending in GICD_ISPENDR is acked");
}

static bool sgi_pending(unsigned cpu)
{
	return *reg32(gic_rdist_pa(cpu) + GICR_SGI_BASE + GICR_ISPENDR0) & 1u << SELFTEST_SGI;
}

static bool sgi_enabled(unsigned cpu)
{
	return *reg32(gic_rdist_pa(cpu) + GICR_SGI_BASE + GICR_ISENABLER0) & 1u << SELFTEST_SGI;
}

static void sgi_clear(unsigned cpu)
{
	*reg32(gic_rdist_pa(cpu) + GICR_SGI_BASE + GICR_ICPENDR0) = 1u << SELFTEST_SGI;
}

static bool online(unsigned cpu)
{
	struct pcpu *p = pcpu_get(cpu);

	return p && atomic_load_explicit(&p->online, memory_order_acquire) && gic_rdist_pa(cpu);
}

/* Is the SGI pending at `target`'s redistributor, and at no other online CPU's? */
static bool sgi_reached_only(unsigned target)
{
	uint64_t end = hal_counter_now() + us_to_ticks(ARRIVAL_US);

	while (!sgi_pending(target) && hal_counter_now() < end)
		hal_cpu_relax();
	for (unsigned i = 0; i < pcpu_count(); i++) {
		if (online(i) && sgi_pending(i) != (i == target))
			return false;
	}
	return true;
}

/* (d) The SGI's affinity encoding reaches each other CPU's redistributor, and only that one.
 * Disabled there, it stays pending without disturbing the CPU, and is cleared again. */
static void check_sgi_to_others(void)
{
	unsigned self = hal_cpu_id(), bad = 0;

	for (unsigned i = 0; i < pcpu_count(); i++) {
		struct pcpu *p = pcpu_get(i);

		if (i == self || !p || !atomic_load_explicit(&p->online, memory_order_acquire))
			continue;
		if (!gic_rdist_pa(i)) {
			log_err("selftest: cpu %u is online without its redistributor", i);
			bad++;
			continue;
		}
		if (sgi_enabled(i)) {
			log_err("selftest: cpu %u has SGI %u enabled: it is the self-check's", i,
				SELFTEST_SGI);
			bad++;
			continue;
		}
		hal_gic_send_sgi(p->mpidr, SELFTEST_SGI);
		if (!sgi_reached_only(i)) {
			log_err("selftest: SGI to cpu %u (MPIDR 0x%llx) did not arrive there alone",
				i, (unsigned long long)p->mpidr);
			bad++;
		}
		for (unsigned j = 0; j < pcpu_count(); j++) {
			if (online(j))
				sgi_clear(j);
		}
	}
	check(bad == 0, "SGI reaches each other CPU, and only it");
}

unsigned selftest_gic(void)
{
	failures = 0;
	check_sgi_to_self();
	check_hyp_timer();
	check_spi();
	check_sgi_to_others();
	return failures;
}

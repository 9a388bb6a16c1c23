// SPDX-License-Identifier: MIT
/* Routing physical interrupts: acknowledged at EL2, then either handled here or handed to a
 * guest (see core/irq.h). */
#include <core/console_vm.h>
#include <core/cpu_msg.h>
#include <core/hvconsole.h>
#include <core/irq.h>
#include <core/log.h>
#include <core/ptimer.h>
#include <core/sched.h>
#include <core/spinlock.h>
#include <core/vgic.h>
#include <core/vm.h>
#include <core/vtimer.h>
#include <hal/console.h>
#include <hal/gic.h>
#include <hal/pmu.h>
#include <hal/time.h>

/* Hypervisor interrupts outrank everything a guest may be given. */
#define IRQ_PRIORITY_HYP 0x80

/* Written once by irq_init() on the boot pCPU before any other pCPU takes an interrupt. */
static struct irq_config cfg;
/* Console input. The UART's receive interrupt is routed to the boot pCPU (hal_gic_init()), but
 * irq_console_drained() runs on the pCPU of whichever vCPU emptied the device's FIFO:
 * console_lock serialises the UART reads and the hand-over to the focus VM's device, and
 * guards the three fields below (docs/locking.md: taken before the device's own lock). */
static struct spinlock console_lock = SPINLOCK_INIT;
static struct vm *console_focus;
/* Input goes to the hypervisor console (core/hvconsole.c) instead of a VM. */
static bool console_hv;
/* Console input read from the UART that the focus VM's device had no room for yet, oldest
 * first. While it is full the UART's receive interrupt is off (`console_paused`) and the rest
 * waits in the UART. Reading ahead of a VM that does not read its input lets a Ctrl-] through
 * all the same: what was held for that VM is dropped when the focus moves. */
static char console_held[IRQ_CONSOLE_HELD_MAX];
static unsigned console_held_head, console_held_count;
static bool console_paused;
static struct log_ratelimit unexpected_log;

void irq_init(const struct irq_config *config)
{
	cfg = *config;
	if (cfg.uart) {
		hal_gic_set_priority(cfg.uart, IRQ_PRIORITY_HYP);
		hal_gic_set_edge(cfg.uart, false);
		hal_gic_enable(cfg.uart, true);
	}
}

uint32_t irq_vtimer_intid(void)
{
	return cfg.vtimer;
}

void irq_cpu_init(void)
{
	const uint32_t ppis[] = {cfg.maintenance, cfg.vtimer, cfg.hyp_timer, cfg.ptimer, cfg.pmu};

	for (unsigned i = 0; i < sizeof(ppis) / sizeof(ppis[0]); i++) {
		if (!ppis[i])
			continue;
		hal_gic_set_priority(ppis[i], IRQ_PRIORITY_HYP);
		hal_gic_set_edge(ppis[i], false);
		hal_gic_enable(ppis[i], true);
	}
	hal_gic_set_priority(IRQ_KICK_SGI, IRQ_PRIORITY_HYP);
	hal_gic_enable(IRQ_KICK_SGI, true);
}

/* Input to `vm` (NULL: nobody) or to the hypervisor console (`hv`). console_lock held. */
static void focus_on(struct vm *vm, bool hv)
{
	console_focus = vm;
	console_hv = hv;
	/* What was typed for the old focus is not for the new one. */
	console_held_count = 0;
	console_paused = false;
	if (cfg.uart)
		hal_console_rx_irq(vm != NULL || hv);
}

/* The line that says who has the input now (docs/console.md). console_lock held. */
static void announce(void)
{
	if (console_hv) {
		log_info("hv: console input -> hypervisor console (Ctrl-] for next)");
		hvconsole_enter();
	} else if (console_focus) {
		log_info("hv: console input -> %s (Ctrl-] for next)", console_focus->name);
	}
}

void irq_set_console_focus(struct vm *vm)
{
	spin_lock(&console_lock);
	focus_on(vm, false);
	spin_unlock(&console_lock);
}

void irq_console_offer(struct vm *vm, bool take)
{
	spin_lock(&console_lock);
	if (take || (!console_focus && !console_hv)) {
		focus_on(vm, false);
		if (take && console_vm_tagging())
			announce();
	}
	spin_unlock(&console_lock);
}

void irq_console_announce(void)
{
	spin_lock(&console_lock);
	announce();
	spin_unlock(&console_lock);
}

bool irq_console_focus_is(const struct vm *vm)
{
	bool is;

	spin_lock(&console_lock);
	is = console_focus == vm;
	spin_unlock(&console_lock);
	return is;
}

void irq_console_forget(struct vm *vm)
{
	struct vm *next;

	spin_lock(&console_lock);
	if (console_focus == vm) {
		/* The next VM in the cycle, else the first; the hypervisor console if that is
		 * this one too. */
		next = console_vm_next(vm);
		if (!next)
			next = console_vm_next(NULL);
		focus_on(next != vm ? next : NULL, next == vm || !next);
		if (console_vm_tagging())
			announce();
	}
	spin_unlock(&console_lock);
}

/* Ctrl-]: the next VM, after the last the hypervisor console, then the first VM again.
 * console_lock held. */
static void focus_next(void)
{
	struct vm *next = console_vm_next(console_hv ? NULL : console_focus);

	if (!next && console_hv)
		return; /* no VM: the hypervisor console keeps it */
	focus_on(next, next == NULL);
	announce();
}

/* Hand held input to the focus VM's device while it takes it. console_lock held. */
static void deliver_held(void)
{
	struct vm *vm = console_focus;

	while (console_held_count) {
		if (!vm || !vm->console_rx) {
			console_held_count = 0; /* nobody listens: dropped, as on a bare UART */
			return;
		}
		if (!vm->console_rx(vm, console_held[console_held_head]))
			return;
		console_held_head = (console_held_head + 1) % IRQ_CONSOLE_HELD_MAX;
		console_held_count--;
	}
}

/* What the UART has: Ctrl-] moves the focus, the rest goes to the hypervisor console or, in
 * order, to the focus VM's device as far as it has room. console_lock held. */
static void console_input(void)
{
	int c;

	for (;;) {
		deliver_held();
		if (console_held_count == IRQ_CONSOLE_HELD_MAX) {
			/* Flow control: the rest waits in the UART until the guest reads. */
			console_paused = true;
			hal_console_rx_irq(false);
			return;
		}
		c = hal_console_getc();
		if (c < 0)
			return;
		if (c == CONSOLE_ESCAPE)
			focus_next();
		else if (console_hv)
			hvconsole_input((char)c);
		else
			console_held[(console_held_head + console_held_count++) %
				     IRQ_CONSOLE_HELD_MAX] = (char)c;
	}
}

void irq_console_drained(struct vm *vm)
{
	spin_lock(&console_lock);
	if (vm == console_focus && console_held_count) {
		if (console_paused) {
			console_paused = false;
			hal_console_rx_irq(true);
		}
		console_input();
	}
	spin_unlock(&console_lock);
}

void irq_handle_physical(struct vcpu *running)
{
	uint32_t intid;

	while ((intid = hal_gic_ack()) != HAL_GIC_SPURIOUS) {
		hal_gic_eoi(intid);
		/* First: every interrupt sent to a vCPU on another pCPU comes as this kick, to a
		 * pCPU idle for its parked vCPU or running it (docs/trap-path.md). */
		if (intid == IRQ_KICK_SGI) {
			cpu_msg_handle();
			hal_gic_deactivate(intid);
			continue;
		}
		if (intid == cfg.vtimer && running) {
			/* The guest's EOI deactivates it (HW=1): until then it cannot re-fire. The
			 * guest knows it by the number its own DTB gives (VGIC_PPI_VTIMER). */
			vtimer_fire(running, intid);
			continue;
		}
		if (intid == cfg.ptimer && cfg.ptimer) {
			/* The guest's emulated physical timer (core/ptimer.c): its output moves to
			 * the guest's line and the hardware is quieted before the deactivation. */
			if (running)
				ptimer_fire(running);
			else
				hal_guest_ptimer_cancel();
		} else if (intid == cfg.pmu && cfg.pmu) {
			/* The loaded vCPU's counters overflowed (core/vpmu.c). */
			if (running)
				vpmu_fire(running);
			else
				hal_pmu_write(HAL_PMINTENCLR, ~0ULL);
		} else if (intid == cfg.uart && cfg.uart) {
			spin_lock(&console_lock);
			console_input();
			spin_unlock(&console_lock);
		} else if (intid == cfg.hyp_timer)
			sched_timer_interrupt();
		else if (intid != cfg.maintenance && intid != cfg.hyp_timer &&
			 intid >= HAL_GIC_SGI_COUNT && intid != cfg.vtimer)
			log_ratelimited(&unexpected_log, LOG_WARN, "irq: unexpected INTID %u",
					(unsigned)intid);
		/* Maintenance: the condition is re-evaluated by the next vgic_fold/flush. The
		 * kick's work is in the state the sender changed: the exit alone makes the next
		 * entry take it into the list registers. */
		hal_gic_deactivate(intid);
	}
}

/* SPDX-License-Identifier: MIT */
#ifndef CORE_IRQ_H
#define CORE_IRQ_H

#include <stdbool.h>
#include <stdint.h>

struct vcpu;

/* Physical interrupts as the hypervisor sees them: after a guest exit of kind HAL_EXIT_IRQ or a
 * wake from WFI, irq_handle_physical() acknowledges everything pending on this pCPU and routes
 * each interrupt to its owner. */

struct irq_config {
	uint32_t maintenance; /* vGIC maintenance PPI (25) */
	uint32_t vtimer;      /* EL1 virtual timer PPI (host DTB): to the running vCPU, HW=1 */
	uint32_t hyp_timer;   /* EL2 physical timer PPI (26): the hypervisor's tick */
	uint32_t ptimer;      /* EL1 physical timer PPI (30): lent to the loaded vCPU */
	uint32_t pmu;	      /* PMU overflow PPI (23): the loaded vCPU's (core/vpmu.c) */
	uint32_t uart;	      /* the console UART's SPI, 0 if none */
};

/* The SGI one pCPU sends another when it left messages in its mailbox (core/cpu_msg.h). */
#define IRQ_KICK_SGI 1

void irq_init(const struct irq_config *cfg);

/* The physical INTID of the EL1 virtual timer (the host DTB's), 0 before irq_init(). Guests
 * see it as VGIC_PPI_VTIMER whatever this is. */
uint32_t irq_vtimer_intid(void);

/* Enable this pCPU's private interrupts (maintenance, virtual and physical timers, hypervisor
 * timer, the kick SGI). */
void irq_cpu_init(void);

/* Handle every pending physical interrupt; `running` is the vCPU loaded on this pCPU (NULL if
 * none): the virtual timer goes to it. */
void irq_handle_physical(struct vcpu *running);

/* The VM that receives console input (its console_rx hook), NULL for none. */
struct vm;
void irq_set_console_focus(struct vm *vm);

/* Console input focus as VMs come and go (core/console_vm.c calls these; docs/console.md).
 * Ctrl-] (CONSOLE_ESCAPE) in the input moves the focus to the next VM on the console, after
 * the last one to the hypervisor console (core/hvconsole.h), then round again. */
#define CONSOLE_ESCAPE 0x1d
/* Bytes of input read ahead of a focus VM whose device is full, before the rest is left in the
 * UART: a Ctrl-] typed within them still moves the focus (what they held for the VM is
 * dropped then). */
#define IRQ_CONSOLE_HELD_MAX 64
/* `vm` came: it gets the focus if `take`, or if nobody has it. */
void irq_console_offer(struct vm *vm, bool take);
/* `vm` goes: if it has the focus, the next VM (or the hypervisor console) gets it. After
 * this returns no input reaches `vm`. */
void irq_console_forget(struct vm *vm);

/* Whether typed input goes to `vm` now. */
bool irq_console_focus_is(const struct vm *vm);
/* Print the line that says who has the input. */
void irq_console_announce(void);

/* The device of `vm` that takes console input has room again (the guest read from it): input
 * held back while it was full flows again. Call without the device's own lock held. */
void irq_console_drained(struct vm *vm);

#endif

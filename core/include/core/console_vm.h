/* SPDX-License-Identifier: MIT */
#ifndef CORE_CONSOLE_VM_H
#define CORE_CONSOLE_VM_H

#include <stdbool.h>
#include <stddef.h>

struct vm;

/* Guest output on the one console when several VMs share it (docs/console.md). While only one
 * VM has been added, its bytes go to the console ring as they come, as they always did.
 * Once a second VM exists, each VM's output collects in a line buffer of its own and reaches
 * the ring a whole line at a time, with "[name] " in front of each line, so lines of
 * different VMs never mix. A line without its end yet (a shell prompt) goes out when the
 * buffer fills, when one of the VM's vCPUs waits for an interrupt (WFI: the guest waits for
 * input), or CONSOLE_VM_FLUSH_US after its first byte, whichever comes first.
 *
 * Output is never dropped: a VM whose line cannot reach a full ring keeps it, and its device
 * reports "transmit FIFO full" (console_vm_full()) until there is room, as a UART would. */

#define CONSOLE_VM_LINE_MAX 4096  /* bytes a VM's line buffer holds: one HV_CALL_PUTS */
#define CONSOLE_VM_FLUSH_US 20000 /* how long an open line waits for its end */

/* `vm` joins the console (the boot sequence or the VM manager, before it runs) and the cycle
 * of VMs that Ctrl-] moves the input focus through, at its end. `focus`: it gets the input
 * focus (struct vm_config.console, the configuration's first VM unless another says
 * `console;`); otherwise it gets it only if nobody has it. */
void console_vm_added(struct vm *vm, bool focus);

/* `vm` leaves the console before its slot is freed: input focus moves on if it had it, what
 * its line buffer holds goes out (waiting for the UART if need be). Not in IRQ context. */
void console_vm_removed(struct vm *vm);

/* Guest output of `vm`: all `len` bytes or none (false: no room now, try again). */
bool console_vm_put(struct vm *vm, const char *s, size_t len);

/* Whether `vm` cannot hand over another byte now (its device's TXFF). */
bool console_vm_full(struct vm *vm);

/* A vCPU of `vm` waits for an interrupt: its open line goes out now. */
void console_vm_waiting(struct vm *vm);

/* A configuration of several VMs (the VM manager, before it adds the first): tag every line from
 * the start, and keep tagging while VMs stop and start again, even if for a moment none runs. */
void console_vm_tag_always(bool on);

/* Whether lines are tagged: a second VM has been added since the console last had none (a VM
 * that stops and starts again keeps its tag). */
bool console_vm_tagging(void);

/* The console cycle (Ctrl-]): the next VM after `after` in the order they were added;
 * `after` NULL (or gone): the first. NULL past the last. */
struct vm *console_vm_next(const struct vm *after);

/* Call `fn` for each VM on the console, in the order they were added, with the console's
 * registry lock held: `fn` must not take console locks or wait for the UART. */
void console_vm_each(void (*fn)(void *ctx, struct vm *vm), void *ctx);

#endif

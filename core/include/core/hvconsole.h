/* SPDX-License-Identifier: MIT */
#ifndef CORE_HVCONSOLE_H
#define CORE_HVCONSOLE_H

#include <core/vm_ctl.h>

struct vm;
struct vmconfig;

/* The hypervisor console (docs/console.md): the last stop of the Ctrl-] cycle, an `hv> `
 * prompt that lists the VMs, shows their exit counts and scheduler times (a kvm_stat-like
 * table) and resets, stops and starts them by name. It runs where console input is handled
 * (core/irq.c, with its console lock held, in interrupt context on the boot pCPU): each byte
 * does a bounded amount of work and nothing waits but for the UART to take the answer. */

#define HVCONSOLE_LINE_MAX 64 /* characters of a command line */

/* Who carries out lifecycle requests: vm_ctl_find() and vm_ctl_request() on the machine (tests
 * give their own). */
struct hvconsole_ctl {
	int (*find)(const char *name);
	int (*request)(unsigned index, enum vm_ctl_request req);
};

/* What the console describes: the configuration (names, vCPUs, placement, weight of every VM,
 * running or not; NULL: just the VMs on the console) and who takes requests (NULL: none, the
 * commands that need it say so). Both must outlive the console. */
void hvconsole_init(const struct vmconfig *cfg, const struct hvconsole_ctl *ctl);

/* The console gets the input: a fresh prompt. */
void hvconsole_enter(void);

/* One byte of input: printable characters are echoed and collected, backspace (DEL or BS)
 * takes one back, Ctrl-C drops the line, CR or LF runs it. */
void hvconsole_input(char c);

/* Run one command line (as typed, without its line end). */
void hvconsole_run(const char *line);

/* The report of a VM that stopped: the "NAME: stopped with status N after E exits (...)" line,
 * how much RAM it populated, and its table of exits and times (hvconsole_stats()). */
void hvconsole_vm_stopped(const struct vm *vm);

/* The kvm_stat-like table of `vm`: per vCPU and in total, exits by reason, time running and
 * runnable-but-waiting (microseconds). */
void hvconsole_stats(const struct vm *vm);

#endif

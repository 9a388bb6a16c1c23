/* SPDX-License-Identifier: MIT */
#ifndef HAL_CONSOLE_H
#define HAL_CONSOLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Physical console (PL011 on QEMU virt). Output before hal_console_init() goes to the board's
 * default early console. Callers serialise concurrent writers (core/log.c holds a lock). */
void hal_console_init(uint64_t base_pa);
/* Writes the bytes exactly as given (no line-end translation: core/log.c ends its own lines
 * with "\r\n", guests' output is passed on as the guest wrote it). */
void hal_console_write(const char *s, size_t len);

/* Input, never blocking: the next received byte (0..255), or -1 when none is waiting. One
 * reader at a time (the pCPU that takes the UART interrupt). */
int hal_console_getc(void);

/* Raise the UART's interrupt (the host DTB's UART INTID) when input arrives, or stop doing
 * so. Once raised, it stays asserted until hal_console_getc() has drained the input, that
 * is, has returned -1. */
void hal_console_rx_irq(bool enable);

#endif

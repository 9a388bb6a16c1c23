/* SPDX-License-Identifier: MIT */
#ifndef HAL_CONSOLE_H
#define HAL_CONSOLE_H

#include <stddef.h>
#include <stdint.h>

/* Physical console (PL011 on QEMU virt). Output before hal_console_init() goes to the board's
 * default early console. Callers serialise concurrent writers (core/log.c holds a lock). */
void hal_console_init(uint64_t base_pa);
void hal_console_write(const char *s, size_t len);

#endif

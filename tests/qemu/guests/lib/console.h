/* SPDX-License-Identifier: MIT */
#ifndef GUEST_CONSOLE_H
#define GUEST_CONSOLE_H

/* Console output through the PL011 data register (the vPL011 under the hypervisor). */

/* One character; '\n' goes out as "\r\n". */
void console_putc(char c);

/* A NUL-terminated string, no newline added. */
void console_write(const char *s);

#endif

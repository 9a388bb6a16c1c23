// SPDX-License-Identifier: MIT
/* PL011 transmit by polling: no initialisation, the loader (or the vPL011) left it usable. */
#include "console.h"

#include <stdint.h>

#include "pl011.h"

static void put_raw(char c)
{
	while (uart_read(UART_FR) & UART_FR_TXFF)
		;
	uart_write(UART_DR, (uint8_t)c);
}

void console_putc(char c)
{
	if (c == '\n')
		put_raw('\r');
	put_raw(c);
}

void console_write(const char *s)
{
	while (*s)
		console_putc(*s++);
}

// SPDX-License-Identifier: MIT
/* PL011 transmit by polling: no initialisation, the loader (or the vPL011) left it usable. */
#include "console.h"

#include <stdint.h>

#include "board.h"

#define UART_DR	     0x000
#define UART_FR	     0x018
#define UART_FR_TXFF (1U << 5) /* transmit FIFO full */

static inline uint32_t uart_read(uint64_t off)
{
	return *(volatile uint32_t *)(GUEST_UART_BASE + off);
}

static inline void uart_write(uint64_t off, uint32_t val)
{
	*(volatile uint32_t *)(GUEST_UART_BASE + off) = val;
}

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

// SPDX-License-Identifier: MIT
/* Polled PL011 output for the hypervisor's own console (PrimeCell UART, DDI 0183). */
#include <stdint.h>

#include <hal/console.h>
#include <hal/mem.h>

#define UARTDR	    0x000
#define UARTFR	    0x018
#define UARTFR_TXFF (1u << 5)

/* QEMU virt's first UART: usable before the DTB is read, as every virt firmware assumes. */
#define EARLY_UART_BASE 0x09000000ULL

static volatile uint32_t *uart = (volatile uint32_t *)EARLY_UART_BASE;

void hal_console_init(uint64_t base_pa)
{
	if (base_pa)
		uart = hal_phys_to_ptr(base_pa);
}

static void put_char(char c)
{
	while (uart[UARTFR / 4] & UARTFR_TXFF)
		;
	uart[UARTDR / 4] = (uint8_t)c;
}

void hal_console_write(const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		/* Terminals in raw mode (QEMU -nographic) need the carriage return. */
		if (s[i] == '\n')
			put_char('\r');
		put_char(s[i]);
	}
}

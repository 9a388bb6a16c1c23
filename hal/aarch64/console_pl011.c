// SPDX-License-Identifier: MIT
/* The hypervisor's own console on a PL011 (PrimeCell UART, DDI 0183): polled output, and
 * input either polled or signalled by the receive interrupts. */
#include <stdint.h>

#include <hal/console.h>
#include <hal/mem.h>

#define UARTDR	    0x000
#define UARTDR_DATA 0xffu /* bits 11:8 are the byte's error flags */
#define UARTFR	    0x018
#define UARTFR_RXFE (1u << 4)
#define UARTFR_TXFF (1u << 5)
#define UARTIMSC    0x038
#define UARTICR	    0x044
/* Bit positions shared by UARTIMSC, UARTRIS, UARTMIS and UARTICR. */
#define UART_INT_RX (1u << 4) /* receive FIFO at its trigger level */
#define UART_INT_RT (1u << 6) /* receive timeout: data waiting below the trigger level */

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
	/* Byte for byte: whoever writes a line end chooses it (core/log.c writes "\r\n"; a
	 * guest's console output is passed on exactly as the guest wrote it). */
	for (size_t i = 0; i < len; i++)
		put_char(s[i]);
}

int hal_console_getc(void)
{
	if (uart[UARTFR / 4] & UARTFR_RXFE) {
		/* Drained: clear the receive interrupts, then look once more, so a byte that
		 * arrived in between is returned now instead of waiting with no interrupt. */
		uart[UARTICR / 4] = UART_INT_RX | UART_INT_RT;
		if (uart[UARTFR / 4] & UARTFR_RXFE)
			return -1;
	}
	return (int)(uart[UARTDR / 4] & UARTDR_DATA);
}

void hal_console_rx_irq(bool enable)
{
	uint32_t imsc = uart[UARTIMSC / 4];

	if (enable)
		imsc |= UART_INT_RX | UART_INT_RT;
	else
		imsc &= ~(UART_INT_RX | UART_INT_RT);
	uart[UARTIMSC / 4] = imsc;
}

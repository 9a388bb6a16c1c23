// SPDX-License-Identifier: MIT
/* Console input through interrupts: with the PL011 RX and RX-timeout interrupts enabled
 * (UARTIMSC RXIM | RTIM), characters typed on the console arrive as INTID 33 and are read
 * from UARTDR until UARTFR.RXFE. The runner types "hello\n" once it sees "uart_rx: ready". */
#include "board.h"
#include "check.h"
#include "gic.h"
#include "irq.h"
#include "pl011.h"
#include "printf.h"
#include "wait.h"

const char guest_name[] = "uart_rx";

#define LINE_MAX	 32
#define INPUT_TIMEOUT_US 20000000 /* the runner types at once; a person may take a while */
#define EXPECTED	 "hello"

static volatile char line[LINE_MAX];
static volatile unsigned int len, rx_irqs, rx_chars;
static volatile bool line_done;

static void rx_handler(uint32_t intid)
{
	rx_irqs++;
	while (!(uart_read(UART_FR) & UART_FR_RXFE)) {
		char c = (char)(uart_read(UART_DR) & 0xff);

		rx_chars++;
		if (c == '\n' || c == '\r')
			line_done |= len > 0;
		else if (!line_done && len < LINE_MAX - 1)
			line[len++] = c;
	}
	uart_write(UART_ICR, UART_INT_RX | UART_INT_RT);
}

static bool line_is(const char *want)
{
	unsigned int i;

	for (i = 0; want[i]; i++)
		if (i >= len || line[i] != want[i])
			return false;
	return i == len;
}

int main(void)
{
	check(irq_init(), "uart_rx: GIC up (GICR_WAKER and RWP handshakes done)");

	/* Whatever was typed before is not part of the test. */
	while (!(uart_read(UART_FR) & UART_FR_RXFE))
		(void)uart_read(UART_DR);
	uart_write(UART_ICR, UART_INT_RX | UART_INT_RT);
	irq_register(GUEST_UART_INTID, rx_handler);
	gic_irq_setup(GUEST_UART_INTID, 0x80, false);
	uart_write(UART_IMSC, uart_read(UART_IMSC) | UART_INT_RX | UART_INT_RT);
	check_eq(uart_read(UART_IMSC) & (UART_INT_RX | UART_INT_RT), UART_INT_RX | UART_INT_RT,
		 "uart_rx: UARTIMSC has RXIM and RTIM set");

	printf("uart_rx: ready\n");
	bool arrived = wait_for(line_done, INPUT_TIMEOUT_US);

	irq_disable();
	line[len] = 0;
	printf("uart_rx: got '%s'\n", (const char *)line);
	check(arrived, "uart_rx: a line arrived within %u s", INPUT_TIMEOUT_US / 1000000);
	check(line_is(EXPECTED), "uart_rx: it reads '%s'", EXPECTED);
	check(rx_chars == sizeof(EXPECTED) && rx_irqs >= 1,
	      "uart_rx: all %u characters were read in the INTID %u handler (%u interrupts)",
	      rx_chars, GUEST_UART_INTID, rx_irqs);
	check(uart_read(UART_FR) & UART_FR_RXFE && !(uart_read(UART_RIS) & UART_INT_RX) &&
		  !gic_is_pending(GUEST_UART_INTID),
	      "uart_rx: drained: UARTFR.RXFE set, RIS.RX clear, INTID %u not pending",
	      GUEST_UART_INTID);

	uart_write(UART_IMSC, uart_read(UART_IMSC) & ~(UART_INT_RX | UART_INT_RT));
	irq_check_clean();
	return 0;
}

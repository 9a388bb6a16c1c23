/* SPDX-License-Identifier: MIT */
#ifndef GUEST_PL011_H
#define GUEST_PL011_H

/* PL011 registers and fields (Arm PrimeCell UART PL011 TRM, 3.2) used by the guests that
 * take its interrupts. */

#include <stdint.h>

#include "board.h"

#define UART_DR	  0x000
#define UART_FR	  0x018
#define UART_IMSC 0x038 /* interrupt mask set/clear: 1 = enabled */
#define UART_RIS  0x03c /* raw interrupt status */
#define UART_MIS  0x040 /* masked interrupt status: RIS & IMSC */
#define UART_ICR  0x044 /* interrupt clear, write 1 to clear */

#define UART_FR_RXFE (1U << 4)
#define UART_FR_TXFF (1U << 5)

/* Interrupt bits, the same in IMSC, RIS, MIS and ICR. */
#define UART_INT_RX (1U << 4) /* receive */
#define UART_INT_TX (1U << 5) /* transmit */
#define UART_INT_RT (1U << 6) /* receive timeout */

static inline uint32_t uart_read(uint32_t off)
{
	return *(volatile uint32_t *)(GUEST_UART_BASE + off);
}

static inline void uart_write(uint32_t off, uint32_t val)
{
	*(volatile uint32_t *)(GUEST_UART_BASE + off) = val;
}

#endif

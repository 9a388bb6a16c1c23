// SPDX-License-Identifier: MIT
/* Tests of vdev/vpl011.c against the register map of docs/guest-abi.md: reset values, ID
 * registers, widths (masks), byte lanes, 8-byte accesses over two registers, reserved
 * offsets, transmit to the console, one device per VM; and a model-based random test of
 * accesses of every size against a small reference of the byte lanes. The device is driven
 * through its MMIO bus entry, as trap_abort.c drives it. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <core/console.h>
#include <core/err.h>
#include <core/irq.h>
#include <core/lib.h>
#include <hal-sim/sim_hal.h>
#include <sim/sim.h>
#include <vdev/vpl011.h>

#include "fixture.h"
#include "rng.h"

#define DR	  0x000
#define RSR	  0x004
#define FR	  0x018
#define ILPR	  0x020
#define IBRD	  0x024
#define FBRD	  0x028
#define LCR_H	  0x02c
#define CR	  0x030
#define IFLS	  0x034
#define IMSC	  0x038
#define RIS	  0x03c
#define MIS	  0x040
#define ICR	  0x044
#define DMACR	  0x048
#define PERIPHID0 0xfe0
#define PCELLID0  0xff0
#define FR_TXFF	  (1u << 5)
#define FR_TXFE	  (1u << 7)

#define RAND_ITERS 50000

static struct sim_machine m;
static struct mmio_device *uart;

static int setup(void **state)
{
	sim_hal_reset();
	assert_int_equal(sim_machine_init(&m, NULL), HV_OK);
	uart = vm_find_mmio(m.vm, VM_PL011_BASE);
	assert_non_null(uart);
	return 0;
}

static int teardown(void **state)
{
	sim_machine_destroy(&m);
	return 0;
}

static uint64_t rd(uint64_t off, unsigned size)
{
	uint64_t val = 0xbadbadbadbadULL;

	assert_int_equal(uart->ops->read(uart, NULL, off, size, &val), HV_OK);
	return val;
}

static void wr(uint64_t off, unsigned size, uint64_t val)
{
	assert_int_equal(uart->ops->write(uart, NULL, off, size, val), HV_OK);
	console_settle();
}

static void test_vpl011_sits_on_the_bus_at_the_board_address(void **state)
{
	assert_int_equal(uart->base, 0x09000000);
	assert_int_equal(uart->size, 0x1000);
	assert_string_equal(uart->name, "pl011");
	assert_ptr_equal(vm_find_mmio(m.vm, 0x09000fff), uart);
	assert_null(vm_find_mmio(m.vm, 0x09001000));
}

static void test_vpl011_registers_have_their_reset_values(void **state)
{
	static const struct {
		uint64_t off;
		uint32_t val;
	} regs[] = {
	    {DR, 0},	 {RSR, 0},     {FR, 0x90}, {IBRD, 0}, {FBRD, 0}, {LCR_H, 0},
	    {CR, 0x300}, {IFLS, 0x12}, {IMSC, 0},  {RIS, 0},  {MIS, 0},	 {ICR, 0},
	};

	for (unsigned i = 0; i < ARRAY_SIZE(regs); i++)
		assert_int_equal(rd(regs[i].off, 4), regs[i].val);
}

static void test_vpl011_id_registers_identify_an_r1p5_pl011(void **state)
{
	static const uint8_t ids[8] = {0x11, 0x10, 0x14, 0x00, 0x0d, 0xf0, 0x05, 0xb1};

	for (unsigned i = 0; i < 8; i++) {
		assert_int_equal(rd(PERIPHID0 + 4 * i, 4), ids[i]);
		assert_int_equal(rd(PERIPHID0 + 4 * i, 1), ids[i]);
		assert_int_equal(rd(PERIPHID0 + 4 * i + 1, 1), 0);
	}
}

static void test_vpl011_read_only_registers_ignore_writes(void **state)
{
	static const uint64_t ro[] = {FR, RIS, MIS, PERIPHID0, PERIPHID0 + 8, PCELLID0 + 12};

	for (unsigned i = 0; i < ARRAY_SIZE(ro); i++) {
		uint64_t before = rd(ro[i], 4);

		wr(ro[i], 4, 0xffffffff);
		assert_int_equal(rd(ro[i], 4), before);
	}
}

static void test_vpl011_bits_beyond_a_registers_width_read_zero(void **state)
{
	static const struct {
		uint64_t off;
		uint32_t mask;
	} regs[] = {
	    {IBRD, 0xffff}, {FBRD, 0x3f}, {LCR_H, 0xff}, {CR, 0xffff}, {IFLS, 0x3f}, {IMSC, 0x7ff},
	};

	for (unsigned i = 0; i < ARRAY_SIZE(regs); i++) {
		wr(regs[i].off, 4, 0xffffffff);
		assert_int_equal(rd(regs[i].off, 4), regs[i].mask);
		wr(regs[i].off, 4, 0);
		assert_int_equal(rd(regs[i].off, 4), 0);
	}
}

static void test_vpl011_byte_and_halfword_accesses_use_their_lanes(void **state)
{
	wr(CR + 1, 1, 0xab); /* lane 1 only: lane 0 keeps 0x00 */
	assert_int_equal(rd(CR, 4), 0xab00);
	wr(CR, 1, 0x01);
	assert_int_equal(rd(CR, 4), 0xab01);
	assert_int_equal(rd(CR + 1, 1), 0xab);
	assert_int_equal(rd(CR, 2), 0xab01);
	assert_int_equal(rd(CR + 2, 2), 0); /* above 16 bits */
	wr(CR + 2, 2, 0xffff);
	assert_int_equal(rd(CR, 4), 0xab01);
	/* Only the bytes of the access are written, whatever the value holds. */
	wr(IMSC + 1, 1, 0xffffffffffffffffULL);
	assert_int_equal(rd(IMSC, 4), 0x700);
	assert_int_equal(rd(FR, 2), 0x90);
	assert_int_equal(rd(FR + 1, 1), 0);
}

static void test_vpl011_doubleword_covers_two_registers_low_word_first(void **state)
{
	assert_int_equal(rd(PERIPHID0, 8), 0x0000001000000011ULL);
	assert_int_equal(rd(PCELLID0 + 8, 8), 0x000000b100000005ULL);
	assert_int_equal(rd(CR, 8), 0x0000001200000300ULL); /* CR, IFLS */
	wr(FBRD, 8, 0xffffff45ffffff3cULL);
	assert_int_equal(rd(FBRD, 4), 0x3c);
	assert_int_equal(rd(LCR_H, 4), 0x45);
	assert_int_equal(rd(FR, 8), 0x90); /* FR, then reserved 0x01c */
	wr(IBRD, 4, 0xbeef);
	assert_int_equal(rd(ILPR, 8), 0x0000beef00000000ULL); /* ILPR (reserved), IBRD */
}

static void test_vpl011_dr_write_transmits_its_low_byte(void **state)
{
	wr(DR, 1, 'a');
	wr(DR, 2, 0x7f00 | 'b');
	wr(DR, 4, 0x12345600 | 'c');
	wr(DR, 8, 0xffffffff00000000ULL | 'd'); /* DR and RSR */
	assert_string_equal(sim_hal.console, "abcd");
	/* Lanes above the data byte transmit nothing. */
	wr(DR + 1, 1, 'x');
	wr(DR + 2, 2, 'y');
	assert_string_equal(sim_hal.console, "abcd");
	assert_int_equal(rd(DR, 4), 0); /* nothing received */
}

/* The transmit FIFO is the console ring: TXFF while it is full, and a byte written then is
 * lost, as on a PL011. */
static void test_vpl011_tx_fifo_full_while_the_console_ring_is(void **state)
{
	static char fill[CONSOLE_RING_SIZE];

	memset(fill, '.', sizeof(fill));
	assert_int_equal(rd(FR, 4) & (FR_TXFF | FR_TXFE), FR_TXFE);
	assert_true(console_put(fill, sizeof(fill)));
	assert_int_equal(rd(FR, 4) & (FR_TXFF | FR_TXFE), FR_TXFF);
	assert_int_equal(uart->ops->write(uart, NULL, DR, 4, 'L'), HV_OK);
	console_settle();
	assert_int_equal(rd(FR, 4) & (FR_TXFF | FR_TXFE), FR_TXFE);
	assert_int_equal(sim_hal.console_len, sizeof(fill));
	assert_null(strchr(sim_hal.console, 'L'));
}

static void test_vpl011_reserved_offsets_read_zero_and_ignore_writes(void **state)
{
	/* ILPR and DMACR too: this PL011 has neither IrDA nor DMA. */
	static const uint64_t reserved[] = {0x008, 0x00c, 0x010, 0x014, 0x01c, ILPR,
					    DMACR, 0x04c, 0x100, 0x800, 0xfc0, 0xfdc};

	for (unsigned i = 0; i < ARRAY_SIZE(reserved); i++) {
		wr(reserved[i], 4, 0xffffffff);
		assert_int_equal(rd(reserved[i], 4), 0);
	}
	wr(ICR, 4, 0x7ff);
	assert_int_equal(rd(RIS, 4), 0);
	assert_int_equal(sim_hal.console_len, 0);
}

static void test_vpl011_second_attach_to_a_vm_is_refused(void **state)
{
	assert_int_equal(vpl011_attach(m.vm, VM_PL011_BASE), HV_EBUSY);
	assert_int_equal(m.vm->mmio_count, 1);
}

/* A refused attach must not change the device that is already there. */
static void test_vpl011_refused_attach_leaves_the_live_device_alone(void **state)
{
	wr(IBRD, 4, 0x1234);
	assert_int_equal(vpl011_attach(m.vm, VM_PL011_BASE), HV_EBUSY);
	assert_int_equal(rd(IBRD, 4), 0x1234);
}

static void test_vpl011_each_vm_has_its_own_registers(void **state)
{
	struct sim_machine other;
	struct mmio_device *u2;
	uint64_t val = 1;

	assert_int_equal(sim_machine_init(&other, NULL), HV_OK);
	u2 = vm_find_mmio(other.vm, VM_PL011_BASE);
	assert_ptr_not_equal(u2, uart);
	wr(IBRD, 4, 0x1234);
	assert_int_equal(u2->ops->read(u2, NULL, IBRD, 4, &val), HV_OK);
	assert_int_equal(val, 0);
	assert_int_equal(rd(IBRD, 4), 0x1234);
	sim_machine_destroy(&other);
}

/* --- model-based random test --- */

/* A reference written from docs/guest-abi.md: 32-bit registers, each with the bits it has and
 * whether it can be written; an access covers byte lanes of one register, or two registers
 * for 8 bytes; every offset not listed reads 0 and ignores writes. */
struct ref_reg {
	uint32_t off, mask, reset;
	bool rw;
};

static const struct ref_reg ref_map[] = {
    {FR, 0, 0x90, false},    {IBRD, 0xffff, 0, true},	{FBRD, 0x3f, 0, true},
    {LCR_H, 0xff, 0, true},  {CR, 0xffff, 0x300, true}, {IFLS, 0x3f, 0x12, true},
    {IMSC, 0x7ff, 0, true},  {0xfe0, 0, 0x11, false},	{0xfe4, 0, 0x10, false},
    {0xfe8, 0, 0x14, false}, {0xfec, 0, 0x00, false},	{0xff0, 0, 0x0d, false},
    {0xff4, 0, 0xf0, false}, {0xff8, 0, 0x05, false},	{0xffc, 0, 0xb1, false},
};

static uint32_t ref_val[ARRAY_SIZE(ref_map)];
static char ref_console[SIM_CONSOLE_SIZE];
static size_t ref_console_len;

static int ref_find(uint64_t off)
{
	for (unsigned i = 0; i < ARRAY_SIZE(ref_map); i++) {
		if (ref_map[i].off == off)
			return (int)i;
	}
	return -1;
}

/* The TX interrupt: raised by each transmitted character, cleared through ICR. */
static uint32_t ref_tx_ris;

static uint32_t ref_read32(uint64_t off)
{
	int i = ref_find(off);

	if (off == RIS)
		return ref_tx_ris;
	if (off == MIS)
		return ref_tx_ris & ref_read32(IMSC);
	return i < 0 ? 0 : ref_val[i];
}

static void ref_write32(uint64_t off, uint32_t val, uint32_t lanes)
{
	int i = ref_find(off);

	if (off == DR && (lanes & 0xff)) {
		ref_console[ref_console_len++] = (char)val;
		ref_tx_ris = 0x20;
	}
	if (off == ICR)
		ref_tx_ris &= ~(val & lanes);
	if (i >= 0 && ref_map[i].rw)
		ref_val[i] = ((ref_val[i] & ~lanes) | (val & lanes)) & ref_map[i].mask;
}

static uint64_t ref_read(uint64_t off, unsigned size)
{
	unsigned shift = (off & 3) * 8;

	if (size == 8)
		return ref_read32(off) | (uint64_t)ref_read32(off + 4) << 32;
	return (ref_read32(off & ~3ULL) >> shift) & (uint32_t)((1ULL << (8 * size)) - 1);
}

static void ref_write(uint64_t off, unsigned size, uint64_t val)
{
	unsigned shift = (off & 3) * 8;

	if (size == 8) {
		ref_write32(off, (uint32_t)val, 0xffffffff);
		ref_write32(off + 4, (uint32_t)(val >> 32), 0xffffffff);
		return;
	}
	ref_write32(off & ~3ULL, (uint32_t)(val << shift),
		    (uint32_t)(((1ULL << (8 * size)) - 1) << shift));
}

static void test_vpl011_random_accesses_match_a_byte_lane_model(void **state)
{
	uint64_t seed = rng_seed(__func__, 1011);

	for (unsigned i = 0; i < ARRAY_SIZE(ref_map); i++)
		ref_val[i] = ref_map[i].reset;
	ref_console_len = 0;
	ref_tx_ris = 0;
	for (unsigned it = 0; it < RAND_ITERS; it++) {
		unsigned size = 1u << rng_below(&seed, 4);
		uint64_t off, val = rng_next(&seed);

		/* Mostly the registers that exist, sometimes anywhere in the 4 KiB. */
		switch (rng_below(&seed, 4)) {
		case 0:
			off = rng_below(&seed, 0x1000);
			break;
		case 1:
			off = 0xfe0 + rng_below(&seed, 0x20);
			break;
		default:
			off = rng_below(&seed, 0x50);
			break;
		}
		off &= ~(uint64_t)(size - 1); /* the bus only passes aligned accesses */
		if (rng_below(&seed, 2)) {
			wr(off, size, val);
			ref_write(off, size, val);
		} else {
			uint64_t got = rd(off, size);

			if (got != ref_read(off, size))
				fail_msg("iteration %u: read of %u bytes at 0x%03llx gave 0x%llx, "
					 "model 0x%llx",
					 it, size, (unsigned long long)off, (unsigned long long)got,
					 (unsigned long long)ref_read(off, size));
		}
		if (ref_console_len > SIM_CONSOLE_SIZE / 2) { /* keep clear of the wrap */
			assert_int_equal(sim_hal.console_len, ref_console_len);
			assert_memory_equal(sim_hal.console, ref_console, ref_console_len);
			sim_console_clear();
			ref_console_len = 0;
		}
	}
	assert_int_equal(sim_hal.console_len, ref_console_len);
	assert_memory_equal(sim_hal.console, ref_console, ref_console_len);
	for (unsigned i = 0; i < ARRAY_SIZE(ref_map); i++)
		assert_int_equal(rd(ref_map[i].off, 4), ref_val[i]);
}

/* --- receive path and interrupts --- */

static bool uart_line(void)
{
	return m.vm->vgic.spis[VM_PL011_INTID - 32].line;
}

static void test_vpl011_console_input_fills_the_fifo_in_order(void **state)
{
	assert_int_equal(rd(FR, 4) & 0x10, 0x10); /* RXFE */
	m.vm->console_rx(m.vm, 'h');
	m.vm->console_rx(m.vm, 'i');
	assert_int_equal(rd(FR, 4) & 0x10, 0);
	assert_int_equal(rd(DR, 4), 'h');
	assert_int_equal(rd(DR, 4), 'i');
	assert_int_equal(rd(FR, 4) & 0x10, 0x10);
	assert_int_equal(rd(DR, 4), 0);
}

static void test_vpl011_full_fifo_refuses_input_and_says_so(void **state)
{
	for (int i = 0; i < 40; i++)
		assert_int_equal(m.vm->console_rx(m.vm, (char)('a' + i % 26)), i < 32);
	assert_int_equal(rd(FR, 4) & 0x40, 0x40); /* RXFF */
	for (int i = 0; i < 32; i++)
		assert_int_equal(rd(DR, 4), 'a' + i % 26);
	assert_int_equal(rd(FR, 4) & 0x50, 0x10);
}

/* The whole path from the physical UART: more input than the FIFO and the hypervisor's
 * read-ahead hold waits in the UART (its receive interrupt off) and flows in as the guest
 * reads; nothing is lost. */
static void test_vpl011_console_input_beyond_the_fifo_is_held_back_not_lost(void **state)
{
	static const struct irq_config cfg = {.uart = 33};
	enum { N = 32 + IRQ_CONSOLE_HELD_MAX + 8 };
	char line[N + 1];

	vgic_init(m.vm, 64);
	irq_init(&cfg);
	irq_set_console_focus(m.vm);
	assert_true(sim_hal.console_rx.irq_enabled);
	for (int i = 0; i < N; i++)
		line[i] = (char)('A' + i % 26);
	line[N] = '\0';
	sim_console_feed(line);
	sim_gic_raise(33);
	irq_handle_physical(NULL);
	assert_int_equal(rd(FR, 4) & 0x40, 0x40);     /* full */
	assert_false(sim_hal.console_rx.irq_enabled); /* the rest waits in the UART */
	for (int i = 0; i < N; i++)
		assert_int_equal(rd(DR, 4), line[i]);
	assert_int_equal(rd(FR, 4) & 0x10, 0x10); /* all read, in order */
	assert_true(sim_hal.console_rx.irq_enabled);
	irq_set_console_focus(NULL);
}

static void test_vpl011_rx_interrupt_follows_fifo_and_mask(void **state)
{
	vgic_init(m.vm, 64);
	m.vm->console_rx(m.vm, 'x');
	assert_int_equal(rd(RIS, 4), 0x50); /* RX + RT */
	assert_int_equal(rd(MIS, 4), 0);
	assert_false(uart_line());
	wr(IMSC, 4, 0x50);
	assert_int_equal(rd(MIS, 4), 0x50);
	assert_true(uart_line());
	wr(ICR, 4, 0x7ff); /* RX clears by reading the FIFO, not by ICR */
	assert_true(uart_line());
	assert_int_equal(rd(DR, 4), 'x');
	assert_false(uart_line());
}

static void test_vpl011_tx_interrupt_is_raised_by_writes_and_cleared_by_icr(void **state)
{
	vgic_init(m.vm, 64);
	wr(IMSC, 4, 0x20);
	assert_false(uart_line());
	wr(DR, 4, 'z');
	assert_int_equal(rd(RIS, 4), 0x20);
	assert_true(uart_line());
	wr(ICR, 4, 0x20);
	assert_int_equal(rd(RIS, 4), 0);
	assert_false(uart_line());
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
	const struct CMUnitTest tests[] = {
	    T(test_vpl011_console_input_fills_the_fifo_in_order),
	    T(test_vpl011_full_fifo_refuses_input_and_says_so),
	    T(test_vpl011_console_input_beyond_the_fifo_is_held_back_not_lost),
	    T(test_vpl011_rx_interrupt_follows_fifo_and_mask),
	    T(test_vpl011_tx_interrupt_is_raised_by_writes_and_cleared_by_icr),
	    T(test_vpl011_sits_on_the_bus_at_the_board_address),
	    T(test_vpl011_registers_have_their_reset_values),
	    T(test_vpl011_id_registers_identify_an_r1p5_pl011),
	    T(test_vpl011_read_only_registers_ignore_writes),
	    T(test_vpl011_bits_beyond_a_registers_width_read_zero),
	    T(test_vpl011_byte_and_halfword_accesses_use_their_lanes),
	    T(test_vpl011_doubleword_covers_two_registers_low_word_first),
	    T(test_vpl011_dr_write_transmits_its_low_byte),
	    T(test_vpl011_tx_fifo_full_while_the_console_ring_is),
	    T(test_vpl011_reserved_offsets_read_zero_and_ignore_writes),
	    T(test_vpl011_second_attach_to_a_vm_is_refused),
	    T(test_vpl011_refused_attach_leaves_the_live_device_alone),
	    T(test_vpl011_each_vm_has_its_own_registers),
	    T(test_vpl011_random_accesses_match_a_byte_lane_model),
	};
#undef T

	return cmocka_run_group_tests_name("vpl011", tests, NULL, NULL);
}

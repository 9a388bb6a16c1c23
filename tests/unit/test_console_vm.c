// SPDX-License-Identifier: MIT
/* Tests of core/console_vm.c and the console part of core/irq.c: one VM's output untouched;
 * several VMs' output tagged and kept whole per line (through their vPL011s, as guests write
 * it), open lines shown when the VM waits or after CONSOLE_VM_FLUSH_US, nothing lost on a
 * full ring; Ctrl-] moving the input focus VM by VM, then to the hypervisor console, with a
 * line that says so, and input never reaching two VMs. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include <core/arch.h>
#include <core/console.h>
#include <core/console_vm.h>
#include <core/err.h>
#include <core/hvconsole.h>
#include <core/irq.h>
#include <core/lib.h>
#include <core/trap.h>
#include <core/vgic.h>
#include <hal-sim/sim_hal.h>
#include <sim/sim.h>

#include "fixture.h"

#define DR	   0x000
#define FR	   0x018
#define FR_TXFF	   (1u << 5)
#define UART_INTID 33

static struct sim_machine ma, mb;
static bool a_added, b_added;

static void name_vm(struct vm *vm, const char *name)
{
	memset(vm->name, 0, sizeof(vm->name));
	memcpy(vm->name, name, strlen(name));
}

static int setup(void **state)
{
	static const struct irq_config cfg = {.uart = UART_INTID};

	console_drain(SIZE_MAX);
	sim_hal_reset();
	assert_int_equal(sim_machine_init(&ma, NULL), HV_OK);
	assert_int_equal(sim_machine_init(&mb, NULL), HV_OK);
	name_vm(ma.vm, "alpha");
	name_vm(mb.vm, "beta");
	vgic_init(ma.vm, 64);
	vgic_init(mb.vm, 64);
	irq_init(&cfg);
	irq_set_console_focus(NULL);
	hvconsole_init(NULL, NULL);
	return 0;
}

static void add(struct sim_machine *m, bool focus)
{
	console_vm_added(m->vm, focus);
	if (m == &ma)
		a_added = true;
	else
		b_added = true;
}

static int teardown(void **state)
{
	if (a_added)
		console_vm_removed(ma.vm);
	if (b_added)
		console_vm_removed(mb.vm);
	a_added = b_added = false;
	irq_set_console_focus(NULL);
	console_drain(SIZE_MAX);
	sim_machine_destroy(&ma);
	sim_machine_destroy(&mb);
	return 0;
}

static struct mmio_device *uart(struct sim_machine *m)
{
	return vm_find_mmio(m->vm, VM_PL011_BASE);
}

/* The guest writes `s` to its UART data register, byte by byte. */
static void say(struct sim_machine *m, const char *s)
{
	struct mmio_device *u = uart(m);

	for (; *s; s++)
		assert_int_equal(u->ops->write(u, NULL, DR, 4, (uint8_t)*s), HV_OK);
}

static uint32_t read_reg(struct sim_machine *m, uint64_t off)
{
	struct mmio_device *u = uart(m);
	uint64_t v = 0;

	assert_int_equal(u->ops->read(u, NULL, off, 4, &v), HV_OK);
	return (uint32_t)v;
}

/* Type `s` on the physical console. */
static void type(const char *s)
{
	sim_console_feed(s);
	sim_gic_raise(UART_INTID);
	irq_handle_physical(NULL);
}

static void test_console_vm_one_vm_goes_out_untagged_byte_by_byte(void **state)
{
	add(&ma, true);
	say(&ma, "/ # ");
	console_settle();
	/* No line buffer in the way: a prompt shows at once, as before there were tags. */
	assert_string_equal(sim_hal.console, "/ # ");
	say(&ma, "ls\r\n");
	console_settle();
	assert_string_equal(sim_hal.console, "/ # ls\n");
}

static void test_console_vm_two_vms_lines_are_tagged_and_never_mixed(void **state)
{
	add(&ma, true);
	add(&mb, false);
	console_settle();
	sim_console_clear();
	/* Byte by byte in turns, as two guests on two pCPUs would. */
	say(&ma, "hel");
	say(&mb, "wor");
	say(&ma, "lo\r\n");
	say(&mb, "ld\r\n");
	say(&mb, "second\r\n");
	console_settle();
	assert_string_equal(sim_hal.console, "[alpha] hello\n[beta] world\n[beta] second\n");
}

static void test_console_vm_second_vm_says_who_has_the_input(void **state)
{
	add(&ma, true);
	assert_false(console_vm_tagging());
	add(&mb, false);
	assert_true(console_vm_tagging());
	assert_true(console_has_line("hv: console input -> alpha (Ctrl-] for next)"));
}

static void test_console_vm_open_line_shows_when_the_vm_waits(void **state)
{
	add(&ma, true);
	add(&mb, false);
	console_settle();
	sim_console_clear();
	say(&ma, "/ # ");
	console_settle();
	assert_string_equal(sim_hal.console, ""); /* held for its line end */
	console_vm_waiting(ma.vm);		  /* WFI: it waits for input */
	console_settle();
	assert_string_equal(sim_hal.console, "[alpha] / # ");
	/* Its own line goes on untagged; another VM's line starts on a line of its own. */
	say(&ma, "ls");
	console_vm_waiting(ma.vm);
	say(&mb, "boot\r\n");
	say(&ma, "\r\n");
	console_settle();
	assert_string_equal(sim_hal.console, "[alpha] / # ls\n[beta] boot\n[alpha] \n");
}

/* The trap handler, not just the helper: a guest that waits in WFI gets its prompt shown. */
static void test_console_vm_wfi_trap_shows_the_open_line(void **state)
{
	static const uint32_t prog[] = {SIM_A64_NOP};

	assert_int_equal(sim_machine_load_program(&ma, prog, 1), HV_OK);
	add(&ma, true);
	add(&mb, false);
	console_settle();
	sim_console_clear();
	say(&ma, "login: ");
	console_settle();
	assert_string_equal(sim_hal.console, "");
	trap_wfx(ma.vcpu, (uint64_t)ESR_EC_WFX << ESR_EC_SHIFT | ESR_ISS_WFX_TI_WFI);
	console_settle();
	assert_string_equal(sim_hal.console, "[alpha] login: ");
}

static void test_console_vm_open_line_shows_after_the_flush_time(void **state)
{
	add(&ma, true);
	add(&mb, false);
	console_settle();
	sim_console_clear();
	say(&mb, "login: ");
	sim_hal.counter += sim_hal.counter_freq / 1000000 * CONSOLE_VM_FLUSH_US / 2;
	console_settle();
	assert_string_equal(sim_hal.console, "");
	sim_hal.counter += sim_hal.counter_freq / 1000000 * CONSOLE_VM_FLUSH_US;
	console_settle();
	assert_string_equal(sim_hal.console, "[beta] login: ");
	assert_int_equal(console_vm_pending, 0);
}

static void test_console_vm_full_ring_keeps_output_and_says_txff(void **state)
{
	static char fill[CONSOLE_RING_SIZE];
	static char big[CONSOLE_VM_LINE_MAX + 1];

	add(&ma, true);
	add(&mb, false);
	console_settle();
	sim_console_clear();
	memset(fill, '.', sizeof(fill));
	fill[sizeof(fill) - 1] = '\n';
	assert_true(console_put(fill, sizeof(fill)));
	/* A whole line the ring cannot take yet waits in the VM's buffer... */
	say(&ma, "kept\r\n");
	assert_int_equal(read_reg(&ma, FR) & FR_TXFF, 0);
	/* ...and a buffer that fills while the ring is full says TXFF. */
	memset(big, 'x', CONSOLE_VM_LINE_MAX - 6);
	say(&mb, big);
	assert_int_equal(read_reg(&mb, FR) & FR_TXFF, 0);
	say(&mb, "yyyyyy");
	assert_int_equal(read_reg(&mb, FR) & FR_TXFF, FR_TXFF);
	console_settle(); /* the ring drains, the buffers follow on the next drain */
	console_settle();
	assert_int_equal(read_reg(&mb, FR) & FR_TXFF, 0);
	assert_true(console_has_line("[alpha] kept"));
	assert_true(console_has_prefix("[beta] xxxxxxxxxxxxxxxxxxxx"));
	assert_int_equal(sim_hal.console_len, sizeof(fill) + strlen("[alpha] kept\n") +
						  strlen("[beta] ") + CONSOLE_VM_LINE_MAX);
}

static void test_console_vm_removed_vm_flushes_its_open_line(void **state)
{
	add(&ma, true);
	add(&mb, false);
	console_settle();
	sim_console_clear();
	say(&mb, "reboot: Power down");
	console_vm_removed(mb.vm);
	b_added = false;
	console_settle();
	assert_true(console_has_prefix("[beta] reboot: Power down"));
}

static void test_console_vm_ctrl_bracket_cycles_focus_and_hv_console(void **state)
{
	add(&ma, true);
	add(&mb, false);
	sim_console_clear();
	type("a");
	assert_int_equal(read_reg(&ma, DR), 'a');
	type("\x1d");
	assert_true(console_has_line("hv: console input -> beta (Ctrl-] for next)"));
	type("b");
	assert_int_equal(read_reg(&mb, DR), 'b');
	assert_int_equal(read_reg(&ma, FR) & 0x10, 0x10); /* alpha got nothing */
	type("\x1d");
	assert_true(console_has_line("hv: console input -> hypervisor console (Ctrl-] for next)"));
	assert_true(console_has_prefix("hv> "));
	type("x");
	/* The hypervisor console took it: neither VM did. */
	assert_int_equal(read_reg(&ma, FR) & 0x10, 0x10);
	assert_int_equal(read_reg(&mb, FR) & 0x10, 0x10);
	type("\x1d");
	type("c");
	assert_int_equal(read_reg(&ma, DR), 'c');
	assert_int_equal(read_reg(&mb, FR) & 0x10, 0x10);
}

/* A VM that does not read its input cannot keep the keyboard: Ctrl-] typed behind what fills
 * its FIFO still moves the focus, and what was held for it is not handed to the next VM. */
static void test_console_vm_ctrl_bracket_gets_past_a_vm_that_does_not_read(void **state)
{
	char fill[41];

	add(&ma, true);
	add(&mb, false);
	memset(fill, 'f', 40);
	fill[40] = '\0';
	type(fill);
	type("\x1dx");
	assert_true(console_has_line("hv: console input -> beta (Ctrl-] for next)"));
	assert_int_equal(read_reg(&mb, DR), 'x');
	assert_int_equal(read_reg(&mb, FR) & 0x10, 0x10);
	for (unsigned i = 0; i < 32; i++) /* its FIFO's worth, nothing more */
		assert_int_equal(read_reg(&ma, DR), 'f');
	assert_int_equal(read_reg(&ma, FR) & 0x10, 0x10);
}

/* The configuration's `console;` VM gets the input even when it is not the first. */
static void test_console_vm_focus_goes_to_the_vm_that_asks_for_it(void **state)
{
	add(&ma, false);
	add(&mb, true);
	assert_true(console_has_line("hv: console input -> beta (Ctrl-] for next)"));
	type("q");
	assert_int_equal(read_reg(&mb, DR), 'q');
	assert_int_equal(read_reg(&ma, FR) & 0x10, 0x10);
	type("\x1d");
	assert_true(console_has_line("hv: console input -> hypervisor console (Ctrl-] for next)"));
	type("\x1d");
	assert_true(console_has_line("hv: console input -> alpha (Ctrl-] for next)"));
	type("r");
	assert_int_equal(read_reg(&ma, DR), 'r');
	assert_int_equal(read_reg(&mb, FR) & 0x10, 0x10);
}

static void test_console_vm_focus_moves_on_when_its_vm_goes(void **state)
{
	add(&ma, true);
	add(&mb, false);
	console_vm_removed(ma.vm);
	a_added = false;
	assert_true(console_has_line("hv: console input -> beta (Ctrl-] for next)"));
	type("z");
	assert_int_equal(read_reg(&mb, DR), 'z');
	console_vm_removed(mb.vm);
	b_added = false;
	/* The last one gone: the hypervisor console has the input (to start a VM again). */
	assert_true(console_has_line("hv: console input -> hypervisor console (Ctrl-] for next)"));
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
	const struct CMUnitTest tests[] = {
	    T(test_console_vm_one_vm_goes_out_untagged_byte_by_byte),
	    T(test_console_vm_two_vms_lines_are_tagged_and_never_mixed),
	    T(test_console_vm_second_vm_says_who_has_the_input),
	    T(test_console_vm_open_line_shows_when_the_vm_waits),
	    T(test_console_vm_wfi_trap_shows_the_open_line),
	    T(test_console_vm_open_line_shows_after_the_flush_time),
	    T(test_console_vm_full_ring_keeps_output_and_says_txff),
	    T(test_console_vm_removed_vm_flushes_its_open_line),
	    T(test_console_vm_ctrl_bracket_cycles_focus_and_hv_console),
	    T(test_console_vm_ctrl_bracket_gets_past_a_vm_that_does_not_read),
	    T(test_console_vm_focus_goes_to_the_vm_that_asks_for_it),
	    T(test_console_vm_focus_moves_on_when_its_vm_goes),
	};
#undef T

	return cmocka_run_group_tests_name("console_vm", tests, NULL, NULL);
}

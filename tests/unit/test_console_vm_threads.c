// SPDX-License-Identifier: MIT
/* Two VMs' guest output from two pCPUs at once (each a host thread that is a simulated pCPU),
 * through their vPL011s into the one console (core/console_vm.c): every line comes out whole,
 * tagged with its VM, none lost, each VM's lines in order, and ThreadSanitizer sees no race
 * (`make test-tsan`). The threads count their mistakes; the main thread checks them (cmocka
 * is not thread-safe). */
#include <pthread.h>
#include <sched.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <core/console.h>
#include <core/console_vm.h>
#include <core/err.h>
#include <core/irq.h>
#include <core/vgic.h>
#include <core/vm.h>
#include <hal-sim/sim_hal.h>
#include <sim/sim.h>

#define PCPU_A	   1
#define PCPU_B	   2
#define LINES	   1000
#define UARTDR	   0x000
#define UARTFR	   0x018
#define FR_TXFF	   (1u << 5)
#define SPIN_LIMIT 100000000ul /* a hang fails the test instead of stalling it */

static pthread_barrier_t start;
static struct sim_machine ma, mb;
static unsigned errors[2];

/* A guest's driver on pCPU `pcpu`: LINES lines, byte by byte, waiting while TXFF says the
 * console has no room, the console drained after each byte as the run loop does per exit. */
static void writer(unsigned pcpu, struct sim_machine *m, const char *who, unsigned *errs)
{
	struct mmio_device *u = vm_find_mmio(m->vm, VM_PL011_BASE);
	char line[64];
	uint64_t fr;

	sim_pcpu_enter(pcpu);
	pthread_barrier_wait(&start);
	for (unsigned n = 0; n < LINES; n++) {
		snprintf(line, sizeof(line), "%s line %04u\r\n", who, n);
		for (const char *c = line; *c; c++) {
			unsigned long spins = 0;

			do {
				if (u->ops->read(u, NULL, UARTFR, 4, &fr) != HV_OK)
					(*errs)++;
				if (fr & FR_TXFF) {
					console_drain(CONSOLE_EXIT_BYTES);
					sched_yield();
				}
			} while ((fr & FR_TXFF) && ++spins < SPIN_LIMIT);
			if (u->ops->write(u, NULL, UARTDR, 4, (uint8_t)*c) != HV_OK)
				(*errs)++;
			console_drain(CONSOLE_EXIT_BYTES);
		}
	}
	sim_pcpu_leave();
}

static void *writer_a(void *arg)
{
	writer(PCPU_A, &ma, "alpha", &errors[0]);
	return NULL;
}

static void *writer_b(void *arg)
{
	writer(PCPU_B, &mb, "beta", &errors[1]);
	return NULL;
}

static void name_vm(struct vm *vm, const char *name)
{
	memset(vm->name, 0, sizeof(vm->name));
	memcpy(vm->name, name, strlen(name));
}

static void test_console_vm_lines_from_two_pcpus_come_out_whole_and_in_order(void **state)
{
	unsigned next[2] = {0, 0}, bad = 0;
	pthread_t ta, tb;
	char *text, *line, *save = NULL;

	sim_hal_reset();
	assert_int_equal(sim_machine_init(&ma, NULL), HV_OK);
	assert_int_equal(sim_machine_init(&mb, NULL), HV_OK);
	name_vm(ma.vm, "alpha");
	name_vm(mb.vm, "beta");
	vgic_init(ma.vm, 64);
	vgic_init(mb.vm, 64);
	irq_set_console_focus(NULL);
	console_vm_added(ma.vm, true);
	console_vm_added(mb.vm, false);
	console_drain(SIZE_MAX);
	sim_console_clear();

	pthread_barrier_init(&start, NULL, 2);
	assert_int_equal(pthread_create(&ta, NULL, writer_a, NULL), 0);
	assert_int_equal(pthread_create(&tb, NULL, writer_b, NULL), 0);
	pthread_join(ta, NULL);
	pthread_join(tb, NULL);
	pthread_barrier_destroy(&start);
	console_drain(SIZE_MAX);
	assert_int_equal(errors[0] + errors[1], 0);

	text = strdup(sim_hal.console);
	assert_non_null(text);
	for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		unsigned n;

		if (sscanf(line, "[alpha] alpha line %u", &n) == 1 && n == next[0] &&
		    strlen(line) == strlen("[alpha] alpha line 0000"))
			next[0]++;
		else if (sscanf(line, "[beta] beta line %u", &n) == 1 && n == next[1] &&
			 strlen(line) == strlen("[beta] beta line 0000"))
			next[1]++;
		else
			bad++;
	}
	free(text);
	assert_int_equal(bad, 0);
	assert_int_equal(next[0], LINES);
	assert_int_equal(next[1], LINES);

	console_vm_removed(ma.vm);
	console_vm_removed(mb.vm);
	irq_set_console_focus(NULL);
	sim_machine_destroy(&ma);
	sim_machine_destroy(&mb);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_console_vm_lines_from_two_pcpus_come_out_whole_and_in_order),
	};

	return cmocka_run_group_tests_name("console_vm_threads", tests, NULL, NULL);
}

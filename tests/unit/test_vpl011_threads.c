// SPDX-License-Identifier: MIT
/* One VM's vPL011 driven from three pCPUs at once (each a host thread that is a simulated
 * pCPU), with the VM alone on the console, so its characters go straight to the ring: two
 * vCPUs transmit (FR polled, DR written: the accesses vdev/vpl011.c serves without its lock
 * while the TX interrupt is raised) and one receives console input (FR polled, DR read under
 * the lock) while writing ICR and IMSC (the accesses that change the interrupt state under it).
 * Every character sent reaches the console, every character typed is read once and in order,
 * the interrupt state read at the end is the model's, and ThreadSanitizer sees no race
 * (`make test-tsan`). The threads count their mistakes; the main thread checks them (cmocka is
 * not thread-safe). */
#include <pthread.h>
#include <sched.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include <core/console.h>
#include <core/err.h>
#include <core/irq.h>
#include <core/vgic.h>
#include <core/vm.h>
#include <hal-sim/sim_hal.h>
#include <sim/sim.h>

#define PCPU_TX_A  1
#define PCPU_TX_B  2
#define PCPU_RX	   3
#define CHARS	   3000 /* per transmitting vCPU */
#define TYPED	   2000 /* console input characters */
#define UARTDR	   0x000
#define UARTFR	   0x018
#define UARTIMSC   0x038
#define UARTRIS	   0x03c
#define UARTICR	   0x044
#define FR_RXFE	   (1u << 4)
#define FR_TXFF	   (1u << 5)
#define INT_TX	   (1u << 5)
#define SPIN_LIMIT 100000000ul /* a hang fails the test instead of stalling it */

static pthread_barrier_t start;
static struct sim_machine m;
static struct mmio_device *uart;
static unsigned errors[3];
static unsigned typed_ok;

/* A vCPU's console driver: CHARS times `c`, waiting while TXFF says the console has no room,
 * the console drained after each character as the run loop does per exit. */
static void transmit(unsigned pcpu, char c, unsigned *errs)
{
	uint64_t fr;

	sim_pcpu_enter(pcpu);
	pthread_barrier_wait(&start);
	for (unsigned n = 0; n < CHARS; n++) {
		unsigned long spins = 0;

		do {
			if (uart->ops->read(uart, NULL, UARTFR, 4, &fr) != HV_OK)
				(*errs)++;
			if (fr & FR_TXFF) {
				console_drain(CONSOLE_EXIT_BYTES);
				sched_yield();
			}
		} while ((fr & FR_TXFF) && ++spins < SPIN_LIMIT);
		if (uart->ops->write(uart, NULL, UARTDR, 1, (uint8_t)c) != HV_OK)
			(*errs)++;
		console_drain(CONSOLE_EXIT_BYTES);
	}
	sim_pcpu_leave();
}

static void *transmit_a(void *arg)
{
	transmit(PCPU_TX_A, 'a', &errors[0]);
	return NULL;
}

static void *transmit_b(void *arg)
{
	transmit(PCPU_TX_B, 'b', &errors[1]);
	return NULL;
}

/* The receiving vCPU types TYPED characters into its own console input (as the console does
 * for the VM with the focus) and reads each back, acknowledging the TX interrupt and turning
 * the interrupt mask over as it goes. */
static void *receive(void *arg)
{
	unsigned *errs = &errors[2];
	uint64_t fr, dr;

	sim_pcpu_enter(PCPU_RX);
	pthread_barrier_wait(&start);
	for (unsigned n = 0; n < TYPED; n++) {
		char c = (char)('0' + n % 64);
		unsigned long spins = 0;

		while (!m.vm->console_rx(m.vm, c) && ++spins < SPIN_LIMIT)
			sched_yield();
		do {
			if (uart->ops->read(uart, NULL, UARTFR, 4, &fr) != HV_OK)
				(*errs)++;
		} while ((fr & FR_RXFE) && ++spins < SPIN_LIMIT);
		if (uart->ops->read(uart, NULL, UARTDR, 4, &dr) != HV_OK)
			(*errs)++;
		if (dr == (uint8_t)c)
			typed_ok++;
		/* Now and then only: each takes the lock the transmitters then take too, and
		 * that would order everything else they do after it. */
		if (n % 256 == 255 && (uart->ops->write(uart, NULL, UARTICR, 4, INT_TX) != HV_OK ||
				       uart->ops->write(uart, NULL, UARTIMSC, 4,
							n % 512 == 511 ? INT_TX : 0) != HV_OK))
			(*errs)++;
	}
	sim_pcpu_leave();
	return NULL;
}

static void test_vpl011_threads_two_transmitters_and_a_receiver_lose_nothing(void **state)
{
	pthread_t ta, tb, tr;
	unsigned count[2] = {0, 0};
	uint64_t ris;

	sim_hal_reset();
	assert_int_equal(sim_machine_init(&m, NULL), HV_OK);
	vgic_init(m.vm, 64);
	uart = vm_find_mmio(m.vm, VM_PL011_BASE);
	assert_non_null(uart);
	console_drain(SIZE_MAX);
	sim_console_clear();

	pthread_barrier_init(&start, NULL, 3);
	assert_int_equal(pthread_create(&ta, NULL, transmit_a, NULL), 0);
	assert_int_equal(pthread_create(&tb, NULL, transmit_b, NULL), 0);
	assert_int_equal(pthread_create(&tr, NULL, receive, NULL), 0);
	pthread_join(ta, NULL);
	pthread_join(tb, NULL);
	pthread_join(tr, NULL);
	pthread_barrier_destroy(&start);
	console_drain(SIZE_MAX);
	assert_int_equal(errors[0] + errors[1] + errors[2], 0);
	assert_int_equal(typed_ok, TYPED);

	for (size_t i = 0; i < sim_hal.console_raw_len; i++) {
		if (sim_hal.console_raw[i] == 'a')
			count[0]++;
		else if (sim_hal.console_raw[i] == 'b')
			count[1]++;
	}
	assert_int_equal(count[0], CHARS);
	assert_int_equal(count[1], CHARS);

	/* The receiver's last ICR came after every character it waited for, but the
	 * transmitters may have sent more since: TX is raised exactly when one did, and the
	 * receive side is empty. */
	assert_int_equal(uart->ops->read(uart, NULL, UARTRIS, 4, &ris), HV_OK);
	assert_int_equal(ris & ~(uint64_t)INT_TX, 0);
	sim_machine_destroy(&m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_vpl011_threads_two_transmitters_and_a_receiver_lose_nothing),
	};

	return cmocka_run_group_tests_name("vpl011_threads", tests, NULL, NULL);
}

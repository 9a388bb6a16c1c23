// SPDX-License-Identifier: MIT
/* State shared by every pCPU, used from two at once (each a host thread that is a simulated
 * pCPU): console input taken by the UART interrupt on one pCPU while a vCPU on another drains
 * the device (core/irq.c), one log rate-limit budget hit from both (core/log.c), VMs with a
 * virtio-blk disk from the pool created and destroyed on both (vdev/virtio_blk.c), and two VMs'
 * device trees built at once in the one buffer (core/vm_boot.c). Nothing may be lost,
 * duplicated or mixed up, and ThreadSanitizer must see no race (`make test-tsan`). The
 * threads count their mistakes; the main thread checks them (cmocka is not thread-safe). */
#include <pthread.h>
#include <sched.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <core/err.h>
#include <core/fdt.h>
#include <core/gmem.h>
#include <core/hwinfo.h>
#include <core/irq.h>
#include <core/log.h>
#include <core/pcpu.h>
#include <core/vm.h>
#include <core/vm_boot.h>
#include <hal-sim/sim_hal.h>
#include <hal/gic.h>
#include <hal/mmu.h>
#include <sim/sim.h>
#include <vdev/blk_mem.h>
#include <vdev/virtio_blk.h>

#define PCPU_A	    1
#define PCPU_B	    2
#define UART_INTID  33 /* the physical UART's SPI */
#define INPUT_BYTES 3000
#define UARTDR	    0x000
#define UARTFR	    0x018
#define FR_RXFE	    (1u << 4)
#define SPIN_LIMIT  100000000ul /* a hang fails the test instead of stalling it */

static pthread_barrier_t start;

/* Run `a` as pCPU PCPU_A and `b` as pCPU PCPU_B, started together. */
static void run_pair(void *(*a)(void *), void *(*b)(void *))
{
	pthread_t ta, tb;

	pthread_barrier_init(&start, NULL, 2);
	assert_int_equal(pthread_create(&ta, NULL, a, NULL), 0);
	assert_int_equal(pthread_create(&tb, NULL, b, NULL), 0);
	pthread_join(ta, NULL);
	pthread_join(tb, NULL);
	pthread_barrier_destroy(&start);
}

static void become_pcpu(unsigned n)
{
	sim_pcpu_enter(n);
	hal_gic_cpu_init();
	pthread_barrier_wait(&start);
}

/* The pCPU table core/ sends kicks by (vgic_mark() kicks the vPL011's target). */
static void pcpus_up(void)
{
	static struct hw_info hw;

	hw.cpu_count = HV_MAX_CPUS;
	for (unsigned i = 0; i < HV_MAX_CPUS; i++)
		hw.cpu_mpidr[i] = SIM_PCPU_MPIDR(i);
	assert_int_equal(pcpu_init(&hw, SIM_PCPU_MPIDR(0)), HV_OK);
}

/* --- console input ------------------------------------------------------------------------ */

static struct sim_machine cm;
static struct mmio_device *uart;
static uint8_t received[INPUT_BYTES];
static unsigned nr_received, console_errors;
static _Atomic bool guest_done;

/* pCPU A takes the UART's interrupt, again and again (some spurious: a real one may also
 * arrive after the receive interrupt was switched off). */
static void *uart_irqs(void *arg)
{
	become_pcpu(PCPU_A);
	for (unsigned long i = 0; !atomic_load(&guest_done) && i < SPIN_LIMIT; i++) {
		sim_gic_raise(UART_INTID);
		irq_handle_physical(NULL);
		sched_yield();
	}
	sim_pcpu_leave();
	return NULL;
}

/* pCPU B runs the guest's driver: it reads every byte out of the vPL011, which lets input
 * held back while its FIFO was full in from this pCPU (irq_console_drained()). */
static void *uart_reader(void *arg)
{
	struct vcpu *v = &cm.vm->vcpus[0];
	uint64_t fr, dr;

	become_pcpu(PCPU_B);
	for (unsigned long i = 0; nr_received < INPUT_BYTES && i < SPIN_LIMIT; i++) {
		if (uart->ops->read(uart, v, UARTFR, 4, &fr) != HV_OK)
			console_errors++;
		if (fr & FR_RXFE) {
			sched_yield();
			continue;
		}
		if (uart->ops->read(uart, v, UARTDR, 4, &dr) != HV_OK)
			console_errors++;
		received[nr_received++] = (uint8_t)dr;
	}
	atomic_store(&guest_done, true);
	sim_pcpu_leave();
	return NULL;
}

static void test_globals_console_input_from_two_pcpus_arrives_once_in_order(void **state)
{
	static const struct irq_config irqs = {.uart = UART_INTID};
	static char input[INPUT_BYTES + 1];

	sim_hal_reset();
	assert_int_equal(sim_machine_init(&cm, NULL), HV_OK);
	assert_int_equal(vm_add_vcpu(cm.vm, VM_RAM_BASE, 0, &cm.vcpu), HV_OK);
	vgic_init(cm.vm, 64);
	uart = vm_find_mmio(cm.vm, VM_PL011_BASE);
	assert_non_null(uart);
	pcpus_up();
	assert_int_equal(hal_gic_init(0, NULL, NULL, 0), 0);
	irq_init(&irqs);
	hal_gic_route(UART_INTID, SIM_PCPU_MPIDR(PCPU_A));
	irq_set_console_focus(cm.vm);
	for (unsigned i = 0; i < INPUT_BYTES; i++)
		input[i] = (char)('!' + i % 90);
	sim_console_feed(input);

	run_pair(uart_irqs, uart_reader);
	irq_set_console_focus(NULL);
	assert_int_equal(console_errors, 0);
	assert_int_equal(nr_received, INPUT_BYTES);
	assert_memory_equal(received, input, INPUT_BYTES);
	sim_machine_destroy(&cm);
}

/* --- one rate-limit budget --------------------------------------------------------------- */

#define RL_CALLS 20000

static struct log_ratelimit budget;
static unsigned allowed[2];

static void *hit_budget(unsigned pcpu, unsigned *count)
{
	become_pcpu(pcpu);
	for (unsigned i = 0; i < RL_CALLS; i++)
		*count += log_ratelimit_allow(&budget, 5, UINT64_MAX);
	sim_pcpu_leave();
	return NULL;
}

static void *budget_a(void *arg)
{
	return hit_budget(PCPU_A, &allowed[0]);
}

static void *budget_b(void *arg)
{
	return hit_budget(PCPU_B, &allowed[1]);
}

static void test_globals_one_ratelimit_budget_from_two_pcpus_lets_burst_through(void **state)
{
	sim_hal_reset();
	run_pair(budget_a, budget_b);
	/* The window never ends: exactly the burst, and every other call counted suppressed. */
	assert_int_equal(allowed[0] + allowed[1], 5);
	assert_int_equal(budget.printed, 5);
	assert_int_equal(budget.suppressed, 2 * RL_CALLS - 5);
}

/* --- the virtio-blk pool ----------------------------------------------------------------- */

#define POOL_ROUNDS 200
#define DISK_BYTES  (64 * 512)

static struct palloc *pool_alloc;
static unsigned pool_errors[2];

/* A VM with one disk, over and over: create, attach, destroy. */
static void *disks(unsigned pcpu, unsigned *errors)
{
	static uint8_t images[2][DISK_BYTES];
	struct blk_backend disk;
	uint8_t *image = images[pcpu == PCPU_B];

	become_pcpu(pcpu);
	if (blk_mem_init(&disk, image, DISK_BYTES, false) != HV_OK)
		++*errors;
	for (unsigned i = 0; i < POOL_ROUNDS; i++) {
		struct vm *vm;

		if (vm_create(&vm, "pool", SIM_IPA_BITS, hal_pa_bits(), pool_alloc) != HV_OK) {
			++*errors;
			continue;
		}
		if (virtio_blk_attach(vm, VM_VIRTIO_BASE, VM_VIRTIO_INTID(0), &disk) != HV_OK)
			++*errors;
		vm_destroy(vm);
	}
	sim_pcpu_leave();
	return NULL;
}

static void *disks_a(void *arg)
{
	return disks(PCPU_A, &pool_errors[0]);
}

static void *disks_b(void *arg)
{
	return disks(PCPU_B, &pool_errors[1]);
}

static void test_globals_virtio_blk_pool_claimed_from_two_pcpus_never_runs_out(void **state)
{
	const struct sim_config cfg = {.no_ram = true};
	struct sim_machine pm;

	sim_hal_reset();
	assert_int_equal(sim_machine_init(&pm, &cfg), HV_OK);
	pool_alloc = &pm.alloc;
	run_pair(disks_a, disks_b);
	assert_int_equal(pool_errors[0] + pool_errors[1], 0);
	sim_machine_destroy(&pm);
}

/* --- device trees ------------------------------------------------------------------------ */

#define KERNEL_SIZE 0x1000

static struct sim_machine dm[2];
static struct vm_boot_layout layouts[2];
static int boot_ret[2];

static void *boot(unsigned i)
{
	static uint8_t kernel[KERNEL_SIZE];
	const struct vm_boot_config cfg = {
	    .vcpus = 1,
	    .kernel = kernel,
	    .kernel_size = KERNEL_SIZE,
	    .bootargs = i ? "console=second-vm" : "console=first-vm-with-a-longer-line",
	    .nr_spis = 64,
	};

	become_pcpu(i ? PCPU_B : PCPU_A);
	boot_ret[i] = vm_boot_prepare(dm[i].vm, &cfg, &layouts[i]);
	sim_pcpu_leave();
	return NULL;
}

static void *boot_a(void *arg)
{
	return boot(0);
}

static void *boot_b(void *arg)
{
	return boot(1);
}

static void assert_bootargs(unsigned i, const char *want)
{
	uint8_t *blob = malloc(layouts[i].dtb_size);
	const char *got;
	struct fdt f;
	int node;

	assert_non_null(blob);
	assert_int_equal(gmem_read(dm[i].vm, layouts[i].dtb_ipa, blob, layouts[i].dtb_size), HV_OK);
	assert_int_equal(fdt_open(&f, blob, layouts[i].dtb_size), HV_OK);
	node = fdt_find_path(&f, "/chosen");
	assert_true(node >= 0);
	assert_int_equal(fdt_get_string(&f, node, "bootargs", &got), HV_OK);
	assert_string_equal(got, want);
	free(blob);
}

static void test_globals_two_vms_booted_at_once_each_get_their_own_device_tree(void **state)
{
	sim_hal_reset();
	for (unsigned i = 0; i < 2; i++)
		assert_int_equal(sim_machine_init(&dm[i], NULL), HV_OK);
	run_pair(boot_a, boot_b);
	assert_int_equal(boot_ret[0], HV_OK);
	assert_int_equal(boot_ret[1], HV_OK);
	assert_bootargs(0, "console=first-vm-with-a-longer-line");
	assert_bootargs(1, "console=second-vm");
	for (unsigned i = 0; i < 2; i++)
		sim_machine_destroy(&dm[i]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_globals_console_input_from_two_pcpus_arrives_once_in_order),
	    cmocka_unit_test(test_globals_one_ratelimit_budget_from_two_pcpus_lets_burst_through),
	    cmocka_unit_test(test_globals_virtio_blk_pool_claimed_from_two_pcpus_never_runs_out),
	    cmocka_unit_test(test_globals_two_vms_booted_at_once_each_get_their_own_device_tree),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

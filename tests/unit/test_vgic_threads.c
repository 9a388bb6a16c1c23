// SPDX-License-Identifier: MIT
/* The vGIC from two pCPUs at once (each a host thread, sim/mp.c): guests writing the
 * distributor and each other's redistributors while interrupts fly between them, and a vCPU in
 * WFI on one pCPU woken again and again from the other. No interrupt may be lost or taken
 * twice, and the registers end as the last writes left them. */
#include "mp_harness.h"

#define ROUNDS	       300
#define OWN_SPIS       4
#define SHARED_SPI     50
#define SPI_PRIO(k)    (0x80 + 0x10 * (k)) /* vCPU k's own SPIs */
#define SHARED_PRIO(k) (0x90 + 0x08 * (k))
#define REDIST_SGI(k)  (8 + (k)) /* vCPU k programs this SGI in the other's redistributor */
#define REDIST_PRIO    0xb0
#define MAX_BATCH      64

/* vCPU k owns SPIs 32 + 8k .. + OWN_SPIS - 1, all routed to the other vCPU; the first is the
 * one k makes pending each round ("its ping"). */
static unsigned own_spi(unsigned k, unsigned i)
{
	return 32 + 8 * k + i;
}

static struct sim_step batch[2][MAX_BATCH];
static unsigned batch_len[2];
static bool last_batch_done; /* vCPU 1 finished its last round (set on its pCPU) */

static void add(unsigned k, struct sim_step s)
{
	assert_true(batch_len[k] < MAX_BATCH);
	batch[k][batch_len[k]++] = s;
}

/* One round's register writes of vCPU k: its own SPIs (priority, route to the other, enable),
 * the SPI both program (disable, priority, route to itself, enable), and SGI REDIST_SGI(k) in
 * the other vCPU's redistributor (priority, enable) and in its own (enable). */
static void build_batch(unsigned k)
{
	unsigned other = 1 - k;

	for (unsigned i = 0; i < OWN_SPIS; i++) {
		unsigned spi = own_spi(k, i);

		add(k, mp_mmio_write(mp_gicd(GICD_IPRIORITYR + spi), 1, SPI_PRIO(k)));
		add(k, mp_mmio_write(mp_gicd(GICD_IROUTER + 8 * spi), 8, other));
		add(k, mp_mmio_write(mp_gicd(GICD_ISENABLER + 4 * (spi / 32)), 4, BIT(spi % 32)));
	}
	add(k, mp_mmio_write(mp_gicd(GICD_ICENABLER + 4), 4, BIT(SHARED_SPI % 32)));
	add(k, mp_mmio_write(mp_gicd(GICD_IPRIORITYR + SHARED_SPI), 1, SHARED_PRIO(k)));
	add(k, mp_mmio_write(mp_gicd(GICD_IROUTER + 8 * SHARED_SPI), 8, k));
	add(k, mp_mmio_write(mp_gicd(GICD_ISENABLER + 4), 4, BIT(SHARED_SPI % 32)));
	add(k, mp_mmio_write(mp_gicr_sgi(other, GICR_IPRIORITYR0 + REDIST_SGI(k)), 1, REDIST_PRIO));
	add(k, mp_mmio_write(mp_gicr_sgi(other, GICR_ISENABLER0), 4, BIT(REDIST_SGI(k))));
	add(k, mp_mmio_write(mp_gicr_sgi(k, GICR_ISENABLER0), 4, BIT(REDIST_SGI(other))));
}

static struct sim_step ping(unsigned k)
{
	return mp_mmio_write(mp_gicd(GICD_ISPENDR + 4), 4, BIT(own_spi(k, 0) % 32));
}

/* vCPU 0: its batch, its ping, then WFI until the other's ping of this round came. vCPU 1:
 * WFI until vCPU 0's ping came, its own ping, then its batch while vCPU 0 does its next one.
 * A ping is sent only once the previous one in the other direction was taken, so none can
 * merge with an earlier one still pending. vCPU 0 stops the VM once vCPU 1 is through its
 * last batch. state[0]: the step in the round, state[1]: the round. */
static struct sim_step writers(unsigned k, struct sim_mp_vcpu *v)
{
	uint64_t *step = &v->state[0], *round = &v->state[1];
	unsigned heard = v->seen[own_spi(1 - k, 0)];

	if (k == 0) {
		if (*step < batch_len[0])
			return batch[0][(*step)++];
		if (*step == batch_len[0]) {
			++*step;
			return ping(0);
		}
		if (*round == ROUNDS)
			return __atomic_load_n(&last_batch_done, __ATOMIC_ACQUIRE) ? mp_exit(0)
										   : mp_busy();
		if (heard < *round + 1)
			return mp_wfi();
		if (++*round < ROUNDS)
			*step = 0;
		return writers(k, v);
	}
	if (*step == 0) {
		if (heard < *round + 1)
			return mp_wfi();
		++*step;
		return ping(1);
	}
	if (*step <= batch_len[1])
		return batch[1][(*step)++ - 1];
	*step = 0;
	if (++*round == ROUNDS)
		__atomic_store_n(&last_batch_done, true, __ATOMIC_RELEASE);
	return writers(k, v);
}

static uint8_t prio(unsigned bits)
{
	return (uint8_t)(0xff << (8 - bits));
}

static void test_vgic_concurrent_distributor_and_redistributor_writes(void **state)
{
	uint8_t mask;

	mp_machine(2, 2, writers);
	mask = prio(cpu(0)->vgic.pri_bits);
	batch_len[0] = batch_len[1] = 0;
	last_batch_done = false;
	build_batch(0);
	build_batch(1);
	assert_int_equal(sim_mp_run(), 0);

	/* Every ping was taken once, by the vCPU it was routed to; nothing else was taken. */
	assert_int_equal(sim_mp.vcpu[0].state[1], ROUNDS);
	assert_int_equal(sim_mp.vcpu[0].seen[own_spi(1, 0)], ROUNDS);
	assert_int_equal(mp_seen_total(0), ROUNDS);
	assert_int_equal(sim_mp.vcpu[1].seen[own_spi(0, 0)], ROUNDS);
	assert_int_equal(mp_seen_total(1), ROUNDS);
	/* The registers as the last writes left them. */
	for (unsigned k = 0; k < 2; k++) {
		for (unsigned i = 0; i < OWN_SPIS; i++) {
			const struct vgic_irq *irq = &vm->vgic.spis[own_spi(k, i) - 32];

			assert_true(irq->enabled);
			assert_int_equal(irq->priority, SPI_PRIO(k) & mask);
			assert_int_equal(irq->irouter, 1 - k);
			assert_ptr_equal(irq->target, cpu(1 - k));
			assert_false(irq->active);
			assert_false(vgic_irq_pending(irq));
		}
		assert_true(cpu(k)->vgic.private_irqs[REDIST_SGI(1 - k)].enabled);
		assert_int_equal(cpu(k)->vgic.private_irqs[REDIST_SGI(1 - k)].priority,
				 REDIST_PRIO & mask);
		assert_int_equal(cpu(k)->vgic.nr_running, 0);
	}
	{
		const struct vgic_irq *shared = &vm->vgic.spis[SHARED_SPI - 32];

		assert_true(shared->enabled);
		assert_true(shared->priority == (SHARED_PRIO(0) & mask) ||
			    shared->priority == (SHARED_PRIO(1) & mask));
		assert_true(shared->irouter <= 1);
		assert_ptr_equal(shared->target, cpu(shared->irouter));
	}
}

/* --- wake-ups --------------------------------------------------------------------------- */

#define WAKES	       1800
#define WAKE_SGI       4
#define WAKE_SPI       33
#define PEND_TO_ENABLE 20      /* busy exits between ISPENDR and ISENABLER */
#define ENABLE_SPI     34      /* made pending while disabled: the enable wakes */
#define ROUTE_SPI      35      /* made pending while routed to no vCPU: the route wakes */
#define NOWHERE	       0x99    /* an affinity no vCPU has */
#define SPIN_LIMIT     5000000 /* busy exits of the sender waiting for one wake-up: lost */
#define STATUS_LOST    1

static unsigned woken; /* interrupts vCPU 1 took: published by its pCPU, read by the other */

/* vCPU 1 does nothing but WFI; vCPU 0 wakes it WAKES times, in turn by an SGI, by an SPI made
 * pending (GICD_ISPENDR), by enabling an SPI it made pending while disabled (ICENABLER,
 * ISPENDR, then the ISENABLER that makes it deliverable: the wake-up), and by routing to it an
 * SPI it made pending while routed to no vCPU (IROUTER, ISPENDR, IROUTER), each once the previous
 * was taken, spinning (busy exits) in between, so that each lands somewhere else in vCPU 1's
 * way into and out of its WFI. state[0]: sent, state[1]: spins, state[2]: the step of an enable
 * or a route wake-up. */
static struct sim_step waker(unsigned k, struct sim_mp_vcpu *v)
{
	unsigned taken;

	if (k == 1) {
		__atomic_store_n(&woken,
				 v->seen[WAKE_SGI] + v->seen[WAKE_SPI] + v->seen[ENABLE_SPI] +
				     v->seen[ROUTE_SPI],
				 __ATOMIC_RELEASE);
		return mp_wfi();
	}
	taken = __atomic_load_n(&woken, __ATOMIC_ACQUIRE);
	if (taken < v->state[0]) {
		if (++v->state[1] > SPIN_LIMIT)
			return mp_exit(STATUS_LOST);
		return mp_busy();
	}
	if (v->state[0] == WAKES)
		return mp_exit(0);
	v->state[1] = 0;
	switch (v->state[0] % 4) {
	case 0:
		v->state[0]++;
		return sim_mp_send_sgi(WAKE_SGI, 1);
	case 1:
		v->state[0]++;
		return mp_mmio_write(mp_gicd(GICD_ISPENDR + 4 * (WAKE_SPI / 32)), 4,
				     BIT(WAKE_SPI % 32));
	case 3:
		switch (v->state[2]++) {
		case 0:
			return mp_mmio_write(mp_gicd(GICD_IROUTER + 8 * ROUTE_SPI), 8, NOWHERE);
		case 1:
			return mp_mmio_write(mp_gicd(GICD_ISPENDR + 4), 4, BIT(ROUTE_SPI % 32));
		case 2 ... 1 + PEND_TO_ENABLE:
			return mp_busy();
		default:
			v->state[2] = 0;
			v->state[0]++;
			return mp_mmio_write(mp_gicd(GICD_IROUTER + 8 * ROUTE_SPI), 8, 1);
		}
	default:
		switch (v->state[2]++) {
		case 0:
			return mp_mmio_write(mp_gicd(GICD_ICENABLER + 4), 4, BIT(ENABLE_SPI % 32));
		case 1:
			return mp_mmio_write(mp_gicd(GICD_ISPENDR + 4), 4, BIT(ENABLE_SPI % 32));
		case 2 ... 1 + PEND_TO_ENABLE:
			/* Time for vCPU 1's pCPU to take the kick the pending SPI sent, and to
			 * find it not deliverable: only the enable can wake it now. */
			return mp_busy();
		default:
			v->state[2] = 0;
			v->state[0]++;
			return mp_mmio_write(mp_gicd(GICD_ISENABLER + 4), 4, BIT(ENABLE_SPI % 32));
		}
	}
}

static void test_vgic_vcpu_in_wfi_on_another_pcpu_is_woken_every_time(void **state)
{
	struct vgic_locked l;
	struct vgic_irq *spi;

	mp_machine(2, 2, waker);
	woken = 0;
	l = vgic_lock(vm);
	spi = vgic_irq(l, NULL, WAKE_SPI);
	vgic_set_priority(l, spi, MP_PRIO);
	vgic_set_route(l, spi, 1);
	vgic_set_enabled(l, spi, true);
	spi = vgic_irq(l, NULL, ENABLE_SPI);
	vgic_set_priority(l, spi, MP_PRIO);
	vgic_set_route(l, spi, 1);
	spi = vgic_irq(l, NULL, ROUTE_SPI);
	vgic_set_priority(l, spi, MP_PRIO);
	vgic_set_enabled(l, spi, true);
	vgic_unlock(&l);
	assert_int_equal(sim_mp_run(), 0);
	assert_int_equal(sim_mp.vcpu[0].state[0], WAKES);
	assert_int_equal(sim_mp.vcpu[1].seen[WAKE_SGI], WAKES / 4);
	assert_int_equal(sim_mp.vcpu[1].seen[WAKE_SPI], WAKES / 4);
	assert_int_equal(sim_mp.vcpu[1].seen[ENABLE_SPI], WAKES / 4);
	assert_int_equal(sim_mp.vcpu[1].seen[ROUTE_SPI], WAKES / 4);
	assert_int_equal(mp_seen_total(1), WAKES);
	assert_int_equal(mp_seen_total(0), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_teardown(test_vgic_concurrent_distributor_and_redistributor_writes,
				      mp_teardown),
	    cmocka_unit_test_teardown(test_vgic_vcpu_in_wfi_on_another_pcpu_is_woken_every_time,
				      mp_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

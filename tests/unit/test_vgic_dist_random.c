// SPDX-License-Identifier: MIT
/* Tests of vdev/vgic_dist.c, the model-based random test: register accesses of every size at
 * random offsets, input lines and vCPU runs, checked against a reference model of the GICv3
 * distributor written from vdev/vgic_mmio.h and the spec. The table-driven register tests are
 * test_vgic_dist_regs.c; the shared machine and accessors are vgic_dist_fixture.h. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <core/err.h>
#include <core/gicv3.h>
#include <core/lib.h>
#include <core/vgic.h>
#include <hal-sim/sim_hal.h>
#include <sim/sim.h>
#include <vdev/vgic_mmio.h>

#include "rng.h"
#include "vgic_dist_fixture.h"

#define RAND_ITERS 40000

/* A reference written from vdev/vgic_mmio.h and the GICv3 spec, not from the code: per SPI
 * the group, enable, pending latch, input line, active, trigger mode, priority and route;
 * GICD_CTLR's group enables. Pending = latch, or a high line of a level interrupt. Besides
 * register accesses the test drives input lines and runs a vCPU: its list registers must show
 * the model's state, and what the "guest" does to them (acknowledge, deactivate) must be
 * what the registers show after the fold. */
struct ref_irq {
	bool group, enabled, latch, line, active, edge;
	uint8_t priority;
	uint8_t active_priority; /* taken at: what its list register carries while active */
	uint64_t irouter;
	/* Per vCPU, acknowledged there and not deactivated in a list register since: the guest
	 * still holds the running priority it took it at (EOImode 0). */
	unsigned acked_open[NR_VCPUS];
};

static struct ref_irq ref[VGIC_MAX_INTID];
static bool ref_grp0, ref_grp1;

static bool ref_exists(uint64_t intid)
{
	return intid >= VGIC_NR_PRIVATE && intid < VGIC_NR_PRIVATE + NR_SPIS;
}

static bool ref_pending(const struct ref_irq *r)
{
	return r->latch || (!r->edge && r->line);
}

/* The vCPUs' MPIDRs: Aff0 = id, but vCPU 3 at Aff1 = 1 (gicdfx_vm_up()). */
static const uint64_t mpidr[NR_VCPUS] = {0, 1, 2, 0x100};

/* The vCPU an IROUTER value names, -1 for none. */
static int ref_target(uint64_t irouter)
{
	for (int v = 0; v < NR_VCPUS; v++) {
		if (mpidr[v] == irouter)
			return v;
	}
	return -1;
}

static bool ref_bit(const struct ref_irq *r, unsigned reg)
{
	switch (reg) {
	case 0:
		return r->group;
	case 1:
	case 2:
		return r->enabled;
	case 3:
	case 4:
		return ref_pending(r);
	default:
		return r->active;
	}
}

static uint64_t ref_read(uint64_t off, unsigned size)
{
	uint64_t val = 0;

	if (off == CTLR && size == 4)
		return CTLR_BASE | ref_grp0 | ref_grp1 << 1;
	if (off == TYPER && size == 4)
		return 1u << 25 | 1u << 24 | 15u << 19 | NR_SPIS / 32;
	if (off == IIDR && size == 4)
		return IIDR_VAL;
	if (off >= PIDR4 && size == 4) {
		static const uint8_t ids[12] = {0x44, 0, 0,    0,    0x92, 0xb4,
						0x3b, 0, 0x0d, 0xf0, 0x05, 0xb1};

		return ids[(off - PIDR4) / 4];
	}
	if (off >= IGROUPR && off < IPRIORITYR && size == 4) {
		for (unsigned i = 0; i < 32; i++) {
			uint64_t intid = (off % 0x80) * 8 + i;

			if (ref_exists(intid) && ref_bit(&ref[intid], (off - IGROUPR) / 0x80))
				val |= 1ULL << i;
		}
	} else if (off >= IPRIORITYR && off < ITARGETSR && (size == 1 || size == 4)) {
		for (unsigned i = 0; i < size; i++) {
			if (ref_exists(off - IPRIORITYR + i))
				val |= (uint64_t)ref[off - IPRIORITYR + i].priority << (8 * i);
		}
	} else if (off >= ICFGR && off < IGRPMODR && size == 4) {
		for (unsigned i = 0; i < 16; i++) {
			uint64_t intid = (off - ICFGR) * 4 + i;

			if (ref_exists(intid) && ref[intid].edge)
				val |= EDGE(i);
		}
	} else if (off >= IROUTER && off < IROUTER + 8 * 1020 && (size == 4 || size == 8)) {
		uint64_t intid = (off - IROUTER) / 8;

		if (ref_exists(intid))
			val = size == 8 ? ref[intid].irouter : ref[intid].irouter >> (off & 4) * 8;
		val &= size == 8 ? ~0ULL : 0xffffffffULL;
	}
	return val;
}

static void ref_write(uint64_t off, unsigned size, uint64_t val)
{
	if (off == CTLR && size == 4) {
		ref_grp0 = val & 1;
		ref_grp1 = val & 2;
	} else if (off >= IGROUPR && off < IPRIORITYR && size == 4) {
		unsigned reg = (unsigned)(off - IGROUPR) / 0x80;

		for (unsigned i = 0; i < 32; i++) {
			uint64_t intid = (off % 0x80) * 8 + i;
			bool bit = (val >> i) & 1;
			struct ref_irq *r;

			if (!ref_exists(intid) || (reg && !bit))
				continue;
			r = &ref[intid];
			if (reg == 0)
				r->group = bit;
			else if (reg <= 2)
				r->enabled = reg == 1;
			else if (reg <= 4)
				r->latch = reg == 3;
			else {
				/* ISACTIVER: it counts as taken at its current priority, unless
				 * the vCPU it goes to still holds the priority it took it at. */
				int t = ref_target(r->irouter);

				if (reg == 5 && !r->active && !(t >= 0 && r->acked_open[t]))
					r->active_priority = r->priority;
				r->active = reg == 5;
			}
		}
	} else if (off >= IPRIORITYR && off < ITARGETSR && (size == 1 || size == 4)) {
		for (unsigned i = 0; i < size; i++) {
			if (ref_exists(off - IPRIORITYR + i))
				ref[off - IPRIORITYR + i].priority =
				    (uint8_t)(val >> (8 * i)) & PRI_MASK;
		}
	} else if (off >= ICFGR && off < IGRPMODR && size == 4) {
		for (unsigned i = 0; i < 16; i++) {
			uint64_t intid = (off - ICFGR) * 4 + i;

			if (ref_exists(intid))
				ref[intid].edge = val & EDGE(i);
		}
	} else if (off >= IROUTER && off < IROUTER + 8 * 1020 && (size == 4 || size == 8)) {
		uint64_t intid = (off - IROUTER) / 8, *r;

		if (!ref_exists(intid))
			return;
		r = &ref[intid].irouter;
		if (size == 8)
			*r = val;
		else if (off & 4)
			*r = (*r & 0xffffffffULL) | val << 32;
		else
			*r = (*r & ~0xffffffffULL) | (val & 0xffffffffULL);
		*r &= 0xff00ffffffULL; /* Aff3..Aff0 */
	}
}

static uint64_t random_offset(uint64_t *seed, unsigned size)
{
	uint64_t off;

	switch (rng_below(seed, 8)) {
	case 0:
		off = rng_below(seed, 0x10000);
		break;
	case 1:
		off = IPRIORITYR + rng_below(seed, 0x80);
		break;
	case 2:
		off = ICFGR + rng_below(seed, 0x20);
		break;
	case 3:
		off = IROUTER + 8 * 24 + rng_below(seed, 8 * 112);
		break;
	case 4:
		off = rng_below(seed, 0x10);
		break;
	default:
		off = IGROUPR + rng_below(seed, 0x380);
		break;
	}
	return off & ~(uint64_t)(size - 1); /* the bus passes aligned accesses only */
}

/* vgic_flush() left a pending interrupt out of the list registers: "no pending" maintenance. */
static bool waiting_outside(const struct vcpu *vcpu)
{
	return vcpu->ctx.vgic.hcr & ICH_HCR_NPIE;
}

/* Run vCPU `v` once: its list registers must match the model; then the guest acknowledges or
 * deactivates some of them, and the fold brings that back. */
static void run_vcpu(uint64_t *seed, unsigned v)
{
	struct vcpu *vcpu = &gicdfx_m.vm->vcpus[v];
	uint64_t *lr = vcpu->ctx.vgic.lr;

	vgic_flush(vcpu);
	for (unsigned n = 0; n < vcpu->vgic.nr_lrs; n++) {
		uint64_t state = lr[n] >> ICH_LR_STATE_SHIFT;
		uint32_t intid = (uint32_t)(lr[n] & ICH_LR_VINTID_MASK);
		struct ref_irq *r = &ref[intid];

		if (!(vcpu->vgic.lr_used & BIT(n)))
			continue;
		if (intid < VGIC_NR_PRIVATE)
			continue; /* nothing makes SGIs/PPIs pending in this test */
		assert_true(ref_exists(intid));
		/* An active SPI stays with the vCPU that took it until it is deactivated. */
		if (!r->active)
			assert_int_equal(ref_target(r->irouter), v);
		/* The guest only sees the pending state of an interrupt it could take; an active
		 * one's stays back while others wait outside the list registers. */
		if ((state & ICH_LR_STATE_PENDING) || !r->active || !waiting_outside(vcpu))
			assert_int_equal(!!(state & ICH_LR_STATE_PENDING),
					 ref_pending(r) && r->enabled &&
					     (r->group ? ref_grp1 : ref_grp0));
		assert_int_equal(!!(state & ICH_LR_STATE_ACTIVE), r->active);
		assert_int_equal((lr[n] >> ICH_LR_PRIORITY_SHIFT) & 0xff,
				 r->active ? r->active_priority : r->priority);
		assert_int_equal(!!(lr[n] & ICH_LR_GROUP), r->group);
		if (rng_below(seed, 2))
			continue;
		if (state == ICH_LR_STATE_PENDING) { /* acknowledge */
			state = ICH_LR_STATE_ACTIVE;
			r->latch = false;
			r->active = true;
			r->active_priority = r->priority;
			r->acked_open[v]++;
		} else { /* deactivate (EOI) */
			state &= ~ICH_LR_STATE_ACTIVE;
			r->active = false;
			if (r->acked_open[v])
				r->acked_open[v]--;
		}
		gicdfx_lr_set_state(&lr[n], state);
	}
	vgic_fold(vcpu);
}

static void check_all(unsigned it)
{
	static const uint64_t words[] = {IGROUPR, ISENABLER, ISPENDR, ISACTIVER};

	for (unsigned w = 0; w < ARRAY_SIZE(words); w++) {
		for (uint64_t off = words[w]; off < words[w] + 16; off += 4) {
			if (gicdfx_rd(off, 4) != ref_read(off, 4))
				fail_msg("iteration %u: 0x%04llx reads 0x%llx, model 0x%llx", it,
					 (unsigned long long)off,
					 (unsigned long long)gicdfx_rd(off, 4),
					 (unsigned long long)ref_read(off, 4));
		}
	}
	for (uint64_t off = IPRIORITYR; off < IPRIORITYR + 128; off += 4)
		assert_int_equal(gicdfx_rd(off, 4), ref_read(off, 4));
	for (uint64_t off = ICFGR; off < ICFGR + 32; off += 4)
		assert_int_equal(gicdfx_rd(off, 4), ref_read(off, 4));
	for (uint64_t off = IROUTER + 8 * 32; off < IROUTER + 8 * 128; off += 8)
		assert_int_equal(gicdfx_rd(off, 8), ref_read(off, 8));
	assert_int_equal(gicdfx_rd(CTLR, 4), ref_read(CTLR, 4));
}

static void test_vgic_dist_random_accesses_match_a_reference_model(void **state)
{
	uint64_t seed = rng_seed(__func__, 0x61c);

	memset(ref, 0, sizeof(ref));
	gicdfx_wr(CTLR, 4, 3); /* both groups on: most runs deliver something */
	ref_grp0 = ref_grp1 = true;
	for (unsigned it = 0; it < RAND_ITERS; it++) {
		unsigned size = 1u << rng_below(&seed, 4), what = (unsigned)rng_below(&seed, 20);
		uint64_t off = random_offset(&seed, size), val = rng_next(&seed);
		uint32_t intid = (uint32_t)(VGIC_NR_PRIVATE + rng_below(&seed, VGIC_MAX_SPIS));

		/* Routes mostly to a vCPU that exists, or no SPI would ever be delivered. */
		if (off >= IROUTER && rng_below(&seed, 8))
			val = (off & 4) && size == 4 ? 0 : mpidr[val % NR_VCPUS];
		if (what < 8) {
			gicdfx_wr(off, size, val);
			ref_write(off, size, val);
		} else if (what < 15) {
			uint64_t got = gicdfx_rd(off, size);

			if (got != ref_read(off, size))
				fail_msg(
				    "iteration %u: %u-byte read at 0x%04llx gave 0x%llx, model "
				    "0x%llx",
				    it, size, (unsigned long long)off, (unsigned long long)got,
				    (unsigned long long)ref_read(off, size));
		} else if (what < 17) {
			bool level = val & 1;

			vgic_set_line(gicdfx_m.vm, NULL, intid, level);
			if (ref_exists(intid)) {
				if (ref[intid].edge && level && !ref[intid].line)
					ref[intid].latch = true;
				ref[intid].line = level;
			}
		} else if (what < 18) {
			vgic_pulse(gicdfx_m.vm, NULL, intid);
			if (ref_exists(intid))
				ref[intid].latch = true;
		} else {
			run_vcpu(&seed, (unsigned)rng_below(&seed, NR_VCPUS));
		}
		if (it % 1024 == 0)
			check_all(it);
	}
	check_all(RAND_ITERS);
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, gicdfx_setup, gicdfx_teardown)
	const struct CMUnitTest tests[] = {
	    T(test_vgic_dist_random_accesses_match_a_reference_model),
	};
#undef T

	return cmocka_run_group_tests_name("vgic_dist_random", tests, NULL, NULL);
}

// SPDX-License-Identifier: MIT
/* Tests of vdev/vgic_dist.c (and the per-interrupt registers of vdev/vgic_regs.c) against the
 * GICv3 distributor's register map as vdev/vgic_mmio.h describes it: identification, GICD_CTLR,
 * the SPI bitmaps, priorities, trigger modes and routes, what is RAZ/WI (SGIs and PPIs with
 * ARE = 1, SPIs beyond the VM's count, reserved offsets, unsupported sizes), the true state of
 * interrupts that went through the list registers. The device is driven through its MMIO bus
 * entry, as core/trap_abort.c drives it (vgic_dist_fixture.h); the model-based random test is
 * test_vgic_dist_random.c. */
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

#include "vgic_dist_fixture.h"

/* The state behind an INTID, for the test to look at once the access is over. */
static struct vgic_irq *ppi_or_spi(struct vcpu *vcpu, uint32_t intid)
{
	struct vgic_locked l = vgic_lock(gicdfx_m.vm);
	struct vgic_irq *irq = vgic_irq(l, vcpu, intid);

	vgic_unlock(&l);
	return irq;
}

static struct vgic_irq *spi(uint32_t intid)
{
	return ppi_or_spi(NULL, intid);
}

static struct vgic_irq *ppi(unsigned vcpu, uint32_t intid)
{
	return ppi_or_spi(&gicdfx_m.vm->vcpus[vcpu], intid);
}

static void test_vgic_dist_sits_on_the_bus_at_the_board_address(void **state)
{
	assert_int_equal(gicdfx_dev->base, VM_GICD_BASE);
	assert_int_equal(gicdfx_dev->size, 0x10000);
	assert_string_equal(gicdfx_dev->name, "gicd");
	assert_ptr_equal(vm_find_mmio(gicdfx_m.vm, VM_GICD_BASE + 0xffff), gicdfx_dev);
	assert_ptr_not_equal(vm_find_mmio(gicdfx_m.vm, VM_GICD_BASE + 0x10000), gicdfx_dev);
}

static void test_vgic_dist_identification_registers_have_their_values(void **state)
{
	static const struct {
		uint64_t off;
		uint32_t val;
	} regs[] = {
	    {CTLR, CTLR_BASE},
	    /* No1N, A3V, IDbits 15, ITLinesNumber 2 (INTIDs up to 95) */
	    {TYPER, 1u << 25 | 1u << 24 | 15u << 19 | 2},
	    {IIDR, IIDR_VAL},
	    {TYPER2, 0},
	    {STATUSR, 0},
	    {PIDR4, 0x44},
	    {PIDR4 + 4, 0},
	    {PIDR0, 0x92},
	    {PIDR0 + 4, 0xb4},
	    {PIDR2, 0x3b}, /* ArchRev 3: GICv3 */
	    {PIDR2 + 4, 0},
	    {CIDR0, 0x0d},
	    {CIDR0 + 4, 0xf0},
	    {CIDR0 + 8, 0x05},
	    {CIDR0 + 12, 0xb1},
	};

	for (unsigned i = 0; i < ARRAY_SIZE(regs); i++) {
		assert_int_equal(gicdfx_rd(regs[i].off, 4), regs[i].val);
		gicdfx_wr(regs[i].off, 4, ~0ULL); /* read-only or RAZ/WI, CTLR aside */
		if (regs[i].off != CTLR)
			assert_int_equal(gicdfx_rd(regs[i].off, 4), regs[i].val);
	}
}

static void test_vgic_dist_typer_counts_the_vms_spis(void **state)
{
	static const struct {
		unsigned nr_spis, itlines;
	} cases[] = {{0, 0}, {1, 1}, {32, 1}, {33, 2}, {96, 3}, {1000, 3}};

	for (unsigned i = 0; i < ARRAY_SIZE(cases); i++) {
		sim_machine_destroy(&gicdfx_m);
		gicdfx_machine_up(1, cases[i].nr_spis);
		assert_int_equal(gicdfx_rd(TYPER, 4) & 0x1f, cases[i].itlines);
	}
}

static void test_vgic_dist_ctlr_keeps_only_the_group_enables(void **state)
{
	gicdfx_wr(CTLR, 4, 0xffffffff);
	assert_int_equal(gicdfx_rd(CTLR, 4), CTLR_BASE | 3); /* RWP, E1NWF read 0 */
	assert_true(gicdfx_m.vm->vgic.enable_grp0 && gicdfx_m.vm->vgic.enable_grp1);
	gicdfx_wr(CTLR, 4, 2);
	assert_int_equal(gicdfx_rd(CTLR, 4), CTLR_BASE | 2);
	assert_false(gicdfx_m.vm->vgic.enable_grp0);
	gicdfx_wr(CTLR, 4, 0); /* ARE and DS cannot be cleared */
	assert_int_equal(gicdfx_rd(CTLR, 4), CTLR_BASE);
	assert_false(gicdfx_m.vm->vgic.enable_grp1);
}

/* Each set/clear pair on the SPIs of one word, seen in core's state and in both registers. */
static void test_vgic_dist_set_and_clear_registers_change_spi_state(void **state)
{
	static const struct {
		uint64_t set, clr;
	} pairs[] = {{ISENABLER, ICENABLER}, {ISPENDR, ICPENDR}, {ISACTIVER, ICACTIVER}};

	for (unsigned p = 0; p < ARRAY_SIZE(pairs); p++) {
		uint64_t w1 = 4, w2 = 8; /* INTIDs 32..63, 64..95 */

		gicdfx_wr(pairs[p].set + w1, 4, 0x80000001);
		gicdfx_wr(pairs[p].set + w2, 4, 0x00010000);
		assert_int_equal(gicdfx_rd(pairs[p].set + w1, 4), 0x80000001);
		assert_int_equal(gicdfx_rd(pairs[p].clr + w1, 4), 0x80000001);
		assert_int_equal(gicdfx_rd(pairs[p].clr + w2, 4), 0x00010000);
		for (uint32_t intid = 32; intid < 96; intid++) {
			const struct vgic_irq *irq = spi(intid);
			bool want = intid == 32 || intid == 63 || intid == 80;
			bool got = p == 0   ? irq->enabled
				   : p == 1 ? vgic_irq_pending(irq)
					    : irq->active;

			assert_int_equal(got, want);
		}
		gicdfx_wr(pairs[p].set + w1, 4, 0); /* zeros change nothing */
		gicdfx_wr(pairs[p].clr + w1, 4, 0x00000001);
		assert_int_equal(gicdfx_rd(pairs[p].set + w1, 4), 0x80000000);
		gicdfx_wr(pairs[p].clr + w1, 4, 0xffffffff);
		gicdfx_wr(pairs[p].clr + w2, 4, 0xffffffff);
		assert_int_equal(gicdfx_rd(pairs[p].set + w1, 4), 0);
		assert_int_equal(gicdfx_rd(pairs[p].set + w2, 4), 0);
	}
}

static void test_vgic_dist_igroupr_sets_and_clears_each_spis_group(void **state)
{
	gicdfx_wr(IGROUPR + 4, 4, 0xa5a5a5a5);
	assert_int_equal(gicdfx_rd(IGROUPR + 4, 4), 0xa5a5a5a5);
	assert_int_equal(spi(32)->group, 1);
	assert_int_equal(spi(33)->group, 0);
	gicdfx_wr(IGROUPR + 4, 4, 0x0000ffff);
	assert_int_equal(gicdfx_rd(IGROUPR + 4, 4), 0x0000ffff);
	assert_int_equal(spi(63)->group, 0);
}

/* With ARE = 1 the first word of each per-interrupt register belongs to the redistributors. */
static void test_vgic_dist_sgi_and_ppi_fields_are_raz_wi(void **state)
{
	static const uint64_t words[] = {IGROUPR,   ISENABLER, ICENABLER, ISPENDR,  ICPENDR,
					 ISACTIVER, ICACTIVER, ICFGR,	  ICFGR + 4};

	for (unsigned i = 0; i < ARRAY_SIZE(words); i++) {
		gicdfx_wr(words[i], 4, 0xffffffff);
		assert_int_equal(gicdfx_rd(words[i], 4), 0);
	}
	for (unsigned b = 0; b < VGIC_NR_PRIVATE; b += 4) {
		gicdfx_wr(IPRIORITYR + b, 4, 0xffffffff);
		assert_int_equal(gicdfx_rd(IPRIORITYR + b, 4), 0);
	}
	gicdfx_wr(IROUTER + 8 * 27, 8, 1);
	assert_int_equal(gicdfx_rd(IROUTER + 8 * 27, 8), 0);
	for (unsigned v = 0; v < NR_VCPUS; v++) {
		for (uint32_t intid = 0; intid < VGIC_NR_PRIVATE; intid++) {
			const struct vgic_irq *irq = ppi(v, intid);

			assert_false(irq->enabled || irq->active || vgic_irq_pending(irq));
			assert_int_equal(irq->priority, 0);
			assert_int_equal(irq->group, 0);
			assert_int_equal(irq->edge, intid < 16);
		}
	}
}

static void test_vgic_dist_spis_beyond_the_vms_count_are_raz_wi(void **state)
{
	gicdfx_wr(ISENABLER + 12, 4, 0xffffffff); /* INTIDs 96..127 */
	gicdfx_wr(ISPENDR + 12, 4, 0xffffffff);
	gicdfx_wr(IGROUPR + 12, 4, 0xffffffff);
	gicdfx_wr(IPRIORITYR + 100, 1, 0xff);
	gicdfx_wr(ICFGR + 8 * 4 - 4, 4, 0xaaaaaaaa); /* ICFGR7: INTIDs 112..127 */
	gicdfx_wr(IROUTER + 8 * 100, 8, 1);
	assert_int_equal(gicdfx_rd(ISENABLER + 12, 4), 0);
	assert_int_equal(gicdfx_rd(ISPENDR + 12, 4), 0);
	assert_int_equal(gicdfx_rd(IGROUPR + 12, 4), 0);
	assert_int_equal(gicdfx_rd(IPRIORITYR + 100, 1), 0);
	assert_int_equal(gicdfx_rd(ICFGR + 28, 4), 0);
	assert_int_equal(gicdfx_rd(IROUTER + 8 * 100, 8), 0);
	assert_int_equal(gicdfx_rd(IROUTER + 8 * 1019, 8), 0); /* the last IROUTER */
	for (unsigned i = NR_SPIS; i < VGIC_MAX_SPIS; i++) {
		const struct vgic_irq *irq = &gicdfx_m.vm->vgic.spis[i];

		assert_false(irq->enabled || irq->pending_latch || irq->group);
		assert_int_equal(irq->priority, 0);
		assert_null(irq->target);
	}
}

static void test_vgic_dist_ipriorityr_keeps_the_implemented_bits_of_each_byte(void **state)
{
	gicdfx_wr(IPRIORITYR + 32, 4, 0x12345678);
	assert_int_equal(gicdfx_rd(IPRIORITYR + 32, 4), 0x10305078);
	assert_int_equal(spi(32)->priority, 0x78);
	assert_int_equal(spi(35)->priority, 0x10);
	gicdfx_wr(IPRIORITYR + 34, 1, 0xff); /* one byte lane, the others kept */
	assert_int_equal(gicdfx_rd(IPRIORITYR + 32, 4), 0x10f85078);
	assert_int_equal(gicdfx_rd(IPRIORITYR + 34, 1), 0xf8);
	assert_int_equal(gicdfx_rd(IPRIORITYR + 35, 1), 0x10);
	gicdfx_wr(IPRIORITYR + 95, 1, 0x07); /* below the implemented bits */
	assert_int_equal(gicdfx_rd(IPRIORITYR + 92, 4), 0);
}

static void test_vgic_dist_priority_bits_follow_the_cpu_interface(void **state)
{
	static const struct {
		unsigned pri_bits;
		uint8_t mask;
	} cases[] = {{4, 0xf0}, {5, 0xf8}, {7, 0xfe}, {8, 0xff}};

	for (unsigned i = 0; i < ARRAY_SIZE(cases); i++) {
		sim_machine_destroy(&gicdfx_m);
		gicdfx_machine_up(1, 32);
		sim_hal.vgic_pri_bits = cases[i].pri_bits;
		vgic_init(gicdfx_m.vm, 32);
		gicdfx_wr(IPRIORITYR + 40, 1, 0xff);
		assert_int_equal(gicdfx_rd(IPRIORITYR + 40, 1), cases[i].mask);
	}
}

static void test_vgic_dist_icfgr_programs_the_spi_trigger_mode(void **state)
{
	assert_int_equal(gicdfx_rd(ICFGR + 8, 4), 0); /* level after reset */
	gicdfx_wr(ICFGR + 8, 4, 0xffffffff); /* the RES0 low bit of each field is dropped */
	assert_int_equal(gicdfx_rd(ICFGR + 8, 4), 0xaaaaaaaa);
	assert_true(spi(32)->edge && spi(47)->edge);
	assert_false(spi(48)->edge);
	gicdfx_wr(ICFGR + 8, 4, EDGE(0) | EDGE(15)); /* INTIDs 32 and 47 edge, the rest level */
	assert_int_equal(gicdfx_rd(ICFGR + 8, 4), 0x80000002);
	assert_false(spi(33)->edge);
	assert_int_equal(gicdfx_rd(ICFGR + 12, 4), 0);
}

/* A high level input is pending only while the interrupt is level-sensitive. */
static void test_vgic_dist_icfgr_change_recomputes_pending_of_a_high_line(void **state)
{
	struct vcpu *v0 = &gicdfx_m.vm->vcpus[0];

	vgic_set_line(gicdfx_m.vm, NULL, 40, true);
	assert_int_equal(gicdfx_rd(ISPENDR + 4, 4), 1u << 8);
	assert_true(v0->vgic.interesting[0] & BIT(40));
	gicdfx_wr(ICFGR + 8, 4, EDGE(8));
	assert_int_equal(gicdfx_rd(ISPENDR + 4, 4), 0);
	assert_false(v0->vgic.interesting[0] & BIT(40));
	gicdfx_wr(ICFGR + 8, 4, 0);
	assert_int_equal(gicdfx_rd(ISPENDR + 4, 4), 1u << 8);
	assert_true(v0->vgic.interesting[0] & BIT(40));
	/* ICPENDR clears the latch only: the line keeps it pending. */
	gicdfx_wr(ICPENDR + 4, 4, 1u << 8);
	assert_int_equal(gicdfx_rd(ISPENDR + 4, 4), 1u << 8);
	vgic_set_line(gicdfx_m.vm, NULL, 40, false);
	assert_int_equal(gicdfx_rd(ISPENDR + 4, 4), 0);
}

static void test_vgic_dist_irouter_routes_spis_by_affinity(void **state)
{
	struct vcpu *v = gicdfx_m.vm->vcpus;

	assert_ptr_equal(spi(50)->target, &v[0]); /* reset: vCPU 0 */
	gicdfx_wr(IROUTER + 8 * 50, 8, 2);
	assert_ptr_equal(spi(50)->target, &v[2]);
	assert_int_equal(gicdfx_rd(IROUTER + 8 * 50, 8), 2);
	gicdfx_wr(IROUTER + 8 * 50, 4, 0x100); /* low half: Aff1 = 1 is vCPU 3 */
	assert_ptr_equal(spi(50)->target, &v[3]);
	gicdfx_wr(IROUTER + 8 * 50 + 4, 4, 0x7); /* high half: Aff3 = 7, no such vCPU */
	assert_int_equal(gicdfx_rd(IROUTER + 8 * 50, 8), 0x0000000700000100ULL);
	assert_int_equal(gicdfx_rd(IROUTER + 8 * 50 + 4, 4), 7);
	assert_null(spi(50)->target);
	/* IRM (1-of-N, No1N = 1) and RES0 bits read 0. */
	gicdfx_wr(IROUTER + 8 * 50, 8, 0xffffff07ff000001ULL | GICD_IROUTER_IRM);
	assert_int_equal(gicdfx_rd(IROUTER + 8 * 50, 8), 0x0000000700000001ULL);
	gicdfx_wr(IROUTER + 8 * 50, 8, 1);
	assert_ptr_equal(spi(50)->target, &v[1]);
	/* A pending SPI follows its route. */
	gicdfx_wr(ISPENDR + 4, 4, 1u << 18);
	assert_true(v[1].vgic.interesting[0] & BIT(50));
	gicdfx_wr(IROUTER + 8 * 50, 8, 0);
	assert_false(v[1].vgic.interesting[0] & BIT(50));
	assert_true(v[0].vgic.interesting[0] & BIT(50));
}

static void test_vgic_dist_unsupported_sizes_are_raz_wi(void **state)
{
	static const struct {
		uint64_t off;
		unsigned size;
	} cases[] = {
	    {CTLR, 1},
	    {CTLR, 2},
	    {CTLR, 8},
	    {ISENABLER + 4, 1},
	    {ISPENDR + 4, 2},
	    {ISACTIVER + 8, 8},
	    {IGROUPR + 4, 1},
	    {IPRIORITYR + 32, 2},
	    {IPRIORITYR + 32, 8},
	    {ICFGR + 8, 1},
	    {IROUTER + 8 * 40, 1},
	    {IROUTER + 8 * 40, 2},
	    {PIDR2, 1},
	};

	gicdfx_wr(CTLR, 4, 3);
	gicdfx_wr(ISENABLER + 4, 4, 0xff);
	gicdfx_wr(IPRIORITYR + 32, 4, 0x80808080);
	gicdfx_wr(IROUTER + 8 * 40, 8, 1);
	for (unsigned i = 0; i < ARRAY_SIZE(cases); i++) {
		assert_int_equal(gicdfx_rd(cases[i].off, cases[i].size), 0);
		gicdfx_wr(cases[i].off, cases[i].size, 0);
		gicdfx_wr(cases[i].off, cases[i].size, ~0ULL);
	}
	assert_int_equal(gicdfx_rd(CTLR, 4), CTLR_BASE | 3);
	assert_int_equal(gicdfx_rd(ISENABLER + 4, 4), 0xff);
	assert_int_equal(gicdfx_rd(ICFGR + 8, 4), 0);
	assert_int_equal(gicdfx_rd(IGROUPR + 4, 4), 0);
	assert_int_equal(gicdfx_rd(IPRIORITYR + 32, 4), 0x80808080);
	assert_int_equal(gicdfx_rd(IROUTER + 8 * 40, 8), 1);
	assert_non_null(strstr(sim_hal.console, "size not supported"));
}

static void test_vgic_dist_reserved_and_legacy_offsets_are_raz_wi(void **state)
{
	static const uint64_t offs[] = {
	    0x0014,	  0x0040,	  0x0048,
	    0x007c,	  ITARGETSR + 32, ITARGETSR + 0x3fc,
	    IGRPMODR + 4, NSACR + 8,	  SGIR,
	    0x0f10,	  0x0f20,	  0x0f80,
	    0x0d80,	  0x6000,	  0x60f8,
	    0x7fe0,	  0x8000,	  0xa000,
	    0xc000,	  0xffc8,	  IPRIORITYR + 0x3fc,
	};

	gicdfx_wr(ISPENDR + 4, 4, 1); /* SGIR writes must not send anything anywhere */
	for (unsigned i = 0; i < ARRAY_SIZE(offs); i++) {
		gicdfx_wr(offs[i], 4, 0xffffffff);
		assert_int_equal(gicdfx_rd(offs[i], 4), 0);
		gicdfx_wr(offs[i] & ~7ULL, 8, ~0ULL);
		gicdfx_wr(offs[i], 1, 0xff);
	}
	for (unsigned v = 0; v < NR_VCPUS; v++) {
		assert_int_equal(gicdfx_m.vm->vcpus[v].vgic.interesting[0] & 0xffffffff, 0);
		assert_int_equal(gicdfx_m.vm->vcpus[v].vgic.interesting[1], 0);
	}
	assert_int_equal(gicdfx_rd(ISPENDR + 4, 4), 1);
}

/* The registers show what the list registers did: core folds them back before MMIO runs. */
static void test_vgic_dist_pending_and_active_follow_the_list_registers(void **state)
{
	struct vcpu *v0 = &gicdfx_m.vm->vcpus[0];
	uint64_t *lr = v0->ctx.vgic.lr;

	gicdfx_wr(CTLR, 4, 3);
	gicdfx_wr(IGROUPR + 4, 4, 0xffffffff);
	gicdfx_wr(ISENABLER + 4, 4, 1u << 3);
	gicdfx_wr(ISPENDR + 4, 4, 1u << 3); /* INTID 35, edge-like latch */
	vgic_flush(v0);
	assert_int_equal(lr[0] & ICH_LR_VINTID_MASK, 35);
	assert_int_equal(lr[0] >> ICH_LR_STATE_SHIFT, ICH_LR_STATE_PENDING);
	vgic_fold(v0); /* not acknowledged: still pending */
	assert_int_equal(gicdfx_rd(ISPENDR + 4, 4), 1u << 3);
	assert_int_equal(gicdfx_rd(ISACTIVER + 4, 4), 0);

	vgic_flush(v0);
	gicdfx_lr_set_state(&lr[0], ICH_LR_STATE_ACTIVE);
	vgic_fold(v0); /* the guest acknowledged it */
	assert_int_equal(gicdfx_rd(ISPENDR + 4, 4), 0);
	assert_int_equal(gicdfx_rd(ISACTIVER + 4, 4), 1u << 3);
	gicdfx_wr(ISPENDR + 4, 4, 1u << 3); /* pending again while active */
	vgic_flush(v0);
	assert_int_equal(lr[0] >> ICH_LR_STATE_SHIFT, ICH_LR_STATE_PENDING | ICH_LR_STATE_ACTIVE);
	vgic_fold(v0);
	gicdfx_wr(ICACTIVER + 4, 4, 1u << 3); /* the guest's driver resets it by register */
	assert_int_equal(gicdfx_rd(ISACTIVER + 4, 4), 0);
	assert_int_equal(gicdfx_rd(ISPENDR + 4, 4), 1u << 3);
	gicdfx_wr(ICPENDR + 4, 4, 1u << 3);
	assert_int_equal(gicdfx_rd(ISPENDR + 4, 4), 0);
	vgic_flush(v0);
	assert_int_equal(v0->vgic.lr_used, 0);
	assert_int_equal(lr[0], 0);
}

static void test_vgic_dist_attach_checks_alignment_and_overlap(void **state)
{
	assert_int_equal(vgic_dist_attach(gicdfx_m.vm, VM_GICD_BASE), HV_EBUSY);
	assert_int_equal(vgic_dist_attach(gicdfx_m.vm, VM_GICD_BASE + 0x1000), HV_EINVAL);
}

static void test_vgic_dist_each_vm_has_its_own_distributor(void **state)
{
	struct sim_machine other;
	struct mmio_device *d2 = gicdfx_vm_up(&other, 1, 32);
	uint64_t val = 1;

	assert_ptr_not_equal(d2, gicdfx_dev);
	gicdfx_wr(ISENABLER + 4, 4, 0xffffffff);
	gicdfx_wr(CTLR, 4, 3);
	gicdfx_wr(IPRIORITYR + 32, 4, 0xffffffff);
	assert_int_equal(d2->ops->read(d2, NULL, ISENABLER + 4, 4, &val), HV_OK);
	assert_int_equal(val, 0);
	assert_int_equal(d2->ops->read(d2, NULL, CTLR, 4, &val), HV_OK);
	assert_int_equal(val, CTLR_BASE);
	assert_int_equal(d2->ops->read(d2, NULL, IPRIORITYR + 32, 4, &val), HV_OK);
	assert_int_equal(val, 0);
	assert_int_equal(gicdfx_rd(ISENABLER + 4, 4), 0xffffffff);
	sim_machine_destroy(&other);
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, gicdfx_setup, gicdfx_teardown)
	const struct CMUnitTest tests[] = {
	    T(test_vgic_dist_sits_on_the_bus_at_the_board_address),
	    T(test_vgic_dist_identification_registers_have_their_values),
	    T(test_vgic_dist_typer_counts_the_vms_spis),
	    T(test_vgic_dist_ctlr_keeps_only_the_group_enables),
	    T(test_vgic_dist_set_and_clear_registers_change_spi_state),
	    T(test_vgic_dist_igroupr_sets_and_clears_each_spis_group),
	    T(test_vgic_dist_sgi_and_ppi_fields_are_raz_wi),
	    T(test_vgic_dist_spis_beyond_the_vms_count_are_raz_wi),
	    T(test_vgic_dist_ipriorityr_keeps_the_implemented_bits_of_each_byte),
	    T(test_vgic_dist_priority_bits_follow_the_cpu_interface),
	    T(test_vgic_dist_icfgr_programs_the_spi_trigger_mode),
	    T(test_vgic_dist_icfgr_change_recomputes_pending_of_a_high_line),
	    T(test_vgic_dist_irouter_routes_spis_by_affinity),
	    T(test_vgic_dist_unsupported_sizes_are_raz_wi),
	    T(test_vgic_dist_reserved_and_legacy_offsets_are_raz_wi),
	    T(test_vgic_dist_pending_and_active_follow_the_list_registers),
	    T(test_vgic_dist_attach_checks_alignment_and_overlap),
	    T(test_vgic_dist_each_vm_has_its_own_distributor),
	};
#undef T

	return cmocka_run_group_tests_name("vgic_dist_regs", tests, NULL, NULL);
}

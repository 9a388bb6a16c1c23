// SPDX-License-Identifier: MIT
/* Tests of vdev/vgic_dist.c (and the per-interrupt registers of vdev/vgic_regs.c) against the
 * GICv3 distributor's register map as vdev/vgic_mmio.h describes it: identification, GICD_CTLR,
 * the SPI bitmaps, priorities, trigger modes and routes, what is RAZ/WI (SGIs and PPIs with
 * ARE = 1, SPIs beyond the VM's count, reserved offsets, unsupported sizes), the true state of
 * interrupts that went through the list registers; and a model-based random test. The device is
 * driven through its MMIO bus entry, as core/trap_abort.c drives it. */
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

#define CTLR	   0x0000
#define TYPER	   0x0004
#define IIDR	   0x0008
#define TYPER2	   0x000c
#define STATUSR	   0x0010
#define IGROUPR	   0x0080
#define ISENABLER  0x0100
#define ICENABLER  0x0180
#define ISPENDR	   0x0200
#define ICPENDR	   0x0280
#define ISACTIVER  0x0300
#define ICACTIVER  0x0380
#define IPRIORITYR 0x0400
#define ITARGETSR  0x0800
#define ICFGR	   0x0c00
#define IGRPMODR   0x0d00
#define NSACR	   0x0e00
#define SGIR	   0x0f00
#define IROUTER	   0x6000
#define PIDR4	   0xffd0
#define PIDR0	   0xffe0
#define PIDR2	   0xffe8
#define CIDR0	   0xfff0

#define NR_VCPUS  4
#define NR_SPIS	  64   /* INTIDs 32..95; 96..127 exist in core but not for this VM */
#define CTLR_BASE 0x50 /* ARE | DS */
#define IIDR_VAL  0x4800043b
#define PRI_MASK  0xf8 /* 5 priority bits */

#define EDGE(i) (2u << (2 * (i))) /* ICFGR field i: edge-triggered */

#define RAND_ITERS 40000

static struct sim_machine m;
static struct mmio_device *gicd;

/* A VM on `mm` with `vcpus` vCPUs (MPIDR Aff0 = id, but vCPU 3 at Aff1 = 1) and the vGIC
 * attached; returns its distributor. */
static struct mmio_device *vgic_vm_up(struct sim_machine *mm, unsigned vcpus, unsigned nr_spis)
{
	const struct sim_config cfg = {.no_ram = true};
	struct mmio_device *dev;
	struct vcpu *v;

	assert_int_equal(sim_machine_init(mm, &cfg), HV_OK);
	for (unsigned i = 0; i < vcpus; i++)
		assert_int_equal(vm_add_vcpu(mm->vm, VM_RAM_BASE, 0, &v), HV_OK);
	if (vcpus > 3)
		mm->vm->vcpus[3].ctx.vmpidr = 0x100;
	vgic_init(mm->vm, nr_spis);
	/* Each guest has switched both groups on at its CPU interface (ICC_IGRPEN0/1_EL1). */
	for (unsigned i = 0; i < mm->vm->vcpu_count; i++)
		mm->vm->vcpus[i].ctx.vgic.vmcr = ICH_VMCR_VENG0 | ICH_VMCR_VENG1;
	assert_int_equal(vgic_dist_attach(mm->vm, VM_GICD_BASE), HV_OK);
	assert_int_equal(vgic_redist_attach(mm->vm, VM_GICR_BASE), HV_OK);
	dev = vm_find_mmio(mm->vm, VM_GICD_BASE);
	assert_non_null(dev);
	return dev;
}

static void machine_up(unsigned vcpus, unsigned nr_spis)
{
	gicd = vgic_vm_up(&m, vcpus, nr_spis);
}

static int setup(void **state)
{
	sim_hal_reset();
	machine_up(NR_VCPUS, NR_SPIS);
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

	assert_int_equal(gicd->ops->read(gicd, &m.vm->vcpus[0], off, size, &val), HV_OK);
	return val;
}

static void wr(uint64_t off, unsigned size, uint64_t val)
{
	assert_int_equal(gicd->ops->write(gicd, &m.vm->vcpus[0], off, size, val), HV_OK);
}

static struct vgic_irq *spi(uint32_t intid)
{
	return vgic_irq_locked(m.vm, NULL, intid);
}

static struct vgic_irq *ppi(unsigned vcpu, uint32_t intid)
{
	return vgic_irq_locked(m.vm, &m.vm->vcpus[vcpu], intid);
}

/* What the guest's CPU interface does to a list register: acknowledge, deactivate. */
static void lr_set_state(uint64_t *lr, uint64_t state)
{
	*lr = (*lr & ~(3ULL << ICH_LR_STATE_SHIFT)) | state << ICH_LR_STATE_SHIFT;
}

static void test_vgic_dist_sits_on_the_bus_at_the_board_address(void **state)
{
	assert_int_equal(gicd->base, VM_GICD_BASE);
	assert_int_equal(gicd->size, 0x10000);
	assert_string_equal(gicd->name, "gicd");
	assert_ptr_equal(vm_find_mmio(m.vm, VM_GICD_BASE + 0xffff), gicd);
	assert_ptr_not_equal(vm_find_mmio(m.vm, VM_GICD_BASE + 0x10000), gicd);
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
		assert_int_equal(rd(regs[i].off, 4), regs[i].val);
		wr(regs[i].off, 4, ~0ULL); /* read-only or RAZ/WI, CTLR aside */
		if (regs[i].off != CTLR)
			assert_int_equal(rd(regs[i].off, 4), regs[i].val);
	}
}

static void test_vgic_dist_typer_counts_the_vms_spis(void **state)
{
	static const struct {
		unsigned nr_spis, itlines;
	} cases[] = {{0, 0}, {1, 1}, {32, 1}, {33, 2}, {96, 3}, {1000, 3}};

	for (unsigned i = 0; i < ARRAY_SIZE(cases); i++) {
		sim_machine_destroy(&m);
		machine_up(1, cases[i].nr_spis);
		assert_int_equal(rd(TYPER, 4) & 0x1f, cases[i].itlines);
	}
}

static void test_vgic_dist_ctlr_keeps_only_the_group_enables(void **state)
{
	wr(CTLR, 4, 0xffffffff);
	assert_int_equal(rd(CTLR, 4), CTLR_BASE | 3); /* RWP, E1NWF read 0 */
	assert_true(m.vm->vgic.enable_grp0 && m.vm->vgic.enable_grp1);
	wr(CTLR, 4, 2);
	assert_int_equal(rd(CTLR, 4), CTLR_BASE | 2);
	assert_false(m.vm->vgic.enable_grp0);
	wr(CTLR, 4, 0); /* ARE and DS cannot be cleared */
	assert_int_equal(rd(CTLR, 4), CTLR_BASE);
	assert_false(m.vm->vgic.enable_grp1);
}

/* Each set/clear pair on the SPIs of one word, seen in core's state and in both registers. */
static void test_vgic_dist_set_and_clear_registers_change_spi_state(void **state)
{
	static const struct {
		uint64_t set, clr;
	} pairs[] = {{ISENABLER, ICENABLER}, {ISPENDR, ICPENDR}, {ISACTIVER, ICACTIVER}};

	for (unsigned p = 0; p < ARRAY_SIZE(pairs); p++) {
		uint64_t w1 = 4, w2 = 8; /* INTIDs 32..63, 64..95 */

		wr(pairs[p].set + w1, 4, 0x80000001);
		wr(pairs[p].set + w2, 4, 0x00010000);
		assert_int_equal(rd(pairs[p].set + w1, 4), 0x80000001);
		assert_int_equal(rd(pairs[p].clr + w1, 4), 0x80000001);
		assert_int_equal(rd(pairs[p].clr + w2, 4), 0x00010000);
		for (uint32_t intid = 32; intid < 96; intid++) {
			const struct vgic_irq *irq = spi(intid);
			bool want = intid == 32 || intid == 63 || intid == 80;
			bool got = p == 0   ? irq->enabled
				   : p == 1 ? vgic_irq_pending(irq)
					    : irq->active;

			assert_int_equal(got, want);
		}
		wr(pairs[p].set + w1, 4, 0); /* zeros change nothing */
		wr(pairs[p].clr + w1, 4, 0x00000001);
		assert_int_equal(rd(pairs[p].set + w1, 4), 0x80000000);
		wr(pairs[p].clr + w1, 4, 0xffffffff);
		wr(pairs[p].clr + w2, 4, 0xffffffff);
		assert_int_equal(rd(pairs[p].set + w1, 4), 0);
		assert_int_equal(rd(pairs[p].set + w2, 4), 0);
	}
}

static void test_vgic_dist_igroupr_sets_and_clears_each_spis_group(void **state)
{
	wr(IGROUPR + 4, 4, 0xa5a5a5a5);
	assert_int_equal(rd(IGROUPR + 4, 4), 0xa5a5a5a5);
	assert_int_equal(spi(32)->group, 1);
	assert_int_equal(spi(33)->group, 0);
	wr(IGROUPR + 4, 4, 0x0000ffff);
	assert_int_equal(rd(IGROUPR + 4, 4), 0x0000ffff);
	assert_int_equal(spi(63)->group, 0);
}

/* With ARE = 1 the first word of each per-interrupt register belongs to the redistributors. */
static void test_vgic_dist_sgi_and_ppi_fields_are_raz_wi(void **state)
{
	static const uint64_t words[] = {IGROUPR,   ISENABLER, ICENABLER, ISPENDR,  ICPENDR,
					 ISACTIVER, ICACTIVER, ICFGR,	  ICFGR + 4};

	for (unsigned i = 0; i < ARRAY_SIZE(words); i++) {
		wr(words[i], 4, 0xffffffff);
		assert_int_equal(rd(words[i], 4), 0);
	}
	for (unsigned b = 0; b < VGIC_NR_PRIVATE; b += 4) {
		wr(IPRIORITYR + b, 4, 0xffffffff);
		assert_int_equal(rd(IPRIORITYR + b, 4), 0);
	}
	wr(IROUTER + 8 * 27, 8, 1);
	assert_int_equal(rd(IROUTER + 8 * 27, 8), 0);
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
	wr(ISENABLER + 12, 4, 0xffffffff); /* INTIDs 96..127 */
	wr(ISPENDR + 12, 4, 0xffffffff);
	wr(IGROUPR + 12, 4, 0xffffffff);
	wr(IPRIORITYR + 100, 1, 0xff);
	wr(ICFGR + 8 * 4 - 4, 4, 0xaaaaaaaa); /* ICFGR7: INTIDs 112..127 */
	wr(IROUTER + 8 * 100, 8, 1);
	assert_int_equal(rd(ISENABLER + 12, 4), 0);
	assert_int_equal(rd(ISPENDR + 12, 4), 0);
	assert_int_equal(rd(IGROUPR + 12, 4), 0);
	assert_int_equal(rd(IPRIORITYR + 100, 1), 0);
	assert_int_equal(rd(ICFGR + 28, 4), 0);
	assert_int_equal(rd(IROUTER + 8 * 100, 8), 0);
	assert_int_equal(rd(IROUTER + 8 * 1019, 8), 0); /* the last IROUTER */
	for (unsigned i = NR_SPIS; i < VGIC_MAX_SPIS; i++) {
		const struct vgic_irq *irq = &m.vm->vgic.spis[i];

		assert_false(irq->enabled || irq->pending_latch || irq->group);
		assert_int_equal(irq->priority, 0);
		assert_null(irq->target);
	}
}

static void test_vgic_dist_ipriorityr_keeps_the_implemented_bits_of_each_byte(void **state)
{
	wr(IPRIORITYR + 32, 4, 0x12345678);
	assert_int_equal(rd(IPRIORITYR + 32, 4), 0x10305078);
	assert_int_equal(spi(32)->priority, 0x78);
	assert_int_equal(spi(35)->priority, 0x10);
	wr(IPRIORITYR + 34, 1, 0xff); /* one byte lane, the others kept */
	assert_int_equal(rd(IPRIORITYR + 32, 4), 0x10f85078);
	assert_int_equal(rd(IPRIORITYR + 34, 1), 0xf8);
	assert_int_equal(rd(IPRIORITYR + 35, 1), 0x10);
	wr(IPRIORITYR + 95, 1, 0x07); /* below the implemented bits */
	assert_int_equal(rd(IPRIORITYR + 92, 4), 0);
}

static void test_vgic_dist_priority_bits_follow_the_cpu_interface(void **state)
{
	static const struct {
		unsigned pri_bits;
		uint8_t mask;
	} cases[] = {{4, 0xf0}, {5, 0xf8}, {7, 0xfe}, {8, 0xff}};

	for (unsigned i = 0; i < ARRAY_SIZE(cases); i++) {
		sim_machine_destroy(&m);
		machine_up(1, 32);
		sim_hal.vgic_pri_bits = cases[i].pri_bits;
		vgic_init(m.vm, 32);
		wr(IPRIORITYR + 40, 1, 0xff);
		assert_int_equal(rd(IPRIORITYR + 40, 1), cases[i].mask);
	}
}

static void test_vgic_dist_icfgr_programs_the_spi_trigger_mode(void **state)
{
	assert_int_equal(rd(ICFGR + 8, 4), 0); /* level after reset */
	wr(ICFGR + 8, 4, 0xffffffff);	       /* the RES0 low bit of each field is dropped */
	assert_int_equal(rd(ICFGR + 8, 4), 0xaaaaaaaa);
	assert_true(spi(32)->edge && spi(47)->edge);
	assert_false(spi(48)->edge);
	wr(ICFGR + 8, 4, EDGE(0) | EDGE(15)); /* INTIDs 32 and 47 edge, the rest level */
	assert_int_equal(rd(ICFGR + 8, 4), 0x80000002);
	assert_false(spi(33)->edge);
	assert_int_equal(rd(ICFGR + 12, 4), 0);
}

/* A high level input is pending only while the interrupt is level-sensitive. */
static void test_vgic_dist_icfgr_change_recomputes_pending_of_a_high_line(void **state)
{
	struct vcpu *v0 = &m.vm->vcpus[0];

	vgic_set_line(m.vm, NULL, 40, true);
	assert_int_equal(rd(ISPENDR + 4, 4), 1u << 8);
	assert_true(v0->vgic.interesting[0] & BIT(40));
	wr(ICFGR + 8, 4, EDGE(8));
	assert_int_equal(rd(ISPENDR + 4, 4), 0);
	assert_false(v0->vgic.interesting[0] & BIT(40));
	wr(ICFGR + 8, 4, 0);
	assert_int_equal(rd(ISPENDR + 4, 4), 1u << 8);
	assert_true(v0->vgic.interesting[0] & BIT(40));
	/* ICPENDR clears the latch only: the line keeps it pending. */
	wr(ICPENDR + 4, 4, 1u << 8);
	assert_int_equal(rd(ISPENDR + 4, 4), 1u << 8);
	vgic_set_line(m.vm, NULL, 40, false);
	assert_int_equal(rd(ISPENDR + 4, 4), 0);
}

static void test_vgic_dist_irouter_routes_spis_by_affinity(void **state)
{
	struct vcpu *v = m.vm->vcpus;

	assert_ptr_equal(spi(50)->target, &v[0]); /* reset: vCPU 0 */
	wr(IROUTER + 8 * 50, 8, 2);
	assert_ptr_equal(spi(50)->target, &v[2]);
	assert_int_equal(rd(IROUTER + 8 * 50, 8), 2);
	wr(IROUTER + 8 * 50, 4, 0x100); /* low half: Aff1 = 1 is vCPU 3 */
	assert_ptr_equal(spi(50)->target, &v[3]);
	wr(IROUTER + 8 * 50 + 4, 4, 0x7); /* high half: Aff3 = 7, no such vCPU */
	assert_int_equal(rd(IROUTER + 8 * 50, 8), 0x0000000700000100ULL);
	assert_int_equal(rd(IROUTER + 8 * 50 + 4, 4), 7);
	assert_null(spi(50)->target);
	/* IRM (1-of-N, No1N = 1) and RES0 bits read 0. */
	wr(IROUTER + 8 * 50, 8, 0xffffff07ff000001ULL | GICD_IROUTER_IRM);
	assert_int_equal(rd(IROUTER + 8 * 50, 8), 0x0000000700000001ULL);
	wr(IROUTER + 8 * 50, 8, 1);
	assert_ptr_equal(spi(50)->target, &v[1]);
	/* A pending SPI follows its route. */
	wr(ISPENDR + 4, 4, 1u << 18);
	assert_true(v[1].vgic.interesting[0] & BIT(50));
	wr(IROUTER + 8 * 50, 8, 0);
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

	wr(CTLR, 4, 3);
	wr(ISENABLER + 4, 4, 0xff);
	wr(IPRIORITYR + 32, 4, 0x80808080);
	wr(IROUTER + 8 * 40, 8, 1);
	for (unsigned i = 0; i < ARRAY_SIZE(cases); i++) {
		assert_int_equal(rd(cases[i].off, cases[i].size), 0);
		wr(cases[i].off, cases[i].size, 0);
		wr(cases[i].off, cases[i].size, ~0ULL);
	}
	assert_int_equal(rd(CTLR, 4), CTLR_BASE | 3);
	assert_int_equal(rd(ISENABLER + 4, 4), 0xff);
	assert_int_equal(rd(ICFGR + 8, 4), 0);
	assert_int_equal(rd(IGROUPR + 4, 4), 0);
	assert_int_equal(rd(IPRIORITYR + 32, 4), 0x80808080);
	assert_int_equal(rd(IROUTER + 8 * 40, 8), 1);
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

	wr(ISPENDR + 4, 4, 1); /* SGIR writes must not send anything anywhere */
	for (unsigned i = 0; i < ARRAY_SIZE(offs); i++) {
		wr(offs[i], 4, 0xffffffff);
		assert_int_equal(rd(offs[i], 4), 0);
		wr(offs[i] & ~7ULL, 8, ~0ULL);
		wr(offs[i], 1, 0xff);
	}
	for (unsigned v = 0; v < NR_VCPUS; v++) {
		assert_int_equal(m.vm->vcpus[v].vgic.interesting[0] & 0xffffffff, 0);
		assert_int_equal(m.vm->vcpus[v].vgic.interesting[1], 0);
	}
	assert_int_equal(rd(ISPENDR + 4, 4), 1);
}

/* The registers show what the list registers did: core folds them back before MMIO runs. */
static void test_vgic_dist_pending_and_active_follow_the_list_registers(void **state)
{
	struct vcpu *v0 = &m.vm->vcpus[0];
	uint64_t *lr = v0->ctx.vgic.lr;

	wr(CTLR, 4, 3);
	wr(IGROUPR + 4, 4, 0xffffffff);
	wr(ISENABLER + 4, 4, 1u << 3);
	wr(ISPENDR + 4, 4, 1u << 3); /* INTID 35, edge-like latch */
	vgic_flush(v0);
	assert_int_equal(lr[0] & ICH_LR_VINTID_MASK, 35);
	assert_int_equal(lr[0] >> ICH_LR_STATE_SHIFT, ICH_LR_STATE_PENDING);
	vgic_fold(v0); /* not acknowledged: still pending */
	assert_int_equal(rd(ISPENDR + 4, 4), 1u << 3);
	assert_int_equal(rd(ISACTIVER + 4, 4), 0);

	vgic_flush(v0);
	lr_set_state(&lr[0], ICH_LR_STATE_ACTIVE);
	vgic_fold(v0); /* the guest acknowledged it */
	assert_int_equal(rd(ISPENDR + 4, 4), 0);
	assert_int_equal(rd(ISACTIVER + 4, 4), 1u << 3);
	wr(ISPENDR + 4, 4, 1u << 3); /* pending again while active */
	vgic_flush(v0);
	assert_int_equal(lr[0] >> ICH_LR_STATE_SHIFT, ICH_LR_STATE_PENDING | ICH_LR_STATE_ACTIVE);
	vgic_fold(v0);
	wr(ICACTIVER + 4, 4, 1u << 3); /* the guest's driver resets it by register */
	assert_int_equal(rd(ISACTIVER + 4, 4), 0);
	assert_int_equal(rd(ISPENDR + 4, 4), 1u << 3);
	wr(ICPENDR + 4, 4, 1u << 3);
	assert_int_equal(rd(ISPENDR + 4, 4), 0);
	vgic_flush(v0);
	assert_int_equal(v0->vgic.lr_used, 0);
	assert_int_equal(lr[0], 0);
}

static void test_vgic_dist_attach_checks_alignment_and_overlap(void **state)
{
	assert_int_equal(vgic_dist_attach(m.vm, VM_GICD_BASE), HV_EBUSY);
	assert_int_equal(vgic_dist_attach(m.vm, VM_GICD_BASE + 0x1000), HV_EINVAL);
}

static void test_vgic_dist_each_vm_has_its_own_distributor(void **state)
{
	struct sim_machine other;
	struct mmio_device *d2 = vgic_vm_up(&other, 1, 32);
	uint64_t val = 1;

	assert_ptr_not_equal(d2, gicd);
	wr(ISENABLER + 4, 4, 0xffffffff);
	wr(CTLR, 4, 3);
	wr(IPRIORITYR + 32, 4, 0xffffffff);
	assert_int_equal(d2->ops->read(d2, NULL, ISENABLER + 4, 4, &val), HV_OK);
	assert_int_equal(val, 0);
	assert_int_equal(d2->ops->read(d2, NULL, CTLR, 4, &val), HV_OK);
	assert_int_equal(val, CTLR_BASE);
	assert_int_equal(d2->ops->read(d2, NULL, IPRIORITYR + 32, 4, &val), HV_OK);
	assert_int_equal(val, 0);
	assert_int_equal(rd(ISENABLER + 4, 4), 0xffffffff);
	sim_machine_destroy(&other);
}

/* --- model-based random test --- */

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

/* The vCPUs' MPIDRs: Aff0 = id, but vCPU 3 at Aff1 = 1 (vgic_vm_up()). */
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
	struct vcpu *vcpu = &m.vm->vcpus[v];
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
		lr_set_state(&lr[n], state);
	}
	vgic_fold(vcpu);
}

static void check_all(unsigned it)
{
	static const uint64_t words[] = {IGROUPR, ISENABLER, ISPENDR, ISACTIVER};

	for (unsigned w = 0; w < ARRAY_SIZE(words); w++) {
		for (uint64_t off = words[w]; off < words[w] + 16; off += 4) {
			if (rd(off, 4) != ref_read(off, 4))
				fail_msg("iteration %u: 0x%04llx reads 0x%llx, model 0x%llx", it,
					 (unsigned long long)off, (unsigned long long)rd(off, 4),
					 (unsigned long long)ref_read(off, 4));
		}
	}
	for (uint64_t off = IPRIORITYR; off < IPRIORITYR + 128; off += 4)
		assert_int_equal(rd(off, 4), ref_read(off, 4));
	for (uint64_t off = ICFGR; off < ICFGR + 32; off += 4)
		assert_int_equal(rd(off, 4), ref_read(off, 4));
	for (uint64_t off = IROUTER + 8 * 32; off < IROUTER + 8 * 128; off += 8)
		assert_int_equal(rd(off, 8), ref_read(off, 8));
	assert_int_equal(rd(CTLR, 4), ref_read(CTLR, 4));
}

static void test_vgic_dist_random_accesses_match_a_reference_model(void **state)
{
	uint64_t seed = rng_seed(__func__, 0x61c);

	memset(ref, 0, sizeof(ref));
	wr(CTLR, 4, 3); /* both groups on: most runs deliver something */
	ref_grp0 = ref_grp1 = true;
	for (unsigned it = 0; it < RAND_ITERS; it++) {
		unsigned size = 1u << rng_below(&seed, 4), what = (unsigned)rng_below(&seed, 20);
		uint64_t off = random_offset(&seed, size), val = rng_next(&seed);
		uint32_t intid = (uint32_t)(VGIC_NR_PRIVATE + rng_below(&seed, VGIC_MAX_SPIS));

		/* Routes mostly to a vCPU that exists, or no SPI would ever be delivered. */
		if (off >= IROUTER && rng_below(&seed, 8))
			val = (off & 4) && size == 4 ? 0 : mpidr[val % NR_VCPUS];
		if (what < 8) {
			wr(off, size, val);
			ref_write(off, size, val);
		} else if (what < 15) {
			uint64_t got = rd(off, size);

			if (got != ref_read(off, size))
				fail_msg(
				    "iteration %u: %u-byte read at 0x%04llx gave 0x%llx, model "
				    "0x%llx",
				    it, size, (unsigned long long)off, (unsigned long long)got,
				    (unsigned long long)ref_read(off, size));
		} else if (what < 17) {
			bool level = val & 1;

			vgic_set_line(m.vm, NULL, intid, level);
			if (ref_exists(intid)) {
				if (ref[intid].edge && level && !ref[intid].line)
					ref[intid].latch = true;
				ref[intid].line = level;
			}
		} else if (what < 18) {
			vgic_pulse(m.vm, NULL, intid);
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
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
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
	    T(test_vgic_dist_random_accesses_match_a_reference_model),
	};
#undef T

	return cmocka_run_group_tests_name("vgic_dist", tests, NULL, NULL);
}

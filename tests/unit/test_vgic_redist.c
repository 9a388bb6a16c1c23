// SPDX-License-Identifier: MIT
/* Tests of vdev/vgic_redist.c (and the per-interrupt registers of vdev/vgic_regs.c) against
 * the GICv3 redistributor's register map as vdev/vgic_mmio.h describes it: one RD_base +
 * SGI_base frame pair per vCPU, GICR_TYPER's affinity and Last bit, GICR_WAKER, the SGI and
 * PPI registers of each vCPU and nobody else's, read-only trigger modes, what is RAZ/WI, the true
 * state of interrupts that went through the list registers; and a model-based random test over
 * every frame. The device is driven through its MMIO bus entry, as core/trap_abort.c does. */
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

#include "fixture.h"
#include "rng.h"

/* RD_base frame */
#define CTLR	  0x0000
#define IIDR	  0x0004
#define TYPER	  0x0008
#define STATUSR	  0x0010
#define WAKER	  0x0014
#define PROPBASER 0x0070
#define PENDBASER 0x0078
#define PIDR4	  0xffd0
#define PIDR0	  0xffe0
#define PIDR2	  0xffe8
/* SGI_base frame */
#define SGI	   0x10000
#define IGROUPR0   (SGI + 0x0080)
#define ISENABLER0 (SGI + 0x0100)
#define ICENABLER0 (SGI + 0x0180)
#define ISPENDR0   (SGI + 0x0200)
#define ICPENDR0   (SGI + 0x0280)
#define ISACTIVER0 (SGI + 0x0300)
#define ICACTIVER0 (SGI + 0x0380)
#define IPRIORITYR (SGI + 0x0400)
#define ICFGR0	   (SGI + 0x0c00)
#define ICFGR1	   (SGI + 0x0c04)
#define IGRPMODR0  (SGI + 0x0d00)
#define NSACR	   (SGI + 0x0e00)

#define STRIDE	  0x20000
#define NR_VCPUS  4
#define IIDR_VAL  0x4800043b
#define SLEEPING  0x6 /* ProcessorSleep | ChildrenAsleep */
#define LAST	  (1u << 4)
#define PRI_MASK  0xf8
#define SGI_EDGES 0xaaaaaaaa

#define RAND_ITERS 40000

static struct sim_machine m;
static struct mmio_device *gicr;

/* vCPU 2 has every affinity level set, vCPU 3 sits at Aff1 = 1; the others Aff0 = id. */
static const uint64_t mpidr[NR_VCPUS] = {0, 1, 0x0000000500020304ULL, 0x100};

static struct mmio_device *vgic_vm_up(struct sim_machine *mm, unsigned vcpus)
{
	const struct sim_config cfg = {.no_ram = true};
	struct mmio_device *dev;
	struct vcpu *v;

	assert_int_equal(sim_machine_init(mm, &cfg), HV_OK);
	for (unsigned i = 0; i < vcpus; i++) {
		assert_int_equal(vm_add_vcpu(mm->vm, VM_RAM_BASE, 0, &v), HV_OK);
		v->ctx.vmpidr = mpidr[i];
	}
	vgic_init(mm->vm, 32);
	/* Each guest has switched both groups on at its CPU interface (ICC_IGRPEN0/1_EL1). */
	for (unsigned i = 0; i < mm->vm->vcpu_count; i++)
		mm->vm->vcpus[i].ctx.vgic.vmcr = ICH_VMCR_VENG0 | ICH_VMCR_VENG1;
	assert_int_equal(vgic_dist_attach(mm->vm, VM_GICD_BASE), HV_OK);
	assert_int_equal(vgic_redist_attach(mm->vm, VM_GICR_BASE), HV_OK);
	fixture_vcpus_loaded_here(mm->vm);
	dev = vm_find_mmio(mm->vm, VM_GICR_BASE);
	assert_non_null(dev);
	return dev;
}

static int setup(void **state)
{
	sim_hal_reset();
	gicr = vgic_vm_up(&m, NR_VCPUS);
	return 0;
}

static int teardown(void **state)
{
	sim_machine_destroy(&m);
	return 0;
}

/* Register `off` of vCPU `v`'s frames. */
static uint64_t rd(unsigned v, uint64_t off, unsigned size)
{
	uint64_t val = 0xbadbadbadbadULL;

	assert_int_equal(gicr->ops->read(gicr, &m.vm->vcpus[0], v * STRIDE + off, size, &val),
			 HV_OK);
	return val;
}

static void wr(unsigned v, uint64_t off, unsigned size, uint64_t val)
{
	assert_int_equal(gicr->ops->write(gicr, &m.vm->vcpus[0], v * STRIDE + off, size, val),
			 HV_OK);
}

static struct vgic_irq *priv(unsigned v, uint32_t intid)
{
	struct vgic_locked l = vgic_lock(m.vm);
	struct vgic_irq *irq = vgic_irq(l, &m.vm->vcpus[v], intid);

	vgic_unlock(&l);
	return irq;
}

/* What the guest's CPU interface does to a list register: acknowledge, deactivate. */
static void lr_set_state(uint64_t *lr, uint64_t state)
{
	*lr = (*lr & ~(3ULL << ICH_LR_STATE_SHIFT)) | state << ICH_LR_STATE_SHIFT;
}

static void test_vgic_redist_frames_are_contiguous_one_pair_per_vcpu(void **state)
{
	assert_int_equal(gicr->base, VM_GICR_BASE);
	assert_int_equal(gicr->size, NR_VCPUS * STRIDE);
	assert_string_equal(gicr->name, "gicr");
	assert_ptr_equal(vm_find_mmio(m.vm, VM_GICR_BASE + NR_VCPUS * STRIDE - 1), gicr);
	assert_null(vm_find_mmio(m.vm, VM_GICR_BASE + NR_VCPUS * STRIDE));
}

static void test_vgic_redist_rd_base_registers_have_their_values(void **state)
{
	static const struct {
		uint64_t off;
		uint32_t val;
	} regs[] = {
	    {CTLR, 0},	       {IIDR, IIDR_VAL}, {STATUSR, 0},	 {WAKER, SLEEPING},
	    {PROPBASER, 0},    {PENDBASER, 0},	 {PIDR4, 0x44},	 {PIDR0, 0x93},
	    {PIDR0 + 4, 0xb4}, {PIDR2, 0x3b},	 {PIDR2 + 4, 0}, {PIDR2 + 8, 0x0d},
	};

	for (unsigned v = 0; v < NR_VCPUS; v++) {
		for (unsigned i = 0; i < ARRAY_SIZE(regs); i++) {
			assert_int_equal(rd(v, regs[i].off, 4), regs[i].val);
			if (regs[i].off == WAKER)
				continue;
			wr(v, regs[i].off, 4, 0xffffffff); /* read-only or RAZ/WI */
			assert_int_equal(rd(v, regs[i].off, 4), regs[i].val);
		}
	}
	assert_false(m.vm->vcpus[0].vgic.lpis_enabled);
}

static void test_vgic_redist_typer_reports_affinity_number_and_last(void **state)
{
	static const uint64_t typer[NR_VCPUS] = {
	    0x0000000000000000ULL,
	    0x0000000100000100ULL,
	    0x0502030400000200ULL, /* Aff3.Aff2.Aff1.Aff0 = 5.2.3.4 */
	    0x0000010000000300ULL | LAST,
	};

	for (unsigned v = 0; v < NR_VCPUS; v++) {
		assert_int_equal(rd(v, TYPER, 8), typer[v]);
		assert_int_equal(rd(v, TYPER, 4), (uint32_t)typer[v]);
		assert_int_equal(rd(v, TYPER + 4, 4), typer[v] >> 32);
		wr(v, TYPER, 8, 0);
		assert_int_equal(rd(v, TYPER, 8), typer[v]);
	}
}

static void test_vgic_redist_a_single_vcpu_frame_is_the_last(void **state)
{
	struct sim_machine one;
	struct mmio_device *dev = vgic_vm_up(&one, 1);
	uint64_t val = 0;

	assert_int_equal(dev->size, STRIDE);
	assert_int_equal(dev->ops->read(dev, NULL, TYPER, 8, &val), HV_OK);
	assert_int_equal(val, LAST);
	sim_machine_destroy(&one);
}

static void test_vgic_redist_waker_sleep_is_writable_and_children_follow(void **state)
{
	wr(1, WAKER, 4, 0); /* what Linux does to wake its redistributor */
	assert_int_equal(rd(1, WAKER, 4), 0);
	assert_false(m.vm->vcpus[1].vgic.redist_waker_sleep);
	assert_int_equal(rd(0, WAKER, 4), SLEEPING); /* the other frames are not touched */
	wr(1, WAKER, 4, 0xfffffffd);		     /* ChildrenAsleep and the rest are RO */
	assert_int_equal(rd(1, WAKER, 4), 0);
	wr(1, WAKER, 4, 2);
	assert_int_equal(rd(1, WAKER, 4), SLEEPING);
	assert_true(m.vm->vcpus[1].vgic.redist_waker_sleep);
}

static void test_vgic_redist_set_and_clear_registers_change_private_state(void **state)
{
	static const struct {
		uint64_t set, clr;
	} pairs[] = {{ISENABLER0, ICENABLER0}, {ISPENDR0, ICPENDR0}, {ISACTIVER0, ICACTIVER0}};

	for (unsigned p = 0; p < ARRAY_SIZE(pairs); p++) {
		wr(2, pairs[p].set, 4, 0x80010001); /* SGI 0, PPI 16, PPI 31 */
		assert_int_equal(rd(2, pairs[p].set, 4), 0x80010001);
		assert_int_equal(rd(2, pairs[p].clr, 4), 0x80010001);
		for (unsigned v = 0; v < NR_VCPUS; v++) {
			for (uint32_t intid = 0; intid < VGIC_NR_PRIVATE; intid++) {
				const struct vgic_irq *irq = priv(v, intid);
				bool want = v == 2 && (intid == 0 || intid == 16 || intid == 31);
				bool got = p == 0   ? irq->enabled
					   : p == 1 ? vgic_irq_pending(irq)
						    : irq->active;

				assert_int_equal(got, want);
			}
		}
		wr(2, pairs[p].clr, 4, 0x00010000);
		assert_int_equal(rd(2, pairs[p].set, 4), 0x80000001);
		wr(2, pairs[p].clr, 4, 0xffffffff);
		assert_int_equal(rd(2, pairs[p].set, 4), 0);
	}
}

static void test_vgic_redist_igroupr0_sets_sgi_and_ppi_groups(void **state)
{
	wr(3, IGROUPR0, 4, 0xffff0001);
	assert_int_equal(rd(3, IGROUPR0, 4), 0xffff0001);
	assert_int_equal(priv(3, 0)->group, 1);
	assert_int_equal(priv(3, 1)->group, 0);
	assert_int_equal(priv(3, 27)->group, 1);
	assert_int_equal(rd(0, IGROUPR0, 4), 0);
	wr(3, IGROUPR0, 4, 0);
	assert_int_equal(rd(3, IGROUPR0, 4), 0);
}

/* SGIs are edge, PPIs level, and neither can be reprogrammed (vdev/vgic_mmio.h). */
static void test_vgic_redist_icfgr_reads_sgis_edge_ppis_level_read_only(void **state)
{
	assert_int_equal(rd(0, ICFGR0, 4), SGI_EDGES);
	assert_int_equal(rd(0, ICFGR1, 4), 0);
	wr(0, ICFGR0, 4, 0);
	wr(0, ICFGR1, 4, 0xffffffff);
	assert_int_equal(rd(0, ICFGR0, 4), SGI_EDGES);
	assert_int_equal(rd(0, ICFGR1, 4), 0);
	assert_false(priv(0, 27)->edge);
	assert_true(priv(0, 15)->edge);
}

static void test_vgic_redist_ipriorityr_keeps_the_implemented_bits_of_each_byte(void **state)
{
	wr(1, IPRIORITYR + 24, 4, 0xa1b2c3d4); /* PPIs 24..27 */
	assert_int_equal(rd(1, IPRIORITYR + 24, 4), 0xa0b0c0d0);
	assert_int_equal(priv(1, 27)->priority, 0xa0);
	wr(1, IPRIORITYR + 3, 1, 0x0f); /* SGI 3, byte access */
	assert_int_equal(rd(1, IPRIORITYR, 4), 0x08000000);
	assert_int_equal(rd(1, IPRIORITYR + 3, 1), 0x08);
	assert_int_equal(rd(0, IPRIORITYR + 24, 4), 0);
	for (unsigned b = 0; b < VGIC_NR_PRIVATE; b++)
		assert_int_equal(priv(1, b)->priority & ~PRI_MASK, 0);
}

static void test_vgic_redist_reserved_and_extended_offsets_are_raz_wi(void **state)
{
	static const uint64_t offs[] = {
	    0x0018,	  0x0040,	0x0048,	      0x00a0,	       0x00b0,
	    0x00c0,	  0x0100,	0xffcc,	      SGI + 0x0000,    SGI + 0x0084,
	    SGI + 0x0104, SGI + 0x0204, SGI + 0x0304, IPRIORITYR + 32, SGI + 0x0c08,
	    IGRPMODR0,	  NSACR,	SGI + 0x0f80, SGI + 0xffe8,    SGI + 0xfffc,
	};

	for (unsigned i = 0; i < ARRAY_SIZE(offs); i++) {
		wr(1, offs[i], 4, 0xffffffff);
		assert_int_equal(rd(1, offs[i], 4), 0);
		wr(1, offs[i] & ~7ULL, 8, ~0ULL);
		wr(1, offs[i], 1, 0xff);
	}
	for (unsigned v = 0; v < NR_VCPUS; v++) {
		assert_int_equal(m.vm->vcpus[v].vgic.interesting[0], 0);
		assert_int_equal(rd(v, ISENABLER0, 4), 0);
		assert_int_equal(rd(v, IGROUPR0, 4), 0);
		assert_int_equal(rd(v, WAKER, 4), SLEEPING);
	}
}

static void test_vgic_redist_unsupported_sizes_are_raz_wi(void **state)
{
	static const struct {
		uint64_t off;
		unsigned size;
	} cases[] = {
	    {CTLR, 8},	     {IIDR, 2},		  {TYPER, 1},	 {TYPER + 4, 2}, {WAKER, 1},
	    {WAKER, 2},	     {ISENABLER0, 1},	  {ISPENDR0, 2}, {IGROUPR0, 1},	 {ICFGR0, 8},
	    {IPRIORITYR, 8}, {IPRIORITYR + 2, 2}, {PIDR2, 1},
	};

	wr(0, WAKER, 4, 0);
	wr(0, ISENABLER0, 4, 0xffff);
	wr(0, IPRIORITYR, 4, 0x80808080);
	for (unsigned i = 0; i < ARRAY_SIZE(cases); i++) {
		assert_int_equal(rd(0, cases[i].off, cases[i].size), 0);
		wr(0, cases[i].off, cases[i].size, ~0ULL);
		wr(0, cases[i].off, cases[i].size, 0);
	}
	assert_int_equal(rd(0, WAKER, 4), 0);
	assert_int_equal(rd(0, ISENABLER0, 4), 0xffff);
	assert_int_equal(rd(0, IPRIORITYR, 4), 0x80808080);
	assert_int_equal(rd(0, IGROUPR0, 4), 0);
	assert_non_null(strstr(sim_hal.console, "size not supported"));
}

/* The registers show what the list registers did: core folds them back before MMIO runs. */
static void test_vgic_redist_sgi_and_ppi_state_follows_the_list_registers(void **state)
{
	struct vcpu *v1 = &m.vm->vcpus[1];
	uint64_t *lr = v1->ctx.vgic.lr;

	m.vm->vgic.enable_grp1 = true;
	wr(1, IGROUPR0, 4, 0xffffffff);
	wr(1, ISENABLER0, 4, 1u << 5 | 1u << 27);
	vgic_send_sgi(v1, 5ULL << ICC_SGIR_INTID_SHIFT | ICC_SGIR_IRM, 1); /* to vCPU 0, 2, 3 */
	assert_int_equal(rd(1, ISPENDR0, 4), 0);
	vgic_send_sgi(&m.vm->vcpus[0], 5ULL << ICC_SGIR_INTID_SHIFT | ICC_SGIR_IRM, 1);
	assert_int_equal(rd(1, ISPENDR0, 4), 1u << 5);
	vgic_set_line(m.vm, v1, 27, true);
	assert_int_equal(rd(1, ISPENDR0, 4), 1u << 5 | 1u << 27);

	vgic_flush(v1);
	assert_int_equal(v1->vgic.lr_used, 3);
	for (unsigned n = 0; n < 2; n++) /* the guest acknowledges both */
		lr_set_state(&lr[n], ICH_LR_STATE_ACTIVE);
	vgic_fold(v1);
	/* The level line is still high: PPI 27 is active and pending again; SGI 5 only active. */
	assert_int_equal(rd(1, ISPENDR0, 4), 1u << 27);
	assert_int_equal(rd(1, ISACTIVER0, 4), 1u << 5 | 1u << 27);
	wr(1, ICPENDR0, 4, 1u << 27); /* the line keeps a level interrupt pending */
	assert_int_equal(rd(1, ISPENDR0, 4), 1u << 27);
	vgic_set_line(m.vm, v1, 27, false);
	assert_int_equal(rd(1, ISPENDR0, 4), 0);
	wr(1, ICACTIVER0, 4, 0xffffffff);
	assert_int_equal(rd(1, ISACTIVER0, 4), 0);
	vgic_flush(v1);
	assert_int_equal(v1->vgic.lr_used, 0);
}

static void test_vgic_redist_attach_needs_vcpus_and_alignment(void **state)
{
	struct sim_machine empty;
	const struct sim_config cfg = {.no_ram = true};

	assert_int_equal(vgic_redist_attach(m.vm, VM_GICR_BASE), HV_EBUSY);
	assert_int_equal(sim_machine_init(&empty, &cfg), HV_OK);
	assert_int_equal(vgic_redist_attach(empty.vm, VM_GICR_BASE), HV_EINVAL);
	sim_machine_destroy(&empty);
	assert_int_equal(vgic_redist_attach(m.vm, VM_GICR_BASE + 0x800), HV_EINVAL);
}

/* --- model-based random test --- */

/* A reference written from vdev/vgic_mmio.h and the GICv3 spec: per vCPU and private INTID
 * the group, enable, pending latch, input line, active and priority bits, and GICR_WAKER;
 * SGIs are edge, PPIs level. Accesses land anywhere in the four frame pairs; between them
 * input lines change and a vCPU runs, as in test_vgic_dist_random.c. */
struct ref_irq {
	bool group, enabled, latch, line, active;
	uint8_t priority;
	uint8_t active_priority; /* taken at: what its list register carries while active */
	/* Acknowledged and not deactivated in a list register since: the guest still holds the
	 * running priority it took it at (EOImode 0). */
	unsigned acked_open;
};

static struct ref_irq ref[NR_VCPUS][VGIC_NR_PRIVATE];
static bool ref_sleep[NR_VCPUS];

static bool ref_pending(const struct ref_irq *r, uint32_t intid)
{
	return r->latch || (intid >= VGIC_NR_SGIS && r->line);
}

static uint32_t ref_typer_half(unsigned v, bool high)
{
	static const uint64_t typer[NR_VCPUS] = {0, 0x0000000100000100ULL, 0x0502030400000200ULL,
						 0x0000010000000300ULL | LAST};

	return (uint32_t)(high ? typer[v] >> 32 : typer[v]);
}

static uint32_t ref_read32(unsigned v, uint64_t off)
{
	static const uint8_t ids[12] = {0x44, 0, 0, 0, 0x93, 0xb4, 0x3b, 0, 0x0d, 0xf0, 0x05, 0xb1};
	uint32_t val = 0;

	if (off >= ISENABLER0 - 0x80 && off <= ICACTIVER0 && off % 0x80 == 0) {
		unsigned reg = (unsigned)(off - IGROUPR0) / 0x80;

		for (uint32_t i = 0; i < 32; i++) {
			const struct ref_irq *r = &ref[v][i];
			bool bit = reg == 0   ? r->group
				   : reg <= 2 ? r->enabled
				   : reg <= 4 ? ref_pending(r, i)
					      : r->active;

			val |= (uint32_t)bit << i;
		}
		return val;
	}
	if (off >= IPRIORITYR && off < IPRIORITYR + 32) {
		for (unsigned i = 0; i < 4; i++)
			val |= (uint32_t)ref[v][off - IPRIORITYR + i].priority << (8 * i);
		return val;
	}
	switch (off) {
	case IIDR:
		return IIDR_VAL;
	case TYPER:
	case TYPER + 4:
		return ref_typer_half(v, off & 4);
	case WAKER:
		return ref_sleep[v] ? SLEEPING : 0;
	case ICFGR0:
		return SGI_EDGES;
	default:
		return off >= PIDR4 && off < PIDR4 + 0x30 ? ids[(off - PIDR4) / 4] : 0;
	}
}

/* What an access of `size` bytes at `off` of vCPU v's frames reads, per the size rules. */
static uint64_t ref_read(unsigned v, uint64_t off, unsigned size)
{
	if (size == 8)
		return off == TYPER
			   ? ref_read32(v, TYPER) | (uint64_t)ref_read32(v, TYPER + 4) << 32
			   : 0;
	if (size == 1 && off >= IPRIORITYR && off < IPRIORITYR + 32)
		return ref[v][off - IPRIORITYR].priority;
	return size == 4 ? ref_read32(v, off) : 0;
}

static void ref_write(unsigned v, uint64_t off, unsigned size, uint64_t val)
{
	if (off >= IPRIORITYR && off < IPRIORITYR + 32 && (size == 1 || size == 4)) {
		for (unsigned i = 0; i < size; i++)
			ref[v][off - IPRIORITYR + i].priority =
			    (uint8_t)(val >> (8 * i)) & PRI_MASK;
		return;
	}
	if (size != 4)
		return;
	if (off == WAKER)
		ref_sleep[v] = val & 2;
	if (off >= IGROUPR0 && off <= ICACTIVER0 && off % 0x80 == 0) {
		unsigned reg = (unsigned)(off - IGROUPR0) / 0x80;

		for (uint32_t i = 0; i < 32; i++) {
			struct ref_irq *r = &ref[v][i];
			bool bit = (val >> i) & 1;

			if (reg == 0)
				r->group = bit;
			else if (bit && reg <= 2)
				r->enabled = reg == 1;
			else if (bit && reg <= 4)
				r->latch = reg == 3;
			else if (bit) {
				/* ISACTIVER: taken at its current priority, unless the guest still
				 * holds the one it took it at. */
				if (reg == 5 && !r->active && !r->acked_open)
					r->active_priority = r->priority;
				r->active = reg == 5;
			}
		}
	}
}

static uint64_t random_offset(uint64_t *seed, unsigned size)
{
	uint64_t off;

	switch (rng_below(seed, 6)) {
	case 0:
		off = rng_below(seed, STRIDE);
		break;
	case 1:
		off = rng_below(seed, 0x20);
		break;
	case 2:
		off = IPRIORITYR + rng_below(seed, 0x28);
		break;
	case 3:
		off = ICFGR0 + rng_below(seed, 0x10);
		break;
	default:
		off = IGROUPR0 + 0x80 * rng_below(seed, 7) + rng_below(seed, 2) * 4;
		break;
	}
	return off & ~(uint64_t)(size - 1);
}

/* vgic_flush() left a pending interrupt out of the list registers: "no pending" maintenance. */
static bool waiting_outside(const struct vcpu *vcpu)
{
	return vcpu->ctx.vgic.hcr & ICH_HCR_NPIE;
}

static void run_vcpu(uint64_t *seed, unsigned v)
{
	struct vcpu *vcpu = &m.vm->vcpus[v];
	uint64_t *lr = vcpu->ctx.vgic.lr;

	vgic_flush(vcpu);
	for (unsigned n = 0; n < vcpu->vgic.nr_lrs; n++) {
		uint64_t state = lr[n] >> ICH_LR_STATE_SHIFT;
		uint32_t intid = (uint32_t)(lr[n] & ICH_LR_VINTID_MASK);
		struct ref_irq *r;

		if (!(vcpu->vgic.lr_used & BIT(n)))
			continue;
		assert_true(intid < VGIC_NR_PRIVATE); /* no SPI is ever made pending here */
		r = &ref[v][intid];
		/* The guest only sees the pending state of an interrupt it could take (both group
		 * enables are on in this test); an active one's stays back while others wait
		 * outside the list registers. */
		if ((state & ICH_LR_STATE_PENDING) || !r->active || !waiting_outside(vcpu))
			assert_int_equal(!!(state & ICH_LR_STATE_PENDING),
					 ref_pending(r, intid) && r->enabled);
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
			r->acked_open++;
		} else { /* deactivate */
			state &= ~ICH_LR_STATE_ACTIVE;
			r->active = false;
			if (r->acked_open)
				r->acked_open--;
		}
		lr_set_state(&lr[n], state);
	}
	vgic_fold(vcpu);
}

static void check_all(unsigned it)
{
	static const uint64_t regs[] = {IGROUPR0, ISENABLER0, ISPENDR0, ISACTIVER0,
					WAKER,	  ICFGR0,     ICFGR1};

	for (unsigned v = 0; v < NR_VCPUS; v++) {
		for (unsigned i = 0; i < ARRAY_SIZE(regs); i++) {
			if (rd(v, regs[i], 4) != ref_read(v, regs[i], 4))
				fail_msg(
				    "iteration %u: vCPU %u 0x%05llx reads 0x%llx, model 0x%llx", it,
				    v, (unsigned long long)regs[i],
				    (unsigned long long)rd(v, regs[i], 4),
				    (unsigned long long)ref_read(v, regs[i], 4));
		}
		for (uint64_t off = IPRIORITYR; off < IPRIORITYR + 32; off += 4)
			assert_int_equal(rd(v, off, 4), ref_read(v, off, 4));
	}
}

static void test_vgic_redist_random_accesses_match_a_reference_model(void **state)
{
	uint64_t seed = rng_seed(__func__, 0x6e1c);

	memset(ref, 0, sizeof(ref));
	for (unsigned v = 0; v < NR_VCPUS; v++)
		ref_sleep[v] = true;
	m.vm->vgic.enable_grp0 = m.vm->vgic.enable_grp1 = true;
	for (unsigned it = 0; it < RAND_ITERS; it++) {
		unsigned size = 1u << rng_below(&seed, 4), what = (unsigned)rng_below(&seed, 20);
		unsigned v = (unsigned)rng_below(&seed, NR_VCPUS);
		uint64_t off = random_offset(&seed, size), val = rng_next(&seed);
		uint32_t intid = (uint32_t)rng_below(&seed, VGIC_NR_PRIVATE);
		struct ref_irq *r = &ref[v][intid];

		if (what < 8) {
			wr(v, off, size, val);
			ref_write(v, off, size, val);
		} else if (what < 15) {
			uint64_t got = rd(v, off, size);

			if (got != ref_read(v, off, size))
				fail_msg(
				    "iteration %u: vCPU %u %u-byte read at 0x%05llx gave 0x%llx, "
				    "model 0x%llx",
				    it, v, size, (unsigned long long)off, (unsigned long long)got,
				    (unsigned long long)ref_read(v, off, size));
		} else if (what < 17) {
			bool level = val & 1;

			vgic_set_line(m.vm, &m.vm->vcpus[v], intid, level);
			if (intid < VGIC_NR_SGIS && level && !r->line)
				r->latch = true;
			r->line = level;
		} else if (what < 18) {
			vgic_pulse(m.vm, &m.vm->vcpus[v], intid);
			r->latch = true;
		} else {
			run_vcpu(&seed, v);
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
	    T(test_vgic_redist_frames_are_contiguous_one_pair_per_vcpu),
	    T(test_vgic_redist_rd_base_registers_have_their_values),
	    T(test_vgic_redist_typer_reports_affinity_number_and_last),
	    T(test_vgic_redist_a_single_vcpu_frame_is_the_last),
	    T(test_vgic_redist_waker_sleep_is_writable_and_children_follow),
	    T(test_vgic_redist_set_and_clear_registers_change_private_state),
	    T(test_vgic_redist_igroupr0_sets_sgi_and_ppi_groups),
	    T(test_vgic_redist_icfgr_reads_sgis_edge_ppis_level_read_only),
	    T(test_vgic_redist_ipriorityr_keeps_the_implemented_bits_of_each_byte),
	    T(test_vgic_redist_reserved_and_extended_offsets_are_raz_wi),
	    T(test_vgic_redist_unsupported_sizes_are_raz_wi),
	    T(test_vgic_redist_sgi_and_ppi_state_follows_the_list_registers),
	    T(test_vgic_redist_attach_needs_vcpus_and_alignment),
	    T(test_vgic_redist_random_accesses_match_a_reference_model),
	};
#undef T

	return cmocka_run_group_tests_name("vgic_redist", tests, NULL, NULL);
}

// SPDX-License-Identifier: MIT
/* The hostile-guest suite replayed on the host (tests/hostile/README.md): every attack of
 * tests/hostile/attacks.c that reaches the hypervisor is played as the exit the hardware
 * would give it, on a VM with the board the attacker sees (3 vCPUs, 128 MiB, vPL011, vGIC,
 * virtio-blk on a 1 MiB memory disk), through exit_handle() with the real core/ and vdev/ code
 * under ASan and UBSan; each must get the answer the list names, and nothing may touch memory
 * outside the VM. Attacks the CPU answers by itself at EL1 (alignment faults, EL2 registers
 * are UNDEFINED before EL2 sees them) are replayed too where they have a trap form: had they
 * trapped, the hypervisor must give the same answer. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <core/arch.h>
#include <core/err.h>
#include <core/gmem.h>
#include <core/lib.h>
#include <core/trap.h>
#include <core/vgic.h>
#include <core/vm.h>
#include <core/vm_boot.h>
#include <hal-sim/sim_hal.h>
#include <sim/sim.h>
#include <vdev/blk_mem.h>
#include <vdev/vgic_mmio.h>
#include <vdev/virtio_blk.h>
#include <vdev/virtio_mmio.h>

#include "../hostile/attacks.h"
#include "fixture.h"

#define RAM_SIZE   (HB_RAM_END - HB_RAM)
#define ENTRY	   (VM_RAM_BASE + IMAGE_RAW_OFFSET)
#define VBAR	   (VM_RAM_BASE + 0x10000)
#define SYNC_SPX   0x200 /* vector offset: synchronous, current EL with SP_ELx */
#define DISK_BYTES 0x100000

static struct sim_machine m;
static struct vcpu *v;
static struct blk_backend disk;
static uint8_t *image;
static uint64_t disk_bytes_read; /* by the backend: the notify flood's work */

static int counting_read(struct blk_backend *b, uint64_t sector, void *buf, uint32_t count)
{
	disk_bytes_read += count * 512ULL;
	memcpy(buf, image + sector * 512, count * 512ULL);
	return HV_OK;
}

static int setup(void **state)
{
	static const uint32_t prog[] = {0xd503201f, 0xd503201f}; /* nop, nop */
	const struct sim_config cfg = {.ram_size = RAM_SIZE};
	struct vm_boot_config boot = {
	    .vcpus = HB_VCPUS, .kernel = prog, .kernel_size = sizeof(prog), .nr_spis = 64};
	struct vm_boot_layout layout;

	sim_hal_reset();
	sim_hal.counter_step = sim_hal.counter_freq; /* no log line is rate-limited away */
	assert_int_equal(sim_machine_init(&m, &cfg), HV_OK);
	image = calloc(1, DISK_BYTES);
	assert_non_null(image);
	assert_int_equal(blk_mem_init(&disk, image, DISK_BYTES, false), HV_OK);
	disk.read = counting_read;
	assert_int_equal(virtio_blk_attach(m.vm, HB_VIRTIO, VM_VIRTIO_INTID(0), &disk), HV_OK);
	assert_int_equal(vm_boot_prepare(m.vm, &boot, &layout), HV_OK);
	assert_int_equal(virtio_mmio_fill_slots(m.vm, VM_VIRTIO_BASE, VM_VIRTIO_SLOTS), HV_OK);
	assert_int_equal(vgic_dist_attach(m.vm, VM_GICD_BASE), HV_OK);
	assert_int_equal(vgic_redist_attach(m.vm, VM_GICR_BASE), HV_OK);
	v = &m.vm->vcpus[0];
	v->state = VCPU_RUNNING;
	m.vm->vcpus[1].state = VCPU_RUNNABLE; /* the victim, started by the attacker */
	hal_vcpu_el1_write(&v->ctx, HAL_VBAR_EL1, VBAR);
	return 0;
}

static int teardown(void **state)
{
	console_settle();
	sim_machine_destroy(&m);
	free(image);
	return 0;
}

/* What the attacker received. */
struct answer {
	bool injected;
	unsigned ec; /* of the injected exception */
	uint64_t x0, x1;
};

/* Play `s` on vCPU 0 at ENTRY and let the hypervisor answer it. */
static struct answer play(struct sim_step s)
{
	struct hal_vcpu_ctx *ctx = &v->ctx;
	struct answer a;

	ctx->pc = ENTRY;
	if (!s.at)
		s.at = ENTRY;
	sim_step_play(m.vm, ctx, &s);
	exit_handle(v, s.kind);
	console_settle();
	a.injected = ctx->pc == VBAR + SYNC_SPX;
	a.ec = (unsigned)esr_ec(hal_vcpu_el1_read(ctx, HAL_ESR_EL1));
	a.x0 = ctx->x[0];
	a.x1 = ctx->x[1];
	/* Back to EL1h with nothing pending for the next attack. */
	hal_vcpu_el1_write(ctx, HAL_ESR_EL1, 0);
	return a;
}

static struct sim_step with_x(struct sim_step s, unsigned n, uint64_t val)
{
	s.x_set |= SIM_X(n);
	s.x[n] = val;
	return s;
}

/* Stores among the memory instructions of the list (the syndrome's WnR). */
static bool insn_writes(uint32_t insn)
{
	return insn == INSN_STXR || insn == INSN_STP || insn == INSN_LDADD || insn == INSN_SWP ||
	       insn == INSN_CAS || insn == INSN_DC_ZVA;
}

/* The address an instruction of the list faults at, from its base register. */
static uint64_t fault_address(const struct attack *a)
{
	if (a->insn == INSN_LDPW_PRE)
		return a->addr + 8; /* pre-index: the base moves first */
	if (a->insn == INSN_LDP && a->addr + 8 == HB_RAM_END)
		return a->addr + 8; /* the first element is RAM: the second faults */
	return a->addr;
}

/* The exit the hardware gives attack `a`; false if it has none that reaches EL2. */
static bool exit_for(const struct attack *a, struct sim_step *s)
{
	uint32_t i = a->insn;

	switch (a->kind) {
	case ATK_LOAD:
	case ATK_STORE:
		*s = sim_step_mmio(a->addr, a->size, a->kind == ATK_STORE, 1, a->size == 8);
		*s = with_x(*s, 1, a->kind == ATK_STORE ? a->val : 0xbad0bad0bad0bad0ULL);
		return true;
	case ATK_INSN_MEM:
		if (a->by == BY_CPU)
			return false;
		if (i == INSN_BR_X0)
			*s = sim_step_iabt(a->addr);
		else
			*s = sim_step_mmio_insn(fault_address(a), i, insn_writes(i));
		if (i == INSN_DC_CIVAC)
			s->esr |= ESR_ISS_CM | ESR_ISS_DABT_WNR; /* how a cache operation reports */
		*s = with_x(with_x(with_x(*s, 0, a->addr), 1, a->val), 2, a->val);
		return true;
	case ATK_INSN:
		/* MRS/MSR and SYS: op0 in bits 20:19, op1 18:16, CRn 15:12, CRm 11:8, op2 7:5. */
		if ((i & 0xffc00000U) != 0xd5000000U || !((i >> 19) & 3))
			return false;
		*s = sim_step_sysreg((i >> 19) & 3, (i >> 16) & 7, (i >> 12) & 15, (i >> 8) & 15,
				     (i >> 5) & 7, i & 31, i & (1U << 21));
		*s = with_x(*s, 1, a->val);
		return true;
	case ATK_HVC:
	case ATK_SMC:
		*s = a->kind == ATK_HVC ? sim_step_hvc(a->fid, a->arg[0], a->arg[1])
					: sim_step_smc(a->fid, a->arg[0], a->arg[1]);
		*s = with_x(*s, 3, a->arg[2]);
		return true;
	default:
		return false;
	}
}

static bool answered(const struct attack *a, const struct answer *r)
{
	switch (a->answer) {
	case ANS_ABORT:
		return r->injected && r->ec == ESR_EC_DABT_CUR;
	case ANS_IABORT:
		return r->injected && r->ec == ESR_EC_IABT_CUR;
	case ANS_UNDEF:
		return r->injected && r->ec == ESR_EC_UNKNOWN;
	case ANS_SMCCC:
		return !r->injected && r->x0 == a->want;
	case ANS_READ:
		return !r->injected && r->x1 == a->want;
	case ANS_READ_ANY:
	case ANS_WI:
		return !r->injected;
	default:
		return false;
	}
}

static void test_hostile_every_trapping_attack_gets_its_answer(void **state)
{
	unsigned replayed = 0;

	for (unsigned n = 0; n < attack_count; n++) {
		const struct attack *a = &attacks[n];
		struct sim_step s;
		struct answer r;

		if (a->kind == ATK_STORM || !exit_for(a, &s))
			continue;
		r = play(s);
		if (!answered(a, &r))
			fail_msg("attack %u (%s): injected %d EC 0x%x x0 0x%llx x1 0x%llx", n + 1,
				 a->name, r.injected, r.ec, (unsigned long long)r.x0,
				 (unsigned long long)r.x1);
		replayed++;
	}
	/* Most of the list reaches the hypervisor. */
	assert_true(replayed >= 80);
}

static const struct attack *storm(enum storm which)
{
	for (unsigned n = 0; n < attack_count; n++) {
		if (attacks[n].kind == ATK_STORM && attacks[n].insn == which)
			return &attacks[n];
	}
	fail();
	return NULL;
}

static void test_hostile_exit_storms_are_each_answered(void **state)
{
	unsigned aborts = 0, undefs = 0, unknown = 0;

	for (unsigned i = 0; i < storm(STORM_HOLE_ABORTS)->count; i++) {
		struct answer r = play(sim_step_mmio(0x20000000, 8, false, 1, true));

		aborts += r.injected && r.ec == ESR_EC_DABT_CUR;
	}
	for (unsigned i = 0; i < storm(STORM_SYSREG_UNDEFS)->count; i++) {
		struct answer r = play(sim_step_sysreg(3, 0, 5, 3, 0, 1, true));

		undefs += r.injected && r.ec == ESR_EC_UNKNOWN;
	}
	for (unsigned i = 0; i < storm(STORM_HVC_UNKNOWN)->count; i++)
		unknown += play(sim_step_hvc(0xc600fffe, i, i)).x0 == RET_NOT_SUPPORTED;
	for (unsigned i = 0; i < storm(STORM_WFE)->count; i++) {
		assert_false(play(sim_step_wfx(true)).injected);
		assert_int_equal(v->state, VCPU_RUNNING); /* WFE completes at once */
	}
	assert_int_equal(aborts, storm(STORM_HOLE_ABORTS)->count);
	assert_int_equal(undefs, storm(STORM_SYSREG_UNDEFS)->count);
	assert_int_equal(unknown, storm(STORM_HVC_UNKNOWN)->count);
}

static void test_hostile_cpu_on_storm_gets_success_or_already_on(void **state)
{
	for (unsigned i = 0; i < storm(STORM_CPU_ON)->count; i++) {
		int64_t ret = (int64_t)play(sim_step_hvc(F_PSCI_CPU_ON, 2, ENTRY)).x0;

		assert_true(ret == 0 || ret == (int64_t)RET_ALREADY_ON || ret == -5);
		/* The storm vCPU turns itself off at once. */
		if (i % 2)
			m.vm->vcpus[2].state = VCPU_OFF;
	}
}

static void test_hostile_random_gicd_and_sgi_writes_are_ignored(void **state)
{
	const struct attack *gicd = storm(STORM_GICD_RANDOM), *sgi = storm(STORM_SGI_ABSENT);
	uint64_t rng = 0x243f6a8885a308d3ULL;
	struct answer ctlr, typer;

	ctlr = play(sim_step_mmio(VM_GICD_BASE, 4, false, 1, false));
	typer = play(sim_step_mmio(VM_GICD_BASE + 4, 4, false, 1, false));
	for (unsigned i = 0; i < gicd->count + sgi->count; i++) {
		uint64_t off;

		rng ^= rng << 13;
		rng ^= rng >> 7;
		rng ^= rng << 17;
		if (i < gicd->count) {
			off = (rng & 1) ? 0xc000 + (rng >> 8) % 0x3fcc : 0x88 + (rng >> 8) % 0x378;
			assert_false(play(with_x(sim_step_mmio(VM_GICD_BASE + (off & ~3ULL), 4,
							       true, 1, false),
						 1, rng >> 32))
					 .injected);
		} else {
			/* Target list aff0 3..15, or a non-zero Aff1: no such vCPU. */
			uint64_t val = (rng & 1)
					   ? ((rng >> 8) & 0xfff8)
					   : (1 + (rng >> 8) % 255) << 16 | (rng >> 20 & 0xffff);

			assert_false(
			    play(with_x(sim_step_sysreg(3, 0, 12, 11, 5, 1, false), 1, val))
				.injected);
		}
	}
	assert_int_equal(play(sim_step_mmio(VM_GICD_BASE, 4, false, 1, false)).x1, ctlr.x1);
	assert_int_equal(play(sim_step_mmio(VM_GICD_BASE + 4, 4, false, 1, false)).x1, typer.x1);
	/* No SGI reached a vCPU: the absent ones have none to receive. */
	for (unsigned c = 1; c < HB_VCPUS; c++)
		assert_false(vgic_wants_wakeup(&m.vm->vcpus[c]));
}

/* The notify flood of issue #11 item 2 as exits: queue 0 full of one chain whose 254 data
 * buffers alias one page (a whole-disk read), notified again and again; no exit moves more
 * than one budget (plus the resume that follows it), and every request is answered. */
static void test_hostile_notify_flood_moves_a_bounded_amount_per_exit(void **state)
{
	const uint64_t rings = VM_RAM_BASE + 0x100000, page = VM_RAM_BASE + 0x200000;
	const uint64_t hdr = VM_RAM_BASE + 0x210000, status = hdr + 0x100;
	const uint64_t desc = rings, avail = rings + 0x1000, used = rings + 0x2000;
	unsigned exits = 0;
	uint64_t most = 0;
	uint8_t st = 0xff;
	uint16_t idx;

	/* The driver's side, written into guest RAM as the attacker writes it. */
	for (unsigned d = 0; d < 256; d++) {
		struct {
			uint64_t addr;
			uint32_t len;
			uint16_t flags, next;
		} e = {d == 0	  ? hdr
		       : d == 255 ? status
				  : page,
		       d == 0	  ? 16
		       : d == 255 ? 1
				  : 4096,
		       (uint16_t)((d < 255 ? 1 : 0) | (d ? 2 : 0)), (uint16_t)(d + 1)};

		assert_int_equal(gmem_write(m.vm, desc + 16 * d, &e, sizeof(e)), HV_OK);
	}
	assert_int_equal(gmem_write(m.vm, hdr, (uint8_t[16]){0}, 16), HV_OK);
	for (unsigned r = 0; r < 256; r++)
		assert_int_equal(gmem_write(m.vm, avail + 4 + 2 * r, (uint16_t[1]){0}, 2), HV_OK);
	idx = 256;
	assert_int_equal(gmem_write(m.vm, avail + 2, &idx, 2), HV_OK);
	/* Status 0, ACK, DRIVER, features (VERSION_1), FEATURES_OK, queue 0, DRIVER_OK. */
	static const struct {
		uint32_t off, val;
	} up[] = {{0x70, 0}, {0x70, 1},	  {0x70, 3}, {0x24, 1}, {0x20, 1}, {0x70, 11},
		  {0x30, 0}, {0x38, 256}, {0x80, 0}, {0x84, 0}, {0x90, 0}, {0x94, 0},
		  {0xa0, 0}, {0xa4, 0},	  {0x44, 1}, {0x70, 15}};
	for (unsigned i = 0; i < ARRAY_SIZE(up); i++) {
		uint64_t val = up[i].off == 0x80   ? desc
			       : up[i].off == 0x90 ? avail
			       : up[i].off == 0xa0 ? used
						   : up[i].val;

		assert_false(play(with_x(sim_step_mmio(HB_VIRTIO + up[i].off, 4, true, 1, false), 1,
					 (uint32_t)val))
				 .injected);
	}
	do {
		uint64_t before = disk_bytes_read;

		/* A QueueNotify exit, then the run loop's resume before the next entry. */
		assert_false(play(with_x(sim_step_mmio(HB_VIRTIO + 0x50, 4, true, 1, false), 1, 0))
				 .injected);
		if (vm_has_deferred(m.vm))
			vm_resume_deferred(m.vm);
		most = MAX(most, disk_bytes_read - before);
		assert_int_equal(gmem_read(m.vm, used + 2, &idx, 2), HV_OK);
		assert_true(++exits < 100000);
	} while (idx != 256);
	assert_int_equal(gmem_read(m.vm, status, &st, 1), HV_OK);
	assert_int_equal(st, 0);
	assert_int_equal(disk_bytes_read, 256ULL * 254 * 4096);
	/* Two budgets per exit at most, each under one budget plus one bounce piece. */
	assert_true(most < 2 * (VIRTIO_BLK_EXIT_BYTES + VIRTIO_BLK_BOUNCE));
	assert_true(exits > 256);
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
	const struct CMUnitTest tests[] = {
	    T(test_hostile_every_trapping_attack_gets_its_answer),
	    T(test_hostile_exit_storms_are_each_answered),
	    T(test_hostile_cpu_on_storm_gets_success_or_already_on),
	    T(test_hostile_random_gicd_and_sgi_writes_are_ignored),
	    T(test_hostile_notify_flood_moves_a_bounded_amount_per_exit),
	};
#undef T

	return cmocka_run_group_tests_name("hostile", tests, NULL, NULL);
}

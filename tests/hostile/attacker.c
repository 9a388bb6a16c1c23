// SPDX-License-Identifier: MIT
/* The hostile-guest suite's attacker (vCPU 0): starts the victim (victim.c) on vCPU 1, then
 * performs every attack of attacks.c and prints what it received, each line ending "answered"
 * when that is the architectural answer the list expects and "ESCAPED" otherwise; then stops
 * the victim and prints its report. The case (tests/hostile/cases.py) requires
 * "N attacks, N answered, 0 escaped" and a victim with no late tick and no corruption. */
#include "attacks.h"
#include "check.h"
#include "exception.h"
#include "gic.h"
#include "gic_cpuif.h"
#include "hostile.h"
#include "printf.h"
#include "smccc.h"
#include "sysreg.h"
#include "timer.h"
#include "virtio.h"

const char guest_name[] = "hostile";

#define INSN_RET 0xd65f03c0U
#define INSN_HVC 0xd4000002U
#define INSN_SMC 0xd4000003U

static uint32_t stub[4] __attribute__((aligned(16)));
static uint8_t victim_stack[VICTIM_STACK] __attribute__((aligned(16)));

/* What one attack received. */
struct received {
	unsigned exceptions; /* synchronous exceptions taken */
	uint64_t esr;	     /* of the last one */
	uint64_t x[4];	     /* x0-x3 afterwards */
};

static void load_stub(uint32_t insn)
{
	stub[0] = insn;
	stub[1] = INSN_RET;
	asm volatile("dsb sy; ic iallu; dsb sy; isb" : : : "memory");
}

static struct received exec(uint32_t insn, uint64_t x0, uint64_t x1, uint64_t x2, uint64_t x3)
{
	struct received r = {.x = {x0, x1, x2, x3}};

	load_stub(insn);
	exc_expect(EXC_RESUME_DEFAULT);
	hostile_exec(stub, r.x);
	r.exceptions = exc_seen.count;
	r.esr = exc_seen.esr;
	exc_expect_none();
	return r;
}

static uint32_t load_insn(unsigned size)
{
	/* ldrb w1 / ldrh w1 / ldr w1 / ldr x1, [x0] */
	return size == 1   ? 0x39400001U
	       : size == 2 ? 0x79400001U
	       : size == 4 ? 0xb9400001U
			   : 0xf9400001U;
}

static uint32_t store_insn(unsigned size)
{
	return load_insn(size) & ~0x00400000U; /* the same with L = 0 */
}

static struct received perform(const struct attack *a)
{
	switch (a->kind) {
	case ATK_LOAD:
		return exec(load_insn(a->size), a->addr, 0xbad0bad0bad0bad0UL, 0, 0);
	case ATK_STORE:
		return exec(store_insn(a->size), a->addr, a->val, 0, 0);
	case ATK_INSN_MEM:
		return exec(a->insn, a->addr, a->val, a->val, 0);
	case ATK_INSN:
		return exec(a->insn, 0, a->val, 0, 0);
	case ATK_HVC:
	case ATK_SMC:
		return exec(a->kind == ATK_HVC ? INSN_HVC : INSN_SMC, a->fid, a->arg[0], a->arg[1],
			    a->arg[2]);
	default:
		return (struct received){0};
	}
}

/* Say what was received; true if it is the answer `a` expects. */
static bool judge(const struct attack *a, const struct received *r)
{
	unsigned ec = (unsigned)ESR_EC(r->esr);

	if (r->exceptions > 1) {
		printf("%u exceptions", r->exceptions);
		return false;
	}
	if (r->exceptions == 1) {
		const char *what = ec == ESR_EC_DABT_CUR   ? "data abort"
				   : ec == ESR_EC_IABT_CUR ? "instruction abort"
				   : ec == ESR_EC_UNKNOWN  ? "UNDEFINED"
							   : "exception";

		printf("%s, ESR 0x%lx", what, r->esr);
		return ((a->answer == ANS_ABORT || a->answer == ANS_EXCL_FAIL) &&
			ec == ESR_EC_DABT_CUR) ||
		       (a->answer == ANS_IABORT && ec == ESR_EC_IABT_CUR) ||
		       (a->answer == ANS_UNDEF && ec == ESR_EC_UNKNOWN);
	}
	switch (a->answer) {
	case ANS_SMCCC:
		printf("SMCCC %ld", (long)r->x[0]);
		return r->x[0] == a->want;
	case ANS_READ:
	case ANS_READ_ANY:
		printf("read 0x%lx", r->x[1]);
		return a->answer == ANS_READ_ANY || r->x[1] == a->want;
	case ANS_WI:
		printf("write completed, no exception");
		return true;
	case ANS_EXCL_FAIL:
		printf("store-exclusive status %lu", r->x[2]);
		return r->x[2] == 1;
	default:
		printf("no exception");
		return false;
	}
}

/* --- storms --- */

static uint64_t rng_state = 0x243f6a8885a308d3UL;

static uint64_t rng(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

static unsigned storm_exceptions(uint32_t insn, uint64_t x0, unsigned count, unsigned want_ec)
{
	unsigned ok = 0;

	for (unsigned i = 0; i < count; i++) {
		struct received r = exec(insn, x0, 0, 0, 0);

		ok += r.exceptions == 1 && ESR_EC(r.esr) == want_ec;
	}
	return ok;
}

static unsigned storm_cpu_on(unsigned count)
{
	unsigned ok = 0;

	for (unsigned i = 0; i < count; i++) {
		int64_t ret = hvc_call(F_PSCI_CPU_ON, STORM_MPIDR, (uint64_t)storm_entry, 0);
		unsigned spins = 0;

		ok += ret == 0 || ret == (int64_t)RET_ALREADY_ON || ret == -5 /* ON_PENDING */;
		/* Wait until it turned itself off (AFFINITY_INFO: 1 = OFF). */
		while (hvc_call(F_PSCI_AFFINITY, STORM_MPIDR, 0, 0) != 1 && ++spins < 100000)
			;
	}
	return ok;
}

/* Random writes where no guest state of interest lives: the reserved and IMPDEF space at
 * 0xc000-0xffcc, and the registers of SPIs 64 and up, which nothing here uses. */
static unsigned storm_gicd_random(unsigned count)
{
	uint32_t ctlr = gicd_read(GICD_CTLR), typer = gicd_read(GICD_TYPER);
	unsigned ok = 0;

	for (unsigned i = 0; i < count; i++) {
		uint64_t r = rng();
		uint32_t off;

		switch (r & 3) {
		case 0:
			off = 0xc000 + (uint32_t)((r >> 8) % 0x3fcc);
			break;
		case 1:
			off = 0x0088 +
			      (uint32_t)((r >> 8) % 0x378); /* group ... active, SPIs >= 64 */
			break;
		case 2:
			off = 0x0440 + (uint32_t)((r >> 8) % 0x3c0); /* priorities of SPIs >= 64 */
			break;
		default:
			off = 0x6200 + (uint32_t)((r >> 8) % 0x1c00); /* IROUTER of SPIs >= 64 */
			break;
		}
		off &= ~3U;
		ok += exec(0xb9000001U, GUEST_GICD_BASE + off, r >> 32, 0, 0).exceptions == 0;
	}
	/* Nothing that matters moved. */
	if (gicd_read(GICD_CTLR) != ctlr || gicd_read(GICD_TYPER) != typer)
		return 0;
	return ok;
}

static unsigned storm_sgi_absent(unsigned count)
{
	unsigned ok = 0;

	for (unsigned i = 0; i < count; i++) {
		uint64_t r = rng(), val;

		/* A target list of aff0 3..15 only, or a non-zero Aff1/2/3: nobody there. */
		if (r & 1)
			val = ((r >> 8) & 0xfff8) | ((r >> 24) & 0xf) << 24;
		else
			val = (1 + ((r >> 8) % 255)) << 16 | ((r >> 20) & 0xffff) |
			      ((r >> 40) & 0xf) << 24;
		ok += exec(MSR_X1(R_ICC_SGI1R_EL1), 0, val, 0, 0).exceptions == 0;
	}
	return ok;
}

static unsigned storm_wfi_pending(unsigned count)
{
	unsigned done = 0;
	uint32_t intid;

	/* SGI 5 enabled and pending, IRQs masked in PSTATE: every WFI returns at once. */
	gic_irq_setup(5, 0x80, true);
	gic_send_sgi_self(5);
	isb();
	for (unsigned i = 0; i < count; i++) {
		asm volatile("dsb sy; wfi" : : : "memory");
		done++;
	}
	intid = gic_read_iar1();
	if (intid != 1023)
		gic_write_eoir1(intid);
	return intid == 5 ? done : 0;
}

/* The notify flood of issue #11 item 2: queue 0 of the virtio-blk device full of one chain,
 * a whole-disk read whose 254 data buffers all alias one page, refilled and notified again
 * and again; each round must be answered (OK status, device live) while the victim ticks. */
#define FLOOD_NUM  256
#define FLOOD_SEGS 254
static uint8_t flood_rings[0x4000] __attribute__((aligned(4096)));
static uint8_t flood_page[4096] __attribute__((aligned(4096)));
static volatile uint8_t flood_hdr[16] __attribute__((aligned(16)));
static volatile uint8_t flood_status;

static uint64_t flood_max_exit, flood_exits;

static unsigned storm_notify_flood(unsigned rounds)
{
	const struct virtio_dev dev = {.base = VIRTIO_MMIO_SLOT_BASE(0)};
	uint64_t desc = (uint64_t)flood_rings, avail = desc + 0x1000, used = desc + 0x2000;
	struct virtq q;
	unsigned ok = 0;

	if (virtio_read(&dev, VIRTIO_MMIO_DEVICE_ID) != 2) {
		printf("no virtio-blk device in slot 0; ");
		return 0;
	}
	if (!(virtio_negotiate(&dev, 1UL << VIRTIO_F_VERSION_1) & VIRTIO_STATUS_FEATURES_OK))
		return 0;
	virtq_init(&q, FLOOD_NUM, desc, avail, used);
	if (!virtio_queue_program(&dev, 0, FLOOD_NUM, desc, avail, used) ||
	    !(virtio_driver_ok(&dev) & VIRTIO_STATUS_DRIVER_OK))
		return 0;
	for (unsigned i = 0; i < 16; i++)
		flood_hdr[i] = 0; /* VIRTIO_BLK_T_IN, sector 0 */
	virtq_set_desc(q.desc, 0, (uint64_t)flood_hdr, 16, VIRTQ_DESC_F_NEXT, 1);
	for (unsigned s = 1; s <= FLOOD_SEGS; s++)
		virtq_set_desc(q.desc, s, (uint64_t)flood_page, sizeof(flood_page),
			       VIRTQ_DESC_F_NEXT | VIRTQ_DESC_F_WRITE, (uint16_t)(s + 1));
	virtq_set_desc(q.desc, FLOOD_SEGS + 1, (uint64_t)&flood_status, 1, VIRTQ_DESC_F_WRITE, 0);
	for (unsigned r = 0; r < rounds; r++) {
		uint16_t target = (uint16_t)(q.avail_idx + FLOOD_NUM);
		unsigned spins = 0;

		flood_status = 0xff;
		for (unsigned i = 0; i < FLOOD_NUM; i++)
			virtq_publish(&q, 0);
		/* Notify until every request came back: each notify is an exit. */
		while (virtq_used_idx(&q) != target && ++spins < 10000000) {
			uint64_t t0 = counter_read(), t;

			virtio_notify(&dev, 0);
			t = counter_read() - t0;
			if (t > flood_max_exit)
				flood_max_exit = t;
			flood_exits++;
		}
		ok += virtq_used_idx(&q) == target && flood_status == 0 &&
		      !(virtio_status(&dev) & VIRTIO_STATUS_DEVICE_NEEDS_RESET);
	}
	virtio_reset(&dev);
	printf("%lu notifies, the longest %lu us; ", flood_exits,
	       timer_ticks_to_us(flood_max_exit));
	return ok;
}

static unsigned storm(const struct attack *a)
{
	switch ((enum storm)a->insn) {
	case STORM_HOLE_ABORTS:
		return storm_exceptions(load_insn(8), 0x20000000, a->count, ESR_EC_DABT_CUR);
	case STORM_SYSREG_UNDEFS:
		return storm_exceptions(MRS_X1(R_ERRIDR_EL1), 0, a->count, ESR_EC_UNKNOWN);
	case STORM_HVC_UNKNOWN: {
		unsigned ok = 0;

		for (unsigned i = 0; i < a->count; i++)
			ok += hvc_call(0xc600fffe, i, i, i) == -1;
		return ok;
	}
	case STORM_WFIT_UNDEFS:
		return storm_exceptions(INSN_WFIT_X1, 0, a->count, ESR_EC_UNKNOWN);
	case STORM_WFE:
		for (unsigned i = 0; i < a->count; i++)
			asm volatile("wfe" : : : "memory");
		return a->count;
	case STORM_WFI_PENDING:
		return storm_wfi_pending(a->count);
	case STORM_CPU_ON:
		return storm_cpu_on(a->count);
	case STORM_GICD_RANDOM:
		return storm_gicd_random(a->count);
	case STORM_SGI_ABSENT:
		return storm_sgi_absent(a->count);
	case STORM_NOTIFY_FLOOD:
		return storm_notify_flood(a->count);
	}
	return 0;
}

int main(void)
{
	unsigned answered = 0, escaped = 0, spins = 0;
	int64_t ret;

	check(gic_init(), "hostile: GIC set up");
	ret = hvc_call(F_PSCI_CPU_ON, VICTIM_MPIDR, (uint64_t)victim_entry,
		       (uint64_t)victim_stack + sizeof(victim_stack));
	check_eq(ret, 0, "hostile: victim started on vCPU 1");
	while (victim.state == VICTIM_OFF && ++spins < 10000000)
		;
	check_eq(victim.state, VICTIM_RUNNING, "hostile: victim running");

	for (unsigned i = 0; i < attack_count; i++) {
		const struct attack *a = &attacks[i];
		uint32_t late = victim.late;
		bool ok;

		printf("attack %u: %s: ", i + 1, a->name);
		if (a->kind == ATK_STORM) {
			unsigned n = storm(a);

			printf("%u of %u answered", n, a->count);
			ok = n == a->count;
		} else {
			struct received r = perform(a);

			ok = judge(a, &r);
		}
		if (victim.late != late)
			printf(" (victim: %u late ticks meanwhile)", victim.late - late);
		printf(" -> %s\n", ok ? "answered" : "ESCAPED");
		answered += ok;
		escaped += !ok;
	}

	victim.stop = true;
	spins = 0;
	while (hvc_call(F_PSCI_AFFINITY, VICTIM_MPIDR, 0, 0) != 1 && ++spins < 10000000)
		;
	printf("victim: %u ticks, %u late (worst %lu us after its deadline), %u early, %u lost; "
	       "%u checksums, %u corrupt\n",
	       victim.ticks, victim.late, timer_ticks_to_us(victim.max_late_ticks), victim.early,
	       victim.lost, victim.sums, victim.corrupt);
	check_eq(victim.state, VICTIM_DONE, "hostile: victim finished and turned itself off");
	check(victim.ticks > 0 && victim.sums > 0, "hostile: victim ticked and summed");
	check_eq(victim.late + victim.lost + victim.corrupt, 0,
		 "hostile: victim saw no late or lost tick and no corruption");
	printf("hostile: %u attacks, %u answered, %u escaped\n", attack_count, answered, escaped);
	check_eq(escaped, 0, "hostile: every attack answered");
	return 0;
}

// SPDX-License-Identifier: MIT
/* Tests of core/vgic.c, part 3: a model-based random test. Random sequences of device inputs
 * (lines, pulses, SGIs), GICD/GICR writes through the lock-taking setters (ISPENDR, ICPENDR,
 * ISENABLER, ICENABLER, ISACTIVER, ICACTIVER, IPRIORITYR, GICD_CTLR), guest acknowledges,
 * EOIs, deactivations and priority-mask changes through the virtual CPU interface model, and
 * exits and entries as vcpu_run() makes them, played against a reference GICv3 with one CPU
 * interface and unlimited list registers. Every acknowledge must return what the reference
 * returns (so nothing is lost, duplicated or out of order), and after every exit the vGIC's
 * software state must show the reference's pending and active state. Parts 1 and 2 are
 * test_vgic.c and test_vgic_lr_*.c; the harness is vgic_harness.h. TEST_SEED, TEST_RUNS and
 * TEST_STEPS (see below) replay a seed or play many. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "rng.h"
#include "vgic_harness.h"

#define RAND_STEPS 20000
#define RAND_SEED  0x76676963ULL /* "vgic" */
#define RAND_TRACE 32

/* The interrupts of vCPU 0 the test plays with: two SGIs, two PPIs, twelve SPIs. */
static const uint32_t rand_ids[] = {1, 5, 20, 23, 32, 33, 34, 35, 36, 37, 38, 39, 40, 41, 42, 43};
static const uint8_t rand_prios[] = {0x00, 0x40, 0x80, 0x80, 0xa0, 0xc0, 0xf0, 0xf8};
static const uint8_t rand_pmrs[] = {0xff, 0xff, 0xff, 0xc0, 0x80};

struct ref_irq {
	bool enabled, edge, line, latch, active;
	uint8_t priority;
	unsigned group;
};

/* A GICv3 with one CPU interface and unlimited list registers. */
struct ref {
	struct ref_irq irq[VGIC_MAX_INTID];
	bool dist_en[2], veng[2], split;
	uint8_t pmr;
	struct {
		uint32_t intid;
		unsigned group;
		uint8_t priority;  /* what it was taken at: the running priority it holds */
	} running[VGIC_MAX_INTID]; /* acknowledged, priority not dropped; oldest first */
	unsigned depth;
	uint32_t dropped[VGIC_MAX_INTID]; /* EOImode 1: priority dropped, still active */
	unsigned nr_dropped;
};

/* What a run may do. The well-behaved guest is the plain one: EOImode 0, at most nr_lrs - 1
 * interrupts active at once, no ISACTIVER/ICACTIVER, no disabling of active interrupts or of
 * the group of one, no ICC_IGRPEN changes. Any guest does all of that; the tests of
 * test_vgic_lr_*.c named here show each case on its own. No run changes the priority of an
 * active interrupt (test_vgic_priority_change_of_an_active_interrupt_keeps_its_eoi). */
struct grammar {
	bool split; /* EOImode 1: ..._eoimode1_spilled_interrupts_deactivated_in_any_order */
	bool deep;  /* nest at will: ..._four_active_lrs_and_a_lower_pending_one_do_not_storm */
	bool active_regs;    /* ISACTIVER/ICACTIVER: ..._actives_without_a_running_priority_... */
	bool disable_active; /* ..._disabled_interrupt_is_not_taken_after_its_active_instance */
	bool grpen;	     /* ICC_IGRPEN0/1: ..._group_disabled_at_the_cpu_interface_... */
};

struct rand_run {
	uint64_t seed, rng;
	unsigned step;
	struct ref ref;
	const struct grammar *g;
	uint32_t dir_trapped; /* the INTID of a DIR that trapped, or VGIC_SPURIOUS */
	char trace[RAND_TRACE][64];
};

static void note(struct rand_run *r, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(r->trace[r->step % RAND_TRACE], sizeof(r->trace[0]), fmt, ap);
	va_end(ap);
	r->step++;
}

static bool ref_pending(const struct ref_irq *q)
{
	return q->latch || (!q->edge && q->line);
}

static void check(struct rand_run *r, bool ok, const char *what, unsigned long a, unsigned long b)
{
	if (ok)
		return;
	print_message("seed %llu, step %u: %s (vgic %lu, reference %lu); last steps:\n",
		      (unsigned long long)r->seed, r->step, what, a, b);
	for (unsigned i = r->step > RAND_TRACE ? r->step - RAND_TRACE : 0; i < r->step; i++)
		print_message("  %5u %s\n", i, r->trace[i % RAND_TRACE]);
	print_message("reference: PMR 0x%02x, IGRPEN %u%u, GICD_CTLR %u%u, running:", r->ref.pmr,
		      r->ref.veng[0], r->ref.veng[1], r->ref.dist_en[0], r->ref.dist_en[1]);
	for (unsigned i = 0; i < r->ref.depth; i++)
		print_message(" %u", r->ref.running[i].intid);
	print_message("\n");
	for (unsigned i = 0; i < ARRAY_SIZE(rand_ids); i++) {
		const struct ref_irq *q = &r->ref.irq[rand_ids[i]];

		print_message("  INTID %2u: G%u prio 0x%02x %s %s%s%s%s\n", rand_ids[i], q->group,
			      q->priority, q->edge ? "edge " : "level", q->enabled ? "E" : "-",
			      ref_pending(q) ? "P" : "-", q->active ? "A" : "-",
			      q->line ? "L" : "-");
	}
	for (unsigned n = 0; n < vif[0].nr_lrs; n++)
		print_message("  ICH_LR%u_EL2 0x%016llx\n", n,
			      (unsigned long long)cpu(0)->ctx.vgic.lr[n]);
	fail();
}

static unsigned ref_actives(const struct ref *f)
{
	unsigned n = 0;

	for (unsigned i = 0; i < ARRAY_SIZE(rand_ids); i++)
		n += f->irq[rand_ids[i]].active;
	return n;
}

/* HighestPriorityVirtualInterrupt over every interrupt, then the IAR checks: the INTID
 * ICV_IAR<group> returns, or 1023. */
static uint32_t ref_peek(const struct ref *f, unsigned group)
{
	const struct ref_irq *best = NULL;
	uint32_t id = VGIC_SPURIOUS;

	for (unsigned i = 0; i < ARRAY_SIZE(rand_ids); i++) {
		const struct ref_irq *q = &f->irq[rand_ids[i]];

		if (!ref_pending(q) || q->active || !q->enabled || !f->dist_en[q->group] ||
		    !f->veng[q->group])
			continue;
		if (!best || q->priority < best->priority) {
			best = q;
			id = rand_ids[i];
		}
	}
	if (!best || best->group != group || best->priority >= f->pmr)
		return VGIC_SPURIOUS;
	if (f->depth && best->priority >= f->running[f->depth - 1].priority)
		return VGIC_SPURIOUS;
	return id;
}

static uint32_t ref_ack(struct ref *f, unsigned group)
{
	uint32_t id = ref_peek(f, group);

	if (id != VGIC_SPURIOUS) {
		f->irq[id].latch = false;
		f->irq[id].active = true;
		f->running[f->depth].intid = id;
		f->running[f->depth].priority = f->irq[id].priority;
		f->running[f->depth++].group = group;
	}
	return id;
}

/* The guest's actions between two exits; false when it traps. */
static bool guest_step(struct rand_run *r)
{
	struct ref *f = &r->ref;
	uint64_t dice = rng_below(&r->rng, 100);
	unsigned depth = ref_actives(f);

	if (dice < 40 && (r->g->deep || depth + 1 < vif[0].nr_lrs)) {
		unsigned group = rng_below(&r->rng, 4) ? 1 : 0;
		uint32_t got = sim_icv_iar(&vif[0], group);
		uint32_t want = ref_ack(f, group);

		note(r, "guest: IAR%u -> %u", group, got);
		check(r, got == want, "acknowledged INTID", got, want);
	} else if (dice < 75 && f->depth) {
		uint32_t id = f->running[f->depth - 1].intid;
		unsigned group = f->running[--f->depth].group;

		note(r, "guest: EOIR%u %u", group, id);
		sim_icv_eoir(&vif[0], group, id);
		if (f->split)
			f->dropped[f->nr_dropped++] = id;
		else
			f->irq[id].active = false;
	} else if (dice < 85 && f->nr_dropped) {
		unsigned k = (unsigned)rng_below(&r->rng, f->nr_dropped);
		uint32_t id = f->dropped[k];

		f->irq[id].active = false;
		f->dropped[k] = f->dropped[--f->nr_dropped];
		if (!sim_icv_dir(&vif[0], id)) {
			note(r, "guest: DIR %u traps", id);
			r->dir_trapped = id;
			return false;
		}
		note(r, "guest: DIR %u", id);
	} else if (dice < 88) {
		uint8_t pmr = rand_pmrs[rng_below(&r->rng, ARRAY_SIZE(rand_pmrs))];

		note(r, "guest: PMR 0x%02x", pmr);
		sim_vif_set_pmr(&vif[0], pmr);
		f->pmr = (uint8_t)(pmr & 0xf8);
	} else if (dice < 90 && r->g->grpen) {
		unsigned group = (unsigned)rng_below(&r->rng, 2);

		f->veng[group] = !f->veng[group];
		note(r, "guest: IGRPEN%u %u", group, f->veng[group]);
		sim_vif_set_grpen(&vif[0], group, f->veng[group]);
	} else {
		note(r, "guest: trap");
		return false;
	}
	return true;
}

/* One change from a device or a trapped GICD/GICR write, on both sides. */
static void hyp_event(struct rand_run *r)
{
	struct ref *f = &r->ref;
	uint32_t id = rand_ids[rng_below(&r->rng, ARRAY_SIZE(rand_ids))];
	struct ref_irq *q = &f->irq[id];
	struct vcpu *v = cpu(0);

	switch (rng_below(&r->rng, 10)) {
	case 0:
	case 1: /* the device: a pulse, an SGI, or the line moves */
		if (id < VGIC_NR_SGIS) {
			unsigned group = rng_below(&r->rng, 4) ? q->group : !q->group;

			note(r, "SGI %u group %u", id, group);
			vgic_send_sgi(v, (uint64_t)id << ICC_SGIR_INTID_SHIFT | 1, group);
			q->latch |= group == q->group;
		} else if (q->edge && rng_below(&r->rng, 2)) {
			note(r, "pulse %u", id);
			vgic_pulse(vm, v, id);
			q->latch = true;
		} else {
			bool level = !q->line;

			note(r, "line %u %u", id, level);
			vgic_set_line(vm, v, id, level);
			q->latch |= q->edge && level;
			q->line = level;
		}
		break;
	case 2:
		note(r, "ISPENDR %u", id);
		reg_write(0, id, ISPENDR, 0);
		q->latch = true;
		break;
	case 3:
		note(r, "ICPENDR %u", id);
		reg_write(0, id, ICPENDR, 0);
		q->latch = false;
		break;
	case 4:
		note(r, "ISENABLER %u", id);
		reg_write(0, id, ISENABLER, 0);
		q->enabled = true;
		break;
	case 5:
		if (q->active && !r->g->disable_active)
			break;
		note(r, "ICENABLER %u", id);
		reg_write(0, id, ICENABLER, 0);
		q->enabled = false;
		break;
	case 6:
	case 7:
		if (!r->g->active_regs)
			break;
		q->active = rng_below(&r->rng, 2);
		note(r, "%s %u", q->active ? "ISACTIVER" : "ICACTIVER", id);
		reg_write(0, id, q->active ? ISACTIVER : ICACTIVER, 0);
		break;
	case 8:
		if (!q->active) {
			q->priority = rand_prios[rng_below(&r->rng, ARRAY_SIZE(rand_prios))];
			note(r, "IPRIORITYR %u 0x%02x", id, q->priority);
			reg_write(0, id, IPRIORITYR, q->priority);
		}
		break;
	default: {
		unsigned group = (unsigned)rng_below(&r->rng, 2);
		bool busy = false;

		for (unsigned i = 0; i < ARRAY_SIZE(rand_ids); i++)
			busy |= f->irq[rand_ids[i]].active && f->irq[rand_ids[i]].group == group;
		if (f->dist_en[group] && busy && !r->g->disable_active)
			break;
		f->dist_en[group] = !f->dist_en[group];
		note(r, "GICD_CTLR group %u %u", group, f->dist_en[group]);
		if (group)
			vm->vgic.enable_grp1 = f->dist_en[group];
		else
			vm->vgic.enable_grp0 = f->dist_en[group];
		break;
	}
	}
}

/* After a fold the software state is the truth: it must be the reference's. */
static void compare(struct rand_run *r)
{
	const struct ref *f = &r->ref;
	bool deliverable = ref_peek(f, 0) != VGIC_SPURIOUS || ref_peek(f, 1) != VGIC_SPURIOUS;

	for (unsigned i = 0; i < ARRAY_SIZE(rand_ids); i++) {
		const struct ref_irq *q = &f->irq[rand_ids[i]];
		const struct vgic_irq *irq = irq_of(0, rand_ids[i]);
		char what[48];

		snprintf(what, sizeof(what), "INTID %u pending", rand_ids[i]);
		check(r, vgic_irq_pending(irq) == ref_pending(q), what, vgic_irq_pending(irq),
		      ref_pending(q));
		snprintf(what, sizeof(what), "INTID %u active", rand_ids[i]);
		check(r, irq->active == q->active, what, irq->active, q->active);
	}
	/* WFI may wake early, never late. */
	check(r, !deliverable || vgic_wants_wakeup(cpu(0)), "WFI wake-up", 0, 1);
	check(r, vif[0].unpredictable == 0, "UNPREDICTABLE guest accesses", vif[0].unpredictable,
	      0);
}

static void rand_init(struct rand_run *r, const struct grammar *g, uint64_t seed)
{
	struct ref *f = &r->ref;

	memset(r, 0, sizeof(*r));
	r->g = g;
	r->seed = r->rng = seed;
	machine(1);
	f->dist_en[0] = f->dist_en[1] = f->veng[0] = f->veng[1] = true;
	f->pmr = 0xf8;
	f->split = g->split;
	r->dir_trapped = VGIC_SPURIOUS;
	sim_vif_set_eoimode(&vif[0], g->split);
	vif[0].split_eoi_counts = rng_below(&r->rng, 2); /* QEMU's EOIcount, or the spec's */
	for (unsigned i = 0; i < ARRAY_SIZE(rand_ids); i++) {
		uint32_t id = rand_ids[i];
		struct ref_irq *q = &f->irq[id];

		q->group = rng_below(&r->rng, 4) ? 1 : 0;
		q->edge = id < VGIC_NR_SGIS || rng_below(&r->rng, 2);
		q->priority = rand_prios[rng_below(&r->rng, ARRAY_SIZE(rand_prios))];
		q->enabled = rng_below(&r->rng, 4) != 0;
		config(0, id, q->priority, q->group, q->edge);
		if (!q->enabled)
			reg_write(0, id, ICENABLER, 0);
	}
}

/* A number from the environment (TEST_RUNS, TEST_STEPS), or `fallback`. */
static unsigned env_knob(const char *name, unsigned fallback)
{
	const char *env = getenv(name);

	return env ? (unsigned)strtoul(env, NULL, 0) : fallback;
}

static void rand_run(const struct grammar *g, uint64_t seed)
{
	static struct rand_run r;
	unsigned exits = 0, idle_entries = 0, steps = env_knob("TEST_STEPS", RAND_STEPS);

	rand_init(&r, g, seed);
	while (r.step < steps) {
		bool idle = true;
		unsigned writes = sim_hal.vgic_lr_writes;

		for (unsigned i = 0; i < ARRAY_SIZE(rand_ids); i++)
			idle &=
			    !ref_pending(&r.ref.irq[rand_ids[i]]) && !r.ref.irq[rand_ids[i]].active;
		vgic_flush(cpu(0));
		/* The fast path: nothing pending or active, no list register written. */
		check(&r, !idle || sim_hal.vgic_lr_writes == writes, "LR writes when idle",
		      sim_hal.vgic_lr_writes - writes, 0);
		idle_entries += idle;
		check(&r, !sim_vif_maintenance(&vif[0]), "maintenance interrupt at entry", 1, 0);
		while (!sim_vif_maintenance(&vif[0]) && guest_step(&r))
			;
		if (r.dir_trapped != VGIC_SPURIOUS) {
			trap_dir(0, r.dir_trapped); /* the fold, then the emulation */
			r.dir_trapped = VGIC_SPURIOUS;
		} else {
			vgic_fold(cpu(0));
		}
		note(&r, "exit");
		exits++;
		compare(&r);
		for (uint64_t n = rng_below(&r.rng, 4); n > 0; n--)
			hyp_event(&r);
	}
	print_message("%u steps, %u exits (%u idle entries)\n", r.step, exits, idle_entries);
}

static const struct grammar well_behaved = {0};
static const struct grammar anything = {
    .deep = true, .active_regs = true, .disable_active = true, .grpen = true};
static const struct grammar anything_split = {
    .split = true, .deep = true, .active_regs = true, .disable_active = true, .grpen = true};

/* TEST_RUNS=<n> plays n seeds, the printed one and those after it. */
static void test_vgic_random_well_behaved_guest_matches_reference_gicv3(void **state)
{
	uint64_t seed = rng_seed(__func__, RAND_SEED);

	for (unsigned i = 0; i < env_knob("TEST_RUNS", 1); i++)
		rand_run(&well_behaved, seed + i);
}

static void test_vgic_random_any_guest_matches_reference_gicv3(void **state)
{
	uint64_t seed = rng_seed(__func__, RAND_SEED);

	for (unsigned i = 0; i < env_knob("TEST_RUNS", 1); i++) {
		rand_run(&anything, seed + i);
		rand_run(&anything_split, seed + i);
	}
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup1, teardown)
	const struct CMUnitTest tests[] = {
	    T(test_vgic_random_well_behaved_guest_matches_reference_gicv3),
	    T(test_vgic_random_any_guest_matches_reference_gicv3),
	};
#undef T

	return cmocka_run_group_tests_name("vgic_model", tests, NULL, NULL);
}

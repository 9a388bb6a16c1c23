// SPDX-License-Identifier: MIT
/* The hypervisor console's tables: `list` (the VMs) and `stats` (exits by reason and
 * scheduler time, per vCPU: what kvm_stat shows for KVM), also printed when a VM stops (see
 * core/hvconsole.h and docs/console.md). */
#include <core/console_vm.h>
#include <core/hvconsole.h>
#include <core/lib.h>
#include <core/log.h>
#include <core/print.h>
#include <core/vm.h>
#include <core/vmconfig.h>
#include <hal/time.h>

#include "hvconsole_internal.h"

/* What a table shows of one VM, copied while the VM is known to be on the console. */
struct vm_view {
	char name[VM_NAME_MAX];
	bool live; /* on the console now (else: configured, stopped) */
	enum vm_state state;
	unsigned vcpus;
	unsigned pcpu_of[VM_MAX_VCPUS];
	unsigned weight; /* 0: not known */
};

/* One row of the stats table: a vCPU, or a VM's total. */
struct stats_row {
	struct vcpu_stats st;
	uint64_t run_ticks, wait_ticks;
};

static uint64_t ticks_to_us(uint64_t ticks)
{
	uint64_t freq = hal_counter_freq();

	return freq ? ticks / freq * 1000000 + ticks % freq * 1000000 / freq : 0;
}

static void add_row(struct stats_row *sum, const struct stats_row *r)
{
	sum->st.exits += r->st.exits;
	sum->st.mmio += r->st.mmio;
	sum->st.sysreg += r->st.sysreg;
	sum->st.wfx += r->st.wfx;
	sum->st.hvc += r->st.hvc;
	sum->st.smc += r->st.smc;
	sum->st.irq += r->st.irq;
	sum->st.abort_injected += r->st.abort_injected;
	sum->st.undef_injected += r->st.undef_injected;
	sum->run_ticks += r->run_ticks;
	sum->wait_ticks += r->wait_ticks;
}

static void vcpu_row(const struct vcpu *v, struct stats_row *r)
{
	r->st = v->stats;
	r->run_ticks = v->sched.stats.run_ticks;
	r->wait_ticks = v->sched.stats.wait_ticks;
}

static const char *state_name(enum vm_state s, bool live)
{
	if (!live)
		return "stopped";
	switch (s) {
	case VM_CREATED:
		return "created";
	case VM_RUNNING:
		return "running";
	case VM_STOPPED:
		return "stopping";
	default:
		return "free";
	}
}

#define STATS_HEADER                                                                          \
	"%-8s %10s %9s %8s %8s %7s %5s %8s %6s %6s %10s %10s", "", "exits", "mmio", "sysreg", \
	    "wfx", "hvc", "smc", "irq", "abort", "undef", "run_us", "wait_us"

static void print_row(const char *who, const char *label, const struct stats_row *r)
{
	log_info("%s: %-8s %10llu %9llu %8llu %8llu %7llu %5llu %8llu %6llu %6llu %10llu %10llu",
		 who, label, (unsigned long long)r->st.exits, (unsigned long long)r->st.mmio,
		 (unsigned long long)r->st.sysreg, (unsigned long long)r->st.wfx,
		 (unsigned long long)r->st.hvc, (unsigned long long)r->st.smc,
		 (unsigned long long)r->st.irq, (unsigned long long)r->st.abort_injected,
		 (unsigned long long)r->st.undef_injected,
		 (unsigned long long)ticks_to_us(r->run_ticks),
		 (unsigned long long)ticks_to_us(r->wait_ticks));
}

static void print_header(const char *who)
{
	char head[LOG_LINE_MAX];

	format(head, sizeof(head), STATS_HEADER);
	log_info("%s: %s", who, head);
}

void hvconsole_stats(const struct vm *vm)
{
	struct stats_row rows[VM_MAX_VCPUS], total = {0};
	unsigned n = MIN(vm->vcpu_count, (unsigned)VM_MAX_VCPUS);
	char label[16];

	for (unsigned i = 0; i < n; i++) {
		vcpu_row(&vm->vcpus[i], &rows[i]);
		add_row(&total, &rows[i]);
	}
	print_header(vm->name);
	for (unsigned i = 0; i < n; i++) {
		format(label, sizeof(label), "vcpu%u", i);
		print_row(vm->name, label, &rows[i]);
	}
	print_row(vm->name, "total", &total);
}

void hvconsole_vm_stopped(const struct vm *vm)
{
	struct stats_row total = {0}, r;

	for (unsigned i = 0; i < vm->vcpu_count; i++) {
		vcpu_row(&vm->vcpus[i], &r);
		add_row(&total, &r);
	}
	/* The first line as it always was: scripts and tests read it. */
	log_info("%s: stopped with status %d after %llu exits (hvc %llu, smc %llu, mmio %llu, "
		 "sysreg %llu, wfx %llu, irq %llu, injected aborts %llu, undefs %llu)",
		 vm->name, vm->exit_status, (unsigned long long)total.st.exits,
		 (unsigned long long)total.st.hvc, (unsigned long long)total.st.smc,
		 (unsigned long long)total.st.mmio, (unsigned long long)total.st.sysreg,
		 (unsigned long long)total.st.wfx, (unsigned long long)total.st.irq,
		 (unsigned long long)total.st.abort_injected,
		 (unsigned long long)total.st.undef_injected);
	/* RAM is populated on first touch (docs/memory.md): how much the guest ever used. */
	log_info("%s: %llu MiB of its RAM populated", vm->name,
		 (unsigned long long)vm->ram_blocks * (SZ_2M >> 20));
	hvconsole_stats(vm);
}

/* --- list --- */

struct list_ctx {
	struct vm_view live[VM_MAX];
	unsigned count;
};

static void collect_live(void *p, struct vm *vm)
{
	struct list_ctx *ctx = p;
	struct vm_view *v;

	if (ctx->count == VM_MAX)
		return;
	v = &ctx->live[ctx->count++];
	memcpy(v->name, vm->name, sizeof(v->name));
	v->live = true;
	v->state = vm->state;
	v->vcpus = MIN(vm->vcpu_count, (unsigned)VM_MAX_VCPUS);
	for (unsigned i = 0; i < v->vcpus; i++)
		v->pcpu_of[i] = vm->vcpus[i].pcpu;
	v->weight = vm->weight;
}

static void print_view(const struct vm_view *v)
{
	char pcpus[4 * VM_MAX_VCPUS + 1], weight[12];
	size_t at = 0;

	pcpus[0] = '\0';
	for (unsigned i = 0; i < v->vcpus && at < sizeof(pcpus); i++)
		at += (size_t)format(pcpus + at, sizeof(pcpus) - at, "%s%u", i ? "," : "",
				     v->pcpu_of[i]);
	if (v->weight)
		format(weight, sizeof(weight), "%u", v->weight);
	else
		format(weight, sizeof(weight), "-");
	log_info("hv: %-16s %-9s %5u  %-16s %6s", v->name, state_name(v->state, v->live), v->vcpus,
		 pcpus, weight);
}

/* The live view of `name` in `ctx`, or NULL. */
static struct vm_view *find_live(struct list_ctx *ctx, const char *name)
{
	for (unsigned i = 0; i < ctx->count; i++)
		if (!strncmp(ctx->live[i].name, name, VM_NAME_MAX))
			return &ctx->live[i];
	return NULL;
}

void hvconsole_list(void)
{
	const struct vmconfig *cfg = hvconsole_config();
	struct list_ctx ctx;
	bool shown[VM_MAX] = {false};

	ctx.count = 0;
	console_vm_each(collect_live, &ctx);
	log_info("hv: %-16s %-9s %5s  %-16s %6s", "VM", "state", "vCPUs", "on pCPUs", "weight");
	for (unsigned i = 0; cfg && i < cfg->count; i++) {
		const struct vm_config *c = &cfg->vm[i];
		struct vm_view *live = find_live(&ctx, c->name), v;

		v = live ? *live : (struct vm_view){.live = false};
		memcpy(v.name, c->name, sizeof(v.name));
		if (!live) {
			v.vcpus = MIN(c->vcpus, (unsigned)VM_MAX_VCPUS);
			memcpy(v.pcpu_of, c->pcpu_of, sizeof(v.pcpu_of));
		} else {
			shown[live - ctx.live] = true;
		}
		if (!live)
			v.weight = c->weight;
		print_view(&v);
	}
	/* VMs on the console that the configuration does not name (none is given). */
	for (unsigned i = 0; i < ctx.count; i++)
		if (!shown[i])
			print_view(&ctx.live[i]);
}

/* --- stats --- */

struct stats_ctx {
	const char *name; /* the VM asked for, "" for all */
	bool found;
	char vm_name[VM_NAME_MAX];
	unsigned vcpus;
	struct stats_row rows[VM_MAX_VCPUS];
	unsigned all_count;
	struct {
		char name[VM_NAME_MAX];
		struct stats_row total;
	} all[VM_MAX];
};

static void collect_stats(void *p, struct vm *vm)
{
	struct stats_ctx *ctx = p;
	unsigned n = MIN(vm->vcpu_count, (unsigned)VM_MAX_VCPUS);
	struct stats_row r;

	if (!*ctx->name) {
		if (ctx->all_count == VM_MAX)
			return;
		memcpy(ctx->all[ctx->all_count].name, vm->name, VM_NAME_MAX);
		memset(&ctx->all[ctx->all_count].total, 0, sizeof(struct stats_row));
		for (unsigned i = 0; i < n; i++) {
			vcpu_row(&vm->vcpus[i], &r);
			add_row(&ctx->all[ctx->all_count].total, &r);
		}
		ctx->all_count++;
		return;
	}
	if (ctx->found || strncmp(vm->name, ctx->name, VM_NAME_MAX))
		return;
	ctx->found = true;
	memcpy(ctx->vm_name, vm->name, VM_NAME_MAX);
	ctx->vcpus = n;
	for (unsigned i = 0; i < n; i++)
		vcpu_row(&vm->vcpus[i], &ctx->rows[i]);
}

void hvconsole_stats_named(const char *name)
{
	/* Static: too big for the stack of an interrupt; only console input uses it. */
	static struct stats_ctx ctx;
	struct stats_row total = {0};
	char label[16];

	memset(&ctx, 0, sizeof(ctx));
	ctx.name = name;
	console_vm_each(collect_stats, &ctx);
	if (!*name) {
		print_header("hv");
		for (unsigned i = 0; i < ctx.all_count; i++)
			print_row("hv", ctx.all[i].name, &ctx.all[i].total);
		return;
	}
	if (!ctx.found) {
		log_info("hv: stats: no running VM called '%s' (see list)", name);
		return;
	}
	print_header(ctx.vm_name);
	for (unsigned i = 0; i < ctx.vcpus; i++) {
		format(label, sizeof(label), "vcpu%u", i);
		print_row(ctx.vm_name, label, &ctx.rows[i]);
		add_row(&total, &ctx.rows[i]);
	}
	print_row(ctx.vm_name, "total", &total);
}

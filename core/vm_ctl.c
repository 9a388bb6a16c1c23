// SPDX-License-Identifier: MIT
/* The VM manager: every VM of the configuration through its lives (core/vm_ctl.h; docs/boot.md,
 * "Lifecycle"). It runs on one pCPU, between that pCPU's turns (sched_loop()); requests and
 * stops from anywhere only record what is wanted and wake it. */
#include <stdatomic.h>

#include <core/console_vm.h>
#include <core/err.h>
#include <core/ffa.h>
#include <core/hvconsole.h>
#include <core/irq.h>
#include <core/lib.h>
#include <core/log.h>
#include <core/sched.h>
#include <core/vm.h>
#include <core/vm_ctl.h>
#include <core/vmconfig.h>
#include <hal/time.h>

#define NO_REQUEST (-1)

struct vm_ctl_entry {
	const struct vm_config *cfg;
	struct vm *vm;	     /* its current life; NULL while it is stopped */
	_Atomic int request; /* an enum vm_ctl_request not yet carried out, or NO_REQUEST */
	bool ended;	     /* stopped, and stays so unless asked to start */
	int status;	     /* how its last life ended */
	unsigned lives;	     /* how many times it was made */
	bool had_focus;	     /* its last life had the console input when it stopped */
};

static struct {
	struct vm_ctl_entry vm[VMCONFIG_MAX_VMS];
	unsigned count;
	vm_ctl_build *build;
	bool sched_stats;
	int first_failure; /* the first non-zero status a VM ended with */
	bool failed;
} ctl;

int vm_ctl_find(const char *name)
{
	for (unsigned i = 0; i < ctl.count; i++) {
		if (strcmp(ctl.vm[i].cfg->name, name) == 0)
			return (int)i;
	}
	return -1;
}

int vm_ctl_index_of(const struct vm *vm)
{
	for (unsigned i = 0; vm && i < ctl.count; i++) {
		if (__atomic_load_n(&ctl.vm[i].vm, __ATOMIC_ACQUIRE) == vm)
			return (int)i;
	}
	return -1;
}

int vm_ctl_request(unsigned index, enum vm_ctl_request req)
{
	int none = NO_REQUEST;

	if (index >= ctl.count || (unsigned)req > VM_CTL_START)
		return HV_EINVAL;
	if (!atomic_compare_exchange_strong(&ctl.vm[index].request, &none, (int)req))
		return HV_EBUSY;
	sched_manage_wake();
	return HV_OK;
}

static int start(struct vm_ctl_entry *e)
{
	uint64_t t0 = hal_counter_now(), freq = hal_counter_freq();
	struct vm *vm;
	int ret = ctl.build(e->cfg, &vm);

	if (ret)
		return ret;
	/* On the console before any of its vCPUs can run, so its first line is tagged. */
	/* The first life takes the input as configured; a VM that comes back (reset, start) takes
	 * it only if it had it: who typed `reboot` into it expects its shell back. */
	console_vm_added(vm, e->lives ? e->had_focus : e->cfg->console);
	ffa_part_attach(vm, (uint16_t)(e - ctl.vm + 1)); /* FF-A endpoint id: 1 + its index */
	ffa_mem_vm_start(vm);
	ret = sched_assign_vm(vm, e->cfg->pcpu_of, 0, vm->vcpu_count);
	if (ret) {
		log_err("%s: vCPU placement: a run queue has no room for its vCPUs", vm->name);
		console_vm_removed(vm);
		ffa_mem_vm_gone(vm);
		vm_destroy(vm);
		return ret;
	}
	e->lives++;
	e->ended = false;
	__atomic_store_n(&e->vm, vm, __ATOMIC_RELEASE);
	/* make bench reads this: creation (RAM reserved, images loaded) and when the guest
	 * starts, on the system counter (under -icount shift=0: instructions since reset). */
	log_info("%s: created in %llu us, starts %llu us after reset%s", vm->name,
		 (unsigned long long)((hal_counter_now() - t0) * 1000000 / freq),
		 (unsigned long long)(hal_counter_now() * 1000000 / freq),
		 e->lives > 1 ? " (again)" : "");
	return HV_OK;
}

/* Its life is over and no pCPU holds its vCPUs: report it, free it. */
static void reap(struct vm_ctl_entry *e)
{
	struct vm *vm = e->vm;

	e->had_focus = irq_console_focus_is(vm);
	console_vm_removed(vm);
	hvconsole_vm_stopped(vm);
	if (ctl.sched_stats)
		sched_stats_log(vm);
	e->status = vm->exit_status;
	ffa_mem_vm_gone(vm); /* before its RAM goes: borrowers lose what it lent */
	__atomic_store_n(&e->vm, NULL, __ATOMIC_RELEASE);
	vm_destroy(vm);
	e->ended = true;
}

/* One VM: carry out its request, reap its stopped life, make it again if asked to. False if
 * making it failed (the configuration cannot be run: boot stops). */
static bool manage_one(struct vm_ctl_entry *e, int *err)
{
	int req = atomic_load(&e->request);

	if (e->vm && vm_alive(e->vm)) {
		if (req == VM_CTL_START) { /* it runs already: nothing to do */
			atomic_compare_exchange_strong(&e->request, &req, NO_REQUEST);
			return true;
		}
		if (req == VM_CTL_STOP || req == VM_CTL_RESET)
			vm_stop(e->vm, 0);
	}
	if (e->vm && !vm_alive(e->vm)) {
		if (!sched_vm_gone(e->vm))
			return true; /* its pCPUs still let go; the last one wakes the manager */
		reap(e);
		req = atomic_exchange(&e->request, NO_REQUEST);
		if (req == VM_CTL_RESET)
			log_info("%s: reset: starting again from its images", e->cfg->name);
		else if (e->status && !ctl.failed) {
			ctl.failed = true;
			ctl.first_failure = e->status;
		}
	} else if (!e->vm) {
		req = atomic_exchange(&e->request, NO_REQUEST);
	} else {
		return true; /* running: a STOP or RESET waits for its vCPUs to leave */
	}
	if (req == VM_CTL_RESET || req == VM_CTL_START) {
		*err = start(e);
		sched_start();
		return *err == HV_OK;
	}
	return true;
}

int vm_ctl_init(const struct vmconfig *config, vm_ctl_build *build, bool sched_stats)
{
	memset(&ctl, 0, sizeof(ctl));
	ctl.build = build;
	ctl.sched_stats = sched_stats;
	for (unsigned i = 0; i < config->count; i++) {
		ctl.vm[i].cfg = &config->vm[i];
		atomic_store(&ctl.vm[i].request, NO_REQUEST);
		ctl.count++;
	}
	console_vm_tag_always(ctl.count > 1);
	ffa_part_init(config);
	/* Every VM is made, and on the console, before the other pCPUs are woken to run them
	 * (their queues were empty: they sleep until CPU_MSG_START), so that each VM's output is
	 * tagged from its first line. */
	for (unsigned i = 0; i < ctl.count; i++) {
		int ret = start(&ctl.vm[i]);

		if (ret)
			return ret;
	}
	sched_start();
	return HV_OK;
}

int vm_ctl_manage_step(void)
{
	bool any = false;
	int err = HV_OK;

	for (unsigned i = 0; i < ctl.count; i++) {
		if (!manage_one(&ctl.vm[i], &err))
			return err;
		any |= !ctl.vm[i].ended;
	}
	return any ? HV_OK : HV_ENOENT;
}

static bool manage(void)
{
	int ret = vm_ctl_manage_step();

	if (ret && ret != HV_ENOENT)
		log_err("hv: a VM could not be made again (%s): stopping the machine",
			hv_strerror(ret));
	if (ret && ret != HV_ENOENT && !ctl.failed) {
		ctl.failed = true;
		ctl.first_failure = 1;
	}
	return ret == HV_OK;
}

int vm_ctl_run(void)
{
	sched_loop(manage);
	for (unsigned i = 0; i < ctl.count; i++) {
		const struct vm_ctl_entry *e = &ctl.vm[i];

		log_info("hv: %s ended with status %d (%u boot%s)", e->cfg->name, e->status,
			 e->lives, e->lives == 1 ? "" : "s");
	}
	return vm_ctl_exit_status();
}

int vm_ctl_exit_status(void)
{
	return ctl.failed ? ctl.first_failure : 0;
}

struct vm *vm_ctl_vm(unsigned index)
{
	return index < ctl.count ? __atomic_load_n(&ctl.vm[index].vm, __ATOMIC_ACQUIRE) : NULL;
}

// SPDX-License-Identifier: MIT
/* Tests of core/hvconsole.c and core/hvconsole_table.c: line editing, the commands (help,
 * list, stats, reset / stop / start through a fake VM manager) and the report of a VM that
 * stopped, read off the console as a user would. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include <core/console.h>
#include <core/console_vm.h>
#include <core/err.h>
#include <core/hvconsole.h>
#include <core/irq.h>
#include <core/vmconfig.h>
#include <hal-sim/sim_hal.h>
#include <sim/sim.h>

#include "../../core/hvconsole_internal.h"
#include "fixture.h"

static struct sim_machine ma;
static struct vmconfig config;

/* The fake VM manager: what it was asked. */
static struct {
	int answer;
	unsigned calls;
	unsigned index;
	enum vm_ctl_request req;
} ctl_log;

static int fake_find(const char *name)
{
	for (unsigned i = 0; i < config.count; i++)
		if (!strcmp(config.vm[i].name, name))
			return (int)i;
	return -1;
}

static int fake_request(unsigned index, enum vm_ctl_request req)
{
	ctl_log.calls++;
	ctl_log.index = index;
	ctl_log.req = req;
	return ctl_log.answer;
}

static const struct hvconsole_ctl fake_ctl = {.find = fake_find, .request = fake_request};

static void set_name(char *dst, const char *name)
{
	memset(dst, 0, VM_NAME_MAX);
	memcpy(dst, name, strlen(name));
}

static int setup(void **state)
{
	struct vcpu *v;

	console_drain(SIZE_MAX);
	sim_hal_reset();
	assert_int_equal(sim_machine_init(&ma, NULL), HV_OK);
	set_name(ma.vm->name, "linux0");
	ma.vm->state = VM_RUNNING;
	ma.vm->weight = 256;
	for (unsigned i = 0; i < 2; i++) {
		assert_int_equal(vm_add_vcpu(ma.vm, VM_RAM_BASE, 0, &v), HV_OK);
		v->pcpu = 1;
	}
	memset(&config, 0, sizeof(config));
	config.count = 2;
	set_name(config.vm[0].name, "linux0");
	config.vm[0].vcpus = 2;
	config.vm[0].pcpu_of[0] = config.vm[0].pcpu_of[1] = 1;
	config.vm[0].weight = 256;
	config.vm[0].console = true;
	set_name(config.vm[1].name, "bare");
	config.vm[1].vcpus = 1;
	config.vm[1].pcpu_of[0] = 0;
	config.vm[1].weight = 512;
	memset(&ctl_log, 0, sizeof(ctl_log));
	irq_set_console_focus(NULL);
	console_vm_added(ma.vm, true);
	hvconsole_init(&config, &fake_ctl);
	sim_console_clear();
	return 0;
}

static int teardown(void **state)
{
	console_vm_removed(ma.vm);
	irq_set_console_focus(NULL);
	console_drain(SIZE_MAX);
	sim_machine_destroy(&ma);
	return 0;
}

static void type(const char *s)
{
	for (; *s; s++)
		hvconsole_input(*s);
}

static void test_hvconsole_split_takes_the_first_word_and_the_trimmed_rest(void **state)
{
	static const struct {
		const char *in, *cmd, *arg;
	} cases[] = {
	    {"list", "list", ""},
	    {"  stats   linux0  ", "stats", "linux0"},
	    {"reset\tvm 1", "reset", "vm 1"},
	    {"", "", ""},
	    {"   ", "", ""},
	    {"averyveryverylongcommandword x", "averyveryverylo", "x"}, /* cut to fit */
	};
	char cmd[16], arg[8];

	for (unsigned i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		hvconsole_split(cases[i].in, cmd, sizeof(cmd), arg, sizeof(arg));
		assert_string_equal(cmd, cases[i].cmd);
		assert_string_equal(arg, cases[i].arg);
	}
	hvconsole_split("stop abcdefghijk", cmd, sizeof(cmd), arg, sizeof(arg));
	assert_string_equal(arg, "abcdefg");
}

static void test_hvconsole_enter_prompts_and_help_lists_every_command(void **state)
{
	hvconsole_enter();
	assert_string_equal(sim_hal.console, "hv> ");
	type("help\r");
	for (unsigned i = 0; i < 6; i++) {
		static const char *const cmds[] = {"help",  "list", "stats",
						   "reset", "stop", "start"};
		char prefix[32];

		snprintf(prefix, sizeof(prefix), "hv:   %s", cmds[i]);
		assert_true(console_has_prefix(prefix));
	}
	/* A new prompt once the answer is out. */
	assert_int_equal(strcmp(sim_hal.console + sim_hal.console_len - 4, "hv> "), 0);
}

static void test_hvconsole_backspace_and_ctrl_c_edit_the_line(void **state)
{
	hvconsole_enter();
	type("lisx\x7ft\r");
	assert_true(console_has_prefix("hv: VM "));
	sim_console_clear();
	type("stop linux0\x03");
	assert_int_equal(ctl_log.calls, 0); /* dropped, not run */
	type("\r\n");			    /* CR LF: one (empty) line, not two */
	assert_int_equal(ctl_log.calls, 0);
	assert_string_equal(sim_hal.console, "stop linux0^C\nhv> \nhv> ");
	/* Backspace on an empty line takes nothing. */
	sim_console_clear();
	type("\b\b");
	assert_string_equal(sim_hal.console, "");
}

static void test_hvconsole_prompt_comes_back_after_a_vm_line(void **state)
{
	hvconsole_enter();
	type("li");
	assert_true(console_put_from(CONSOLE_OWNER_VM(ma.vm->id), "[linux0] ", "hello\r\n", 7));
	console_settle();
	type("s");
	assert_string_equal(sim_hal.console, "hv> li\n[linux0] hello\nhv> lis");
	type("t\r");
	assert_true(console_has_prefix("hv: VM "));
}

static void test_hvconsole_list_shows_running_and_stopped_vms(void **state)
{
	hvconsole_run("list");
	assert_true(
	    console_has_line("hv: VM               state     vCPUs  on pCPUs         weight"));
	assert_true(
	    console_has_line("hv: linux0           running       2  1,1                 256"));
	assert_true(
	    console_has_line("hv: bare             stopped       1  0                   512"));
}

static void test_hvconsole_list_without_a_configuration_shows_the_live_vms(void **state)
{
	hvconsole_init(NULL, NULL);
	hvconsole_run("list");
	assert_true(
	    console_has_line("hv: linux0           running       2  1,1                 256"));
	assert_false(console_has_prefix("hv: bare"));
}

static void test_hvconsole_stats_of_a_vm_is_a_table_per_vcpu(void **state)
{
	ma.vm->vcpus[0].stats.exits = 100;
	ma.vm->vcpus[0].stats.mmio = 60;
	ma.vm->vcpus[0].stats.wfx = 40;
	ma.vm->vcpus[1].stats.exits = 7;
	ma.vm->vcpus[1].stats.hvc = 7;
	ma.vm->vcpus[0].sched.stats.run_ticks = sim_hal.counter_freq; /* 1 s */
	ma.vm->vcpus[1].sched.stats.wait_ticks = sim_hal.counter_freq / 1000;
	hvconsole_run("stats linux0");
	assert_true(console_has_line("linux0:               exits      mmio   sysreg      wfx     "
				     "hvc   smc      irq  abort  undef     run_us    wait_us"));
	assert_true(
	    console_has_line("linux0: vcpu0           100        60        0       40       "
			     "0     0        0      0      0    1000000          0"));
	assert_true(
	    console_has_line("linux0: vcpu1             7         0        0        0       "
			     "7     0        0      0      0          0       1000"));
	assert_true(
	    console_has_line("linux0: total           107        60        0       40       "
			     "7     0        0      0      0    1000000       1000"));
	sim_console_clear();
	hvconsole_run("stats");
	assert_true(console_has_line("hv: linux0          107        60        0       40       "
				     "7     0        0      0      0    1000000       1000"));
	sim_console_clear();
	hvconsole_run("stats bare");
	assert_true(console_has_line("hv: stats: no running VM called 'bare' (see list)"));
}

static void test_hvconsole_lifecycle_commands_go_to_the_vm_manager(void **state)
{
	static const struct {
		const char *line;
		enum vm_ctl_request req;
		unsigned index;
	} cases[] = {
	    {"reset linux0", VM_CTL_RESET, 0},
	    {"stop linux0", VM_CTL_STOP, 0},
	    {"start bare", VM_CTL_START, 1},
	};

	for (unsigned i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		hvconsole_run(cases[i].line);
		assert_int_equal(ctl_log.calls, i + 1);
		assert_int_equal(ctl_log.req, cases[i].req);
		assert_int_equal(ctl_log.index, cases[i].index);
	}
	assert_true(console_has_line("hv: reset linux0: requested"));
	assert_true(console_has_line("hv: start bare: requested"));
	ctl_log.answer = HV_EBUSY;
	hvconsole_run("stop bare");
	assert_true(console_has_line(
	    "hv: stop bare: an earlier request for it is still being carried out"));
	hvconsole_run("stop nosuch");
	assert_int_equal(ctl_log.calls, 4);
	assert_true(console_has_line("hv: stop: no VM called 'nosuch' (see list)"));
	hvconsole_run("reset");
	assert_true(console_has_line("hv: usage: reset VM"));
	hvconsole_init(&config, NULL);
	hvconsole_run("reset linux0");
	assert_true(console_has_line("hv: reset: no VM manager on this machine"));
	assert_int_equal(ctl_log.calls, 4);
}

static void test_hvconsole_unknown_command_says_so(void **state)
{
	hvconsole_run("frobnicate now");
	assert_true(console_has_line("hv: unknown command 'frobnicate' (help lists them)"));
	sim_console_clear();
	hvconsole_run("   ");
	assert_string_equal(sim_hal.console, "");
}

static void test_hvconsole_vm_stopped_keeps_the_status_line_and_adds_the_table(void **state)
{
	ma.vm->vcpus[0].stats.exits = 5;
	ma.vm->vcpus[0].stats.smc = 2;
	ma.vm->vcpus[1].stats.exits = 3;
	ma.vm->vcpus[1].stats.irq = 3;
	ma.vm->exit_status = 126;
	hvconsole_vm_stopped(ma.vm);
	assert_true(
	    console_has_line("linux0: stopped with status 126 after 8 exits (hvc 0, smc 2, "
			     "mmio 0, sysreg 0, wfx 0, irq 3, injected aborts 0, undefs 0)"));
	assert_true(console_has_line("linux0: 0 MiB of its RAM populated"));
	assert_true(console_has_prefix("linux0: vcpu1             3"));
	assert_true(console_has_prefix("linux0: total             8"));
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
	const struct CMUnitTest tests[] = {
	    T(test_hvconsole_split_takes_the_first_word_and_the_trimmed_rest),
	    T(test_hvconsole_enter_prompts_and_help_lists_every_command),
	    T(test_hvconsole_backspace_and_ctrl_c_edit_the_line),
	    T(test_hvconsole_prompt_comes_back_after_a_vm_line),
	    T(test_hvconsole_list_shows_running_and_stopped_vms),
	    T(test_hvconsole_list_without_a_configuration_shows_the_live_vms),
	    T(test_hvconsole_stats_of_a_vm_is_a_table_per_vcpu),
	    T(test_hvconsole_lifecycle_commands_go_to_the_vm_manager),
	    T(test_hvconsole_unknown_command_says_so),
	    T(test_hvconsole_vm_stopped_keeps_the_status_line_and_adds_the_table),
	};
#undef T

	return cmocka_run_group_tests_name("hvconsole", tests, NULL, NULL);
}

// SPDX-License-Identifier: MIT
/* The hypervisor console: line editing and the commands (see core/hvconsole.h and
 * docs/console.md). The tables it prints are core/hvconsole_table.c. */
#include <core/console.h>
#include <core/err.h>
#include <core/hvconsole.h>
#include <core/lib.h>
#include <core/log.h>
#include <core/vm_ctl.h>

#include "hvconsole_internal.h"

#define KEY_BS	   0x08
#define KEY_DEL	   0x7f
#define KEY_CTRL_C 0x03

static const struct vmconfig *config;
static const struct hvconsole_ctl *control;

/* The line being typed. Only console input touches it (under core/irq.c's console lock). */
static char line[HVCONSOLE_LINE_MAX + 1];
static size_t line_len;
static bool after_cr; /* the last byte was CR: an LF right after it is the same line end */

/* The prompt and the echo: a writer of their own, so that a log line or a VM's line after an
 * open prompt starts on a fresh line, and the prompt can tell it was interrupted. */
static void echo(const char *s, size_t len)
{
	console_write_as(CONSOLE_OWNER_PROMPT, s, len);
}

static void out(const char *s)
{
	echo(s, strlen(s));
}

void hvconsole_init(const struct vmconfig *cfg, const struct hvconsole_ctl *ctl)
{
	config = cfg;
	control = ctl;
	line_len = 0;
	after_cr = false;
}

const struct vmconfig *hvconsole_config(void)
{
	return config;
}

void hvconsole_enter(void)
{
	line_len = 0;
	out("hv> ");
}

void hvconsole_input(char c)
{
	bool cr = after_cr;

	after_cr = c == '\r';
	if (c == '\r' || c == '\n') {
		if (c == '\n' && cr)
			return;
		line[line_len] = '\0';
		out("\r\n");
		hvconsole_run(line);
		hvconsole_enter();
	} else if (c == KEY_DEL || c == KEY_BS) {
		if (line_len) {
			line_len--;
			out("\b \b");
		}
	} else if (c == KEY_CTRL_C) {
		out("^C\r\n");
		hvconsole_enter();
	} else if (c >= 0x20 && c < 0x7f && line_len < HVCONSOLE_LINE_MAX) {
		/* A VM's lines came out since the prompt: show the prompt and the line again. */
		if (console_open_line() != CONSOLE_OWNER_PROMPT) {
			out("hv> ");
			echo(line, line_len);
		}
		line[line_len++] = c;
		echo(&c, 1);
	}
	/* Other control characters, and text past the line's end, are not taken. */
}

static void help(void)
{
	log_info("hv: commands:");
	log_info("hv:   help         this list");
	log_info("hv:   list         the VMs: state, vCPUs and their pCPUs, weight");
	log_info("hv:   stats [VM]   exits by reason and time per vCPU (all VMs: one line each)");
	log_info("hv:   reset VM     restart VM from its images");
	log_info("hv:   stop VM      stop VM (as its own PSCI SYSTEM_OFF)");
	log_info("hv:   start VM     start a stopped VM again");
	log_info("hv: Ctrl-] gives the input to the next VM");
}

/* reset / stop / start NAME through the VM manager. */
static void lifecycle(const char *cmd, const char *name, enum vm_ctl_request req)
{
	int index, ret;

	if (!*name) {
		log_info("hv: usage: %s VM", cmd);
		return;
	}
	if (!control) {
		log_info("hv: %s: no VM manager on this machine", cmd);
		return;
	}
	index = control->find(name);
	if (index < 0) {
		log_info("hv: %s: no VM called '%s' (see list)", cmd, name);
		return;
	}
	ret = control->request((unsigned)index, req);
	if (ret == HV_OK)
		log_info("hv: %s %s: requested", cmd, name);
	else if (ret == HV_EBUSY)
		log_info("hv: %s %s: an earlier request for it is still being carried out", cmd,
			 name);
	else
		log_info("hv: %s %s: %s", cmd, name, hv_strerror(ret));
}

/* Split `text` into its first word (into `cmd`) and the rest without the blanks around it
 * (into `arg`); either may come out empty. */
void hvconsole_split(const char *text, char *cmd, size_t cmd_size, char *arg, size_t arg_size)
{
	size_t n = 0, end;

	while (*text == ' ' || *text == '\t')
		text++;
	while (text[n] && text[n] != ' ' && text[n] != '\t')
		n++;
	end = MIN(n, cmd_size - 1);
	memcpy(cmd, text, end);
	cmd[end] = '\0';
	text += n;
	while (*text == ' ' || *text == '\t')
		text++;
	n = strlen(text);
	while (n && (text[n - 1] == ' ' || text[n - 1] == '\t'))
		n--;
	end = MIN(n, arg_size - 1);
	memcpy(arg, text, end);
	arg[end] = '\0';
}

void hvconsole_run(const char *text)
{
	char cmd[16], arg[HVCONSOLE_LINE_MAX + 1];

	hvconsole_split(text, cmd, sizeof(cmd), arg, sizeof(arg));
	if (!*cmd)
		return;
	if (!strcmp(cmd, "help") || !strcmp(cmd, "?"))
		help();
	else if (!strcmp(cmd, "list"))
		hvconsole_list();
	else if (!strcmp(cmd, "stats"))
		hvconsole_stats_named(arg);
	else if (!strcmp(cmd, "reset"))
		lifecycle(cmd, arg, VM_CTL_RESET);
	else if (!strcmp(cmd, "stop"))
		lifecycle(cmd, arg, VM_CTL_STOP);
	else if (!strcmp(cmd, "start"))
		lifecycle(cmd, arg, VM_CTL_START);
	else
		log_info("hv: unknown command '%s' (help lists them)", cmd);
}

/* SPDX-License-Identifier: MIT */
#ifndef CORE_HVCONSOLE_INTERNAL_H
#define CORE_HVCONSOLE_INTERNAL_H

#include <stddef.h>

/* Between the hypervisor console's input side (core/hvconsole.c) and its tables
 * (core/hvconsole_table.c). */

struct vmconfig;

/* The configuration given to hvconsole_init() (NULL if none). */
const struct vmconfig *hvconsole_config(void);

/* `list`: one line per VM. */
void hvconsole_list(void);

/* `stats NAME` (NAME empty: every VM on the console, one line each). */
void hvconsole_stats_named(const char *name);

/* First word and the trimmed rest of a command line; both cut to fit. */
void hvconsole_split(const char *text, char *cmd, size_t cmd_size, char *arg, size_t arg_size);

#endif

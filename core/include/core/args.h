/* SPDX-License-Identifier: MIT */
#ifndef CORE_ARGS_H
#define CORE_ARGS_H

#include <stdbool.h>
#include <stdint.h>

/* The hypervisor's command line (/chosen/bootargs): space-separated words, some of the form
 * key=value. */

/* True if `word` is one of the words of `args`. */
bool args_has(const char *args, const char *word);

/* The value of `key`=<decimal or 0x-hex> in `args` (the last one wins). HV_ENOENT if absent,
 * HV_EINVAL if the value is not a number or overflows 64 bits. */
int args_get_u64(const char *args, const char *key, uint64_t *out);

#endif

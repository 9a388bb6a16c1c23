/* SPDX-License-Identifier: MIT */
#ifndef TESTS_UNIT_FDT_FIXTURE_H
#define TESTS_UNIT_FDT_FIXTURE_H

/* What the tests of core/fdt.c (test_fdt_*.c) share: opening a dtc-compiled fixture, finding
 * a node that must exist, and a walk that calls every read-only entry point on a tree. Failures
 * fail the calling test (cmocka). */

#include <stddef.h>
#include <stdint.h>

#include <core/fdt.h>

/* cmocka setup: a fresh sim_hal (console, counters). */
int fdtfx_setup(void **state);

/* The fixture FIXTURE_DIR/<name> in an exactly-sized malloc'd buffer (see fixture_load()),
 * opened into `f`; fails the test if it does not open. The caller frees the blob. */
uint8_t *fdtfx_load_open_from(const char *dir, const char *name, size_t *size, struct fdt *f);
#define fdtfx_load_open(name, size, f) fdtfx_load_open_from(FIXTURE_DIR, (name), (size), (f))

/* The node at `path` (see fdt_find_path()); fails the test if there is none. */
int fdtfx_node_at(const struct fdt *f, const char *path);

/* Exercise every read-only entry point on every node and property of an opened tree, as a
 * fuzzer would; returns the number of nodes. Results are ignored: only crashes and sanitizer
 * reports matter here, plus the walk terminating. */
unsigned fdtfx_walk_everything(const struct fdt *f);

#endif

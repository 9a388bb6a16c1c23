/* SPDX-License-Identifier: MIT */
#ifndef TESTS_UNIT_HWINFO_FIXTURE_H
#define TESTS_UNIT_HWINFO_FIXTURE_H

/* What the tests of core/hwinfo.c (test_hwinfo_*.c) share: discovery on a dtc-compiled
 * fixture, the single console line a broken board must produce, and a small board builder on
 * top of fdtb (fixture.h) for boards no fixture has. Failures fail the calling test (cmocka). */

#include <stdint.h>

#include <core/hwinfo.h>

#include "fixture.h"

#define MIB (1ULL << 20)

/* cmocka setup: a fresh sim_hal (console, counters). */
int hwfx_setup(void **state);

/* hw_discover() on the fixture FIXTURE_DIR/<name> (see fixture_load()); returns its result. */
int hwfx_discover_fixture_from(const char *dir, const char *name, struct hw_info *hw);
#define hwfx_discover_fixture(name, hw) hwfx_discover_fixture_from(FIXTURE_DIR, (name), (hw))

/* Fail with the console shown unless it holds exactly one line, equal to `line`. */
void hwfx_assert_one_line(const char *line);

/* The board builder. hwfx_board_begin() opens the root with 2 address and 2 size cells and
 * the GIC as interrupt parent; each hwfx_board_*() call then appends one node (the *_begin()
 * ones and hwfx_board_uart() leave it open for more properties: close it with
 * fdtb_end_node()); hwfx_board_discover() closes the root and runs hw_discover() on the blob. */
struct fdtb *hwfx_board_begin(void);

/* A memory@<base> node with one bank. */
void hwfx_board_memory(struct fdtb *b, uint64_t base, uint64_t size);

/* A cpu@<mpidr> node, inside an open "cpus" node (hwfx_board_cpus_begin()). */
void hwfx_board_cpu(struct fdtb *b, uint32_t mpidr);

/* An open "cpus" node with 1 address and 0 size cells. */
void hwfx_board_cpus_begin(struct fdtb *b);

/* A "cpus" node with `n` CPUs, MPIDR 0..n-1. */
void hwfx_board_cpus(struct fdtb *b, unsigned n);

/* An open GICv3 node, the interrupt parent of hwfx_board_begin()'s root, without "reg". */
void hwfx_board_gic_begin(struct fdtb *b);

/* A GICv3 at QEMU virt's addresses (distributor, one redistributor region). */
void hwfx_board_gic(struct fdtb *b);

/* Root, one 256 MiB bank, `cpus` CPUs, a GICv3: what every board needs. */
struct fdtb *hwfx_board_minimal(unsigned cpus);

/* An open PL011 node `name` with a 4 KiB "reg" at `base`. */
void hwfx_board_uart(struct fdtb *b, const char *name, uint32_t base);

/* Close the root and run hw_discover() on the result. */
int hwfx_board_discover(struct fdtb *b, struct hw_info *hw);

#endif

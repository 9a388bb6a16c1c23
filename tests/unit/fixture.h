/* SPDX-License-Identifier: MIT */
#ifndef TESTS_UNIT_FIXTURE_H
#define TESTS_UNIT_FIXTURE_H

/* Helpers shared by the unit tests: device-tree fixtures compiled from tests/unit/fixtures/,
 * a small FDT builder for trees no dtc would emit, and console inspection through sim_hal. */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct sim_machine;
struct vcpu;
struct vm;

/* A fresh simulated machine (sim_hal reset to power-on) with one VM whose vCPU 0 sits at a NOP
 * at the image entry: for tests that drive one trap handler directly. Returns that vCPU. */
struct vcpu *fixture_nop_machine(struct sim_machine *m);

/* Several pCPUs played by one host thread, for the tests of what crosses between them:
 * FIXTURE_PCPUS pCPUs (MPIDR FIXTURE_MPIDR(n)) in the pCPU table, the physical interrupts the
 * hypervisor takes set up, and one VM of FIXTURE_PCPUS vCPUs, vCPU n on pCPU n; vCPU 0 runs,
 * the others are off (as core/vm_boot.c leaves them). The test plays pCPU 0. */
#define FIXTURE_PCPUS	 4
#define FIXTURE_MPIDR(n) (0x100ULL + (n))
struct vm *fixture_pcpus_machine(struct sim_machine *m);

/* Play pCPU `n`: hal_cpu_id() and the MPIDR its SGIs arrive at. */
void fixture_on_pcpu(unsigned n);

/* For tests that play a vCPU's hardware side (list registers, ICH_VMCR, the timer) through
 * sim_hal without vcpu_run(): every vCPU of `vm` counts as loaded on the pCPU the test plays
 * (sim_hal.cpu_id), as vcpu_load() would record it. */
void fixture_vcpus_loaded_here(struct vm *vm);

/* Load FIXTURE_DIR/<name> (e.g. "hw_qemu_virt_4cpu.dtb") into an exactly-sized malloc'd
 * buffer, so AddressSanitizer catches any read past the end. Fails the test if missing.
 * FIXTURE_DIR is defined by the Makefile for test_*.c only, hence the macro. */
uint8_t *fixture_load_from(const char *dir, const char *name, size_t *size);
#define fixture_load(name, size) fixture_load_from(FIXTURE_DIR, (name), (size))

/* A copy of `len` bytes of `src` in an exactly-sized malloc'd buffer. */
uint8_t *fixture_dup(const void *src, size_t len);

static inline uint32_t fixture_get_be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static inline void fixture_put_be32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

/* FDT header field offsets (devicetree spec 5.2), for tests that mutate headers. */
#define FDTH_MAGIC	  0
#define FDTH_TOTALSIZE	  4
#define FDTH_OFF_STRUCT	  8
#define FDTH_OFF_STRINGS  12
#define FDTH_OFF_RSVMAP	  16
#define FDTH_VERSION	  20
#define FDTH_LAST_COMP	  24
#define FDTH_SIZE_STRINGS 32
#define FDTH_SIZE_STRUCT  36
#define FDTH_SIZE	  40
#define FDTT_BEGIN_NODE	  1u
#define FDTT_END_NODE	  2u
#define FDTT_PROP	  3u
#define FDTT_NOP	  4u
#define FDTT_END	  9u

/* Offset of the first occurrence of `needle` (len bytes) in [start, end) of `blob`, or -1. */
long fixture_find(const uint8_t *blob, size_t start, size_t end, const void *needle, size_t len);

/* The FDT builder: tokens are appended in order, with no validation, so tests can write
 * malformed trees on purpose. fdtb_finish() lays out header, reservation map, structure and
 * strings blocks (version 17) in an exactly-sized malloc'd blob and frees the builder. */
struct fdtb;
struct fdtb *fdtb_new(void);
void fdtb_begin_node(struct fdtb *b, const char *name);
void fdtb_end_node(struct fdtb *b);
void fdtb_token(struct fdtb *b, uint32_t token);
void fdtb_prop(struct fdtb *b, const char *name, const void *val, size_t len);
void fdtb_prop_u32(struct fdtb *b, const char *name, uint32_t v);
void fdtb_prop_cells(struct fdtb *b, const char *name, const uint32_t *cells, size_t n);
void fdtb_prop_str(struct fdtb *b, const char *name, const char *s); /* with its NUL */
void fdtb_mem_rsv(struct fdtb *b, uint64_t addr, uint64_t size);
/* Append FDT_END when `with_end`, then build the blob. */
uint8_t *fdtb_finish(struct fdtb *b, bool with_end, size_t *size);

#define FDTB_CELLS(b, name, ...)                                      \
	fdtb_prop_cells((b), (name), (const uint32_t[]){__VA_ARGS__}, \
			sizeof((const uint32_t[]){__VA_ARGS__}) / sizeof(uint32_t))

/* Guest console output waits in the console ring (core/console.h) until the run loop drains
 * it before the next entry: tests that call a handler directly drain it with this. */
void console_settle(void);
/* Console text written through hal_console_write() (sim_hal). */
unsigned console_line_count(void);
/* True if some whole console line equals `line`. */
bool console_has_line(const char *line);
/* True if some console line starts with `prefix`. */
bool console_has_prefix(const char *prefix);

#endif

/* SPDX-License-Identifier: MIT */
#ifndef TESTS_UNIT_GUEST_DTB_FIXTURE_H
#define TESTS_UNIT_GUEST_DTB_FIXTURE_H

/* What the tests of core/guest_dtb.c (test_guest_dtb_*.c) share: the configuration of the
 * standard board (docs/guest-abi.md, Board), building its DTB, reading properties of the result back
 * with the project's FDT reader, and checking that host discovery (hw_discover()) finds the
 * same board. Every helper fails the test on an error or a mismatch (cmocka). */

#include <stddef.h>
#include <stdint.h>

#include <core/fdt.h>
#include <core/guest_dtb.h>

#define MIB (1ULL << 20)

/* QEMU virt's virtio-mmio slots: 0x200 bytes each from 0x0a000000, SPI 16 + n. */
#define VIRTIO_BASE  0x0a000000ULL
#define VIRTIO_SIZE  0x200ULL
#define VIRTIO_INTID 48

/* What gdtbfx_board() gives the standard board besides the layout in core/vm.h, and the path of
 * its UART node in the DTB. */
#define GUEST_NR_SPIS 64
#define BOOTARGS      "console=ttyAMA0 earlycon=pl011,0x9000000 rdinit=/sbin/init"
#define PL011_NODE    "/pl011@9000000"

/* Room for the largest board's DTB. */
#define DTB_BUF_SIZE 16384

/* cmocka setup: a fresh sim_hal (console, counters). */
int gdtbfx_setup(void **state);

/* The standard board with `vcpus` vCPUs (MPIDR = vCPU id, as vm.c sets VMPIDR_EL2), 128 MiB
 * of RAM, `virtio` virtio-mmio slots, bootargs and an initrd. */
void gdtbfx_board(struct guest_dtb_config *cfg, unsigned vcpus, unsigned virtio);

/* Build into a roomy buffer, which must succeed without a console line; return the blob in an
 * exactly-sized malloc'd one. */
uint8_t *gdtbfx_build(const struct guest_dtb_config *cfg, size_t *size);

/* gdtbfx_build(), then fdt_open() the blob into `f`; fails the test if it does not open. */
uint8_t *gdtbfx_build_open(const struct guest_dtb_config *cfg, size_t *size, struct fdt *f);

/* The node at `path`; fails the test, naming the path, if there is none. */
int gdtbfx_node_at(const struct fdt *f, const char *path);

/* Property `name` of the node at `path` is the string `want`. */
void gdtbfx_assert_string_prop(const struct fdt *f, const char *path, const char *name,
			       const char *want);

/* Property `name` of the node at `path` is the one cell `want`. */
void gdtbfx_assert_u32_prop(const struct fdt *f, const char *path, const char *name, uint32_t want);

/* Entry `idx` of the "reg" of the node at `path` is [base, base + size). */
void gdtbfx_assert_reg(const struct fdt *f, const char *path, unsigned idx, uint64_t base,
		       uint64_t size);

/* hw_discover() finds the board `cfg` describes in `blob`, silently. */
void gdtbfx_check_discovery(const struct guest_dtb_config *cfg, const uint8_t *blob, size_t size);

#endif

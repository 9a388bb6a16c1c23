/* SPDX-License-Identifier: MIT */
#ifndef CORE_GUEST_DTB_H
#define CORE_GUEST_DTB_H

#include <stddef.h>
#include <stdint.h>

/* The device tree a guest boots with, written from a plain description of its board (docs/guest-abi.md,
 * Board) so that it names exactly the devices the VM has. The shape follows what QEMU's
 * virt machine gives a GICv3 guest (root "linux,dummy-virt", /cpus, /memory@..., /intc@...,
 * /timer, /apb-pclk, /pl011@..., /psci, /virtio_mmio@..., /aliases, /chosen), so a stock
 * Linux needs no extra support.
 *
 * Interrupts are GIC INTIDs throughout, as in struct hw_info and the vGIC: SPI n is INTID
 * 32 + n (the PL011 of the standard board is INTID 33), PPI n is INTID 16 + n (the virtual
 * timer is INTID 27). The writer turns them into <type number flags> specifiers. */

#define GUEST_DTB_MAX_VCPUS    8
#define GUEST_DTB_MAX_RAM      4
#define GUEST_DTB_MAX_VIRTIO   32
#define GUEST_DTB_BOOTARGS_MAX 2047 /* bytes; Linux arm64 COMMAND_LINE_SIZE is 2048 with NUL */

struct guest_dtb_range {
	uint64_t base, size;
};

enum guest_dtb_psci { GUEST_DTB_PSCI_HVC, GUEST_DTB_PSCI_SMC };

struct guest_dtb_virtio {
	struct guest_dtb_range reg;
	unsigned intid; /* an SPI: 32 + n */
};

struct guest_dtb_config {
	unsigned vcpu_count;		     /* 1..GUEST_DTB_MAX_VCPUS */
	uint64_t mpidr[GUEST_DTB_MAX_VCPUS]; /* affinity fields only; [0] is the boot vCPU */

	struct guest_dtb_range ram[GUEST_DTB_MAX_RAM]; /* one /memory node each */
	unsigned ram_count;			       /* 1..GUEST_DTB_MAX_RAM */

	struct {
		struct guest_dtb_range dist;
		struct guest_dtb_range redist; /* one region: 128 KiB (RD + SGI frame) per vCPU */
		unsigned nr_spis;	       /* SPIs the vGIC implements: INTIDs 32..32+n-1 */
		unsigned maint_intid;	       /* PPI of the maintenance interrupt; 0: none */
	} gic;

	struct {
		struct guest_dtb_range reg; /* size 0: no UART, no stdout-path, no serial0 */
		unsigned intid;		    /* an SPI */
	} uart;

	struct {
		struct guest_dtb_range reg; /* size 0: no RTC */
		unsigned intid;		    /* an SPI */
	} rtc;				    /* a PL031 real-time clock */

	/* Architected timer PPIs (INTIDs 16..31), arm,armv8-timer binding order. */
	struct {
		unsigned sec_phys, phys, virt, hyp_phys;
	} timer;
	/* The PMU's overflow PPI (INTID 16..31; 0: no /pmu node, the VM has no PMU). */
	unsigned pmu_intid;

	struct guest_dtb_virtio virtio[GUEST_DTB_MAX_VIRTIO];
	unsigned virtio_count;

	const char *bootargs;  /* NULL or "": no /chosen/bootargs */
	uint64_t initrd_start; /* [start, end) inside one RAM bank; both 0: no initrd */
	uint64_t initrd_end;
	enum guest_dtb_psci psci; /* the conduit the guest's PSCI calls use */
};

/* Write the guest DTB for `cfg` into `buf` (`size` bytes, any alignment; Linux wants it
 * 8-byte aligned in guest RAM and at most 2 MiB, the caller places it). On success returns 0
 * and the blob's length in *used. HV_EINVAL for an invalid configuration (no or too many vCPUs
 * or RAM banks, bad or repeated MPIDRs, empty, wrapping or overlapping ranges, a redistributor
 * region too small for the vCPUs, INTIDs of the wrong kind, out of the vGIC's range or used
 * twice, an initrd outside RAM, bootargs too long); HV_ENOMEM if `buf` is too small. Either
 * failure logs exactly one line saying what was wrong. Nothing is allocated; `cfg` is only
 * read. */
int guest_dtb_build(const struct guest_dtb_config *cfg, void *buf, size_t size, size_t *used);

#endif

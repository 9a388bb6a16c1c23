/* SPDX-License-Identifier: MIT */
#ifndef CORE_HWINFO_H
#define CORE_HWINFO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <hal/cpu.h>
#include <hal/gic.h>

/* What the hypervisor learns about the machine from the host DTB at boot. */

/* The limits the HAL's drivers are built for: the contract defines them, core follows. */
#define HV_MAX_CPUS	    HAL_MAX_CPUS
#define HW_MAX_GICR_REGIONS HAL_GIC_MAX_REDIST_REGIONS
#define HW_MAX_MEM_BANKS    16
#define HW_BOOTARGS_MAX	    256
#define HW_MAX_VIRTIO_MMIO  64 /* QEMU virt has 32 */

struct hw_range {
	uint64_t base;
	uint64_t size;
};

enum hw_psci_method { HW_PSCI_NONE, HW_PSCI_SMC, HW_PSCI_HVC };

/* One virtio-mmio transport ("virtio,mmio" node). Most of QEMU virt's 32 are empty: what sits
 * behind one is only known by reading its DeviceID register (vdev/hostblk.c does). */
struct hw_virtio_mmio {
	struct hw_range reg;
	unsigned intid;	   /* GIC INTID; 0 when absent or not routed to the GIC */
	bool dma_coherent; /* "dma-coherent": the device's memory accesses snoop the CPU caches */
};

struct hw_info {
	struct hw_range mem[HW_MAX_MEM_BANKS]; /* sorted by base */
	unsigned mem_count;
	uint64_t mem_total;

	uint64_t cpu_mpidr[HV_MAX_CPUS]; /* DTB order; [0] need not be the boot CPU */
	unsigned cpu_count;

	struct hw_range gicd;
	struct hw_range gicr[HW_MAX_GICR_REGIONS];
	unsigned gicr_count;

	struct {
		bool present;
		struct hw_range reg;
		unsigned intid; /* GIC INTID (SPI n -> 32 + n) */
	} uart;

	/* Architected timer PPIs as GIC INTIDs (PPI n -> 16 + n); 0 when absent. */
	struct {
		unsigned sec_phys, phys, virt, hyp_phys, hyp_virt;
	} timer;

	/* The first PL031 real-time clock ("arm,pl031"): the wall-clock time at boot. */
	struct {
		bool present;
		struct hw_range reg;
	} rtc;

	struct hw_virtio_mmio virtio[HW_MAX_VIRTIO_MMIO]; /* sorted by base */
	unsigned virtio_count;

	enum hw_psci_method psci;
	char bootargs[HW_BOOTARGS_MAX]; /* /chosen/bootargs, "" if none, cut to fit */
};

/* Read `blob` (at most `max_size` bytes are valid) into `hw`. Every offset, length, string and
 * nesting depth is bound-checked. On a malformed blob or missing required hardware (memory,
 * CPUs, GICv3), logs one line naming the node and property and returns a negative HV_E*.
 * Transports beyond HW_MAX_VIRTIO_MMIO are left out with a warning once discovery succeeded. */
int hw_discover(const void *blob, size_t max_size, struct hw_info *hw);

/* Log the discovered hardware, one line per item (the `make run` banner). */
void hw_print(const struct hw_info *hw);

#endif

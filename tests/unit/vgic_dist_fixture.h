/* SPDX-License-Identifier: MIT */
#ifndef TESTS_UNIT_VGIC_DIST_FIXTURE_H
#define TESTS_UNIT_VGIC_DIST_FIXTURE_H

/* What the tests of vdev/vgic_dist.c (test_vgic_dist_*.c) share: the GICv3 distributor's
 * register offsets and this VM's values, a VM with the vGIC attached, and register
 * accesses through the device's MMIO bus entry, as core/trap_abort.c makes them. Failures fail
 * the calling test (cmocka). Include after <cmocka.h>. The short register names are for these
 * tests only (vgic_harness.h has its own meaning for some of them). */

#include <stdint.h>

#include <core/vm.h>
#include <sim/sim.h>

#define CTLR	   0x0000
#define TYPER	   0x0004
#define IIDR	   0x0008
#define TYPER2	   0x000c
#define STATUSR	   0x0010
#define IGROUPR	   0x0080
#define ISENABLER  0x0100
#define ICENABLER  0x0180
#define ISPENDR	   0x0200
#define ICPENDR	   0x0280
#define ISACTIVER  0x0300
#define ICACTIVER  0x0380
#define IPRIORITYR 0x0400
#define ITARGETSR  0x0800
#define ICFGR	   0x0c00
#define IGRPMODR   0x0d00
#define NSACR	   0x0e00
#define SGIR	   0x0f00
#define IROUTER	   0x6000
#define PIDR4	   0xffd0
#define PIDR0	   0xffe0
#define PIDR2	   0xffe8
#define CIDR0	   0xfff0

#define NR_VCPUS  4    /* of the VM gicdfx_setup() makes */
#define NR_SPIS	  64   /* INTIDs 32..95; 96..127 exist in core but not for this VM */
#define CTLR_BASE 0x50 /* ARE | DS */
#define IIDR_VAL  0x4800043b
#define PRI_MASK  0xf8 /* 5 priority bits */

#define EDGE(i) (2u << (2 * (i))) /* ICFGR field i: edge-triggered */

/* The machine under test and its distributor, set by gicdfx_setup() / gicdfx_machine_up(). */
extern struct sim_machine gicdfx_m;
extern struct mmio_device *gicdfx_dev;

/* A VM on `mm` with `vcpus` vCPUs (MPIDR Aff0 = id, but vCPU 3 at Aff1 = 1) and the vGIC
 * attached; returns its distributor. */
struct mmio_device *gicdfx_vm_up(struct sim_machine *mm, unsigned vcpus, unsigned nr_spis);

/* gicdfx_vm_up() on gicdfx_m, its distributor in gicdfx_dev. */
void gicdfx_machine_up(unsigned vcpus, unsigned nr_spis);

/* cmocka setup/teardown: a fresh sim_hal and a machine of NR_VCPUS vCPUs and NR_SPIS SPIs;
 * teardown destroys it. */
int gicdfx_setup(void **state);
int gicdfx_teardown(void **state);

/* A `size`-byte read / write at distributor offset `off` from vCPU 0; fails the test unless
 * the bus entry returns HV_OK. */
uint64_t gicdfx_rd(uint64_t off, unsigned size);
void gicdfx_wr(uint64_t off, unsigned size, uint64_t val);

/* What the guest's CPU interface does to a list register: acknowledge, deactivate. */
void gicdfx_lr_set_state(uint64_t *lr, uint64_t state);

#endif

// SPDX-License-Identifier: MIT
/* Shared vGIC distributor test helpers: see vgic_dist_fixture.h. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <core/err.h>
#include <core/gicv3.h>
#include <core/vgic.h>
#include <hal-sim/sim_hal.h>
#include <sim/sim.h>
#include <vdev/vgic_mmio.h>

#include "fixture.h"
#include "vgic_dist_fixture.h"

struct sim_machine gicdfx_m;
struct mmio_device *gicdfx_dev;

struct mmio_device *gicdfx_vm_up(struct sim_machine *mm, unsigned vcpus, unsigned nr_spis)
{
	const struct sim_config cfg = {.no_ram = true};
	struct mmio_device *dev;
	struct vcpu *v;

	assert_int_equal(sim_machine_init(mm, &cfg), HV_OK);
	for (unsigned i = 0; i < vcpus; i++)
		assert_int_equal(vm_add_vcpu(mm->vm, VM_RAM_BASE, 0, &v), HV_OK);
	if (vcpus > 3)
		mm->vm->vcpus[3].ctx.vmpidr = 0x100;
	vgic_init(mm->vm, nr_spis);
	/* Each guest has switched both groups on at its CPU interface (ICC_IGRPEN0/1_EL1). */
	for (unsigned i = 0; i < mm->vm->vcpu_count; i++)
		mm->vm->vcpus[i].ctx.vgic.vmcr = ICH_VMCR_VENG0 | ICH_VMCR_VENG1;
	assert_int_equal(vgic_dist_attach(mm->vm, VM_GICD_BASE), HV_OK);
	assert_int_equal(vgic_redist_attach(mm->vm, VM_GICR_BASE), HV_OK);
	fixture_vcpus_loaded_here(mm->vm);
	dev = vm_find_mmio(mm->vm, VM_GICD_BASE);
	assert_non_null(dev);
	return dev;
}

void gicdfx_machine_up(unsigned vcpus, unsigned nr_spis)
{
	gicdfx_dev = gicdfx_vm_up(&gicdfx_m, vcpus, nr_spis);
}

int gicdfx_setup(void **state)
{
	sim_hal_reset();
	gicdfx_machine_up(NR_VCPUS, NR_SPIS);
	return 0;
}

int gicdfx_teardown(void **state)
{
	sim_machine_destroy(&gicdfx_m);
	return 0;
}

uint64_t gicdfx_rd(uint64_t off, unsigned size)
{
	uint64_t val = 0xbadbadbadbadULL;

	assert_int_equal(gicdfx_dev->ops->read(gicdfx_dev, &gicdfx_m.vm->vcpus[0], off, size, &val),
			 HV_OK);
	return val;
}

void gicdfx_wr(uint64_t off, unsigned size, uint64_t val)
{
	assert_int_equal(gicdfx_dev->ops->write(gicdfx_dev, &gicdfx_m.vm->vcpus[0], off, size, val),
			 HV_OK);
}

void gicdfx_lr_set_state(uint64_t *lr, uint64_t state)
{
	*lr = (*lr & ~(3ULL << ICH_LR_STATE_SHIFT)) | state << ICH_LR_STATE_SHIFT;
}

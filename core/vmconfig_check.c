// SPDX-License-Identifier: MIT
/* Checks of a configuration against the machine and against itself (docs/config.md,
 * "Errors"): each VM's board fits its address space without overlaps, its vCPUs sit on pCPUs
 * that are there, the VMs together fit free memory, have distinct names and never share a
 * disk backend unless both say read-only shared. */
#include <core/err.h>
#include <core/lib.h>
#include <core/pvtime.h>
#include <core/vmconfig.h>

#include "vmconfig_internal.h"

/* Every VM's stage 2 covers 40 bits of IPA (docs/guest-abi.md). */
#define BOARD_IPA_LIMIT (1ULL << 40)
/* The SPIs every VM's distributor has: INTIDs 32-95 (docs/guest-abi.md). */
#define BOARD_SPI_FIRST 32u
#define BOARD_SPI_END	96u
/* The GIC frames are 64 KiB each (GICv3 architecture, 12.1); the others are page-sized. */
#define GIC_FRAME_ALIGN 0x10000ULL
#define PAGE_ALIGN	0x1000ULL
#define PVTIME_SIZE	0x1000ULL

struct region {
	const char *what, *prop;
	uint64_t base, size, align;
};

static bool overlap(uint64_t a, uint64_t as, uint64_t b, uint64_t bs)
{
	return a < b + bs && b < a + as;
}

static int check_region(const struct vm_config *c, const struct region *r)
{
	if (!is_aligned(r->base, r->align))
		return vmconfig_fail(
		    c->node, r->prop, HV_EINVAL, "0x%llx: the %s must be 0x%llx-aligned",
		    (unsigned long long)r->base, r->what, (unsigned long long)r->align);
	if (r->base >= BOARD_IPA_LIMIT || r->size > BOARD_IPA_LIMIT - r->base)
		return vmconfig_fail(c->node, r->prop, HV_ERANGE,
				     "the %s [0x%llx-0x%llx) ends beyond the guest's 40-bit "
				     "address space",
				     r->what, (unsigned long long)r->base,
				     (unsigned long long)(r->base + r->size));
	return HV_OK;
}

static int check_interrupts(const struct vm_config *c)
{
	const struct vm_board *b = &c->board;
	const struct {
		const char *prop;
		unsigned first, count;
	} irq[] = {
	    {"uart-intid", b->uart_intid, 1},
	    {"rtc-intid", b->rtc_intid, b->rtc_base ? 1 : 0},
	    {"virtio-intid", b->virtio_intid, b->virtio_slots},
	};

	for (size_t i = 0; i < ARRAY_SIZE(irq); i++) {
		if (!irq[i].count)
			continue;
		if (irq[i].first < BOARD_SPI_FIRST || irq[i].first >= BOARD_SPI_END ||
		    irq[i].count > BOARD_SPI_END - irq[i].first)
			return vmconfig_fail(c->node, irq[i].prop, HV_ERANGE,
					     "INTID %u (%u of them): a VM has SPIs %u to %u",
					     irq[i].first, irq[i].count, BOARD_SPI_FIRST,
					     BOARD_SPI_END - 1);
		for (size_t j = 0; j < i; j++)
			if (irq[j].count &&
			    overlap(irq[i].first, irq[i].count, irq[j].first, irq[j].count))
				return vmconfig_fail(c->node, irq[i].prop, HV_EBUSY,
						     "INTID %u is also %s's", irq[i].first,
						     irq[j].prop);
	}
	return HV_OK;
}

static int check_board(const struct vm_config *c, const char *ram_prop)
{
	const struct vm_board *b = &c->board;
	const struct region ram = {"RAM", ram_prop, b->ram_base, c->ram_size, SZ_2M};
	/* The stolen-time page is fixed: an overlap with it names the other device's property. */
	struct region dev[] = {
	    {"GIC distributor", "gicd-base", b->gicd_base, VM_GICD_SIZE, GIC_FRAME_ALIGN},
	    {"GIC redistributors", "gicr-base", b->gicr_base, VM_GICR_STRIDE * c->vcpus,
	     GIC_FRAME_ALIGN},
	    {"UART", "uart-base", b->uart_base, VM_PL011_SIZE, PAGE_ALIGN},
	    {"RTC", "rtc-base", b->rtc_base, b->rtc_base ? VM_PL031_SIZE : 0, PAGE_ALIGN},
	    {"virtio-mmio slots", "virtio-base", b->virtio_base, VM_VIRTIO_STRIDE * b->virtio_slots,
	     VM_VIRTIO_STRIDE},
	    {"stolen-time page", NULL, VM_PVTIME_BASE, PVTIME_SIZE, PAGE_ALIGN},
	};
	int ret = check_region(c, &ram);

	if (ret)
		return ret;
	if (b->virtio_slots > VM_VIRTIO_SLOTS)
		return vmconfig_fail(c->node, "virtio-slots", HV_ERANGE,
				     "%u; at most %u are allowed", b->virtio_slots,
				     VM_VIRTIO_SLOTS);
	if (c->disk_count > b->virtio_slots)
		return vmconfig_fail(c->node, "virtio-slots", HV_ERANGE, "%u slots for %u disks",
				     b->virtio_slots, c->disk_count);
	for (size_t i = 0; i < ARRAY_SIZE(dev); i++) {
		if (!dev[i].size)
			continue;
		ret = check_region(c, &dev[i]);
		if (ret)
			return ret;
		if (overlap(ram.base, ram.size, dev[i].base, dev[i].size))
			return vmconfig_fail(c->node, ram_prop, HV_EBUSY,
					     "RAM [0x%llx-0x%llx) overlaps the %s [0x%llx-0x%llx)",
					     (unsigned long long)ram.base,
					     (unsigned long long)(ram.base + ram.size), dev[i].what,
					     (unsigned long long)dev[i].base,
					     (unsigned long long)(dev[i].base + dev[i].size));
		for (size_t j = 0; j < i; j++)
			if (dev[j].size &&
			    overlap(dev[i].base, dev[i].size, dev[j].base, dev[j].size))
				return vmconfig_fail(
				    c->node, dev[i].prop ? dev[i].prop : dev[j].prop, HV_EBUSY,
				    "the %s [0x%llx-0x%llx) overlaps the %s at 0x%llx", dev[i].what,
				    (unsigned long long)dev[i].base,
				    (unsigned long long)(dev[i].base + dev[i].size), dev[j].what,
				    (unsigned long long)dev[j].base);
	}
	return check_interrupts(c);
}

static unsigned online_count(const struct vmconfig_machine *m)
{
	unsigned n = 0;

	for (unsigned p = 0; p < m->pcpu_count; p++)
		n += m->pcpu_online[p];
	return n;
}

/* A machine may describe every pCPU slot it could have (pcpu_count) and mark those it has
 * online, so a pCPU it lacks can read "not online" rather than "absent". */
static int check_affinity(const struct vm_config *c, const struct vmconfig_machine *m)
{
	for (unsigned i = 0; i < c->vcpus; i++) {
		unsigned p = c->pcpu_of[i];

		if (p >= m->pcpu_count)
			return vmconfig_fail(c->node, "affinity", HV_ERANGE,
					     "vCPU %u on pCPU %u, but the machine has %u pCPU(s)",
					     i, p, m->pcpu_count);
		if (!m->pcpu_online[p])
			return vmconfig_fail(c->node, "affinity", HV_ERANGE,
					     "vCPU %u on pCPU %u, which is not online (%u pCPU(s) "
					     "are)",
					     i, p, online_count(m));
	}
	return HV_OK;
}

int vmconfig_check_vm(const struct vm_config *c, const struct vmconfig_machine *m,
		      const char *ram_prop)
{
	int ret = check_board(c, ram_prop);

	return ret ? ret : check_affinity(c, m);
}

static bool same_backend(const struct vmconfig_disk *a, const struct vmconfig_disk *b)
{
	if (a->kind != b->kind)
		return false;
	if (a->kind == VMCONFIG_DISK_HOST)
		return a->host_index == b->host_index;
	return overlap(a->image.base, a->image.size, b->image.base, b->image.size);
}

int vmconfig_check_disk(const struct vmconfig *sofar, const struct vm_config *c,
			const struct vmconfig_disk *d, const char *path)
{
	const char *prop = d->kind == VMCONFIG_DISK_HOST ? "host-index" : "image-module";

	for (unsigned i = 0; i < c->disk_count; i++)
		if (same_backend(&c->disks[i], d))
			return vmconfig_fail(path, prop, HV_EBUSY,
					     "the same backend as this VM's disk %u", i);
	for (unsigned v = 0; v < sofar->count; v++) {
		const struct vm_config *o = &sofar->vm[v];

		for (unsigned i = 0; i < o->disk_count; i++)
			if (same_backend(&o->disks[i], d) && !(o->disks[i].shared && d->shared))
				return vmconfig_fail(path, prop, HV_EBUSY,
						     "the same backend as %s's disk %u; two VMs "
						     "share a disk only if both say read-only "
						     "and shared",
						     o->node, i);
	}
	return HV_OK;
}

int vmconfig_check_all(struct vmconfig *cfg, const struct vmconfig_machine *m)
{
	uint64_t ram = 0;
	int console = -1;

	for (unsigned v = 0; v < cfg->count; v++) {
		struct vm_config *c = &cfg->vm[v];

		for (unsigned w = 0; w < v; w++)
			if (strcmp(cfg->vm[w].name, c->name) == 0)
				return vmconfig_fail(c->node, NULL, HV_EBUSY,
						     "a second VM called \"%s\"", c->name);
		ram += c->ram_size;
		if (ram > m->free_bytes)
			return vmconfig_fail(
			    c->node, "memory-mib", HV_ENOMEM,
			    "%llu MiB more makes %llu MiB of guest RAM in all, but %llu MiB "
			    "are free",
			    (unsigned long long)(c->ram_size >> 20),
			    (unsigned long long)(ram >> 20),
			    (unsigned long long)(m->free_bytes >> 20));
		if (c->console && console >= 0)
			return vmconfig_fail(c->node, "console", HV_EBUSY,
					     "also given by %s: one VM gets console input first",
					     cfg->vm[console].node);
		if (c->console)
			console = (int)v;
	}
	if (console < 0)
		cfg->vm[0].console = true;
	return HV_OK;
}

// SPDX-License-Identifier: MIT
/* Where the loader put the boot modules, checked before they are trusted (core/bootmod.h).
 * A module is reserved in the page allocator and later copied into a VM or served to it as a
 * disk, so one that covers the hypervisor's image, the host DTB or another module would hand
 * the guest hypervisor memory, and one outside RAM would be read from a device or from
 * nothing. Such a layout stops boot, naming the module and what it runs into. */
#include <core/bootmod.h>
#include <core/err.h>
#include <core/lib.h>
#include <core/log.h>

/* [first, last] page-aligned bounds of a range, as palloc_reserve() widens it. A range whose
 * end wraps was refused by bootmod_discover(); owned areas come from the linker and the DTB
 * header, and an empty one covers nothing. */
struct span {
	uint64_t first, last;
};

static bool span_of(uint64_t base, uint64_t size, struct span *s)
{
	if (size == 0 || !range_ok(base, size))
		return false;
	s->first = align_down(base, PAGE_SIZE);
	s->last = align_down(base + size - 1, PAGE_SIZE) + (PAGE_SIZE - 1);
	return true;
}

static bool spans_overlap(const struct span *a, const struct span *b)
{
	return a->first <= b->last && b->first <= a->last;
}

static bool inside_ram(const struct bootmod *m, const struct hw_range *ram, unsigned ram_count)
{
	for (unsigned i = 0; i < ram_count; i++) {
		if (ram[i].size && range_ok(ram[i].base, ram[i].size) && m->base >= ram[i].base &&
		    m->base + m->size <= ram[i].base + ram[i].size)
			return true;
	}
	return false;
}

static int refuse_overlap(const struct bootmod *m, const char *what, uint64_t base, uint64_t size)
{
	log_err("bootmod: %s [0x%llx-0x%llx) overlaps %s [0x%llx-0x%llx): boot refused", m->node,
		(unsigned long long)m->base, (unsigned long long)(m->base + m->size), what,
		(unsigned long long)base, (unsigned long long)(base + size));
	return HV_EBUSY;
}

static int check_module(const struct bootmod_list *list, unsigned i, const struct hw_range *ram,
			unsigned ram_count, const struct bootmod_area *owned, unsigned owned_count)
{
	const struct bootmod *m = &list->mod[i];
	struct span ms, other;

	if (!span_of(m->base, m->size, &ms) || !inside_ram(m, ram, ram_count)) {
		log_err("bootmod: %s [0x%llx-0x%llx) is not inside RAM: boot refused", m->node,
			(unsigned long long)m->base, (unsigned long long)(m->base + m->size));
		return HV_ERANGE;
	}
	for (unsigned a = 0; a < owned_count; a++) {
		if (span_of(owned[a].base, owned[a].size, &other) && spans_overlap(&ms, &other))
			return refuse_overlap(m, owned[a].name, owned[a].base, owned[a].size);
	}
	for (unsigned j = 0; j < i; j++) {
		const struct bootmod *o = &list->mod[j];

		if (span_of(o->base, o->size, &other) && spans_overlap(&ms, &other))
			return refuse_overlap(m, o->node, o->base, o->size);
	}
	return HV_OK;
}

int bootmod_check_layout(const struct bootmod_list *list, const struct hw_range *ram,
			 unsigned ram_count, const struct bootmod_area *owned, unsigned owned_count)
{
	for (unsigned i = 0; i < list->count; i++) {
		int err = check_module(list, i, ram, ram_count, owned, owned_count);

		if (err != HV_OK)
			return err;
	}
	return HV_OK;
}

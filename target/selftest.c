// SPDX-License-Identifier: MIT
/* Self-checks run on the real CPU after boot: they ask the MMU itself (AT instructions)
 * whether the map core/el2map.c built is the one in force, and exercise the allocator and
 * table updates with TLB maintenance on live hardware. */
#include <core/err.h>
#include <core/lib.h>
#include <core/log.h>
#include <core/palloc.h>
#include <core/pcpu.h>
#include <core/pgtable.h>
#include <hal/mem.h>
#include <hal/mmu.h>

#include "target.h"

/* MAIR attribute bytes of the two memory types (core/pgtable.h's MAIR layout). */
#define ATTR_NORMAL_WB	  0xff
#define ATTR_DEVICE_NGNRE 0x04

/* An address the EL2 map leaves unmapped on QEMU virt (flash), used as a scratch alias. */
#define SCRATCH_VA 0x1000000ULL

static unsigned failures;

static void check(bool ok, const char *what)
{
	log_info("selftest: %-44s %s", what, ok ? "ok" : "FAILED");
	if (!ok)
		failures++;
}

static bool maps_as(uint64_t va, bool write, uint8_t want_attr)
{
	uint64_t pa;
	uint8_t attr;

	return hal_el2_translate(va, write, &pa, &attr) && pa == va && attr == want_attr;
}

static bool faults(uint64_t va, bool write)
{
	uint64_t pa;
	uint8_t attr;

	return !hal_el2_translate(va, write, &pa, &attr);
}

static void check_el2_map(const struct selftest_env *env)
{
	check(hal_el2_mmu_enabled(), "EL2 MMU and caches are on");
	check(maps_as(env->text, false, ATTR_NORMAL_WB) && faults(env->text, true),
	      "text is normal memory, read-only");
	check(maps_as(env->rodata, false, ATTR_NORMAL_WB) && faults(env->rodata, true),
	      "rodata is read-only");
	check(maps_as(env->data, true, ATTR_NORMAL_WB), "data is normal memory, writable");
	if (env->uart)
		check(maps_as(env->uart, true, ATTR_DEVICE_NGNRE), "UART is Device-nGnRE");
	check(faults(0, false) && faults(SCRATCH_VA, false), "unmapped addresses fault");
}

/* Map a fresh page at a second address, write through one and read through the other,
 * then unmap: the MMU must stop translating at once (the TLB was invalidated). */
static void check_alias_and_unmap(const struct selftest_env *env)
{
	uint64_t page;
	bool ok;

	if (palloc_alloc_zeroed_page(env->alloc, &page)) {
		check(false, "allocate a page");
		return;
	}
	ok = pgt_map(env->el2_pgt, SCRATCH_VA, page, PAGE_SIZE, PGT_RW) == HV_OK;
	if (ok) {
		*(volatile uint64_t *)(uintptr_t)SCRATCH_VA = 0x5eedf00dcafe1234ULL;
		ok = *(volatile uint64_t *)hal_phys_to_ptr(page) == 0x5eedf00dcafe1234ULL;
	}
	check(ok, "a new mapping is live at once");
	ok = pgt_unmap(env->el2_pgt, SCRATCH_VA, PAGE_SIZE) == HV_OK && faults(SCRATCH_VA, false);
	check(ok, "an unmapped page faults at once");
	palloc_free(env->alloc, page, PAGE_SIZE);
}

static void check_allocator(const struct selftest_env *env)
{
	uint64_t before = palloc_free_bytes(env->alloc);
	uint64_t chunk;
	bool ok = palloc_alloc(env->alloc, 2 * SZ_2M, SZ_2M, &chunk) == HV_OK &&
		  is_aligned(chunk, SZ_2M) && palloc_free_bytes(env->alloc) == before - 2 * SZ_2M;

	if (ok)
		ok = palloc_free(env->alloc, chunk, 2 * SZ_2M) == HV_OK &&
		     palloc_free_bytes(env->alloc) == before;
	check(ok, "4 MiB aligned allocation and free");
}

unsigned selftest_run(const struct selftest_env *env)
{
	failures = 0;
	check_el2_map(env);
	check_alias_and_unmap(env);
	check_allocator(env);
	check(pcpu_online_count() == pcpu_count(), "every secondary CPU reported in");
	return failures;
}

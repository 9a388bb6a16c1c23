// SPDX-License-Identifier: MIT
/* libFuzzer harness for the configuration reader (core/vmconfig.c, core/vmconfig_check.c):
 * any byte string is a candidate configuration module. The reader must refuse it or fill a
 * struct vmconfig that keeps every promise of core/vmconfig.h, without reading outside the
 * input (ASan) or undefined behaviour (UBSan). The machine has 4 pCPUs (pCPU 3 offline),
 * 1 GiB free and boot modules where the seeds (fuzz/corpus/vmconfig/, the DTS fixtures of
 * tests/unit/test_vmconfig.c) say tools/hvconfig.py put them. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <core/lib.h>
#include <core/vmconfig.h>
#include <hal-sim/sim_hal.h>

#include "fuzz_check.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const bool online[4] = {true, true, true, false};

static void check_vm(const struct vm_config *c, const struct vmconfig_machine *m)
{
	FUZZ_CHECK(c->name[0] && strnlen(c->name, VM_NAME_MAX) < VM_NAME_MAX);
	FUZZ_CHECK(c->vcpus >= 1 && c->vcpus <= VM_MAX_VCPUS);
	for (unsigned i = 0; i < c->vcpus; i++)
		FUZZ_CHECK(c->pcpu_of[i] < m->pcpu_count && m->pcpu_online[c->pcpu_of[i]]);
	FUZZ_CHECK(c->ram_size && is_aligned(c->ram_size, SZ_2M));
	FUZZ_CHECK(is_aligned(c->board.ram_base, SZ_2M));
	FUZZ_CHECK(c->board.ram_base + c->ram_size > c->board.ram_base);
	FUZZ_CHECK(c->kernel.size > 0);
	FUZZ_CHECK(c->weight > 0);
	FUZZ_CHECK(strnlen(c->bootargs, sizeof(c->bootargs)) < sizeof(c->bootargs));
	FUZZ_CHECK(c->disk_count <= VMCONFIG_MAX_DISKS && c->disk_count <= c->board.virtio_slots);
	for (unsigned i = 0; i < c->disk_count; i++)
		FUZZ_CHECK(!c->disks[i].shared || c->disks[i].read_only);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct bootmod_list mods = {.count = 3};
	struct vmconfig_machine m = {
	    .pcpu_online = online, .pcpu_count = 4, .free_bytes = 1ULL << 30, .modules = &mods};
	struct vmconfig cfg;
	unsigned consoles = 0;

	mods.mod[0] =
	    (struct bootmod){.kind = BOOTMOD_KERNEL, .base = 0x50000000, .size = 0x500000};
	mods.mod[1] =
	    (struct bootmod){.kind = BOOTMOD_RAMDISK, .base = 0x50800000, .size = 0xf1000};
	mods.mod[2] =
	    (struct bootmod){.kind = BOOTMOD_RAMDISK, .base = 0x51000000, .size = 0x100000};
	/* The input itself as a module, as the hypervisor meets it (the others above are never
	 * read: vmconfig_parse() only looks their addresses up). */
	if (size) {
		struct bootmod_list one = {.count = 1};

		one.mod[0] = (struct bootmod){
		    .kind = BOOTMOD_RAMDISK, .base = (uintptr_t)data, .size = size};
		(void)vmconfig_find_module(&one);
	}

	if (vmconfig_parse(data, size, &m, &cfg) == 0) {
		FUZZ_CHECK(cfg.count >= 1 && cfg.count <= VMCONFIG_MAX_VMS);
		for (unsigned v = 0; v < cfg.count; v++) {
			check_vm(&cfg.vm[v], &m);
			consoles += cfg.vm[v].console;
			for (unsigned w = 0; w < v; w++)
				FUZZ_CHECK(strcmp(cfg.vm[v].name, cfg.vm[w].name) != 0);
		}
		FUZZ_CHECK(consoles == 1);
	} else {
		FUZZ_CHECK(cfg.count == 0);
	}
	sim_console_clear();
	return 0;
}

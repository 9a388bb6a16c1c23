// SPDX-License-Identifier: MIT
/* The hypervisor's own configuration reader (core/vmconfig.c) on the host, for
 * tests/tools/test_hvconfig.py: does what tools/hvconfig.py writes read back as it should?
 *
 *     vmconfig_check TREE.dtb PCPUS FREE_MIB [ADDRESS SIZE]...
 *
 * The machine has PCPUS pCPUs online, FREE_MIB MiB free and the boot modules given. Prints one
 * line per VM ("name vcpus=4 pcpus=0,0,0,0 mib=512 kernel=0x50000000+5332480 initrd=...
 * disks=host:0,memory:0x51000000 console weight=256") and exits 0, or prints the reader's
 * error line and exits 1. */
#include <stdio.h>
#include <stdlib.h>

#include <core/vmconfig.h>
#include <hal-sim/sim_hal.h>

static void print_vm(const struct vm_config *c)
{
	printf("%s vcpus=%u pcpus=", c->name, c->vcpus);
	for (unsigned i = 0; i < c->vcpus; i++)
		printf("%s%u", i ? "," : "", c->pcpu_of[i]);
	printf(" mib=%llu kernel=0x%llx+%llu", (unsigned long long)(c->ram_size >> 20),
	       (unsigned long long)c->kernel.base, (unsigned long long)c->kernel.size);
	if (c->initrd.size)
		printf(" initrd=0x%llx+%llu", (unsigned long long)c->initrd.base,
		       (unsigned long long)c->initrd.size);
	printf(" disks=");
	for (unsigned i = 0; i < c->disk_count; i++) {
		const struct vmconfig_disk *d = &c->disks[i];

		if (d->kind == VMCONFIG_DISK_HOST)
			printf("%shost:%u", i ? "," : "", d->host_index);
		else
			printf("%smemory:0x%llx", i ? "," : "", (unsigned long long)d->image.base);
		printf("%s%s", d->read_only ? ":ro" : "", d->shared ? ":shared" : "");
	}
	printf("%s weight=%u\n", c->console ? " console" : "", c->weight);
}

int main(int argc, char **argv)
{
	static bool online[HV_MAX_CPUS];
	static struct bootmod_list mods;
	static struct vmconfig cfg;
	static uint8_t blob[1 << 20];
	struct vmconfig_machine m = {.pcpu_online = online, .modules = &mods};
	FILE *f;
	size_t size;
	int ret;

	if (argc < 4 || argc % 2) {
		fprintf(stderr, "usage: %s TREE.dtb PCPUS FREE_MIB [ADDRESS SIZE]...\n", argv[0]);
		return 2;
	}
	f = fopen(argv[1], "rb");
	if (!f) {
		perror(argv[1]);
		return 2;
	}
	size = fread(blob, 1, sizeof(blob), f);
	fclose(f);
	m.pcpu_count = (unsigned)strtoul(argv[2], NULL, 0);
	for (unsigned i = 0; i < m.pcpu_count && i < HV_MAX_CPUS; i++)
		online[i] = true;
	m.free_bytes = strtoull(argv[3], NULL, 0) << 20;
	for (int i = 4; i + 1 < argc && mods.count < BOOTMOD_MAX; i += 2)
		mods.mod[mods.count++] = (struct bootmod){.kind = BOOTMOD_RAMDISK,
							  .base = strtoull(argv[i], NULL, 0),
							  .size = strtoull(argv[i + 1], NULL, 0)};
	ret = vmconfig_parse(blob, size, &m, &cfg);
	if (ret) {
		fputs(sim_hal.console, stdout);
		return 1;
	}
	for (unsigned v = 0; v < cfg.count; v++)
		print_vm(&cfg.vm[v]);
	return 0;
}

// SPDX-License-Identifier: MIT
/* Hardware discovery from the host DTB: memory, CPUs, GICv3, PL011, timer PPIs, virtio-mmio
 * transports, PSCI and /chosen. Each failure logs exactly one line, naming the node and property at fault. */
#include <core/err.h>
#include <core/fdt.h>
#include <core/gicv3.h>
#include <core/hwinfo.h>
#include <core/lib.h>
#include <core/log.h>
#include <core/print.h>
#include <hal/gicv3_regs.h>

#define HW_PATH_MAX 128

/* MPIDR_EL1 affinity fields Aff3 (39:32) and Aff2..Aff0 (23:0), MPIDR_AFF_MASK: the Arm cpus
 * binding puts nothing else in a cpu node's "reg". */
/* GIC interrupt specifier cells (arm,gic-v3 binding) and INTID ranges: <core/gicv3.h>. */

#define SZ_1M (1ULL << 20)

/* The one line a failed discovery logs. `node` < 0 uses `where` as the node's path. */
static int hw_fail(const struct fdt *f, int node, const char *where, const char *prop, int err,
		   const char *what)
{
	char path[HW_PATH_MAX];

	if (node < 0 || fdt_node_path(f, node, path, sizeof(path)) < 0)
		format(path, sizeof(path), "%s", where ? where : "?");
	if (prop)
		log_err("hw: %s: property '%s': %s (%s)", path, prop, what, hv_strerror(err));
	else
		log_err("hw: %s: %s (%s)", path, what, hv_strerror(err));
	return err;
}

/* The first available node after `from` compatible with `compat` (HV_ENOENT if none). */
static int find_available(const struct fdt *f, int from, const char *compat)
{
	int node = from;

	do {
		node = fdt_find_compatible(f, node, compat);
	} while (node >= 0 && !fdt_node_is_available(f, node));
	return node;
}

/* --- memory --- */

/* Insert a bank keeping hw->mem sorted by base; overlapping banks are a broken DTB. */
static int add_bank(const struct fdt *f, int node, struct hw_info *hw, uint64_t base, uint64_t size)
{
	unsigned i;

	if (hw->mem_count == HW_MAX_MEM_BANKS)
		return hw_fail(f, node, NULL, "reg", HV_ENOMEM,
			       "more memory banks than HW_MAX_MEM_BANKS (16)");
	for (i = hw->mem_count; i > 0 && hw->mem[i - 1].base > base; i--)
		hw->mem[i] = hw->mem[i - 1];
	if ((i > 0 && hw->mem[i - 1].base + hw->mem[i - 1].size > base) ||
	    (i < hw->mem_count && base + size > hw->mem[i + 1].base)) {
		/* Undo the shift: leave hw consistent even on failure. */
		for (; i < hw->mem_count; i++)
			hw->mem[i] = hw->mem[i + 1];
		return hw_fail(f, node, NULL, "reg", HV_EINVAL, "memory bank overlaps another");
	}
	hw->mem[i].base = base;
	hw->mem[i].size = size;
	hw->mem_count++;
	hw->mem_total += size;
	return 0;
}

static int discover_memory(const struct fdt *f, struct hw_info *hw)
{
	int root = fdt_root(f), node, err;

	for (node = fdt_first_child(f, root); node >= 0; node = fdt_next_sibling(f, node)) {
		struct fdt_reg reg;
		unsigned i;

		err = fdt_prop_has_string(f, node, "device_type", "memory");
		if (err < 0)
			return hw_fail(f, node, NULL, "device_type", err, "not a string");
		if (err == 0 || !fdt_node_is_available(f, node))
			continue;
		err = fdt_reg_open(f, node, &reg);
		if (err < 0)
			return hw_fail(f, node, NULL, "reg", err, "missing or malformed");
		for (i = 0; i < reg.count; i++) {
			uint64_t base, size;

			err = fdt_reg_get(&reg, i, &base, &size);
			if (err < 0)
				return hw_fail(f, node, NULL, "reg", err, "range wraps around");
			if (size == 0)
				continue;
			if ((err = add_bank(f, node, hw, base, size)) < 0)
				return err;
		}
	}
	if (node != HV_ENOENT)
		return hw_fail(f, root, NULL, NULL, node, "malformed subnodes");
	if (hw->mem_count == 0)
		return hw_fail(f, -1, "/", NULL, HV_ENOENT,
			       "no memory node (device_type \"memory\") with a non-empty reg");
	return 0;
}

/* --- CPUs --- */

static int discover_cpus(const struct fdt *f, struct hw_info *hw)
{
	int cpus = fdt_find_path(f, "/cpus"), node, err;

	if (cpus < 0)
		return hw_fail(f, -1, "/cpus", NULL, cpus, "node missing");
	for (node = fdt_first_child(f, cpus); node >= 0; node = fdt_next_sibling(f, node)) {
		struct fdt_reg reg;
		uint64_t mpidr, size;
		unsigned i;

		/* Skips cpu-map and friends. "disabled" CPUs still exist (spec 3.8.1). */
		err = fdt_prop_has_string(f, node, "device_type", "cpu");
		if (err < 0)
			return hw_fail(f, node, NULL, "device_type", err, "not a string");
		if (err == 0)
			continue;
		err = fdt_reg_open(f, node, &reg);
		if (err == 0)
			err = fdt_reg_get(&reg, 0, &mpidr, &size);
		if (err < 0)
			return hw_fail(f, node, NULL, "reg", err, "missing or malformed");
		if (mpidr & ~MPIDR_AFF_MASK)
			return hw_fail(f, node, NULL, "reg", HV_EINVAL,
				       "bits outside the MPIDR affinity fields");
		for (i = 0; i < hw->cpu_count; i++) {
			if (hw->cpu_mpidr[i] == mpidr)
				return hw_fail(f, node, NULL, "reg", HV_EINVAL,
					       "MPIDR used by another cpu node");
		}
		if (hw->cpu_count == HV_MAX_CPUS)
			return hw_fail(f, cpus, NULL, NULL, HV_ENOMEM,
				       "more cpu nodes than HV_MAX_CPUS (64)");
		hw->cpu_mpidr[hw->cpu_count++] = mpidr;
	}
	if (node != HV_ENOENT)
		return hw_fail(f, cpus, NULL, NULL, node, "malformed subnodes");
	if (hw->cpu_count == 0)
		return hw_fail(f, cpus, NULL, NULL, HV_ENOENT,
			       "no subnode with device_type \"cpu\"");
	return 0;
}

/* --- GIC --- */

static int discover_gic(const struct fdt *f, struct hw_info *hw, int *gic_node)
{
	int gic = find_available(f, -1, "arm,gic-v3"), err;
	struct fdt_reg reg;
	uint32_t nr = 1;
	uint64_t size;
	unsigned i;

	if (gic < 0)
		return hw_fail(f, -1, "/", NULL, gic,
			       "no node compatible with \"arm,gic-v3\"; a GICv3 is required");
	err = fdt_reg_open(f, gic, &reg);
	if (err < 0)
		return hw_fail(f, gic, NULL, "reg", err, "missing or malformed");
	err = fdt_get_u32(f, gic, "#redistributor-regions", &nr);
	if (err < 0 && err != HV_ENOENT)
		return hw_fail(f, gic, NULL, "#redistributor-regions", err, "not a u32");
	if (nr == 0)
		return hw_fail(f, gic, NULL, "#redistributor-regions", HV_EINVAL, "is 0");
	if (nr > HW_MAX_GICR_REGIONS)
		return hw_fail(f, gic, NULL, "#redistributor-regions", HV_ENOMEM,
			       "more than HW_MAX_GICR_REGIONS (8)");
	if (reg.count < 1 + nr)
		return hw_fail(f, gic, NULL, "reg", HV_EINVAL,
			       "fewer entries than 1 + #redistributor-regions");
	err = fdt_reg_get(&reg, 0, &hw->gicd.base, &hw->gicd.size);
	for (i = 0; err == 0 && i < nr; i++) {
		err = fdt_reg_get(&reg, 1 + i, &hw->gicr[i].base, &size);
		hw->gicr[i].size = size;
		if (err == 0 && size == 0)
			err = HV_EINVAL;
	}
	if (err == 0 && hw->gicd.size == 0)
		err = HV_EINVAL;
	if (err < 0)
		return hw_fail(f, gic, NULL, "reg", err, "empty or wrapping region");
	hw->gicr_count = nr;
	*gic_node = gic;
	return 0;
}

/* Cells per interrupt specifier for `node`, whose interrupt parent must be the GIC: the
 * nearest "interrupt-parent" up the tree, or none at all (then the GIC is assumed). */
/* Whether `phandle` names `node`. Asked of the node itself rather than by searching the tree
 * for the phandle (fdt_find_phandle()), which per device made discovery on QEMU's 32
 * virtio-mmio nodes cost ~12 M instructions with the caches still off (docs/memory.md). */
static bool is_phandle_of(const struct fdt *f, int node, uint32_t phandle)
{
	uint32_t v;

	/* Devicetree spec 2.3.3: 0 and ~0 are not valid phandles. */
	if (phandle == 0 || phandle == 0xffffffffu)
		return false;
	return (fdt_get_u32(f, node, "phandle", &v) == 0 && v == phandle) ||
	       (fdt_get_u32(f, node, "linux,phandle", &v) == 0 && v == phandle);
}

static int irq_cells(const struct fdt *f, int node, int gic, unsigned *cells)
{
	uint32_t phandle, c = 3;
	int n = node, depth, err;

	for (depth = 0; n >= 0 && depth <= FDT_MAX_DEPTH; depth++) {
		err = fdt_get_u32(f, n, "interrupt-parent", &phandle);
		if (err == 0) {
			if (!is_phandle_of(f, gic, phandle))
				return HV_ENOTSUP;
			break;
		}
		if (err != HV_ENOENT)
			return err;
		n = fdt_parent(f, n);
	}
	err = fdt_get_u32(f, gic, "#interrupt-cells", &c);
	if (err < 0 && err != HV_ENOENT)
		return err;
	/* arm,gic-v3 binding: 3 cells, or 4 with PPI partitions (the 4th we ignore). */
	if (c < 3 || c > 4)
		return HV_EINVAL;
	*cells = c;
	return 0;
}

static int gic_spec_intid(const uint8_t *spec, unsigned *intid)
{
	uint32_t type = fdt_be32(spec), num = fdt_be32(spec + 4);

	if (type == GIC_SPEC_SPI && num < GIC_MAX_SPIS)
		*intid = GIC_SPI_BASE + num;
	else if (type == GIC_SPEC_PPI && num < GIC_NR_PPIS)
		*intid = GIC_PPI_BASE + num;
	else
		return HV_ERANGE;
	return 0;
}

/* "interrupts" of `node` as a list of specifiers of *cells cells each. */
static int get_interrupts(const struct fdt *f, int node, int gic, struct fdt_prop *p,
			  unsigned *cells, unsigned *count)
{
	int err = irq_cells(f, node, gic, cells);

	if (err < 0)
		return err;
	err = fdt_get_prop(f, node, "interrupts", p);
	if (err < 0)
		return err;
	if (p->len == 0 || p->len % (*cells * 4) != 0)
		return HV_EINVAL;
	*count = p->len / (*cells * 4);
	return 0;
}

/* --- UART --- */

/* The node /chosen/stdout-path names ("/pl011@9000000" or an alias, ":options" dropped). */
static int stdout_node(const struct fdt *f, int chosen)
{
	char path[HW_PATH_MAX];
	const char *s;
	size_t len = 0;
	int aliases;

	if (chosen < 0 || fdt_get_string(f, chosen, "stdout-path", &s) < 0)
		return HV_ENOENT;
	while (s[len] && s[len] != ':')
		len++;
	if (len >= sizeof(path))
		return HV_ENOENT;
	memcpy(path, s, len);
	path[len] = '\0';
	if (path[0] == '/')
		return fdt_find_path(f, path);
	aliases = fdt_find_path(f, "/aliases");
	if (aliases < 0 || fdt_get_string(f, aliases, path, &s) < 0 || s[0] != '/')
		return HV_ENOENT;
	return fdt_find_path(f, s);
}

static int discover_uart(const struct fdt *f, struct hw_info *hw, int gic, int chosen,
			 bool *irq_unrouted)
{
	int node = stdout_node(f, chosen), err;
	unsigned cells, count;
	struct fdt_reg reg;
	struct fdt_prop p;

	/* Prefer the console firmware chose; otherwise the first PL011. */
	if (node < 0 || fdt_node_is_compatible(f, node, "arm,pl011") != 1 ||
	    !fdt_node_is_available(f, node))
		node = find_available(f, -1, "arm,pl011");
	if (node == HV_ENOENT)
		return 0; /* optional: the early console still works */
	if (node < 0)
		return hw_fail(f, -1, "/", "compatible", node, "malformed");
	err = fdt_reg_open(f, node, &reg);
	if (err == 0)
		err = fdt_reg_get(&reg, 0, &hw->uart.reg.base, &hw->uart.reg.size);
	if (err < 0)
		return hw_fail(f, node, NULL, "reg", err, "missing or malformed");
	err = get_interrupts(f, node, gic, &p, &cells, &count);
	if (err == 0)
		err = gic_spec_intid(p.val, &hw->uart.intid);
	if (err == HV_ENOTSUP)
		*irq_unrouted = true;
	else if (err < 0 && err != HV_ENOENT)
		return hw_fail(f, node, NULL, "interrupts", err,
			       "not a GIC SPI/PPI specifier list");
	hw->uart.present = true;
	return 0;
}

/* --- real-time clock --- */

/* Optional: without one, guests' clocks start at 0 (1970). */
static int discover_rtc(const struct fdt *f, struct hw_info *hw)
{
	int node = find_available(f, -1, "arm,pl031"), err;
	struct fdt_reg reg;

	if (node == HV_ENOENT)
		return 0;
	if (node < 0)
		return hw_fail(f, -1, "/", "compatible", node, "malformed");
	err = fdt_reg_open(f, node, &reg);
	if (err == 0)
		err = fdt_reg_get(&reg, 0, &hw->rtc.reg.base, &hw->rtc.reg.size);
	if (err == 0 && hw->rtc.reg.size < 0x20)
		err = HV_ERANGE;
	if (err < 0)
		return hw_fail(f, node, NULL, "reg", err, "missing or malformed");
	hw->rtc.present = true;
	return 0;
}

/* --- timer --- */

static int discover_timer(const struct fdt *f, struct hw_info *hw, int gic)
{
	unsigned *const slot[] = {&hw->timer.sec_phys, &hw->timer.phys, &hw->timer.virt,
				  &hw->timer.hyp_phys, &hw->timer.hyp_virt};
	int node = find_available(f, -1, "arm,armv8-timer"), err;
	unsigned cells, count, i;
	struct fdt_prop p;

	if (node == HV_ENOENT)
		return 0;
	if (node < 0)
		return hw_fail(f, -1, "/", "compatible", node, "malformed");
	err = get_interrupts(f, node, gic, &p, &cells, &count);
	if (err == 0 && count < 4)
		err = HV_EINVAL;
	if (err < 0)
		return hw_fail(f, node, NULL, "interrupts", err,
			       "needs 4 or 5 GIC specifiers (sec-phys, phys, virt, hyp-phys)");
	/* arm,arch_timer binding order: secure phys, non-secure phys, virt, hyp phys, hyp virt. */
	for (i = 0; i < count && i < ARRAY_SIZE(slot); i++) {
		const uint8_t *spec = p.val + (size_t)i * cells * 4;

		if (fdt_be32(spec) != GIC_SPEC_PPI || gic_spec_intid(spec, slot[i]) < 0)
			return hw_fail(f, node, NULL, "interrupts", HV_EINVAL,
				       "timer interrupt is not a PPI");
	}
	return 0;
}

/* --- virtio-mmio transports --- */

/* Insert keeping hw->virtio sorted by base; transports never overlap in a sane DTB. */
static int add_virtio(const struct fdt *f, int node, struct hw_info *hw,
		      const struct hw_virtio_mmio *t)
{
	unsigned i;

	for (i = hw->virtio_count; i > 0 && hw->virtio[i - 1].reg.base > t->reg.base; i--)
		;
	if ((i > 0 && hw->virtio[i - 1].reg.base + hw->virtio[i - 1].reg.size > t->reg.base) ||
	    (i < hw->virtio_count && t->reg.base + t->reg.size > hw->virtio[i].reg.base))
		return hw_fail(f, node, NULL, "reg", HV_EINVAL,
			       "overlaps another virtio-mmio node");
	memmove(&hw->virtio[i + 1], &hw->virtio[i], (hw->virtio_count - i) * sizeof(hw->virtio[0]));
	hw->virtio[i] = *t;
	hw->virtio_count++;
	return 0;
}

/* Every available "virtio,mmio" node: its registers, and its interrupt when the GIC takes it
 * (the hypervisor's own driver polls, so an interrupt elsewhere is no error). */
static int discover_virtio(const struct fdt *f, struct hw_info *hw, int gic, unsigned *left_out)
{
	int node = -1, err;

	while ((node = find_available(f, node, "virtio,mmio")) >= 0) {
		struct hw_virtio_mmio t = {0};
		unsigned cells, count;
		struct fdt_reg reg;
		struct fdt_prop p;

		err = fdt_reg_open(f, node, &reg);
		if (err == 0)
			err = fdt_reg_get(&reg, 0, &t.reg.base, &t.reg.size);
		if (err == 0 && t.reg.size == 0)
			err = HV_EINVAL;
		if (err < 0)
			return hw_fail(f, node, NULL, "reg", err, "missing, empty or malformed");
		err = get_interrupts(f, node, gic, &p, &cells, &count);
		if (err == 0)
			err = gic_spec_intid(p.val, &t.intid);
		if (err < 0 && err != HV_ENOTSUP && err != HV_ENOENT)
			return hw_fail(f, node, NULL, "interrupts", err,
				       "not a GIC SPI/PPI specifier list");
		t.dma_coherent = fdt_get_prop(f, node, "dma-coherent", &p) == 0;
		if (hw->virtio_count == HW_MAX_VIRTIO_MMIO) {
			(*left_out)++;
			continue;
		}
		if ((err = add_virtio(f, node, hw, &t)) < 0)
			return err;
	}
	if (node != HV_ENOENT)
		return hw_fail(f, -1, "/", "compatible", node, "malformed");
	return 0;
}

/* --- PSCI, /chosen --- */

static int discover_psci(const struct fdt *f, struct hw_info *hw)
{
	static const char *const compat[] = {"arm,psci-1.0", "arm,psci-0.2", "arm,psci"};
	const char *method;
	int node = HV_ENOENT, err;
	unsigned i;

	for (i = 0; i < ARRAY_SIZE(compat) && node == HV_ENOENT; i++)
		node = find_available(f, -1, compat[i]);
	if (node == HV_ENOENT)
		return 0;
	if (node < 0)
		return hw_fail(f, -1, "/", "compatible", node, "malformed");
	err = fdt_get_string(f, node, "method", &method);
	if (err < 0)
		return hw_fail(f, node, NULL, "method", err, "missing or not a string");
	if (strcmp(method, "smc") == 0)
		hw->psci = HW_PSCI_SMC;
	else if (strcmp(method, "hvc") == 0)
		hw->psci = HW_PSCI_HVC;
	else
		return hw_fail(f, node, NULL, "method", HV_EINVAL, "neither \"smc\" nor \"hvc\"");
	return 0;
}

static int discover_bootargs(const struct fdt *f, struct hw_info *hw, int chosen)
{
	const char *s;
	size_t len;
	int err;

	if (chosen < 0)
		return 0;
	err = fdt_get_string(f, chosen, "bootargs", &s);
	if (err == HV_ENOENT)
		return 0;
	if (err < 0)
		return hw_fail(f, chosen, NULL, "bootargs", err, "not a string");
	len = MIN(strlen(s), sizeof(hw->bootargs) - 1);
	memcpy(hw->bootargs, s, len);
	hw->bootargs[len] = '\0';
	return 0;
}

int hw_discover(const void *blob, size_t max_size, struct hw_info *hw)
{
	bool uart_irq_unrouted = false;
	unsigned virtio_left_out = 0;
	int chosen, gic = -1, err;
	struct fdt f;

	memset(hw, 0, sizeof(*hw));
	err = fdt_open(&f, blob, max_size);
	if (err < 0) {
		log_err("hw: invalid device tree: %s at byte 0x%x (%s)",
			f.err_what ? f.err_what : "?", (unsigned)f.err_off, hv_strerror(err));
		return err;
	}
	chosen = fdt_find_path(&f, "/chosen");
	if ((err = discover_memory(&f, hw)) < 0 || (err = discover_cpus(&f, hw)) < 0 ||
	    (err = discover_gic(&f, hw, &gic)) < 0 ||
	    (err = discover_uart(&f, hw, gic, chosen, &uart_irq_unrouted)) < 0 ||
	    (err = discover_timer(&f, hw, gic)) < 0 || (err = discover_rtc(&f, hw)) < 0 ||
	    (err = discover_virtio(&f, hw, gic, &virtio_left_out)) < 0 ||
	    (err = discover_psci(&f, hw)) < 0 || (err = discover_bootargs(&f, hw, chosen)) < 0)
		return err;
	/* Warn only once discovery succeeded: a failure logs exactly one line. */
	if (uart_irq_unrouted)
		log_warn("hw: UART interrupt not routed to the GIC; console input polled");
	if (virtio_left_out)
		log_warn("hw: %u virtio-mmio transport(s) beyond HW_MAX_VIRTIO_MMIO (64) ignored",
			 virtio_left_out);
	return 0;
}

/* --- banner --- */

/* Append to a line buffer; false (and nothing appended) when it would not fit. */
static bool line_add(char *buf, size_t size, size_t *pos, const char *fmt, unsigned long long a,
		     unsigned long long b)
{
	int n = format(buf + *pos, size - *pos, fmt, a, b);

	if (n < 0 || *pos + (size_t)n >= size) {
		buf[*pos] = '\0';
		return false;
	}
	*pos += (size_t)n;
	return true;
}

static void print_size(const char *what, uint64_t base, uint64_t size)
{
	unsigned long long last = (unsigned long long)(base + size - 1);

	if (size % SZ_1M == 0)
		log_info("%s: 0x%llx-0x%llx (%llu MiB)", what, (unsigned long long)base, last,
			 (unsigned long long)(size / SZ_1M));
	else
		log_info("%s: 0x%llx-0x%llx (%llu KiB)", what, (unsigned long long)base, last,
			 (unsigned long long)(size >> 10));
}

void hw_print(const struct hw_info *hw)
{
	/* The rest of the line ("cpus: 64 (mpidr...)") fits in LOG_LINE_MAX. */
	char line[LOG_LINE_MAX - 32];
	size_t pos;
	unsigned i;

	for (i = 0; i < hw->mem_count && i < HW_MAX_MEM_BANKS; i++)
		print_size("mem", hw->mem[i].base, hw->mem[i].size);
	log_info("ram: %llu MiB total in %u bank(s)", (unsigned long long)(hw->mem_total / SZ_1M),
		 hw->mem_count);

	pos = 0;
	line[0] = '\0';
	for (i = 0; i < hw->cpu_count && i < HV_MAX_CPUS; i++) {
		/* Keep 4 bytes for " ..." when the list does not fit. */
		if (!line_add(line, sizeof(line) - 4, &pos, " 0x%llx", hw->cpu_mpidr[i], 0)) {
			memcpy(line + pos, " ...", 5);
			break;
		}
	}
	log_info("cpus: %u (mpidr%s)", hw->cpu_count, line);

	pos = 0;
	line[0] = '\0';
	for (i = 0; i < hw->gicr_count && i < HW_MAX_GICR_REGIONS; i++)
		line_add(line, sizeof(line), &pos, " 0x%llx+0x%llx", hw->gicr[i].base,
			 hw->gicr[i].size);
	log_info("gic: v3 dist 0x%llx redist%s", (unsigned long long)hw->gicd.base, line);

	if (hw->rtc.present)
		log_info("rtc: pl031 0x%llx", (unsigned long long)hw->rtc.reg.base);
	if (!hw->uart.present)
		log_info("uart: none");
	else if (hw->uart.intid)
		log_info("uart: pl011 0x%llx intid %u", (unsigned long long)hw->uart.reg.base,
			 hw->uart.intid);
	else
		log_info("uart: pl011 0x%llx (no interrupt)",
			 (unsigned long long)hw->uart.reg.base);

	if (!hw->timer.phys && !hw->timer.virt && !hw->timer.hyp_phys)
		log_info("timer: none");
	else if (hw->timer.hyp_virt)
		log_info("timer: ppi intids phys %u virt %u hyp %u hyp-virt %u", hw->timer.phys,
			 hw->timer.virt, hw->timer.hyp_phys, hw->timer.hyp_virt);
	else
		log_info("timer: ppi intids phys %u virt %u hyp %u", hw->timer.phys, hw->timer.virt,
			 hw->timer.hyp_phys);

	if (hw->virtio_count)
		log_info("virtio-mmio: %u transport(s) 0x%llx-0x%llx", hw->virtio_count,
			 (unsigned long long)hw->virtio[0].reg.base,
			 (unsigned long long)(hw->virtio[hw->virtio_count - 1].reg.base +
					      hw->virtio[hw->virtio_count - 1].reg.size - 1));

	log_info("psci: %s", hw->psci == HW_PSCI_SMC   ? "smc"
			     : hw->psci == HW_PSCI_HVC ? "hvc"
						       : "none");
	if (hw->bootargs[0])
		log_info("bootargs: %s", hw->bootargs);
}

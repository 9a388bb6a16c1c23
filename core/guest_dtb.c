// SPDX-License-Identifier: MIT
/* The guest device tree: check a board description, then write it with core/fdt_write.c in
 * the shape of QEMU virt's own DTB for a GICv3 guest. Each failure logs exactly one line. */
#include <stdarg.h>

#include <core/err.h>
#include <core/fdt_write.h>
#include <core/gicv3.h>
#include <core/guest_dtb.h>
#include <core/lib.h>
#include <core/log.h>
#include <core/print.h>

/* MPIDR_EL1 affinity (MPIDR_AFF_MASK: all the Arm cpus binding puts in "reg"), GICv3 INTID
 * ranges and redistributor frames (GICR_STRIDE per CPU) come from <core/gicv3.h>. */
/* Interrupt specifier cells of the arm,gic-v3 binding: type (GIC_SPEC_*), number, flags. */
#define IRQ_EDGE_RISING 1 /* IRQ_TYPE_EDGE_RISING */
#define IRQ_LEVEL_HIGH	4 /* IRQ_TYPE_LEVEL_HIGH; GICv3 has no CPU mask in bits 15:8 */
#define GIC_SPEC_CELLS	3
#define TIMER_NR_IRQS	4

#define PHANDLE_GIC 1
#define PHANDLE_CLK 2

#define APB_PCLK_HZ 24000000 /* what QEMU virt's "apb-pclk" fixed clock says */

/* PSCI 0.1 binding ("arm,psci"): function ids as properties, the PSCI 0.2 SMC64 ids as QEMU
 * gives them. Kernels that know "arm,psci-0.2" or later ignore these. */
#define PSCI_0_1_CPU_SUSPEND 0xc4000001u
#define PSCI_0_1_CPU_OFF     0x84000002u
#define PSCI_0_1_CPU_ON	     0xc4000003u
#define PSCI_0_1_MIGRATE     0xc4000005u

#define NODE_NAME_MAX 48
#define MAX_RANGES    (GUEST_DTB_MAX_RAM + 3 + GUEST_DTB_MAX_VIRTIO)

/* --- checking the configuration --- */

static int invalid(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int invalid(const char *fmt, ...)
{
	char what[LOG_LINE_MAX];
	va_list ap;

	va_start(ap, fmt);
	vformat(what, sizeof(what), fmt, ap);
	va_end(ap);
	log_err("guest dtb: %s", what);
	return HV_EINVAL;
}

/* A named address range of the board, for the overlap check and its message. */
struct board_range {
	const char *name;
	int idx; /* < 0: not an array member */
	uint64_t base, size;
};

static void range_name(const struct board_range *r, char *buf, size_t size)
{
	if (r->idx < 0)
		format(buf, size, "%s", r->name);
	else
		format(buf, size, "%s[%d]", r->name, r->idx);
}

static int add_range(struct board_range *tab, unsigned *n, const char *name, int idx,
		     const struct guest_dtb_range *r)
{
	struct board_range *e = &tab[*n];
	char what[32];

	e->name = name;
	e->idx = idx;
	e->base = r->base;
	e->size = r->size;
	if (r->size != 0 && range_ok(r->base, r->size) && r->base + r->size != 0) {
		(*n)++;
		return 0;
	}
	/* Named only for the message: formatting every range's name cost more than the rest
	 * of the checks together. */
	range_name(e, what, sizeof(what));
	if (r->size == 0)
		return invalid("%s: size is 0", what);
	return invalid("%s: 0x%llx + 0x%llx wraps around", what, (unsigned long long)r->base,
		       (unsigned long long)r->size);
}

/* Every RAM bank and device range must be disjoint from every other. */
static int check_ranges(const struct guest_dtb_config *cfg)
{
	struct board_range tab[MAX_RANGES];
	unsigned n = 0, i, j;
	int err = 0;

	for (i = 0; i < cfg->ram_count && err == 0; i++)
		err = add_range(tab, &n, "ram", (int)i, &cfg->ram[i]);
	if (err == 0)
		err = add_range(tab, &n, "gic.dist", -1, &cfg->gic.dist);
	if (err == 0)
		err = add_range(tab, &n, "gic.redist", -1, &cfg->gic.redist);
	if (err == 0 && cfg->uart.reg.size)
		err = add_range(tab, &n, "uart", -1, &cfg->uart.reg);
	if (err == 0 && cfg->rtc.reg.size)
		err = add_range(tab, &n, "rtc", -1, &cfg->rtc.reg);
	for (i = 0; i < cfg->virtio_count && err == 0; i++)
		err = add_range(tab, &n, "virtio", (int)i, &cfg->virtio[i].reg);
	if (err < 0)
		return err;

	for (i = 0; i < n; i++) {
		for (j = i + 1; j < n; j++) {
			char a[32], b[32];

			if (tab[i].base >= tab[j].base + tab[j].size ||
			    tab[j].base >= tab[i].base + tab[i].size)
				continue;
			range_name(&tab[i], a, sizeof(a));
			range_name(&tab[j], b, sizeof(b));
			return invalid("%s [0x%llx, 0x%llx) overlaps %s [0x%llx, 0x%llx)", b,
				       (unsigned long long)tab[j].base,
				       (unsigned long long)(tab[j].base + tab[j].size), a,
				       (unsigned long long)tab[i].base,
				       (unsigned long long)(tab[i].base + tab[i].size));
		}
	}
	return 0;
}

static int check_cpus(const struct guest_dtb_config *cfg)
{
	unsigned i, j;

	if (cfg->vcpu_count == 0 || cfg->vcpu_count > GUEST_DTB_MAX_VCPUS)
		return invalid("vcpu_count %u is not 1..%u", cfg->vcpu_count, GUEST_DTB_MAX_VCPUS);
	for (i = 0; i < cfg->vcpu_count; i++) {
		if (cfg->mpidr[i] & ~MPIDR_AFF_MASK)
			return invalid("mpidr[%u] 0x%llx has bits outside Aff3..Aff0", i,
				       (unsigned long long)cfg->mpidr[i]);
		for (j = 0; j < i; j++) {
			if (cfg->mpidr[j] == cfg->mpidr[i])
				return invalid("mpidr[%u] 0x%llx repeats mpidr[%u]", i,
					       (unsigned long long)cfg->mpidr[i], j);
		}
	}
	if (cfg->gic.redist.size / GICR_STRIDE < cfg->vcpu_count)
		return invalid("gic.redist: 0x%llx bytes hold fewer than %u redistributors of "
			       "128 KiB",
			       (unsigned long long)cfg->gic.redist.size, cfg->vcpu_count);
	return 0;
}

static int check_ppi(const char *what, unsigned intid, unsigned *used)
{
	unsigned bit;

	if (intid < GIC_PPI_BASE || intid >= GIC_PPI_BASE + GIC_NR_PPIS)
		return invalid("%s: intid %u is not a PPI (16..31)", what, intid);
	bit = intid - GIC_PPI_BASE;
	if (*used & (1u << bit))
		return invalid("%s: intid %u is used twice", what, intid);
	*used |= 1u << bit;
	return 0;
}

static int check_spi(const struct guest_dtb_config *cfg, const char *what, unsigned intid)
{
	if (cfg->gic.nr_spis == 0)
		return invalid("%s: intid %u, but the vGIC has no SPIs", what, intid);
	if (intid < GIC_SPI_BASE || intid >= GIC_SPI_BASE + cfg->gic.nr_spis)
		return invalid("%s: intid %u is not one of the vGIC's SPIs (32..%u)", what, intid,
			       GIC_SPI_BASE + cfg->gic.nr_spis - 1);
	return 0;
}

static int check_irqs(const struct guest_dtb_config *cfg)
{
	unsigned ppis = 0, i, j;
	char what[32];
	int err;

	if (cfg->gic.nr_spis > GIC_MAX_SPIS)
		return invalid("gic.nr_spis %u is more than %u", cfg->gic.nr_spis, GIC_MAX_SPIS);
	if ((err = check_ppi("timer.sec_phys", cfg->timer.sec_phys, &ppis)) < 0 ||
	    (err = check_ppi("timer.phys", cfg->timer.phys, &ppis)) < 0 ||
	    (err = check_ppi("timer.virt", cfg->timer.virt, &ppis)) < 0 ||
	    (err = check_ppi("timer.hyp_phys", cfg->timer.hyp_phys, &ppis)) < 0)
		return err;
	if (cfg->gic.maint_intid && (err = check_ppi("gic.maint", cfg->gic.maint_intid, &ppis)) < 0)
		return err;
	if (cfg->pmu_intid && (err = check_ppi("pmu", cfg->pmu_intid, &ppis)) < 0)
		return err;
	if (cfg->uart.reg.size && (err = check_spi(cfg, "uart", cfg->uart.intid)) < 0)
		return err;
	if (cfg->rtc.reg.size && (err = check_spi(cfg, "rtc", cfg->rtc.intid)) < 0)
		return err;
	if (cfg->rtc.reg.size && cfg->uart.reg.size && cfg->rtc.intid == cfg->uart.intid)
		return invalid("rtc: intid %u is the uart's", cfg->rtc.intid);
	for (i = 0; i < cfg->virtio_count; i++) {
		unsigned intid = cfg->virtio[i].intid;

		/* The name is formatted only for a message (see add_range()). */
		if (intid < GIC_SPI_BASE || intid >= GIC_SPI_BASE + cfg->gic.nr_spis) {
			format(what, sizeof(what), "virtio[%u]", i);
			return check_spi(cfg, what, intid);
		}
		/* Two devices on one line would each take the other's interrupts. */
		if (cfg->uart.reg.size && intid == cfg->uart.intid)
			return invalid("virtio[%u]: intid %u is the uart's", i, intid);
		for (j = 0; j < i; j++) {
			if (cfg->virtio[j].intid == intid)
				return invalid("virtio[%u]: intid %u is virtio[%u]'s", i, intid, j);
		}
	}
	return 0;
}

static int check_config(const struct guest_dtb_config *cfg)
{
	unsigned i;
	int err;

	if (cfg->ram_count == 0 || cfg->ram_count > GUEST_DTB_MAX_RAM)
		return invalid("ram_count %u is not 1..%u", cfg->ram_count, GUEST_DTB_MAX_RAM);
	if (cfg->virtio_count > GUEST_DTB_MAX_VIRTIO)
		return invalid("virtio_count %u is more than %u", cfg->virtio_count,
			       GUEST_DTB_MAX_VIRTIO);
	if ((err = check_ranges(cfg)) < 0 || (err = check_cpus(cfg)) < 0 ||
	    (err = check_irqs(cfg)) < 0)
		return err;
	if (cfg->psci != GUEST_DTB_PSCI_HVC && cfg->psci != GUEST_DTB_PSCI_SMC)
		return invalid("psci method %d is neither hvc nor smc", (int)cfg->psci);
	if (cfg->bootargs &&
	    strnlen(cfg->bootargs, GUEST_DTB_BOOTARGS_MAX + 1) > GUEST_DTB_BOOTARGS_MAX)
		return invalid("bootargs longer than %u bytes", GUEST_DTB_BOOTARGS_MAX);
	if (cfg->initrd_start == 0 && cfg->initrd_end == 0)
		return 0;
	for (i = 0; i < cfg->ram_count; i++) {
		const struct guest_dtb_range *r = &cfg->ram[i];

		if (cfg->initrd_start < cfg->initrd_end && cfg->initrd_start >= r->base &&
		    cfg->initrd_end <= r->base + r->size)
			return 0;
	}
	return invalid("initrd [0x%llx, 0x%llx) is empty or not inside one RAM bank",
		       (unsigned long long)cfg->initrd_start, (unsigned long long)cfg->initrd_end);
}

/* --- writing the tree --- */

static void put_irq(uint32_t *spec, uint32_t type, unsigned num, uint32_t flags)
{
	spec[0] = type;
	spec[1] = num;
	spec[2] = flags;
}

static void spi_prop(struct fdtw *w, unsigned intid, uint32_t flags)
{
	uint32_t spec[GIC_SPEC_CELLS];

	put_irq(spec, GIC_SPEC_SPI, intid - GIC_SPI_BASE, flags);
	fdtw_prop_cells(w, "interrupts", spec, GIC_SPEC_CELLS);
}

static void reg_prop(struct fdtw *w, const struct guest_dtb_range *r)
{
	const uint64_t reg[] = {r->base, r->size};

	fdtw_prop_u64s(w, "reg", reg, ARRAY_SIZE(reg));
}

static void write_cpus(struct fdtw *w, const struct guest_dtb_config *cfg)
{
	uint32_t cells = 1;
	unsigned i;

	/* One cell is enough unless some MPIDR has Aff3 (Arm cpus binding). */
	for (i = 0; i < cfg->vcpu_count; i++) {
		if (cfg->mpidr[i] >> MPIDR_AFF3_SHIFT)
			cells = 2;
	}
	fdtw_begin_node(w, "cpus");
	fdtw_prop_u32(w, "#address-cells", cells);
	fdtw_prop_u32(w, "#size-cells", 0);
	for (i = 0; i < cfg->vcpu_count; i++) {
		fdtw_begin_node_at(w, "cpu", cfg->mpidr[i]);
		fdtw_prop_string(w, "device_type", "cpu");
		fdtw_prop_string(w, "compatible", "arm,armv8");
		if (cells == 2)
			fdtw_prop_u64(w, "reg", cfg->mpidr[i]);
		else
			fdtw_prop_u32(w, "reg", (uint32_t)cfg->mpidr[i]);
		fdtw_prop_string(w, "enable-method", "psci");
		fdtw_end_node(w);
	}
	fdtw_end_node(w);
}

static void write_gic(struct fdtw *w, const struct guest_dtb_config *cfg)
{
	const uint64_t reg[] = {cfg->gic.dist.base, cfg->gic.dist.size, cfg->gic.redist.base,
				cfg->gic.redist.size};
	uint32_t spec[GIC_SPEC_CELLS];

	fdtw_begin_node_at(w, "intc", cfg->gic.dist.base);
	fdtw_prop_string(w, "compatible", "arm,gic-v3");
	fdtw_prop_u32(w, "#interrupt-cells", GIC_SPEC_CELLS);
	fdtw_prop_empty(w, "interrupt-controller");
	/* No child nodes (no ITS); dtc wants interrupt providers to say so. */
	fdtw_prop_u32(w, "#address-cells", 0);
	fdtw_prop_u64s(w, "reg", reg, ARRAY_SIZE(reg));
	fdtw_prop_u32(w, "#redistributor-regions", 1);
	if (cfg->gic.maint_intid) {
		put_irq(spec, GIC_SPEC_PPI, cfg->gic.maint_intid - GIC_PPI_BASE, IRQ_LEVEL_HIGH);
		fdtw_prop_cells(w, "interrupts", spec, GIC_SPEC_CELLS);
	}
	fdtw_prop_u32(w, "phandle", PHANDLE_GIC);
	fdtw_end_node(w);
}

static void write_timer(struct fdtw *w, const struct guest_dtb_config *cfg)
{
	static const char *const compat[] = {"arm,armv8-timer", "arm,armv7-timer"};
	/* arm,arch_timer binding order: secure phys, non-secure phys, virt, hyp phys. */
	const unsigned intid[TIMER_NR_IRQS] = {cfg->timer.sec_phys, cfg->timer.phys,
					       cfg->timer.virt, cfg->timer.hyp_phys};
	uint32_t spec[TIMER_NR_IRQS * GIC_SPEC_CELLS];
	unsigned i;

	for (i = 0; i < TIMER_NR_IRQS; i++)
		put_irq(&spec[i * GIC_SPEC_CELLS], GIC_SPEC_PPI, intid[i] - GIC_PPI_BASE,
			IRQ_LEVEL_HIGH);
	fdtw_begin_node(w, "timer");
	fdtw_prop_strings(w, "compatible", compat, ARRAY_SIZE(compat));
	fdtw_prop_cells(w, "interrupts", spec, ARRAY_SIZE(spec));
	/* The counter keeps running while a vCPU waits in WFI. */
	fdtw_prop_empty(w, "always-on");
	fdtw_end_node(w);
}

/* arm,armv8-pmuv3 (Linux's Documentation/devicetree/bindings/arm/pmu.yaml): one PPI for
 * every CPU. */
static void write_pmu(struct fdtw *w, const struct guest_dtb_config *cfg)
{
	uint32_t spec[GIC_SPEC_CELLS];

	put_irq(spec, GIC_SPEC_PPI, cfg->pmu_intid - GIC_PPI_BASE, IRQ_LEVEL_HIGH);
	fdtw_begin_node(w, "pmu");
	fdtw_prop_string(w, "compatible", "arm,armv8-pmuv3");
	fdtw_prop_cells(w, "interrupts", spec, GIC_SPEC_CELLS);
	fdtw_end_node(w);
}

static void write_psci(struct fdtw *w, const struct guest_dtb_config *cfg)
{
	static const char *const compat[] = {"arm,psci-1.0", "arm,psci-0.2", "arm,psci"};

	fdtw_begin_node(w, "psci");
	fdtw_prop_strings(w, "compatible", compat, ARRAY_SIZE(compat));
	fdtw_prop_string(w, "method", cfg->psci == GUEST_DTB_PSCI_SMC ? "smc" : "hvc");
	fdtw_prop_u32(w, "cpu_suspend", PSCI_0_1_CPU_SUSPEND);
	fdtw_prop_u32(w, "cpu_off", PSCI_0_1_CPU_OFF);
	fdtw_prop_u32(w, "cpu_on", PSCI_0_1_CPU_ON);
	fdtw_prop_u32(w, "migrate", PSCI_0_1_MIGRATE);
	fdtw_end_node(w);
}

/* The fixed clock the primecell binding makes every PrimeCell (PL011, PL031) name. */
static void write_apb_pclk(struct fdtw *w)
{
	fdtw_begin_node(w, "apb-pclk");
	fdtw_prop_string(w, "compatible", "fixed-clock");
	fdtw_prop_u32(w, "#clock-cells", 0);
	fdtw_prop_u32(w, "clock-frequency", APB_PCLK_HZ);
	fdtw_prop_string(w, "clock-output-names", "clk24mhz");
	fdtw_prop_u32(w, "phandle", PHANDLE_CLK);
	fdtw_end_node(w);
}

/* The PL011, naming the clock twice (its UART clock and its bus clock). */
static void write_uart(struct fdtw *w, const struct guest_dtb_config *cfg)
{
	static const char *const compat[] = {"arm,pl011", "arm,primecell"};
	static const char *const clock_names[] = {"uartclk", "apb_pclk"};
	static const uint32_t clocks[] = {PHANDLE_CLK, PHANDLE_CLK};

	fdtw_begin_node_at(w, "pl011", cfg->uart.reg.base);
	fdtw_prop_strings(w, "compatible", compat, ARRAY_SIZE(compat));
	reg_prop(w, &cfg->uart.reg);
	spi_prop(w, cfg->uart.intid, IRQ_LEVEL_HIGH);
	fdtw_prop_cells(w, "clocks", clocks, ARRAY_SIZE(clocks));
	fdtw_prop_strings(w, "clock-names", clock_names, ARRAY_SIZE(clock_names));
	fdtw_end_node(w);
}

/* The PL031, as QEMU virt describes it. */
static void write_rtc(struct fdtw *w, const struct guest_dtb_config *cfg)
{
	static const char *const compat[] = {"arm,pl031", "arm,primecell"};

	fdtw_begin_node_at(w, "pl031", cfg->rtc.reg.base);
	fdtw_prop_strings(w, "compatible", compat, 2);
	reg_prop(w, &cfg->rtc.reg);
	spi_prop(w, cfg->rtc.intid, IRQ_LEVEL_HIGH);
	fdtw_prop_u32(w, "clocks", PHANDLE_CLK);
	fdtw_prop_string(w, "clock-names", "apb_pclk");
	fdtw_end_node(w);
}

static void write_tree(struct fdtw *w, const struct guest_dtb_config *cfg)
{
	char uart_path[NODE_NAME_MAX];
	unsigned i;

	fdtw_begin_node(w, "");
	fdtw_prop_string(w, "compatible", "linux,dummy-virt");
	fdtw_prop_string(w, "model", "linux,dummy-virt");
	fdtw_prop_u32(w, "#address-cells", 2);
	fdtw_prop_u32(w, "#size-cells", 2);
	fdtw_prop_u32(w, "interrupt-parent", PHANDLE_GIC);

	write_cpus(w, cfg);
	for (i = 0; i < cfg->ram_count; i++) {
		fdtw_begin_node_at(w, "memory", cfg->ram[i].base);
		fdtw_prop_string(w, "device_type", "memory");
		reg_prop(w, &cfg->ram[i]);
		fdtw_end_node(w);
	}
	write_gic(w, cfg);
	write_timer(w, cfg);
	if (cfg->pmu_intid)
		write_pmu(w, cfg);
	write_psci(w, cfg);
	if (cfg->uart.reg.size || cfg->rtc.reg.size)
		write_apb_pclk(w);
	if (cfg->uart.reg.size)
		write_uart(w, cfg);
	if (cfg->rtc.reg.size)
		write_rtc(w, cfg);
	for (i = 0; i < cfg->virtio_count; i++) {
		fdtw_begin_node_at(w, "virtio_mmio", cfg->virtio[i].reg.base);
		fdtw_prop_string(w, "compatible", "virtio,mmio");
		reg_prop(w, &cfg->virtio[i].reg);
		/* Edge-triggered, as QEMU virt describes its virtio-mmio slots. */
		spi_prop(w, cfg->virtio[i].intid, IRQ_EDGE_RISING);
		fdtw_prop_empty(w, "dma-coherent");
		fdtw_end_node(w);
	}

	format(uart_path, sizeof(uart_path), "/pl011@%llx", (unsigned long long)cfg->uart.reg.base);
	if (cfg->uart.reg.size) {
		fdtw_begin_node(w, "aliases");
		fdtw_prop_string(w, "serial0", uart_path);
		fdtw_end_node(w);
	}
	fdtw_begin_node(w, "chosen");
	if (cfg->bootargs && cfg->bootargs[0])
		fdtw_prop_string(w, "bootargs", cfg->bootargs);
	if (cfg->uart.reg.size)
		fdtw_prop_string(w, "stdout-path", uart_path);
	if (cfg->initrd_end) {
		fdtw_prop_u64(w, "linux,initrd-start", cfg->initrd_start);
		fdtw_prop_u64(w, "linux,initrd-end", cfg->initrd_end);
	}
	fdtw_end_node(w);
	fdtw_end_node(w);
}

int guest_dtb_build(const struct guest_dtb_config *cfg, void *buf, size_t size, size_t *used)
{
	struct fdtw w;
	int err = check_config(cfg);

	if (err < 0)
		return err;
	fdtw_init(&w, buf, size);
	write_tree(&w, cfg);
	/* boot_cpuid_phys is the boot CPU's "reg"; 32 bits, so Aff3 cannot be said there. */
	err = fdtw_finish(&w, (uint32_t)cfg->mpidr[0], used);
	if (err == HV_ENOMEM)
		log_err("guest dtb: a buffer of %zu bytes is too small", size);
	else if (err < 0)
		log_err("guest dtb: cannot write the tree (%s)", hv_strerror(err));
	return err;
}

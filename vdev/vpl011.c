// SPDX-License-Identifier: MIT
/* Emulated PL011 (see vdev/vpl011.h and docs/guest-abi.md). */
#include <core/err.h>
#include <core/lib.h>
#include <core/log.h>
#include <core/vm.h>
#include <vdev/vpl011.h>

/* Register offsets (PL011 TRM, table 3-1). */
#define UARTDR	      0x000
#define UARTRSR	      0x004
#define UARTFR	      0x018
#define UARTIBRD      0x024
#define UARTFBRD      0x028
#define UARTLCR_H     0x02c
#define UARTCR	      0x030
#define UARTIFLS      0x034
#define UARTIMSC      0x038
#define UARTRIS	      0x03c
#define UARTMIS	      0x040
#define UARTICR	      0x044
#define UARTPERIPHID0 0xfe0

#define UARTFR_RXFE (1u << 4)
#define UARTFR_TXFE (1u << 7)

/* Reset values (TRM 3.2). */
#define UARTCR_RESET   0x300
#define UARTIFLS_RESET 0x12

/* PeriphID0..3 then PCellID0..3: an r1p5 PL011, the values Linux's amba bus matches. */
static const uint8_t id_regs[8] = {0x11, 0x10, 0x14, 0x00, 0x0d, 0xf0, 0x05, 0xb1};

struct vpl011 {
	struct vm *vm;
	uint32_t ibrd, fbrd, lcr_h, cr, ifls, imsc;
};

static struct vpl011 vpl011s[VM_MAX];

/* The register at word offset `reg` and how many of its bits exist (reads above are zero). */
static uint32_t *reg_ptr(struct vpl011 *u, uint64_t reg, uint32_t *mask)
{
	switch (reg) {
	case UARTIBRD:
		*mask = 0xffff;
		return &u->ibrd;
	case UARTFBRD:
		*mask = 0x3f;
		return &u->fbrd;
	case UARTLCR_H:
		*mask = 0xff;
		return &u->lcr_h;
	case UARTCR:
		*mask = 0xffff;
		return &u->cr;
	case UARTIFLS:
		*mask = 0x3f;
		return &u->ifls;
	case UARTIMSC:
		*mask = 0x7ff;
		return &u->imsc;
	default:
		return NULL;
	}
}

static uint32_t read_reg(struct vpl011 *u, uint64_t reg)
{
	uint32_t mask, *p = reg_ptr(u, reg, &mask);

	if (p)
		return *p;
	if (reg == UARTFR)
		return UARTFR_TXFE | UARTFR_RXFE; /* TX always drained, no RX yet */
	if (reg >= UARTPERIPHID0 && reg < UARTPERIPHID0 + 4 * sizeof(id_regs))
		return id_regs[(reg - UARTPERIPHID0) / 4];
	/* DR (nothing received), RSR, RIS, MIS, reserved; this PL011 has neither IrDA (ILPR)
	 * nor DMA (DMACR), so those read as zero too. */
	return 0;
}

/* Write `val` into byte lanes `lanes` (a byte mask of the 32-bit register) of `reg`. */
static void write_reg(struct vpl011 *u, uint64_t reg, uint32_t val, uint32_t lanes)
{
	uint32_t mask, *p = reg_ptr(u, reg, &mask);
	char c;

	if (p) {
		*p = ((*p & ~lanes) | (val & lanes)) & mask;
		return;
	}
	if (reg == UARTDR && (lanes & 0xff)) {
		c = (char)val;
		log_console_write(&c, 1);
	}
	/* RSR/ICR clear error and interrupt state, which does not exist yet; reserved and
	 * read-only registers ignore writes. */
}

/* Split an access into 32-bit register pieces: 1/2/4 bytes inside one register, 8 bytes over
 * two (docs/guest-abi.md). */
static int vpl011_read(struct mmio_device *dev, struct vcpu *vcpu, uint64_t off, unsigned size,
		       uint64_t *val)
{
	struct vpl011 *u = dev->priv;

	if (size == 8) {
		*val = read_reg(u, off) | (uint64_t)read_reg(u, off + 4) << 32;
		return HV_OK;
	}
	*val = (read_reg(u, off & ~3ULL) >> ((off & 3) * 8)) & (uint32_t)GENMASK(size * 8 - 1, 0);
	return HV_OK;
}

static int vpl011_write(struct mmio_device *dev, struct vcpu *vcpu, uint64_t off, unsigned size,
			uint64_t val)
{
	struct vpl011 *u = dev->priv;
	unsigned shift = (off & 3) * 8;

	if (size == 8) {
		write_reg(u, off, (uint32_t)val, 0xffffffff);
		write_reg(u, off + 4, (uint32_t)(val >> 32), 0xffffffff);
		return HV_OK;
	}
	write_reg(u, off & ~3ULL, (uint32_t)(val << shift),
		  (uint32_t)(GENMASK(size * 8 - 1, 0) << shift));
	return HV_OK;
}

static const struct mmio_ops vpl011_ops = {.read = vpl011_read, .write = vpl011_write};

int vpl011_attach(struct vm *vm, uint64_t base)
{
	struct vpl011 *u = &vpl011s[vm->id];
	struct mmio_device dev = {
	    .name = "pl011", .base = base, .size = VM_PL011_SIZE, .ops = &vpl011_ops, .priv = u};

	int ret = vm_add_mmio(vm, &dev);

	/* Only a device that made it onto the bus is (re)set: a refused second attach must
	 * leave the live one alone. */
	if (ret != HV_OK)
		return ret;
	memset(u, 0, sizeof(*u));
	u->vm = vm;
	u->cr = UARTCR_RESET;
	u->ifls = UARTIFLS_RESET;
	return HV_OK;
}

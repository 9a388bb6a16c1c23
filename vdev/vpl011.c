// SPDX-License-Identifier: MIT
/* Emulated PL011 (see vdev/vpl011.h and docs/guest-abi.md). */
#include <core/console_vm.h>
#include <core/err.h>
#include <core/irq.h>
#include <core/lib.h>
#include <core/log.h>
#include <core/vgic.h>
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
#define UARTFR_RXFF (1u << 6)
#define UARTFR_TXFF (1u << 5)
#define UARTFR_TXFE (1u << 7)

/* Interrupt bits of RIS/MIS/IMSC/ICR (TRM 3.3.12-3.3.16). */
#define UART_INT_RX (1u << 4)
#define UART_INT_TX (1u << 5)
#define UART_INT_RT (1u << 6)

#define RX_FIFO_SIZE 32 /* the PL011's receive FIFO depth */

/* Reset values (TRM 3.2). */
#define UARTCR_RESET   0x300
#define UARTIFLS_RESET 0x12

/* PeriphID0..3 then PCellID0..3: an r1p5 PL011, the values Linux's amba bus matches. */
static const uint8_t id_regs[8] = {0x11, 0x10, 0x14, 0x00, 0x0d, 0xf0, 0x05, 0xb1};

/* Every change happens under `lock`. The registers whose value is one field (FR from rx_count,
 * the configuration registers, the IDs) are also read without it, and a DR write that leaves
 * the interrupt state as it was takes no lock (vpl011_read(), vpl011_write()): the console's
 * two registers are most of a guest's exits. So the fields read that way are loaded and stored
 * whole (field_get(), field_set()). */
struct vpl011 {
	struct vm *vm;
	struct spinlock lock; /* registers vs. console input */
	uint32_t ibrd, fbrd, lcr_h, cr, ifls, imsc;
	uint32_t tx_ris; /* TX interrupt: raised by each transmitted character, cleared by ICR */
	uint8_t rx_fifo[RX_FIFO_SIZE];
	uint32_t rx_head, rx_count;
	bool line; /* last level driven on the interrupt line */
};

static uint32_t field_get(const uint32_t *f)
{
	return __atomic_load_n(f, __ATOMIC_RELAXED);
}

static void field_set(uint32_t *f, uint32_t v)
{
	__atomic_store_n(f, v, __ATOMIC_RELAXED);
}

static struct vpl011 vpl011s[VM_MAX];

static uint32_t raw_status(const struct vpl011 *u)
{
	/* Receive and receive-timeout are both "there is data": the FIFO is drained by the
	 * guest, so the trigger level and the timeout collapse into one condition. */
	return field_get(&u->tx_ris) | (field_get(&u->rx_count) ? UART_INT_RX | UART_INT_RT : 0);
}

static uint32_t rx_pop(struct vpl011 *u)
{
	uint32_t c;

	if (!u->rx_count)
		return 0;
	c = u->rx_fifo[u->rx_head];
	u->rx_head = (u->rx_head + 1) % RX_FIFO_SIZE;
	field_set(&u->rx_count, u->rx_count - 1);
	return c;
}

/* Drive the interrupt line from the masked status; only changes reach the vGIC. */
static void update_line(struct vpl011 *u)
{
	bool level = (raw_status(u) & field_get(&u->imsc)) != 0;

	if (level != u->line) {
		u->line = level;
		vgic_set_line(u->vm, NULL, u->vm->board.uart_intid, level);
	}
}

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
	uint32_t mask, *p, rx_count;

	/* First: a console driver polls it before every character. The transmit side is the
	 * console (core/console_vm.h): full while it has no room, so a driver that polls TXFF
	 * waits as on hardware. */
	if (reg == UARTFR) {
		rx_count = field_get(&u->rx_count);
		return (console_vm_full(u->vm) ? UARTFR_TXFF : UARTFR_TXFE) |
		       (rx_count ? 0 : UARTFR_RXFE) | (rx_count == RX_FIFO_SIZE ? UARTFR_RXFF : 0);
	}
	p = reg_ptr(u, reg, &mask);
	if (p)
		return field_get(p);
	switch (reg) {
	case UARTRIS:
		return raw_status(u);
	case UARTMIS:
		return raw_status(u) & field_get(&u->imsc);
	case UARTDR:
		return rx_pop(u);
	default:
		break;
	}
	if (reg >= UARTPERIPHID0 && reg < UARTPERIPHID0 + 4 * sizeof(id_regs))
		return id_regs[(reg - UARTPERIPHID0) / 4];
	/* RSR (no errors), reserved; this PL011 has neither IrDA (ILPR) nor DMA (DMACR), so
	 * those read as zero too. */
	return 0;
}

/* Write `val` into byte lanes `lanes` (a byte mask of the 32-bit register) of `reg`. */
static void write_reg(struct vpl011 *u, uint64_t reg, uint32_t val, uint32_t lanes)
{
	uint32_t mask, *p = reg_ptr(u, reg, &mask);
	char c;

	if (p) {
		field_set(p, ((*p & ~lanes) | (val & lanes)) & mask);
		return;
	}
	if (reg == UARTDR && (lanes & 0xff)) {
		c = (char)val;
		/* A byte written while the FIFO is full is lost, as on a PL011. */
		(void)console_vm_put(u->vm, &c, 1);
		field_set(&u->tx_ris, UART_INT_TX);
	}
	if (reg == UARTICR)
		field_set(&u->tx_ris, u->tx_ris & ~(val & lanes));
	/* RX interrupts follow the FIFO (they clear by reading it); RSR has no errors to clear;
	 * reserved and read-only registers ignore writes. */
}

/* The byte lanes of register value `v` an access of `size` bytes at `off` reads. */
static uint64_t lanes_of(uint32_t v, uint64_t off, unsigned size)
{
	return (v >> ((off & 3) * 8)) & (uint32_t)GENMASK(size * 8 - 1, 0);
}

/* Split an access into 32-bit register pieces: 1/2/4 bytes inside one register, 8 bytes over
 * two (docs/guest-abi.md). */
static int vpl011_read(struct mmio_device *dev, struct vcpu *vcpu, uint64_t off, unsigned size,
		       uint64_t *val)
{
	struct vpl011 *u = dev->priv;
	uint64_t reg = off & ~3ULL;
	unsigned before;
	bool drained;

	/* One register whose value is one field (FR polled before every console character, the
	 * IDs Linux's amba bus probes): the field as it is now, without the lock. DR (a read
	 * pops the FIFO), RIS and MIS (two fields) and 8-byte accesses take the lock. */
	if (size < 8 && reg != UARTDR && reg != UARTRIS && reg != UARTMIS) {
		*val = lanes_of(read_reg(u, reg), off, size);
		return HV_OK;
	}
	spin_lock(&u->lock);
	before = u->rx_count;
	if (size == 8)
		*val = read_reg(u, off) | (uint64_t)read_reg(u, off + 4) << 32;
	else
		*val = lanes_of(read_reg(u, reg), off, size);
	update_line(u); /* a DR read may have emptied the FIFO */
	drained = before == RX_FIFO_SIZE && u->rx_count < RX_FIFO_SIZE;
	spin_unlock(&u->lock);
	/* Room again after a full FIFO: let held-back input in (outside our lock: it re-enters,
	 * and console input takes core/irq.c's lock before ours). */
	if (drained)
		irq_console_drained(u->vm);
	return HV_OK;
}

static int vpl011_write(struct mmio_device *dev, struct vcpu *vcpu, uint64_t off, unsigned size,
			uint64_t val)
{
	struct vpl011 *u = dev->priv;
	unsigned shift = (off & 3) * 8;
	char c;

	/* A character while the TX interrupt is raised already (the usual case: only ICR clears
	 * it) changes nothing but the console: no lock. A concurrent ICR from another vCPU is
	 * then ordered after this write, as it would be had it come a moment later. */
	if (off == UARTDR && size <= 4 && (field_get(&u->tx_ris) & UART_INT_TX)) {
		c = (char)val;
		/* A byte written while the FIFO is full is lost, as on a PL011. */
		(void)console_vm_put(u->vm, &c, 1);
		return HV_OK;
	}
	spin_lock(&u->lock);
	if (size == 8) {
		write_reg(u, off, (uint32_t)val, 0xffffffff);
		write_reg(u, off + 4, (uint32_t)(val >> 32), 0xffffffff);
	} else {
		write_reg(u, off & ~3ULL, (uint32_t)(val << shift),
			  (uint32_t)(GENMASK(size * 8 - 1, 0) << shift));
	}
	update_line(u);
	spin_unlock(&u->lock);
	return HV_OK;
}

/* Console input for this VM: into the receive FIFO. A full FIFO refuses the character and the
 * hypervisor holds the rest back (no overrun: the host side waits, like a terminal with flow
 * control). */
static bool vpl011_console_rx(struct vm *vm, char c)
{
	struct vpl011 *u = vm->console_rx_priv;
	bool room;

	spin_lock(&u->lock);
	room = u->rx_count < RX_FIFO_SIZE;
	if (room) {
		u->rx_fifo[(u->rx_head + u->rx_count) % RX_FIFO_SIZE] = (uint8_t)c;
		field_set(&u->rx_count, u->rx_count + 1);
	}
	update_line(u);
	spin_unlock(&u->lock);
	return room;
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
	vm->console_rx = vpl011_console_rx;
	vm->console_rx_priv = u;
	return HV_OK;
}

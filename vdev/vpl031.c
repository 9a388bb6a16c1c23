// SPDX-License-Identifier: MIT
/* The guest's PL031 real-time clock (vdev/vpl031.h). The seconds counter is not stored: it is
 * the wall-clock time at boot plus the system counter's progress since, plus the VM's own
 * offset from its last RTCLR write, so it never drifts from the counter the guest's timers
 * use and costs nothing while nobody reads it. Registers follow the PrimeCell RTC (PL031)
 * Technical Reference Manual (Arm DDI 0224) and QEMU's model of it: RTCCR reads 1 (started)
 * and ignores writes, accesses other than 32 bits read 0 and are ignored. */
#include <core/err.h>
#include <core/lib.h>
#include <core/spinlock.h>
#include <core/vm.h>
#include <hal/time.h>
#include <vdev/vpl031.h>

/* PeriphID0..3 (part 0x031, designer 0x41 Arm, revision 1), PCellID0..3: as QEMU's. */
static const uint8_t pl031_id[8] = {0x31, 0x10, 0x14, 0x00, 0x0d, 0xf0, 0x05, 0xb1};

static struct {
	uint64_t seconds, counter;
} wall;

struct vpl031 {
	struct spinlock lock;
	uint64_t offset; /* added to the wall clock (mod 2^32): the guest's RTCLR loads */
	uint32_t lr, mr;
	bool imsc;
	bool armed; /* MR written and the match not yet cleared */
};

static struct vpl031 vpl031s[VM_MAX];

void vpl031_set_wall_clock(uint64_t seconds, uint64_t counter)
{
	wall.seconds = seconds;
	wall.counter = counter;
}

static uint32_t wall_seconds(void)
{
	uint64_t freq = hal_counter_freq(), now = hal_counter_now();
	uint64_t ticks = now > wall.counter ? now - wall.counter : 0;

	return (uint32_t)(wall.seconds + (freq ? ticks / freq : 0));
}

static uint32_t dr(const struct vpl031 *r)
{
	return (uint32_t)(wall_seconds() + r->offset);
}

/* The match: DR has reached MR since MR was written (the 32-bit counter wraps, so "reached"
 * is a signed distance). */
static bool ris(const struct vpl031 *r)
{
	return r->armed && (int32_t)(dr(r) - r->mr) >= 0;
}

static uint32_t read_reg(const struct vpl031 *r, uint64_t off)
{
	switch (off) {
	case PL031_DR:
		return dr(r);
	case PL031_MR:
		return r->mr;
	case PL031_LR:
		return r->lr;
	case PL031_CR:
		return PL031_CR_EN;
	case PL031_IMSC:
		return r->imsc;
	case PL031_RIS:
		return ris(r);
	case PL031_MIS:
		return ris(r) && r->imsc;
	default:
		if (off >= PL031_ID && off < PL031_ID + 4 * sizeof(pl031_id))
			return pl031_id[(off - PL031_ID) / 4];
		return 0; /* reserved, and RTCICR (write-only) */
	}
}

static void write_reg(struct vpl031 *r, uint64_t off, uint32_t val)
{
	switch (off) {
	case PL031_MR:
		r->mr = val;
		r->armed = true;
		break;
	case PL031_LR:
		/* The counter now counts on from `val`. */
		r->lr = val;
		r->offset = (uint32_t)(val - wall_seconds());
		break;
	case PL031_IMSC:
		r->imsc = val & 1;
		break;
	case PL031_ICR:
		if (val & 1)
			r->armed = false;
		break;
	default: /* DR and the status and ID registers are read-only; CR ignores writes */
		break;
	}
}

static int vpl031_read(struct mmio_device *dev, struct vcpu *vcpu, uint64_t off, unsigned size,
		       uint64_t *val)
{
	struct vpl031 *r = dev->priv;

	*val = 0;
	if (size != 4 || (off & 3))
		return HV_OK;
	spin_lock(&r->lock);
	*val = read_reg(r, off);
	spin_unlock(&r->lock);
	return HV_OK;
}

static int vpl031_write(struct mmio_device *dev, struct vcpu *vcpu, uint64_t off, unsigned size,
			uint64_t val)
{
	struct vpl031 *r = dev->priv;

	if (size != 4 || (off & 3))
		return HV_OK;
	spin_lock(&r->lock);
	write_reg(r, off, (uint32_t)val);
	spin_unlock(&r->lock);
	return HV_OK;
}

static const struct mmio_ops vpl031_ops = {.read = vpl031_read, .write = vpl031_write};

int vpl031_attach(struct vm *vm, uint64_t base)
{
	struct vpl031 *r = &vpl031s[vm->id];
	struct mmio_device dev = {
	    .name = "pl031", .base = base, .size = PL031_SIZE, .ops = &vpl031_ops, .priv = r};
	int ret = vm_add_mmio(vm, &dev);

	/* Only a device that made it onto the bus is (re)set. */
	if (ret != HV_OK)
		return ret;
	memset(r, 0, sizeof(*r));
	return HV_OK;
}

// SPDX-License-Identifier: MIT
/* Stage-2 aborts: the first touch of a RAM block (populated, then the access is retried),
 * emulated MMIO, and everything else (holes, table walks outside RAM) as a synchronous
 * external abort for the guest. */
#include <core/arch.h>
#include <core/err.h>
#include <core/gmem.h>
#include <core/lib.h>
#include <core/log.h>
#include <core/mmio.h>
#include <core/pgtable.h>
#include <core/trap.h>
#include <core/vm.h>

static uint64_t fault_ipa(const struct hal_vcpu_ctx *ctx)
{
	return (ctx->hpfar & HPFAR_FIPA_MASK) << HPFAR_FIPA_SHIFT | (ctx->far & 0xfff);
}

static bool uses_sp(const struct hal_vcpu_ctx *ctx)
{
	return (ctx->pstate & PSTATE_M_MASK) == PSTATE_M_EL1H;
}

/* The registers an access reads or writes: rt, rt2 and a written-back base (SP when 31). Only
 * those are copied between the vCPU and the decoder's view: this is the hot path of every
 * emulated device register. */
static void regs_load(struct vcpu *vcpu, const struct mmio_access *acc, struct mmio_regs *regs)
{
	const uint64_t *x = vcpu->ctx.x;

	if (acc->rt < 31)
		regs->x[acc->rt] = x[acc->rt];
	if (acc->count == 2 && acc->rt2 < 31)
		regs->x[acc->rt2] = x[acc->rt2];
	if (acc->writeback && acc->rn < 31)
		regs->x[acc->rn] = x[acc->rn];
	if (acc->writeback && acc->rn == 31)
		regs->sp =
		    hal_vcpu_el1_read(&vcpu->ctx, uses_sp(&vcpu->ctx) ? HAL_SP_EL1 : HAL_SP_EL0);
}

static void regs_store(struct vcpu *vcpu, const struct mmio_access *acc,
		       const struct mmio_regs *regs)
{
	uint64_t *x = vcpu->ctx.x;

	if (!acc->write && acc->rt < 31)
		x[acc->rt] = regs->x[acc->rt];
	if (!acc->write && acc->count == 2 && acc->rt2 < 31)
		x[acc->rt2] = regs->x[acc->rt2];
	if (acc->writeback && acc->rn < 31)
		x[acc->rn] = regs->x[acc->rn];
	if (acc->writeback && acc->rn == 31)
		hal_vcpu_el1_write(&vcpu->ctx, uses_sp(&vcpu->ctx) ? HAL_SP_EL1 : HAL_SP_EL0,
				   regs->sp);
}

/* Without a valid syndrome the instruction itself says what the access was. */
static int fetch_insn(struct vcpu *vcpu, uint32_t *insn)
{
	uint64_t ipa;

	if (!hal_vcpu_va_to_ipa(&vcpu->ctx, vcpu->ctx.pc, &ipa))
		return HV_EFAULT;
	return gmem_read(vcpu->vm, ipa, insn, sizeof(*insn));
}

/* Only the bits of a VA that translate: the top byte may be a tag (TBI), and FAR_EL2 need not
 * report it as the base register holds it. */
#define VA_UNTAGGED GENMASK(55, 0)

/* FAR names the element that faulted. A pair that runs from RAM (or another mapping) into a
 * device faults on its second element: emulated from FAR, it would read or write the device
 * at the wrong offset with the wrong registers. So a pair is emulated only when FAR is its
 * first element; otherwise it is an external abort, as a device that cannot take a split
 * access would give. */
static bool pair_faulted_on_first(struct vcpu *vcpu, const struct mmio_access *acc)
{
	uint64_t base;

	if (acc->rn < 31)
		base = vcpu->ctx.x[acc->rn];
	else
		base = hal_vcpu_el1_read(&vcpu->ctx, uses_sp(&vcpu->ctx) ? HAL_SP_EL1 : HAL_SP_EL0);
	return ((base + (uint64_t)acc->pair_offset) & VA_UNTAGGED) == (vcpu->ctx.far & VA_UNTAGGED);
}

/* A pair is emulated at [ipa, ipa + 2 * size) once FAR is known to name its first element
 * (pair_faulted_on_first()). A pair running off the end of a device is refused by the bounds
 * check rather than split. */
static int device_access(struct mmio_device *dev, struct vcpu *vcpu, uint64_t ipa,
			 const struct mmio_access *acc, uint64_t val[2])
{
	for (unsigned i = 0; i < acc->count; i++) {
		uint64_t addr = ipa + (uint64_t)i * acc->size;
		uint64_t off = addr - dev->base;
		int ret;

		/* Both elements must be inside the device and naturally aligned. */
		if (addr < dev->base || off + acc->size > dev->size || (addr & (acc->size - 1)))
			return HV_EFAULT;
		if (acc->write)
			ret = dev->ops->write(dev, vcpu, off, acc->size, val[i]);
		else
			ret = dev->ops->read(dev, vcpu, off, acc->size, &val[i]);
		if (ret != HV_OK)
			return ret;
	}
	return HV_OK;
}

/* Emulate the access; a negative HV_E* means the guest gets an external abort. */
static int emulate_mmio(struct vcpu *vcpu, struct mmio_device *dev, uint64_t esr, uint64_t ipa)
{
	struct mmio_access acc = {0};
	struct mmio_regs regs;
	uint64_t val[2] = {0, 0};
	uint32_t insn = 0;
	int ret;

	if (!(esr & ESR_ISS_DABT_ISV)) {
		ret = fetch_insn(vcpu, &insn);
		if (ret != HV_OK)
			return ret;
	}
	ret = mmio_decode(esr, insn, &acc);
	if (ret != HV_OK)
		return ret;
	/* The instruction is read after the trap: if it no longer matches the fault's
	 * direction, the guest rewrote it meanwhile. Refuse rather than guess. */
	if (acc.write != !!(esr & ESR_ISS_DABT_WNR))
		return HV_EINVAL;
	if (acc.count == 2 && !pair_faulted_on_first(vcpu, &acc))
		return HV_ERANGE;
	acc.ipa = ipa;
	regs_load(vcpu, &acc, &regs);
	if (acc.write)
		mmio_store_values(&acc, &regs, val);
	ret = device_access(dev, vcpu, ipa, &acc, val);
	if (ret != HV_OK)
		return ret;
	mmio_complete(&acc, &regs, val);
	regs_store(vcpu, &acc, &regs);
	vcpu_skip_insn(vcpu);
	vcpu->stats.mmio++;
	return HV_OK;
}

/* The guest's access gets a synchronous external abort, with one rate-limited line saying why. */
static void mmio_refused(struct vcpu *vcpu, uint64_t esr, uint64_t ipa, const char *why)
{
	bool write = esr & ESR_ISS_DABT_WNR;

	log_ratelimited(&vcpu->vm->guest_log, LOG_WARN,
			"%s: vcpu %u: %s at IPA 0x%llx (pc 0x%llx, esr 0x%llx): %s; external abort",
			vcpu->vm->name, vcpu->id, write ? "write" : "read", (unsigned long long)ipa,
			(unsigned long long)vcpu->ctx.pc, (unsigned long long)esr, why);
	inject_data_abort(vcpu, vcpu->ctx.far, write);
}

/* The common case: a load or store of one register to a device register, with a valid
 * syndrome (ISV=1: every console character, nearly every driver access). The syndrome says
 * all, so the register is read or written in place, without the decoder's struct and register
 * copies. Returns false, having done nothing, for what the general path decides instead: a
 * syndrome no instruction produces, an access outside the device or not
 * naturally aligned (it answers them as before). `dev` holds `ipa`. */
static bool mmio_short(struct vcpu *vcpu, struct mmio_device *dev, uint64_t esr, uint64_t ipa)
{
	unsigned size = mmio_iss_size(esr), rt = mmio_iss_rt(esr);
	uint64_t off = ipa - dev->base, val = 0;
	int ret;

	if (!mmio_iss_valid(esr) || off + size > dev->size || (ipa & (size - 1)))
		return false;
	if (esr & ESR_ISS_DABT_WNR) {
		/* Register 31 is XZR here: an ISV=1 access has no SP operand. */
		if (rt < 31)
			val = mmio_iss_elem(esr, vcpu->ctx.x[rt]);
		ret = dev->ops->write(dev, vcpu, off, size, val);
	} else {
		ret = dev->ops->read(dev, vcpu, off, size, &val);
		if (ret == HV_OK && rt < 31)
			vcpu->ctx.x[rt] = mmio_iss_load(esr, val);
	}
	if (ret != HV_OK) {
		mmio_refused(vcpu, esr, ipa, "bad device access");
		return true;
	}
	vcpu_skip_insn(vcpu);
	vcpu->stats.mmio++;
	return true;
}

/* A translation fault in RAM is the guest's first touch of a block not populated yet (or
 * of one another vCPU populated meanwhile): populate it and let the guest retry the access.
 * This covers loads, stores, instruction fetches, cache maintenance and the guest's own
 * stage-1 table walks alike (docs/memory.md). Retried only if the address is mapped now, so
 * a fault that populating cannot cure still gets its abort rather than a loop. */
static bool populate_on_fault(struct vcpu *vcpu, uint64_t esr, uint64_t ipa)
{
	/* Same ISS layout for data and instruction aborts, from AArch64 or AArch32. */
	if ((esr & ESR_ISS_FSC_TYPE_MASK) != ESR_ISS_FSC_TRANS)
		return false;
	return vm_ram_populate(vcpu->vm, ipa) == HV_OK &&
	       pgt_lookup(&vcpu->vm->s2, ipa, NULL, NULL);
}

bool trap_ram_first_touch(struct vcpu *vcpu, uint64_t esr)
{
	return populate_on_fault(vcpu, esr, fault_ipa(&vcpu->ctx));
}

/* The IPA page of the descriptor a stage-1 walk fetched (S1PTW): FAR's low bits are the VA's. */
static uint64_t walk_ipa(const struct hal_vcpu_ctx *ctx)
{
	return (ctx->hpfar & HPFAR_FIPA_MASK) << HPFAR_FIPA_SHIFT;
}

/* The guest's own page tables reach outside its RAM: an external abort on that walk, at the
 * level whose descriptor was there, as a machine without memory there would give. */
static void walk_abort(struct vcpu *vcpu, bool write, bool insn)
{
	int level = s1walk_fault_level(vcpu, vcpu->ctx.far, walk_ipa(&vcpu->ctx));

	log_ratelimited(&vcpu->vm->guest_log, LOG_WARN,
			"%s: vcpu %u: its page-table walk for VA 0x%llx reads IPA 0x%llx (no RAM, "
			"level %d): external abort",
			vcpu->vm->name, vcpu->id, (unsigned long long)vcpu->ctx.far,
			(unsigned long long)walk_ipa(&vcpu->ctx), level);
	inject_walk_abort(vcpu, vcpu->ctx.far, write, insn, level);
}

void trap_data_abort(struct vcpu *vcpu, uint64_t esr)
{
	uint64_t ipa = fault_ipa(&vcpu->ctx);
	struct mmio_device *dev = NULL;
	const char *why = "no RAM or device";
	int ret;

	/* Devices first: once a guest runs, nearly every data abort is MMIO, while each RAM block
	 * faults once. A stage-2 fault on the guest's own table walk is never MMIO. */
	if (!(esr & ESR_ISS_S1PTW))
		dev = vm_find_mmio(vcpu->vm, ipa);
	/* Loads and stores with a valid syndrome take the short path; cache maintenance (which
	 * reports ISV=0 anyway) and everything else go on below. */
	if (dev && (esr & (ESR_ISS_DABT_ISV | ESR_ISS_CM)) == ESR_ISS_DABT_ISV &&
	    mmio_short(vcpu, dev, esr, ipa))
		return;
	if (!dev) {
		if (populate_on_fault(vcpu, esr, ipa))
			return;
		if (esr & ESR_ISS_S1PTW) {
			walk_abort(vcpu, esr & ESR_ISS_DABT_WNR, false);
			return;
		}
	} else if (esr & ESR_ISS_CM) {
		/* Cache maintenance by VA on a device has nothing to maintain. */
		vcpu_skip_insn(vcpu);
		return;
	} else {
		ret = emulate_mmio(vcpu, dev, esr, ipa);
		if (ret == HV_OK)
			return;
		why = ret == HV_ENOTSUP	 ? "instruction cannot be emulated"
		      : ret == HV_ERANGE ? "pair starts outside the device"
					 : "bad device access";
	}
	mmio_refused(vcpu, esr, ipa, why);
}

void trap_insn_abort(struct vcpu *vcpu, uint64_t esr)
{
	if (populate_on_fault(vcpu, esr, fault_ipa(&vcpu->ctx)))
		return;
	if (esr & ESR_ISS_S1PTW) {
		walk_abort(vcpu, false, true);
		return;
	}
	log_ratelimited(&vcpu->vm->guest_log, LOG_WARN,
			"%s: vcpu %u: instruction fetch from IPA 0x%llx (no RAM): external abort",
			vcpu->vm->name, vcpu->id, (unsigned long long)fault_ipa(&vcpu->ctx));
	inject_insn_abort(vcpu, vcpu->ctx.far);
}

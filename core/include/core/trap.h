/* SPDX-License-Identifier: MIT */
#ifndef CORE_TRAP_H
#define CORE_TRAP_H

#include <stdbool.h>
#include <stdint.h>

#include <hal/vcpu.h>

struct vcpu;

/* The trap path: what happens between a vCPU's exit to EL2 and its next entry. All functions
 * run on the pCPU the vCPU is loaded on. */

/* Handle one exit of `vcpu` (syndrome in vcpu->ctx). The guest either gets the emulated
 * result and continues after the instruction, or gets the architectural exception hardware
 * would have given it; nothing a guest does makes this fail. */
void exit_handle(struct vcpu *vcpu, enum hal_exit_kind kind);

/* A trapped set/way cache operation (DC ISW/CSW/CISW) of `vcpu`: the VM's RAM is cleaned and
 * invalidated to the point of coherency, once per run of consecutive set/way exits, and not at
 * all where stage 2 forces write-back (core/setway.c). */
void setway_emulate(struct vcpu *vcpu);

/* Per exception class. */
void trap_hvc_smc(struct vcpu *vcpu, bool smc);
void trap_sysreg(struct vcpu *vcpu, uint64_t esr);
void trap_data_abort(struct vcpu *vcpu, uint64_t esr);
void trap_insn_abort(struct vcpu *vcpu, uint64_t esr);
/* A stage-2 abort that is the first touch of a RAM block (docs/memory.md): populate the block
 * and return true, the guest retrying its access; false for any other abort. */
bool trap_ram_first_touch(struct vcpu *vcpu, uint64_t esr);
/* WFI/WFIT block until an interrupt (or the WFIT deadline); WFE/WFET may yield the pCPU to a
 * sibling (core/trap_wfx.c). */
void trap_wfx(struct vcpu *vcpu, uint64_t esr);

/* Exceptions delivered to the guest as hardware would deliver them: registers, ELR_EL1,
 * SPSR_EL1, ESR_EL1, FAR_EL1 set and the PC moved to the right VBAR_EL1 vector. */
void inject_undef(struct vcpu *vcpu);
/* Synchronous external abort on a data access / instruction fetch at guest VA `va`. */
void inject_data_abort(struct vcpu *vcpu, uint64_t va, bool write);
/* A trapped MSR/MRS that the guest's own EL1 configuration traps (EC 0x18 with `esr`'s ISS),
 * taken to EL1 as hardware would have before the hypervisor's trap applied. */
void inject_sysreg_trap(struct vcpu *vcpu, uint64_t esr);
void inject_insn_abort(struct vcpu *vcpu, uint64_t va);
/* Synchronous external abort on the guest's own stage-1 table walk at `level` (0..3) while
 * translating `va` for a data access (`insn` false) or an instruction fetch. */
void inject_walk_abort(struct vcpu *vcpu, uint64_t va, bool write, bool insn, int level);

/* The level (0..3) of the guest's stage-1 walk for `va` whose descriptor is at `desc_ipa`
 * (a stage-2 fault with ESR.S1PTW): core/s1walk.c. */
int s1walk_fault_level(struct vcpu *vcpu, uint64_t va, uint64_t desc_ipa);

/* WFI: wait on this pCPU until the vCPU has an interrupt to take (or its VM stops). */
void vcpu_wait_for_interrupt(struct vcpu *vcpu);

/* Step past the trapping instruction. */
void vcpu_skip_insn(struct vcpu *vcpu);

/* Probe the firmware's SMCCC version and Spectre workarounds once at boot, so guests get the
 * firmware's own answers (core/smccc.c). */
void smccc_probe_firmware(void);

#endif

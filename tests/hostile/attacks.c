// SPDX-License-Identifier: MIT
/* The attack list (see attacks.h): what each attack does and the answer it must get. */
#include "attacks.h"

#define LOAD(n, sz, a, ans, w, who)                                                           \
	{                                                                                     \
		.name = n, .kind = ATK_LOAD, .size = sz, .addr = a, .answer = ans, .want = w, \
		.by = who                                                                     \
	}
#define STORE(n, sz, a, v, ans, who)                                                          \
	{                                                                                     \
		.name = n, .kind = ATK_STORE, .size = sz, .addr = a, .val = v, .answer = ans, \
		.by = who                                                                     \
	}
#define MEM(n, i, a, ans, who)                                                                     \
	{                                                                                          \
		.name = n, .kind = ATK_INSN_MEM, .insn = i, .addr = a, .val = 0x5a, .answer = ans, \
		.by = who                                                                          \
	}
#define INSN(n, i, v, ans, who)                                                            \
	{                                                                                  \
		.name = n, .kind = ATK_INSN, .insn = i, .val = v, .answer = ans, .by = who \
	}
#define CALL(n, k, f, a1, a2, a3, w)                                                      \
	{                                                                                 \
		.name = n, .kind = k, .fid = f, .arg = {a1, a2, a3}, .answer = ANS_SMCCC, \
		.want = w, .by = BY_HV                                                    \
	}
#define STORM(n, s, c)                                                                    \
	{                                                                                 \
		.name = n, .kind = ATK_STORM, .insn = s, .count = c, .answer = ANS_STORM, \
		.by = BY_HV                                                               \
	}

const struct attack attacks[] = {
    /* MMIO to holes of the board: nothing there, an external abort. */
    LOAD("load from IPA 0 (below every device)", 8, 0x0, ANS_ABORT, 0, BY_HV),
    LOAD("load from the GICv2 CPU interface window", 4, 0x08010000, ANS_ABORT, 0, BY_HV),
    STORE("store to the platform bus window", 4, 0x0c000000, 1, ANS_ABORT, BY_HV),
    LOAD("load from the hole at 512 MiB", 1, 0x20000000, ANS_ABORT, 0, BY_HV),
    STORE("store just past the end of RAM", 8, HB_RAM_END, 1, ANS_ABORT, BY_HV),
    LOAD("load at 4 GiB", 2, 0x100000000UL, ANS_ABORT, 0, BY_HV),
    LOAD("load at the top of the 40-bit IPA space", 8, 0xfffffffff8UL, ANS_ABORT, 0, BY_HV),
    LOAD("load from the redistributor of an absent vCPU", 4, HB_GICR + HB_VCPUS * HB_GICR_STRIDE,
	 ANS_ABORT, 0, BY_HV),
    /* Every width and alignment on an emulated device (the vPL011). */
    LOAD("vPL011 PeriphID0 byte read", 1, HB_UART + 0xfe0, ANS_READ, 0x11, BY_HV),
    LOAD("vPL011 PeriphID0 halfword read", 2, HB_UART + 0xfe0, ANS_READ, 0x11, BY_HV),
    LOAD("vPL011 PeriphID0+1 byte read (upper lane)", 1, HB_UART + 0xfe1, ANS_READ, 0, BY_HV),
    LOAD("vPL011 PeriphID doubleword read (two registers)", 8, HB_UART + 0xfe0, ANS_READ,
	 0x0000001000000011UL, BY_HV),
    LOAD("vPL011 misaligned word read", 4, HB_UART + 0xfe2, ANS_ABORT, 0, BY_HV),
    LOAD("vPL011 misaligned doubleword read", 8, HB_UART + 0xfe4, ANS_ABORT, 0, BY_HV),
    STORE("vPL011 reserved offset word write", 4, HB_UART + 0x100, 0xffffffff, ANS_WI, BY_HV),
    LOAD("vPL011 reserved offset word read", 4, HB_UART + 0x100, ANS_READ, 0, BY_HV),
    /* Exclusives, atomics, pairs and DC ZVA on devices. */
    MEM("LDXR from the vPL011", INSN_LDXR, HB_UART + 0xfe0, ANS_ABORT, BY_HV),
    MEM("STXR to the vPL011", INSN_STXR, HB_UART + 0x100, ANS_EXCL_FAIL, BY_CPU),
    MEM("LDAXR from the distributor", INSN_LDAXR, HB_GICD, ANS_ABORT, BY_HV),
    MEM("LDADD on the vPL011", INSN_LDADD, HB_UART + 0x100, ANS_ABORT, BY_HV),
    MEM("SWP on the distributor", INSN_SWP, HB_GICD + 0x400, ANS_ABORT, BY_HV),
    MEM("CAS on a virtio-mmio register", INSN_CAS, HB_VIRTIO + 0x70, ANS_ABORT, BY_HV),
    MEM("LDP from the vPL011 ID registers", INSN_LDP, HB_UART + 0xfe0, ANS_READ_ANY, BY_HV),
    MEM("STP to vPL011 reserved offsets", INSN_STP, HB_UART + 0x100, ANS_WI, BY_HV),
    MEM("LDP W pre-index on the vPL011", INSN_LDPW_PRE, HB_UART + 0xfd8, ANS_READ_ANY, BY_HV),
    MEM("LDR post-index from the vPL011", INSN_LDR_POST, HB_UART + 0xfe0, ANS_READ_ANY, BY_HV),
    MEM("LDP straddling the end of RAM into a hole", INSN_LDP, HB_RAM_END - 8, ANS_ABORT, BY_HV),
    MEM("DC ZVA on the vPL011", INSN_DC_ZVA, HB_UART, ANS_ABORT, BY_CPU),
    MEM("DC CIVAC on the vPL011", INSN_DC_CIVAC, HB_UART, ANS_WI, BY_HV),
    MEM("instruction fetch from the vPL011", INSN_BR_X0, HB_UART, ANS_IABORT, BY_HV),
    MEM("instruction fetch from a hole", INSN_BR_X0, 0x20000000, ANS_IABORT, BY_HV),
    /* The virtio-mmio transport of the disk (slot 0) misused, in this order: a state machine
     * driven out of order, an unusable queue, odd widths and offsets (docs/guest-abi.md). */
    STORE("virtio Status 0 (reset)", 4, HB_VIRTIO + 0x70, 0, ANS_WI, BY_HV),
    STORE("virtio QueueNotify before DRIVER_OK", 4, HB_VIRTIO + 0x50, 0, ANS_WI, BY_HV),
    STORE("virtio QueueNotify of a queue the device lacks", 4, HB_VIRTIO + 0x50, 7, ANS_WI, BY_HV),
    STORE("virtio DRIVER_OK without FEATURES_OK", 4, HB_VIRTIO + 0x70, 0x7, ANS_WI, BY_HV),
    LOAD("virtio Status after it: ACKNOWLEDGE|DRIVER only", 4, HB_VIRTIO + 0x70, ANS_READ, 0x3,
	 BY_HV),
    STORE("virtio FEATURES_OK without VERSION_1", 4, HB_VIRTIO + 0x70, 0xb, ANS_WI, BY_HV),
    LOAD("virtio Status after it: FEATURES_OK refused", 4, HB_VIRTIO + 0x70, ANS_READ, 0x3, BY_HV),
    STORE("virtio DriverFeaturesSel 1", 4, HB_VIRTIO + 0x24, 1, ANS_WI, BY_HV),
    STORE("virtio DriverFeatures VERSION_1", 4, HB_VIRTIO + 0x20, 1, ANS_WI, BY_HV),
    STORE("virtio FEATURES_OK", 4, HB_VIRTIO + 0x70, 0xb, ANS_WI, BY_HV),
    STORE("virtio QueueNum 1000 (not a power of two, over QueueNumMax)", 4, HB_VIRTIO + 0x38, 1000,
	  ANS_WI, BY_HV),
    STORE("virtio QueueReady with that size and rings at IPA 0", 4, HB_VIRTIO + 0x44, 1, ANS_WI,
	  BY_HV),
    LOAD("virtio Status after it: DEVICE_NEEDS_RESET", 4, HB_VIRTIO + 0x70, ANS_READ, 0x4b, BY_HV),
    STORE("virtio Status byte write", 1, HB_VIRTIO + 0x70, 0, ANS_WI, BY_HV),
    LOAD("virtio Status halfword read", 2, HB_VIRTIO + 0x70, ANS_READ, 0, BY_HV),
    LOAD("virtio reserved offset 0x0c0", 4, HB_VIRTIO + 0xc0, ANS_READ, 0, BY_HV),
    STORE("virtio MagicValue write (read-only)", 4, HB_VIRTIO, 0, ANS_WI, BY_HV),
    LOAD("virtio MagicValue still 'virt'", 4, HB_VIRTIO, ANS_READ, 0x74726976, BY_HV),
    STORE("virtio Status 0 again (the device recovers)", 4, HB_VIRTIO + 0x70, 0, ANS_WI, BY_HV),
    LOAD("virtio Status after the reset", 4, HB_VIRTIO + 0x70, ANS_READ, 0, BY_HV),
    /* A slot with no device: an empty transport, as on QEMU's virt board. */
    LOAD("empty virtio slot 31 MagicValue", 4, HB_VIRTIO + 31 * 0x200, ANS_READ, 0x74726976, BY_HV),
    LOAD("empty virtio slot 31 DeviceID (no device)", 4, HB_VIRTIO + 31 * 0x200 + 0x8, ANS_READ, 0,
	 BY_HV),
    STORE("empty virtio slot 31 QueueNotify", 4, HB_VIRTIO + 31 * 0x200 + 0x50, 0, ANS_WI, BY_HV),
    STORE("empty virtio slot 31 Status DRIVER_OK", 4, HB_VIRTIO + 31 * 0x200 + 0x70, 0xf, ANS_WI,
	  BY_HV),
    /* The GIC: reserved offsets, odd widths, routing to absent CPUs. */
    LOAD("GICD reserved offset 0xc000", 4, HB_GICD + 0xc000, ANS_READ, 0, BY_HV),
    STORE("GICD reserved offset 0x5000 write", 4, HB_GICD + 0x5000, 0xdeadbeef, ANS_WI, BY_HV),
    STORE("GICD_TYPER write (read-only)", 4, HB_GICD + 0x4, 0xffffffff, ANS_WI, BY_HV),
    STORE("GICD_SGIR write (ignored with affinity routing)", 4, HB_GICD + 0xf00, 0x00ff0001, ANS_WI,
	  BY_HV),
    LOAD("GICD_CTLR byte read", 1, HB_GICD, ANS_READ_ANY, 0, BY_HV),
    LOAD("GICD doubleword read at a misaligned offset", 8, HB_GICD + 0x4, ANS_ABORT, 0, BY_HV),
    LOAD("GICD_CTLR and GICD_TYPER as one doubleword", 8, HB_GICD, ANS_READ_ANY, 0, BY_HV),
    STORE("GICD_IROUTER of SPI 40 to an absent CPU", 8, HB_GICD + 0x6000 + 8 * 40,
	  0x000000ff00000007UL, ANS_WI, BY_HV),
    STORE("GICD_IROUTER of SGI 1 (reserved)", 8, HB_GICD + 0x6000 + 8 * 1, 0x1, ANS_WI, BY_HV),
    LOAD("GICR reserved offset 0x0040 (no LPIs)", 4, HB_GICR + 0x40, ANS_READ, 0, BY_HV),
    STORE("GICR_TYPER write (read-only)", 8, HB_GICR + 0x8, ~0UL, ANS_WI, BY_HV),
    STORE("GICR SGI frame reserved offset write", 4, HB_GICR + 0x10000 + 0x900, 0xffffffff, ANS_WI,
	  BY_HV),
    INSN("ICC_SGI1R_EL1 to vCPU 7 (absent)", MSR_X1(R_ICC_SGI1R_EL1), (1UL << 24) | 0x80, ANS_WI,
	 BY_HV),
    INSN("ICC_SGI1R_EL1 to affinity 3.2.1 (absent)", MSR_X1(R_ICC_SGI1R_EL1),
	 (3UL << 48) | (2UL << 32) | (1UL << 16) | 1, ANS_WI, BY_HV),
    /* System registers: EL2 and EL3 state, PMU, debug, trace, AMU, RAS, IMPDEF, ID. */
    INSN("MRS HCR_EL2 from EL1", MRS_X1(R_HCR_EL2), 0, ANS_UNDEF, BY_CPU),
    INSN("MSR VTTBR_EL2 from EL1", MSR_X1(R_VTTBR_EL2), 0, ANS_UNDEF, BY_CPU),
    INSN("MSR VBAR_EL2 from EL1", MSR_X1(R_VBAR_EL2), 0x40080000, ANS_UNDEF, BY_CPU),
    INSN("MRS ICH_HCR_EL2 from EL1", MRS_X1(R_ICH_HCR_EL2), 0, ANS_UNDEF, BY_CPU),
    INSN("MSR CNTVOFF_EL2 from EL1", MSR_X1(R_CNTVOFF_EL2), 0, ANS_UNDEF, BY_CPU),
    INSN("MRS SCR_EL3 from EL1", MRS_X1(R_SCR_EL3), 0, ANS_UNDEF, BY_CPU),
    INSN("TLBI ALLE2 from EL1", INSN_TLBI_E2, 0, ANS_UNDEF, BY_CPU),
    INSN("AT S1E2R from EL1", INSN_AT_S1E2R, 0, ANS_UNDEF, BY_CPU),
    /* The virtual PMU (core/vpmu.c) answers the rest of the PMU's registers. */
    INSN("MRS PMSWINC_EL0 (write-only)", MRS_X1(R_PMSWINC_EL0), 0, ANS_UNDEF, BY_HV),
    INSN("MSR PMCEID0_EL0 (read-only)", MSR_X1(R_PMCEID0_EL0), 0, ANS_UNDEF, BY_HV),
    INSN("MRS PMMIR_EL1 (PMUv3p4, not offered)", MRS_X1(R_PMMIR_EL1), 0, ANS_UNDEF, BY_HV),
    INSN("MRS PMEVCNTR30_EL0 (past PMCR_EL0.N)", MRS_X1(R_PMEVCNTR30_EL0), 0, ANS_UNDEF, BY_HV),
    INSN("MRS MDSCR_EL1 (emulated)", MRS_X1(R_MDSCR_EL1), 0, ANS_READ_ANY, BY_HV),
    INSN("MSR DBGBVR0_EL1 (kept, never fires)", MSR_X1(R_DBGBVR0_EL1), 0x40080000, ANS_WI, BY_HV),
    INSN("MSR OSLAR_EL1", MSR_X1(R_OSLAR_EL1), 1, ANS_WI, BY_HV),
    INSN("MRS MDCCSR_EL0", MRS_X1(R_MDCCSR_EL0), 0, ANS_READ, BY_HV),
    INSN("MRS TRCIDR0 (trace)", MRS_X1(R_TRCIDR0), 0, ANS_UNDEF, BY_HV),
    INSN("MSR TRCPRGCTLR (trace)", MSR_X1(R_TRCPRGCTLR), 1, ANS_UNDEF, BY_HV),
    INSN("MRS AMCR_EL0 (activity monitors)", MRS_X1(R_AMCR_EL0), 0, ANS_UNDEF, BY_HV),
    INSN("MRS AMEVCNTR00_EL0", MRS_X1(R_AMEVCNTR00_EL0), 0, ANS_UNDEF, BY_HV),
    INSN("MRS ERRIDR_EL1 (RAS)", MRS_X1(R_ERRIDR_EL1), 0, ANS_UNDEF, BY_HV),
    INSN("MRS ERXSTATUS_EL1 (RAS)", MRS_X1(R_ERXSTATUS_EL1), 0, ANS_UNDEF, BY_HV),
    INSN("MRS S3_7_C15_C15_7 (IMPDEF)", MRS_X1(R_IMPDEF_S3_7), 0, ANS_UNDEF, BY_HV),
    INSN("MSR ID_AA64PFR0_EL1", MSR_X1(R_ID_AA64PFR0_EL1), ~0UL, ANS_UNDEF, BY_HV),
    INSN("MSR MIDR_EL1", MSR_X1(R_MIDR_EL1), 0, ANS_UNDEF, BY_HV),
    INSN("MSR ACTLR_EL1 (ignored)", MSR_X1(R_ACTLR_EL1), ~0UL, ANS_WI, BY_HV),
    INSN("DC ISW (set/way)", INSN_DC_ISW, 0, ANS_WI, BY_HV),
    INSN("HLT #0", INSN_HLT, 0, ANS_UNDEF, BY_CPU),
    INSN("WFIT with a deadline in the past", INSN_WFIT_X1, 0, ANS_UNDEF, BY_CPU),
    INSN("WFET with a deadline in the past", INSN_WFET_X1, 0, ANS_UNDEF, BY_CPU),
    /* PSCI with bad targets and entry points, other bad calls. */
    CALL("CPU_ON of MPIDR 0xff (absent)", ATK_HVC, F_PSCI_CPU_ON, 0xff, HB_RAM + 0x80000, 0,
	 RET_INVALID),
    CALL("CPU_ON of MPIDR 1.0 (absent cluster)", ATK_HVC, F_PSCI_CPU_ON, 0x100, HB_RAM + 0x80000, 0,
	 RET_INVALID),
    CALL("CPU_ON of vCPU 2 at IPA 0", ATK_HVC, F_PSCI_CPU_ON, 2, 0, 0, RET_INVALID_ADDRESS),
    CALL("CPU_ON of vCPU 2 at a misaligned entry", ATK_HVC, F_PSCI_CPU_ON, 2, HB_RAM + 2, 0,
	 RET_INVALID_ADDRESS),
    CALL("CPU_ON of vCPU 2 at the end of RAM", ATK_HVC, F_PSCI_CPU_ON, 2, HB_RAM_END, 0,
	 RET_INVALID_ADDRESS),
    CALL("CPU_ON of vCPU 2 at the distributor", ATK_HVC, F_PSCI_CPU_ON, 2, HB_GICD, 0,
	 RET_INVALID_ADDRESS),
    CALL("CPU_ON of itself", ATK_HVC, F_PSCI_CPU_ON, 0, HB_RAM + 0x80000, 0, RET_ALREADY_ON),
    CALL("CPU_ON of the running victim", ATK_SMC, F_PSCI_CPU_ON, 1, HB_RAM + 0x80000, 0,
	 RET_ALREADY_ON),
    CALL("AFFINITY_INFO of MPIDR 0xff", ATK_HVC, F_PSCI_AFFINITY, 0xff, 0, 0, RET_INVALID),
    CALL("AFFINITY_INFO at level 3", ATK_HVC, F_PSCI_AFFINITY, 0, 3, 0, RET_INVALID),
    CALL("MIGRATE", ATK_HVC, F_PSCI_MIGRATE, 1, 0, 0, RET_NOT_SUPPORTED),
    CALL("SYSTEM_RESET2 with a vendor reset type", ATK_HVC, F_PSCI_SYSTEM_RESET2, 0x80000001, 0, 0,
	 RET_NOT_SUPPORTED),
    CALL("SYSTEM_SUSPEND", ATK_SMC, F_PSCI_SYSTEM_SUSP, HB_RAM + 0x80000, 0, 0, RET_NOT_SUPPORTED),
    CALL("MEM_PROTECT", ATK_HVC, F_PSCI_MEM_PROTECT, 1, 0, 0, RET_NOT_SUPPORTED),
    CALL("PSCI_FEATURES of an unknown call", ATK_HVC, F_PSCI_FEATURES, 0x8400ffff, 0, 0,
	 RET_NOT_SUPPORTED),
    CALL("SMCCC_ARCH_FEATURES of an unknown call", ATK_HVC, F_SMCCC_FEATURES, 0x8000dead, 0, 0,
	 RET_NOT_SUPPORTED),
    CALL("a yielding call (bit 31 clear)", ATK_HVC, 0x04000000, 0, 0, 0, RET_NOT_SUPPORTED),
    CALL("a SiP service call", ATK_SMC, 0xc2000001, 0, 0, 0, RET_NOT_SUPPORTED),
    CALL("HV_CALL_PUTS of 4097 bytes", ATK_HVC, F_HV_PUTS, HB_RAM + 0x80000, 4097, 0,
	 RET_SMCCC_INVALID),
    CALL("HV_CALL_PUTS from IPA 0", ATK_HVC, F_HV_PUTS, 0, 16, 0, RET_SMCCC_INVALID),
    CALL("HV_CALL_PUTS straddling the end of RAM", ATK_HVC, F_HV_PUTS, HB_RAM_END - 2, 4, 0,
	 RET_SMCCC_INVALID),
    CALL("an unknown hypervisor call", ATK_HVC, 0xc600ffff, 0, 0, 0, RET_NOT_SUPPORTED),
    /* Storms: many exits in a row, each answered. */
    STORM("1000 loads from a hole", STORM_HOLE_ABORTS, 1000),
    STORM("1000 MRS ERRIDR_EL1", STORM_SYSREG_UNDEFS, 1000),
    STORM("1000 unknown hypervisor calls", STORM_HVC_UNKNOWN, 1000),
    STORM("10000 WFE", STORM_WFE, 10000),
    STORM("1000 WFIT (FEAT_WFxT is not offered)", STORM_WFIT_UNDEFS, 1000),
    STORM("1000 WFI with an interrupt pending", STORM_WFI_PENDING, 1000),
    STORM("100 CPU_ON of a vCPU that turns itself off", STORM_CPU_ON, 100),
    STORM("4096 random writes to the distributor", STORM_GICD_RANDOM, 4096),
    STORM("256 SGIs to absent vCPUs", STORM_SGI_ABSENT, 256),
    STORM("virtio-blk notify flood, 256 aliased whole-disk reads per notify", STORM_NOTIFY_FLOOD,
	  8),
};

const unsigned attack_count = sizeof(attacks) / sizeof(attacks[0]);

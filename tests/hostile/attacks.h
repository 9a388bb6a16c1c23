/* SPDX-License-Identifier: MIT */
#ifndef HOSTILE_ATTACKS_H
#define HOSTILE_ATTACKS_H

/* The hostile-guest attack list: one table, read by the attacker guest (tests/hostile/attacker.c,
 * which performs each attack at EL1 under the hypervisor) and by its host replay
 * (tests/unit/test_hostile.c, which plays the same attacks as exits through sim/ under ASan and
 * UBSan). Each entry says what the guest does and the architectural answer it must receive
 * (docs/guest-abi.md). Plain data: freestanding C, no guest or host headers. */

#include <stdint.h>

/* What the attacker does. */
enum attack_kind {
	ATK_LOAD,     /* a load of `size` bytes from `addr` (LDRB/LDRH/LDR W/LDR X) */
	ATK_STORE,    /* a store of `size` bytes of `val` to `addr` */
	ATK_INSN_MEM, /* instruction `insn` with x0 = `addr`, x1 = x2 = `val` (exclusives...) */
	ATK_INSN,     /* instruction `insn` with x1 = `val` (system registers, WFIT, ...) */
	ATK_HVC,      /* hvc #0 with x0 = `fid`, x1-x3 = `arg` */
	ATK_SMC,      /* smc #0, the same */
	ATK_STORM,    /* `count` times the attack `insn` names (enum storm), see attacker.c */
};

/* What the attacker must receive. */
enum attack_answer {
	ANS_ABORT,     /* a synchronous data abort (ESR_EL1.EC 0x25) at the instruction */
	ANS_IABORT,    /* an instruction abort (EC 0x21) */
	ANS_UNDEF,     /* UNDEFINED (EC 0x00) */
	ANS_SMCCC,     /* no exception, x0 = `want` (an SMCCC / PSCI result) */
	ANS_READ,      /* no exception, the load or MRS returned `want` */
	ANS_READ_ANY,  /* no exception, any value (a register the guest may read) */
	ANS_WI,	       /* no exception: a write ignored or taken */
	ANS_STORM,     /* every one of the storm's attacks answered as attacker.c says */
	ANS_EXCL_FAIL, /* a store-exclusive with no monitor: fails (status 1) untried, or aborts */
};

/* Who answers: the hypervisor (the access traps to EL2), or the CPU itself at EL1 (an
 * alignment fault, an EL2 register at EL1): the host replay plays only the first kind. */
enum attack_by { BY_HV, BY_CPU };

enum storm {
	STORM_HOLE_ABORTS,   /* loads from an IPA hole: each an abort */
	STORM_SYSREG_UNDEFS, /* MRS ERRIDR_EL1 (RAS, hidden): each UNDEFINED */
	STORM_HVC_UNKNOWN,   /* unknown hypervisor calls: each NOT_SUPPORTED */
	STORM_WFE,	     /* WFE: each returns */
	STORM_WFIT_UNDEFS,   /* WFIT: each UNDEFINED (FEAT_WFxT hidden, docs/guest-abi.md) */
	STORM_WFI_PENDING,   /* WFI with an SGI pending (masked in PSTATE): each returns */
	STORM_CPU_ON,	     /* CPU_ON of vCPU 2 (which turns itself off): SUCCESS/ALREADY_ON */
	STORM_GICD_RANDOM,   /* random writes to the distributor's reserved space: ignored */
	STORM_SGI_ABSENT,    /* SGIs to absent vCPUs (target lists, affinities): ignored */
	STORM_NOTIFY_FLOOD,  /* virtio-blk notifies of 256 whole-disk reads each (item 2) */
};

struct attack {
	const char *name;
	enum attack_kind kind;
	enum attack_answer answer;
	enum attack_by by;
	uint8_t size;  /* ATK_LOAD / ATK_STORE */
	uint32_t insn; /* ATK_INSN*, or the enum storm of ATK_STORM */
	uint64_t addr; /* ATK_LOAD / ATK_STORE / ATK_INSN_MEM */
	uint64_t val;  /* stored value, or x1 */
	uint32_t fid;  /* ATK_HVC / ATK_SMC */
	uint64_t arg[3];
	uint64_t want;	/* ANS_SMCCC / ANS_READ */
	uint32_t count; /* ATK_STORM */
};

/* The board (docs/guest-abi.md), as the attacker sees it with 3 vCPUs and 128 MiB. */
#define HB_RAM	       0x40000000UL
#define HB_RAM_END     0x48000000UL
#define HB_GICD	       0x08000000UL
#define HB_GICR	       0x080a0000UL
#define HB_GICR_STRIDE 0x20000UL
#define HB_UART	       0x09000000UL
#define HB_VIRTIO      0x0a000000UL
#define HB_VCPUS       3

/* Encodings (Arm ARM C6): x0 is the base register, x1 (and x2) the data. */
#define ATK_SYSREG(op0, op1, crn, crm, op2) \
	((uint32_t)(op0) << 19 | (op1) << 16 | (crn) << 12 | (crm) << 8 | (op2) << 5)
#define MRS_X1(r)     (0xd5200001U | (r)) /* mrs x1, <r> */
#define MSR_X1(r)     (0xd5000001U | (r)) /* msr <r>, x1 */
#define INSN_LDXR     0xc85f7c01U	  /* ldxr x1, [x0] */
#define INSN_STXR     0xc8027c01U	  /* stxr w2, x1, [x0] */
#define INSN_LDAXR    0xc85ffc01U	  /* ldaxr x1, [x0] */
#define INSN_LDADD    0xf8210002U	  /* ldadd x1, x2, [x0] */
#define INSN_SWP      0xf8218002U	  /* swp x1, x2, [x0] */
#define INSN_CAS      0xc8a17c02U	  /* cas x1, x2, [x0] */
#define INSN_LDP      0xa9400801U	  /* ldp x1, x2, [x0] */
#define INSN_STP      0xa9000801U	  /* stp x1, x2, [x0] */
#define INSN_LDPW_PRE 0x29c10801U	  /* ldp w1, w2, [x0, #8]! */
#define INSN_DC_ZVA   0xd50b7420U	  /* dc zva, x0 */
#define INSN_DC_CIVAC 0xd50b7e20U	  /* dc civac, x0 */
#define INSN_LDR_POST 0xf8408401U	  /* ldr x1, [x0], #8 */
#define INSN_BR_X0    0xd61f0000U	  /* br x0: fetch from x0 */
#define INSN_WFIT_X1  0xd5031021U	  /* wfit x1 */
#define INSN_WFET_X1  0xd5031001U	  /* wfet x1 */
#define INSN_HLT      0xd4400000U	  /* hlt #0 */
#define INSN_TLBI_E2  0xd50c871fU	  /* tlbi alle2 */
#define INSN_AT_S1E2R 0xd50c7801U	  /* at s1e2r, x1 */
#define INSN_DC_ISW   0xd5087641U	  /* dc isw, x1 */

/* Registers by encoding. */
#define R_HCR_EL2	  ATK_SYSREG(3, 4, 1, 1, 0)
#define R_VTTBR_EL2	  ATK_SYSREG(3, 4, 2, 1, 0)
#define R_VBAR_EL2	  ATK_SYSREG(3, 4, 12, 0, 0)
#define R_ICH_HCR_EL2	  ATK_SYSREG(3, 4, 12, 11, 0)
#define R_CNTVOFF_EL2	  ATK_SYSREG(3, 4, 14, 0, 3)
#define R_SCR_EL3	  ATK_SYSREG(3, 6, 1, 1, 0)
#define R_PMSWINC_EL0	  ATK_SYSREG(3, 3, 9, 12, 4)
#define R_PMCEID0_EL0	  ATK_SYSREG(3, 3, 9, 12, 6)
#define R_PMMIR_EL1	  ATK_SYSREG(3, 0, 9, 14, 6)
#define R_PMEVCNTR30_EL0  ATK_SYSREG(3, 3, 14, 11, 6)
#define R_MDSCR_EL1	  ATK_SYSREG(2, 0, 0, 2, 2)
#define R_DBGBVR0_EL1	  ATK_SYSREG(2, 0, 0, 0, 4)
#define R_OSLAR_EL1	  ATK_SYSREG(2, 0, 1, 0, 4)
#define R_MDCCSR_EL0	  ATK_SYSREG(2, 3, 0, 1, 0)
#define R_TRCIDR0	  ATK_SYSREG(2, 1, 0, 8, 7)
#define R_TRCPRGCTLR	  ATK_SYSREG(2, 1, 0, 1, 0)
#define R_AMCR_EL0	  ATK_SYSREG(3, 3, 13, 2, 0)
#define R_AMEVCNTR00_EL0  ATK_SYSREG(3, 3, 13, 4, 0)
#define R_ERRIDR_EL1	  ATK_SYSREG(3, 0, 5, 3, 0)
#define R_ERXSTATUS_EL1	  ATK_SYSREG(3, 0, 5, 4, 2)
#define R_IMPDEF_S3_7	  ATK_SYSREG(3, 7, 15, 15, 7)
#define R_ID_AA64PFR0_EL1 ATK_SYSREG(3, 0, 0, 4, 0)
#define R_MIDR_EL1	  ATK_SYSREG(3, 0, 0, 0, 0)
#define R_ZCR_EL1	  ATK_SYSREG(3, 0, 1, 2, 0)
#define R_ACTLR_EL1	  ATK_SYSREG(3, 0, 1, 0, 1)
#define R_ICC_SGI1R_EL1	  ATK_SYSREG(3, 0, 12, 11, 5)

/* PSCI and SMCCC (PSCI 1.1 5.1, SMCCC 1.1). */
#define F_PSCI_CPU_ON	     0xc4000003U
#define F_PSCI_AFFINITY	     0xc4000004U
#define F_PSCI_CPU_SUSPEND   0xc4000001U
#define F_PSCI_MIGRATE	     0xc4000005U
#define F_PSCI_FEATURES	     0x8400000aU
#define F_PSCI_SYSTEM_RESET2 0xc4000012U
#define F_PSCI_SYSTEM_SUSP   0xc400000eU
#define F_PSCI_MEM_PROTECT   0x84000013U
#define F_SMCCC_FEATURES     0x80000001U
#define F_HV_PUTS	     0xc6000002U
#define RET_NOT_SUPPORTED    ((uint64_t)-1)
#define RET_INVALID	     ((uint64_t)-2) /* PSCI INVALID_PARAMETERS */
#define RET_SMCCC_INVALID    ((uint64_t)-3) /* SMCCC INVALID_PARAMETER */
#define RET_ALREADY_ON	     ((uint64_t)-4)
#define RET_INVALID_ADDRESS  ((uint64_t)-9)

extern const struct attack attacks[];
extern const unsigned attack_count;

#endif

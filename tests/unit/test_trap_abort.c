// SPDX-License-Identifier: MIT
/* Tests of core/trap_abort.c: stage-2 data aborts emulated as MMIO on the vPL011, from the
 * syndrome (ISV=1) or from the instruction in guest RAM at the PC (ISV=0: post/pre-index
 * writeback, pairs, SP as base), and every abort that becomes a synchronous external abort
 * for the guest (no device, an instruction MMIO cannot do, a bad device access, a guest
 * page-table walk, an instruction fetch outside RAM), and the first touch of a RAM block
 * (populated, then retried). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include <core/arch.h>
#include <core/err.h>
#include <core/gmem.h>
#include <core/lib.h>
#include <core/mmio.h>
#include <core/pgtable.h>
#include <core/trap.h>
#include <hal-sim/sim_hal.h>
#include <sim/sim.h>

#include "fixture.h"

#define ENTRY	  (VM_RAM_BASE + IMAGE_RAW_OFFSET)
#define VBAR	  (VM_RAM_BASE + 0x1000)
#define UART	  VM_PL011_BASE
#define UARTFR	  (UART + 0x018)
#define UARTIBRD  (UART + 0x024)
#define UARTFBRD  (UART + 0x028)
#define UARTLCR_H (UART + 0x02c)
#define PERIPHID0 (UART + 0xfe0)
#define PCELLID1  (UART + 0xff4)
#define PCELLID3  (UART + 0xffc)
#define BAD_DEV	  0x0a000000ULL
#define HOLE	  0x10000000ULL /* neither RAM nor a device */

static struct sim_machine m;
static struct vcpu *v;

/* A device whose every access fails, as a device model refusing an access would. */
static int refuse_read(struct mmio_device *dev, struct vcpu *vcpu, uint64_t off, unsigned size,
		       uint64_t *val)
{
	return HV_EINVAL;
}

static int refuse_write(struct mmio_device *dev, struct vcpu *vcpu, uint64_t off, unsigned size,
			uint64_t val)
{
	return HV_EINVAL;
}

static const struct mmio_ops refuse_ops = {.read = refuse_read, .write = refuse_write};

/* A device that records what it is given and answers every read with REC_ANSWER: more bits
 * than any access but a doubleword asks for, as a buggy device model might. Six bytes long, so
 * a naturally aligned word can run past its end. */
#define REC	   0x0a001000ULL
#define REC_SIZE   6
#define REC_ANSWER 0xfedcba98fffff680ULL

static struct {
	unsigned writes, reads, size;
	uint64_t off, val;
} rec;

static int rec_read(struct mmio_device *dev, struct vcpu *vcpu, uint64_t off, unsigned size,
		    uint64_t *val)
{
	rec.reads++;
	rec.off = off;
	rec.size = size;
	*val = REC_ANSWER;
	return HV_OK;
}

static int rec_write(struct mmio_device *dev, struct vcpu *vcpu, uint64_t off, unsigned size,
		     uint64_t val)
{
	rec.writes++;
	rec.off = off;
	rec.size = size;
	rec.val = val;
	return HV_OK;
}

static const struct mmio_ops rec_ops = {.read = rec_read, .write = rec_write};

static int setup(void **state)
{
	const struct mmio_device bad = {
	    .name = "refuses", .base = BAD_DEV, .size = 0x1000, .ops = &refuse_ops};
	const struct mmio_device recorder = {
	    .name = "records", .base = REC, .size = REC_SIZE, .ops = &rec_ops};

	v = fixture_nop_machine(&m);
	assert_int_equal(vm_add_mmio(m.vm, &bad), HV_OK);
	assert_int_equal(vm_add_mmio(m.vm, &recorder), HV_OK);
	memset(&rec, 0, sizeof(rec));
	v->ctx.el1[HAL_VBAR_EL1] = VBAR;
	v->ctx.el1[HAL_SCTLR_EL1] = SCTLR_EL1_RESET;
	for (unsigned r = 0; r < 31; r++)
		v->ctx.x[r] = 0xdead0000 + r;
	return 0;
}

static int teardown(void **state)
{
	sim_machine_destroy(&m);
	return 0;
}

/* A data abort at IPA `addr` (VA == IPA) taken by the instruction at ENTRY. */
static void abort_isv(uint64_t addr, unsigned size, bool write, unsigned rt, bool sf, bool sse)
{
	v->ctx.esr = sim_esr_dabt_isv(size, write, rt, sf, sse);
	v->ctx.far = addr;
	v->ctx.hpfar = sim_hpfar(addr);
	exit_handle(v, HAL_EXIT_SYNC);
	console_settle();
}

static void abort_insn(uint64_t addr, uint32_t insn, bool write)
{
	assert_int_equal(gmem_write(m.vm, v->ctx.pc, &insn, sizeof(insn)), HV_OK);
	v->ctx.esr = sim_esr_dabt(write);
	v->ctx.far = addr;
	v->ctx.hpfar = sim_hpfar(addr);
	exit_handle(v, HAL_EXIT_SYNC);
	console_settle();
}

static void assert_emulated(unsigned count)
{
	assert_int_equal(v->ctx.pc, ENTRY + 4);
	assert_int_equal(v->stats.mmio, count);
	assert_int_equal(v->stats.abort_injected, 0);
}

static void assert_external_abort(uint64_t far, bool write)
{
	assert_int_equal(v->ctx.pc, VBAR + 0x200);
	assert_int_equal(v->ctx.el1[HAL_ELR_EL1], ENTRY);
	assert_int_equal(v->ctx.el1[HAL_ESR_EL1], write ? 0x96000050 : 0x96000010);
	assert_int_equal(v->ctx.el1[HAL_FAR_EL1], far);
	assert_int_equal(v->stats.abort_injected, 1);
	assert_int_equal(v->stats.mmio, 0);
}

/* --- the instruction encoder the sim offers, against the assembler --- */

static void test_trap_abort_sim_encodings_match_the_assembler(void **state)
{
	/* aarch64-linux-gnu-as + objdump -d */
	assert_int_equal(sim_a64_ldst_idx(false, 2, 3, 4, 4, SIM_A64_POST),
			 0xb8004483); /* str w3, [x4], #4 */
	assert_int_equal(sim_a64_ldst_idx(true, 2, 3, 4, -8, SIM_A64_POST),
			 0xb85f8483); /* ldr w3, [x4], #-8 */
	assert_int_equal(sim_a64_ldst_idx(false, 3, 3, 4, 8, SIM_A64_PRE),
			 0xf8008c83); /* str x3, [x4, #8]! */
	assert_int_equal(sim_a64_ldst_idx(false, 0, 1, 2, 1, SIM_A64_POST),
			 0x38001441); /* strb w1, [x2], #1 */
	assert_int_equal(sim_a64_ldst_idx(false, 3, 1, 31, 8, SIM_A64_POST),
			 0xf80087e1);					      /* str x1, [sp], #8 */
	assert_int_equal(sim_a64_ldst_uimm(true, 2, 1, 2, 4), 0xb9400441);    /* ldr w1, [x2, #4] */
	assert_int_equal(sim_a64_ldstp(true, false, 1, 2, 3, 0), 0x29400861); /* ldp w1, w2, [x3] */
	assert_int_equal(sim_a64_ldxr(false, 1, 2), 0x885f7c41);	      /* ldxr w1, [x2] */
	assert_int_equal(sim_a64_ldxr(true, 1, 2), 0xc85f7c41);		      /* ldxr x1, [x2] */
}

/* --- ISV=1 --- */

static void test_trap_abort_isv_byte_store_to_dr_transmits(void **state)
{
	v->ctx.x[3] = 0x1234500 | 'A';
	abort_isv(UART, 1, true, 3, false, false);
	assert_string_equal(sim_hal.console, "A");
	assert_emulated(1);
	assert_int_equal(v->ctx.x[3], 0x1234500 | 'A');
}

static void test_trap_abort_isv_word_load_zero_extends_into_wt_and_xt(void **state)
{
	abort_isv(UARTFR, 4, false, 5, false, false); /* ldr w5, [FR] */
	assert_int_equal(v->ctx.x[5], 0x90);
	v->ctx.pc = ENTRY;
	abort_isv(UARTFR, 4, false, 6, true, false); /* ldr w6 into an X view: same value */
	assert_int_equal(v->ctx.x[6], 0x90);
	assert_emulated(2);
}

static void test_trap_abort_isv_sign_extends_when_sse_is_set(void **state)
{
	abort_isv(PCELLID1, 1, false, 7, true, true); /* ldrsb x7: 0xf0 */
	assert_int_equal(v->ctx.x[7], 0xfffffffffffffff0ULL);
	v->ctx.pc = ENTRY;
	abort_isv(PCELLID1, 1, false, 8, false, true); /* ldrsb w8 */
	assert_int_equal(v->ctx.x[8], 0xfffffff0ULL);
	v->ctx.pc = ENTRY;
	abort_isv(PCELLID1, 1, false, 9, true, false); /* ldrb */
	assert_int_equal(v->ctx.x[9], 0xf0);
	assert_emulated(3);
}

static void test_trap_abort_isv_xzr_reads_zero_and_discards_loads(void **state)
{
	struct hal_vcpu_ctx before;

	v->ctx.x[2] = 0x3f;
	abort_isv(UARTFBRD, 4, true, 2, false, false);
	v->ctx.pc = ENTRY;
	abort_isv(UARTFBRD, 4, true, 31, false, false); /* str wzr */
	v->ctx.pc = ENTRY;
	before = v->ctx;
	abort_isv(UARTFBRD, 4, false, 31, false, false); /* ldr wzr */
	assert_memory_equal(v->ctx.x, before.x, sizeof(before.x));
	v->ctx.pc = ENTRY;
	abort_isv(UARTFBRD, 4, false, 4, false, false);
	assert_int_equal(v->ctx.x[4], 0);
	assert_emulated(4);
}

static void test_trap_abort_isv_doubleword_covers_two_registers(void **state)
{
	v->ctx.x[1] = 0x000000ab0000003fULL;
	abort_isv(UARTFBRD, 8, true, 1, true, false); /* FBRD and LCR_H */
	v->ctx.pc = ENTRY;
	abort_isv(UARTIBRD, 4, false, 2, false, false);
	v->ctx.pc = ENTRY;
	abort_isv(UARTLCR_H, 4, false, 3, false, false);
	assert_int_equal(v->ctx.x[2], 0);
	assert_int_equal(v->ctx.x[3], 0xab);
	assert_emulated(3);
}

static void test_trap_abort_fault_ipa_comes_from_hpfar_and_far_low_bits(void **state)
{
	/* The guest's MMU is on: its VA says nothing about the IPA but the page offset. */
	v->ctx.esr = sim_esr_dabt_isv(4, false, 5, false, false);
	v->ctx.far = 0xffff800012345018ULL;
	v->ctx.hpfar = sim_hpfar(UART);
	exit_handle(v, HAL_EXIT_SYNC);
	assert_int_equal(v->ctx.x[5], 0x90); /* FR */
	assert_emulated(1);
}

static void test_trap_abort_isv_misaligned_access_is_an_external_abort(void **state)
{
	abort_isv(UART + 2, 4, false, 5, false, false);
	assert_external_abort(UART + 2, false);
	assert_int_equal(v->ctx.x[5], 0xdead0005);
}

static void test_trap_abort_isv_doubleword_into_wt_is_an_external_abort(void **state)
{
	/* SAS=3 with SF=0: no instruction makes this syndrome. */
	abort_isv(UARTFBRD, 8, false, 5, false, false);
	assert_external_abort(UARTFBRD, false);
}

/* The ISV=1 short path (core/trap_abort.c mmio_short()) against what the general decoder
 * gives: a store hands the device only the element's bytes of Xt, whatever the register's
 * upper bits hold. */
static void test_trap_abort_isv_store_gives_the_device_only_the_element(void **state)
{
	static const struct {
		unsigned size;
		bool sf;
		uint64_t val;
	} stores[] = {
	    {1, false, 0x88},	    /* strb w3 */
	    {2, false, 0x7788},	    /* strh w3 */
	    {4, false, 0x55667788}, /* str w3 */
	    {4, true, 0x55667788},  /* str w3 reported with SF=1 */
	    {1, true, 0x88},	    /* stlrb w3 as some cores report it */
	};

	v->ctx.x[3] = 0x1122334455667788ULL;
	for (unsigned i = 0; i < ARRAY_SIZE(stores); i++) {
		v->ctx.pc = ENTRY;
		abort_isv(REC, stores[i].size, true, 3, stores[i].sf, false);
		assert_int_equal(rec.writes, i + 1);
		assert_int_equal(rec.size, stores[i].size);
		assert_int_equal(rec.off, 0);
		assert_int_equal(rec.val, stores[i].val);
	}
	assert_int_equal(v->ctx.x[3], 0x1122334455667788ULL);
	assert_emulated(ARRAY_SIZE(stores));
}

/* A load keeps only the element's bytes of the device's answer, then extends them (SSE) to
 * the register's width (SF), as the general decoder's load_value() does. */
static void test_trap_abort_isv_load_keeps_only_the_element_of_the_answer(void **state)
{
	static const struct {
		unsigned size;
		bool sf, sse;
		uint64_t reg;
	} loads[] = {
	    {1, false, false, 0x80},		    /* ldrb w5 */
	    {1, false, true, 0xffffff80},	    /* ldrsb w5 */
	    {1, true, true, 0xffffffffffffff80ULL}, /* ldrsb x5 */
	    {2, false, false, 0xf680},		    /* ldrh w5 */
	    {2, true, true, 0xfffffffffffff680ULL}, /* ldrsh x5 */
	    {4, false, false, 0xfffff680},	    /* ldr w5 */
	    {4, false, true, 0xfffff680},	    /* ldr w5 with SSE: nothing to extend */
	    {4, true, true, 0xfffffffffffff680ULL}, /* ldrsw x5 */
	    {4, true, false, 0xfffff680},	    /* ldr w5 reported with SF=1 */
	};

	for (unsigned i = 0; i < ARRAY_SIZE(loads); i++) {
		v->ctx.pc = ENTRY;
		v->ctx.x[5] = 0xdead0005;
		abort_isv(REC, loads[i].size, false, 5, loads[i].sf, loads[i].sse);
		assert_int_equal(rec.reads, i + 1);
		assert_int_equal(rec.size, loads[i].size);
		assert_int_equal(v->ctx.x[5], loads[i].reg);
	}
	assert_emulated(ARRAY_SIZE(loads));
}

/* Load-acquire and store-release (AR=1) are plain accesses for a device: the trap itself
 * orders them. */
static void test_trap_abort_isv_acquire_release_is_a_plain_access(void **state)
{
	v->ctx.x[6] = 0x1234;
	v->ctx.esr = sim_esr_dabt_isv(2, true, 6, false, false) | ESR_ISS_DABT_AR; /* stlrh w6 */
	v->ctx.far = REC + 2;
	v->ctx.hpfar = sim_hpfar(REC + 2);
	exit_handle(v, HAL_EXIT_SYNC);
	assert_int_equal(rec.writes, 1);
	assert_int_equal(rec.off, 2);
	assert_int_equal(rec.val, 0x1234);
	v->ctx.pc = ENTRY;
	v->ctx.esr = sim_esr_dabt_isv(4, false, 7, true, false) | ESR_ISS_DABT_AR; /* ldar w7 */
	v->ctx.far = REC;
	v->ctx.hpfar = sim_hpfar(REC);
	exit_handle(v, HAL_EXIT_SYNC);
	assert_int_equal(v->ctx.x[7], 0xfffff680);
	assert_emulated(2);
}

/* Naturally aligned but running past the device's end: refused as the general path refuses
 * it, the device never asked and the register untouched. */
static void test_trap_abort_isv_access_running_past_the_device_is_an_external_abort(void **state)
{
	abort_isv(REC + 4, 4, false, 5, false, false);
	assert_external_abort(REC + 4, false);
	assert_int_equal(v->ctx.x[5], 0xdead0005);
	assert_int_equal(rec.reads, 0);
	assert_non_null(strstr(sim_hal.console, "bad device access"));
}

/* --- ISV=0: the instruction decides --- */

static void test_trap_abort_post_index_store_transmits_and_writes_back(void **state)
{
	/* docs/peers.md rule 5: str w3, [x4], #4 to the UART is decoded, not refused. */
	v->ctx.x[3] = 'Q';
	v->ctx.x[4] = UART;
	abort_insn(UART, sim_a64_ldst_idx(false, 2, 3, 4, 4, SIM_A64_POST), true);
	assert_string_equal(sim_hal.console, "Q");
	assert_int_equal(v->ctx.x[4], UART + 4);
	assert_int_equal(v->ctx.x[3], 'Q');
	assert_emulated(1);
}

static void test_trap_abort_post_index_load_with_negative_offset(void **state)
{
	v->ctx.x[4] = UARTFR;
	abort_insn(UARTFR, sim_a64_ldst_idx(true, 2, 3, 4, -8, SIM_A64_POST), false);
	assert_int_equal(v->ctx.x[3], 0x90);
	assert_int_equal(v->ctx.x[4], UARTFR - 8);
	assert_emulated(1);
}

static void test_trap_abort_pre_index_doubleword_store(void **state)
{
	v->ctx.x[3] = 0x000000ab0000003fULL;
	v->ctx.x[4] = UART + 0x20;
	abort_insn(UARTFBRD, sim_a64_ldst_idx(false, 3, 3, 4, 8, SIM_A64_PRE), true);
	assert_int_equal(v->ctx.x[4], UARTFBRD);
	assert_emulated(1);
	v->ctx.pc = ENTRY;
	abort_isv(UARTLCR_H, 4, false, 5, false, false);
	assert_int_equal(v->ctx.x[5], 0xab);
}

static void test_trap_abort_ldp_fills_two_registers(void **state)
{
	v->ctx.x[3] = PERIPHID0;
	abort_insn(PERIPHID0, sim_a64_ldstp(true, false, 1, 2, 3, 0), false);
	assert_int_equal(v->ctx.x[1], 0x11);
	assert_int_equal(v->ctx.x[2], 0x10);
	assert_int_equal(v->ctx.x[3], PERIPHID0); /* no writeback */
	assert_emulated(1);

	/* X registers: each element covers two ID registers. */
	v->ctx.pc = ENTRY;
	abort_insn(PERIPHID0, sim_a64_ldstp(true, true, 5, 6, 3, 0), false);
	assert_int_equal(v->ctx.x[5], 0x0000001000000011ULL);
	assert_int_equal(v->ctx.x[6], 0x0000000000000014ULL);
}

static void test_trap_abort_stp_writes_two_registers(void **state)
{
	v->ctx.x[5] = 0x1234;
	v->ctx.x[6] = 0xffffffff;
	v->ctx.x[7] = UARTIBRD;
	abort_insn(UARTIBRD, sim_a64_ldstp(false, false, 5, 6, 7, 0), true);
	assert_emulated(1);
	v->ctx.pc = ENTRY;
	abort_isv(UARTIBRD, 4, false, 8, false, false);
	assert_int_equal(v->ctx.x[8], 0x1234);
	v->ctx.pc = ENTRY;
	abort_isv(UARTFBRD, 4, false, 8, false, false);
	assert_int_equal(v->ctx.x[8], 0x3f); /* FBRD keeps 6 bits */
}

static void test_trap_abort_pair_running_off_the_device_is_an_external_abort(void **state)
{
	v->ctx.x[3] = PCELLID3;
	abort_insn(PCELLID3, sim_a64_ldstp(true, false, 1, 2, 3, 0), false);
	assert_external_abort(PCELLID3, false);
	assert_int_equal(v->ctx.x[1], 0xdead0001);
	assert_int_equal(v->ctx.x[2], 0xdead0002);
}

/* Issue #11 item 10: LDP from RAM into the device faults on its second element (FAR = UART);
 * emulated from FAR it would read DR and FR into the wrong registers. */
static void test_trap_abort_pair_straddling_into_the_device_is_an_external_abort(void **state)
{
	v->ctx.x[3] = UART - 4;
	abort_insn(UART, sim_a64_ldstp(true, false, 1, 2, 3, 0), false);
	assert_external_abort(UART, false);
	assert_int_equal(v->ctx.x[1], 0xdead0001);
	assert_int_equal(v->ctx.x[2], 0xdead0002);
	assert_non_null(strstr(sim_hal.console, "pair starts outside the device"));

	/* The same with an offset, and a store. */
	v->ctx.pc = ENTRY;
	v->stats.abort_injected = 0;
	v->ctx.x[3] = UART - 16;
	abort_insn(UART, sim_a64_ldstp(false, true, 1, 2, 3, 8), true);
	assert_external_abort(UART, true);
}

/* FAR is the first element, reached through a signed offset: emulated. */
static void test_trap_abort_pair_with_offset_faulting_on_its_first_element_is_emulated(void **state)
{
	v->ctx.x[3] = PERIPHID0 - 8;
	abort_insn(PERIPHID0, sim_a64_ldstp(true, false, 1, 2, 3, 8), false);
	assert_emulated(1);
	assert_int_equal(v->ctx.x[1], 0x11);
	assert_int_equal(v->ctx.x[2], 0x10);
}

static void test_trap_abort_sp_as_base_writes_back_the_sp_of_the_mode(void **state)
{
	uint32_t str_sp = sim_a64_ldst_idx(false, 3, 1, 31, 8, SIM_A64_POST); /* str x1, [sp], #8 */

	v->ctx.x[1] = 'S';
	v->ctx.el1[HAL_SP_EL1] = UART;
	v->ctx.el1[HAL_SP_EL0] = 0x1111;
	v->ctx.pstate = PSTATE_M_EL1H;
	abort_insn(UART, str_sp, true);
	assert_int_equal(v->ctx.el1[HAL_SP_EL1], UART + 8);
	assert_int_equal(v->ctx.el1[HAL_SP_EL0], 0x1111);

	v->ctx.pc = ENTRY;
	v->ctx.el1[HAL_SP_EL0] = UART;
	v->ctx.pstate = PSTATE_M_EL1T;
	abort_insn(UART, str_sp, true);
	assert_int_equal(v->ctx.el1[HAL_SP_EL0], UART + 8);
	assert_int_equal(v->ctx.el1[HAL_SP_EL1], UART + 8);
	assert_string_equal(sim_hal.console, "SS");
	assert_int_equal(v->stats.mmio, 2);
}

static void test_trap_abort_exclusive_load_is_an_external_abort(void **state)
{
	v->ctx.x[2] = UARTFR;
	abort_insn(UARTFR, sim_a64_ldxr(false, 1, 2), false);
	assert_external_abort(UARTFR, false);
	assert_int_equal(v->ctx.x[1], 0xdead0001);
	assert_true(console_has_line("warning: sim: vcpu 0: read at IPA 0x9000018 (pc 0x40080000, "
				     "esr 0x92000007): instruction cannot be emulated; external "
				     "abort"));
}

static void test_trap_abort_unpredictable_writeback_is_an_external_abort(void **state)
{
	/* str x4, [x4], #8: writeback into the data register. */
	v->ctx.x[4] = UART;
	abort_insn(UART, sim_a64_ldst_idx(false, 3, 4, 4, 8, SIM_A64_POST), true);
	assert_external_abort(UART, true);
	assert_int_equal(v->ctx.x[4], UART);
	assert_int_equal(sim_hal.console_len, strlen(sim_hal.console)); /* no NUL transmitted */
	assert_true(console_has_prefix("warning: sim: vcpu 0: write at IPA 0x9000000"));
}

static void test_trap_abort_instruction_that_cannot_be_fetched_is_an_external_abort(void **state)
{
	sim_hal.va_to_ipa_fails = true; /* the guest's stage 1 does not map its own PC */
	abort_insn(UART, sim_a64_ldst_idx(false, 2, 3, 4, 4, SIM_A64_POST), true);
	assert_external_abort(UART, true);
	assert_int_equal(sim_hal.console_len, strlen(sim_hal.console));
	assert_null(strchr(sim_hal.console, '\3')); /* nothing transmitted */
}

static void test_trap_abort_pc_outside_ram_with_isv_0_is_an_external_abort(void **state)
{
	v->ctx.pc = HOLE;
	v->ctx.esr = sim_esr_dabt(false);
	v->ctx.far = UARTFR;
	v->ctx.hpfar = sim_hpfar(UARTFR);
	exit_handle(v, HAL_EXIT_SYNC);
	assert_int_equal(v->ctx.pc, VBAR + 0x200);
	assert_int_equal(v->ctx.el1[HAL_ELR_EL1], HOLE);
	assert_int_equal(v->stats.abort_injected, 1);
}

/* --- not MMIO at all --- */

static void test_trap_abort_outside_ram_and_devices_injects_abort_with_far(void **state)
{
	abort_isv(HOLE + 0x10, 4, false, 1, false, false);
	assert_external_abort(HOLE + 0x10, false);
	assert_true(console_has_line("warning: sim: vcpu 0: read at IPA 0x10000010 (pc 0x40080000, "
				     "esr 0x93810007): no RAM or device; external abort"));

	v->ctx.pc = ENTRY;
	v->stats.abort_injected = 0;
	abort_isv(HOLE, 4, true, 1, false, false);
	assert_external_abort(HOLE, true);
}

static void test_trap_abort_far_of_the_injected_abort_is_the_guest_va(void **state)
{
	v->ctx.esr = sim_esr_dabt(true);
	v->ctx.far = 0xffff000000001234ULL;
	v->ctx.hpfar = sim_hpfar(HOLE);
	exit_handle(v, HAL_EXIT_SYNC);
	assert_external_abort(0xffff000000001234ULL, true);
}

static void test_trap_abort_failing_device_access_is_an_external_abort(void **state)
{
	abort_isv(BAD_DEV + 8, 4, true, 1, false, false);
	assert_external_abort(BAD_DEV + 8, true);
	assert_true(console_has_prefix("warning: sim: vcpu 0: write at IPA 0xa000008"));
	assert_non_null(strstr(sim_hal.console, "bad device access"));
}

/* A guest with its MMU on: 4 KiB granule, 39-bit VAs (T0SZ 25: the walk starts at level 1),
 * its level-1 table at L1 in RAM. */
#define L1	     (VM_RAM_BASE + 0x10000)
#define WALK_VA	     0x40201000ULL /* level-1 index 1, level-2 index 1 */
#define TCR_4K_39BIT 25ULL
#define TABLE_DESC   3ULL

static void mmu_on(uint64_t ttbr0)
{
	v->ctx.el1[HAL_SCTLR_EL1] |= 1; /* M */
	v->ctx.el1[HAL_TCR_EL1] = TCR_4K_39BIT;
	v->ctx.el1[HAL_TTBR0_EL1] = ttbr0;
}

/* Stage 2 faulted on the guest's own table walk for WALK_VA at `desc_ipa`. */
static void walk_fault(uint64_t desc_ipa, bool insn)
{
	v->ctx.esr = (insn ? sim_esr(ESR_EC_IABT_LOW, 0) : sim_esr_dabt(false)) | ESR_ISS_S1PTW;
	v->ctx.far = WALK_VA;
	v->ctx.hpfar = sim_hpfar(desc_ipa);
	exit_handle(v, HAL_EXIT_SYNC);
}

static void test_trap_abort_guest_table_walk_is_never_mmio(void **state)
{
	/* Stage 2 faulted on the guest's own translation table walk, at the UART's IPA: its
	 * TTBR0 points there, so the level-1 descriptor is the one read. */
	mmu_on(UART);
	v->ctx.esr = sim_esr_dabt_isv(4, false, 5, false, false) | ESR_ISS_S1PTW;
	v->ctx.far = WALK_VA;
	v->ctx.hpfar = sim_hpfar(UART);
	exit_handle(v, HAL_EXIT_SYNC);
	assert_int_equal(v->ctx.pc, VBAR + 0x200);
	assert_int_equal(v->ctx.el1[HAL_ESR_EL1], 0x96000015); /* walk abort, level 1 */
	assert_int_equal(v->ctx.el1[HAL_FAR_EL1], WALK_VA);
	assert_int_equal(v->stats.mmio, 0);
	assert_int_equal(v->ctx.x[5], 0xdead0005);
	assert_non_null(strstr(sim_hal.console, "its page-table walk for VA 0x40201000 reads IPA "
						"0x9000000 (no RAM, level 1)"));
}

/* Issue #11 item 11: the guest learns at which level of its own walk memory was missing
 * (FSC 0x14 + level), not a plain external abort (FSC 0x10). */
static void test_trap_abort_guest_table_walk_abort_names_the_level(void **state)
{
	uint64_t l1_entry = TABLE_DESC | HOLE; /* its level-2 table is not in RAM */

	mmu_on(L1);
	assert_int_equal(gmem_write(m.vm, L1 + 8, &l1_entry, sizeof(l1_entry)), HV_OK);
	walk_fault(HOLE + 8, false);
	assert_int_equal(v->ctx.el1[HAL_ESR_EL1], 0x96000016); /* data, level 2 */
	assert_int_equal(v->ctx.el1[HAL_FAR_EL1], WALK_VA);
	assert_int_equal(v->stats.abort_injected, 1);

	/* An instruction fetch whose walk reads there: an instruction abort, level 2. */
	v->ctx.pc = ENTRY;
	walk_fault(HOLE + 8, true);
	assert_int_equal(v->ctx.el1[HAL_ESR_EL1], 0x86000016);
	assert_int_equal(v->stats.abort_injected, 2);
}

static void test_trap_abort_instruction_fetch_outside_ram_is_an_instruction_abort(void **state)
{
	v->ctx.pc = HOLE;
	v->ctx.esr = sim_esr_iabt();
	v->ctx.far = HOLE;
	v->ctx.hpfar = sim_hpfar(HOLE);
	exit_handle(v, HAL_EXIT_SYNC);
	assert_int_equal(v->ctx.pc, VBAR + 0x200);
	assert_int_equal(v->ctx.el1[HAL_ESR_EL1], 0x86000010);
	assert_int_equal(v->ctx.el1[HAL_FAR_EL1], HOLE);
	assert_int_equal(v->ctx.el1[HAL_ELR_EL1], HOLE);
	assert_true(console_has_line("warning: sim: vcpu 0: instruction fetch from IPA 0x10000000 "
				     "(no RAM): external abort"));
}

/* --- RAM populated on first touch (docs/memory.md) --- */

#define UNTOUCHED (VM_RAM_BASE + 3 * SZ_2M) /* a block nothing has written */

static void fault_at(uint64_t esr, uint64_t ipa)
{
	v->ctx.esr = esr;
	v->ctx.far = ipa;
	v->ctx.hpfar = sim_hpfar(ipa);
	exit_handle(v, HAL_EXIT_SYNC);
}

static void assert_retried(uint64_t pc)
{
	assert_int_equal(v->ctx.pc, pc);
	assert_int_equal(v->stats.abort_injected, 0);
	assert_int_equal(v->stats.mmio, 0);
}

static void test_trap_abort_first_touch_of_ram_populates_the_block_and_retries(void **state)
{
	const struct vm_ram *r = vm_ram_find(m.vm, UNTOUCHED);
	const uint8_t *block = (const uint8_t *)(uintptr_t)(r->pa + (UNTOUCHED - r->ipa));
	unsigned long blocks = m.vm->ram_blocks;

	assert_false(vm_ram_populated(r, UNTOUCHED));
	fault_at(sim_esr_dabt(false), UNTOUCHED + 0x1238);
	assert_retried(ENTRY);
	assert_true(vm_ram_populated(r, UNTOUCHED));
	assert_true(pgt_lookup(&m.vm->s2, UNTOUCHED + SZ_2M - 1, NULL, NULL));
	for (uint64_t i = 0; i < SZ_2M; i++) {
		if (block[i])
			fail_msg("byte 0x%llx of the block is 0x%02x", (unsigned long long)i,
				 block[i]);
	}
	/* A second vCPU that faulted on the same block before it was mapped just retries. */
	fault_at(sim_esr_dabt(true), UNTOUCHED + 0x40);
	assert_retried(ENTRY);
	assert_int_equal(m.vm->ram_blocks, blocks + 1);
	/* Stores, instruction fetches and the guest's own table walks populate alike. */
	fault_at(sim_esr_dabt(true), UNTOUCHED + SZ_2M);
	fault_at(sim_esr_dabt(false) | ESR_ISS_S1PTW, UNTOUCHED + 2 * SZ_2M);
	v->ctx.pc = UNTOUCHED + 3 * SZ_2M;
	fault_at(sim_esr_iabt(), UNTOUCHED + 3 * SZ_2M);
	assert_retried(UNTOUCHED + 3 * SZ_2M);
	assert_int_equal(m.vm->ram_blocks, blocks + 4);
	assert_int_equal(sim_hal.console_len, 0);
}

/* Nothing of AArch32 is emulated, but its first touch of RAM is served all the same. */
static void test_trap_abort_first_touch_from_aarch32_populates_too(void **state)
{
	v->ctx.pstate = PSTATE_NRW | 0x10; /* AArch32 User */
	fault_at(sim_esr_dabt(false), UNTOUCHED + 0x10);
	assert_retried(ENTRY);
	assert_true(vm_ram_populated(vm_ram_find(m.vm, UNTOUCHED), UNTOUCHED));
	assert_int_equal(v->ctx.pstate, PSTATE_NRW | 0x10);
	/* Outside RAM it is still the external abort AArch32 gets. */
	fault_at(sim_esr_dabt(false), HOLE);
	assert_int_equal(v->stats.abort_injected, 1);
}

/* Only a translation fault is a first touch, and only if populating maps the address: any
 * other fault on RAM is answered, never retried for ever. */
static void test_trap_abort_ram_fault_that_populating_cannot_cure_is_an_external_abort(void **state)
{
	fault_at(sim_esr(ESR_EC_DABT_LOW, ESR_ISS_FSC_PERM | 3), UNTOUCHED);
	assert_external_abort(UNTOUCHED, false);
	assert_false(vm_ram_populated(vm_ram_find(m.vm, UNTOUCHED), UNTOUCHED));

	/* A page that left stage 2 after its block was populated. */
	assert_int_equal(vm_ram_populate(m.vm, UNTOUCHED), HV_OK);
	assert_int_equal(pgt_unmap(&m.vm->s2, UNTOUCHED + PAGE_SIZE, PAGE_SIZE), HV_OK);
	v->ctx.pc = ENTRY;
	v->stats.abort_injected = 0;
	fault_at(sim_esr_dabt(true), UNTOUCHED + PAGE_SIZE);
	assert_external_abort(UNTOUCHED + PAGE_SIZE, true);
}

/* DC CIVAC and friends on a device page: nothing to maintain, the guest moves on. */
static void test_trap_abort_cache_maintenance_on_a_device_is_skipped(void **state)
{
	v->ctx.esr = sim_esr_dabt(true) | ESR_ISS_CM;
	v->ctx.far = UARTIBRD;
	v->ctx.hpfar = sim_hpfar(UARTIBRD);
	exit_handle(v, HAL_EXIT_SYNC);
	assert_int_equal(v->ctx.pc, ENTRY + 4);
	assert_int_equal(v->stats.abort_injected, 0);
	assert_int_equal(v->stats.mmio, 0);
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
	const struct CMUnitTest tests[] = {
	    T(test_trap_abort_cache_maintenance_on_a_device_is_skipped),
	    T(test_trap_abort_sim_encodings_match_the_assembler),
	    T(test_trap_abort_isv_byte_store_to_dr_transmits),
	    T(test_trap_abort_isv_word_load_zero_extends_into_wt_and_xt),
	    T(test_trap_abort_isv_sign_extends_when_sse_is_set),
	    T(test_trap_abort_isv_xzr_reads_zero_and_discards_loads),
	    T(test_trap_abort_isv_doubleword_covers_two_registers),
	    T(test_trap_abort_fault_ipa_comes_from_hpfar_and_far_low_bits),
	    T(test_trap_abort_isv_misaligned_access_is_an_external_abort),
	    T(test_trap_abort_isv_doubleword_into_wt_is_an_external_abort),
	    T(test_trap_abort_isv_store_gives_the_device_only_the_element),
	    T(test_trap_abort_isv_load_keeps_only_the_element_of_the_answer),
	    T(test_trap_abort_isv_acquire_release_is_a_plain_access),
	    T(test_trap_abort_isv_access_running_past_the_device_is_an_external_abort),
	    T(test_trap_abort_post_index_store_transmits_and_writes_back),
	    T(test_trap_abort_post_index_load_with_negative_offset),
	    T(test_trap_abort_pre_index_doubleword_store),
	    T(test_trap_abort_ldp_fills_two_registers),
	    T(test_trap_abort_stp_writes_two_registers),
	    T(test_trap_abort_pair_running_off_the_device_is_an_external_abort),
	    T(test_trap_abort_pair_straddling_into_the_device_is_an_external_abort),
	    T(test_trap_abort_pair_with_offset_faulting_on_its_first_element_is_emulated),
	    T(test_trap_abort_sp_as_base_writes_back_the_sp_of_the_mode),
	    T(test_trap_abort_exclusive_load_is_an_external_abort),
	    T(test_trap_abort_unpredictable_writeback_is_an_external_abort),
	    T(test_trap_abort_instruction_that_cannot_be_fetched_is_an_external_abort),
	    T(test_trap_abort_pc_outside_ram_with_isv_0_is_an_external_abort),
	    T(test_trap_abort_outside_ram_and_devices_injects_abort_with_far),
	    T(test_trap_abort_far_of_the_injected_abort_is_the_guest_va),
	    T(test_trap_abort_failing_device_access_is_an_external_abort),
	    T(test_trap_abort_guest_table_walk_is_never_mmio),
	    T(test_trap_abort_guest_table_walk_abort_names_the_level),
	    T(test_trap_abort_instruction_fetch_outside_ram_is_an_instruction_abort),
	    T(test_trap_abort_first_touch_of_ram_populates_the_block_and_retries),
	    T(test_trap_abort_first_touch_from_aarch32_populates_too),
	    T(test_trap_abort_ram_fault_that_populating_cannot_cure_is_an_external_abort),
	};
#undef T

	return cmocka_run_group_tests_name("trap_abort", tests, NULL, NULL);
}

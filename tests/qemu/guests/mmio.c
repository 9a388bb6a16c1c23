// SPDX-License-Identifier: MIT
/* Loads and stores to the vPL011 (docs/guest-abi.md, "vPL011 registers"), in every width and
 * addressing form: byte lanes, sign extension, 8-byte accesses over two registers, the forms
 * without a valid syndrome (writeback, pairs) that the hypervisor must decode, register 31 as
 * XZR (data) and as SP (base, in EL1h and EL1t). Every access is one explicit instruction in
 * inline asm; with the MMU off this is Device memory, so all of them are naturally aligned. */
#include "board.h"
#include "check.h"
#include "console.h"
#include "printf.h"

const char guest_name[] = "mmio";

#define UART(off) (GUEST_UART_BASE + (off))

#define DR	 0x000
#define RSR	 0x004 /* not in the contract: reserved */
#define FR	 0x018
#define ILPR	 0x020 /* not in the contract: reserved */
#define IBRD	 0x024
#define FBRD	 0x028
#define LCR_H	 0x02c
#define CR	 0x030
#define IFLS	 0x034
#define IMSC	 0x038
#define RIS	 0x03c
#define MIS	 0x040
#define ICR	 0x044
#define DMACR	 0x048 /* not in the contract: reserved */
#define PERIPHID 0xfe0
#define PCELLID	 0xff0

/* Loads start from this value, so a load that leaves bits alone shows. */
#define POISON 0xdeadbeefdeadbeefUL

#define LOAD(insn, addr)                                              \
	({                                                            \
		uint64_t v_ = POISON;                                 \
		asm volatile(insn : "+r"(v_) : "r"(addr) : "memory"); \
		v_;                                                   \
	})
#define STORE(insn, addr, val) asm volatile(insn : : "r"((uint64_t)(val)), "r"(addr) : "memory")

static uint64_t ldrb(uint64_t off)
{
	return LOAD("ldrb %w0, [%1]", UART(off));
}
static uint64_t ldrh(uint64_t off)
{
	return LOAD("ldrh %w0, [%1]", UART(off));
}
static uint64_t ldr_w(uint64_t off)
{
	return LOAD("ldr %w0, [%1]", UART(off));
}
static uint64_t ldr_x(uint64_t off)
{
	return LOAD("ldr %0, [%1]", UART(off));
}
static uint64_t ldrsb_w(uint64_t off)
{
	return LOAD("ldrsb %w0, [%1]", UART(off));
}
static uint64_t ldrsb_x(uint64_t off)
{
	return LOAD("ldrsb %0, [%1]", UART(off));
}
static uint64_t ldrsh_w(uint64_t off)
{
	return LOAD("ldrsh %w0, [%1]", UART(off));
}
static uint64_t ldrsh_x(uint64_t off)
{
	return LOAD("ldrsh %0, [%1]", UART(off));
}
static uint64_t ldrsw(uint64_t off)
{
	return LOAD("ldrsw %0, [%1]", UART(off));
}
static void strb(uint64_t off, uint64_t val)
{
	STORE("strb %w0, [%1]", UART(off), val);
}
static void strh(uint64_t off, uint64_t val)
{
	STORE("strh %w0, [%1]", UART(off), val);
}
static void str_w(uint64_t off, uint64_t val)
{
	STORE("str %w0, [%1]", UART(off), val);
}
static void str_x(uint64_t off, uint64_t val)
{
	STORE("str %0, [%1]", UART(off), val);
}

struct reg_value {
	uint32_t off;
	const char *name;
	uint32_t value;
};

/* Reset values, then the reserved offsets (read 0), as the contract lists them. */
static const struct reg_value reset_values[] = {
    {FR, "FR", 0x90},
    {IBRD, "IBRD", 0},
    {FBRD, "FBRD", 0},
    {LCR_H, "LCR_H", 0},
    {CR, "CR", 0x300},
    {IFLS, "IFLS", 0x12},
    {IMSC, "IMSC", 0},
    {RIS, "RIS", 0},
    {MIS, "MIS", 0},
    {DR, "DR", 0},
    {PERIPHID, "PeriphID0", 0x11},
    {PERIPHID + 4, "PeriphID1", 0x10},
    {PERIPHID + 8, "PeriphID2", 0x14},
    {PERIPHID + 12, "PeriphID3", 0x00},
    {PCELLID, "PCellID0", 0x0d},
    {PCELLID + 4, "PCellID1", 0xf0},
    {PCELLID + 8, "PCellID2", 0x05},
    {PCELLID + 12, "PCellID3", 0xb1},
    {RSR, "reserved 0x004", 0},
    {ILPR, "reserved 0x020", 0},
    {DMACR, "reserved 0x048", 0},
    {0x100, "reserved 0x100", 0},
    {0xfdc, "reserved 0xfdc", 0},
};

#define N_RESET (sizeof(reset_values) / sizeof(reset_values[0]))

static void check_reset_values(void)
{
	uint64_t got[N_RESET];

	/* Read them all before printing anything: on a real PL011 transmitting sets RIS.TX. */
	str_w(ICR, 0x7ff);
	for (unsigned int i = 0; i < N_RESET; i++)
		got[i] = ldr_w(reset_values[i].off);
	for (unsigned int i = 0; i < N_RESET; i++)
		check_eq(got[i], reset_values[i].value, "mmio: %s reads 0x%x after reset",
			 reset_values[i].name, reset_values[i].value);
}

/* Bits beyond a register's width read as 0; read-only and reserved offsets ignore writes. */
static void check_widths(void)
{
	static const struct reg_value masks[] = {
	    {IBRD, "IBRD", 0xffff}, {FBRD, "FBRD", 0x3f},  {LCR_H, "LCR_H", 0xff},
	    {IFLS, "IFLS", 0x3f},   {IMSC, "IMSC", 0x7ff},
	};
	static const struct reg_value ignored[] = {
	    {FR, "FR", 0x90},
	    {RIS, "RIS", 0},
	    {MIS, "MIS", 0},
	    {PERIPHID, "PeriphID0", 0x11},
	    {PCELLID + 12, "PCellID3", 0xb1},
	    {ILPR, "reserved 0x020", 0},
	    {DMACR, "reserved 0x048", 0},
	    {0x100, "reserved 0x100", 0},
	};

	for (unsigned int i = 0; i < sizeof(masks) / sizeof(masks[0]); i++) {
		uint64_t old = ldr_w(masks[i].off);

		str_w(masks[i].off, 0xffffffff);
		uint64_t got = ldr_w(masks[i].off);

		str_w(masks[i].off, old);
		check_eq(got, masks[i].value, "mmio: %s keeps 0x%x of 0xffffffff", masks[i].name,
			 masks[i].value);
	}
	/* CR with the enables kept on: a real PL011 stops transmitting without them. */
	uint64_t old_cr = ldr_w(CR);

	str_w(CR, 0x12345301);
	uint64_t cr = ldr_w(CR);

	str_w(CR, old_cr);
	check_eq(cr, 0x5301, "mmio: CR keeps 16 bits of 0x12345301");

	for (unsigned int i = 0; i < sizeof(ignored) / sizeof(ignored[0]); i++) {
		/* Printing the previous result set RIS.TX: clear it so the value is known. */
		str_w(ICR, 0x7ff);
		str_w(ignored[i].off, 0xffffffff);
		uint64_t got = ldr_w(ignored[i].off);

		check_eq(got, ignored[i].value, "mmio: %s ignores writes", ignored[i].name);
	}
}

/* 1- and 2-byte accesses read and write their byte lanes of the 32-bit register. */
static void check_byte_lanes(void)
{
	str_w(IBRD, 0xbeef);
	check_eq(ldrb(IBRD), 0xef, "mmio: LDRB IBRD+0 is lane 0");
	check_eq(ldrb(IBRD + 1), 0xbe, "mmio: LDRB IBRD+1 is lane 1");
	check_eq(ldrb(IBRD + 2), 0, "mmio: LDRB IBRD+2 is lane 2 (beyond the width)");
	check_eq(ldrb(IBRD + 3), 0, "mmio: LDRB IBRD+3 is lane 3 (beyond the width)");
	check_eq(ldrh(IBRD), 0xbeef, "mmio: LDRH IBRD+0 is the low half");
	check_eq(ldrh(IBRD + 2), 0, "mmio: LDRH IBRD+2 is the high half");

	strb(IBRD + 1, 0x12);
	check_eq(ldr_w(IBRD), 0x12ef, "mmio: STRB IBRD+1 writes lane 1 only");
	strb(IBRD, 0x34);
	check_eq(ldr_w(IBRD), 0x1234, "mmio: STRB IBRD+0 writes lane 0 only");
	strh(IBRD + 2, 0xabcd);
	check_eq(ldr_w(IBRD), 0x1234, "mmio: STRH IBRD+2 (beyond the width) is ignored");
	strh(IBRD, 0x5678);
	check_eq(ldr_w(IBRD), 0x5678, "mmio: STRH IBRD+0 writes the low half");

	str_w(IMSC, 0);
	strb(IMSC + 1, 0xff);
	check_eq(ldr_w(IMSC), 0x700, "mmio: STRB IMSC+1 writes bits 8-10 of the 11");
	str_w(IMSC, 0);

	check_eq(ldrb(PERIPHID + 1), 0, "mmio: LDRB PeriphID0+1 is lane 1 (0)");
	check_eq(ldrh(PCELLID + 14), 0, "mmio: LDRH PCellID3+2 is the high half (0)");
	check_eq(ldrb(PCELLID + 12), 0xb1, "mmio: LDRB PCellID3+0 is 0xb1");
	check_eq(ldrh(PCELLID + 4), 0xf0, "mmio: LDRH PCellID1+0 is 0xf0");
}

/* An 8-byte access at an 8-byte-aligned offset covers two registers, low word first. */
static void check_doubleword(void)
{
	check_eq(ldr_x(PERIPHID), 0x0000001000000011UL, "mmio: LDR X PeriphID0/1");
	check_eq(ldr_x(PCELLID + 8), 0x000000b100000005UL, "mmio: LDR X PCellID2/3");
	check_eq(ldr_x(CR), 0x0000001200000300UL, "mmio: LDR X CR/IFLS");
	str_x(FBRD, 0xffffff70ffffff2aUL);
	check_eq(ldr_w(FBRD), 0x2a, "mmio: STR X FBRD/LCR_H writes FBRD (low word)");
	check_eq(ldr_w(LCR_H), 0x70, "mmio: STR X FBRD/LCR_H writes LCR_H (high word)");
	check_eq(ldr_x(FBRD), 0x000000700000002aUL, "mmio: LDR X FBRD/LCR_H reads both");
	str_x(FBRD, 0);
}

static void check_sign_extension(void)
{
	check_eq(ldrsb_x(PCELLID + 12), 0xffffffffffffffb1UL, "mmio: LDRSB X PCellID3");
	check_eq(ldrsb_w(PCELLID + 12), 0x00000000ffffffb1UL,
		 "mmio: LDRSB W PCellID3 (upper word cleared)");
	check_eq(ldrsb_x(PCELLID + 4), 0xfffffffffffffff0UL, "mmio: LDRSB X PCellID1");
	check_eq(ldrsb_x(PCELLID), 0x0d, "mmio: LDRSB X PCellID0 (positive)");
	check_eq(ldrsh_x(PCELLID + 12), 0xb1, "mmio: LDRSH X PCellID3 (positive halfword)");
	str_w(IBRD, 0xffff);
	check_eq(ldrsh_x(IBRD), 0xffffffffffffffffUL, "mmio: LDRSH X IBRD = 0xffff");
	check_eq(ldrsh_w(IBRD), 0x00000000ffffffffUL, "mmio: LDRSH W IBRD = 0xffff");
	check_eq(ldrsw(IBRD), 0xffff, "mmio: LDRSW IBRD = 0xffff (bit 31 clear)");
	check_eq(ldrsh_x(IBRD + 2), 0, "mmio: LDRSH X IBRD+2 (beyond the width)");
	str_w(IBRD, 0x8001);
	check_eq(ldrsb_x(IBRD + 1), 0xffffffffffffff80UL, "mmio: LDRSB X IBRD+1 = 0x80");
	check_eq(ldrsh_w(IBRD), 0x00000000ffff8001UL, "mmio: LDRSH W IBRD = 0x8001");
	str_w(IBRD, 0);
}

/* Pre- and post-index: the data and the written-back base must both be right. */
static void check_writeback(void)
{
	uint64_t base, val;

	base = UART(IBRD);
	asm volatile("str %w1, [%0], #4" : "+r"(base) : "r"(0x1111UL) : "memory");
	check_eq(ldr_w(IBRD), 0x1111, "mmio: STR W post-index writes IBRD");
	check_eq(base, UART(IBRD + 4), "mmio: ... and the base moves on by 4");

	base = UART(IBRD - 4);
	asm volatile("ldr %w1, [%0, #4]!" : "+r"(base), "=r"(val) : : "memory");
	check_eq(val, 0x1111, "mmio: LDR W pre-index reads IBRD");
	check_eq(base, UART(IBRD), "mmio: ... and the base is IBRD");

	base = UART(FBRD + 4);
	asm volatile("str %w1, [%0, #-4]!" : "+r"(base) : "r"(0x15UL) : "memory");
	check_eq(ldr_w(FBRD), 0x15, "mmio: STR W pre-index (negative) writes FBRD");
	check_eq(base, UART(FBRD), "mmio: ... and the base is FBRD");

	base = UART(FBRD);
	asm volatile("ldr %w1, [%0], #-4" : "+r"(base), "=r"(val) : : "memory");
	check_eq(val, 0x15, "mmio: LDR W post-index (negative) reads FBRD");
	check_eq(base, UART(IBRD), "mmio: ... and the base moves back by 4");

	base = UART(IBRD);
	asm volatile("strb %w1, [%0], #1" : "+r"(base) : "r"(0x22UL) : "memory");
	check_eq(ldr_w(IBRD), 0x1122, "mmio: STRB post-index writes lane 0 of IBRD");
	check_eq(base, UART(IBRD + 1), "mmio: ... and the base moves on by 1");

	base = UART(IBRD - 2);
	asm volatile("ldrh %w1, [%0, #2]!" : "+r"(base), "=r"(val) : : "memory");
	check_eq(val, 0x1122, "mmio: LDRH pre-index reads IBRD");
	check_eq(base, UART(IBRD), "mmio: ... and the base is IBRD");

	base = UART(PCELLID + 12);
	asm volatile("ldrsb %1, [%0], #-12" : "+r"(base), "=r"(val) : : "memory");
	check_eq(val, 0xffffffffffffffb1UL, "mmio: LDRSB X post-index reads PCellID3");
	check_eq(base, UART(PCELLID), "mmio: ... and the base moves back by 12");

	base = UART(PERIPHID - 8);
	asm volatile("ldr %1, [%0, #8]!" : "+r"(base), "=r"(val) : : "memory");
	check_eq(val, 0x0000001000000011UL, "mmio: LDR X pre-index reads PeriphID0/1");
	check_eq(base, UART(PERIPHID), "mmio: ... and the base is PeriphID0");
	str_w(IBRD, 0);
	str_w(FBRD, 0);
}

static void check_register_offset(void)
{
	uint64_t val;

	str_w(IBRD, 0x4242);
	asm volatile("ldr %w0, [%1, %2, lsl #2]"
		     : "=&r"(val)
		     : "r"(UART(0)), "r"(IBRD / 4UL)
		     : "memory");
	check_eq(val, 0x4242, "mmio: LDR W [base, index, lsl #2]");
	asm volatile("ldr %w0, [%1, %w2, uxtw #2]"
		     : "=&r"(val)
		     : "r"(UART(0)), "r"(IBRD / 4UL)
		     : "memory");
	check_eq(val, 0x4242, "mmio: LDR W [base, windex, uxtw #2]");
	asm volatile("ldr %w0, [%1, %w2, sxtw #2]"
		     : "=&r"(val)
		     : "r"(UART(CR)), "r"((uint64_t)(uint32_t)-3)
		     : "memory");
	check_eq(val, 0x4242, "mmio: LDR W [base, windex, sxtw #2] with a negative index");
	asm volatile("str %w0, [%1, %2]" : : "r"(0x2bUL), "r"(UART(ILPR)), "r"(8UL) : "memory");
	check_eq(ldr_w(FBRD), 0x2b, "mmio: STR W [base, index]");
	asm volatile("ldrsb %0, [%1, %2]" : "=&r"(val) : "r"(UART(PCELLID)), "r"(12UL) : "memory");
	check_eq(val, 0xffffffffffffffb1UL, "mmio: LDRSB X [base, index]");
	asm volatile("ldr %0, [%1, %2, lsl #3]"
		     : "=&r"(val)
		     : "r"(UART(0)), "r"(PERIPHID / 8UL)
		     : "memory");
	check_eq(val, 0x0000001000000011UL, "mmio: LDR X [base, index, lsl #3]");
	str_w(IBRD, 0);
	str_w(FBRD, 0);
}

static void check_unscaled(void)
{
	uint64_t val;

	asm volatile("stur %w0, [%1, #-4]" : : "r"(0x3333UL), "r"(UART(FBRD)) : "memory");
	check_eq(ldr_w(IBRD), 0x3333, "mmio: STUR W with offset -4 writes IBRD");
	asm volatile("ldur %w0, [%1, #-4]" : "=&r"(val) : "r"(UART(FBRD)) : "memory");
	check_eq(val, 0x3333, "mmio: LDUR W with offset -4 reads IBRD");
	asm volatile("ldurb %w0, [%1, #-3]" : "=&r"(val) : "r"(UART(FBRD)) : "memory");
	check_eq(val, 0x33, "mmio: LDURB with offset -3 reads lane 1 of IBRD");
	asm volatile("ldursb %0, [%1, #-4]" : "=&r"(val) : "r"(UART(PCELLID + 16)) : "memory");
	check_eq(val, 0xffffffffffffffb1UL, "mmio: LDURSB X with offset -4 reads PCellID3");
	asm volatile("ldur %0, [%1, #-8]" : "=&r"(val) : "r"(UART(PERIPHID + 8)) : "memory");
	check_eq(val, 0x0000001000000011UL, "mmio: LDUR X with offset -8 reads PeriphID0/1");
	str_w(IBRD, 0);
}

static void check_pairs(void)
{
	uint64_t a, b, base;

	asm volatile("stp %w0, %w1, [%2]"
		     :
		     : "r"(0x5151UL), "r"(0xffUL), "r"(UART(IBRD))
		     : "memory");
	check_eq(ldr_w(IBRD), 0x5151, "mmio: STP W writes IBRD");
	check_eq(ldr_w(FBRD), 0x3f, "mmio: ... and FBRD (6 bits of 0xff)");
	asm volatile("ldp %w0, %w1, [%2]" : "=&r"(a), "=&r"(b) : "r"(UART(IBRD)) : "memory");
	check_eq(a, 0x5151, "mmio: LDP W reads IBRD");
	check_eq(b, 0x3f, "mmio: ... and FBRD");

	base = UART(LCR_H);
	asm volatile("stp %w1, %w2, [%0, #-8]!"
		     : "+r"(base)
		     : "r"(0x6161UL), "r"(0x11UL)
		     : "memory");
	check_eq(ldr_w(IBRD), 0x6161, "mmio: STP W pre-index writes IBRD");
	check_eq(ldr_w(FBRD), 0x11, "mmio: ... and FBRD");
	check_eq(base, UART(IBRD), "mmio: ... and the base is IBRD");
	asm volatile("ldp %w1, %w2, [%0], #8" : "+r"(base), "=&r"(a), "=&r"(b) : : "memory");
	check_eq(a, 0x6161, "mmio: LDP W post-index reads IBRD");
	check_eq(b, 0x11, "mmio: ... and FBRD");
	check_eq(base, UART(LCR_H), "mmio: ... and the base moves on by 8");

	/* 64-bit pairs: four registers; 0x020 is reserved (reads 0, ignores writes). */
	asm volatile("stp %0, %1, [%2]"
		     :
		     : "r"(0x00007171ffffffffUL), "r"(0x000000600000002cUL), "r"(UART(ILPR))
		     : "memory");
	check_eq(ldr_w(IBRD), 0x7171, "mmio: STP X writes IBRD (high word of the first)");
	check_eq(ldr_w(FBRD), 0x2c, "mmio: ... FBRD (low word of the second)");
	check_eq(ldr_w(LCR_H), 0x60, "mmio: ... LCR_H (high word of the second)");
	asm volatile("ldp %0, %1, [%2]" : "=&r"(a), "=&r"(b) : "r"(UART(ILPR)) : "memory");
	check_eq(a, 0x0000717100000000UL, "mmio: LDP X reads reserved 0x020 and IBRD");
	check_eq(b, 0x000000600000002cUL, "mmio: ... and FBRD and LCR_H");
	asm volatile("ldp %0, %1, [%2]" : "=&r"(a), "=&r"(b) : "r"(UART(PCELLID)) : "memory");
	check_eq(a, 0x000000f00000000dUL, "mmio: LDP X reads PCellID0/1");
	check_eq(b, 0x000000b100000005UL, "mmio: ... and PCellID2/3");

	asm volatile("ldpsw %0, %1, [%2]" : "=&r"(a), "=&r"(b) : "r"(UART(PCELLID + 8)) : "memory");
	check_eq(a, 0x05, "mmio: LDPSW reads PCellID2");
	check_eq(b, 0xb1, "mmio: ... and PCellID3");
	str_w(IBRD, 0);
	str_w(FBRD, 0);
	str_w(LCR_H, 0);
}

static void check_acquire_release(void)
{
	uint64_t val;

	asm volatile("stlr %w0, [%1]" : : "r"(0x8181UL), "r"(UART(IBRD)) : "memory");
	check_eq(ldr_w(IBRD), 0x8181, "mmio: STLR W writes IBRD");
	asm volatile("ldar %w0, [%1]" : "=&r"(val) : "r"(UART(IBRD)) : "memory");
	check_eq(val, 0x8181, "mmio: LDAR W reads IBRD");
	asm volatile("stlrh %w0, [%1]" : : "r"(0x9191UL), "r"(UART(IBRD)) : "memory");
	check_eq(ldr_w(IBRD), 0x9191, "mmio: STLRH writes IBRD");
	asm volatile("ldarb %w0, [%1]" : "=&r"(val) : "r"(UART(PCELLID + 12)) : "memory");
	check_eq(val, 0xb1, "mmio: LDARB reads PCellID3");
	asm volatile("ldar %0, [%1]" : "=&r"(val) : "r"(UART(PERIPHID)) : "memory");
	check_eq(val, 0x0000001000000011UL, "mmio: LDAR X reads PeriphID0/1");
	str_w(IBRD, 0);
}

/* Register 31 as the data register is XZR, never SP: stores write 0, loads are dropped. */
static void check_zero_register(void)
{
	uint64_t sp_before, sp_after, val;

	str_w(IBRD, 0x1234);
	asm volatile("str wzr, [%0]" : : "r"(UART(IBRD)) : "memory");
	check_eq(ldr_w(IBRD), 0, "mmio: STR WZR clears IBRD");
	str_w(IBRD, 0x1234);
	str_w(FBRD, 0x12);
	asm volatile("stp wzr, wzr, [%0]" : : "r"(UART(IBRD)) : "memory");
	check_eq(ldr_w(IBRD), 0, "mmio: STP WZR, WZR clears IBRD");
	check_eq(ldr_w(FBRD), 0, "mmio: ... and FBRD");

	asm volatile("mov %0, sp\n\tldr wzr, [%2]\n\tmov %1, sp"
		     : "=&r"(sp_before), "=&r"(sp_after)
		     : "r"(UART(PCELLID + 12))
		     : "memory");
	check_eq(sp_after, sp_before, "mmio: LDR WZR leaves SP alone");
	asm volatile("mov %0, sp\n\tldp xzr, %2, [%3]\n\tmov %1, sp"
		     : "=&r"(sp_before), "=&r"(sp_after), "=&r"(val)
		     : "r"(UART(PERIPHID))
		     : "memory");
	check_eq(val, 0x14, "mmio: LDP XZR, X reads PeriphID2/3 into the second register");
	check_eq(sp_after, sp_before, "mmio: ... and leaves SP alone");
}

/* SP as the base register (Rn = 31): the stack pointer of the mode the access came from.
 * SP stays 16-byte aligned, as SCTLR_EL1.SA may require. */
static void check_sp_base(void)
{
	uint64_t saved, val, after;

	/* EL1h: SP_EL1 points at the vPL011 for one instruction. */
	asm volatile("mov %0, sp\n\tmov sp, %3\n\tldr %1, [sp], #16\n\tmov %2, sp\n\tmov sp, %0"
		     : "=&r"(saved), "=&r"(val), "=&r"(after)
		     : "r"(UART(PERIPHID))
		     : "memory");
	check_eq(val, 0x0000001000000011UL, "mmio: LDR X [SP], #16 in EL1h reads PeriphID0/1");
	check_eq(after, UART(PERIPHID + 16), "mmio: ... and SP_EL1 moves on by 16");

	/* EL1t: through SP_EL0 (an exception meanwhile would still run on SP_EL1). */
	uint64_t old_cr = ldr_w(CR);

	asm volatile("msr spsel, #0\n\tmov sp, %1\n\tstr %w2, [sp, #-16]!\n\tmov %0, sp\n\t"
		     "msr spsel, #1"
		     : "=&r"(after)
		     : "r"(UART(CR + 16)), "r"(0x301UL)
		     : "memory");
	val = ldr_w(CR);
	str_w(CR, old_cr);
	check_eq(val, 0x301, "mmio: STR W [SP, #-16]! in EL1t writes CR");
	check_eq(after, UART(CR), "mmio: ... and SP_EL0 is CR");
}

/* DR transmits the low 8 bits of a store of any width; the QEMU case expects this line. */
static void print_dr_width_marker(void)
{
	console_write("mmio: DR widths: STRB=");
	strb(DR, 'b');
	console_write(" STRH=");
	strh(DR, 0x4100 | 'h');
	console_write(" STRW=");
	str_w(DR, 0x41414100 | 'w');
	console_write(" STRX=");
	str_x(DR, 0x4141414141414100UL | 'x');
	console_write(" STPW=");
	asm volatile("stp %w0, wzr, [%1]" : : "r"((uint64_t)'p'), "r"(UART(DR)) : "memory");
	console_write(" STRpost=");
	uint64_t base = UART(DR);

	asm volatile("str %w1, [%0], #4" : "+r"(base) : "r"((uint64_t)'i') : "memory");
	console_write(" end\n");
	check_eq(base, UART(DR + 4), "mmio: DR written by STRB, STRH, STR W/X, STP, post-index");
}

int main(void)
{
	check_reset_values();
	check_widths();
	check_byte_lanes();
	check_doubleword();
	check_sign_extension();
	check_writeback();
	check_register_offset();
	check_unscaled();
	check_pairs();
	check_acquire_release();
	check_zero_register();
	check_sp_base();
	print_dr_width_marker();
	return 0;
}

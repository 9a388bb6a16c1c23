// SPDX-License-Identifier: MIT
/* Guest RAM on demand (docs/memory.md): the hypervisor maps each 2 MiB block of RAM on its
 * first touch, zeroed. Reads before any write find zeros everywhere (below and after the image,
 * in every untouched block, after the DTB in its block), writes to every block stay, and an
 * instruction fetch from an untouched block runs the zeros there (UDF #0: UNDEFINED, taken at
 * EL1 by this guest) rather than an abort. Passes on plain QEMU too, whose RAM starts zeroed. */
#include <stdbool.h>

#include "board.h"
#include "check.h"
#include "entry.h"
#include "exception.h"
#include "printf.h"
#include "sysreg.h"

const char guest_name[] = "ram";

#define BLOCK	     0x200000UL
#define BLOCKS	     (GUEST_RAM_SIZE / BLOCK)
#define FETCH_BLOCK  3		 /* left untouched for the instruction fetch */
#define WHOLE_BLOCK  2		 /* read word by word */
#define FDT_MAGIC_BE 0xedfe0dd0U /* 0xd00dfeed as a little-endian load sees it */

static uint64_t rd(uint64_t addr)
{
	return *(volatile const uint64_t *)addr;
}

/* How many words of [from, to) are not zero (MMU off: Device memory, aligned loads only). */
static uint64_t nonzero_words(uint64_t from, uint64_t to)
{
	uint64_t bad = 0;

	for (uint64_t a = from; a < to; a += 8)
		bad += rd(a) != 0;
	return bad;
}

static uint64_t block_base(unsigned n)
{
	return GUEST_RAM_BASE + n * BLOCK;
}

static uint32_t be32(uint32_t v)
{
	return __builtin_bswap32(v);
}

int main(void)
{
	uint64_t dtb = boot_state.x[0], image_end = ((uint64_t)_end + 7) & ~7UL;
	unsigned last = BLOCKS - 1, bad_blocks = 0, lost = 0;
	void (*fetch)(void) = (void (*)(void))block_base(FETCH_BLOCK);

	check_eq(nonzero_words(GUEST_RAM_BASE, GUEST_RAM_BASE + GUEST_TEXT_OFFSET), 0,
		 "ram: the 512 KiB below the image read as zeros");
	check_eq(nonzero_words(image_end, block_base(1)), 0,
		 "ram: the image's block reads as zeros after the image (0x%lx)", image_end);

	/* Under the hypervisor x0 is the DTB at the start of the top block; plain QEMU may put
	 * it elsewhere, and then there is nothing to check about its block. */
	if (dtb == block_base(last) && *(volatile const uint32_t *)dtb == FDT_MAGIC_BE) {
		uint64_t size = be32(*(volatile const uint32_t *)(dtb + 4));

		check_eq(nonzero_words((dtb + size + 7) & ~7UL, dtb + BLOCK), 0,
			 "ram: the DTB's block reads as zeros after the DTB (%lu bytes)", size);
	} else {
		check_skip("no DTB at the top block", "ram: the DTB's block is zero after it");
		last = BLOCKS;
	}

	/* Every other block, first touch by a load: first, middle and last word. */
	for (unsigned n = 1; n < last; n++) {
		uint64_t b = block_base(n);

		if (n == FETCH_BLOCK)
			continue;
		if (rd(b) || rd(b + BLOCK / 2) || rd(b + BLOCK - 8))
			bad_blocks++;
	}
	check_eq(bad_blocks, 0, "ram: %u untouched blocks read as zeros", last - 2);
	check_eq(nonzero_words(block_base(WHOLE_BLOCK), block_base(WHOLE_BLOCK + 1)), 0,
		 "ram: every word of block %u reads as zero", WHOLE_BLOCK);

	/* Writes to every populated block stay (no block is populated twice). */
	for (unsigned n = 1; n < last; n++) {
		if (n != FETCH_BLOCK)
			*(volatile uint64_t *)(block_base(n) + 8 * n) = 0x5a5a000000000000UL | n;
	}
	for (unsigned n = 1; n < last; n++) {
		if (n != FETCH_BLOCK && rd(block_base(n) + 8 * n) != (0x5a5a000000000000UL | n))
			lost++;
	}
	check_eq(lost, 0, "ram: a write to each block reads back");

	/* The first touch of a block is an instruction fetch: it runs the zeros there. */
	exc_expect(EXC_RESUME_DEFAULT);
	fetch();
	exc_expect_none();
	check_eq(exc_seen.count, 1, "ram: a fetch from an untouched block takes one exception");
	check_eq(ESR_EC(exc_seen.esr), ESR_EC_UNKNOWN,
		 "ram: ... UNDEFINED (UDF #0: the block is zeros), not an abort");
	check_eq(exc_seen.elr, block_base(FETCH_BLOCK), "ram: ... at the block's first word");
	check_eq(nonzero_words(block_base(FETCH_BLOCK), block_base(FETCH_BLOCK) + 4096), 0,
		 "ram: the fetched block's first page reads as zeros");
	return 0;
}

// SPDX-License-Identifier: MIT
/* The state a guest is entered in (docs/guest-abi.md, "Board"): EL1h, DAIF masked, MMU and
 * data cache off, x1-x3 = 0, the image placed whole at RAM base + text_offset. */
#include "board.h"
#include "check.h"
#include "entry.h"
#include "printf.h"
#include "sysreg.h"

const char guest_name[] = "boot";

int main(void)
{
	const struct boot_state *b = &boot_state;
	volatile uint64_t *last_word = (volatile uint64_t *)(GUEST_RAM_END - 8);

	printf("boot: entered at 0x%lx with x0 0x%lx\n", b->entry_pc, b->x[0]);
	check_eq(b->current_el, CURRENTEL_EL1, "boot: entered at EL1");
	check_eq(b->spsel, 1, "boot: entered with SP_EL1 selected (EL1h)");
	check_eq(b->daif, DAIF_ALL, "boot: entered with D, A, I and F masked");
	check_eq(b->sctlr & (SCTLR_M | SCTLR_C), 0, "boot: entered with MMU and data cache off");
	check_eq(b->entry_pc, GUEST_RAM_BASE + GUEST_TEXT_OFFSET,
		 "boot: image placed at RAM base + text_offset");
	/* x0 is 0 until the hypervisor writes guest DTBs; then it must point into RAM. */
	check(b->x[0] == 0 || (b->x[0] >= GUEST_RAM_BASE && b->x[0] < GUEST_RAM_END),
	      "boot: x0 is 0 or a RAM address (0x%lx)", b->x[0]);
	check_eq(b->x[1], 0, "boot: x1 is 0");
	check_eq(b->x[2], 0, "boot: x2 is 0");
	check_eq(b->x[3], 0, "boot: x3 is 0");
	check_eq(image_end_marker, IMAGE_END_MAGIC, "boot: the last word of the image arrived");
	*last_word = 0x0123456789abcdefUL;
	check_eq(*last_word, 0x0123456789abcdefUL, "boot: the last word of RAM (0x%lx) is RAM",
		 GUEST_RAM_END - 8);
	return 0;
}

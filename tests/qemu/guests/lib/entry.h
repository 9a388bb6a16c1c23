/* SPDX-License-Identifier: MIT */
#ifndef GUEST_ENTRY_H
#define GUEST_ENTRY_H

#include <stdint.h>

/* The machine state at the first instruction, saved by entry.S before anything changes it.
 * Field offsets are used by entry.S: keep them in step. */
struct boot_state {
	uint64_t x[4];	     /* x0 (DTB IPA or 0), x1-x3 */
	uint64_t daif;	     /* DAIF as entered */
	uint64_t current_el; /* CurrentEL */
	uint64_t spsel;	     /* SPSel: 1 = EL1h */
	uint64_t sctlr;	     /* SCTLR_EL1 */
	uint64_t entry_pc;   /* where the first instruction ran */
};

extern const struct boot_state boot_state;

/* The last word of the loaded image (.data), with this value: the whole image arrived. */
#define IMAGE_END_MAGIC 0x1e5c0de5e7a11ed5UL
extern const uint64_t image_end_marker;

/* Link-time bounds of the image (guest.ld). */
extern char _start[], _etext[], _end[];

/* Each guest defines its name, used in its summary line. */
extern const char guest_name[];

/* Each guest's checks; returning from main() calls guest_finish(). */
int main(void);

#endif

/* SPDX-License-Identifier: MIT */
#ifndef TARGET_LAYOUT_H
#define TARGET_LAYOUT_H

/* Numbers shared by the assembly and C of target/. */

/* Where the image is linked and, through the Image header's text_offset, where QEMU and
 * booti-style loaders put it: 2 MiB above the base of QEMU virt's RAM. */
#define TARGET_RAM_BASE	   0x40000000
#define TARGET_TEXT_OFFSET 0x200000

#define TARGET_MAX_CPUS	  64 /* == HV_MAX_CPUS, checked in main.c */
#define TARGET_STACK_SIZE 0x4000

/* The register frame saved by target/vectors.S, in 8-byte slots. */
#define FRAME_X0    0
#define FRAME_SP    31
#define FRAME_ELR   32
#define FRAME_SPSR  33
#define FRAME_ESR   34
#define FRAME_FAR   35
#define FRAME_SLOTS 36
#define FRAME_SIZE  (FRAME_SLOTS * 8)

#endif

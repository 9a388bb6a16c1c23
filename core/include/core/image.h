/* SPDX-License-Identifier: MIT */
#ifndef CORE_IMAGE_H
#define CORE_IMAGE_H

#include <stddef.h>
#include <stdint.h>

struct vm;

/* Placing a guest kernel image in a VM's RAM. An image with an arm64 Linux `Image` header
 * (Documentation/arch/arm64/booting.rst) goes to RAM base + text_offset (its 2 MiB-aligned
 * base is the VM's RAM base) and reserves image_size bytes; a raw image (no header) goes to
 * RAM base + IMAGE_RAW_OFFSET, where position-independent test images expect it. */
#define IMAGE_RAW_OFFSET 0x80000ULL

struct image_info {
	uint64_t load_ipa; /* where it goes, and the entry point */
	uint64_t size;	   /* bytes copied */
	uint64_t reserve;  /* bytes it owns from load_ipa on (image_size, or its file size) */
	int has_header;
};

/* Work out where `size` bytes of `img` go in a VM with RAM [ram_base, ram_base+ram_size).
 * HV_EINVAL for a header with bad fields (big-endian kernel, text_offset not 4 KiB aligned),
 * HV_ERANGE if the image does not fit. */
int image_place(const void *img, size_t size, uint64_t ram_base, uint64_t ram_size,
		struct image_info *info);

/* image_place() and then copy the image into the VM through guest-memory access. */
int image_load(struct vm *vm, const void *img, size_t size, uint64_t ram_base, uint64_t ram_size,
	       struct image_info *info);

#endif

// SPDX-License-Identifier: MIT
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "host_mem.h"

#define HOST_MEM_POISON 0xa5

void *host_mem_alloc(size_t size, size_t align)
{
	/* aligned_alloc() wants a size that is a multiple of the alignment. */
	size_t rounded = (size + align - 1) & ~(align - 1);
	void *mem = aligned_alloc(align, rounded);

	assert_non_null(mem);
	memset(mem, HOST_MEM_POISON, rounded);
	return mem;
}

void host_mem_free(void *mem)
{
	free(mem);
}

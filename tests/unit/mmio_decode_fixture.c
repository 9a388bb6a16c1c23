// SPDX-License-Identifier: MIT
/* Shared MMIO decoder test helpers: see mmio_decode_fixture.h. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <core/mmio.h>

#include "mmio_decode_fixture.h"

struct mmio_access mmiofx_expected(const struct dec_case *c)
{
	struct mmio_access a = {
	    .size = c->size,
	    .count = c->flags & PAIR ? 2 : 1,
	    .write = c->flags & ST,
	    .sign_extend = c->flags & SX,
	    .reg64 = c->flags & X64,
	    .acq_rel = c->flags & AR,
	    .rt = c->rt,
	    .rt2 = c->flags & PAIR ? c->rt2 : ZR,
	    .rn = c->rn,
	    .writeback = c->flags & WB,
	    .wb_offset = c->wb_offset,
	};
	return a;
}

void mmiofx_expect_access(const struct mmio_access *got, const struct mmio_access *want,
			  uint32_t insn, const char *what)
{
#define SAME(f)                                                                      \
	do {                                                                         \
		if ((int64_t)got->f != (int64_t)want->f)                             \
			fail_msg("%08x (%s): " #f " is %lld, want %lld", insn, what, \
				 (long long)got->f, (long long)want->f);             \
	} while (0)
	SAME(size);
	SAME(count);
	SAME(write);
	SAME(sign_extend);
	SAME(reg64);
	SAME(acq_rel);
	SAME(rt);
	SAME(rt2);
	SAME(rn);
	SAME(writeback);
	SAME(wb_offset);
#undef SAME
}

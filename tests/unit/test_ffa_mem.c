// SPDX-License-Identifier: MIT
/* Tests of the FF-A memory sharing calls (core/ffa_mem.c and core/ffa_mem_s2.c, docs/ffa.md
 * "Memory sharing") between two simulated VMs, endpoints 1 (A, the lender) and 2 (B): each
 * round trip with the data checked through both stage 2s, what each step does to them (the
 * lender's pages unmapped or kept, the borrower's window, break-before-make with a TLB
 * invalidation), a VM stopping on either side, and hostile descriptors answered with FF-A
 * errors. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include <core/err.h>
#include <core/ffa.h>
#include <core/gmem.h>
#include <core/lib.h>
#include <core/pgtable.h>
#include <core/vm.h>
#include <core/vmconfig.h>
#include <hal-sim/sim_hal.h>
#include <hal/mem.h>
#include <sim/sim.h>

#include "../../core/ffa_mem_desc.h"
#include "../../core/ffa_mem_s2.h"

#define TX    (VM_RAM_BASE + 0x100000)
#define RX    (VM_RAM_BASE + 0x101000)
#define P     (VM_RAM_BASE + 0x200000)			/* a page in the second block */
#define Q     (VM_RAM_BASE + 0x600000)			/* a page in a block nobody touched */
#define ALIAS (FFA_MEM_WINDOW_BASE + (P - VM_RAM_BASE)) /* where B sees A's P */

static struct sim_machine a, b;
static struct vmconfig cfg;
static uint64_t x[FFA_REGS];

static void call(struct vm *vm, uint32_t fid, uint64_t a1, uint64_t a2, uint64_t a3)
{
	memset(x, 0, sizeof(x));
	x[0] = fid;
	x[1] = a1;
	x[2] = a2;
	x[3] = a3;
	assert_true(ffa_handle(vm == a.vm ? a.vcpu : b.vcpu, x));
}

/* A macro, so that a failure names the line of the case. */
#define assert_error(status)                               \
	do {                                               \
		assert_int_equal(x[0], FFA_ERROR);         \
		assert_int_equal((int32_t)x[2], (status)); \
	} while (0)

static int setup(void **state)
{
	static const uint32_t prog[] = {SIM_A64_HVC0};

	sim_hal_reset();
	assert_int_equal(sim_machine_init(&a, NULL), HV_OK);
	assert_int_equal(sim_machine_init(&b, NULL), HV_OK);
	assert_int_equal(sim_machine_load_program(&a, prog, 1), HV_OK);
	assert_int_equal(sim_machine_load_program(&b, prog, 1), HV_OK);
	memset(&cfg, 0, sizeof(cfg));
	cfg.count = 2;
	cfg.vm[0].vcpus = 1;
	cfg.vm[1].vcpus = 1;
	ffa_part_init(&cfg);
	ffa_mem_init();
	a.vm->ffa.id = 1;
	b.vm->ffa.id = 2;
	ffa_mem_vm_start(a.vm);
	ffa_mem_vm_start(b.vm);
	call(a.vm, FFA_RXTX_MAP_64, TX, RX, 1);
	assert_int_equal(x[0], FFA_SUCCESS_32);
	call(b.vm, FFA_RXTX_MAP_64, TX, RX, 1);
	assert_int_equal(x[0], FFA_SUCCESS_32);
	return 0;
}

static int teardown(void **state)
{
	ffa_mem_vm_gone(a.vm);
	ffa_mem_vm_gone(b.vm);
	ffa_part_init(NULL);
	sim_machine_destroy(&b);
	sim_machine_destroy(&a);
	return 0;
}

/* --- descriptors written into a VM's TX --- */

static uint8_t d[512];

static void put(size_t off, uint64_t v, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		d[off + i] = (uint8_t)(v >> (8 * i));
}

static uint64_t get(const uint8_t *p, unsigned n)
{
	uint64_t v = 0;

	for (unsigned i = 0; i < n; i++)
		v |= (uint64_t)p[i] << (8 * i);
	return v;
}

/* A v1.1 send descriptor from `sender` to endpoint `to`: one range of `pages` at `addr`. */
static size_t send_desc(uint16_t sender, uint16_t to, enum ffa_mem_op op, uint64_t addr,
			uint32_t pages)
{
	memset(d, 0, sizeof(d));
	put(0, sender, 2);
	put(2, op == FFA_MEM_OP_SHARE ? FFA_ATTR_NORMAL_WB_INNER : 0, 2);
	put(24, 16, 4);
	put(28, 1, 4);
	put(32, 48, 4);
	put(48, to, 2);
	d[50] = op == FFA_MEM_OP_DONATE ? 0 : FFA_PERM(FFA_DATA_RW, 0);
	put(52, 64, 4);
	put(64, pages, 4);
	put(68, 1, 4);
	put(80, addr, 8);
	put(88, pages, 4);
	return 96;
}

static const uint32_t send_fid[] = {0, FFA_MEM_SHARE_32, FFA_MEM_LEND_32, FFA_MEM_DONATE_32};

/* Write the descriptor into `vm`'s TX and make the call; the answer is in x[]. */
static void send_call(struct vm *vm, uint32_t fid, size_t len)
{
	assert_int_equal(gmem_write(vm, TX, d, len), HV_OK);
	call(vm, fid, len, len, 0);
}

static uint64_t send(enum ffa_mem_op op, uint64_t addr, uint32_t pages)
{
	send_call(a.vm, send_fid[op], send_desc(1, 2, op, addr, pages));
	assert_int_equal(x[0], FFA_SUCCESS_32);
	assert_true(x[3] & (1U << 31)); /* handle bit 63: the hypervisor allocated it */
	return x[2] | x[3] << 32;
}

static size_t retrieve_desc(uint64_t handle, uint16_t lender, uint16_t who, uint8_t perm)
{
	memset(d, 0, sizeof(d));
	put(0, lender, 2);
	put(8, handle, 8);
	put(24, 16, 4);
	put(28, 1, 4);
	put(32, 48, 4);
	put(48, who, 2);
	d[50] = perm;
	return 64;
}

/* B retrieves: the answer, then the response read from its RX (released again). */
static void retrieve(uint64_t handle, uint8_t perm, uint8_t resp[128])
{
	send_call(b.vm, FFA_MEM_RETRIEVE_REQ_32, retrieve_desc(handle, 1, 2, perm));
	assert_int_equal(x[0], FFA_MEM_RETRIEVE_RESP);
	assert_int_equal(x[1], 48 + 16 + 16 + 16);
	assert_int_equal(x[2], x[1]);
	assert_int_equal(gmem_read(b.vm, RX, resp, 128), HV_OK);
	call(b.vm, FFA_RX_RELEASE, 0, 0, 0);
	assert_int_equal(x[0], FFA_SUCCESS_32);
}

static int relinquish(struct vm *vm, uint64_t handle, uint16_t who)
{
	memset(d, 0, sizeof(d));
	put(0, handle, 8);
	put(12, 1, 4);
	put(16, who, 2);
	send_call(vm, FFA_MEM_RELINQUISH, 18);
	return x[0] == FFA_SUCCESS_32 ? 0 : (int32_t)x[2];
}

static int reclaim(uint64_t handle, uint32_t flags)
{
	call(a.vm, FFA_MEM_RECLAIM, (uint32_t)handle, handle >> 32, flags);
	return x[0] == FFA_SUCCESS_32 ? 0 : (int32_t)x[2];
}

/* What a VM's stage 2 maps at `ipa`: the host pointer, or NULL; its flags in *flags. */
static uint8_t *mapped(struct vm *vm, uint64_t ipa, unsigned *flags)
{
	uint64_t pa;
	unsigned f;

	if (!pgt_lookup(&vm->s2, ipa, &pa, &f))
		return NULL;
	if (flags)
		*flags = f;
	return hal_phys_to_ptr(pa);
}

/* --- round trips --- */

static void test_ffa_mem_share_round_trip_data_on_both_sides(void **state)
{
	uint8_t resp[128];
	unsigned flags;
	uint64_t h;
	uint8_t *pb;

	assert_int_equal(gmem_write(a.vm, P, "lender", 7), HV_OK);
	h = send(FFA_MEM_OP_SHARE, P, 2);
	assert_non_null(mapped(a.vm, P, NULL)); /* a share keeps the lender's access */
	assert_null(mapped(b.vm, ALIAS, NULL));
	retrieve(h, 0, resp);
	/* The response: sender 1, the handle, one borrower with RW/NX, one range in B's window. */
	assert_int_equal(get(resp, 2), 1);
	assert_int_equal(get(resp + 8, 8), h);
	assert_int_equal(get(resp + 4, 4), FFA_MEM_OP_SHARE << FFA_RETRIEVE_FLAG_TYPE_SHIFT);
	assert_int_equal(get(resp + 48, 2), 2);
	assert_int_equal(resp[50], FFA_PERM(FFA_DATA_RW, FFA_INSTR_NX));
	assert_int_equal(get(resp + 64, 4), 2);
	assert_int_equal(get(resp + 80, 8), ALIAS);
	assert_int_equal(get(resp + 88, 4), 2);
	/* B sees A's bytes at the alias, read/write, not executable; what B writes A reads. */
	pb = mapped(b.vm, ALIAS, &flags);
	assert_non_null(pb);
	assert_int_equal(flags, PGT_RW);
	assert_ptr_equal(pb, mapped(a.vm, P, NULL));
	assert_string_equal((char *)pb, "lender");
	assert_non_null(mapped(b.vm, ALIAS + 0x1000, NULL));
	assert_null(mapped(b.vm, ALIAS + 0x2000, NULL));
	memcpy(pb + 0x1000, "borrower", 9);
	{
		char got[9];

		assert_int_equal(gmem_read(a.vm, P + 0x1000, got, 9), HV_OK);
		assert_string_equal(got, "borrower");
	}
	assert_int_equal(reclaim(h, 0), FFA_RET_DENIED); /* B still holds it */
	assert_int_equal(relinquish(b.vm, h, 2), 0);
	assert_null(mapped(b.vm, ALIAS, NULL));
	assert_int_equal(reclaim(h, 0), 0);
	assert_non_null(mapped(a.vm, P, NULL));
}

static void test_ffa_mem_lend_takes_the_lenders_access_until_reclaim(void **state)
{
	uint8_t resp[128];
	unsigned flags, flushes;
	uint64_t h;

	assert_int_equal(gmem_write(a.vm, P, "lent", 5), HV_OK);
	flushes = sim_hal.tlb_flush_ipa;
	h = send(FFA_MEM_OP_LEND, P, 1);
	/* Break-before-make: the entry went, and its TLB entry with it, by IPA and VMID. */
	assert_null(mapped(a.vm, P, NULL));
	assert_true(sim_hal.tlb_flush_ipa > flushes);
	assert_int_equal(sim_hal.last_flush_vmid, a.vm->s2.vmid);
	/* Only that page: the rest of its 2 MiB block stays mapped (the block was split). */
	assert_non_null(mapped(a.vm, P + 0x1000, NULL));
	assert_non_null(mapped(a.vm, P - 0x1000, NULL));
	/* The hypervisor cannot reach it through A either. */
	assert_int_equal(gmem_write(a.vm, P, "x", 1), HV_EFAULT);
	retrieve(h, FFA_PERM(FFA_DATA_RO, FFA_INSTR_X), resp);
	assert_int_equal(resp[50], FFA_PERM(FFA_DATA_RO, FFA_INSTR_X)); /* lend to one: X ok */
	assert_string_equal((char *)mapped(b.vm, ALIAS, &flags), "lent");
	assert_int_equal(flags, PGT_R | PGT_X);
	assert_int_equal(relinquish(b.vm, h, 2), 0);
	assert_null(mapped(a.vm, P, NULL)); /* still the lender's to reclaim */
	assert_int_equal(reclaim(h, 0), 0);
	assert_string_equal((char *)mapped(a.vm, P, &flags), "lent");
	assert_int_equal(flags, PGT_RWX);
}

static void test_ffa_mem_lend_with_zero_flag_shows_zeros(void **state)
{
	uint8_t resp[128];
	size_t len;

	assert_int_equal(gmem_write(a.vm, P, "secret", 7), HV_OK);
	len = send_desc(1, 2, FFA_MEM_OP_LEND, P, 1);
	put(4, FFA_MEM_FLAG_ZERO, 4);
	send_call(a.vm, FFA_MEM_LEND_32, len);
	assert_int_equal(x[0], FFA_SUCCESS_32);
	retrieve(x[2] | x[3] << 32, 0, resp);
	assert_true(get(resp + 4, 4) & FFA_RETRIEVE_FLAG_ZERO_BEFORE); /* "zeroed" */
	assert_int_equal(mapped(b.vm, ALIAS, NULL)[0], 0);
}

static void test_ffa_mem_untouched_memory_is_zeroed_before_anyone_sees_it(void **state)
{
	uint8_t resp[128];
	uint64_t alias = FFA_MEM_WINDOW_BASE + (Q - VM_RAM_BASE);
	const struct vm_ram *r = vm_ram_find(a.vm, Q);
	uint64_t h;

	/* What the memory held before A (the arena's poison) must not reach B. */
	memset(hal_phys_to_ptr(r->pa + (Q - r->ipa)), 0xa5, 0x1000);
	assert_false(vm_ram_populated(r, Q));
	h = send(FFA_MEM_OP_SHARE, Q, 1);
	assert_true(vm_ram_populated(r, Q));
	retrieve(h, 0, resp);
	assert_int_equal(mapped(b.vm, alias, NULL)[0], 0);
	assert_int_equal(mapped(b.vm, alias, NULL)[0xfff], 0);
}

static void test_ffa_mem_donate_moves_the_pages_for_good(void **state)
{
	uint8_t resp[128];
	unsigned flags;
	uint64_t h;

	assert_int_equal(gmem_write(a.vm, P, "gift", 5), HV_OK);
	h = send(FFA_MEM_OP_DONATE, P, 1);
	assert_null(mapped(a.vm, P, NULL));
	retrieve(h, 0, resp);
	assert_int_equal(resp[50], FFA_PERM(FFA_DATA_RW, FFA_INSTR_NX));
	assert_string_equal((char *)mapped(b.vm, ALIAS, &flags), "gift");
	assert_int_equal(flags, PGT_RW);
	/* Done: no reclaim, no relinquish; A cannot name the page any more. */
	assert_int_equal(reclaim(h, 0), FFA_RET_INVALID_PARAMETERS);
	assert_int_equal(relinquish(b.vm, h, 2), FFA_RET_INVALID_PARAMETERS);
	send_call(a.vm, FFA_MEM_SHARE_32, send_desc(1, 2, FFA_MEM_OP_SHARE, P, 1));
	assert_error(FFA_RET_DENIED);
	assert_null(mapped(a.vm, P, NULL));
	/* B stops: the page goes back to A, as B left it. */
	ffa_mem_vm_gone(b.vm);
	assert_string_equal((char *)mapped(a.vm, P, &flags), "gift");
	assert_int_equal(flags, PGT_RWX);
}

/* --- VMs stopping --- */

static void test_ffa_mem_lender_stopping_unmaps_from_borrowers(void **state)
{
	uint8_t resp[128];
	uint64_t h = send(FFA_MEM_OP_SHARE, P, 1);

	retrieve(h, 0, resp);
	assert_non_null(mapped(b.vm, ALIAS, NULL));
	ffa_mem_vm_gone(a.vm); /* its RAM is about to be freed */
	assert_null(mapped(b.vm, ALIAS, NULL));
	assert_int_equal(relinquish(b.vm, h, 2), FFA_RET_INVALID_PARAMETERS);
}

static void test_ffa_mem_borrower_stopping_lets_the_lender_reclaim(void **state)
{
	uint8_t resp[128];
	uint64_t h = send(FFA_MEM_OP_LEND, P, 1);

	retrieve(h, 0, resp);
	assert_int_equal(reclaim(h, 0), FFA_RET_DENIED);
	ffa_mem_vm_gone(b.vm);
	assert_int_equal(reclaim(h, 0), 0);
	assert_non_null(mapped(a.vm, P, NULL));
}

/* --- hostile callers --- */

static void test_ffa_mem_hostile_descriptors_get_ffa_errors(void **state)
{
	uint8_t resp[128];
	size_t len;
	uint64_t h;

	/* Pages outside A's RAM: past its end, a device, the window of what it borrowed. */
	send_call(a.vm, FFA_MEM_SHARE_32,
		  send_desc(1, 2, FFA_MEM_OP_SHARE, VM_RAM_BASE + SIM_RAM_SIZE - 0x1000, 2));
	assert_error(FFA_RET_DENIED);
	send_call(a.vm, FFA_MEM_LEND_32, send_desc(1, 2, FFA_MEM_OP_LEND, VM_PL011_BASE, 1));
	assert_error(FFA_RET_DENIED);
	send_call(a.vm, FFA_MEM_SHARE_32,
		  send_desc(1, 2, FFA_MEM_OP_SHARE, FFA_MEM_WINDOW_BASE, 1));
	assert_error(FFA_RET_DENIED);
	/* Its own RX/TX pair. */
	send_call(a.vm, FFA_MEM_LEND_32, send_desc(1, 2, FFA_MEM_OP_LEND, RX, 1));
	assert_error(FFA_RET_DENIED);
	send_call(a.vm, FFA_MEM_SHARE_32, send_desc(1, 2, FFA_MEM_OP_SHARE, TX - 0x1000, 2));
	assert_error(FFA_RET_DENIED);
	/* Another sender, a borrower that is no partition, itself, the hypervisor. */
	send_call(a.vm, FFA_MEM_SHARE_32, send_desc(2, 1, FFA_MEM_OP_SHARE, P, 1));
	assert_error(FFA_RET_INVALID_PARAMETERS);
	send_call(a.vm, FFA_MEM_SHARE_32, send_desc(1, 3, FFA_MEM_OP_SHARE, P, 1));
	assert_error(FFA_RET_INVALID_PARAMETERS);
	send_call(a.vm, FFA_MEM_SHARE_32, send_desc(1, 1, FFA_MEM_OP_SHARE, P, 1));
	assert_error(FFA_RET_INVALID_PARAMETERS);
	send_call(a.vm, FFA_MEM_SHARE_32, send_desc(1, 0, FFA_MEM_OP_SHARE, P, 1));
	assert_error(FFA_RET_INVALID_PARAMETERS);
	/* Huge counts: pages past 4 GiB of address, a composite count past the buffer. */
	send_call(a.vm, FFA_MEM_SHARE_32, send_desc(1, 2, FFA_MEM_OP_SHARE, P, 0xfffff));
	assert_error(FFA_RET_NO_MEMORY);
	len = send_desc(1, 2, FFA_MEM_OP_SHARE, P, 1);
	put(68, 0xffffffff, 4);
	send_call(a.vm, FFA_MEM_SHARE_32, len);
	assert_error(FFA_RET_INVALID_PARAMETERS);
	/* Overlapping ranges. */
	len = send_desc(1, 2, FFA_MEM_OP_SHARE, P, 2);
	put(64, 4, 4);
	put(68, 2, 4);
	put(96, P + 0x1000, 8);
	put(104, 2, 4);
	send_call(a.vm, FFA_MEM_SHARE_32, len + 16);
	assert_error(FFA_RET_INVALID_PARAMETERS);
	/* The call's own arguments: fragments, a separate buffer, a length past the TX. */
	len = send_desc(1, 2, FFA_MEM_OP_SHARE, P, 1);
	assert_int_equal(gmem_write(a.vm, TX, d, len), HV_OK);
	call(a.vm, FFA_MEM_SHARE_32, len, len + 16, 0);
	assert_error(FFA_RET_INVALID_PARAMETERS);
	call(a.vm, FFA_MEM_SHARE_64, len, len, P);
	assert_error(FFA_RET_INVALID_PARAMETERS);
	call(a.vm, FFA_MEM_SHARE_32, 0x2000, 0x2000, 0);
	assert_error(FFA_RET_INVALID_PARAMETERS);
	/* Longer than any descriptor the hypervisor keeps, in a TX that holds it. */
	call(a.vm, FFA_RXTX_UNMAP, 0, 0, 0);
	call(a.vm, FFA_RXTX_MAP_64, TX, TX + 0x2000, 2);
	call(a.vm, FFA_MEM_SHARE_32, 0x2000, 0x2000, 0);
	assert_error(FFA_RET_NO_MEMORY);
	/* Memory already shared cannot be named again, by any call. */
	h = send(FFA_MEM_OP_SHARE, P, 1);
	send_call(a.vm, FFA_MEM_LEND_32, send_desc(1, 2, FFA_MEM_OP_LEND, P, 1));
	assert_error(FFA_RET_DENIED);
	/* Handles: the lender retrieving its own, another's, one never given, one reclaimed. */
	send_call(a.vm, FFA_MEM_RETRIEVE_REQ_32, retrieve_desc(h, 1, 1, 0));
	assert_error(FFA_RET_INVALID_PARAMETERS); /* the parser: the sender as borrower */
	send_call(b.vm, FFA_MEM_RETRIEVE_REQ_32, retrieve_desc(h ^ 0x100, 1, 2, 0));
	assert_error(FFA_RET_INVALID_PARAMETERS);
	send_call(b.vm, FFA_MEM_RETRIEVE_REQ_32, retrieve_desc(h, 1, 1, 0));
	assert_error(FFA_RET_INVALID_PARAMETERS); /* for another endpoint */
	assert_int_equal(relinquish(b.vm, h, 1), FFA_RET_INVALID_PARAMETERS);
	call(b.vm, FFA_MEM_RECLAIM, (uint32_t)h, h >> 32, 0);
	assert_error(FFA_RET_DENIED);
	/* B's RX full: BUSY, nothing retrieved; once released the retrieve works. */
	call(b.vm, FFA_PARTITION_INFO_GET, 0, 0, 0);
	send_call(b.vm, FFA_MEM_RETRIEVE_REQ_32, retrieve_desc(h, 1, 2, 0));
	assert_error(FFA_RET_BUSY);
	assert_null(mapped(b.vm, ALIAS, NULL));
	call(b.vm, FFA_RX_RELEASE, 0, 0, 0);
	retrieve(h, 0, resp);
	/* B cannot pass on what it borrowed: it is not B's RAM. */
	send_call(b.vm, FFA_MEM_SHARE_32, send_desc(2, 1, FFA_MEM_OP_SHARE, ALIAS, 1));
	assert_error(FFA_RET_DENIED);
	assert_int_equal(relinquish(b.vm, h, 2), 0);
	assert_int_equal(reclaim(h, 0), 0);
	send_call(b.vm, FFA_MEM_RETRIEVE_REQ_32, retrieve_desc(h, 1, 2, 0));
	assert_error(FFA_RET_INVALID_PARAMETERS);
}

/* FFA_MEM_FRAG_TX: the descriptor in three fragments, each written into the TX in turn. */
static void test_ffa_mem_share_in_fragments(void **state)
{
	uint8_t whole[96], resp[128];
	size_t len = send_desc(1, 2, FFA_MEM_OP_SHARE, P, 1);
	uint64_t h;

	memcpy(whole, d, len);
	assert_int_equal(gmem_write(a.vm, TX, whole, 40), HV_OK);
	call(a.vm, FFA_MEM_SHARE_32, len, 40, 0);
	assert_int_equal(x[0], FFA_MEM_FRAG_RX);
	h = (uint32_t)x[1] | x[2] << 32;
	assert_true(h >> 63);
	assert_int_equal(x[3], 40); /* bytes taken so far */
	/* A second send meanwhile is BUSY; a fragment of another handle drops nothing. */
	call(a.vm, FFA_MEM_SHARE_32, len, len, 0);
	assert_error(FFA_RET_BUSY);
	call(a.vm, FFA_MEM_FRAG_TX, (uint32_t)h ^ 1, h >> 32, 16);
	assert_error(FFA_RET_INVALID_PARAMETERS);
	assert_int_equal(gmem_write(a.vm, TX, whole + 40, 40), HV_OK);
	call(a.vm, FFA_MEM_FRAG_TX, (uint32_t)h, h >> 32, 40);
	assert_int_equal(x[0], FFA_MEM_FRAG_RX);
	assert_int_equal((uint32_t)x[1] | x[2] << 32, h);
	assert_int_equal(x[3], 80);
	assert_int_equal(gmem_write(a.vm, TX, whole + 80, 16), HV_OK);
	call(a.vm, FFA_MEM_FRAG_TX, (uint32_t)h, h >> 32, 16);
	assert_int_equal(x[0], FFA_SUCCESS_32);
	assert_int_equal(x[2] | x[3] << 32, h); /* the handle given with the first fragment */
	retrieve(h, 0, resp);
	assert_int_equal(get(resp + 80, 8), ALIAS);
	assert_int_equal(relinquish(b.vm, h, 2), 0);
	assert_int_equal(reclaim(h, 0), 0);
	/* No fragment is expected any more. */
	call(a.vm, FFA_MEM_FRAG_TX, (uint32_t)h, h >> 32, 16);
	assert_error(FFA_RET_INVALID_PARAMETERS);
}

static void test_ffa_mem_fragment_mistakes_drop_the_transaction(void **state)
{
	size_t len = send_desc(1, 2, FFA_MEM_OP_LEND, P, 1);
	uint64_t h;

	assert_int_equal(gmem_write(a.vm, P, "mine", 5), HV_OK);
	assert_int_equal(gmem_write(a.vm, TX, d, len), HV_OK);
	/* Past the total: dropped, its handle gone, the pages untouched. */
	call(a.vm, FFA_MEM_LEND_32, len, 48, 0);
	h = (uint32_t)x[1] | x[2] << 32;
	call(a.vm, FFA_MEM_FRAG_TX, (uint32_t)h, h >> 32, len);
	assert_error(FFA_RET_INVALID_PARAMETERS);
	call(a.vm, FFA_MEM_FRAG_TX, (uint32_t)h, h >> 32, len - 48);
	assert_error(FFA_RET_INVALID_PARAMETERS);
	assert_non_null(mapped(a.vm, P, NULL));
	/* w4 [15:0] MBZ; [31:16] another sender. */
	call(a.vm, FFA_MEM_LEND_32, len, 48, 0);
	h = (uint32_t)x[1] | x[2] << 32;
	memset(x, 0, sizeof(x));
	x[0] = FFA_MEM_FRAG_TX;
	x[1] = (uint32_t)h;
	x[2] = h >> 32;
	x[3] = len - 48;
	x[4] = 2U << 16;
	assert_true(ffa_handle(a.vcpu, x));
	assert_error(FFA_RET_INVALID_PARAMETERS);
	/* A whole descriptor that is wrong, in fragments: refused at the end, nothing kept. */
	put(50, 0, 1); /* a lend without data access */
	assert_int_equal(gmem_write(a.vm, TX, d, len), HV_OK);
	call(a.vm, FFA_MEM_LEND_32, len, 48, 0);
	h = (uint32_t)x[1] | x[2] << 32;
	assert_int_equal(gmem_write(a.vm, TX, d + 48, len - 48), HV_OK);
	call(a.vm, FFA_MEM_FRAG_TX, (uint32_t)h, h >> 32, len - 48);
	assert_error(FFA_RET_INVALID_PARAMETERS);
	assert_non_null(mapped(a.vm, P, NULL));
	/* Stopping in the middle leaves nothing either; a borrower never asks for FRAG_RX. */
	call(a.vm, FFA_MEM_LEND_32, len, 48, 0);
	assert_int_equal(x[0], FFA_MEM_FRAG_RX);
	call(b.vm, FFA_MEM_FRAG_RX, x[1], x[2], 0);
	assert_error(FFA_RET_INVALID_PARAMETERS);
	ffa_mem_vm_gone(a.vm);
	ffa_mem_vm_start(a.vm);
	call(a.vm, FFA_MEM_FRAG_TX, (uint32_t)h, h >> 32, len - 48);
	assert_error(FFA_RET_INVALID_PARAMETERS);
	send(FFA_MEM_OP_SHARE, P, 1);
}

static void test_ffa_mem_without_a_tx_buffer_is_denied(void **state)
{
	call(a.vm, FFA_RXTX_UNMAP, 0, 0, 0);
	call(a.vm, FFA_MEM_SHARE_32, 96, 96, 0);
	assert_error(FFA_RET_DENIED);
	call(a.vm, FFA_MEM_RELINQUISH, 0, 0, 0);
	assert_error(FFA_RET_DENIED);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
	    T(test_ffa_mem_share_round_trip_data_on_both_sides),
	    T(test_ffa_mem_lend_takes_the_lenders_access_until_reclaim),
	    T(test_ffa_mem_lend_with_zero_flag_shows_zeros),
	    T(test_ffa_mem_untouched_memory_is_zeroed_before_anyone_sees_it),
	    T(test_ffa_mem_donate_moves_the_pages_for_good),
	    T(test_ffa_mem_lender_stopping_unmaps_from_borrowers),
	    T(test_ffa_mem_borrower_stopping_lets_the_lender_reclaim),
	    T(test_ffa_mem_hostile_descriptors_get_ffa_errors),
	    T(test_ffa_mem_share_in_fragments),
	    T(test_ffa_mem_fragment_mistakes_drop_the_transaction),
	    T(test_ffa_mem_without_a_tx_buffer_is_denied),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

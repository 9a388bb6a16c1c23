// SPDX-License-Identifier: MIT
/* Tests of core/ffa*.c (docs/ffa.md, DEN0077 v1.1 chapter 13): every call the hypervisor role
 * answers, with each error case the specification lists for it, the FFA_SUCCESS / FFA_ERROR
 * encodings, the SMCCC 1.2 register rules at the conduit, and what a 1.0 caller gets. The
 * configuration has two VMs; the simulated one is the first (endpoint id 1). */
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
#include <core/smccc.h>
#include <core/trap.h>
#include <core/vmconfig.h>
#include <hal-sim/sim_hal.h>
#include <sim/sim.h>

#include "../../core/ffa_internal.h"
#include "fixture.h"

#define ENTRY (VM_RAM_BASE + IMAGE_RAW_OFFSET)
#define TX    (VM_RAM_BASE + 0x100000)
#define RX    (VM_RAM_BASE + 0x104000)
#define PAGE  FFA_RXTX_PAGE_SIZE

static struct sim_machine m;
static struct vmconfig cfg;

static const uint8_t uuid_a[16] = {0x12, 0x34, 0x56, 0x78, 0x9a, 0xbc, 0xde, 0xf0,
				   0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08};
static const uint8_t uuid_b[16] = {0xb0, 0xb1, 0xb2, 0xb3, 0xb4, 0xb5, 0xb6, 0xb7,
				   0xb8, 0xb9, 0xba, 0xbb, 0xbc, 0xbd, 0xbe, 0xbf};

static int setup(void **state)
{
	static const uint32_t prog[] = {SIM_A64_HVC0};

	sim_hal_reset();
	assert_int_equal(sim_machine_init(&m, NULL), HV_OK);
	assert_int_equal(sim_machine_load_program(&m, prog, 1), HV_OK);
	memset(&cfg, 0, sizeof(cfg));
	cfg.count = 2;
	cfg.vm[0].vcpus = 1;
	memcpy(cfg.vm[0].ffa_uuid, uuid_a, 16);
	cfg.vm[0].ffa_props = FFA_PART_PROP_DIRECT_RECV | FFA_PART_PROP_DIRECT_SEND;
	cfg.vm[1].vcpus = 2;
	memcpy(cfg.vm[1].ffa_uuid, uuid_b, 16);
	cfg.vm[1].ffa_props = FFA_PART_PROP_INDIRECT;
	ffa_part_init(&cfg);
	m.vm->ffa.id = 1;
	return 0;
}

static int teardown(void **state)
{
	ffa_part_init(NULL);
	sim_machine_destroy(&m);
	return 0;
}

/* One call through ffa_handle() with x1..x5; the answer stays in x[]. x8-x17 carry a
 * pattern that must come back untouched. */
static uint64_t x[FFA_REGS];

static void call(uint32_t fid, uint64_t a1, uint64_t a2, uint64_t a3, uint64_t a4, uint64_t a5)
{
	for (unsigned i = 0; i < FFA_REGS; i++)
		x[i] = 0xdead0000 + i;
	x[0] = fid;
	x[1] = a1;
	x[2] = a2;
	x[3] = a3;
	x[4] = a4;
	x[5] = a5;
	assert_true(ffa_handle(m.vcpu, x));
	for (unsigned i = 8; i < FFA_REGS; i++)
		assert_int_equal(x[i], 0xdead0000 + i);
}

static void assert_success(uint32_t w2, uint32_t w3)
{
	assert_int_equal(x[0], FFA_SUCCESS_32);
	assert_int_equal(x[1], 0);
	assert_int_equal(x[2], w2);
	assert_int_equal(x[3], w3);
	for (unsigned i = 4; i < 8; i++)
		assert_int_equal(x[i], 0);
}

static void assert_error(int32_t status)
{
	assert_int_equal(x[0], FFA_ERROR);
	assert_int_equal(x[1], 0);
	assert_int_equal(x[2], (uint32_t)status);
	for (unsigned i = 3; i < 8; i++)
		assert_int_equal(x[i], 0);
}

static void map(void)
{
	call(FFA_RXTX_MAP_64, TX, RX, 1, 0, 0);
	assert_success(0, 0);
}

/* --- the conduit --- */

static void test_ffa_calls_at_the_hvc_answer_in_x0_to_x7_and_keep_x8_to_x17(void **state)
{
	struct hal_vcpu_ctx *ctx = &m.vcpu->ctx;

	for (unsigned i = 1; i <= 17; i++)
		ctx->x[i] = 0x0101010101010101ULL * i;
	ctx->x[0] = 0xffffffff00000000ULL | FFA_ID_GET; /* the upper half is ignored */
	ctx->pc = ENTRY + 4;
	trap_hvc_smc(m.vcpu, false);
	assert_int_equal(ctx->x[0], FFA_SUCCESS_32);
	assert_int_equal(ctx->x[1], 0);
	assert_int_equal(ctx->x[2], 1);
	for (unsigned i = 3; i < 8; i++)
		assert_int_equal(ctx->x[i], 0);
	for (unsigned i = 8; i <= 17; i++)
		assert_int_equal(ctx->x[i], 0x0101010101010101ULL * i);
	assert_int_equal(ctx->pc, ENTRY + 4);

	ctx->x[0] = FFA_VERSION;
	ctx->x[1] = FFA_VERSION_1_1;
	trap_hvc_smc(m.vcpu, true); /* a trapped SMC gets the same answer */
	assert_int_equal(ctx->x[0], FFA_VERSION_1_1);
	assert_int_equal(ctx->pc, ENTRY + 8);
}

static void test_ffa_ids_outside_its_range_are_smccc_not_supported(void **state)
{
	/* Owner 4 below FF-A's numbers, a non-zero [23:16], a yielding call: not FF-A's. */
	static const uint32_t not_ffa[] = {0x84000050U, 0x84010063U, 0x04000063U, 0x85000063U};

	for (unsigned i = 0; i < ARRAY_SIZE(not_ffa); i++) {
		x[0] = not_ffa[i];
		assert_false(ffa_handle(m.vcpu, x));
	}
	m.vcpu->ctx.x[0] = 0x84000050U;
	trap_hvc_smc(m.vcpu, false);
	assert_int_equal((int64_t)m.vcpu->ctx.x[0], SMCCC_RET_NOT_SUPPORTED);
	/* PSCI still owns its numbers in the same owner. */
	m.vcpu->ctx.x[0] = PSCI_VERSION;
	trap_hvc_smc(m.vcpu, false);
	assert_int_equal(m.vcpu->ctx.x[0], PSCI_VERSION_1_1);
}

static void test_ffa_unimplemented_calls_are_ffa_error_not_supported(void **state)
{
	static const uint32_t later[] = {
	    FFA_ERROR,	    FFA_SUCCESS_32,
	    FFA_SUCCESS_64, 0x8400007dU /* NOTIFICATION_BITMAP_CREATE */,
	    0x840000ffU,    0xc4000063U /* VERSION has no 64-bit form */};

	for (unsigned i = 0; i < ARRAY_SIZE(later); i++) {
		call(later[i], 1, 2, 3, 4, 5);
		assert_error(FFA_RET_NOT_SUPPORTED);
	}
}

static void test_ffa_a_vm_that_is_no_endpoint_gets_not_supported(void **state)
{
	m.vm->ffa.id = 0;
	call(FFA_VERSION, FFA_VERSION_1_1, 0, 0, 0, 0);
	assert_int_equal((int32_t)x[0], FFA_RET_NOT_SUPPORTED); /* in w0, as FFA_VERSION answers */
	call(FFA_ID_GET, 0, 0, 0, 0, 0);
	assert_error(FFA_RET_NOT_SUPPORTED);
}

/* --- FFA_VERSION --- */

static void test_ffa_version_negotiates_the_lower_minor_of_major_1(void **state)
{
	assert_int_equal(ffa_version_of(m.vm), FFA_VERSION_1_1); /* before any call */
	call(FFA_VERSION, FFA_VERSION_1_0, 0, 0, 0, 0);
	assert_int_equal(x[0], FFA_VERSION_1_1); /* w0 is our version, not FFA_SUCCESS */
	assert_int_equal(ffa_version_of(m.vm), FFA_VERSION_1_0);
	call(FFA_VERSION, 0x10005, 0, 0, 0, 0);
	assert_int_equal(x[0], FFA_VERSION_1_1);
	assert_int_equal(ffa_version_of(m.vm), FFA_VERSION_1_1);
	call(FFA_VERSION, 0xffffffff00010000ULL, 0, 0, 0, 0); /* w1: the upper half is ignored */
	assert_int_equal(ffa_version_of(m.vm), FFA_VERSION_1_0);
}

static void test_ffa_version_of_another_major_or_bit_31_is_not_supported(void **state)
{
	static const uint32_t bad[] = {0x20000, 0x00009, 0x80010001U, 0x7fff0000U};

	for (unsigned i = 0; i < ARRAY_SIZE(bad); i++) {
		call(FFA_VERSION, bad[i], 0, 0, 0, 0);
		assert_int_equal((int32_t)x[0], FFA_RET_NOT_SUPPORTED);
		assert_int_equal(ffa_version_of(m.vm), FFA_VERSION_1_1); /* unchanged */
	}
}

/* --- FFA_FEATURES, FFA_ID_GET, FFA_SPM_ID_GET --- */

static void test_ffa_features_reports_each_implemented_call(void **state)
{
	static const uint32_t yes[] = {FFA_VERSION,
				       FFA_FEATURES,
				       FFA_RX_RELEASE,
				       FFA_RXTX_MAP_32,
				       FFA_RXTX_MAP_64,
				       FFA_RXTX_UNMAP,
				       FFA_PARTITION_INFO_GET,
				       FFA_ID_GET,
				       FFA_MSG_WAIT,
				       FFA_YIELD,
				       FFA_RUN,
				       FFA_MSG_SEND_DIRECT_REQ_32,
				       FFA_MSG_SEND_DIRECT_REQ_64,
				       FFA_MSG_SEND_DIRECT_RESP_32,
				       FFA_MSG_SEND_DIRECT_RESP_64,
				       FFA_MSG_SEND2,
				       FFA_MEM_SHARE_32,
				       FFA_MEM_SHARE_64,
				       FFA_MEM_LEND_32,
				       FFA_MEM_LEND_64,
				       FFA_MEM_DONATE_32,
				       FFA_MEM_DONATE_64,
				       FFA_MEM_RETRIEVE_REQ_32,
				       FFA_MEM_RETRIEVE_REQ_64,
				       FFA_MEM_RELINQUISH,
				       FFA_MEM_RECLAIM,
				       FFA_MEM_FRAG_RX,
				       FFA_MEM_FRAG_TX};
	static const uint32_t no[] = {FFA_SPM_ID_GET,	     FFA_ERROR,	   FFA_SUCCESS_32,
				      FFA_MEM_RETRIEVE_RESP, PSCI_VERSION, 0xc4000063U};

	for (unsigned i = 0; i < ARRAY_SIZE(yes); i++) {
		call(FFA_FEATURES, yes[i], 0, 0, 0, 0);
		assert_success(0, 0); /* RXTX_MAP: w2 [1:0] = 0, 4 KiB buffers */
	}
	for (unsigned i = 0; i < ARRAY_SIZE(no); i++) {
		call(FFA_FEATURES, no[i], 0, 0, 0, 0);
		assert_error(FFA_RET_NOT_SUPPORTED);
	}
	/* Feature ids (bit 31 clear): the interrupt ids, none here. */
	for (uint32_t id = 0; id < 4; id++) {
		call(FFA_FEATURES, id, 0, 0, 0, 0);
		assert_error(FFA_RET_NOT_SUPPORTED);
	}
}

static void test_ffa_id_get_is_one_plus_the_configuration_index(void **state)
{
	call(FFA_ID_GET, 0, 0, 0, 0, 0);
	assert_success(1, 0);
	m.vm->ffa.id = 2;
	call(FFA_ID_GET, 0, 0, 0, 0, 0);
	assert_success(2, 0);
}

static void test_ffa_spm_id_get_without_an_spmc_is_not_supported(void **state)
{
	call(FFA_SPM_ID_GET, 0, 0, 0, 0, 0);
	assert_error(FFA_RET_NOT_SUPPORTED);
}

/* --- FFA_RXTX_MAP / UNMAP --- */

static void test_ffa_rxtx_map_takes_a_pair_in_ram_once(void **state)
{
	map();
	assert_int_equal(m.vm->ffa.tx, TX);
	assert_int_equal(m.vm->ffa.rx, RX);
	assert_int_equal(m.vm->ffa.pages, 1);
	call(FFA_RXTX_MAP_64, TX + 8 * PAGE, RX + 8 * PAGE, 1, 0, 0);
	assert_error(FFA_RET_DENIED); /* a pair is mapped already */
	assert_int_equal(m.vm->ffa.tx, TX);
	call(FFA_RXTX_UNMAP, 0, 0, 0, 0, 0);
	assert_success(0, 0);
	assert_int_equal(m.vm->ffa.pages, 0);
	call(FFA_RXTX_MAP_32, 0xffffffff00000000ULL | TX, RX, 4, 0, 0); /* w1: low half */
	assert_success(0, 0);
	assert_int_equal(m.vm->ffa.tx, TX);
	assert_int_equal(m.vm->ffa.pages, 4);
}

static void test_ffa_rxtx_map_refuses_each_invalid_pair(void **state)
{
	const uint64_t end = VM_RAM_BASE + m.ram_size;
	const struct {
		uint64_t tx, rx, w3;
	} bad[] = {
	    {TX, RX, 0},		    /* no page */
	    {TX, RX, 0x41},		    /* [31:6] MBZ: more pages than the field holds */
	    {TX + 0x800, RX, 1},	    /* not 4 KiB aligned */
	    {TX, RX + 8, 1},		    /* not 4 KiB aligned */
	    {TX, TX, 1},		    /* the same page */
	    {TX, TX + PAGE, 2},		    /* overlapping */
	    {TX + PAGE, TX, 2},		    /* overlapping */
	    {0x09000000, RX, 1},	    /* the vPL011, not RAM */
	    {TX, VM_RAM_BASE - PAGE, 1},    /* below RAM */
	    {TX, end, 1},		    /* past RAM */
	    {TX, end - PAGE, 2},	    /* straddling RAM's end */
	    {0xfffffffffffff000ULL, RX, 1}, /* wrapping */
	};

	for (unsigned i = 0; i < ARRAY_SIZE(bad); i++) {
		call(FFA_RXTX_MAP_64, bad[i].tx, bad[i].rx, bad[i].w3, 0, 0);
		assert_error(FFA_RET_INVALID_PARAMETERS);
		assert_int_equal(m.vm->ffa.pages, 0);
	}
	/* The 32-bit form cannot name RAM above 4 GiB: its upper halves are dropped. */
	call(FFA_RXTX_MAP_32, TX, 0x100000000ULL | 0x1000, 1, 0, 0);
	assert_error(FFA_RET_INVALID_PARAMETERS);
	/* RAM's last pages are fine. */
	call(FFA_RXTX_MAP_64, end - 4 * PAGE, end - 2 * PAGE, 2, 0, 0);
	assert_success(0, 0);
}

static void test_ffa_rxtx_unmap_errors(void **state)
{
	call(FFA_RXTX_UNMAP, 0, 0, 0, 0, 0);
	assert_error(FFA_RET_INVALID_PARAMETERS); /* nothing mapped */
	map();
	call(FFA_RXTX_UNMAP, 2U << 16, 0, 0, 0, 0);
	assert_error(FFA_RET_INVALID_PARAMETERS); /* another endpoint's pair */
	call(FFA_RXTX_UNMAP, 1, 0, 0, 0, 0);
	assert_error(FFA_RET_INVALID_PARAMETERS); /* [15:0] MBZ */
	assert_int_equal(m.vm->ffa.pages, 1);
	call(FFA_RXTX_UNMAP, 1U << 16, 0, 0, 0, 0); /* its own id */
	assert_success(0, 0);
	call(FFA_RXTX_UNMAP, 0, 0, 0, 0, 0);
	assert_error(FFA_RET_INVALID_PARAMETERS);
}

/* --- FFA_PARTITION_INFO_GET and FFA_RX_RELEASE --- */

static uint8_t rxbuf[PAGE];

static void read_rx(void)
{
	assert_int_equal(gmem_read(m.vm, RX, rxbuf, sizeof(rxbuf)), HV_OK);
}

static uint32_t le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static void uuid_call(const uint8_t u[16], uint32_t flags)
{
	call(FFA_PARTITION_INFO_GET, le32(u), le32(u + 4), le32(u + 8), le32(u + 12), flags);
}

static void test_ffa_partition_info_get_nil_lists_every_vm(void **state)
{
	map();
	call(FFA_PARTITION_INFO_GET, 0, 0, 0, 0, 0);
	assert_success(2, FFA_PART_DESC_SIZE_1_1);
	read_rx();
	/* VM 1: id 1, 1 context, direct send + receive, AArch64, its UUID. */
	assert_int_equal(rxbuf[0] | rxbuf[1] << 8, 1);
	assert_int_equal(rxbuf[2] | rxbuf[3] << 8, 1);
	assert_int_equal(le32(rxbuf + 4), 0x103);
	assert_memory_equal(rxbuf + 8, uuid_a, 16);
	/* VM 2: id 2, 2 contexts, indirect messaging. */
	assert_int_equal(rxbuf[24] | rxbuf[25] << 8, 2);
	assert_int_equal(rxbuf[26] | rxbuf[27] << 8, 2);
	assert_int_equal(le32(rxbuf + 28), 0x104);
	assert_memory_equal(rxbuf + 32, uuid_b, 16);
	assert_true(m.vm->ffa.rx_full);
}

static void test_ffa_partition_info_get_lists_only_the_partitions_the_caller_sees(void **state)
{
	map();
	cfg.vm[1].ffa_hidden = 1U << 0; /* VM 2's ffa-peers leaves VM 1 out: mutual */
	call(FFA_PARTITION_INFO_GET, 0, 0, 0, 0, 0);
	assert_success(1, FFA_PART_DESC_SIZE_1_1);
	read_rx();
	assert_int_equal(rxbuf[0] | rxbuf[1] << 8, 1); /* itself only */
	call(FFA_RX_RELEASE, 0, 0, 0, 0, 0);
	uuid_call(uuid_b, 0);
	assert_error(FFA_RET_INVALID_PARAMETERS); /* no partition it sees has that UUID */
	cfg.vm[1].ffa_hidden = 0;
	cfg.vm[0].ffa_hidden = 1U << 1; /* VM 1's own list leaves VM 2 out */
	call(FFA_PARTITION_INFO_GET, 0, 0, 0, 0, 1);
	assert_success(1, 0);
}

static void test_ffa_partition_info_get_by_uuid_lists_the_match_without_its_uuid(void **state)
{
	map();
	uuid_call(uuid_b, 0);
	assert_success(1, FFA_PART_DESC_SIZE_1_1);
	read_rx();
	assert_int_equal(rxbuf[0] | rxbuf[1] << 8, 2);
	for (unsigned i = 8; i < 24; i++)
		assert_int_equal(rxbuf[i], 0); /* MBZ when a UUID was named */
	call(FFA_RX_RELEASE, 0, 0, 0, 0, 0);
	assert_success(0, 0);
	/* Two VMs with the same UUID are both listed. */
	memcpy(cfg.vm[1].ffa_uuid, uuid_a, 16);
	uuid_call(uuid_a, 0);
	assert_success(2, FFA_PART_DESC_SIZE_1_1);
}

static void test_ffa_partition_info_get_errors(void **state)
{
	static const uint8_t unknown[16] = {1};

	call(FFA_PARTITION_INFO_GET, 0, 0, 0, 0, 0);
	assert_error(FFA_RET_BUSY); /* no RX buffer */
	map();
	uuid_call(unknown, 0);
	assert_error(FFA_RET_INVALID_PARAMETERS); /* no partition has it */
	call(FFA_PARTITION_INFO_GET, 0, 0, 0, 0, 2);
	assert_error(FFA_RET_INVALID_PARAMETERS); /* flags [31:1] MBZ */
	call(FFA_PARTITION_INFO_GET, 0, 0, 0, 0, 0);
	assert_success(2, FFA_PART_DESC_SIZE_1_1);
	call(FFA_PARTITION_INFO_GET, 0, 0, 0, 0, 0);
	assert_error(FFA_RET_BUSY); /* the RX is still the caller's */
	call(FFA_RX_RELEASE, 0, 0, 0, 0, 0);
	assert_success(0, 0);
	call(FFA_PARTITION_INFO_GET, 0, 0, 0, 0, 0);
	assert_success(2, FFA_PART_DESC_SIZE_1_1);
}

static void test_ffa_partition_info_get_count_only_leaves_the_rx_alone(void **state)
{
	call(FFA_PARTITION_INFO_GET, 0, 0, 0, 0, FFA_PARTITION_INFO_COUNT_ONLY);
	assert_success(2, 0); /* no RX buffer needed */
	map();
	uuid_call(uuid_a, FFA_PARTITION_INFO_COUNT_ONLY);
	assert_success(1, 0);
	assert_false(m.vm->ffa.rx_full);
	read_rx();
	for (unsigned i = 0; i < sizeof(rxbuf); i++)
		assert_int_equal(rxbuf[i], 0);
}

static void test_ffa_partition_info_get_for_a_1_0_caller(void **state)
{
	call(FFA_VERSION, FFA_VERSION_1_0, 0, 0, 0, 0);
	map();
	call(FFA_PARTITION_INFO_GET, 0, 0, 0, 0, FFA_PARTITION_INFO_COUNT_ONLY);
	assert_error(FFA_RET_INVALID_PARAMETERS); /* w5 is MBZ in 1.0 */
	call(FFA_PARTITION_INFO_GET, 0, 0, 0, 0, 0);
	assert_success(2, 0); /* w3 MBZ in 1.0 */
	read_rx();
	/* 8-byte descriptors, properties without v1.1's execution state bit. */
	assert_int_equal(rxbuf[0] | rxbuf[1] << 8, 1);
	assert_int_equal(le32(rxbuf + 4), 0x3);
	assert_int_equal(rxbuf[8] | rxbuf[9] << 8, 2);
	assert_int_equal(rxbuf[10] | rxbuf[11] << 8, 2);
	assert_int_equal(le32(rxbuf + 12), 0x4);
	assert_int_equal(rxbuf[16], 0);
}

static void test_ffa_partition_info_get_without_configuration_finds_nothing(void **state)
{
	ffa_part_init(NULL);
	map();
	call(FFA_PARTITION_INFO_GET, 0, 0, 0, 0, 0);
	assert_error(FFA_RET_INVALID_PARAMETERS);
}

static void test_ffa_rx_release_errors(void **state)
{
	call(FFA_RX_RELEASE, 0, 0, 0, 0, 0);
	assert_error(FFA_RET_DENIED); /* no buffer */
	map();
	call(FFA_RX_RELEASE, 0, 0, 0, 0, 0);
	assert_error(FFA_RET_DENIED); /* the RX is not the caller's */
	call(FFA_PARTITION_INFO_GET, 0, 0, 0, 0, 0);
	call(FFA_RX_RELEASE, 2, 0, 0, 0, 0);
	assert_error(FFA_RET_INVALID_PARAMETERS); /* another endpoint */
	call(FFA_RX_RELEASE, 1U << 16, 0, 0, 0, 0);
	assert_error(FFA_RET_INVALID_PARAMETERS); /* [31:16] MBZ */
	call(FFA_RX_RELEASE, 1, 0, 0, 0, 0);	  /* its own id */
	assert_success(0, 0);
	call(FFA_RX_RELEASE, 0, 0, 0, 0, 0);
	assert_error(FFA_RET_DENIED);
}

static void test_ffa_rx_deliver_needs_room(void **state)
{
	static uint8_t big[2 * PAGE];

	map();
	assert_int_equal(ffa_rx_deliver(m.vm, big, PAGE + 1), FFA_RET_NO_MEMORY);
	assert_false(m.vm->ffa.rx_full);
	assert_int_equal(ffa_rx_deliver(m.vm, big, PAGE), 0);
	assert_int_equal(ffa_rx_deliver(m.vm, big, 1), FFA_RET_BUSY);
}

static void test_ffa_unmap_drops_a_full_rx(void **state)
{
	map();
	call(FFA_PARTITION_INFO_GET, 0, 0, 0, 0, 0);
	call(FFA_RXTX_UNMAP, 0, 0, 0, 0, 0);
	assert_success(0, 0);
	map();
	call(FFA_PARTITION_INFO_GET, 0, 0, 0, 0, 0);
	assert_success(2, FFA_PART_DESC_SIZE_1_1); /* a new pair starts free */
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
	const struct CMUnitTest tests[] = {
	    T(test_ffa_calls_at_the_hvc_answer_in_x0_to_x7_and_keep_x8_to_x17),
	    T(test_ffa_ids_outside_its_range_are_smccc_not_supported),
	    T(test_ffa_unimplemented_calls_are_ffa_error_not_supported),
	    T(test_ffa_a_vm_that_is_no_endpoint_gets_not_supported),
	    T(test_ffa_version_negotiates_the_lower_minor_of_major_1),
	    T(test_ffa_version_of_another_major_or_bit_31_is_not_supported),
	    T(test_ffa_features_reports_each_implemented_call),
	    T(test_ffa_id_get_is_one_plus_the_configuration_index),
	    T(test_ffa_spm_id_get_without_an_spmc_is_not_supported),
	    T(test_ffa_rxtx_map_takes_a_pair_in_ram_once),
	    T(test_ffa_rxtx_map_refuses_each_invalid_pair),
	    T(test_ffa_rxtx_unmap_errors),
	    T(test_ffa_partition_info_get_nil_lists_every_vm),
	    T(test_ffa_partition_info_get_lists_only_the_partitions_the_caller_sees),
	    T(test_ffa_partition_info_get_by_uuid_lists_the_match_without_its_uuid),
	    T(test_ffa_partition_info_get_errors),
	    T(test_ffa_partition_info_get_count_only_leaves_the_rx_alone),
	    T(test_ffa_partition_info_get_for_a_1_0_caller),
	    T(test_ffa_partition_info_get_without_configuration_finds_nothing),
	    T(test_ffa_rx_release_errors),
	    T(test_ffa_rx_deliver_needs_room),
	    T(test_ffa_unmap_drops_a_full_rx),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

// SPDX-License-Identifier: MIT
/* FF-A from a VM (docs/ffa.md): run by both VMs of tests/qemu/configs/ffa-two.dts, which
 * differ in UUID, messaging properties and vCPU count. Each call of the ABI foundation with its
 * answer and its error cases, and FFA_PARTITION_INFO_GET listing both VMs as the configuration
 * describes them, read from this VM's own RX buffer. */
#include <stdint.h>

#include "check.h"
#include "smccc.h"

const char guest_name[] = "ffa";

#define FFA_ERROR		   0x84000060U
#define FFA_SUCCESS_32		   0x84000061U
#define FFA_VERSION		   0x84000063U
#define FFA_FEATURES		   0x84000064U
#define FFA_RX_RELEASE		   0x84000065U
#define FFA_RXTX_MAP_64		   0xc4000066U
#define FFA_RXTX_UNMAP		   0x84000067U
#define FFA_PARTITION_INFO_GET	   0x84000068U
#define FFA_ID_GET		   0x84000069U
#define FFA_MSG_SEND_DIRECT_REQ_32 0x8400006fU
#define FFA_MEM_SHARE_32	   0x84000073U
#define FFA_SPM_ID_GET		   0x84000085U

#define NOT_SUPPORTED	   0xffffffffU
#define INVALID_PARAMETERS 0xfffffffeU
#define BUSY		   0xfffffffcU
#define DENIED		   0xfffffffaU

#define PAGE 4096

/* The two partitions as ffa-two.dts describes them: UUIDs as the call passes them. */
static const uint32_t uuid_a[4] = {0x78563412U, 0xf0debc9aU, 0x04030201U, 0x08070605U};
static const uint32_t uuid_b[4] = {0xb3b2b1b0U, 0xb7b6b5b4U, 0xbbbab9b8U, 0xbfbebdbcU};

static uint8_t tx[PAGE] __attribute__((aligned(PAGE)));
static uint8_t rx[PAGE] __attribute__((aligned(PAGE)));

struct ffa_res {
	uint64_t x[8];
};

/* SMCCC 1.2: arguments and results in x0-x7 (x8-x17 kept by FF-A's callee, declared clobbered
 * here all the same, as SMCCC 1.1 allows). */
static struct ffa_res ffa(uint32_t fid, uint64_t a1, uint64_t a2, uint64_t a3, uint64_t a4,
			  uint64_t a5)
{
	register uint64_t x0 asm("x0") = fid;
	register uint64_t x1 asm("x1") = a1;
	register uint64_t x2 asm("x2") = a2;
	register uint64_t x3 asm("x3") = a3;
	register uint64_t x4 asm("x4") = a4;
	register uint64_t x5 asm("x5") = a5;
	register uint64_t x6 asm("x6") = 0;
	register uint64_t x7 asm("x7") = 0;

	asm volatile(
	    "hvc #0"
	    : "+r"(x0), "+r"(x1), "+r"(x2), "+r"(x3), "+r"(x4), "+r"(x5), "+r"(x6), "+r"(x7)
	    :
	    : "x8", "x9", "x10", "x11", "x12", "x13", "x14", "x15", "x16", "x17", "memory");
	return (struct ffa_res){{x0, x1, x2, x3, x4, x5, x6, x7}};
}

static void check_error(struct ffa_res r, uint32_t status, const char *what)
{
	check(r.x[0] == FFA_ERROR && (uint32_t)r.x[2] == status, "%s: FFA_ERROR %d (got 0x%lx %d)",
	      what, (int)status, (unsigned long)r.x[0], (int)(uint32_t)r.x[2]);
}

static void check_success(struct ffa_res r, const char *what)
{
	check(r.x[0] == FFA_SUCCESS_32, "%s: FFA_SUCCESS (got 0x%lx %d)", what,
	      (unsigned long)r.x[0], (int)(uint32_t)r.x[2]);
}

/* The RX is read with 32-bit aligned loads: with the MMU off it is Device memory. */
static uint32_t rx32(unsigned off)
{
	return *(volatile uint32_t *)(rx + off);
}

static void check_desc(unsigned off, unsigned id, bool v1_1, bool with_uuid)
{
	bool a = id == 1;
	const uint32_t *uuid = a ? uuid_a : uuid_b;
	/* a: direct receiver + sender, 1 vCPU; b: indirect messages, 2 vCPUs; 1.1: AArch64. */
	uint32_t props = (a ? 0x3 : 0x4) | (v1_1 ? 0x100 : 0);

	check_eq(rx32(off), id | (a ? 1U : 2U) << 16, "descriptor at %u: id %u, its vCPU count",
		 off, id);
	check_eq(rx32(off + 4), props, "descriptor at %u: properties", off);
	if (!v1_1)
		return;
	for (unsigned i = 0; i < 4; i++) {
		if (rx32(off + 8 + 4 * i) != (with_uuid ? uuid[i] : 0)) {
			check(false, "descriptor at %u: UUID word %u", off, i);
			return;
		}
	}
	check(true, "descriptor at %u: UUID %s", off, with_uuid ? "as configured" : "MBZ");
}

int main(void)
{
	uint64_t txa = (uint64_t)tx, rxa = (uint64_t)rx;
	struct ffa_res r;
	unsigned me, peer;

	check_eq(ffa(FFA_VERSION, 0x10001, 0, 0, 0, 0).x[0], 0x10001, "FFA_VERSION 1.1: 1.1");
	check_eq(ffa(FFA_VERSION, 0x20000, 0, 0, 0, 0).x[0], NOT_SUPPORTED,
		 "FFA_VERSION 2.0: NOT_SUPPORTED");
	r = ffa(FFA_ID_GET, 0, 0, 0, 0, 0);
	check(r.x[0] == FFA_SUCCESS_32 && (r.x[2] == 1 || r.x[2] == 2),
	      "FFA_ID_GET: 1 or 2 (got %lu)", (unsigned long)r.x[2]);
	me = r.x[2] == 2 ? 2 : 1;
	peer = 3 - me;
	r = ffa(FFA_FEATURES, FFA_RXTX_MAP_64, 0, 0, 0, 0);
	check(r.x[0] == FFA_SUCCESS_32 && r.x[2] == 0, "FFA_FEATURES(RXTX_MAP_64): 4 KiB buffers");
	check_success(ffa(FFA_FEATURES, FFA_MSG_SEND_DIRECT_REQ_32, 0, 0, 0, 0),
		      "FFA_FEATURES(DIRECT_REQ)");
	check_error(ffa(FFA_SPM_ID_GET, 0, 0, 0, 0, 0), NOT_SUPPORTED, "FFA_SPM_ID_GET, no SPMC");
	check_error(ffa(FFA_MEM_SHARE_32, 0, 0, 0, 0, 0), INVALID_PARAMETERS,
		    "FFA_MEM_SHARE of no descriptor");

	/* The buffer pair. */
	check_error(ffa(FFA_PARTITION_INFO_GET, 0, 0, 0, 0, 0), BUSY, "PARTITION_INFO_GET, no RX");
	check_error(ffa(FFA_RXTX_MAP_64, txa + 8, rxa, 1, 0, 0), INVALID_PARAMETERS,
		    "RXTX_MAP unaligned");
	check_error(ffa(FFA_RXTX_MAP_64, 0x09000000, rxa, 1, 0, 0), INVALID_PARAMETERS,
		    "RXTX_MAP of the UART");
	check_error(ffa(FFA_RXTX_MAP_64, txa, rxa, 0, 0, 0), INVALID_PARAMETERS,
		    "RXTX_MAP of 0 pages");
	check_error(ffa(FFA_RXTX_MAP_64, txa, txa, 1, 0, 0), INVALID_PARAMETERS,
		    "RXTX_MAP overlapping");
	check_success(ffa(FFA_RXTX_MAP_64, txa, rxa, 1, 0, 0), "RXTX_MAP");
	check_error(ffa(FFA_RXTX_MAP_64, txa, rxa, 1, 0, 0), DENIED, "RXTX_MAP again");
	check_error(ffa(FFA_RX_RELEASE, 0, 0, 0, 0, 0), DENIED, "RX_RELEASE of a free RX");

	/* Every partition, into the RX. */
	r = ffa(FFA_PARTITION_INFO_GET, 0, 0, 0, 0, 0);
	check(r.x[0] == FFA_SUCCESS_32 && r.x[2] == 2 && r.x[3] == 24,
	      "PARTITION_INFO_GET(nil): 2 partitions, 24-byte descriptors");
	check_desc(0, 1, true, true);
	check_desc(24, 2, true, true);
	check_error(ffa(FFA_PARTITION_INFO_GET, 0, 0, 0, 0, 0), BUSY,
		    "PARTITION_INFO_GET while the RX is ours");
	check_success(ffa(FFA_RX_RELEASE, 0, 0, 0, 0, 0), "RX_RELEASE");

	/* The other one by its UUID; an unknown UUID; the count only. */
	const uint32_t *u = peer == 1 ? uuid_a : uuid_b;

	r = ffa(FFA_PARTITION_INFO_GET, u[0], u[1], u[2], u[3], 0);
	check(r.x[0] == FFA_SUCCESS_32 && r.x[2] == 1, "PARTITION_INFO_GET(peer's UUID): 1");
	check_desc(0, peer, true, false);
	check_success(ffa(FFA_RX_RELEASE, me, 0, 0, 0, 0), "RX_RELEASE naming itself");
	check_error(ffa(FFA_PARTITION_INFO_GET, 1, 2, 3, 4, 0), INVALID_PARAMETERS,
		    "PARTITION_INFO_GET of an unknown UUID");
	r = ffa(FFA_PARTITION_INFO_GET, 0, 0, 0, 0, 1);
	check(r.x[0] == FFA_SUCCESS_32 && r.x[2] == 2 && r.x[3] == 0,
	      "PARTITION_INFO_GET count only: 2");
	check_error(ffa(FFA_RX_RELEASE, 0, 0, 0, 0, 0), DENIED, "count only left the RX free");

	/* A 1.0 caller: 8-byte descriptors. */
	check_eq(ffa(FFA_VERSION, 0x10000, 0, 0, 0, 0).x[0], 0x10001, "FFA_VERSION 1.0: 1.1");
	r = ffa(FFA_PARTITION_INFO_GET, 0, 0, 0, 0, 0);
	check(r.x[0] == FFA_SUCCESS_32 && r.x[2] == 2 && r.x[3] == 0,
	      "PARTITION_INFO_GET for 1.0: 2 partitions, w3 0");
	check_desc(0, 1, false, false);
	check_desc(8, 2, false, false);

	check_success(ffa(FFA_RXTX_UNMAP, 0, 0, 0, 0, 0), "RXTX_UNMAP (drops the full RX)");
	check_error(ffa(FFA_RXTX_UNMAP, 0, 0, 0, 0, 0), INVALID_PARAMETERS, "RXTX_UNMAP again");
	guest_finish();
}

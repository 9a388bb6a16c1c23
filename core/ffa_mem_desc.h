/* SPDX-License-Identifier: MIT */
#ifndef CORE_FFA_MEM_DESC_H
#define CORE_FFA_MEM_DESC_H

/* FF-A memory management descriptors (DEN0077 v1.1 chapter 10, docs/ffa.md "Memory
 * sharing"): the memory transaction descriptor of FFA_MEM_SHARE/LEND/DONATE and
 * FFA_MEM_RETRIEVE_REQ/RESP, its endpoint memory access descriptors and composite memory
 * region, and the descriptor of FFA_MEM_RELINQUISH. The parser reads a caller's bytes (already
 * copied out of its TX buffer) into a struct with every field checked; nothing here knows
 * about VMs, pages' owners or stage 2 (core/ffa_mem_state.c, core/ffa_mem_s2.c). */

#include <stddef.h>
#include <stdint.h>

/* Memory transaction descriptor: sender id at 0,
 * attributes at 2 (v1.0: one byte and a reserved one), flags at 4, handle at 8, tag at 16;
 * v1.1: endpoint descriptor size at 24, count at 28, array offset at 32, 12 reserved bytes;
 * v1.0: 4 reserved bytes at 24, count at 28, the array at 32. */
#define FFA_MEM_TRANS_SIZE_1_1 48U
#define FFA_MEM_TRANS_SIZE_1_0 32U
/* Endpoint memory access descriptor: permissions descriptor (id, access, flags),
 * composite offset, 8 reserved bytes. */
#define FFA_MEM_ACCESS_SIZE 16U
/* Composite memory region: total page count, range count, 8 reserved bytes,
 * then the constituents: address, page count, 4 reserved bytes. */
#define FFA_MEM_COMPOSITE_SIZE	 16U
#define FFA_MEM_CONSTITUENT_SIZE 16U
/* Relinquish descriptor: handle, flags, endpoint count, then 2-byte ids. */
#define FFA_MEM_RELINQUISH_SIZE 16U
#define FFA_MEM_PAGE_SIZE	4096U

/* Memory access permissions: data access [1:0], instruction access [3:2]. */
#define FFA_DATA_ACCESS_MASK	0x3U
#define FFA_DATA_NOT_SPECIFIED	0x0U
#define FFA_DATA_RO		0x1U
#define FFA_DATA_RW		0x2U
#define FFA_DATA_RESERVED	0x3U
#define FFA_INSTR_ACCESS_SHIFT	2
#define FFA_INSTR_ACCESS_MASK	0x3U
#define FFA_INSTR_NOT_SPECIFIED 0x0U
#define FFA_INSTR_NX		0x1U
#define FFA_INSTR_X		0x2U
#define FFA_INSTR_RESERVED	0x3U
#define FFA_PERM_MBZ		0xf0U
#define FFA_PERM(data, instr)	((uint8_t)((data) | (instr) << FFA_INSTR_ACCESS_SHIFT))
#define FFA_PERM_DATA(perm)	((perm)&FFA_DATA_ACCESS_MASK)
#define FFA_PERM_INSTR(perm)	(((perm) >> FFA_INSTR_ACCESS_SHIFT) & FFA_INSTR_ACCESS_MASK)

/* Memory region attributes: shareability [1:0], cacheability or device
 * attributes [3:2], memory type [5:4]; bit 6 (NS) is the SPMC's to set; [15:7] MBZ. */
#define FFA_ATTR_SHARE_MASK	  0x3U
#define FFA_ATTR_SHARE_RESERVED	  0x1U
#define FFA_ATTR_SHARE_INNER	  0x3U
#define FFA_ATTR_CACHE_SHIFT	  2
#define FFA_ATTR_CACHE_MASK	  0x3U
#define FFA_ATTR_CACHE_NC	  0x1U
#define FFA_ATTR_CACHE_WB	  0x3U
#define FFA_ATTR_TYPE_SHIFT	  4
#define FFA_ATTR_TYPE_MASK	  0x3U
#define FFA_ATTR_TYPE_UNSPECIFIED 0x0U
#define FFA_ATTR_TYPE_DEVICE	  0x1U
#define FFA_ATTR_TYPE_NORMAL	  0x2U
#define FFA_ATTR_MBZ		  0xffc0U
#define FFA_ATTR_NORMAL_WB_INNER                                  \
	((uint16_t)(FFA_ATTR_TYPE_NORMAL << FFA_ATTR_TYPE_SHIFT | \
		    FFA_ATTR_CACHE_WB << FFA_ATTR_CACHE_SHIFT | FFA_ATTR_SHARE_INNER))

/* Flags of FFA_MEM_SHARE/LEND/DONATE: bit 0 zero the memory before it is
 * retrieved (not for a share), bit 1 time slicing (not supported here), [31:2] MBZ. */
#define FFA_MEM_FLAG_ZERO	0x1U
#define FFA_MEM_FLAG_TIME_SLICE 0x2U
/* Flags of FFA_MEM_RETRIEVE_REQ: bit 0 zero before retrieve, bit 1 time
 * slicing, bit 2 zero after relinquish, [4:3] the transaction type (0: any), [9:5] the
 * address range alignment hint (not supported here), [31:10] MBZ. */
#define FFA_RETRIEVE_FLAG_ZERO_BEFORE 0x1U
#define FFA_RETRIEVE_FLAG_ZERO_AFTER  0x4U
#define FFA_RETRIEVE_FLAG_TYPE_SHIFT  3
#define FFA_RETRIEVE_FLAG_TYPE_MASK   0x3U
#define FFA_RETRIEVE_FLAG_KNOWN	      0x1fU
/* Flags of FFA_MEM_RELINQUISH: bit 0 zero after relinquish, bit 1 time slicing. */
#define FFA_RELINQUISH_FLAG_ZERO 0x1U

/* Handles (DEN0077 v1.1 chapter 10): bit 63 says who allocated it, 1 the hypervisor, 0 the SPMC. */
#define FFA_HANDLE_ALLOCATOR_HYP (1ULL << 63)
#define FFA_HANDLE_INVALID	 0xffffffffffffffffULL

/* What the parser keeps. A caller may name more, which is refused (docs/ffa.md). */
#define FFA_MEM_MAX_BORROWERS 4
#define FFA_MEM_MAX_RANGES    16
#define FFA_MEM_MAX_PAGES     (1U << 16) /* 256 MiB in one transaction */

/* The transaction a descriptor belongs to; the values are the retrieve flags' [4:3]. */
enum ffa_mem_op {
	FFA_MEM_OP_RETRIEVE = 0, /* a borrower's request: the type of the transaction it names */
	FFA_MEM_OP_SHARE = 1,
	FFA_MEM_OP_LEND = 2,
	FFA_MEM_OP_DONATE = 3,
};

struct ffa_mem_access {
	uint16_t id;
	uint8_t perm; /* FFA_PERM(data, instr) */
};

struct ffa_mem_range {
	uint64_t addr; /* 4 KiB aligned */
	uint32_t pages;
};

struct ffa_mem_desc {
	uint16_t sender;
	uint16_t attributes;
	uint32_t flags;
	uint64_t handle;
	uint64_t tag;
	unsigned borrowers;
	struct ffa_mem_access access[FFA_MEM_MAX_BORROWERS];
	unsigned ranges; /* 0: a retrieve request that names no ranges */
	uint32_t total_pages;
	struct ffa_mem_range range[FFA_MEM_MAX_RANGES];
};

/* Read the memory transaction descriptor in buf[0, len) that a caller of FF-A `version`
 * (FFA_VERSION_1_0 or _1_1: the layout) passed to the call `op`, checking every field against
 * the rules DEN0077 chapter 10 gives for that call. 0 and *out filled, or an FFA_RET_* status:
 * INVALID_PARAMETERS for a malformed descriptor or one the call does not allow (reserved
 * fields, offsets or counts outside the buffer, a composite that disagrees with itself,
 * unaligned, empty, wrapping or overlapping ranges, permissions or attributes not valid for
 * the call), NO_MEMORY for more borrowers, ranges or pages than FFA_MEM_MAX_*. */
int ffa_mem_desc_parse(const void *buf, size_t len, uint32_t version, enum ffa_mem_op op,
		       struct ffa_mem_desc *out);

/* Write the FFA_MEM_RETRIEVE_RESP descriptor for `d` (one borrower, its ranges as the
 * borrower sees them) in `version`'s layout into buf[0, cap). The length written, or 0 if
 * it does not fit. */
size_t ffa_mem_desc_write(void *buf, size_t cap, uint32_t version, const struct ffa_mem_desc *d);

/* The FFA_MEM_RELINQUISH descriptor in buf[0, len): the handle and the one endpoint that
 * relinquishes (a VM relinquishes for itself). 0, or INVALID_PARAMETERS for
 * reserved flags, an endpoint count other than 1 or one that does not fit in `len`. */
int ffa_mem_relinquish_parse(const void *buf, size_t len, uint64_t *handle, uint16_t *id,
			     uint32_t *flags);

#endif

// SPDX-License-Identifier: MIT
/* Shared unit-test helpers: see fixture.h. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <core/console.h>
#include <core/err.h>
#include <core/hwinfo.h>
#include <core/irq.h>
#include <core/pcpu.h>
#include <core/vgic.h>
#include <core/vm.h>
#include <hal-sim/sim_hal.h>
#include <hal/gic.h>
#include <sim/sim.h>

#include "fixture.h"

#define FDTB_BLOCK_MAX (256 * 1024)
#define FDTB_RSV_MAX   16

struct fdtb {
	uint8_t st[FDTB_BLOCK_MAX];
	size_t st_len;
	char str[FDTB_BLOCK_MAX];
	size_t str_len;
	uint64_t rsv[FDTB_RSV_MAX][2];
	unsigned rsv_count;
};

uint8_t *fixture_load_from(const char *dir, const char *name, size_t *size)
{
	char path[1024];
	uint8_t *buf;
	FILE *fp;
	long len;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	fp = fopen(path, "rb");
	if (!fp)
		fail_msg("cannot open fixture %s (run make with the fixture target)", path);
	fseek(fp, 0, SEEK_END);
	len = ftell(fp);
	fseek(fp, 0, SEEK_SET);
	assert_true(len > 0);
	buf = malloc((size_t)len);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, (size_t)len, fp), (size_t)len);
	fclose(fp);
	*size = (size_t)len;
	return buf;
}

uint8_t *fixture_dup(const void *src, size_t len)
{
	/* malloc(0) may return NULL; a 1-byte buffer keeps the pointer valid. */
	uint8_t *p = malloc(len ? len : 1);

	assert_non_null(p);
	if (len)
		memcpy(p, src, len);
	return p;
}

long fixture_find(const uint8_t *blob, size_t start, size_t end, const void *needle, size_t len)
{
	size_t i;

	for (i = start; i + len <= end; i++) {
		if (memcmp(blob + i, needle, len) == 0)
			return (long)i;
	}
	return -1;
}

/* --- builder --- */

struct fdtb *fdtb_new(void)
{
	struct fdtb *b = calloc(1, sizeof(*b));

	assert_non_null(b);
	return b;
}

static void st_put(struct fdtb *b, const void *p, size_t len)
{
	assert_true(b->st_len + len + 3 <= sizeof(b->st));
	memcpy(b->st + b->st_len, p, len);
	b->st_len += len;
	while (b->st_len & 3)
		b->st[b->st_len++] = 0;
}

static void st_u32(struct fdtb *b, uint32_t v)
{
	uint8_t w[4];

	fixture_put_be32(w, v);
	st_put(b, w, 4);
}

void fdtb_token(struct fdtb *b, uint32_t token)
{
	st_u32(b, token);
}

void fdtb_begin_node(struct fdtb *b, const char *name)
{
	st_u32(b, FDTT_BEGIN_NODE);
	st_put(b, name, strlen(name) + 1);
}

void fdtb_end_node(struct fdtb *b)
{
	st_u32(b, FDTT_END_NODE);
}

static uint32_t str_add(struct fdtb *b, const char *name)
{
	size_t len = strlen(name) + 1, off = b->str_len;

	assert_true(off + len <= sizeof(b->str));
	memcpy(b->str + off, name, len);
	b->str_len += len;
	return (uint32_t)off;
}

void fdtb_prop(struct fdtb *b, const char *name, const void *val, size_t len)
{
	st_u32(b, FDTT_PROP);
	st_u32(b, (uint32_t)len);
	st_u32(b, str_add(b, name));
	if (len)
		st_put(b, val, len);
}

void fdtb_prop_u32(struct fdtb *b, const char *name, uint32_t v)
{
	fdtb_prop_cells(b, name, &v, 1);
}

void fdtb_prop_cells(struct fdtb *b, const char *name, const uint32_t *cells, size_t n)
{
	uint8_t buf[1024];
	size_t i;

	assert_true(n * 4 <= sizeof(buf));
	for (i = 0; i < n; i++)
		fixture_put_be32(buf + 4 * i, cells[i]);
	fdtb_prop(b, name, buf, n * 4);
}

void fdtb_prop_str(struct fdtb *b, const char *name, const char *s)
{
	fdtb_prop(b, name, s, strlen(s) + 1);
}

void fdtb_mem_rsv(struct fdtb *b, uint64_t addr, uint64_t size)
{
	assert_true(b->rsv_count < FDTB_RSV_MAX);
	b->rsv[b->rsv_count][0] = addr;
	b->rsv[b->rsv_count][1] = size;
	b->rsv_count++;
}

uint8_t *fdtb_finish(struct fdtb *b, bool with_end, size_t *size)
{
	size_t rsv_off = FDTH_SIZE, rsv_len = (b->rsv_count + 1) * 16, st_off, str_off, total;
	uint8_t *blob;
	unsigned i;

	if (with_end)
		st_u32(b, FDTT_END);
	st_off = rsv_off + rsv_len;
	str_off = st_off + b->st_len;
	total = str_off + b->str_len;
	blob = calloc(1, total);
	assert_non_null(blob);
	fixture_put_be32(blob + FDTH_MAGIC, 0xd00dfeed);
	fixture_put_be32(blob + FDTH_TOTALSIZE, (uint32_t)total);
	fixture_put_be32(blob + FDTH_OFF_STRUCT, (uint32_t)st_off);
	fixture_put_be32(blob + FDTH_OFF_STRINGS, (uint32_t)str_off);
	fixture_put_be32(blob + FDTH_OFF_RSVMAP, (uint32_t)rsv_off);
	fixture_put_be32(blob + FDTH_VERSION, 17);
	fixture_put_be32(blob + FDTH_LAST_COMP, 16);
	fixture_put_be32(blob + FDTH_SIZE_STRINGS, (uint32_t)b->str_len);
	fixture_put_be32(blob + FDTH_SIZE_STRUCT, (uint32_t)b->st_len);
	for (i = 0; i < b->rsv_count; i++) {
		uint8_t *e = blob + rsv_off + 16 * i;

		fixture_put_be32(e, (uint32_t)(b->rsv[i][0] >> 32));
		fixture_put_be32(e + 4, (uint32_t)b->rsv[i][0]);
		fixture_put_be32(e + 8, (uint32_t)(b->rsv[i][1] >> 32));
		fixture_put_be32(e + 12, (uint32_t)b->rsv[i][1]);
	}
	memcpy(blob + st_off, b->st, b->st_len);
	memcpy(blob + str_off, b->str, b->str_len);
	free(b);
	*size = total;
	return blob;
}

/* --- console --- */

void console_settle(void)
{
	console_drain(SIZE_MAX);
}

unsigned console_line_count(void)
{
	unsigned n = 0;
	size_t i;

	for (i = 0; i < sim_hal.console_len; i++)
		n += sim_hal.console[i] == '\n';
	return n;
}

static bool console_match(const char *s, bool whole)
{
	size_t len = strlen(s);
	const char *line = sim_hal.console;

	while (*line) {
		const char *nl = strchr(line, '\n');
		size_t llen = nl ? (size_t)(nl - line) : strlen(line);

		if (llen >= len && memcmp(line, s, len) == 0 && (!whole || llen == len))
			return true;
		if (!nl)
			break;
		line = nl + 1;
	}
	return false;
}

bool console_has_line(const char *line)
{
	return console_match(line, true);
}

bool console_has_prefix(const char *prefix)
{
	return console_match(prefix, false);
}

void fixture_vcpus_loaded_here(struct vm *vm)
{
	for (unsigned i = 0; i < vm->vcpu_count; i++)
		atomic_store(&vm->vcpus[i].loaded_on, hal_cpu_id() + 1);
}

void fixture_on_pcpu(unsigned n)
{
	sim_hal.cpu_id = n;
	sim_hal.cpu_mpidr = FIXTURE_MPIDR(n);
}

struct vm *fixture_pcpus_machine(struct sim_machine *m)
{
	static const uint32_t prog[] = {SIM_A64_HVC0, SIM_A64_HVC0};
	static const struct irq_config irqs = {
	    .maintenance = VGIC_PPI_MAINTENANCE, .vtimer = VGIC_PPI_VTIMER, .hyp_timer = 26};
	struct hw_info hw = {.cpu_count = FIXTURE_PCPUS};
	struct vm *vm;

	sim_hal_reset();
	for (unsigned i = 0; i < FIXTURE_PCPUS; i++)
		hw.cpu_mpidr[i] = FIXTURE_MPIDR(i);
	assert_int_equal(pcpu_init(&hw, FIXTURE_MPIDR(0)), HV_OK);
	assert_int_equal(sim_machine_init(m, NULL), HV_OK);
	assert_int_equal(sim_machine_load_program(m, prog, 2), HV_OK);
	vm = m->vm;
	for (unsigned i = 1; i < FIXTURE_PCPUS; i++) {
		struct vcpu *v;

		assert_int_equal(vm_add_vcpu(vm, VM_RAM_BASE + IMAGE_RAW_OFFSET, 0, &v), HV_OK);
		v->pcpu = i;
		v->state = VCPU_OFF;
	}
	vgic_init(vm, 64);
	vm->vcpus[0].state = VCPU_RUNNING;
	assert_int_equal(hal_gic_cpu_init(), 0);
	irq_init(&irqs);
	irq_cpu_init();
	fixture_on_pcpu(0);
	return vm;
}

struct vcpu *fixture_nop_machine(struct sim_machine *m)
{
	static const uint32_t prog[] = {SIM_A64_NOP};

	sim_hal_reset();
	assert_int_equal(sim_machine_init(m, NULL), HV_OK);
	assert_int_equal(sim_machine_load_program(m, prog, 1), HV_OK);
	return m->vcpu;
}

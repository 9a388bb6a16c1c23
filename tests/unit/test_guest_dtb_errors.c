// SPDX-License-Identifier: MIT
/* Tests of core/guest_dtb.c: every invalid configuration fails with one log line and leaves the
 * buffer untouched; a short buffer fails cleanly at every size. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <core/err.h>
#include <core/guest_dtb.h>
#include <core/lib.h>
#include <core/log.h>
#include <core/vm.h>
#include <hal-sim/sim_hal.h>

#include "fixture.h"
#include "guest_dtb_fixture.h"

/* Fail with the console shown unless it holds exactly one line, equal to `line`. */
static void assert_one_line(const char *line)
{
	if (console_line_count() != 1 || !console_has_line(line))
		fail_msg("expected the single line\n  %s\nconsole:\n%s", line, sim_hal.console);
}

/* --- failures --- */

static void test_guest_dtb_fails_cleanly_at_every_short_buffer_size(void **state)
{
	struct guest_dtb_config cfg;
	size_t full, size, used;
	uint8_t *ref;

	gdtbfx_board(&cfg, 8, 8);
	ref = gdtbfx_build(&cfg, &full);
	for (size = 0; size < full; size++) {
		uint8_t *buf = malloc(size); /* exactly sized: ASan sees any overrun */
		char line[96];

		sim_hal_reset();
		used = 7;
		assert_int_equal(guest_dtb_build(&cfg, buf, size, &used), HV_ENOMEM);
		assert_int_equal(used, 7);
		snprintf(line, sizeof(line), "error: guest dtb: a buffer of %zu bytes is too small",
			 size);
		assert_one_line(line);
		free(buf);
	}
	{
		uint8_t *buf = malloc(full);

		assert_int_equal(guest_dtb_build(&cfg, buf, full, &used), 0);
		assert_int_equal(used, full);
		assert_memory_equal(buf, ref, full);
		free(buf);
	}
	free(ref);
}

static void mpidr_outside_affinity(struct guest_dtb_config *c)
{
	c->mpidr[1] = 1ULL << 24; /* bit 24 is MT/U territory, not affinity */
}
static void mpidr_repeated(struct guest_dtb_config *c)
{
	c->mpidr[2] = c->mpidr[0];
}
static void no_vcpus(struct guest_dtb_config *c)
{
	c->vcpu_count = 0;
}
static void too_many_vcpus(struct guest_dtb_config *c)
{
	c->vcpu_count = GUEST_DTB_MAX_VCPUS + 1;
}
static void no_ram(struct guest_dtb_config *c)
{
	c->ram_count = 0;
}
static void too_many_banks(struct guest_dtb_config *c)
{
	c->ram_count = GUEST_DTB_MAX_RAM + 1;
}
static void empty_bank(struct guest_dtb_config *c)
{
	c->ram[0].size = 0;
}
static void wrapping_bank(struct guest_dtb_config *c)
{
	c->ram[0].base = 0xfffffffff0000000ULL;
	c->ram[0].size = 0x10000000ULL; /* ends exactly at 2^64: not expressible */
}
static void ram_over_gicd(struct guest_dtb_config *c)
{
	c->ram[0].base = 0x08000000ULL;
}
static void uart_inside_redist(struct guest_dtb_config *c)
{
	c->uart.reg.base = VM_GICR_BASE + 0x1000;
}
static void virtio_overlapping_virtio(struct guest_dtb_config *c)
{
	c->virtio[1].reg.base = c->virtio[0].reg.base + 0x100;
}
static void redist_too_small(struct guest_dtb_config *c)
{
	c->gic.redist.size = 3 * VM_GICR_STRIDE;
}
static void timer_not_a_ppi(struct guest_dtb_config *c)
{
	c->timer.virt = 32;
}
static void timer_ppis_repeated(struct guest_dtb_config *c)
{
	c->timer.phys = 27;
}
static void maint_is_timer(struct guest_dtb_config *c)
{
	c->gic.maint_intid = 26;
}
static void uart_intid_is_ppi(struct guest_dtb_config *c)
{
	c->uart.intid = 27;
}
static void virtio_intid_past_vgic(struct guest_dtb_config *c)
{
	c->virtio[3].intid = 32 + GUEST_NR_SPIS;
}
static void virtio_intid_is_uart(struct guest_dtb_config *c)
{
	c->virtio[2].intid = VM_PL011_INTID;
}
static void virtio_intid_repeated(struct guest_dtb_config *c)
{
	c->virtio[3].intid = c->virtio[1].intid;
}
static void too_many_spis(struct guest_dtb_config *c)
{
	c->gic.nr_spis = 989;
}
static void no_spis(struct guest_dtb_config *c)
{
	c->gic.nr_spis = 0;
}
static void too_many_virtio(struct guest_dtb_config *c)
{
	c->virtio_count = GUEST_DTB_MAX_VIRTIO + 1;
}
static void bad_psci(struct guest_dtb_config *c)
{
	c->psci = (enum guest_dtb_psci)7;
}
static void bootargs_too_long(struct guest_dtb_config *c)
{
	static char args[GUEST_DTB_BOOTARGS_MAX + 2];

	memset(args, 'x', GUEST_DTB_BOOTARGS_MAX + 1);
	c->bootargs = args;
}
static void initrd_outside_ram(struct guest_dtb_config *c)
{
	c->initrd_end = VM_RAM_BASE + 128 * MIB + 1;
}
static void initrd_empty(struct guest_dtb_config *c)
{
	c->initrd_end = c->initrd_start;
}

static void test_guest_dtb_rejects_invalid_configs_with_one_line(void **state)
{
	static const struct {
		void (*mutate)(struct guest_dtb_config *c);
		const char *line;
	} cases[] = {
	    {no_vcpus, "vcpu_count 0 is not 1..8"},
	    {too_many_vcpus, "vcpu_count 9 is not 1..8"},
	    {mpidr_outside_affinity, "mpidr[1] 0x1000000 has bits outside Aff3..Aff0"},
	    {mpidr_repeated, "mpidr[2] 0x0 repeats mpidr[0]"},
	    {no_ram, "ram_count 0 is not 1..4"},
	    {too_many_banks, "ram_count 5 is not 1..4"},
	    {empty_bank, "ram[0]: size is 0"},
	    {wrapping_bank, "ram[0]: 0xfffffffff0000000 + 0x10000000 wraps around"},
	    {ram_over_gicd, "gic.dist [0x8000000, 0x8010000) overlaps ram[0] [0x8000000, "
			    "0x10000000)"},
	    {uart_inside_redist, "uart [0x80a1000, 0x80a2000) overlaps gic.redist [0x80a0000, "
				 "0x8120000)"},
	    {virtio_overlapping_virtio, "virtio[1] [0xa000100, 0xa000300) overlaps virtio[0] "
					"[0xa000000, 0xa000200)"},
	    {redist_too_small, "gic.redist: 0x60000 bytes hold fewer than 4 redistributors of "
			       "128 KiB"},
	    {timer_not_a_ppi, "timer.virt: intid 32 is not a PPI (16..31)"},
	    {timer_ppis_repeated, "timer.virt: intid 27 is used twice"},
	    {maint_is_timer, "gic.maint: intid 26 is used twice"},
	    {uart_intid_is_ppi, "uart: intid 27 is not one of the vGIC's SPIs (32..95)"},
	    {virtio_intid_past_vgic, "virtio[3]: intid 96 is not one of the vGIC's SPIs (32..95)"},
	    {virtio_intid_is_uart, "virtio[2]: intid 33 is the uart's"},
	    {virtio_intid_repeated, "virtio[3]: intid 49 is virtio[1]'s"},
	    {too_many_spis, "gic.nr_spis 989 is more than 988"},
	    {no_spis, "uart: intid 33, but the vGIC has no SPIs"},
	    {too_many_virtio, "virtio_count 33 is more than 32"},
	    {bad_psci, "psci method 7 is neither hvc nor smc"},
	    {bootargs_too_long, "bootargs longer than 2047 bytes"},
	    {initrd_outside_ram, "initrd [0x44000000, 0x48000001) is empty or not inside one RAM "
				 "bank"},
	    {initrd_empty, "initrd [0x44000000, 0x44000000) is empty or not inside one RAM bank"},
	};
	static uint8_t buf[DTB_BUF_SIZE];
	unsigned i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		struct guest_dtb_config cfg;
		char line[LOG_LINE_MAX];
		size_t used = 99;

		gdtbfx_board(&cfg, 4, 4);
		cfg.initrd_end = cfg.initrd_start + 0x4000000;
		cases[i].mutate(&cfg);
		sim_hal_reset();
		memset(buf, 0x5a, sizeof(buf));
		assert_int_equal(guest_dtb_build(&cfg, buf, sizeof(buf), &used), HV_EINVAL);
		assert_int_equal(used, 99);
		/* Nothing written: a rejected board leaves the buffer as it was. */
		assert_int_equal(buf[0], 0x5a);
		snprintf(line, sizeof(line), "error: guest dtb: %s", cases[i].line);
		assert_one_line(line);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup(test_guest_dtb_fails_cleanly_at_every_short_buffer_size,
				   gdtbfx_setup),
	    cmocka_unit_test_setup(test_guest_dtb_rejects_invalid_configs_with_one_line,
				   gdtbfx_setup),
	};

	return cmocka_run_group_tests_name("guest_dtb_errors", tests, NULL, NULL);
}

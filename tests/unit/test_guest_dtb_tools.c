// SPDX-License-Identifier: MIT
/* Tests of core/guest_dtb.c: the guest DTB of the standard board read back by the tools Linux
 * users have: dtc decompiles it without a warning, and libfdt (inside fdtget) reads the same
 * values the project's reader does. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include <core/guest_dtb.h>
#include <core/lib.h>

#include "guest_dtb_fixture.h"

#define DTC_OUTPUT_MAX 65536

/* Run a device-tree tool on `blob` saved to a temporary file: `cmd` is a command line whose
 * one "%s" is the file's path. Its output (stdout and stderr) in `out`; returns the exit status. */
static int run_tool(const char *cmd, const uint8_t *blob, size_t size, char *out, size_t out_size)
{
	char path[] = "/tmp/test_guest_dtb_XXXXXX";
	char line[256];
	size_t n = 0;
	FILE *fp;
	int fd = mkstemp(path), status;

	assert_true(fd >= 0);
	assert_int_equal(write(fd, blob, size), (ssize_t)size);
	close(fd);
	snprintf(line, sizeof(line), cmd, path);
	strncat(line, " 2>&1", sizeof(line) - strlen(line) - 1);
	fp = popen(line, "r");
	assert_non_null(fp);
	while (n + 1 < out_size && !feof(fp) && !ferror(fp))
		n += fread(out + n, 1, out_size - 1 - n, fp);
	out[n] = '\0';
	status = pclose(fp);
	unlink(path);
	return status;
}

static void assert_dts_has(const char *dts, const char *line)
{
	if (!strstr(dts, line))
		fail_msg("dtc output lacks\n  %s\noutput:\n%s", line, dts);
}

static void test_guest_dtb_decompiles_with_dtc(void **state)
{
	static const char *const lines[] = {
	    "compatible = \"linux,dummy-virt\";",
	    "compatible = \"arm,gic-v3\";",
	    "#interrupt-cells = <0x03>;",
	    "interrupt-controller;",
	    "#redistributor-regions = <0x01>;",
	    "reg = <0x00 0x8000000 0x00 0x10000 0x00 0x80a0000 0x00 0x80000>;",
	    "cpu@3 {",
	    "enable-method = \"psci\";",
	    "device_type = \"memory\";",
	    "reg = <0x00 0x40000000 0x00 0x8000000>;",
	    "interrupts = <0x01 0x0d 0x04 0x01 0x0e 0x04 0x01 0x0b 0x04 0x01 0x0a 0x04>;",
	    "compatible = \"arm,pl011\\0arm,primecell\";",
	    "interrupts = <0x00 0x01 0x04>;",
	    "clock-names = \"uartclk\\0apb_pclk\";",
	    "method = \"hvc\";",
	    "virtio_mmio@a000200 {",
	    "interrupts = <0x00 0x11 0x01>;",
	    "dma-coherent;",
	    "stdout-path = \"/pl011@9000000\";",
	    "serial0 = \"/pl011@9000000\";",
	    "bootargs = \"" BOOTARGS "\";",
	    "linux,initrd-start = <0x00 0x44000000>;",
	};
	static char dts[DTC_OUTPUT_MAX];
	struct guest_dtb_config cfg;
	size_t size;
	uint8_t *blob;
	unsigned i;

	gdtbfx_board(&cfg, 4, 2);
	blob = gdtbfx_build(&cfg, &size);
	if (run_tool("dtc -I dtb -O dts %s", blob, size, dts, sizeof(dts)) != 0)
		fail_msg("dtc failed:\n%s", dts);
	/* dtc's own checks (unit addresses, cells, phandles) find nothing to warn about. */
	if (strstr(dts, "Warning") || strstr(dts, "ERROR"))
		fail_msg("dtc complained:\n%s", dts);
	for (i = 0; i < ARRAY_SIZE(lines); i++)
		assert_dts_has(dts, lines[i]);
	free(blob);
}

/* libfdt (what Linux parses the DTB with, here inside fdtget) reads the same values. */
static void test_guest_dtb_reads_back_with_libfdt_fdtget(void **state)
{
	static const struct {
		const char *args, *want;
	} cases[] = {
	    {"-t s %s /chosen bootargs", BOOTARGS "\n"},
	    {"-t s %s /chosen stdout-path", PL011_NODE "\n"},
	    {"-t x %s /intc@8000000 reg", "0 8000000 0 10000 0 80a0000 0 20000\n"},
	    {"-t x %s /cpus/cpu@0 reg", "0\n"},
	    {"-t x %s /pl011@9000000 interrupts", "0 1 4\n"},
	    {"-t s %s /psci method", "hvc\n"},
	    {"-l %s /", "cpus\nmemory@40000000\nintc@8000000\ntimer\npsci\napb-pclk\n"
			"pl011@9000000\nvirtio_mmio@a000000\naliases\nchosen\n"},
	};
	static char out[DTC_OUTPUT_MAX];
	struct guest_dtb_config cfg;
	char cmd[64];
	size_t size;
	uint8_t *blob;
	unsigned i;

	gdtbfx_board(&cfg, 1, 1);
	blob = gdtbfx_build(&cfg, &size);
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		snprintf(cmd, sizeof(cmd), "fdtget %s", cases[i].args);
		if (run_tool(cmd, blob, size, out, sizeof(out)) != 0)
			fail_msg("%s failed:\n%s", cmd, out);
		assert_string_equal(out, cases[i].want);
	}
	free(blob);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup(test_guest_dtb_decompiles_with_dtc, gdtbfx_setup),
	    cmocka_unit_test_setup(test_guest_dtb_reads_back_with_libfdt_fdtget, gdtbfx_setup),
	};

	return cmocka_run_group_tests_name("guest_dtb_tools", tests, NULL, NULL);
}

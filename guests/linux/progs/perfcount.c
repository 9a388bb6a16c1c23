// SPDX-License-Identifier: MIT
/* perfcount: counts its own user-space cycles and instructions over a loop of known length
 * through Linux's perf_event_open(2), as `perf stat -e cycles,instructions` would, and prints
 *   perfcount: cycles=<n>
 *   perfcount: instructions=<n> loop=<instructions in the loop>   (or =unsupported)
 * Exit status 0 when the cycle count is not zero. Static and without a C library (built by
 * guests/linux/build-initramfs.sh with -static -nostdlib; guests/linux/progs/nolibc.h). */
#include "nolibc.h"

/* include/uapi/linux/perf_event.h, PERF_ATTR_SIZE_VER0: the first 64 bytes of the attr. */
struct perf_attr {
	uint32_t type, size;
	uint64_t config, sample_period, sample_type, read_format;
	uint64_t flags; /* disabled: bit 0, exclude_kernel: bit 5, exclude_hv: bit 6 */
	uint32_t wakeup_events, bp_type;
	uint64_t config1;
};
#define PERF_TYPE_HARDWARE	   0
#define PERF_COUNT_HW_CPU_CYCLES   0
#define PERF_COUNT_HW_INSTRUCTIONS 1
#define ATTR_DISABLED		   (1ULL << 0)
#define ATTR_EXCLUDE_KERNEL	   (1ULL << 5)
#define ATTR_EXCLUDE_HV		   (1ULL << 6)
#define PERF_EVENT_IOC_ENABLE	   0x2400
#define PERF_EVENT_IOC_DISABLE	   0x2401
#define PERF_EVENT_IOC_RESET	   0x2403
#define LOOP_ROUNDS		   1000000 /* two instructions each */

static void spin(uint64_t rounds)
{
	__asm__ volatile("1:	subs	%0, %0, #1\n"
			 "	b.ne	1b\n"
			 : "+r"(rounds)
			 :
			 : "cc");
}

/* The event's user-space count over the loop; -1 if the PMU cannot count it. */
static int64_t count(uint64_t config)
{
	struct perf_attr attr = {
	    .type = PERF_TYPE_HARDWARE,
	    .size = sizeof(attr),
	    .config = config,
	    .flags = ATTR_DISABLED | ATTR_EXCLUDE_KERNEL | ATTR_EXCLUDE_HV,
	};
	uint64_t value = 0;
	long fd = syscall5(SYS_PERF_EVENT_OPEN, (long)&attr, 0, -1, -1, 0);

	if (fd < 0)
		return -1;
	syscall5(SYS_IOCTL, fd, PERF_EVENT_IOC_RESET, 0, 0, 0);
	syscall5(SYS_IOCTL, fd, PERF_EVENT_IOC_ENABLE, 0, 0, 0);
	spin(LOOP_ROUNDS);
	syscall5(SYS_IOCTL, fd, PERF_EVENT_IOC_DISABLE, 0, 0, 0);
	if (syscall5(SYS_READ, fd, (long)&value, sizeof(value), 0, 0) != sizeof(value))
		return -1;
	return (int64_t)value;
}

void _start(void);
void _start(void)
{
	int64_t cycles = count(PERF_COUNT_HW_CPU_CYCLES);
	int64_t insns = count(PERF_COUNT_HW_INSTRUCTIONS);

	put("perfcount: cycles=");
	if (cycles < 0)
		put("unsupported");
	else
		put_u64((uint64_t)cycles);
	put("\nperfcount: instructions=");
	if (insns < 0)
		put("unsupported");
	else
		put_u64((uint64_t)insns);
	put(" loop=");
	put_u64(2 * LOOP_ROUNDS);
	put("\n");
	exit_with(cycles > 0 ? 0 : 1);
}

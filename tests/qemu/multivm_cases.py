# SPDX-License-Identifier: MIT
"""Several Linux VMs side by side from a configuration (docs/config.md), driven through the
multiplexed console (docs/console.md) like a user at the keyboard:

  linux-two-vms   alpha (4 vCPUs, 384 MiB) and beta (2 vCPUs, 192 MiB) on one pCPU, each with
                  its own blank disk. Each reports its own CPU count and RAM; a string alpha
                  writes to its disk is not on beta's; the hypervisor console lists both;
                  powering alpha off leaves beta answering; rebooting beta brings it back to a
                  shell; beta's poweroff, the last VM's, ends the machine with status 0.
  linux-quad      configs/quad.dts: three Linux VMs and a bare-metal heartbeat over two pCPUs
                  all come up; stopped one by one from the hypervisor console.
  linux-ffa       tests/qemu/configs/ffa-linux.dts: Linux's arm_ffa driver negotiates FF-A
                  v1.1 with the hypervisor and lists the partitions it sees (itself and a
                  bare-metal one waiting for direct requests) under /sys/bus/arm_ffa/devices/
                  with the UUIDs of the configuration, and not a third whose ffa-peers leaves
                  Linux out (docs/ffa.md)."""
import os

from linux_cases import NO_ERRORS

DISK_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "build", "e2e")
DISK_MIB = 16
CTRL_RBRACKET = "\x1d"
SHELL = r"guest: init done, BusyBox shell on the console"


def tag(vm, text):
    """A line of `vm`'s output as the multiplexed console shows it."""
    return r"^\[%s\] %s" % (vm, text)


def focus(to):
    return r"^hv: console input -> %s \(Ctrl-\] for next\)" % to


def blank_disks():
    os.makedirs(DISK_DIR, exist_ok=True)
    for name in ("alpha", "beta"):
        with open(os.path.join(DISK_DIR, name + ".img"), "wb") as f:
            f.truncate(DISK_MIB << 20)
    return None


# What a VM says about itself: its CPU count and RAM, on one line.
WHOAMI = "echo me=$(hostname) cpus=$(nproc) $(grep MemTotal /proc/meminfo)\n"
SECRET = "secret-of-alpha-4711"
WRITE_SECRET = ("echo %s | dd of=/dev/vda conv=fsync 2>/dev/null; "
                "echo alpha-reads=$(dd if=/dev/vda bs=512 count=1 2>/dev/null | grep -c %s)\n"
                % (SECRET, SECRET.replace("-", "[-]")))
LOOK_FOR_SECRET = ("echo beta-finds=$(dd if=/dev/vda bs=1M count=%d 2>/dev/null | grep -c %s)\n"
                   % (DISK_MIB, SECRET.replace("-", "[-]")))

# MemTotal is RAM less what the kernel keeps: 384 MiB gives about 340-370 thousand kB, 192 MiB
# about 150-180 thousand.
ALPHA_ME = tag("alpha", r"me=guest cpus=4 MemTotal:\s+3[3-9]\d{4} kB")
BETA_ME = tag("beta", r"me=guest cpus=2 MemTotal:\s+1[4-9]\d{4} kB")

# Each FF-A device Linux made: its partition id and UUID, one line each.
FFA_DEVICES = ("for d in /sys/bus/arm_ffa/devices/*; do "
               "echo ffa-dev $(basename $d) $(cat $d/partition_id) $(cat $d/uuid); done; "
               "echo ffa-count $(ls /sys/bus/arm_ffa/devices | wc -l)\n")

MULTIVM_CASES = [
    {
        "name": "linux-two-vms",
        "config": "tests/qemu/configs/two-linux.dts",
        "prepare": blank_disks,
        "input": [
            (tag("alpha", SHELL), WHOAMI),
            (ALPHA_ME, WRITE_SECRET),
            (tag("alpha", r"alpha-reads=1"), CTRL_RBRACKET),
            (focus("beta"), WHOAMI),
            (BETA_ME, LOOK_FOR_SECRET),
            (tag("beta", r"beta-finds=0"), CTRL_RBRACKET),
            (focus("hypervisor console"), "list\n"),
            (r"^hv: beta\s+running\s+2\s", CTRL_RBRACKET),
            (focus("alpha"), "poweroff\n"),
            # alpha gone, the focus moves on to beta by itself.
            (focus("beta"), "echo beta-alive\n"),
            (tag("beta", r"beta-alive"), "reboot\n"),
            (tag("beta", SHELL), "echo beta-back\n"),
            (tag("beta", r"beta-back"), "poweroff\n"),
        ],
        "expect": [
            tag("alpha", SHELL), ALPHA_ME, tag("alpha", r"alpha-reads=1"),
            focus("beta"), BETA_ME, tag("beta", r"beta-finds=0"),
            focus("hypervisor console"),
            r"^hv: alpha\s+running\s+4\s", r"^hv: beta\s+running\s+2\s",
            # The focus moves on as the stopped VM leaves the console, before its report.
            focus("alpha"), r"^alpha: PSCI SYSTEM_OFF", focus("beta"),
            r"^alpha: stopped with status 0", tag("beta", r"beta-alive"),
            r"^beta: PSCI SYSTEM_RESET", r"^beta: reset: starting again from its images",
            focus("beta"), tag("beta", SHELL), tag("beta", r"beta-back"),
            r"^beta: PSCI SYSTEM_OFF", r"^beta: stopped with status 0",
            r"^hv: alpha ended with status 0 \(1 boot\)",
            r"^hv: beta ended with status 0 \(2 boots\)",
        ],
        "forbid": NO_ERRORS,
        "exit": 0,
        "timeout": 300,
    },
    {
        "name": "linux-quad",
        "config": "configs/quad.dts",
        "input": [
            (tag("linux-a", SHELL), WHOAMI),
            (tag("linux-a", r"me=guest cpus=2 "), CTRL_RBRACKET * 4),
            (focus("hypervisor console"), "list\n"),
            # Each VM stops only once it is up: the Linux VMs at their shells, whenever
            # they come.
            ((r"^hv: heartbeat\s+running\s+1\s", tag("linux-b", SHELL), tag("linux-c", SHELL)),
             "stop heartbeat\n"),
            (r"^heartbeat: stopped with status 0", "stop linux-b\n"),
            (r"^linux-b: stopped with status 0", "stop linux-c\n"),
            (r"^linux-c: stopped with status 0", CTRL_RBRACKET),
            (focus("linux-a"), "poweroff\n"),
        ],
        # Every VM up (in any order: each waited for on its own line), then stopped one by one.
        "expect": [tag("linux-a", SHELL), tag("linux-a", r"me=guest cpus=2 "),
                   focus("hypervisor console"),
                   r"^hv: linux-a\s+running\s+2\s+0,1\s", r"^hv: linux-b\s+running\s+1\s+0\s",
                   r"^hv: linux-c\s+running\s+1\s+1\s", r"^hv: heartbeat\s+running\s+1\s+1\s",
                   r"^heartbeat: stopped with status 0", r"^linux-b: stopped with status 0",
                   r"^linux-c: stopped with status 0", focus("linux-a"),
                   r"^linux-a: PSCI SYSTEM_OFF", r"^hv: linux-a ended with status 0",
                   r"^hv: linux-b ended with status 0", r"^hv: linux-c ended with status 0",
                   r"^hv: heartbeat ended with status 0"],
        "raw_expect": [b"[linux-b] guest: init done", b"[linux-c] guest: init done",
                       b"[heartbeat] heartbeat: 1"],
        "forbid": NO_ERRORS,
        "exit": 0,
        "timeout": 300,
    },
    {
        "name": "linux-ffa",
        "config": "tests/qemu/configs/ffa-linux.dts",
        "input": [
            (tag("linux", SHELL), FFA_DEVICES),
            (tag("linux", r"ffa-count \d+"), CTRL_RBRACKET * 3),
            (focus("hypervisor console"), "stop ffa-serve\n"),
            (r"^ffa-serve: stopped with status 0", "stop hidden\n"),
            (r"^hidden: stopped with status 0", CTRL_RBRACKET),
            (focus("linux"), "poweroff\n"),
        ],
        "expect": [tag("linux", r"\[\s*[\d.]+\] ARM FF-A: Driver version 1\.1"),
                   tag("linux", r"\[\s*[\d.]+\] ARM FF-A: Firmware version 1\.1 found"),
                   tag("linux", SHELL),
                   tag("linux", r"ffa-dev arm-ffa-\S+ 0x0*1 6c696e75-7800-4000-8000-000000000001"),
                   tag("linux", r"ffa-dev arm-ffa-\S+ 0x0*2 b0b1b2b3-b4b5-b6b7-b8b9-babbbcbdbebf"),
                   tag("linux", r"ffa-count 2$"),
                   r"^ffa-serve: stopped with status 0", r"^hidden: stopped with status 0",
                   focus("linux"), r"^linux: PSCI SYSTEM_OFF", r"^hv: linux ended with status 0",
                   r"^hv: ffa-serve ended with status 0", r"^hv: hidden ended with status 0"],
        "raw_expect": [b"[ffa-serve] ok 4 - request to an endpoint not waiting: BUSY"],
        "forbid": NO_ERRORS + [r"ffa-dev .* 41d1d3e0-"],
        "exit": 0,
        "timeout": 300,
    },
]

# VM creation with several VMs in the configuration (issue #18): four Linux VMs of 512 MiB,
# each made (RAM reserved, kernel, initramfs and DTB loaded) within CREATE_MAX_US under -icount
# shift=0, the later ones no dearer than the first (tests/qemu/configs/four-linux.dts).
from linux_cases import CREATE_MAX_US  # noqa: E402
from guest_cases import int_below  # noqa: E402

MULTIVM_CASES.append({
    "name": "config-four-create-icount",
    "config": "tests/qemu/configs/four-linux.dts",
    "qemu_args": ["-icount", "shift=0"],
    "expect": [r"^vm-%s: created in %s us, starts" % (n, int_below(CREATE_MAX_US))
               for n in "abcd"],
    "forbid": NO_ERRORS,
    "exit": None,  # it ends at the fourth VM's line: QEMU is stopped there
    "timeout": 60,
})

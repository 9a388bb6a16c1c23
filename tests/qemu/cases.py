# SPDX-License-Identifier: MIT
"""The end-to-end cases run by tests/qemu/run.py.

Each case: name; smp and mem (QEMU -smp / -m); bootargs (added to hv.exit=semihosting);
expect: regular expressions that must match console lines in this order; forbid: expressions
no line may match; exit: the QEMU exit status required once the last line was seen, or None
to stop QEMU right after the last expected line; timeout in seconds; dtb_edit: (regex,
replacement) pairs applied to QEMU's own host DTB (as DTS) to boot on a broken one; guest: a
guest image loaded as a boot module (QEMU guest-loader) that the hypervisor runs in a VM, with
guest_bootargs for its module node.
"""

import os
import sys

NO_ERRORS = [r"^error:", r"FAILED"]


def boot_case(smp, mem, mib):
    online = [r"^cpu %d online \(mpidr 0x%x, EL2\)" % (i, i) for i in range(1, smp)]
    return {
        "name": "boot-smp%d-%s" % (smp, mem),
        "smp": smp,
        "mem": mem,
        "expect": [r"^hv: EL2 hypervisor starting \(EL2",
                   r"^ram: %d MiB total" % mib,
                   r"^cpus: %d \(" % smp,
                   r"^gic: v3 dist 0x8000000 redist 0x80a0000",
                   r"^uart: pl011 0x9000000 intid 33",
                   r"^timer: ppi intids phys 30 virt 27 hyp 26",
                   r"^psci: smc",
                   r"^mmu: EL2 stage-1 on"] + online + [
                   r"^smp: %d of %d cpus online" % (smp, smp),
                   r"^hv: all self-checks passed"],
        "forbid": NO_ERRORS,
        "exit": 0,
    }


def fault_case(what, ec, description):
    return {
        "name": "fault-" + what,
        "smp": 2,
        "bootargs": ["hv.fault=" + what],
        "expect": [r"^fault: ",
                   r"^error: PANIC: unexpected synchronous exception from EL2 on cpu 0",
                   r"ESR 0x[0-9a-f]+ \(EC 0x%02x %s" % (ec, description),
                   r"ELR 0x[0-9a-f]{16} FAR 0x[0-9a-f]{16}",
                   r"x30 [0-9a-f]{16}  sp  [0-9a-f]{16}",
                   r"^error: cpu 0 stopped"],
        "forbid": [r"self-checks passed"],
        "exit": None,
    }


def bad_dtb_case(name, edits, message):
    return {
        "name": "bad-dtb-" + name,
        "smp": 2,
        "dtb_edit": edits,
        "expect": [r"^hv: EL2 hypervisor starting", r"^error: " + message,
                   r"^error: boot: host DTB failed"],
        "forbid": [r"self-checks passed", r"PANIC"],
        "exit": 1,
    }


CASES = [
    boot_case(1, "512M", 512),
    boot_case(4, "1G", 1024),
    boot_case(8, "3G", 3072),
    boot_case(2, "4G", 4096),
    fault_case("write-text", 0x25, "data abort, same EL"),
    fault_case("exec-data", 0x21, "instruction abort, same EL"),
    {
        "name": "dtb-memreserve-honoured",
        "smp": 1,
        "dtb_edit": [(r"/dts-v1/;", "/dts-v1/;\n/memreserve/ 0x50000000 0x100000;")],
        "expect": [r"^mem: reserved 0x50000000\+0x100000 \(/memreserve/\)",
                   r"^hv: all self-checks passed"],
        "forbid": NO_ERRORS,
        "exit": 0,
    },
    {
        # A loader's module over the hypervisor's own memory (its .bss and stacks) would be
        # served to the guest; boot stops naming the module and the overlap.
        "name": "bad-dtb-module-over-hypervisor",
        "smp": 1,
        "dtb_edit": [(r"(chosen \{[^}]*?)(\n\t\};)",
                      r'\1\n\t\tmodule@40300000 {\n\t\t\tcompatible = "multiboot,kernel", '
                      r'"multiboot,module";\n\t\t\treg = <0x00 0x40300000 0x00 0x1000>;'
                      r'\n\t\t};\2')],
        "expect": [r"^hv: EL2 hypervisor starting",
                   r"^error: bootmod: /chosen/module@40300000 \[0x40300000-0x40301000\) "
                   r"overlaps the hypervisor's data, bss and stacks \[0x[0-9a-f]+-0x[0-9a-f]+\)"
                   r": boot refused",
                   r"^error: boot: boot modules failed"],
        "forbid": [r"self-checks passed", r"PANIC", r"^vm0"],
        "exit": 1,
    },
    {
        # More guest RAM than the machine has: the message says how much there is.
        "name": "guest-mem-too-large",
        "smp": 1,
        "mem": "512M",
        "bootargs": ["hv.guest_mem=1024"],
        "guest": "build/guests/boot.bin",
        "expect": [r"^error: vm0: no room for 1024 MiB of guest RAM: only \d+ MiB of memory "
                   r"are free",
                   r"^error: boot: creating vm0 failed: out of memory"],
        "forbid": [r"PANIC"],
        "exit": 1,
    },
    bad_dtb_case("no-gic", [(r'"arm,gic-v3"', '"vendor,not-a-gic"')],
                 r'hw: .*"arm,gic-v3".*GICv3 is required'),
    bad_dtb_case("no-cpus", [(r'device_type = "cpu";', 'device_type = "not-a-cpu";')],
                 r"hw: .*cpu"),
]

# Bare-metal guests under the hypervisor (tests/qemu/guests/).
from guest_cases import GUEST_CASES  # noqa: E402

CASES += GUEST_CASES

# Linux under the hypervisor (guests/linux/).
from linux_cases import LINUX_CASES  # noqa: E402

CASES += LINUX_CASES

from disk_cases import DISK_CASES  # noqa: E402

CASES += DISK_CASES

# The console: Ctrl-], the hypervisor console, tagged lines (docs/console.md).
from console_cases import CONSOLE_CASES  # noqa: E402

CASES += CONSOLE_CASES

# Configurations (docs/config.md) through tools/hvconfig.py.
from config_cases import CONFIG_CASES  # noqa: E402

CASES += CONFIG_CASES

# VM lifecycles: one of two VMs powers off, resets or faults; the other runs on (docs/boot.md).
from lifecycle_cases import LIFECYCLE_CASES  # noqa: E402

CASES += LIFECYCLE_CASES

# Several Linux VMs from a configuration, on the multiplexed console.
from multivm_cases import MULTIVM_CASES  # noqa: E402

CASES += MULTIVM_CASES

# Overcommit: Linux with 4 vCPUs on one pCPU (docs/scheduling.md).
from sched_cases import SCHED_CASES  # noqa: E402

CASES += SCHED_CASES

# The hostile-guest suite (tests/hostile/; `make test-hostile`, left out of `make test-qemu`).
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "hostile"))
from hostile_cases import HOSTILE_CASES  # noqa: E402

CASES += HOSTILE_CASES

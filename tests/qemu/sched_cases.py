# SPDX-License-Identifier: MIT
"""Linux with several vCPUs on one pCPU doing what made overcommit slow (issue #12,
docs/scheduling.md), driven through the console:

  linux-mke2fs-4vcpu   4 vCPUs on one pCPU make an ext2 filesystem on a blank 256 MiB disk (a
                       file on this machine, hv.disk=host): it completes, the guest found the
                       stolen-time interface at boot, and /proc/stat shows steal time.
  linux-mke2fs-1vcpu   the same with 1 vCPU.

  sched-share-4-1      two CPU-bound VMs (tests/qemu/guests/spin.c) of 4 vCPUs and 1 vCPU with
                       equal weights on one pCPU, under -icount: each did within 5% of the
                       same work in the same window (docs/scheduling.md, "Several VMs on one
                       pCPU"; round robin over the vCPUs would give 4:1).

How long mke2fs takes is `make bench`'s business (wall time is no test)."""
import os
import re

from linux_cases import linux_case

DISK = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "build", "e2e",
                    "mke2fs.img")
DISK_MIB = 256
# /proc/stat's first line: "cpu user nice system idle iowait irq softirq steal ...".
STEAL = r"^cpu\s+(\d+\s+){7}[1-9]\d*\s"


def blank_disk():
    os.makedirs(os.path.dirname(DISK), exist_ok=True)
    with open(DISK, "wb") as f:
        f.truncate(DISK_MIB << 20)
    return None


def mke2fs_case(vcpus, more_expect):
    case = linux_case("linux-mke2fs-%dvcpu" % vcpus, vcpus, [
        (r"^guest: init done", "mke2fs -q /dev/vda && echo mke2fs-ok\n"),
        (r"^mke2fs-ok", "head -1 /proc/stat; poweroff\n"),
    ], timeout=180)
    case["bootargs"].append("hv.disk=host")
    case["qemu_args"] += [
        "-global", "virtio-mmio.force-legacy=false",
        "-drive", "file=%s,if=none,format=raw,id=hd0" % DISK,
        "-device", "virtio-blk-device,drive=hd0"]
    case["prepare"] = blank_disk
    # Linux prints the stolen-time line while it boots, before its shell.
    case["expect"] = case["expect"][:1] + [r"arm-pv: using stolen time PV"] + \
        case["expect"][1:] + [r"^mke2fs-ok"] + more_expect + [r"vm0: PSCI SYSTEM_OFF"]
    return case


SPIN = re.compile(r"^\[(\S+)\] bench: spin (\d+) (\d+) ", re.M)
SHARE_SLACK = 0.05


def equal_shares(out):
    """What is wrong with the VMs' counts of work in their window (equal weights), or None."""
    done = {m.group(1): int(m.group(3)) for m in SPIN.finditer(out)}
    if len(done) != 2:
        return "expected the counts of 2 VMs, found %r" % done
    low, high = sorted(done.values())
    if low < (1 - 2 * SHARE_SLACK) * high:
        return "shares not within %d%% of half each: %r" % (SHARE_SLACK * 100, done)
    return None


SHARE_CASE = {
    "name": "sched-share-4-1",
    "config": "tests/qemu/configs/share-4-1.dts",
    "qemu_args": ["-icount", "shift=0"],
    # Either VM may finish first.
    "expect": [r"^\[(wide|narrow)\] bench: spin [14] [1-9]"] * 2,
    "forbid": [r"not ok", r"PANIC"],
    "verify": equal_shares,
    "exit": 0,
    "timeout": 120,
}

SCHED_CASES = [
    mke2fs_case(4, [STEAL]),
    mke2fs_case(1, []),
    SHARE_CASE,
]

# SPDX-License-Identifier: MIT
"""The hostile-guest suite's QEMU case (tests/hostile/README.md), run by `make test-hostile`
through tests/qemu/run.py.

The attacker (vCPU 0) and the victim (vCPU 1) share one pCPU (QEMU -smp 1), the hardest case for
the victim's timer; a third vCPU is the target of the CPU_ON storm. The virtio-blk device in
slot 0 serves the 1 MiB memory disk of the virtio guests (guest_cases.py) for the notify flood.
Every attack line must end "answered"; the summary must count them all; the victim must report
no late or lost tick and no corruption; the guest's own checks must all pass."""
import guest_cases

HOSTILE_CHECKS = 7  # attacker.c's check() calls

HOSTILE_CASES = [{
    "name": "hostile-suite",
    "smp": 1,
    "mem": "1G",
    "guest": "build/hostile/hostile.bin",
    "bootargs": ["hv.vcpus=3", "hv.memdisk=0x%x" % guest_cases.VIRTIO_DISK_ADDR],
    # Instruction counting: the victim's clock is QEMU's virtual time, which the host's load
    # (other processes taking the CPU from QEMU) cannot stretch, so a late tick is the
    # hypervisor's doing.
    "qemu_args": ["-icount", "shift=0", "-device", "guest-loader,addr=0x%x,initrd=%s" % (
        guest_cases.VIRTIO_DISK_ADDR, guest_cases.VIRTIO_DISK)],
    "prepare": guest_cases.make_virtio_disk,
    "expect": [
        r"attack 1: load from IPA 0",
        r"victim: \d+ ticks, 0 late \(worst \d+ us after its deadline\), \d+ early, 0 lost; "
        r"\d+ checksums, 0 corrupt",
        r"hostile: (\d+) attacks, \1 answered, 0 escaped",
        r"guest: hostile: %d passed, 0 failed" % HOSTILE_CHECKS,
    ],
    "forbid": guest_cases.GUEST_FORBID + [r"ESCAPED", r"^hv: .*stopped.*fault"],
    "exit": 0,
    "timeout": 90,
}]

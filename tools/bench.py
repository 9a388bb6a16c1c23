#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""make bench: trap-path costs measured from inside a guest.

Runs the bench guest (tests/qemu/guests, `bench: <op> <iterations> <ticks> <cntfrq>` lines)
under the hypervisor, once with QEMU `-icount shift=0` (deterministic: the guest's counter
advances 1 ns per executed instruction, so ticks convert to instructions per operation across
all exception levels) and once in normal mode (wall-clock time under QEMU), and prints a table
next to the figures DESIGN.md section 11 gives for KVM, Xen and our targets.
This is a benchmark, not a test: it never fails on a number.
"""
import argparse
import re
import subprocess
import sys

MACHINE = ["-M", "virt,virtualization=on,gic-version=3", "-cpu", "max", "-nographic",
           "-no-reboot", "-nic", "none", "-semihosting-config", "enable=on,target=native",
           "-smp", "1", "-m", "512M"]
LINE = re.compile(r"^bench: (\S+) (\d+) (\d+) (\d+)")
# DESIGN.md section 11: instructions per operation under -icount shift=0.
PEERS = {
    "hvc-null": ("null hypercall (unknown SMCCC id)", 1281, 1788, 3337, 400),
    "mmio-read": ("read an emulated device register", 7016, 6930, 1246, 650),
    "loop": ("empty loop iteration (floor)", None, None, None, None),
}


def run(args, icount):
    cmd = [args.qemu] + MACHINE + (["-icount", "shift=0"] if icount else []) + [
        "-kernel", args.image, "-append", "hv.exit=semihosting",
        "-device", "guest-loader,addr=0x50000000,kernel=%s" % args.guest]
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=args.timeout).stdout
    results = {}
    for line in out.splitlines():
        m = LINE.match(line.strip())
        if m:
            results[m.group(1)] = tuple(int(v) for v in m.group(2, 3, 4))
    if not results:
        sys.exit("bench: no results; console said:\n" + out[-2000:])
    return results


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--qemu", default="qemu-system-aarch64")
    ap.add_argument("--image", default="build/hypervisor.bin")
    ap.add_argument("--guest", default="build/guests/bench.bin")
    ap.add_argument("--timeout", type=int, default=300)
    args = ap.parse_args()

    det = run(args, icount=True)
    wall = run(args, icount=False)
    print("%-36s %10s %10s %10s %10s %8s %8s %8s %8s" % (
        "operation", "ticks/op", "insns/op", "ticks/op", "ns/op", "KVM-VHE", "KVM-nVHE", "Xen",
        "target"))
    print("%-36s %21s %21s %35s" % ("", "-icount shift=0", "normal (wall)", "insns/op (DESIGN 11)"))
    for op, (iters, ticks, freq) in det.items():
        desc, kvm, kvmn, xen, target = PEERS.get(op, (op, None, None, None, None))
        insns = ticks * 1e9 / freq / iters  # 1 ns per instruction under shift=0
        w = wall.get(op)
        wall_ticks = w[1] / w[0] if w else float("nan")
        wall_ns = w[1] * 1e9 / w[2] / w[0] if w else float("nan")
        fmt = lambda v: "-" if v is None else str(v)
        print("%-36s %10.2f %10.1f %10.2f %10.1f %8s %8s %8s %8s" % (
            desc, ticks / iters, insns, wall_ticks, wall_ns, fmt(kvm), fmt(kvmn), fmt(xen),
            fmt(target)))
    print("(%d iterations each; ticks of the guest's CNTVCT_EL0 at %d Hz; insns/op under -icount"
          " shift=0 includes the guest's own loop)" % (next(iter(det.values()))[0],
                                                        next(iter(det.values()))[2]))


if __name__ == "__main__":
    main()

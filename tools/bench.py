#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""make bench: trap-path costs measured from inside a guest, several pCPUs (bench_smp.py),
overcommit (bench_sched.py) and the CPU share of VMs on one pCPU (bench_share.py).

Runs the bench guest (tests/qemu/guests, `bench: <op> <iterations> <ticks> <cntfrq>` lines)
under the hypervisor, once with QEMU `-icount shift=0` (deterministic: the guest's counter
advances 1 ns per executed instruction, so ticks convert to instructions per operation across
all exception levels) and once in normal mode (wall-clock time under QEMU), and prints a table
next to the figures docs/peers.md gives for KVM, Xen and our targets; then start-up,
VM creation and Linux boot times (tools/bench_boot.py) and virtio-blk throughput.
This is a benchmark, not a test: it never fails on a number.
"""
import argparse
import os
import re
import statistics
import subprocess
import sys

import bench_boot
import bench_ffa
import bench_multivm
import bench_shell
import bench_sched
import bench_share
import bench_smp

MACHINE = ["-M", "virt,virtualization=on,gic-version=3", "-cpu", "max", "-nographic",
           "-no-reboot", "-nic", "none", "-semihosting-config", "enable=on,target=native",
           "-smp", "1", "-m", "512M"]
LINE = re.compile(r"^bench: (\S+) (\d+) (\d+) (\d+)")
# docs/peers.md: instructions per operation under -icount shift=0.
PEERS = {
    "hvc-null": ("null hypercall (unknown SMCCC id)", 1281, 1788, 3337, 150),
    "mmio-read": ("read an emulated device register", 7016, 6930, 1246, 350),
    "mmio-write": ("write the console's data register (vPL011 DR)", None, None, None, 300),
    "console-char": ("console character: FR read + DR write", None, None, None, 600),
    "ram-first-touch": ("first touch of a 2 MiB RAM block", None, None, None, None),
    "loop": ("empty loop iteration (floor)", None, None, None, None),
    "timer-latency": ("timer interrupt latency", 5287, 6226, None, 1200),
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


LINUX_IMAGE = bench_boot.LINUX_IMAGE
LINUX_INITRD = bench_boot.LINUX_INITRD
SHELL_MARKER = bench_boot.SHELL


DISK_MIB = 96
DISK_IO_MIB = 64
# The guest times its own sequential I/O (BusyBox `time`): 64 MiB written to the raw disk and
# synced, then read back after dropping the page cache.
DISK_SCRIPT = ("time dd if=/dev/zero of=/dev/vda bs=1M count=%d conv=fsync; "
               "echo 3 > /proc/sys/vm/drop_caches; "
               "time dd if=/dev/vda of=/dev/null bs=1M count=%d; echo bench-done\n"
               % (DISK_IO_MIB, DISK_IO_MIB))
REAL = re.compile(rb"real\s+(\d+)m\s*([\d.]+)s")


def guest_io_times(cmd, timeout):
    """(write seconds, read seconds) the guest measured, or None."""
    seen = bench_shell.run_script(cmd, SHELL_MARKER, DISK_SCRIPT, timeout)
    times = [int(m) * 60 + float(s) for m, s in REAL.findall(seen or b"")]
    return tuple(times[:2]) if len(times) >= 2 else None


def disk_throughput(args, reps):
    """Sequential write and read in the guest (1 vCPU), its disk a file on this machine:
    served by the hypervisor through QEMU's virtio-blk, vs the same guest directly on QEMU
    with QEMU's virtio-blk as its own disk. Interleaved, `reps` times each."""
    if not (os.path.exists(LINUX_IMAGE) and os.path.exists(LINUX_INITRD)):
        return
    disk = os.path.join(os.path.dirname(args.image), "bench-disk.img")
    drive = ["-global", "virtio-mmio.force-legacy=false",
             "-drive", "file=%s,if=none,format=raw,id=hd0" % disk,
             "-device", "virtio-blk-device,drive=hd0"]
    bootargs = "console=ttyAMA0 rdinit=/init"
    hv = [args.qemu] + MACHINE[:-4] + ["-smp", "1", "-m", "2G", "-kernel", args.image,
                                       "-append", "hv.vcpus=1 hv.guest_mem=512 hv.disk=host",
                                       "-device", "guest-loader,addr=0x50000000,kernel=%s,"
                                       "bootargs=%s" % (LINUX_IMAGE, bootargs),
                                       "-device", "guest-loader,addr=0x54000000,initrd=%s"
                                       % LINUX_INITRD] + drive
    direct = [args.qemu, "-M", "virt,gic-version=3", "-cpu", "max", "-nographic", "-nic",
              "none", "-smp", "1", "-m", "512M", "-kernel", LINUX_IMAGE, "-initrd",
              LINUX_INITRD, "-append", bootargs] + drive
    results = {"hv": [], "direct": []}
    for _ in range(reps):
        for name, cmd in (("hv", hv), ("direct", direct)):
            with open(disk, "wb") as f:
                f.truncate(DISK_MIB << 20)
            t = guest_io_times(cmd, args.timeout)
            if t:
                results[name].append(t)
    os.remove(disk)
    if not results["hv"] or not results["direct"]:
        print("virtio-blk throughput: no result (hv %d, direct %d runs)" % (
            len(results["hv"]), len(results["direct"])))
        return
    print("virtio-blk sequential I/O in the guest, %d MiB, 1 vCPU (%d runs each, median):"
          % (DISK_IO_MIB, reps))
    for i, what in enumerate(("write + fsync", "read (cold)")):
        hv_s = statistics.median(t[i] for t in results["hv"])
        direct_s = statistics.median(t[i] for t in results["direct"])
        print("  %-14s under the hypervisor %6.1f MiB/s   directly on QEMU %6.1f MiB/s"
              "   ratio %.2fx" % (what, DISK_IO_MIB / hv_s, DISK_IO_MIB / direct_s,
                                  (DISK_IO_MIB / hv_s) / (DISK_IO_MIB / direct_s)))


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--qemu", default="qemu-system-aarch64")
    ap.add_argument("--image", default="build/hypervisor.bin")
    ap.add_argument("--guest", default="build/guests/bench.bin")
    ap.add_argument("--timeout", type=int, default=300)
    ap.add_argument("--boot-guest", default="build/guests/boot.bin")
    ap.add_argument("--boot-reps", type=int, default=5)
    ap.add_argument("--pingpong-guest", default="build/guests/smp_pingpong.bin")
    ap.add_argument("--only-smp", action="store_true",
                    help="only the rows of several pCPUs (tools/bench_smp.py)")
    ap.add_argument("--only-multivm", action="store_true",
                    help="only the boot of two Linux VMs on one pCPU (tools/bench_multivm.py)")
    ap.add_argument("--only-share", action="store_true",
                    help="only the CPU-share rows of VMs on one pCPU (tools/bench_share.py)")
    ap.add_argument("--only-create", action="store_true",
                    help="only VM creation: one Linux VM and four (tools/bench_boot.py)")
    ap.add_argument("--only-ffa", action="store_true",
                    help="only the FF-A rows: direct-message round trips and memory "
                    "sharing (tools/bench_ffa.py)")
    args = ap.parse_args()

    if args.only_smp:
        bench_smp.main_rows(args, args.boot_reps)
        return
    if args.only_multivm:
        bench_multivm.multivm_boot(args, args.boot_reps)
        return
    if args.only_create:
        bench_boot.vm_creation(args, args.boot_reps)
        return
    if args.only_share:
        bench_share.cpu_share(args.qemu, args.image, args.timeout)
        return
    if args.only_ffa:
        bench_ffa.direct_messages(args.qemu, args.image, args.timeout)
        bench_ffa.memory_sharing(args.qemu, args.image, args.timeout)
        return
    det = run(args, icount=True)
    wall = run(args, icount=False)
    print("%-36s %10s %10s %10s %10s %8s %8s %8s %8s" % (
        "operation", "ticks/op", "insns/op", "ticks/op", "ns/op", "KVM-VHE", "KVM-nVHE", "Xen",
        "target"))
    print("%-36s %21s %21s %35s" % ("", "-icount shift=0", "normal (wall)", "insns/op (docs/peers.md)"))
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
    print("(%d iterations each, %d first touches; ticks of the guest's CNTVCT_EL0 at %d Hz; "
          "insns/op under -icount shift=0 includes the guest's own loop)"
          % (det["loop"][0], det.get("ram-first-touch", (0,))[0], det["loop"][2]))
    print()
    bench_smp.sgi_roundtrip(args, args.pingpong_guest)
    print()
    bench_ffa.direct_messages(args.qemu, args.image, args.timeout)
    bench_ffa.memory_sharing(args.qemu, args.image, args.timeout)
    print()
    bench_boot.hypervisor_start(args, args.boot_reps)
    bench_boot.vm_creation(args, args.boot_reps)
    for vcpus in (1, 4):
        bench_boot.linux_boot(args, vcpus, args.boot_reps)
    bench_boot.linux_icount(args, args.boot_reps)
    for vcpus in (1, 4):
        bench_boot.linux_icount_shell(args, args.boot_reps, vcpus)
    bench_smp.linux_4on4(args, args.boot_reps)
    print()
    disk_throughput(args, args.boot_reps)
    print()
    bench_sched.overcommit(args.qemu, args.image, os.path.dirname(args.guest), args.boot_reps,
                           args.timeout)
    print()
    bench_share.cpu_share(args.qemu, args.image, args.timeout)
    print()
    bench_multivm.multivm_boot(args, args.boot_reps)


if __name__ == "__main__":
    main()

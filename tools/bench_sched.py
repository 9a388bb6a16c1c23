# SPDX-License-Identifier: MIT
"""The overcommit rows of `make bench` (issue #12, docs/scheduling.md): vCPUs sharing one pCPU.

- SGI round trip between vCPUs on one pCPU, in instructions under `-icount shift=0`
  (tests/qemu/guests/smp_pingpong.c prints "bench: sgi-roundtrip <n> <ticks> <cntfrq>").
- mke2fs of a blank 256 MiB disk and a CPU workload (one shell loop, then four in parallel),
  timed by the guest's own counter (guests/linux/progs/cntvct.c before and after each), with 4
  and 1 vCPUs on one pCPU, and with Linux on 4 CPUs directly on QEMU:
  - under `-icount shift=0,sleep=off`, where the counter counts instructions (hypervisor's and
    guest's alike) and idle time is skipped: the loops are deterministic, mke2fs nearly
    (deterministic()); medians of interleaved runs;
  - in wall time, the 4-vCPU run also with `hv.sched=rr` (the rules before wake-up
    preemption) and with the steal time the guest saw: medians of interleaved runs, since
    wall times on a shared machine vary run to run; next to each, the host CPU time QEMU used
    for the same step (its threads' run time between the guest's marks), which other jobs
    on the machine disturb less than wall time.
Run alone: python3 tools/bench_sched.py [--reps N]."""
import argparse
import os
import re
import statistics
import subprocess

import bench_shell

ICOUNT_MACHINE = ["-M", "virt,virtualization=on,gic-version=3", "-cpu", "max", "-nographic",
                  "-no-reboot", "-nic", "none", "-semihosting-config",
                  "enable=on,target=native", "-smp", "1", "-m", "512M", "-icount", "shift=0"]
ICOUNT = ["-icount", "shift=0,sleep=off"]
LINUX_IMAGE = "build/guests/linux/Image"
LINUX_INITRD = "build/guests/linux/initramfs.cpio.gz"
BOOTARGS = "console=ttyAMA0 rdinit=/init"
DISK_MIB = 256
LOOP = "i=0; while [ $i -lt 50000 ]; do i=$((i+1)); done"
# One loop, then four at once, then mke2fs, the guest's counter printed before and after each
# (cntvct), then /proc/stat. The loop goes into a script first, so no shell between expands
# its variables.
SCRIPT = ("echo '%s' > /tmp/loop.sh; cntvct; sh /tmp/loop.sh; cntvct; "
          "sh -c 'for j in 1 2 3 4; do sh /tmp/loop.sh & done; wait'; cntvct; "
          "mke2fs -q /dev/vda; cntvct; head -1 /proc/stat; echo bench-done\n" % LOOP)
MARK = re.compile(rb"cntvct: count=(\d+) freq=(\d+)")
STAT = re.compile(rb"^cpu\s+((?:\d+\s+){7})(\d+)", re.M)
SGI_LINE = re.compile(r"^bench: sgi-roundtrip (\d+) (\d+) (\d+)", re.M)
STEPS = ("1 loop", "4 loops", "mke2fs")


def sgi_roundtrip(qemu, image, guest_dir, timeout):
    """Instructions per SGI round trip (vCPU 0 to an idle sibling on the same pCPU), or None."""
    guest = os.path.join(guest_dir, "smp_pingpong.bin")
    cmd = [qemu] + ICOUNT_MACHINE + ["-kernel", image, "-append",
                                     "hv.exit=semihosting hv.vcpus=4",
                                     "-device", "guest-loader,addr=0x50000000,kernel=%s" % guest]
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout).stdout
    m = SGI_LINE.search(out)
    if not m:
        return None
    n, ticks, freq = (int(v) for v in m.groups())
    return ticks * 1e9 / freq / n  # 1 ns per instruction under shift=0


def qemu_cpu_seconds(pid):
    """Host CPU time all of QEMU's threads have used so far (Linux /proc), or None."""
    total = 0
    try:
        for tid in os.listdir("/proc/%d/task" % pid):
            with open("/proc/%d/task/%s/schedstat" % (pid, tid)) as f:
                total += int(f.read().split()[0])
    except (OSError, ValueError, IndexError):
        return None
    return total / 1e9


def guest_times(cmd, timeout):
    """Per step (one loop, four loops, mke2fs): seconds of the guest's counter and seconds of
    QEMU's host CPU time (None if unknown); and the guest's steal ticks. None on a failure."""
    cpu = []

    def watch(pid, seen):
        while len(cpu) < len(MARK.findall(seen)):
            cpu.append(qemu_cpu_seconds(pid))

    seen = bench_shell.run_script(cmd, b"guest: init done", SCRIPT, timeout, watch=watch)
    marks = [(int(c), int(f)) for c, f in MARK.findall(seen or b"")]
    if len(marks) < 4 or len(cpu) < 4:
        return None
    guest = tuple((b[0] - a[0]) / a[1] for a, b in zip(marks[:3], marks[1:4]))
    host = tuple(b - a if a is not None and b is not None else None
                 for a, b in zip(cpu[:3], cpu[1:4]))
    steal = STAT.search(seen)
    return guest, host, int(steal.group(2)) if steal else 0


def linux_cmd(qemu, image, disk, vcpus, direct, extra=""):
    drive = ["-global", "virtio-mmio.force-legacy=false",
             "-drive", "file=%s,if=none,format=raw,id=hd0" % disk,
             "-device", "virtio-blk-device,drive=hd0"]
    if direct:
        return [qemu, "-M", "virt,gic-version=3", "-cpu", "max", "-nographic", "-nic", "none",
                "-smp", str(vcpus), "-m", "512M", "-kernel", LINUX_IMAGE, "-initrd",
                LINUX_INITRD, "-append", BOOTARGS] + drive
    return [qemu, "-M", "virt,virtualization=on,gic-version=3", "-cpu", "max", "-nographic",
            "-no-reboot", "-nic", "none", "-smp", "1", "-m", "2G", "-kernel", image,
            "-append", "hv.vcpus=%d hv.guest_mem=512 hv.disk=host %s" % (vcpus, extra),
            "-device", "guest-loader,addr=0x50000000,kernel=%s,bootargs=%s"
            % (LINUX_IMAGE, BOOTARGS),
            "-device", "guest-loader,addr=0x54000000,initrd=%s" % LINUX_INITRD] + drive


def median_or_none(values):
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


def fmt(v, spec="%.2f"):
    return spec % v if v is not None else "-"


def deterministic(qemu, image, disk, reps, timeout):
    """Runs under -icount, interleaved: {name: [guest seconds per step, one tuple per run]}.
    The loops are the same instructions every run; mke2fs is not quite: the hypervisor's
    virtio-blk polls QEMU's disk (vdev/hostblk.c), for as many instructions as QEMU's host
    I/O takes (and directly on QEMU the guest's waits for its disk skip ahead to timer
    deadlines: not comparable)."""
    runs = {"hv4": (4, False), "hv1": (1, False), "direct4": (4, True)}
    out = {k: [] for k in runs}
    for _ in range(reps):
        for name, (vcpus, direct) in runs.items():
            with open(disk, "wb") as f:
                f.truncate(DISK_MIB << 20)
            t = guest_times(linux_cmd(qemu, image, disk, vcpus, direct) + ICOUNT, timeout)
            if t:
                out[name].append(t[0])
    return {k: v for k, v in out.items() if v}


def wall(qemu, image, disk, reps, timeout):
    """Interleaved runs in wall time: {name: (guest seconds, host CPU seconds, steal)} medians."""
    runs = {"hv4": (4, False, ""), "hv1": (1, False, ""), "direct4": (4, True, ""),
            "hv4-rr": (4, False, "hv.sched=rr")}
    results = {k: [] for k in runs}
    for _ in range(reps):
        for name, (vcpus, direct, extra) in runs.items():
            with open(disk, "wb") as f:
                f.truncate(DISK_MIB << 20)
            t = guest_times(linux_cmd(qemu, image, disk, vcpus, direct, extra), timeout)
            if t:
                results[name].append(t)
    if not all(results.values()):
        print("  Linux, wall time: no result (%s)" % ", ".join(
            "%s %d runs" % (k, len(v)) for k, v in results.items()))
        return None
    return {k: (tuple(statistics.median(t[0][i] for t in v) for i in range(3)),
                tuple(median_or_none(t[1][i] for t in v) for i in range(3)),
                statistics.median(t[2] for t in v))
            for k, v in results.items()}


def ratio(a, b):
    return a / b if a is not None and b else None


def overcommit(qemu, image, guest_dir, reps, timeout):
    print("Overcommit: vCPUs sharing one pCPU (docs/scheduling.md)")
    insns = sgi_roundtrip(qemu, image, guest_dir, timeout)
    print("  SGI round trip, vCPU 0 to an idle sibling on the same pCPU, -icount shift=0: "
          "%s instructions   (target <= 2000; KVM VHE 5041 across host threads)"
          % ("%.0f" % insns if insns else "no result"))
    if not (os.path.exists(LINUX_IMAGE) and os.path.exists(LINUX_INITRD)):
        print("  (no %s: `make linux initramfs` for the Linux rows)" % LINUX_IMAGE)
        return
    disk = os.path.join(os.path.dirname(image), "bench-mke2fs.img")
    try:
        # The loops need one run, mke2fs a few for its median and range.
        det_reps = min(reps, 3)
        det_runs = deterministic(qemu, image, disk, det_reps, timeout)
        med = wall(qemu, image, disk, reps, timeout)
    finally:
        if os.path.exists(disk):
            os.remove(disk)
    labels = {"hv4": "4 vCPUs on 1 pCPU", "hv4-rr": "4 vCPUs on 1 pCPU, hv.sched=rr (before)",
              "hv1": "1 vCPU", "direct4": "4 CPUs directly on QEMU (no EL2)"}
    det = {k: tuple(statistics.median(t[i] for t in v) for i in range(3))
           for k, v in det_runs.items()}
    print("  Linux 6.12, -icount shift=0,sleep=off, guest's counter (M instructions, idle "
          "skipped), median of %d runs; mke2fs also its range (the hypervisor polls QEMU's disk):"
          % det_reps)
    print("    %-44s %9s %9s %20s" % (("",) + STEPS))
    for k in ("hv4", "hv1", "direct4"):
        if k in det:
            mkfs = [t[2] * 1e3 for t in det_runs[k]]
            print("    %-44s %9.1f %9.1f %20s" % (labels[k], det[k][0] * 1e3, det[k][1] * 1e3,
                                              "%.1f (%.1f-%.1f)" % (det[k][2] * 1e3, min(mkfs),
                                                                    max(mkfs))
                                              if k != "direct4" else "n/a"))
    if med:
        print("  Linux 6.12, wall time, median of %d interleaved runs: guest-timed seconds / "
              "QEMU's host CPU seconds:" % reps)
        print("    %-44s %13s %13s %13s %6s" % (("",) + STEPS + ("steal",)))
        for k in ("hv4", "hv4-rr", "hv1", "direct4"):
            g, h, steal = med[k]
            print("    %-44s %s %6d" % (labels[k], " ".join(
                "%6.2f/%-6s" % (g[i], fmt(h[i])) for i in range(3)), steal))
    d4, d1 = det.get("hv4"), det.get("hv1")
    w4, w1 = (med["hv4"], med["hv1"]) if med else (None, None)
    print("  4 parallel loops / 1 loop, 4 vCPUs on 1 pCPU (target <= 4.2x): -icount %sx, wall "
          "%sx, QEMU CPU %sx" % (fmt(ratio(d4[1], d4[0]) if d4 else None),
                                 fmt(ratio(w4[0][1], w4[0][0]) if w4 else None),
                                 fmt(ratio(w4[1][1], w4[1][0]) if w4 else None)))
    print("  mke2fs 256 MiB, 4 vCPUs / 1 vCPU (target <= 1.5x): -icount %sx, wall %sx, QEMU "
          "CPU %sx%s" % (fmt(ratio(d4[2], d1[2]) if d4 and d1 else None),
                         fmt(ratio(w4[0][2], w1[0][2]) if w4 else None),
                         fmt(ratio(w4[1][2], w1[1][2]) if w4 else None),
                         "; hv.sched=rr wall %.2fx" % (med["hv4-rr"][0][2] / w1[0][2])
                         if med else ""))
    if med:
        print("  steal time seen by the 4-vCPU guest: %d ticks of /proc/stat (target: > 0)"
              % med["hv4"][2])


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--qemu", default="qemu-system-aarch64")
    p.add_argument("--image", default="build/hypervisor.bin")
    p.add_argument("--guest-dir", default="build/guests")
    p.add_argument("--reps", type=int, default=3)
    p.add_argument("--timeout", type=float, default=600)
    args = p.parse_args()
    overcommit(args.qemu, args.image, args.guest_dir, args.reps, args.timeout)


if __name__ == "__main__":
    main()

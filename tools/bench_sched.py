# SPDX-License-Identifier: MIT
"""The overcommit rows of `make bench` (issue #12, docs/scheduling.md): vCPUs sharing one pCPU.

- SGI round trip between vCPUs on one pCPU, in instructions under `-icount shift=0`
  (tests/qemu/guests/smp_pingpong.c prints "bench: sgi-roundtrip <n> <ticks> <cntfrq>").
- mke2fs of a blank 256 MiB disk and a CPU workload (one shell loop, then four in parallel),
  timed by the guest's own `time`, with 4 and 1 vCPUs on one pCPU, and with Linux on 4 CPUs
  directly on QEMU; the 4-vCPU run also with `hv.sched=rr` (the rules before wake-up
  preemption) and with the steal time the guest saw.
Wall times on a shared machine vary run to run: medians of a few runs."""
import os
import re
import statistics
import subprocess

import bench_shell

ICOUNT_MACHINE = ["-M", "virt,virtualization=on,gic-version=3", "-cpu", "max", "-nographic",
                  "-no-reboot", "-nic", "none", "-semihosting-config",
                  "enable=on,target=native", "-smp", "1", "-m", "512M", "-icount", "shift=0"]
LINUX_IMAGE = "build/guests/linux/Image"
LINUX_INITRD = "build/guests/linux/initramfs.cpio.gz"
BOOTARGS = "console=ttyAMA0 rdinit=/init"
DISK_MIB = 256
LOOP = "i=0; while [ $i -lt 50000 ]; do i=$((i+1)); done"
# One loop, then four at once, then mke2fs; the guest prints `time` for each, then /proc/stat.
# The loop goes into a script first, so no shell between expands its variables.
SCRIPT = ("echo '%s' > /tmp/loop.sh; time sh /tmp/loop.sh; "
          "time sh -c 'for j in 1 2 3 4; do sh /tmp/loop.sh & done; wait'; "
          "time mke2fs -q /dev/vda; head -1 /proc/stat; echo bench-done\n" % LOOP)
REAL = re.compile(rb"real\s+(\d+)m\s*([\d.]+)s")
STAT = re.compile(rb"^cpu\s+((?:\d+\s+){7})(\d+)", re.M)
SGI_LINE = re.compile(r"^bench: sgi-roundtrip (\d+) (\d+) (\d+)", re.M)


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


def guest_times(cmd, timeout):
    """(one loop, four loops, mke2fs) seconds the guest measured and its steal ticks, or None."""
    seen = bench_shell.run_script(cmd, b"guest: init done", SCRIPT, timeout)
    times = [int(m) * 60 + float(s) for m, s in REAL.findall(seen or b"")]
    if len(times) < 3:
        return None
    steal = STAT.search(seen)
    return tuple(times[:3]) + (int(steal.group(2)) if steal else 0,)


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
    os.remove(disk)
    if not all(results.values()):
        print("  Linux: no result (%s)" % ", ".join("%s %d runs" % (k, len(v))
                                                      for k, v in results.items()))
        return
    med = {k: tuple(statistics.median(t[i] for t in v) for i in range(4))
           for k, v in results.items()}
    print("  Linux 6.12, guest-timed, median of %d runs (seconds):" % reps)
    print("    %-44s %9s %9s %9s %8s" % ("", "1 loop", "4 loops", "mke2fs", "steal"))
    labels = {"hv4": "4 vCPUs on 1 pCPU", "hv4-rr": "4 vCPUs on 1 pCPU, hv.sched=rr (before)",
              "hv1": "1 vCPU", "direct4": "4 CPUs directly on QEMU (no EL2)"}
    for k in ("hv4", "hv4-rr", "hv1", "direct4"):
        one, four, mkfs, steal = med[k]
        print("    %-44s %9.2f %9.2f %9.2f %8d" % (labels[k], one, four, mkfs, steal))
    one, four, mkfs, steal = med["hv4"]
    print("  mke2fs 256 MiB, 4 vCPUs / 1 vCPU: %.2fx (target <= 1.5x; hv.sched=rr %.2fx)"
          % (mkfs / med["hv1"][2], med["hv4-rr"][2] / med["hv1"][2]))
    print("  4 parallel loops / 1 loop, 4 vCPUs on 1 pCPU: %.2fx (target <= 4.2x; directly on "
          "QEMU with 4 CPUs %.2fx)" % (four / one, med["direct4"][1] / med["direct4"][0]))
    print("  steal time seen by the 4-vCPU guest: %d ticks of /proc/stat (target: > 0)" % steal)

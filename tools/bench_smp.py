# SPDX-License-Identifier: MIT
"""make bench, several pCPUs (tools/bench.py imports it; issue 13).

- Virtual IPI round trip: the smp_pingpong guest (tests/qemu/guests/smp_pingpong.c) sends SGI 1
  from vCPU 0 to each of vCPUs 1-3 and spins until the target's handler answered, 600 times.
  Run with its 4 vCPUs on one pCPU (QEMU -smp 1) and with one vCPU per pCPU (-smp 4,
  hv.pcpus=4), each under `-icount shift=0` (instructions: the guest's counter ticks once per
  16 instructions at 62.5 MHz; under icount QEMU runs its CPUs one after the other on one host
  thread, so the count is of every CPU's instructions while the round trip lasts) and
  without (wall time; QEMU then runs one host thread per CPU on this 2-core machine).
- Linux 6.12 with 4 vCPUs on 4 pCPUs against the same kernel with 4 CPUs directly on QEMU:
  wall time to `Run /init` and to the shell, and the kernel's timestamp at `Run /init` under
  `-icount shift=0,sleep=off`.
"""
import re
import subprocess

import bench_boot

MACHINE = ["-M", "virt,virtualization=on,gic-version=3", "-cpu", "max", "-nographic",
           "-no-reboot", "-nic", "none", "-semihosting-config", "enable=on,target=native",
           "-m", "512M"]
LINE = re.compile(r"^bench: sgi-roundtrip (\d+) (\d+) (\d+)")
# docs/peers.md: instructions per SGI round trip, KVM VHE and nVHE, and our targets.
KVM_VHE, KVM_NVHE = 5041, 6013
TARGET = {"one": 2000, "across": 1500}


def pingpong(args, guest, pcpus, icount):
    """(round trips, ticks, cntfrq) the guest printed, or None."""
    cmd = [args.qemu] + MACHINE + ["-smp", str(pcpus)] + (
        ["-icount", "shift=0"] if icount else []) + [
        "-kernel", args.image, "-append",
        "hv.exit=semihosting hv.vcpus=4" + (" hv.pcpus=%d" % pcpus if pcpus > 1 else ""),
        "-device", "guest-loader,addr=0x50000000,kernel=%s" % guest]
    try:
        out = subprocess.run(cmd, capture_output=True, text=True, timeout=args.timeout).stdout
    except subprocess.TimeoutExpired:
        return None
    for line in out.splitlines():
        m = LINE.match(line.strip())
        if m:
            return tuple(int(v) for v in m.groups())
    return None


def sgi_roundtrip(args, guest):
    print("%-36s %10s %10s %10s %10s %8s %8s %8s" % (
        "virtual IPI round trip (SGI, answer)", "ticks/op", "insns/op", "ticks/op", "ns/op",
        "KVM-VHE", "KVM-nVHE", "target"))
    print("%-36s %21s %21s %26s" % ("", "-icount shift=0", "normal (wall)",
                                    "insns/op (docs/peers.md)"))
    for where, pcpus in (("one", 1), ("across", 4)):
        det = pingpong(args, guest, pcpus, True)
        wall = pingpong(args, guest, pcpus, False)
        desc = "  4 vCPUs on one pCPU" if pcpus == 1 else "  4 vCPUs on 4 pCPUs (across)"
        nan = float("nan")
        d_ticks = det[1] / det[0] if det else nan
        insns = det[1] * 1e9 / det[2] / det[0] if det else nan  # 1 ns per insn at shift=0
        w_ticks = wall[1] / wall[0] if wall else nan
        w_ns = wall[1] * 1e9 / wall[2] / wall[0] if wall else nan
        print("%-36s %10.2f %10.1f %10.2f %10.1f %8d %8d %8d" % (
            desc, d_ticks, insns, w_ticks, w_ns, KVM_VHE, KVM_NVHE, TARGET[where]))


def linux_4on4(args, reps):
    """Linux 4 vCPUs on 4 pCPUs against 4 CPUs directly on QEMU: wall and -icount."""
    if not bench_boot.have_linux():
        return
    bench_boot.linux_boot(args, 4, reps, pcpus=4)
    bench_boot.linux_icount(args, reps, vcpus=4, pcpus=4)


def main_rows(args, reps):
    sgi_roundtrip(args, args.pingpong_guest)
    print()
    linux_4on4(args, reps)
